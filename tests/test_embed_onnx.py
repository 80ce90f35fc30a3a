"""The ONNX runtime of MiniLM gives the vectors sentence-transformers gives (the store's
model id does not change with the runtime), and falls back to torch when it cannot load."""

from __future__ import annotations

import logging

import numpy as np
import pytest

from qa.articles.chunking import chunk_article
from qa.articles.ingest import seeds_dir
from qa.articles.loaders import find_files, load_article
from qa.models.embed import ONNX_FILE, MiniLMEmbedder

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def texts() -> list[str]:
    passages = [c.text for f in find_files([seeds_dir()]) for c in chunk_article(load_article(f))]
    return passages + ["How far is Qaim from Baghdad?", "x", "word " * 400]  # short, one token, truncated


def test_onnx_and_torch_give_the_same_vectors(tmp_path, texts):
    onnx = MiniLMEmbedder(onnx_dir=tmp_path)
    got = onnx.encode(texts)
    assert onnx.runtime == "onnx" and (tmp_path / ONNX_FILE).is_file()
    torch = MiniLMEmbedder()
    want = torch.encode(texts)
    assert torch.runtime == "torch"
    assert got.shape == want.shape == (len(texts), 384) and got.dtype == np.float32
    assert np.abs(got - want).max() < 1e-4
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-5)
    # one text alone is encoded as within a batch (padding does not leak into the mean)
    assert np.abs(onnx.encode([texts[0]])[0] - got[0]).max() < 1e-5


def test_a_damaged_onnx_file_falls_back_to_torch(tmp_path, caplog):
    (tmp_path / ONNX_FILE).write_bytes(b"not a model")
    embedder = MiniLMEmbedder(onnx_dir=tmp_path)
    with caplog.at_level(logging.WARNING, logger="qa"):
        vectors = embedder.encode(["Qaim"])
    assert embedder.runtime == "torch" and vectors.shape == (1, 384)
    assert "ONNX embedding runtime unavailable" in caplog.text
