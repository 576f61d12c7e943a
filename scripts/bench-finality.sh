#!/usr/bin/env bash
# Measure Gosig finality on loopback: n billing peers running for a fixed number of rounds.
# Prints one JSON line per run: blocks per minute, rounds without proposal, and the time from a
# block's import to its finalization (p50/p99 over all nodes, from Prometheus).
#
#   scripts/bench-finality.sh                  # n = 4 and n = 7 at 3 s rounds, then 1 s rounds
#   scripts/bench-finality.sh 4 3000 60        # n, round length in ms, rounds
#
# PROFILE=release measures a release build (built on demand); the default is the debug build
# that scripts/test.sh makes (hot crates optimised, see Cargo.toml).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
bash scripts/setup.sh >/dev/null
PROFILE="${PROFILE:-debug}"
if [[ $PROFILE == release ]]; then
	cargo build --locked --release -p spacebook-node
	BIN="$CARGO_TARGET_DIR/release/spacebook-node"
else
	cargo build --locked -p spacebook-node
	BIN="$CARGO_TARGET_DIR/debug/spacebook-node"
fi
run() { python3 scripts/bench_finality.py --binary "$BIN" --nodes "$1" --round-ms "$2" --rounds "$3"; }
if (($# > 0)); then
	run "$1" "${2:-3000}" "${3:-60}"
else
	run 4 3000 60
	run 7 3000 60
	run 4 1000 120
	run 7 1000 120
fi
