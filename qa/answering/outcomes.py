"""Who won and who lost, read from the verbs next to a name: "X won", "X beat Y", "Y lost
to X", "Y was beaten by X". Written by hand, as `binding` is."""

from __future__ import annotations

import re

from qa.text import TOKEN, stem

_WIN = frozenset("won win wins winning beat beats beating defeated defeats defeating topped edged ousted".split())
_BEAT = frozenset("beat beats beating defeated defeats defeating topped edged ousted".split())  # X beat Y
_LOSE = frozenset("lost lose loses losing".split())
_MODAL = frozenset("will would could may might shall can".split())
_NEAR = 3  # tokens between a name and its verb ("Serena Williams, 37, lost")


def _lower(token: str) -> str:
    """The token in lower case, but the month "May" stays itself: "who in May won" is no "may won"."""
    return token if token == "May" else token.lower()


def _outcome(tokens: list[str], at: int) -> str | None:
    """Whether the name at token `at` won or lost, from the verbs next to it."""
    after = [_lower(t) for t in tokens[at + 1 : at + 1 + _NEAR]]
    before = [t.lower() for t in tokens[max(0, at - _NEAR - 1) : at]]  # one more: a first name
    if "by" in before[-2:] or "to" in before[-2:] and _LOSE & set(before):
        return "won"  # "beaten by (Bianca) Andreescu", "lost to (Bianca) Andreescu"
    if _BEAT & set(before):
        return "lost"  # "Halep beats (Serena) Williams to win", "defeated 23-time winner Williams"
    # "to win" after a name is the subject's aim or result, not this name's outcome; "could
    # win", "will win" a prospect
    after = [t for i, t in enumerate(after) if not (t in _WIN and i and after[i - 1] in _MODAL | {"to"})]
    if any(t in _LOSE for t in after):
        return "lost"
    if any(t in _WIN for t in after):
        return "won"
    return None


def outcomes(sentence: str, names: set[str]) -> set[str]:
    tokens = TOKEN.findall(sentence)
    return {o for i, t in enumerate(tokens)
            if t[0].isupper() and stem(t) in names and (o := _outcome(tokens, i))}


# Chosen over the others is won too: "X was named the 2021 Teacher of the Year"
_SELECTED = frozenset("named elected chosen selected appointed".split())
_WAS_SELECTED = re.compile(rf"\b(?:was|were|been|got)\s+({'|'.join(sorted(_SELECTED))})\b", re.IGNORECASE)
# before a verb, what makes it a prospect: "will be named", "could soon be named", "will not
# be named", "is expected to be named"
_PROSPECT = _MODAL | frozenset("expected poised tipped likely".split())


def claims_a_win(claim: str, names: set[str]) -> bool:
    """The claim has its answer win ("Williams won the 2019 U.S. Open")."""
    return bool(names) and "won" in outcomes(claim, names)


def claims_a_choice(claim: str, names: set[str]) -> bool:
    """The claim has its answer chosen ("Urtubey was named the 2021 Teacher of the Year")."""
    return bool(names) and bool(_WAS_SELECTED.search(claim))


# What a sentence says when it tells that someone won: the verbs above, or the nouns and
# verbs of a result ("the 2018 champion", "claimed the title", "took gold", "the award").
_WON_WORDS = _WIN | frozenset(
    """champion champions winner winners title titles victory victorious triumph triumphed crowned
    clinched claimed gold medal medals prize award awarded trophy""".split())


def _results(sentence: str) -> list[bool]:
    """For each word of a result in `sentence` ("won", "champion", "named"), whether it
    tells one rather than a prospect: "one of the finalists will be named the 2020 Teacher
    of the Year" and "could win the title" tell no result yet."""
    tokens = [_lower(t) for t in TOKEN.findall(sentence)]
    told = []
    for i, t in enumerate(tokens):
        if t in _WON_WORDS or t in _SELECTED:
            before = tokens[max(0, i - 2):i]
            told.append(not (before[-1:] and before[-1] in _MODAL
                             or before[-1:] == ["be"] and before[:1] and before[0] in _MODAL | {"to"}))
    return told


def tells_no_win(holding: list[str], names: set[str]) -> bool:
    """None of the passage's sentences that name the answer says anything was won, nor
    has the answer win ("lost to X"): "With Novak Djokovic's disqualification, ..." does
    not tell that Djokovic won the 2020 U.S. Open, nor "Williams played the final", nor
    "Williams could win the title"."""
    return bool(holding) and not any(any(_results(s)) or "won" in outcomes(s, names) for s in holding)


