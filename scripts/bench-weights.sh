#!/usr/bin/env bash
# Regenerate pallets' weights.rs from their v2 benchmarks with the standalone frame-omni-bencher
# (installed on demand; the node does not link frame-benchmarking-cli).
#
#   scripts/bench-weights.sh [pallet_name ...]     default: every Spacebook pallet and
#                                                  the upstream pallets the runtime measures
#
# A Spacebook pallet's weights go to pallets/<name>/src/weights.rs (our template, with its
# WeightInfo trait); an upstream pallet's (pallet_collective) to runtime/src/weights/<pallet>.rs
# (the bencher's default template, implementing the upstream trait).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
bash scripts/setup.sh

OMNI_BENCHER_VERSION="${OMNI_BENCHER_VERSION:-0.28.0}"
if ! command -v frame-omni-bencher >/dev/null || \
	! frame-omni-bencher --version 2>/dev/null | grep -q "$OMNI_BENCHER_VERSION"; then
	echo "[bench] installing frame-omni-bencher $OMNI_BENCHER_VERSION"
	# The bencher embeds a test runtime for its storage benchmarks, which the pallet benchmarks
	# do not use: skip its wasm (the wasm toolchain settings of .cargo/config.toml do not apply
	# to `cargo install`).
	SKIP_WASM_BUILD=1 cargo install --locked frame-omni-bencher --version "$OMNI_BENCHER_VERSION" \
		--target-dir "$HOME/.cache/spacebook/omni-target"
fi

# The benchmarking runtime is built in a target directory of its own: its wasm must never
# replace the node's runtime in the shared target's wbuild/. Only the wasm is used, and the wasm
# builder compiles it optimised whatever the cargo profile, so the native side stays in the
# faster debug profile.
BENCH_TARGET_DIR="${BENCH_TARGET_DIR:-$HOME/.cache/spacebook/bench-target}"
CARGO_TARGET_DIR="$BENCH_TARGET_DIR" cargo build --locked -p spacebook-runtime --features runtime-benchmarks
# The wasm builder compacts and compresses the blob only in some profiles: take what it made.
WBUILD="$BENCH_TARGET_DIR/debug/wbuild/spacebook-runtime"
WASM=""
for candidate in spacebook_runtime.compact.compressed.wasm spacebook_runtime.compact.wasm spacebook_runtime.wasm; do
	if [[ -f $WBUILD/$candidate ]]; then WASM="$WBUILD/$candidate"; break; fi
done
[[ -n $WASM ]] || { echo "[bench] error: no runtime wasm in $WBUILD" >&2; exit 1; }
echo "[bench] runtime: $WASM"
# For other benchmark scripts: build, print the runtime's path last, and stop.
if [[ ${BENCH_BUILD_ONLY:-0} == 1 ]]; then echo "$WASM"; exit 0; fi

pallets=("$@")
if ((${#pallets[@]} == 0)); then
	pallets=(pallet_gosig pallet_token pallet_peers pallet_traffic pallet_pricing pallet_billing_elections pallet_committee pallet_scheduling pallet_collective)
fi
# Upstream pallets whose weights the runtime measures itself.
UPSTREAM=(pallet_collective)
for pallet in "${pallets[@]}"; do
	if [[ " ${UPSTREAM[*]} " == *" $pallet "* ]]; then
		output="runtime/src/weights/$pallet.rs"
		template=()
	else
		dir="pallets/${pallet#pallet_}"
		# Crates are named with underscores in the runtime, directories with dashes.
		[[ -d $dir ]] || dir="pallets/$(tr _ - <<<"${pallet#pallet_}")"
		[[ -d $dir ]] || { echo "[bench] error: no pallet directory $dir for $pallet" >&2; exit 1; }
		output="$dir/src/weights.rs"
		template=(--template scripts/frame-weight-template.hbs)
	fi
	echo "[bench] $pallet -> $output"
	frame-omni-bencher v1 benchmark pallet \
		--runtime "$WASM" \
		--pallet "$pallet" --extrinsic "*" \
		--steps 50 --repeat 20 \
		"${template[@]}" \
		--output "$output"
done
