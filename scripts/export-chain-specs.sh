#!/usr/bin/env bash
# Regenerate the checked-in chain specs from the runtime's genesis presets.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
cargo build --locked -p spacebook-node
"$SPACEBOOK_NODE_BIN" export-chain-spec --chain local > chain-specs/local.json
echo "wrote chain-specs/local.json"
