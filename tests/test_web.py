"""qa.articles.web: fetching a page safely, against a local HTTP server (no internet)."""

from __future__ import annotations

import gzip
import socket
import threading

import pytest
from werkzeug import Response

from qa.articles import web
from qa.articles.web import Page, fetch, is_private_host, is_url
from qa.errors import IngestError

HTML = "<html><head><title>Storm</title></head><body><p>The storm hit the coast.</p></body></html>"
BIG = 50 * 2**20


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """A proxy set in the environment must not see the test server's requests."""
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


def _refused(url: str, match: str, **kwargs) -> str:
    with pytest.raises(IngestError, match=match) as info:
        fetch(url, **kwargs)
    message = str(info.value)
    assert "\n" not in message
    return message


# --- pages fetched ---------------------------------------------------------------------

def test_html_page_after_one_redirect(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/article"})
    httpserver.expect_request("/article").respond_with_data(HTML, content_type="text/html; charset=utf-8")
    url = httpserver.url_for("/old")
    page = fetch(url)
    assert page == Page(url=url, final_url=httpserver.url_for("/article"), content_type="text/html", text=HTML)


def test_sends_the_user_agent(httpserver):
    httpserver.expect_request("/ua", headers={"User-Agent": web.USER_AGENT}).respond_with_data(
        HTML, content_type="text/html")
    assert fetch(httpserver.url_for("/ua")).text == HTML
    assert web.USER_AGENT.startswith("qa-news/")


@pytest.mark.parametrize("content_type", ["text/plain", "application/xhtml+xml", "application/rss+xml",
                                          "application/atom+xml", "application/xml", "text/xml"])
def test_text_and_feed_types_are_read(httpserver, content_type):
    httpserver.expect_request("/doc").respond_with_data("<x>hello</x>", content_type=content_type)
    page = fetch(httpserver.url_for("/doc"))
    assert (page.content_type, page.text) == (content_type, "<x>hello</x>")


def test_charset_from_the_header(httpserver):
    httpserver.expect_request("/latin").respond_with_data("Café à Genève".encode("iso-8859-1"),
                                                          content_type="text/html; charset=ISO-8859-1")
    assert fetch(httpserver.url_for("/latin")).text == "Café à Genève"


def test_charset_from_the_page_when_the_header_has_none(httpserver):
    body = '<html><head><meta charset="windows-1252"></head><body>“Quoted” café</body></html>'
    httpserver.expect_request("/meta").respond_with_data(body.encode("cp1252"), content_type="text/html")
    assert fetch(httpserver.url_for("/meta")).text == body


def test_utf8_bom_and_undeclared_utf8(httpserver):
    httpserver.expect_request("/bom").respond_with_data(b"\xef\xbb\xbfna\xc3\xafve", content_type="text/plain")
    httpserver.expect_request("/utf8").respond_with_data("naïve".encode(), content_type="text/html")
    assert fetch(httpserver.url_for("/bom")).text == "naïve"
    assert fetch(httpserver.url_for("/utf8")).text == "naïve"


def test_no_content_type_text_is_read_binary_is_refused(httpserver):
    def bare(body: bytes):
        def handler(_request):
            response = Response(body)
            del response.headers["Content-Type"]
            return response
        return handler

    httpserver.expect_request("/text").respond_with_handler(bare(HTML.encode()))
    httpserver.expect_request("/binary").respond_with_handler(bare(b"%PDF-1.7\n\x00\x01\x02"))
    page = fetch(httpserver.url_for("/text"))
    assert (page.content_type, page.text) == ("", HTML)
    _refused(httpserver.url_for("/binary"), r"not a web page \(no content type, binary data\)")


# --- refused schemes and addresses -----------------------------------------------------

@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://x", "javascript:alert(1)",
                                 "data:text/html,<p>hi</p>", "notes/a.txt"])
def test_only_http_and_https(url):
    assert _refused(url, "only http:// and https:// links can be fetched") == \
        f"{url}: only http:// and https:// links can be fetched"


@pytest.mark.parametrize("url", ["http://exa mple.com/", "http://[::1", "http:///path", "https://"])
def test_invalid_addresses_are_ingest_errors(url):
    _refused(url, "not a valid web address|could not be reached")


