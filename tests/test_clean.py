from pathlib import Path

from qa.articles.clean import clean_text, parse_date
from qa.articles.ingest import seeds_dir
from qa.articles.loaders import load_article

PAGE = """Main navigation
Skip to content
Follow us on our WhatsApp channel for breaking news!
  •
Politics

Council approves the new river bridge after a long debate

12 March 2021

The city council voted on Tuesday to build a new bridge over the river, ending years of debate.

Image: Reuters

Locator map of the river where the council will build the bridge.

Construction is expected to start next spring and last two years, the mayor said.

Read more: Five bridges that changed the city

Budget row

The bridge will cost 40 million euros, paid partly by the regional government.

Mayor unveils plan for late-night buses
Storm closes three schools in the north
Stadium deal collapses at last minute

© 2021 Riverside Gazette
"""


def test_general_junk_rules_drop_page_furniture():
    cleaned = clean_text(PAGE)
    kept = [p.text for p in cleaned.paragraphs]
    assert kept == [
        "The city council voted on Tuesday to build a new bridge over the river, ending years of debate.",
        "Construction is expected to start next spring and last two years, the mayor said.",
        "The bridge will cost 40 million euros, paid partly by the regional government.",
    ]
    assert cleaned.title == "Council approves the new river bridge after a long debate"
    assert cleaned.source == "Riverside Gazette"
    assert cleaned.date == "2021-03-12"


def test_spans_point_at_the_original_text():
    cleaned = clean_text(PAGE)
    for p in cleaned.paragraphs:
        assert PAGE[p.start : p.end] == p.text


def test_no_break_spaces_are_normalised_but_spans_stay_exact():
    text = "A headline for the test story\n\nThe army\u00a0entered the city on Friday.\n"
    cleaned = clean_text(text)
    para = cleaned.paragraphs[0]
    assert para.text == "The army entered the city on Friday."
    assert text[para.start : para.end].replace("\u00a0", " ") == para.text


def test_key_value_header_sets_metadata():
    text = "Title: Floods hit the valley\nSource: Valley News\nDate: 2020-05-01\n\nRain fell for three days in a row.\n"
    cleaned = clean_text(text)
    assert (cleaned.title, cleaned.source, cleaned.date) == ("Floods hit the valley", "Valley News", "2020-05-01")


def test_parse_date_formats():
    assert parse_date("on Nov. 3, 2017 at noon") == "2017-11-03"
    assert parse_date("04 November 2017") == "2017-11-04"
    assert parse_date("2017-11-03T10:00") == "2017-11-03"
    assert parse_date("no date here") is None


def test_seed_articles_lose_their_junk_and_keep_their_facts():
    texts = {p.name: load_article(p).text for p in sorted(seeds_dir().iterdir())}
    everything = "\n".join(texts.values())
    for junk in ("Telegram channel", "block ads", "Skip to", "search domain-b", "browser does not support",
                 "Balfour Declaration", "Distributed by", "Locator map"):
        assert junk not in everything, junk
    for fact in ("Lelwa Abdullah", "320 kilometers", "more than 96 per cent", "more than 90 per cent",
                 "Joseph Dunford", "Husaybah"):
        assert fact in everything, fact


def test_markdown_front_matter_and_links(tmp_path: Path):
    md = tmp_path / "story.md"
    md.write_text(
        "---\ntitle: Port strike ends\nsource: Harbour Times\ndate: 2022-07-09\n---\n"
        "# Port strike ends\n\nDock workers returned on **Monday** after a [deal](http://x.test) was signed.\n",
        encoding="utf-8",
    )
    article = load_article(md)
    assert article.title == "Port strike ends"
    assert article.source == "Harbour Times"
    assert article.date == "2022-07-09"
    assert article.text == "Dock workers returned on Monday after a deal was signed."


def test_html_goes_through_a_real_extractor(tmp_path: Path):
    page = tmp_path / "page.html"
    body = " ".join(["The harbour reopened after the storm, officials said on Monday."] * 4)
    page.write_text(
        "<html><head><title>Harbour reopens | Coast Daily</title></head><body>"
        "<nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        f"<article><h1>Harbour reopens</h1><p>{body}</p><p>Ferries will run again from Tuesday.</p></article>"
        "<footer>Subscribe to our newsletter</footer></body></html>",
        encoding="utf-8",
    )
    article = load_article(page)
    assert "Ferries will run again from Tuesday." in article.text
    assert "Home" not in article.text and "newsletter" not in article.text


