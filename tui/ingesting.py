"""Reading articles into the store from the chat: the bundled seeds on the first run, and a
re-ingest or a feed refresh from the command palette.

Each runs in a thread worker, one at a time (the app's `_ingesting` lock), and shows its
progress in the bar and the status line; what was read, and what was skipped, is notified.
"""

from __future__ import annotations

import threading

from textual import work
from textual.widgets import ProgressBar

from qa import QAError


class IngestWorkers:
    """The chat app's ingests, mixed into `ChatApp`, which provides `assistant`, `status`,
    `notify`, `_ui` (run on the event loop from a worker) and `_idle`."""

    _ingesting: threading.Lock  # held by the ingest that runs
    ingest_bar: ProgressBar  # set on mount; hidden between ingests

    def _progress(self, label: str):
        """An ingest's progress callback (from a worker): the bar, and "label: done/total (item)"."""
        bar = self.ingest_bar

        def progress(done: int, total: int, item: str | None) -> None:
            name = f" ({item})" if item else ""
            self._ui(bar.update, total=total, progress=done)
            self._ui(setattr, self.status, "activity", f"{label}: {done}/{total}{name}")

        return progress

    def _ingest_in_worker(self, label: str, *, first_run: bool = False) -> None:
        bar = self.ingest_bar
        progress = self._progress(label)
        self._ui(setattr, bar, "display", True)
        try:
            report = self.assistant.ensure_corpus(progress) if first_run else self.assistant.reingest(progress)
        finally:
            self._ui(setattr, bar, "display", False)
        if report is None:  # another process filled the store meanwhile
            return
        self._ui(self.notify, report.summary(), title=label, timeout=6)
        for _, message in report.failed:
            self._ui(self.notify, message, title="Skipped a file", severity="warning", timeout=10)

    def _show_corpus(self) -> None:
        docs, passages = self.assistant.corpus_size()
        self.status.corpus = f"{docs} documents, {passages} passages"

    @work(thread=True, group="ingest", exclusive=True, exit_on_error=False)
    def reingest(self) -> None:
        if not self._ingesting.acquire(blocking=False):
            self._ui(self.notify, "An ingest is already running.", severity="warning")
            return
        try:
            self._ingest_in_worker("Re-ingesting the articles")
            self._ui(self._show_corpus)
            self._ui(self._idle)
        except QAError as exc:
            self._ui(self.notify, str(exc), title="Re-ingest failed", severity="error", timeout=15)
        finally:
            self._ingesting.release()

    @work(thread=True, group="ingest", exclusive=True, exit_on_error=False)
    def refresh_feeds(self) -> None:
        if not self._ingesting.acquire(blocking=False):
            self._ui(self.notify, "An ingest is already running.", severity="warning")
            return
        bar = self.ingest_bar
        self._ui(setattr, bar, "display", True)
        self._ui(setattr, self.status, "activity", "Reading the feeds…")
        try:
            report = self.assistant.refresh_feeds(self._progress("Refreshing the feeds"))
            self._ui(self.notify, report.summary(), title="Feeds refreshed", timeout=8)
            for _, message in [*report.broken, *report.pages.failed]:
                self._ui(self.notify, message, title="Skipped", severity="warning", timeout=10)
            self._ui(self._show_corpus)
        except QAError as exc:
            self._ui(self.notify, str(exc), title="Feed refresh failed", severity="error", timeout=15)
        finally:
            self._ui(setattr, bar, "display", False)
            self._ui(self._idle)
            self._ingesting.release()
