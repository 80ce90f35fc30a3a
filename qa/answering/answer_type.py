"""What kind of answer a question asks for, and whether an answer gives one.

Written by hand (the classic "expected answer type" of extractive QA; no library in our
stack has one): a "how many" question needs a number, a "when" question a time, a "who"
question a name the question does not already hold. An answer without one is related
facts, not an answer (asked how many fighters were captured, the model reported which
town they still hold), and becomes the refusal. Only the question's first wh-phrase
counts: "What did he say when ..." asks for neither a time nor a name.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from difflib import SequenceMatcher
from enum import Enum

from qa.answering.citations import split_claims, strip_markers
from qa.dates import without_quarters
from qa.text import NOT_NAMES, SPELLING_RATIO, STOP, TOKEN, content_stems, numbers, spelt_alike, stem


class Kind(Enum):
    NUMBER = "number"
    TIME = "time"
    DATE = "date"  # a calendar date: a month or a numeric date, not "Friday" or "last week"
    NAME = "name"


WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety
    hundred hundreds thousand thousands million millions billion billions dozen dozens half
    single double twice once third thirds quarter quarters fifth tenth""".split()
)
TIME_WORDS = frozenset(
    """today yesterday tomorrow tonight ago earlier later morning afternoon evening night day
    days week weeks weekend month months year years decade decades century hour hours minute
    minutes""".split()
) | WEEKDAYS | MONTHS
# Nouns after "which"/"what" that ask for a named person, place or organisation.
NAMED = frozenset(
    """person people man woman men women official officials officer officers general commander
    leader leaders spokesman spokeswoman spokesperson minister president king prince
    town towns city cities village villages country countries province provinces region
    regions state states neighbourhood neighbourhoods neighborhood neighborhoods district
    districts capital river group groups organisation organization agency outlet newspaper
    channel network party militia militias company companies team club post posts crossing
    crossings base bases airport camp camps field fields port""".split()
)
# Nouns after "what"/"which" (or "what is the") that ask for an amount: "What percentage of
# its territory has IS lost?", "What is the population of the town?".
MEASURES = frozenset(
    """percentage percent proportion share fraction number amount total population toll""".split()
)
# Figures a company, a budget or a deal is measured in: "What was Tesla's revenue in Q3
# 2019?" asks for an amount, as "What is the population of ..." does.
MONEY_MEASURES = frozenset(
    """revenue revenues profit profits sales earnings income price cost costs budget salary valuation
    worth""".split()
)
# A number given in a unit the question does not ask about is another fact: asked for the
# population of a town, "about 320 kilometers" is its distance from the capital; asked how
# many people lived there, "nearly three years" is how long a siege lasted. Each group: the
# units, and the question words that ask for them.
UNIT_GROUPS = (
    (frozenset("kilometre kilometres kilometer kilometers km kms mile miles metre metres meter meters".split()),
     frozenset("far distance long wide high kilometre kilometres kilometer kilometers km mile miles metre metres "
               "meter meters".split())),
    (frozenset("year years month months week weeks day days hour hours minute minutes".split()),
     frozenset("long old age time year years month months week weeks day days hour hours minute minutes".split())),
    (frozenset("per percent %".split()),
     frozenset("much percent percentage per share proportion fraction".split())),
)
AMOUNT_TOKEN = re.compile(r"\d[\d,.]*|%|[^\W\d_]+")
NUMERIC_DATE = re.compile(r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.]\d{1,2}(?:[/.]\d{2,4})?\b")
TIME_NOUNS = frozenset("date day month year time".split())
WH = frozenset("who whom whose when which what how where why".split())


def _wh(question: str) -> tuple[int | None, list[str]]:
    """The position of the question's first question word, and its words (lower case)."""
    words = [w.lower() for w in TOKEN.findall(question)]
    return next((i for i, w in enumerate(words) if w in WH), None), words


