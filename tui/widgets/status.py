"""The status line: model, what is in the store, the last answer's latency."""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widgets import Static

from qa.text import visible


class StatusLine(Static):
    model: reactive[str] = reactive("")
    corpus: reactive[str] = reactive("")
    activity: reactive[str] = reactive("Starting…")
    latency: reactive[str] = reactive("")

    def render(self) -> Text:
        parts = [p for p in (self.model, self.corpus, self.latency, self.activity) if p]
        return Text(visible(" · ".join(parts)))  # activity names files being ingested
