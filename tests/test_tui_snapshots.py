"""Snapshots (SVG, under tests/__snapshots__) of the chat's main states, with a fake model.

Update after an intended change of the layout with `pytest tests/test_tui_snapshots.py
--snapshot-update`, and look at the new SVGs before committing them.
"""

from __future__ import annotations

import pytest

from qa import Answer, Assistant, Citation, Timings
from tests.fakes import FakeLLM
from tests.test_tui import QUESTION, REPLY, GatedLLM, until
from tui.app import ChatApp
from tui.conversations import ConversationStore
from tui.widgets.answer import AnswerView
from tui.widgets.sources import SourceCard

SIZE = (150, 42)


@pytest.fixture
def app_with(settings, seeded_store, fake_embedder, tmp_path):
    def make(llm, conversations: ConversationStore | None = None) -> ChatApp:
        assistant = Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm)
        store = conversations or ConversationStore(tmp_path / "conversations.sqlite3")
        return ChatApp(assistant=assistant, conversations=store, export_dir=tmp_path, warm_up=False)

    return make


def _gated(app: ChatApp, llm: GatedLLM) -> ChatApp:
    """The gate opens when the snapshot's pilot exits the app, not after a fixed wait.

    A fixed wait made the streaming snapshot flaky: on a loaded machine the rest of the reply
    arrived before the screenshot. The app's exit waits for the blocked stream, so the gate
    must open then."""
    exit_app = app.exit

    def exit_opening_the_gate(*args, **kwargs):
        llm.gate.set()
        return exit_app(*args, **kwargs)

    app.exit = exit_opening_the_gate
    return app


async def _ready(pilot) -> None:
    await until(pilot, lambda: pilot.app.ready and pilot.app.status.activity == "Ready")
    # A blinking cursor is drawn or not depending on when the screenshot falls: on a loaded
    # machine the streaming snapshot caught it hidden. The snapshots show it steady.
    pilot.app.question_input.cursor_blink = False


def test_empty_app(snap_compare, app_with):
    assert snap_compare(app_with(FakeLLM()), terminal_size=SIZE, run_before=_ready)


def test_sources_shown_while_the_answer_streams(snap_compare, app_with):
    llm = GatedLLM(REPLY, wait=120)

    async def streaming(pilot) -> None:
        await _ready(pilot)
        pilot.app.question_input.value = QUESTION
        await pilot.press("enter")
        await until(pilot, lambda: bool(pilot.app.query(AnswerView)) and pilot.app.query(AnswerView)[-1].streamed_text)
        await until(pilot, lambda: pilot.app.status.activity == "Writing…")
        await pilot.wait_for_scheduled_animations()

    try:
        assert snap_compare(_gated(app_with(llm), llm), terminal_size=SIZE, run_before=streaming)
    finally:
        llm.gate.set()


def test_resumed_conversation_with_a_followed_citation(snap_compare, app_with, seeded_store, fake_embedder, settings,
                                                       tmp_path):
    # An answer with fixed timings, saved as the app saves it: the reopened app shows it.
    assistant = Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=FakeLLM(REPLY))
    answer = assistant.ask(QUESTION)
    answer = answer.model_copy(update={"timings": Timings(retrieve_ms=12, first_token_ms=2100, total_ms=4300)})
    store = ConversationStore(tmp_path / "conversations.sqlite3")
    store.add_turn(store.create(QUESTION), QUESTION, answer)

    async def follow(pilot) -> None:
        await _ready(pilot)
        pilot.app.query(AnswerView)[-1].focus()
        await pilot.press("1")
        await until(pilot, lambda: any(c.has_class("selected") for c in pilot.app.query(SourceCard)))
        await pilot.wait_for_scheduled_animations()

    assert isinstance(answer, Answer) and isinstance(answer.citations[0], Citation)
    assert snap_compare(app_with(FakeLLM(), store), terminal_size=SIZE, run_before=follow)


def test_cancelled_answer(snap_compare, app_with):
    llm = GatedLLM(REPLY, wait=120)

    async def cancel(pilot) -> None:
        await _ready(pilot)
        pilot.app.question_input.value = QUESTION
        await pilot.press("enter")
        await until(pilot, lambda: bool(pilot.app.query(AnswerView)) and pilot.app.query(AnswerView)[-1].streamed_text)
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.query(AnswerView)[-1].has_class("cancelled"))
        await pilot.wait_for_scheduled_animations()

    try:
        assert snap_compare(_gated(app_with(llm), llm), terminal_size=SIZE, run_before=cancel)
    finally:
        llm.gate.set()
