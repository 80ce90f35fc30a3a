"""Word-level text helpers shared by retrieval (BM25) and answer verification, and
`visible` for putting untrusted text on a terminal."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from functools import lru_cache

TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
STOP = frozenset(
    """a an the of in on at to for from by with and or but is are was were be been being has have
    had it its this that these those as into than then there their they them he she his her him we
    you i not no do did does said says say will would can could also about after before over which
    who whom what when where why how while all any some more most such other only just so very
    per cent percent according""".split()
)
NOT_NAMES = frozenset("i the a an in on at it this that these those he she they we mr ms mrs dr".split())


@lru_cache(maxsize=1)
def _stemmer():
    # Porter's original algorithm in Snowball's C (PyStemmer, which bm25s also uses): it
    # loads in about 1 ms, where importing NLTK for its PorterStemmer took 0.9-1.4 s of
    # every `qa ask` start (NLTK's default mode adds its own extensions: 2% of the words
    # of the seeds and RGB stem differently, e.g. "day" -> "dai", "died" -> "di").
    import Stemmer

    return Stemmer.Stemmer("porter")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    word = re.sub(r"'s$", "", word)
    return _stemmer().stemWord(word)


# "Jan. 6, 2023" says "January 6, 2023": a month's abbreviation before a day or year is
# read as the month (not "Jan Egeland", nor "to mar")
_MONTHS = "january february march april june july august september october november december".split()
_MONTH_ABBREVIATION = re.compile(
    r"\b(jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b\.?(?=\s*\d)", re.IGNORECASE
)


def _month(m: re.Match[str]) -> str:
    return next(full for full in _MONTHS if full.startswith(m[1].lower())) + " "  # "Dec.2020" too


def content_stems(text: str) -> set[str]:
    text = _MONTH_ABBREVIATION.sub(_month, text)
    return {stem(t) for t in TOKEN.findall(text) if t.lower() not in STOP and not t.isdigit()}


def tokens_for_search(text: str) -> list[str]:
    """Content-word stems (and numbers) in order, for BM25."""
    return [stem(t) for t in TOKEN.findall(text) if t.lower() not in STOP]


def numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in NUMBER.findall(text)}


# An amount of money: a figure after a currency sign or code ("$10.4 billion", "US$ 5m",
# "USD 2 billion") or before a currency's name ("1.65 billion dollars", "300 million euros",
# "1.65 billion U.S. dollars"). "Pounds" alone is a weight as often as money: it counts in
# the passage, where it can only help an answer's "£50 million" be found, not in the answer.
_SCALE = r"(?:\s?(?:thousand|million|billion|trillion|bn|m)\b)?"
_FIGURE = r"(\d+(?:[.,]\d+)*)"
_SIGN = rf"(?:(?:US|A|C|HK)?\$|€|£|¥|\b(?:USD|EUR|GBP|JPY|CNY)\s)\s?{_FIGURE}"
_NAMED = r"(?:u\.?s\.?\s+)?dollars?|euros?|pounds?\s+sterling|yen|yuan|rupees?|usd|eur|gbp"
_MONEY = re.compile(rf"{_SIGN}|(?<![\w.]){_FIGURE}{_SCALE}\s?(?:{_NAMED})\b", re.IGNORECASE)
_MONEY_LOOSE = re.compile(rf"{_SIGN}|(?<![\w.]){_FIGURE}{_SCALE}\s?(?:{_NAMED}|pounds?)\b", re.IGNORECASE)


def money(text: str, *, loose: bool = False) -> set[str]:
    """The figures of `text` that are amounts of money (`loose`: "50 million pounds" too)."""
    return {(a or b).replace(",", "") for a, b in (_MONEY_LOOSE if loose else _MONEY).findall(text)}


SPELLING_RATIO = 0.8  # difflib ratio above which two name stems are one name spelt two ways
MIN_VARIANT_LEN = 4


def spelt_alike(name: str, word: str) -> bool:
    """One name in two spellings or forms: "zour"/"zor", "zour" in "alzour" (either way round), "iraq"/"iraqi"."""
    if len(name) < MIN_VARIANT_LEN or len(word) < MIN_VARIANT_LEN or name[0] != word[0] and name not in word and word not in name:
        return False
    return name in word or word in name or SequenceMatcher(None, name, word).ratio() >= SPELLING_RATIO


# Untrusted text (articles, their titles and file names, the model's reply, error messages
# that quote them) on a terminal: Rich and Textual drop BEL, BS, VT, FF and CR but write
# ESC and the other control characters through: "\x1b[2J" in an article would clear the
# screen, an OSC 52 sequence write the clipboard, "\x1b[8m" hide what follows. They are
# shown instead: "\x1b" as "␛" (the Unicode control pictures), a C1 code as "\x9b".
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # every control character but tab and newline


def _picture(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)
    return "\u2421" if code == 0x7F else f"\\x{code:02x}"


def visible(text: str) -> str:
    """`text` with its control characters (but tab and newline) made visible."""
    return _CONTROL.sub(lambda m: _picture(ord(m.group())), text)


def one_line(text: str) -> str:
    """`text` on one line (runs of whitespace, newlines among them, become one space), with
    control characters made visible: for error messages, which may quote a library's
    multi-line message or a file name with a newline in it."""
    return visible(" ".join(text.split()))