def expected(question: str) -> Kind | None:
    """The kind of answer `question` asks for, if it asks for a number, a time or a name."""
    at, words = _wh(question)
    if at is None:
        return None
    wh, after = words[at], words[at + 1 : at + 4]
    if wh in {"who", "whom", "whose"}:
        return Kind.NAME
    if wh == "when":
        return Kind.TIME
    if wh == "how":
        return Kind.NUMBER if after[:1] in (["many"], ["much"]) else None
    if wh in {"which", "what"}:
        if after[:1] == ["date"]:
            return Kind.DATE
        if after[:1] and after[0] in TIME_NOUNS:
            return Kind.TIME
        # "What is the release date of ...", "What was the premiere date for ...": the noun
        # the phrase (two words at most) ends in before "of" or "for" says what is asked;
        # "the time zone of", "the day rate for" ask for no time
        if after[:2] in (["is", "the"], ["was", "the"]):
            phrase = words[at + 3 : at + 6]
            end = next((i for i, w in enumerate(phrase) if w in {"of", "for"}), len(phrase))
            if 1 <= end <= 2 and phrase[end - 1] in TIME_NOUNS:
                return Kind.DATE if phrase[end - 1] == "date" else Kind.TIME
        if after[:3] in (["is", "the", "name"], ["was", "the", "name"], ["are", "the", "names"]):
            return Kind.NAME
        if after[:1] and after[0] in {"is", "was", "are", "were"}:
            # "What was Tesla's revenue in Q3 2019?": the phrase's last word before its first
            # preposition, or the question's end, is the measure ("the price war about",
            # "the budget bill called", "the company's revenue model" ask for none)
            phrase = list(itertools.takewhile(lambda w: w not in {"of", "for", "in", "at", "on", "from", "during"},
                                              words[at + 2 :]))
            if phrase and phrase[-1] in MONEY_MEASURES:
                return Kind.NUMBER
        nouns = [w for w in after[:2] if w not in STOP]
        the_measure = after[:2] in (["is", "the"], ["was", "the"]) and after[2:3] and after[2] in MEASURES
        if (after[:1] and after[0] in MEASURES) or the_measure:
            return Kind.NUMBER
        if wh == "which" and any(w in NAMED for w in nouns):
            return Kind.NAME
    return None


CONNECTORS = frozenset("al el ad as ash at bin ibn abu de du da von van".split())  # inside Arabic, European names


def _name_runs(text: str) -> list[tuple[list[str], str]]:
    """Runs of name words ("Deir el-Zour", "Dair Alzour"): their tokens and the run as one
    lower-case word ("deirelzour"), so a name spelt in other words is still one name. A
    run whose first word may only be capitalised to start a sentence ("Between Dair
    Alzour") is given without it too."""
    runs: list[tuple[list[str], str]] = []
    tokens: list[str] = []
    last_end = -1
    for m in TOKEN.finditer(text):
        t = m.group()
        joined = last_end >= 0 and text[last_end:m.start()] in (" ", "-")
        if t[0].isupper() or (t.lower() in CONNECTORS and joined):
            if not joined and tokens:
                runs.append((tokens, "".join(tokens).lower()))
                tokens = []
            tokens.append(t)
        elif tokens:
            runs.append((tokens, "".join(tokens).lower()))
            tokens = []
        last_end = m.end()
    if tokens:
        runs.append((tokens, "".join(tokens).lower()))
    return runs + [(tokens[1:], "".join(tokens[1:]).lower()) for tokens, _ in runs if len(tokens) > 1]


_DIGIT_LETTER = re.compile(r"(?<=\d)-[A-Za-z]\b")


def new_names(text: str, question: str) -> set[str]:
    text = _DIGIT_LETTER.sub(" ", text)  # "3-D" names no "D" (but "X" in "rebranded as X" is a name)
    asked = {stem(t) for t in TOKEN.findall(question)}
    asked_runs = [run for _, run in _name_runs(question)]
    runs = _name_runs(text)
    # whole runs compared, not one inside the other: "Syrian" is in "Syrian President Bashar Assad"
    spelt_otherwise = {t for tokens, run in runs
                       if any(SequenceMatcher(None, run, a).ratio() >= SPELLING_RATIO for a in asked_runs)
                       for t in tokens}
    return {
        stem(t)
        for tokens, _ in runs
        for t in tokens
        if t not in spelt_otherwise  # "Deir el-Zour" when asked about "Dair Alzour"
        if t[0].isupper()
        and (low := t.lower()) not in STOP
        and low not in NOT_NAMES
        and low not in WEEKDAYS
        and low not in MONTHS
        and stem(t) not in asked
        and not any(spelt_alike(stem(t), a) for a in asked)  # "Iraq" when asked about "Iraqi"
    }


# Who someone is from, not who they are: "Colombian won the 2019 Tour de France" names no
# winner. Written by hand (no library in our stack lists demonyms); the common ones in news.
DEMONYMS = frozenset("""
    afghan albanian algerian american argentine argentinian armenian australian austrian azerbaijani
    bahraini bangladeshi belarusian belgian bolivian bosnian brazilian british bulgarian burmese
    cambodian cameroonian canadian chilean chinese colombian congolese croatian cuban cypriot czech
    danish dutch ecuadorian egyptian emirati english eritrean estonian ethiopian filipino finnish
    french georgian german ghanaian greek guatemalan haitian honduran hungarian icelandic indian
    indonesian iranian iraqi irish israeli italian ivorian jamaican japanese jordanian kazakh kenyan
    korean kosovar kurdish kuwaiti lebanese libyan lithuanian malaysian mexican moldovan mongolian
    moroccan nepalese nigerian norwegian pakistani palestinian panamanian peruvian polish portuguese
    qatari romanian russian rwandan saudi scottish senegalese serbian singaporean slovak slovenian
    somali spanish sudanese swedish swiss syrian taiwanese thai tunisian turkish ugandan ukrainian
    uruguayan uzbek venezuelan vietnamese welsh yemeni zimbabwean
""".split())


