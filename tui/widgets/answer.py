"""One turn of the conversation: the question as asked, the answer as it streams.

The answer is Markdown whose `[n]` markers are links (`cite:n`): a click, or a digit key
while the answer is selected, shows passage n in the sources panel. Everything else in the
answer is escaped, so text that looks like markup is shown as written.
"""

from __future__ import annotations

import re

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Markdown, Static
from textual.widgets.markdown import MarkdownStream

from qa import Answer
from qa.text import visible

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# CommonMark lets a backslash escape any ASCII punctuation: the text is shown as written.
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def escape_markdown(text: str) -> str:
    """`text` shown as written: Markdown and control characters (ESC...) both inert."""
    return _PUNCTUATION.sub(r"\\\1", visible(text))


def linked(text: str) -> str:
    """Answer text as Markdown: escaped, each `[n]` a `cite:n` link."""
    out, last = [], 0
    for m in MARKER.finditer(text):
        out.append(escape_markdown(text[last : m.start()]))
        numbers = re.findall(r"\d+", m.group(1))
        out.append(" ".join(f"[\\[{n}\\]](cite:{n})" for n in numbers))
        last = m.end()
    out.append(escape_markdown(text[last:]))
    return "".join(out)


def cited_numbers(text: str) -> list[int]:
    return list(dict.fromkeys(int(n) for m in MARKER.finditer(text) for n in re.findall(r"\d+", m.group(1))))


class QuestionView(Static):
    """The user's question, shown literally."""

    def __init__(self, question: str) -> None:
        super().__init__(Text(visible(question)), classes="question", markup=False)
        self.question = question


class AnswerView(Vertical, can_focus=True):
    """An answer: streamed text, then the checked text with its citations."""

    BINDINGS = [
        Binding("1", "cite(1)", "Show source [n]", key_display="1-9"),
        *(Binding(str(n), f"cite({n})", f"Source {n}", show=False) for n in range(2, 10)),
        Binding("right_square_bracket,right", "next_citation", "Next source"),
        Binding("left_square_bracket,left", "previous_citation", "Previous source", show=False),
        Binding("up", "neighbour(-1)", "Earlier answer", show=False),
        Binding("down", "neighbour(1)", "Later answer", show=False),
    ]

    class CitationSelected(Message):
        def __init__(self, view: AnswerView, n: int) -> None:
            super().__init__()
            self.view = view
            self.n = n

    class Selected(Message):
        def __init__(self, view: AnswerView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, question: str, answer: Answer | None = None, partial: str = "", cancelled: bool = False) -> None:
        super().__init__(classes="answer")
        self.question = question
        self.answer = answer
        self.partial = partial
        self.cancelled = cancelled
        self.selected_citation: int | None = None
        self._stream: MarkdownStream | None = None
        self._raw: list[str] = []

    def compose(self) -> ComposeResult:
        yield Markdown(self._initial(), open_links=False, classes="body")
        yield Static("", classes="meta", markup=False)

    def _initial(self) -> str:
        if self.answer is not None:
            return linked(self.answer.text)
        if self.cancelled:
            return linked(self.partial)
        return linked(self.partial) if self.partial else "…"

    def on_mount(self) -> None:
        if self.answer is not None:
            self._show_meta(self.answer)
        elif self.cancelled:
            self._mark_cancelled()

    @property
    def body(self) -> Markdown:
        return self.query_one(Markdown)

    @property
    def streamed_text(self) -> str:
        return "".join(self._raw)

    async def append(self, text: str) -> None:
        """Add a piece of the model's text as it arrives."""
        if self.cancelled or self.answer is not None:
            return
        if self._stream is None:
            await self.body.update("")
            if self.cancelled:  # Esc while the body was being cleared
                return
            self._stream = Markdown.get_stream(self.body)
        self._raw.append(text)
        # Markers can be split across pieces ("[" then "2]"): they become links at the end.
        await self._stream.write(escape_markdown(text))

    async def _stop_stream(self) -> None:
        if self._stream is not None:
            await self._stream.stop()
            self._stream = None

    async def finish(self, answer: Answer) -> None:
        """Replace the streamed text by the checked answer (unsupported sentences dropped)."""
        await self._stop_stream()
        self.answer = answer
        await self.body.update(linked(answer.text))
        self._show_meta(answer)

    async def cancel(self) -> None:
        await self._stop_stream()
        self.partial = self.streamed_text
        self.cancelled = True
        await self.body.update(linked(self.partial) if self.partial else "")
        self._mark_cancelled()

    def _mark_cancelled(self) -> None:
        self.add_class("cancelled")
        self.query_one(".meta", Static).update(Text("cancelled: the answer stopped here", style="italic"))

    def _show_meta(self, answer: Answer) -> None:
        self.set_class(answer.refused, "refused")
        t = answer.timings
        parts = []
        if answer.citations:
            parts.append(f"{len(answer.citations)} source{'s' if len(answer.citations) > 1 else ''}: "
                         + " ".join(f"[{c.n}]" for c in answer.citations))
        if t.first_token_ms:
            parts.append(f"first token {t.first_token_ms / 1000:.1f} s")
        if t.total_ms:
            parts.append(f"total {t.total_ms / 1000:.1f} s")
        self.query_one(".meta", Static).update(Text(" · ".join(parts), style="dim"))

    # --- following citations -------------------------------------------------------

    @property
    def citation_numbers(self) -> list[int]:
        if self.answer is not None:
            return [c.n for c in self.answer.citations]
        return cited_numbers(self.partial or self.streamed_text)

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        event.stop()
        if event.href.startswith("cite:") and event.href[5:].isdigit():
            self.focus()
            self.action_cite(int(event.href[5:]))

    def on_focus(self) -> None:
        self.post_message(self.Selected(self))

    def action_cite(self, n: int) -> None:
        self.selected_citation = n
        self.post_message(self.CitationSelected(self, n))

    def _step(self, delta: int) -> None:
        numbers = self.citation_numbers
        if not numbers:
            return
        if self.selected_citation in numbers:
            i = (numbers.index(self.selected_citation) + delta) % len(numbers)
        else:
            i = 0 if delta > 0 else len(numbers) - 1
        self.action_cite(numbers[i])

    def action_neighbour(self, step: int) -> None:
        """Select the earlier or later answer; past the last one, back to the question."""
        views = list(self.screen.query(AnswerView))
        at = views.index(self) + step
        if 0 <= at < len(views):
            views[at].focus()
            views[at].scroll_visible(animate=False)
        elif at >= len(views):
            self.app.query_one("#question").focus()

    def action_next_citation(self) -> None:
        self._step(1)

    def action_previous_citation(self) -> None:
        self._step(-1)

    def as_text(self) -> str:
        """The answer and its sources as plain text, for the clipboard."""
        if self.answer is None:
            return visible(f"Q: {self.question}\n\n{self.partial}\n(cancelled)\n")
        lines = [f"Q: {self.question}", "", self.answer.text, ""]
        for c in self.answer.citations:
            p = c.passage
            where = ", ".join(x for x in (p.origin, p.date) if x)
            lines.append(f"[{c.n}] {p.title} ({where})" + (f" {p.url}" if p.url else ""))
            lines.append(f'    "{c.quote}"')
        return visible("\n".join(lines).rstrip() + "\n")
