import pytest

from qa.answering.citations import (
    Claim,
    is_refusal,
    marker_numbers,
    render,
    split_claims,
    strip_markers,
)


@pytest.mark.parametrize(
    "inner, expected",
    [("1", [1]), ("1, 2", [1, 2]), ("2-4", [2, 3, 4]), ("Passage 3", [3]), ("1 and 3", [1, 3]), ("5–6", [5, 6])],
)
def test_marker_numbers(inner, expected):
    assert marker_numbers(inner) == expected


def test_split_claims_keeps_markers_with_their_sentence():
    text = "The city fell on Friday [1]. Iraqi forces took Qaim. [2][3] Nothing else [4, 9]."
    assert split_claims(text, 4) == [
        Claim("The city fell on Friday.", (1,)),
        Claim("Iraqi forces took Qaim.", (2, 3)),
        Claim("Nothing else.", (4,)),
    ]


def test_numbers_that_point_at_no_passage_are_dropped():
    claims = split_claims("Paris is the capital [7]. The army won [0][2].", 3)
    assert [c.cited for c in claims] == [(), (2,)]


def test_other_marker_styles():
    claims = split_claims("It lies on the Euphrates [Passage 2]. It was held by IS 【1】.", 2)
    assert [c.cited for c in claims] == [(2,), (1,)]


def test_years_and_parentheses_are_not_markers():
    claims = split_claims("Qaim is 320 kilometers (200 miles) from Baghdad, a city taken in 2014 [1].", 1)
    assert claims == [Claim("Qaim is 320 kilometers (200 miles) from Baghdad, a city taken in 2014.", (1,))]


def test_render_puts_markers_before_the_final_stop():
    assert render([Claim("A fact.", (1, 2)), Claim("Another one", (3,))]) == "A fact [1][2]. Another one [3]"


def test_strip_markers():
    assert strip_markers("One [1]. Two [2, 3].") == "One. Two."


def test_refusal_detection():
    refusal = "I cannot answer that from the articles I have."
    assert is_refusal("I cannot answer that from the articles I have. [1]", refusal)
    assert not is_refusal("The army entered the city [1].", refusal)


def test_abbreviations_do_not_end_sentences():
    claims = split_claims("Brig. Gen. Ali Mayhoub called it a victory [1]. U.S. forces were not there [2].", 2)
    assert [c.text for c in claims] == ["Brig. Gen. Ali Mayhoub called it a victory.", "U.S. forces were not there."]
    assert split_claims("It was held by IS. Then it fell [1].", 1)[0].text == "It was held by IS."


def test_all_markers_keeps_invalid_numbers_for_scoring():
    from qa.answering.citations import all_markers

    assert all_markers("Raqqa fell [1]. It was in 2017 [7][2-3]. No marker.") == [1, 7, 2, 3]


def test_a_sentence_citing_in_its_middle_is_split_into_clauses_and_rendered_back():
    text = "It lost 90 per cent [1], or 96 per cent according to another report [2]. It fell [3]."
    claims = split_claims(text, 3)
    assert claims == [
        Claim("It lost 90 per cent", (1,)),
        Claim(", or 96 per cent according to another report.", (2,), joined=True),
        Claim("It fell.", (3,)),
    ]
    assert render(claims) == text
    assert render([claims[0], claims[2]]) == "It lost 90 per cent [1]. It fell [3]."


def test_adjacent_markers_do_not_split_a_sentence():
    assert split_claims("Iraqi forces took Qaim [2][3].", 3) == [Claim("Iraqi forces took Qaim.", (2, 3))]


def test_a_looping_reply_keeps_each_clause_once():
    from qa.answering.citations import render, split_claims, without_repeats

    reply = ("320 kilometers (200 miles) west of Baghdad [1], 320 kilometers (200 miles) west of Baghdad [1], "
             "320 kilometers (200 miles) west of Baghdad [1]. It lies on the Euphrates [2]. "
             "320 kilometers (200 miles) west of Baghdad [1].")
    kept = render(without_repeats(split_claims(reply, 2)))
    assert kept == "320 kilometers (200 miles) west of Baghdad [1]. It lies on the Euphrates [2]."
    # a sentence that repeats only partly keeps its new clause
    partly = "Qaim fell [1]. Qaim fell [1], and Rawa is next [2]."
    assert render(without_repeats(split_claims(partly, 2))) == "Qaim fell [1]. Qaim fell [1], and Rawa is next [2]."


def test_a_run_of_markers_is_one_group_and_leaves_no_commas_behind():
    # seen from the real model: "[1], [2], [3], [4], and [5]." came out as "forces,,, [1][2][4]"
    reply = "Haider al-Abadi congratulated the Iraqi forces [1], [2], [3], [4], and [5]."
    [claim] = split_claims(reply, 5)
    assert claim == Claim("Haider al-Abadi congratulated the Iraqi forces.", (1, 2, 3, 4, 5))
    assert render([Claim(claim.text, (1, 2, 4))]) == "Haider al-Abadi congratulated the Iraqi forces [1][2][4]."
    assert strip_markers(reply) == "Haider al-Abadi congratulated the Iraqi forces."
    # words between two markers still make two clauses
    assert [c.text for c in split_claims("It fell in July [1], and Raqqa in October [2].", 2)] == [
        "It fell in July", ", and Raqqa in October."]
