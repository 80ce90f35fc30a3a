"""Another edition of a work is another work: "Marvel's Spider-Man Remastered" does not date
"Marvel's Spider-Man"."""

from qa.answering.binding import binds
from qa.answering.editions import Title, about_a_work, other_edition_only, titles


def test_titles_of_a_question_have_a_head_and_maybe_an_edition():
    assert titles("When was Marvel's Spider-Man released?") == (Title("marvel's spider-man", None),)
    assert titles("when was The Legend of Zelda: Breath of the Wild released?") == (
        Title("legend of zelda", "breath of the wild"),)
    assert titles("Who directed The Avengers?") == (Title("avengers", None),)
    assert titles('Who is the director of "Pretty Woman"?') == (Title("pretty woman", None),)
    assert titles("When was Diablo 3 released?") == (Title("diablo", "3"),)
    assert titles("What is the premiere date of The Walking Dead Season 11?") == (Title("walking dead", "season 11"),)
    # a year after a title is its year, not an edition; a lone capitalised word is no title
    assert titles("What is the release date of God of War (2018)?") == (Title("god of war", None),)
    assert titles("When was Nintendo founded?") == ()


def test_a_passage_that_names_only_other_editions_does_not_answer_about_the_asked_one():
    spider_man = "When was Marvel's Spider-Man released?"
    assert other_edition_only(spider_man, "Released. Aug 12, 2022. In Marvel's Spider-Man Remastered, Peter Parker ...")
    assert other_edition_only(spider_man, "Marvel's Spider-Man 2 will be available on PlayStation 5.")
    assert not other_edition_only(spider_man, "Marvel's Spider-Man was released on September 7, 2018.")
    # both named: the passage may answer about the asked one
    assert not other_edition_only(spider_man, "Marvel's Spider-Man (2018) and Marvel's Spider-Man Remastered (2020).")
    zelda = "When was The Legend of Zelda: Breath of the Wild released?"
    assert other_edition_only(zelda, "The game was released in June 2011. The Legend of Zelda: Ocarina of Time 3D.")
    assert not other_edition_only(zelda, "The Legend of Zelda: Breath of the Wild has been revealed.")
    assert other_edition_only("Who directed The Avengers?", "The Russo Brothers directed Avengers: Infinity War.")
    # a number that goes on is another number: "Season 11" is not "Season 1", "Pixel 5a" not "Pixel 5"
    assert other_edition_only("When was the Pixel 5 announced?", "Google announced the Pixel 5a in August 2021.")
    assert other_edition_only("When did The Walking Dead Season 1 premiere?",
                              "The Walking Dead Season 11 premiered on August 22, 2021.")
    assert not other_edition_only("When was the Pixel 5a announced?", "Google announced the Pixel 5a 5G in August 2021.")


def test_a_listing_a_headline_colon_and_a_count_are_not_editions():
    assert not other_edition_only("Who directed Avatar?", "Avatar: Directed by James Cameron. With Sam Worthington.")
    assert not other_edition_only('Who is the director of "The Godfather"?', "The Godfather: Directed by Francis Ford Coppola.")
    assert not other_edition_only("Who is the CEO of Apple in 2021?", "Tim Cook became CEO of Apple 10 years ago.")
    assert not other_edition_only("Who won the 2019 U.S. Open?", "U.S. Open 2019: Andreescu beats Williams.")


def test_only_questions_about_works_are_read_for_editions():
    assert about_a_work("When was Marvel's Spider-Man released?") and about_a_work("Who directed The Avengers?")
    assert not about_a_work("Which city was Islamic State's last urban stronghold in Syria?")
    remaster = "Released. Aug 12, 2022. In Marvel's Spider-Man Remastered, Peter Parker returns."
    assert not binds("Aug 12, 2022", remaster, "When was Marvel's Spider-Man released?")
    assert binds("Aug 12, 2022", remaster, "When was Marvel's Spider-Man Remastered released?")


def test_the_answer_s_clause_must_not_be_about_another_model_only():
    pixel = ("Google announced the Pixel 4a 5G and Pixel 5 in October 2020, adding the Pixel 5a 5G to the mix "
             "in August 2021.")
    q = "When was Pixel 5a announced?"
    assert not binds("Google announced the Pixel 5a in October 2020.", pixel, q)
    assert binds("Google announced the Pixel 5a in August 2021.", pixel, q)


def test_a_date_once_due_and_replaced_is_not_when_it_came_out():
    cyberpunk = "Cyberpunk 2077's original release date was April 16, 2020, which was announced at E3 2019."
    q = "What is the release date of Cyberpunk 2077?"
    assert not binds("Cyberpunk 2077 was released on April 16, 2020.", cyberpunk, q)
    # nor when the answer is the sentence itself, quoted: its other clause's "E3 2019" gives no date
    assert not binds(cyberpunk, cyberpunk, q)
    assert binds("It came out on December 10, 2020.", "CD Projekt released Cyberpunk 2077 on December 10, 2020.", q)
    # "originally released" is when it came out
    assert binds("It was released in 2010.", "Originally released for the Wii in 2010 in Japan.",
                 "When was Xenoblade Chronicles released?")


