"""Does the passage bind the answer to what the question qualifies it by?

In an archive the same kind of event recurs: every year has a U.S. Open, every quarter a
revenue figure. The small model then answers "Who won the men's singles U.S. Open 2021?"
with the women's champion, or "Who won in 2020?" with 2018's winner, citing a passage that
holds every word of its sentence. The support check (`verify`) sees words, not bindings.

Written by hand (no library in our stack does this): the question's qualifiers are read
(years, quarters, men's/women's). A passage supports an answer only when

- no sentence of the passage that holds the answer (its new names or figures) gives the
  same qualifier another value and not the asked one: "Raducanu won the women's title" to a
  question about the men's, "Djokovic won in 2018" to one about 2020 (a conflict);
- and the passage is not about other years only: when it names years, or its article has a
  date, the asked year is among them. A passage with neither is not known to be about
  another year and may answer (unknown stays unknown: a syndicated copy often has no
  date), but not who won or was chosen in the asked year: every year has its winner, and
  a passage that tells no year tells none of them ("Past champions, winners of The Open"
  for the 2020 British Open). In a list run into one sentence, the answer's entry is its
  sentence: "2020, Dominic Thiem ; 2019, Rafael Nadal" binds Nadal to 2019 only. The
  quarter, men's or women's, and the edition or instalment ("the 93rd Academy
  Awards", "season 4", "the first season") are often left unsaid where the answer stands
  ("fourth straight quarter of profits"): for them too only a conflict counts ("Season 3
  of The Crown premiered ..." for season 4, "the tenth and final season" for the first);
- and, for a win or a choice, when no sentence that names the answer writes a year, the
  article's date is of the asked year or the next: "Elena Rybakina won the women's
  singles final on Saturday ... since 2018, was the youngest finalist" in an article of
  July 2022 tells 2022's final, though the passage names 2018;
- and the passage does not write the asked event with other years only and the asked
  year only as another name's: "Poll: Oscars 2021 — Best Animated Feature Film · Onward
  (2020)" is about the 2021 Oscars, not the 2020 ones the question asks about (a year
  right before or after a name the question names is the event's, not a quarter's:
  "Tesla's Q4 2020 earnings call"; an asked year written on its own keeps the passage:
  "the 2020 presidential election, four years after the 2016 US election");
- and, when the question asks for a date within a year, the answer's own year is that
  one or the next (a season's final, a postponed "2020 Olympics"): "When was God of War
  (2018) released?" is not answered by its PC port's "January 14, 2022";
- and, when the question asks for someone in a role ("Who is the prime minister of
  Japan?", "Which US general ..."), a sentence that names the answer gives it that role
  (in the same or other words: "chief executive" for "CEO"), for the asked place or body
  (`roles`), so "Shuntaro Furukawa, the president of Nintendo" does not answer it, nor
  "the former president" who is the president, nor the president of the "NFL Players
  Association" for the NFL's;
- and, when the question asks about a work that comes in editions, the passage names it
  and not only other editions of it (`editions`): "Marvel's Spider-Man Remastered" is
  another game than "Marvel's Spider-Man"; nor does the clause that holds the answer name
  only other editions ("announced the Pixel 4a and Pixel 5 in October 2020, adding the
  Pixel 5a in August 2021");
- and, when the question asks for a date, the clause that gives it (the one that writes
  a day or month, when the answer is a quoted sentence with other numbers) does not give
  it as a date once due and since replaced ("its original release date was April 16,
  2020, which was announced during an E3 2019 trailer");
- and, when the question asks for the most, the largest or the highest, a sentence that
  names the answer ranks it ("came out on top of the final medal count", "the largest haul
  by any country"): "The United States dominated the snowboard events ... with gold medals"
  does not say it won the most medals;
- and the passage does not have the answer lose where the claim has it win: "Serena
  Williams lost to Bianca Andreescu" does not support "Serena Williams won the U.S. Open"
  (the verbs next to the name tell: "X won", "X beat Y", "Y lost to X", "beaten by X"),
  nor a passage whose sentences that name the answer say nothing was won ("With Novak
  Djokovic's disqualification, ..." for "Djokovic won the 2020 U.S. Open"; any word of a
  result counts: "won", "champion", "title", "victory", "gold", "award"; `outcomes`),
  nor one that names the answer only as where it happened ("at the 2018 Winter Olympics
  in Pyeongchang, South Korea" for "South Korea won the most medals").

A sentence without the answer may name other years freely ("after losing in 2019, she won
..."), and the answer's sentence may name several years as long as the asked one is among
them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answering.answer_type import MONTHS, Kind, expected, gives
from qa.answering.citations import split_claims
from qa.answering.editions import about_a_work, other_edition_only
from qa.answering.outcomes import (
    asks_who_won, claims_a_choice, claims_a_win, only_a_place, only_a_prospect, outcomes, says_it_lost,
    tells_no_win,
)
from qa.answering.roles import asked_roles, elsewhere, roles
from qa.answering.topic import _keys, _us, about, question_names
from qa.dates import MONTHS as MONTH_PATTERN, quarters, year_of, years
from qa.text import NOT_NAMES, STOP, TOKEN, content_stems, numbers, spelt_alike, stem

# the sports and awards sense ("the women's singles", "male athlete"), not "three men were hurt"
_GENDER = [
    ("women", re.compile(r"\b(?:women|girls)['’]s?(?!\w)|\bladies['’]|\bfemale\b", re.IGNORECASE)),
    ("men", re.compile(r"\b(?:men|boys)['’]s?(?!\w)|\bmale\b", re.IGNORECASE)),
]


# Which edition of a recurring event or which instalment of a series: "the 93rd Academy
# Awards", "the 2nd round", "season 4", "the tenth and final season", "Game 7", each of its
# kind ("the first episode" says nothing against "season 4"). Not a day of a month
# ("December 6th", "6th December", "the 2nd of May"), a century ("20th Century Fox",
# "19th-century"), a score ("won the series 4-3") or a count ("the game two days later").
_MONTH = rf"(?:{MONTH_PATTERN})\.?"
_INSTALMENT = r"(season|series|part|episode|chapter|volume|instal+ment|round|stage|game|leg)s?"
_KIND = {"series": "season", "instalment": "part", "installment": "part"}
_ORDINAL = re.compile(
    rf"(?:\b({_MONTH})\s+)?(?<!\w)(\d{{1,3}})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?{_MONTH}\b|[-\s]century\b)"
    rf"(?:\s+(?:(?:and\s+)?(?:final|last|annual|new)\s+)?{_INSTALMENT}\b)?", re.IGNORECASE)
_ORDINAL_WORDS = {w: str(n) for n, w in enumerate(
    "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
    "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth".split(), start=1)}
_COUNT_WORDS = {w: str(n) for n, w in enumerate(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split(), start=1)}
# "the tenth and final season", "the first season": an ordinal word counts only before an instalment
_ORDINAL_WORD = re.compile(
    rf"\b({'|'.join(_ORDINAL_WORDS)})\s+(?:(?:and\s+)?(?:final|last|annual|new)\s+)?{_INSTALMENT}\b", re.IGNORECASE)
# "Season 11", "season two", "Game 7"; not "Season 2020" (a year), "the series 4-3" (a score)
# nor "the game two days later"
_NUMBERED = re.compile(
    rf"\b{_INSTALMENT}\s+(\d{{1,3}}|{'|'.join(_COUNT_WORDS)})\b(?![.,:]\d|\s*[-–]\s*\d)"
    r"(?!\s+(?:days?|weeks?|months?|years?|hours?|minutes?|times|points?|games?|goals?|runs?)\b)", re.IGNORECASE)


def _kind(noun: str | None) -> str:
    noun = (noun or "edition").lower()
    return _KIND.get(noun, noun)


def _ordinals(text: str) -> frozenset[str]:
    """The editions and instalments `text` names, as "kind:number" ("season:4", "edition:93")."""
    found = {f"{_kind(m[3])}:{m[2]}" for m in _ORDINAL.finditer(text) if not m[1]}
    found |= {f"{_kind(m[2])}:{_ORDINAL_WORDS[m[1].lower()]}" for m in _ORDINAL_WORD.finditer(text)}
    found |= {f"{_kind(m[1])}:{_COUNT_WORDS.get(m[2].lower(), m[2])}" for m in _NUMBERED.finditer(text)}
    return frozenset(found)


@dataclass(frozen=True)
class Qualifiers:
    years: frozenset[str] = frozenset()
    quarters: frozenset[str] = frozenset()
    genders: frozenset[str] = frozenset()
    ordinals: frozenset[str] = frozenset()  # "season:4", "edition:93"

    def __bool__(self) -> bool:
        return bool(self.years or self.quarters or self.genders or self.ordinals)

    def conflicts(self, said: Qualifiers) -> bool:
        """`said` gives one of these qualifiers other values only: another year, quarter,
        sex, or another number of the same kind of instalment."""
        kinds = {o.split(":")[0] for o in self.ordinals}
        same_kind = frozenset(o for o in said.ordinals if o.split(":")[0] in kinds)
        pairs = zip((self.years, self.quarters, self.genders, self.ordinals),
                    (said.years, said.quarters, said.genders, same_kind))
        return any(want and have and not want & have for want, have in pairs)


def qualifiers(text: str) -> Qualifiers:
    """The years, quarters, men's/women's and editions or instalments ("93rd", "season
    4", "the first season") that `text` names."""
    genders = frozenset(name for name, pattern in _GENDER if pattern.search(text))
    return Qualifiers(years(text), quarters(text), genders, _ordinals(text))


def sentences(text: str) -> list[str]:
    return [c.text for c in split_claims(text, 0)] or [text]


# A year written next to a name: "Oscars 2021", "the 2019 U.S. Open", "Onward (2020)". A
# range ("2020-2021 Premier League", "2020/21") is left alone: it is not one year.
_ANY_YEAR = re.compile(r"(?<![\w$£€.,/–-])((?:19|20)\d\d)(?![\w/–-]|[.,]\d)")
_NAME_RUN = r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*"
_NAME_BEFORE = re.compile(rf"({_NAME_RUN})\s+\(?$")
_NAME_AFTER = re.compile(rf"\s+({_NAME_RUN})")
_QUARTER_TOKEN = re.compile(r"\bQ[1-4]$")
_WINDOW = 80  # characters read on each side of a year for the name next to it


def _years_by_name(text: str, question: str) -> tuple[set[str], set[str]]:
    """(the years written next to a name the question names, the years written otherwise
    than next to another name): "Poll: Oscars 2021 — ... Onward (2020)" gives ({"2021"},
    {"2021"}); "Biden won the 2020 presidential election" gives (set(), {"2020"})."""
    names = question_names(question)
    text = _us(text)
    event, free = set(), set()
    for m in _ANY_YEAR.finditer(text):
        year = m[1]
        before = _NAME_BEFORE.search(text, max(0, m.start() - _WINDOW), m.start())
        after = _NAME_AFTER.match(text, m.end(), m.end() + _WINDOW)
        if before and _QUARTER_TOKEN.search(before[1]):
            before = None  # "Tesla's Q4 2020": the quarter's year, not a name's
        # the words of a name, not "In 2020", "The 2020 final" or "January 2021"
        runs = [words for r in (before, after) if r
                and (words := [t for t in TOKEN.findall(r[1]) if t.lower() not in STOP | NOT_NAMES | MONTHS])]
        if any(k in names for words in runs for t in words for k in _keys(t)):
            event.add(year)
            free.add(year)
        elif not runs:
            free.add(year)
    return event, free


def dates_another_event(text: str, question: str, asked: frozenset[str]) -> bool:
    """The text writes the asked event with other years only, and the asked years only as
    other names' ("Poll: Oscars 2021 — Best Animated Feature Film · Vote! Onward (2020)"
    to a question about the 2020 Oscars: 2020 is the film's year). Not when it writes an
    asked year on its own: "Joe Biden won the 2020 presidential election, four years after
    the 2016 US election" is about 2020."""
    event, free = _years_by_name(text, question)
    return bool(event) and not event & asked and not free & asked


def _anchors(claim: str, question: str) -> tuple[set[str], set[str]]:
    """The answer of the claim: its names and figures that the question does not hold."""
    known = content_stems(question)
    tokens = TOKEN.findall(claim)
    names = {stem(t) for t in tokens if t[0].isupper() and t.isalpha() and t.lower() not in STOP | NOT_NAMES} - known
    figures = numbers(claim) - numbers(question)
    return names, figures


# a question about the most, the largest, the highest: the answer's sentence must rank it
# ("came out on top of the medal count", "the largest haul", "set the record for most medals")
_ASKS_RANK = re.compile(r"\b(?:most|least|fewest|highest|lowest|largest|smallest|biggest)\b", re.IGNORECASE)
_RANKS = re.compile(r"\b(?:most|least|fewest|top|topped|tops|record|led|leads|leading|first|\w+est)\b"
                    r"|more\s+than\s+any", re.IGNORECASE)
# the entries of a list run into one sentence: "2020, Dominic Thiem (AUT) ; 2019, Rafael Nadal
# (ESP)", "2020 - DeVonta Smith, Alabama · 2019 - Joe Burrow, LSU"
_ITEM = re.compile(r"\s*[;·|•]\s*")
_CLAUSE = re.compile(r"[,;]\s+(?!\d)|\s+(?:while|but|whereas)\s+")  # not "April 16, 2020"
# a date that a later one replaced: "its original release date was April 16, 2020", "delayed
# from March" (not "originally released in 2010": that is when it came out)
_SUPERSEDED = re.compile(r"\b(?:original(?:ly)?\s+(?:release\s+date|scheduled|planned|slated|set|due)|"
                         r"initially\s+(?:scheduled|planned|slated|set|due)|(?:delayed|postponed|pushed\s+back)\s+from)\b",
                         re.IGNORECASE)


def _clauses(holding: list[str], names: set[str], figures: set[str]) -> list[str]:
    """The clauses of the sentences that hold the answer: its figures when it gives any
    (a date's "October 2020", not the "Google" that announced it), else its names."""
    return [c for s in holding for c in _CLAUSE.split(s) if _holds(c, set() if figures else names, figures)]


def _holds(sentence: str, names: set[str], figures: set[str]) -> bool:
    words = content_stems(sentence)
    if figures & numbers(sentence):
        return True
    return any(n in words or any(spelt_alike(n, w) for w in words) for n in names)


def lost_in(claim: str, passage_text: str, question: str, date: str | None = None) -> str | None:
    """The sentence of the passage (of an article dated `date`) that has the claim's
    answer lose the contest it claims the answer won, in the asked year: "Serena Williams
    lost to Bianca Andreescu ... in the 2019 U.S. Open final" against "Serena Williams won
    the 2019 U.S. Open". None when the claim claims no win or the passage says no such thing.

    One passage that says so contradicts the claim, whatever other passages say: a list of
    winners with no verbs ("2019, Bianca Andreescu (Canada), Serena Williams (USA)") does not
    make it true."""
    names, figures = _anchors(claim, question)
    if not claims_a_win(claim, names):
        return None
    asked = qualifiers(question)
    if asked.years and not asked.years & (years(passage_text) | year_of(date)):
        return None  # another year's final, or not known to be the asked one
    if not about(question_names(question), passage_text):
        return None  # lost another contest: the 2019 U.S. Open final is not Wimbledon's
    for sentence in sentences(passage_text):
        if not _holds(sentence, names, figures) or outcomes(sentence, names) != {"lost"}:
            continue
        if not asked.conflicts(qualifiers(sentence)):
            return sentence
    return None


# "the Maxwell Award", "the Heisman Trophy", "the Nobel Prize": an honour named after someone
_HONOUR = re.compile(r"((?:[A-Z][\w'’.-]*\s+)+)(?:Awards?|Trophy|Prize|Medal)\b")
_CAPITALISED_RUN = re.compile(r"[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*)*")


def namesake(claim: str, question: str) -> bool:
    """The claim's answer is the person an honour the question names is named after:
    "Brandon Maxwell" for the Maxwell Award's winner. A winner is not the award's namesake
    (the passage that gave "Brandon Maxwell" was about a fashion designer)."""
    honour = {stem(w) for m in _HONOUR.finditer(question) for w in m[1].split()} - {stem(w) for w in STOP}
    if not honour:
        return False
    names, _ = _anchors(claim, question)
    for m in _CAPITALISED_RUN.finditer(claim):
        words = [stem(w) for w in m.group().split()]
        # a person's name that ends in the honour's: "Brandon Maxwell", not "Nobel Laureate
        # Anne L'Huillier" nor "the Bill Russell NBA Finals MVP award"
        if (2 <= len(words) <= 3 and words[0] in names and words[-1] in honour
                and not _HONOUR.match(claim, m.start())):
            return True
    return False


def binds(claim: str, passage_text: str, question: str, date: str | None = None) -> bool:
    """Whether `passage_text` (of an article dated `date`) binds the claim's answer to the
    question's qualifiers and role, and does not say the answer lost where the claim says
    it won; True when the claim adds no answer."""
    asked, wanted_roles = qualifiers(question), asked_roles(question)
    names, figures = _anchors(claim, question)
    if not names and not figures:
        return True
    if namesake(claim, question):
        return False  # "Brandon Maxwell" won no Maxwell Award in any passage
    work = about_a_work(question)
    if work and other_edition_only(question, passage_text):
        return False  # "Marvel's Spider-Man Remastered" for "Marvel's Spider-Man"
    win, choice = claims_a_win(claim, names), claims_a_choice(claim, names)
    if not asked and not wanted_roles and not win and not choice and not work and not figures:
        return True  # nothing to bind: the passage's sentences need not be read
    holding = [s for s in sentences(passage_text) if _holds(s, names, figures)]
    clauses = _clauses(holding, names, figures) if work else []
    if clauses and all(other_edition_only(question, c) for c in clauses):
        return False  # "announced the Pixel 4a and Pixel 5 in October 2020, adding the Pixel 5a in August 2021"
    if figures and expected(question) in (Kind.DATE, Kind.TIME):
        added = years(" ".join(sorted(figures)))
        if asked.years and added and not any(int(a) - int(y) in (0, 1) for a in added for y in asked.years):
            # "When was God of War (2018) released?" -> "January 14, 2022": another release.
            # The next year may still be the asked one's: a season's final, a postponed
            # "2020 Olympics" held in 2021.
            return False
        dated = _clauses(holding, set(), figures)
        # the clauses that give a day or month, when some do: a quoted sentence's other
        # numbers ("..., which was announced during an E3 2019 trailer") give no date
        dated = [c for c in dated if gives(Kind.DATE, c, "")] or dated
        if dated and all(_SUPERSEDED.search(c) for c in dated):
            return False  # the date it was once due, not when it came out
    if win and (says_it_lost(holding, names) or tells_no_win(holding, names) or only_a_place(holding, names)):
        return False  # lost, won nothing, or was where it was won (the host)
    if choice and only_a_prospect(holding, claim):
        return False  # "one of the finalists will be named ..." names no one yet
    if (names or figures) and holding and _ASKS_RANK.search(question) and not any(_RANKS.search(s) for s in holding):
        return False  # "dominated the snowboard events" does not say who won the most medals
    if not asked and not wanted_roles:
        return True
    if wanted_roles and names and holding and not any(wanted_roles & roles(s) for s in holding):
        return False  # the passage names the answer in another role (the president of Nintendo)
    if wanted_roles and names and elsewhere(question, holding, wanted_roles, names):
        return False  # the role, for another country or body (Iraq's prime minister for Canada's)
    for sentence in holding:
        if asked.conflicts(qualifiers(sentence)):
            return False  # the answer's own sentence is about another year, quarter, sex or instalment
    items = [i for s in holding for i in _ITEM.split(s) if _holds(i, names, figures)]
    if asked.years and items and all(years(i) and not years(i) & asked.years for i in items):
        return False  # a list's entry for another year: "2020, Dominic Thiem ; 2019, Rafael Nadal" for 2020
    if asked.years and (win or choice) and holding and not any(years(s) for s in holding):
        written = year_of(date)  # or the next year's: a postponed "Tokyo 2020", a final in January
        if written and not any(0 <= int(w) - int(a) <= 1 for w in written for a in asked.years):
            return False  # "Rybakina won ... on Saturday ... since 2018" in an article of 2022
    said = years(passage_text) | year_of(date)
    if asked.years and (win or choice or asks_who_won(question)) and not said:
        return False  # who won in 2020, from a passage with no year and no date: not known to be 2020's
    if asked.years and said and not asked.years & said:
        return False  # the passage and its article's date are about other years only
    if asked.years and dates_another_event(passage_text, question, asked.years):
        return False  # it names the asked year, but as a film's, and the asked event with another
    return True
