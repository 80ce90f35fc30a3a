"""The binding check: the question's year, quarter and men's/women's hold where the answer is."""

from qa.answering.binding import binds, qualifiers
from qa.dates import year_of

US_OPEN_2019 = ("Serena Williams lost to Bianca Andreescu 6-3, 7-5 in the 2019 U.S. Open women's singles final. "
                "Williams had won the title six times.")
RADUCANU = ("Emma Raducanu won the women's singles title at the 2021 U.S. Open. "
            "The British teenager did not drop a set.")
DJOKOVIC = ("Novak Djokovic won the U.S. Open in 2018, beating Juan Martin del Potro. "
            "The 2020 tournament was played without fans.")


def test_qualifiers_read_years_quarters_and_the_sex_of_a_contest():
    q = qualifiers("What was Tesla's revenue in Q1 2021 and in the second quarter of 2020?")
    assert q.years == {"2021", "2020"} and q.quarters == {"1", "2"} and not q.genders
    assert qualifiers("Who won the men's singles U.S. Open 2021?").genders == {"men"}
    assert qualifiers("Who won the women’s title?").genders == {"women"}
    assert not qualifiers("Three men were hurt and $2019 was paid for 1,2017 items.")
    assert year_of("2017-11-03") == {"2017"} and year_of(None) == set() and year_of("unknown") == set()


def test_an_answer_whose_sentence_is_about_the_other_contest_is_not_bound():
    assert not binds("Emma Raducanu won the men's singles U.S. Open 2021.", RADUCANU,
                     "Who won the men's singles U.S. Open 2021?")
    assert binds("Emma Raducanu won the women's singles U.S. Open 2021.", RADUCANU,
                 "Who won the women's singles U.S. Open 2021?")


def test_an_answer_whose_sentence_is_about_another_year_is_not_bound():
    q = "Who won the men's singles U.S. Open in 2020?"
    assert not binds("Novak Djokovic won the men's singles U.S. Open in 2020.", DJOKOVIC, q)
    assert binds("Novak Djokovic won the U.S. Open in 2018.", DJOKOVIC, "Who won the U.S. Open in 2018?")


def test_a_passage_about_other_years_only_does_not_answer_and_the_quarter_must_not_conflict():
    revenue = "Tesla reported revenue of $10.4 billion, up 74% from a year earlier."
    q = "What was Tesla's revenue in Q1 2021?"
    assert binds("Tesla's revenue was $10.4 billion.", revenue, q, date="2021-04-26")
    assert not binds("Tesla's revenue was $10.4 billion.", revenue, q, date="2022-04-20")
    assert binds("Tesla's revenue was $10.4 billion.", revenue, q)  # no year, no date: unknown, not other
    assert not binds("Tesla's revenue was $10.4 billion.", revenue + " Its 2022 outlook was strong.", q)
    third = "Tesla reported third-quarter revenue of $10.4 billion in 2021."
    assert not binds("Tesla's revenue was $10.4 billion.", third, q)


def test_other_years_in_other_sentences_and_questions_without_qualifiers_are_left_alone():
    assert binds("Bianca Andreescu won.", US_OPEN_2019, "Who won the women's singles U.S. Open in 2019?")
    assert binds("Ali Mayhoub read the statement.", "Brig. Gen. Ali Mayhoub read it in 2017. In 2011 ...",
                 "Who read the statement?")
    # a claim that adds no name or figure has nothing to bind
    assert binds("The final was played.", DJOKOVIC, "Was the 2020 final played?")



def test_a_who_question_about_a_role_needs_the_answer_named_in_that_role():
    nintendo = "Shuntaro Furukawa is the sixth and current president of Nintendo in Japan."
    assert not binds("Shuntaro Furukawa is the prime minister of Japan.", nintendo, "Who is the prime minister of Japan?")
    assert binds("Shuntaro Furukawa is the president of Nintendo.", nintendo, "Who is the president of Nintendo?")
    dunford = "Gen Joseph Dunford, chairman of the US Joint Chiefs of Staff, said on Thursday that IS leaders fled."
    assert binds("Gen Joseph Dunford briefed on it.", dunford,
                 "Which US general, chairman of the Joint Chiefs of Staff, briefed on IS leaders last week?")
    ceo = "Abigail Johnson has been chief executive of Fidelity Investments since 2014."
    assert binds("Abigail Johnson is the CEO.", ceo, "Who is the CEO of Fidelity Investments?")
    # not a question for someone: "when" with a role in it binds nothing by role
    assert binds("It began in March 2011.", "The uprising began in March 2011.", "When did the president's war begin?")


