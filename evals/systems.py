"""The two systems under test, behind one `run(case, store) -> Outcome` interface."""

from __future__ import annotations

import re
import time
from contextlib import nullcontext
from dataclasses import dataclass, field

from evals.cases import Case
from evals.scoring import looks_like_refusal
from qa import Answer, Assistant, Delta, Retrying, Settings
from qa.index.store import Store

_SOURCE_PREFIX = re.compile(r"\ASource \d+:\s*")


@dataclass
class Outcome:
    """What a system answered and what it gave its model."""

    text: str  # the answer as the user sees it
    raw_text: str  # the model's own words, before any checks
    refused: bool
    passages: list[str] = field(default_factory=list)  # given to the model, numbered from 1
    docs: list[str] = field(default_factory=list)  # doc id of each of those passages
    dates: list[str | None] = field(default_factory=list)  # the article date (ISO) of each, when known
    latency_ms: float = 0.0
    first_token_ms: float | None = None
    error: str | None = None
    retried: list[int] = field(default_factory=list)  # ours: the passages of a focused retry (qa.answering.focus)


class Ours:
    name = "ours"

    def __init__(self, settings: Settings, embedder, llm) -> None:
        self.settings, self.embedder, self.llm = settings, embedder, llm

    def run(self, case: Case, store: Store) -> Outcome:
        assistant = Assistant(settings=self.settings, store=store, embedder=self.embedder, llm=self.llm)
        for earlier in case.history:
            assistant.ask(earlier)
        raw: list[str] = []
        final: Answer | None = None
        retried: list[int] = []
        started = time.perf_counter()
        for event in assistant.stream(case.question):
            if isinstance(event, Delta):
                raw.append(event.text)
            elif isinstance(event, Retrying):
                retried = list(event.passages)
            elif isinstance(event, Answer):
                final = event
        latency = (time.perf_counter() - started) * 1000
        assert final is not None
        return Outcome(
            text=final.text,
            raw_text="".join(raw) or final.text,
            refused=final.refused or looks_like_refusal(final.text),
            passages=[p.text for p in final.passages],
            docs=[p.doc_id for p in final.passages],
            dates=[p.date for p in final.passages],
            latency_ms=latency,
            first_token_ms=final.timings.first_token_ms,
            retried=retried,
        )


class LlamaIndexBaseline:
    name = "baseline"

    def __init__(self, embedder, llm, *, out_of_the_box_folder=None, in_use=None) -> None:
        """Over our store's passages; with `out_of_the_box_folder`, over llama-index's own
        reading and chunking of that folder's files instead (the store is then unused).

        `in_use`, for a model on our background server: a context manager factory held
        around each question (`EmbeddedServer.in_use`). llama-index's client is not ours, so
        without it the baseline's requests do not count as use, and a baseline run longer
        than the keep-alive (65 archive questions, about 5 min) had the server stop under
        it: every later baseline request failed to connect."""
        self.embedder, self.llm = embedder, llm
        self.folder = out_of_the_box_folder
        self.in_use = in_use or nullcontext
        self._engines: dict[str, object] = {}

    def run(self, case: Case, store: Store) -> Outcome:
        from evals.baseline import Baseline

        engine = self._engines.get(store.collection_name)
        if engine is None and self.folder is not None:
            engine = self._engines[store.collection_name] = Baseline.out_of_the_box(self.folder, self.embedder, self.llm)
        elif engine is None:
            engine = self._engines[store.collection_name] = Baseline(store.collection, self.embedder, self.llm)
        started = time.perf_counter()
        with self.in_use():
            response = engine.answer(case.question, case.history)
        latency = (time.perf_counter() - started) * 1000
        text = str(response.response or "").strip()
        nodes = list(response.source_nodes or [])
        return Outcome(
            text=text,
            raw_text=text,
            refused=looks_like_refusal(text),
            passages=[_SOURCE_PREFIX.sub("", n.node.get_content()) for n in nodes],
            docs=[str(n.node.metadata.get("doc_id", n.node.node_id)) for n in nodes],
            dates=[n.node.metadata.get("date") or None for n in nodes],
            latency_ms=latency,
        )
