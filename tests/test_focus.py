"""The focused retry (qa.answering.focus): when it is made, with which passages, and that its
answer replaces the first one only when it survives the checks; never after a refusal."""

from qa import Assistant
from qa.answering.focus import renumber, retry_passages
from qa.answering.generate import finish
from qa.answering.prompts import refusal_sentence
from qa.types import Passage, Timings
from tests.fakes import FakeLLM

CAPITAL = "Which city had served as Islamic State's de facto capital in Syria?"


def _passage(i: int, text: str) -> Passage:
    return Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=text, span=(0, len(text)))


PASSAGES = [
    _passage(1, "Deir el-Zour is the largest city in eastern Syria and the capital of the province of the same name."),
    _passage(2, "A U.S.-backed alliance took control of Islamic State's de facto capital, Raqqah, last month."),
    _passage(3, "Iraqi forces recaptured Mosul in July."),
]


def _checked(reply: str):
    return finish(CAPITAL, reply, PASSAGES, Timings())


def test_an_answer_from_a_passage_without_the_question_words_is_retried_with_the_one_that_has_them():
    reply = "Deir el-Zour is the largest city in eastern Syria and the capital of the province [1]."
    answer = _checked(reply)
    assert not answer.refused and [c.n for c in answer.citations] == [1]
    assert retry_passages(CAPITAL, answer, PASSAGES) == [2]


def test_an_answer_from_the_passage_with_the_question_words_is_kept():
    reply = "Raqqah [2]."
    assert retry_passages(CAPITAL, _checked(reply), PASSAGES) == []


def test_an_answer_whose_article_holds_the_question_words_in_another_passage_is_kept():
    """The question's words split over two passages of one article name that article's
    story: the answer did not miss it, and a passage of another article that holds a few
    more of them ("government", "same") must not replace a right answer (over the archive, a
    right "Qaim" became "Deir el-Zour: the Syrian government retaken ...")."""
    question = "Which Iraqi town did government forces retake on the same day Syria recaptured Deir el-Zour?"
    story = "d4"

    def passage(i: int, doc: str, text: str) -> Passage:
        return Passage(id=f"p{i}", doc_id=doc, title="t", text=text, span=(0, len(text)))

    passages = [
        passage(1, story, "Syria announced the capture of Deir el-Zour, while Iraqi troops retook the town of Qaim."),
        passage(2, "d2", "Deir el-Zour, divided into a government-held and an IS-held part, was retaken by Syrian "
                         "troops, the same week IS lost ground in Iraqi Anbar."),
        passage(3, "d3", "Deir el-Zour is the capital of the province of the same name, held by the government."),
        passage(4, story, "Syria's army recaptured Deir Ezzor city, while Iraqi forces entered the town of Qaim."),
        passage(5, "d5", "Iraqi forces fought near Rawa, Syria said."),
    ]
    answer = finish(question, "Iraqi forces entered the town of Qaim [4].", passages, Timings())
    assert not answer.refused and [c.n for c in answer.citations] == [4]
    assert retry_passages(question, answer, passages) == []
    # the same passage 4 in an article of its own: passage 2 holds more of the question's
    # rare words than it does, and the answer is asked again with it
    alone = [*passages[:3], passages[3].model_copy(update={"doc_id": "d6"}), passages[4]]
    assert retry_passages(question, answer, alone) == [2]


def test_a_refusal_is_never_asked_again_whether_the_model_or_the_checks_made_it():
    """Asking again after "the articles do not say" would turn it into a guess (on the
    dev set a dropped reply became a wrong town)."""
    dropped = "The capital was Aleppo [1]."  # a name no passage gives
    assert _checked(dropped).refused
    assert retry_passages(CAPITAL, _checked(dropped), PASSAGES) == []
    refused = refusal_sentence()
    assert retry_passages(CAPITAL, _checked(refused), PASSAGES) == []


def test_no_retry_when_no_passage_holds_a_question_word():
    reply = "Deir el-Zour [1]."
    assert retry_passages("Wie heißt die Hauptstadt?", _checked(reply), PASSAGES) == []


