"""qa.articles.feeds: RSS/Atom entries, and the list of feeds followed (no internet)."""

from __future__ import annotations

import json
import os
import stat

import feedparser
import pytest

from qa.articles.feeds import Entry, FeedList, parse_feed, read_feed
from qa.errors import ConfigError, IngestError, InputError

RSS_URL = "https://planet.example/rss.xml"
RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Daily Planet</title>
    <link>https://planet.example/</link>
    <item>
      <title>Storm hits &amp; floods the city</title>
      <link>https://planet.example/news/storm</link>
      <pubDate>Sat, 04 Nov 2017 00:30:00 +0200</pubDate>
    </item>
    <item>
      <title>No link here</title>
      <description>Only a summary.</description>
      <pubDate>Fri, 03 Nov 2017 10:00:00 GMT</pubDate>
    </item>
    <item>
      <title>Undated</title>
      <link>/news/undated</link>
    </item>
  </channel>
</rss>
"""

ATOM_URL = "https://atom.example/feeds/atom.xml"
ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atom News</title>
  <id>urn:uuid:feed</id>
  <updated>2017-11-05T09:00:00Z</updated>
  <entry>
    <title type="html">Votes &lt;em&gt;counted&lt;/em&gt;</title>
    <link rel="alternate" href="https://atom.example/a/1"/>
    <id>urn:uuid:1</id>
    <published>2017-11-04T00:30:00+02:00</published>
    <updated>2017-11-05T09:00:00Z</updated>
  </entry>
  <entry>
    <title>Only updated</title>
    <link href="a/2"/>
    <id>urn:uuid:2</id>
    <updated>2017-11-03T23:30:00Z</updated>
  </entry>
  <entry>
    <title>No link, no date</title>
    <id>urn:uuid:3</id>
  </entry>
</feed>
"""

NOT_FEEDS = {
    "html": "<!doctype html><html><head><title>Home</title></head><body><p>Hello</p></body></html>",
    "xhtml": '<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>X</title></head>'
             "<body><p>hi</p></body></html>",
    "junk": "just some text, not a feed",
    "empty": "",
    "other xml": "<root><title>t</title></root>",
}


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    for var in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)


# --- parse_feed ------------------------------------------------------------------------

def test_rss():
    assert parse_feed(RSS, RSS_URL) == [
        # the date the feed writes (00:30 at +02:00 is the 4th), not the UTC one (the 3rd)
        Entry(link="https://planet.example/news/storm", title="Storm hits & floods the city",
              date="2017-11-04", outlet="Daily Planet"),
        Entry(link=None, title="No link here", date="2017-11-03", outlet="Daily Planet"),
        Entry(link="https://planet.example/news/undated", title="Undated", date=None, outlet="Daily Planet"),
    ]


def test_atom():
    assert parse_feed(ATOM, ATOM_URL) == [
        # published before updated; an HTML title loses its markup
        Entry(link="https://atom.example/a/1", title="Votes counted", date="2017-11-04", outlet="Atom News"),
        Entry(link="https://atom.example/feeds/a/2", title="Only updated", date="2017-11-03", outlet="Atom News"),
        Entry(link=None, title="No link, no date", date=None, outlet="Atom News"),
    ]


def test_relative_links_resolve_against_the_base():
    entries = parse_feed(RSS, "https://old.example/rss", base="https://planet.example/feeds/rss.xml")
    assert entries[2].link == "https://planet.example/news/undated"


def test_a_feed_without_entries_is_fine():
    assert parse_feed("<rss version='2.0'><channel><title>Quiet</title></channel></rss>", RSS_URL) == []
    assert parse_feed('<feed xmlns="http://www.w3.org/2005/Atom"><title>Q</title></feed>', ATOM_URL) == []


def test_an_untitled_feed_has_no_outlet():
    text = "<rss version='2.0'><channel><item><title>A</title><link>https://x.example/a</link></item></channel></rss>"
    assert parse_feed(text, RSS_URL) == [Entry(link="https://x.example/a", title="A", date=None, outlet=None)]