def test_the_edition_of_a_recurring_event_must_not_conflict():
    q = "Which director won Best Director at the 93rd Academy Awards Ceremony?"
    text = "Bong Joon-ho won best director at the 92nd Academy Awards, which he directed well."
    assert not binds("Bong Joon-ho won Best Director.", text, q)
    assert binds("Chloe Zhao won Best Director.", "Chloe Zhao, who directed Nomadland, won best director.", q)


def test_a_season_or_instalment_given_in_words_or_after_its_noun_must_not_conflict():
    q = "When will the first season of The Blacklist premiere?"
    tenth = "The tenth and final season of The Blacklist was ordered in 2022 and premiered on February 26."
    assert not binds("The first season of The Blacklist premiered on February 26.", tenth, q)
    assert binds("It premiered on September 23, 2013.",
                 "The first season of The Blacklist premiered on NBC on September 23, 2013.", q)
    crown = "Season 3 of Netflix series The Crown premiered on November 17, 2019."
    assert not binds("Season 3 of The Crown premieres on November 17.", crown, "When does season 4 of The Crown premiere?")
    assert binds("Season 3 of The Crown premieres on November 17.", crown, "When does season three of The Crown premiere?")
    # a day of the month and a century are no instalments
    assert qualifiers("It will arrive on Steam on December 6th, the 2nd of May").ordinals == set()
    assert binds("Disney acquired it.", "Disney's acquisition of 21st Century Fox became effective.",
                 "Who acquired 20th Century Fox?")
    assert qualifiers("Game 7 of the NBA Finals, its 93rd edition; Season 2020").ordinals == {"game:7", "edition:93"}
    # a score, a count, a day written first and a century are none either
    assert qualifiers("won the series 4-3 and the game 93-89; played the game two days later").ordinals == set()
    assert qualifiers("on 6th December, a 19th-century house").ordinals == set()
    # each kind apart: the first episode says nothing against season 4
    q = "When does season 4 of The Crown premiere?"
    assert binds("It premieres on November 15, 2020.", "The first episode debuts on Netflix on November 15, 2020.", q)
    assert qualifiers("Series 2 of Sherlock, the second season").ordinals == {"season:2"}


def test_a_passage_that_writes_the_asked_event_with_another_year_does_not_answer_about_it():
    q = "What movie won the Oscar for Best Animated Film in 2020?"
    poll = "Poll: Oscars 2021 — Best Animated Feature Film · Vote! Onward (2020) · Vote! Soul (2020)"
    assert not binds("Onward (2020).", poll, q)
    assert binds("Toy Story 4 won.", "At the 2020 Oscars, Toy Story 4 won best animated feature (2019 film).", q)
    # a quarter's year is not the event's: "Tesla's Q4 2020 earnings call in January 2021"
    ceo = "Tesla CEO Elon Musk said during Tesla's Q4 2020 earnings call in January 2021 that the Semi is on hold."
    assert binds("Elon Musk is the CEO of Tesla.", ceo, "Who is the CEO of Tesla in 2021?")
    # an asked year written on its own keeps the passage, whatever other years it gives the event
    assert binds("Joe Biden won the election.", "Joe Biden won the 2020 presidential election, four years after "
                 "the 2016 US election.", "Who won the 2020 US presidential election?")
    assert binds("Elon Musk is the CEO.", "Elon Musk, the CEO of Tesla, said in 2021 that Tesla's 2020 results "
                 "were strong.", "Who is the CEO of Tesla in 2021?")
    # "In 2020" or "The 2020 final" write the year on its own: a small word or a month is no name
    assert binds("Joe Biden won.", "In 2020, Joe Biden won. The 2016 US election went to Donald Trump.",
                 "Who won the 2020 US presidential election?")
    # a year after a sentence's end is not the name's: "Maxwell Award Recipients. Since 1937 · 2019 - Joe Burrow"
    assert binds("Joe Burrow.", "Maxwell Award Recipients. Since 1937 · 2019 - Joe Burrow, LSU · 2018 - Tua",
                 "Who is the Maxwell Award winner in 2019?")


