#!/bin/sh
# Stock-library check: sign a delivery with the `delivery` crate, verify it with PyJWT + standardwebhooks.
# Run from /work/scratch/delivery. Creates /work/scratch/venv on first use.
set -eu
VENV=${VENV:-/work/scratch/venv}
[ -x "$VENV/bin/python" ] || { python3 -m venv "$VENV" && "$VENV/bin/pip" install -q PyJWT standardwebhooks; }
CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/scratch/target} cargo run -q -p server --example stock_check -- stock_check/sample.json
"$VENV/bin/python" stock_check/verify.py stock_check/sample.json
