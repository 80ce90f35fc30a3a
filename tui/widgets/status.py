"""The status line: model, what is in the store, the filter, the last answer's latency."""

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
    filter: reactive[str] = reactive("")  # "filter: from Reuters, since 2017-11-04"

    def render(self) -> Text:
        parts = [p for p in (self.model, self.corpus, self.filter, self.latency, self.activity) if p]
        return Text(visible(" · ".join(parts)))  # activity names files being ingested
