"""`qa watch`: the store kept in step with folders; `qa serve --watch` runs the same
watcher on a thread."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from qa import cli
from qa.text import (  # articles, names and the model's text are untrusted: never markup, no ESC
    one_line,
    visible,
)


def watch_cmd(
    folders: Annotated[list[Path], typer.Argument(help="Folders of .txt, .md, .html articles to keep in the store.")],
) -> None:
    """Keep the store in step with folders (new, changed and deleted files) until Ctrl+C.

    New and changed files are ingested once they have stopped changing (a file being
    written is not ingested half); the passages of deleted files are removed. Catches up
    first with what changed while nobody watched."""
    from qa.assistant import Assistant

    assistant = Assistant(settings=cli._settings())
    watcher = _watcher(assistant, folders)
    _print_watch(watcher.catch_up())
    import signal

    def stop(signum, frame):  # SIGTERM (a service manager) ends it as Ctrl+C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:  # the line first inside: a signal sent as soon as it shows is a stop too
        cli.err.print(Text(f"watching {', '.join(str(f) for f in watcher.folders)}; Ctrl+C stops", style="dim"))
        watcher.run(_print_watch)
    except KeyboardInterrupt:  # the way to stop it: not an error
        cli.err.print("stopped watching")


def _watch_quietly(watcher, stopping) -> None:
    """`qa serve --watch`'s thread: a failure is one line, and the server goes on."""
    try:
        watcher.run(_print_watch, stopping)
    except Exception as exc:
        cli.err.print(Text(one_line(f"error: watching the folders stopped: {exc}"), style="red"))


def _watcher(assistant, folders: list[Path]):
    from qa.articles.watch import FolderWatcher

    return FolderWatcher(folders, store=assistant.store, ingest_files=lambda files: assistant.ingest_items(files))


def _print_watch(event) -> None:
    import time

    stamp = time.strftime("%H:%M:%S")
    if event.error:
        cli.err.print(Text(one_line(f"{stamp} error: {event.error}"), style="red"))
    for path in event.removed:
        cli.out.print(Text(visible(f"{stamp} removed {path}")))
    if event.ingested is not None:
        for _, message in event.ingested.failed:
            cli.err.print(Text(f"{stamp} skipped: {one_line(message)}", style="yellow"))
        if event.ingested.added or event.ingested.updated:
            cli.out.print(Text(f"{stamp} {event.ingested.summary()}"))
