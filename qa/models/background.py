"""Keep the embedded model server up between `qa` processes, as Ollama does (`QA_KEEP_ALIVE`).

The first `qa ask`, `qa chat` or `ask()` that finds no announced server starts one as a
detached background process (`python -m qa.models.background`), which announces itself
in the cache directory as `qa serve` does, and stops by itself once no request has used it
for the keep-alive time. Every later process uses it: no model start, and the fixed prompt
is still cached. A file lock makes two processes started at the same moment start one
server between them.

Idle time is read from a file that every request touches when it starts and when it ends
(`touch_used`), and a request in flight holds a shared lock on it (`in_use`): the server
itself cannot say when it was last asked, nor that a long prompt is still being read.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.errors import ServerStartError
from qa.settings import Settings, parse_keep_alive, private_dir

LOCK_FILE = "server.lock"
USED_FILE = "server.used"
POLL_S = 0.25
WITHDRAW_GRACE_S = 2.0  # between withdrawing the announcement and stopping the server


def shown_keep_alive(seconds: float | None) -> str:
    if seconds is None:
        return "until `qa stop`"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min idle"
    return f"{seconds:g} s idle"


def used_file(settings: Settings) -> Path:
    return settings.cache_dir / USED_FILE


def touch_used(settings: Settings) -> None:
    """Say that the server is in use now (a request starts or ends)."""
    path = used_file(settings)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        os.utime(path)
    except OSError:
        pass  # a read-only cache dir: the server then lives its keep-alive from its start


@contextmanager
def in_use(settings: Settings) -> Iterator[None]:
    """Held while a request is in flight: a shared lock on the use file, which the server
    cannot take exclusively while any is held (a cold prompt can take longer than the
    keep-alive without a word streamed). Released by the kernel if the process dies."""
    touch_used(settings)
    try:
        fd = os.open(used_file(settings), os.O_RDONLY)
    except OSError:
        fd = None
    try:
        if fd is not None:
            fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        if fd is not None:
            os.close(fd)
        touch_used(settings)


def busy(settings: Settings) -> bool:
    """Whether a request is in flight (see `in_use`)."""
    try:
        fd = os.open(used_file(settings), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def last_used(settings: Settings, since: float) -> float:
    try:
        return max(since, used_file(settings).stat().st_mtime)
    except OSError:
        return since


@contextmanager
def start_lock(settings: Settings, timeout: float) -> Iterator[None]:
    """Held while one process checks for a server and starts one, so that two processes
    started together do not start two. Released by the kernel if the holder dies."""
    settings.cache_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(settings.cache_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ServerStartError(
                        f"another process has been starting the model server for {timeout:g}s; "
                        f"run `qa stop` and ask again (lock: {settings.cache_dir / LOCK_FILE})"
                    ) from None
                time.sleep(POLL_S)
        yield
    finally:
        os.close(fd)  # releases the lock


def _child_env(settings: Settings, keep_alive: float | None) -> dict[str, str]:
    """The background process reads the settings that matter to the server from here: the
    caller's may have been given in Python, not in the environment."""
    env = dict(os.environ)
    env.update(
        QA_CACHE_DIR=str(settings.cache_dir),
        QA_DATA_DIR=str(settings.data_dir),
        QA_SERVER_THREADS=str(settings.server_threads),
        QA_SERVER_CONTEXT=str(settings.server_context),
        QA_SERVER_SLOTS=str(settings.server_slots),
        QA_SERVER_CACHE_RAM=str(settings.server_cache_ram),
        QA_LLAMA_SERVER=str(settings.llama_server or ""),
        QA_SERVER_START_TIMEOUT=str(settings.server_start_timeout),
        QA_KEEP_ALIVE="-1" if keep_alive is None else f"{keep_alive:g}",
    )
    env.pop("QA_LLM_BASE_URL", None)
    return env


