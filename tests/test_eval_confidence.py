"""The confidence study's arithmetic (evals/confidence.py): P(yes) from log-probabilities,
AUROC, and the trade-off table."""

import math
from types import SimpleNamespace as NS

from evals.confidence import auroc, p_yes, summarise


def test_auroc_counts_pairs_ranked_right_and_ties_as_half():
    assert auroc([0.9, 0.8], [0.1, 0.2]) == 1.0
    assert auroc([0.1], [0.9]) == 0.0
    assert auroc([0.5, 0.9], [0.5]) == 0.75
    assert auroc([], [0.3]) is None


def test_p_yes_reads_every_spelling_of_yes_and_no_among_the_top_tokens():
    top = [NS(token="yes", logprob=math.log(0.5)), NS(token=" Yes", logprob=math.log(0.2)),
           NS(token="No", logprob=math.log(0.2)), NS(token="Maybe", logprob=math.log(0.1))]
    reply = NS(choices=[NS(logprobs=NS(content=[NS(top_logprobs=top)]))])
    client = NS(chat=NS(completions=NS(create=lambda **kw: reply)))
    assert abs(p_yes(client, "m", "q") - 0.7 / 0.9) < 1e-9


def test_the_trade_off_refuses_answers_under_the_threshold():
    rows = [
        {"answerable": True, "correct": True, "refused": False, "signals": {"answer": 0.9, "grounded": 0.8}},
        {"answerable": True, "correct": False, "refused": False, "signals": {"answer": 0.6, "grounded": 0.2}},
        {"answerable": False, "correct": False, "refused": False, "signals": {"answer": 0.7, "grounded": 0.1}},
        {"answerable": False, "correct": False, "refused": True},
    ]
    s = summarise(rows)
    assert s["grounded"]["auroc"] == 1.0 and s["answer"]["auroc"] == 1.0
    at = {t["threshold"]: t for t in s["grounded"]["trade_off"]}
    assert at[0.5] == {"threshold": 0.5, "answerable_right": 0.5, "absent_refused": 1.0, "answerable_refused": 0.5}
    assert s["as_is"] == {"answerable_right": 0.5, "absent_refused": 0.5, "answerable_refused": 0.0}
