"""An interrupted ingest (a crash between or inside Chroma writes) is finished by the next
run, and two ingests never write to one store at once. The same is checked with a real
SIGKILL in tests/test_reliability_integration.py."""

from __future__ import annotations

import pytest

import qa.index.store
from qa.articles.ingest import ingest
from qa.errors import StoreError
from qa.index.store import Store
from tests.store_checks import assert_store_consistent


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, no cleanup of ours catches it."""


class _Crashing:
    """The Chroma collection, dying at the n-th call of one method."""

    def __init__(self, col, method: str, at: int) -> None:
        self._col, self._method, self._at, self.calls = col, method, at, 0

    def __getattr__(self, name):
        attr = getattr(self._col, name)
        if name != self._method:
            return attr

        def call(*args, **kwargs):
            self.calls += 1
            if self.calls == self._at:
                raise Killed
            return attr(*args, **kwargs)

        return call


def _reopen(settings, embedder) -> Store:
    return Store(settings.chroma_dir, collection=settings.collection, model_id=embedder.model_id)


def _edit_all(folder) -> list:
    files = sorted(folder.iterdir())
    for f in files:
        f.write_text(f.read_text(encoding="utf-8") + "\nA later paragraph says the talks resumed in Geneva.\n",
                     encoding="utf-8")
    return files


def test_crash_between_writing_a_new_version_and_deleting_the_old_is_finished_next_run(
        seeds_copy, store, fake_embedder, settings):
    ingest([seeds_copy], store=store, embedder=fake_embedder)
    files = _edit_all(seeds_copy)
    store._col = _Crashing(store._col, "delete", at=1)
    with pytest.raises(Killed):
        ingest([seeds_copy], store=store, embedder=fake_embedder)
    fresh = _reopen(settings, fake_embedder)
    assert len(set(m["content_hash"] for m in fresh.collection.get(include=["metadatas"])["metadatas"])) == 10
    report = ingest([seeds_copy], store=fresh, embedder=fake_embedder)
    assert report.repaired == 5 and report.skipped == 5  # the new versions were whole: kept
    assert_store_consistent(fresh, files)


@pytest.mark.parametrize("at", [1, 2, 3])
def test_crash_inside_a_long_document_leaves_nothing_half_in(tmp_path, store, fake_embedder, settings,
                                                             monkeypatch, at):
    monkeypatch.setattr(qa.index.store, "_BATCH", 8)  # a document longer than one write
    folder = tmp_path / "long"
    folder.mkdir()
    long = folder / "long.txt"
    long.write_text("A long report on the river dams\n\n" + "\n\n".join(
        f"Dam number {i} on the river was inspected on day {i} and found to hold {i * 7} tonnes." for i in range(80)),
        encoding="utf-8")
    (folder / "short.txt").write_text("A short note on the ferry\n\nThe ferry sank near the coast.\n")
    store._col = _Crashing(store._col, "upsert", at=at)
    with pytest.raises(Killed):
        ingest([folder], store=store, embedder=fake_embedder)
    fresh = _reopen(settings, fake_embedder)
    assert "long" not in fresh.documents()  # its first passage (the record) comes last
    report = ingest([folder], store=fresh, embedder=fake_embedder)
    assert report.added + report.skipped == 2
    assert_store_consistent(fresh, sorted(folder.iterdir()))


def test_a_second_ingest_is_refused_while_one_is_writing(seeds_copy, store, fake_embedder, settings):
    other = _reopen(settings, fake_embedder)
    with store.writer():
        with pytest.raises(StoreError, match="another ingest .* is writing"):
            ingest([seeds_copy], store=other, embedder=fake_embedder)
    assert ingest([seeds_copy], store=other, embedder=fake_embedder).added == 5  # released


def test_rebuild_waits_for_no_running_ingest(seeds_copy, store, fake_embedder, settings):
    ingest([seeds_copy], store=store, embedder=fake_embedder)
    with store.writer():
        with pytest.raises(StoreError, match="another ingest"):
            Store(settings.chroma_dir, collection=settings.collection, model_id=fake_embedder.model_id,
                  rebuild=True)
    assert store.count() > 0


WRITER = """
import sys
from pathlib import Path
from qa.articles.ingest import ingest
from qa.index.store import Store
from tests.fakes import FakeEmbedder
embedder = FakeEmbedder()
store = Store(Path(sys.argv[1]), collection="articles", model_id=embedder.model_id)
ingest([Path(sys.argv[2])], store=store, embedder=embedder)
"""


def test_a_long_running_process_finds_what_another_process_ingested(tmp_path, store, fake_embedder, monkeypatch):
    """The chat stays open while `qa ingest` adds articles: Chroma's embedded client kept
    the vector index it had loaded, so the new passages were missed by the dense search
    and reading their vectors for a BM25 hit failed ("Error finding id")."""
    import subprocess
    import sys

    from qa.articles.ingest import seeds_dir
    from qa.search.retrieve import retrieve
    from tests.conftest import REPO

    ingest([seeds_dir()], store=store, embedder=fake_embedder)
    question = "Who won the Wimbledon final against Federer?"
    assert retrieve(question, store=store, embedder=fake_embedder, k=3).passages  # this process has its index
    new = tmp_path / "new"
    new.mkdir()
    (new / "tennis.txt").write_text("Djokovic wins Wimbledon\n\nNovak Djokovic won the Wimbledon final "
                                    "against Roger Federer on Sunday in five sets.\n", encoding="utf-8")
    subprocess.run([sys.executable, "-c", WRITER, str(store.path), str(new)], cwd=REPO, check=True, timeout=300)
    monkeypatch.setattr(qa.index.store, "LEXICAL_RECHECK_S", 0.0)  # the next question checks the store again
    found = retrieve(question, store=store, embedder=fake_embedder, k=3)
    assert found.passages[0].doc_id == "tennis"
    assert store.query(fake_embedder.encode([question])[0], 1)[0].doc_id == "tennis"  # the dense search too