def test_redirect_to_another_scheme_is_refused(httpserver):
    httpserver.expect_request("/go").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    message = _refused(httpserver.url_for("/go"), "only http:// and https://")
    assert "(redirected to file:///etc/passwd)" in message


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "[::1]"])
def test_private_addresses_refused_when_not_allowed(httpserver, host):
    httpserver.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    url = f"http://{host}:{httpserver.port}/page"
    assert _refused(url, "private or local address", allow_private=False) == (
        f"{url}: refers to a private or local address; set QA_ALLOW_PRIVATE_URLS=1 to allow it")
    assert httpserver.log == []  # refused before connecting


def test_redirect_to_a_private_address_is_refused(httpserver, monkeypatch):
    # 127.0.0.1 stands for a public site here; "localhost" is the private target
    monkeypatch.setattr(web, "is_private_host", lambda host: host == "localhost")
    monkeypatch.setattr(web, "_is_private_ip", lambda address: False)
    target = f"http://localhost:{httpserver.port}/secret"
    httpserver.expect_request("/start").respond_with_data("", status=302, headers={"Location": target})
    httpserver.expect_request("/secret").respond_with_data("secret", content_type="text/plain")
    start = f"http://127.0.0.1:{httpserver.port}/start"
    message = _refused(start, "private or local address", allow_private=False)
    assert f"(redirected to {target})" in message
    assert [request.path for request, _ in httpserver.log] == ["/start"]


def test_the_connected_address_is_checked_too(httpserver, monkeypatch):
    """DNS may answer "public" to the check and "127.0.0.1" to the connection (rebinding)."""
    monkeypatch.setattr(web, "is_private_host", lambda host: False)
    httpserver.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    import gc

    gc.disable()  # nothing left to the collector: a connection left open would hold up the next request
    try:
        _refused(f"http://127.0.0.1:{httpserver.port}/page", "private or local address", allow_private=False)
        assert len(httpserver.log) == 0  # the name passed; the address connected to did not: no request was sent
        assert fetch(httpserver.url_for("/page"), timeout=3).text == HTML  # the server is free for the next one
    finally:
        gc.enable()


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.5.4", "169.254.169.254",
                                  "0.0.0.0", "224.0.0.1", "100.64.0.1", "::1", "fe80::1", "fc00::1",
                                  "::ffff:127.0.0.1", "localhost"])
def test_private_hosts(host):
    assert is_private_host(host)


@pytest.mark.parametrize("host", ["93.184.216.34", "8.8.8.8", "2606:2800:220:1:248:1893:25c3:1946"])
def test_public_literals(host):
    assert not is_private_host(host)


# --- answers that are not a page -------------------------------------------------------

def test_404(httpserver):
    httpserver.expect_request("/missing").respond_with_data("nope", status=404, content_type="text/html")
    url = httpserver.url_for("/missing")
    assert _refused(url, "404") == f"{url}: the site answered 404 Not Found; check the address"


def test_500(httpserver):
    httpserver.expect_request("/broken").respond_with_data("oops", status=500, content_type="text/html")
    url = httpserver.url_for("/broken")
    assert _refused(url, "500") == f"{url}: the site answered 500 Internal Server Error; try again later"


