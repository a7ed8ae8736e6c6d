#!/usr/bin/env bash
# Retention under steady load: the release server with a tiny HOOKWELL_RETENTION (default 2m)
# receives events at a steady rate (default 50/s, ~1 KB each, one HMAC webhook, a loopback
# receiver) for several minutes (default 6); every 30 s the database size is printed (SQLite:
# file + WAL + shm; PostgreSQL: pg_database_size) with the row counts. Once the retention age has
# passed the size levels off. Writes bench/results/retention.json.
#   BENCH_DATABASE_URL=postgres://…  runs it on PostgreSQL instead (a database of its own).
set -euo pipefail
cd "$(dirname "$0")/.."
port=${BENCH_PORT:-3203}
rport=${BENCH_RECEIVER_PORT:-4103}
export BENCH_RETENTION=${BENCH_RETENTION:-2m}
export BENCH_RATE=${BENCH_RATE:-50}
export BENCH_SECONDS=${BENCH_SECONDS:-360}
export BENCH_SAMPLE_EVERY=${BENCH_SAMPLE_EVERY:-30}
[ -n "${BENCH_NO_BUILD:-}" ] || cargo build -q --release -p server --bin server --example delivery_bench
bench_bin=target/release/examples/delivery_bench
dir=$(mktemp -d /tmp/hookwell-retention.XXXXXX)
export HOOKWELL_DATA_DIR=$dir HOOKWELL_ADDR=127.0.0.1:$port HOOKWELL_ADMIN_PASSWORD=bench-password-1 \
  HOOKWELL_ALLOW_PRIVATE_TARGETS=true HOOKWELL_RETENTION=$BENCH_RETENTION LEPTOS_SITE_ROOT=target/site
if [ -n "${BENCH_DATABASE_URL:-}" ]; then
  export DATABASE_URL=$BENCH_DATABASE_URL
else
  export DATABASE_URL="sqlite://$dir/hookwell.db?mode=rwc"
fi
"$bench_bin" receiver 127.0.0.1:$rport & rpid=$!
./target/release/server > "$dir/server.log" 2>&1 & pid=$!
trap 'kill $pid $rpid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.2; done
key=$(./target/release/server api-key create bench)
jar="$dir/cookies"
curl -fs -c "$jar" -o /dev/null -d 'username=admin&password=bench-password-1&next=/' "http://127.0.0.1:$port/login"
curl -fs -b "$jar" -o /dev/null -H 'content-type: application/json' \
  -d "{\"form\":{\"name\":\"Retention bench\",\"url\":\"http://127.0.0.1:$rport/hook\",\"auth_method\":\"HMAC\",\"event_type\":\"NewWorkItemVersionComplete\",\"active\":\"on\",\"ssl\":\"block\"}}" \
  "http://127.0.0.1:$port/rpc/create_webhook"
mkdir -p bench/results
python3 bench/retention.py "http://127.0.0.1:$port" "$key" "$DATABASE_URL" "$dir/server.log"
