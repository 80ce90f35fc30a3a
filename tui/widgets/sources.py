"""The sources panel: the passages of the selected answer, the cited sentence highlighted.

Passages appear as soon as retrieval returns, before the model writes; once the answer is
checked, the cited ones are marked and their quote highlighted. Article text is a
`rich.text.Text`, never markup: "[bold]" in an article is shown as written.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from qa import Answer, Passage
from qa.text import visible

QUOTE_STYLE = "bold black on yellow"


def card_text(n: int, passage: Passage, quote: str | None, cited: bool) -> Text:
    where = ", ".join(x for x in (passage.origin, passage.date) if x)
    text = Text()
    text.append(f"[{n}] ", style="bold cyan" if cited else "dim")
    text.append(visible(passage.title or passage.origin), style="bold" if cited else "")
    text.append(f"\n{visible(where)}", style="italic")
    if passage.url:
        text.append(f"\n{visible(passage.url)}", style="dim underline")
    if passage.also_in:
        text.append("\nalso in: " + visible("; ".join(x.origin for x in passage.also_in)), style="dim")
    text.append("\n\n")
    body = passage.text
    start = body.find(quote) if quote else -1
    if start >= 0 and quote:
        text.append(visible(body[:start]))
        text.append(visible(quote), style=QUOTE_STYLE)
        text.append(visible(body[start + len(quote) :]))
    else:
        text.append(visible(body), style="" if cited else "dim")
    return text


class SourceCard(Static):
    def __init__(self, n: int, passage: Passage, quote: str | None = None, cited: bool = False) -> None:
        super().__init__(card_text(n, passage, quote, cited), classes="source", markup=False, id=f"source-{n}")
        self.n = n
        self.passage = passage
        self.quote = quote
        self.set_class(cited, "cited")


class SourcesPanel(VerticalScroll, can_focus=False):
    """The passages behind one answer; `select(n)` scrolls to passage n. It takes no focus:
    the keys that move in it belong to the selected answer (1-9, ], [)."""

    def compose(self) -> ComposeResult:
        yield Static("Sources appear here when you ask a question.", classes="hint", markup=False)

    async def show_passages(self, passages: list[Passage], relevant: bool = True) -> None:
        """Retrieval's passages, before the answer (nothing cited yet)."""
        await self.remove_children()
        title = "Sources (searching the answer…)" if relevant else "Nothing relevant found in the articles"
        await self.mount(Static(title, classes="title", markup=False))
        await self.mount_all([SourceCard(i, p) for i, p in enumerate(passages, start=1)])

    async def show_answer(self, answer: Answer, selected: int | None = None) -> None:
        await self.remove_children()
        quotes = {c.n: c.quote for c in answer.citations}
        if answer.refused:
            title = "No passage supports an answer; these were searched"
        else:
            title = f"Sources cited: {' '.join(f'[{n}]' for n in quotes)}"
        await self.mount(Static(title, classes="title", markup=False))
        await self.mount_all([
            SourceCard(i, p, quotes.get(i), i in quotes) for i, p in enumerate(answer.passages, start=1)
        ])
        if selected is not None:
            self.select(selected)

    def select(self, n: int) -> bool:
        """Highlight passage n and scroll to it. False if there is none."""
        found = False
        for card in self.query(SourceCard):
            card.set_class(card.n == n, "selected")
            if card.n == n:
                found = True
                self.scroll_to_widget(card, top=True, animate=False)
        return found
