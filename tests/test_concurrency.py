"""Many threads asking at once: the same answers as one at a time, bounded memory.

The soak test runs the real embedder and a real Chroma store; the model is a stand-in
that answers from the prompt it is given (the first sentence of passage [1]), so any
mix-up between threads (passages, prompts, citations of another question) changes an
answer. The real model under concurrent questions is in the integration test below."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from qa import Assistant
from qa.articles.ingest import ingest, seeds_dir
from qa.assistant import HISTORY_KEPT
from qa.index.store import Store

DEV = Path(__file__).resolve().parent.parent / "evals" / "dev.jsonl"
_PASSAGE_1 = re.compile(r"^\[1\] \([^\n]*\)\n([^\n]+)", re.MULTILINE)


class QuotingModel:
    """Answers with the first sentence of passage [1] of the prompt, cited."""

    name = "quoting"

    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float) -> Iterator[str]:
        with self._lock:
            self.calls += 1
        found = _PASSAGE_1.findall(messages[-1]["content"])
        sentence = re.split(r"(?<=[.!?])\s", found[-1].strip())[0] if found else "No passage."
        reply = f"{sentence} [1]"
        for i in range(0, len(reply), 5):
            yield reply[i:i + 5]


def _vm_rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(scope="module")
def real_store(tmp_path_factory):
    from qa.runtime import default_embedder

    embedder = default_embedder()
    store = Store(tmp_path_factory.mktemp("soak") / "chroma", collection="soak", model_id=embedder.model_id)
    ingest([seeds_dir()], store=store, embedder=embedder)
    return store, embedder


def _questions(n: int) -> list[str]:
    dev = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]
    standalone = [c["question"] for c in dev if not c["history"]]
    return [standalone[i % len(standalone)] for i in range(n)]


def _key(answer) -> tuple:
    return answer.refused, answer.text, tuple(c.passage.id for c in answer.citations)


def test_200_questions_from_8_threads_through_one_assistant(real_store, settings):
    store, embedder = real_store
    assistant = Assistant(settings=settings, store=store, embedder=embedder, llm=QuotingModel())
    questions = _questions(200)
    alone = {q: _key(assistant.ask(q, standalone=True)) for q in dict.fromkeys(questions)}
    assert sum(not refused for refused, _, _ in alone.values()) >= len(alone) // 2  # the test exercises answers

    rss = []
    with ThreadPoolExecutor(8) as pool:
        for half in (questions[:100], questions[100:]):
            got = list(pool.map(lambda q: _key(assistant.ask(q, standalone=True)), half))
            assert got == [alone[q] for q in half]
            rss.append(_vm_rss_mib())
    assert assistant.history == []  # standalone questions are no conversation
    # memory: the second hundred questions must not keep what the first left
    print(f"soak: {len(alone)} distinct questions, RSS after 100 and 200: {rss[0]:.0f} and {rss[1]:.0f} MiB")
    assert rss[1] - rss[0] < 64, rss


def test_8_threads_with_an_assistant_each_keep_their_own_conversations(real_store, settings):
    store, embedder = real_store
    model = QuotingModel()
    questions = _questions(200)

    def conversation(i: int) -> list[tuple]:
        mine = Assistant(settings=settings, store=store, embedder=embedder, llm=model)
        keys = []
        for q in questions[i::8]:
            mine.new_conversation()  # each question its own turn: comparable with the answer alone
            keys.append(_key(mine.ask(q)))
            assert len(mine.history) == 1
        return keys

    alone_assistant = Assistant(settings=settings, store=store, embedder=embedder, llm=QuotingModel())
    alone = {q: _key(alone_assistant.ask(q, standalone=True)) for q in dict.fromkeys(questions)}
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(conversation, range(8)))
    for i, keys in enumerate(results):
        assert keys == [alone[q] for q in questions[i::8]]


def test_a_long_conversation_keeps_a_bounded_history(seeded_store, fake_embedder, settings):
    from tests.fakes import FakeLLM

    replies = ["The talks were held in Geneva [1]."] * 40
    assistant = Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=FakeLLM(*replies))
    for i in range(20):
        assistant.ask(f"How far is Qaim from Baghdad, question {i}?")
    assert len(assistant.history) == HISTORY_KEPT


def test_threads_asking_on_an_empty_store_ingest_the_seeds_once(store, fake_embedder, settings):
    from tests.fakes import FakeLLM

    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=FakeLLM(*["No."] * 8))
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda _: assistant.ask("How far is Qaim from Baghdad?", standalone=True), range(4)))
    assert len(store.documents()) == 5
