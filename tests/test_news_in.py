"""News in from where it lives: web pages, feeds and watched folders, with their outlet,
date and address carried to the citations. Every page is served by a local HTTP server
(pytest-httpserver on 127.0.0.1): nothing reaches the internet."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from qa.articles.ingest import WebPage, ingest, split_arguments
from qa.articles.watch import FolderWatcher
from qa.errors import InputError
from tests.fakes import FakeLLM
from tests.test_untrusted import assert_clean, cli  # noqa: F401  (the in-process CLI fixture)

GAZETTE = "The Valley Gazette"


def article_html(title: str, body: list[str], *, published: str | None = "2017-11-03", canonical: str | None = None,
                 site: str | None = GAZETTE) -> str:
    meta = [f'<meta property="og:title" content="{title}">']
    if site:
        meta.append(f'<meta property="og:site_name" content="{site}">')
    if published:
        meta.append(f'<meta property="article:published_time" content="{published}T08:00:00Z">')
    if canonical:
        meta.append(f'<link rel="canonical" href="{canonical}">')
    paragraphs = "\n".join(f"<p>{p}</p>" for p in body)
    return (f"<html><head><title>{title}</title>{''.join(meta)}</head><body>"
            f"<nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{title}</h1>{paragraphs}</article>"
            f"<footer>Copyright {site or 'someone'}</footer></body></html>")


FLOOD = [
    "The river Elm burst its banks on Friday and flooded the valley town of Elmsford, the mayor said.",
    "About 300 homes were evacuated overnight, and the town hall was turned into a shelter for families.",
    "Engineers said the water would recede within a week if the rain stopped on Saturday as forecast.",
]
BRIDGE = [
    "The old stone bridge of Elmsford reopened on Monday after the flood waters receded from the town.",
    "Inspectors found no damage to its arches, the county engineer Maria Lopez told reporters at the site.",
    "Traffic will be limited to cars until the approach road is repaired later this month, she said.",
]


def rss(base: str, *, extra: str = "") -> str:
    return f"""<?xml version="1.0"?>