def test_timeout(httpserver):
    release = threading.Event()

    def slow(_request):
        release.wait(10)
        return Response(HTML, content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    url = httpserver.url_for("/slow")
    try:
        assert _refused(url, "timed out", timeout=0.5) == \
            f"{url}: no answer within 0.5 s (timed out); try again later"
    finally:
        release.set()  # the server thread answers at once and is free for the next test


def test_a_site_that_trickles_is_cut_at_the_total_time_limit(httpserver):
    """Each read within the timeout, the whole page never: cut at 3 times the timeout."""
    release = threading.Event()

    def trickle():
        yield b"<html><body><p>"
        while not release.wait(0.1):  # a byte every 0.1 s, for as long as the client reads
            yield b"a"

    httpserver.expect_request("/trickle").respond_with_handler(
        lambda _request: Response(trickle(), content_type="text/html"))
    url = httpserver.url_for("/trickle")
    try:
        assert _refused(url, "too slowly", timeout=0.4) == \
            f"{url}: not read within 1.2 s (the site sends too slowly); try again later"
    finally:
        release.set()


def test_connection_refused():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = _refused(f"http://127.0.0.1:{port}/", "the site could not be reached")
    assert message.endswith("check the address or the network")


@pytest.mark.parametrize("allow_private", [True, False])
def test_name_not_found(monkeypatch, allow_private):
    def no_dns(*_args, **_kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    url = "http://no-such-site.invalid/news"
    assert _refused(url, "could not be reached", allow_private=allow_private) == (
        f"{url}: the site could not be reached (its name was not found); check the address or the network")


def test_redirect_loop(httpserver):
    httpserver.expect_request("/loop").respond_with_data("", status=302, headers={"Location": "/loop"})
    url = httpserver.url_for("/loop")
    assert _refused(url, "too many redirects") == f"{url}: too many redirects (more than 5)"
    assert len(httpserver.log) == 6  # the first request and five redirects followed


def test_max_redirects(httpserver):
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=307, headers={"Location": "/c"})
    httpserver.expect_request("/c").respond_with_data(HTML, content_type="text/html")
    _refused(httpserver.url_for("/a"), r"too many redirects \(more than 1\)", max_redirects=1)
    assert fetch(httpserver.url_for("/a"), max_redirects=2).final_url == httpserver.url_for("/c")


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png"])
def test_not_a_web_page(httpserver, content_type):
    httpserver.expect_request("/file").respond_with_data(b"\x89PNG%PDF\x00" * 100, content_type=content_type)
    url = httpserver.url_for("/file")
    assert _refused(url, "not a web page") == (
        f"{url}: not a web page ({content_type}); save the article's text and ingest the file")


def test_accept_narrows_the_types(httpserver):
    httpserver.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    _refused(httpserver.url_for("/page"), r"not a web page \(text/html\)", accept=("application/rss+xml",))


# --- size limit ------------------------------------------------------------------------

def _big_handler(produced: list[int], *, declare_length: bool):
    def chunks():
        block = b"<p>" + b"x" * (2**20 - 7) + b"</p>\n"
        for _ in range(BIG // len(block)):
            produced[0] += len(block)
            yield block

    def handler(_request):
        headers = {"Content-Length": str(BIG // (2**20) * 2**20)} if declare_length else {}
        return Response(chunks(), content_type="text/html", headers=headers)

    return handler


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "streamed"])
def test_a_50_mb_page_is_refused_without_downloading_it(httpserver, declare_length):
    produced = [0]
    httpserver.expect_request("/huge").respond_with_handler(_big_handler(produced, declare_length=declare_length))
    url = httpserver.url_for("/huge")
    assert _refused(url, "larger than") == f"{url}: the page is larger than 10 MiB, not an article"
    assert produced[0] < 40 * 2**20  # stopped long before the 50 MB were sent


def test_the_limit_counts_decompressed_bytes(httpserver):
    bomb = gzip.compress(b"\0" * (20 * 2**20), compresslevel=1)
    assert len(bomb) < 2**20
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    _refused(httpserver.url_for("/bomb"), "larger than 10 MiB")


def test_a_small_limit(httpserver):
    httpserver.expect_request("/page").respond_with_data(HTML, content_type="text/html")
    _refused(httpserver.url_for("/page"), "larger than 10 bytes", max_bytes=10)
    assert fetch(httpserver.url_for("/page"), max_bytes=len(HTML)).text == HTML


# --- is_url ----------------------------------------------------------------------------

@pytest.mark.parametrize("arg", ["http://example.com", "https://example.com/a?b=c", "HTTPS://EXAMPLE.COM",
                                 "Http://x", "file:///etc/passwd", "ftp://x", "s3://bucket/key"])
def test_is_url(arg):
    assert is_url(arg)


@pytest.mark.parametrize("arg", ["notes/a.txt", "C:\\x", "C://x", "", "example.com/news", "javascript:alert(1)",
                                 "mailto:a@example.com", "./http://x", "a file.txt"])
def test_is_not_url(arg):
    assert not is_url(arg)
