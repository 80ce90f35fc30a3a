"""What the store keeps for a document, and how a stored passage's metadata becomes a
`Passage`: the records `store` reads and writes, apart from how it talks to Chroma."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from qa.types import Passage


@dataclass(frozen=True)
class StoredDocument:
    doc_id: str
    content_hash: str
    path: str
    title: str
    source: str | None
    passages: int
    signature: str = ""  # MinHash of the article's shingles (qa.articles.dedup)
    dup_group: str = ""  # doc id of the first stored copy of the same story
    date: str | None = None  # the article's date (ISO), when known
    url: str | None = None  # the article's web address, when it came from the web


@dataclass(frozen=True)
class NewDocument:
    """A document's passages ready to be stored."""

    doc_id: str
    content_hash: str
    texts: list[str]
    embeddings: np.ndarray
    metadatas: list[dict[str, Any]]


def whole_documents(docs: Sequence[NewDocument], limit: int) -> list[list[NewDocument]]:
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


def story_outlets(copies: Iterable[tuple[str, str, str | None]]) -> dict[str, str]:
    """For each duplicate group (one story, several articles), given (group, doc id,
    outlet) of its copies: the outlet of its first stored copy (whose doc id is the
    group's), else the first another copy names in alphabetical order (not by read order)."""
    named: dict[str, set[str]] = defaultdict(set)
    first: dict[str, str] = {}
    for group, doc_id, source in copies:
        if source:
            named[group].add(source)
            if doc_id == group:
                first[group] = source
    return {group: first.get(group) or min(names) for group, names in named.items()}


def meta_to_passage(pid: str, text: str, meta: dict[str, Any], score: float,
                     story_outlets: dict[str, str] | None = None) -> Passage:
    group = str(meta.get("dup_group", "") or meta.get("doc_id", ""))
    source = meta.get("source") or None
    return Passage(
        id=pid,
        doc_id=str(meta.get("doc_id", "")),
        source=source,
        title=str(meta.get("title", "")),
        text=text,
        score=score,
        span=(int(meta.get("start", 0)), int(meta.get("end", 0))),
        path=str(meta.get("path", "")),
        date=meta.get("date") or None,
        url=meta.get("url") or None,
        group=group,
        story_outlet=None if source else (story_outlets or {}).get(group),
    )
