#!/usr/bin/env bash
# A serving node's data plane under attack load (issue 14, finding 3; docs/benchmarks.md):
# the Proof-of-Traffic end-to-end test's load phase holds 2 000 idle sockets, 500 slowloris
# connections and 200 open tunnels against one serving node (debug build, loopback, with the
# chain's billing peer on the same node) and downloads 32 MiB from it before and under the
# load. This script runs that test, prints its figures and fails if the download under load is
# slower than half its unloaded speed.
#
#   scripts/bench-dataplane-load.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
bash scripts/setup.sh

# The same build as scripts/test.sh, so that nothing is compiled twice.
cargo build --locked --workspace --all-targets
LOG=$(mktemp)
trap 'rm -f "$LOG"' EXIT
cargo nextest run --locked --workspace --no-capture \
	-E 'package(spacebook-e2e) & test(one_period_of_traffic)' 2>&1 | tee "$LOG" >/dev/null
line=$(grep -o 'load: .*' "$LOG" | head -1)
echo "$line"
percent=$(sed -n 's/.*(\([0-9]*\) %).*/\1/p' <<<"$line")
if [[ -z $percent ]]; then
	echo "no load figures in the test's output" >&2
	exit 1
fi
if ((percent < 50)); then
	echo "the download under load ran at ${percent} % of its unloaded speed (goal: at least 50 %)" >&2
	exit 1
fi
