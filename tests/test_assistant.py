import pytest

from qa import Answer, Assistant, Delta, Sources, ask
from qa.answering.prompts import refusal_sentence
from qa.errors import InputError, LLMError
from tests.fakes import FakeLLM


@pytest.fixture
def assistant_with(settings, seeded_store, fake_embedder):
    def make(*replies):
        llm = FakeLLM(*replies)
        return Assistant(settings=settings, store=seeded_store, embedder=fake_embedder, llm=llm), llm

    return make


def test_stream_yields_sources_then_deltas_then_answer(assistant_with):
    assistant, llm = assistant_with("Qaim is about 320 kilometers west of Baghdad [1].")
    events = list(assistant.stream("How far is Qaim from Baghdad?"))
    assert isinstance(events[0], Sources) and events[0].passages
    assert all(isinstance(e, Delta) for e in events[1:-1]) and len(events) > 3
    answer = events[-1]
    assert isinstance(answer, Answer) and not answer.refused
    assert "320" in answer.citations[0].passage.text
    assert answer.timings.first_token_ms is not None and answer.timings.total_ms >= answer.timings.retrieve_ms


def test_wrong_number_is_corrected_to_the_passage_that_says_it(assistant_with):
    assistant, _ = assistant_with("Qaim is about 320 kilometers west of Baghdad [4].")
    answer = assistant.ask("How far is Qaim from Baghdad?")
    assert len(answer.citations) == 1
    assert "320" in answer.citations[0].passage.text
    assert answer.text.endswith(f"[{answer.citations[0].n}].")


def test_invented_citation_number_is_removed(assistant_with):
    assistant, _ = assistant_with("Qaim is about 320 kilometers west of Baghdad [42].")
    answer = assistant.ask("How far is Qaim from Baghdad?")
    assert "[42]" not in answer.text
    assert all(1 <= c.n <= len(answer.passages) for c in answer.citations)


def test_off_topic_question_is_refused_without_calling_the_model(assistant_with, settings):
    assistant, llm = assistant_with()
    assistant.settings = settings.model_copy(update={"min_score": 0.9})
    answer = assistant.ask("What is the recipe for banana bread?")
    assert answer.refused and answer.text == refusal_sentence()
    assert llm.calls == []


def test_model_refusal_gives_the_fixed_sentence(assistant_with):
    assistant, _ = assistant_with(f"{refusal_sentence()}")
    answer = assistant.ask("How far is Qaim from Baghdad?")
    assert answer.refused and answer.citations == []


