from qa.answering.citations import Claim
from qa.answering.generate import finish
from qa.answering.verify import check_claims, support
from qa.dates import add_years
from qa.types import Passage, Timings
from qa.text import content_stems

P1 = Passage(id="a:0", doc_id="a", title="t", span=(0, 10),
             text="Al-Qaim, about 320 kilometers west of Baghdad, sits along a key supply route.")
P2 = Passage(id="b:0", doc_id="b", title="t", span=(0, 10),
             text="Lelwa Abdullah, a spokeswoman for the Syrian Democratic Forces, accused the government of shelling.")


def test_supported_sentence():
    assert support("Qaim is about 320 kilometers west of Baghdad.", P1.text).ok


def test_invented_number_is_not_supported():
    result = support("Qaim is about 450 kilometers west of Baghdad.", P1.text)
    assert not result.ok and result.missing_numbers == {"450"}


def test_invented_name_is_not_supported():
    result = support("The spokeswoman for the Syrian Democratic Forces is Aisha Khawarizmi.", P2.text)
    assert not result.ok and result.missing_names


def test_wrong_citation_is_moved_to_the_supporting_passage():
    checked = check_claims([Claim("Qaim is about 320 kilometers west of Baghdad.", (2,))], [P1, P2])
    assert checked.claims == [Claim("Qaim is about 320 kilometers west of Baghdad.", (1,))]


def test_uncited_sentence_gets_the_passage_that_supports_it():
    checked = check_claims([Claim("Lelwa Abdullah is a spokeswoman for the Syrian Democratic Forces.", ())], [P1, P2])
    assert checked.claims[0].cited == (2,)


def test_unsupported_sentence_is_dropped():
    checked = check_claims(
        [Claim("Qaim is 320 kilometers west of Baghdad.", (1,)), Claim("The capital of France is Paris.", (1,))],
        [P1, P2],
    )
    assert [c.text for c in checked.claims] == ["Qaim is 320 kilometers west of Baghdad."]
    assert checked.dropped == ["The capital of France is Paris."]


def test_answer_with_nothing_supported_becomes_the_refusal():
    answer = finish("capital?", "The capital of France is Paris [1].", [P1, P2], Timings())
    assert answer.refused and answer.citations == []


def test_citation_carries_the_quote():
    answer = finish("how far?", "Qaim is about 320 kilometers west of Baghdad [1].", [P1, P2], Timings())
    assert not answer.refused
    assert answer.text == "Qaim is about 320 kilometers west of Baghdad [1]."
    assert answer.citations[0].quote == P1.text
    assert answer.citations[0].passage == P1


def test_words_of_the_question_are_given_not_claims_to_check():
    from qa.answering.verify import support

    passage = "The Syrian army said the popular mobilisation units, the Hashed al-Shaabi, advanced."
    sentence = "The Arabic name of the units that advanced toward al-Qaim is Hashed al-Shaabi."
    question = "What is the Arabic name of the units that advanced toward al-Qaim?"
    assert not support(sentence, passage).ok  # "Arabic", "al-Qaim" are not in the passage
    assert support(sentence, passage, question).ok


def test_a_sentence_that_only_restates_the_question_supports_nothing():
    from qa.answering.verify import support

    question = "Which border post on the edge of al-Qaim did Iraqi forces capture?"
    restated = "Iraqi forces captured the border post on the edge of al-Qaim."
    assert not support(restated, "Iraqi forces captured the border post on the edge of al-Qaim.", question).ok


def test_a_year_from_the_question_must_be_in_the_passage():
    """The right event with a fact no passage gives: the passage is about another year."""
    question = "Who won the women's singles at Wimbledon in 2018?"
    passage = "Elena Rybakina won the women's singles title at Wimbledon in 2022."
    assert not support("Elena Rybakina won the women's singles at Wimbledon in 2018.", passage, question).ok
    assert support("Elena Rybakina won the women's singles at Wimbledon in 2022.", passage, question).ok


