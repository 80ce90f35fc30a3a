"""A modal list of the saved conversations, newest first; Enter opens one."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.conversations import Conversation
from qa.text import visible


class ConversationList(ModalScreen[int | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    def __init__(self, conversations: list[Conversation], current: int | None) -> None:
        super().__init__()
        self.conversations = conversations
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="conversation-list"):
            yield Label("Conversations (Enter opens, Esc closes)")
            options = []
            for c in self.conversations:
                when = datetime.fromtimestamp(c.updated).strftime("%Y-%m-%d %H:%M")
                mark = "● " if c.id == self.current else "  "
                options.append(Option(Text(f"{mark}{visible(c.title)}  ({c.turns} questions, {when})"), id=str(c.id)))
            yield OptionList(*options)

    def on_mount(self) -> None:
        ids = [c.id for c in self.conversations]
        options = self.query_one(OptionList)
        options.highlighted = ids.index(self.current) if self.current in ids else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0) or None)
