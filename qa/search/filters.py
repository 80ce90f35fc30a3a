"""Filters on the articles a question is asked about: outlets and a date range.

A filter is pushed down to both searches, so that a filtered question costs what an
unfiltered one does: a Chroma `where` clause for the dense search, a boolean mask over
the BM25 scores for the lexical one. Dates are compared as numbers (YYYYMMDD in the
passage's `date_n` field) because Chroma's range operators take numbers only. An article
whose date is unknown is outside every date range: its date is never guessed.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from qa.dates import date_number
from qa.errors import InputError

__all__ = ["Filters", "date_number", "make_filters", "match_sources", "parse_bound"]

_PARTIAL_DATE = re.compile(r"(?P<y>\d{4})(?:-(?P<m>\d{1,2})(?:-(?P<d>\d{1,2}))?)?")


def parse_bound(text: str, *, end: bool, option: str = "date") -> date:
    """A date given as 2017-11-04, 2017-11 or 2017. An incomplete date is the first day of
    its month or year for `--since`, the last one for `--until` (`end`)."""
    m = _PARTIAL_DATE.fullmatch(text.strip())
    if not m:
        raise InputError(f"{option} {text!r} is not a date: use YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = int(m["y"]), int(m["m"] or (12 if end else 1)), m["d"]
    try:
        if day is None:
            return date(year, month, calendar.monthrange(year, month)[1] if end else 1)
        return date(year, month, int(day))
    except ValueError:
        raise InputError(f"{option} {text!r} is not a valid date") from None


@dataclass(frozen=True)
class Filters:
    """Outlets (as stored) and an inclusive date range; empty means everything."""

    sources: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None

    def __bool__(self) -> bool:
        return bool(self.sources or self.since or self.until)

    @property
    def since_n(self) -> int | None:
        return int(self.since.strftime("%Y%m%d")) if self.since else None

    @property
    def until_n(self) -> int | None:
        return int(self.until.strftime("%Y%m%d")) if self.until else None

    def where(self) -> dict | None:
        """The Chroma `where` clause, or None for no filter."""
        clauses: list[dict] = []
        if self.sources:
            clauses.append({"source": {"$in": list(self.sources)}})
        if self.since:
            clauses.append({"date_n": {"$gte": self.since_n}})
        if self.until:
            clauses.append({"date_n": {"$lte": self.until_n}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def describe(self) -> str:
        """"from Reuters, 2017-11-04 to 2017-11-30", for status lines and messages."""
        parts = []
        if self.sources:
            parts.append("from " + " or ".join(self.sources))
        if self.since and self.until:
            parts.append(f"{self.since} to {self.until}")
        elif self.since:
            parts.append(f"since {self.since}")
        elif self.until:
            parts.append(f"until {self.until}")
        return ", ".join(parts)


def match_sources(names: Iterable[str], known: Iterable[str]) -> tuple[str, ...]:
    """The stored outlet names that `names` mean: the same name in any case, else every
    outlet that contains it ("times" -> "Los Angeles Times", "The New York Times").
    A name that matches no outlet is an error that lists the known ones."""
    known = sorted({k for k in known if k})
    chosen: list[str] = []
    for name in names:
        wanted = " ".join(name.split()).casefold()
        if not wanted:
            continue
        exact = [k for k in known if k.casefold() == wanted]
        found = exact or [k for k in known if wanted in k.casefold()]
        if not found:
            listed = ", ".join(known[:12]) + (", …" if len(known) > 12 else "") if known else "none is known"
            raise InputError(f"no article from an outlet named {name!r}; outlets in the store: {listed}")
        chosen.extend(f for f in found if f not in chosen)
    return tuple(chosen)


def make_filters(
    sources: Iterable[str] | None, since: str | date | None, until: str | date | None, known_sources: Iterable[str]
) -> Filters:
    """Filters from what a user typed (CLI, chat, Python), checked: a bad date, an unknown
    outlet or a range that ends before it starts is an InputError."""
    lo = since if isinstance(since, date) or since is None else parse_bound(since, end=False, option="--since")
    hi = until if isinstance(until, date) or until is None else parse_bound(until, end=True, option="--until")
    if lo and hi and hi < lo:
        raise InputError(f"--until {hi} is before --since {lo}: no date is in that range")
    if isinstance(sources, str):  # ask(q, sources="Reuters") means one outlet, not seven letters
        sources = [sources]
    chosen = match_sources(sources, known_sources) if sources else ()
    return Filters(sources=chosen, since=lo, until=hi)
