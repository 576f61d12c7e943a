#!/usr/bin/env bash
# Set up this machine, build everything and run the whole test suite: formatting, clippy, unit and
# pallet tests, the runtime, the chain-spec check and the end-to-end tests against real nodes.
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
step() { printf '\n=== %s\n' "$*"; }

step "setup"
bash scripts/setup.sh

step "cargo fmt --check"
cargo fmt --all --check

step "build the node (and the wasm runtime) and the spacebook CLI"
cargo build --locked -p spacebook-node -p spacebook-cli

step "clippy"
# Clippy does not need the runtime's wasm; under clippy's rustc wrapper the wasm builder would
# look for the wasm target in the wrong toolchain.
SKIP_WASM_BUILD=1 cargo clippy --locked --workspace --all-targets -- -D warnings

step "tests"
if command -v cargo-nextest >/dev/null; then
	cargo nextest run --locked --workspace --no-fail-fast
else
	cargo test --locked --workspace --no-fail-fast
fi

step "pallet benchmarks (as tests)"
SKIP_WASM_BUILD=1 cargo test --locked -p pallet-gosig --features runtime-benchmarks benchmarking
SKIP_WASM_BUILD=1 cargo test --locked -p pallet-token --features runtime-benchmarks benchmarking
SKIP_WASM_BUILD=1 cargo test --locked -p pallet-peers --features runtime-benchmarks benchmarking
SKIP_WASM_BUILD=1 cargo test --locked -p pallet-traffic --features runtime-benchmarks benchmarking
