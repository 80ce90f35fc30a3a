"""Bad input gets one clear line and loses nothing: files, folders, paths, stores."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path

import pytest

from qa.articles.ingest import ingest
from qa.articles.loaders import find_files, load_article
from qa.errors import IngestError, InputError
from qa.index.store import Store
from tests.test_cli import run

GOOD = "A proper headline for a story\n\nThe dam on the river was finished in May.\n"


def _one_line(stderr: str) -> bool:
    return "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1


def test_binary_without_nul_bytes_is_refused(tmp_path):
    noise = bytes(b for b in os.urandom(20_000) if b not in (0, 0x81, 0x8D, 0x8F, 0x90, 0x9D))
    (tmp_path / "photo.txt").write_bytes(noise)
    with pytest.raises(IngestError, match="binary file, not an article"):
        load_article(tmp_path / "photo.txt")


def test_windows_1252_text_is_read_and_undecodable_text_is_refused(tmp_path):
    (tmp_path / "old.txt").write_bytes("An archive headline from 1999\n\nThe café said “yes” to the council.\n"
                                      .encode("cp1252"))
    assert "café said “yes”" in load_article(tmp_path / "old.txt").text
    (tmp_path / "bad.txt").write_bytes(b"Headline\n\n\x81\x8d\x90 not text")
    with pytest.raises(IngestError, match="not UTF-8 text .*convert it to UTF-8"):
        load_article(tmp_path / "bad.txt")


def test_utf16_text_with_its_mark_is_read_not_called_binary(tmp_path):
    (tmp_path / "notepad.txt").write_bytes("A headline from Notepad\n\nThe café reopened on Monday.\n".encode("utf-16"))
    assert "café reopened on Monday" in load_article(tmp_path / "notepad.txt").text
    (tmp_path / "cut.txt").write_bytes(codecs.BOM_UTF16_LE + b"A\x00B")  # an odd number of bytes
    with pytest.raises(IngestError, match="not UTF-16 text"):
        load_article(tmp_path / "cut.txt")


def test_an_unreadable_file_is_reported_and_the_others_kept(tmp_path, store, fake_embedder, monkeypatch):
    (tmp_path / "good.txt").write_text(GOOD)
    locked = tmp_path / "locked.txt"
    locked.write_text(GOOD.replace("dam", "bridge"))
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: make the read fail as it would for a user
        real = Path.open
        monkeypatch.setattr(Path, "open", lambda self, *a, **k: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied")) if self == locked else real(self, *a, **k))
    report = ingest([tmp_path], store=store, embedder=fake_embedder)
    assert report.added == 1
    assert report.failed == [(str(locked.resolve()), f"{locked.resolve()}: cannot read (Permission denied)")]


def test_an_unreadable_folder_is_reported_not_skipped_in_silence(tmp_path, store, fake_embedder, monkeypatch):
    (tmp_path / "good.txt").write_text(GOOD)
    locked = tmp_path / "locked"
    locked.mkdir()
    (locked / "lost.txt").write_text(GOOD.replace("dam", "bridge"))
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything: make the listing fail as it would for a user
        real = os.scandir
        monkeypatch.setattr(os, "scandir", lambda p=".": (_ for _ in ()).throw(
            PermissionError(13, "Permission denied", str(p))) if Path(p) == locked else real(p))
    try:
        report = ingest([tmp_path], store=store, embedder=fake_embedder)
    finally:
        locked.chmod(0o700)
    assert report.added == 1
    assert report.failed == [(str(locked), f"{locked}: cannot read this folder (Permission denied); "
                                           "its articles were not ingested")]


def test_a_folder_without_articles_is_reported(tmp_path, store, fake_embedder):
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    (empty / "notes.pdf").write_bytes(b"%PDF-1.4")
    report = ingest([empty], store=store, embedder=fake_embedder)
    assert report.failed == [(str(empty), f"{empty}: no .txt, .md or .html files in this folder")]
    proc = run("ingest", str(empty), env={"QA_DATA_DIR": str(tmp_path / "cli-data")})  # the real embedder's store
    assert proc.returncode == 1, proc.stderr
    assert "no .txt, .md or .html files in this folder" in proc.stderr


def test_a_file_that_breaks_the_parser_is_skipped_and_the_others_kept(tmp_path, store, fake_embedder, monkeypatch):
    import qa.articles.ingest

    (tmp_path / "good.txt").write_text(GOOD)
    (tmp_path / "odd.html").write_text("<html><body><p>anything</p></body></html>")
    real = qa.articles.ingest.load_article

    def load(path):
        if path.suffix == ".html":
            raise ValueError("the parser\nchoked")  # what a third-party parser may raise
        return real(path)

    monkeypatch.setattr(qa.articles.ingest, "load_article", load)
    report = ingest([tmp_path], store=store, embedder=fake_embedder)
    assert report.added == 1
    [(path, message)] = report.failed
    assert path.endswith("odd.html") and "could not be read as an article (ValueError: the parser" in message


def test_a_huge_file_is_refused_without_reading_it_whole(tmp_path):
    import tracemalloc

    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:  # 1 GiB, sparse: no disk used
        f.truncate(2**30)
    tracemalloc.start()
    try:
        with pytest.raises(IngestError, match="larger than 20 MiB, not an article"):
            load_article(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 64 * 2**20  # it read the limit and one byte, not the file


def test_symlink_loops_neither_hang_nor_crash(tmp_path, store, fake_embedder):
    folder = tmp_path / "articles"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "a.txt").write_text(GOOD)
    (folder / "sub" / "up").symlink_to(folder)  # a loop through a folder link
    (folder / "self.txt").symlink_to(folder / "self.txt")  # a link to itself
    assert find_files([folder]) == [(folder / "sub" / "a.txt").resolve()]
    assert ingest([folder], store=store, embedder=fake_embedder).added == 1
    with pytest.raises(InputError, match="symlink loop"):
        find_files([folder / "self.txt"])


def test_a_folder_of_10000_files_is_ingested_with_progress(tmp_path, store, fake_embedder):
    folder = tmp_path / "many"
    for i in range(100):
        (folder / f"d{i:02d}").mkdir(parents=True)
        for j in range(100):
            (folder / f"d{i:02d}" / f"n{j:02d}.txt").write_text(
                f"Council note {i}-{j} on local roads\n\nRoad {i} was repaired in week {j} by crew {i * j}.\n")
    calls: list[tuple[int, int]] = []
    report = ingest([folder], store=store, embedder=fake_embedder,
                    progress=lambda done, total, path: calls.append((done, total)))
    assert (report.files, report.added, report.failed) == (10_000, 10_000, [])
    assert len(calls) == 10_001 and calls[-1] == (10_000, 10_000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert len(store.documents()) == 10_000


def test_a_symlink_loop_as_the_argument_is_one_line(tmp_path):
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    proc = run("ingest", str(tmp_path / "loop"))
    assert proc.returncode == 2 and _one_line(proc.stderr)
    assert "symlink loop" in proc.stderr


def test_a_corrupted_store_is_one_line_and_is_not_overwritten(tmp_path):
    env = {"QA_DATA_DIR": str(tmp_path / "data")}
    (tmp_path / "a.txt").write_text(GOOD)
    assert run("ingest", str(tmp_path / "a.txt"), env=env).returncode == 0
    db = tmp_path / "data" / "chroma" / "chroma.sqlite3"
    db.write_bytes(b"not a database" * 100)
    for args in (("status",), ("ask", "When was the dam finished?"), ("ingest", str(tmp_path / "a.txt"))):
        proc = run(*args, env=env)
        assert proc.returncode == 1 and _one_line(proc.stderr), proc.stderr
        assert "cannot open the store" in proc.stderr and "move it aside and run `qa ingest` again" in proc.stderr
    assert db.read_bytes() == b"not a database" * 100  # left for the user to inspect


def test_a_store_of_another_embedding_model_says_to_rebuild(tmp_path):
    env = {"QA_DATA_DIR": str(tmp_path / "data")}
    Store(tmp_path / "data" / "chroma", collection="articles", model_id="other/model")
    proc = run("ask", "When was the dam finished?", env=env)
    assert proc.returncode == 1 and _one_line(proc.stderr), proc.stderr
    assert "built with the embedding model 'other/model'" in proc.stderr and "qa ingest --rebuild" in proc.stderr


def test_the_data_dir_is_readable_by_the_user_only(tmp_path):
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    (tmp_path / "a.txt").write_text(GOOD)
    assert run("ingest", str(tmp_path / "a.txt"), env={"QA_DATA_DIR": str(data)}).returncode == 0
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    files = [p for p in data.rglob("*")]
    assert files and all(stat.S_IMODE(p.stat().st_mode) & 0o077 == 0 for p in files), [
        (p.name, oct(p.stat().st_mode)) for p in files if p.stat().st_mode & 0o077]
