"""Does a passage name the work the question asks about, or only another edition of it?

News about games, films, shows and phones names a whole family of titles: "Marvel's
Spider-Man" and "Marvel's Spider-Man Remastered", "The Legend of Zelda: Breath of the Wild"
and "The Legend of Zelda: Ocarina of Time 3D", "Pretty Woman" and "Pretty Woman: The
Musical", "Xenoblade Chronicles 2" and "Xenoblade Chronicles 3". Asked when the first was
released, the small model gives the date of whichever edition a passage dates, and every
word of its sentence is in that passage.

Written by hand (no library in our stack parses titles): a title of the question is a
run of capitalised words ("Marvel's Spider-Man"), or a quoted one; what tells one edition
from another is what follows its head: a subtitle after a colon ("Avengers: Infinity
War"), a sequel's number or a season ("Spider-Man 2", "Season 11"), or an edition word
("Remastered", "3D", "Definitive Edition"), or a number and an edition word ("Xenoblade
Chronicles 2 DLC" is not "Xenoblade Chronicles 2"). A passage names *another edition* when the
head is followed there by another of these than in the question; it names *the asked
one* when the head is followed by the question's own (or by none, when the question has
none). A passage that names other editions and never the asked one does not answer about
it. A year after a title ("the 2019 U.S. Open", "God of War (2018)") is the year, not an
edition: years are bound elsewhere (`binding`). A colon before a verb ("Avatar: Directed
by James Cameron") is a listing, not a subtitle.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from qa.text import STOP, content_stems, stem

_WORD = r"(?<![\w’'])(?:[A-Z]|[a-z](?=[A-Z]))[\w’'.-]*|\d+[A-Za-z]?\b"
_JOIN = r"(?:(?:\s+(?:of|the|and|&|a|de|vs\.?)\b)+\s+|\s+|:\s+)"
_SPAN = re.compile(rf"(?:{_WORD})(?:{_JOIN}(?:{_WORD}))*")
_QUOTED = re.compile(r"[\"“]([^\"”]{2,80})[\"”]")
_QUESTION_WORDS = frozenset("who whom whose what which when where why how is was are were did does do in on at the a".split())
_EDITION_WORDS = (
    r"remastered|remaster|remake|3d|hd|dlc|deluxe|definitive\s+edition|\w+\s+edition|"
    r"musical|the\s+musical|expansion(?:\s+pass)?|collection|director['’]s\s+cut|reloaded|returns"
)
# "Apple 10 years ago", "Tesla 500,000 cars": a count, not a sequel's number
_NOT_A_COUNT = r"(?![.,]\d|\s+(?:years?|days?|weeks?|months?|hours?|minutes?|times|million|billion|per|percent|people|points?)\b|\s*%)"
_ROMAN = r"(?:ii|iii|iv|vi|vii|viii|ix|x)"
# what may follow a title's head and tell its edition (in any case): a sequel's number or a
# season, an edition word
_NUMBERED = re.compile(rf"(?i)\s+((?:season|part|chapter|episode|volume|vol\.?)\s+\w+|\d+[a-z]?|{_ROMAN})\b{_NOT_A_COUNT}")
_EDITION = re.compile(rf"(?i)\s+({_EDITION_WORDS})\b")
# after a sequel's number, another release of it; not "returns" (a headline's verb: "Season
# 4 returns to Netflix") nor a store edition out the same day ("PlayStation 5 Digital Edition")
_SEQUEL_EDITION = re.compile(
    r"(?i)\s+(remastered|remaster|remake|dlc|definitive\s+edition|expansion(?:\s+pass)?|director['’]s\s+cut)\b")
_INSTALMENT = ("season", "part", "chapter", "episode", "vol")
# a subtitle: capitalised words after a colon (matched in the passage's own case), not a
# listing's heading ("Avatar: Directed by", "Assassin's Creed: Crew List")
_SUBTITLE = re.compile(
    r"\s*:\s+(?!(?:Directed|Written|Produced|Starring|Release|Cast|Full|Crew|Review|Trailer|Official|Where|How|What|Why|When|Who)\b)"
    r"((?:[A-Z0-9][\w’'-]*)(?:(?:\s+(?:of|the|and|a|&)\b)*\s+[A-Z0-9][\w’'-]*)*)"
)
_YEAR = re.compile(r"^(?:19|20[0-4])\d$")
# what follows a one-word subtitle in a listing, not a headline's verb: "Torna – The Golden Country ;"
_LISTED = re.compile(r"\s*(?:$|[–—;|(·])")


@dataclass(frozen=True)
class Title:
    head: str  # lower case, single spaces: "the legend of zelda"
    edition: str | None  # "breath of the wild", "2", "season 11", "remastered"; None: the plain title


def _norm(text: str) -> str:
    return " ".join(text.lower().replace("’", "'").split())


def _edition_after(text: str, at: int) -> str | None:
    """The edition written right after a title's head, which ends at `at` in `text`."""
    for pattern in (_SUBTITLE, _EDITION, _NUMBERED):
        m = pattern.match(text, at)
        if m:
            found = _norm(m[1])
            if _YEAR.match(found):
                return None
            word = (_SEQUEL_EDITION.match(text, m.end())
                    if pattern is _NUMBERED and not found.startswith(_INSTALMENT) else None)
            if word:  # "Xenoblade Chronicles 2 DLC", "Spider-Man 2 Remastered": an edition of the sequel
                return f"{found} {_norm(word[1])}"
            sub = _SUBTITLE.match(text, m.end()) if pattern is not _SUBTITLE else None
            # "Cyberpunk 2077: Phantom Liberty", "Xenoblade Chronicles 2: Torna – The Golden
            # Country": the sequel's own subtitle; not a headline's "Diablo 4: Blizzard confirms"
            if sub and (len(sub[1].split()) >= 2 or _LISTED.match(text, sub.end())):
                return f"{found}: {_norm(sub[1])}"
            return found
    return None


