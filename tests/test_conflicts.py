from qa.answering.conflicts import disagreements
from qa.answering.generate import build_messages
from qa.types import Passage

QUESTION = "How much of the territory it once held has Islamic State lost?"


def passage(doc: str, text: str, group: str = "") -> Passage:
    return Passage(id=f"{doc}:0", doc_id=doc, title="t", span=(0, len(text)), text=text, group=group)


NINETY = passage("a", "The group has lost more than 90 per cent of the territory it once held in Iraq and Syria.")
NINETY_SIX = passage("b", "IS has been driven from more than 96 per cent of the parts of Iraq and Syria it once held.")


def test_different_figures_from_two_stories_are_pointed_out_to_the_model():
    found = disagreements(QUESTION, [NINETY, NINETY_SIX])
    assert [d.describe() for d in found] == ["passage [1] says 90 per cent and passage [2] says 96 per cent"]
    turn = build_messages(QUESTION, [NINETY, NINETY_SIX])[-1]["content"]
    assert turn.rstrip().endswith("Give both figures, each with its passage number.")
    assert "passage [1] says 90 per cent" in turn


def test_no_disagreement_without_two_stories_one_unit_one_subject_and_an_amount_question():
    same_story = passage("b", NINETY_SIX.text, group="a")
    assert disagreements(QUESTION, [passage("a", NINETY.text, group="a"), same_story]) == []
    other_subject = passage("b", "Turnout was 96 per cent in the village, officials said.")
    assert disagreements(QUESTION, [NINETY, other_subject]) == []
    other_unit = passage("b", "Some 96 fighters were driven from the parts of Iraq and Syria it once held.")
    assert disagreements(QUESTION, [NINETY, other_unit]) == []
    assert disagreements("Which territory has Islamic State lost?", [NINETY, NINETY_SIX]) == []
    assert disagreements(QUESTION, [NINETY, passage("b", NINETY.text)]) == []  # same figure
    assert "disagree" not in build_messages("Which territory has it lost?", [NINETY, NINETY_SIX])[-1]["content"]


def test_a_what_percentage_question_asks_for_an_amount_too():
    found = disagreements("What percentage of its territory has IS lost?", [NINETY, NINETY_SIX])
    assert [d.describe() for d in found] == ["passage [1] says 90 per cent and passage [2] says 96 per cent"]
