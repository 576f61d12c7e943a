#!/usr/bin/env bash
# The scheduling peers' off-chain work at scale (issue 18): a scheduling peer's worker reads
# every professional peer from the registry and ranks them for an open election
# (`Pallet::propose`). Measured in the benchmark runtime's wasm, as the node's off-chain worker
# runs it, with 1 to 10 000 professional peers registered (the `propose` benchmark, an `extra`
# one that the weights do not use). Prints the bencher's table; docs/benchmarks.md keeps the
# figures.
#
#   scripts/bench-scheduling-scale.sh [steps] [repeat]      default: 5 steps, 3 repeats
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
WASM="$(BENCH_BUILD_ONLY=1 bash scripts/bench-weights.sh | tail -n 1)"
frame-omni-bencher v1 benchmark pallet \
	--runtime "$WASM" \
	--pallet pallet_scheduling --extrinsic propose --extra \
	--steps "${1:-5}" --repeat "${2:-3}"
