"""Where the shared model server (`qa serve`, or the background one) is announced: a file
beside the model that every `qa` process reads to find a server to use, and that a stale
or foreign entry never fools."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from pathlib import Path

from qa.models.model_file import MODEL_NAME
from qa.settings import Settings

SERVER_FILE = "server.json"


def server_file(settings: Settings) -> Path:
    """Where the shared server (`qa serve`, or the background one) is announced: beside the
    model, shared by every data dir."""
    return settings.cache_dir / SERVER_FILE


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def shared_server(settings: Settings, *, probe: bool = True) -> str | None:
    """The `/v1` URL of the announced model server (`qa serve` or the background one), if its
    process is alive and (`probe`) it serves our model; None otherwise (a stale file is
    removed). A server too busy to list its models within 2 s counts as up: llama-cpp-python's
    server lists them only between answers, and another process may be getting one."""
    path = server_file(settings)
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        url, pid = str(info["url"]), int(info["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not url.startswith("http://127.0.0.1:") or not _alive(pid):
        path.unlink(missing_ok=True)
        return None
    if not probe:
        return url
    try:
        with urllib.request.urlopen(f"{url}/models", timeout=2) as r:
            models = json.loads(r.read())
    except TimeoutError:  # connected, no answer yet: busy
        return url
    except urllib.error.URLError as exc:
        return url if isinstance(exc.reason, TimeoutError) else None
    except (OSError, ValueError):
        return None
    if MODEL_NAME not in {m.get("id") for m in models.get("data", [])}:
        return None
    return url


def announce(settings: Settings, url: str, server_pid: int, *, kind: str = "serve",
             keep_alive: float | None = None) -> Path:
    """Write the server file (atomically, readable by the user only). `kind`: "serve" (a
    foreground `qa serve`) or "background" (stops after `keep_alive` idle seconds; None:
    until stopped)."""
    path = server_file(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".tmp-{os.getpid()}")
    tmp.write_text(json.dumps({"url": url, "pid": server_pid, "owner": os.getpid(), "model": MODEL_NAME,
                               "kind": kind, "keep_alive": keep_alive,
                               "started": time.strftime("%Y-%m-%dT%H:%M:%S%z")}) + "\n", encoding="utf-8")
    tmp.chmod(0o600)
    os.replace(tmp, path)
    return path


def withdraw(settings: Settings) -> None:
    """Remove the server file if it is ours."""
    path = server_file(settings)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("owner") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass
