"""Who won and who lost, read from the verbs next to a name: "X won", "X beat Y", "Y lost
to X", "Y was beaten by X". Written by hand, as `binding` is."""

from __future__ import annotations

from qa.text import TOKEN, stem

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


def outcomes(sentence: str, names: set[str]) -> set[str]:
    tokens = TOKEN.findall(sentence)
    return {o for i, t in enumerate(tokens)
            if t[0].isupper() and stem(t) in names and (o := _outcome(tokens, i))}


def claims_a_win(claim: str, names: set[str]) -> bool:
    """The claim has its answer win ("Williams won the 2019 U.S. Open")."""
    return bool(names) and "won" in outcomes(claim, names)


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
        _WON_WORDS & {t.lower() for t in TOKEN.findall(s)} or "won" in outcomes(s, names) for s in holding)


def says_it_lost(holding: list[str], names: set[str]) -> bool:
    """Every sentence of the passage that tells how the answer did has it lose
    ("Williams lost to Andreescu")."""
    told = [o for s in holding if (o := outcomes(s, names))]
    return bool(told) and all(o == {"lost"} for o in told)
