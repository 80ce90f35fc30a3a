"""The background model server (QA_KEEP_ALIVE): durations, the start lock, `qa stop` and
`qa status` (no model needed: a stand-in HTTP server answers `/v1/models`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import pytest
from typer.testing import CliRunner

from qa.cli import app
from qa.models.announcement import server_file, shared_server
from qa.models.background import last_used, start_lock, stop_announced, touch_used
from qa.models.embedded import EmbeddedChat, EmbeddedServer
from qa.models.model_file import MODEL_NAME
from qa.settings import Settings, parse_keep_alive
from tests.test_shared_server import _stand_in


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", keep_alive="5m")


@pytest.fixture
def stand_in():
    server = _stand_in(MODEL_NAME)
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


@pytest.mark.parametrize(("text", "seconds"), [
    ("5m", 300), ("90s", 90), ("1h30m", 5400), ("300", 300), ("1.5m", 90), ("0", 0), ("-1", None), ("-5m", None),
])
def test_keep_alive_takes_durations_as_ollama_does(text, seconds):
    if text == "-5m":  # a negative duration with a unit is not a number: refused, not read as "forever"
        with pytest.raises(ValueError):
            parse_keep_alive(text)
        return
    assert parse_keep_alive(text) == seconds


@pytest.mark.parametrize("text", ["", "m", "5 m", "5x", "5m5", "five minutes"])
def test_a_keep_alive_that_is_not_a_duration_is_refused_with_the_forms_it_takes(text, monkeypatch):
    monkeypatch.setenv("QA_KEEP_ALIVE", text)
    result = CliRunner().invoke(app, ["status"])
    assert result.exit_code == 1
    assert "QA_KEEP_ALIVE" in str(result.exception) and "5m" in str(result.exception)


_ANNOUNCER = """
import os, signal, sys, time
from qa.models.announcement import announce, withdraw
from qa.settings import Settings, parse_keep_alive
settings = Settings(data_dir=sys.argv[1], cache_dir=sys.argv[2])
stop = []
signal.signal(signal.SIGTERM, lambda *a: stop.append(1))
announce(settings, sys.argv[3], os.getpid(), kind=sys.argv[4], keep_alive=300.0)
print("announced", flush=True)
while not stop:
    time.sleep(0.05)
