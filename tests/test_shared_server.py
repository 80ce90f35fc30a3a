"""Finding the model server that `qa serve` keeps running (no model needed: a stand-in
HTTP server answers `/v1/models`)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qa.models.announcement import announce, server_file, shared_server, withdraw
from qa.models.embedded import EmbeddedServer
from qa.models.model_file import MODEL_NAME
from qa.settings import Settings


def _stand_in(model: str):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            body = json.dumps({"data": [{"id": model}]}).encode()
            self.send_response(200 if self.path == "/v1/models" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")


@pytest.fixture
def stand_in():
    server = _stand_in(MODEL_NAME)
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_an_announced_server_that_answers_is_used(settings, stand_in):
    path = announce(settings, stand_in, os.getpid())
    assert shared_server(settings) == stand_in
    assert path.stat().st_mode & 0o777 == 0o600
    server = EmbeddedServer(settings)
    assert server.start() == stand_in and server.shared and server.pid is None
    server.stop()  # not ours: nothing to stop, and the announcement stays
    assert shared_server(settings) == stand_in


def test_no_file_means_no_shared_server(settings):
    assert shared_server(settings) is None


def test_a_file_left_by_a_dead_server_is_removed(settings, stand_in):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    announce(settings, stand_in, dead.pid)
    assert shared_server(settings) is None
    assert not server_file(settings).exists()


def test_a_server_with_another_model_is_not_used(settings):
    other = _stand_in("some-other-model")
    try:
        announce(settings, f"http://127.0.0.1:{other.server_address[1]}/v1", os.getpid())
        assert shared_server(settings) is None
    finally:
        other.shutdown()


def test_a_server_that_does_not_answer_is_not_used(settings, stand_in):
    port = int(stand_in.rsplit(":", 1)[1].split("/")[0])
    announce(settings, f"http://127.0.0.1:{port + 1 if port < 65535 else port - 1}/v1", os.getpid())
    assert shared_server(settings) is None


@pytest.mark.parametrize("content", ["", "{", "[]", '{"url": 5}', '{"url": "http://evil.example:80/v1", "pid": 1}'])
def test_a_damaged_or_foreign_file_is_ignored(settings, content):
    server_file(settings).parent.mkdir(parents=True)
    server_file(settings).write_text(content)
    assert shared_server(settings) is None


def test_withdraw_removes_only_our_own_announcement(settings, stand_in):
    announce(settings, stand_in, os.getpid())
    info = json.loads(server_file(settings).read_text())
    server_file(settings).write_text(json.dumps({**info, "owner": info["owner"] + 1}))
    withdraw(settings)
    assert server_file(settings).exists()
    announce(settings, stand_in, os.getpid())
    withdraw(settings)
    assert not server_file(settings).exists()
