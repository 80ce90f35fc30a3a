"""Eval cases: the dev set over the seed articles and RGB `en_fact` (an external benchmark)."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

EVALS_DIR = Path(__file__).resolve().parent
DEV_SET = EVALS_DIR / "dev.jsonl"
RGB_FILE = EVALS_DIR / "data" / "rgb" / "en_fact.json"
KINDS = {"single", "one-outlet", "spelling", "conflict", "follow-up", "unanswerable", "near-miss"}


@dataclass(frozen=True)
class Case:
    """One question to score. `facts`: each fact is a tuple of accepted variants."""

    id: str
    suite: str  # "dev", "rgb-noise" or "rgb-negative"
    kind: str
    question: str
    answerable: bool
    facts: tuple[tuple[str, ...], ...] = ()
    docs: tuple[str, ...] = ()  # ids of the documents that support the answer
    history: tuple[str, ...] = ()  # earlier questions of the same conversation
    corpus: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # RGB: (doc id, text)


class CaseError(ValueError):
    pass


def load_dev(path: Path = DEV_SET) -> list[Case]:
    """The dev set: one JSON object per line (see evals/README.md for the fields)."""
    cases: list[Case] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            case = Case(
                id=row["id"],
                suite="dev",
                kind=row["kind"],
                question=row["question"],
                answerable=bool(row["answerable"]),
                facts=tuple(tuple(variants) for variants in row.get("facts", [])),
                docs=tuple(row.get("docs", [])),
                history=tuple(row.get("history", [])),
            )
        except (KeyError, TypeError, json.JSONDecodeError) as exc:
            raise CaseError(f"{path}:{lineno}: bad case ({exc})") from exc
        if case.id in seen:
            raise CaseError(f"{path}:{lineno}: duplicate id {case.id!r}")
        if case.kind not in KINDS:
            raise CaseError(f"{path}:{lineno}: unknown kind {case.kind!r}")
        if case.answerable and not (case.facts and case.docs):
            raise CaseError(f"{path}:{lineno}: an answerable case needs facts and docs")
        seen.add(case.id)
        cases.append(case)
    return cases


def _rgb_facts(answer: str | list) -> tuple[tuple[str, ...], ...]:
    # RGB's own rule (checkanswer): a string must appear; a list inside the list is a
    # set of accepted variants for one fact; every fact must appear.
    items = answer if isinstance(answer, list) else [answer]
    return tuple(tuple(item) if isinstance(item, list) else (item,) for item in items)


def spread(items: list, limit: int | None) -> list:
    """`limit` items evenly spaced over `items` (all of them when limit is None)."""
    if limit is None or limit >= len(items):
        return list(items)
    step = len(items) / limit
    return [items[int(i * step)] for i in range(limit)]


def load_rgb(task: str, limit: int | None = None, path: Path = RGB_FILE) -> list[Case]:
    """RGB `en_fact` rows as cases with their own corpus.

    task "noise": corpus = positive + negative snippets, correct when the answer holds the
    gold answer. task "negative": corpus = negative snippets only, correct when refused.
    Snippets get neutral, shuffled names so that nothing but their text tells them apart.
    """
    if task not in {"noise", "negative"}:
        raise CaseError(f"unknown RGB task {task!r}")
    if not path.is_file():
        raise CaseError(f"RGB data not found at {path}: it ships with the repository, not the package")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    cases = []
    for row in spread(rows, limit):
        labelled = [("neg", t) for t in row["negative"]]
        if task == "noise":
            labelled = [("pos", t) for t in row["positive"]] + labelled
        random.Random(row["id"]).shuffle(labelled)
        corpus = tuple((f"s{i:02d}", text) for i, (_, text) in enumerate(labelled))
        positives = tuple(f"s{i:02d}" for i, (label, _) in enumerate(labelled) if label == "pos")
        cases.append(
            Case(
                id=f"rgb-{task}-{row['id']}",
                suite=f"rgb-{task}",
                kind=task,
                question=row["query"],
                answerable=task == "noise",
                facts=_rgb_facts(row["answer"]) if task == "noise" else (),
                docs=positives,
                corpus=corpus,
            )
        )
    return cases
