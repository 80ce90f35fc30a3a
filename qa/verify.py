"""Check each sentence of an answer against the passages, and fix or drop its citations.

A deterministic lexical check, written by hand because llama-index's evaluators need a
judge model (too slow and too unreliable at 1.5B to run on every answer). A passage
*supports* a sentence when:

- every number of the sentence appears in the passage (so invented figures fail);
- every name of the sentence (a capitalised word that is not its first word) appears in
  the passage (so invented people and places fail);
- most of the sentence's content words (Porter stems, stop words left out) appear in it.

Cited passages that do not support their sentence are replaced by the passage that does,
an uncited sentence gets the passage that clearly supports it, and a sentence that no
passage supports is dropped. An answer with nothing left becomes the refusal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.citations import Claim, split_claims
from qa.injection import neutralise
from qa.text import NOT_NAMES, STOP, TOKEN, content_stems, numbers, stem
from qa.types import Passage

MIN_COVERAGE = 0.6


def names(sentence: str) -> set[str]:
    """Stems of capitalised words that are not the sentence's first word."""
    tokens = TOKEN.findall(sentence)
    return {
        stem(t)
        for i, t in enumerate(tokens)
        if i > 0 and t[0].isupper() and t.lower() not in NOT_NAMES and t.lower() not in STOP
    }


@dataclass(frozen=True)
class Support:
    coverage: float  # share of the sentence's content stems found in the passage
    missing_numbers: frozenset[str]
    missing_names: frozenset[str]

    @property
    def ok(self) -> bool:
        return not self.missing_numbers and not self.missing_names and self.coverage >= MIN_COVERAGE


def support(sentence: str, passage_text: str, given: str = "") -> Support:
    """How well `passage_text` supports `sentence`. Words, names and numbers of `given`
    (the question) are the user's own: restating them is not a claim to check, and a
    sentence that only restates them supports nothing (coverage 0)."""
    known = content_stems(given)
    words = content_stems(sentence) - known
    passage_words = content_stems(passage_text)
    coverage = len(words & passage_words) / len(words) if words else 0.0
    return Support(
        coverage=coverage,
        missing_numbers=frozenset(numbers(sentence) - numbers(passage_text) - numbers(given)),
        missing_names=frozenset(names(sentence) - passage_words - known),
    )


def best_quote(sentence: str, passage_text: str) -> str:
    """The sentence of the passage that shares the most content words with `sentence`."""
    words = content_stems(sentence)
    parts = [c.text for c in split_claims(passage_text, 0)] or [passage_text]
    return max(parts, key=lambda s: len(words & content_stems(s)))


@dataclass(frozen=True)
class Checked:
    claims: list[Claim]
    dropped: list[str]


def check_claims(claims: Sequence[Claim], passages: Sequence[Passage], question: str = "") -> Checked:
    """Keep supported sentences with citations of passages that support them."""
    kept: list[Claim] = []
    dropped: list[str] = []
    for claim in claims:
        # against what the model was shown: instructions hidden in an article support nothing
        results = {
            n: support(claim.text, neutralise(p.text), question) for n, p in enumerate(passages, start=1)
        }
        good_cited = tuple(n for n in claim.cited if results[n].ok)
        if good_cited:
            kept.append(Claim(claim.text, good_cited))
            continue
        supporting = sorted((n for n, r in results.items() if r.ok), key=lambda n: -results[n].coverage)
        if supporting:
            kept.append(Claim(claim.text, (supporting[0],)))
        else:
            dropped.append(claim.text)
    return Checked(kept, dropped)
