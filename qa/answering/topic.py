"""Is the passage's article about anything the question names?

Over an archive the small model answers a question it has no passage for by restating the
question around a name from a passage about something else: "Liu Yifei is the lead actress
in La La Land" from an article about Mulan, "Rafael Nadal was the runner-up of the 2018
World Cup" from a list of U.S. Open winners. Every word of such a sentence but the
question's own is in the passage, so the support check (`verify`), which leaves the
question's words out, passes it.

Written by hand (no library in our stack does this): the question's names are its
capitalised words past the first (not a role, month or day: "the CEO", "in May"). A
sentence of the answer that says some of them again (`restated`) is supported only by a
passage whose article names one of those, in any spelling ("Deir ez-Zor" for "Dayr
az-Zawr", by their consonants) or by initials ("SDF"). The whole article is read, not the
passage: a 64-token piece of a long report often leaves the name it is about to the piece
before. Its names only (capitalised words): "the world" does not name the "World Cup".
A bare answer ("Emma Stone"), or a question with no names ("which city hosted the
olympic games in 2008?"), is not checked: the RGB snippets that answer a question often
leave its names out ("Spain won 1-0" for the 2010 World Cup final), and 16% of them
would fail a rule that every passage name the question's.
"""

from __future__ import annotations

import re
from functools import lru_cache

from qa.answering.answer_type import MONTHS, WEEKDAYS, WH
from qa.answering.roles import place_group, without_roles
from qa.text import NOT_NAMES, STOP, TOKEN, spelt_alike, stem

def _us(text: str) -> str:
    return text.replace("U.S.", "US").replace("U.K.", "UK")


@lru_cache(maxsize=256)
def question_names(question: str) -> frozenset[str]:
    """Stems of the question's capitalised words past its first, but roles, months and days."""
    tokens = TOKEN.findall(_us(without_roles(question)))
    return frozenset(
        key for i, t in enumerate(tokens)
        if i > 0 and t[0].isupper() and not t.isdigit()
        and t.lower() not in STOP | NOT_NAMES | WH | MONTHS | WEEKDAYS
        for key in _keys(t)
    )


def _keys(token: str) -> set[str]:
    """A name's stem, and the key of its country ("French" and "France" -> "france")."""
    group = place_group(token)
    return {stem(token), group} if group else {stem(token)}


def restated(claim: str, question: str) -> frozenset[str]:
    """The question's names that the claim says again ("... the lead actress in La La Land")."""
    return question_names(question) & {k for t in TOKEN.findall(_us(claim)) if t[0].isupper() for k in _keys(t)}


def _skeleton(word: str) -> str:
    """Its consonants: one transliterated name in two spellings ("dayr"/"deir", "zawr"/"zour")."""
    return "".join(c for c in word if c not in "aeiouyw")


@lru_cache(maxsize=256)  # the same claims, names and articles come back within an answer
def about(names: frozenset[str], article: str) -> bool:
    """Whether `article` (an article's title and text) names one of `names` (stems), in
    any spelling or as its initials ("SDF" for "Syrian Democratic Forces"); True for none."""
    if not names:
        return True
    words, skeletons, initials = _names_of(article)
    return any(n in words or any(spelt_alike(n, w) for w in words) or n in initials
               or len(n) >= 4 and _skeleton(n) in skeletons for n in names)


@lru_cache(maxsize=16)  # each claim of an answer is checked against the same five articles
def _names_of(article: str) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The stems of the article's names (capitalised words: "World Cup" is not held by
    "the world", nor "US" by "us") with their countries' keys, their consonant skeletons,
    and the initials of runs of adjacent ones."""
    text = _us(article)
    words = frozenset(k for t in TOKEN.findall(text) if t[0].isupper() for k in _keys(t))
    skeletons = frozenset(_skeleton(w) for w in words if len(_skeleton(w)) >= 2)
    initials = frozenset(
        "".join(w[0] for w in run[i:i + k]).lower()
        for run in ([w for w in m.group().split() if w[0].isupper()] for m in _RUN.finditer(text))
        for k in (2, 3, 4) for i in range(len(run) - k + 1)
    )
    return words, skeletons, initials


# adjacent capitalised words, the small words of a name left out of its initials:
# "Syrian Democratic Forces" (SDF), "Syrian Observatory for Human Rights" (SOHR)
_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:(?:of|for|and|the)\s+)?[A-Z][\w’'-]*)+")
