"""The `qa` command: ingest articles, ask questions, check the store, open the chat.

May import: every stage of `qa` (the command line is the top layer), but only inside the
command that needs it, so that `qa --help` loads no model, store or UI.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from qa.errors import QAError
from qa.models.llm import shown_url
from qa.text import (  # articles, names and the model's text are untrusted: never markup, no ESC
    one_line,
    visible,
)

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


def _settings():
    from qa.settings import load_settings

    return load_settings()


def _ingest_with_progress(assistant, paths: list | None, *, quiet: bool = False, run=None, **options):
    """Ingest `paths` (or call `run(progress=...)`) under a progress bar on stderr."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from qa.articles.ingest import seeds_dir

    with Progress(
        # file names are not markup: "[red]x[/red].txt" or ":warning:.txt" is shown as written
        TextColumn("{task.description}", style="progress.description", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet,
    ) as bar:
        task = bar.add_task("Ingesting", total=None)

        def progress(done: int, total: int, name: str | None) -> None:
            label = f"Ingesting {visible(name)}" if name else "Ingesting"
            bar.update(task, completed=done, total=total, description=label)

        if run is not None:
            return run(progress=progress)
        return assistant.ingest_items(paths or [seeds_dir()], progress=progress, **options)


@app.command("ingest")
def ingest_cmd(
    paths: Annotated[
        list[str] | None,
        typer.Argument(help="Files or folders of .txt, .md, .html articles, or web pages (http:// or https:// "
                       "links), in any mix. Default: the bundled seeds.", show_default=False),
    ] = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Drop the store and embed everything again.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Add articles to the store. Unchanged files are skipped, changed files replaced.

    A web page is fetched and its article, title, outlet, date and address read from its
    HTML; its address is its identity, so ingesting it again updates it in place.
    """
    from qa.articles.ingest import WebPage, split_arguments
    from qa.articles.loaders import find_files
    from qa.assistant import Assistant
    from qa.runtime import default_embedder, open_store

    settings = _settings()
    items = split_arguments(paths or [])
    if files := [i for i in items if not isinstance(i, WebPage)]:
        find_files(files)  # a bad path fails here, before --rebuild drops anything
    embedder = default_embedder()
    store = open_store(settings, embedder.model_id, rebuild=rebuild)
    assistant = Assistant(settings=settings, store=store, embedder=embedder)
    report = _ingest_with_progress(assistant, items, quiet=as_json)
    _print_report(report, as_json)


def _print_report(report, as_json: bool) -> None:
    """An ingest report as JSON or as lines (each skipped article on its own line); exit 1
    when an article failed."""
    if as_json:
        out.print_json(data={
            **report.__dict__,
            "failed": [{"path": p, "error": e} for p, e in report.failed],
            "near_duplicates": [{"doc_id": d, "copy_of": o} for d, o in report.near_duplicates],
        })
    else:
        for _, message in report.failed:
            err.print(Text(f"skipped: {one_line(message)}", style="yellow"))
        out.print(Text(report.summary()))
    if report.failed:
        raise typer.Exit(1)


def _print_answer(answer) -> None:
    if answer.refused:
        out.print(Text(visible(answer.text), style="yellow"))
        return
    out.print(Text(visible(answer.text)))
    out.print()
    out.print(Text("Sources", style="bold"))
    for c in answer.citations:
        p = c.passage
        date = f", {p.date}" if p.date else ""
        out.print(Text.assemble((f"[{c.n}] ", "bold cyan"), (visible(f"{p.label}{date}"), "bold")))
        if p.url:
            out.print(Text("    " + visible(p.url), style="blue"))
        if p.also_in:
            out.print(Text("    also in: " + visible("; ".join(x.origin for x in p.also_in)), style="dim"))
        quote = c.quote
        body = Text("    ")
        start = p.text.find(quote)
        if start >= 0:
            body.append(visible(p.text[:start]))
            body.append(visible(quote), style="bold")
            body.append(visible(p.text[start + len(quote):]))
        else:
            body.append(visible(p.text))
        out.print(body)
    t = answer.timings
    first = f"first token {t.first_token_ms / 1000:.1f}s, " if t.first_token_ms else ""
    err.print(Text(f"retrieval {t.retrieve_ms:.0f} ms, {first}total {t.total_ms / 1000:.1f}s", style="dim"))


@app.command("ask")
def ask_cmd(
    question: Annotated[str, typer.Argument(help="Your question about the articles.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object: answer, citations, passages, timings.")
    ] = False,
    top_k: Annotated[
        int | None, typer.Option("--top-k", min=1, max=20, help="Passages given to the model.")
    ] = None,
    source: Annotated[
        list[str] | None,
        typer.Option("--source", help="Only articles from this outlet (any case, or part of its name; "
                     "repeat for several). `qa status` lists the outlets.", show_default=False),
    ] = None,
    since: Annotated[
        str | None, typer.Option("--since", help="Only articles dated on or after this day: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Only articles dated on or before this day: YYYY-MM-DD, YYYY-MM or YYYY.")
    ] = None,
) -> None:
    """Answer a question from the articles, with `[n]` citations and their sources.

    Uses the embedded llama.cpp model unless QA_LLM_BASE_URL points at another
    OpenAI-compatible endpoint. On an empty store, the bundled seed articles are ingested first.
    A date filter leaves out the articles whose date is unknown.
    """
    from qa.assistant import Assistant, check_question
    from qa.types import Answer, Delta, Retrying, Sources

    settings = _settings()
    if top_k:
        settings = settings.model_copy(update={"top_k": top_k})
    check_question(question, settings)
    assistant = Assistant(settings=settings)
    if assistant.store.count() == 0:
        err.print("The store is empty: ingesting the bundled seed articles first.")
        report = _ingest_with_progress(assistant, None)
        err.print(Text(report.summary()))
    filters = assistant.filters(sources=source, since=since, until=until) if (source or since or until) else None

    final: Answer | None = None
    streamed = False
    try:
        for event in assistant.stream(question, filters=filters):
            if isinstance(event, Sources):
                if event.relevant and assistant.model_not_started:
                    _start_model(assistant)
            elif isinstance(event, Delta):
                if not as_json and out.is_terminal:
                    # the model's text as written: a piece may be "[/]" or ":warning:" alone
                    out.print(visible(event.text), end="", markup=False, emoji=False, highlight=False)
                    streamed = True
            elif isinstance(event, Retrying):
                if not as_json and out.is_terminal:
                    out.print(Text(f" (checking: asking again with {_numbers(event.passages)} only)", style="dim"))
            else:
                final = event
    except QAError:
        if streamed:  # the error goes on its own line, and the text above is not an answer
            out.print(Text(" (cut off: not checked)", style="dim"))
        raise
    assert final is not None
    if as_json:
        out.print_json(json.dumps(final.to_json_dict(), ensure_ascii=False))
        return
    if streamed:  # replace the raw stream with the checked text
        out.print("\n")
        out.rule(style="dim")
    _print_answer(final)


def _numbers(passages: list[int]) -> str:
    """[2] -> "passage [2]"; [1, 3] -> "passages [1] and [3]"."""
    marks = [f"[{n}]" for n in passages]
    return f"passage {marks[0]}" if len(marks) == 1 else "passages " + ", ".join(marks[:-1]) + f" and {marks[-1]}"


def _start_model(assistant) -> None:
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

    if assistant.settings.uses_embedded_llm:
        with Progress(TextColumn("{task.description}"), BarColumn(), DownloadColumn(), console=err, transient=True) as bar:
            task = bar.add_task("Starting the embedded model", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total, description="Assembling the model (once)")

            assistant.start_model(progress)
    else:
        assistant.start_model()


@app.command("serve")
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
    from qa.models.embedded import EmbeddedServer, announce, shared_server, withdraw
    from qa.runtime import adopt_server

    settings = _settings()
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
        err.print("Warming up the model (reading the fixed start of the prompt)…")
        Assistant(settings=settings).warm_up()
        if watch:
            assistant = Assistant(settings=settings)
            watcher = _watcher(assistant, watch)
            _print_watch(watcher.catch_up())
            watching = threading.Thread(target=_watch_quietly, args=(watcher, stopping), daemon=True)
            watching.start()
            err.print(Text(f"watching {', '.join(str(f) for f in watcher.folders)}", style="dim"))
        announce(settings, server.base_url or "", server.pid or 0)
        out.print(f"serving {server.base_url} (pid {server.pid}); Ctrl+C stops it", highlight=False)
        sys.stdout.flush()
        while True:
            signal.pause()
    except KeyboardInterrupt:
        err.print("stopping the model server")
    finally:
        stopping.set()
        if watching is not None:
            watching.join(10)  # a write under way ends before the process does
        withdraw(settings)
        server.stop()


@app.command("status")
def status_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    documents: Annotated[
        bool, typer.Option("--documents", help="List every document, not only a summary by outlet.")
    ] = False,
) -> None:
    """Where data is kept, what is in the store (by outlet and date range), and which model answers."""
    from qa.models.embed import MODEL_ID
    from qa.runtime import model_name, open_store

    settings = _settings()
    store = open_store(settings, MODEL_ID)
    docs = store.documents()
    info = {
        "data_dir": str(settings.data_dir),
        "store": settings.store_location,
        "collection": settings.collection,
        "documents": len(docs),
        "passages": store.count(),
        "embedding_model": MODEL_ID,
        "llm": model_name(settings),
        "llm_endpoint": shown_url(settings.llm_base_url) if settings.llm_base_url else _embedded_endpoint(settings),
    }
    outlets = _by_outlet(docs.values())
    if as_json:
        data = {**info, "outlets": outlets, "titles": {d.doc_id: d.title for d in docs.values()}}
        if documents:
            data["document_list"] = [
                {"doc_id": d.doc_id, "outlet": d.source, "date": d.date, "url": d.url, "path": d.path,
                 "title": d.title, "passages": d.passages, "copy_of": d.dup_group if d.dup_group != d.doc_id else None}
                for d in sorted(docs.values(), key=lambda d: d.doc_id)
            ]
        out.print_json(data=data)
        return
    for key, value in info.items():
        out.print(Text.assemble((f"{key:>16}: ", "bold"), visible(str(value))))
    for row in outlets:
        dates = (f"{row['first']} to {row['last']}" if row["first"] != row["last"] else row["first"]) if row["first"] else "date unknown"
        undated = f", {row['undated']} undated" if row["first"] and row["undated"] else ""
        out.print(Text(visible(f"  {row['outlet']}: {row['documents']} articles, {dates}{undated}")))
    if not documents:
        if docs:
            err.print(Text("(`qa status --documents` lists every document)", style="dim"))
        return
    by_id = {d.doc_id: d for d in docs.values()}
    for d in sorted(docs.values(), key=lambda d: d.doc_id):
        copy = f", a copy of {d.dup_group}" if d.dup_group != d.doc_id else ""
        where = f" {d.url}" if d.url else ""
        out.print(Text(visible(f"  {d.doc_id}  {_outlet_of(d, by_id)}, {d.date or 'date unknown'} — {d.title}"
                               f" ({d.passages} passages{copy}){where}")))


def _outlet_of(doc, by_id: dict) -> str:
    """The document's outlet; for a copy whose outlet is unknown, the outlet its story is
    known by ("Los Angeles Times (copy)"), rather than a file name."""
    if doc.source:
        return doc.source
    first = by_id.get(doc.dup_group)
    if first is not None and first.source:
        return f"{first.source} (copy)"
    twins = sorted({d.source for d in by_id.values() if d.dup_group == doc.dup_group and d.source})
    if twins:
        return f"{twins[0]} (copy)"
    return "outlet unknown"


def _by_outlet(docs) -> list[dict]:
    """Documents counted by outlet, with the range of their dates."""
    by_id = {d.doc_id: d for d in docs}
    rows: dict[str, dict] = {}
    for d in by_id.values():
        row = rows.setdefault(_outlet_of(d, by_id), {"documents": 0, "dates": [], "undated": 0})
        row["documents"] += 1
        if d.date:
            row["dates"].append(d.date)
        else:
            row["undated"] += 1
    return [
        {"outlet": name, "documents": r["documents"], "first": min(r["dates"], default=None),
         "last": max(r["dates"], default=None), "undated": r["undated"]}
        for name, r in sorted(rows.items(), key=lambda kv: (-kv[1]["documents"], kv[0]))
    ]


feed_app = typer.Typer(
    help="Follow RSS and Atom feeds: `qa feed refresh` ingests the pages of their new entries.",
    no_args_is_help=True,
)
app.add_typer(feed_app, name="feed")


@feed_app.command("add")
def feed_add_cmd(urls: Annotated[list[str], typer.Argument(help="Feed addresses (http:// or https://).")]) -> None:
    """Follow feeds (kept in the data dir). `qa feed refresh` reads them."""
    from qa.articles.feeds import FeedList

    feeds = FeedList(_settings().feeds_file)
    for url in urls:
        added = feeds.add(url.strip())
        out.print(Text(visible(f"{'following' if added else 'already following'} {url.strip()}")))


@feed_app.command("remove")
def feed_remove_cmd(urls: Annotated[list[str], typer.Argument(help="Feed addresses, as `qa feed list` shows them.")]) -> None:
    """Stop following feeds (their articles stay in the store)."""
    from qa.articles.feeds import FeedList

    feeds = FeedList(_settings().feeds_file)
    missing = [u for u in urls if not feeds.remove(u.strip())]
    for url in urls:
        if url not in missing:
            out.print(Text(visible(f"stopped following {url.strip()}")))
    if missing:
        raise QAError(f"not a followed feed: {', '.join(missing)} (`qa feed list` shows them)")


@feed_app.command("list")
def feed_list_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list.")] = False) -> None:
    """The feeds followed."""
    from qa.articles.feeds import FeedList

    feeds = FeedList(_settings().feeds_file).list()
    if as_json:
        out.print_json(data=feeds)
    elif not feeds:
        err.print("no feeds followed: `qa feed add URL` follows one")
    for url in feeds if not as_json else []:
        out.print(Text(visible(url)))


@feed_app.command("refresh")
def feed_refresh_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False) -> None:
    """Read every followed feed and ingest the pages of entries not stored yet.

    An entry already stored (the same address or the same text) is skipped; a page that
    fails is reported and skipped. Exits 1 when a feed could not be read."""
    from qa.assistant import Assistant

    assistant = Assistant(settings=_settings())
    report = _ingest_with_progress(assistant, None, quiet=as_json, run=assistant.refresh_feeds)
    if as_json:
        out.print_json(data={
            "feeds": report.feeds, "entries_without_link": report.entries_without_link,
            "broken_feeds": [{"url": u, "error": e} for u, e in report.broken],
            "pages": {**report.pages.__dict__, "failed": [{"url": p, "error": e} for p, e in report.pages.failed],
                      "near_duplicates": [{"doc_id": d, "copy_of": o} for d, o in report.pages.near_duplicates]},
        })
    else:
        for _, message in [*report.broken, *report.pages.failed]:
            err.print(Text(f"skipped: {one_line(message)}", style="yellow"))
        out.print(Text(report.summary()))
    if report.broken:
        raise typer.Exit(1)


@app.command("watch")
def watch_cmd(
    folders: Annotated[list[Path], typer.Argument(help="Folders of .txt, .md, .html articles to keep in the store.")],
) -> None:
    """Keep the store in step with folders (new, changed and deleted files) until Ctrl+C.

    New and changed files are ingested once they have stopped changing (a file being
    written is not ingested half); the passages of deleted files are removed. Catches up
    first with what changed while nobody watched."""
    from qa.assistant import Assistant

    assistant = Assistant(settings=_settings())
    watcher = _watcher(assistant, folders)
    _print_watch(watcher.catch_up())
    import signal

    def stop(signum, frame):  # SIGTERM (a service manager) ends it as Ctrl+C does
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:  # the line first inside: a signal sent as soon as it shows is a stop too
        err.print(Text(f"watching {', '.join(str(f) for f in watcher.folders)}; Ctrl+C stops", style="dim"))
        watcher.run(_print_watch)
    except KeyboardInterrupt:  # the way to stop it: not an error
        err.print("stopped watching")


def _watch_quietly(watcher, stopping) -> None:
    """`qa serve --watch`'s thread: a failure is one line, and the server goes on."""
    try:
        watcher.run(_print_watch, stopping)
    except Exception as exc:
        err.print(Text(one_line(f"error: watching the folders stopped: {exc}"), style="red"))


def _watcher(assistant, folders: list[Path]):
    from qa.articles.watch import FolderWatcher

    return FolderWatcher(folders, store=assistant.store, ingest_files=lambda files: assistant.ingest_items(files))


def _print_watch(event) -> None:
    import time

    stamp = time.strftime("%H:%M:%S")
    if event.error:
        err.print(Text(one_line(f"{stamp} error: {event.error}"), style="red"))
    for path in event.removed:
        out.print(Text(visible(f"{stamp} removed {path}")))
    if event.ingested is not None:
        for _, message in event.ingested.failed:
            err.print(Text(f"{stamp} skipped: {one_line(message)}", style="yellow"))
        if event.ingested.added or event.ingested.updated:
            out.print(Text(f"{stamp} {event.ingested.summary()}"))


@app.command("mcp")
def mcp_cmd() -> None:
    """Serve the assistant to MCP clients over stdio (tools: ask, search, ingest_url).

    Configure your MCP client to run `qa mcp` (see the README). `ingest_url` refuses
    loopback and private addresses unless QA_ALLOW_PRIVATE_URLS=1.
    """
    from qa.mcp_server import serve

    serve(_settings())


@app.command("stop")
def stop_cmd() -> None:
    """Stop the shared model server: the background one that `qa ask`, `qa chat` and scripts
    start (see QA_KEEP_ALIVE), or a `qa serve`."""
    from qa.models.background import stop_announced

    info = stop_announced(_settings())
    if info is None:
        err.print("no model server is running")
        return
    out.print(f"stopped the model server at {info.get('url')} (pid {info.get('pid')})", highlight=False)


def _embedded_endpoint(settings) -> str:
    import json
    import time

    from qa.models.background import last_used, shown_keep_alive
    from qa.models.embedded import server_file, shared_server
    from qa.settings import parse_keep_alive

    url = shared_server(settings)
    if not url:
        keep_alive = parse_keep_alive(settings.keep_alive)
        kept = ("stops with the process" if keep_alive == 0 else "then kept until `qa stop`" if keep_alive is None
                else f"then kept for {shown_keep_alive(keep_alive)}")
        return f"embedded llama.cpp server (127.0.0.1), started on demand, {kept}"
    try:
        info = json.loads(server_file(settings).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        info = {}
    if info.get("kind") != "background":
        return f"the model server of `qa serve` at {url} (pid {info.get('pid')})"
    keep_alive = info.get("keep_alive")
    if keep_alive is None:
        until = "until `qa stop`"
    else:
        until = "until " + time.strftime("%H:%M:%S", time.localtime(last_used(settings, 0) + float(keep_alive)))
        until += f" unless used ({shown_keep_alive(float(keep_alive))})"
    return f"background model server at {url} (pid {info.get('pid')}), up {until}; `qa stop` stops it"


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
