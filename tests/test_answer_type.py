from qa.answer import finish
from qa.answer_type import Kind, answers, expected
from qa.types import Passage, Timings


def test_the_first_wh_phrase_sets_the_kind():
    assert expected("How many fighters were captured?") is Kind.NUMBER
    assert expected("In what month did the siege end?") is Kind.TIME
    assert expected("And who made that accusation?") is Kind.NAME
    assert expected("Now that the town fell, which city do they still hold?") is Kind.NAME
    assert expected("What is the name of the officer?") is Kind.NAME
    # a "when" inside the question is not what it asks for
    assert expected("What word did he use when he congratulated them?") is None
    assert expected("How far is the town from Baghdad?") is None
    assert expected("Tell me about the offensive.") is None


def test_an_answer_of_another_kind_does_not_answer():
    assert answers("How many fighters were captured?", "About 300 fighters were captured.")
    assert answers("How many fighters were captured?", "Dozens of fighters were captured.")
    assert not answers("How many fighters were captured?", "The fighters now hold only the town of Rawa.")
    assert answers("When did the uprising begin?", "It began in March 2011.")
    assert answers("When did he say it?", "He said it on Thursday.")
    assert not answers("When did he say it?", "He said the battle was over.")


def test_a_name_question_needs_a_name_the_question_does_not_hold():
    question = "Now that al-Qaim has fallen, which Iraqi town do IS fighters still hold?"
    assert not answers(question, "The town of Qaim is still held by IS fighters.")
    assert answers(question, "IS fighters now hold only the town of Rawa.")
    # a weekday is not a name
    assert not answers("What is the name of the officer in Anbar?", "The officer in Anbar said Friday.")


def test_finish_refuses_an_answer_of_the_wrong_kind():
    passage = Passage(id="a:0", doc_id="a", title="t", span=(0, 1),
                      text="Having lost al-Qaim, IS fighters in Iraq now hold only the town of Rawa.")
    wrong = finish("How many IS fighters were captured at al-Qaim?",
                   "IS fighters in Iraq now hold only the town of Rawa [1].", [passage], Timings())
    assert wrong.refused
    right = finish("Which town do IS fighters still hold?",
                   "IS fighters in Iraq now hold only the town of Rawa [1].", [passage], Timings())
    assert not right.refused and right.citations[0].n == 1


def test_another_form_of_a_name_in_the_question_is_not_a_new_name():
    question = "What is the name of the Iraqi officer in Anbar?"
    assert not answers(question, "The Iraqi officer in Iraq's western Anbar region spoke on Friday.")
    assert answers(question, "The officer was Colonel Ahmed Jassim.")


def test_a_fraction_is_an_amount():
    assert answers("Roughly how much of the province do they hold?", "They hold about a third of it.")


def test_a_date_question_needs_a_calendar_date_not_a_weekday():
    question = "On what date exactly did the offensive begin?"
    assert expected(question) is Kind.DATE
    assert not answers(question, "The offensive began on Friday.")
    assert not answers(question, "The offensive began last week; it may end soon.")
    assert answers(question, "The offensive began on 27 October.")
    assert answers(question, "The offensive began on 3 May.")
    assert answers(question, "It began on 2017-10-27.")
    # "what day" asks for a day, and a weekday is one
    assert answers("On what day did it begin?", "It began on Friday.")
