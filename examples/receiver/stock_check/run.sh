#!/bin/sh
# Stock-library check: sign a delivery with Hookwell's signing code, verify it with PyJWT + standardwebhooks.
# Run from the repository root. Creates target/stock-venv on first use (pip from PyPI).
set -eu
VENV=${VENV:-target/stock-venv}
[ -x "$VENV/bin/python" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q PyJWT standardwebhooks; }
cargo run -q -p server --example stock_check -- target/stock-sample.json
"$VENV/bin/python" examples/receiver/stock_check/verify.py target/stock-sample.json
