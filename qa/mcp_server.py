"""`qa mcp`: the assistant as a Model Context Protocol server over stdio.

Tools: `ask` (the checked answer, with each citation's outlet, date, address and quote),
`search` (passages only, no model) and `ingest_url` (fetch a page into the store). Built
on the `mcp` SDK's MCPServer; every `QAError` becomes a tool error whose text is the same
one line the CLI prints. Questions are standalone (no conversation): an MCP client keeps
its own. stdout carries the protocol: nothing else may print there.
"""

from __future__ import annotations

import threading
from typing import Any

from qa.assistant import Assistant
from qa.errors import InputError, QAError
from qa.search.filters import Filters
from qa.settings import Settings
from qa.types import Passage

INSTRUCTIONS = (
    "Answers questions about the news articles in the user's local archive. Every sentence of an "
    "answer cites the passages it rests on as [n]; `citations` gives each one's outlet, date, "
    "address and the quoted sentence. `refused` is true when the articles do not say. Filter by "
    "outlet (`sources`) and by date (`since`, `until`: YYYY-MM-DD, YYYY-MM or YYYY)."
)


def _passage_json(p: Passage) -> dict[str, Any]:
    return {"doc_id": p.doc_id, "outlet": p.origin, "title": p.title, "date": p.date, "url": p.url, "text": p.text}


class Tools:
    """What the MCP tools do, apart from the protocol (and tested without it)."""

    def __init__(self, settings: Settings, assistant: Assistant | None = None) -> None:
        self.settings = settings
        self.assistant = assistant or Assistant(settings=settings)
        # one tool at a time: the client may call them in parallel threads, and one Store
        # must not be written and reopened at once
        self._lock = threading.Lock()

    def _filters(self, sources: list[str] | None, since: str | None, until: str | None) -> Filters | None:
        if not (sources or since or until):
            return None
        return self.assistant.filters(sources=sources, since=since, until=until)

    def ask(self, question: str, sources: list[str] | None = None, since: str | None = None,
            until: str | None = None) -> dict[str, Any]:
        with self._lock:
            answer = self.assistant.ask(question, standalone=True, filters=self._filters(sources, since, until))
        return {
            "answer": answer.text,
            "refused": answer.refused,
            "citations": [
                {"n": c.n, "quote": c.quote, **_passage_json(c.passage)} for c in answer.citations
            ],
        }

    def search(self, query: str, k: int = 5, sources: list[str] | None = None, since: str | None = None,
               until: str | None = None) -> dict[str, Any]:
        from qa.assistant import check_question

        query = check_question(query, self.settings)
        with self._lock:
            found = self.assistant.search(query, filters=self._filters(sources, since, until), k=k)
        return {"relevant": found.relevant, "passages": [_passage_json(p) for p in found.passages]}

    def ingest_url(self, url: str) -> dict[str, Any]:
        from qa.articles.ingest import split_arguments
        from qa.articles.web import is_url

        url = url.strip()
        if not is_url(url):  # never a path: a client must not read this machine's files
            raise InputError(f"{url}: not a web address; ingest_url takes an http:// or https:// link")
        items = split_arguments([url])
        with self._lock:
            report = self.assistant.ingest_items(items, allow_private=self.settings.allow_private_urls)
        if report.failed:
            raise QAError(report.failed[0][1])
        return {"added": report.added, "updated": report.updated, "unchanged": report.skipped,
                "passages": report.passages}


def build_server(tools: Tools):
    """The MCP server with the three tools."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(name="qa-news", instructions=INSTRUCTIONS)

    def reported(fn, *args):
        try:
            return fn(*args)
        except QAError as exc:
            raise ToolError(f"error: {exc}") from None

    @server.tool(description="Answer a question from the news articles, with [n] citations (outlet, date, "
                 "address and quote of each). `sources`: outlet names; `since`/`until`: YYYY-MM-DD, YYYY-MM or YYYY.")
    def ask(question: str, sources: list[str] | None = None, since: str | None = None,
            until: str | None = None) -> dict[str, Any]:
        return reported(tools.ask, question, sources, since, until)

    @server.tool(description="The passages of the news articles that best match a query (no answer written).")
    def search(query: str, k: int = 5, sources: list[str] | None = None, since: str | None = None,
               until: str | None = None) -> dict[str, Any]:
        return reported(tools.search, query, max(1, min(k, 20)), sources, since, until)

    @server.tool(description="Fetch a web page (http or https) and add its article to the store; "
                 "the same address again updates it.")
    def ingest_url(url: str) -> dict[str, Any]:
        return reported(tools.ingest_url, url)

    return server


def serve(settings: Settings) -> None:
    """Run the MCP server on stdin/stdout until the client closes it."""
    build_server(Tools(settings)).run(transport="stdio")
