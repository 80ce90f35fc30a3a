"""The Chroma store of passages: one collection, cosine space, our own embeddings.

The collection's metadata records the embedding model; opening it with another model is
an error that tells the user to rebuild. The store is embedded (a folder) or a Chroma
server (`chroma run`) when a host is given; the code is the same.

Interrupted writes (a killed `qa ingest`) never leave a document missing, half in or
twice in:
- A document is replaced by adding its new passages first and deleting the old ones
  after, so it is never missing.
- Its first passage carries the document's record (content hash, signature) and is
  written in the last write of the document, so a document is known (and skipped by the
  next ingest) only once all of it is in. One upsert is one SQLite transaction in Chroma,
  and a write holds whole documents unless one is longer than a write.
- `repair()`, run before every ingest, deletes what a killed run left: an older version
  of a document whose new one is complete, and passages of a long document whose first
  passage never arrived.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import itertools
import logging
import os
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from qa.dates import date_number
from qa.errors import EmbeddingMismatchError, StoreBusyError, StoreError
from qa.index.records import NewDocument, StoredDocument, meta_to_passage, story_outlets, whole_documents
from qa.types import Passage

log = logging.getLogger("qa")

SCHEMA_VERSION = 2  # 2: passages carry `date_n` (YYYYMMDD) for date filters
_BATCH = 1000
_READ_PAGE = 10_000
LEXICAL_RECHECK_S = 2.0


class _Lexical(NamedTuple):
    count: int  # passages in the index
    writes: int  # writes through this Store when it was built
    checked: float  # monotonic time of the last check against the store
    index: Any  # qa.index.lexical.LexicalIndex
    story_outlets: dict[str, str]  # duplicate group -> an outlet one of its copies names


def _embedded_client(path: Path):
    """Chroma's embedded client on the folder `path`, telemetry off."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.PersistentClient(path=str(path), settings=ChromaSettings(anonymized_telemetry=False))


