# Shared settings for scripts/*.sh (sourced, not run).
# One cargo target directory per machine, outside the clone, so that a developer's builds and
# CI's fresh clones share compiled dependencies (see docs/toolchain.md).
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/spacebook/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
SPACEBOOK_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SPACEBOOK_ROOT
# rustup's cargo must come first: Debian's /usr/bin/cargo is only for the wasm toolchain.
if [[ -d "$HOME/.cargo/bin" ]]; then export PATH="$HOME/.cargo/bin:$PATH"; fi
export SPACEBOOK_NODE_BIN="${SPACEBOOK_NODE_BIN:-$CARGO_TARGET_DIR/debug/spacebook-node}"

# Install the Debian packages among "$@" that are missing (as root, or through sudo).
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
apt_install_missing() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	if ((${#missing[@]})); then
		echo "[apt] installing ${missing[*]}"
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get update -qq
		DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
	fi
}
