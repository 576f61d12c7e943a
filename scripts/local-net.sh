#!/usr/bin/env bash
# A local Spacebook network in one command: the `local` chain's four billing peers (Alice, Bob,
# Charlie, Dave) running Gosig, and two serving peers (Eve and Ferdie) registered as
# professional peers with their data planes on loopback. Prints the endpoints (JSON-RPC,
# Prometheus, data planes) and stops everything on Ctrl-C.
#
#   scripts/local-net.sh [--no-build] [--dir DIR] [--port-offset N] [--check]
#
#   --no-build       use the binaries already built (spacebook-node, spacebook)
#   --dir DIR        keep the chains and logs in DIR [default: a new temporary directory]
#   --port-offset N  add N to every port (JSON-RPC 9944–9949, p2p 30333–30338, Prometheus
#                    9615–9620, data planes 8480–8481)
#   --check          start, check that the network finalizes and both serving peers are
#                    registered and serving, then stop (the suite's test of this script)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"

BUILD=1 DIR="" OFFSET=0 CHECK=0
while (($#)); do
	case "$1" in
	--no-build) BUILD=0 ;;
	--dir) DIR="$2"; shift ;;
	--port-offset) OFFSET="$2"; shift ;;
	--check) CHECK=1 ;;
	-h | --help) sed -n '2,15p' "$0"; exit 0 ;;
	*) echo "local-net.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done
if ((BUILD)); then
	bash scripts/setup.sh
	cargo build --locked -p spacebook-node -p spacebook-cli
fi
NODE="$SPACEBOOK_NODE_BIN"
CLI="${SPACEBOOK_CLI_BIN:-$CARGO_TARGET_DIR/debug/spacebook}"
for bin in "$NODE" "$CLI"; do
	[[ -x "$bin" ]] || { echo "local-net.sh: $bin is not built (run without --no-build)" >&2; exit 1; }
done
DIR="${DIR:-$(mktemp -d -t spacebook-local-net.XXXXXX)}"
mkdir -p "$DIR"

NAMES=(alice bob charlie dave eve ferdie)
rpc_port() { echo $((9944 + OFFSET + $1)); }
p2p_port() { echo $((30333 + OFFSET + $1)); }
prometheus_port() { echo $((9615 + OFFSET + $1)); }
serve_port() { echo $((8480 + OFFSET + $1 - 4)); }
# Fixed node keys (secrets 1…6), so that the first node's address is known before it starts.
node_key() { printf '%064x' $(($1 + 1)); }
BOOTNODE="/ip4/127.0.0.1/tcp/$(p2p_port 0)/p2p/$(node_key 0 | "$NODE" key inspect-node-key)"

