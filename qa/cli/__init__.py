"""The `qa` command: ingest articles, ask questions, check the store, open the chat.

This module holds the app, its two consoles and the entry point; each group of commands
is a module of its own:

    ingest  `qa ingest`, and the progress bar and report every ingest shows
    ask     `qa ask`: the answer streamed, then checked and printed with its sources
    server  `qa serve` (the shared model server), `qa mcp`, `qa stop`
    status  `qa status`: the store by outlet and date, and which model answers
    feeds   `qa feed add|remove|list|refresh`
    watch   `qa watch`, and the watcher that `qa serve --watch` runs on a thread

The commands print through `cli.out` and `cli.err`, looked up when they run, so that one
replacement of the consoles here reaches them all.

May import: every stage of `qa` (the command line is the top layer), but only inside the
command that needs it, so that `qa --help` loads no model, store or UI.
"""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console
from rich.text import Text

from qa.cli import ask, feeds, ingest, server, status, watch
from qa.errors import QAError
from qa.text import one_line  # error messages are untrusted: never markup, no ESC

app = typer.Typer(
    name="qa",
    help="Ask questions about news articles; every claim cites the passage it comes from.\n\n"
    "Works offline with an embedded model by default (see `qa ask --help`).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

# In the order `qa --help` lists them; the plugins' commands come after these, and the
# `feed` group after all of them.
app.command("ingest")(ingest.ingest_cmd)
app.command("ask")(ask.ask_cmd)
app.command("serve")(server.serve_cmd)
app.command("status")(status.status_cmd)
app.command("watch")(watch.watch_cmd)
app.command("mcp")(server.mcp_cmd)
app.command("stop")(server.stop_cmd)
app.add_typer(feeds.feed_app, name="feed")


def _settings():
    from qa.settings import load_settings

    return load_settings()


def _register_plugins() -> None:
    """Commands from other packages (the Textual chat registers `qa chat` this way),
    so that the core never imports the UI."""
    from importlib.metadata import entry_points

    for ep in entry_points(group="qa.commands"):
        try:
            command = ep.load()
        except ImportError as exc:  # a broken plugin must not break the CLI
            err.print(Text(f"warning: command {ep.name!r} unavailable: {exc}", style="yellow"))
            continue
        app.command(ep.name)(command)


def main() -> None:
    """Entry point: one-line errors, no traceback (set QA_DEBUG=1 to see one)."""
    debug = os.environ.get("QA_DEBUG") == "1"
    os.umask(0o077)  # the store, logs and conversations are the user's alone (the model server inherits it)
    try:
        _register_plugins()
        app()
    except QAError as exc:
        if debug:
            raise
        err.print(Text(one_line(f"error: {exc}"), style="red"))
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
    except Exception as exc:
        if debug:
            raise
        err.print(Text(one_line(f"unexpected error: {type(exc).__name__}: {exc} (set QA_DEBUG=1 for details)"),
                       style="red"))
        sys.exit(1)
