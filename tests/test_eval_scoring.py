"""The eval's scoring: facts, refusals, citation validity and support."""

from evals.scoring import (
    citation_counts,
    cited_sentences,
    facts_found,
    is_correct,
    lexically_supported,
    looks_like_refusal,
)
from qa.answering.prompts import refusal_sentence

PASSAGES = [
    "Qaim, about 320 kilometres west of Baghdad, was used by ISIS to ferry fighters.",
    "Prime Minister Haider al-Abadi pledged the battle will be finished within days.",
]


def test_a_fact_matches_any_variant_ignoring_case_dashes_and_markers():
    text = "Government forces retook Deir ez\u2011Zor [1]. IS lost more than 96 per cent [2]."
    assert facts_found(text, [["Deir el-Zour", "deir ez-zor"], ["96 per cent", "96%"]]) == [True, True]
    assert facts_found(text, [["90 per cent"]]) == [False]


def test_a_two_word_name_may_be_written_family_name_first():
    assert is_correct("Liu Yifei is starring as Mulan [2].", [["Yifei Liu"]])
    assert not is_correct("Zhao won Best Director.", [["Chloé Zhao"]])  # a surname alone is not the name
    assert not is_correct("Liu Yifeix starred.", [["Yifei Liu"]])
    assert not is_correct("in May 2012", [["15 May 2012"]])  # dates keep their order


def test_a_day_may_be_written_with_its_ordinal_ending():
    assert is_correct("The event was held on October 19th, 2021 [1].", [["October 19, 2021", "Oct 19, 2021"]])
    assert not is_correct("The event was held on October 19th [1].", [["October 19, 2021"]])
    assert not is_correct("It was held on October 1st, 2021.", [["October 19, 2021"]])
    assert is_correct("It was held on the 19th of October.", [["19 of October"]])
    assert not is_correct("She finished 5th with 3 points.", [["3rd"]])  # only a day's ending goes


def test_correct_needs_every_fact():
    facts = [["90 per cent"], ["96 per cent"]]
    assert is_correct("Sources say 90 per cent [1] and 96 per cent [2].", facts)
    assert not is_correct("IS lost 96 per cent of its land [2].", facts)
    assert not is_correct("anything", [])


def test_refusals_are_recognised_in_either_system_s_words():
    assert looks_like_refusal(refusal_sentence())
    assert looks_like_refusal("The provided sources do not mention the number of civilians killed.")
    assert looks_like_refusal("I'm sorry, but I cannot answer that based on the sources.")
    assert looks_like_refusal("")
    assert not looks_like_refusal("Qaim is about 320 kilometres west of Baghdad [1].")
    # only the opening sentence decides: a caveat after an answer is not a refusal
    assert not looks_like_refusal("Abadi pledged it would end within days [2]. The exact date is not given.")


def test_citation_validity_counts_markers_that_point_nowhere():
    assert citation_counts("Qaim fell [1]. Abadi spoke [2][5].", n_passages=2) == (2, 3)
    assert citation_counts("No markers here.", n_passages=2) == (0, 0)


def test_support_catches_an_invented_number_and_keeps_a_faithful_sentence():
    sentences = cited_sentences("Qaim is 320 kilometres west of Baghdad [1]. Qaim is 500 kilometres away [1].", PASSAGES)
    assert [c for _, c in sentences] == [[1], [1]]
    assert [lexically_supported(s, [PASSAGES[n - 1] for n in cited]) for s, cited in sentences] == [True, False]
    assert cited_sentences("Uncited sentence.", PASSAGES) == []


def test_the_question_s_year_may_be_given_by_the_cited_article_s_date():
    q = "Who is the CEO of Lego in 2021?"
    sentence = "The CEO of Lego in 2021 is Niels B. Christiansen."
    cut = ["how important Lego play has been, CEO Niels B. Christiansen tells TIME."]  # "Apr 26, 2021" cut off
    assert lexically_supported(sentence, cut, q, ["2021-04-26"])
    assert not lexically_supported(sentence, cut, q, ["2019-04-26"])
    assert not lexically_supported(sentence, cut, q)
    # a year the question did not ask for is not given by the date
    assert not lexically_supported("Christiansen became CEO in 2017.", cut, q, ["2017-01-01"])


def test_a_name_written_without_its_accents_is_found():
    from evals.scoring import facts_found

    assert facts_found("Chloe Zhao won Best Director [4].", [["Chloé Zhao"]]) == [True]
    assert facts_found("Tadej Pogačar won [1].", [["Tadej Pogacar"]]) == [True]
    assert facts_found("Chloe Zhao won [4].", [["Zhao Chloé Jr"]]) == [False]
