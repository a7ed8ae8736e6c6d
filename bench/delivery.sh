#!/usr/bin/env bash
# Delivery engine on the release build, SQLite, one instance, HMAC, ~1 KB payloads, against a
# minimal receiver on loopback; beside it the ceiling: a bare reqwest loop with the same
# concurrency and payloads. Prints a table and writes bench/results/delivery.json.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3202}
rport=${BENCH_RECEIVER_PORT:-4102}
events=${BENCH_EVENTS:-5000}
concurrency=${BENCH_CONCURRENCY:-64}
cargo build -q --release -p server --example delivery_bench
bench_bin=target/release/examples/delivery_bench
dir=$(mktemp -d /tmp/hookwell-bench.XXXXXX)
export HOOKWELL_DATA_DIR=$dir HOOKWELL_ADDR=127.0.0.1:$port HOOKWELL_ADMIN_PASSWORD=bench-password-1 \
  HOOKWELL_ALLOW_PRIVATE_TARGETS=true HOOKWELL_DELIVERY_CONCURRENCY=$concurrency \
  HOOKWELL_DELIVERY_PER_ENDPOINT=$concurrency LEPTOS_SITE_ROOT=target/site
"$bench_bin" receiver 127.0.0.1:$rport & rpid=$!
./target/release/server > "$dir/server.log" 2>&1 & pid=$!
trap 'kill $pid $rpid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
key=$(./target/release/server api-key create bench)
jar="$dir/cookies"
curl -fs -c "$jar" -o /dev/null -d 'username=admin&password=bench-password-1&next=/' "http://127.0.0.1:$port/login"
curl -fs -b "$jar" -o /dev/null -H 'content-type: application/json' \
  -d "{\"form\":{\"name\":\"Bench\",\"url\":\"http://127.0.0.1:$rport/hook\",\"auth_method\":\"HMAC\",\"event_type\":\"NewWorkItemVersionComplete\",\"active\":\"on\",\"ssl\":\"block\"}}" \
  "http://127.0.0.1:$port/rpc/create_webhook"
engine=$(BENCH_EVENTS=$events BENCH_CLIENTS=$concurrency python3 bench/delivery.py "http://127.0.0.1:$port" "$key" "http://127.0.0.1:$rport" "$pid")
curl -fs -X POST "http://127.0.0.1:$rport/reset" >/dev/null
ceiling=$("$bench_bin" bare "http://127.0.0.1:$rport/hook" "$events" "$concurrency")
mkdir -p bench/results
python3 - "$engine" "$ceiling" <<'PY'
import json, sys
e, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ratio = e["throughput"]["deliveries_per_s"] / c["per_second"]
rows = [
    ("deliveries/s, Hookwell (SQLite, 1 instance)", f'{e["throughput"]["deliveries_per_s"]}'),
    ("deliveries/s, bare reqwest loop (ceiling)", f'{c["per_second"]:.0f}'),
    ("ratio", f"{ratio:.0%}"),
    (f'accept -> first attempt at {e["latency"]["rate_per_s"]}/s p50 / p99', f'{e["latency"]["accept_to_first_attempt_p50_ms"]} / {e["latency"]["accept_to_first_attempt_p99_ms"]} ms'),
    (f'API ingest, {e["ingest"]["clients"]} clients: events/s, p50 / p99', f'{e["ingest"]["events_per_s"]}, {e["ingest"]["p50_ms"]} / {e["ingest"]["p99_ms"]} ms'),
    ("server RSS idle / peak under load", f'{e["rss_mb"]["idle"]} / {e["rss_mb"]["peak_during_load"]} MB'),
]
for k, v in rows:
    print(f"{k:<58} {v}")
json.dump({"engine": e, "ceiling": c, "ratio": ratio}, open("bench/results/delivery.json", "w"), indent=2)
PY
