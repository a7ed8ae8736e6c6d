#!/usr/bin/env bash
# Starts the local PostgreSQL 15 cluster if needed, creates a throwaway database and prints its URL.
set -euo pipefail
if ! command -v pg_ctlcluster >/dev/null; then
  apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql >/dev/null
fi
pg_ctlcluster 15 main start >/dev/null 2>&1 || true
for _ in $(seq 1 30); do
  su postgres -c "psql -qtAc 'select 1'" >/dev/null 2>&1 && break
  sleep 1
done
name="hookwell_test_$(date +%s)_$$"
su postgres -c "psql -qc \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'hookwell') THEN CREATE ROLE hookwell LOGIN PASSWORD 'hookwell'; END IF; END \\\$\\\$;\"" >&2
su postgres -c "createdb -O hookwell $name" >&2
echo "postgres://hookwell:hookwell@127.0.0.1:5432/$name"
