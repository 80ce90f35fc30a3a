"""The order in which the passages reach the model for a question about who won."""

from qa.answering.outcomes import asks_who_won, names_only_candidates

Q = "Who is the Walter Camp Award winner in 2017?"
SEMIFINALISTS = "Walter Camp 2017 Player of the Year: the semifinalists were announced on Wednesday."
WATCH_LIST = ("Appearing on the preseason Watch List is not a requirement for a player to win the Walter Camp "
              "award or be named to the All-America team.")
TO_COME = "The winner of the 2017 Walter Camp Award will be announced on December 7."
WON = "Baker Mayfield wins the Walter Camp Award, beating the other finalists."
TABLE = "2017 College Football Awards: Walter Camp Award, Player of the Year, Baker Mayfield, Oklahoma."


def test_a_passage_about_the_candidates_that_tells_no_win():
    assert all(names_only_candidates(t) for t in (SEMIFINALISTS, WATCH_LIST, TO_COME))
    # "wins ... beating the other finalists", "has been named ... from four finalists": a result
    assert not names_only_candidates(WON)
    assert not names_only_candidates("Juliana Urtubey has been named the 2021 National Teacher of the Year "
                                     "from four finalists.")
    assert not names_only_candidates(TABLE)  # no candidates
    assert not names_only_candidates("Against all odds, the underdogs reached the final.")  # an idiom


def test_only_a_question_about_who_won_asks_for_a_result():
    assert asks_who_won(Q)
    assert asks_who_won("Who was named the 2021 National Teacher of the Year?")
    assert asks_who_won("What movie won the Oscar for Best Animated Film in 2020?")
    assert not asks_who_won("Where is the 2017 Walter Camp Award presented?")
    # asked about what is to come, or about the candidates, the candidates are the answer
    assert not asks_who_won("Who will win the 2017 Walter Camp Award?")
    assert not asks_who_won("Who were the semifinalists for the 2017 Walter Camp Award?")
    assert not asks_who_won("Who was nominated for the award that Mayfield won?")


def test_search_gives_the_candidates_the_last_places(tmp_path, store, fake_embedder):
    from qa.articles.ingest import ingest
    from qa.search.retrieve import retrieve

    folder = tmp_path / "awards"
    folder.mkdir()
    for name, text in {  # the candidates in the question's own words, the result in others
        "semifinalists": "The semifinalists for the 2017 Walter Camp Award: who is the winner in 2017?",
        "to-come": "The Walter Camp Award winner in 2017 will be announced on December 7, the Walter Camp said.",
        "won": "Baker Mayfield wins the trophy for Oklahoma.",
        "table": "College football, player of the year: Baker Mayfield, Oklahoma.",
    }.items():
        (folder / f"{name}.txt").write_text(f"{name}\n\n{text}\n")
    ingest([folder], store=store, embedder=fake_embedder, chunk_size=64)
    first = retrieve(Q, store=store, embedder=fake_embedder, k=2).passages
    assert all(names_only_candidates(p.text) for p in first)  # retrieval's own order
    found = retrieve(Q, store=store, embedder=fake_embedder, k=2, last=lambda p: names_only_candidates(p.text))
    assert all("Baker Mayfield" in p.text for p in found.passages)
    every = retrieve(Q, store=store, embedder=fake_embedder, k=4, last=lambda p: names_only_candidates(p.text))
    assert len(every.passages) == 4  # last, not gone


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
