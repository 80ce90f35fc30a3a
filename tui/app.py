"""The chat app: ask, see the sources at once and the answer as it streams, follow `[n]` to
the quoted sentence, keep conversations.

The work runs in Textual thread workers (the `qa` API is synchronous); results come back
to the event loop with `call_from_thread`. The app calls only `qa`'s public API.
The ingests (first-run seeds, re-ingest, feed refresh) are in `tui.ingesting`, the `/filter`
command in `tui.filtering`; `ChatApp` mixes them in.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from pathlib import Path

from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, ProgressBar
from textual.worker import Worker, get_current_worker

from qa import Answer, Assistant, Delta, QAError, Retrying, Settings, Sources
from qa.search.filters import Filters
from qa.text import visible
from tui.conversations import ConversationStore
from tui.export import export_path, to_markdown
from tui.filtering import FilterCommand
from tui.ingesting import IngestWorkers
from tui.widgets.answer import AnswerView, QuestionView
from tui.widgets.conversation_list import ConversationList
from tui.widgets.question import QuestionInput
from tui.widgets.sources import SourcesPanel
from tui.widgets.status import StatusLine

log = logging.getLogger("qa.tui")
WHAT_TO_DO = "Check `qa status`, or set QA_LLM_BASE_URL to a running endpoint, then ask again."


class ChatApp(IngestWorkers, FilterCommand, App[None]):
    TITLE = "qa — questions about the news articles"
    CSS_PATH = "chat.tcss"
    AUTO_FOCUS = "#question"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel answer"),
        Binding("ctrl+n", "new_conversation", "New"),
        Binding("ctrl+o", "conversations", "Conversations"),
        Binding("ctrl+s", "export", "Export"),
        Binding("ctrl+y", "copy_answer", "Copy answer"),
        Binding("ctrl+b", "toggle_sources", "Sources"),
        Binding("ctrl+q", "quit", "Quit"),
    ]

    def __init__(
        self,
        settings: Settings | None = None,
        assistant: Assistant | None = None,
        conversations: ConversationStore | None = None,
        export_dir: Path | None = None,
        warm_up: bool = True,
    ) -> None:
        """`warm_up`: have the model read the fixed prompt start while the user types."""
        super().__init__()
        self.warm_up = warm_up
        self.assistant = assistant or Assistant(settings=settings)
        data_dir = self.assistant.settings.data_dir
        self.conversations = conversations or ConversationStore(data_dir / "conversations.sqlite3")
        self.export_dir = export_dir or Path.cwd()
        self.conversation_id: int | None = None
        self.ready = False
        self.running: AnswerView | None = None  # the answer being written
        self.waiting: tuple[str, AnswerView] | None = None  # asked before the articles were ready
        self.selected: AnswerView | None = None  # the answer whose sources are shown
        self.filters: Filters | None = None  # outlets and dates searched (/filter)
        self._ingesting = threading.Lock()

    # --- layout ------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="main"):
            with Vertical(id="chat"):
                yield VerticalScroll(id="conversation", can_focus=False)
                yield QuestionInput(id="question")
            yield SourcesPanel(id="sources")
        yield ProgressBar(id="ingest", show_eta=False)
        yield StatusLine(id="status")
        yield Footer()

    @property
    def conversation(self) -> VerticalScroll:
        return self.query_one("#conversation", VerticalScroll)

    @property
    def sources(self) -> SourcesPanel:
        return self.query_one(SourcesPanel)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    @property
    def question_input(self) -> QuestionInput:
        return self.query_one(QuestionInput)

    async def on_mount(self) -> None:
        self.ingest_bar = self.query_one("#ingest", ProgressBar)  # used from the ingest worker
        self.ingest_bar.display = False
        self.status.model = self.assistant.model_name
        latest = self.conversations.latest()
        if latest is not None:
            await self.open_conversation(latest)
        self.prepare()

    # --- start-up: the store (first run: ingest the seeds), then the model --------

    @work(thread=True, group="prepare", exit_on_error=False)
    def prepare(self) -> None:
        try:
            with self._ingesting:
                if self.assistant.store.count() == 0:
                    self._ingest_in_worker("Ingesting the bundled seed articles", first_run=True)
            self._ui(self._show_corpus)
            self.ready = True
            self._ui(self._ask_waiting)
            if self.assistant.model_not_started:
                self._ui(setattr, self.status, "activity", "Starting the model…")
                self.assistant.start_model(self._assembly_progress)
            if self.warm_up:
                self._ui(setattr, self.status, "activity", "Warming up the model (you can ask already)")
                # A daemon thread: quitting during the warm-up must not wait for it.
                threading.Thread(target=self._warm_up, name="qa-warm-up", daemon=True).start()
            else:
                self._ui(self._idle)
        except QAError as exc:
            self.ready = self.ready or self._store_has_passages()
            self._ui(self._report, f"{exc}", "The model is not running")
            self._ui(self._ask_waiting)  # it then fails with the same words, and the question is given back

    def _ui(self, callback, *args, **kwargs):
        """Run `callback` on the event loop from a worker thread. Once the app has quit, do
        nothing: a worker (an ingest) must then run to its end, not fail halfway."""
        try:
            return self.call_from_thread(callback, *args, **kwargs)
        except RuntimeError:
            return None

    def _idle(self) -> None:
        """'Ready', unless an answer is being written (the warm-up or an ingest ended meanwhile)."""
        if self.running is None:
            self.status.activity = "Ready"

    def notify(self, message: str, *, title: str = "", severity="information", timeout: float | None = None,
               markup: bool = False) -> None:
        # Messages carry paths and error text ("x [draft].txt"): never read them as markup,
        # and show their control characters (an ESC in a file name) instead of sending them.
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=markup)

    def _warm_up(self) -> None:
        try:
            self.assistant.warm_up()
        except QAError as exc:
            log.warning("warming up the model failed: %s", exc)
        self._ui(self._idle)

    def _store_has_passages(self) -> bool:
        try:
            return self.assistant.store.count() > 0
        except QAError:
            return False

    def _assembly_progress(self, done: int, total: int) -> None:
        percent = f" {100 * done // total}%" if total else ""
        self._ui(setattr, self.status, "activity", f"Assembling the model (once){percent}")

    def _report(self, message: str, activity: str) -> None:
        self.notify(f"{message}. {WHAT_TO_DO}", title="Error", severity="error", timeout=15)
        self.status.activity = activity

    # --- asking --------------------------------------------------------------------

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            self.notify("Type a question about the articles first.", severity="warning")
            return
        if question.split(maxsplit=1)[0] == "/filter":
            if self.set_filter(question.removeprefix("/filter")):
                event.input.value = ""
            return
        if self.running is not None:
            self.notify("An answer is still being written: Esc cancels it.", severity="warning")
            return
        event.input.value = ""
        self.question_input.remember(question)
        view = AnswerView(question)
        await self.conversation.mount_all([QuestionView(question), view])
        self.conversation.scroll_end(animate=False)
        self.running = self.selected = view
        if not self.ready:  # kept, and asked as soon as the articles are ready
            self.waiting = (question, view)
            self.status.activity = "Your question is next: preparing the articles…"
            return
        self.status.activity = "Searching…"
        self.answer(question, view)

    def _ask_waiting(self) -> None:
        if self.waiting is None:
            return
        (question, view), self.waiting = self.waiting, None
        if self.ready:
            self.status.activity = "Searching…"
            self.answer(question, view)
        else:  # the articles could not be prepared: the error is shown, the question given back
            self.call_later(self._failed_quietly, view, question)

    async def _failed_quietly(self, view: AnswerView, question: str) -> None:
        await self._failed(view, question, "")  # the reason was reported as it happened

    @work(thread=True, exclusive=True, group="answer", exit_on_error=False)
    def answer(self, question: str, view: AnswerView) -> None:
        worker = get_current_worker()
        events = self.assistant.stream(question, filters=self.filters)
        try:
            for event in events:
                if isinstance(event, Answer):  # even when cancelled: it is in the history now
                    self._ui(self._answered, view, event)
                    break
                if worker.is_cancelled:
                    break
                if isinstance(event, Sources):
                    self._ui(self._sources_found, view, event)
                elif isinstance(event, Delta):
                    self._ui(self._delta, view, event.text)
                elif isinstance(event, Retrying):
                    self._ui(self._retrying, view, event)
        except QAError as exc:
            if not worker.is_cancelled:
                self._ui(self._failed, view, question, str(exc))
        except Exception as exc:  # the app keeps running; the log has the details
            log.exception("answering %r failed", question)
            if not worker.is_cancelled:
                self._ui(self._failed, view, question, f"unexpected error: {type(exc).__name__}: {exc}")
        finally:
            events.close()  # stops the model's stream when the answer was cancelled

    async def _sources_found(self, view: AnswerView, event: Sources) -> None:
        if view.cancelled:
            return
        if self.selected is view:
            await self.sources.show_passages(event.passages, event.relevant)
        if event.relevant and self.assistant.model_not_started:
            self.status.activity = "Starting the model…"
        else:
            self.status.activity = "Writing…" if event.relevant else "Nothing relevant found"

    async def _delta(self, view: AnswerView, text: str) -> None:
        if view.cancelled:
            return
        if self.status.activity != "Writing…":
            self.status.activity = "Writing…"
        await view.append(text)
        self.conversation.scroll_end(animate=False)

    async def _retrying(self, view: AnswerView, event: Retrying) -> None:
        if not view.cancelled:
            if event.barred:
                self.status.activity = f"Checking: the sources do not bear out {', '.join(event.barred)}; asking again…"
            else:
                marks = ", ".join(f"[{n}]" for n in event.passages)
                self.status.activity = f"Checking: asking again with {marks} only…"

    async def _answered(self, view: AnswerView, answer: Answer) -> None:
        if view.cancelled:
            # Cancelled (Esc, a new or another conversation) after the model had finished:
            # `Assistant.stream` has put it in the history, where it does not belong.
            history = self.assistant.history
            for i in range(len(history) - 1, -1, -1):
                if history[i] is answer:
                    del history[i]
            return
        self.running = None  # before any await: an Esc meanwhile must not save it cancelled too
        self._save(view.question, answer)
        t = answer.timings
        first = f"first token {t.first_token_ms / 1000:.1f} s, " if t.first_token_ms else ""
        self.status.latency = f"last answer: {first}total {t.total_ms / 1000:.1f} s"
        # The cited sources before the answer: once `view.answer` is set, its citations
        # can be followed (the view's update awaits, and was seen with no source marked).
        if self.selected is view:
            await self.sources.show_answer(answer)
        await view.finish(answer)
        self._idle()
        self.conversation.scroll_end(animate=False)

    async def _failed(self, view: AnswerView, question: str, message: str) -> None:
        """Remove the half-written turn, say what happened, give the question back."""
        turn = list(self.conversation.children)
        at = turn.index(view) if view in turn else -1
        if at > 0 and isinstance(turn[at - 1], QuestionView):
            await turn[at - 1].remove()
        await view.remove()
        self.running = None
        if self.selected is view:
            self.selected = None
        if not self.question_input.value:
            self.question_input.value = question
        if message:  # empty: said already
            self._report(message, "Ready")

    def _save(self, question: str, answer: Answer | None, partial: str = "") -> None:
        try:
            if self.conversation_id is None:
                self.conversation_id = self.conversations.create(question)
            self.conversations.add_turn(self.conversation_id, question, answer, partial)
        except Exception as exc:  # sqlite3 errors: the answer is on screen, say it was not saved
            self.notify(f"could not save the conversation: {exc}", severity="warning")

    async def action_cancel(self) -> None:
        view = self.running
        if view is None:
            self.question_input.focus()
            return
        self.waiting = None
        self.workers.cancel_group(self, "answer")
        self.running = None
        await view.cancel()
        self._save(view.question, None, view.partial)
        self.status.activity = "Cancelled"
        self.question_input.focus()

    # --- sources and citations -----------------------------------------------------

    async def on_answer_view_citation_selected(self, event: AnswerView.CitationSelected) -> None:
        await self._select(event.view)
        if not self.sources.select(event.n):
            self.notify(f"There is no passage [{event.n}] for this answer.", severity="warning")
        if not self.sources.display:
            self.sources.display = True

    async def on_answer_view_selected(self, event: AnswerView.Selected) -> None:
        await self._select(event.view)

    async def _select(self, view: AnswerView) -> None:
        if self.selected is view or view.answer is None:
            self.selected = view
            return
        self.selected = view
        await self.sources.show_answer(view.answer)

    # --- conversations -------------------------------------------------------------

    async def action_new_conversation(self) -> None:
        if self.running is not None:
            await self.action_cancel()
        self.assistant.new_conversation()
        self.conversation_id = None
        self.selected = None
        await self.conversation.remove_children()
        await self.sources.remove_children()
        self.status.activity = "New conversation"
        self.question_input.focus()

    async def open_conversation(self, conversation_id: int) -> None:
        turns = self.conversations.turns(conversation_id)
        await self.conversation.remove_children()
        views = []
        for turn in turns:
            views += [QuestionView(turn.question), AnswerView(turn.question, turn.answer, turn.partial, turn.cancelled)]
        await self.conversation.mount_all(views)
        self.conversation_id = conversation_id
        # follow-ups carry on from the answered turns
        self.assistant.new_conversation()
        self.assistant.history.extend(t.answer for t in turns if t.answer is not None)
        answered = [v for v in views if isinstance(v, AnswerView) and v.answer is not None]
        self.selected = answered[-1] if answered else None
        await self.sources.remove_children()
        if self.selected is not None and self.selected.answer is not None:
            await self.sources.show_answer(self.selected.answer)
        self.conversation.scroll_end(animate=False)
        for past in turns:
            self.question_input.remember(past.question)

    def action_conversations(self) -> None:
        found = self.conversations.list()
        if not found:
            self.notify("No saved conversation yet.")
            return

        async def chosen(conversation_id: int | None) -> None:
            if conversation_id is not None and conversation_id != self.conversation_id:
                if self.running is not None:
                    await self.action_cancel()
                await self.open_conversation(conversation_id)

        self.push_screen(ConversationList(found, self.conversation_id), chosen)

    def action_export(self) -> None:
        if self.conversation_id is None:
            self.notify("Nothing to export yet: ask a question first.", severity="warning")
            return
        title = self.conversations.title(self.conversation_id)
        path = export_path(self.export_dir, title)
        try:
            path.write_text(to_markdown(title, self.conversations.turns(self.conversation_id)), encoding="utf-8")
        except OSError as exc:
            self.notify(f"could not write {path}: {exc.strerror}", severity="error")
            return
        self.notify(f"Exported to {path}", title="Export")

    def action_copy_answer(self) -> None:
        view = self.selected or next(iter(reversed(self.query(AnswerView))), None)
        if view is None:
            self.notify("No answer to copy yet.", severity="warning")
            return
        self.copy_to_clipboard(view.as_text())
        self.notify("Copied the answer and its sources to the clipboard.")

    def action_toggle_sources(self) -> None:
        self.sources.display = not self.sources.display

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("New conversation", "Start a conversation with no history", self.action_new_conversation)
        yield SystemCommand("Switch conversation", "Open a saved conversation", self.action_conversations)
        yield SystemCommand("Export conversation", "Write it to Markdown with citations and sources",
                            self.action_export)
        yield SystemCommand("Copy answer", "Copy the selected answer with its sources", self.action_copy_answer)
        yield SystemCommand("Re-ingest articles", "Read the stored articles' files again", self.reingest)
        yield SystemCommand("Refresh feeds", "Read the followed feeds (qa feed add) and ingest new articles",
                            self.refresh_feeds)
        yield SystemCommand("Filter by outlet or date",
                            "Type /filter source=NAME since=YYYY-MM-DD until=YYYY-MM-DD (or /filter off)",
                            self.action_filter)
        yield SystemCommand("Toggle sources", "Show or hide the sources panel", self.action_toggle_sources)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.error is not None:  # exit_on_error=False: say it, keep running
            self.notify(f"unexpected error: {event.worker.error}", severity="error", timeout=15)

    async def action_quit(self) -> None:
        if self.running is not None:  # keep what was written, stop the model's stream
            await self.action_cancel()
        self.exit()

    def on_unmount(self) -> None:
        self.conversations.close()


def run(settings: Settings | None = None) -> None:
    ChatApp(settings=settings).run()
