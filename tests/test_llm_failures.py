"""The model endpoint failing every way it can, against real HTTP servers on 127.0.0.1
(stand-ins for OpenAI, vLLM or the llama.cpp server; no model needed).

Every failure must be an `LLMError` with one line that says what to do and never holds
the API key; retries are bounded, spaced out, and never repeat streamed text."""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from qa import Assistant
from qa.errors import LLMError
from qa.models.announcement import announce, server_file
from qa.models.embedded import EmbeddedChat, EmbeddedServer
from qa.models.llm import OpenAIChat
from qa.models.model_file import MODEL_NAME
from qa.runtime import make_llm

KEY = "sk-test-SECRET123"
QUESTION = "How far is Qaim from Baghdad?"
REPLY = ["Qaim is about ", "320 kilometers ", "west of Baghdad [1]."]
MESSAGES = [{"role": "user", "content": QUESTION}]


# --- a stand-in endpoint ------------------------------------------------------------

def _sse(data: dict | str) -> bytes:
    return f"data: {data if isinstance(data, str) else json.dumps(data)}\n\n".encode()


def _delta(text: str) -> bytes:
    return _sse({"id": "c1", "object": "chat.completion.chunk", "created": 0, "model": "m",
                 "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]})


class Endpoint:
    """An OpenAI-compatible endpoint on a free loopback port: `reply(handler, n)` answers
    the n-th chat request (from 0). Records when each request came and its headers."""

    def __init__(self, reply: Callable[[BaseHTTPRequestHandler, int], None]) -> None:
        self.requests: list[tuple[float, dict[str, str]]] = []
        self.release = threading.Event()  # lets hanging handlers end at teardown
        endpoint = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # chunked streams, as uvicorn sends them

            def do_GET(self):  # `shared_server` asks for the models
                body = json.dumps({"data": [{"id": MODEL_NAME}]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                endpoint.requests.append((time.monotonic(), dict(self.headers)))
                try:
                    reply(self, len(endpoint.requests) - 1)
                except OSError:  # the client gave up first
                    self.close_connection = True

            def log_message(self, *args):
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                if not isinstance(sys.exc_info()[1], ConnectionError):  # a client that hung up is fine
                    super().handle_error(request, client_address)

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.endpoint = self  # type: ignore[attr-defined]
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()  # the port now refuses connections


def send_json(h: BaseHTTPRequestHandler, status: int, body: dict, headers: dict | None = None) -> None:
    data = json.dumps(body).encode()
    h.send_response(status)
    for name, value in {"Content-Type": "application/json", "Content-Length": str(len(data)), **(headers or {})}.items():
        h.send_header(name, value)
    h.end_headers()
    h.wfile.write(data)


def error(status: int, message: str, headers: dict | None = None):
    return lambda h, n: send_json(h, status, {"error": {"message": message, "type": "error", "code": None}}, headers)


def start_stream(h: BaseHTTPRequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/event-stream")
    h.send_header("Transfer-Encoding", "chunked")
    h.end_headers()


def chunk(h: BaseHTTPRequestHandler, data: bytes) -> None:
    h.wfile.write(f"{len(data):x}\r\n".encode() + data + b"\r\n")
    h.wfile.flush()


def answer(parts=REPLY, gap: float = 0.0):
    def reply(h, n):
        start_stream(h)
        for part in parts:
            time.sleep(gap)
            chunk(h, _delta(part))
        chunk(h, _sse("[DONE]"))
        h.wfile.write(b"0\r\n\r\n")

    return reply


def stall_after(parts):
    """Starts the answer, then sends nothing more (until the test ends)."""
    def reply(h, n):
        start_stream(h)
        for part in parts:
            chunk(h, _delta(part))
        h.server.endpoint.release.wait(30)
        h.close_connection = True

    return reply


def drop_after(parts, before_drop: Callable[[], None] = lambda: None):
    """Starts the answer, then closes the connection without ending the chunked body."""
    def reply(h, n):
        start_stream(h)
        for part in parts:
            chunk(h, _delta(part))
        before_drop()
        h.close_connection = True

    return reply


@pytest.fixture
def endpoint():
    made: list[Endpoint] = []

    def make(reply) -> Endpoint:
        made.append(Endpoint(reply))
        return made[-1]

    yield make
    for e in made:
        e.close()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def chat(url: str, *, timeout: float = 5.0, retries: int = 2, backoff: float = 0.01, key: str | None = KEY):
    return OpenAIChat(base_url=url, model="gpt-4o-mini", api_key=key, timeout=timeout, retries=retries,
                      backoff=backoff)


def consume(llm) -> tuple[list[str], LLMError]:
    """The text streamed before the failure, and the failure."""
    parts: list[str] = []
    with pytest.raises(LLMError) as caught:
        parts.extend(llm.stream(MESSAGES, max_tokens=32, temperature=0.0))
    message = str(caught.value)
    assert "\n" not in message and KEY not in message and "SECRET" not in message
    return parts, caught.value


# --- a remote endpoint ----------------------------------------------------------------

def test_a_closed_port_is_retried_then_says_it_cannot_reach_the_model():
    url = f"http://127.0.0.1:{closed_port()}/v1"
    parts, exc = consume(chat(url))
    assert parts == []
    assert str(exc) == f"cannot reach the model at {url} (3 tries): is it running? (check QA_LLM_BASE_URL)"


def test_a_server_that_never_answers_times_out_once_without_retries():
    with socket.socket() as s:  # the kernel accepts connections; nobody ever reads or answers
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        url = f"http://127.0.0.1:{s.getsockname()[1]}/v1"
        started = time.monotonic()
        _, exc = consume(chat(url, timeout=0.5))
        elapsed = time.monotonic() - started
    assert str(exc) == f"the model at {url} did not answer within 0.5s (raise QA_LLM_TIMEOUT or check the endpoint)"
    assert 0.4 < elapsed < 1.4  # one wait of QA_LLM_TIMEOUT, not three


def test_http_500_is_retried_twice_with_growing_backoff_then_fails(endpoint):
    server = endpoint(error(500, "internal error"))
    _, exc = consume(chat(server.url, backoff=0.5))
    assert str(exc) == f"the model endpoint {server.url} failed with HTTP 500 after 3 tries; try again later"
    times = [t for t, _ in server.requests]
    assert len(times) == 3  # the first try and 2 retries, no more
    first, second = times[1] - times[0], times[2] - times[1]
    assert 0.45 < first < 1.2 and 0.95 < second < 2.0 and second > first


def test_a_500_that_passes_is_retried_into_an_answer(endpoint):
    server = endpoint(lambda h, n: error(503, "loading")(h, n) if n == 0 else answer()(h, n))
    assert "".join(chat(server.url).stream(MESSAGES, max_tokens=32, temperature=0.0)) == "".join(REPLY)
    assert len(server.requests) == 2


def test_http_401_is_not_retried_and_never_shows_the_key(endpoint):
    # OpenAI's own 401 quotes the key it got: that body must not reach the user
    server = endpoint(error(401, f"Incorrect API key provided: {KEY}. You can find your API key at ..."))
    _, exc = consume(chat(server.url))
    assert str(exc) == (f"the model endpoint {server.url} rejected the API key (HTTP 401): "
                        "set QA_LLM_API_KEY or OPENAI_API_KEY")
    assert len(server.requests) == 1
    assert server.requests[0][1]["Authorization"] == f"Bearer {KEY}"  # the key was sent, just not shown
    _, exc = consume(chat(server.url, key=None))
    assert "needs an API key (HTTP 401): set QA_LLM_API_KEY or OPENAI_API_KEY" in str(exc)


def test_http_429_waits_as_told_then_says_to_wait(endpoint):
    server = endpoint(error(429, f"Rate limit reached for key {KEY} on requests per min",
                            headers={"Retry-After": "0.3"}))
    _, exc = consume(chat(server.url))
    assert str(exc) == (f"the model endpoint {server.url} is rate-limiting requests (HTTP 429 after 3 tries): "
                        "wait a minute and ask again (Rate limit reached for key *** on requests per min)")
    times = [t for t, _ in server.requests]
    assert len(times) == 3 and all(b - a >= 0.29 for a, b in itertools.pairwise(times))


@pytest.mark.parametrize(("status", "says"), [
    (403, "refused access (HTTP 403): check that the key in QA_LLM_API_KEY or OPENAI_API_KEY may use model"),
    (404, "has no model 'gpt-4o-mini' (HTTP 404): set QA_LLM_MODEL"),
])
def test_http_403_and_404_are_not_retried_and_say_what_to_set(endpoint, status, says):
    server = endpoint(error(status, f"key {KEY} may not use this model"))
    _, exc = consume(chat(server.url))
    assert says in str(exc) and len(server.requests) == 1


def test_another_4xx_is_not_retried_and_quotes_the_endpoint_on_one_line(endpoint):
    server = endpoint(error(400, "This model's maximum context length is 4096 tokens.\nYou asked for 5000."))
    _, exc = consume(chat(server.url))
    assert str(exc) == (f"the model endpoint {server.url} refused the request (HTTP 400): "
                        "This model's maximum context length is 4096 tokens. You asked for 5000.")
    assert len(server.requests) == 1


def test_a_stream_that_stalls_mid_answer_fails_after_the_idle_timeout(endpoint):
    server = endpoint(stall_after(REPLY[:2]))
    started = time.monotonic()
    parts, exc = consume(chat(server.url, timeout=0.5))
    assert parts == REPLY[:2]  # what came is given out once, not again by a retry
    assert str(exc) == (f"the model at {server.url} sent nothing for 0.5s in the middle of the answer "
                        "(raise QA_LLM_TIMEOUT or check the endpoint); ask again")
    assert isinstance(exc.__cause__, httpx.ReadTimeout)  # httpx's read timeout, per read, mapped
    assert len(server.requests) == 1 and time.monotonic() - started < 2


def test_a_slow_but_steady_stream_is_not_cut(endpoint):
    parts = [f"word{i} " for i in range(6)]
    server = endpoint(answer(parts, gap=0.25))  # 1.5 s in all, never 1 s without a chunk
    started = time.monotonic()
    assert list(chat(server.url, timeout=1.0).stream(MESSAGES, max_tokens=32, temperature=0.0)) == parts
    assert time.monotonic() - started > 1.4  # longer than the timeout: it bounds each read, not the answer


def test_a_connection_dropped_mid_answer_is_an_llm_error_and_not_retried(endpoint):
    server = endpoint(drop_after(REPLY[:2]))
    parts, exc = consume(chat(server.url))
    assert parts == REPLY[:2]
    assert str(exc) == f"the model at {server.url} closed the connection in the middle of the answer; ask again"
    assert isinstance(exc.__cause__, httpx.RemoteProtocolError)
    assert len(server.requests) == 1


def test_an_error_event_in_the_stream_is_an_llm_error(endpoint):
    def reply(h, n):
        start_stream(h)
        chunk(h, _delta("Qaim "))
        chunk(h, _sse({"error": {"message": "the context is full"}}))
        h.wfile.write(b"0\r\n\r\n")

    server = endpoint(reply)
    parts, exc = consume(chat(server.url))
    assert parts == ["Qaim "]
    assert str(exc) == f"the model at {server.url} failed in the middle of the answer: the context is full"


def test_a_stream_that_is_not_json_is_an_llm_error(endpoint):
    def reply(h, n):
        start_stream(h)
        chunk(h, _sse("<html>proxy error</html>"))
        h.wfile.write(b"0\r\n\r\n")

    server = endpoint(reply)
    _, exc = consume(chat(server.url))
    assert str(exc) == f"the model at {server.url} sent a reply that is not a chat completion stream"


def test_credentials_in_the_url_are_not_shown():
    port = closed_port()
    _, exc = consume(chat(f"http://user:{KEY}@127.0.0.1:{port}/v1?api-key={KEY}", retries=0))
    assert str(exc).startswith(f"cannot reach the model at http://127.0.0.1:{port}/v1: is it running?")


def test_the_remote_endpoint_gets_two_retries_and_the_embedded_server_none(tmp_path, endpoint):
    from qa.settings import Settings

    remote = make_llm(Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache", llm_base_url="http://x/v1"))
    assert isinstance(remote, OpenAIChat) and remote.retries == 2
    settings = Settings(data_dir=tmp_path / "data", cache_dir=tmp_path / "cache")
    announce(settings, endpoint(answer()).url, os.getpid())
    embedded = make_llm(settings)
    assert isinstance(embedded, EmbeddedChat) and embedded.retries == 0 and embedded.shared


def test_the_cli_exits_nonzero_with_one_line_and_no_key(endpoint, tmp_path):
    server = endpoint(error(401, f"Incorrect API key provided: {KEY}"))
    env = {**os.environ, "QA_LLM_BASE_URL": server.url, "QA_LLM_API_KEY": KEY, "COLUMNS": "60"}
    proc = subprocess.run([sys.executable, "-m", "qa.cli", "ask", QUESTION], capture_output=True, text=True,
                          check=False, timeout=300, env=env, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines()[-1] == (
        f"error: the model endpoint {server.url} rejected the API key (HTTP 401): set QA_LLM_API_KEY or OPENAI_API_KEY")
    assert KEY not in proc.stderr + proc.stdout and "Traceback" not in proc.stderr


# --- the embedded server: `qa serve` stopped mid-session --------------------------------

@pytest.fixture
def embedded(settings, tmp_path, seeded_store, fake_embedder, monkeypatch, endpoint):
    """An announced `qa serve` (a stand-in) and an Assistant that uses it; starting our own
    llama.cpp server is replaced by a second stand-in (`launched` counts the starts)."""
    settings = settings.model_copy(update={"cache_dir": tmp_path / "cache"})
    own = endpoint(answer(["Own server: ", *REPLY[1:]]))
    launched: list[str] = []
    monkeypatch.setattr(EmbeddedServer, "_launch", lambda self, progress: launched.append(own.url) or own.url)

    def make(reply=None):
        serve = endpoint(reply or answer())
        announce(settings, serve.url, os.getpid())
        assistant = Assistant(settings=settings, store=seeded_store, embedder=fake_embedder)
        return assistant, serve, launched

    return make


def test_a_qa_serve_stopped_between_questions_is_replaced_without_an_error(embedded):
    assistant, serve, launched = embedded()
    assert "320" in assistant.ask(QUESTION).text and not launched
    serve.close()  # `qa serve` stopped: its server is gone and its announcement withdrawn
    server_file(assistant.settings).unlink()
    assistant.new_conversation()
    answer = assistant.ask(QUESTION)  # asked of a server of our own, before any request fails
    assert answer.text.startswith("Own server") and len(launched) == 1
    assert len(serve.requests) == 1


def test_qa_serve_stopped_in_the_middle_of_an_answer(embedded, tmp_path):
    holder: dict = {}
    assistant, serve, launched = embedded(drop_after(REPLY[:1], lambda: server_file(holder["s"]).unlink()))
    holder["s"] = assistant.settings
    deltas: list[str] = []
    with pytest.raises(LLMError) as caught:
        for event in assistant.stream(QUESTION):
            deltas.append(getattr(event, "text", ""))
    assert str(caught.value) == (f"the shared model server at {serve.url} stopped in the middle of the answer "
                                 "(stopped by `qa stop`, Ctrl+C in `qa serve`, or it died); ask again to start a new one")
    assert REPLY[0] in deltas and assistant.history == []
    assert assistant.ask(QUESTION).text.startswith("Own server") and len(launched) == 1


def test_a_follow_up_after_qa_serve_stopped_is_answered_by_our_own_server(embedded):
    assistant, serve, launched = embedded()
    assistant.ask(QUESTION)
    serve.close()
    server_file(assistant.settings).unlink()
    # the follow-up's condensing call finds the server gone (and searches the question as
    # it is); the answer then comes from a server of our own, without an error
    follow_up = assistant.ask("And how far is Qaim from Baghdad?")
    assert follow_up.text.startswith("Own server") and len(launched) == 1


def test_a_dropped_connection_to_a_live_embedded_server_is_not_a_stop(embedded):
    assistant, serve, launched = embedded(drop_after(REPLY[:1]))
    with pytest.raises(LLMError) as caught:
        assistant.ask(QUESTION)
    assert str(caught.value) == (f"lost the connection to the embedded model server at {serve.url} in the "
                                 "middle of the answer; ask again")
    assert not assistant.model_not_started and not launched


def test_our_own_embedded_server_that_died_is_reported_with_its_log(settings, tmp_path):
    settings = settings.model_copy(update={"cache_dir": tmp_path / "cache"})
    server = EmbeddedServer(settings, reuse_shared=False)
    server._proc = subprocess.Popen([sys.executable, "-c", "pass"])  # a server that has exited
    server._proc.wait()
    server.base_url = url = f"http://127.0.0.1:{closed_port()}/v1"
    llm = EmbeddedChat(server, base_url=url, model=MODEL_NAME, timeout=5)
    _, exc = consume(llm)
    assert str(exc) == (f"the embedded model server at {url} stopped (see its log: {server.log_path}); "
                        "ask again to start a new one")
    assert llm.stopped and server.base_url is None


SEGFAULT = "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"


def test_crash_signals_are_told_from_an_ordinary_stop():
    from qa.models.embedded import crash_signal

    assert crash_signal(-11) == "SIGSEGV" and crash_signal(-4) == "SIGILL"
    assert crash_signal(-15) is None and crash_signal(1) is None and crash_signal(None) is None


def test_our_own_embedded_server_that_crashed_says_the_build_cannot_run_here(settings, tmp_path):
    """A llama.cpp build with instructions the CPU refuses dies at its first answer; the
    user must learn that asking again will not help, and what will."""
    settings = settings.model_copy(update={"cache_dir": tmp_path / "cache"})
    server = EmbeddedServer(settings, reuse_shared=False)
    server._proc = subprocess.Popen([sys.executable, "-c", SEGFAULT])
    server._proc.wait()
    server.base_url = url = f"http://127.0.0.1:{closed_port()}/v1"
    llm = EmbeddedChat(server, base_url=url, model=MODEL_NAME, timeout=5)
    _, exc = consume(llm)
    assert str(exc) == ("the embedded model server crashed (SIGSEGV): its llama.cpp build cannot run on this CPU; "
                        "run `python -m qa.models.embedded --check`, and rebuild llama-cpp-python with scripts/install.sh")
    assert llm.stopped and server.exit_code == -11


def test_the_runtime_check_reports_a_crash_a_failure_and_success(monkeypatch, tmp_path):
    import qa.models.embedded
    from qa.models.embedded import check_runtime

    model = tmp_path / "model.gguf"
    monkeypatch.setattr(qa.models.embedded, "_GENERATE_ONE", SEGFAULT)
    assert check_runtime(model, 1) == "llama.cpp crashed (SIGSEGV) at its first token: the build cannot run on this CPU"
    monkeypatch.setattr(qa.models.embedded, "_GENERATE_ONE", "raise SystemExit('no such model file')")
    assert check_runtime(model, 1) == "llama.cpp failed at its first token: no such model file"
    monkeypatch.setattr(qa.models.embedded, "_GENERATE_ONE", f"import sys; assert sys.argv[1:] == [{str(model)!r}, '1']")
    assert check_runtime(model, 1) is None


def test_qa_ask_on_a_terminal_marks_the_text_of_an_answer_cut_off(endpoint, tmp_path):
    """What a user sees: the streamed words so far, marked as not checked, and the error on
    a line of its own (it was glued to the last word)."""
    import pty

    server = endpoint(drop_after(REPLY[:2]))
    primary, secondary = pty.openpty()
    env = {**os.environ, "QA_LLM_BASE_URL": server.url, "QA_LLM_API_KEY": KEY, "QA_DATA_DIR": str(tmp_path / "data"),
           "COLUMNS": "200"}
    proc = subprocess.Popen([sys.executable, "-m", "qa.cli", "ask", QUESTION], stdout=secondary,
                            stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env)
    os.close(secondary)
    shown = b""
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:  # the terminal's other end is closed: the process has exited
            break
        if not data:
            break
        shown += data
    os.close(primary)
    stderr = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1
    text = shown.decode(errors="replace").replace("\r", "")
    assert "Qaim is about 320 kilometers " in text and "(cut off: not checked)" in text, text
    assert stderr.strip().splitlines()[-1] == (
        f"error: the model at {server.url} closed the connection in the middle of the answer; ask again")
