#!/usr/bin/env bash
# Data-plane download throughput on loopback, next to stock tools on the same file in the same
# run (docs/benchmarks.md):
#   - one source:  the SDK from one serving peer   vs  curl from nginx
#   - four sources: the SDK from four serving peers vs  aria2c from four nginx servers
# Serving peers run in one process (`bench_download`, release build) with the SDK's client:
# slice verification (BLAKE3) and receipt signing included, as in real use.
#
#   scripts/bench-dataplane.sh [size_mib]     default 1024 (1 GiB)
set -euo pipefail
source "$(dirname "$0")/common.sh"
cd "$SPACEBOOK_ROOT"
bash scripts/setup.sh

SIZE_MIB="${1:-1024}"
apt_install_missing nginx-light aria2 curl
# nginx is only run by this script, from its own configuration.
$SUDO systemctl disable --now nginx >/dev/null 2>&1 || true

cargo build --locked --release -p spacebook-sdk --example bench_download
BENCH="$CARGO_TARGET_DIR/release/examples/bench_download"

WORK=$(mktemp -d /var/tmp/spacebook-bench.XXXXXX)
# nginx workers run as an unprivileged user when the script runs as root.
chmod 755 "$WORK"
NGINX_PID=""
cleanup() {
	[[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null || true
	rm -rf "$WORK"
}
trap cleanup EXIT

echo "[bench] writing a random ${SIZE_MIB} MiB file"
mkdir -p "$WORK/www" "$WORK/nginx"
head -c "$((SIZE_MIB << 20))" /dev/urandom > "$WORK/www/file.bin"

# nginx: four servers on four loopback ports, sendfile on, no logging.
ports=()
for _ in 1 2 3 4; do ports+=("$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"); done
{
	echo "daemon off; worker_processes 2; pid $WORK/nginx/nginx.pid; error_log $WORK/nginx/error.log;"
	echo "events { worker_connections 256; }"
	echo "http { access_log off; sendfile on; tcp_nopush on; types { } default_type application/octet-stream;"
	echo "  client_body_temp_path $WORK/nginx; proxy_temp_path $WORK/nginx; fastcgi_temp_path $WORK/nginx;"
	echo "  uwsgi_temp_path $WORK/nginx; scgi_temp_path $WORK/nginx;"
	for port in "${ports[@]}"; do echo "  server { listen 127.0.0.1:$port; root $WORK/www; }"; done
	echo "}"
} > "$WORK/nginx/nginx.conf"
nginx -c "$WORK/nginx/nginx.conf" -p "$WORK/nginx" &
NGINX_PID=$!
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:${ports[0]}/file.bin" -r 0-0 && break; sleep 0.1; done

mibps() { python3 -c "print(f'{$SIZE_MIB / $1:.1f}')"; }
now() { date +%s.%N; }
drop_output() { rm -f "$WORK"/out-*; sync; }

drop_output
start=$(now)
curl -sf -o "$WORK/out-curl.bin" "http://127.0.0.1:${ports[0]}/file.bin"
curl_s=$(python3 -c "print($(now) - $start)")
cmp "$WORK/www/file.bin" "$WORK/out-curl.bin"

drop_output
urls=()
for port in "${ports[@]}"; do urls+=("http://127.0.0.1:$port/file.bin"); done
start=$(now)
aria2c -q -x4 -s4 -k1M --file-allocation=none --allow-overwrite=true -d "$WORK" -o out-aria.bin "${urls[@]}"
aria_s=$(python3 -c "print($(now) - $start)")
cmp "$WORK/www/file.bin" "$WORK/out-aria.bin"

drop_output
read -r sdk1_mibps sdk1_s < <("$BENCH" "$WORK/www/file.bin" 1 "$WORK/out-sdk1.bin" "$WORK/peers1")
cmp "$WORK/www/file.bin" "$WORK/out-sdk1.bin"
rm -rf "$WORK/peers1"

drop_output
read -r sdk4_mibps sdk4_s < <("$BENCH" "$WORK/www/file.bin" 4 "$WORK/out-sdk4.bin" "$WORK/peers4")
cmp "$WORK/www/file.bin" "$WORK/out-sdk4.bin"

curl_mibps=$(mibps "$curl_s")
aria_mibps=$(mibps "$aria_s")
echo
echo "| ${SIZE_MIB} MiB on loopback | MiB/s | seconds |"
echo "|---|---|---|"
printf '| nginx + curl (one source) | %s | %.2f |\n' "$curl_mibps" "$curl_s"
printf '| spacebook SDK, one serving peer | %s | %.2f |\n' "$sdk1_mibps" "$sdk1_s"
printf '| aria2c, four nginx servers | %s | %.2f |\n' "$aria_mibps" "$aria_s"
printf '| spacebook SDK, four serving peers | %s | %.2f |\n' "$sdk4_mibps" "$sdk4_s"
python3 - "$sdk1_mibps" "$curl_mibps" "$sdk4_mibps" "$aria_mibps" <<'EOF'
import sys
sdk1, curl, sdk4, aria = map(float, sys.argv[1:])
print(f"\nsingle source: {sdk1 / curl:.2f}x nginx+curl (target >= 0.8); "
      f"four sources: {sdk4 / aria:.2f}x aria2c (target >= 1.0)")
EOF
