"""Reliability on the real stack: a Chroma server, SIGKILLed and concurrent ingests.

Real `qa` processes, the real MiniLM embedder and real Chroma stores (embedded and
`chroma run` on loopback, which works offline)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from evals.bench.corpus import write_ingest_corpus
from qa.articles.ingest import seeds_dir
from qa.index.store import Store
from qa.models.embed import MODEL_ID
from tests.store_checks import assert_store_consistent

pytestmark = pytest.mark.integration
QA = [sys.executable, "-m", "qa.cli"]


def _env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_CHROMA")}
    return {**env, "QA_DATA_DIR": str(data), **extra}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    """A real `chroma run` on 127.0.0.1 with its own folder."""
    port = _free_port()
    chroma = Path(sys.executable).parent / "chroma"
    log = open(tmp_path / "chroma.log", "wb")
    proc = subprocess.Popen([str(chroma), "run", "--path", str(tmp_path / "chroma-server"),
                             "--host", "127.0.0.1", "--port", str(port)], stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "chroma.log").read_text()
                time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_ingest_and_ask_through_a_chroma_server(tmp_path, chroma_server):
    env = _env(tmp_path / "data", QA_CHROMA_HOST="127.0.0.1", QA_CHROMA_PORT=str(chroma_server))
    ingest = subprocess.run([*QA, "ingest", "--json"], capture_output=True, text=True, env=env, timeout=600)
    assert ingest.returncode == 0, ingest.stderr
    assert json.loads(ingest.stdout)["added"] == 5
    assert not (tmp_path / "data" / "chroma").exists()  # nothing went to the embedded store
    server_store = Store(None, collection="articles", model_id=MODEL_ID, host="127.0.0.1", port=chroma_server)
    assert_store_consistent(server_store, sorted(p for p in seeds_dir().iterdir() if p.is_file()))

    status = subprocess.run([*QA, "status", "--json"], capture_output=True, text=True, env=env, timeout=300)
    assert json.loads(status.stdout)["store"] == f"chroma server http://127.0.0.1:{chroma_server}"
    ask = subprocess.run([*QA, "ask", "--json", "How far is Qaim from Baghdad?"], capture_output=True, text=True,
                         env=env, timeout=900)
    assert ask.returncode == 0, ask.stderr
    answer = json.loads(ask.stdout)
    assert "320" in answer["answer"] and answer["citations"], answer


def test_a_chroma_server_that_is_down_is_one_clear_line(tmp_path):
    env = _env(tmp_path / "data", QA_CHROMA_HOST="127.0.0.1", QA_CHROMA_PORT=str(_free_port()))
    proc = subprocess.run([*QA, "status"], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 1
    assert proc.stderr.strip().count("\n") == 0 and "Traceback" not in proc.stderr
    assert "is `chroma run` running there? (check QA_CHROMA_HOST and QA_CHROMA_PORT)" in proc.stderr


def _kill_when(proc: subprocess.Popen, ready, timeout: float = 300) -> bool:
    """SIGKILL `proc` as soon as `ready()` holds; False if it ended first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if ready():
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            return True
        assert time.monotonic() < deadline
        time.sleep(0.02)
    return False


def test_sigkill_at_several_points_then_a_rerun_completes_the_store(tmp_path):
    corpus = write_ingest_corpus(tmp_path / "corpus")  # 105 real articles, about 1,000 passages
    files = sorted(p.resolve() for p in corpus.iterdir())
    env = _env(tmp_path / "data")
    store_dir = tmp_path / "data" / "chroma"

    def run():
        return subprocess.Popen([*QA, "ingest", str(corpus)], env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)

    def count() -> int:
        try:
            return Store(store_dir, collection="articles", model_id=MODEL_ID).count()
        except Exception:  # not created yet
            return 0

    started = time.monotonic()
    points = [
        lambda: time.monotonic() - started > 2,  # during start-up, before any write
        lambda: count() > 0,  # right after the first write
        lambda: count() > 500,  # half-way
        lambda: count() > 900,  # near the end
    ]
    killed = 0
    for ready in points:
        started = time.monotonic()
        killed += _kill_when(run(), ready)
    assert killed >= 3, "the ingest finished before most kill points: make the corpus larger"

    # replacing every article, killed half-way through its writes
    for f in files:
        f.write_text(f.read_text(encoding="utf-8") + "\nA later paragraph says talks resumed in Geneva.\n",
                     encoding="utf-8")
    before = count()
    proc = run()
    # a write goes in as one upsert and its stale versions go right after: kill once a
    # write has landed, so some articles are replaced and the others are not
    assert _kill_when(proc, lambda: count() != before), "the replacing ingest ended before it was killed"

    final = subprocess.run([*QA, "ingest", "--json", str(corpus)], capture_output=True, text=True, env=env,
                           timeout=900)
    assert final.returncode == 0, final.stderr
    assert_store_consistent(Store(store_dir, collection="articles", model_id=MODEL_ID), files)
    again = json.loads(subprocess.run([*QA, "ingest", "--json", str(corpus)], capture_output=True, text=True,
                                      env=env, timeout=900).stdout)
    assert (again["added"], again["updated"], again["repaired"]) == (0, 0, 0)


def test_a_second_ingest_is_refused_and_questions_go_on_during_an_ingest(tmp_path):
    corpus = write_ingest_corpus(tmp_path / "corpus")
    env = _env(tmp_path / "data")
    seeded = subprocess.run([*QA, "ingest"], capture_output=True, text=True, env=env, timeout=600)
    assert seeded.returncode == 0, seeded.stderr
    store = Store(tmp_path / "data" / "chroma", collection="articles", model_id=MODEL_ID)
    from qa.runtime import default_embedder

    vector = default_embedder().encode(["How far is Qaim from Baghdad?"])[0]
    first = subprocess.Popen([*QA, "ingest", str(corpus)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
    start = store.count()
    while store.count() == start and first.poll() is None:
        time.sleep(0.05)
    second = subprocess.run([*QA, "ingest", str(corpus)], capture_output=True, text=True, env=env, timeout=600)
    answers = 0
    while first.poll() is None:  # reads during the writes see a whole store
        top = store.query(vector, 5)
        assert any("320" in p.text for p in top)
        answers += 1
    assert first.wait() == 0, first.stderr.read()
    assert second.returncode == 1
    assert "another ingest (pid" in second.stderr and second.stderr.strip().count("\n") == 0, second.stderr
    assert answers > 0
    seeds = [p for p in seeds_dir().iterdir() if p.is_file()]
    assert_store_consistent(store, sorted(p.resolve() for p in [*seeds, *corpus.iterdir()]))
