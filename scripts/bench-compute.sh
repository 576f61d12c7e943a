#!/usr/bin/env bash
# The compute kernels' time per unit of work (issue 19, patrol's compute tasks), in release on
# one core, with the traffic-equivalent bytes it is worth at 1 Gbit/s next to the constants of
# `spacebook_compute::unit_cost` that price tasks. docs/benchmarks.md keeps the figures.
#
#   scripts/bench-compute.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
bash scripts/setup.sh
cargo build --locked --release -p spacebook-compute --example kernel_costs
"$CARGO_TARGET_DIR/release/examples/kernel_costs"