def test_an_edition_the_question_names_apart_from_the_title_is_the_asked_one():
    q = "When is House of the Dragon season 2 released?"
    assert not other_edition_only(q, "House of the Dragon Season 2 premieres on June 16, 2024.")
    assert other_edition_only(q, "House of the Dragon Season 3 is due in 2026.")


def test_a_sequel_s_subtitle_makes_it_another_edition():
    q = "What is the release date of Cyberpunk 2077?"
    assert other_edition_only(q, "Cyberpunk 2077: Phantom Liberty is scheduled for release on 26 September 2023.")
    assert not other_edition_only(q, "CD Projekt released Cyberpunk 2077 on 10 December 2020.")
    assert not other_edition_only("When is Cyberpunk 2077: Phantom Liberty released?",
                                  "Cyberpunk 2077: Phantom Liberty is scheduled for release on 26 September 2023.")


def test_an_edition_word_after_a_sequel_s_number_makes_it_another_edition():
    q = "When was Xenoblade Chronicles 2 released?"
    torna = ("The game was released on September 14, 2018. It was available digitally as part of the "
             "Xenoblade Chronicles 2 DLC season pass.")
    assert other_edition_only(q, torna)
    assert other_edition_only("When was Marvel's Spider-Man 2 released?", "Marvel's Spider-Man 2 Remastered is out.")
    assert not other_edition_only(q, "Xenoblade Chronicles 2 came out in 2017; the Xenoblade Chronicles 2 DLC in 2018.")
    # a headline's verb after a season, and a store edition out the same day, are no other edition
    assert not other_edition_only("When does Stranger Things Season 4 premiere?",
                                  "Stranger Things Season 4 returns to Netflix on May 27, 2022.")
    assert not other_edition_only("When was the PlayStation 5 released?",
                                  "PlayStation 5 Digital Edition and the standard console went on sale on November 12, 2020.")
    # the edition the question asks about is itself that edition
    assert not other_edition_only("When was the Xenoblade Chronicles 2 DLC released?", torna)


def test_a_title_the_question_writes_in_lower_case_is_read_from_the_passage():
    q = "When was xenoblade chronicles 2 released?"
    assert other_edition_only(q, "Xenoblade Chronicles 2: Torna – The Golden Country ; Nintendo Switch · September 14, 2018")
    assert other_edition_only(q, "Xenoblade Chronicles: Definitive Edition was released on May 29, 2020.")
    assert not other_edition_only(q, "Xenoblade Chronicles 2 is a 2017 action role-playing game published by Nintendo.")
    # a capitalised word of the question is not a lower-case title; one common word is no title
    assert not other_edition_only("Who is the director of the Avatar movie?", "'Avatar 2' has its own director, James Cameron.")
    assert not other_edition_only("Who won the masters golf tournament?", "The First Cut (Golf 4/11) podcast.")


def test_a_quoted_sentence_that_answers_for_the_reply_is_bound_too():
    """A reply without the asked date is replaced by a passage's sentence that gives one,
    not by another edition's ("Spider-Man 2 PS5 release date")."""
    from qa.answering.generate import finish
    from qa.types import Passage, Timings

    def passage(i, text):
        return Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=text, span=(0, len(text)))

    q = "When was Marvel's Spider-Man released?"
    reply = "Marvel's Spider-Man is a video game developed by Insomniac Games [2]."
    sequel = passage(1, "Here's the Marvel's Spider-Man 2 PS5 release date, as well as the latest news.")
    game = passage(2, "Marvel's Spider-Man is a video game developed by Insomniac Games.")
    assert finish(q, reply, [sequel, game], Timings()).refused
    first = passage(1, "Marvel's Spider-Man was released on the PS4 on September 7, 2018.")
    assert "September 7, 2018" in finish(q, reply, [first, game], Timings()).text


def test_a_headline_colon_after_a_sequel_s_number_is_no_subtitle():
    assert not other_edition_only("When was Diablo 4 released?",
                                  "Diablo 4: Blizzard confirms the game was released on June 6, 2023.")
    assert not other_edition_only("When was Red Dead Redemption 2 released?",
                                  "Red Dead Redemption 2: Rockstar's western was released on October 26, 2018.")


