"""`qa bench`: measure the pipeline against its raw parts and the llama-index baseline;
write JSON and a Markdown table."""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

err = Console(stderr=True, highlight=False, soft_wrap=True)
REPO_BENCH_DIR = Path(__file__).resolve().parent.parent / "benchmarks"


class Section(str, Enum):
    help = "help"
    ingest = "ingest"
    retrieval = "retrieval"
    answer = "answer"
    cold = "cold"
    tui = "tui"
    e2e = "e2e"
    server = "server"
    keepalive = "keepalive"


def _say(message: str) -> None:
    err.print(f"[dim]{time.strftime('%H:%M:%S')}[/dim] {escape(message)}")


def bench_cmd(
    runs: Annotated[int, typer.Option("--runs", min=1, help="Repetitions of each measurement (the median is reported).")] = 3,
    passages: Annotated[int, typer.Option("--passages", min=1000, help="Size of the generated corpus for retrieval at scale.")] = 100_000,
    questions: Annotated[int, typer.Option("--questions", min=1, help="Dev questions for the answer timings.")] = 6,
    e2e_questions: Annotated[int, typer.Option("--e2e-questions", min=2, help="Dev questions for ours vs the baseline.")] = 12,
    only: Annotated[list[Section] | None, typer.Option("--only", help="Run only these sections (repeat the option).")] = None,
    label: Annotated[str, typer.Option("--label", help="Name of this run in the output files (e.g. before, after).")] = "run",
    out_dir: Annotated[Path | None, typer.Option("--out", help="Where to write JSON and Markdown. Default: evals/benchmarks in the repository, else ./bench-report.")] = None,
) -> None:
    """Benchmark ingest, retrieval (seeds and a generated 100,000-passage corpus), answer
    latency vs a raw llama.cpp completion of the same prompt, cold start, memory, and
    seconds per question vs the llama-index baseline. Takes about 20 minutes with the
    defaults on 2 cores. Writes `<date>-<label>.json` and `.md`."""
    from evals.bench import everyday
    from evals.bench import sections as s
    from evals.bench.report import markdown
    from evals.cases import load_dev, spread
    from evals.command import _git_commit, _machine
    from qa import Assistant
    from qa.runtime import default_embedder, make_llm
    from qa.settings import load_settings

    chosen = set(only or list(Section))
    out_dir = out_dir or (REPO_BENCH_DIR if REPO_BENCH_DIR.parent.joinpath("dev.jsonl").is_file() else Path("bench-report"))
    workdir = Path(tempfile.mkdtemp(prefix="qa-bench-"))
    settings = load_settings().model_copy(update={"data_dir": workdir / "data"})
    dev = load_dev()
    answerable = [c for c in dev if c.answerable and not c.history]
    asked = [c.question for c in spread(answerable, questions)]
    result: dict = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "label": label,
        "commit": _git_commit(),
        "machine": _machine(),
        "model": None,
        "runs": runs,
    }
    try:
        if Section.help in chosen:
            result["help"] = s.bench_help(max(runs, 5), _say)
        embedder = default_embedder()
        if Section.ingest in chosen:
            result["ingest"] = s.bench_ingest(embedder, workdir, runs, settings, _say)
        needs_store = chosen & {Section.retrieval, Section.answer, Section.cold, Section.tui, Section.e2e,
                                Section.server, Section.keepalive}
        store = s.seeds_store(embedder, workdir, settings) if needs_store else None
        if Section.retrieval in chosen:
            result["retrieval"] = s.bench_retrieval(embedder, workdir, [c.question for c in dev], passages,
                                                    settings, _say, store)
        llm = None
        if chosen & {Section.answer, Section.e2e}:
            _say("starting the model")
            llm = make_llm(settings)
            result["model"] = llm.name
        if Section.answer in chosen:
            result["answer"] = s.bench_answer(
                lambda model: Assistant(settings=settings, store=store, embedder=embedder, llm=model),
                llm, asked, runs, settings, _say)
        if Section.e2e in chosen:
            result["end_to_end"] = s.bench_end_to_end(spread(dev, e2e_questions), store, settings, embedder, llm,
                                                      max(1, runs - 1), _say)
        if Section.cold in chosen:
            serve = "serve" in _commands()
            result["cold_start"] = s.bench_cold_start(asked, settings.data_dir, runs, _say, serve=serve)
        if Section.server in chosen:
            # llama-cpp-python's server (the default) and llama.cpp's own when QA_LLAMA_SERVER
            # names it, one after the other in this run
            # each run its own questions (see bench_server): `questions` warm ones and 3 more a run
            pool = [c.question for c in spread(answerable, (questions + 3) * runs)]
            follow_ups = [(c.history[0], c.question) for c in dev if c.history and c.answerable][:questions * runs]
            # and, first, llama-cpp-python's server as the package ships it: the baseline of ours
            plain = settings.model_copy(update={"llama_server": None})
            kinds = {"llama_cpp_python_stock": (plain, True), "llama_cpp_python": (plain, False)}
            from qa.models.embedded import llama_server_binary

            if llama_server_binary(settings):
                kinds["llama_server"] = (settings, False)
            result["server"] = {name: everyday.bench_server(name, kind, store, embedder, pool, follow_ups, runs, _say,
                                                            stock=stock)
                                for name, (kind, stock) in kinds.items()}
        if Section.keepalive in chosen:
            result["keep_alive"] = everyday.bench_keep_alive(asked, settings.data_dir, runs, _say)
        if Section.tui in chosen:
            result["tui"] = s.bench_tui_memory(asked[0], settings.data_dir, _say)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = f"{datetime.now(UTC):%Y-%m-%d}-{label}"
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    table = markdown(result)
    (out_dir / f"{stem}.md").write_text(table, encoding="utf-8")
    print(table)
    err.print(f"wrote {out_dir / stem}.json and .md")


def _commands() -> set[str]:
    from qa.cli import app

    return {c.name or c.callback.__name__ for c in app.registered_commands}
