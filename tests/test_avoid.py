"""The second draft after the checks refused one (qa.answering.avoid): which words it bars,
when it is asked (never after the model's own refusal, nor without a bound answer among the
passages, nor from a model whose tokens cannot be barred), and that its answer replaces the
refusal only when it survives the same checks as the model wrote it."""

from qa import Answer, Assistant, Retrying, Sources
from qa.answering.avoid import SecondDraft, refused_words, repeats, second_draft, taken
from qa.answering.generate import finish
from qa.answering.prompts import refusal_sentence
from qa.types import Passage, Timings
from tests.fakes import FakeLLM

CAPITAL = "Which city had served as Islamic State's de facto capital in Syria?"


class BarringLLM(FakeLLM):
    """A fake model that, as the embedded server does, can be told to bar words."""

    def __init__(self, *replies: str) -> None:
        super().__init__(*replies)
        self.extras: list[dict | None] = []

    def barring(self, words: list[str]) -> dict:
        return {"logit_bias": {w: -100.0 for w in words}}

    def stream(self, messages, *, max_tokens, temperature, extra=None):
        self.extras.append(extra)
        return super().stream(messages, max_tokens=max_tokens, temperature=temperature)


def _passage(i: int, text: str) -> Passage:
    return Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=text, span=(0, len(text)))


WIMBLEDON = [
    _passage(1, "Serena Williams reached the final at Wimbledon in 2018, her first since giving birth."),
    _passage(2, "Angelique Kerber won the women's singles final at Wimbledon in 2018."),
]
WIMBLEDON_Q = "Who won the women's singles Wimbledon in 2018?"
SERENA = "Serena Williams won the women's singles Wimbledon in 2018 [1]."


def test_the_words_barred_are_the_refused_answers_own():
    assert refused_words(WIMBLEDON_Q, SERENA) == ["Serena", "Williams"]
    assert refused_words("Who is the Maxwell Award winner in 2019?",
                         "Brandon Maxwell is the Maxwell Award winner in 2019 [1].") == ["Brandon"]
    assert refused_words("When was Xenoblade Chronicles 2 released?",
                         "It was released on September 14, 2018 [4].") == ["September"]
    # the question's own month is not the answer's
    assert refused_words("When in March 2020 did the talks begin?", "The talks began on March 3, 2020 [1].") == []
    # a figure's digits are every number's tokens: nothing is barred
    assert refused_words("How many people were killed?", "12 people were killed [2].") == []


def test_a_second_draft_needs_a_refused_answer_a_bound_one_to_find_and_a_model_that_bars():
    second = second_draft(WIMBLEDON_Q, SERENA, WIMBLEDON, None, BarringLLM())
    assert second is not None and second.words == ["Serena", "Williams"]
    assert second.extra == {"logit_bias": {"Serena": -100.0, "Williams": -100.0}}
    # the model said the articles do not answer: that stands
    assert second_draft(WIMBLEDON_Q, refusal_sentence(), WIMBLEDON, None, BarringLLM()) is None
    # a hosted model: its tokens are not known here
    assert second_draft(WIMBLEDON_Q, SERENA, WIMBLEDON, None, FakeLLM()) is None
    # no passage binds an answer (none tells who won): another draft could only be a guess
    assert second_draft(WIMBLEDON_Q, SERENA, WIMBLEDON[:1], None, BarringLLM()) is None


def _ask(settings, seeded_store, fake_embedder, first: str, second_reply: str | None = None):
    llm = BarringLLM(first) if second_reply is None else BarringLLM(first, "")
    assistant = Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm)
    events = []
    stream = assistant.stream(CAPITAL, standalone=True)
    for event in stream:
        events.append(event)
        if isinstance(event, Sources) and second_reply is not None:
            # the second reply cites the passage that names Raqqah, wherever retrieval put it
            n = next(i for i, p in enumerate(event.passages, 1) if "Raqqah" in p.text)
            llm.replies[-1] = second_reply.format(n=n)
    return events, llm