def test_a_declared_encoding_does_not_decode_the_text_twice():
    text = ('<?xml version="1.0" encoding="ISO-8859-1"?><rss version="2.0"><channel><title>Genève Matin</title>'
            "<item><title>Café crème</title><link>https://g.example/1</link></item></channel></rss>")
    [entry] = parse_feed(text, RSS_URL)
    assert (entry.title, entry.outlet) == ("Café crème", "Genève Matin")


def test_a_broken_feed_with_entries_is_read():
    text = ("<rss version='2.0'><channel><title>Sloppy</title><item><title>A</title>"
            "<link>https://s.example/a</link></item><item><title>B</title></rss>")
    assert [e.title for e in parse_feed(text, RSS_URL)] == ["A", "B"]


@pytest.mark.parametrize("text", NOT_FEEDS.values(), ids=NOT_FEEDS.keys())
def test_not_a_feed(text):
    with pytest.raises(IngestError) as info:
        parse_feed(text, RSS_URL)
    assert str(info.value) == f"{RSS_URL}: not an RSS or Atom feed"


def test_feedparser_never_opens_a_file_or_an_address_given_as_text(tmp_path, monkeypatch):
    """Given a string, feedparser opens a file or fetches a URL of that name."""
    feed_file = tmp_path / "feed.xml"
    feed_file.write_text(RSS, encoding="utf-8")
    fetched = []
    monkeypatch.setattr(feedparser.http, "get", lambda *args, **kwargs: fetched.append(args) or b"")
    for text in (str(feed_file), "http://127.0.0.1:9/feed.xml"):
        with pytest.raises(IngestError, match="not an RSS or Atom feed"):
            parse_feed(text, RSS_URL)
    assert fetched == []


# --- read_feed -------------------------------------------------------------------------

def test_read_feed(httpserver):
    httpserver.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/feeds/rss.xml"})
    httpserver.expect_request("/feeds/rss.xml").respond_with_data(RSS, content_type="application/rss+xml")
    entries = read_feed(httpserver.url_for("/old"))
    assert [e.title for e in entries] == ["Storm hits & floods the city", "No link here", "Undated"]
    assert entries[2].link == httpserver.url_for("/news/undated")  # against the address after the redirect


def test_read_atom_feed_served_as_xml(httpserver):
    httpserver.expect_request("/atom").respond_with_data(ATOM.encode(), content_type="application/xml")
    assert [e.date for e in read_feed(httpserver.url_for("/atom"))] == ["2017-11-04", "2017-11-03", None]


def test_read_feed_of_an_html_page(httpserver):
    httpserver.expect_request("/").respond_with_data(NOT_FEEDS["html"], content_type="text/html")
    url = httpserver.url_for("/")
    with pytest.raises(IngestError) as info:
        read_feed(url)
    assert str(info.value) == f"{url}: not an RSS or Atom feed"


def test_read_feed_fetch_errors(httpserver):
    httpserver.expect_request("/gone").respond_with_data("", status=404)
    httpserver.expect_request("/pdf").respond_with_data(b"%PDF-1.7", content_type="application/pdf")
    with pytest.raises(IngestError, match="404 Not Found"):
        read_feed(httpserver.url_for("/gone"))
    with pytest.raises(IngestError, match=r"not a web page \(application/pdf\)"):
        read_feed(httpserver.url_for("/pdf"))
    with pytest.raises(IngestError, match="private or local address"):
        read_feed(f"http://127.0.0.1:{httpserver.port}/feed", allow_private=False)
    with pytest.raises(IngestError, match="only http:// and https://"):
        read_feed("file:///etc/passwd")


# --- FeedList --------------------------------------------------------------------------

@pytest.fixture
def feeds_file(tmp_path):
    return tmp_path / "data" / "sub" / "feeds.json"


def test_a_missing_file_is_an_empty_list(feeds_file):
    assert FeedList(feeds_file).list() == []
    assert FeedList(feeds_file).remove("https://a.example/rss") is False
    assert not feeds_file.exists()


