#!/usr/bin/env bash
# Server-side rendering at scale on the release build and SQLite: /webhooks and /webhooks/:id
# with 1,000 and 100,000 webhooks, and a deliveries list with 1,000,000 deliveries (median and
# p99 of sequential requests). Prints a table and writes bench/results/ssr_scale.json.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3203}
dir=$(mktemp -d /tmp/hookwell-bench.XXXXXX)
HOOKWELL_DATA_DIR=$dir HOOKWELL_ADDR=127.0.0.1:$port HOOKWELL_ADMIN_PASSWORD=bench-password-1 \
  LEPTOS_SITE_ROOT=target/site ./target/release/server > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
mkdir -p bench/results
python3 bench/ssr_scale.py "http://127.0.0.1:$port" "$dir/hookwell.db" bench-password-1 bench/results/ssr_scale.json
