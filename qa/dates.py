"""Time expressions in questions and passages: the years and quarters a text names, and
the year a question means by "last year" in an archive whose newest article is dated.

Shared by search (a question about 2019 prefers passages about 2019) and answering (an
answer about 2019 must rest on a passage about 2019). Written by hand: dateparser and
htmldate read dates, not the year a question is about; these few patterns do.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import date, timedelta

# 2019, not $2019, 2,019 or 2019.5; a four-digit number from 1900 to 2099 is read as a year
YEAR = re.compile(r"(?<![\d$£€.,])((?:19|20)\d\d)(?!\d|[.,]\d)")
# A year more than a decade ahead right after a name is part of the name ("Cyberpunk 2077",
# "Blade Runner 2049"); after a word or a possessive it is a year ("by 2050", "China's 2060
# target")
LAST_NEWS_YEAR = date.today().year + 10
_NAME_BEFORE = re.compile(r"\b[A-Z][\w-]*(?<!['’]s)\s$")
_QUARTER = re.compile(
    r"\b(?:q([1-4])|(first|second|third|fourth|1st|2nd|3rd|4th)[- ]quarter)\b", re.IGNORECASE
)
_QUARTER_WORDS = {"first": "1", "second": "2", "third": "3", "fourth": "4", "1st": "1", "2nd": "2", "3rd": "3", "4th": "4"}


def years(text: str) -> frozenset[str]:
    """The years `text` names ("in 2019", "the 2021 final")."""
    return frozenset(m[1] for m in YEAR.finditer(text)
                     if int(m[1]) <= LAST_NEWS_YEAR or not _NAME_BEFORE.search(text, 0, m.start()))


def quarters(text: str) -> frozenset[str]:
    """The quarters `text` names, as "1".."4" ("Q1", "first quarter", "third-quarter")."""
    return frozenset(m[1] or _QUARTER_WORDS[m[2].lower()] for m in _QUARTER.finditer(text))


def without_quarters(text: str) -> str:
    """`text` with its quarters ("Q3", "the third quarter") blanked out: a quarter is when a
    figure was made, not the figure."""
    return _QUARTER.sub(" ", text)


def year_of(date: str | None) -> frozenset[str]:
    """The year of an ISO date ("2017-11-03"), or nothing when the date is unknown."""
    return frozenset({date[:4]}) if date and YEAR.fullmatch(date[:4]) else frozenset()


# "this year", "last year", "the previous year", "next year"; "the past year" is the last
# twelve months, not a calendar year, and is left alone
_RELATIVE_YEAR = re.compile(r"\b(this|last|previous|next|coming)\s+year\b", re.IGNORECASE)
_OFFSET = {"this": 0, "last": -1, "previous": -1, "next": 1, "coming": 1}


def anchored(question: str, newest: str | None) -> str:
    """`question` with the year its "last year" means, counted from the newest article's
    date ("Who won last year?" in an archive whose newest article is of 2021-06-02 ->
    "Who won last year (2020)?"), so that search and the checks treat it as any year.
    Unchanged when the question names a year itself or the archive's dates are unknown."""
    now = year_of(newest)
    if not now or years(question):
        return question
    year = int(next(iter(now)))
    return _RELATIVE_YEAR.sub(lambda m: f"{m[0]} ({year + _OFFSET[m[1].lower()]})", question, count=1)


def has_relative_year(question: str) -> bool:
    return bool(_RELATIVE_YEAR.search(question))


_MONTH_NAMES = ("january february march april may june july august september october november "
                "december").split()
# a month's name or its abbreviation ("Sept", "Nov"), as every date in the project is read
MONTHS = (
    "jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    "sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH = rf"({MONTHS})\.?"
_YEAR = r"((?:19|20)\d\d)"
# "in March 2021", "March of 2021"; a day before or after the month asks for that day
_MONTH_YEAR = re.compile(rf"\b{_MONTH},?\s+(?:of\s+)?{_YEAR}\b", re.IGNORECASE)
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\s+{_YEAR}\b", re.IGNORECASE)
_MONTH_DAY_YEAR = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}\b", re.IGNORECASE)
# "before March 2020", "by last week": the time bounds the question from the other side
_UNTIL = re.compile(r"\b(?:before|until|till|prior\s+to|by|ahead\s+of)\s+(?:the\s+)?(?:end\s+of\s+)?$", re.IGNORECASE)
# not "today": "Who is the prime minister today?" means now, not the newest article's day
_RELATIVE_TIME = re.compile(
    r"\b(yesterday|this\s+week|last\s+week|past\s+week|this\s+month|last\s+month|past\s+month)\b",
    re.IGNORECASE)


