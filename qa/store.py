"""The Chroma store of passages: one collection, cosine space, our own embeddings.

The collection's metadata records the embedding model; opening it with another model is
an error that tells the user to rebuild. A document is replaced by adding its new
passages first and deleting the old ones after, so an interrupted write never leaves a
document missing.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from qa.errors import EmbeddingMismatchError, StoreError
from qa.types import Passage

SCHEMA_VERSION = 1
_BATCH = 1000
LEXICAL_RECHECK_S = 2.0


class _Lexical(NamedTuple):
    count: int  # passages in the index
    writes: int  # writes through this Store when it was built
    checked: float  # monotonic time of the last check against the store
    index: Any  # qa.lexical.LexicalIndex


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    content_hash: str
    path: str
    title: str
    source: str | None
    passages: int
    signature: str = ""  # MinHash of the article's shingles (qa.dedup)
    dup_group: str = ""  # doc id of the first stored copy of the same story


@dataclass(frozen=True)
class NewDocument:
    """A document's passages ready to be stored."""

    doc_id: str
    content_hash: str
    texts: list[str]
    embeddings: np.ndarray
    metadatas: list[dict[str, Any]]


def _whole_documents(docs: Sequence[NewDocument], limit: int) -> list[list[NewDocument]]:
    """Consecutive groups of whole documents of at most `limit` passages (a longer
    document alone)."""
    groups: list[list[NewDocument]] = []
    size = 0
    for d in docs:
        if not groups or size + len(d.texts) > limit:
            groups.append([])
            size = 0
        groups[-1].append(d)
        size += len(d.texts)
    return groups


def _meta_to_passage(pid: str, text: str, meta: dict[str, Any], score: float) -> Passage:
    return Passage(
        id=pid,
        doc_id=str(meta.get("doc_id", "")),
        source=meta.get("source") or None,
        title=str(meta.get("title", "")),
        text=text,
        score=score,
        span=(int(meta.get("start", 0)), int(meta.get("end", 0))),
        path=str(meta.get("path", "")),
        date=meta.get("date") or None,
        group=str(meta.get("dup_group", "") or meta.get("doc_id", "")),
    )