def test_renumber_points_the_markers_of_a_subset_into_the_full_list():
    assert renumber("Raqqah [1]. Mosul fell in July [2].", [2, 3]) == "Raqqah [2]. Mosul fell in July [3]."
    assert renumber("Raqqah [3].", [2]) == "Raqqah."  # a marker past the subset points at nothing


def _assistant(settings, seeded_store, fake_embedder, *replies):
    llm = FakeLLM(*replies)
    return Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm), llm


def test_the_retry_answer_replaces_an_answer_that_missed_the_question(settings, seeded_store, fake_embedder):
    assistant, llm = _assistant(
        settings, seeded_store, fake_embedder,
        "Deir el-Zour is the largest city in eastern Syria and the capital of the province [1].",
        "Raqqah [1].",
    )
    answer = assistant.ask(CAPITAL)
    assert len(llm.calls) == 2
    retry_prompt = llm.calls[1][-1]["content"]
    assert "de facto capital" in retry_prompt and "[3]" not in retry_prompt  # one or two passages only
    assert not answer.refused and answer.text.startswith("Raqqah [")
    assert "Raqqah" in answer.citations[0].passage.text and "de facto" in answer.citations[0].quote


def test_a_retry_that_fails_the_checks_keeps_the_first_answer(settings, seeded_store, fake_embedder):
    first = "Deir el-Zour is the largest city in eastern Syria and the capital of the province [1]."
    for retry in (refusal_sentence(), "The capital was Aleppo [1]."):
        assistant, llm = _assistant(settings, seeded_store, fake_embedder, first, retry)
        answer = assistant.ask(CAPITAL, standalone=True)
        assert len(llm.calls) == 2 and not answer.refused
        assert answer.text.startswith("Deir el-Zour is the largest city")


def test_a_good_answer_costs_one_model_call(settings, seeded_store, fake_embedder):
    assistant, llm = _assistant(settings, seeded_store, fake_embedder, "Raqqah [1].")
    answer = assistant.ask(CAPITAL)
    assert len(llm.calls) == 1 and answer.text.startswith("Raqqah [")


def test_words_that_most_passages_hold_do_not_make_a_better_match():
    question = "What did the Syrian army statement call the liberation of the city?"
    passages = [
        _passage(1, "The Syrian army liberated the city, the army statement said."),
        _passage(2, "The Syrian army said it had taken the city."),
        _passage(3, "The liberation constitutes the final phase, he said in a statement."),
        _passage(4, "A Syrian army statement said the army controls the city."),
        _passage(5, "Syrian state television showed the city."),
    ]
    reply = "He called the liberation the final phase [3]."
    answer = finish(question, reply, passages, Timings())
    assert [c.n for c in answer.citations] == [3]
    assert retry_passages(question, answer, passages) == []  # "army", "city": in most passages


def test_the_stream_says_it_asks_again_before_the_answer(settings, seeded_store, fake_embedder):
    from qa import Answer, Delta, Retrying, Sources

    assistant, _ = _assistant(
        settings, seeded_store, fake_embedder,
        "Deir el-Zour is the largest city in eastern Syria and the capital of the province [1].",
        "Raqqah [1].",
    )
    events = list(assistant.stream(CAPITAL))
    kinds = [type(e) for e in events]
    assert kinds[0] is Sources and kinds[-2:] == [Retrying, Answer] and set(kinds[1:-2]) == {Delta}
    retrying = events[-2]
    assert all("de facto" in events[0].passages[n - 1].text for n in retrying.passages)


def test_a_retry_the_endpoint_fails_keeps_the_checked_first_answer(settings, seeded_store, fake_embedder):
    from qa.errors import LLMError

    first = "Deir el-Zour is the largest city in eastern Syria and the capital of the province [1]."
    assistant, llm = _assistant(
        settings, seeded_store, fake_embedder, first, LLMError("the model at URL stopped in the middle of the answer")
    )
    answer = assistant.ask(CAPITAL)
    assert len(llm.calls) == 2 and not answer.refused
    assert answer.text.startswith("Deir el-Zour is the largest city")
