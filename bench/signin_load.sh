#!/usr/bin/env bash
# /webhooks latency idle and while 32 clients sign in in a loop, against the release server on
# a fresh SQLite database. BENCH_SERVER picks another binary (e.g. an older build, to compare).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3201}
server=${BENCH_SERVER:-./target/release/server}
dir=$(mktemp -d /tmp/hookwell-bench.XXXXXX)
HOOKWELL_DATA_DIR=$dir HOOKWELL_ADDR=127.0.0.1:$port HOOKWELL_ADMIN_PASSWORD=bench-password-1 \
  LEPTOS_SITE_ROOT=target/site "$server" > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
jar="$dir/cookies"
curl -fs -c "$jar" -o /dev/null -d 'username=admin&password=bench-password-1&next=/' "http://127.0.0.1:$port/login"
curl -fs -b "$jar" -o /dev/null -d 'username=loadtest&password=loadtest-password-1&role=Author' "http://127.0.0.1:$port/rpc/create_user"
python3 bench/signin_load.py "http://127.0.0.1:$port" bench-password-1 loadtest loadtest-password-1
