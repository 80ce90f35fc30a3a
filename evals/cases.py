"""Eval cases: the dev set over the seed articles and RGB `en_fact` (an external benchmark)."""

from __future__ import annotations

import json
import random
import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from qa.articles.clean import _DATE_PATTERNS, clean_text, parse_date
from qa.dates import MONTHS, days_without_year

EVALS_DIR = Path(__file__).resolve().parent
DEV_SET = EVALS_DIR / "dev.jsonl"
# Questions about the seeds written before any answer to them was read, and never used to
# tune the pipeline: how far the dev figures generalise (`qa eval --suite heldout`).
HELDOUT_SET = EVALS_DIR / "heldout.jsonl"
RGB_FILE = EVALS_DIR / "data" / "rgb" / "en_fact.json"
KINDS = {"single", "one-outlet", "spelling", "conflict", "follow-up", "unanswerable", "near-miss"}


@dataclass(frozen=True)
class Case:
    """One question to score. `facts`: each fact is a tuple of accepted variants."""

    id: str
    suite: str  # "dev", "heldout", "rgb-noise", "rgb-negative", "archive" or "archive-dev"
    kind: str
    question: str
    answerable: bool
    facts: tuple[tuple[str, ...], ...] = ()
    docs: tuple[str, ...] = ()  # ids of the documents that support the answer
    history: tuple[str, ...] = ()  # earlier questions of the same conversation
    corpus: tuple[tuple[str, str], ...] = field(default=(), repr=False)  # RGB: (doc id, text)
    # Cases with the same collection share one store (the archive); empty: a store of the case's own
    collection: str = ""
    with_seeds: bool = False  # the seed articles are ingested beside `corpus`


class CaseError(ValueError):
    pass