def test_a_date_asked_within_a_year_must_be_of_that_year():
    q = "What is the release date of God of War (2018)?"
    port = "We're thrilled to announce that God of War (2018) will be coming to PC on January 14, 2022!"
    assert not binds("The release date of God of War (2018) is January 14, 2022.", port, q)
    assert binds("It was released on April 20, 2018.", "God of War is launching on 20th April 2018.", q)
    assert binds("It is on November 18, 2020.", "2020 NBA Draft. Date: Wednesday, November 18, 2020",
                 "What is the date of the 2020 NBA Draft?")
    assert binds("It is on November 18.", "2020 NBA Draft. Date: Wednesday, November 18",
                 "What is the date of the 2020 NBA Draft?")  # no year given: nothing to conflict
    # the next year may be the asked one's: a postponed event, a season's final
    assert binds("It took place from July 23 to August 8, 2021.",
                 "The Tokyo 2020 Olympics took place from July 23 to August 8, 2021.",
                 "When did the 2020 Tokyo Olympics take place?")
    assert not binds("It took place on August 8, 2019.", "The Olympics took place on August 8, 2019.",
                     "When did the 2020 Tokyo Olympics take place?")


def test_a_former_holder_of_the_role_does_not_answer():
    blatter = "Sepp Blatter is the former president of FIFA and was banned in 2015."
    assert not binds("Sepp Blatter is the president of FIFA.", blatter, "Who is the president of the FIFA?")


def test_who_directed_asks_for_the_director_as_who_is_the_director_does():
    """The question's words count as given in the support check, so a name anywhere in a
    passage that says "directed" and the title passed: an actor asked about a hypothetical
    Nolan version was "who directed The Avengers"."""
    from qa.answering.roles import asked_roles

    q = "Who directed The Avengers?"
    assert asked_roles(q) == {"director"} and asked_roles("who co-founded Apple?") == {"founder"}
    assert asked_roles("Who commanded the strike on the base?") == set()  # an act, not a lasting role
    actor = ("What would a Christopher Nolan-directed version of 'The Avengers' look like? "
             "Robert Downey Jr. says they'd 'still be shooting it.'")
    assert not binds("Robert Downey Jr. directed The Avengers.", actor, q)
    assert binds("Joss Whedon directed The Avengers.", "The Avengers, directed by Joss Whedon, opened in 2012.", q)
    assert binds("Joss Whedon directed The Avengers.", "Director Joss Whedon said The Avengers opened well.", q)


def test_a_verb_or_a_general_election_in_the_question_is_no_role():
    from qa.answering.roles import asked_roles, roles

    assert asked_roles("Who led the assault on the city?") == set()
    assert asked_roles("Who won the French general election in 2017?") == set()
    assert asked_roles("Which US general, chairman of the Joint Chiefs, spoke?") == {"general", "chair"}
    assert roles("The film was directed by James Cameron.") == {"director"}
    assert roles("Sepp Blatter, the former FIFA president, spoke.") == set()
    assert roles("Then-President Barack Obama and the ex-president of Brazil met.") == set()
    assert roles("The late president was buried.") == set()
    # "then" and "late" as plain words do not make a role a former one
    assert roles("And then the president of France spoke.") == {"president"}
    assert roles("In late 2019 the president of France spoke.") == {"president"}


def test_the_loser_named_in_the_passage_does_not_answer_who_won():
    q = "Who won the women's singles U.S. Open in 2019?"
    lost = "Serena Williams lost to Bianca Andreescu, 6-3, 7-5, in the 2019 U.S. Open women's singles final."
    assert not binds("Serena Williams won the women's singles U.S. Open in 2019.", lost, q)
    assert binds("Bianca Andreescu won the women's singles U.S. Open in 2019.", lost, q)
    beat = "Bianca Andreescu beat Serena Williams in the 2019 U.S. Open women's singles final."
    assert not binds("Serena Williams won the women's singles U.S. Open in 2019.", beat, q)
    assert binds("Bianca Andreescu won the women's singles U.S. Open in 2019.", beat, q)
    beats_to_win = "Romania's Simona Halep beats Serena Williams to win the 2019 U.S. Open women's singles."
    assert not binds("Serena Williams won the women's singles U.S. Open in 2019.", beats_to_win, q)
    assert binds("Simona Halep won the women's singles U.S. Open in 2019.", beats_to_win, q)
    beaten = "Serena Williams was beaten by Bianca Andreescu in the 2019 U.S. Open women's singles final."
    assert binds("Bianca Andreescu won the women's singles U.S. Open in 2019.", beaten, q)
    # a passage that says both is not a conflict; one that says nothing of how the answer
    # did does not tell that it won (see the next test)
    both = "Serena Williams lost the 2019 final. Serena Williams won the 2019 U.S. Open women's doubles."
    assert binds("Serena Williams won the women's singles U.S. Open in 2019.", both, q)
    assert not binds("Serena Williams won.", "Serena Williams played the 2019 U.S. Open final.", "Who won the final?")


