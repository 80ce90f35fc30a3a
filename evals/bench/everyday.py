"""`qa bench` sections for everyday use (issue 19): the model server between questions,
processes and threads, and the background server between two `qa ask`."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path

from evals.bench.probes import run_on_terminal
from evals.bench.sections import Say, qa_command
from evals.bench.stats import summary
from qa.index.store import Store
from qa.settings import Settings


def _peak_rss_mib(pid: int | None) -> float | None:
    """The kernel's high-water mark of a process's resident memory (VmHWM), in MiB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except (OSError, ValueError, TypeError):
        pass
    return None


def _first_token_s(assistant, question: str) -> tuple[float | None, float]:
    started = time.perf_counter()
    first = None
    for event in assistant.stream(question):
        if first is None and type(event).__name__ == "Delta":
            first = time.perf_counter() - started
    return first, time.perf_counter() - started


# what `qa.models.llama_cpp_server` and our flags change in llama-cpp-python's server
_OUR_FLAGS = ("--logits_all", "--cache", "--cache_type", "--cache_size")


@contextmanager
def stock_llama_cpp_python():
    """Servers started meanwhile run llama-cpp-python's server as the package ships it (logits
    of every prompt token kept, weights repacked, no prompt cache), with our other flags: the
    baseline that the launcher's changes are measured against, in the same run."""
    from qa.models.embedded import EmbeddedServer

    ours = EmbeddedServer._command

    def command(self, model: Path, port: int) -> list[str]:
        cmd = ours(self, model, port)
        if "qa.models.llama_cpp_server" not in cmd:
            return cmd
        cmd[cmd.index("qa.models.llama_cpp_server")] = "llama_cpp.server"
        for flag in _OUR_FLAGS:
            if flag in cmd:
                i = cmd.index(flag)
                del cmd[i:i + 2]
        return cmd

    EmbeddedServer._command = command  # type: ignore[method-assign]
    try:
        yield
    finally:
        EmbeddedServer._command = ours  # type: ignore[method-assign]


def bench_server(label: str, settings: Settings, store: Store, embedder, questions: Sequence[str],
                 follow_ups: Sequence[tuple[str, str]], runs: int, say: Say, stock: bool = False) -> dict:
    """One embedded server kind (`settings.llama_server` says which), its own process:
    - warm first token: the fixed prompt read, one question (and the prompt tokens it reads);
    - follow-up first token vs the first question's, in one conversation (the follow-up's
      rewrite prompt must not evict the answer prompt's cached start);
    - two threads asking at once vs one question alone (no one re-reads the fixed prompt
      because of the other);
    - the server's peak resident memory, next to the model file's size.
    `stock`: llama-cpp-python's server as the package ships it (see `stock_llama_cpp_python`).
    Every run asks questions of its own (`questions` holds `runs` equal shares, the last
    three of each for the two threads; `follow_ups` too): with a prompt cache, a question
    asked before can find its whole prompt saved and answer at once."""
    from qa import Assistant
    from qa.models.embedded import EmbeddedServer, llama_server_binary
    from qa.models.model_file import ensure_model
    from qa.runtime import make_llm

    per_run, follow_ups_per_run = len(questions) // runs, max(1, len(follow_ups) // runs)
    if per_run < 4:
        raise ValueError(f"the server bench needs 4 questions a run, got {len(questions)} for {runs} runs")
    settings = settings.model_copy(update={"keep_alive": "0"})  # a server of its own, stopped after
    say(f"{label}: starting the server")
    started = time.perf_counter()
    with stock_llama_cpp_python() if stock else nullcontext():
        llm = make_llm(settings)
    start_s = time.perf_counter() - started
    server: EmbeddedServer = llm.server  # type: ignore[attr-defined]

    def assistant() -> Assistant:
        return Assistant(settings=settings, store=store, embedder=embedder, llm=llm)

    try:
        one = assistant()
        warm, alone, first_q, follow_q, pairs, pair_ratio = [], [], [], [], [], []
        for run in range(runs):
            mine = questions[run * per_run:(run + 1) * per_run]
            (*warm_questions, q0, q1, q2) = mine
            for i, q in enumerate(warm_questions):
                say(f"{label}: warm question run {run + 1}/{runs}, {i + 1}/{len(warm_questions)}")
                one.new_conversation()
                one.warm_up()
                ttft, total = _first_token_s(one, q)
                if ttft is not None:
                    warm.append(ttft)
                alone.append(total)
            pairs_of_run = follow_ups[run * follow_ups_per_run:(run + 1) * follow_ups_per_run]
            for i, (first, follow) in enumerate(pairs_of_run):
                say(f"{label}: follow-up run {run + 1}/{runs}, {i + 1}/{len(pairs_of_run)}")
                one.new_conversation()
                one.warm_up()
                a, _ = _first_token_s(one, first)
                b, _ = _first_token_s(one, follow)
                if a and b:
                    first_q.append(a)
                    follow_q.append(b)
            say(f"{label}: two threads at once, run {run + 1}/{runs}")
            one.new_conversation()
            one.warm_up()
            single = _first_token_s(one, q0)[1]
            one.warm_up()
            t0 = time.perf_counter()
            threads = [threading.Thread(target=_first_token_s, args=(assistant(), q)) for q in (q1, q2)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            pair = time.perf_counter() - t0
            pairs.append(pair)
            pair_ratio.append(pair / single)
        follow_ratio = [b / a for a, b in zip(first_q, follow_q)]
        return {
            "server": ("llama-server" if llama_server_binary(settings)
                       else "llama-cpp-python as shipped" if stock else "llama-cpp-python"),
            "start_s": round(start_s, 2),
            "warm_first_token_s": summary(warm),
            "question_total_s": summary(alone),
            "first_question_first_token_s": summary(first_q),
            "follow_up_first_token_s": summary(follow_q),
            "follow_up_ratio": summary(follow_ratio),
            "two_threads_total_s": summary(pairs),
            "two_threads_ratio": summary(pair_ratio),
            "peak_rss_mib": _peak_rss_mib(server.pid),
            "model_file_mib": round(ensure_model(settings.cache_dir).stat().st_size / 2**20, 1),
        }
    finally:
        server.stop()


def bench_keep_alive(questions: Sequence[str], data_dir: Path, runs: int, say: Say) -> dict:
    """Two `qa ask` in a row from a fresh shell with no `qa serve`: the first starts the
    background server, the second uses it. Process start to first streamed word of each."""
    env = {**os.environ, "QA_DATA_DIR": str(data_dir), "COLUMNS": "100", "QA_KEEP_ALIVE": "5m"}
    env.pop("QA_LLM_BASE_URL", None)
    firsts, seconds, ratios = [], [], []
    try:
        for run in range(runs):
            subprocess.run([qa_command(), "stop"], env=env, capture_output=True, check=False)
            got = []
            for i in range(2):
                say(f"keep-alive run {run + 1}/{runs}, qa ask {i + 1}/2")
                r = run_on_terminal([qa_command(), "ask", questions[(run + i) % len(questions)]], env)
                if r["exit_code"] != 0:
                    raise RuntimeError(f"qa ask failed: {r['output'][-300:]}")
                got.append(r["first_output_s"])
            if None not in got:
                firsts.append(got[0])
                seconds.append(got[1])
                ratios.append(got[1] / got[0])
    finally:
        subprocess.run([qa_command(), "stop"], env=env, capture_output=True, check=False)
    return {"first_ask_first_token_s": summary(firsts), "second_ask_first_token_s": summary(seconds),
            "second_over_first": summary(ratios)}
