"""Is a passage's article about what the question names (qa.answering.topic), and the
answer checks that read it."""

from qa.answering.generate import finish
from qa.answering.topic import about, question_names, restated
from qa.answering.verify import check_claims
from qa.answering.citations import split_claims
from qa.types import Passage, Timings

LA_LA = "Who is the lead actress in La La Land?"
MULAN = ("Sep 5, 2020 ... And last August, its lead actress Liu Yifei, the Chinese-American actress playing "
         "Mulan herself, created her own headline-generating controversy.")
STONE = "Emma Stone plays Mia, an aspiring actress in Los Angeles."


def _passage(i: int, text: str) -> Passage:
    return Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=text, span=(0, len(text)))


def test_the_question_s_names_are_its_capitalised_words_but_roles_months_and_days():
    assert question_names("Who is the CEO of Nintendo in May?") == {"nintendo"}
    assert question_names("Who is the Prime Minister of Japan?") == {"japan"}
    assert question_names("which city hosted the olympic games in 2008?") == frozenset()


def test_an_article_is_about_a_name_in_another_spelling_or_by_its_initials_not_by_a_common_word():
    assert about(question_names("How much of Dayr az-Zawr do the militants hold?"), "The militants hold half of Deir el-Zour.")
    assert about(question_names("Where did the SDF say it was shelled?"), "The Syrian Democratic Forces said on Sunday ...")
    cup = question_names("Who was the runner-up of the 2018 World Cup?")
    assert not about(cup, "Us Open Men's Singles Winners ; 2018, Novak Djokovic ; 2019, Rafael Nadal. The world number one.")
    assert about(cup, "France won the World Cup with a 4-2 win over Croatia.")
    assert about(frozenset(), "anything")


def test_a_sentence_that_says_a_question_name_again_needs_an_article_that_names_it():
    passages = [_passage(1, MULAN), _passage(2, STONE)]
    claims = split_claims("Liu Yifei is the lead actress in La La Land [1].", 2)
    assert restated(claims[0].text, LA_LA) == {"la", "land"}
    assert not check_claims(claims, passages, LA_LA, articles=[MULAN, STONE]).claims
    assert check_claims(claims, passages, LA_LA).claims  # articles unknown: not checked
    # the article, not the passage: the name may be in another piece of it
    assert check_claims(split_claims("Emma Stone is the lead actress in La La Land [2].", 2), passages, LA_LA,
                        articles=[MULAN, "La La Land (2016)\n" + STONE]).claims
    # a bare answer says no name of the question again
    bare = finish(LA_LA, "Emma Stone [2].", passages, Timings(), articles=[MULAN, STONE])
    assert not bare.refused


def test_the_assistant_reads_the_whole_article_of_each_passage(store, fake_embedder, settings, tmp_path):
    from qa import Assistant
    from qa.articles.ingest import ingest
    from tests.fakes import FakeLLM

    folder = tmp_path / "films"
    folder.mkdir()
    long_story = "La La Land opened in December.\n\n" + " ".join(["The film was shot in Los Angeles."] * 40) + \
        "\n\nEmma Stone plays Mia, an aspiring actress."
    (folder / "lalaland.txt").write_text(long_story)
    (folder / "mulan.txt").write_text(MULAN)
    ingest([folder], store=store, embedder=fake_embedder, chunk_size=settings.chunk_size)
    texts = store.articles(sorted(store.documents()))
    story = next(t for t in texts.values() if "Emma Stone" in t)
    assert story.startswith("The film was shot") and story.rstrip().endswith("aspiring actress.")
    assert "La La Land" not in story  # the first line is the title: the assistant adds it
    for reply, refused in (("Liu Yifei is the lead actress in La La Land.", True),
                           ("Emma Stone is the lead actress in La La Land.", False)):
        assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=FakeLLM(reply))
        answer = assistant.ask(LA_LA, standalone=True)
        assert answer.refused is refused, answer.text


def test_a_country_is_named_by_its_people_and_initials_come_from_adjacent_words():
    assert about(question_names("Who is the president of France in 2023?"), "French President Emmanuel Macron said")
    assert not about(frozenset({"sdf"}), "Sources in Damascus said the army took the town. Fighting continued.")
    assert about(frozenset({"sohr"}), "the Syrian Observatory for Human Rights said")