def _month(name: str) -> int:
    return next(i for i, m in enumerate(_MONTH_NAMES, start=1) if m.startswith(name.lower()[:3]))


def _relative_start(expression: str, now: date) -> date:
    what = " ".join(expression.lower().split())
    monday = now - timedelta(days=now.weekday())
    first = now.replace(day=1)
    return {
        "yesterday": now - timedelta(days=1),
        "this week": monday, "last week": monday - timedelta(days=7), "past week": now - timedelta(days=6),
        "this month": first, "last month": (first - timedelta(days=1)).replace(day=1),
        "past month": now - timedelta(days=30),
    }[what]


def earliest_report(question: str, newest: str | None) -> str | None:
    """The first date (ISO) on which an article can report the time the question asks
    about, when it names a day or a month ("on 3 March 2021", "in March 2021") or a time
    relative to the newest article ("last week", "this month", "yesterday": counted from
    `newest`). An article written before then cannot tell what happened in it (a preview
    is not a report); one written after may look back, so no latest date is given. None
    when the question names no such time, only one it asks about the time before ("before
    March 2020", "by last week"), or a relative one and the dates are unknown."""
    starts: list[date] = []
    spans = []  # a day's month is not read again as a month

    def since(m: re.Match) -> bool:
        return not _UNTIL.search(question, 0, m.start())

    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        for m in pattern.finditer(question):
            spans.append(m.span())
            d, mo, y = (m[1], m[2], m[3]) if order == "dmy" else (m[2], m[1], m[3])
            try:
                day = date(int(y), _month(mo), int(d))
            except ValueError:  # "31 February": its month
                day = date(int(y), _month(mo), 1)
            if since(m):
                starts.append(day)
    for m in _MONTH_YEAR.finditer(question):
        if not any(a <= m.start() < b for a, b in spans) and since(m):
            starts.append(date(int(m[2]), _month(m[1]), 1))
    if newest and re.fullmatch(r"\d{4}-\d\d-\d\d", newest):
        now = date.fromisoformat(newest)
        starts += [_relative_start(m[0], now) for m in _RELATIVE_TIME.finditer(question) if since(m)]
    return min(starts).isoformat() if starts else None


def needs_newest(question: str) -> bool:
    """Whether the question's time is counted from the newest article ("last week")."""
    return bool(_RELATIVE_TIME.search(question))


def date_number(iso: str | None) -> int | None:
    """20171103 for "2017-11-03" (Chroma compares numbers only); None for an unknown or
    malformed date."""
    if not iso or not re.fullmatch(r"\d{4}-\d\d-\d\d", iso):
        return None
    return int(iso.replace("-", ""))


# a day without its year: "Nov. 15", "on 15 November", "November 15th" (not "November 15,
# 2020"); the month capitalised, as news writes it ("up to 15 may be infected" is no date)
_CAPITALISED_MONTH = "(" + "|".join(m[0].upper() + m[1:] for m in MONTHS.split("|")) + r")\.?"
_DAY_MONTH = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_CAPITALISED_MONTH}"
                        r"(?![\w.]|\.?,?\s*(?:of\s+)?(?:19|20)\d\d)")
_MONTH_DAY = re.compile(rf"\b{_CAPITALISED_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!,?\s*(?:19|20)\d\d|\d)")


def _dated_days(text: str) -> Iterator[tuple[re.Match, tuple[int, int, int]]]:
    """Each day `text` writes with its year: its match and (year, month, day)."""
    for pattern, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        for m in pattern.finditer(text):
            d, mo, y = (m[1], m[2], m[3]) if order == "dmy" else (m[2], m[1], m[3])
            yield m, (int(y), _month(mo), int(d))


