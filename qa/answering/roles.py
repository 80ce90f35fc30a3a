"""Who holds which role, for which place or body: the binding of a "who" question's role.

"Who is the CEO of Nintendo?" asks for someone in a role (`asked_roles`), for one body;
a passage that gives the answer another role ("Shuntaro Furukawa, the president of
Nintendo"), a role it held once ("the former president"), or the role for another place or
body ("Iraqi Prime Minister Haider al-Abadi" to a question about Canada's, "president of
the NFL Players Association" to one about the NFL's) does not answer it (`roles`,
`elsewhere`). Written by hand, as `binding` is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.answering.answer_type import MONTHS, WEEKDAYS
from qa.text import NOT_NAMES, STOP, stem

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


# "former", "the late", and hyphenated only "ex-", "then-" ("and then the president said",
# "in late 2019 the president" are no former ones)
_FORMER = re.compile(r"(?:\bformer[\s-]+|\bthe\s+late\s+|\b(?:ex|then)-)(?:[\w.]+\s+){0,2}$", re.IGNORECASE)


def roles(text: str) -> frozenset[str]:
    """The roles `text` names ("the prime minister" -> {"pm"}), each by one key; a role
    someone held once ("the former president") is not one they hold."""
    return frozenset(_ROLES[m[1].lower()] for m in _ROLE.finditer(text) if not _FORMER.search(text, 0, m.start()))


def without_roles(text: str) -> str:
    """`text` with the roles it names blanked out ("the Prime Minister of Japan" -> "the  of Japan")."""
    return _ROLE.sub(" ", text)


# "Who directed X?" asks for X's director as "Who is the director of X?" does: the verbs of
# a lasting role (a film's director, a company's founder, a team's coach). Not the verbs of
# an act ("Who led the assault?", "Who commanded the strike?"): a passage tells those by
# other verbs.
_ASKS_BY_VERB = re.compile(r"^\W*who\s+(directed|co-founded|founded|coached)\b", re.IGNORECASE)


def asked_roles(question: str) -> frozenset[str]:
    """The roles a question asks someone to hold: "Who is the CEO of X?" -> {"ceo"},
    "Who directed X?" -> {"director"}."""
    if not _ASKS_FOR_SOMEONE.search(question):
        return frozenset()
    nouns = frozenset(_ROLE_NOUNS[m[1].lower()] for m in _ROLE_NOUN.finditer(question))
    verb = _ASKS_BY_VERB.match(question)
    return nouns | {_ROLES[verb[1].lower()]} if verb else nouns


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


def place_group(word: str) -> str | None:
    """The one key of a country and its people's names whose spellings differ sooner than
    their fourth letter ("France", "French" -> "france"); None for other words."""
    word = re.sub(r"['’]s$", "", word).lower()
    return next((min(group) for group in _SAME_PLACE if word in group), None)


def _place(word: str) -> str:
    return place_group(word) or re.sub(r"['’]s$", "", word).lower()[:4]


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
        if not places and re.match(r"\s*:", text[m.end():]):  # "(HQ: San Francisco; CEO: John Hanke)"
            places |= _owner(text, m.start())
        found.append(_Held(frozenset(_place(p) for p in places), of))
    return found


_UNKNOWN_OWNER = "\x00"  # a place no question names


def _owner(text: str, at: int) -> set[str]:
    """For a role listed inside parentheses ("Niantic (HQ: San Francisco; CEO: John
    Hanke)"), the name they follow; when they open the text (a snippet cut before its
    name), an owner no question names: the role is not known to be the asked body's. Only
    a listing ("CEO: ...") is read so: in "Satya Nadella (CEO)" the name before is the
    holder's."""
    opened = max(text.rfind("(", 0, at), text.rfind("（", 0, at))
    if opened < 0 or max(text.rfind(")", opened, at), text.rfind("）", opened, at)) >= 0:
        return set()
    if not text[:opened].strip():
        return {_UNKNOWN_OWNER}
    before = re.search(r"([A-Z][\w’'.-]*)\s*$", text[:opened])
    return {before[1].replace(".", "")} if before else set()


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
    the NFL's). A sentence whose mentions of the role name no place is no conflict."""
    for role in wanted:
        mentions = _role_places(question, role)
        asked = set().union(*(h.places for h in mentions))
        if not asked:
            continue
        asked_of = next((h.of for h in mentions if h.of), ())
        # a sentence's mentions of the role together: "ESPN NBA reporter Malika Andrews will be the
        # telecast reporter" gives it for the NBA, not for the AFP
        given = [g for g in (_role_places(s, role) for s in holding) if g]
        if given and all(any(h.places for h in g)
                         and not any(h.places & asked and not _another_body(h.of, asked_of, names) for h in g)
                         for g in given):
            return True
    return False
