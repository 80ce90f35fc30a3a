"""RSS and Atom feeds: read one into entries (link, title, date, outlet), and keep the list
of feeds the user follows.

feedparser does the parsing. It is always given the feed's bytes in a stream, never a
string: given a string, feedparser fetches it if it looks like a URL and opens it if it
names a file, so a feed whose body is "/etc/passwd" would read that file. The fetch is
`qa.articles.web.fetch`, with its checks (schemes, private addresses, size, timeout).
"""

from __future__ import annotations

import email.utils
import fcntl
import html
import io
import json
import os
import re
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import feedparser

from qa.articles.web import fetch
from qa.errors import ConfigError, IngestError, InputError


@dataclass(frozen=True)
class Entry:
    link: str | None  # absolute http(s) (a relative link is resolved against the feed's address)
    title: str
    date: str | None  # "YYYY-MM-DD" as the feed gives it, else None (never guessed)
    outlet: str | None  # the feed's title


def read_feed(url: str, *, allow_private: bool = True, timeout: float = 20.0) -> list[Entry]:
    """The entries of the feed at `url`, in the feed's order. IngestError when it cannot be
    fetched or is not an RSS or Atom feed; a feed with no entries gives []."""
    page = fetch(url, allow_private=allow_private, timeout=timeout)
    return parse_feed(page.text, url, base=page.final_url)


def parse_feed(text: str, url: str, *, base: str | None = None) -> list[Entry]:
    """The entries of a feed's text. `url` names the feed in errors; relative links are
    resolved against `base` (default: `url`)."""
    base = base or url
    # utf-8 declared, so that the XML declaration's encoding (the text is decoded already)
    # does not decode it a second time; Content-Location resolves relative links
    parsed = feedparser.parse(
        io.BytesIO(text.encode("utf-8", "replace")),
        response_headers={"content-type": "application/xml; charset=utf-8", "content-location": base},
    )
    feed = parsed.get("feed", {})
    outlet = _plain(feed.get("title", ""), feed.get("title_detail")) or None
    entries = parsed.get("entries", [])
    if not entries and (not parsed.get("version") or (parsed.get("bozo") and not outlet)):
        raise IngestError(f"{url}: not an RSS or Atom feed")
    result = []
    for entry in entries:
        link = (entry.get("link") or "").strip()
        result.append(Entry(
            link=_web_link(urljoin(base, link)) if link else None,
            title=_plain(entry.get("title", ""), entry.get("title_detail")),
            date=_date(entry),
            outlet=outlet,
        ))
    return result


def _web_link(link: str) -> str | None:
    """An http(s) link, else None: feedparser takes an entry's id for its link when it has
    none, and an Atom id is often "urn:uuid:…"."""
    return link if urlsplit(link).scheme.lower() in ("http", "https") else None


def _plain(text: str, detail: dict | None) -> str:
    """A title on one line, without the markup of an HTML title (Atom type="html")."""
    if detail and detail.get("type") in ("text/html", "application/xhtml+xml"):
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return " ".join(text.split())


def _date(entry: dict) -> str | None:
    """The publication (else update) date as the feed writes it: "Sat, 04 Nov 2017 00:30
    +0200" is 4 November, though feedparser's parsed time, in UTC, says the 3rd."""
    for key in ("published", "updated"):
        raw = (entry.get(key) or "").strip()
        local = _local_date(raw) if raw else None
        if local:
            return local
        parsed = entry.get(f"{key}_parsed")  # feedparser's time, in UTC
        if parsed and _valid(parsed):
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    return None


def _valid(parsed: time.struct_time) -> bool:
    try:
        date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    except (ValueError, TypeError):
        return False
    return True


def _local_date(raw: str) -> str | None:
    """The calendar date of an RFC 822 (RSS) or ISO 8601 (Atom) time, in its own zone."""
    try:
        return email.utils.parsedate_to_datetime(raw).date().isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        pass
    try:
        return datetime.fromisoformat(raw).date().isoformat()
    except ValueError:
        return None


class FeedList:
    """The feeds the user follows, kept as JSON in a file (data_dir / "feeds.json"):
    {"feeds": ["https://…", …]}, in the order they were added. Written atomically (a
    temporary file in the same folder, then a rename) and readable by the user only."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def _read(self) -> list[str]:
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "not UTF-8 text"
            raise ConfigError(f"{self.path}: the feed list cannot be read ({reason}); fix it or delete it") from None
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{self.path}: the feed list is not valid JSON ({exc.msg}, line {exc.lineno}); "
                              "fix it or delete it") from None
        feeds = data.get("feeds") if isinstance(data, dict) else None
        if not isinstance(feeds, list) or not all(isinstance(f, str) for f in feeds):
            raise ConfigError(f'{self.path}: the feed list must be {{"feeds": ["https://…", …]}}; '
                              "fix it or delete it")
        return feeds

    def _write(self, feeds: list[str]) -> None:
        folder = self.path.parent
        tmp: str | None = None
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)  # mode 0o600
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump({"feeds": feeds}, f, indent=2, ensure_ascii=False)
                f.write("\n")
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
            tmp = None
        except OSError as exc:
            raise ConfigError(f"{self.path}: the feed list cannot be written ({exc.strerror or exc})") from None
        finally:
            if tmp is not None:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass

    @contextmanager
    def _changing(self) -> Iterator[list[str]]:
        """The feeds, to change in place and write back, with a lock on a file beside the
        list held meanwhile: two `qa feed add` at once both land (each reads the other's)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path.with_name(f".{self.path.name}.lock"), os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise ConfigError(f"{self.path}: the feed list cannot be written ({exc.strerror or exc})") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)  # held for a read and a write: milliseconds
            feeds = self._read()
            before = list(feeds)
            yield feeds
            if feeds != before:
                self._write(feeds)
        finally:
            os.close(fd)  # releases the lock

    def list(self) -> list[str]:
        """The feeds' addresses, in the order they were added."""
        return self._read()

    def add(self, url: str) -> bool:
        """Follow `url`; False when it is followed already. InputError for an address that
        is not http(s)."""
        if any(c.isspace() or not c.isprintable() for c in url):
            raise InputError(f"{url!r}: a feed address cannot contain spaces or control characters")
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise InputError(f"{url}: only http:// and https:// feed addresses can be followed")
        with self._changing() as feeds:
            if url in feeds:
                return False
            feeds.append(url)
            return True

    def remove(self, url: str) -> bool:
        """Stop following `url`; False when it was not followed."""
        with self._changing() as feeds:
            if url not in feeds:
                return False
            feeds.remove(url)
            return True
