"""The long-running servers: `qa serve` (the embedded model, for every `qa` process of the
user, and optionally a watch of folders), `qa mcp` (the assistant, to MCP clients over
stdio), and `qa stop`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from qa import cli
from qa.cli.watch import _print_watch, _watch_quietly, _watcher
from qa.errors import QAError
from qa.models.llm import shown_url


def _start_model(assistant) -> None:
    """The model started under a progress bar on stderr (`qa ask` and `qa serve`); the
    embedded one is assembled from its parts the first time."""
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    if assistant.settings.uses_embedded_llm:
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=cli.err, transient=True) as bar:
            task = bar.add_task("Starting the embedded model", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description="Assembling the model (once)")

            assistant.start_model(progress)
    else:
        assistant.start_model()


def serve_cmd(
    watch: Annotated[
        list[Path] | None,
        typer.Option("--watch", help="Also keep these folders in step with the store, as `qa watch` does (repeat for several).",
                     show_default=False),
    ] = None,
) -> None:
    """Keep the embedded model running, so that `qa ask`, `qa chat` and scripts answer at once.

    Starts the llama.cpp server on 127.0.0.1, has it read the fixed start of the answer
    prompt, and announces it in the cache directory; every `qa` process of this user then
    uses it instead of starting its own (which takes a few seconds and a cold prompt).
    Prints the server's URL when it is ready. Ctrl+C (or SIGTERM) stops it.
    """
    import signal

    from qa.assistant import Assistant
    from qa.errors import ConfigError, InputError
    from qa.models.announcement import announce, shared_server, withdraw
    from qa.models.embedded import EmbeddedServer
    from qa.runtime import adopt_server

    settings = cli._settings()
    if not settings.uses_embedded_llm:
        raise ConfigError(
            f"QA_LLM_BASE_URL is set ({shown_url(settings.llm_base_url or '')}): answers come from that endpoint, "
            "there is no embedded model to serve; unset it to serve the embedded model"
        )
    for folder in watch or []:  # a bad argument is refused first, whatever else is running
        if not folder.is_dir():
            raise InputError(f"{folder}: not a folder (--watch takes folders)")
    if url := shared_server(settings):
        raise QAError(f"a model server is already running at {url}; it is used as it is, or `qa stop` stops it")
    server = EmbeddedServer(settings, reuse_shared=False)
    adopt_server(settings, server)
    import threading

    stopping = threading.Event()
    watching: threading.Thread | None = None

    def stop(signum, frame):  # SIGTERM ends the wait below like Ctrl+C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        _start_model(Assistant(settings=settings))
        cli.err.print("Warming up the model (reading the fixed start of the prompt)…")
        Assistant(settings=settings).warm_up()
        if watch:
            assistant = Assistant(settings=settings)
            watcher = _watcher(assistant, watch)
            _print_watch(watcher.catch_up())
            watching = threading.Thread(target=_watch_quietly, args=(watcher, stopping), daemon=True)
            watching.start()
            cli.err.print(Text(f"watching {', '.join(str(f) for f in watcher.folders)}", style="dim"))
        announce(settings, server.base_url or "", server.pid or 0)
        cli.out.print(f"serving {server.base_url} (pid {server.pid}); Ctrl+C stops it", highlight=False)
        sys.stdout.flush()
        while True:
            signal.pause()
    except KeyboardInterrupt:
        cli.err.print("stopping the model server")
    finally:
        stopping.set()
        if watching is not None:
            watching.join(10)  # a write under way ends before the process does
        withdraw(settings)
        server.stop()


def mcp_cmd() -> None:
    """Serve the assistant to MCP clients over stdio (tools: ask, search, ingest_url).

    Configure your MCP client to run `qa mcp` (see the README). `ingest_url` refuses
    loopback and private addresses unless QA_ALLOW_PRIVATE_URLS=1.
    """
    from qa.mcp_server import serve

    serve(cli._settings())


def stop_cmd() -> None:
    """Stop the shared model server: the background one that `qa ask`, `qa chat` and scripts
    start (see QA_KEEP_ALIVE), or a `qa serve`."""
    from qa.models.background import stop_announced

    info = stop_announced(cli._settings())
    if info is None:
        cli.err.print("no model server is running")
        return
    cli.out.print(f"stopped the model server at {info.get('url')} (pid {info.get('pid')})", highlight=False)