def only_a_prospect(holding: list[str], claim: str) -> bool:
    """The passage's sentences that name the answer tell the claim's choice ("was named")
    only as one to come: "Rost will be interviewed ... one of the finalists will be named
    the 2020 National Teacher of the Year". "Juliana is our National Teacher of the Year"
    tells no prospect, and may say who was chosen; "Ardern could win a second term" is
    another choice than "Ardern was elected in 2017"."""
    verb = _WAS_SELECTED.search(claim)
    if not verb:
        return False
    wanted = stem(verb[1])  # "name": "named", "names", "name"
    prospects = results = 0
    for sentence in holding:
        tokens = [_lower(t) for t in TOKEN.findall(sentence)]
        for i, t in enumerate(tokens):
            if stem(t) == wanted:
                if _PROSPECT & set(tokens[max(0, i - 3):i]):
                    prospects += 1
                else:
                    results += 1
    return prospects > 0 and results == 0


def says_it_lost(holding: list[str], names: set[str]) -> bool:
    """Every sentence of the passage that tells how the answer did has it lose
    ("Williams lost to Andreescu")."""
    told = [o for s in holding if (o := outcomes(s, names))]
    return bool(told) and all(o == {"lost"} for o in told)


# where an event was held, written before a name: "in", and a place before it with a comma
# ("in Pyeongchang, South Korea"); not "at" ("his treble at Manchester City")
_PLACE_BEFORE = re.compile(r"\bin\s+(?:(?:[A-Z][\w'’.-]*\s+)*[A-Z][\w'’.-]*,\s+)?$")
_NAME_WORDS_BEFORE = re.compile(r"(?:[A-Z][\w'’.-]*\s+)+$")
_HOST = re.compile(r"\bhost(?:s|ed|ing)?\b", re.IGNORECASE)  # the host may win too
_REACH = 120  # characters read before a name for the place words


def only_a_place(holding: list[str], names: set[str]) -> bool:
    """Every sentence of the passage that names the answer names it as where something
    happened, and none has it win: "The United States dominated ... at the 2018 Winter
    Olympics in Pyeongchang, South Korea" does not tell that South Korea won the most
    medals. A sentence about the host ("the host nation topped the table") may have it win;
    an owner is no place ("in Biden's hometown")."""
    places = 0
    for sentence in holding:
        if "won" in outcomes(sentence, names) or _HOST.search(sentence):
            return False
        for m in re.finditer(r"[A-Z][\w'’.-]*", sentence):
            if stem(m.group().rstrip(".")) not in names:
                continue
            if re.search(r"['’]s?$", m.group()):
                return False  # "Biden's": an owner
            before = sentence[max(0, m.start() - _REACH):m.start()]
            run = _NAME_WORDS_BEFORE.search(before)  # "South " before "Korea"
            if not _PLACE_BEFORE.search(before, 0, run.start() if run else len(before)):
                return False
            places += 1
    return places > 0


# Coverage written before a result names the candidates: "the nominees", "2017 Walter Camp
# semifinalists", "the preseason watch list", "the winner will be announced on December 12".
_ASKS_WINNER = re.compile(r"\b(?:won|wins?|winners?|awarded|named|elected|chosen|selected)\b", re.IGNORECASE)
_CANDIDATES = re.compile(
    r"\b(?:nominees?|nominated|nominations?|(?:semi-?)?finalists?|shortlist(?:ed)?|watch ?list|predictions?|"
    r"favou?rites? to win|will be (?:announced|named|presented|revealed|awarded))\b",
    re.IGNORECASE,
)
_WON = frozenset("won wins beat beats defeated claimed clinched crowned triumphed named awarded elected".split())
# A question about what is to come asks for the candidates: "Who will win ...?"
_ASKS_AHEAD = re.compile(r"\b(?:will|does|do|going to|next|upcoming)\b", re.IGNORECASE)


def _tells_a_win(text: str) -> bool:
    """A verb that tells someone won ("Mayfield wins Walter Camp Award", "Toy Story 4 ...
    won", "has been named"), not that someone may ("for a player to win", "will be named",
    "to win ... or be named"): one not right after a modal, "to" or "be"."""
    tokens = [_lower(t) for t in TOKEN.findall(text)]
    return any(t in _WON and not (i and tokens[i - 1] in _MODAL | {"to", "be"}) for i, t in enumerate(tokens))


def asks_who_won(question: str) -> bool:
    """The question asks who won ("Who is the Walter Camp Award winner in 2017?", "Who was
    named ...?"), not who may win ("Who will win ...?") nor who the candidates were ("Who
    was nominated ...?")."""
    return bool(_ASKS_WINNER.search(question)) and not _CANDIDATES.search(question) and not _ASKS_AHEAD.search(question)


def names_only_candidates(text: str) -> bool:
    """The passage is about the candidates and tells no win: the nominees, the
    semifinalists, a watch list, a winner who "will be announced".

    Every award and election has its coverage before the result, and it names people: asked
    "Who is the Walter Camp Award winner in 2017?", the small model answered from the
    first passages it read, three lists of semifinalists, with "Walter Camp", while the
    fourth and fifth said Baker Mayfield won. For a question about who won, search gives
    such passages the last places (`qa.search.retrieve`, `last`), and their places among
    the five to passages that may tell the result when it finds them."""
    return bool(_CANDIDATES.search(text)) and not _tells_a_win(text)
