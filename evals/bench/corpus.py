"""Corpora for the benchmark: real articles for ingest, a generated one for scale.

- Ingest: the five seed articles plus one article per RGB `en_fact` row (its news
  snippets, one paragraph each), written as `.txt` files: real news text, about a
  thousand passages.
- Scale: 100,000 passages made of sentences drawn from those texts, three per passage.
  Embedding 100,000 passages would take about 15 minutes on 2 cores, and ingest speed is
  measured on its own, so each passage's vector is the normalised sum of its sentences'
  real MiniLM vectors plus a little noise: real vocabulary for BM25, a realistic spread of
  vectors for HNSW, and no two passages alike.
"""

from __future__ import annotations

import json
import random
import re
import shutil
from pathlib import Path

import numpy as np

from evals.cases import RGB_FILE
from qa.articles.ingest import seeds_dir

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")


def write_ingest_corpus(target: Path) -> Path:
    """The seeds and the RGB articles as files under `target` (made afresh)."""
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for f in seeds_dir().iterdir():
        if f.is_file():
            shutil.copyfile(f, target / f.name)
    for line in RGB_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        snippets = [*row.get("positive", []), *row.get("negative", [])]
        body = "\n\n".join(" ".join(s.split()) for s in snippets if s.strip())
        (target / f"rgb-{row['id']:03d}.txt").write_text(f"{row['query']}\n\n{body}\n", encoding="utf-8")
    return target


def sentences(texts: list[str], *, limit: int, seed: int = 0) -> list[str]:
    """Up to `limit` distinct sentences of 6-60 words from `texts`."""
    found: dict[str, None] = {}
    for text in texts:
        for s in _SENTENCE_END.split(" ".join(text.split())):
            if 6 <= len(s.split()) <= 60:
                found.setdefault(s, None)
    pool = list(found)
    random.Random(seed).shuffle(pool)
    return pool[:limit]


def generated_passages(
    pool: list[str], vectors: np.ndarray, n: int, *, per_passage: int = 3, noise: float = 0.02, seed: int = 0
) -> tuple[list[str], np.ndarray]:
    """`n` passages of `per_passage` sentences from `pool`, with composed unit vectors."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(pool), size=(n, per_passage))
    texts = [" ".join(pool[i] for i in row) for row in picks]
    composed = vectors[picks].sum(axis=1) + rng.normal(0, noise, size=(n, vectors.shape[1]))
    composed /= np.linalg.norm(composed, axis=1, keepdims=True)
    return texts, composed.astype(np.float32)
