"""`qa eval`: run the eval suites, print the table, write the report, enforce thresholds."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from qa.errors import ConfigError, InputError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class Suite(str, Enum):
    dev = "dev"
    heldout = "heldout"
    rgb = "rgb"
    archive = "archive"
    all = "all"


SUITES = {Suite.dev: ["dev"], Suite.heldout: ["heldout"], Suite.rgb: ["rgb"],
          Suite.archive: ["archive", "archive-dev"], Suite.all: ["dev", "heldout", "rgb", "archive", "archive-dev"]}


def _git_commit() -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              timeout=5, cwd=Path(__file__).parent)
        return done.stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def _machine() -> str:
    mem = ""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        mem = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    return f"{platform.machine()}, {os.cpu_count()} cores{mem}, {platform.system()}"


def _judge(settings, llm):
    from evals.baseline import openai_like
    from evals.judge import Judge

    url = settings.judge_base_url
    if url == "embedded":
        base, model, key = llm.base_url, llm.name, None
    else:
        base, model, key = url, settings.judge_model or "gpt-4o-mini", settings.judge_api_key or settings.api_key
    judge_llm = openai_like(base_url=base, model=model, api_key=key, max_tokens=64, temperature=0.0,
                            timeout=settings.llm_timeout, context_window=settings.server_context)
    return Judge(judge_llm, name=model)


def eval_cmd(
    suite: Annotated[Suite, typer.Option("--suite", help="dev: the questions over the seed articles; "
                                         "heldout: other questions over them, never used to tune the pipeline; "
                                         "rgb: RGB en_fact noise robustness and negative rejection, a small corpus per question; "
                                         "archive: every RGB snippet and the seeds in one store, half of the questions with "
                                         "their answer left out, and the dev set asked again over it; all: every suite.")] = Suite.dev,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N cases per suite "
                                                 "(per task for RGB, per half for the archive; spread over the set).")] = None,
    baseline: Annotated[bool, typer.Option("--baseline/--no-baseline", help="Also run the plain llama-index "
                                           "pipeline on the same questions, collection and model.")] = True,
    out_dir: Annotated[Path, typer.Option("--out", help="Where eval.json, eval.md, eval.png and cases.jsonl go.")] = Path("eval-report"),
    judge: Annotated[bool | None, typer.Option("--judge/--no-judge", help="Score support and correctness "
                                                  "with an LLM judge too. Default: on when QA_JUDGE_BASE_URL is set.")] = None,
    thresholds_file: Annotated[Path | None, typer.Option("--thresholds", help="Thresholds TOML. "
                                                            "Default: evals/thresholds.toml.")] = None,
    split_seed: Annotated[int | None, typer.Option("--split-seed", help="Split the archive's questions with "
                                                      "this seed instead of the fixed one: another, equally valid "
                                                      "split, whose questions the pipeline was not tuned on.")] = None,
) -> None:
    """Measure answer correctness, citations, refusals and latency, ours vs a llama-index baseline.

    Runs the real stack (the embedded model unless QA_LLM_BASE_URL is set) on temporary
    collections; your own store is not touched. Exits 1 when a metric misses its threshold.
    """
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from evals import report
    from evals.cases import CaseError
    from evals.runner import load_suite, run_suite
    from evals.systems import LlamaIndexBaseline, Ours
    from qa import Settings
    from qa.runtime import default_embedder, make_llm

    settings = Settings()
    commit = _git_commit()  # now: the code this run imports, not what was committed while it ran
    names = SUITES[suite]
    try:
        suites = {name: load_suite(name, limit, *(() if split_seed is None else (split_seed,))) for name in names}
    except CaseError as exc:
        raise InputError(str(exc)) from exc
    try:
        thresholds = report.load_thresholds(thresholds_file or report.THRESHOLDS)
    except (ValueError, OSError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        raise InputError(f"{thresholds_file or report.THRESHOLDS}: cannot read the thresholds ({exc})") from exc
    if thresholds_file and not thresholds:
        raise InputError(f"{thresholds_file}: no thresholds found")
    use_judge = bool(settings.judge_base_url) if judge is None else judge
    if use_judge and not settings.judge_base_url:
        raise ConfigError("--judge needs QA_JUDGE_BASE_URL (an OpenAI-compatible endpoint, or `embedded`)")

    embedder = default_embedder()
    err.print("Starting the model…")
    llm = make_llm(settings)
    systems = [Ours(settings, embedder, llm)]
    if baseline:
        from evals.baseline import openai_like

        base_llm = openai_like(
            base_url=llm.base_url, model=llm.name,
            api_key=None if settings.uses_embedded_llm else settings.api_key,
            max_tokens=settings.llm_max_tokens, temperature=settings.llm_temperature,
            timeout=settings.llm_timeout, context_window=settings.server_context,
        )
        server = getattr(llm, "server", None)  # the embedded model's: the baseline's requests count as use
        systems.append(LlamaIndexBaseline(embedder, base_llm, in_use=server.in_use if server else None))
    judge_obj = _judge(settings, llm) if use_judge else None

    total = sum(len(cases) for cases in suites.values()) * len(systems)
    results = []
    live = err.is_terminal
    out_dir.mkdir(parents=True, exist_ok=True)
    with (
        Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                 console=err, transient=True, disable=not live) as bar,
        (out_dir / "cases.jsonl").open("w", encoding="utf-8") as log,  # each case as it is scored
    ):
        task = bar.add_task("Evaluating", total=total)

        def progress(done: int, _total: int, what: str) -> None:
            bar.update(task, completed=done, description=what)
            if not live and done < total:  # CI logs: one line per case instead of a bar
                err.print(f"[{done + 1}/{total}] {what}")

        def on_record(record: dict) -> None:
            log.write(json.dumps(record, ensure_ascii=False) + "\n")
            log.flush()

        done = 0
        for name, cases in suites.items():
            results.append(run_suite(
                name, cases, systems, embedder=embedder, chunk_size=settings.chunk_size,
                chunk_overlap=settings.chunk_overlap, judge=judge_obj, progress=progress,
                on_record=on_record, done_before=done, total=total,
            ))
            done += len(cases) * len(systems)

    misses = report.check(results, thresholds)
    meta = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "commit": commit,
        "machine": _machine(),
        "model": llm.name,
        "endpoint": "embedded llama.cpp server" if settings.uses_embedded_llm else settings.llm_base_url,
        "judge": judge_obj.name if judge_obj else None,
        "limit": limit,
        "split_seed": split_seed,  # None: the archive's fixed split (evals/cases.py ARCHIVE_SEED)
        "settings": {k: getattr(settings, k) for k in
                     ("top_k", "min_score", "chunk_size", "chunk_overlap", "llm_max_tokens", "llm_temperature")},
        "misses": misses,
    }
    paths = report.write(out_dir, results, thresholds, meta)
    report.print_tables(out, results, thresholds)
    out.print(Text(f"Report: {paths['markdown']}, {paths['json']}, {paths['chart']}", style="dim"))
    if misses:
        for miss in misses:
            err.print(Text(f"threshold missed: {miss}", style="red"))
        raise typer.Exit(1)
