from pathlib import Path

import pytest

from qa.articles.ingest import ingest
from qa.errors import EmbeddingMismatchError, InputError
from qa.index.store import Store


def _ids(store: Store) -> list[str]:
    return sorted(store._col.get()["ids"])


def test_ingest_stores_passages_with_metadata(seeded_store):
    docs = seeded_store.documents()
    assert len(docs) == 5
    assert docs["002_624767c5aad575bc"].source == "CBC"
    assert seeded_store.count() == sum(d.passages for d in docs.values())
    meta = seeded_store._col.get(limit=1, include=["metadatas"])["metadatas"][0]
    for key in ("doc_id", "source", "title", "path", "start", "end", "content_hash", "date"):
        assert key in meta


def test_second_run_skips_unchanged_files(seeds_copy, store, fake_embedder):
    first = ingest([seeds_copy], store=store, embedder=fake_embedder)
    before = _ids(store)
    second = ingest([seeds_copy], store=store, embedder=fake_embedder)
    assert (first.added, second.added, second.skipped, second.passages) == (5, 0, 5, 0)
    assert _ids(store) == before


def test_changed_file_is_replaced_not_duplicated(seeds_copy, store, fake_embedder):
    ingest([seeds_copy], store=store, embedder=fake_embedder)
    target = sorted(seeds_copy.iterdir())[2]
    target.write_text(target.read_text(encoding="utf-8") + "\nA new paragraph about talks in Geneva was added later.\n",
                      encoding="utf-8")
    report = ingest([seeds_copy], store=store, embedder=fake_embedder)
    assert (report.updated, report.skipped) == (1, 4)
    docs = store.documents()
    assert len(docs) == 5
    rows = store._col.get(where={"doc_id": target.stem}, include=["metadatas", "documents"])
    assert len({m["content_hash"] for m in rows["metadatas"]}) == 1
    assert len(rows["ids"]) == docs[target.stem].passages
    assert any("Geneva" in d for d in rows["documents"])


def test_same_name_in_another_folder_is_another_document(tmp_path, store, fake_embedder):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("First story headline here\n\nThe ferry sank near the coast.\n")
    (tmp_path / "b" / "story.txt").write_text("Second story headline here\n\nThe mine closed after the flood.\n")
    report = ingest([tmp_path], store=store, embedder=fake_embedder)
    assert report.added == 2 and len(store.documents()) == 2


def test_a_file_never_gets_an_id_another_file_holds(tmp_path):
    import hashlib

    from qa.articles.ingest import _doc_id

    path = tmp_path / "b" / "story.txt"
    digest = hashlib.sha1(str(path).encode()).hexdigest()
    assert _doc_id(path, {}) == "story"
    assert _doc_id(path, {"story": "a/story.txt"}) == f"story-{digest[:6]}"
    # another file's path hashed to the same 6 digits (seen in the 10,000-file test: one article lost)
    taken = {"story": "a/story.txt", f"story-{digest[:6]}": "c/story.txt"}
    assert _doc_id(path, taken) == f"story-{digest[:12]}"
    taken[f"story-{digest[:12]}"] = "d/story.txt"
    assert _doc_id(path, taken) == f"story-{digest[:12]}-2"
    # the file's own id is kept (a changed file replaces itself)
    assert _doc_id(path, {"story": "a/story.txt", f"story-{digest[:6]}": str(path)}) == f"story-{digest[:6]}"


def test_bad_files_are_reported_and_good_ones_kept(tmp_path, store, fake_embedder):
    (tmp_path / "good.txt").write_text("A proper headline for a story\n\nThe dam was finished in May.\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    report = ingest([tmp_path], store=store, embedder=fake_embedder)
    assert report.added == 1
    assert sorted(Path(p).name for p, _ in report.failed) == ["binary.txt", "empty.txt"]
    messages = " ".join(m for _, m in report.failed)
    assert "empty file" in messages and "binary" in messages


def test_missing_path_is_an_input_error(tmp_path, store, fake_embedder):
    with pytest.raises(InputError, match="no such file"):
        ingest([tmp_path / "nope"], store=store, embedder=fake_embedder)


def test_store_refuses_another_embedding_model(store, settings):
    with pytest.raises(EmbeddingMismatchError, match="--rebuild"):
        Store(settings.chroma_dir, collection=settings.collection, model_id="other/model")
    rebuilt = Store(settings.chroma_dir, collection=settings.collection, model_id="other/model", rebuild=True)
    assert rebuilt.count() == 0


def test_several_documents_are_written_together_and_replace_their_old_versions(store, fake_embedder):
    import numpy as np

    from qa.index.records import NewDocument, whole_documents

    def doc(doc_id: str, version: str, n: int) -> NewDocument:
        texts = [f"{doc_id} {version} passage {i}" for i in range(n)]
        metas = [{"doc_id": doc_id, "content_hash": version, "chunk": i, "n_chunks": n} for i in range(n)]
        return NewDocument(doc_id, version, texts, fake_embedder.encode(texts), metas)

    store.put_documents([doc("a", "old-a", 3), doc("b", "old-b", 2)])
    store.put_documents([doc("a", "new-a", 2), doc("b", "new-b", 4), doc("c", "new-c", 1)])
    got = store.collection.get(include=["metadatas"])
    assert sorted((m["doc_id"], m["content_hash"]) for m in got["metadatas"]) == sorted(
        [("a", "new-a")] * 2 + [("b", "new-b")] * 4 + [("c", "new-c")]
    )
    sizes = [[len(d.texts) for d in g] for g in whole_documents([doc("x", "v", n) for n in (600, 300, 200, 1500, 5)], 1000)]
    assert sizes == [[600, 300], [200], [1500], [5]]
    assert np.all(np.isfinite(store.query(fake_embedder.encode(["a new-a"])[0], 3)[0].score))
