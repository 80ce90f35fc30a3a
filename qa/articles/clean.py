"""Clean article text of page junk and read its title, outlet and date.

Written by hand: llama-index and trafilatura clean HTML, but nothing well kept cleans
*plain text* copied from a web page (navigation lines, share prompts, related-story lists).
The rules are general web-page patterns, not the seeds' exact strings:

- lines with no words (bullets, rules, video durations);
- lines that match common boilerplate (skip links, subscribe/follow prompts, ad-blocker
  notices, image credits, "read more", copyright, update stamps, bylines);
- short labels before the headline (menu names, section names);
- short headings (<= 6 words, no sentence punctuation) inside the body;
- runs of two or more headline-like lines in a row: lists of links to other stories.

Each kept paragraph keeps its character span in the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from qa.dates import MONTHS

_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’)\]]*$")
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t]")
_WORD = re.compile(r"[^\W\d_]{2,}", re.UNICODE)

_BOILERPLATE = [
    r"^(\d+\.\s*)?skip (to|next|over)\b",
    r"^(main )?(navigation|menu)$",
    r"\b(join|follow|subscribe|sign up|like) (us|our)\b.*\b(channel|newsletter|page|group|feed|twitter|facebook|telegram|instagram|whatsapp)\b",
    r"\b(subscribe|sign up) (to|for) (our|the)\b",
    r"\bblock(ing)? ads\b|\bad ?blocker\b|^advertisement$",
    r"^(image|photo|picture|video|credit|source|graphic)s?( credit)?\s*:",
    r"^(locator )?(map|chart|graphic|photo|image) (of|shows|showing)\b[^.!?]{0,120}\.?$",  # captions
    r"^(read|see) (more|also)\b",
    r"^(related|recommended|most read|more stories|top stories|trending)\b",
    r"^(twitter|facebook|instagram|email|e-mail)\s*:\s*\S+$",
    r"\bbrowser does not support\b|\benable javascript\b",
    r"^©|\bcopyright\b|\ball rights reserved\b",
    r"\b(this|the) (article|story|page) (was|has been|is) (updated|originally published|corrected)\b",
    r"^(originally published|updated|last updated)\b",
    r"\bdistributed by\b",
    r"^visit (the )?.+ at (www\.|https?://)",
    r"^share (this|on)\b|^(share|tweet|print|comments?)$",
    r"^search( [\w.-]+)?$",
    r"^\(?[\w\s.,'’]+ is an? ([\w.]+ )*(special |staff )?(correspondent|writer|reporter)\.?\)?$",
]
_BOILERPLATE_RE = [re.compile(p, re.IGNORECASE) for p in _BOILERPLATE]

_OUTLET_PATTERNS = [
    re.compile(r"^©\s*(?:\d{4}\s+)?(?P<name>[^.|]+?)(?:\.|,? all rights reserved.*)?$", re.IGNORECASE),
    re.compile(r"^visit (?:the )?(?P<name>.+?) at (?:www\.|https?://)", re.IGNORECASE),
    re.compile(r"\bmore (?:stories|news|articles) from (?P<name>[A-Z][\w&.'’ -]{1,40})$"),
    re.compile(r"\bskip to more (?P<name>[A-Z][\w&]{1,20}) sites\b", re.IGNORECASE),
    re.compile(r"^(?P<name>[A-Z][\w&.'’ -]{1,30}?)\s*\|\s*[\w ]+$"),
    re.compile(
        r"\bverified (?P<name>[A-Z][\w&]{1,20}) (?:telegram|whatsapp|facebook|twitter) (?:channel|group|page)\b",
        re.IGNORECASE,
    ),
    re.compile(r"^search (?P<name>[\w.-]{2,30})$", re.IGNORECASE),
]

_HEADER_KEYS = {"title", "source", "outlet", "publisher", "site", "date", "published", "url"}
_HEADER_RE = re.compile(r"^(?P<key>[A-Za-z]+)\s*:\s*(?P<value>.+)$")

# one written date, "Nov. 3, 2017", "3 November 2017" or "2017-11-03" (no groups)
_A_DATE = rf"(?:(?:{MONTHS})\.? \d{{1,2}},? (?:19|20)\d\d|\d{{1,2}} (?:{MONTHS})\.? (?:19|20)\d\d|(?:19|20)\d\d-\d\d-\d\d)"

_DATE_PATTERNS = [
    (re.compile(rf"\b(?P<m>{MONTHS})\.? (?P<d>\d{{1,2}}),? (?P<y>(?:19|20)\d\d)\b", re.IGNORECASE), "mdy"),
    (re.compile(rf"\b(?P<d>\d{{1,2}}) (?P<m>{MONTHS})\.? (?P<y>(?:19|20)\d\d)\b", re.IGNORECASE), "dmy"),
    (re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)"), "iso"),
]


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int
    end: int


@dataclass
class CleanedText:
    title: str | None
    source: str | None
    date: str | None
    paragraphs: list[Paragraph] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def parse_date(text: str) -> str | None:
    """The first date written in `text`, as ISO `YYYY-MM-DD`, or None."""
    for pattern, kind in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            try:
                if kind == "iso":
                    return date(int(m["y"]), int(m["m"]), int(m["d"])).isoformat()
                month = datetime.strptime(m["m"][:3].title(), "%b").month
                return date(int(m["y"]), month, int(m["d"])).isoformat()
            except ValueError:
                continue
    return None


# A date that opens a paragraph, set off from its text ("Jul 30, 2019 ... After decades",
# "Nov. 3, 2017 — Syrian troops"): a search result's or a wire story's dateline on the text's
# own line. It says when the article was written, not when what it tells happened, so it is
# the article's date and not a sentence of it: an answer may not take it for an event's date.
_LEADING_DATE = re.compile(
    rf"^{_A_DATE}"
    r"(?:\s*(?:\.{3}|…)|\s+[-—–|:]|:)\s*(?:\.{3}\s*|…\s*)?(?=\S)",  # "... ", " - ", ": ", not "2019-2020"
    re.IGNORECASE,
)


def _leading_dateline(line: Paragraph) -> tuple[str, Paragraph] | None:
    """The date that opens `line` (see `_LEADING_DATE`) and the line without it."""
    m = _LEADING_DATE.match(line.text)
    found = parse_date(m.group(0)) if m else None
    if not m or found is None:
        return None
    return found, Paragraph(line.text[m.end():], line.start + m.end(), line.end)


def _words(line: str) -> int:
    return len(line.split())


def _has_words(line: str) -> bool:
    return bool(_WORD.search(line))


def is_boilerplate(line: str) -> bool:
    return any(r.search(line) for r in _BOILERPLATE_RE)


def _is_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def _is_headline_like(line: str) -> bool:
    return 3 <= _words(line) <= 25 and not _is_sentence(line)


def _is_dateline(line: str) -> bool:
    return _words(line) <= 5 and parse_date(line) is not None


# A wire story's dateline names its agency: "BEIRUT, Nov. 3 (AP) —", "LONDON (Reuters) -".
_DATELINE_OUTLET = re.compile(
    r"^[A-Z][A-Z .'’-]{1,40}(?:,[^()\n]{1,30})?\s*\((?P<name>[A-Z][\w&.'’ -]{0,30}?)\)\s*[-—–]"
)


def find_outlet(lines: list[str]) -> str | None:
    """The outlet named by a copyright line, a site footer or a site banner, else the
    agency named by a dateline."""
    for pattern in _OUTLET_PATTERNS:
        for line in lines:
            m = pattern.search(line)
            if m:
                name = m["name"].strip(" .,-|")
                if name and _has_words(name):
                    return name
    for line in lines[:15]:
        if (m := _DATELINE_OUTLET.match(line)) and _has_words(m["name"]):
            return m["name"].strip()
    return None


def _split_lines(text: str) -> list[Paragraph]:
    out: list[Paragraph] = []
    pos = 0
    for raw in text.splitlines(keepends=True):
        stripped = raw.strip()
        if stripped:
            start = pos + raw.index(stripped[0])
            # same length, so spans stay exact: no-break and odd spaces become plain ones
            text = _ODD_SPACE.sub(" ", stripped)
            out.append(Paragraph(text, start, start + len(stripped)))
        pos += len(raw)
    return out


def _read_header(lines: list[Paragraph]) -> tuple[dict[str, str], int]:
    """`Key: value` lines at the very top (Title:, Source:, Date: ...)."""
    meta: dict[str, str] = {}
    i = 0
    while i < len(lines):
        m = _HEADER_RE.match(lines[i].text)
        if not m or m["key"].lower() not in _HEADER_KEYS:
            break
        # a header's value is short ("Date: 3 Nov 2017"); "Date: ... . Location: ..." is text
        if _words(m["value"]) > (30 if m["key"].lower() == "title" else 8):
            break
        meta[m["key"].lower()] = m["value"].strip()
        i += 1
    return meta, i


def clean_text(text: str, *, title: str | None = None, source: str | None = None) -> CleanedText:
    """Split `text` into kept paragraphs (with spans) and read its metadata."""
    lines = _split_lines(text)
    header, first = _read_header(lines)
    title = title or header.get("title")
    source = source or header.get("source") or header.get("outlet") or header.get("publisher")
    source = source or header.get("site")
    found_date = parse_date(header["date"]) if "date" in header else None
    found_date = found_date or (parse_date(header["published"]) if "published" in header else None)

    result = CleanedText(title=None, source=None, date=None)
    candidates: list[Paragraph] = []
    for line in lines[first:]:
        if not _has_words(line.text) or is_boilerplate(line.text):
            result.dropped.append(line.text)
            continue
        if _is_dateline(line.text):
            found_date = found_date or parse_date(line.text)
            result.dropped.append(line.text)
            continue
        candidates.append(line)
    # A dateline stands at the top: on the first line, or on the one after a headline. A
    # line below it that opens with a date too makes them a timeline's entries ("March 3,
    # 2021 - The council voted"), whose dates are facts of the text.
    top = 1 if len(candidates) > 1 and _is_headline_like(candidates[0].text) else 0
    if top < len(candidates) and (dated := _leading_dateline(candidates[top])):
        following = candidates[top + 1 : top + 2]
        if not (following and _leading_dateline(following[0])):
            found_date = found_date or dated[0]
            result.dropped.append(candidates[top].text[: len(candidates[top].text) - len(dated[1].text)].strip())
            candidates[top] = dated[1]

    # The headline: the first line that reads like one; short labels before it are menus.
    body_start = 0
    if title is None:
        for i, line in enumerate(candidates):
            if 3 <= _words(line.text) <= 30:
                title = line.text
                body_start = i + 1
                break
        if title is not None and body_start == len(candidates):
            # A single paragraph (a note, a search snippet) is the body, not a headline.
            title, body_start = None, 0
    else:
        for i, line in enumerate(candidates[:3]):
            if line.text.strip().lower() == title.strip().lower():
                body_start = i + 1
                break
    result.dropped.extend(c.text for c in candidates[:body_start] if c.text != title)
    body = candidates[body_start:]

    headline_like = [_is_headline_like(p.text) for p in body]
    for i, para in enumerate(body):
        in_run = headline_like[i] and (
            (i > 0 and headline_like[i - 1]) or (i + 1 < len(body) and headline_like[i + 1])
        )
        short_heading = not _is_sentence(para.text) and _words(para.text) <= 6
        if in_run or short_heading:
            result.dropped.append(para.text)
        else:
            result.paragraphs.append(para)

    all_text = [p.text for p in lines]
    result.title = title
    result.source = source or find_outlet(all_text)
    result.date = found_date or parse_date(_ACCESS_DATE.sub(" ", "\n".join(all_text[:15])))
    return result


# When a reference was read ("Retrieved January 8, 2017", "Archived from the original on
# ..."): a date of the citation list pasted with a text, not of the text. Taken as the
# article's date, it dated a Wikipedia list of award winners to 2017, so that a winner it
# names without a year answered who won in 2017.
_ACCESS_DATE = re.compile(
    rf"\b(?:retrieved|accessed|archived(?:\s+from\s+the\s+original)?)(?:\s+on)?:?\s+"
    rf"{_A_DATE}",
    re.IGNORECASE,
)
