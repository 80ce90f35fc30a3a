"""Fetch one web page (an article or a feed) safely, for `qa ingest URL` and the feeds.

Why a module of its own: a page given by a user, a feed or an MCP client is untrusted. A
fetch here only speaks http(s), never follows a redirect to another scheme, refuses
loopback and private network addresses when asked to (`qa mcp`: a client must not reach
this machine's local services), stops reading at a size limit instead of downloading a
huge file first, refuses what is not a page (PDF, images), and turns every network failure
into one `IngestError` line a user can act on. httpx does the HTTP; the rest is here.

    is_url            does a command-line argument look like an address (any scheme)?
    fetch             the page's text, or an IngestError
    is_private_host   does a host name resolve to a loopback/private/reserved address?
"""

from __future__ import annotations

import codecs
import ipaddress
import re
import socket
import time
import urllib.request
from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from qa.errors import IngestError

USER_AGENT = "qa-news/0.1 (+offline news QA)"
# Pages, and feeds (feeds are XML): what `fetch` reads by default.
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml")
TEXT_TYPES = PAGE_TYPES + FEED_TYPES
_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+://")  # two letters at least: "C://x" is a drive
_HINTS = {401: "the page needs a login: save its text and ingest the file",
          403: "the site refuses the request: save the page's text and ingest the file",
          404: "check the address", 410: "check the address", 429: "try again later"}


@dataclass(frozen=True)
class Page:
    url: str  # the URL asked for
    final_url: str  # after redirects
    content_type: str  # e.g. "text/html" (no parameters); "" when the site sent none
    text: str  # decoded body


def is_url(arg: str) -> bool:
    """True for "http://…", "https://…" and any other "scheme://…" (file://, ftp://), so that
    a caller can refuse those clearly instead of taking them for a file's path."""
    return bool(_SCHEME.match(arg))


def is_private_host(host: str) -> bool:
    """True if ANY address `host` resolves to is loopback, private, link-local, reserved,
    multicast, unspecified or otherwise not global. An IP literal is checked without a DNS
    lookup. Raises OSError (socket.gaierror) when the name cannot be resolved."""
    infos = socket.getaddrinfo(host.strip("[]"), None, proto=socket.IPPROTO_TCP)
    return any(_is_private_ip(info[4][0]) for info in infos)


def _is_private_ip(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    # an IPv4 address inside an IPv6 one (::ffff:127.0.0.1, 2002:7f00:1::) is checked too
    embedded = [getattr(ip, "ipv4_mapped", None), getattr(ip, "sixtofour", None)]
    return any(
        a.is_loopback or a.is_private or a.is_link_local or a.is_reserved or a.is_multicast
        or a.is_unspecified or not a.is_global
        for a in [ip, *filter(None, embedded)]
    )


def fetch(
    url: str,
    *,
    allow_private: bool = True,
    timeout: float = 20.0,
    max_bytes: int = 10 * 2**20,
    max_redirects: int = 5,
    accept: Collection[str] = TEXT_TYPES,
) -> Page:
    """GET `url` and return its decoded text. Raises IngestError (one line) for a scheme
    other than http(s), a private address when `allow_private` is False, a timeout
    (`timeout` seconds to connect and between reads), an unreachable site, an HTTP error,
    more than `max_redirects` redirects, a body over `max_bytes` (decompressed), or a
    content type not in `accept` (media types without parameters). Never raises httpx's
    exceptions."""
    shown = _shown(url)
    deadline = time.monotonic() + TOTAL_TIMEOUT_FACTOR * timeout
    # Without private addresses (qa mcp), no proxy from the environment either: the
    # address connected to must be the site's, to be checked before the request is sent.
    guard = {} if allow_private else {"trace": _refuse_private_peer}
    try:
        with httpx.Client(
            timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT, "Accept": _ACCEPT},
            trust_env=allow_private,
        ) as client:
            # Redirects are followed here, not by httpx, because every hop must be checked
            # again (scheme, private address): httpx has no hook for that.
            where = shown
            target = _checked(url, where, allow_private)
            for hops in range(max_redirects + 1):
                if time.monotonic() > deadline:
                    raise httpx.ReadTimeout("total time")
                with client.stream("GET", target, extensions=guard) as response:
                    if not allow_private and _private_peer(response):
                        raise IngestError(f"{where}: {_PRIVATE}")
                    if not response.has_redirect_location:
                        return _read(response, url, where, max_bytes, accept, deadline)
                    if hops == max_redirects:
                        break
                    location = urljoin(str(response.url), response.headers["location"])
                    where = f"{shown} (redirected to {_shown(location)})"
                    target = _checked(location, where, allow_private)
            raise IngestError(f"{shown}: too many redirects (more than {max_redirects})")
    except _PrivatePeer:
        raise IngestError(f"{shown}: {_PRIVATE}") from None
    except httpx.TimeoutException as exc:
        if str(exc) == "total time":
            raise IngestError(f"{shown}: not read within {TOTAL_TIMEOUT_FACTOR * timeout:g} s (the site sends too "
                              "slowly); try again later") from None
        raise IngestError(f"{shown}: no answer within {timeout:g} s (timed out); try again later") from None
    except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError, UnicodeError, ValueError) as exc:
        raise IngestError(f"{shown}: {_reason(exc)}") from None


_PRIVATE = "refers to a private or local address; set QA_ALLOW_PRIVATE_URLS=1 to allow it"
# A whole fetch (every redirect and the body) may take this many times the timeout, which
# bounds each wait only: a site sending a byte every 19 s would never end.
TOTAL_TIMEOUT_FACTOR = 3