def test_a_name_spelt_as_another_outlet_spells_it_is_supported():
    passage = "The liberation of Dair Alzour constitutes the final phase in the complete elimination of Daesh."
    sentence = "The statement called the liberation of Deir el-Zour the final phase in the elimination of Daesh."
    assert support(sentence, passage, "What did the statement call the liberation of Deir ez-Zor?").ok
    assert not support("The statement was read by Aisha Khawarizmi.", passage).ok


def test_conflicting_figures_each_with_its_citation_are_kept():
    """'90 per cent [1], 96 per cent [2]': each clause is checked against its own passage."""
    from qa.answering.citations import split_claims

    a = Passage(id="a:0", doc_id="a", title="t", span=(0, 1), text="IS has lost 90 per cent of its territory.")
    b = Passage(id="b:0", doc_id="b", title="t", span=(0, 1), text="The group lost 96 per cent of the land it held.")
    reply = "IS has lost 90 per cent of its territory [1] or 96 per cent according to another report [2]."
    answer = finish("How much territory has IS lost?", reply, [a, b], Timings())
    assert answer.text == "IS has lost 90 per cent of its territory [1] or 96 per cent according to another report [2]."
    assert [c.n for c in answer.citations] == [1, 2]
    wrong = "IS has lost 90 per cent of its territory [1] or 97 per cent according to another report [2]."
    checked = check_claims(split_claims(wrong, 2), [a, b], "How much territory has IS lost?")
    assert [c.text for c in checked.claims] == ["IS has lost 90 per cent of its territory"]


def test_clauses_of_a_dropped_sentence_are_dropped_with_it():
    from qa.answering.citations import split_claims

    claims = split_claims("The capital of France is Paris [1], a big city of 320 kilometers [1].", 2)
    assert check_claims(claims, [P1, P2]).claims == []


def test_spelling_variants_match_whichever_side_is_longer():
    from qa.text import spelt_alike

    assert spelt_alike("zour", "alzour") and spelt_alike("alzour", "zour")
    assert spelt_alike("iraq", "iraqi") and spelt_alike("iraqi", "iraq")
    assert not spelt_alike("abadi", "assad")


def test_a_figure_given_as_money_must_be_money_in_the_passage():
    production = "Tesla vehicle production ; 2019, 365,232 ; 2020, 509,737 ; 2021 (Q1+Q2), 386,759 ..."
    q = "What was Tesla's revenue in Q1 2021?"
    assert not support("Tesla's revenue in Q1 2021 was $386,759.", production, q).ok
    revenue = "Tesla reported revenue of $10.4 billion for the first quarter of 2021."
    assert support("Tesla's revenue in Q1 2021 was $10.4 billion.", revenue, q).ok
    # the same amount written with the currency's name instead of its sign
    youtube = "Google did, in fact, purchase Youtube for 1.65 billion dollars in October of 2006."
    assert support("Google bought YouTube for $1.65 billion.", youtube, "How much did Google pay for YouTube?").ok
    # "pounds" alone is a weight as often as money: it makes no figure money
    assert support("The calf weighed 300 pounds.", "At birth the calf weighed 300 lb.", "How heavy was the calf?").ok
    # the passage may write the amount with the currency's name or code
    for passage in ("Arsenal paid 50 million pounds for the striker.", "Arsenal paid GBP 50 million for the striker."):
        assert support("Arsenal paid £50 million for the striker.", passage, "How much did Arsenal pay?").ok, passage
    assert support("Google paid $1.65 billion.", "Google paid 1.65 billion U.S. dollars.", "How much did Google pay?").ok


