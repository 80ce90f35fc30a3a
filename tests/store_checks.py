"""Invariants of a store after any sequence of (possibly interrupted) ingests."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

from qa.articles.loaders import load_article
from qa.index.store import Store


def assert_store_consistent(store: Store, files: list[Path]) -> None:
    """Every file in exactly once, whole, in its current version; nothing else."""
    got = store.collection.get(include=["metadatas"])
    by_doc: dict[str, list[dict]] = defaultdict(list)
    for meta in got["metadatas"]:
        by_doc[str(meta["doc_id"])].append(meta)
    current = {str(p.resolve()): load_article(p).content_hash for p in files}
    seen_paths = Counter()
    for doc_id, metas in by_doc.items():
        hashes = {m["content_hash"] for m in metas}
        assert len(hashes) == 1, f"{doc_id}: {len(hashes)} versions stored"
        chunks = sorted(int(m["chunk"]) for m in metas)
        assert chunks == list(range(int(metas[0]["n_chunks"]))), f"{doc_id}: passages {chunks[:5]}… of {metas[0]['n_chunks']}"
        path = str(metas[0]["path"])
        assert current.get(path) == hashes.pop(), f"{doc_id}: not the current version of {path}"
        seen_paths[path] += 1
    # a file whose exact text is already stored under another path is skipped (one copy)
    stored_hashes = {str(m["content_hash"]) for metas in by_doc.values() for m in metas}
    missing = [p for p, h in current.items() if h not in stored_hashes]
    assert not missing, f"lost: {missing[:3]}"
    assert all(n == 1 for n in seen_paths.values())
    assert_vector_index_consistent(store)


def assert_vector_index_consistent(store: Store, sample: int = 40) -> None:
    """A vector search finds stored passages (a killed write must not leave Chroma's
    index out of step with its records): each sampled passage's own vector finds it."""
    store.refresh()  # this process may hold an index loaded before the ingests it checks
    got = store.collection.get(include=["embeddings"])
    ids, vectors = got["ids"], got["embeddings"]
    step = max(1, len(ids) // sample)
    for i in range(0, len(ids), step):
        hit = store.collection.query(query_embeddings=[vectors[i]], n_results=1, include=["distances"])
        assert hit["ids"][0] and (hit["ids"][0][0] == ids[i] or hit["distances"][0][0] < 1e-6), ids[i]
