"""Thresholds, and the report: a table on stdout, JSON, Markdown and a PNG chart."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

from evals.cases import EVALS_DIR
from evals.runner import SuiteResult

THRESHOLDS = EVALS_DIR / "thresholds.toml"

LABELS = {
    "retrieval_hit_rate": "retrieval hit rate",
    "retrieval_mrr": "retrieval MRR",
    "correctness": "correctness (answerable)",
    "noise_robustness": "noise robustness",
    "negative_rejection": "negative rejection",
    "citation_validity": "citation validity",
    "raw_citation_validity": "citation validity, model's own text",
    "citation_support": "citation support (lexical)",
    "citation_support_judge": "citation support (judge)",
    "faithfulness_judge": "faithfulness (judge)",
    "correctness_judge": "correctness (judge)",
    "refusal_unanswerable": "unanswerable refused",
    "false_refusal": "answerable wrongly refused",
    "latency_p50_ms": "latency p50",
    "latency_p95_ms": "latency p95",
    "errors": "errors",
    "cases": "cases",
}


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, dict[str, float]]]:
    """{suite: {"min": {metric: value}, "max": {metric: value}}}"""
    if not path.is_file():
        return {}
    return tomllib.loads(path.read_text(encoding="utf-8"))


def check(results: Sequence[SuiteResult], thresholds: dict, system: str = "ours") -> list[str]:
    """One line per metric of `system` that misses its threshold."""
    misses = []
    for result in results:
        bounds = thresholds.get(result.name, {})
        values = result.metrics.get(system, {})
        for metric, floor in bounds.get("min", {}).items():
            value = values.get(metric)
            if value is not None and value < floor:
                misses.append(f"{result.name}: {LABELS.get(metric, metric)} is {fmt(metric, value)}, below {fmt(metric, floor)}")
        for metric, ceiling in bounds.get("max", {}).items():
            value = values.get(metric)
            if value is not None and value > ceiling:
                misses.append(f"{result.name}: {LABELS.get(metric, metric)} is {fmt(metric, value)}, above {fmt(metric, ceiling)}")
    return misses


def fmt(metric: str, value: float | None) -> str:
    if value is None:
        return "–"
    if metric.endswith("_ms"):
        return f"{value / 1000:.1f} s"
    if metric in {"cases", "errors"}:
        return f"{int(value)}"
    return f"{value:.1%}" if metric != "retrieval_mrr" else f"{value:.3f}"


def _bound(thresholds: dict, suite: str, metric: str) -> str:
    bounds = thresholds.get(suite, {})
    if metric in bounds.get("min", {}):
        return "≥ " + fmt(metric, bounds["min"][metric])
    if metric in bounds.get("max", {}):
        return "≤ " + fmt(metric, bounds["max"][metric])
    return ""


def rows(result: SuiteResult, thresholds: dict) -> list[tuple[str, str, str, str]]:
    systems = list(result.metrics)
    names = list(dict.fromkeys(m for s in systems for m in result.metrics[s]))
    out = []
    for metric in names:
        ours = fmt(metric, result.metrics.get("ours", {}).get(metric))
        base = fmt(metric, result.metrics["baseline"].get(metric)) if "baseline" in result.metrics else ""
        out.append((LABELS.get(metric, metric), ours, base, _bound(thresholds, result.name, metric)))
    return out


def print_tables(console, results: Sequence[SuiteResult], thresholds: dict) -> None:
    from rich.table import Table

    for result in results:
        table = Table(title=f"{result.name} ({result.seconds / 60:.1f} min)", title_justify="left")
        for col in ("metric", "ours", "baseline", "threshold"):
            table.add_column(col, justify="left" if col == "metric" else "right")
        for row in rows(result, thresholds):
            table.add_row(*row)
        console.print(table)


def markdown(results: Sequence[SuiteResult], thresholds: dict, meta: dict) -> str:
    lines = [f"# Eval report, {meta['date']}", ""]
    lines.append(
        f"Model: {meta['model']} ({meta['endpoint']}); machine: {meta['machine']}; "
        f"top_k {meta['settings']['top_k']}, passages of {meta['settings']['chunk_size']} tokens. "
        "Baseline: llama-index VectorStoreIndex + CitationQueryEngine with default settings over the "
        "same Chroma collection and the same model."
    )
    if meta.get("split_seed") is not None:
        lines.append(f"The archive's questions split with seed {meta['split_seed']} (not the fixed split).")
    for result in results:
        lines += ["", f"## {result.name}", "", "| metric | ours | baseline | threshold |", "|---|---:|---:|---:|"]
        lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows(result, thresholds)]
        lines += ["", *by_kind(result)]
        misses = [r for r in result.cases if r["system"] == "ours" and _missed(r)]
        if misses:
            lines += ["", f"Our misses ({len(misses)}):", ""]
            for r in misses:
                why = _missed(r)
                lines.append(f"- `{r['id']}` ({r['kind']}) {why}: {r['question']!r} → {r['answer'][:200]!r}")
    if meta.get("misses"):
        lines += ["", "## Thresholds missed", ""] + [f"- {m}" for m in meta["misses"]]
    return "\n".join(lines) + "\n"


def by_kind(result: SuiteResult) -> list[str]:
    """Per kind of question: answerable ones correct (and retrieval hit), others refused."""
    systems = list(result.metrics)
    kinds = list(dict.fromkeys(r["kind"] for r in result.cases))
    head = "| kind | cases | " + " | ".join(f"{s}: correct or refused | {s}: hit" for s in systems) + " |"
    lines = [head, "|---|---:|" + "---:|---:|" * len(systems)]
    for kind in kinds:
        cells = []
        for system in systems:
            records = [r for r in result.cases if r["kind"] == kind and r["system"] == system]
            good = sum(r["correct"] if r["answerable"] else r["refused"] and not r["error"] for r in records)
            hits = [r["hit"] for r in records if "hit" in r]
            cells += [f"{good}/{len(records)}", f"{sum(hits) / len(hits):.0%}" if hits else "–"]
        n = sum(1 for r in result.cases if r["kind"] == kind and r["system"] == systems[0])
        lines.append(f"| {kind} | {n} | " + " | ".join(cells) + " |")
    return lines


def _missed(r: dict) -> str:
    if r["error"]:
        return "error"
    if r["answerable"] and not r["correct"]:
        return "wrongly refused" if r["refused"] else "incorrect"
    if not r["answerable"] and not r["refused"]:
        return "answered an unanswerable question"
    if r["unsupported"]:
        return "unsupported sentence"
    return ""


RATE_METRICS_ORDER = [
    "retrieval_hit_rate", "retrieval_mrr", "correctness", "noise_robustness", "negative_rejection",
    "refusal_unanswerable", "false_refusal", "citation_validity", "raw_citation_validity", "citation_support",
    "citation_support_judge", "faithfulness_judge", "correctness_judge",
]


def chart(results: Sequence[SuiteResult], path: Path) -> None:
    """Ours vs baseline per metric: rates on the left, latency on the right, a row per suite."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    fig, axes = plt.subplots(len(results), 2, figsize=(12, 4.5 * len(results)),
                             gridspec_kw={"width_ratios": [4, 1]}, squeeze=False)
    for (ax_rates, ax_time), result in zip(axes, results):
        systems = list(result.metrics)
        metrics = [m for m in RATE_METRICS_ORDER if any(result.metrics[s].get(m) is not None for s in systems)]
        x = np.arange(len(metrics))
        width = 0.8 / max(1, len(systems))
        for i, system in enumerate(systems):
            values = [result.metrics[system].get(m) or 0.0 for m in metrics]
            bars = ax_rates.bar(x + i * width, values, width, label=system)
            ax_rates.bar_label(bars, labels=[f"{v:.0%}" if m != "retrieval_mrr" else f"{v:.2f}"
                                             for v, m in zip(values, metrics)], fontsize=7)
        ax_rates.set_xticks(x + width * (len(systems) - 1) / 2,
                            [LABELS[m].replace(" (", "\n(") for m in metrics], rotation=30, ha="right", fontsize=8)
        ax_rates.set_ylim(0, 1.1)
        ax_rates.set_title(f"{result.name}: ours vs baseline (higher is better, except wrongly refused)")
        ax_rates.legend()
        for i, system in enumerate(systems):
            values = [(result.metrics[system].get(k) or 0) / 1000 for k in ("latency_p50_ms", "latency_p95_ms")]
            bars = ax_time.bar(np.arange(2) + i * width, values, width, label=system)
            ax_time.bar_label(bars, labels=[f"{v:.1f}" for v in values], fontsize=7)
        ax_time.set_xticks(np.arange(2) + width * (len(systems) - 1) / 2, ["p50", "p95"])
        ax_time.set_title("latency (s)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write(out: Path, results: Sequence[SuiteResult], thresholds: dict, meta: dict) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = {"json": out / "eval.json", "markdown": out / "eval.md", "chart": out / "eval.png"}
    payload = {"meta": meta, "thresholds": thresholds, "suites": {r.name: asdict(r) for r in results}}
    paths["json"].write_text(json.dumps(payload, indent=1, ensure_ascii=False), encoding="utf-8")
    paths["markdown"].write_text(markdown(results, thresholds, meta), encoding="utf-8")
    chart(results, paths["chart"])
    return paths
