from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from qa.articles.ingest import ingest, seeds_dir
from qa.index.store import Store
from qa.settings import Settings
from tests.fakes import FakeEmbedder

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _isolated_data_dir(tmp_path, monkeypatch):
    """Every test gets its own data dir; nothing touches the user's store."""
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path / "data"))
    # tests start their own model server and stop it with them; the keep-alive tests set it
    monkeypatch.setenv("QA_KEEP_ALIVE", "0")
    for var in ("QA_CHROMA_HOST", "QA_CHROMA_PORT", "QA_LLM_BASE_URL", "QA_LLM_MODEL", "QA_LLM_API_KEY", "QA_TOP_K", "QA_MIN_SCORE"):
        monkeypatch.delenv(var, raising=False)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", min_score=0.2)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def store(settings, fake_embedder) -> Store:
    return Store(settings.chroma_dir, collection=settings.collection, model_id=fake_embedder.model_id)


@pytest.fixture
def seeded_store(store, fake_embedder, settings) -> Store:
    ingest([seeds_dir()], store=store, embedder=fake_embedder, chunk_size=settings.chunk_size)
    return store


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    target = tmp_path / "articles"
    shutil.copytree(seeds_dir(), target)
    for f in target.iterdir():
        f.chmod(0o644)
    return target
