#!/usr/bin/env bash
# Set up this machine, build everything and run the whole test suite: formatting, clippy, unit and
# pallet tests, the runtime, the chain-spec check, the end-to-end tests against real nodes and the
# pallets' benchmarks as tests.
#
# Every step reuses what the build step compiled (docs/testing.md, "Build reuse"): one
# `cargo build --workspace --all-targets` builds the binaries the end-to-end tests start and every
# test binary with one feature set, so nextest compiles nothing again; clippy shares the build's
# build scripts and proc macros ([profile.dev.build-override] in Cargo.toml).
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
step() { printf '\n=== %s\n' "$*"; }

step "setup"
bash scripts/setup.sh
# The end-to-end data planes refuse uploads while their filesystem has less than 2 GiB free
# (--serve-min-free-space), which fails the Proof-of-Traffic test with a cut connection.
free_kib=$(df -Pk "${TMPDIR:-/tmp}" | awk 'NR == 2 { print $4 }')
if ((free_kib < 4 * 1024 * 1024)); then
	echo "error: $((free_kib / 1024)) MiB free under ${TMPDIR:-/tmp}; the end-to-end tests need 4 GiB" >&2
	echo "(the cargo target directory, $CARGO_TARGET_DIR, may be pruned: target/debug/incremental)" >&2
	exit 1
fi

# The runtime's build script also builds the upgrade test's runtime (spec_version + 1) for the
# end-to-end runtime upgrade (docs/testing.md, "Build reuse").
export SPACEBOOK_UPGRADE_TEST_WASM=1

step "cargo fmt --check"
cargo fmt --all --check

step "build the node (and the wasm runtime), the spacebook CLI and every test binary"
cargo build --locked --workspace --all-targets

step "clippy"
# Clippy does not need the runtime's wasm; under clippy's rustc wrapper the wasm builder would look
# for the wasm target in the wrong toolchain. The runtime's build script is a unit of its own under
# clippy, so skipping the wasm build here leaves the build's runtime untouched.
SKIP_WASM_BUILD=1 cargo clippy --locked --workspace --all-targets -- -D warnings

step "tests"
cargo nextest run --locked --workspace --no-fail-fast

step "pallet benchmarks (as tests)"
# One invocation, one feature set, for the nine pallets. They do not depend on the runtime, so
# the wasm build is not involved.
cargo nextest run --locked --no-fail-fast -p pallet-gosig -p pallet-token -p pallet-peers \
	-p pallet-traffic -p pallet-pricing -p pallet-billing-elections -p pallet-committee \
	-p pallet-scheduling -p pallet-patrol --features runtime-benchmarks -E 'test(benchmarking)'