def test_the_next_passage_s_sentence_is_quoted_when_the_first_is_not_bound():
    from qa.answering.generate import finish
    from qa.types import Passage, Timings

    def passage(i, text):
        return Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=text, span=(0, len(text)))

    q = "When was Marvel's Spider-Man released?"
    passages = [passage(1, "Here's the Marvel's Spider-Man 2 PS5 release date, as well as the latest news."),
                passage(2, "Marvel's Spider-Man was released on the PS4 on September 7, 2018."),
                passage(3, "Marvel's Spider-Man is a video game developed by Insomniac Games.")]
    answer = finish(q, "Marvel's Spider-Man is a video game developed by Insomniac Games [3].", passages, Timings())
    assert answer.text == "Marvel's Spider-Man was released on the PS4 on September 7, 2018 [2]."


def test_the_article_must_name_the_work_asked_about():
    from qa.answering.editions import names_the_work

    q = "What is the release date for Animal Crossing: New Horizons on Nintendo Switch?"
    mario = "Join Mario on a massive, globe-trotting 3D adventure ... System: Nintendo Switch Release date: 27/10/2017."
    assert not names_the_work(q, mario)  # the console the question names too is not the game
    assert names_the_work(q, "Animal Crossing: New Horizons is a simulation game for the Nintendo Switch.")
    # a word of the subtitle names it; a camel-cased brand is one word
    assert names_the_work("when was The Legend of Zelda: Breath of the Wild released?",
                          "Breath of the Wild was released simultaneously on the Wii U and Nintendo Switch.")
    assert names_the_work("When does the iPhone 11 release?", "The iPhone 11 was released on September 20, 2019.")
    assert not names_the_work("When does the iPhone 11 release?", "The Pixel 4 was released on October 24, 2019.")
    # the work is the title with an edition, not the studio or agency before it; initials,
    # a head without its hyphen and letters without accents name it too
    assert names_the_work("When did Electronic Arts release FIFA 23?", "FIFA 23 came out on September 30, 2022.")
    assert names_the_work("When was Grand Theft Auto VI announced?", "Rockstar announced GTA 6 on December 5, 2023.")
    assert names_the_work("When was Marvel's Spider-Man 2 released?", "Spiderman 2 came out on October 20, 2023.")
    assert names_the_work("When was Pokémon Scarlet: The Hidden Treasure announced?", "Pokemon fans got the news.")
    assert names_the_work("When did the World Health Organization announce the end of the emergency?",
                          "WHO said on May 5, 2023 that the emergency was over.")
    # no work asked about, or no title: nothing to name
    assert names_the_work("Who won the 2019 U.S. Open?", mario)
    assert names_the_work("when was xenoblade chronicles 2 released?", mario)


def test_the_passages_that_name_the_work_asked_about_come_first():
    from qa.answering.editions import the_work_first

    q = "When was Xenoblade Chronicles 2 released?"
    torna = "Torna, part of the Xenoblade Chronicles 2 DLC season pass, was released on September 14, 2018."
    other_game = "The game was released on December 1, 2017 in Japan, North America and Europe."
    named = "Xenoblade Chronicles 2 was released on December 1, 2017 for the Nintendo Switch."
    assert the_work_first(q, [torna, other_game, named], None) == [2, 0, 1]
    # the article, when known, is what must name it
    assert the_work_first(q, [torna, other_game, named], [torna, f"Xenoblade Chronicles 2\n{other_game}", named]) \
        == [1, 2, 0]
    # a question about no work keeps retrieval's order
    assert the_work_first("Who won the 2019 U.S. Open?", [torna, other_game, named], None) == [0, 1, 2]


def test_the_model_reads_the_passage_about_the_asked_work_first(tmp_path, settings, store, fake_embedder):
    from qa import Assistant, Sources
    from qa.articles.ingest import ingest
    from tests.fakes import FakeLLM

    folder = tmp_path / "games"
    folder.mkdir()
    (folder / "torna.txt").write_text(
        "Torna released\n\nTorna - The Golden Country, part of the Xenoblade Chronicles 2 DLC season pass, "
        "was released on September 14, 2018 for Nintendo Switch.\n")
    (folder / "xc2.txt").write_text(
        "Nintendo Switch\n\nXenoblade Chronicles 2 came out on December 1, 2017 for the Nintendo Switch.\n")
    ingest([folder], store=store, embedder=fake_embedder, chunk_size=64)
    llm = FakeLLM("Xenoblade Chronicles 2 was released on December 1, 2017 [1].")
    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=llm)
    events = list(assistant.stream("When was Xenoblade Chronicles 2 released?"))
    sources = events[0]
    assert isinstance(sources, Sources) and len(sources.passages) == 2
    assert "December 1, 2017" in sources.passages[0].text  # shown first, and [1] in the prompt
    prompt = llm.calls[0][-1]["content"]
    assert prompt.index("December 1, 2017") < prompt.index("September 14, 2018")
    answer = events[-1]
    assert not answer.refused and "December 1, 2017" in answer.citations[0].passage.text
