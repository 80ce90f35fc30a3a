"""`python -m evals.bench.tui_probe QUESTION`: run the chat app headless on the real stack,
ask one question, print one JSON line with the process's peak RSS and the answer's timings.

Peak RSS is the kernel's high-water mark of this process's memory (VmHWM). The app is the same `ChatApp` as `qa chat`; only the terminal driver is Textual's headless
one, so the figure is the app's memory (the model server is its own process)."""

from __future__ import annotations

import asyncio
import json
import sys
import time


def _memory_mib(field: str) -> float:
    """From /proc/self/status. Not getrusage: its ru_maxrss survives exec, so a child of a
    big process reports the parent's peak (2.9 GB for a 630 MB chat, seen under qa bench)."""
    for line in open("/proc/self/status", encoding="ascii").read().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field} in /proc/self/status")


async def _main(question: str) -> dict:
    from qa import load_settings
    from tui.app import ChatApp
    from tui.widgets.answer import AnswerView

    app = ChatApp(settings=load_settings())
    async with app.run_test(size=(120, 40)) as pilot:
        async def until(condition, timeout: float = 600.0) -> None:
            deadline = time.monotonic() + timeout
            while not condition():
                if time.monotonic() > deadline:
                    raise TimeoutError("the chat did not get there in time")
                await pilot.pause(0.05)

        await until(lambda: app.ready and app.status.activity == "Ready")
        before = _memory_mib("VmRSS")
        app.question_input.value = question
        started = time.perf_counter()
        await pilot.press("enter")
        await until(lambda: bool(app.query(AnswerView)))
        view = list(app.query(AnswerView))[-1]
        await until(lambda: view.answer is not None and app.running is None)
        answer = view.answer
        total = time.perf_counter() - started
        await pilot.press("ctrl+q")
    return {
        "peak_rss_mib": round(_memory_mib("VmHWM"), 1),
        "rss_before_question_mib": round(before, 1),
        "first_token_s": round(answer.timings.first_token_ms / 1000, 2) if answer.timings.first_token_ms else None,
        "answer_s": round(total, 2),
        "refused": answer.refused,
    }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(_main(" ".join(sys.argv[1:])))))
