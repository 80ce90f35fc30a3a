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
  date). The quarter, men's or women's, and the edition ("the 93rd Academy Awards") are
  often left unsaid where the answer stands ("fourth straight quarter of profits"): for
  them too only a conflict counts;
- and, when the question asks for someone in a role ("Who is the prime minister of
  Japan?", "Which US general ..."), a sentence that names the answer gives it that role
  (in the same or other words: "chief executive" for "CEO"), so "Shuntaro Furukawa, the
  president of Nintendo" does not answer it, nor "the former president" who is the president.

- and, when the question asks about a work that comes in editions, the passage names it
  and not only other editions of it (`editions`): "Marvel's Spider-Man Remastered" is
  another game than "Marvel's Spider-Man";

- and the passage does not have the answer lose where the claim has it win: "Serena
  Williams lost to Bianca Andreescu" does not support "Serena Williams won the U.S. Open"
  (the verbs next to the name tell: "X won", "X beat Y", "Y lost to X", "beaten by X"),
  nor a passage whose sentences that name the answer say nothing was won ("With Novak
  Djokovic's disqualification, ..." for "Djokovic won the 2020 U.S. Open"; any word of a
  result counts: "won", "champion", "title", "victory", "gold", "award").

A sentence without the answer may name other years freely ("after losing in 2019, she won
..."), and the answer's sentence may name several years as long as the asked one is among
them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answering.answer_type import MONTHS, WEEKDAYS, Kind, expected
from qa.answering.citations import split_claims
from qa.answering.editions import about_a_work, other_edition_only
from qa.dates import quarters, year_of, years
from qa.text import NOT_NAMES, STOP, TOKEN, content_stems, numbers, spelt_alike, stem

# the sports and awards sense ("the women's singles", "male athlete"), not "three men were hurt"
_GENDER = [
    ("women", re.compile(r"\b(?:women|girls)['’]s?(?!\w)|\bladies['’]|\bfemale\b", re.IGNORECASE)),
    ("men", re.compile(r"\b(?:men|boys)['’]s?(?!\w)|\bmale\b", re.IGNORECASE)),
]


# "the 93rd Academy Awards", "the 2nd round": which edition of a recurring event
_ORDINAL = re.compile(r"\b(\d{1,3})(?:st|nd|rd|th)\b", re.IGNORECASE)

# The role a "who" question asks for, and the words that name the same role in a passage
# ("chief executive" for "CEO"). A passage may also give the role by a verb ("directed by",
# "commanded"); a question's verb is not a role ("Who led the assault?").
_ROLE_NOUNS = {
    "prime minister": "pm", "premier": "pm",
    "chief executive": "ceo", "ceo": "ceo",
    "chairman": "chair", "chairwoman": "chair", "chairperson": "chair",
    "spokesman": "spokes", "spokeswoman": "spokes", "spokesperson": "spokes",
    "president": "president", "vice president": "vp", "director": "director",
    "general": "general", "gen": "general", "commander": "commander",
    "minister": "minister", "secretary": "secretary", "governor": "governor", "mayor": "mayor",
    "senator": "senator", "coach": "coach", "manager": "manager", "captain": "captain",
    "founder": "founder", "co-founder": "founder", "leader": "leader",
    "editor": "editor", "reporter": "reporter", "correspondent": "reporter", "journalist": "reporter",
    "photographer": "photographer", "ambassador": "ambassador", "envoy": "envoy", "judge": "judge", "king": "king",
    "queen": "queen", "chancellor": "chancellor",
}
_ROLES = {**_ROLE_NOUNS, "directed": "director", "commanded": "commander", "coached": "coach",
          "founded": "founder", "co-founded": "founder", "led": "leader", "leads": "leader"}
# "the general election", "the general public" are no general
_NOT_A_ROLE = r"(?!\s+(?:election|elections|assembly|public|strike|hospital|motors|counsel|manager|secretary))"


def _alternatives(words) -> str:
    return "|".join(sorted(map(re.escape, words), key=len, reverse=True))


_ROLE = re.compile(rf"\b({_alternatives(_ROLES)})\b{_NOT_A_ROLE}", re.IGNORECASE)
_ROLE_NOUN = re.compile(rf"\b({_alternatives(_ROLE_NOUNS)})\b{_NOT_A_ROLE}", re.IGNORECASE)
# a question that asks for someone: "Who is ...", "Which US general ...", "What company's CEO ..."
_ASKS_FOR_SOMEONE = re.compile(rf"^\W*(?:who|whom|whose)\b|\b(?:which|what)\s+(?:[\w’'-]+\s+){{0,3}}?"
                               rf"(?:{_alternatives(_ROLE_NOUNS)})\b|\bname\s+of\s+(?:the\s+|an?\s+)?(?:[\w’'-]+\s+){{0,2}}?"
                               rf"(?:{_alternatives(_ROLE_NOUNS)})\b", re.IGNORECASE)


@dataclass(frozen=True)
class Qualifiers:
    years: frozenset[str] = frozenset()
    quarters: frozenset[str] = frozenset()
    genders: frozenset[str] = frozenset()
    ordinals: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.years or self.quarters or self.genders or self.ordinals)

    def classes(self) -> tuple[frozenset[str], ...]:
        return self.years, self.quarters, self.genders, self.ordinals


def qualifiers(text: str) -> Qualifiers:
    """The years, quarters, men's/women's and editions ("93rd") that `text` names."""
    genders = frozenset(name for name, pattern in _GENDER if pattern.search(text))
    ordinals = frozenset(m[1] for m in _ORDINAL.finditer(text))
    return Qualifiers(years(text), quarters(text), genders, ordinals)


# "former", "the late", and hyphenated only "ex-", "then-" ("and then the president said",
# "in late 2019 the president" are no former ones)
_FORMER = re.compile(r"(?:\bformer[\s-]+|\bthe\s+late\s+|\b(?:ex|then)-)(?:[\w.]+\s+){0,2}$", re.IGNORECASE)


def roles(text: str) -> frozenset[str]:
    """The roles `text` names ("the prime minister" -> {"pm"}), each by one key; a role
    someone held once ("the former president") is not one they hold."""
    return frozenset(_ROLES[m[1].lower()] for m in _ROLE.finditer(text) if not _FORMER.search(text, 0, m.start()))


def asked_roles(question: str) -> frozenset[str]:
    """The roles a question asks someone to hold: "Who is the CEO of X?" -> {"ceo"}."""
    if not _ASKS_FOR_SOMEONE.search(question):
        return frozenset()
    return frozenset(_ROLE_NOUNS[m[1].lower()] for m in _ROLE_NOUN.finditer(question))


# Where or for whom a role is held: "the prime minister of Canada", "Canada's prime
# minister", "Iraqi Prime Minister", "the Nintendo president". Names that differ only past
# their fourth letter are one place ("Iraq", "Iraqi"; "Canada", "Canadian"); these differ
# sooner:
_SAME_PLACE = [frozenset(s.split()) for s in (
    "france french", "spain spanish", "netherlands holland dutch", "switzerland swiss",
    "denmark danish", "finland finnish", "poland polish", "ireland irish", "wales welsh",
    "us usa america american", "uk britain british england english", "philippines filipino",
)]


# words before a role that say which kind or rank of it, not for whom: "Army Gen.",
# "Deputy Prime Minister", "Former President"
_RANKS = frozenset(
    "army navy air force marine marines military armed joint deputy acting interim former late "
    "vice senior top chief assistant associate general lieutenant lt major maj brigadier brig "
    "executive managing head new then".split()
)


def _place(word: str) -> str:
    word = re.sub(r"['’]s$", "", word).lower()
    same = next((group for group in _SAME_PLACE if word in group), None)
    return min(same) if same else word[:4]


# words after a body's name that do not make it another body ("Nintendo Co.", "Apple Inc.")
_SUFFIXES = frozenset("inc co ltd corp corporation company group holdings llc plc sa ag".split())


@dataclass(frozen=True)
class _Held:
    places: frozenset[str]  # the places or bodies a role mention names, by `_place`
    of: tuple[str, ...] = ()  # the body after "of", word by word: ("nfl", "players", "association")


def _role_places(text: str, role: str) -> list[_Held]:
    """For each mention of `role` in `text`, the places or bodies it is held for (empty
    when the mention names none)."""
    found = []
    for m in _ROLE_NOUN.finditer(text):
        if _ROLE_NOUNS[m[1].lower()] != role:
            continue
        # only the word right before it, with nothing but a space between: "Iraqi Prime
        # Minister", "Canada's prime minister"; not "On Monday, Prime Minister"
        before = re.search(r"([A-Z][\w’'.-]*)\s+$", text[max(0, m.start() - 40) : m.start()])
        places = set()
        if before and before[1].lower().rstrip(".") not in STOP | NOT_NAMES | WEEKDAYS | MONTHS | _RANKS:
            places.add(before[1].replace(".", ""))
        after = re.match(r"\s+of\s+(?:the\s+)?((?:[A-Z][\w’'-]*\s*){1,3})", text[m.end() :])
        of: tuple[str, ...] = ()
        if after:
            places |= set(after[1].split())
            of = tuple(w.lower().rstrip(".") for w in after[1].split())
        found.append(_Held(frozenset(_place(p) for p in places), of))
    return found


def _another_body(given: tuple[str, ...], asked: tuple[str, ...], names: set[str]) -> bool:
    """The body a role is held for is the asked one's name with more words: the "NFL
    Players Association" is not the "NFL", nor "Google Cloud" "Google"; "Nintendo Co."
    is Nintendo, and in "CEO of Fidelity Investments Abigail Johnson" the answer's own
    `names` follow the body's."""
    return (bool(asked) and len(given) > len(asked) and given[: len(asked)] == asked
            and any(w not in _SUFFIXES and stem(w) not in names for w in given[len(asked) :]))


def elsewhere(question: str, holding: list[str], wanted: frozenset[str], names: set[str] = frozenset()) -> bool:
    """The question asks for a role held for one place or body ("the prime minister of
    Canada") and every sentence that gives the answer that role gives it for another one
    ("Iraqi Prime Minister Haider al-Abadi", "president of the NFL Players Association" for
    the NFL's). A mention that names no place is no conflict."""
    for role in wanted:
        mentions = _role_places(question, role)
        asked = set().union(*(h.places for h in mentions))
        if not asked:
            continue
        asked_of = next((h.of for h in mentions if h.of), ())
        # a sentence's mentions of the role together: "ESPN NBA reporter Malika Andrews will be the
        # telecast reporter" gives it for the NBA, not for the AFP
        given = [[h for h in _role_places(s, role)] for s in holding]
        given = [g for g in given if g]
        if given and all(any(h.places for h in g)
                         and not any(h.places & asked and not _another_body(h.of, asked_of, names) for h in g)
                         for g in given):
            return True
    return False


def sentences(text: str) -> list[str]:
    return [c.text for c in split_claims(text, 0)] or [text]


def _anchors(claim: str, question: str) -> tuple[set[str], set[str]]:
    """The answer of the claim: its names and figures that the question does not hold."""
    known = content_stems(question)
    tokens = TOKEN.findall(claim)
    names = {stem(t) for t in tokens if t[0].isupper() and t.isalpha() and t.lower() not in STOP | NOT_NAMES} - known
    figures = numbers(claim) - numbers(question)
    return names, figures


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


# Who won and who lost: "X won", "X beat Y", "Y lost to X", "Y was beaten by X".
_WIN = frozenset("won win wins winning beat beats beating defeated defeats defeating topped edged ousted".split())
_BEAT = frozenset("beat beats beating defeated defeats defeating topped edged ousted".split())  # X beat Y
_LOSE = frozenset("lost lose loses losing".split())
_NEAR = 3  # tokens between a name and its verb ("Serena Williams, 37, lost")


def _outcome(tokens: list[str], at: int) -> str | None:
    """Whether the name at token `at` won or lost, from the verbs next to it."""
    after = [t.lower() for t in tokens[at + 1 : at + 1 + _NEAR]]
    before = [t.lower() for t in tokens[max(0, at - _NEAR - 1) : at]]  # one more: a first name
    if "by" in before[-2:] or "to" in before[-2:] and _LOSE & set(before):
        return "won"  # "beaten by (Bianca) Andreescu", "lost to (Bianca) Andreescu"
    if _BEAT & set(before):
        return "lost"  # "Halep beats (Serena) Williams to win", "defeated 23-time winner Williams"
    # "to win" after a name is the subject's aim or result, not this name's outcome
    after = [t for i, t in enumerate(after) if not (t in _WIN and i and after[i - 1] == "to")]
    if any(t in _LOSE for t in after):
        return "lost"
    if any(t in _WIN for t in after):
        return "won"
    return None


def _outcomes(sentence: str, names: set[str]) -> set[str]:
    tokens = TOKEN.findall(sentence)
    return {o for i, t in enumerate(tokens)
            if t[0].isupper() and stem(t) in names and (o := _outcome(tokens, i))}


def claims_a_win(claim: str, names: set[str]) -> bool:
    """The claim has its answer win ("Williams won the 2019 U.S. Open")."""
    return bool(names) and "won" in _outcomes(claim, names)


# What a sentence says when it tells that someone won: the verbs above, or the nouns and
# verbs of a result ("the 2018 champion", "claimed the title", "took gold", "the award").
_WON_WORDS = _WIN | frozenset(
    """champion champions winner winners title titles victory victorious triumph triumphed crowned
    clinched claimed gold medal medals prize award awarded trophy""".split())


def tells_no_win(holding: list[str], names: set[str]) -> bool:
    """None of the passage's sentences that name the answer says anything was won, nor
    has the answer win ("lost to X"): "With Novak Djokovic's disqualification, ..." does
    not tell that Djokovic won the 2020 U.S. Open, nor "Williams played the final"."""
    return bool(holding) and not any(
        _WON_WORDS & {t.lower() for t in TOKEN.findall(s)} or "won" in _outcomes(s, names) for s in holding)


def says_it_lost(holding: list[str], names: set[str]) -> bool:
    """Every sentence of the passage that tells how the answer did has it lose
    ("Williams lost to Andreescu")."""
    told = [o for s in holding if (o := _outcomes(s, names))]
    return bool(told) and all(o == {"lost"} for o in told)


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
    for sentence in sentences(passage_text):
        if not _holds(sentence, names, figures) or _outcomes(sentence, names) != {"lost"}:
            continue
        said = qualifiers(sentence)
        if all(not (want and have and not want & have) for want, have in zip(asked.classes(), said.classes())):
            return sentence
    return None


def binds(claim: str, passage_text: str, question: str, date: str | None = None) -> bool:
    """Whether `passage_text` (of an article dated `date`) binds the claim's answer to the
    question's qualifiers and role, and does not say the answer lost where the claim says
    it won; True when the claim adds no answer."""
    asked, wanted_roles = qualifiers(question), asked_roles(question)
    names, figures = _anchors(claim, question)
    if not names and not figures:
        return True
    work = about_a_work(question)
    if work and other_edition_only(question, passage_text):
        return False  # "Marvel's Spider-Man Remastered" for "Marvel's Spider-Man"
    win = claims_a_win(claim, names)
    if not asked and not wanted_roles and not win and not work and not figures:
        return True  # nothing to bind: the passage's sentences need not be read
    holding = [s for s in sentences(passage_text) if _holds(s, names, figures)]
    clauses = _clauses(holding, names, figures) if work else []
    if clauses and all(other_edition_only(question, c) for c in clauses):
        return False  # "announced the Pixel 4a and Pixel 5 in October 2020, adding the Pixel 5a in August 2021"
    if figures and expected(question) in (Kind.DATE, Kind.TIME):
        dated = _clauses(holding, set(), figures)
        if dated and all(_SUPERSEDED.search(c) for c in dated):
            return False  # the date it was once due, not when it came out
    if win and (says_it_lost(holding, names) or tells_no_win(holding, names)):
        return False
    if not asked and not wanted_roles:
        return True
    if wanted_roles and names and holding and not any(wanted_roles & roles(s) for s in holding):
        return False  # the passage names the answer in another role (the president of Nintendo)
    if wanted_roles and names and elsewhere(question, holding, wanted_roles, names):
        return False  # the role, for another country or body (Iraq's prime minister for Canada's)
    for sentence in holding:
        said = qualifiers(sentence)
        for want, have in zip(asked.classes(), said.classes()):
            if want and have and not want & have:
                return False  # the answer's own sentence is about another year, quarter or sex
    said = years(passage_text) | year_of(date)
    if asked.years and said and not asked.years & said:
        return False  # the passage and its article's date are about other years only
    return True
