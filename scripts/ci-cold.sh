#!/usr/bin/env bash
# Reproduce a cold CI run as closely as this machine allows, and print the wall time of each phase.
#
#   scripts/ci-cold.sh [REV]        (REV defaults to HEAD; commit first: only committed work is cloned)
#
# What is cold, as on a fresh CI machine:
#  - a fresh clone of REV into a new temporary directory;
#  - a new empty HOME for the run, and with it an empty cargo target directory
#    ($HOME/.cache/spacebook/target), an empty cargo registry ($HOME/.cargo: every crate is
#    downloaded again) and no JavaScript client ($HOME/.cache/spacebook/js);
#  - `CI=true bash .ci/run`, exactly what CI runs.
# What stays warm, because it is the machine's and not the project's: Debian's packages, rustup's
# toolchains (RUSTUP_HOME), cargo-nextest if the machine has it, and the wasm32v1-none sysroot
# that scripts/setup.sh installs into /usr (≈ 1–2 min to rebuild; remove
# /usr/lib/rustlib/wasm32v1-none to include it).
#
# The phases are scripts/test.sh's `=== step` lines; the log and the timings are kept in the
# run's directory, which is printed at the start and removed only on success unless KEEP=1.
set -euo pipefail
source "$(dirname "$0")/common.sh"
REV="${1:-HEAD}"
ORIGIN_HOME="$HOME"
RUN="$(mktemp -d "${TMPDIR:-/tmp}/spacebook-ci-cold.XXXXXX")"
echo "[ci-cold] run directory: $RUN"
git -C "$SPACEBOOK_ROOT" rev-parse --verify "$REV^{commit}" >/dev/null
COMMIT="$(git -C "$SPACEBOOK_ROOT" rev-parse "$REV")"
git clone --quiet --no-local "$SPACEBOOK_ROOT" "$RUN/clone"
git -C "$RUN/clone" checkout --quiet "$COMMIT"
mkdir -p "$RUN/home"

start=$(date +%s)
set +e
(
	cd "$RUN/clone"
	# A new HOME, cargo home and target directory; rustup's toolchains stay where they are.
	env -i PATH="$ORIGIN_HOME/.cargo/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
		HOME="$RUN/home" USER="${USER:-root}" TERM=dumb LANG=C.UTF-8 CI=true \
		RUSTUP_HOME="${RUSTUP_HOME:-$ORIGIN_HOME/.rustup}" CARGO_HOME="$RUN/home/.cargo" \
		bash -c 'mkdir -p "$CARGO_HOME/bin" && ln -sf "'"$ORIGIN_HOME"'"/.cargo/bin/* "$CARGO_HOME/bin/" && bash .ci/run'
) 2>&1 | while IFS= read -r line; do
	printf '%s %s\n' "$(date +%s)" "$line"
done >"$RUN/log"
status=${PIPESTATUS[0]}
set -e
end=$(date +%s)

# Each phase lasts from its `=== step` line to the next one (or the end).
awk -v end="$end" -v start="$start" '
	/^[0-9]+ === / { if (name != "") printf "%-70s %6.1f min\n", name, (t - since) / 60;
	                 since = $1; name = substr($0, index($0, "=== ") + 4) }
	{ t = $1 }
	END { if (name != "") printf "%-70s %6.1f min\n", name, (end - since) / 60;
	      printf "%-70s %6.1f min\n", "total (clone to end)", (end - start) / 60 }
' "$RUN/log" | tee "$RUN/phases"
echo "[ci-cold] commit $COMMIT: .ci/run exited with status $status; log in $RUN/log"
if [[ $status -eq 0 && "${KEEP:-0}" != 1 ]]; then
	rm -rf "$RUN/clone" "$RUN/home"
fi
exit "$status"