withdraw(settings)
"""


def _announcer(settings, url, kind="background"):
    proc = subprocess.Popen([sys.executable, "-c", _ANNOUNCER, str(settings.data_dir), str(settings.cache_dir), url, kind],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "announced"
    return proc


def test_qa_stop_stops_the_announced_server_and_says_so(settings, stand_in, monkeypatch):
    monkeypatch.setenv("QA_CACHE_DIR", str(settings.cache_dir))
    owner = _announcer(settings, stand_in)
    try:
        status = CliRunner().invoke(app, ["status", "--json"])
        endpoint = json.loads(status.stdout)["llm_endpoint"]
        assert endpoint.startswith(f"background model server at {stand_in}") and "qa stop" in endpoint
        result = CliRunner().invoke(app, ["stop"])
        assert result.exit_code == 0 and f"stopped the model server at {stand_in}" in result.stdout
        assert owner.wait(timeout=10) == 0
        assert not server_file(settings).exists() and shared_server(settings) is None
    finally:
        owner.kill()
    again = CliRunner().invoke(app, ["stop"])
    assert again.exit_code == 0 and "no model server is running" in again.stderr


def test_status_says_how_a_server_would_start_and_how_long_it_stays(monkeypatch, tmp_path):
    monkeypatch.setenv("QA_CACHE_DIR", str(tmp_path / "cache"))
    for keep_alive, said in (("5m", "kept for 5 min idle"), ("0", "stops with the process"), ("-1", "until `qa stop`")):
        monkeypatch.setenv("QA_KEEP_ALIVE", keep_alive)
        endpoint = json.loads(CliRunner().invoke(app, ["status", "--json"]).stdout)["llm_endpoint"]
        assert said in endpoint, endpoint


def test_an_announced_server_is_used_before_a_background_one_is_started(settings, stand_in, monkeypatch):
    owner = _announcer(settings, stand_in, kind="serve")
    try:
        from qa.models import background

        monkeypatch.setattr(background, "start_background", lambda *a, **k: pytest.fail("started a second server"))
        server = EmbeddedServer(settings)
        assert server.start() == stand_in and server.shared
    finally:
        owner.terminate()
        owner.wait(timeout=10)


def test_every_request_to_a_shared_server_counts_as_use(settings, stand_in, monkeypatch):
    from qa.models.announcement import announce

    # announced, as a shared server is: otherwise the chat takes it for gone and starts a real one
    announce(settings, stand_in, os.getpid(), kind="background", keep_alive=300.0)
    monkeypatch.setattr(EmbeddedServer, "start", lambda self, *a, **k: pytest.fail("a model server was started"))
    server = EmbeddedServer(settings)
    server.base_url, server.shared = stand_in, True
    chat = EmbeddedChat(server, base_url=stand_in, model=MODEL_NAME, timeout=5)
    seen = []
    monkeypatch.setattr("qa.models.llm.OpenAIChat.stream",
                        lambda self, *a, **k: iter([seen.append(last_used(settings, 0)) or "text"]))
    before = time.time()
    assert list(chat.stream([], max_tokens=4, temperature=0)) == ["text"]
    assert seen[0] >= before - 1  # touched before the request went out
    assert last_used(settings, 0) >= seen[0]  # and after it ended


def test_without_a_touch_the_idle_time_counts_from_the_start(settings):
    assert last_used(settings, 123.0) == 123.0
    touch_used(settings)
    assert last_used(settings, 123.0) == pytest.approx(time.time(), abs=5)


_LOCKER = """
import sys, time
from qa.models.background import start_lock
from qa.settings import Settings, parse_keep_alive
with start_lock(Settings(data_dir=sys.argv[1], cache_dir=sys.argv[2]), timeout=30):
    print("locked", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def test_one_process_at_a_time_may_start_the_server(settings):
    holder = subprocess.Popen([sys.executable, "-c", _LOCKER, str(settings.data_dir), str(settings.cache_dir), "60"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(Exception, match="another process has been starting the model server"), \
                start_lock(settings, timeout=0.5):
            pass
    finally:
        holder.kill()
        holder.wait()
    with start_lock(settings, timeout=5):  # released by the kernel when its holder died
        pass


def test_stopping_when_nothing_is_announced_is_not_an_error(settings):
    assert stop_announced(settings) is None
    assert not os.path.exists(server_file(settings))


def test_a_background_server_that_exits_while_starting_says_so_with_its_log(settings, monkeypatch):
    from qa.models import background, model_file

    monkeypatch.setattr(model_file, "ensure_model", lambda cache_dir, progress=None: settings.cache_dir / "m.gguf")
    real_popen = subprocess.Popen
    monkeypatch.setattr(background.subprocess, "Popen",
                        lambda cmd, **kw: real_popen([sys.executable, "-c", "import sys; sys.exit(3)"], **kw))
    with pytest.raises(Exception, match=r"the background model server exited with code 3 while starting; "
                                        r"see its log: .*background-server\.log"):
        EmbeddedServer(settings).start()
    assert not server_file(settings).exists()


def test_a_stale_announcement_is_replaced_by_a_new_background_server(settings, stand_in, monkeypatch):
    from qa.models import background

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    from qa.models.announcement import announce

    announce(settings, stand_in, dead.pid, kind="background", keep_alive=300.0)
    started = []
    monkeypatch.setattr(background, "start_background",
                        lambda s, keep_alive, progress=None: started.append(keep_alive) or "http://127.0.0.1:9/v1")
    server = EmbeddedServer(settings)
    assert server.start() == "http://127.0.0.1:9/v1" and server.shared
    assert started == [300.0]


def _slotted_server(total_slots: int | None):
    """A stand-in llama-server: `/props` says how many slots (None: no such page, as
    llama-cpp-python's server); chat requests are recorded and answered "ok"."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    bodies: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/props" and total_slots is not None:
                body = json.dumps({"total_slots": total_slots}).encode()
            elif self.path == "/v1/models":
                body = json.dumps({"data": [{"id": MODEL_NAME}]}).encode()
            else:
                self.send_response(404)
                self.end_headers()
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            bodies.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            chunk = {"id": "x", "object": "chat.completion.chunk", "created": 0, "model": MODEL_NAME,
                     "choices": [{"index": 0, "delta": {"content": "ok"}, "finish_reason": None}]}
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            self.wfile.write(f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n".encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/v1", bodies


@pytest.mark.parametrize(("total_slots", "sent"), [(3, [0, 1, 2]), (None, [None])])
def test_the_warm_up_fills_every_slot_of_the_server(settings, total_slots, sent):
    from qa import Assistant
    from tests.fakes import FakeEmbedder

    server, url, bodies = _slotted_server(total_slots)
    try:
        from qa.models.announcement import announce

        announce(settings, url, os.getpid())
        model = EmbeddedServer(settings)
        chat = EmbeddedChat(model, base_url=model.start(), model=MODEL_NAME, timeout=5)
        Assistant(settings=settings, embedder=FakeEmbedder(), llm=chat).warm_up()
        assert [b.get("id_slot") for b in bodies] == sent
        assert all(b["max_tokens"] == 1 and b["messages"] == bodies[0]["messages"] for b in bodies)
    finally:
        server.shutdown()


@pytest.mark.parametrize("total_slots", [2, None])
def test_barred_words_reach_each_server_in_its_own_format(settings, total_slots):
    """llama-server (it answers `/props`) takes [text, false] pairs; llama-cpp-python's
    server an object keyed by text, with `logit_bias_type` "tokens" (a hosted endpoint
    would read those keys as token ids: only the embedded model's chat can bar words)."""
    server, url, bodies = _slotted_server(total_slots)
    try:
        from qa.models.announcement import announce

        announce(settings, url, os.getpid())
        model = EmbeddedServer(settings)
        chat = EmbeddedChat(model, base_url=model.start(), model=MODEL_NAME, timeout=5)
        extra = chat.barring(["Brandon"])
        "".join(chat.stream([{"role": "user", "content": "q"}], max_tokens=4, temperature=0, extra=extra))
        if total_slots:
            assert bodies[-1]["logit_bias"] == [["Brandon", False], [" Brandon", False]]
        else:
            assert bodies[-1]["logit_bias"] == {"Brandon": -100.0, " Brandon": -100.0}
            assert bodies[-1]["logit_bias_type"] == "tokens"
        from qa.models.llm import OpenAIChat

        assert not hasattr(OpenAIChat, "barring")  # a hosted endpoint: its tokens are not known
    finally:
        server.shutdown()


def test_a_chat_left_open_past_the_keep_alive_asks_the_server_announced_now(settings):
    """The background server stopped while a process held on to it (a chat left open for
    longer than QA_KEEP_ALIVE): its next question goes to the server announced now (or one
    it starts), not into an error."""
    from qa.models.announcement import announce, withdraw

    old, old_url, old_bodies = _slotted_server(None)
    new, new_url, new_bodies = _slotted_server(None)
    try:
        announce(settings, old_url, os.getpid(), kind="background", keep_alive=300.0)
        server = EmbeddedServer(settings)
        chat = EmbeddedChat(server, base_url=server.start(), model=MODEL_NAME, timeout=5)
        assert "".join(chat.stream([{"role": "user", "content": "q"}], max_tokens=4, temperature=0)) == "ok"
        withdraw(settings)
        old.shutdown()
        announce(settings, new_url, os.getpid(), kind="background", keep_alive=300.0)
        assert "".join(chat.stream([{"role": "user", "content": "q"}], max_tokens=4, temperature=0)) == "ok"
        assert (len(old_bodies), len(new_bodies)) == (1, 1) and chat.base_url == new_url
    finally:
        new.shutdown()


def test_a_request_in_flight_keeps_the_server_busy_however_long_it_takes(settings):
    from qa.models.background import busy, in_use

    assert not busy(settings)
    with in_use(settings):
        assert busy(settings)  # a cold prompt read with no word streamed yet: not idle
        with in_use(settings):  # a second request of the same process
            assert busy(settings)
    assert not busy(settings)


def test_a_background_server_replaced_by_another_announcement_stops(settings, stand_in):
    from qa.models.announcement import announce
    from qa.models.background import _replaced

    assert not _replaced(settings)  # nothing announced
    announce(settings, stand_in, os.getpid(), kind="background", keep_alive=300.0)
    assert not _replaced(settings)  # our own
    info = json.loads(server_file(settings).read_text())
    server_file(settings).write_text(json.dumps({**info, "owner": os.getpid() + 1}))
    assert _replaced(settings)
