"""Split an article into passages with llama-index's sentence-aware splitter.

Each passage keeps its character span in the original file, so a citation can point at
the exact place it came from.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import lru_cache

from qa.articles.loaders import Article

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Chunk:
    index: int
    text: str
    start: int  # offsets in the article's file
    end: int


@lru_cache(maxsize=8)
def _splitter(chunk_size: int, chunk_overlap: int):
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(
        chunk_size=chunk_size,
        chunk_overlap=min(chunk_overlap, chunk_size // 2),
        paragraph_separator=PARAGRAPH_SEPARATOR,
    )


class _OffsetMap:
    """Maps offsets in `Article.text` (paragraphs joined) back to offsets in the file."""

    def __init__(self, article: Article) -> None:
        self._clean_starts: list[int] = []
        self._paragraphs = article.paragraphs
        pos = 0
        for p in article.paragraphs:
            self._clean_starts.append(pos)
            pos += len(p.text) + len(PARAGRAPH_SEPARATOR)

    def to_file(self, offset: int, *, end: bool = False) -> int:
        i = max(0, bisect.bisect_right(self._clean_starts, offset) - 1)
        para = self._paragraphs[i]
        within = offset - self._clean_starts[i]
        if within > len(para.text):  # inside a separator
            if end:
                return para.end
            i = min(i + 1, len(self._paragraphs) - 1)
            return self._paragraphs[i].start
        return para.start + within


def chunk_article(article: Article, *, chunk_size: int = 64, chunk_overlap: int = 0) -> list[Chunk]:
    """Passages of about `chunk_size` tokens that end on sentence boundaries."""
    text = article.text
    offsets = _OffsetMap(article)
    chunks: list[Chunk] = []
    cursor = last_start = 0
    for piece in _splitter(chunk_size, chunk_overlap).split_text(text):
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, last_start if chunk_overlap else cursor)
        # an overlapping piece starts inside the last one and ends at or past its end; a
        # repeated sentence may also occur inside it, ending earlier
        while chunk_overlap and 0 <= start < cursor and start + len(piece) < cursor:
            start = text.find(piece, start + 1)
        if start < 0:  # the splitter normalised whitespace: fall back to the piece's head
            start = text.find(piece[:40], cursor)
            start = cursor if start < 0 else start
        end = min(len(text), start + len(piece))
        cursor, last_start = end, start
        chunks.append(
            Chunk(
                index=len(chunks),
                text=piece,
                start=offsets.to_file(start),
                end=offsets.to_file(end, end=True),
            )
        )
    return chunks
