#!/usr/bin/env bash
# Runs every test of the project, on a fresh machine too: it first installs what the
# tests need, then runs the Rust workspace (unit, conformance, QASM corpus against
# Qiskit, wgpu on whatever adapter exists — GPU tests skip with a reason when there is
# none), builds the Python package into a virtualenv with its `test` extra, and runs
# the pytest suite, then PennyLane's own device test suite on the `ferroq.qubit` device.
#
#   ./scripts/test.sh            # everything
#   FERROQ_VENV=/path ./scripts/test.sh   # another virtualenv (default: .venv)
#   FERROQ_SKIP_APT=1 ./scripts/test.sh   # do not touch system packages
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
VENV="${FERROQ_VENV:-$PWD/.venv}"

# 1. System packages: Mesa's software Vulkan driver (lavapipe; the wgpu backend's tests
#    run on it when there is no GPU), a C compiler (mimalloc in the extension), and
#    OpenMPI with libclang (the MPI backend's tests under mpirun; bindgen needs
#    libclang). Installed only where apt exists and we may use it, and only if missing.
if [ -z "${FERROQ_SKIP_APT:-}" ] && command -v apt-get >/dev/null && command -v dpkg >/dev/null; then
  SUDO=""
  if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then SUDO="sudo -n"; else SUDO="skip"; fi
  fi
  missing=()
  for pkg in mesa-vulkan-drivers libvulkan1 build-essential libopenmpi-dev openmpi-bin libclang-dev; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$SUDO" = skip ]; then
      echo "note: cannot install ${missing[*]} (not root, no sudo); GPU tests may skip"
    else
      echo "== apt-get install ${missing[*]}"
      export DEBIAN_FRONTEND=noninteractive
      $SUDO apt-get update -qq
      $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
    fi
  fi
fi

# 2. A virtualenv with the build backend and the package's test extra (pytest, mypy,
#    hypothesis, Qiskit as the independent reference of the QASM corpus tests and of
#    ferroq.qiskit, cirq-core as the reference of ferroq.cirq).
if [ ! -x "$VENV/bin/python" ]; then
  echo "== creating the virtualenv $VENV"
  "$PYTHON" -m venv "$VENV"
fi
VPY="$VENV/bin/python"
"$VPY" -m pip install --quiet --upgrade pip
"$VPY" -m pip install --quiet maturin numpy pytest mypy hypothesis qiskit
# The venv's python3 comes first, so tests that call python3 (the QASM corpus against
# Qiskit) find Qiskit there.
export PATH="$VENV/bin:$PATH"

echo "== cargo test --workspace"
cargo test --workspace

# The MPI backend (not in the workspace build: it needs OpenMPI): its unit tests, then
# the conformance suite and the exchange tests under mpirun with 2 and 4 ranks on this
# machine (`--oversubscribe`: more ranks than cores is fine for correctness).
if command -v mpirun >/dev/null; then
  echo "== cargo test -p ferroq-mpi --features mpi"
  cargo test -p ferroq-mpi --features mpi
  MPIRUN=(mpirun --oversubscribe)
  [ "$(id -u)" = 0 ] && MPIRUN+=(--allow-run-as-root)
  HOST="$(rustc -vV | sed -n 's/^host: //p' | tr 'a-z-' 'A-Z_')"
  for np in 2 4; do
    echo "== MPI conformance suite: ${MPIRUN[*]} -np $np"
    env "CARGO_TARGET_${HOST}_RUNNER=timeout 900 ${MPIRUN[*]} -np $np" \
      cargo test -p ferroq-conformance --features mpi --test mpi
  done
else
  echo "note: no mpirun (install libopenmpi-dev openmpi-bin libclang-dev); MPI tests skipped"
fi

echo "== pip install ./python[test]"
"$VPY" -m pip install --quiet "./python[test]"

echo "== pytest python/tests"
# Run from outside the source tree so the installed package is the one imported.
(cd python/tests && "$VPY" -m pytest -q .)

# PennyLane's device test suite against `ferroq.qubit` (the device is found through
# the `pennylane.plugins` entry point of the installed package): analytic, then with
# 10,000 shots. `--skip-ops` turns a test that fails with "not supported" into a skip
# (PennyLane's convention for operations a device does not offer). The suite's own
# skips are listed by `-rs`.
echo "== pl-device-test --device ferroq.qubit --shots None"
(cd python/tests && "$VENV/bin/pl-device-test" --device ferroq.qubit --shots None -q -rs -p no:cacheprovider)
echo "== pl-device-test --device ferroq.qubit --shots 10000 --skip-ops"
(cd python/tests && "$VENV/bin/pl-device-test" --device ferroq.qubit --shots 10000 --skip-ops -q -rs -p no:cacheprovider)
