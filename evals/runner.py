"""Run the suites through each system, score every case, aggregate the metrics."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from llama_index.core.evaluation.retrieval.metrics import MRR, HitRate

from evals.cases import ARCHIVE_SEED, HELDOUT_SET, Case, archive_cases, archive_dev_cases, load_dev, load_rgb, spread
from evals.scoring import (
    all_found,
    citation_counts,
    cited_sentences,
    facts_found,
    lexically_supported,
    percentile,
)
from evals.systems import Outcome
from qa.articles.ingest import ingest, seeds_dir
from qa.errors import QAError
from qa.index.store import Store

# (done, total, what is running now)
RunProgress = Callable[[int, int, str], None]
MAX_ERRORS_IN_A_ROW = 3

# Metrics where lower is better; every other rate is "higher is better".
LOWER_IS_BETTER = {"false_refusal", "latency_p50_ms", "latency_p95_ms", "errors"}


SEED_SUITES = {"dev", "heldout"}  # questions about the seed articles alone


def load_suite(name: str, limit: int | None, split_seed: int = ARCHIVE_SEED) -> list[Case]:
    if name == "dev":  # spread, so that a limited run still covers every kind of question
        return spread(load_dev(), limit)
    if name == "heldout":  # questions about the seeds never used to tune anything
        return spread(load_dev(HELDOUT_SET, "heldout"), limit)
    if name == "rgb":
        return load_rgb("noise", limit) + load_rgb("negative", limit)
    if name == "archive":  # RGB questions over one store of every snippet and the seeds
        return archive_cases(limit, split_seed)
    if name == "archive-dev":  # the dev set over that same store
        return archive_dev_cases(limit, split_seed)
    raise ValueError(f"unknown suite {name!r}")


@dataclass
class SuiteResult:
    name: str
    metrics: dict[str, dict[str, float | None]] = field(default_factory=dict)  # system -> metric -> value
    cases: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    ingest_failures: list[str] = field(default_factory=list)


class Stores:
    """The collections a suite needs: the seeds for the dev set, one per RGB query, one
    archive shared by the cases that name it."""

    def __init__(self, root: Path, embedder, chunk_size: int, chunk_overlap: int) -> None:
        self.root, self.embedder = root, embedder
        self.chunking = {"chunk_size": chunk_size, "chunk_overlap": chunk_overlap}
        self._stores: dict[str, Store] = {}
        self.failed: list[str] = []  # corpus files that did not ingest (the case runs without them)

    def _store(self, name: str) -> Store:
        return Store(self.root / "chroma", collection=name, model_id=self.embedder.model_id, rebuild=True)

    def for_case(self, case: Case) -> Store:
        key = case.collection or ("dev-seeds" if case.suite in SEED_SUITES else case.id)
        if key in self._stores:
            return self._stores[key]
        store = self._store(key)
        if case.suite in SEED_SUITES:
            report = ingest([seeds_dir()], store=store, embedder=self.embedder, **self.chunking)
        else:  # an RGB query's corpus, or the archive, ingested like any user's files
            folder = self.root / "files" / key
            folder.mkdir(parents=True, exist_ok=True)
            for doc_id, text in case.corpus:
                (folder / f"{doc_id}.txt").write_text(text + "\n", encoding="utf-8")
            paths = [folder, seeds_dir()] if case.with_seeds else [folder]
            report = ingest(paths, store=store, embedder=self.embedder, **self.chunking)
        self.failed.extend(f"{case.id}: {message}" for _, message in report.failed)
        if store.count() == 0:
            raise QAError(f"eval corpus for {case.id} did not ingest: {report.failed[0][1] if report.failed else 'empty'}")
        self._stores[key] = store
        return store

    def close(self) -> None:
        for store in self._stores.values():
            store.drop()
        self._stores.clear()


def score(case: Case, outcome: Outcome, judge=None) -> dict:
    """One case's record: what was asked, answered, and every per-case measure."""
    n = len(outcome.passages)
    valid, total = citation_counts(outcome.text, n)
    raw_valid, raw_total = citation_counts(outcome.raw_text, n)
    dates = outcome.dates or [None] * n
    numbered = cited_sentences(outcome.text, outcome.passages)
    sentences = [(s, [outcome.passages[i - 1] for i in cited]) for s, cited in numbered]
    supported = [lexically_supported(s, texts, case.question, [dates[i - 1] for i in cited])
                 for (s, texts), (_, cited) in zip(sentences, numbered)]
    found = facts_found(outcome.text, case.facts) if case.answerable and not outcome.refused else []
    record = {
        "id": case.id,
        "suite": case.suite,
        "kind": case.kind,
        "question": case.question,
        "history": list(case.history),
        "answerable": case.answerable,
        "answer": outcome.text,
        "raw_answer": outcome.raw_text,
        "refused": outcome.refused,
        "error": outcome.error,
        "facts_found": found,
        "correct": all_found(found) and outcome.error is None,
        "expected_docs": list(case.docs),
        "retrieved_docs": outcome.docs,
        "citations_valid": valid,
        "citations": total,
        "raw_citations_valid": raw_valid,
        "raw_citations": raw_total,
        "cited_sentences": len(sentences),
        "supported_sentences": sum(supported),
        "unsupported": [s for (s, _), ok in zip(sentences, supported) if not ok],
        "latency_ms": round(outcome.latency_ms, 1),
        "first_token_ms": None if outcome.first_token_ms is None else round(outcome.first_token_ms, 1),
        "retried": outcome.retried,
    }
    if case.answerable and case.docs and outcome.error is None:
        record["hit"] = HitRate().compute(expected_ids=list(case.docs), retrieved_ids=outcome.docs).score
        record["rr"] = MRR().compute(expected_ids=list(case.docs), retrieved_ids=outcome.docs).score
    if judge is not None and outcome.error is None and not outcome.refused and outcome.text:
        record["judge_supported"] = [judge.supports(s, cited) for s, cited in sentences]
        record["judge_faithful"] = judge.faithful(case.question, outcome.text, outcome.passages)
        if case.answerable:
            reference = "; ".join(variants[0] for variants in case.facts)
            record["judge_correct"] = judge.correct(case.question, outcome.text, reference)
    return record