def test_add_list_remove(feeds_file):
    feeds = FeedList(feeds_file)
    assert feeds.add("https://a.example/rss") is True  # the folders are created
    assert feeds.add("http://b.example/atom.xml") is True
    assert feeds.add("https://a.example/rss") is False
    assert feeds.list() == ["https://a.example/rss", "http://b.example/atom.xml"]
    assert FeedList(feeds_file).list() == feeds.list()  # kept in the file
    assert json.loads(feeds_file.read_text(encoding="utf-8")) == {
        "feeds": ["https://a.example/rss", "http://b.example/atom.xml"]}
    assert feeds.remove("https://a.example/rss") is True
    assert feeds.remove("https://a.example/rss") is False
    assert FeedList(feeds_file).list() == ["http://b.example/atom.xml"]


def test_feeds_added_at_the_same_time_all_land(feeds_file):
    """Two `qa feed add` at once: each reads and writes the list under a lock, so neither
    writes over the other's feed."""
    from concurrent.futures import ThreadPoolExecutor

    urls = [f"https://n{i}.example/rss" for i in range(24)]
    with ThreadPoolExecutor(8) as pool:  # each call opens its own lock: as separate processes do
        assert all(pool.map(lambda url: FeedList(feeds_file).add(url), urls))
    assert sorted(FeedList(feeds_file).list()) == sorted(urls)
    with ThreadPoolExecutor(8) as pool:
        assert all(pool.map(lambda url: FeedList(feeds_file).remove(url), urls[::2]))
    assert sorted(FeedList(feeds_file).list()) == sorted(urls[1::2])


@pytest.mark.parametrize("url", ["ftp://x.example/feed", "file:///etc/passwd", "feeds/rss.xml", "https://",
                                 "javascript:alert(1)", "https://a.example/a feed", "https://a.example/\nx"])
def test_add_refuses_what_is_not_a_web_address(feeds_file, url):
    with pytest.raises(InputError) as info:
        FeedList(feeds_file).add(url)
    assert "\n" not in str(info.value)
    assert not feeds_file.exists()


def test_the_file_is_private_to_the_user(feeds_file):
    feeds_file.parent.mkdir(parents=True)
    feeds_file.write_text('{"feeds": []}', encoding="utf-8")
    feeds_file.chmod(0o644)
    FeedList(feeds_file).add("https://a.example/rss")
    assert stat.S_IMODE(feeds_file.stat().st_mode) == 0o600


def test_writes_are_atomic(feeds_file, monkeypatch):
    feeds = FeedList(feeds_file)
    feeds.add("https://a.example/rss")
    before = feeds_file.read_bytes()

    def failing_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(ConfigError, match="cannot be written .No space left on device."):
        feeds.add("https://b.example/rss")
    assert feeds_file.read_bytes() == before  # the old list, whole
    assert sorted(p.name for p in feeds_file.parent.iterdir()) == [".feeds.json.lock", "feeds.json"]  # no temporary file


@pytest.mark.parametrize("content", ["{not json", '["https://a.example/rss"]', '{"feeds": [1, 2]}', '{"feeds": null}'],
                         ids=["not json", "a bare list", "not strings", "null"])
def test_a_corrupt_file(feeds_file, content):
    feeds_file.parent.mkdir(parents=True)
    feeds_file.write_text(content, encoding="utf-8")
    feeds = FeedList(feeds_file)
    for call in (feeds.list, lambda: feeds.add("https://a.example/rss"), lambda: feeds.remove("https://a.example/rss")):
        with pytest.raises(ConfigError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"{feeds_file}: the feed list")
        assert message.endswith("fix it or delete it")
        assert "\n" not in message
    assert feeds_file.read_text(encoding="utf-8") == content  # left for the user to fix


def test_a_file_that_is_not_utf8(feeds_file):
    feeds_file.parent.mkdir(parents=True)
    feeds_file.write_bytes(b'{"feeds": ["\xff"]}')
    with pytest.raises(ConfigError, match="cannot be read .not UTF-8 text.; fix it or delete it"):
        FeedList(feeds_file).list()
