#!/usr/bin/env bash
# Prepares this machine (Debian bookworm, x86_64, root or sudo) to build and run Spacebook.
#
# Idempotent: every step checks whether it is already done, so a second run takes seconds.
#  1. Debian packages: the Debian Rust toolchain whose std sources build the wasm sysroot
#     (rustc-web, cargo-web, rust-web-src), rust-lld (lld-22), protoc, clang and mold.
#  2. A `wasm32v1-none` sysroot (core, alloc, compiler_builtins) built once with build-std and
#     installed into Debian's rust sysroot; stamped with the rustc version so an upgrade rebuilds it.
#  3. `rustup toolchain link spacebook-wasm /usr`, the toolchain `.cargo/config.toml` names in
#     WASM_BUILD_TOOLCHAIN for substrate-wasm-builder.
#  4. cargo-nextest (from crates.io, locked), which runs the suite with the end-to-end grouping of
#     .config/nextest.toml.
#  5. The JavaScript client of the wallet test (@polkadot/api, from the npm registry, exactly as
#     tests/js/package-lock.json pins it) in $HOME/.cache/spacebook/js.
# See docs/toolchain.md for the reasons.
set -euo pipefail

source "$(dirname "$0")/common.sh"
log() { printf '[setup] %s\n' "$*"; }
APT_PACKAGES=(rustc-web cargo-web rust-web-src lld-22 protobuf-compiler clang libclang-dev mold pkg-config
  libssl-dev make git curl jq)
apt_install_missing "${APT_PACKAGES[@]}"
log "Debian packages present"

command -v rustup >/dev/null || { echo "[setup] error: rustup is required (the native toolchain comes from it)" >&2; exit 1; }

# --- 2. the wasm32v1-none sysroot -------------------------------------------------------------
SYSROOT_LIB=/usr/lib/rustlib/wasm32v1-none/lib
STAMP=$SYSROOT_LIB/.spacebook-stamp
want_stamp="$(/usr/bin/rustc --version) embed-bitcode"
if [[ -f $STAMP && "$(cat "$STAMP")" == "$want_stamp" ]] && ls "$SYSROOT_LIB"/libcore-*.rlib >/dev/null 2>&1; then
  log "wasm32v1-none sysroot present ($want_stamp)"
else
  log "building the wasm32v1-none sysroot with $(/usr/bin/rustc --version)"
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/src"
  cat >"$tmp/Cargo.toml" <<'TOML'
[package]
name = "wasm-sysroot"
version = "0.0.0"
edition = "2021"
[lib]
path = "src/lib.rs"
[profile.release]
panic = "abort"
TOML
  printf '#![no_std]\nextern crate alloc;\n' >"$tmp/src/lib.rs"
  (cd "$tmp" && env -u CARGO_TARGET_DIR -u CARGO_BUILD_TARGET_DIR RUSTUP_TOOLCHAIN= PATH=/usr/bin:/bin \
    RUSTFLAGS="-C embed-bitcode=yes" RUSTC_BOOTSTRAP=1 \
    /usr/bin/cargo build --quiet --release --target wasm32v1-none -Z build-std=core,alloc)
  $SUDO mkdir -p "$SYSROOT_LIB"
  $SUDO rm -f "$SYSROOT_LIB"/*.rlib
  for lib in core alloc compiler_builtins; do
    $SUDO cp "$tmp"/target/wasm32v1-none/release/deps/lib${lib}-*.rlib "$SYSROOT_LIB/"
  done
  echo "$want_stamp" | $SUDO tee "$STAMP" >/dev/null
  # Runtime artefacts built against an older sysroot cannot link with the new one.
  rm -rf "${CARGO_TARGET_DIR:-$HOME/.cache/spacebook/target}"/*/wbuild/*/target 2>/dev/null || true
  log "sysroot installed in $SYSROOT_LIB"
fi

# --- 3. the linked toolchain ------------------------------------------------------------------
if rustup toolchain list | grep -q '^spacebook-wasm'; then
  log "rustup toolchain spacebook-wasm linked"
else
  rustup toolchain link spacebook-wasm /usr
  log "linked rustup toolchain spacebook-wasm -> /usr"
fi
# rustup's components are needed for the checks in scripts/test.sh.
if ! rustup component list --installed 2>/dev/null | grep -q '^clippy'; then
  rustup component add clippy rustfmt >/dev/null 2>&1 || log "note: could not add clippy/rustfmt"
fi

# --- 4. cargo-nextest ----------------------------------------------------------------------------
NEXTEST_VERSION=0.9.143
if command -v cargo-nextest >/dev/null; then
  log "cargo-nextest present ($(cargo-nextest --version 2>/dev/null | head -1))"
else
  log "installing cargo-nextest $NEXTEST_VERSION from crates.io (a few minutes, once)"
  # Its own target directory: the workspace's build settings are not nextest's.
  env -u CARGO_BUILD_TARGET_DIR CARGO_TARGET_DIR="$HOME/.cache/spacebook/nextest-build" \
    cargo install --locked --quiet cargo-nextest --version "$NEXTEST_VERSION"
  rm -rf "$HOME/.cache/spacebook/nextest-build"
fi

# --- 5. the JavaScript wallet client -----------------------------------------------------------
JS_DIR="${SPACEBOOK_JS_DIR:-$HOME/.cache/spacebook/js}"
# The machine's Node.js (with its npm) where there is one, else Debian's.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then apt_install_missing nodejs npm; fi
want_js="$(cat "$SPACEBOOK_ROOT/tests/js/package.json" "$SPACEBOOK_ROOT/tests/js/package-lock.json" | sha256sum | cut -c1-64)"
if [[ -f "$JS_DIR/.spacebook-stamp" && "$(cat "$JS_DIR/.spacebook-stamp")" == "$want_js" ]]; then
  log "JavaScript client present in $JS_DIR"
else
  log "installing the JavaScript client (@polkadot/api) into $JS_DIR"
  mkdir -p "$JS_DIR"
  cp "$SPACEBOOK_ROOT/tests/js/package.json" "$SPACEBOOK_ROOT/tests/js/package-lock.json" "$JS_DIR/"
  (cd "$JS_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  echo "$want_js" >"$JS_DIR/.spacebook-stamp"
fi
# --- 6. the network dashboard and the browser that tests it --------------------------------------
# Debian's Chromium, driven headless by playwright-core (tests/js/dashboard.cjs); no browser
# download from the test tools.
apt_install_missing chromium
DASHBOARD="$SPACEBOOK_ROOT/dashboard"
want_dashboard="$(cd "$DASHBOARD" && cat package.json package-lock.json vite.config.js index.html src/* | sha256sum | cut -c1-64)"
if [[ -f "$DASHBOARD/dist/.spacebook-stamp" && "$(cat "$DASHBOARD/dist/.spacebook-stamp")" == "$want_dashboard" ]]; then
  log "dashboard built in $DASHBOARD/dist"
else
  log "building the dashboard (npm ci, vite build) into $DASHBOARD/dist"
  (cd "$DASHBOARD" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && npm run build --silent >/dev/null)
  echo "$want_dashboard" >"$DASHBOARD/dist/.spacebook-stamp"
fi
log "done"
