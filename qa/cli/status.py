"""`qa status`: where data is kept, what the store holds (by outlet and date range), and
which model answers."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from qa import cli
from qa.models.llm import shown_url
from qa.text import visible  # untrusted text: never markup, no ESC


def status_cmd(
    as_json: Annotated[bool, typer.Option("--json", help="Print the status as JSON.")] = False,
    documents: Annotated[
        bool, typer.Option("--documents", help="List every document, not only a summary by outlet.")
    ] = False,
) -> None:
    """Where data is kept, what is in the store (by outlet and date range), and which model answers."""
    from qa.models.embed import MODEL_ID
    from qa.runtime import model_name, open_store

    settings = cli._settings()
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
        cli.out.print_json(data=data)
        return
    for key, value in info.items():
        cli.out.print(Text.assemble((f"{key:>16}: ", "bold"), visible(str(value))))
    for row in outlets:
        dates = (f"{row['first']} to {row['last']}" if row["first"] != row["last"] else row["first"]) if row["first"] else "date unknown"
        undated = f", {row['undated']} undated" if row["first"] and row["undated"] else ""
        cli.out.print(Text(visible(f"  {row['outlet']}: {row['documents']} articles, {dates}{undated}")))
    if not documents:
        if docs:
            cli.err.print(Text("(`qa status --documents` lists every document)", style="dim"))
        return
    stories = _stories(docs.values())
    for d in sorted(docs.values(), key=lambda d: d.doc_id):
        copy = f", a copy of {d.dup_group}" if d.dup_group != d.doc_id else ""
        where = f" {d.url}" if d.url else ""
        cli.out.print(Text(visible(f"  {d.doc_id}  {_outlet_of(d, stories)}, {d.date or 'date unknown'} — {d.title}"
                                   f" ({d.passages} passages{copy}){where}")))


def _outlet_of(doc, stories: dict[str, str]) -> str:
    """The document's outlet; for a copy whose outlet is unknown, the outlet its story is
    known by ("Los Angeles Times (copy)", as citations show it), rather than a file name."""
    if doc.source:
        return doc.source
    known = stories.get(doc.dup_group)
    return f"{known} (copy)" if known else "outlet unknown"


def _stories(docs) -> dict[str, str]:
    # loaded with the store, not by `qa --help`
    from qa.index.records import story_outlets

    return story_outlets((d.dup_group, d.doc_id, d.source) for d in docs)


def _by_outlet(docs) -> list[dict]:
    """Documents counted by outlet, with the range of their dates."""
    docs = list(docs)
    stories = _stories(docs)
    rows: dict[str, dict] = {}
    for d in docs:
        row = rows.setdefault(_outlet_of(d, stories), {"documents": 0, "dates": [], "undated": 0})
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


def _embedded_endpoint(settings) -> str:
    import json
    import time

    from qa.models.announcement import server_file, shared_server
    from qa.models.background import last_used, shown_keep_alive
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
