#!/usr/bin/env bash
# Time to interactive of the console's deep links under throttled networks and CPUs, and the
# WASM each first page needs: the release server on a fresh SQLite database, real Chromium.
# The first rows are the floors: /login's and the edit page's HTML and CSS without any WASM,
# what the browser alone spends on them. The next two are the framework's floors:
# bench/leptos-floor, a minimal Leptos app (router, one form) built like the console, hydrating
# the whole page and as islands (BENCH_LEPTOS_FLOOR=false skips them).
# Prints a table; JSON goes to bench/results/hydration.json. Runs in `make bench`.
# BENCH_VS=<another build's site dir> (e.g. a copy of target/site from before a change) serves
# that build too, on a second server, and measures each page on both in turn: pairs of samples,
# and the median of their differences, which this machine's drifting speed disturbs far less
# than two separate runs. But the first server comes out ahead even when both serve the same
# build (by 26-90 ms at 30 Mbps, results/hydration-aa-same-build-paired-30mbps.json): run a
# comparison both ways round (BENCH_SITE=<the other> BENCH_VS=<this>) and average.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3210}
site=${BENCH_SITE:-target/site}  # another build to compare with
floor=${BENCH_LEPTOS_FLOOR:-true}
if [ "$floor" = true ]; then
  # The islands build first, kept aside (its server renders differently too), then the whole-page one.
  (cd bench/leptos-floor && cargo leptos build --release --precompress --features islands \
    && rm -rf target/islands && mkdir target/islands && cp -r target/site target/release/leptos-floor target/islands/ \
    && cargo leptos build --release --precompress)
fi
dir=$(mktemp -d /tmp/hookwell-bench.XXXXXX)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; rm -rf "$dir"' EXIT
# serve PORT DATA_DIR SITE: the release server on a fresh database, serving the build in SITE.
serve() {
  mkdir -p "$2"
  HOOKWELL_DATA_DIR=$2 HOOKWELL_ADDR=127.0.0.1:$1 HOOKWELL_ADMIN_PASSWORD=bench-password-1 \
    HOOKWELL_ALLOW_PRIVATE_TARGETS=true LEPTOS_SITE_ROOT=$3 ./target/release/server > "$2/server.log" 2>&1 &
  pids+=($!)
}
healthy() { for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$1/healthz" >/dev/null && break; sleep 0.2; done; }
serve "$port" "$dir" "$site"
if [ -n "${BENCH_VS:-}" ]; then
  vsport=$((port + 10))
  serve "$vsport" "$dir/vs" "$BENCH_VS"
  healthy "$vsport"
  export BENCH_VS_BASE=http://127.0.0.1:$vsport
fi
floors=()
if [ "$floor" = true ]; then
  for variant in whole islands; do
    fport=$((port + ${#floors[@]} + 1))
    root=target; [ $variant = islands ] && root=target/islands
    bin=target/release/leptos-floor; [ $variant = islands ] && bin=target/islands/leptos-floor
    (cd bench/leptos-floor && LEPTOS_SITE_ADDR=127.0.0.1:$fport LEPTOS_SITE_ROOT=$root/site LEPTOS_OUTPUT_NAME=floor \
      exec ./$bin) > "$dir/floor-$variant.log" 2>&1 &
    pids+=($!)
    for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$fport/login" >/dev/null && break; sleep 0.2; done
    label="Leptos floor, minimal app"; [ $variant = islands ] && label="Leptos floor, minimal app as islands"
    floors+=("$label=http://127.0.0.1:$fport")
  done
fi
healthy "$port"
mkdir -p bench/results
node bench/hydration.mjs "http://127.0.0.1:$port" bench-password-1 \
  "$site/pkg" "${BENCH_OUT:-bench/results/hydration.json}" "${floors[@]}"