def _split(span: str, first: bool) -> Title | None:
    """A run of capitalised words as a title: its head and its edition, if it has one.
    `first`: the run opens the question (its question word is dropped)."""
    words = span.split()
    while words and (first or words[0] != "The") and words[0].lower() in _QUESTION_WORDS:
        words = words[1:]
    if not words:
        return None
    if words[0] == "The" and len(words) > 1:  # "The Avengers": a title, even of one word
        words, named = words[1:], True
    else:
        named = len(words) >= 2
    span = " ".join(words)
    if ":" in span:
        head, _, edition = span.partition(":")
        return Title(_norm(head), _norm(edition) or None)
    for pattern in (_EDITION, _NUMBERED):
        m = re.search(pattern.pattern + r"$", span)
        if m and m.start() > 0 and not _YEAR.match(m[1]):
            return Title(_norm(span[: m.start()]), _norm(m[1]))
    if _YEAR.match(words[-1]):
        words = words[:-1]
        named = named and len(words) >= 1
    return Title(_norm(" ".join(words)), None) if named and words else None


@lru_cache(maxsize=512)
def titles(question: str) -> tuple[Title, ...]:
    """The titles the question names: quoted ones, and runs of capitalised words of two
    words or more, of one with an edition ("Diablo 3") or after "The" ("The Avengers");
    not the question's first word."""
    found: list[Title] = []
    for m in _QUOTED.finditer(question):
        t = _split(m[1], first=False) or _split("The " + m[1], first=False)
        if t:
            found.append(t)
    rest = _QUOTED.sub(" ", question)
    for m in _SPAN.finditer(rest):
        t = _split(m.group(), first=not rest[: m.start()].strip())
        if t and t.head not in {x.head for x in found}:
            found.append(t)
    return tuple(t for t in found if len(t.head) >= 3)


def _written_lower(question: str, text: str) -> tuple[Title, ...]:
    """The titles of a question written in lower case ("when was xenoblade chronicles 2
    released?"): the passage's titles whose head the question names, with the edition the
    question gives after it."""
    said = " ".join(question.replace("’", "'").split())
    found: dict[str, Title] = {}
    for m in _SPAN.finditer(text):
        t = _split(m.group(), first=False)
        if t is None or t.head in found or " " not in t.head:  # "Golf 4/11": one common word is no title
            continue
        at = re.search(rf"(?<![\w']){re.escape(t.head)}(?![\w'])", said, re.IGNORECASE)
        if at and at.group().islower():  # "Avatar" as the question writes it is no title of it
            found[t.head] = Title(t.head, _edition_after(said, at.end()))
    return tuple(found.values())


