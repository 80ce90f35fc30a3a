"""Ingest article files: load, clean, chunk, embed, store. Incremental by content hash."""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from qa.articles.chunking import chunk_article
from qa.articles.dedup import Signature, SignatureIndex
from qa.articles.loaders import Article, find_files, load_article, load_page
from qa.dates import date_number
from qa.errors import IngestError, InputError
from qa.index.records import NewDocument
from qa.index.store import Store
from qa.models.embed import Embedder

_QA_DIR = Path(__file__).resolve().parents[1]
_REPO_SEEDS = _QA_DIR.parent / "seeds"
_BUNDLED_SEEDS = _QA_DIR / "_bundled" / "seeds"

# (articles done, articles total, the current file's name or page's address)
IngestProgress = Callable[[int, int, str | None], None]


@dataclass(frozen=True)
class WebPage:
    """A page to fetch and ingest, with what a feed entry says of it (used when the page
    itself does not say it)."""

    url: str
    title: str | None = None
    date: str | None = None
    outlet: str | None = None


Item = Path | WebPage


def split_arguments(args: Sequence[str | Path]) -> list[Item]:
    """Files, folders and web addresses as given on a command line, in order. An address
    with another scheme than http(s) is an InputError (`Path("https://x")` would drop a
    slash and report "no such file")."""
    from qa.articles.web import is_url

    items: list[Item] = []
    for arg in args:
        text = str(arg)
        if isinstance(arg, str) and is_url(text):
            if not text.lower().startswith(("http://", "https://")):
                raise InputError(f"{text}: only http:// and https:// links can be fetched (or give a file's path)")
            items.append(WebPage(text))
        else:
            items.append(Path(arg))
    return items


def seeds_dir() -> Path:
    """The bundled seed articles (five reports of 3-4 Nov 2017)."""
    return _REPO_SEEDS if _REPO_SEEDS.is_dir() else _BUNDLED_SEEDS


@dataclass
class IngestReport:
    files: int = 0
    added: int = 0
    updated: int = 0
    skipped: int = 0
    passages: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    near_duplicates: list[tuple[str, str]] = field(default_factory=list)  # (doc id, copy of doc id)
    repaired: int = 0  # versions of documents left by an interrupted ingest, removed

    def summary(self) -> str:
        return (
            f"{self.files} files: {self.added} added, {self.updated} updated, "
            f"{self.skipped} unchanged, {len(self.failed)} failed; {self.passages} passages written"
            + (f"; {len(self.near_duplicates)} near-duplicate articles grouped" if self.near_duplicates else "")
            + (f"; finished an interrupted ingest ({self.repaired} partial versions removed)" if self.repaired else "")
        )


