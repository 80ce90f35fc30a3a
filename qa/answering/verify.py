"""Check each sentence of an answer against the passages, and fix or drop its citations.

A deterministic lexical check, written by hand because llama-index's evaluators need a
judge model (too slow and too unreliable at 1.5B to run on every answer). A passage
*supports* a sentence when:

- every number of the sentence appears in the passage (so invented figures fail), even
  a number the question gave: "Who won in 2018?" answered from a passage about 2022 is
  the right event with a fact no passage gives (the question's year may be given by the
  article's date instead, as may the year of a day the passage writes without one: "debut
  on Netflix on Nov 15" in an article of 2020-11-13 is November 15, 2020); and a figure
  the sentence gives as money is money there too;
- every name of the sentence (a capitalised word that is not its first word) appears in
  the passage or the question, allowing for spelling variants ("Zour" in "Alzour", "Zor"
  for "Zour"), so invented people and places fail;
- at least half of the sentence's other content words (Porter stems; stop words, the
  question's words and attribution such as "another report" left out) appear in it;
- and it binds the answer to the question's year, quarter or men's/women's (`binding`):
  the passage says 2020's winner won in 2018, or the women's champion won the women's title;
- and, when the sentence says one of the question's names again, the passage's article
  names it too (`topic`): "Liu Yifei is the lead actress in La La Land" is not supported by
  an article about Mulan.

A claim that the answer won what any passage says it lost in the asked year ("Serena
Williams lost to Bianca Andreescu in the 2019 final") is dropped, whatever other passages
say; that passage's sentence is kept aside (`Checked.contradictions`): it tells who won.

Cited passages that do not support their sentence are replaced by the passage that does,
an uncited sentence gets the passage that clearly supports it, and a sentence that no
passage supports is dropped. An answer with nothing left becomes the refusal. One wrong
figure is corrected instead: a cited passage's article date given as the day of what it
reports ("October 20, 2021" from an article of that day that says "on 19th October") becomes
the one day of that month its text gives, when the passage then supports the sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from qa.answering.binding import binds, lost_in
from qa.answering.citations import Claim, sentence_of, split_claims
from qa.answering.editions import names_the_work
from qa.answering.injection import neutralise
from qa.answering.topic import about, restated
from qa.dates import dateline_corrected, days_without_year, days_written, year_of
from qa.text import NOT_NAMES, STOP, TOKEN, content_stems, money, numbers, spelt_alike, stem
from qa.types import Passage

MIN_COVERAGE = 0.5
# Words no sentence ends in: one that does is a passage's cut-off sentence copied up to its
# "..." ("... inserting virtual 3-D objects into the real world around people wearing the"),
# which states nothing. Only words that cannot close a sentence: "of", "at", "from", "in"
# can ("the university she graduated from", "the team he played in").
UNFINISHED = frozenset("the a an and or but their its my our your whose".split())
# Words that say where a claim comes from, not what it is ("according to another report").
ATTRIBUTION_WORDS = "another one other report reports reported source sources article articles outlet"


@lru_cache(maxsize=1)
def _attribution() -> frozenset[str]:  # stemmed on first use, not at import time
    return frozenset(content_stems(ATTRIBUTION_WORDS))


def _unknown_names(sentence_names: set[str], words: set[str]) -> set[str]:
    return {n for n in sentence_names if n not in words and not any(spelt_alike(n, w) for w in words)}


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


def support(sentence: str, passage_text: str, given: str = "", dates: Iterable[str | None] = ()) -> Support:
    """How well `passage_text` supports `sentence`. Words and names of `given` (the
    question) are the user's own: restating them is not a claim to check, and a sentence
    that only restates them supports nothing (coverage 0). Its numbers are not: they pick
    the event, and the passage must be about that one, by its text or, for the question's
    year, by its article's date (`dates`, ISO): "Apr 26, 2021 ... CEO Niels B. Christiansen
    tells TIME" is about 2021 once its dateline is cut from the text and kept as the date;
    and a day the passage writes without its year has the year its date gives it ("Nov
    15" in an article of 2020-11-13 is November 15, 2020)."""
    known = content_stems(given)
    dates = tuple(dates)
    dated = frozenset().union(*(year_of(d) for d in dates)) & numbers(given)
    # "debuts on Netflix on Nov 15" in an article of 2020-11-13 says "November 15, 2020"
    resolved = days_written(sentence) & frozenset().union(*(days_without_year(passage_text, d) for d in dates))
    dated |= {str(n) for day in resolved for n in (day[0], day[2])}
    words = content_stems(sentence) - known - _attribution()
    passage_words = content_stems(passage_text)
    if words:
        coverage = len(words & passage_words) / len(words)
    else:  # a clause that is only a figure or a name ("or 96 per cent [2]") claims just that
        coverage = 1.0 if numbers(sentence) - numbers(given) or names(sentence) - known else 0.0
    return Support(
        coverage=coverage,
        # a figure given as money must be money in the passage too: Tesla's "386,759"
        # vehicles are not "$386,759" of revenue
        missing_numbers=frozenset(numbers(sentence) - numbers(passage_text) - dated
                                  | money(sentence) - money(passage_text, loose=True)),
        missing_names=frozenset(_unknown_names(names(sentence), passage_words | known)),
    )


def unfinished(sentence: str) -> bool:
    """Whether `sentence` stops mid-clause: its last word is "the", "and", "their" ... in
    lower case ("Plan A" is finished)."""
    words = TOKEN.findall(sentence)
    return bool(words) and words[-1] in UNFINISHED


def best_quote(sentence: str, passage_text: str) -> str:
    """The sentence of the passage that shares the most content words with `sentence`."""
    words = content_stems(sentence)
    parts = [c.text for c in split_claims(passage_text, 0)] or [passage_text]
    return max(parts, key=lambda s: len(words & content_stems(s)))


@dataclass(frozen=True)
class Checked:
    claims: list[Claim]
    dropped: list[str]
    # (passage number, its sentence) that contradicts a dropped claim: "X lost to Y" for "X won"
    contradictions: list[tuple[int, str]] = field(default_factory=list)


def check_claims(claims: Sequence[Claim], passages: Sequence[Passage], question: str = "",
                 articles: Sequence[str] | None = None) -> Checked:
    """Keep supported sentences (and clauses) with citations of passages that support them.
    The clauses that continue a dropped sentence go with it. `articles`, when known: the
    whole text of each passage's article; a passage whose article names none of the
    question's names that the sentence says again does not support it (`topic`)."""
    kept: list[Claim] = []
    dropped: list[str] = []
    contradictions: list[tuple[int, str]] = []
    head_kept = False
    # against what the model was shown: instructions hidden in an article support nothing
    shown = {n: neutralise(p.text) for n, p in enumerate(passages, start=1)}
    for i, claim in enumerate(claims):
        if claim.joined and not head_kept:
            dropped.append(claim.text)
            continue
        if unfinished(sentence_of(claims, i)):  # the whole sentence: "came in at [1] $6.3 billion [2]" is whole
            dropped.append(claim.text)
            head_kept = head_kept and claim.joined
            continue
        lost = next(((n, said) for n, text in shown.items()
                     if (said := lost_in(claim.text, text, question, passages[n - 1].date))), None)
        if lost:  # a passage says the answer lost what the claim says it won
            contradictions.append(lost)
            dropped.append(claim.text)
            head_kept = head_kept and claim.joined
            continue
        def supported_by(text: str, numbers: Iterable[int]) -> list[int]:
            """The passages among `numbers` that support `text`, best covered first."""
            results = {n: support(text, shown[n], question, (passages[n - 1].date,)) for n in numbers}
            names = restated(text, question)
            ok = [n for n, r in results.items() if r.ok and binds(text, shown[n], question, passages[n - 1].date)
                  and (articles is None or about(names, articles[n - 1]) and names_the_work(question, articles[n - 1]))]
            return sorted(ok, key=lambda n: -results[n].coverage)

        supporting = supported_by(claim.text, shown)
        good_cited = tuple(n for n in claim.cited if n in supporting)
        if good_cited:
            kept.append(Claim(claim.text, good_cited, claim.joined))
        elif supporting:
            kept.append(Claim(claim.text, (supporting[0],), claim.joined))
        elif corrected := _dateline_corrected(claim, shown, passages, supported_by):
            kept.append(corrected)
        else:
            dropped.append(claim.text)
            head_kept = head_kept and claim.joined
            continue
        head_kept = True
    return Checked(kept, dropped, contradictions)


def _dateline_corrected(claim: Claim, shown: dict[int, str], passages: Sequence[Passage],
                        supported_by: Callable[[str, Iterable[int]], list[int]]) -> Claim | None:
    """The claim with its cited passage's article date, given as the day of the event,
    replaced by the day the passage's text gives (`qa.dates.dateline_corrected`), when the
    passage then supports it."""
    for n in claim.cited:
        if n in shown and (text := dateline_corrected(claim.text, shown[n], passages[n - 1].date)) \
                and supported_by(text, (n,)):
            return Claim(text, (n,), claim.joined)
    return None
