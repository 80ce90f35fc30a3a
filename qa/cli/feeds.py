"""`qa feed add|remove|list|refresh`: the RSS and Atom feeds followed, and the pages of
their new entries ingested."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from qa import cli
from qa.cli.ingest import _ingest_with_progress
from qa.errors import QAError
from qa.text import (  # articles, names and the model's text are untrusted: never markup, no ESC
    one_line,
    visible,
)

feed_app = typer.Typer(
    help="Follow RSS and Atom feeds: `qa feed refresh` ingests the pages of their new entries.",
    no_args_is_help=True,
)


@feed_app.command("add")
def feed_add_cmd(urls: Annotated[list[str], typer.Argument(help="Feed addresses (http:// or https://).")]) -> None:
    """Follow feeds (kept in the data dir). `qa feed refresh` reads them."""
    from qa.articles.feeds import FeedList

    feeds = FeedList(cli._settings().feeds_file)
    for url in urls:
        added = feeds.add(url.strip())
        cli.out.print(Text(visible(f"{'following' if added else 'already following'} {url.strip()}")))


@feed_app.command("remove")
def feed_remove_cmd(urls: Annotated[list[str], typer.Argument(help="Feed addresses, as `qa feed list` shows them.")]) -> None:
    """Stop following feeds (their articles stay in the store)."""
    from qa.articles.feeds import FeedList

    feeds = FeedList(cli._settings().feeds_file)
    missing = [u for u in urls if not feeds.remove(u.strip())]
    for url in urls:
        if url not in missing:
            cli.out.print(Text(visible(f"stopped following {url.strip()}")))
    if missing:
        raise QAError(f"not a followed feed: {', '.join(missing)} (`qa feed list` shows them)")


@feed_app.command("list")
def feed_list_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False) -> None:
    """The feeds followed."""
    from qa.articles.feeds import FeedList

    feeds = FeedList(cli._settings().feeds_file).list()
    if as_json:
        cli.out.print_json(data=feeds)
    elif not feeds:
        cli.err.print("no feeds followed: `qa feed add URL` follows one")
    for url in feeds if not as_json else []:
        cli.out.print(Text(visible(url)))


@feed_app.command("refresh")
def feed_refresh_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False) -> None:
    """Read every followed feed and ingest the pages of entries not stored yet.

    An entry already stored (the same address or the same text) is skipped; a page that
    fails is reported and skipped. Exits 1 when a feed could not be read."""
    from qa.assistant import Assistant

    assistant = Assistant(settings=cli._settings())
    report = _ingest_with_progress(assistant, None, quiet=as_json, run=assistant.refresh_feeds)
    if as_json:
        cli.out.print_json(data={
            "feeds": report.feeds, "entries_without_link": report.entries_without_link,
            "broken_feeds": [{"url": u, "error": e} for u, e in report.broken],
            "pages": {**report.pages.__dict__, "failed": [{"url": p, "error": e} for p, e in report.pages.failed],
                      "near_duplicates": [{"doc_id": d, "copy_of": o} for d, o in report.pages.near_duplicates]},
        })
    else:
        for _, message in [*report.broken, *report.pages.failed]:
            cli.err.print(Text(f"skipped: {one_line(message)}", style="yellow"))
        cli.out.print(Text(report.summary()))
    if report.broken:
        raise typer.Exit(1)