def test_a_claimed_winner_whom_a_passage_has_lose_is_dropped_and_that_sentence_answers():
    from qa.answering.generate import finish
    from qa.types import Passage, Timings

    texts = ["2019, Bianca Andreescu (Canada), Serena Williams (USA) ...",
             "Serena Williams lost to Bianca Andreescu on Saturday in the 2019 U.S. Open women's singles final."]
    passages = [Passage(id=f"p{i}", doc_id=f"d{i}", title="t", text=t, span=(0, len(t))) for i, t in enumerate(texts)]
    answer = finish("Who won the women's singles U.S. Open in 2019?",
                    "Serena Williams won the women's singles U.S. Open in 2019 [1].", passages, Timings())
    assert not answer.refused and "lost to Bianca Andreescu" in answer.text and answer.citations[0].n == 2


def test_a_month_s_abbreviation_before_a_day_is_the_month():
    passage = "On Jan. 6, 2023, season 11 of The Walking Dead will release on Netflix."
    assert support("Season 11 comes to Netflix on January 6, 2023.", passage).ok
    assert content_stems("Sept 5 and Dec. 1") == content_stems("September 5 and December 1")
    assert "januari" not in content_stems("Jan Egeland said")  # a name, not a month
    assert "decemb" in content_stems("Dec.2020")


def test_the_question_s_year_may_be_the_article_s_date_when_the_dateline_is_cut():
    q = "Who is the CEO of Lego in 2021?"
    text = "how important Lego play has been, CEO Niels B. Christiansen tells TIME."
    dated = Passage(id="p1", doc_id="d1", title="t", text=text, span=(0, len(text)), date="2021-04-26")
    answer = finish(q, "The CEO of Lego in 2021 is Niels B. Christiansen [1].", [dated], Timings())
    assert not answer.refused
    older = dated.model_copy(update={"date": "2018-04-26"})
    assert finish(q, "The CEO of Lego in 2021 is Niels B. Christiansen [1].", [older], Timings()).refused


def test_a_day_written_without_its_year_takes_the_year_of_its_article_s_date():
    passage = "All 10 episodes of The Crown's Season 4 debut on Netflix on Nov 15."
    claim = "Season 4 of The Crown premiered on November 15, 2020."
    assert support(claim, passage, dates=("2020-11-13",)).ok
    assert not support(claim, passage, dates=("2018-11-13",)).ok
    assert not support(claim, passage).ok  # an undated article gives the day no year
    assert not support(claim, passage, dates=("2020-02-30",)).ok  # nor one with an impossible date
    # the day nearest the article's date: Jan 6 in a December article is next year's
    assert support("It opens on January 6, 2020.", "It opens on Jan 6.", dates=("2019-12-20",)).ok
    assert not support("It opens on January 6, 2019.", "It opens on Jan 6.", dates=("2019-12-20",)).ok
    # a day written with another year is that year's
    assert not support(claim, passage.replace("Nov 15.", "Nov 15, 2019."), dates=("2020-11-13",)).ok
    # a preview's day is the article's year's; a lower-case "may" is no month
    assert support(claim, passage.replace("debut", "will debut"), dates=("2020-05-01",)).ok
    assert not support("It spread by May 15, 2020.", "Up to 15 may be infected, it spread.", dates=("2020-05-10",)).ok


def test_an_answer_s_day_without_its_year_gets_the_year_its_cited_passage_gives():
    q = "What is the premiere date of Grey's Anatomy Season 17?"
    text = "Grey's Anatomy season 17 will premiere on Thursday, Nov. 12 at 9/8c."
    dated = Passage(id="p1", doc_id="d1", title="t", text=text, span=(0, len(text)), date="2020-09-17")
    answer = finish(q, "Season 17 premieres on Thursday, November 12 at 9/8c [1].", [dated], Timings())
    assert answer.text == "Season 17 premieres on Thursday, November 12, 2020 at 9/8c [1]."
    undated = dated.model_copy(update={"date": None})  # no year to give: the day stays as it is
    assert "November 12 at" in finish(q, "Season 17 premieres on Thursday, November 12 at 9/8c [1].",
                                      [undated], Timings()).text