def _mean(values: Sequence[float | bool]) -> float | None:
    return sum(values) / len(values) if values else None


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def aggregate(suite: str, records: Sequence[dict]) -> dict[str, float | None]:
    answerable = [r for r in records if r["answerable"]]
    unanswerable = [r for r in records if not r["answerable"]]
    latencies = [r["latency_ms"] for r in records if r["error"] is None]
    m: dict[str, float | None] = {
        "cases": len(records),
        "errors": sum(r["error"] is not None for r in records),
        "retrieval_hit_rate": _mean([r["hit"] for r in answerable if "hit" in r]),
        "retrieval_mrr": _mean([r["rr"] for r in answerable if "rr" in r]),
        "correctness": _mean([r["correct"] for r in answerable]),
        "citation_validity": _ratio(sum(r["citations_valid"] for r in records), sum(r["citations"] for r in records)),
        "raw_citation_validity": _ratio(
            sum(r["raw_citations_valid"] for r in records), sum(r["raw_citations"] for r in records)
        ),
        "citation_support": _ratio(
            sum(r["supported_sentences"] for r in records), sum(r["cited_sentences"] for r in records)
        ),
        "refusal_unanswerable": _mean([r["refused"] and r["error"] is None for r in unanswerable]),
        "false_refusal": _mean([r["refused"] for r in answerable]),
        "latency_p50_ms": percentile(latencies, 50),
        "latency_p95_ms": percentile(latencies, 95),
    }
    judged = [r for r in records if "judge_supported" in r]
    if judged:
        m["citation_support_judge"] = _ratio(
            sum(sum(r["judge_supported"]) for r in judged), sum(len(r["judge_supported"]) for r in judged)
        )
        m["faithfulness_judge"] = _mean([r["judge_faithful"] for r in judged])
        m["correctness_judge"] = _mean([r.get("judge_correct", False) for r in answerable])
    if suite == "rgb":  # the benchmark's own names for its two tasks
        m["noise_robustness"] = m.pop("correctness")
        m["negative_rejection"] = m.pop("refusal_unanswerable")
    return m


def run_suite(
    name: str,
    cases: Sequence[Case],
    systems: Sequence,
    *,
    embedder,
    chunk_size: int,
    chunk_overlap: int,
    judge=None,
    progress: RunProgress | None = None,
    on_record: Callable[[dict], None] | None = None,
    done_before: int = 0,
    total: int | None = None,
) -> SuiteResult:
    """Every case through every system, one system after the other (so that each keeps
    the model server's prompt cache warm for its own prompts)."""
    result = SuiteResult(name)
    started = time.perf_counter()
    total = total or len(cases) * len(systems)
    done = done_before
    with tempfile.TemporaryDirectory(prefix=f"qa-eval-{name}-") as tmp:
        stores = Stores(Path(tmp), embedder, chunk_size, chunk_overlap)
        try:
            for system in systems:
                records = []
                errors_in_a_row = 0
                for case in cases:
                    if progress:
                        progress(done, total, f"{name} · {system.name} · {case.id}")
                    store = stores.for_case(case)
                    try:
                        outcome = system.run(case, store)
                        errors_in_a_row = 0
                    except Exception as exc:
                        errors_in_a_row += 1
                        outcome = Outcome(text="", raw_text="", refused=False, error=f"{type(exc).__name__}: {exc}")
                        if errors_in_a_row >= MAX_ERRORS_IN_A_ROW:
                            raise QAError(
                                f"{system.name} failed {errors_in_a_row} cases in a row, last: {outcome.error}"
                            ) from exc
                    record = score(case, outcome, judge)
                    record["system"] = system.name
                    records.append(record)
                    if on_record:
                        on_record(record)
                    done += 1
                result.metrics[system.name] = aggregate(name, records)
                result.cases.extend(records)
        finally:
            result.ingest_failures = stores.failed
            stores.close()
    result.seconds = time.perf_counter() - started
    if progress:
        progress(done, total, f"{name} done")
    return result
