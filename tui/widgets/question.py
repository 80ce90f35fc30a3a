"""The question field, with the questions asked before it."""

from __future__ import annotations

from textual.binding import Binding
from textual.widgets import Input


class QuestionInput(Input):
    """The question field; Up and Down recall earlier questions."""

    BINDINGS = [
        Binding("up", "recall(-1)", "Previous question", show=False),
        Binding("down", "recall(1)", "Next question", show=False),
    ]

    def __init__(self, **kwargs) -> None:
        super().__init__(
            placeholder="Ask about the articles, Enter sends · Up: earlier questions · Shift+Tab: select an answer",
            **kwargs,
        )
        self.past: list[str] = []
        self._at = 0

    def remember(self, question: str) -> None:
        if not self.past or self.past[-1] != question:
            self.past.append(question)
        self._at = len(self.past)

    def action_recall(self, step: int) -> None:
        if not self.past:
            return
        self._at = max(0, min(len(self.past), self._at + step))
        self.value = self.past[self._at] if self._at < len(self.past) else ""
        self.cursor_position = len(self.value)