class Store:
    """Passages of articles in a Chroma collection (embedded client by default)."""

    def __init__(self, path: Path, *, collection: str, model_id: str, rebuild: bool = False) -> None:
        self.path = path
        self.model_id = model_id
        self.collection_name = collection
        self._writes = 0
        self._lexical: _Lexical | None = None
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            path.mkdir(parents=True, exist_ok=True)
            self._client = chromadb.PersistentClient(
                path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
            )
            if rebuild and collection in {c.name for c in self._client.list_collections()}:
                self._client.delete_collection(collection)
            self._col = self._client.get_or_create_collection(
                collection,
                metadata={"embedding_model": model_id, "schema": SCHEMA_VERSION},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        except Exception as exc:  # chromadb raises many types for a bad or locked store
            raise StoreError(
                f"cannot open the store at {path} ({type(exc).__name__}: {str(exc)[:120]}); "
                "if it is damaged, move it aside and run `qa ingest` again"
            ) from exc
        stored = (self._col.metadata or {}).get("embedding_model")
        if stored != model_id:
            raise EmbeddingMismatchError(
                f"the store at {path} was built with the embedding model {stored!r}, not {model_id!r}: "
                "run `qa ingest --rebuild` to re-embed the articles"
            )

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except Exception as exc:
            raise StoreError(f"store {what} failed at {self.path}: {type(exc).__name__}: {str(exc)[:160]}") from exc

    @property
    def collection(self):
        """The underlying Chroma collection (for tools such as the llama-index baseline)."""
        return self._col

    def drop(self) -> None:
        """Delete the whole collection (temporary collections of the evals)."""
        self._call("drop", self._client.delete_collection, self.collection_name)
        self._lexical = None

    def count(self) -> int:
        return int(self._call("count", self._col.count))

    def documents(self) -> dict[str, StoredDocument]:
        """Every stored document, from the metadata of its first passage."""
        got = self._call("read", self._col.get, where={"chunk": 0}, include=["metadatas"])
        docs: dict[str, StoredDocument] = {}
        for meta in got["metadatas"] or []:
            doc = StoredDocument(
                doc_id=str(meta["doc_id"]),
                content_hash=str(meta["content_hash"]),
                path=str(meta.get("path", "")),
                title=str(meta.get("title", "")),
                source=meta.get("source") or None,
                passages=int(meta.get("n_chunks", 0)),
                signature=str(meta.get("minhash", "")),
                dup_group=str(meta.get("dup_group", "") or meta["doc_id"]),
            )
            docs[doc.doc_id] = doc
        return docs

    def put_document(
        self,
        doc_id: str,
        content_hash: str,
        texts: Sequence[str],
        embeddings: np.ndarray,
        metadatas: Sequence[dict[str, Any]],
    ) -> None:
        """Store a document's passages, replacing any other version of it."""
        self.put_documents([NewDocument(doc_id, content_hash, list(texts), embeddings, list(metadatas))])

    def put_documents(self, docs: Sequence[NewDocument]) -> None:
        """Store several documents' passages in as few writes as possible (one write per
        document cost 25 ms, a third of ingest time for short articles), then delete every
        other version of them. New passages go in before old ones go: an interrupted
        write never leaves a document missing."""
        if not docs:
            return
        # Each write holds whole documents, except a document longer than _BATCH (Chroma
        # caps the size of one write), which goes in _BATCH passages at a time.
        for group in _whole_documents(docs, _BATCH):
            ids = [f"{d.doc_id}:{d.content_hash[:12]}:{i}" for d in group for i in range(len(d.texts))]
            embeddings = np.concatenate([np.asarray(d.embeddings, dtype=np.float32) for d in group])
            texts = [t for d in group for t in d.texts]
            metadatas = [m for d in group for m in d.metadatas]
            for lo in range(0, len(ids), _BATCH):
                hi = lo + _BATCH
                self._call("write", self._col.upsert, ids=ids[lo:hi], embeddings=embeddings[lo:hi],
                           documents=texts[lo:hi], metadatas=metadatas[lo:hi])
        self._writes += 1
        stale = [{"$and": [{"doc_id": d.doc_id}, {"content_hash": {"$ne": d.content_hash}}]} for d in docs]
        self._call("delete", self._col.delete, where=stale[0] if len(stale) == 1 else {"$or": stale})

    def lexical_index(self):
        """A BM25 index of every passage, rebuilt when the store has changed: at once after
        a write through this object, within LEXICAL_RECHECK_S after another process's
        (counting the passages on every query cost 9 ms at 100,000 of them)."""
        from qa.lexical import LexicalIndex

        now, cached = time.monotonic(), self._lexical
        if cached and cached.writes == self._writes and now - cached.checked < LEXICAL_RECHECK_S:
            return cached.index
        count = self.count()
        if cached and (cached.count, cached.writes) == (count, self._writes):
            self._lexical = cached._replace(checked=now)
        else:
            got = self._call("read", self._col.get, include=["documents"])
            index = LexicalIndex(got["ids"], got["documents"] or [])
            self._lexical = _Lexical(len(index.ids), self._writes, now, index)
        return self._lexical.index

    def get(self, ids: Sequence[str], embedding: np.ndarray) -> list[Passage]:
        """Passages by id, scored by cosine similarity to `embedding`."""
        if not ids:
            return []
        got = self._call("read", self._col.get, ids=list(ids), include=["documents", "metadatas", "embeddings"])
        found = {
            pid: _meta_to_passage(pid, text, meta, float(np.dot(np.asarray(vec), embedding)))
            for pid, text, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"])
        }
        return [found[i] for i in ids if i in found]

    def delete_document(self, doc_id: str) -> None:
        self._writes += 1
        self._call("delete", self._col.delete, where={"doc_id": doc_id})

    def query(self, embedding: np.ndarray, k: int) -> list[Passage]:
        """The `k` passages closest to `embedding`, best first (score = cosine similarity)."""
        # No count() first: it costs 9 ms at 100,000 passages, and Chroma returns fewer
        # results (none on an empty collection) when asked for more than it holds.
        got = self._call(
            "query",
            self._col.query,
            query_embeddings=[embedding],
            n_results=k,
            include=["documents", "metadatas", "distances"],
        )
        return [
            _meta_to_passage(pid, text, meta, 1.0 - float(dist))
            for pid, text, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]
            )
        ]
