"""The chat in a real terminal (tmux) with the real stack: first run ingests the seeds and
starts the embedded model; ask, see sources then a cited answer; follow a citation; quit,
reopen, find the conversation.

It also measures, from the keystroke, when the sources and the first words appear on the
screen, and writes them to eval-report/tui-terminal.json (figures, never a pass/fail).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux (apt-get install tmux)"),
]

REPO = Path(__file__).resolve().parent.parent
QUESTION = "How far is Qaim from Baghdad?"


class Terminal:
    def __init__(self, socket: str, data_dir: Path) -> None:
        self.socket = socket
        self.data_dir = data_dir

    def tmux(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)
        if check and done.returncode:
            raise AssertionError(f"tmux {' '.join(args[:2])} failed: {done.stderr.strip()}")
        return done.stdout

    def start(self) -> None:
        command = f"cd {REPO} && env QA_DATA_DIR={self.data_dir} {sys.executable} -m tui"
        self.tmux("new-session", "-d", "-s", "qa", "-x", "160", "-y", "36", command)

    def running(self) -> bool:
        return subprocess.run(["tmux", "-L", self.socket, "has-session", "-t", "qa"], capture_output=True).returncode == 0

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "qa", check=False)

    def left(self) -> str:
        """The conversation column (the sources panel is right of the first '▊')."""
        return "\n".join(line.split("▊")[0] for line in self.screen().splitlines())

    def sources_panel(self) -> str:
        """The sources column, below the title bar."""
        return "\n".join(line.split("▊", 1)[1] for line in self.screen().splitlines()[1:] if "▊" in line)

    def answer_area(self, question: str) -> str:
        """The conversation column below `question`, above the input box."""
        lines = self.left().splitlines()
        start = next((i for i, line in enumerate(lines) if question in line), None)
        if start is None:
            return ""
        end = next((i for i in range(start, len(lines)) if "▔" in self.screen().splitlines()[i]), len(lines))
        return "\n".join(lines[start + 1 : end])

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "qa", *keys)

    def wait_for(self, condition, timeout: float, what: str) -> float:
        started = time.perf_counter()
        while time.perf_counter() - started < timeout:
            if condition():
                return time.perf_counter() - started
            time.sleep(0.1)
        raise AssertionError(f"{what} did not appear within {timeout:.0f} s; the screen:\n{self.screen()}")

    def stop(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal(tmp_path):
    term = Terminal(f"qa-test-{os.getpid()}", tmp_path / "data")
    yield term
    term.stop()


def test_ask_follow_quit_and_resume_in_tmux(terminal):
    terminal.start()
    # "Ready" once the seeds are ingested, the model started and its prompt start read
    terminal.wait_for(lambda: any(line.rstrip().endswith("· Ready") for line in terminal.screen().splitlines()),
                      600, "the ready status after the first-run ingest")
    assert "5 documents" in terminal.screen()

    terminal.keys(QUESTION, "Enter")
    sources_s = terminal.wait_for(lambda: "[1] " in terminal.screen().split("▊", 1)[-1], 60, "the sources")
    first_text_s = terminal.wait_for(
        lambda: any(ch.isalnum() for ch in terminal.answer_area(QUESTION)), 180, "the first words of the answer"
    )
    done_s = terminal.wait_for(lambda: "Sources cited" in terminal.screen() or "No passage supports" in
                               terminal.screen(), 300, "the checked answer")
    screen = terminal.screen()
    answer = terminal.answer_area(QUESTION)
    assert "Sources cited: [" in screen, screen
    assert "320" in answer and "[" in answer, screen

    # Select the answer and follow a citation: the sources panel scrolls passage [2] to its top.
    def card_at_top(n: int) -> bool:
        return any(line.strip(" █▊").startswith(f"[{n}] ") for line in terminal.sources_panel().splitlines()[:3])

    assert not card_at_top(2)
    terminal.keys("BTab")
    terminal.keys("2")
    terminal.wait_for(lambda: card_at_top(2), 10, "passage [2] at the top of the sources panel")

    terminal.keys("C-q")
    terminal.wait_for(lambda: not terminal.running(), 30, "the app to quit")
    terminal.start()
    terminal.wait_for(lambda: "320" in terminal.answer_area(QUESTION), 120, "the resumed conversation")

    report = REPO / "eval-report"
    report.mkdir(exist_ok=True)
    figures = {
        "what": "seconds from Enter to each thing on screen, qa chat in tmux, embedded model, first question",
        "sources_shown_s": round(sources_s, 2),
        "first_words_shown_s": round(sources_s + first_text_s, 2),
        "checked_answer_shown_s": round(sources_s + first_text_s + done_s, 2),
    }
    (report / "tui-terminal.json").write_text(json.dumps(figures, indent=2) + "\n")
