"""A first, minimal chat: ask, watch the answer stream, read its sources.

The full interface (sources panel, conversations, export) is issue 5; this app already
uses the same public API (`qa.Assistant.stream`) in a worker thread.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.widgets import Footer, Header, Input, RichLog

from qa import Answer, Assistant, Delta, QAError, Settings, Sources


class ChatApp(App[None]):
    TITLE = "qa — news questions"
    BINDINGS = [("ctrl+n", "new_conversation", "New conversation"), ("ctrl+q", "quit", "Quit")]
    CSS = "RichLog { height: 1fr; } Input { dock: bottom; }"
    AUTO_FOCUS = "#question"

    def __init__(self, settings: Settings | None = None, assistant: Assistant | None = None) -> None:
        super().__init__()
        self.assistant = assistant or Assistant(settings=settings)

    def compose(self) -> ComposeResult:
        yield Header()
        yield RichLog(wrap=True, markup=False, id="log")
        yield Input(placeholder="Ask about the articles and press Enter", id="question")
        yield Footer()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        question = event.value.strip()
        if not question:
            return
        event.input.value = ""
        event.input.disabled = True
        log = self.query_one(RichLog)
        log.write(Text(f"You: {question}", style="bold"))
        self.answer(question)

    @work(thread=True, exclusive=True, group="answer")
    def answer(self, question: str) -> None:
        log = self.query_one(RichLog)
        try:
            for event in self.assistant.stream(question):
                if isinstance(event, Sources):
                    self.call_from_thread(log.write, Text(f"({len(event.passages)} passages found)", style="dim"))
                elif isinstance(event, Delta):
                    pass  # RichLog writes whole lines; the final text follows
                elif isinstance(event, Answer):
                    self.call_from_thread(self._show, event)
        except QAError as exc:
            self.call_from_thread(self.notify, str(exc), severity="error", timeout=10)
            self.call_from_thread(self._restore, question)
        finally:
            self.call_from_thread(self._enable)

    def _show(self, answer: Answer) -> None:
        log = self.query_one(RichLog)
        log.write(Text(answer.text, style="yellow" if answer.refused else ""))
        for c in answer.citations:
            log.write(Text(f"  [{c.n}] {c.passage.label}: {c.quote}", style="dim"))

    def _restore(self, question: str) -> None:
        self.query_one(Input).value = question

    def _enable(self) -> None:
        field = self.query_one(Input)
        field.disabled = False
        field.focus()

    def action_new_conversation(self) -> None:
        self.assistant.new_conversation()
        self.query_one(RichLog).clear()


def run(settings: Settings | None = None) -> None:
    ChatApp(settings=settings).run()