def days_written(text: str) -> frozenset[tuple[int, int, int]]:
    """The days `text` writes with their year, as (year, month, day): "November 15, 2020",
    "15 Nov 2020"."""
    return frozenset(day for _, day in _dated_days(text))


def _undated_days(text: str) -> Iterator[tuple[re.Match, str, int, int]]:
    """Each day `text` writes without a year: its match, its order ("dm" for "15 Nov",
    "md" for "Nov 15"), its month and its day."""
    for pattern, order in ((_DAY_MONTH, "dm"), (_MONTH_DAY, "md")):
        for m in pattern.finditer(text):
            d, mo = (m[1], m[2]) if order == "dm" else (m[2], m[1])
            yield m, order, _month(mo), int(d)


def _article_date(written: str | None) -> date | None:
    """An article's ISO date, or None when unknown or impossible ("2020-02-30" from a
    page's metadata)."""
    if not written or not re.fullmatch(r"\d{4}-\d\d-\d\d", written):
        return None
    try:
        return date.fromisoformat(written)
    except ValueError:
        return None


def days_without_year(text: str, written: str | None) -> frozenset[tuple[int, int, int]]:
    """The days `text` writes without a year ("debuts on Netflix on Nov 15"), dated by the
    article's date `written` (ISO): its year, but across the turn of a year the next or the
    last one ("Jan 6" in an article of 2019-12-20 is 2020's, "Dec 30" in one of 2020-01-03
    2019's). A look back further ("the Jan. 6 attack" in 2022) is not told apart: such a day
    is read as the article's year's. Nothing when the article's date is unknown."""
    then = _article_date(written)
    if then is None:
        return frozenset()
    found = set()
    for _, _, month, d in _undated_days(text):
        year = then.year
        if then.month >= 11 and month <= 2:
            year += 1
        elif then.month <= 2 and month >= 11:
            year -= 1
        try:
            day = date(year, month, d)
        except ValueError:
            continue
        found.add((day.year, day.month, day.day))
    return frozenset(found)


_FULL_MONTHS = {m.capitalize() for m in _MONTH_NAMES}
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_WEEKDAY_BEFORE = re.compile(rf"\b({'|'.join(_WEEKDAYS)}),?\s*$")
# what may follow a day that the answer's year can be written after: the end of a clause,
# or a word that starts another ("at 9/8c", "in Japan"); not a range ("November 12-15",
# "12 and 13"), a figure ("in June 2 million copies"), nor a capitalised word (a headline's
# "The iPhone 12 May Be Delayed")
_AFTER_DAY = re.compile(r"\s*(?:$|[.,;:!?)\]]|(?:at|in|on|when|with|after|before|from|for|as|while|where|until|"
                        r"but|by)\b|(?:and|or)\b(?!\s*\d))")
# a day ahead of its article's date is that year's when the passage tells of it to come
_FUTURE = re.compile(r"\b(?:will|'ll|set\s+to|scheduled|slated|due|expected|upcoming|coming|premieres?|returns?|"
                     r"launch(?:es)?|opens?|arrives?|debuts?|kicks?\s+off|starts?|begins?)\b", re.IGNORECASE)


