"""The first chat app, driven by Textual's Pilot with a fake model."""

from __future__ import annotations

import asyncio
import re

from textual.widgets import Input, RichLog

from qa import Assistant
from qa.errors import LLMError
from tests.fakes import FakeLLM
from tui.app import ChatApp


def _text(log: RichLog) -> str:
    return "\n".join(line.text for line in log.lines)


async def _ask(app: ChatApp, pilot, question: str) -> None:
    await pilot.click("#question")
    app.query_one(Input).value = question
    await pilot.press("enter")
    for _ in range(200):
        await pilot.pause(0.05)
        if not app.query_one(Input).disabled and not app.workers:
            break


def test_question_shows_the_cited_answer(settings, seeded_store, fake_embedder):
    llm = FakeLLM("Qaim is about 320 kilometers west of Baghdad [1].")
    app = ChatApp(assistant=Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm))

    async def scenario():
        async with app.run_test() as pilot:
            await _ask(app, pilot, "How far is Qaim from Baghdad?")
            text = _text(app.query_one(RichLog))
            assert "You: How far is Qaim from Baghdad?" in text
            m = re.search(r"Qaim is about 320 kilometers west of Baghdad (\[\d\])\.", text)
            assert m and "320 kilomet" in text.split(m.group(0), 1)[1]  # the cited source under it

    asyncio.run(scenario())


def test_model_failure_is_a_notification_and_the_question_comes_back(settings, seeded_store, fake_embedder):
    llm = FakeLLM(LLMError("cannot reach the model"))
    app = ChatApp(assistant=Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm))

    async def scenario():
        async with app.run_test() as pilot:
            await _ask(app, pilot, "How far is Qaim from Baghdad?")
            assert app.query_one(Input).value == "How far is Qaim from Baghdad?"
            assert any("cannot reach the model" in str(n.message) for n in app._notifications)

    asyncio.run(scenario())
