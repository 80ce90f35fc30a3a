"""Time in search: a question about a year gets that year's passages first, and two
passages alike but for their year are two events, not a passage and its copy."""

from qa.articles.ingest import ingest
from qa.search.retrieve import retrieve, select
from qa.types import Passage


def _passage(i: int, text: str, date: str | None = None) -> Passage:
    return Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=text, span=(0, len(text)), date=date)


def test_passages_alike_but_for_the_year_are_two_events_not_a_copy():
    same = "won the Wimbledon women's singles final on Saturday beating her rival in three sets"
    a, b = _passage(1, f"Angelique Kerber {same} in 2018."), _passage(2, f"Angelique Kerber {same} in 2019.")
    assert [p.id for p in select([a, b], k=5)] == ["p1", "p2"]
    c = _passage(3, f"Angelique Kerber {same} in 2018, said the report.")
    assert [p.id for p in select([a, c], k=5)] == ["p1"]  # a real copy is still folded in


def test_a_question_about_a_year_gets_the_passages_about_that_year_first(tmp_path, store, fake_embedder):
    folder = tmp_path / "finals"
    folder.mkdir()
    question = "Who won the Wimbledon women's singles title in 2019?"
    for year, winner in [(2017, "Garbine Muguruza"), (2018, "Angelique Kerber"), (2021, "Ashleigh Barty"),
                         (2022, "Elena Rybakina")]:  # the question's own words, another year
        (folder / f"w{year}.txt").write_text(
            f"Wimbledon women's singles title\n\n{winner} won the Wimbledon women's singles title in {year}, "
            "as she won the Wimbledon women's singles title on Centre Court.\n")
    (folder / "w2019.txt").write_text(  # the asked year, in other words
        "All England Club\n\nSimona Halep beat Serena Williams at the All England Club in 2019.\n")
    (folder / "undated.txt").write_text(  # no year, no date: not known to be about another year
        "Centre Court\n\nThe champion lifted the Venus Rosewater Dish at the All England Club.\n")
    ingest([folder], store=store, embedder=fake_embedder, chunk_size=64)
    found = retrieve(question, store=store, embedder=fake_embedder, k=3)
    assert "Simona Halep" in found.passages[0].text
    assert any("Rosewater" in p.text for p in found.passages)  # kept among the three
    undated = retrieve("Who won the Wimbledon women's singles title?", store=store, embedder=fake_embedder, k=6)
    assert len(undated.passages) == 6  # no year asked: nothing filtered away


def test_last_year_is_counted_from_the_newest_article():
    from qa.dates import anchored

    assert anchored("Who won the final last year?", "2021-06-02") == "Who won the final last year (2020)?"
    assert anchored("Who leads the league this year?", "2021-06-02") == "Who leads the league this year (2021)?"
    assert anchored("Who won last year, in 2019?", "2021-06-02") == "Who won last year, in 2019?"  # a year named
    assert anchored("Who won the final last year?", None) == "Who won the final last year?"  # dates unknown
    assert anchored("What changed over the past year?", "2021-06-02") == "What changed over the past year?"


def test_a_question_about_last_year_gets_that_years_passages(tmp_path, settings, store, fake_embedder):
    from qa import Assistant, Sources
    from tests.fakes import FakeLLM

    folder = tmp_path / "finals"
    folder.mkdir()
    for year, winner in [(2019, "Simona Halep"), (2020, "Naomi Osaka"), (2021, "Ashleigh Barty")]:
        (folder / f"f{year}.txt").write_text(
            f"Title: Final\nDate: {year}-09-12\n\n{winner} won the women's final of the season in {year}, "
            "as she won the women's final of the season on the main court.\n")
    ingest([folder], store=store, embedder=fake_embedder, chunk_size=64)
    assert store.newest_date() == "2021-09-12"
    assistant = Assistant(settings=settings, store=store, embedder=fake_embedder, llm=FakeLLM("Naomi Osaka won [1]."))
    events = list(assistant.stream("Who won the women's final of the season last year?"))
    sources = next(e for e in events if isinstance(e, Sources))
    assert "Naomi Osaka" in sources.passages[0].text
    assert events[-1].question == "Who won the women's final of the season last year (2020)?"


def test_a_year_decades_ahead_is_part_of_a_name_not_a_time():
    """"Cyberpunk 2077" is a game, not a question about 2077: read as a year, it would send
    the passages about its 2020 release last and refuse them as about another year."""
    from qa.answering.binding import binds
    from qa.dates import LAST_NEWS_YEAR, years

    assert years("What is the release date of Cyberpunk 2077?") == frozenset()
    assert years("Who won in 2019, and who will host in 2032?") == {"2019", "2032"}
    # far ahead but after a word or a possessive: a year of a plan, not a name
    assert years("By how much will the EU cut emissions by 2050?") == {"2050"}
    assert years("Is China's 2060 target in reach?") == {"2060"}
    assert LAST_NEWS_YEAR >= 2036
    assert binds("It was released on December 10, 2020 [1].",
                 "Cyberpunk 2077 had been delayed three times. It was finally released on December 10, 2020.",
                 "What is the release date of Cyberpunk 2077?")


