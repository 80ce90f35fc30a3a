"""`qa ingest`, and the progress bar and report that every ingest shows (`qa ask` on an
empty store and `qa feed refresh` use them too)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from qa import cli
from qa.text import (  # articles, names and the model's text are untrusted: never markup, no ESC
    one_line,
    visible,
)


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
        console=cli.err,
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

    settings = cli._settings()
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
        cli.out.print_json(data={
            **report.__dict__,
            "failed": [{"path": p, "error": e} for p, e in report.failed],
            "near_duplicates": [{"doc_id": d, "copy_of": o} for d, o in report.near_duplicates],
        })
    else:
        for _, message in report.failed:
            cli.err.print(Text(f"skipped: {one_line(message)}", style="yellow"))
        cli.out.print(Text(report.summary()))
    if report.failed:
        raise typer.Exit(1)