def test_a_refused_answer_is_asked_again_with_its_words_barred(settings, seeded_store, fake_embedder):
    events, llm = _ask(settings, seeded_store, fake_embedder, "The capital was Aleppo [1].", "Raqqah [{n}].")
    assert len(llm.calls) == 2 and llm.calls[1] == llm.calls[0]  # the same prompt, the same passages
    assert llm.extras[0] is None and llm.extras[1] == {"logit_bias": {"Aleppo": -100.0}}
    retrying = [e for e in events if isinstance(e, Retrying)]
    assert retrying and retrying[0].barred == ["Aleppo"]
    answer = events[-1]
    assert isinstance(answer, Answer) and not answer.refused and answer.text.startswith("Raqqah [")


def test_a_second_draft_the_checks_refuse_leaves_the_refusal(settings, seeded_store, fake_embedder):
    events, llm = _ask(settings, seeded_store, fake_embedder, "The capital was Aleppo [1].", "The capital was Homs [{n}].")
    assert len(llm.calls) == 2 and events[-1].refused


def test_the_refused_answer_again_in_other_letters_is_no_second_answer():
    assert repeats("The statement was issued by the country's joint operations command [2].",
                   ["Command", "Joint", "Operations"])
    assert not repeats("The statement was issued by the prime minister's office [2].", ["Command", "Joint"])


def test_the_models_own_refusal_is_not_asked_again(settings, seeded_store, fake_embedder):
    events, llm = _ask(settings, seeded_store, fake_embedder, refusal_sentence())
    assert len(llm.calls) == 1 and events[-1].refused


def test_the_setting_turns_it_off(settings, seeded_store, fake_embedder):
    llm = BarringLLM("The capital was Aleppo [1].")
    assistant = Assistant(settings=settings.model_copy(update={"second_draft": False}), store=seeded_store,
                          embedder=fake_embedder, llm=llm)
    assert assistant.ask(CAPITAL, standalone=True).refused and len(llm.calls) == 1


def _dated(i: int, text: str, date: str | None = None) -> Passage:
    return Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=text, span=(0, len(text)), date=date)


def test_a_second_draft_is_taken_only_as_the_model_wrote_it():
    """The checks' repairs (a citation moved, a passage sentence quoted for an answer that
    gives nothing) help a first draft; a second chance gets neither (both made RGB's
    no-answer questions answered wrongly)."""
    wimbledon = [
        _dated(1, "Elena Rybakina won the women's singles final Wimbledon on Saturday ... since 2018, was the "
                  "youngest women's finalist at Wimbledon since 2015 ...", "2022-07-09"),
        _dated(2, "And Kerber becomes the Wimbledon champion for the first time when Williams's return flops into "
                  "the net! Kerber tumbles to the grass, Williams ...", "2018-07-14"),
    ]
    moved = "Serena Williams won the women's singles Wimbledon in 2018 [1]."
    answer = finish(WIMBLEDON_Q, moved, wimbledon, Timings())
    assert not answer.refused and [c.n for c in answer.citations] == [2]  # what a first draft would get
    assert not taken(answer, moved, SecondDraft(["Elena", "Rybakina"], {}))
    blacklist = [
        _dated(1, "The tenth and final season of The Blacklist was ordered on February 22, 2022.", "2022-02-22"),
        _dated(2, "Originally, a 13-episode first season was planned, but after the premiere reached 12.3 million "
                  "viewers, NBC ordered nine additional episodes on October 4, 2013.", "2013-10-04"),
    ]
    question, empty = "When will the first season of The Blacklist premiere?", "The final season was ordered on [1]."
    answer = finish(question, empty, blacklist, Timings())
    assert not answer.refused and "October 4, 2013" in answer.text  # a passage sentence, quoted
    assert not taken(answer, empty, SecondDraft(["February"], {}))
    kept = "Angelique Kerber won the women's singles final at Wimbledon in 2018 [2]."
    answer = finish(WIMBLEDON_Q, kept, WIMBLEDON, Timings())
    assert taken(answer, kept, SecondDraft(["Serena", "Williams"], {}))