PIDS=()
stop_all() {
	trap - EXIT INT TERM
	if ((${#PIDS[@]})); then
		kill -INT "${PIDS[@]}" 2>/dev/null || true
		wait "${PIDS[@]}" 2>/dev/null || true
	fi
	echo "stopped; chains and logs in $DIR"
}
trap stop_all EXIT
trap 'exit 130' INT TERM

start_node() {
	local i=$1 name=${NAMES[$1]}
	shift
	"$NODE" --chain local --base-path "$DIR/$name" --name "$name" --node-key "$(node_key "$i")" \
		--port "$(p2p_port "$i")" --rpc-port "$(rpc_port "$i")" --rpc-cors all \
		--prometheus-port "$(prometheus_port "$i")" --bootnodes "$BOOTNODE" "$@" \
		>"$DIR/$name.log" 2>&1 &
	PIDS+=($!)
}

echo "starting the billing peers (logs in $DIR)"
for i in 0 1 2 3; do
	start_node "$i" --validator "--${NAMES[$i]}"
done
# The serving peers' nodes: their peer keys (spbp) in their keystores, their data planes on
# loopback, off-chain workers on (they report the receipts and answer the audits).
for i in 4 5; do
	name=${NAMES[$i]}
	"$NODE" key insert --chain local --base-path "$DIR/$name" --key-type spbp --scheme sr25519 \
		--suri "//${name^}//spacebook-peer"
	start_node "$i" --offchain-worker always --serve "127.0.0.1:$(serve_port "$i")"
done

url="ws://127.0.0.1:$(rpc_port 0)"
wait_for() {
	local what=$1 tries=$2
	shift 2
	for ((t = 0; t < tries; t++)); do
		if "$@" >/dev/null 2>&1; then return 0; fi
		sleep 1
	done
	echo "local-net.sh: $what did not happen in ${tries} s (logs in $DIR)" >&2
	exit 1
}
rpc() {
	curl -sf -H 'content-type: application/json' \
		-d "{\"id\":1,\"jsonrpc\":\"2.0\",\"method\":\"$2\",\"params\":[$3]}" \
		"http://127.0.0.1:$(rpc_port "$1")"
}
# The finalized block number of node $1 (0 while it cannot tell).
finalized_number() {
	local head number
	head=$(rpc "$1" chain_getFinalizedHead "" | sed -n 's/.*"result":"\(0x[0-9a-f]*\)".*/\1/p')
	[[ -n "$head" ]] || { echo 0; return; }
	number=$(rpc "$1" chain_getHeader "\"$head\"" | sed -n 's/.*"number":"\(0x[0-9a-f]*\)".*/\1/p')
	echo $((${number:-0}))
}
finalizes() { (($(finalized_number "$1") >= 1)); }
wait_for "a finalized block on Alice's node" 120 finalizes 0

# Eve and Ferdie: Alice funds them (their local-chain SPB vest), they register as professional
# peers with their nodes' peer keys and data-plane endpoints.
for i in 4 5; do
	name=${NAMES[$i]}
	suri="//${name^}"
	address=$("$CLI" key inspect "$suri" | awk '/^address:/ { print $2 }')
	"$CLI" --url "$url" --suri //Alice transfer "$address" 20000 >/dev/null
	peer_key=$("$CLI" key inspect "$suri//spacebook-peer" | awk '/^public key:/ { print $3 }')
	"$CLI" --url "$url" --suri "$suri" peer register-professional --peer-key "$peer_key" \
		--endpoint "http://127.0.0.1:$(serve_port "$i")" --storage-gib 1024 --bandwidth-mbps 1000 \
		--cpu-cores 8 --region SG --latitude 1.352083 --longitude 103.819836 >/dev/null
	echo "registered ${name^} ($address) as a professional peer"
done
serving() { curl -sf "http://127.0.0.1:$(serve_port "$1")/v1/status"; }
wait_for "Eve's data plane serving" 60 serving 4
wait_for "Ferdie's data plane serving" 60 serving 5

echo
printf '%-8s %-26s %-24s %s\n' node JSON-RPC Prometheus "data plane"
for i in 0 1 2 3 4 5; do
	plane="-"
	((i >= 4)) && plane="http://127.0.0.1:$(serve_port "$i")"
	printf '%-8s %-26s %-24s %s\n' "${NAMES[$i]}" "ws://127.0.0.1:$(rpc_port "$i")" \
		"127.0.0.1:$(prometheus_port "$i")" "$plane"
done
echo
echo "the CLI: $CLI --url $url peers"

if ((CHECK)); then
	# Every node finalizes, and the registry lists both serving peers' endpoints.
	for i in 0 1 2 3 4 5; do
		before=$(finalized_number "$i")
		more() { (($(finalized_number "$1") > $2)); }
		wait_for "finality on ${NAMES[$i]}'s node" 60 more "$i" "$before"
	done
	shown=$("$CLI" --url "$url" peers)
	for i in 4 5; do
		grep -q "127.0.0.1:$(serve_port "$i")" <<<"$shown" || {
			echo "local-net.sh: the registry does not list ${NAMES[$i]}'s endpoint: $shown" >&2
			exit 1
		}
	done
	echo "check passed"
	exit 0
fi
echo "running; Ctrl-C stops every node"
wait