def start_background(settings: Settings, keep_alive: float | None, progress=None) -> str:
    """The `/v1` URL of the announced server, starting the background one when there is none."""
    from qa.models.announcement import server_file, shared_server
    from qa.models.model_file import ensure_model

    with start_lock(settings, settings.server_start_timeout + 30):
        if url := shared_server(settings):
            return url
        ensure_model(settings.cache_dir, progress)  # its progress shows here, not in a log
        private_dir(settings.log_dir)
        log_path = settings.log_dir / "background-server.log"
        touch_used(settings)
        with open(os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as log:
            log.write(f"\n--- {time.strftime('%Y-%m-%d %H:%M:%S')} started by pid {os.getpid()}\n".encode())
            log.flush()
            proc = subprocess.Popen(
                [sys.executable, "-m", "qa.models.background"],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=_child_env(settings, keep_alive),
                start_new_session=True,  # not stopped by the terminal's Ctrl+C, outlives this process
            )
        deadline = time.monotonic() + settings.server_start_timeout + 10
        while time.monotonic() < deadline:
            code = proc.poll()
            if code is not None:
                raise ServerStartError(
                    f"the background model server exited with code {code} while starting; see its log: {log_path}"
                )
            try:
                info = json.loads(server_file(settings).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                info = {}
            if info.get("owner") == proc.pid and (url := shared_server(settings)):
                return url
            time.sleep(POLL_S)
        proc.terminate()
        raise ServerStartError(
            f"the background model server did not start within {settings.server_start_timeout:g}s "
            f"(QA_SERVER_START_TIMEOUT); see its log: {log_path}"
        )


def stop_announced(settings: Settings, timeout: float = 15.0) -> dict | None:
    """Stop the announced server (background or `qa serve`): what was stopped, or None when
    no live one is announced."""
    from qa.models.announcement import server_file, shared_server

    if shared_server(settings) is None:
        return None
    path = server_file(settings)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        owner = int(info.get("owner") or info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    try:
        os.kill(owner, signal.SIGTERM)
    except ProcessLookupError:
        path.unlink(missing_ok=True)
        return info
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and path.exists():
        time.sleep(POLL_S)
    if path.exists():
        raise ServerStartError(f"the model server (pid {owner}) did not stop within {timeout:g}s; kill it: kill {owner}")
    return info


def _replaced(settings: Settings) -> bool:
    """Another process announces its server in our place (one started in the moment this
    one had withdrawn): two model servers would share one idle clock and both stay."""
    from qa.models.announcement import server_file

    try:
        owner = json.loads(server_file(settings).read_text(encoding="utf-8")).get("owner")
    except (OSError, ValueError, AttributeError):
        return False
    return owner is not None and owner != os.getpid()


def serve(settings: Settings) -> int:
    """The background process: start the server, announce it, stop when idle for the keep-alive."""
    from qa.models.announcement import announce, withdraw
    from qa.models.embedded import EmbeddedServer

    keep_alive = parse_keep_alive(settings.keep_alive)
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGHUP, stop)
    signal.signal(signal.SIGINT, stop)
    server = EmbeddedServer(settings, reuse_shared=False)
    try:
        url = server.start()
        started = time.time()
        announce(settings, url, server.pid or 0, kind="background", keep_alive=keep_alive)
        print(f"serving {url} (pid {server.pid}), stops after {shown_keep_alive(keep_alive)}", flush=True)
        while not stopping:
            time.sleep(1.0)
            if server.exit_code is not None:
                print(f"the model server exited with code {server.exit_code}", flush=True)
                return 1
            if _replaced(settings) and not busy(settings):
                print("another server is announced now: stopping", flush=True)
                break
            if (keep_alive is not None and time.time() - (seen := last_used(settings, started)) >= keep_alive
                    and not busy(settings)):
                # New processes start their own from now; one that found this server a
                # moment ago has touched the file by the end of the grace: keep serving it
                withdraw(settings)
                time.sleep(WITHDRAW_GRACE_S)
                if last_used(settings, started) > seen:
                    announce(settings, url, server.pid or 0, kind="background", keep_alive=keep_alive)
                    continue
                print(f"unused for {keep_alive:g} s: stopping", flush=True)
                break
        return 0
    finally:
        withdraw(settings)
        server.stop()


def main() -> int:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    from qa.errors import QAError
    from qa.settings import load_settings

    os.umask(0o077)
    try:
        return serve(load_settings())
    except QAError as exc:
        print(f"error: {exc}", file=sys.stderr, flush=True)
        return 1


if __name__ == "__main__":
    sys.exit(main())