def _slug(stem: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._") or "doc"


def _doc_id(key: str | Path, owners: dict[str, str]) -> str:
    """The id of the file at the path `key` (or the page at the address `key`): its name,
    or when another file holds that id, its name and a hash of its path. Never an id that
    `owners` gives to another file: two files under one id would replace each other (6 hex
    digits of the hash collided for 2 of 100 files named alike in a 10,000-file test, and
    one article was lost)."""
    key = str(key)
    if "://" in key:  # a page: its site and the last part of its path
        parts = urlsplit(key)
        name = f"{(parts.hostname or '').removeprefix('www.')}-{parts.path.rstrip('/').rsplit('/', 1)[-1]}"
        name = name.rsplit(".", 1)[0] if name.endswith((".html", ".htm", ".php")) else name
    else:
        name = Path(key).stem
    slug, digest = _slug(name), hashlib.sha1(key.encode()).hexdigest()
    candidates = itertools.chain((slug, f"{slug}-{digest[:6]}", f"{slug}-{digest[:12]}"),
                                 (f"{slug}-{digest[:12]}-{n}" for n in itertools.count(2)))
    return next(c for c in candidates if owners.get(c, key) == key)


# Passages are embedded in batches across documents: small articles embedded one by one
# kept the embedder at 70% of its speed (measured with `qa bench`).
EMBED_BATCH = 256


@dataclass
class _Pending:
    """A document chunked and waiting for its embeddings."""

    doc_id: str
    content_hash: str
    texts: list[str]
    metadatas: list[dict]
    replaces: bool


def _write(pending: list[_Pending], store: Store, embedder: Embedder, report: IngestReport) -> None:
    """Embed the pending documents' passages together, then store them in one write."""
    if not pending:
        return
    vectors = embedder.encode([t for doc in pending for t in doc.texts])
    ends = np.cumsum([len(doc.texts) for doc in pending])
    store.put_documents([
        NewDocument(doc.doc_id, doc.content_hash, doc.texts, vectors[end - len(doc.texts):end], doc.metadatas)
        for doc, end in zip(pending, ends)
    ])
    for doc in pending:
        n = len(doc.texts)
        if doc.replaces:
            report.updated += 1
        else:
            report.added += 1
        report.passages += n
    pending.clear()


def ingest(
    paths: Sequence[Path | WebPage],
    *,
    store: Store,
    embedder: Embedder,
    chunk_size: int = 64,
    chunk_overlap: int = 0,
    progress: IngestProgress | None = None,
    allow_private: bool = True,
    skip_known_urls: bool = False,
) -> IngestReport:
    """Add new files and pages, replace changed ones, skip unchanged ones. Never raises for
    one bad file or page. A page's address is its identity: ingesting it again updates it.
    `skip_known_urls`: pages already stored are not fetched again (feed entries).
    `allow_private`: pages on loopback or private addresses may be fetched.

    Raises StoreError at once when another ingest is writing to the same store."""
    problems: list[tuple[str, str]] = []  # unreadable folders, folders without articles
    pages = [p for p in paths if isinstance(p, WebPage)]
    files = find_files([p for p in paths if not isinstance(p, WebPage)], problems) if len(pages) < len(paths) else []
    with store.writer():
        report = _ingest([*files, *pages], store, embedder, chunk_size, chunk_overlap, progress,
                         allow_private, skip_known_urls)
    report.failed[:0] = problems
    return report


def _load(item: Item, allow_private: bool) -> Article:
    if isinstance(item, Path):
        return load_article(item)
    from qa.articles.web import fetch

    page = fetch(item.url, allow_private=allow_private)
    return load_page(page.text, page.final_url, title=item.title, date=item.date, outlet=item.outlet)


# Pages fetched at once: a feed's pages wait on the network, not on this machine.
FETCH_AHEAD = 4


def _loaded(items: list[Item], allow_private: bool, skip: Callable[[WebPage], bool]
            ) -> Iterator[tuple[Item, Article | Exception | None]]:
    """Each item with its article, or the exception that loading it raised, or None for a
    page `skip` says not to fetch; in order. Files are read one by one as they are asked
    for; pages are fetched up to FETCH_AHEAD ahead, in threads."""
    def load(item: Item) -> Article | Exception:
        try:
            return _load(item, allow_private)
        except Exception as exc:  # returned, so that the caller reports it and goes on
            return exc

    ahead: deque[tuple[Item, Future | None]] = deque()
    rest = iter(items)
    with ThreadPoolExecutor(max_workers=FETCH_AHEAD, thread_name_prefix="qa-fetch") as pool:
        def queue(item: Item) -> None:
            fetched = isinstance(item, WebPage) and not skip(item)
            ahead.append((item, pool.submit(load, item) if fetched else None))

        for item in itertools.islice(rest, FETCH_AHEAD):
            queue(item)
        while ahead:
            item, future = ahead.popleft()
            if (following := next(rest, None)) is not None:
                queue(following)
            if future is not None:
                yield item, future.result()
            else:
                yield item, None if isinstance(item, WebPage) else load(item)


def _ingest(items: list[Item], store, embedder, chunk_size, chunk_overlap, progress, allow_private,
            skip_known_urls) -> IngestReport:
    files = items
    report = IngestReport(files=len(files))
    report.repaired = store.repair()  # what a killed ingest left behind
    stored = store.documents()
    known_hashes = {d.content_hash for d in stored.values()}
    paths_by_id = {d.doc_id: d.path for d in stored.values()}
    # near-duplicate detection (qa.articles.dedup): signatures and groups of the stored articles
    signatures = SignatureIndex()
    for d in stored.values():
        if sig := Signature.loads(d.signature):
            signatures.add(d.doc_id, sig)
    groups = {d.doc_id: d.dup_group for d in stored.values()}
    pending: list[_Pending] = []
    known_urls = set(paths_by_id.values()) if skip_known_urls else set()
    loaded = _loaded(files, allow_private, skip=lambda page: page.url in known_urls)
    for done, (item, article) in enumerate(loaded):
        # a page's identity is the address asked for (a feed's link), a file's its path
        key = item.url if isinstance(item, WebPage) else str(item)
        if progress:
            progress(done, len(files), key if isinstance(item, WebPage) else item.name)
        if article is None:  # a page stored before
            report.skipped += 1
            continue
        if isinstance(article, IngestError):
            report.failed.append((key, str(article)))
            continue
        if isinstance(article, Exception):  # a parser choking on one odd file must not stop the others
            report.failed.append((key, f"{key}: could not be read as an article ({type(article).__name__}: {article})"))
            continue
        if article.content_hash in known_hashes:
            report.skipped += 1
            continue
        doc_id = _doc_id(key, paths_by_id)
        signature = Signature.of(article.text)
        twin = signatures.duplicate_of(signature, exclude=doc_id)
        group = groups.get(twin, twin) if twin else doc_id
        if twin:
            report.near_duplicates.append((doc_id, twin))
        chunks = chunk_article(article, chunk_size=chunk_size, chunk_overlap=chunk_overlap)
        metadatas = [
            {
                "doc_id": doc_id,
                "content_hash": article.content_hash,
                "path": key,
                "url": article.url or "",
                "title": article.title,
                "source": article.source or "",
                "date": article.date or "",
                **({"date_n": date_n} if (date_n := date_number(article.date)) else {}),
                "chunk": c.index,
                "n_chunks": len(chunks),
                "start": c.start,
                "end": c.end,
                "dup_group": group,
            }
            for c in chunks
        ]
        metadatas[0]["minhash"] = signature.dumps()
        pending.append(_Pending(doc_id, article.content_hash, [c.text for c in chunks], metadatas,
                                replaces=doc_id in stored))
        known_hashes.add(article.content_hash)
        paths_by_id[doc_id] = key
        signatures.add(doc_id, signature)
        groups[doc_id] = group
        if sum(len(p.texts) for p in pending) >= EMBED_BATCH:
            _write(pending, store, embedder, report)
    _write(pending, store, embedder, report)
    if progress:
        progress(len(files), len(files), None)
    return report
