"""Score one answer: facts present, refusal, citation validity and support.

The same functions score our pipeline and the baseline, from the text each returns and
the passages each gave its model.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import numpy as np

from qa.answering.citations import all_markers, split_claims, strip_markers
from qa.answering.verify import support
from qa.dates import MONTHS

_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_QUOTES = {"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'}
# a day's ordinal ending next to its month: "October 19th", "19th of October" (not "5th")
_ORDINAL = re.compile(rf"\b((?:{MONTHS})\.? )(\d{{1,2}})(?:st|nd|rd|th)\b|\b(\d{{1,2}})(?:st|nd|rd|th)(?= (?:of )?(?:{MONTHS})\b)",
                      re.IGNORECASE)


def normalise(text: str) -> str:
    """Lower case, one kind of dash and quote, no accents ("Chloe Zhao" is "Chloé Zhao"), a
    day's number without its ordinal ending ("October 19th, 2021" is "October 19, 2021")."""
    text = _DASHES.sub("-", text)
    for a, b in _QUOTES.items():
        text = text.replace(a, b)
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = _ORDINAL.sub(lambda m: m[1] + m[2] if m[1] else m[3], text)
    return " ".join(strip_markers(text).lower().split())


def _forms(variant: str) -> list[str]:
    """A variant, and a two-word name in the other order: "Yifei Liu" is written "Liu Yifei"
    too (family name first)."""
    words = variant.split()
    if len(words) == 2 and all(w[:1].isupper() for w in words):
        return [variant, f"{words[1]} {words[0]}"]
    return [variant]


def facts_found(text: str, facts: Sequence[Sequence[str]]) -> list[bool]:
    """For each fact, whether one of its variants occurs in the text (case-insensitive; a
    person's two-word name in either order)."""
    norm = normalise(text)
    return [any(re.search(rf"(?<!\w){re.escape(normalise(f))}(?!\w)", norm) if f is not v else normalise(v) in norm
                for v in variants for f in _forms(v)) for variants in facts]


def all_found(found: Sequence[bool]) -> bool:
    """Correct: there were facts to find, and every one of them was found."""
    return bool(found) and all(found)


def is_correct(text: str, facts: Sequence[Sequence[str]]) -> bool:
    return all_found(facts_found(text, facts))


# Ways models say that the sources do not answer. Written by hand: the baseline has no
# fixed refusal sentence, so both systems are judged by the same phrase list.
_REFUSAL = re.compile(
    r"\b(?:cannot|can ?not|can't|unable to|not able to) (?:answer|determine|provide|find|say|tell|be determined)"
    r"|\b(?:do|does|did) not (?:contain|provide|mention|include|specify|say|state|give|offer|have|indicate|answer)"
    r"|\b(?:don't|doesn't) (?:contain|provide|mention|include|specify|say|state|give|have|know)"
    r"|\bno (?:information|mention|details?|data|answer|relevant)\b"
    r"|\b(?:is|are|was|were) not (?:mentioned|provided|specified|stated|available|given|known|clear|included)"
    r"|\binsufficient information\b|\bnot enough information\b|\bi do not know\b|\bunknown from\b",
    re.IGNORECASE,
)


def looks_like_refusal(text: str) -> bool:
    """An empty answer, or one whose first sentence says the sources do not answer."""
    claims = split_claims(text, 0)
    if not claims:
        return True
    return bool(_REFUSAL.search(claims[0].text))


def citation_counts(text: str, n_passages: int) -> tuple[int, int]:
    """(markers that point at a passage given to the model, all markers)."""
    numbers = all_markers(text)
    return sum(1 <= n <= n_passages for n in numbers), len(numbers)


def cited_sentences(text: str, passages: Sequence[str]) -> list[tuple[str, list[int]]]:
    """Each sentence with at least one valid marker, and the numbers (1-based) of the passages it cites."""
    return [(claim.text, list(claim.cited)) for claim in split_claims(text, len(passages)) if claim.cited]


def lexically_supported(sentence: str, cited: Sequence[str], question: str = "",
                        dates: Sequence[str | None] = ()) -> bool:
    """The deterministic check of `qa.answering.verify`: numbers, names and most content words of
    the sentence (beyond the question's own words) are in the passages it cites (the
    question's year may be their articles' `dates`)."""
    return support(sentence, "\n".join(cited), question, dates).ok


def percentile(values: Sequence[float], q: float) -> float | None:
    return float(np.percentile(values, q)) if values else None
