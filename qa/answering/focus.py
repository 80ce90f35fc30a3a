"""A second, focused try when the answer missed the passage the question is about.

The small model, given five passages, sometimes answers from a passage that shares a few
of the question's words instead of the one that holds them all (asked near which city IS
still has a small presence, it named the border towns of one passage while another says
"a small IS presence near Damascus"). Asked again with only the passage(s) that hold most
of the question's words, it answers from them.

Written by hand (no library in our stack re-asks on a failed check). The question's
content words (Porter stems, spelling variants allowed) that a passage holds say how well
it matches the question; the passages that hold the most of its rare words, then of all
its words, are the focused ones. A retry is made when such a passage holds at least
`MARGIN` more of the question's words than the cited passages' articles hold among the
passages, `MARGIN` of them rare ones (held by few of the passages, so they pick out what
the question is about) that those articles do not hold. Common words ("Syrian", "army")
and spelling variants of a place name alone do not make a passage a better match.

Never after a refusal, the model's or the checks': asking again until something passes
would turn "the articles do not say" into a guess (measured on the dev set: a dropped
"Qaim is still held" became "the border town of Bukamal", a wrong town; over five archive
splits, asking again over the passages a refused draft did not cite made 3 answers right,
14 wrong and 24 absent facts answered: `evals/measurements/2026-12-01-splits`). A draft the
checks refused has its own, narrower second try (`qa.answering.avoid`). The retry's
answer goes through the same checks and replaces the first one only when something of it
survives them.
"""

from __future__ import annotations

from collections.abc import Sequence

from qa.answering.citations import Claim, render, split_claims
from qa.text import content_stems, spelt_alike
from qa.types import Answer, Passage

MARGIN = 2  # question words (and rare ones) the best passage holds beyond the cited ones
RARE_SHARE = 0.4  # a question word held by at most this share of the passages is rare
MAX_FOCUSED = 2  # passages given to the retry


def held(question_stems: set[str], passage_text: str) -> set[str]:
    """The question's content stems that the passage holds (spelling variants allowed)."""
    words = content_stems(passage_text)
    return {q for q in question_stems if q in words or any(spelt_alike(q, w) for w in words)}


def retry_passages(question: str, answer: Answer, passages: Sequence[Passage]) -> list[int]:
    """The numbers (1-based) of the passages to ask again with; empty when no retry is due.

    `answer` is what the checks made of the model's reply. Words of the
    question that most passages hold ("Syrian", "army") do not tell the passages apart;
    only the rare ones count, as IDF does in search."""
    cited = {c.n for c in answer.citations}
    if not cited or not passages:  # a refusal cites nothing: "the articles do not say" stands
        return []
    terms = content_stems(question)
    holds = [held(terms, p.text) for p in passages]
    limit = max(1, int(len(passages) * RARE_SHARE))
    rare = {t for t in terms if sum(t in h for h in holds) <= limit}
    ranks = [(len(h & rare), len(h)) for h in holds]
    best = max(ranks)
    if best[0] == 0:
        return []
    focused = [n for n, r in enumerate(ranks, start=1) if r == best][:MAX_FOCUSED]
    top = holds[focused[0] - 1]
    # What the answer rests on is the cited passages' articles: a question's words split
    # over two passages of one article still name that article's story, and the answer
    # did not miss it.
    articles = {passages[n - 1].doc_id for n in cited}
    cited_terms = set().union(*(h for p, h in zip(passages, holds) if p.doc_id in articles))
    more_words = len(top) - len(cited_terms)
    if more_words >= MARGIN and len(top & rare - cited_terms) >= MARGIN:
        return focused
    return []


def renumber(reply: str, numbers: Sequence[int]) -> str:
    """A reply written over `passages[numbers[0]-1], passages[numbers[1]-1], …` (cited as
    [1], [2], …) with its markers pointing into the full list instead; markers that point
    at no passage of the subset are dropped (as for any reply)."""
    claims = split_claims(reply, len(numbers))
    return render([Claim(c.text, tuple(numbers[n - 1] for n in c.cited), c.joined) for c in claims])