def test_follow_up_is_condensed_searched_and_keeps_its_citations(assistant_with):
    assistant, llm = assistant_with(
        "Qaim is about 320 kilometers west of Baghdad [1].",
        "In which river valley is Qaim?",  # the condensed follow-up
        "Qaim lies in the Euphrates River Valley [1].",
    )
    assistant.ask("How far is Qaim from Baghdad?")
    second = assistant.ask("Which valley is it in?")
    condense_prompt = llm.calls[1][-1]["content"]
    assert "How far is Qaim from Baghdad?" in condense_prompt and "Which valley is it in?" in condense_prompt
    assert "[1]" not in condense_prompt  # earlier answers without markers
    assert second.search_query == "In which river valley is Qaim?"
    roles = [m["role"] for m in llm.calls[2]]
    assert roles[0] == "system" and roles[1:] == ["user", "assistant"] * ((len(roles) - 2) // 2) + ["user"]
    assert llm.calls[2][-3]["content"] == "How far is Qaim from Baghdad?"  # the earlier turn, then this one
    assert not second.refused and "Euphrates" in second.citations[0].passage.text
    assert second.timings.condense_ms > 0 and second.to_json_dict()["search_query"] == second.search_query
    assistant.new_conversation()
    assert assistant.history == []


def test_first_turn_is_not_condensed_and_a_failed_condense_keeps_the_question(assistant_with):
    assistant, llm = assistant_with(
        "Qaim is about 320 kilometers west of Baghdad [1].",
        LLMError("endpoint down"),
        "Qaim lies in the Euphrates River Valley [1].",
    )
    first = assistant.ask("How far is Qaim from Baghdad?")
    assert first.search_query == "How far is Qaim from Baghdad?" and len(llm.calls) == 1
    second = assistant.ask("Which valley is it in?")
    assert second.search_query == "How far is Qaim from Baghdad? Which valley is it in?"
    assert not second.refused


def test_a_condensed_query_that_lost_its_referent_is_searched_with_the_previous_question(assistant_with):
    assistant, llm = assistant_with(
        "Qaim is about 320 kilometers west of Baghdad [1].",
        "Who said that?",  # condensing kept the pronoun: nothing to search for
        "Qaim lies in the Euphrates River Valley [1].",
    )
    assistant.ask("How far is Qaim from Baghdad?")
    second = assistant.ask("And who said that?")
    assert second.search_query == "How far is Qaim from Baghdad? And who said that?"
    assert len(llm.calls) == 3 and not second.refused  # searched again, answered, not the no-call refusal


def test_warm_up_sends_the_fixed_prompt_start_and_leaves_no_history(assistant_with):
    assistant, llm = assistant_with("ok", "Qaim is about 320 kilometers west of Baghdad [1].")
    assistant.warm_up()
    assert assistant.history == [] and len(llm.calls) == 1
    answer = assistant.ask("How far is Qaim from Baghdad?")
    warm, real = llm.calls
    shared = len(warm) - 1  # everything but the last user turn is the same prompt start
    assert warm[:shared] == real[:shared] and warm[-1] != real[-1] and not answer.refused


@pytest.mark.parametrize("question", ["", "   ", "x" * 5000])
def test_bad_questions_are_input_errors(assistant_with, question):
    assistant, llm = assistant_with()
    with pytest.raises(InputError):
        assistant.ask(question)
    assert llm.calls == []


def test_llm_errors_reach_the_caller_as_qa_errors(assistant_with):
    assistant, _ = assistant_with(LLMError("cannot reach the model"))
    with pytest.raises(LLMError):
        assistant.ask("How far is Qaim from Baghdad?")


def test_ask_function(settings, seeded_store, fake_embedder):
    answer = ask("How far is Qaim from Baghdad?", settings=settings, store=seeded_store, embedder=fake_embedder,
                 llm=FakeLLM("Qaim is about 320 kilometers west of Baghdad [1]."))
    payload = answer.to_json_dict()
    assert set(payload) == {"question", "search_query", "answer", "refused", "citations", "passages", "timings"}
    assert {"n", "doc_id", "source", "title", "text", "quote", "also_in"} <= set(payload["citations"][0])
    assert {"doc_id", "source", "title", "text", "score"} <= set(payload["passages"][0])
    assert {"retrieve_ms", "first_token_ms", "total_ms"} <= set(payload["timings"])


def test_empty_store_is_seeded_on_first_question(settings, store, fake_embedder):
    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder,
                          llm=FakeLLM("Qaim is about 320 kilometers west of Baghdad [1]."))
    assert store.count() == 0
    assistant.ask("How far is Qaim from Baghdad?")
    assert len(store.documents()) == 5


@pytest.mark.parametrize(("verdict", "refused"), [("No.", True), ("Yes", False), (LLMError("down"), False)])
def test_responsiveness_check_turns_related_facts_into_the_refusal(settings, seeded_store, fake_embedder,
                                                                   verdict, refused):
    llm = FakeLLM("Qaim is about 320 kilometers west of Baghdad [1].", verdict)
    assistant = Assistant(settings=settings.model_copy(update={"check_responsive": True}), store=seeded_store,
                          embedder=fake_embedder, llm=llm)
    answer = assistant.ask("What is life like in Qaim, west of Baghdad?")  # no kind of answer expected: the verdict decides
    assert answer.refused is refused
    assert "yes or no" in llm.calls[1][-1]["content"] and "[1]" not in llm.calls[1][-1]["content"]


def test_reingest_reads_the_stored_files_again_and_never_adds_the_seeds_to_a_users_store(
    settings, store, fake_embedder, seeds_copy
):
    from qa.articles.ingest import ingest

    ingest([seeds_copy], store=store, embedder=fake_embedder, chunk_size=settings.chunk_size)
    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=FakeLLM())
    first = sorted(seeds_copy.iterdir())[0]
    first.write_text(first.read_text(encoding="utf-8") + "\n\nA new closing paragraph.\n", encoding="utf-8")
    report = assistant.reingest()
    assert report.updated == 1 and report.skipped == 4 and not report.failed
    count = store.count()
    for f in seeds_copy.iterdir():
        f.unlink()
    gone = assistant.reingest()
    assert len(gone.failed) == 5 and gone.added == 0 and store.count() == count
    assert assistant.corpus_size() == (5, count)
