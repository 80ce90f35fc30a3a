"""Typed results shared by the CLI, the TUI, scripts and the evals."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field


def _origin(source: str | None, url: str | None, path: str, doc_id: str, story_outlet: str | None = None) -> str:
    """The outlet; else the web site's name, the outlet another copy of the story names
    ("Los Angeles Times (copy)"), the file's name or the document id."""
    if source:
        return source
    if url:
        return urlsplit(url).hostname or url
    if story_outlet:
        return f"{story_outlet} (copy)"
    return path.rsplit("/", 1)[-1] if path else doc_id


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Copy(_Frozen):
    """Another article carrying the same passage (a syndicated copy of the story)."""

    doc_id: str
    passage_id: str
    source: str | None = None
    title: str = ""
    path: str = ""
    date: str | None = None
    url: str | None = None
    story_outlet: str | None = None

    @property
    def origin(self) -> str:
        return _origin(self.source, self.url, self.path, self.doc_id, self.story_outlet)


class Passage(_Frozen):
    """A retrieved passage of an article."""

    id: str = Field(description="Passage id in the store.")
    doc_id: str
    source: str | None = Field(default=None, description="Outlet, when the article names it.")
    title: str
    text: str
    score: float = Field(default=0.0, description="Cosine similarity to the query.")
    span: tuple[int, int] = Field(description="Character offsets of the passage in its file.")
    path: str = ""
    date: str | None = Field(default=None, description="The article's publication date (ISO), when known.")
    url: str | None = Field(default=None, description="The article's web address, when it came from the web.")
    group: str = Field(default="", description="Duplicate group: the doc id of the story's first stored copy.")
    also_in: list[Copy] = Field(
        default_factory=list, description="Other articles that carry the same passage (syndicated copies)."
    )
    story_outlet: str | None = Field(
        default=None, description="When the article names no outlet: the one another stored copy of its story names."
    )

    @property
    def origin(self) -> str:
        """The outlet; when the article names none, its web site, the outlet of another
        copy of its story, or its file name."""
        return _origin(self.source, self.url, self.path, self.doc_id, self.story_outlet)

    @property
    def label(self) -> str:
        """Outlet (or file name when unknown) and title, for display."""
        return f"{self.origin} — {self.title}"


class Citation(_Frozen):
    """A `[n]` marker of the answer and the passage it points at."""

    n: int = Field(description="The number used in the answer text (1-based).")
    passage: Passage
    quote: str = Field(description="The sentence of the passage closest to the citing claim.")


class Timings(_Frozen):
    """Milliseconds. first_token_ms and total_ms run from the question to the model's
    first token and to the checked answer; starting the model is counted apart."""

    retrieve_ms: float = 0.0  # includes condense_ms
    condense_ms: float = 0.0  # a follow-up made standalone by the model
    first_token_ms: float | None = None
    total_ms: float = 0.0
    model_start_ms: float = 0.0


class Answer(_Frozen):
    """The answer to one question, with the passages it was given and what it cites."""

    question: str
    text: str
    refused: bool
    citations: list[Citation] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    timings: Timings = Field(default_factory=Timings)
    search_query: str | None = Field(
        default=None, description="What was searched: the question, or a follow-up made standalone."
    )

    def to_json_dict(self) -> dict:
        """The stable `qa ask --json` shape."""
        return {
            "question": self.question,
            "search_query": self.search_query,
            "answer": self.text,
            "refused": self.refused,
            "citations": [
                {
                    "n": c.n,
                    "doc_id": c.passage.doc_id,
                    "source": c.passage.source,
                    "story_outlet": c.passage.story_outlet,
                    "date": c.passage.date,
                    "url": c.passage.url,
                    "title": c.passage.title,
                    "text": c.passage.text,
                    "quote": c.quote,
                    "span": list(c.passage.span),
                    "also_in": [_copy_json(x) for x in c.passage.also_in],
                }
                for c in self.citations
            ],
            "passages": [
                {
                    "n": i,
                    "doc_id": p.doc_id,
                    "source": p.source,
                    "story_outlet": p.story_outlet,
                    "title": p.title,
                    "text": p.text,
                    "score": round(p.score, 4),
                    "span": list(p.span),
                    "path": p.path,
                    "date": p.date,
                    "url": p.url,
                    "also_in": [_copy_json(x) for x in p.also_in],
                }
                for i, p in enumerate(self.passages, start=1)
            ],
            "timings": self.timings.model_dump(),
        }


def _copy_json(copy: Copy) -> dict:
    return {"doc_id": copy.doc_id, "source": copy.source, "story_outlet": copy.story_outlet,
            "title": copy.title, "path": copy.path, "date": copy.date, "url": copy.url}


class Sources(_Frozen):
    """First event of a streamed answer: the passages given to the model."""

    passages: list[Passage]
    relevant: bool = True  # False: the relevance gate refuses, the model is not called


class Delta(_Frozen):
    """A piece of answer text, as the model writes it."""

    text: str


class Retrying(_Frozen):
    """Sent after the Deltas when the model is asked again, without streaming; the `Answer`
    that follows is the checked result. Either the checks refused the answer and `barred`
    holds its words, kept out of the second draft (`qa.answering.avoid`), or the checked
    answer missed the passage the question is about (`qa.answering.focus`) and the model is
    asked with `passages` (their numbers) only."""

    passages: list[int]
    barred: list[str] = []
