"""Watch folders: ingest new and changed article files as they appear, remove the passages
of deleted ones (`qa watch`, `qa serve --watch`).

watchfiles reports the changes; what is ours is when a file is ready: a file is ingested
only once its size and modification time have stayed the same for `settle` seconds, so a
file caught while it is being written (a copy, a download) is looked at again later, not
ingested half. A file that fails for another reason is reported once per version.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qa.articles.ingest import IngestReport
from qa.articles.loaders import SUFFIXES, find_files
from qa.errors import InputError, QAError, StoreBusyError
from qa.index.store import Store

SETTLE_S = 1.0


@dataclass
class WatchEvent:
    """What one round of the watcher did, for the caller to print."""

    ingested: IngestReport | None = None
    removed: list[str] = field(default_factory=list)  # paths whose passages were deleted
    error: str | None = None  # the store could not be written


def _is_article(path: str) -> bool:
    return Path(path).suffix.lower() in SUFFIXES


class FolderWatcher:
    """Keeps the store in step with the article files under some folders."""

    def __init__(
        self,
        folders: Sequence[Path],
        *,
        store: Store,
        ingest_files: Callable[[list[Path]], IngestReport],
        settle: float = SETTLE_S,
    ) -> None:
        for folder in folders:
            if not folder.is_dir():
                raise InputError(f"{folder}: not a folder (qa watch takes folders)")
        self.folders = [f.resolve() for f in folders]
        self.store = store
        self.ingest_files = ingest_files
        self.settle = settle
        self._pending: dict[Path, tuple[int, float]] = {}  # path -> (size, mtime) last seen
        self._failed: dict[Path, tuple[int, float]] = {}  # versions reported as failed once
        self._gone_folders: set[Path] = set()
        self._caught_up: dict[Path, tuple[int, float]] | None = None  # the files catch_up saw

    def _under(self, path: str) -> bool:
        return any(Path(path).is_relative_to(f) for f in self.folders)

    def catch_up(self) -> WatchEvent:
        """What changed while nobody watched: every file ingested (unchanged ones are
        skipped), the passages of files deleted under the folders removed."""
        event = WatchEvent()
        files = find_files(list(self.folders))
        self._caught_up = {f: self._version(f) for f in files}
        event.removed = self._remove([d.path for d in self.store.documents().values()
                                      if d.path and not d.url and self._under(d.path) and not Path(d.path).exists()])
        if files:
            event.ingested = self.ingest_files(files)
        return event

    def _remove(self, paths: Iterable[str]) -> list[str]:
        gone = set(paths)
        if not gone:
            return []
        removed = []
        with self.store.writer():
            for doc in self.store.documents().values():
                if doc.path in gone and not doc.url:
                    self.store.delete_document(doc.doc_id)
                    removed.append(doc.path)
        return sorted(removed)

    def _recheck(self) -> None:
        """Note what changed between the catch-up and the start of the watch, which sees
        only what happens after it starts (a file saved meanwhile would wait forever)."""
        seen, self._caught_up = self._caught_up, None
        if seen is None:
            return
        try:
            files = find_files(list(self.folders))
        except InputError:
            return
        for path in [f for f in files if seen.get(f) != self._version(f)] + sorted(seen.keys() - set(files)):
            self._pending.setdefault(path, (-1, -1.0))

    def _unstored(self, exclude: list[Path]) -> list[Path]:
        """Files under the folders stored under no document: copies of another file's
        content (ingest skips those) and files that failed. A file copied elsewhere in the
        folders and then deleted (a move across disks) must not take its article with it."""
        stored = {d.path for d in self.store.documents().values()}
        try:
            files = find_files(list(self.folders))
        except InputError:  # a watched folder went: nothing to look at there
            return []
        return [f for f in files if str(f) not in stored and f not in exclude and f not in self._pending
                and self._failed.get(f) != self._version(f)]

    def changed(self, changes: Iterable[tuple[object, str]]) -> None:
        """Note the paths watchfiles reported (added, modified or deleted)."""
        for _change, raw in changes:
            path = Path(raw)
            if not self._under(raw):
                continue
            if _is_article(raw):
                self._pending.setdefault(path, (-1, -1.0))
            elif path.is_dir():  # a folder moved in: one event for all its files
                try:
                    inside = find_files([path])
                except InputError:
                    continue
                for file in inside:
                    self._pending.setdefault(file, (-1, -1.0))
            elif not path.exists():  # a folder moved out or deleted: its files' passages go
                self._gone_folders.add(path)

    @staticmethod
    def _version(path: Path) -> tuple[int, float]:
        try:
            st = path.stat()
        except OSError:
            return (-1, -1.0)
        return (st.st_size, st.st_mtime)

    def ready(self, now: float | None = None) -> WatchEvent:
        """Ingest the noted files that have settled; remove the deleted ones."""
        now = time.time() if now is None else now
        settled: list[Path] = []
        deleted: list[str] = []
        for path, seen in list(self._pending.items()):
            try:
                st = path.stat()
            except FileNotFoundError:
                deleted.append(str(path))
                del self._pending[path]
                continue
            except OSError:
                continue
            version = (st.st_size, st.st_mtime)
            if version != seen:  # still changing, or first look: look again later
                self._pending[path] = version
                continue
            if now - st.st_mtime < self.settle:
                continue
            del self._pending[path]
            if self._failed.get(path) != version:
                settled.append(path)
        if self._gone_folders:
            gone, self._gone_folders = self._gone_folders, set()
            deleted += [d.path for d in self.store.documents().values()
                        if d.path and not d.url and any(Path(d.path).is_relative_to(g) for g in gone)
                        and not Path(d.path).exists()]
        event = WatchEvent()
        try:
            event.removed = self._remove(deleted)
            if event.removed:  # a copy stored nowhere (it repeated a deleted file) takes its place
                settled += self._unstored(exclude=settled)
            report = self.ingest_files(sorted(settled)) if settled else None
        except (StoreBusyError, InputError):  # another ingest holds the store, a file went: next round
            for path in [*settled, *map(Path, deleted)]:
                self._pending.setdefault(path, (-1, -1.0))
            return WatchEvent()
        except QAError as exc:  # the store cannot be written: said once, these versions not tried again
            for path in settled:
                self._failed[path] = self._version(path)
            return WatchEvent(error=str(exc))
        if report is not None:
            for failed_path, _ in report.failed:
                self._failed[Path(failed_path)] = self._version(Path(failed_path))
            event.ingested = report
        return event

    def run(self, report: Callable[[WatchEvent], None], stop: threading.Event | None = None) -> None:
        """Watch until `stop` is set (or Ctrl+C), calling `report` after each round that did something."""
        import watchfiles

        stop = stop or threading.Event()
        tick = max(50, int(self.settle * 500))
        for changes in watchfiles.watch(*self.folders, stop_event=stop, rust_timeout=tick, yield_on_timeout=True,
                                        debounce=tick, step=50, raise_interrupt=True):
            self._recheck()  # the watch has started: once, what it could not see
            self.changed(changes)
            event = self.ready()
            if event.ingested or event.removed or event.error:
                report(event)
