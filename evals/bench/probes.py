"""Measuring other processes: time to their first output on a terminal, and peak memory.

Written by hand: the figures are about a real `qa` process as a user starts it, which no
benchmarking library drives (pytest-benchmark and friends time functions in-process).
"""

from __future__ import annotations

import os
import pty
import select
import subprocess
import threading
import time
from pathlib import Path


def _peak_kib(pid: int) -> int | None:
    """VmHWM: the process's own peak resident set, kept by the kernel."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (OSError, ValueError):
        return []


class PeakMemory:
    """Polls the peak RSS of a process and of each of its children until stopped."""

    def __init__(self, pid: int, every: float = 0.05) -> None:
        self.pid, self.every = pid, every
        self.main_kib = 0
        self.children_kib: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            if (peak := _peak_kib(self.pid)) is not None:
                self.main_kib = max(self.main_kib, peak)
            for child in _children(self.pid):
                if (peak := _peak_kib(child)) is not None:
                    self.children_kib[child] = max(self.children_kib.get(child, 0), peak)
            self._stop.wait(self.every)

    def stop(self) -> tuple[float, float]:
        """(this process's peak MiB, its largest child's peak MiB)."""
        self._stop.set()
        self._thread.join()
        return self.main_kib / 1024, max(self.children_kib.values(), default=0) / 1024


def run_on_terminal(cmd: list[str], env: dict[str, str], timeout: float = 600.0) -> dict:
    """Run `cmd` with its stdout on a pseudo-terminal (so `qa ask` streams as for a user)
    and return seconds to its first output, seconds to exit, exit code and peak memory."""
    master, slave = pty.openpty()
    started = time.perf_counter()
    with open(os.devnull, "wb") as devnull:
        proc = subprocess.Popen(cmd, stdout=slave, stderr=devnull, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    memory = PeakMemory(proc.pid)
    first: float | None = None
    output = bytearray()
    deadline = started + timeout
    try:
        while True:
            if time.perf_counter() > deadline:
                proc.kill()
                break
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: every writer closed the terminal, the process is done
                    chunk = b""
                if not chunk:
                    break
                if first is None and chunk.strip():
                    first = time.perf_counter() - started
                output.extend(chunk)
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=30)
    finally:
        os.close(master)
    total = time.perf_counter() - started
    main_mib, child_mib = memory.stop()
    return {
        "first_output_s": first,
        "exit_s": total,
        "exit_code": code,
        "peak_rss_mib": round(main_mib, 1),
        "peak_rss_child_mib": round(child_mib, 1),
        "output": output.decode("utf-8", "replace"),
    }