class Store:
    """Passages of articles in a Chroma collection (embedded client by default)."""

    def __init__(
        self,
        path: Path | None,
        *,
        collection: str,
        model_id: str,
        rebuild: bool = False,
        host: str | None = None,
        port: int = 8000,
    ) -> None:
        """An embedded store in the folder `path`, or the Chroma server at `host`:`port`."""
        self.path = f"the Chroma server at {host}:{port}" if host else path
        self.model_id = model_id
        self.collection_name = collection
        self._writes = 0
        self._lexical: _Lexical | None = None
        self._matrix: tuple[object, np.ndarray] | None = None  # (the lexical index it follows, vectors)
        try:
            import chromadb
            from chromadb.config import Settings as ChromaSettings

            if host:
                self._client = chromadb.HttpClient(host=host, port=port, settings=ChromaSettings(anonymized_telemetry=False))
            else:
                assert path is not None
                path.mkdir(parents=True, exist_ok=True)
                self._client = _embedded_client(path)
            if rebuild and collection in {c.name for c in self._client.list_collections()}:
                with self.writer():  # never under a running ingest
                    self._client.delete_collection(collection)
            self._col = self._client.get_or_create_collection(
                collection,
                metadata={"embedding_model": model_id, "schema": SCHEMA_VERSION},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        except StoreError:
            raise
        except Exception as exc:  # chromadb raises many types for a bad or locked store
            if host:
                raise StoreError(
                    f"cannot use the Chroma server at {host}:{port} ({type(exc).__name__}: {str(exc)[:120]}); "
                    "is `chroma run` running there? (check QA_CHROMA_HOST and QA_CHROMA_PORT)"
                ) from exc
            raise StoreError(
                f"cannot open the store at {path} ({type(exc).__name__}: {str(exc)[:120]}); "
                "if it is damaged, move it aside and run `qa ingest` again"
            ) from exc
        stored = (self._col.metadata or {}).get("embedding_model")
        if stored != model_id:
            raise EmbeddingMismatchError(
                f"the store at {self.path} was built with the embedding model {stored!r}, not {model_id!r}: "
                "run `qa ingest --rebuild` to re-embed the articles"
            )
        self._upgrade()

    def _upgrade(self) -> None:
        """Bring a store written by an older version up to SCHEMA_VERSION, once: passages
        of schema 1 lack `date_n`, so a date filter would leave out every dated article.
        Skipped (and tried again next time) while another ingest holds the store."""
        if int((self._col.metadata or {}).get("schema", 1)) >= SCHEMA_VERSION:
            return
        try:
            with self.writer():
                got = self._read_all(["metadatas"])
                todo = [(pid, {**m, "date_n": n}) for pid, m in zip(got["ids"], got["metadatas"])
                        if (n := date_number(m.get("date"))) is not None and m.get("date_n") != n]
                for lo in range(0, len(todo), _BATCH):
                    part = todo[lo:lo + _BATCH]
                    self._call("write", self._col.update, ids=[p for p, _ in part], metadatas=[m for _, m in part])
                self._call("write", self._col.modify, metadata={**(self._col.metadata or {}), "schema": SCHEMA_VERSION})
        except StoreError as exc:
            log.info("store upgrade postponed: %s", exc)
            return
        self._writes += 1

    @contextlib.contextmanager
    def writer(self) -> Iterator[None]:
        """Hold the right to write (one `qa ingest` at a time per store; questions go on).

        An advisory lock on a file next to the store (for a Chroma server, a file in the
        temp dir named after it: it covers writers on this machine only). The lock dies
        with its process, so a killed ingest never leaves it held."""
        if isinstance(self.path, Path):
            lock_path = self.path / "qa-ingest.lock"
        else:
            key = hashlib.sha1(f"{self.path}/{self.collection_name}".encode()).hexdigest()[:16]
            lock_path = Path(tempfile.gettempdir()) / f"qa-news-{os.getuid()}-{key}.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "another process"
                raise StoreBusyError(
                    f"another ingest (pid {holder}) is writing to the store at {self.path}; "
                    "wait for it to finish and run this again"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)  # releases the lock

    def refresh(self) -> None:
        """Open the embedded store again, after another process (`qa ingest`) wrote to it.

        Chroma's embedded client keeps the vector index it loaded: until it is opened
        again, queries miss the other process's passages and reading their vectors fails
        ("Error finding id"). Its clients share one cached system per folder, so the cache
        is cleared first; clients opened before keep working on what they had loaded.
        A Chroma server is always up to date: nothing to do."""
        if not isinstance(self.path, Path):  # a Chroma server
            return
        from chromadb.api.client import SharedSystemClient

        def reopen():
            SharedSystemClient.clear_system_cache()
            client = _embedded_client(self.path)
            return client, client.get_collection(self.collection_name, embedding_function=None)

        self._client, self._col = self._call("open", reopen)

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
        self._lexical = self._matrix = None

    def count(self) -> int:
        return int(self._call("count", self._col.count))

    def documents(self) -> dict[str, StoredDocument]:
        """Every stored document, from the metadata of its first passage."""
        return {doc_id: versions[-1] for doc_id, versions in self._versions().items()}

    def matches(self, where: dict) -> bool:
        """Whether any passage matches the Chroma `where` clause (one id read)."""
        got = self._call("read", self._col.get, where=where, limit=1, include=[])
        return bool(got["ids"])

    def sources(self) -> set[str]:
        """The outlets of the stored articles."""
        return {d.source for d in self.documents().values() if d.source}

    def newest_date(self) -> str | None:
        """The date (ISO) of the newest dated article, or None when none is dated."""
        dates = [d.date for d in self.documents().values() if d.date]
        return max(dates) if dates else None

    def _versions(self) -> dict[str, list[StoredDocument]]:
        """Every stored version of every document, oldest first (more than one only after
        an interrupted replacement)."""
        got = self._call("read", self._col.get, where={"chunk": 0}, include=["metadatas"])
        versions: dict[str, list[tuple[float, StoredDocument]]] = defaultdict(list)
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
                date=str(meta.get("date", "")) or None,
                url=str(meta.get("url", "")) or None,
            )
            versions[doc.doc_id].append((float(meta.get("written_at", 0.0)), doc))
        return {d: [doc for _, doc in sorted(v, key=lambda x: x[0])] for d, v in versions.items()}

    def repair(self) -> int:
        """Delete what an interrupted write left behind; return how many versions of
        documents were removed. (Chroma has no multi-write transaction, so this is ours.)"""
        removed = 0
        stored = self._versions()
        for doc_id, versions in stored.items():
            for old in versions[:-1]:  # the newest version is complete: its first passage came last
                self._call("delete", self._col.delete,
                           where={"$and": [{"doc_id": doc_id}, {"content_hash": old.content_hash}]})
                removed += 1
        # Only a document longer than one write can be partly in: its passages without
        # their first passage (the document's record) are the rest of an unfinished write.
        long_docs = self._call("read", self._col.get, where={"n_chunks": {"$gt": _BATCH}}, include=["metadatas"])
        complete = {(d.doc_id, d.content_hash) for v in stored.values() for d in v}
        partial = {(str(m["doc_id"]), str(m["content_hash"])) for m in long_docs["metadatas"] or []} - complete
        for doc_id, content_hash in partial:
            self._call("delete", self._col.delete,
                       where={"$and": [{"doc_id": doc_id}, {"content_hash": content_hash}]})
            removed += 1
        if removed:
            self._writes += 1
        return removed

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
        written_at = time.time()
        # counted before the first write too: a question asked meanwhile in this process
        # must not take the new passages for another process's and reopen the store
        self._writes += 1
        for group in whole_documents(docs, _BATCH):
            ids = [f"{d.doc_id}:{d.content_hash[:12]}:{i}" for d in group for i in range(len(d.texts))]
            embeddings = np.concatenate([np.asarray(d.embeddings, dtype=np.float32) for d in group])
            texts = [t for d in group for t in d.texts]
            metadatas = [{**m, "written_at": written_at} for d in group for m in d.metadatas]
            # first passages (the documents' records) last: see the module's docstring
            order = sorted(range(len(ids)), key=lambda i: metadatas[i].get("chunk") == 0)
            ids, texts, metadatas = [ids[i] for i in order], [texts[i] for i in order], [metadatas[i] for i in order]
            embeddings = embeddings[order]
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
        from qa.index.lexical import LexicalIndex

        now, cached = time.monotonic(), self._lexical
        if cached and cached.writes == self._writes and now - cached.checked < LEXICAL_RECHECK_S:
            return cached.index
        count = self.count()
        if cached and (cached.count, cached.writes) == (count, self._writes):
            self._lexical = cached._replace(checked=now)
        else:
            if cached and cached.writes == self._writes:  # another process wrote
                self.refresh()
            got = self._read_all(["documents", "metadatas"])
            metas = got["metadatas"]
            index = LexicalIndex(got["ids"], got["documents"],
                                 sources=[str(m.get("source") or "") for m in metas],
                                 # from `date`, not `date_n`: right before the upgrade too
                                 dates=[date_number(m.get("date")) or 0 for m in metas])
            outlets = story_outlets((str(m.get("dup_group", "") or m.get("doc_id", "")), str(m.get("doc_id", "")),
                                     m.get("source") or None) for m in metas)
            self._lexical = _Lexical(len(index.ids), self._writes, now, index, outlets)
        return self._lexical.index

    def _story_outlets(self) -> dict[str, str]:
        """Duplicate group -> an outlet named by one of its copies, read with the lexical
        index (so that a copy whose article names no outlet is shown by the one its story
        is known by, not by a file name); empty before the first search builds it."""
        return self._lexical.story_outlets if self._lexical is not None else {}

    def vector_matrix(self) -> np.ndarray:
        """Every passage's vector, row i for `lexical_index().ids[i]`, read once and kept
        while the lexical index stands, for filtered searches (see `qa.search.retrieve`).
        4 bytes per dimension per passage: 146.5 MiB at 100,000 passages of 384
        dimensions, read in about 5 s (qa bench); a store never searched with a filter
        never reads it."""
        index = self.lexical_index()
        if self._matrix is not None and self._matrix[0] is index:
            return self._matrix[1]
        got = self._read_all(["embeddings"])
        dim = len(got["embeddings"][0]) if len(got["ids"]) else 0
        matrix = np.zeros((len(index.ids), dim), dtype=np.float32)  # a passage written since: no match
        for pid, vector in zip(got["ids"], got["embeddings"]):
            row = index.row(pid)
            if row is not None:
                matrix[row] = vector
        self._matrix = (index, matrix)
        return matrix

    def _read_all(self, include: list[str], where: dict | None = None) -> dict[str, list]:
        """Every passage's id and `include` fields, read in pages: one read of 100,000
        passages' metadata exceeds SQLite's limit on variables in a statement."""
        out: dict[str, list] = {"ids": [], **{field: [] for field in include}}
        for offset in itertools.count(0, _READ_PAGE):
            got = self._call("read", self._col.get, where=where, include=include, limit=_READ_PAGE, offset=offset)
            out["ids"].extend(got["ids"])
            for field in include:
                value = got[field]  # embeddings come as an array: no truth value
                out[field].extend(value if value is not None else [])
            if len(got["ids"]) < _READ_PAGE:
                return out
        raise AssertionError("unreachable")

    def get(self, ids: Sequence[str], embedding: np.ndarray) -> list[Passage]:
        """Passages by id, scored by cosine similarity to `embedding` (from the vectors
        kept for filters when they are in memory: reading 30 passages' embeddings from
        Chroma took 4 ms more at 100,000 passages)."""
        if not ids:
            return []
        kept = self._matrix if self._lexical is not None and self._matrix is not None \
            and self._matrix[0] is self._lexical.index else None
        rows = [kept[0].row(pid) for pid in ids] if kept else []
        include = ["documents", "metadatas"] if kept and None not in rows else ["documents", "metadatas", "embeddings"]
        try:
            got = self._call("read", self._col.get, ids=list(ids), include=include)
        except StoreError:  # passages another process wrote since this client loaded its index
            self.refresh()
            got = self._call("read", self._col.get, ids=list(ids), include=include)
        if "embeddings" in include:
            scores = [float(np.dot(np.asarray(vec), embedding)) for vec in got["embeddings"]]
        else:
            row_of = dict(zip(ids, rows))
            matrix = kept[1]
            scores = [float(matrix[row_of[pid]] @ embedding) for pid in got["ids"]]
        outlets = self._story_outlets()
        found = {
            pid: meta_to_passage(pid, text, meta, score, outlets)
            for pid, text, meta, score in zip(got["ids"], got["documents"], got["metadatas"], scores)
        }
        return [found[i] for i in ids if i in found]

    def articles(self, doc_ids: Sequence[str]) -> dict[str, str]:
        """The whole text of each stored article of `doc_ids`: its passages in order (they
        may overlap by the chunk overlap; the answer checks read only its words)."""
        wanted = sorted(set(doc_ids))
        if not wanted:
            return {}
        where = {"doc_id": wanted[0]} if len(wanted) == 1 else {"doc_id": {"$in": wanted}}
        got = self._call("read", self._col.get, where=where, include=["documents", "metadatas"])
        parts: dict[str, list[tuple[int, str]]] = {}
        for text, meta in zip(got["documents"], got["metadatas"]):
            parts.setdefault(str(meta.get("doc_id", "")), []).append((int(meta.get("chunk", 0)), text))
        return {d: "\n".join(t for _, t in sorted(chunks)) for d, chunks in parts.items()}

    def delete_document(self, doc_id: str) -> None:
        self._writes += 1
        self._call("delete", self._col.delete, where={"doc_id": doc_id})

    def query(self, embedding: np.ndarray, k: int, where: dict | None = None,
              ids: Sequence[str] | None = None) -> list[Passage]:
        """The `k` passages closest to `embedding` (among those matching the Chroma `where`
        clause, or among `ids`), best first (score = cosine similarity)."""
        # No count() first: it costs 9 ms at 100,000 passages, and Chroma returns fewer
        # results (none on an empty collection) when asked for more than it holds.
        got = self._call(
            "query",
            self._col.query,
            query_embeddings=[embedding],
            n_results=k,
            where=where,
            ids=list(ids) if ids is not None else None,
            include=["documents", "metadatas", "distances"],
        )
        outlets = self._story_outlets()
        return [
            meta_to_passage(pid, text, meta, 1.0 - float(dist), outlets)
            for pid, text, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0]
            )
        ]

    def nearest(self, embedding: np.ndarray, n: int) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) of the `n` nearest passages, nothing else read
        (300 of 100,000 in 5 ms)."""
        got = self._call("query", self._col.query, query_embeddings=[embedding], n_results=n, include=["distances"])
        return [(pid, 1.0 - float(d)) for pid, d in zip(got["ids"][0], got["distances"][0])]
