"""`qa ask`: the answer streamed as it comes, then checked and printed with its sources."""

from __future__ import annotations

import json
from typing import Annotated

import typer
from rich.text import Text

from qa import cli
from qa.cli.ingest import _ingest_with_progress
from qa.cli.server import _start_model
from qa.errors import QAError
from qa.text import visible  # untrusted text: never markup, no ESC


def _print_answer(answer) -> None:
    if answer.refused:
        cli.out.print(Text(visible(answer.text), style="yellow"))
        return
    cli.out.print(Text(visible(answer.text)))
    cli.out.print()
    cli.out.print(Text("Sources", style="bold"))
    for c in answer.citations:
        p = c.passage
        date = f", {p.date}" if p.date else ""
        cli.out.print(Text.assemble((f"[{c.n}] ", "bold cyan"), (visible(f"{p.label}{date}"), "bold")))
        if p.url:
            cli.out.print(Text("    " + visible(p.url), style="blue"))
        if p.also_in:
            cli.out.print(Text("    also in: " + visible("; ".join(x.origin for x in p.also_in)), style="dim"))
        quote = c.quote
        body = Text("    ")
        start = p.text.find(quote)
        if start >= 0:
            body.append(visible(p.text[:start]))
            body.append(visible(quote), style="bold")
            body.append(visible(p.text[start + len(quote):]))
        else:
            body.append(visible(p.text))
        cli.out.print(body)
    t = answer.timings
    first = f"first token {t.first_token_ms / 1000:.1f}s, " if t.first_token_ms else ""
    cli.err.print(Text(f"retrieval {t.retrieve_ms:.0f} ms, {first}total {t.total_ms / 1000:.1f}s", style="dim"))


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

    settings = cli._settings()
    if top_k:
        settings = settings.model_copy(update={"top_k": top_k})
    check_question(question, settings)
    assistant = Assistant(settings=settings)
    if assistant.store.count() == 0:
        cli.err.print("The store is empty: ingesting the bundled seed articles first.")
        report = _ingest_with_progress(assistant, None)
        cli.err.print(Text(report.summary()))
    filters = assistant.filters(sources=source, since=since, until=until) if (source or since or until) else None

    final: Answer | None = None
    streamed = False
    try:
        for event in assistant.stream(question, filters=filters):
            if isinstance(event, Sources):
                if event.relevant and assistant.model_not_started:
                    _start_model(assistant)
            elif isinstance(event, Delta):
                if not as_json and cli.out.is_terminal:
                    # the model's text as written: a piece may be "[/]" or ":warning:" alone
                    cli.out.print(visible(event.text), end="", markup=False, emoji=False, highlight=False)
                    streamed = True
            elif isinstance(event, Retrying):
                if not as_json and cli.out.is_terminal:
                    cli.out.print(Text(f" (checking: {_again(event)})", style="dim"))
            else:
                final = event
    except QAError:
        if streamed:  # the error goes on its own line, and the text above is not an answer
            cli.out.print(Text(" (cut off: not checked)", style="dim"))
        raise
    assert final is not None
    if as_json:
        cli.out.print_json(json.dumps(final.to_json_dict(), ensure_ascii=False))
        return
    if streamed:  # replace the raw stream with the checked text
        cli.out.print("\n")
        cli.out.rule(style="dim")
    _print_answer(final)


def _again(event) -> str:
    if event.barred:
        return f"the sources do not bear out {', '.join(event.barred)}; asking again"
    return f"asking again with {_numbers(event.passages)} only"


def _numbers(passages: list[int]) -> str:
    """[2] -> "passage [2]"; [1, 3] -> "passages [1] and [3]"."""
    marks = [f"[{n}]" for n in passages]
    return f"passage {marks[0]}" if len(marks) == 1 else "passages " + ", ".join(marks[:-1]) + f" and {marks[-1]}"
