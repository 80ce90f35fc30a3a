"""The public QA API: `Assistant` keeps a conversation, `ask` answers one question."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from qa.answering import focus, generate, prompts
from qa.answering.avoid import second_draft, taken
from qa.answering.condense import condense, fallback
from qa.answering.editions import the_work_first
from qa.answering.outcomes import asks_who_won, names_only_candidates
from qa.answering.responsive import answers_question
from qa.articles.ingest import IngestProgress, IngestReport, ingest, seeds_dir
from qa.dates import anchored, has_relative_year
from qa.errors import InputError, QAError
from qa.index.store import Store
from qa.models.embed import Embedder
from qa.models.llm import ChatModel
from qa.models.model_file import Progress
from qa.search.filters import Filters, make_filters
from qa.search.retrieve import Retrieved, in_thread, retrieve
from qa.settings import Settings
from qa.types import Answer, Delta, Passage, Retrying, Sources, Timings

log = logging.getLogger("qa")

Event = Sources | Delta | Retrying | Answer
HISTORY_TURNS = 2  # earlier turns given to the model
HISTORY_KEPT = 16  # answers kept in memory (a long chat must not grow without bound)


@dataclass
class FeedReport:
    """What `refresh_feeds` did: the feeds read, those that could not be, and the pages."""

    feeds: int
    broken: list[tuple[str, str]]  # (feed address, one-line reason)
    entries_without_link: int
    pages: IngestReport

    def summary(self) -> str:
        read = self.feeds - len(self.broken)
        return (f"{read} of {self.feeds} feeds read; pages: {self.pages.summary().split(': ', 1)[-1]}"
                + (f"; {self.entries_without_link} entries without a link skipped" if self.entries_without_link else ""))


def check_question(question: str, settings: Settings) -> str:
    cleaned = " ".join(question.split())
    if not cleaned:
        raise InputError("the question is empty: ask something about the articles")
    if len(cleaned) > settings.max_question_chars:
        raise InputError(
            f"the question is {len(cleaned):,} characters long; the limit is "
            f"{settings.max_question_chars:,} (QA_MAX_QUESTION_CHARS)"
        )
    return cleaned


class Assistant:
    """Answers questions about the ingested articles, keeping the conversation.

    Collaborators are passed in or built from `settings` on first use: `store` (Chroma),
    `embedder` (MiniLM), `llm` (any object with `stream(messages, ...)`).
    """

    def __init__(
        self,
        *,
        settings: Settings | None = None,
        store: Store | None = None,
        embedder: Embedder | None = None,
        llm: ChatModel | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self._embedder = embedder
        self._store = store
        self._llm = llm
        self.history: list[Answer] = []
        self._warm = False
        self._start_lock = threading.Lock()
        self._corpus_lock = threading.Lock()
        prompts.check_all()

    @property
    def embedder(self) -> Embedder:
        if self._embedder is None:
            from qa.runtime import default_embedder

            self._embedder = default_embedder()
        return self._embedder

    @property
    def store(self) -> Store:
        if self._store is None:
            from qa.runtime import open_store

            self._store = open_store(self.settings, self.embedder.model_id)
        return self._store

    @property
    def llm(self) -> ChatModel:
        return self.start_model()

    @property
    def model_not_started(self) -> bool:
        """No chat model yet, or the embedded server it used has stopped (a `qa serve` that
        was stopped): `start_model` then starts one again."""
        return self._llm is None or getattr(self._llm, "stopped", False) is True

    def start_model(self, progress: Progress | None = None) -> ChatModel:
        """Build the chat model now (starting the embedded server), reporting assembly progress.
        Safe to call from several threads: the model is built once."""
        with self._start_lock:
            if self.model_not_started:
                from qa.runtime import make_llm

                self._llm = make_llm(self.settings, progress)
        return self._llm

    def warm_up(self) -> None:
        """Have the model read the fixed start of every answer prompt (the rules and the
        worked examples) now. The llama.cpp server keeps the last prompt's state, so the
        first question then pays only for its passages: measured on 2 cores, the first
        answer's first token came after 15.9 s cold and 4.9 s with the prefix read."""
        messages = generate.build_messages("warm-up", [], [])
        if warm := getattr(self.llm, "warm", None):  # the embedded server: each of its slots
            warm(messages, temperature=self.settings.llm_temperature)
            return
        for _ in self.llm.stream(messages, max_tokens=1, temperature=self.settings.llm_temperature):
            pass

    @property
    def model_name(self) -> str:
        """The model that answers (configured, or the embedded default)."""
        from qa.runtime import model_name

        return getattr(self._llm, "name", None) or model_name(self.settings)

    def corpus_size(self) -> tuple[int, int]:
        """(documents, passages) in the store."""
        return len(self.store.documents()), self.store.count()

    def reingest(self, progress: IngestProgress | None = None) -> IngestReport:
        """Ingest again every stored article whose file still exists (changed ones are
        replaced, unchanged ones skipped); the bundled seeds when the store is empty.
        Pages from the web are left as they are.
        Files that are gone are left in the store and counted as failed."""
        # pages from the web are fetched again by `qa ingest URL` or `qa feed refresh`, not here
        documents = self.store.documents().values()
        stored = [d for d in documents if not d.url]
        paths = sorted({Path(d.path) for d in stored if d.path and Path(d.path).is_file()})
        gone = [(d.path, f"{d.path}: the file is gone; its passages stay in the store") for d in stored
                if not (d.path and Path(d.path).is_file())]
        if documents and not paths:
            return IngestReport(failed=gone)
        report = self._ingest(paths or [seeds_dir()], progress)
        report.failed.extend(gone)
        return report

    def ensure_corpus(self, progress: IngestProgress | None = None) -> IngestReport | None:
        """Ingest the bundled seed articles when the store is empty: the report if it did."""
        if self.store.count() > 0:
            return None
        with self._corpus_lock:  # threads asking at once on an empty store: one ingest
            if self.store.count() > 0:
                return None
            return self._ingest_seeds(progress)

    def _ingest_seeds(self, progress: IngestProgress | None) -> IngestReport:
        log.info("the store is empty: ingesting the bundled seed articles from %s", seeds_dir())
        return self._ingest([seeds_dir()], progress)

    def _ingest(self, paths: list[Path], progress: IngestProgress | None) -> IngestReport:
        return self.ingest_items(paths, progress=progress)

    def new_conversation(self) -> None:
        self.history.clear()

    def filters(
        self,
        *,
        sources: Iterable[str] | None = None,
        since: str | date | None = None,
        until: str | date | None = None,
    ) -> Filters:
        """Filters from what a user gave (outlet names in any case or part of one; dates as
        YYYY-MM-DD, YYYY-MM or YYYY), checked against the store: an unknown outlet, or
        filters that leave no article, are an InputError that says so."""
        filters = make_filters(sources, since, until, self.store.sources() if sources else ())
        where = filters.where()
        if where is not None and not self.store.matches(where):
            raise InputError(f"no article matches the filter ({filters.describe()}); "
                             "an article whose date is unknown is outside every date range")
        return filters

    def search(self, query: str, *, filters: Filters | None = None, k: int | None = None) -> Retrieved:
        """The passages for `query` (no model, no conversation)."""
        self.ensure_corpus()
        return retrieve(query, store=self.store, embedder=self.embedder, k=k or self.settings.top_k,
                        min_score=self.settings.min_score, filters=filters)

    def ingest_items(self, items: list, *, allow_private: bool = True, skip_known_urls: bool = False,
                     progress: IngestProgress | None = None) -> IngestReport:
        """Ingest files, folders and web pages (`qa.articles.ingest.WebPage`)."""
        return ingest(items, store=self.store, embedder=self.embedder, chunk_size=self.settings.chunk_size,
                      chunk_overlap=self.settings.chunk_overlap, progress=progress,
                      allow_private=allow_private, skip_known_urls=skip_known_urls)

    def refresh_feeds(self, progress: IngestProgress | None = None) -> FeedReport:
        """Read every followed feed and ingest its new entries' pages. A feed that cannot be
        read, an entry without a link and a page that fails are reported, never fatal;
        entries already stored (the same address or the same text) are skipped unfetched."""
        from qa.articles.feeds import FeedList, read_feed
        from qa.articles.ingest import WebPage

        feeds = FeedList(self.settings.feeds_file).list()
        items: list[WebPage] = []
        broken: list[tuple[str, str]] = []
        entries_without_link = 0
        for url in feeds:
            try:
                entries = read_feed(url)
            except QAError as exc:
                broken.append((url, str(exc)))
                continue
            for entry in entries:
                if not entry.link:
                    entries_without_link += 1
                    continue
                items.append(WebPage(entry.link, title=entry.title or None, date=entry.date, outlet=entry.outlet))
        report = self.ingest_items(list(dict.fromkeys(items)), skip_known_urls=True, progress=progress)
        return FeedReport(feeds=len(feeds), broken=broken, entries_without_link=entries_without_link, pages=report)

    def _retrieve(self, query: str, filters: Filters | None = None) -> Retrieved:
        # asked who won, the passages about the candidates alone cannot tell it
        last = (lambda p: names_only_candidates(p.text)) if asks_who_won(query) else None
        return retrieve(
            query, store=self.store, embedder=self.embedder, k=self.settings.top_k, min_score=self.settings.min_score,
            filters=filters, last=last,
        )

    def _articles(self, passages: list[Passage]) -> list[str] | None:
        """The title and whole text of each passage's article, for the answer checks; None
        when the store cannot be read now (the answer is then checked without them)."""
        try:
            texts = self.store.articles([p.doc_id for p in passages])
        except QAError as exc:
            log.warning("could not read the passages' articles (%s): checking the answer without them", exc)
            return None
        return [f"{p.title}\n{texts.get(p.doc_id, p.text)}" for p in passages]

    def _remember(self, answer: Answer, standalone: bool) -> None:
        if not standalone:
            self.history.append(answer)
            del self.history[:-HISTORY_KEPT]

    def stream(
        self, question: str, *, standalone: bool = False, filters: Filters | None = None
    ) -> Iterator[Event]:
        """Yield `Sources` (the passages) first, then `Delta`s of text, `Retrying` when the
        model is asked again (the checks refused its answer, or it missed the passage the
        question is about), then the `Answer`.

        A question is a follow-up of the conversation so far; a `standalone` one neither
        reads nor extends it, so several threads can ask through one `Assistant` at once.
        `filters` (see `Assistant.filters`) limit the articles searched."""
        question = check_question(question, self.settings)
        self.ensure_corpus()
        if has_relative_year(question):  # "last year" is counted from the newest article
            question = anchored(question, self.store.newest_date())
        if not self._warm:  # load the embedding model outside the timings
            self.embedder.encode(["warm-up"])
            self._warm = True
        model_start_ms = condense_ms = 0.0
        search = question
        turns: list[tuple[str, str]] = []
        history = [] if standalone else list(self.history[-HISTORY_TURNS:])
        if history:  # a follow-up: the model makes it a standalone query first
            model_started = time.perf_counter()
            llm = self.llm
            model_start_ms = (time.perf_counter() - model_started) * 1000
            condensing = time.perf_counter()
            turns = [(a.question, a.text) for a in history]
            search = condense(question, turns, llm)
            condense_ms = (time.perf_counter() - condensing) * 1000
        started = time.perf_counter()
        found = self._retrieve(search, filters)
        if not found.relevant and history:
            # The condensed query can lose the referent ("Who made that accusation?"): search
            # the follow-up with the previous question before refusing.
            with_previous = fallback(question, turns)
            if with_previous != search:
                retried = self._retrieve(with_previous, filters)
                if retried.relevant:
                    found, search = retried, with_previous
        passages = found.passages
        if history:  # a follow-up: the story the last answer cited first
            passages = in_thread(passages, [c.passage for c in history[-1].citations])
        articles = self._articles(passages) if found.relevant else None
        order = the_work_first(question, [p.text for p in passages], articles)
        passages = [passages[i] for i in order]
        articles = [articles[i] for i in order] if articles else articles
        retrieve_ms = condense_ms + (time.perf_counter() - started) * 1000
        yield Sources(passages=passages, relevant=found.relevant)
        if not found.relevant:
            final = generate.refusal(
                question, passages,
                Timings(retrieve_ms=retrieve_ms, condense_ms=condense_ms, total_ms=retrieve_ms,
                        model_start_ms=model_start_ms),
            )
            final = final.model_copy(update={"search_query": search})
            self._remember(final, standalone)
            yield final
            return
        model_started = time.perf_counter()
        llm = self.llm  # starts the embedded server on first use
        model_start_ms += (time.perf_counter() - model_started) * 1000
        earlier = [(a.question, a.text) for a in history if not a.refused]
        messages = generate.build_messages(question, passages, earlier)
        first_token_ms: float | None = None
        parts: list[str] = []
        # Time spent by the caller between our events (printing, starting the model) is
        # not the pipeline's: answer timings run from the request to the model.
        requested = time.perf_counter()
        for delta in llm.stream(
            messages, max_tokens=self.settings.llm_max_tokens, temperature=self.settings.llm_temperature
        ):
            if first_token_ms is None:
                first_token_ms = retrieve_ms + (time.perf_counter() - requested) * 1000
            parts.append(delta)
            yield Delta(text=delta)
        reply = "".join(parts)
        final = self._checked(question, search, reply, passages, articles, llm)
        second = second_draft(question, reply, passages, articles, llm) \
            if final.refused and self.settings.second_draft else None
        if second:  # the checks refused the answer: once more, its words barred
            log.info("asking again without %s", second.words)
            yield Retrying(passages=list(range(1, len(passages) + 1)), barred=second.words)
            again = self._ask_again(llm, messages, second.extra)
            retried = self._checked(question, search, again, passages, articles, llm)
            if taken(retried, again, second):  # the same checks, and no repairs
                final = retried
        subset = focus.retry_passages(search, final, passages) if self.settings.focus_retry else []
        if subset:  # the answer missed the passage the question is about: ask with it alone
            log.info("asking again with passages %s only", subset)
            yield Retrying(passages=subset)
            retry = self._ask_again(llm, generate.build_messages(question, [passages[n - 1] for n in subset], earlier))
            retried = generate.finish(question, focus.renumber(retry, subset), passages, Timings(), articles)
            if not retried.refused:  # the same checks; a refusal never replaces an answer
                final = retried
        timings = Timings(
            retrieve_ms=retrieve_ms,
            condense_ms=condense_ms,
            model_start_ms=model_start_ms,
            first_token_ms=first_token_ms,
            total_ms=retrieve_ms + (time.perf_counter() - requested) * 1000,
        )
        final = final.model_copy(update={"timings": timings, "search_query": search})
        self._remember(final, standalone)
        yield final

    def _checked(self, question: str, search: str, reply: str, passages: list[Passage],
                 articles: list[str] | None, llm: ChatModel) -> Answer:
        answer = generate.finish(question, reply, passages, Timings(), articles)
        if self.settings.check_responsive and not answer.refused and not answers_question(search, answer.text, llm):
            return generate.refusal(question, passages, Timings())  # related facts, not an answer
        return answer

    def _ask_again(self, llm: ChatModel, messages: list, extra: dict | None = None) -> str:
        """The reply to a second try, or "" when the endpoint fails: what was answered before
        is whole and checked, and stands."""
        options = {"extra": extra} if extra else {}
        try:
            return "".join(llm.stream(messages, max_tokens=self.settings.llm_max_tokens,
                                      temperature=self.settings.llm_temperature, **options))
        except QAError as exc:
            log.warning("asking again failed, the first answer stands: %s", exc)
            return ""

    def ask(self, question: str, *, standalone: bool = False, filters: Filters | None = None) -> Answer:
        """Answer `question` (a follow-up of the earlier ones unless `standalone`)."""
        result: Answer | None = None
        for event in self.stream(question, standalone=standalone, filters=filters):
            if isinstance(event, Answer):
                result = event
        assert result is not None
        return result


def ask(
    question: str,
    *,
    settings: Settings | None = None,
    store: Store | None = None,
    embedder: Embedder | None = None,
    llm: ChatModel | None = None,
    sources: Iterable[str] | None = None,
    since: str | date | None = None,
    until: str | date | None = None,
) -> Answer:
    """Answer one question about the articles (no conversation), optionally only from the
    outlets `sources` and the articles dated from `since` to `until` (inclusive;
    "2017-11-04", "2017-11", "2017" or a `datetime.date`)."""
    assistant = Assistant(settings=settings, store=store, embedder=embedder, llm=llm)
    filters = assistant.filters(sources=sources, since=since, until=until) if (sources or since or until) else None
    return assistant.ask(question, filters=filters)
