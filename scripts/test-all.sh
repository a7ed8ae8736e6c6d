#!/usr/bin/env bash
# Runs every suite — Rust unit and integration tests on SQLite and on PostgreSQL, then the
# Playwright suite against the release server — and ends with one line `N passed, N failed`.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"
mkdir -p target/test-logs
# A one-shot CI build gains nothing from incremental caches, which double the disk used.
[ "${CI:-}" = true ] && export CARGO_INCREMENTAL=0
passed=0
failed=0
status=0

# Adds the counts from cargo-nextest's summary line in $1 ("N tests run: N passed (N flaky),
# N failed, …"); flaky tests (failed once, then passed) count as passed and are listed.
count_cargo() {
  local summary p f
  summary=$(grep -E '^ *Summary \[' "$1" | tail -1)
  p=$(sed -nE 's/.* ([0-9]+) passed.*/\1/p' <<<"$summary")
  f=$(grep -oE '[0-9]+ (failed|timed out)' <<<"$summary" | awk '{ s += $1 } END { print s + 0 }')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  grep -E '^ *FLAKY' "$1" || true
  echo "== $2: ${p:-0} passed, ${f:-0} failed"
}

run_cargo() { # name, then the command
  local name=$1; shift
  local log="target/test-logs/$name.log"
  if ! "$@" 2>&1 | tee "$log"; then status=1; fi
  if ! grep -qE '^ *Summary \[' "$log"; then echo "== $name: did not run"; failed=$((failed + 1)); status=1; fi
  count_cargo "$log" "$name"
}

run_cargo rust-app cargo nextest run -p app --features ssr
run_cargo rust-server-sqlite cargo nextest run -p server

# The wire contract checked by stock libraries (PyJWT, standardwebhooks from PyPI), not our code.
if bash examples/receiver/stock_check/run.sh 2>&1 | tee target/test-logs/stock-libraries.log | tail -3 \
   && grep -q PASS target/test-logs/stock-libraries.log; then
  passed=$((passed + 1)); echo "== stock-libraries: 1 passed, 0 failed"
else
  failed=$((failed + 1)); status=1; echo "== stock-libraries: 0 passed, 1 failed"
fi

# The same integration tests against PostgreSQL (a throwaway database on the local cluster).
if bash scripts/pg-test-db.sh > target/test-logs/pg-url 2> target/test-logs/pg-setup.log; then
  # HOOKWELL_TEST_PG_OUTAGE: this run may stop and start the cluster (crash::a_postgres_outage…).
  TEST_DATABASE_URL=$(cat target/test-logs/pg-url) HOOKWELL_TEST_PG_OUTAGE=1 run_cargo rust-server-postgres cargo nextest run -p server --test it --test-threads 1
else
  cat target/test-logs/pg-setup.log
  echo "== rust-server-postgres: PostgreSQL could not be started"; failed=$((failed + 1)); status=1
fi

# Playwright against the release build and Debian Chromium.
if cargo leptos build --release --split --precompress 2>&1 | tail -5; then
  results=end2end/playwright-results.json
  rm -f "$results"
  (cd end2end && npx playwright test) 2>&1 | tee target/test-logs/e2e.log
  if [ -f "$results" ]; then
    read -r p f < <(node -e 'const s=JSON.parse(require("fs").readFileSync(process.argv[1])).stats; console.log((s.expected+s.flaky)+" "+s.unexpected)' "$results")
    passed=$((passed + p)); failed=$((failed + f))
    echo "== playwright: $p passed, $f failed"
    [ "$f" -eq 0 ] || status=1
  else
    echo "== playwright: no results"; failed=$((failed + 1)); status=1
  fi
else
  echo "== release build failed"; failed=$((failed + 1)); status=1
fi

echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