def add_years(sentence: str, sources: Sequence[tuple[str, str | None]], context: str = "") -> str:
    """`sentence` with its year written after each day it gives without one ("Thursday,
    November 12" -> "Thursday, November 12, 2020"), when the passages it rests on (text,
    article date ISO) give that day one year. In an archive a day without its year is
    ambiguous: every season has a November 12.

    A passage gives the year when it writes it ("Nov 12, 2020"), or by its article's date:
    the last such day up to half a year before it (news looks back over the months
    before), or the next within a season after it when the passage tells of it to come
    ("will premiere on Nov. 12"; "A year after rioters stormed the Capitol on January 6",
    written on January 5, is about another year); a weekday written with the day must be
    that date's. Left as it is when the sentence, or the `context` it is part of (its other
    clauses, the question), names any year, or the passages give that day more than one
    year, or none, or the day is part of a range, a figure, a title in quotes or a
    headline."""
    if years(sentence) or years(context):
        return sentence
    edits: list[tuple[int, str]] = []
    taken: list[range] = []
    for m, order, month, day in _undated_days(sentence):
        if any(m.start() in r or m.end() - 1 in r for r in taken):
            continue  # "5 May 12": one day, read once
        taken.append(range(m.start(), m.end()))
        if not _AFTER_DAY.match(sentence, m.end()) or sentence[:m.start()].count('"') % 2 \
                or sentence[:m.start()].count("\u201c") > sentence[:m.start()].count("\u201d"):
            continue
        found = {y for text, written in sources for y in _years_given(text, written, month, day)}
        weekday = _WEEKDAY_BEFORE.search(sentence, 0, m.start())
        if weekday:
            found = {y for y in found if _WEEKDAYS[date(y, month, day).weekday()] == weekday[1]}
        if len(found) != 1:
            continue
        year = str(found.pop())
        if order == "dm" and m[2] in _FULL_MONTHS:  # after "12 November", not after the full stop
            edits.append((m.end(2), " " + year))
        elif order == "dm" and m.group().endswith(".") and not sentence[m.end():].strip():
            edits.append((m.end(), " " + year + "."))  # "12 Nov." ends the sentence: "12 Nov. 2020."
        else:
            edits.append((m.end(), (" " if order == "dm" else ", ") + year))
    for end, year in sorted(edits, reverse=True):
        sentence = sentence[:end] + year + sentence[end:]
    return sentence


# How far from its article's date a day without its year is surely that year's (see
# `add_years`): news looks back over the months before, and announces weeks ahead.
AHEAD, BACK = timedelta(days=92), timedelta(days=183)


def _years_given(text: str, written: str | None, month: int, day: int) -> set[int]:
    """The years `text` (of an article dated `written`) gives the day (`month`, `day`)."""
    found = {y for y, mm, dd in days_written(text) if (mm, dd) == (month, day)}
    then = _article_date(written)
    if then is None:
        return found
    for m, _, mm, dd in _undated_days(text):
        if (mm, dd) != (month, day):
            continue
        before = text[max(0, m.start() - 80):m.start()]
        weekday = _WEEKDAY_BEFORE.search(before)
        for year in (then.year - 1, then.year, then.year + 1):
            try:
                when = date(year, month, day)
            except ValueError:  # February 29 of another year
                continue
            if weekday and _WEEKDAYS[when.weekday()] != weekday[1]:
                continue
            if then - BACK <= when <= then or then < when <= then + AHEAD and _FUTURE.search(before):
                found.add(year)
    return found


# a day told without its date: it may be the article's own
_DAY_WORDS = re.compile(rf"\b(?:{'|'.join(_WEEKDAYS)}|today|yesterday|tonight|this (?:morning|afternoon|evening))\b",
                        re.IGNORECASE)


def dateline_corrected(sentence: str, text: str, written: str | None) -> str | None:
    """`sentence` with the article's own date (`written`, ISO), which it gives as the day of
    what it tells, replaced by the one other day of that month that the passage's `text`
    writes; None when that is not the case.

    A small model reading "[3] (2021-10-20) ... revealed the Pixel 6 ... on 19th October"
    answers "October 20, 2021": the day the article was written, not the day it reports. The
    text's day is the event's when it is the only day of that month the text gives, it came
    before the article, the text never gives the article's own day, and it tells no day by
    its weekday or as "today" or "yesterday": the event may be told so ("the army took the
    city on Friday", after "the siege began on November 1"). Written by hand, as the rest
    of this module."""
    then = _article_date(written)
    if then is None or _DAY_WORDS.search(text):
        return None
    dated = (then.year, then.month, then.day)
    said = days_written(text) | days_without_year(text, written)
    others = {d for d in said if d[:2] == dated[:2]}
    m = next((m for m, given in _dated_days(sentence) if given == dated), None)  # the article's day in the claim
    if m is None or dated in said or len(others) != 1 or max(others) > dated:
        return None
    (year, month, day), = others
    return f"{sentence[:m.start()]}{_MONTH_NAMES[month - 1].capitalize()} {day}, {year}{sentence[m.end():]}"
