from qa.answering.answer_type import Kind, answering_sentence, answers, expected
from qa.answering.generate import finish
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
    # a measure after "what" asks for an amount
    assert expected("What percentage of its territory has IS lost?") is Kind.NUMBER
    assert expected("What is the population of the town?") is Kind.NUMBER
    assert expected("What share of the vote did they win?") is Kind.NUMBER
    assert expected("What is the capital of the province?") is None
    # "what is the ... date of" asks for a date, "what was the day of" for a time
    assert expected("What is the release date of the game?") is Kind.DATE
    assert expected("What was the premiere date for the final season?") is Kind.DATE
    assert expected("What was the day of the attack?") is Kind.TIME
    assert expected("What is the capital of the year's host?") is None
    assert expected("What is the time zone of Hawaii?") is None  # the phrase ends in "zone"
    assert expected("What is the day rate for nurses?") is None


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


def test_an_amount_in_a_unit_the_question_does_not_ask_about_is_another_fact():
    """Seen from the real model: "What is the population of al-Qaim?" answered "about 320
    kilometers (200 miles) west of Baghdad", a number the lexical checks let through."""
    assert not answers("What is the population of al-Qaim?", "The population of al-Qaim is about 320 kilometers "
                       "(200 miles) west of Baghdad [1].")
    assert not answers("How many people lived in the city?", "The siege lasted nearly three years [1].")
    assert not answers("How many civilians were killed?", "IS lost more than 90 per cent of its territory [1].")
    # the unit the question asks about, a share after "how much", or no unit at all
    assert answers("How many years did the siege last?", "Nearly three years [1].")
    assert answers("How many kilometres is Qaim from Baghdad?", "About 320 kilometres [1].")
    assert answers("How much of its territory has IS lost?", "More than 90 per cent [1], or 96% [2].")
    assert answers("How many civilians were killed?", "About 200 civilians, 20 of them in one day [1].")
    assert answers("How many fighters were captured?", "200 [1].")


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


BORDER = ("On Friday, Syria's army announced that its assault had recaptured Deir Ezzor city, while Iraqi forces "
          "captured the Husaybah border post on the edge of the town of Al-Qaim. The operation went on.")


def test_a_reply_that_restates_the_question_gets_the_passage_sentence_that_answers_it():
    cited = Passage(id="a:0", doc_id="a", title="t", span=(0, 1), text=(
        "Hours later, Iraqi Prime Minister Haider Abadi said his forces had taken control of the town of Qaim "
        "after seizing a key border post on the edge of al-Qaim."))
    other = Passage(id="b:0", doc_id="b", title="t", span=(0, 1), text=BORDER)
    answer = finish("Which border post on the edge of al-Qaim did Iraqi forces capture?",
                    "The key border post on the edge of al-Qaim was captured by Iraqi forces [1].", [cited, other],
                    Timings())
    assert not answer.refused
    assert "Husaybah border post" in answer.text and answer.text.endswith("[2].")
    assert [c.n for c in answer.citations] == [2] and "Husaybah" in answer.citations[0].quote


def test_a_near_miss_is_not_rescued_by_a_sentence_about_the_same_event():
    # the right event, a fact no passage gives: no sentence holds "general" and "commanded"
    passage = Passage(id="c:0", doc_id="c", title="t", span=(0, 1),
                      text="The Syrian army said Friday it had liberated Deir el-Zour from ISIS after a final assault.")
    assert finish("Which Syrian general commanded the final assault on Deir el-Zour?",
                  "A Syrian general commanded the final assault on Deir el-Zour [1].", [passage], Timings()).refused
    assert answering_sentence("Which Syrian general commanded the final assault on Deir el-Zour?",
                              [(1, passage.text)]) is None


def test_a_name_spelt_in_other_words_is_not_a_new_name_but_a_longer_name_is():
    question = "Between Dair Alzour and which other province do the militants still operate?"
    assert not answers(question, "The militants still operate in Deir el-Zour province.")
    assert answers(question, "They operate between Deir el-Zour and Homs provinces.")
    assert answers("Who is the US Secretary of State?", "US Secretary of State Rex Tillerson said so.")


def test_a_heading_does_not_answer_a_question_for_a_date():
    assert not answers("What is the release date of God of War (2018)?", "Release Date Chronology: [1]")
    assert answers("What is the release date of God of War (2018)?", "April 20, 2018 [1]")


def test_a_nationality_does_not_name_who():
    q = "Who won the 2019 Tour de France?"
    assert not answers(q, "Colombian won the 2019 Tour de France [1].")
    assert answers(q, "Egan Bernal, a Colombian, won the 2019 Tour de France [1].")
    assert answers("Which country won the most medals at the 2018 Winter Olympics?", "Norway [1].")
    assert answers("Whose warplanes backed the government troops?", "Russian warplanes [1].")
    assert answers("Who won the 1948 World Series?", "The Indians won [1].")  # a team, not a nationality


def test_the_question_s_own_numbers_are_no_time_or_amount():
    q = "When did the Golden Globe Awards 2020 take place?"
    assert not answers(q, "The Golden Globe Awards 2020 took place in Los Angeles [4].")
    assert answers(q, "They took place on 5 January 2020 [4].")
    q = "How many medals did Norway win in 2018?"
    assert not answers(q, "Norway won the most medals in 2018.")
    assert answers(q, "Norway won 39 medals in 2018.")
    assert answers("How many of the 20 towns fell?", "12 of the 20 towns fell.")


def test_a_company_s_revenue_is_an_amount_and_its_quarter_is_not_one():
    q = "What was Tesla's revenue in Q3 2019?"
    assert expected(q) is Kind.NUMBER
    assert expected("What is the price of the new phone?") is Kind.NUMBER
    # a passage cut off before its figure: the quarter restated is no amount
    assert not answers(q, "Tesla's revenues for the third quarter of 2019 were reported at [2].")
    assert answers(q, "Tesla's revenues for the third quarter of 2019 were $6.3 billion [2].")
    assert answers(q, "Revenue was six billion dollars in the third quarter [2].")
    # the measure is the phrase's last word: these ask for no amount
    for other in ("What is the price war about?", "What was the budget bill called?",
                  "What is worth watching on Netflix this week?", "What are the costs and benefits of the plan?",
                  "What was the company's revenue model?"):
        assert expected(other) is None, other
    assert expected("What is Elon Musk's net worth?") is Kind.NUMBER


def test_a_letter_joined_to_a_digit_is_no_name():
    q = "What is the name of Microsoft's AR headset?"
    assert not answers(q, "The headset can also display 3-D objects in the real world [2].")
    assert answers(q, "Microsoft's AR headset is called HoloLens [2].")
    assert answers("What is the name of Twitter's new brand?", "Twitter was rebranded as X [1].")