def _asks_who(question: str) -> bool:
    at, words = _wh(question)
    # not "whose": "Whose warplanes backed the troops?" is answered by "Russian warplanes"
    return at is not None and words[at] in {"who", "whom"}


def gives(kind: Kind, answer: str, question: str) -> bool:
    """True when `answer` holds something of `kind` (for a name: one the question lacks;
    for a figure or a time: not only the question's own numbers, as in "The Golden Globe
    Awards 2020 took place in Los Angeles" to "When did the Golden Globe Awards 2020 take
    place?")."""
    if kind is not Kind.NAME and (given := numbers(question)):
        answer = re.sub(r"(?<=\d),(?=\d{3}\b)", "", answer)  # "1,000" as the question's "1000"
        answer = re.sub(rf"(?<![\d.,])(?:{'|'.join(map(re.escape, sorted(given)))})(?![\d]|[.,]\d)", " ", answer)
    words = {w.lower() for w in TOKEN.findall(answer)}
    if kind is Kind.NUMBER:  # "revenues for the third quarter of 2019 were reported at" gives none
        return _gives_amount(without_quarters(answer), question)
    if kind is Kind.TIME:
        return bool(re.search(r"\d", answer)) or bool(words & TIME_WORDS)
    if kind is Kind.DATE:  # "may" counts only beside a number ("3 May"), not as the verb
        months = words & MONTHS
        return bool(NUMERIC_DATE.search(answer) or months - {"may"} or months and re.search(r"\d", answer))
    names = new_names(answer, question)
    if _asks_who(question):  # a nationality is not a person: "Colombian won ..." (but "The Indians won")
        names -= {stem(t) for t in TOKEN.findall(answer) if t.lower() in DEMONYMS}
    return bool(names)


def _gives_amount(answer: str, question: str) -> bool:
    """A number (in digits or words) that is not in a unit the question does not ask for."""
    asked = {w.lower() for w in AMOUNT_TOKEN.findall(question)}
    foreign = frozenset().union(*(units for units, asking in UNIT_GROUPS if not asked & asking))
    tokens = [t.lower() for t in AMOUNT_TOKEN.findall(answer)]
    return any(
        (t[0].isdigit() or t in NUMBER_WORDS) and (i + 1 == len(tokens) or tokens[i + 1] not in foreign)
        for i, t in enumerate(tokens)
    )


def answers(question: str, answer: str) -> bool:
    """False when the question asks for a kind of answer that `answer` does not give."""
    kind = expected(question)
    return kind is None or gives(kind, strip_markers(answer), question)


RESTATES = 0.75  # share of the question's content words a passage sentence must hold
RELATION = 2 / 3  # share of the question's other words (not names) it must hold


def answering_sentence(question: str, cited: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """The sentence of a passage that restates the question and gives what it asks.

    For an answer that only restates the question ("The key border post on the edge of
    al-Qaim was captured [4]" to "Which border post ..."), when a passage does say it: that
    sentence, word for word, replaces the answer. A sentence must hold RESTATES
    of the question's content words (spelling variants count) and give the kind of answer
    asked for, so a passage about the right event without the asked fact (a near miss)
    gives nothing: two thirds of the question's words but its names must be in the sentence.
    `cited`: (passage number, passage text), the cited passages first."""
    kind = expected(question)
    asked = content_stems(question)
    if kind is None or not asked:
        return None
    relation = {stem(t) for t in TOKEN.findall(question)
                if not t[0].isupper() and t.lower() not in STOP | CONNECTORS and not t.isdigit()}
    best: tuple[float, int, str] | None = None
    for n, text in cited:
        for sentence in (c.text for c in split_claims(text, 0)):
            if not gives(kind, sentence, question):
                continue
            have = content_stems(sentence)
            held = {a for a in asked if a in have or any(spelt_alike(a, h) for h in have)}
            share = len(held) / len(asked)
            # the relation asked about ("commanded", "general") must be there: two thirds of
            # the question's words but its names (a clause of context, "now that al-Qaim
            # has fallen", may be worded otherwise)
            if (len(relation & held) >= RELATION * len(relation) and share >= RESTATES
                    and (best is None or share > best[0])):  # the first on a tie
                best = (share, n, sentence)
    return (best[1], best[2]) if best else None