def test_a_role_held_for_another_country_does_not_answer():
    q = "Who is the prime minister of Canada?"
    iraq = "Iraqi Prime Minister Haider al-Abadi congratulated the forces."
    assert not binds("The prime minister of Canada is Haider al-Abadi.", iraq, q)
    assert binds("Justin Trudeau is the prime minister of Canada.",
                 "Canadian Prime Minister Justin Trudeau spoke in Ottawa.", q)
    assert binds("Justin Trudeau is the prime minister of Canada.", "Canada's prime minister, Justin Trudeau, spoke.", q)
    assert binds("Justin Trudeau is the prime minister.", "Prime Minister Justin Trudeau spoke.", q)  # no place named
    q_fr = "Who is the president of France?"
    assert binds("Emmanuel Macron is the president of France.", "French President Emmanuel Macron said.", q_fr)
    assert not binds("Joe Biden is the president of France.", "US President Joe Biden said.", q_fr)
    q_body = "Who is the director of the Syrian Observatory for Human Rights?"
    assert binds("Rami Abdel Rahman is the director.",
                 "Rami Abdel Rahman, the director of the Syrian Observatory for Human Rights, said.", q_body)


def test_only_the_word_right_before_a_role_says_for_whom_it_is_held():
    q = "Who is the prime minister of Canada?"
    claim = "Justin Trudeau is the prime minister of Canada."
    assert binds(claim, "On Monday, Prime Minister Justin Trudeau spoke in Ottawa.", q)
    q_us = "Which US general leads the coalition against Islamic State?"
    assert binds("Gen. Joseph Votel leads it.", "Army Gen. Joseph Votel, the coalition's commander, spoke.", q_us)
    assert binds("Gen. Joseph Votel leads it.", "U.S. Gen. Joseph Votel spoke.", q_us)
    assert not binds("Gen. Igor Konashenkov leads it.", "Russian Gen. Igor Konashenkov spoke.", q_us)


def test_a_passage_that_says_nothing_was_won_does_not_answer_who_won():
    q = "Who won the men's singles U.S. Open in 2020?"
    out = "Sep 10, 2020 ... With Novak Djokovic's disqualification, Tuesday's men's quarterfinals went ahead."
    assert not binds("Novak Djokovic won the men's singles U.S. Open in 2020.", out, q)
    # any word of a result will do, in the sentence that names the answer
    for said in ("Dominic Thiem is the 2020 U.S. Open men's singles champion.",
                 "Dominic Thiem claimed the 2020 U.S. Open men's title after two sets down.",
                 "Dominic Thiem's victory at the 2020 U.S. Open was his first major."):
        assert binds("Dominic Thiem won the men's singles U.S. Open in 2020.", said, q), said
    # the result must be told where the answer is named, not elsewhere in the passage
    elsewhere = "Novak Djokovic was disqualified in 2020. The men's singles title went to a first-time champion."
    assert not binds("Novak Djokovic won the men's singles U.S. Open in 2020.", elsewhere, q)
    # a claim that says nothing of a win is not held to this
    assert binds("Novak Djokovic was disqualified in 2020.", out, "What happened to Novak Djokovic in 2020?")


def test_a_role_held_for_a_longer_name_is_held_for_another_body():
    tretter = "The NFLPA re-elected JC Tretter as president of the NFL Players Association on Saturday."
    assert not binds("The president of the NFL is JC Tretter.", tretter, "Who is the president of the NFL?")
    assert binds("JC Tretter", tretter, "Who is the president of the NFL Players Association?")
    # a company's legal suffix names the same company
    assert binds("Tim Cook", "Tim Cook became CEO of Apple Inc. in 2011.", "Who is the CEO of Apple?")


