#!/usr/bin/env bash
# Installs what Hookwell needs to build (and, with --test, to run its tests).
# Idempotent: every step is skipped when its tool is already present.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PWD/end2end/node_modules/.bin:$PATH"

want_test=false
[ "${1:-}" = "--test" ] && want_test=true

if ! rustup target list --installed | grep -q wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi
if ! cargo leptos --version 2>/dev/null | grep -q '0.3.11'; then
  cargo install cargo-leptos --version 0.3.11 --locked --ignore-rust-version --features no_downloads
fi
if ! wasm-bindgen --version 2>/dev/null | grep -q '0.2.130'; then
  cargo install wasm-bindgen-cli --version 0.2.130
fi
# The Rust tests run under cargo-nextest (each test in its own process, with a time limit).
if $want_test && ! cargo nextest --version >/dev/null 2>&1; then
  cargo install cargo-nextest --locked
fi
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ ! -x end2end/node_modules/.bin/sass ] \
   || { $want_test && [ ! -d end2end/node_modules/@playwright/test ]; }; then
  (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund)
fi
if $want_test && [ ! -x /usr/bin/chromium ]; then
  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
