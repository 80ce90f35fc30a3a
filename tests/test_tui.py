"""The chat app, driven by Textual's Pilot with a fake model (the real stack is in
tests/test_tui_terminal.py)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import pytest

from qa import Assistant
from qa.errors import LLMError
from tests.fakes import FakeLLM
from tui.app import ChatApp, QuestionInput
from tui.conversations import ConversationStore
from tui.widgets.answer import AnswerView, QuestionView, linked
from tui.widgets.sources import SourceCard

QUESTION = "How far is Qaim from Baghdad?"
REPLY = "Qaim is about 320 kilometers west of Baghdad [1]."


class GatedLLM(FakeLLM):
    """Streams its first piece, then waits until the test opens the gate (or `wait` s)."""

    def __init__(self, *replies: str, wait: float = 10.0) -> None:
        super().__init__(*replies)
        self.gate = threading.Event()
        self.closed = threading.Event()  # the consumer closed the stream before its end
        self.wait = wait

    def stream(self, messages, *, max_tokens: int, temperature: float) -> Iterator[str]:
        pieces = super().stream(messages, max_tokens=max_tokens, temperature=temperature)
        try:
            yield next(pieces)
            self.gate.wait(self.wait)
            yield from pieces
        except GeneratorExit:
            self.closed.set()
            raise


@pytest.fixture
def make_app(settings, seeded_store, fake_embedder, tmp_path):
    def make(llm, conversations: ConversationStore | None = None) -> ChatApp:
        assistant = Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm)
        store = conversations or ConversationStore(settings.data_dir / "conversations.sqlite3")
        return ChatApp(assistant=assistant, conversations=store, export_dir=tmp_path, warm_up=False)

    return make


async def until(pilot, condition, timeout: float = 10.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if condition():
            return
        await pilot.pause(0.05)
    raise AssertionError("condition not reached")


async def ready(app: ChatApp, pilot) -> None:
    await until(pilot, lambda: app.ready and app.status.activity == "Ready")


async def ask(app: ChatApp, pilot, question: str, *, wait: bool = True) -> AnswerView:
    app.question_input.focus()
    app.question_input.value = question
    await pilot.press("enter")
    await until(pilot, lambda: app.running is not None or bool(app.query(AnswerView)))
    view = list(app.query(AnswerView))[-1]
    if wait:
        await until(pilot, lambda: view.answer is not None and app.running is None)
    return view


def run(scenario) -> None:
    asyncio.run(scenario())


def test_question_shows_sources_then_the_streamed_checked_answer(make_app):
    llm = GatedLLM(REPLY)
    app = make_app(llm)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, QUESTION, wait=False)
            # sources are on screen before the model finishes, and the first text streamed
            await until(pilot, lambda: len(app.query(SourceCard)) > 0 and view.streamed_text)
            assert view.answer is None
            await pilot.press("a", "b")  # the input takes the next question while the answer streams
            assert app.question_input.value == "ab"
            llm.gate.set()
            await until(pilot, lambda: view.answer is not None)
            assert view.answer.text == REPLY and not view.answer.refused
            cited = [c for c in app.query(SourceCard) if c.has_class("cited")]
            assert [c.n for c in cited] == [1] and "320" in cited[0].passage.text
            assert cited[0].quote and cited[0].quote in cited[0].passage.text
            assert "first token" in app.status.latency and "documents" in app.status.corpus

    run(scenario)


def test_a_citation_is_followed_from_the_keyboard_to_its_passage(make_app):
    app = make_app(FakeLLM(REPLY))

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, QUESTION)
            view.focus()
            await pilot.press("1")
            selected = [c for c in app.query(SourceCard) if c.has_class("selected")]
            assert [c.n for c in selected] == [1]
            await pilot.press("2")  # no [2] in this answer, but passage 2 was given: it is shown
            assert [c.n for c in app.query(SourceCard) if c.has_class("selected")] == [2]
            await pilot.press("right_square_bracket")  # the next *cited* passage: back to [1]
            assert [c.n for c in app.query(SourceCard) if c.has_class("selected")] == [1]

    run(scenario)


def test_escape_cancels_keeps_the_partial_text_marked_and_the_app_goes_on(make_app, settings):
    llm = GatedLLM(REPLY, REPLY)
    app = make_app(llm)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, QUESTION, wait=False)
            await until(pilot, lambda: bool(view.streamed_text))
            await pilot.press("escape")
            assert view.cancelled and view.has_class("cancelled") and app.running is None
            assert view.partial == REPLY[:7]
            llm.gate.set()
            await until(pilot, llm.closed.is_set)  # the model's stream was closed
            await pilot.pause(0.2)
            assert view.answer is None  # the rest of the stream did not land on the cancelled turn
            assert app.assistant.history == []  # a cancelled answer is no history for follow-ups
            second = await ask(app, pilot, QUESTION)
            assert second.answer is not None and not second.answer.refused

    run(scenario)
    turns = ConversationStore(settings.data_dir / "conversations.sqlite3").turns(1)
    assert [t.cancelled for t in turns] == [True, False] and turns[0].partial == REPLY[:7]


def test_model_failure_is_a_notification_the_question_comes_back_and_the_app_runs_on(make_app):
    app = make_app(FakeLLM(LLMError("cannot reach the model at http://127.0.0.1:9"), REPLY))

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            app.question_input.value = QUESTION
            await pilot.press("enter")
            await until(pilot, lambda: app.question_input.value == QUESTION and app.running is None)
            assert any("cannot reach the model" in str(n.message) for n in app._notifications)
            assert not app.query(AnswerView) and not app.query(QuestionView)  # no half-written turn
            await pilot.press("enter")  # the restored question, sent again
            await until(pilot, lambda: bool(app.query(AnswerView)) and app.query(AnswerView)[-1].answer is not None)

    run(scenario)


def test_a_huge_question_is_a_notification_and_stays_in_the_input(make_app):
    llm = FakeLLM(REPLY)
    app = make_app(llm)
    huge = "why? " * 20_000

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            app.question_input.value = huge
            await pilot.press("enter")
            await until(pilot, lambda: app.running is None and any(
                "characters long" in str(n.message) for n in app._notifications))
            assert app.question_input.value.strip() == huge.strip()  # nothing lost: the user can shorten it
            assert not app.query(AnswerView) and llm.calls == []

    run(scenario)


def test_follow_up_recall_and_persistence_across_restarts(make_app, settings):
    condensed = "How far is Qaim from Baghdad in miles?"
    llm = FakeLLM(REPLY, condensed, "About 200 miles [1].")
    app = make_app(llm)
    shown: list[str] = []

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            await ask(app, pilot, QUESTION)
            follow = await ask(app, pilot, "And in miles?")
            assert follow.answer.search_query == condensed and follow.answer.citations
            assert follow.answer.text.startswith("About 200 miles [")
            shown.append(follow.answer.text)
            app.question_input.focus()
            await pilot.press("up")
            assert app.question_input.value == "And in miles?"
            await pilot.press("up")
            assert app.question_input.value == QUESTION

    run(scenario)
    # reopening resumes the last conversation, with its sources and its history for follow-ups
    again = make_app(FakeLLM("Which valley is Qaim in?", "Qaim lies in the Euphrates River Valley [1]."))

    async def reopened():
        async with again.run_test(size=(140, 40)) as pilot:
            await ready(again, pilot)
            views = list(again.query(AnswerView))
            assert [v.question for v in views] == [QUESTION, "And in miles?"]
            assert views[-1].answer.text == shown[0]  # as it was answered, its citation too
            assert any(c.has_class("cited") for c in again.query(SourceCard))
            assert len(again.assistant.history) == 2
            await ask(again, pilot, "Which valley is it in?")
            condense_prompt = again.assistant.llm.calls[0][-1]["content"]
            assert "And in miles?" in condense_prompt

    run(reopened)


def test_new_conversation_switching_and_export(make_app, tmp_path):
    app = make_app(FakeLLM(REPLY, "Islamic State has lost more than 90 per cent of its territory [1]."))

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            await ask(app, pilot, QUESTION)
            first = app.conversation_id
            await pilot.press("ctrl+n")
            assert not app.query(AnswerView) and app.assistant.history == [] and app.conversation_id is None
            await ask(app, pilot, "How much territory has Islamic State lost?")
            await pilot.press("ctrl+o")
            await pilot.pause(0.1)
            # the list is newest first: the first conversation is the second entry
            await pilot.press("down", "enter")
            await until(pilot, lambda: app.conversation_id == first)
            assert [v.question for v in app.query(AnswerView)] == [QUESTION]
            await pilot.press("ctrl+s")
            await until(pilot, lambda: any(tmp_path.glob("qa-*.md")))

    run(scenario)
    exported = next(tmp_path.glob("qa-*.md")).read_text(encoding="utf-8")
    assert "## How far is Qaim from Baghdad?" in exported
    assert "Qaim is about 320 kilometers west of Baghdad [1]." in exported  # readable as raw text too
    assert "- [1] " in exported and "  > " in exported and "320 kilomet" in exported


def test_markup_in_an_article_or_answer_is_shown_as_written(make_app, seeded_store, fake_embedder, settings):
    from qa.articles.ingest import ingest

    folder = settings.data_dir.parent / "markup"
    folder.mkdir()
    (folder / "markup.txt").write_text(
        "Markup test\n\nThe mayor of Testville said [bold]nothing[/bold] about [link=http://x]the plan[/link] "
        "and *stars* on Tuesday. The mayor of Testville spoke for ten minutes.\n",
        encoding="utf-8",
    )
    ingest([folder], store=seeded_store, embedder=fake_embedder, chunk_size=settings.chunk_size)
    reply = "The mayor of Testville said [bold]nothing[/bold] about the plan [1]."
    app = make_app(FakeLLM(reply))

    async def scenario():
        async with app.run_test(size=(160, 50)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, "What did the mayor of Testville say about the plan?")
            cards = [c for c in app.query(SourceCard) if "Testville" in c.passage.text]
            assert cards
            rendered = str(cards[0].render())  # a Text: markup characters are kept
            assert "[bold]nothing[/bold]" in rendered and "[link=http://x]" in rendered
            assert view.answer is not None

    run(scenario)
    # the answer's Markdown escapes every markup character but keeps [n] as a link
    assert linked("a [bold]b[/bold] *c* [1]") == r"a \[bold\]b\[\/bold\] \*c\* [\[1\]](cite:1)"


def test_empty_question_and_asking_while_an_answer_runs_are_refused_politely(make_app):
    llm = GatedLLM(REPLY)
    app = make_app(llm)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            app.question_input.value = "   "
            await pilot.press("enter")
            assert not app.query(AnswerView)
            assert any("Type a question" in str(n.message) for n in app._notifications)
            await ask(app, pilot, QUESTION, wait=False)
            app.question_input.value = "Another question?"
            await pilot.press("enter")
            assert app.question_input.value == "Another question?" and len(app.query(AnswerView)) == 1
            assert any("Esc cancels" in str(n.message) for n in app._notifications)
            llm.gate.set()

    run(scenario)


def test_empty_store_is_ingested_on_first_run(settings, store, fake_embedder, tmp_path):
    app = ChatApp(
        assistant=Assistant(settings=settings, store=store, embedder=fake_embedder, llm=FakeLLM(REPLY)),
        conversations=ConversationStore(tmp_path / "c.sqlite3"),
        export_dir=tmp_path,
        warm_up=False,
    )

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            assert store.count() > 0 and app.status.corpus.startswith("5 documents")
            assert any("added" in str(n.message) for n in app._notifications)

    run(scenario)


def test_footer_lists_the_keys():
    keys = {b.key for b in ChatApp.BINDINGS}
    assert {"escape", "ctrl+n", "ctrl+o", "ctrl+s", "ctrl+y", "ctrl+b", "ctrl+q"} <= keys
    assert any(b.key == "up" for b in QuestionInput.BINDINGS)


def test_the_cited_quote_is_highlighted_in_its_passage():
    from qa import Passage
    from tui.widgets.sources import QUOTE_STYLE, card_text

    p = Passage(id="a:0", doc_id="a", title="T", span=(0, 1), source="CBC",
                text="First sentence [bold]x[/bold]. The quoted one says 320 km. Last one.")
    text = card_text(1, p, "The quoted one says 320 km.", cited=True)
    highlighted = [text.plain[s.start:s.end] for s in text.spans if str(s.style) == QUOTE_STYLE]
    assert highlighted == ["The quoted one says 320 km."]
    assert "[bold]x[/bold]" in text.plain  # article markup kept as text


def test_the_model_is_warmed_up_in_the_background_then_ready(settings, seeded_store, fake_embedder, tmp_path):
    llm = FakeLLM("ok", REPLY)
    app = ChatApp(
        assistant=Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm),
        conversations=ConversationStore(tmp_path / "c.sqlite3"),
        export_dir=tmp_path,
    )

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            assert len(llm.calls) == 1 and llm.calls[0][-1]["role"] == "user"  # the warm-up request
            view = await ask(app, pilot, QUESTION)
            assert view.answer.text == REPLY

    run(scenario)


def test_a_cancelled_turn_with_no_text_is_shown_cancelled_after_reopening(make_app, settings):
    store = ConversationStore(settings.data_dir / "conversations.sqlite3")
    store.add_turn(store.create(QUESTION), QUESTION, None, "")
    app = make_app(FakeLLM(), store)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = app.query_one(AnswerView)
            assert view.cancelled and view.has_class("cancelled")
            assert view.body.source == ""  # not the "…" of an answer still coming

    run(scenario)


def test_copy_puts_the_answer_and_its_quoted_sources_on_the_clipboard_and_the_palette_has_the_commands(make_app):
    app = make_app(FakeLLM(REPLY))

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, QUESTION)
            await pilot.press("ctrl+y")
            copied = app.clipboard
            assert copied.startswith(f"Q: {QUESTION}") and REPLY in copied
            assert f'"{view.answer.citations[0].quote}"' in copied
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert {"Switch conversation", "Export conversation", "Re-ingest articles", "Toggle sources"} <= titles
            await pilot.press("ctrl+b")
            assert not app.sources.display

    run(scenario)


def test_export_shows_article_markup_as_text():
    from markdown_it import MarkdownIt

    from qa import Answer, Citation, Passage
    from tui.conversations import Turn
    from tui.export import to_markdown

    text = "See [the plan](http://evil.example) and ![x](http://img) <b>bold</b>\n- not a list\n[1]: http://def"
    p = Passage(id="a:0", doc_id="a", title="[Title](http://t)", span=(0, 1), text=text, source="Outlet")
    answer = Answer(question="q", text="- It says *this* [1].", refused=False,
                    citations=[Citation(n=1, passage=p, quote=text)], passages=[p])
    md = to_markdown("q", [Turn("q", answer)])
    html = MarkdownIt("commonmark").render(md)
    assert "<a " not in html and "<img" not in html and "<b>" not in html and "<em>" not in html
    assert html.count("<li>") == 1  # the one source entry; the answer's "- " is not a list
    assert "- It says" in html and "[the plan](http://evil.example)" in html  # shown as written
    assert "\\- It says \\*this\\* [1]." in md  # markers stay readable in the file
    assert "\n- not a list" not in md  # the quote stays one line


def test_export_gives_each_cited_page_its_address_as_the_only_link():
    from markdown_it import MarkdownIt

    from qa import Answer, Citation, Passage
    from tui.conversations import Turn
    from tui.export import to_markdown

    url = "https://news.example/a?b=1&c=<script>x y"
    p = Passage(id="a:0", doc_id="a", title="Bridge reopens", span=(0, 1), text="It reopened.", source="Gazette",
                date="2017-11-06", url=url)
    answer = Answer(question="q", text="It reopened [1].", refused=False,
                    citations=[Citation(n=1, passage=p, quote="It reopened.")], passages=[p])
    md = to_markdown("q", [Turn("q", answer)])
    html = MarkdownIt("commonmark").render(md)
    assert "(Gazette, 2017-11-06)" in md
    assert html.count("<a ") == 1 and 'href="https://news.example/a?b=1&amp;c=%3Cscript%3Ex%20y"' in html
    assert "<script>" not in html


def test_an_answer_that_lands_after_its_turn_was_cancelled_leaves_the_history(make_app):
    app = make_app(FakeLLM(REPLY))

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            answer = app.assistant.ask(QUESTION)  # as Assistant.stream leaves it: in the history
            view = AnswerView(QUESTION)
            await app.conversation.mount(view)
            await view.cancel()
            await app._answered(view, answer)
            assert app.assistant.history == [] and view.answer is None

    run(scenario)


def test_quitting_while_an_answer_streams_keeps_the_partial_turn(make_app, settings):
    llm = GatedLLM(REPLY)
    app = make_app(llm)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, QUESTION, wait=False)
            await until(pilot, lambda: bool(view.streamed_text))
            await pilot.press("ctrl+q")
        llm.gate.set()

    run(scenario)
    turns = ConversationStore(settings.data_dir / "conversations.sqlite3").turns(1)
    assert len(turns) == 1 and turns[0].cancelled and turns[0].partial == REPLY[:7]


def test_a_citation_is_followed_by_clicking_its_marker(make_app):
    from textual.widgets import Markdown

    app = make_app(FakeLLM(REPLY))

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, QUESTION)
            await app.sources.show_passages(view.answer.passages)  # nothing selected yet
            column = REPLY.index("[1]") + 1
            await pilot.click(view.query_one(Markdown).query("MarkdownParagraph").first(), offset=(column, 0))
            await until(pilot, lambda: any(c.has_class("selected") for c in app.query(SourceCard)))
            assert [c.n for c in app.query(SourceCard) if c.has_class("selected")] == [1]
            assert view.has_focus and view.selected_citation == 1

    run(scenario)


class RetryGatedLLM(FakeLLM):
    """Its second call (the focused retry) waits until the test opens the gate."""

    def __init__(self, *replies: str) -> None:
        super().__init__(*replies)
        self.gate = threading.Event()

    def stream(self, messages, *, max_tokens: int, temperature: float) -> Iterator[str]:
        if self.calls:
            self.gate.wait(10)
        yield from super().stream(messages, max_tokens=max_tokens, temperature=temperature)


def test_the_status_says_when_the_model_is_asked_again_and_the_checked_retry_is_the_answer(make_app):
    llm = RetryGatedLLM(
        "Deir el-Zour is the largest city in eastern Syria and the capital of the province [1].", "Raqqah [1]."
    )
    app = make_app(llm)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, "Which city had served as Islamic State's de facto capital in Syria?", wait=False)
            await until(pilot, lambda: app.status.activity.startswith("Checking: asking again with ["))
            assert view.answer is None
            llm.gate.set()
            await until(pilot, lambda: view.answer is not None and app.running is None)
            assert view.answer.text.startswith("Raqqah [") and len(llm.calls) == 2

    run(scenario)


class BarringGatedLLM(RetryGatedLLM):
    """As the embedded model: it can be told to bar words (`qa.answering.avoid`)."""

    def barring(self, words: list[str]) -> dict:
        return {"logit_bias": {w: -100.0 for w in words}}

    def stream(self, messages, *, max_tokens: int, temperature: float, extra=None) -> Iterator[str]:
        yield from super().stream(messages, max_tokens=max_tokens, temperature=temperature)


def test_the_status_names_the_refused_answer_when_the_model_is_asked_again_without_it(make_app):
    from qa.answering.prompts import refusal_sentence

    llm = BarringGatedLLM("The capital was Aleppo [1].", refusal_sentence())
    app = make_app(llm)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            view = await ask(app, pilot, "Which city had served as Islamic State's de facto capital in Syria?", wait=False)
            await until(pilot, lambda: "do not bear out Aleppo" in app.status.activity)
            assert view.answer is None
            llm.gate.set()
            await until(pilot, lambda: view.answer is not None and app.running is None)
            assert view.answer.refused and len(llm.calls) == 2

    run(scenario)


def test_a_question_sent_while_the_articles_are_prepared_is_kept_and_answered_when_ready(
        settings, store, fake_embedder, tmp_path):
    """First run: the store is empty and the seeds are being ingested. A question sent now is
    shown at once, waits, and is answered as soon as the articles are in: not turned away."""
    gate = threading.Event()
    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=FakeLLM(REPLY))
    real_ensure = assistant.ensure_corpus

    def slow_ensure(progress=None):
        gate.wait(30)
        return real_ensure(progress)

    assistant.ensure_corpus = slow_ensure
    app = ChatApp(assistant=assistant, conversations=ConversationStore(tmp_path / "c.sqlite3"), export_dir=tmp_path,
                  warm_up=False)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            view = await ask(app, pilot, QUESTION, wait=False)
            assert not app.ready and app.waiting is not None
            assert "Your question is next" in app.status.activity
            assert app.question_input.value == ""  # taken, not handed back
            gate.set()
            await until(pilot, lambda: view.answer is not None and app.running is None)
            assert view.answer.text == REPLY and app.waiting is None

    run(scenario)


def test_a_waiting_question_can_be_cancelled_and_is_not_asked_later(settings, store, fake_embedder, tmp_path):
    gate = threading.Event()
    llm = FakeLLM(REPLY)
    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=llm)
    real_ensure = assistant.ensure_corpus
    assistant.ensure_corpus = lambda progress=None: (gate.wait(30), real_ensure(progress))[1]
    app = ChatApp(assistant=assistant, conversations=ConversationStore(tmp_path / "c.sqlite3"), export_dir=tmp_path,
                  warm_up=False)

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            view = await ask(app, pilot, QUESTION, wait=False)
            await pilot.press("escape")
            await until(pilot, lambda: view.cancelled)
            gate.set()
            await until(pilot, lambda: app.ready and app.status.activity != "Your question is next: preparing the articles…")
            await pilot.pause(0.5)
            assert llm.calls == []  # never asked

    run(scenario)


def test_a_filter_set_in_the_chat_shows_in_the_status_line_and_limits_the_sources(make_app):
    app = make_app(FakeLLM("Qaim is about 320 kilometers west of Baghdad [1]."))

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            app.question_input.value = "/filter source=nobody-such"
            await pilot.press("enter")
            await until(pilot, lambda: any("no article from an outlet named" in n.message for n in app._notifications))
            assert app.filters is None and app.question_input.value  # kept to be corrected
            app.question_input.value = "/filter source=dw since=2017-11"
            await pilot.press("enter")
            await until(pilot, lambda: app.filters is not None)
            assert app.status.filter == "filter: from DW, since 2017-11-01" and app.question_input.value == ""
            view = await ask(app, pilot, QUESTION)
            assert view.answer is not None
            assert {c.passage.origin for c in app.query(SourceCard)} == {"DW"}
            app.question_input.value = "/filter off"
            await pilot.press("enter")
            await until(pilot, lambda: app.filters is None and app.status.filter == "")
            titles = {c.title for c in app.get_system_commands(app.screen)}
            assert {"Refresh feeds", "Filter by outlet or date"} <= titles

    run(scenario)


def test_refresh_feeds_from_the_palette_ingests_and_reports(make_app, httpserver, settings):
    from qa.articles.feeds import FeedList
    from tests.test_news_in import BRIDGE, article_html, rss

    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/bridge.html").respond_with_data(
        article_html("Elmsford bridge reopens", BRIDGE, published="2017-11-06"), content_type="text/html")
    httpserver.expect_request("/flood.html").respond_with_data("gone", status=404)
    httpserver.expect_request("/feed.xml").respond_with_data(rss(base), content_type="application/rss+xml")
    FeedList(settings.feeds_file).add(f"{base}/feed.xml")
    app = make_app(FakeLLM())

    async def scenario():
        async with app.run_test(size=(140, 40)) as pilot:
            await ready(app, pilot)
            before = len(app.assistant.store.documents())
            app.refresh_feeds()
            await until(pilot, lambda: any(n.title == "Skipped" for n in app._notifications))
            messages = {n.title: n.message for n in app._notifications}
            assert "1 of 1 feeds read" in messages["Feeds refreshed"], messages
            assert "404" in messages["Skipped"], messages  # the broken entry is reported
            assert len(app.assistant.store.documents()) == before + 1

    run(scenario)