def test_a_passage_that_has_the_claimed_winner_lose_the_asked_final_contradicts_the_claim():
    from qa.answering.binding import lost_in

    q = "Who won the women's singles U.S. Open in 2019?"
    claim = "Serena Williams won the women's singles U.S. Open in 2019."
    assert lost_in(claim, US_OPEN_2019, q) == ("Serena Williams lost to Bianca Andreescu 6-3, 7-5 in the 2019 "
                                               "U.S. Open women's singles final.")
    # a list of results without verbs says nothing about who lost; the winner is not contradicted
    assert lost_in(claim, "2019, Bianca Andreescu (Canada), Serena Williams (USA) ...", q) is None
    assert lost_in("Bianca Andreescu won the 2019 U.S. Open.", US_OPEN_2019, q) is None
    # another year's final does not contradict it
    assert lost_in(claim, "Serena Williams lost to Naomi Osaka in the 2018 U.S. Open final.", q) is None
    # nor does the same year's final of another contest
    assert lost_in("Serena Williams won the women's singles Wimbledon in 2019.", US_OPEN_2019,
                   "Who won the women's singles Wimbledon in 2019?") is None
    # the passage names the contest; the losing sentence need not
    wimbledon = "Simona Halep won the 2019 Wimbledon title. Serena Williams lost to Halep 6-2, 6-2 in the final."
    assert lost_in("Serena Williams won the 2019 Wimbledon title.", wimbledon,
                   "Who won the women's singles Wimbledon in 2019?") == "Serena Williams lost to Halep 6-2, 6-2 in the final."


def test_a_reporter_asked_by_outlet_must_be_that_outlet_s():
    q = "What is the name of the AFP reporter who was inside Deir Ezzor on Thursday?"
    espn = "ESPN NBA reporter Malika Andrews will serve as the NBA Draft telecast reporter for the first time."
    assert not binds("Malika Andrews: the NBA Draft telecast reporter.", espn, q)
    assert binds("Jane Doe.", "AFP reporter Jane Doe was inside the city on Thursday.", q)
    # a sentence that also names the role without an outlet does not make it any outlet's
    assert binds("Jane Doe.", "AFP reporter Jane Doe, the only reporter there, saw the ruins.", q)


def test_the_winner_of_an_honour_is_not_its_namesake():
    q = "Who is the Maxwell Award winner in 2019?"
    designer = "Brandon Maxwell showed his 2019 collection in New York."
    assert not binds("Brandon Maxwell is the Maxwell Award winner in 2019.", designer, q)
    winner = "Joe Burrow won the 2019 Maxwell Award as the nation's best player."
    assert binds("Joe Burrow won the Maxwell Award in 2019.", winner, q)
    assert binds("Henry Ford founded it in 1903.", "Henry Ford founded Ford in 1903.", "Who founded Ford?")


def test_a_role_in_parentheses_is_held_for_the_name_they_follow():
    q = "Who is the CEO of Nintendo in 2021?"
    cut = ("（HQ: San Francisco, CA USA; CEO: John Hanke ）and Nintendo Co., Ltd. (HQ: Kyoto; Representative "
           "Director and President: Shuntaro Furukawa), 2021")
    assert not binds("John Hanke", cut, q)  # the parentheses open a snippet cut before its company
    assert not binds("John Hanke", "Niantic (CEO: John Hanke) and Nintendo said in 2021 ...", q)
    assert binds("Shuntaro Furukawa", "Nintendo (CEO: Shuntaro Furukawa) said in 2021 ...", q)
    assert binds("Shuntaro Furukawa", "Shuntaro Furukawa (the CEO of Nintendo) said in 2021 ...", q)


def test_a_role_after_its_holder_s_name_in_parentheses_is_theirs():
    q = "Who is the CEO of Microsoft in 2023?"
    assert binds("Satya Nadella is the CEO of Microsoft.", "Microsoft's top executive, Satya Nadella (CEO), said in 2023.", q)


def test_a_namesake_is_a_person_s_name_ending_in_the_honour_s():
    from qa.answering.binding import namesake

    assert not namesake("Nikola Jokic won the Bill Russell NBA Finals MVP award in 2023.", "Who won the Bill Russell Trophy in 2023?")
    assert not namesake("Nobel Laureate Anne L'Huillier won the Nobel Prize in Physics in 2023.",
                        "Who won the Nobel Prize in Physics in 2023?")


