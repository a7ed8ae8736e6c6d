#!/usr/bin/env bash
# Time to interactive of the console's deep links under throttled networks and CPUs, and the
# WASM each first page needs: the release server on a fresh SQLite database, real Chromium.
# The first row is the floor: /login's HTML and CSS without any WASM, what the browser alone spends.
# Prints a table; JSON goes to bench/results/hydration.json. Runs in `make bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3210}
site=${BENCH_SITE:-target/site}  # another build to compare with
dir=$(mktemp -d /tmp/hookwell-bench.XXXXXX)
HOOKWELL_DATA_DIR=$dir HOOKWELL_ADDR=127.0.0.1:$port HOOKWELL_ADMIN_PASSWORD=bench-password-1 \
  HOOKWELL_ALLOW_PRIVATE_TARGETS=true LEPTOS_SITE_ROOT=$site ./target/release/server > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
mkdir -p bench/results
node bench/hydration.mjs "http://127.0.0.1:$port" bench-password-1 \
  "$site/pkg" "${BENCH_OUT:-bench/results/hydration.json}"
