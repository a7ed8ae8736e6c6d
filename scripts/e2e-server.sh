#!/usr/bin/env bash
# Starts the release server for Playwright on a fresh temporary SQLite database.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/hookwell-e2e.XXXXXX)
export HOOKWELL_DATA_DIR="$dir"
export HOOKWELL_ADDR="127.0.0.1:${E2E_PORT:-3100}"
export HOOKWELL_ADMIN_PASSWORD="${E2E_ADMIN_PASSWORD:-admin-password-e2e}"
export HOOKWELL_ALLOW_PRIVATE_TARGETS=true
export LEPTOS_SITE_ROOT="$PWD/target/site"
exec ./target/release/server
