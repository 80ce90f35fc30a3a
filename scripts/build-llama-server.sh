#!/usr/bin/env bash
# Build llama.cpp's own server, `llama-server`, into .venv/bin, once (opt-in: the embedded
# model uses it when QA_LLAMA_SERVER names it; see README, "llama.cpp's own server").
#
# Its source is the llama.cpp that llama-cpp-python's source distribution vendors
# (vendor/llama.cpp, MIT licence), fetched from the package registry by pip. We build only
# the server: several slots, each with its own prompt cache (a follow-up does not evict the
# answer prompt's cached prefix), log-probabilities without extra cost, and no per-token
# logits buffer sized by the vocabulary on the Python side.
#
# The binary is kept in the cache directory by version and compiler flags: a second install
# on the same machine copies it instead of compiling again (about 6 minutes on 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.3.36  # llama-cpp-python's sdist: the llama.cpp it vendors
PY=.venv/bin/python
CACHE=$($PY -c 'from qa.settings import load_settings; print(load_settings().cache_dir)')
FLAGS="-DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF -DGGML_NATIVE=ON -DLLAMA_CURL=OFF \
-DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=ON"
# compiled for this CPU (-march=native) but without AMX tile instructions: a virtual machine
# can advertise AMX without enabling it, and the build then crashes at its first matrix product
CPU_FLAGS=""
if [ "$(uname -m)" = x86_64 ]; then
  CPU_FLAGS="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
fi
KEY=$(printf '%s\n' "$VERSION" "$FLAGS" "$CPU_FLAGS" "$(uname -m)" "$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)" \
  | sha256sum | cut -c1-16)
CACHED="$CACHE/llama-server/$KEY/llama-server"

if [ ! -x "$CACHED" ]; then
  echo "==> building llama-server from llama.cpp (vendored by llama-cpp-python $VERSION; about 7 minutes on 2 cores, once)"
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  $PY -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
    "llama-cpp-python==$VERSION" -d "$WORK"
  tar -xzf "$WORK"/llama_cpp_python-*.tar.gz -C "$WORK" "llama_cpp_python-$VERSION/vendor/llama.cpp"
  SRC="$WORK/llama_cpp_python-$VERSION/vendor/llama.cpp"
  GEN=()
  if command -v ninja >/dev/null; then GEN=(-G Ninja); fi
  # shellcheck disable=SC2086
  cmake -S "$SRC" -B "$WORK/build" "${GEN[@]}" $FLAGS \
    "-DCMAKE_C_FLAGS=$CPU_FLAGS" "-DCMAKE_CXX_FLAGS=$CPU_FLAGS" >"$WORK/configure.log" \
    || { cat "$WORK/configure.log"; exit 1; }
  cmake --build "$WORK/build" --target llama-server -j "$(nproc 2>/dev/null || echo 2)" >"$WORK/build.log" 2>&1 \
    || { tail -n 40 "$WORK/build.log"; exit 1; }
  mkdir -p "$(dirname "$CACHED")"
  cp "$WORK/build/bin/llama-server" "$CACHED.tmp"
  cp "$SRC/LICENSE" "$(dirname "$CACHED")/LICENSE"
  mv "$CACHED.tmp" "$CACHED"
fi
install -m 755 "$CACHED" .venv/bin/llama-server
echo "==> llama-server: .venv/bin/llama-server (use it with QA_LLAMA_SERVER=$PWD/.venv/bin/llama-server)"