def test_the_first_day_a_report_can_tell_of_the_time_asked_about():
    from qa.dates import earliest_report, needs_newest

    assert earliest_report("What did the council decide in March 2021?", None) == "2021-03-01"
    assert earliest_report("What happened on 3 November 2017, or on Nov. 4, 2017?", None) == "2017-11-03"
    assert earliest_report("What was said in September of 2019?", None) == "2019-09-01"
    # counted from the newest article (a Saturday): last week began on the Monday before this one
    newest = "2017-11-04"
    assert earliest_report("Who briefed on IS leaders last week?", newest) == "2017-10-23"
    assert earliest_report("What happened this week?", newest) == "2017-10-30"
    assert earliest_report("What happened yesterday?", newest) == "2017-11-03"
    assert earliest_report("What did they agree last month?", newest) == "2017-10-01"
    assert needs_newest("Who briefed last week?") and not needs_newest("Who briefed in March 2021?")
    # unknown stays unknown; no day or month named; "Mark 2019" and "may" are no months
    assert earliest_report("Who briefed last week?", None) is None
    assert earliest_report("Who is the prime minister today?", newest) is None  # "today" is now
    # a time the question asks about the time before bounds it from the other side
    assert earliest_report("Who was the CEO before March 2020?", None) is None
    assert earliest_report("What did they agree by last week?", newest) is None
    assert earliest_report("What happened on March 3rd, 2021?", None) == "2021-03-03"
    assert earliest_report("Who won the final in 2019?", "2021-06-02") is None
    assert earliest_report("Who won the Mark 2019 prize, and may they keep it?", None) is None


def test_articles_written_before_the_time_asked_about_go_last(tmp_path, store, fake_embedder):
    folder = tmp_path / "council"
    folder.mkdir()
    question = "What did the city council decide about the bridge last week?"
    # the question's own words, in an article written long before "last week"
    (folder / "old.txt").write_text("Title: Council\nDate: 2021-03-02\n\nThe city council will decide about the "
                                    "bridge; the city council met about the bridge.\n")
    (folder / "recent.txt").write_text("Title: Vote\nDate: 2021-06-02\n\nAldermen voted to rebuild the crossing.\n")
    (folder / "newest.txt").write_text("Title: Weather\nDate: 2021-06-10\n\nRain is expected on Friday.\n")
    (folder / "undated.txt").write_text("Title: Notes\n\nThe mayor spoke about the budget.\n")
    ingest([folder], store=store, embedder=fake_embedder, chunk_size=64)
    unsteered = retrieve("What did the city council decide about the bridge?", store=store, embedder=fake_embedder, k=4)
    assert "will decide" in unsteered.passages[0].text
    found = retrieve(question, store=store, embedder=fake_embedder, k=4)
    assert "will decide" in found.passages[-1].text  # written before last week began (2021-05-31)
    assert {"Aldermen", "mayor"} <= {w for p in found.passages[:3] for w in p.text.split()}


def test_a_time_no_candidate_is_from_picks_nothing():
    """"Last week" in a question copied from a 2017 story, asked of an archive whose newest
    article is of 2023: no candidate is from then, so the order stays as search made it."""
    from qa.search.retrieve import by_time

    old, undated = _passage(1, "Dunford briefed on IS leaders.", "2017-11-04"), _passage(2, "A note.")
    assert [p.id for p in by_time([old, undated], frozenset(), "2023-05-22")] == ["p1", "p2"]
    recent = _passage(3, "The council met.", "2023-05-25")
    assert [p.id for p in by_time([old, undated, recent], frozenset(), "2023-05-22")] == ["p2", "p3", "p1"]
    # the year asked about puts other years last, behind the passages written too early
    other_year = _passage(4, "The 2016 final.", "2016-07-01")
    too_early = _passage(5, "The 2017 offensive began.", "2017-10-01")
    assert [p.id for p in by_time([other_year, too_early, old], frozenset({"2017"}), "2017-11-01")] == ["p1", "p5", "p4"]


def test_a_follow_up_reads_the_story_the_last_answer_cited_first():
    from qa.search.retrieve import in_thread

    other, cited, copy = _passage(1, "Bryan Singer faces accusations."), _passage(2, "Lelwa Abdullah accused"), \
        _passage(3, "A copy of the cited story.")
    copy = copy.model_copy(update={"group": "d2"})  # another outlet's copy of the same story
    assert [p.id for p in in_thread([other, copy, cited], [cited])] == ["p3", "p2", "p1"]
    assert [p.id for p in in_thread([other, cited], [])] == ["p1", "p2"]  # nothing cited: as found