<rss version="2.0"><channel><title>{GAZETTE}</title><link>{base}/</link>
<item><title>Flood hits Elmsford</title><link>{base}/flood.html</link><pubDate>Fri, 03 Nov 2017 08:00:00 GMT</pubDate></item>
<item><title>Elmsford bridge reopens</title><link>{base}/bridge.html</link><pubDate>Mon, 06 Nov 2017 09:00:00 GMT</pubDate></item>
<item><title>An entry without a link</title></item>
{extra}
</channel></rss>"""


@pytest.fixture
def site(httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/flood.html").respond_with_data(
        article_html("Flood hits Elmsford", FLOOD, published="2017-11-03"), content_type="text/html")
    httpserver.expect_request("/bridge.html").respond_with_data(
        article_html("Elmsford bridge reopens", BRIDGE, published="2017-11-06", canonical=f"{base}/bridge.html"),
        content_type="text/html")
    httpserver.expect_request("/feed.xml").respond_with_data(rss(base), content_type="application/rss+xml")
    httpserver.expect_request("/missing.html").respond_with_data("gone", status=404)
    httpserver.expect_request("/login.html").respond_with_data(
        "<html><body><form>Please log in to continue.</form></body></html>", content_type="text/html")
    httpserver.expect_request("/report.pdf").respond_with_data(b"%PDF-1.4", content_type="application/pdf")
    httpserver.expect_request("/not-a-feed.xml").respond_with_data("<html><body>hello</body></html>",
                                                                   content_type="text/html")
    return base


def hits(httpserver, path: str) -> int:
    return sum(1 for request, _ in httpserver.log if request.path == path)


# --- pages --------------------------------------------------------------------------


def test_a_page_is_stored_with_its_outlet_date_and_address_and_updated_in_place(site, store, fake_embedder, httpserver):
    report = ingest([WebPage(f"{site}/flood.html")], store=store, embedder=fake_embedder)
    assert (report.added, report.failed) == (1, [])
    (doc,) = store.documents().values()
    assert (doc.source, doc.date, doc.url) == (GAZETTE, "2017-11-03", f"{site}/flood.html")
    assert doc.title == "Flood hits Elmsford"
    again = ingest([WebPage(f"{site}/flood.html")], store=store, embedder=fake_embedder)
    assert (again.added, again.updated, again.skipped) == (0, 0, 1)
    httpserver.clear()  # the page changes: the same address updates the same document
    httpserver.expect_request("/flood.html").respond_with_data(
        article_html("Flood hits Elmsford", [*FLOOD, "By Sunday 200 families had gone home, the mayor said."]),
        content_type="text/html")
    changed = ingest([WebPage(f"{site}/flood.html")], store=store, embedder=fake_embedder)
    assert (changed.added, changed.updated) == (0, 1)
    (doc,) = store.documents().values()
    assert any("200 families" in t for t in store.collection.get(where={"doc_id": doc.doc_id})["documents"])


def test_files_and_pages_mix_on_one_command_line(site, cli, tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "note.txt").write_text("Council notes\n\nThe council met on Tuesday to plan the flood repairs in Elmsford.\n")
    result = cli("ingest", str(folder), f"{site}/bridge.html", "--json")
    assert result.code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["added"], report["failed"]) == (2, [])
    status = json.loads(cli("status", "--json", "--documents").stdout)
    urls = {d["url"] for d in status["document_list"]}
    assert f"{site}/bridge.html" in urls and None in urls
    assert {"outlet": GAZETTE, "documents": 1, "first": "2017-11-06", "last": "2017-11-06", "undated": 0} \
        in status["outlets"]


@pytest.mark.parametrize(("path", "reason"), [
    ("/missing.html", "404"),
    ("/login.html", "not an article"),
    ("/report.pdf", "not a web page (application/pdf)"),
])
def test_a_page_that_is_not_an_article_is_one_line_and_nothing_is_stored(site, cli, path, reason):
    result = cli("ingest", f"{site}{path}")
    assert result.code == 1
    assert reason in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert_clean(result)
    assert json.loads(cli("status", "--json").stdout)["documents"] == 0


@pytest.mark.parametrize("arg", ["file:///etc/passwd", "ftp://example.org/news.txt", "javascript://x"])
def test_other_schemes_are_refused_before_anything_is_read(arg, cli):
    result = cli("ingest", arg)
    assert result.code == 2 and "only http:// and https:// links" in result.stderr
    assert_clean(result)
    with pytest.raises(InputError):
        split_arguments([arg])


# --- feeds --------------------------------------------------------------------------


def test_feed_add_refresh_then_ask_with_a_date_filter_cites_outlet_date_and_address(site, cli, httpserver):
    assert cli("feed", "add", f"{site}/feed.xml").code == 0
    assert "already following" in cli("feed", "add", f"{site}/feed.xml").stdout
    assert json.loads(cli("feed", "list", "--json").stdout) == [f"{site}/feed.xml"]
    first = cli("feed", "refresh", "--json")
    assert first.code == 0, first.output
    report = json.loads(first.stdout)
    assert report["pages"]["added"] == 2 and report["entries_without_link"] == 1
    fetched = hits(httpserver, "/flood.html")
    second = json.loads(cli("feed", "refresh", "--json").stdout)
    assert second["pages"]["added"] == 0 and second["pages"]["skipped"] == 2
    assert hits(httpserver, "/flood.html") == fetched  # stored entries are not fetched again

    llm = FakeLLM("The old stone bridge of Elmsford reopened on Monday [1].")
    result = cli("ask", "--since", "2017-11-04", "--json", "When did the bridge of Elmsford reopen?", llm=llm)
    assert result.code == 0, result.output
    answer = json.loads(result.stdout)
    assert not answer["refused"], answer
    (citation,) = answer["citations"]
    assert (citation["source"], citation["date"], citation["url"]) == (GAZETTE, "2017-11-06", f"{site}/bridge.html")
    assert all(p["date"] >= "2017-11-04" for p in answer["passages"])  # the flood of the 3rd is filtered out
    assert cli("feed", "remove", f"{site}/feed.xml").code == 0
    assert json.loads(cli("feed", "list", "--json").stdout) == []


def test_a_broken_feed_or_entry_is_reported_and_the_others_are_read(site, cli, httpserver):
    base = site
    httpserver.expect_request("/feed2.xml").respond_with_data(
        rss(base, extra=f"<item><title>Gone</title><link>{base}/missing.html</link></item>"),
        content_type="application/rss+xml")
    cli("feed", "add", f"{base}/not-a-feed.xml", f"{base}/feed2.xml")
    result = cli("feed", "refresh")
    assert result.code == 1  # a feed could not be read
    assert "not an RSS or Atom feed" in result.stderr and "404" in result.stderr
    assert "1 of 2 feeds read" in result.stdout
    assert json.loads(cli("status", "--json").stdout)["documents"] == 2
    assert_clean(result)


def test_a_filter_that_matches_nothing_is_one_line(site, cli):
    cli("ingest", f"{site}/flood.html")
    result = cli("ask", "--source", "Reuters", "What flooded?", llm=FakeLLM())
    assert result.code == 2 and f"outlets in the store: {GAZETTE}" in result.stderr
    result = cli("ask", "--until", "2016", "What flooded?", llm=FakeLLM())
    assert result.code == 2 and "no article matches the filter (until 2016-12-31)" in result.stderr
    assert_clean(result)


# --- watched folders -----------------------------------------------------------------


def test_a_watched_folder_ingests_settled_files_and_forgets_deleted_ones(tmp_path, store, fake_embedder):
    folder = tmp_path / "inbox"
    folder.mkdir()
    ingested: list[list[str]] = []

    def ingest_files(files):
        ingested.append([f.name for f in files])
        return ingest(files, store=store, embedder=fake_embedder)

    watcher = FolderWatcher([folder], store=store, ingest_files=ingest_files, settle=1.0)
    note = folder / "note.txt"
    note.write_text("Council notes\n\nThe council met on Tuesday to plan the flood repairs.\n")
    watcher.changed([(None, str(note))])
    now = time.time()
    assert watcher.ready(now).ingested is None  # first look: noted, not ingested
    assert watcher.ready(now + 0.2).ingested is None  # unchanged but written under a second ago
    with note.open("a") as f:  # still being written
        f.write("The repairs will cost 2 million dollars, the treasurer said.\n")
    assert watcher.ready(now + 5).ingested is None  # changed since the last look: wait again
    old = now - 10
    os.utime(note, (old, old))
    watcher.ready(now + 5)  # sees the new mtime
    event = watcher.ready(now + 6)
    assert event.ingested is not None and event.ingested.added == 1
    assert ingested == [["note.txt"]]
    assert any("2 million dollars" in t for t in store.collection.get()["documents"])  # the whole file
    note.unlink()
    watcher.changed([(None, str(note))])
    assert watcher.ready().removed == [str(note.resolve())]
    assert store.documents() == {}


def test_a_file_copied_then_deleted_keeps_its_article(tmp_path, store, fake_embedder):
    """A move across disks is a copy and a delete: the copy repeated the stored file, so it
    was skipped, and it must take the article over when the original goes."""
    folder = tmp_path / "inbox"
    (folder / "archive").mkdir(parents=True)
    watcher = FolderWatcher([folder], store=store, settle=0.0,
                            ingest_files=lambda files: ingest(files, store=store, embedder=fake_embedder))
    original, copy = folder / "note.txt", folder / "archive" / "note.txt"
    original.write_text("Council notes\n\nThe council met on Tuesday to plan the flood repairs.\n")
    watcher.catch_up()
    copy.write_bytes(original.read_bytes())
    watcher.changed([(None, str(copy))])
    watcher.ready(time.time() + 5)
    assert watcher.ready(time.time() + 10).ingested.skipped == 1  # the same article: not stored twice
    original.unlink()
    watcher.changed([(None, str(original))])
    event = watcher.ready(time.time() + 15)
    assert event.removed == [str(original.resolve())] and event.ingested.added == 1
    assert [d.path for d in store.documents().values()] == [str(copy.resolve())]


def _caught_up_watcher(tmp_path, store, fake_embedder) -> tuple[Path, FolderWatcher]:
    """A watcher of a folder holding one article, caught up with it."""
    folder = tmp_path / "inbox"
    folder.mkdir()
    (folder / "a.txt").write_text("Roads\n\nThe road to Elmsford reopened on Monday after repairs.\n")
    watcher = FolderWatcher([folder], store=store, settle=0.2,
                            ingest_files=lambda files: ingest(files, store=store, embedder=fake_embedder))
    assert watcher.catch_up().ingested.added == 1
    return folder, watcher


def _watch_until(watcher: FolderWatcher, done, then=None) -> list:
    """Run the watcher in a thread (calling `then` once it has started) until `done()` or
    20 s; stop it, and return what it reported."""
    import threading

    events, stop = [], threading.Event()
    thread = threading.Thread(target=watcher.run, args=(events.append, stop), daemon=True)
    thread.start()
    if then:
        time.sleep(0.5)
        then()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not done():
        time.sleep(0.1)
    stop.set()
    thread.join(10)
    assert not thread.is_alive()
    return events


def test_watching_catches_up_and_runs_until_stopped(tmp_path, store, fake_embedder):
    folder, watcher = _caught_up_watcher(tmp_path, store, fake_embedder)
    events = _watch_until(watcher, lambda: len(store.documents()) == 2, then=lambda: (folder / "b.txt").write_text(
        "Schools\n\nSchools in Elmsford reopened on Wednesday after the flood.\n"))
    assert len(store.documents()) == 2 and events


def test_a_file_saved_between_the_catch_up_and_the_watch_is_not_missed(tmp_path, store, fake_embedder):
    """The watch sees only what happens once it has started: what changed since the
    catch-up (a file saved, one deleted) is looked at when it starts."""
    folder, watcher = _caught_up_watcher(tmp_path, store, fake_embedder)
    (folder / "b.txt").write_text("Schools\n\nSchools in Elmsford reopened on Wednesday after the flood.\n")
    (folder / "a.txt").unlink()

    def names() -> list[str]:
        return [Path(d.path).name for d in store.documents().values()]

    _watch_until(watcher, lambda: names() == ["b.txt"])
    assert names() == ["b.txt"]


def test_pages_are_fetched_several_at_once_and_stored_in_order(store, fake_embedder):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    lock, state = threading.Lock(), {"now": 0, "most": 0}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            with lock:
                state["now"] += 1
                state["most"] = max(state["most"], state["now"])
            time.sleep(0.3)  # a slow site: the fetches overlap or they do not
            n = self.path.strip("/").split(".")[0]
            body = article_html(f"Story number {n}", [f"{s} Story {n}." for s in FLOOD]).encode()
            with lock:
                state["now"] -= 1
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        seen: list[str | None] = []
        report = ingest([WebPage(f"{base}/{n}.html") for n in range(8)], store=store, embedder=fake_embedder,
                        progress=lambda done, total, name: seen.append(name))
    finally:
        server.shutdown()
        server.server_close()
    assert (report.added, report.failed) == (8, [])
    assert state["most"] >= 2  # not one by one
    assert seen == [f"{base}/{n}.html" for n in range(8)] + [None]  # reported in the order given


def test_qa_watch_ingests_a_new_file_and_stops_on_ctrl_c(tmp_path):
    import signal
    import subprocess
    import sys

    folder = tmp_path / "inbox"
    folder.mkdir()
    env = {**os.environ, "QA_DATA_DIR": str(tmp_path / "data")}
    # Ctrl+C as a terminal sends it: a test runner started in the background (`cmd &` in a
    # script) has SIGINT ignored, and Python keeps an ignored SIGINT ignored in its children
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "watch", str(folder)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 120
        while "watching" not in (line := proc.stderr.readline()):  # said once the catch-up is done
            assert line, "qa watch ended before it watched"
        note = folder / "note.txt"
        note.write_text("Council notes\n\nThe council met on Tuesday to plan the flood repairs.\n")
        documents, looks = 0, 0
        while time.monotonic() < deadline and documents == 0:
            time.sleep(1)
            looks += 1
            if looks % 5 == 0:  # written before the file watcher was up: a new change for it to see
                os.utime(note)
            status = subprocess.run([sys.executable, "-m", "qa.cli", "status", "--json"], env=env,
                                    capture_output=True, text=True, timeout=120)
            documents = json.loads(status.stdout)["documents"] if status.returncode == 0 else 0
        assert documents == 1
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "1 added" in out and "stopped watching" in err and "Traceback" not in err


def test_qa_watch_stops_on_sigterm_as_a_service_manager_sends_it(tmp_path):
    import signal
    import subprocess
    import sys

    folder = tmp_path / "inbox"
    folder.mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "watch", str(folder)], text=True,
                            env={**os.environ, "QA_DATA_DIR": str(tmp_path / "data")},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    try:
        while "watching" not in (line := proc.stderr.readline()):
            assert line, "qa watch ended before it watched"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0 and "stopped watching" in err


def test_a_folder_moved_in_or_out_of_a_watched_one_is_ingested_or_forgotten(tmp_path, store, fake_embedder):
    folder, outside = tmp_path / "inbox", tmp_path / "elsewhere"
    (outside / "batch").mkdir(parents=True)
    folder.mkdir()
    for n in range(3):
        (outside / "batch" / f"n{n}.txt").write_text(f"Notes {n}\n\nThe council met on day {n} to plan repairs.\n")
    watcher = FolderWatcher([folder], store=store, settle=0.0,
                            ingest_files=lambda files: ingest(files, store=store, embedder=fake_embedder))
    (outside / "batch").rename(folder / "batch")
    watcher.changed([(None, str(folder / "batch"))])  # one event for the folder, none for its files
    watcher.ready(time.time() + 5)
    event = watcher.ready(time.time() + 10)
    assert event.ingested is not None and event.ingested.added == 3
    (folder / "batch").rename(outside / "batch")
    watcher.changed([(None, str(folder / "batch"))])
    assert len(watcher.ready().removed) == 3 and store.documents() == {}


def test_qa_serve_watch_refuses_a_missing_folder_before_starting_the_model(tmp_path):
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "qa.cli", "serve", "--watch", str(tmp_path / "gone")],
                          capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
                          env={**os.environ, "QA_DATA_DIR": str(tmp_path / "data")})
    assert proc.returncode == 2 and proc.stderr.strip() == f"error: {tmp_path / 'gone'}: not a folder (--watch takes folders)"
