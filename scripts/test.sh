#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace (unit, conformance, QASM corpus,
# wgpu on whatever adapter exists — GPU tests skip with a reason when there is none),
# then builds and installs the Python package and runs its pytest suite.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"

echo "== cargo test --workspace"
cargo test --workspace

echo "== pip install ./python"
"$PYTHON" -m pip install --quiet ./python

echo "== pytest python/tests"
# Run from outside the source tree so the installed package is the one imported.
(cd python/tests && "$PYTHON" -m pytest -q .)
