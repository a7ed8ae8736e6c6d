#!/usr/bin/env bash
# Delivery engine on the release build, HMAC, ~1 KB payloads, against a minimal receiver on
# loopback; beside it the ceiling: a bare reqwest loop with the same concurrency and payloads.
#   BENCH_DB=sqlite|postgres (default sqlite), BENCH_INSTANCES=1|2 (PostgreSQL only for 2).
# Prints a table and writes bench/results/delivery-<db>-<instances>.json.
set -euo pipefail
cd "$(dirname "$0")/.."
db=${BENCH_DB:-sqlite}
instances=${BENCH_INSTANCES:-1}
port=${BENCH_PORT:-3202}
rport=${BENCH_RECEIVER_PORT:-4102}
events=${BENCH_EVENTS:-5000}
concurrency=${BENCH_CONCURRENCY:-64}
if [ "$db" = sqlite ] && [ "$instances" != 1 ]; then echo "several instances need BENCH_DB=postgres" >&2; exit 2; fi
cargo build -q --release -p server --example delivery_bench
bench_bin=target/release/examples/delivery_bench
dir=$(mktemp -d /tmp/hookwell-bench.XXXXXX)
export HOOKWELL_DATA_DIR=$dir HOOKWELL_ADMIN_PASSWORD=bench-password-1 HOOKWELL_MASTER_KEY=$(head -c 32 /dev/urandom | base64) \
  HOOKWELL_ALLOW_PRIVATE_TARGETS=true HOOKWELL_DELIVERY_CONCURRENCY=$concurrency \
  HOOKWELL_DELIVERY_PER_ENDPOINT=$concurrency LEPTOS_SITE_ROOT=target/site
if [ "$db" = postgres ]; then
  DATABASE_URL=$(bash scripts/pg-test-db.sh)
  export DATABASE_URL
fi
"$bench_bin" receiver 127.0.0.1:$rport & pids=$!
server_pids=()
start_instances() { # $1: whether the delivery worker runs (true|false)
  apis=()
  server_pids=()
  for i in $(seq 1 "$instances"); do
    p=$((port + i - 1))
    HOOKWELL_DELIVERY_WORKER=$1 HOOKWELL_ADDR=127.0.0.1:$p ./target/release/server >> "$dir/server-$i.log" 2>&1 &
    server_pids+=($!)
    apis+=("http://127.0.0.1:$p")
    # One at a time, so the first has migrated the database before the next starts.
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$p/healthz" >/dev/null && break; sleep 0.2; done
  done
  api_list=$(IFS=,; echo "${apis[*]}")
  pid_list=$(IFS=,; echo "${server_pids[*]}")
}
stop_instances() { kill -TERM "${server_pids[@]}"; wait "${server_pids[@]}" 2>/dev/null || true; }
trap 'kill $pids ${server_pids[*]} 2>/dev/null; rm -rf "$dir"' EXIT
start_instances false
key=$(./target/release/server api-key create bench)
jar="$dir/cookies"
curl -fs -c "$jar" -o /dev/null -d 'username=admin&password=bench-password-1&next=/' "${apis[0]}/login"
curl -fs -b "$jar" -o /dev/null -H 'content-type: application/json' \
  -d "{\"form\":{\"name\":\"Bench\",\"url\":\"http://127.0.0.1:$rport/hook\",\"auth_method\":\"HMAC\",\"event_type\":\"NewWorkItemVersionComplete\",\"active\":\"on\",\"ssl\":\"block\"}}" \
  "${apis[0]}/rpc/create_webhook"
# Drain: the queue is filled with the workers off, then they start on it, so the rate at which
# it empties is the engine's own, not the API clients'.
BENCH_MODE=fill BENCH_EVENTS=$events BENCH_CLIENTS=$concurrency python3 bench/delivery.py "$api_list" "$key" "http://127.0.0.1:$rport" "$pid_list" >/dev/null
stop_instances
curl -fs -X POST "http://127.0.0.1:$rport/reset" >/dev/null
start_instances true
drain=$(BENCH_MODE=drain BENCH_EVENTS=$events python3 bench/delivery.py "$api_list" "$key" "http://127.0.0.1:$rport" "$pid_list")
engine=$(BENCH_EVENTS=$events BENCH_CLIENTS=$concurrency python3 bench/delivery.py "$api_list" "$key" "http://127.0.0.1:$rport" "$pid_list")
curl -fs -X POST "http://127.0.0.1:$rport/reset" >/dev/null
ceiling=$("$bench_bin" bare "http://127.0.0.1:$rport/hook" "$events" "$concurrency")
mkdir -p bench/results
python3 - "$engine" "$ceiling" "$db" "$instances" "$drain" <<'PY'
import json, sys
e, c = json.loads(sys.argv[1]), json.loads(sys.argv[2])
db, n, d = sys.argv[3], sys.argv[4], json.loads(sys.argv[5])
label = f"{'SQLite' if db == 'sqlite' else 'PostgreSQL'}, {n} instance{'s' if n != '1' else ''}"
ratio = d["deliveries_per_s"] / c["per_second"]
rows = [
    (f"deliveries/s, Hookwell ({label}), draining a filled queue", f'{d["deliveries_per_s"]}'),
    ("deliveries/s, bare reqwest loop (ceiling)", f'{c["per_second"]:.0f}'),
    ("ratio", f"{ratio:.1%}"),
    ("deliveries/s while the API takes the same events (bound by ingest)", f'{e["throughput"]["deliveries_per_s"]}'),
    (f'accept -> first attempt at {e["latency"]["rate_per_s"]}/s (achieved {e["latency"]["achieved_per_s"]}/s) p50 / p99', f'{e["latency"]["accept_to_first_attempt_p50_ms"]} / {e["latency"]["accept_to_first_attempt_p99_ms"]} ms'),
    (f'API ingest, {e["ingest"]["clients"]} clients: events/s, p50 / p99', f'{e["ingest"]["events_per_s"]}, {e["ingest"]["p50_ms"]} / {e["ingest"]["p99_ms"]} ms'),
    ("server RSS idle / peak under load (all instances)", f'{e["rss_mb"]["idle"]} / {e["rss_mb"]["peak_during_load"]} MB'),
]
for k, v in rows:
    print(f"{k:<66} {v}")
out = f"bench/results/delivery-{db}-{n}.json"
json.dump({"database": db, "instances": int(n), "drain": d, "engine": e, "ceiling": c, "ratio": ratio}, open(out, "w"), indent=2)
PY
