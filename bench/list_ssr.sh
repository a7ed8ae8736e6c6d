#!/usr/bin/env bash
# Measures server-side rendering of /webhooks with 1,000 webhooks: median and p90 of repeated
# requests against the release server on a fresh SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3200}
n=${BENCH_WEBHOOKS:-1000}
runs=${BENCH_RUNS:-51}
dir=$(mktemp -d /tmp/hookwell-bench.XXXXXX)
HOOKWELL_DATA_DIR=$dir HOOKWELL_ADDR=127.0.0.1:$port HOOKWELL_ADMIN_PASSWORD=bench-password-1 \
  LEPTOS_SITE_ROOT=target/site ./target/release/server > "$dir/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
jar="$dir/cookies"
curl -fs -c "$jar" -o /dev/null -d 'username=admin&password=bench-password-1&next=/' "http://127.0.0.1:$port/login"
echo "seeding $n webhooks…"
for i in $(seq 1 "$n"); do
  types=(NewWorkItemVersionComplete InterviewLoadEvent CustomInterviewEvent)
  t=${types[$((i % 3))]}
  curl -fs -b "$jar" -o /dev/null -H 'content-type: application/json' \
    -d "{\"form\":{\"name\":\"Webhook $i\",\"url\":\"https://h$i.example.com/hook\",\"auth_method\":\"HMAC\",\"event_type\":\"$t\",\"event_name\":\"ev$i\",\"active\":\"on\",\"ssl\":\"block\"}}" \
    "http://127.0.0.1:$port/rpc/create_webhook"
done
measure() { # path
  for _ in $(seq 1 "$runs"); do
    curl -fs -b "$jar" -o /dev/null -w '%{time_total}\n' "http://127.0.0.1:$port$1"
  done | sort -n | awk -v path="$1" '{ a[NR] = $1 } END { printf "%-40s median %.1f ms  p90 %.1f ms  (n=%d)\n", path, a[int((NR + 1) / 2)] * 1000, a[int(NR * 0.9)] * 1000, NR }'
}
measure "/webhooks"
measure "/webhooks?page=20"
measure "/webhooks?q=Webhook%2099&sort=newest"
measure "/webhooks?event=InterviewLoadEvent&status=active"