class _PrivatePeer(Exception):
    """Raised by the connection trace when the address connected to is private."""


def _refuse_private_peer(event: str, info: dict) -> None:
    """httpcore's trace hook, called once the TCP connection is made and before the request
    is written: a name that resolved to a public address when checked and to a private one
    when connecting (DNS rebinding) never receives the request."""
    if event != "connection.connect_tcp.complete":
        return
    stream = info.get("return_value")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    if peer and _is_private_ip(str(peer[0])):
        stream.close()  # not left to the garbage collector: the site would wait on an open socket
        raise _PrivatePeer


def _checked(url: str, where: str, allow_private: bool) -> httpx.URL:
    """The URL parsed, if its scheme is http(s) and (unless allowed) its host is public."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise IngestError(f"{where}: not a valid web address") from None
    if parsed.scheme not in ("http", "https"):
        raise IngestError(f"{where}: only http:// and https:// links can be fetched")
    if not parsed.host:
        raise IngestError(f"{where}: not a valid web address (no host name)")
    if not allow_private:
        try:
            private = is_private_host(parsed.host)
        except OSError as exc:
            raise IngestError(f"{where}: {_reason(exc)}") from None
        if private:
            raise IngestError(f"{where}: {_PRIVATE}")
    return parsed


def _private_peer(response: httpx.Response) -> bool:
    """Is the address actually connected to private? Written by hand: the name was checked
    before connecting, but DNS can answer differently the second time (DNS rebinding). Not
    checked through a proxy, whose own address is then the peer."""
    proxies = urllib.request.getproxies()
    host = response.url.host
    if (response.url.scheme in proxies or "all" in proxies) and not urllib.request.proxy_bypass(host):
        return False
    stream = response.extensions.get("network_stream")
    peer = stream.get_extra_info("server_addr") if stream is not None else None
    return bool(peer) and _is_private_ip(str(peer[0]))


def _read(response: httpx.Response, url: str, where: str, max_bytes: int, accept: Collection[str],
          deadline: float) -> Page:
    status = response.status_code
    if status >= 300:  # an error, or a redirect without a Location
        hint = _HINTS.get(status, "try again later" if status >= 500 else "")
        raise IngestError(f"{where}: the site answered {status} {httpx.codes.get_reason_phrase(status)}".rstrip()
                          + (f"; {hint}" if hint else ""))
    media = response.headers.get("content-type", "").split(";")[0].strip().lower()
    if media and media not in accept:
        raise IngestError(f"{where}: not a web page ({_shown(media)}); save the article's text and ingest the file")
    too_big = f"{where}: the page is larger than {_size(max_bytes)}, not an article"
    try:
        declared = int(response.headers.get("content-length", "0"))
    except ValueError:
        declared = 0
    if declared > max_bytes:
        raise IngestError(too_big)
    body = bytearray()
    for chunk in response.iter_bytes():  # decompressed bytes: a gzip bomb stops here too
        if time.monotonic() > deadline:
            raise httpx.ReadTimeout("total time")
        body += chunk
        if len(body) > max_bytes:
            raise IngestError(too_big)
    if not media and (b"\x00" in body[:1024] or body.startswith(b"%PDF")):
        raise IngestError(f"{where}: not a web page (no content type, binary data); "
                          "save the article's text and ingest the file")
    text = _decode(bytes(body), response.charset_encoding)
    return Page(url=url, final_url=str(response.url), content_type=media, text=text)


_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
    re.IGNORECASE,
)


def _decode(body: bytes, charset: str | None) -> str:
    """The text: a byte-order mark, else the Content-Type charset, else the page's own
    <meta charset> or <?xml encoding?>, else UTF-8 if it is valid, else a detected
    encoding, else UTF-8 with replacement characters."""
    for bom, encoding in _BOMS:
        if body.startswith(bom):
            return body[len(bom):].decode(encoding, "replace")
    if not charset and (found := _DECLARED.search(body[:2048])):
        charset = (found.group(1) or found.group(2)).decode("ascii")
        if charset.lower().startswith("utf-16"):  # a page read as ASCII cannot be UTF-16 (WHATWG)
            charset = "utf-8"
    if charset:
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            name = None
        if name in ("latin-1", "iso8859-1", "ascii"):  # as browsers do (WHATWG)
            name = "cp1252"
        if name:
            return body.decode(name, "replace")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        # installed with most stacks, not a dependency
        from charset_normalizer import from_bytes
    except ImportError:
        return body.decode("utf-8", "replace")
    best = from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", "replace")


_NAME_NOT_FOUND = re.compile(r"name resolution|Name or service not known|nodename nor servname|getaddrinfo failed")


def _reason(exc: BaseException) -> str:
    """One line: why the site could not be reached."""
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if "CERTIFICATE_VERIFY_FAILED" in detail:
        return "the site's certificate could not be verified; check the address"
    if isinstance(exc, socket.gaierror) or _NAME_NOT_FOUND.search(detail):
        return "the site could not be reached (its name was not found); check the address or the network"
    if isinstance(exc, httpx.InvalidURL | UnicodeError | ValueError):
        return f"not a valid web address ({detail[:120]})"
    if isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
        return f"the site sent a broken answer ({detail[:120]}); try again later"
    return f"the site could not be reached ({detail[:120]}); check the address or the network"


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n / 2**10:g} KiB" if n >= 2**10 else f"{n} bytes"


def _shown(text: str) -> str:
    """`text` on one line: control characters escaped."""
    return "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in text)