def test_a_single_paragraph_file_is_its_body_not_a_headline(tmp_path: Path):
    note = tmp_path / "snippet-7.txt"
    note.write_text(
        "Feb 7, 2021 ... The game was played at Raymond James Stadium in Tampa, Florida, "
        "the home stadium of the Buccaneers ...\n",
        encoding="utf-8",
    )
    article = load_article(note)
    assert "Raymond James Stadium in Tampa, Florida" in article.text
    assert article.title == "snippet-7"


def test_a_headline_followed_by_a_body_is_still_the_title():
    cleaned = clean_text("Storm closes three schools in the north\n\nThe schools will reopen on Monday.\n")
    assert cleaned.title == "Storm closes three schools in the north"
    assert [p.text for p in cleaned.paragraphs] == ["The schools will reopen on Monday."]


def test_a_long_key_value_line_is_text_not_a_header(tmp_path: Path):
    snippet = tmp_path / "s03.txt"
    snippet.write_text(
        "Date: Thursday, July 29, 2021. Location: Brooklyn, New York. Number of Picks: 60 (55 played in NBA). "
        "First Overall Pick: Cade Cunningham.\n",
        encoding="utf-8",
    )
    assert "Cade Cunningham" in load_article(snippet).text



def test_a_dateline_names_the_agency_and_a_date_without_a_year_stays_unknown():
    wire = clean_text("Syria retakes town\n\nBEIRUT, Nov. 3 (AP) — Syrian troops retook the town on Friday, "
                      "state media said.\n\nResidents began to return on Saturday.\n")
    assert (wire.source, wire.date) == ("AP", None)  # no year in the dateline: never guessed
    dated = clean_text("Syria retakes town\n\nLONDON, Nov. 3, 2017 (Reuters) - Troops retook the town on Friday.\n\n"
                       "Residents began to return on Saturday.\n")
    assert (dated.source, dated.date) == ("Reuters", "2017-11-03")
    plain = clean_text("Syria retakes town\n\nThe U.S. (and its allies) - said the town was retaken on Friday.\n")
    assert plain.source is None


def test_a_date_that_opens_the_text_is_its_dateline_not_a_sentence_of_it():
    """A search result's or wire story's date before its text says when it was written: it
    becomes the article's date and leaves the text, so an answer cannot cite it as the date
    of what the article tells ("Sep 13, 2022" for when a game was released)."""
    text = "Sep 13, 2022 ... ... to The Legend of Zelda: Breath of the Wild has been revealed! More soon."
    cleaned = clean_text(text)
    assert cleaned.date == "2022-09-13"
    assert [p.text for p in cleaned.paragraphs] == ["to The Legend of Zelda: Breath of the Wild has been revealed! More soon."]
    assert all(text[p.start : p.end] == p.text for p in cleaned.paragraphs)
    wire = clean_text("Nov. 3, 2017 — Syrian troops retook the city on Friday, state media said.")
    assert (wire.date, wire.paragraphs[0].text) == ("2017-11-03", "Syrian troops retook the city on Friday, state media said.")
    # further down, a date opening a paragraph is a timeline's entry, not a dateline
    timeline = clean_text("Bridge timeline\n\nThe bridge has a long history of votes and repairs.\n\n"
                          "March 3, 2021 - The council voted to close the bridge.\n")
    assert timeline.paragraphs[-1].text == "March 3, 2021 - The council voted to close the bridge."
    # entries of a timeline open with dates line after line: those are facts, not a dateline
    dated_timeline = clean_text("Title: Bridge timeline\nDate: 2021-06-01\n\nMarch 3, 2021 - The council voted.\n\n"
                                "April 5, 2021 - Repairs began.\n")
    assert [p.text for p in dated_timeline.paragraphs] == ["March 3, 2021 - The council voted.",
                                                           "April 5, 2021 - Repairs began."]
    assert clean_text("Sep 1, 2019-2020 budget was passed on time.").paragraphs[0].text.startswith("Sep 1, 2019-2020")
    # a date that is part of the sentence stays in it
    for sentence in ("Sep 13, 2022 was the day the sequel was revealed.", "On Sep 13, 2022 - a Tuesday - it was revealed."):
        assert clean_text(sentence).paragraphs[0].text == sentence


def test_a_reference_s_access_date_is_not_the_article_s_date():
    pasted = ('"Manti Te\'o wins Maxwell, Bednarik, Walter Camp player-of-the-year awards". Hawaii News Now. '
              'Retrieved January 8, 2017. ^ "Louisville QB Lamar Jackson ...')
    assert clean_text(pasted).date is None  # unknown stays unknown
    assert clean_text("Talks\n\nArchived from the original on 4 May 2019. The talks ended on March 3, 2021.").date \
        == "2021-03-03"
    assert clean_text("Talks\n\nThe talks ended on March 3, 2021.").date == "2021-03-03"
