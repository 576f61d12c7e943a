#!/usr/bin/env bash
# Set up this machine, build the node and start a development chain with one billing peer
# (Alice). JSON-RPC on ws://127.0.0.1:9944, Prometheus on 127.0.0.1:9615.
# Extra arguments are passed to the node, e.g. `scripts/dev.sh --rpc-external`.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
bash scripts/setup.sh
cargo build --locked -p spacebook-node
exec "$SPACEBOOK_NODE_BIN" --dev --rpc-cors all "$@"