def test_a_prospect_is_not_a_result():
    q = "Who was named the 2020 National Teacher of the Year?"
    finalists = ("Mrs. Rost will be interviewed in Washington at the end of February and one of the finalists "
                 "will be named the 2020 National Teacher of the Year.")
    claim = "Mrs. Rost was named the 2020 National Teacher of the Year."
    assert not binds(claim, finalists, q, "2020-01-16")
    assert binds(claim, "Mrs. Rost was named the 2020 National Teacher of the Year on Thursday.", q, "2020-05-07")
    # a sentence that says who holds the honour, with no prospect in it, may tell who was chosen
    q21 = "Who was named the 2021 National Teacher of the Year?"
    assert binds("Juliana was named the 2021 National Teacher of the Year.",
                 '"Juliana is our National Teacher of the Year," Biden said.', q21, "2021-05-06")
    for prospect in ("will not be named", "could soon be named", "is expected to be named"):
        assert not binds(claim, f"Mrs. Rost {prospect} the 2020 National Teacher of the Year.", q, "2020-01-16")
    # another choice to come says nothing against the one claimed
    assert binds("Jacinda Ardern was elected prime minister of New Zealand in 2017.",
                 "Jacinda Ardern became prime minister of New Zealand in 2017 after an election. "
                 "Ardern could win a second term on Saturday.",
                 "Who was elected prime minister of New Zealand in 2017?", "2020-10-16")
    q = "Who won the 2019 U.S. Open?"
    assert not binds("Williams won the 2019 U.S. Open.", "Williams could win the 2019 U.S. Open on Saturday.", q)
    assert binds("Williams won the 2019 U.S. Open.", "Williams won the 2019 U.S. Open on Saturday.", q)
    # the month May is no "may"
    assert binds("Aryna Sabalenka won the 2021 Madrid Open.",
                 "Aryna Sabalenka, who in May won the 2021 Madrid Open, lost in the first round on Tuesday.",
                 "Who won the 2021 Madrid Open?", "2021-06-01")
    assert binds("Rahm Emanuel was named U.S. ambassador to Japan in 2021.",
                 "Rahm Emanuel, whom Biden in May named U.S. ambassador to Japan, arrived in Tokyo.",
                 "Who was named U.S. ambassador to Japan in 2021?", "2021-12-01")


def test_the_place_where_it_was_won_is_not_the_winner():
    q = "Which country won the most medals at the 2018 Winter Olympics?"
    host = ("The United States dominated the snowboard events at the 2018 Winter Olympics in Pyeongchang, "
            "South Korea with gold medals in the halfpipe.")
    assert not binds("South Korea won the most medals at the 2018 Winter Olympics.", host, q)
    assert not binds("South Korea won the most medals.", "Norway won the most medals at the 2018 Games in South Korea.", q)
    # named as the winner somewhere in the passage, or as a place and a winner: it may have won
    assert binds("Norway won the most medals at the 2018 Winter Olympics.",
                 "Norway won 39 medals, the most of any nation, at the 2018 Winter Olympics in Pyeongchang, "
                 "South Korea.", q)
    assert binds("South Korea won the most medals at the 2018 Winter Olympics.",
                 "South Korea, which won the most medals at the 2018 Winter Olympics in South Korea, celebrated.", q)
    # "at" a club is no place it was held at; an owner is no place; the host may win too
    assert binds("Manchester City won the 2023 Champions League.",
                 "Pep Guardiola completed the treble at Manchester City with a 1-0 victory over Inter in the 2023 "
                 "Champions League final.", "Who won the 2023 Champions League?")
    assert binds("Joe Biden won the 2020 presidential election.",
                 "Crowds cheered in Wilmington, Delaware, and in Biden's hometown of Scranton after his victory in "
                 "the 2020 presidential election.", "Who won the 2020 presidential election?")
    assert binds("China won the most gold medals at the 2008 Olympics.",
                 "The host nation topped the gold medal table at the 2008 Olympics in Beijing, China.",
                 "Which country won the most gold medals at the 2008 Olympics?")
    # a place before the name's comma is not where the name is: "in Flushing Meadows, Andreescu beat"
    assert binds("Bianca Andreescu won the 2019 U.S. Open.",
                 "In 2019 in Flushing Meadows, Andreescu beat Serena Williams to win the U.S. Open.",
                 "Who won the 2019 U.S. Open?")