def load_dev(path: Path = DEV_SET, suite: str = "dev") -> list[Case]:
    """The dev set (or the held-out set, `suite`): one JSON object per line (see
    evals/README.md for the fields)."""
    cases: list[Case] = []
    seen: set[str] = set()
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            case = Case(
                id=row["id"],
                suite=suite,
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


# ---------------------------------------------------------------------------------------
# The archive: every RGB en_fact snippet and the seeds in ONE store
# ---------------------------------------------------------------------------------------

ARCHIVE_SEED = 20261130  # the split below; another seed is another, equally valid split


@dataclass(frozen=True)
class Archive:
    corpus: tuple[tuple[str, str], ...]  # (doc id, text) of every snippet kept in the store
    answerable: list[Case]  # RGB questions whose positive snippets are in the store
    absent: list[Case]  # RGB questions whose positive snippets were left out: to be refused
    dropped: list[str]  # questions left out of both halves, with the reason


def _norm(text: str) -> str:
    return " ".join(text.split())


def _folded(text: str) -> str:
    """Lower case without accents, dates and sums in one form: "Chloé Zhao" is written
    "Chloe Zhao" in some snippets, "June 2020" "June of 2020", "$1.65 billion" "1.65 billion
    dollars"."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    text = _MONTH_OF_YEAR.sub(r"\1 \2", text)
    return _DOLLARS.sub(lambda m: f"${m[1]}" + (f" {m[2]}" if m[2] else ""), text)


_MONTH_OF_YEAR = re.compile(rf"\b((?:{MONTHS})\.?(?: \d{{1,2}})?),? of ((?:19|20)\d\d)\b")  # "november 21 of 1998"
_DOLLARS = re.compile(r"(?<![\w.$])(\d+(?:[.,]\d+)*)(?: (million|billion|trillion))? (?:us )?dollars\b")


_NUMERIC_DATE = re.compile(r"\b(\d{1,2})[/.](\d{1,2})[/.]((?:19|20)\d\d)\b")


def _dates(text: str) -> set[str]:
    """Every date written in `text`, as ISO: "Oct 27, 2017", "27 October 2017", "2017-10-27",
    and both readings of "27/10/2017"."""
    found = set()
    for pattern, _ in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            found.add(parse_date(m.group(0)))
    for d, m, y in _NUMERIC_DATE.findall(text):
        for day, month in ((d, m), (m, d)):
            try:
                found.add(date(int(y), int(month), int(day)).isoformat())
            except ValueError:
                pass
    return found - {None}


def _dated_days(snippet: str) -> set[str]:
    """The days a snippet writes without their year, dated by its dateline as the store
    dates them (ISO)."""
    cleaned = clean_text(snippet)
    text = " ".join(p.text for p in cleaned.paragraphs)
    return {date(*day).isoformat() for day in days_without_year(text, cleaned.date)}


def _still_written(row: dict, folded: list[str], dates: list[set[str]]) -> bool:
    """Whether a kept snippet may give the row's answer: any of its variants written as is
    (accents aside), the same date in another format or as a day without its year that the
    snippet's dateline dates ("released in Japan on April 29" in a snippet of 2015), or a
    person's surname, or name in the other order, in a snippet that names what the
    question names ("Cameron" in a snippet about Avatar, "Liu Yifei" in one about Mulan)."""
    variants = [v for fact in _rgb_facts(row["answer"]) for v in fact]
    if any(_folded(v) in text for v in variants for text in folded):
        return True
    asked = {parse_date(v) for v in variants} - {None}
    if asked and any(asked & d for d in dates):
        return True
    topic = {_folded(w) for w in re.findall(r"\b[A-Z][\w’'-]+", row["query"])} - {"who", "what", "when", "which"}
    surnames = {_folded(v.split()[-1]) for v in variants if len(v.split()) > 1 and v.split()[-1][:1].isupper()}
    if any(re.search(rf"\b{re.escape(n)}\b", text) and any(t in text for t in topic)
           for n in surnames if len(n) >= 4 for text in folded):
        return True
    # a two-word name in the other order ("Liu Yifei" for "Yifei Liu"), in a snippet that
    # names a word of the question's names
    names = [_folded(v).split() for v in variants
             if len(v.split()) == 2 and all(w[:1].isupper() for w in v.split()) and not re.search(r"\d", v)]
    topic_words = {t for t in topic if t not in {"the", "a", "an", "of", "in", "on"}}
    return any(f"{last} {first}" in text and any(re.search(rf"\b{re.escape(t)}\b", text) for t in topic_words)
               for first, last in names for text in folded)


def _groups(rows: list[dict]) -> list[list[dict]]:
    """Rows that share a positive snippet or ask the same question go to the same half:
    otherwise a removed question would keep its answer through its twin."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for i, row in enumerate(rows):
        for key in [_norm(t) for t in row["positive"]] + ["?" + _norm(row["query"]).lower()]:
            if key in first_of:
                parent[find(i)] = find(first_of[key])
            else:
                first_of[key] = i
    groups: dict[int, list[dict]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(find(i), []).append(row)
    return list(groups.values())


def load_archive(path: Path = RGB_FILE, seed: int = ARCHIVE_SEED) -> Archive:
    """One archive of every distinct RGB `en_fact` snippet, positive and negative, with the
    positive snippets of half of the questions left out.

    The questions (grouped, see `_groups`) are shuffled with `seed` and split in two
    halves. Answerable half: its positive snippets stay; a question none of whose positive
    snippets is left (they were also another, removed question's) is dropped. Removed
    half: its positive snippets are left out, and the question must be refused; a removed
    question whose gold answer is still written in a kept snippet (another question's
    snippet names it, accents aside) is dropped rather than scored as absent, since its answer
    may be there.
    """
    if not path.is_file():
        raise CaseError(f"RGB data not found at {path}: it ships with the repository, not the package")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    groups = _groups(rows)
    random.Random(seed).shuffle(groups)
    half = len(groups) // 2
    kept_rows = [r for g in groups[:half] for r in g]
    removed_rows = [r for g in groups[half:] for r in g]
    removed = {_norm(t) for r in removed_rows for t in r["positive"]}
    ids: dict[str, str] = {}
    for row in rows:  # every distinct snippet once, named by its first place in the file
        for text in row["positive"] + row["negative"]:
            key = _norm(text)
            if key and key not in removed and key not in ids:
                ids[key] = f"rgb{len(ids):04d}"
    corpus = tuple((doc_id, key) for key, doc_id in ids.items())
    lowered = [_folded(text) for _, text in corpus]
    answerable, absent, dropped = [], [], []
    for row in kept_rows:
        docs = tuple(dict.fromkeys(ids[_norm(t)] for t in row["positive"] if _norm(t) in ids))
        if not docs:
            dropped.append(f"rgb-{row['id']}: its positive snippets were another question's, left out")
            continue
        answerable.append(Case(id=f"archive-{row['id']}", suite="archive", kind="answerable",
                               question=row["query"], answerable=True, facts=_rgb_facts(row["answer"]),
                               docs=docs, corpus=corpus, collection="archive", with_seeds=True))
    dates = [_dates(low) | _dated_days(text) for (_, text), low in zip(corpus, lowered)]
    for row in removed_rows:
        if _still_written(row, lowered, dates):
            dropped.append(f"rgb-{row['id']}: its answer may still be written in a kept snippet")
            continue
        absent.append(Case(id=f"archive-{row['id']}", suite="archive", kind="absent",
                           question=row["query"], answerable=False, corpus=corpus,
                           collection="archive", with_seeds=True))
    answerable.sort(key=lambda c: int(c.id.rsplit("-", 1)[1]))
    absent.sort(key=lambda c: int(c.id.rsplit("-", 1)[1]))
    return Archive(corpus, answerable, absent, dropped)


def archive_cases(limit: int | None = None, seed: int = ARCHIVE_SEED) -> list[Case]:
    """The archive's RGB questions: `limit` of each half, spread over the benchmark."""
    archive = load_archive(seed=seed)
    return spread(archive.answerable, limit) + spread(archive.absent, limit)


def archive_dev_cases(limit: int | None = None, seed: int = ARCHIVE_SEED) -> list[Case]:
    """The dev set asked again over the archive: the seed questions among ~1,000 distractors."""
    corpus = load_archive(seed=seed).corpus
    return [replace(case, suite="archive-dev", corpus=corpus, collection="archive-dev", with_seeds=True)
            for case in spread(load_dev(), limit)]
