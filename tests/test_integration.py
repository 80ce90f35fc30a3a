"""The real stack: MiniLM embeddings, a Chroma store, the embedded llama.cpp model."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from qa import Assistant, Settings

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory) -> Settings:
    return Settings(data_dir=tmp_path_factory.mktemp("real-data"))


@pytest.fixture(scope="session")
def assistant(real_settings) -> Assistant:
    assistant = Assistant(settings=real_settings)
    assert assistant.ensure_corpus()
    return assistant


def _cited_texts(answer) -> str:
    return " ".join(c.passage.text for c in answer.citations)


@pytest.mark.parametrize(
    "question, facts",
    [
        ("How far is Qaim from Baghdad?", ["320"]),
        ("Who is the chairman of the US Joint Chiefs of Staff?", ["Dunford"]),
        ("Who is the spokeswoman for the Syrian Democratic Forces?", ["Lelwa Abdullah"]),
        ("What did Brig. Gen. Ali Mayhoub call the recapture of the city?", ["strategic victory"]),
    ],
)
def test_answers_state_the_fact_and_cite_a_passage_that_contains_it(assistant, question, facts):
    assistant.new_conversation()
    answer = assistant.ask(question)
    assert not answer.refused, answer.text
    for fact in facts:
        assert fact in answer.text, answer.text
        assert fact in _cited_texts(answer), answer.model_dump_json(indent=1)
    assert all(1 <= c.n <= len(answer.passages) for c in answer.citations)
    assert answer.timings.first_token_ms and answer.timings.total_ms >= answer.timings.first_token_ms


def test_off_topic_question_is_refused(assistant):
    assistant.new_conversation()
    answer = assistant.ask("What is the capital of France?")
    assert answer.refused, answer.text


def test_cli_json_on_an_empty_store_ingests_then_answers(tmp_path):
    env = {**os.environ, "QA_DATA_DIR": str(tmp_path / "cli-data")}
    proc = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ask", "--json", "How far is Qaim from Baghdad?"],
        capture_output=True, text=True, env=env, timeout=900,
    )
    assert proc.returncode == 0, proc.stderr
    assert "ingesting the bundled seed articles" in proc.stderr
    payload = json.loads(proc.stdout)
    assert not payload["refused"]
    assert "320" in payload["answer"]
    assert any("320" in c["text"] for c in payload["citations"])
    assert payload["timings"]["first_token_ms"] > 0