def test_a_win_told_without_a_year_is_dated_by_its_article():
    q = "Who won the women's singles Wimbledon in 2018?"
    claim = "Elena Rybakina won the women's singles Wimbledon in 2018."
    final = ("Elena Rybakina won the women's singles final Wimbledon on Saturday ... since 2018, was the youngest "
             "women's finalist at Wimbledon since 2015 ...")
    assert not binds(claim, final, q, "2022-07-09")  # Saturday's final, in an article of 2022
    kerber = "Angelique Kerber won the women's singles final at Wimbledon on Saturday."
    assert binds("Angelique Kerber won the women's singles Wimbledon in 2018.", kerber, q, "2018-07-14")
    assert binds("Angelique Kerber won the women's singles Wimbledon in 2018.",
                 "Angelique Kerber won the final on Saturday ... her first title since 2016 ...", q, "2018-07-14")
    # the year written where the answer is named binds it, whatever the article's date
    assert binds("Angelique Kerber won the women's singles Wimbledon in 2018.",
                 "Angelique Kerber won Wimbledon in 2018 and retired in 2024.", q, "2024-01-05")
    # the next year's article may tell the asked year's event: the postponed Tokyo 2020
    assert binds("Marcell Jacobs won the men's 100m at the 2020 Olympics.",
                 "Marcell Jacobs won the men's 100m final on Sunday ... the Tokyo 2020 Games ...",
                 "Who won the men's 100m at the 2020 Olympics?", "2021-08-01")
    # nor is an undated article that names no year known to be about the asked one: every
    # year has its final, and "Past champions, winners of The Open" names no winner of 2020
    assert not binds(claim, "Elena Rybakina won the women's singles final at Wimbledon.", q)
    assert not binds("Past champions, winners of The Open.", "Past champions, winners of The Open. The Open "
                     "History, Records, Scores and Prize Money.", "Who won the British Open golf tournament in 2020?")
    # a question without a year asks for no year
    assert binds(claim, "Elena Rybakina won the women's singles final at Wimbledon.",
                 "Who won the women's singles Wimbledon final?")


def test_a_list_entry_binds_its_name_to_its_own_year():
    """A list of winners run into one sentence: the year of the answer's entry is its year."""
    us_open = ("Us Open Men's Singles Winners ; 2021, Daniil Medvedev (RUS), Novak Djokovic (SRB) ; "
               "2020, Dominic Thiem (AUT), Alexander Zverev (GER) ; 2019, Rafael Nadal (ESP) ...")
    q = "Who won the men's singles U.S. Open in 2020?"
    assert not binds("Rafael Nadal won the men's singles U.S. Open in 2020.", us_open, q)
    assert binds("Dominic Thiem won the men's singles U.S. Open in 2020.", us_open, q)
    maxwell = ("Maxwell Award Recipients. Since 1937 · 2020 - DeVonta Smith, University of Alabama · "
               "2019 - Joe Burrow, Louisiana State University · 2018 - Tua Tagovailoa, Alabama")
    q = "Who is the Maxwell Award winner in 2019?"
    assert binds("The Maxwell Award winner in 2019 is Joe Burrow, Louisiana State University.", maxwell, q)
    assert not binds("The Maxwell Award winner in 2019 is DeVonta Smith.", maxwell, q)


def test_asked_for_the_most_the_answers_sentence_must_rank_it():
    q = "Which country won the most medals at the 2018 Winter Olympics?"
    claim = "The United States won the most medals at the 2018 Winter Olympics."
    us = ("The United States dominated the snowboard events at the 2018 Winter Olympics in Pyeongchang, "
          "South Korea with gold medals in the halfpipe.")
    assert not binds(claim, us, q, "2018-02-14")
    norway = "Norway won the most medals at the 2018 Winter Olympics."
    assert binds(norway, "After 19 days of competition at the 2018 Winter Olympics in PyeongChang, South Korea, "
                 "Norway came out on top of the final medal count.", q, "2018-02-25")
    assert binds(norway, "Norway collected 39 medals in 2018, the largest haul by any country in a single Winter "
                 "Olympics.", q, "2022-02-05")
    assert binds("Deir el-Zour is the largest city in eastern Syria.", "Deir el-Zour is the largest city in "
                 "eastern Syria and the capital of the province.", "What is the largest city in eastern Syria?")
