"""The order in which the passages reach the model for a question about who won."""

from qa.answering.outcomes import candidates_last

Q = "Who is the Walter Camp Award winner in 2017?"
SEMIFINALISTS = "Walter Camp 2017 Player of the Year: the semifinalists were announced on Wednesday."
WATCH_LIST = ("Appearing on the preseason Watch List is not a requirement for a player to win the Walter Camp "
              "award or be named to the All-America team.")
TO_COME = "The winner of the 2017 Walter Camp Award will be announced on December 7."
WON = "Baker Mayfield wins the Walter Camp Award, beating the other finalists."
TABLE = "2017 College Football Awards: Walter Camp Award, Player of the Year, Baker Mayfield, Oklahoma."


def test_the_passages_about_the_candidates_go_after_the_others():
    texts = [SEMIFINALISTS, WATCH_LIST, TO_COME, WON, TABLE]
    assert candidates_last(Q, texts) == [3, 4, 0, 1, 2]
    assert candidates_last("Who won the Best Actor Oscar in 2020?", ["Joaquin Phoenix is among the nominees.",
                                                                      "Joaquin Phoenix won Best Actor."]) == [1, 0]


def test_a_passage_that_tells_the_result_keeps_its_place_among_the_candidates():
    # "has been named", "won ... beating the other finalists": the result, whatever else it says
    told = "Juliana Urtubey has been named the 2021 National Teacher of the Year from four finalists."
    assert candidates_last("Who was named the 2021 National Teacher of the Year?", [told, TABLE]) == [0, 1]
    assert candidates_last(Q, [WON, TABLE]) == [0, 1]


def test_only_a_question_about_who_won_is_reordered():
    texts = [SEMIFINALISTS, TABLE]
    assert candidates_last("Where is the 2017 Walter Camp Award presented?", texts) == [0, 1]
    # asked about what is to come, the candidates are the answer
    assert candidates_last("Who will win the 2017 Walter Camp Award?", texts) == [0, 1]
    # asked about the candidates themselves, the candidates' passages are the answer
    assert candidates_last("Who were the semifinalists for the 2017 Walter Camp Award?", texts) == [0, 1]
    assert candidates_last("Who was nominated for the award that Mayfield won?", texts) == [0, 1]


def test_the_model_reads_the_passage_that_tells_who_won_first(tmp_path, settings, store, fake_embedder):
    from qa import Assistant, Sources
    from qa.articles.ingest import ingest
    from tests.fakes import FakeLLM

    folder = tmp_path / "awards"
    folder.mkdir()
    (folder / "semifinalists.txt").write_text(f"Walter Camp semifinalists\n\n{SEMIFINALISTS}\n")
    (folder / "won.txt").write_text(f"Mayfield wins\n\n{WON}\n")
    ingest([folder], store=store, embedder=fake_embedder, chunk_size=64)
    llm = FakeLLM("Baker Mayfield won the 2017 Walter Camp Award [1].")
    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=llm)
    events = list(assistant.stream(Q))
    sources = events[0]
    assert isinstance(sources, Sources) and len(sources.passages) == 2
    assert "Mayfield" in sources.passages[0].text  # shown first, and [1] in the prompt
    prompt = llm.calls[0][-1]["content"]
    assert prompt.index("Baker Mayfield wins") < prompt.index("semifinalists were announced")
