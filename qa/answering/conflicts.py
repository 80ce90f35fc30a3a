"""Figures on which the sources disagree: "more than 90 per cent" in one story, "more than
96 per cent" in another.

The prompt already asks for every figure when passages differ, but the small model gives
the first one it reads. So when the question asks for an amount, the passages are compared
here and a disagreement is pointed out to the model by number ("passage [1] says 90 per
cent and passage [4] says 96 per cent"); each figure is then verified against its own passage like any claim.

Written by hand: no library in our stack compares quantities across documents. Two figures
disagree when they have the same unit (the word after the number), differ in value, come
from different stories (near-duplicate copies of one story never disagree), and their
sentences are about the same thing: they share at least `SHARED_WORDS` content words, and
one of them shares `QUESTION_WORDS` with the question.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from qa.answering.answer_type import MONTHS, Kind, expected
from qa.answering.citations import split_claims
from qa.text import STOP, content_stems
from qa.types import Passage

FIGURE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)\s*(%|per\s?cent\b|percent\b|[^\W\d_]+)", re.UNICODE)
PERCENT = frozenset({"%", "per cent", "percent"})
SHARED_WORDS = 3
QUESTION_WORDS = 2
MAX_NOTES = 2


@dataclass(frozen=True)
class Figure:
    n: int  # the passage's number in the prompt
    value: str
    unit: str
    text: str  # as written: "96 per cent"
    sentence: str


def _unit(word: str) -> str | None:
    low = " ".join(word.lower().split())
    if low in PERCENT:
        return "%"
    if low in STOP or low in MONTHS or len(low) < 2:  # "2014 and", "3 November"
        return None
    return low


def figures(n: int, text: str) -> list[Figure]:
    found = []
    for sentence in (c.text for c in split_claims(text, 0)):
        for m in FIGURE.finditer(sentence):
            unit = _unit(m.group(2))
            if unit:
                value = m.group(1).replace(",", "")
                found.append(Figure(n, value, unit, m.group(0), sentence))
    return found


@dataclass(frozen=True)
class Disagreement:
    first: Figure
    second: Figure

    def describe(self) -> str:
        return f"passage [{self.first.n}] says {self.first.text} and passage [{self.second.n}] says {self.second.text}"


def disagreements(question: str, passages: Sequence[Passage]) -> list[Disagreement]:
    """Pairs of figures from different stories that answer the same "how many/much" question
    differently. Only for questions that ask for an amount; other questions get none."""
    if expected(question) is not Kind.NUMBER:
        return []
    asked = content_stems(question)
    story = [p.group or p.doc_id for p in passages]
    all_figures = [f for i, p in enumerate(passages, start=1) for f in figures(i, p.text)]
    words = {f.sentence: content_stems(f.sentence) - content_stems(f.unit) for f in all_figures}
    found: list[Disagreement] = []
    seen: set[tuple[str, str, str]] = set()
    for i, a in enumerate(all_figures):
        for b in all_figures[i + 1 :]:
            if a.unit != b.unit or a.value == b.value or story[a.n - 1] == story[b.n - 1]:
                continue
            if len(words[a.sentence] & words[b.sentence]) < SHARED_WORDS:
                continue
            if max(len(words[a.sentence] & asked), len(words[b.sentence] & asked)) < QUESTION_WORDS:
                continue
            key = (a.unit, *sorted((a.value, b.value)))
            if key not in seen:
                seen.add(key)
                found.append(Disagreement(a, b))
    return found[:MAX_NOTES]