def test_a_year_is_added_only_when_the_passages_agree_on_one():
    dated = [("It will open on Nov 12.", "2020-09-17")]
    assert add_years("It opens 12 November.", dated) == "It opens 12 November 2020."
    assert add_years("It opens 12 Nov. at noon.", dated) == "It opens 12 Nov. 2020 at noon."
    assert add_years("It opens 12 Nov.", dated) == "It opens 12 Nov. 2020."
    assert add_years("It opens on November 12th.", [("on November 12, 2021", None)]) == "It opens on November 12th, 2021."
    # two seasons, two Novembers: which one the answer means is not known
    assert add_years("It opens on November 12.", [*dated, ("It opens on Nov 12.", "2021-10-01")]) == \
        "It opens on November 12."
    assert add_years("It opens on November 13.", dated) == "It opens on November 13."  # not a day they give
    assert add_years("It opens on Jan 6.", [("It will open on Jan 6.", "2019-12-20")]) == "It opens on Jan 6, 2020."
    assert add_years("It was released in Japan on April 29.", [("released in Japan on April 29", "2015-06-16")]) == \
        "It was released in Japan on April 29, 2015."


def test_a_day_is_not_given_a_year_its_article_cannot_tell():
    # a day a season or more after its article's date may be an earlier year's, told in retrospect
    assert add_years("It was held on October 19th.", [("It was held on October 19th.", "2023-06-06")]) == \
        "It was held on October 19th."
    # a day just after the article's date, told in the past, is an earlier year's
    since = [("Since Hamas attacked Israel on October 7, more than 39,000 people have died.", "2024-08-01")]
    assert add_years("Hamas attacked Israel on October 7.", since) == "Hamas attacked Israel on October 7."
    assert add_years("Rioters stormed the Capitol on January 6.",
                     [("A year after rioters stormed the Capitol on January 6, ...", "2022-01-05")]) == \
        "Rioters stormed the Capitol on January 6."
    # a few months back, it is that year's
    assert add_years("Hamas attacked Israel on October 7.", [(since[0][0], "2024-01-15")]) == \
        "Hamas attacked Israel on October 7, 2023."
    # a weekday written with the day must be that date's
    assert add_years("It premieres on Friday, November 12.", [("It will premiere on Friday, Nov. 12.", "2020-09-17")]) \
        == "It premieres on Friday, November 12."
    # a sentence, or the question, that names a year already says which one
    assert add_years("The war began in 2023, when Hamas attacked on October 7.", [(since[0][0], "2023-12-01")]) == \
        "The war began in 2023, when Hamas attacked on October 7."
    assert add_years("It was released on April 29", [("on April 29", "2015-06-01")], context="on April 29 2015") == \
        "It was released on April 29"


def test_a_day_in_a_range_a_figure_a_title_or_a_headline_is_left_as_it_is():
    dated = [("It will run Nov 12-15, sell June 2 million copies", "2020-10-01")]
    assert add_years("The festival runs November 12-15.", dated) == "The festival runs November 12-15."
    assert add_years("It runs November 12 and 13.", dated) == "It runs November 12 and 13."
    assert add_years('She sang "September 21" on stage.', [('She sang "September 21".', "2020-10-01")]) == \
        'She sang "September 21" on stage.'
    # the source would date 12 May; the headline's "12 May Be" is no day to date
    assert add_years("It ships 12 May.", [("It will ship on 12 May.", "2020-04-20")]) == "It ships 12 May 2020."
    assert add_years("The iPhone 12 May Be Delayed.", [("It will ship on 12 May.", "2020-04-20")]) == \
        "The iPhone 12 May Be Delayed."
    assert add_years("It sold in June 2 million copies.", [("It sold in June 2 million", "2020-07-01")]) == \
        "It sold in June 2 million copies."


