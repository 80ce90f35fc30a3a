"""Build the prompt from numbered passages and turn the model's reply into an `Answer`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from qa.answering import prompts
from qa.answering.answer_type import answering_sentence, answers
from qa.answering.binding import binds
from qa.answering.citations import (
    Claim, is_refusal, render, sentence_of, split_claims, strip_markers, without_repeats,
)
from qa.answering.conflicts import disagreements
from qa.answering.editions import names_the_work
from qa.answering.injection import neutralise
from qa.answering.topic import about, restated
from qa.answering.verify import best_quote, check_claims
from qa.dates import add_years
from qa.models.llm import Message
from qa.types import Answer, Citation, Passage, Timings


def _origin(p: Passage) -> str:
    return ", ".join(x for x in (p.source or "unnamed outlet", p.date) if x)


def format_passages(passages: Sequence[Passage]) -> str:
    template = prompts.load("passage")
    return "\n\n".join(
        template.render(n=i, origin=_origin(p), text=neutralise(p.text)) for i, p in enumerate(passages, start=1)
    )


def build_messages(
    question: str, passages: Sequence[Passage], history: Sequence[tuple[str, str]] = ()
) -> list[Message]:
    """System rules, the earlier turns (answers without markers), then passages + question."""
    system = prompts.load("answer_system").render()
    messages: list[Message] = [{"role": "system", "content": system}]
    # Worked examples on an unrelated topic (an answer, a refusal) show the format: small
    # models copy an example that is only described ("First fact [1].") instead of following it.
    example_passages, *turns = (
        part.strip()
        for part in prompts.load("answer_example").render(refusal=prompts.refusal_sentence()).split("\n---\n")
    )
    for example_question, example_answer in zip(turns[::2], turns[1::2]):
        messages.append({"role": "user", "content": _user_turn(example_passages, example_question)})
        messages.append({"role": "assistant", "content": example_answer})
    for past_question, past_answer in history:
        messages.append({"role": "user", "content": past_question})
        messages.append({"role": "assistant", "content": strip_markers(past_answer)})
    turn = _user_turn(format_passages(passages), question)
    found = disagreements(question, passages)
    if found:  # last, where the small model heeds it (placed after the passages, it was ignored)
        turn += "\n\n" + prompts.load("disagreement").render(figures="; ".join(d.describe() for d in found))
    messages.append({"role": "user", "content": turn})
    return messages


def _user_turn(passages: str, question: str) -> str:
    return prompts.load("answer_user").render(passages=passages, question=question, refusal=prompts.refusal_sentence())


def refusal(question: str, passages: Sequence[Passage], timings: Timings) -> Answer:
    return Answer(
        question=question,
        text=prompts.refusal_sentence(),
        refused=True,
        citations=[],
        passages=list(passages),
        timings=timings,
    )


def _quotable(question: str, candidates: list[tuple[int, str]], passages: Sequence[Passage],
              articles: Sequence[str] | None) -> tuple[int, str] | None:
    """The passage sentence that answers the question (`answering_sentence`) and is bound
    as any answer is: not another edition's, year's or body's, from an article about what
    it names; the next passage's best when one is not."""
    while candidates:
        found = answering_sentence(question, candidates)
        if found is None:
            return None
        n, sentence = found
        if binds(sentence, dict(candidates)[n], question, passages[n - 1].date) \
                and (articles is None or about(restated(sentence, question), articles[n - 1])
                     and names_the_work(question, articles[n - 1])):
            return found
        candidates = [(m, text) for m, text in candidates if m != n]
    return None


def answerable_here(question: str, passages: Sequence[Passage], articles: Sequence[str] | None = None) -> bool:
    """Whether a passage holds a sentence that gives the kind of answer the question asks
    for, bound as any answer must be (`_quotable`): that a second draft has something to find."""
    candidates = [(n, neutralise(p.text)) for n, p in enumerate(passages, start=1)]
    return _quotable(question, candidates, passages, articles) is not None


def finish(question: str, reply: str, passages: Sequence[Passage], timings: Timings,
           articles: Sequence[str] | None = None) -> Answer:
    """Check the reply sentence by sentence against the passages (see `qa.answering.verify`).

    Unsupported sentences are dropped; if nothing is left, or if the model refused, the
    answer is the fixed refusal, unless a passage contradicted the reply (it named the
    loser as the winner): that passage's sentence, quoted, is the answer. If what is left
    does not give the kind of answer the question asks for (`qa.answering.answer_type`),
    the sentence of a cited passage that does, and that binds it as any answer must
    (`qa.answering.binding`), is the answer, quoted; without one, the refusal.
    `articles`, when known, hold the whole text of each passage's article: a passage whose
    article names none of the question's names that a sentence says again does not
    support that sentence (`qa.answering.topic`). A day the answer gives without its year
    gets the year its cited passages give it (`qa.dates.add_years`).
    """
    if not reply.strip() or is_refusal(reply, prompts.refusal_sentence()):
        return refusal(question, passages, timings)
    checked = check_claims(split_claims(reply, len(passages)), passages, question, articles)
    claims = without_repeats(checked.claims)
    if not claims and checked.contradictions:
        # the model named the loser of the asked final: the sentence that says so, quoted,
        # tells the user who won ("X lost to Y in the 2019 final")
        n, sentence = checked.contradictions[0]
        claims = [Claim(sentence, (n,))] if answers(question, sentence) else []
    if not claims:
        return refusal(question, passages, timings)
    if not answers(question, render(claims)):
        # the reply restates the question without the asked fact: a passage may say it
        # (the cited ones first, then the others in their order)
        order = dict.fromkeys([*(n for c in claims for n in c.cited), *range(1, len(passages) + 1)])
        found = _quotable(question, [(n, neutralise(passages[n - 1].text)) for n in order], passages, articles)
        if found is None:
            return refusal(question, passages, timings)
        claims = [Claim(found[1], (found[0],))]
    # "November 12" in an archive of many Novembers: the year its passages give it
    claims = [replace(c, text=add_years(c.text, [(neutralise(passages[n - 1].text), passages[n - 1].date)
                                                 for n in c.cited],
                                                 context=f"{sentence_of(claims, i)} {question}"))
              for i, c in enumerate(claims)]
    claims_by_n: dict[int, list[str]] = {}
    for claim in claims:
        for n in claim.cited:
            claims_by_n.setdefault(n, []).append(claim.text)
    citations = [
        Citation(n=n, passage=passages[n - 1], quote=best_quote(" ".join(texts), passages[n - 1].text))
        for n, texts in sorted(claims_by_n.items())
    ]
    return Answer(
        question=question,
        text=render(claims),
        refused=False,
        citations=citations,
        passages=list(passages),
        timings=timings,
    )
