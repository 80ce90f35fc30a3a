"""`qa mcp`: the assistant's tools served over stdio to the MCP SDK's own client.

The server is a real `qa mcp` process with the real embedder and store; the model is a
stand-in OpenAI-compatible endpoint on 127.0.0.1 (tests/test_llm_failures.py), and web
pages come from a local HTTP server."""

from __future__ import annotations

import json
import os
import sys

import anyio
import pytest

from tests.test_llm_failures import Endpoint, answer
from tests.test_news_in import BRIDGE, article_html

pytestmark = pytest.mark.timeout(300)


def call(env: dict[str, str], calls: list[tuple[str, dict]]) -> tuple[list[str], list]:
    """Start `qa mcp` with `env`, list its tools and make `calls`; (tool names, results)."""
    from mcp import ClientSession, StdioServerParameters
    from mcp.client.stdio import stdio_client

    async def main():
        params = StdioServerParameters(command=sys.executable, args=["-m", "qa.cli", "mcp"],
                                       env={**os.environ, **env})
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = [t.name for t in (await session.list_tools()).tools]
            results = [await session.call_tool(name, args) for name, args in calls]
            return tools, results

    return anyio.run(main)


def payload(result) -> dict:
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)


def error_text(result) -> str:
    assert result.is_error
    return result.content[0].text


@pytest.fixture
def page(httpserver):
    httpserver.expect_request("/bridge.html").respond_with_data(
        article_html("Elmsford bridge reopens", BRIDGE, published="2017-11-06"), content_type="text/html")
    return httpserver.url_for("/bridge.html")


def test_an_mcp_client_ingests_a_page_searches_and_gets_a_cited_answer(tmp_path, page):
    endpoint = Endpoint(answer(["The old stone bridge of Elmsford ", "reopened on Monday [1]."]))
    env = {"QA_DATA_DIR": str(tmp_path / "data"), "QA_LLM_BASE_URL": endpoint.url, "QA_LLM_API_KEY": "k",
           "QA_ALLOW_PRIVATE_URLS": "1"}
    try:
        tools, (ingested, found, answered, unknown) = call(env, [
            ("ingest_url", {"url": page}),
            ("search", {"query": "Elmsford bridge reopened", "k": 2}),
            ("ask", {"question": "When did the bridge of Elmsford reopen?", "since": "2017-11"}),
            ("ask", {"question": "When did the bridge reopen?", "sources": ["Reuters"]}),
        ])
    finally:
        endpoint.close()
    assert sorted(tools) == ["ask", "ingest_url", "search"]
    assert payload(ingested)["added"] == 1
    assert "bridge of Elmsford reopened" in payload(found)["passages"][0]["text"]
    result = payload(answered)
    assert not result["refused"] and "[1]" in result["answer"]
    (citation,) = result["citations"]
    assert citation["url"] == page and citation["date"] == "2017-11-06" and citation["quote"]
    assert citation["outlet"] == "The Valley Gazette"
    assert "no article from an outlet named 'Reuters'" in error_text(unknown)


def test_the_mcp_tool_refuses_private_addresses_unless_allowed(tmp_path, page):
    env = {"QA_DATA_DIR": str(tmp_path / "data")}
    _, (refused, bad_scheme, a_path, empty) = call(env, [
        ("ingest_url", {"url": page}),
        ("ingest_url", {"url": "file:///etc/passwd"}),
        ("ingest_url", {"url": str(tmp_path)}),
        ("search", {"query": "   "}),
    ])
    assert "not a web address" in error_text(a_path)  # never this machine's files
    assert "private or local address" in error_text(refused) and "QA_ALLOW_PRIVATE_URLS=1" in error_text(refused)
    assert "only http:// and https://" in error_text(bad_scheme)
    assert "the question is empty" in error_text(empty)