def test_a_sentence_cut_off_mid_clause_states_nothing():
    q = "What was Tesla's revenue in Q3 2019?"
    text = "As of Q3 2019, Tesla's revenues from the different reportable segments came in at ..."
    cut = Passage(id="p1", doc_id="d1", title="t", text=text, span=(0, len(text)), date="2019-10-23")
    assert finish(q, "Tesla's revenues from the different reportable segments came in at [1].", [cut],
                  Timings()).refused  # no amount: not an answer
    checked = check_claims([Claim("People wearing the headset see 3-D objects.", (1,))],
                           [Passage(id="p2", doc_id="d2", title="t", span=(0, 10),
                                    text="People wearing the headset see 3-D objects around them.")])
    assert checked.claims  # a finished sentence is kept
    assert not check_claims([Claim("People wearing the", (1,))],
                            [Passage(id="p2", doc_id="d2", title="t", span=(0, 10),
                                     text="People wearing the headset see 3-D objects.")]).claims
    # a sentence may end in a preposition; a marker inside it does not cut it off
    oxford = Passage(id="p3", doc_id="d3", title="t", span=(0, 10),
                     text="Oxford University is the university Malala Yousafzai graduated from in 2020.")
    assert not finish("Which university did Malala Yousafzai graduate from?",
                      "Oxford University is the university Malala Yousafzai graduated from [1].", [oxford],
                      Timings()).refused
    revenue = Passage(id="p4", doc_id="d4", title="t", span=(0, 10),
                      text="Tesla's revenue came in at $6.3 billion for the third quarter of 2019.")
    answer = finish("What was Tesla's revenue in Q3 2019?", "Tesla's revenue came in at [1] $6.3 billion [1].",
                    [revenue], Timings())
    assert not answer.refused and "$6.3 billion" in answer.text


def test_the_article_s_date_given_as_the_event_s_day_is_corrected_to_the_day_the_text_gives():
    q = "When was the new bridge opened?"
    text = "The city opened the new bridge to traffic on 14th March, after two years of works."
    dated = Passage(id="p1", doc_id="d1", title="t", text=text, span=(0, len(text)), date="2019-03-15")
    answer = finish(q, "The new bridge was opened on March 15th, 2019 [1].", [dated], Timings())
    assert answer.text == "The new bridge was opened on March 14, 2019 [1]."
    # without the wrong day the reply is checked as any other: the text's own day stands
    assert finish(q, "It opened on 14 March 2019 [1].", [dated], Timings()).text == "It opened on 14 March 2019 [1]."
    # only the article's own date is corrected: another wrong day is dropped
    assert finish(q, "The new bridge was opened on March 16, 2019 [1].", [dated], Timings()).refused
    # two days of that month in the text: which one was meant is not known
    two = dated.model_copy(update={"text": text + " Tolls start on 28 March."})
    assert finish(q, "The new bridge was opened on March 15, 2019 [1].", [two], Timings()).refused
    # the text gives the article's day itself: the claim stands or falls as written
    same = dated.model_copy(update={"text": text + " On March 15 the mayor crossed it."})
    assert finish(q, "The new bridge was opened on March 15, 2019 [1].", [same], Timings()).text \
        == "The new bridge was opened on March 15, 2019 [1]."
    # the text tells a day by its weekday, or "today": the article's own day may be the event's
    friday = dated.model_copy(update={"text": "The bridge, closed since 4 March, reopened on Friday."})
    assert finish(q, "The new bridge was opened on March 15, 2019 [1].", [friday], Timings()).refused
    # a day after the article's is one to come, not the one it reports
    later = dated.model_copy(update={"text": "The city will open the new bridge to traffic on 28 March."})
    assert finish(q, "The new bridge was opened on March 15, 2019 [1].", [later], Timings()).refused
    # an undated article has no date to mistake
    assert finish(q, "The new bridge was opened on March 15, 2019 [1].",
                  [dated.model_copy(update={"date": None})], Timings()).refused
