"""A second draft when the checks refused the first: the same passages, the refused answer barred.

Over an archive the small model fixes on one wrong candidate among similar facts: the name
that echoes the question ("Brandon Maxwell" for the Maxwell Award, from a fashion award's
passage), the first date it reads (the Torna DLC's for Xenoblade Chronicles 2). The checks
refuse it, rightly; asked again over the same passages, even with the cited ones moved
last, it writes the same answer (`evals/measurements/2026-12-01-splits/reorder`). Barring
the refused answer's own words from the reply (a logit bias, applied by the model server)
makes it read the passages for another candidate: "Release date. December 1, 2017" for
Xenoblade Chronicles 2, the date Cyberpunk 2077 was delayed to rather than the one it was
once due.

Asked only when a passage holds a sentence that gives the kind of answer asked for and is
bound as any answer must be (`generate.answerable_here`): with none, a second draft can only
be another guess (asked after every refused draft, 22 more absent facts were answered over
five archive splits, before the bindings fixed with this; `evals/measurements/2026-12-01-splits`).
The second draft goes through the same checks, and replaces the refusal only when something
of it survives them as the model wrote it, and it is not the refused answer again
(`taken`). Never after the model's own refusal ("the articles do not say").

The words barred are the refused answer's: for a name, its capitalised words that the
question lacks; for a date, its month words. A figure's digits are not barred (they are
every number's tokens). Written by hand: no library in our stack re-asks with a bias.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.answering import prompts
from qa.answering.answer_type import MONTHS, TOKEN, Kind, answers, expected, new_names
from qa.answering.citations import is_refusal, split_claims, strip_markers
from qa.answering.generate import answerable_here
from qa.text import stem
from qa.types import Answer, Passage


@dataclass(frozen=True)
class SecondDraft:
    words: list[str]  # the refused answer's words, barred from the second draft
    extra: dict  # the request's fields that bar them (the chat model's `barring`)


def refused_words(question: str, reply: str) -> list[str]:
    """The words of the draft's answer: "Brandon Maxwell is the Maxwell Award winner in 2019"
    gives ["Brandon"]; "It was released on September 14, 2018" gives ["September"]."""
    text = strip_markers(reply)
    kind = expected(question)
    if kind in (Kind.DATE, Kind.TIME):
        asked = {w.lower() for w in TOKEN.findall(question)}
        found = [t for t in TOKEN.findall(text) if t.lower() in MONTHS and t.lower() not in asked]
    elif kind is Kind.NAME or kind is None:
        new = new_names(text, question)
        found = [t for t in TOKEN.findall(text) if t[:1].isupper() and stem(t) in new]
    else:
        found = []
    return sorted(set(found))


def repeats(answer: str, words: Sequence[str]) -> bool:
    """The second draft's checked answer gives the refused one again in other letters: the
    bias bars tokens, and "the country's joint operations command" has none of "Joint
    Operations Command"'s."""
    said = {t.lower() for t in TOKEN.findall(answer)}
    return bool(words) and all(w.lower() in said for w in words)


def taken(answer: Answer, reply: str, second: SecondDraft) -> bool:
    """Whether the checked second draft replaces the refusal: something of it survived the
    checks, as the model wrote it, and it is not the refused answer again (`repeats`).

    As written: a first draft's wrong citation is moved to the passage that says it, and an
    answer without the asked fact gets the passage sentence that gives it; a second chance
    gets neither. Over RGB's questions with no answer, both turned second drafts into wrong
    answers: "Serena Williams won the women's singles Wimbledon in 2018" moved to a passage
    where Kerber becomes champion "when Williams's return flops into the net", and "was
    ordered on [1]" for the first season's premiere replaced by "NBC ordered nine additional
    episodes on October 4, 2013"."""
    if answer.refused or repeats(answer.text, second.words):
        return False
    cited = {n for claim in split_claims(reply, len(answer.passages)) for n in claim.cited}
    return {c.n for c in answer.citations} <= cited and answers(answer.question, strip_markers(reply))


def second_draft(question: str, reply: str, passages: Sequence[Passage], articles: Sequence[str] | None,
                 llm: object) -> SecondDraft | None:
    """What to ask the model again with, after the checks refused `reply`; None when not to:
    the model refused, the answer has no words to bar, the model server cannot bar words
    (a hosted model's tokens are not known here), or no passage holds a bound answer."""
    barring = getattr(llm, "barring", None)
    if barring is None or not reply.strip() or is_refusal(reply, prompts.refusal_sentence()):
        return None
    words = refused_words(question, reply)
    if not words or not answerable_here(question, passages, articles):
        return None
    return SecondDraft(words=words, extra=barring(words))