def other_edition_only(question: str, passage_text: str) -> bool:
    """The passage names some title of the question only as other editions of it: "Marvel's
    Spider-Man Remastered" and never "Marvel's Spider-Man" itself, to a question about the
    latter."""
    text = " ".join(passage_text.replace("’", "'").split())
    said = _norm(question)
    for title in titles(question) or _written_lower(question, text):
        asked = other = 0
        pattern = re.compile(rf"(?<![\w'])(?:the\s+)?{re.escape(title.head)}(?![\w'])", re.IGNORECASE)
        for m in pattern.finditer(text):
            edition = _edition_after(text, m.end())
            if (edition == title.edition or edition is None and title.edition is None
                    # the question names it apart from the title: "House of the Dragon season 2"
                    or edition and re.search(rf"(?<![\w']){re.escape(edition)}(?![\w'])", said)):
                asked += 1
            elif edition is not None:  # "Season 11" for "Season 1", "Pixel 5a" for "Pixel 5" too
                other += 1
        if other and not asked:
            return True
    return False


# Questions about a work or a product, which come in editions: its release, premiere or
# launch, its director or author. Elsewhere a colon after a name opens a headline
# ("Deir Ezzor: Syrian troops retake the city"), not a subtitle.
_ABOUT_A_WORK = re.compile(
    r"\b(?:releas\w*|premi[eè]r\w*|launch\w*|debut\w*|announc\w*|unveil\w*|aired|directed|director|published|written|starred|"
    r"starring|sequel|remaster\w*|edition|season|episode|movie|film|game|album|novel|show|series)\b",
    re.IGNORECASE,
)


def about_a_work(question: str) -> bool:
    """The question asks about a work or product that may come in editions."""
    return bool(_ABOUT_A_WORK.search(question))


# words of a title that name nothing by themselves ("Best Animated Film", "New Horizons")
_GENERIC = frozenset("new best film movie game show season series edition part picture".split())
_GENERIC_STEMS = frozenset(stem(w) for w in _GENERIC)


def names_the_work(question: str, article: str) -> bool:
    """Whether `article` (a passage's article: its title and text) names the work the
    question asks about: its first title that has an edition (a subtitle, a number, an
    edition word: "Animal Crossing: New Horizons", "iPhone 11", which makes it a work and
    not the studio or agency the question also names), by a word of its head or edition
    ("Breath of the Wild" without "Zelda" names it), its initials ("GTA") or its head
    written without a hyphen ("Spiderman"). "Join Mario on a massive adventure ...
    Nintendo Switch Release date: 27/10/2017" does not date "Animal Crossing: New Horizons
    on Nintendo Switch", though it names the console the question names too. True when
    the question asks about no work, or names no such title.

    A news article names what it reports on; a search snippet often does not: 19 of the
    107 RGB snippets that give the right answer to a question about a work leave it out
    ("The game was launched on May 15, 2012"). A claim only such a passage supports is
    refused; over both halves of five archive splits none was (a passage that names the
    work supported it), and two answers from another game's passage were."""
    work = next((t for t in titles(question) if t.edition), None) if about_a_work(question) else None
    if work is None:
        return True
    head = _folded(work.head)
    words = {w for w in content_stems(f"{head} {_folded(work.edition or '')}") - _GENERIC_STEMS if len(w) >= 3}
    if not words:
        return True
    named = [w for w in re.split(r"[\s-]+", head) if w not in STOP]
    if len(named) >= 2:
        words.add("".join(w[0] for w in named))  # "GTA" for "Grand Theft Auto"
    words |= {stem(w.replace("-", "")) for w in head.split() if "-" in w}  # "Spiderman" for "Spider-Man"
    return bool(words & _stems_of(article))


@lru_cache(maxsize=16)  # each claim of an answer is checked against the same five articles
def _stems_of(article: str) -> frozenset[str]:
    return frozenset(content_stems(_folded(article)))


def _folded(text: str) -> str:
    """Without accents: "Pokemon" for "Pokémon"."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def the_work_first(question: str, texts: list[str], articles: list[str] | None) -> list[int]:
    """The order (0-based indices) in which to give the passages `texts` to the model: those
    that name the work asked about first, then those whose article does not name it or
    that name it only as another edition, each group in its order.

    The checks refuse a claim that rests on one of the latter, but the small model answers
    from the first passages it reads: it gave "part of the Xenoblade Chronicles 2 DLC
    season pass", released on September 14, 2018, first among five, as the date of
    Xenoblade Chronicles 2, which the second passage dated. Retrieval puts the passages
    about another year last for the same reason."""
    order = list(range(len(texts)))
    if not about_a_work(question):
        return order

    def another(i: int) -> bool:
        article = articles[i] if articles else texts[i]
        return other_edition_only(question, texts[i]) or not names_the_work(question, article)

    return sorted(order, key=another)
