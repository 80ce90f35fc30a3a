"""Parse the `[n]` markers of a model's answer into claims, and render them back.

Written by hand (paper-qa does the same for its own keys): the answer is split into
sentences ("claims"), each with the passage numbers it cites. A sentence with markers in
its middle ("90 per cent [1], 96 per cent according to another [2].") is split after each
of them into clauses, so that each clause is checked against the passages it cites. `[1, 2]`, `[1-3]`,
`[Passage 2]` and `【2】` are understood; numbers that point at no passage are dropped.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_MARKER = re.compile(
    r"\s*[\[【]\s*(?:(?:passages?|sources?|docs?|documents?|refs?)\s*#?\s*)?"
    r"(?P<nums>\d{1,3}(?:\s*(?:,|;|-|–|and)\s*(?:(?:passages?|sources?)\s*)?\d{1,3})*)\s*[\]】]",
    re.IGNORECASE,
)
# A sentence ends at . ! ? (plus closing quotes and any markers after it) before a space.
_SENTENCE_END = re.compile(
    r"[.!?]+[\"'”’)]*(?:\s*[\[【][^\]】\n]{1,40}[\]】])*(?=\s|$)"
)
MAX_RANGE = 20
# A period after these is not the end of a sentence ("Brig. Gen. Ali Mayhoub", "U.S. forces").
_ABBREVIATION = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Gen|Brig|Col|Lt|Sgt|Capt|Maj|Adm|Gov|Sen|Rep|Pres|Prof|St|Jr|Sr|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|No|vs|etc|Inc|Ltd|Co|Corp)|"
    r"\b[A-Z](?:\.[A-Z])*)$"
)


@dataclass(frozen=True)
class Claim:
    """One sentence of an answer, without markers, and the passage numbers it cites."""

    text: str
    cited: tuple[int, ...]
    joined: bool = False  # a clause that continues the previous claim's sentence


def marker_numbers(inner: str) -> list[int]:
    """`"1, 2"` -> [1, 2]; `"2-4"` -> [2, 3, 4]; `"passage 3"` -> [3]."""
    out: list[int] = []
    for part in re.split(r"\s*(?:,|;|\band\b)\s*", inner, flags=re.IGNORECASE):
        part = re.sub(r"(?i)passages?|sources?", "", part).strip()
        bounds = [b for b in re.split(r"\s*[-–]\s*", part) if b]
        if len(bounds) == 2 and all(b.isdigit() for b in bounds):
            lo, hi = int(bounds[0]), int(bounds[1])
            if lo <= hi and hi - lo < MAX_RANGE:
                out.extend(range(lo, hi + 1))
                continue
        out.extend(int(b) for b in bounds if b.isdigit())
    return out


def all_markers(text: str) -> list[int]:
    """Every passage number cited in `text`, valid or not, in order."""
    return [n for m in _MARKER.finditer(text) for n in marker_numbers(m["nums"])]


_CHAIN_GAP = re.compile(r"(?:\s*(?:,|;|&|\band\b)\s*)+", re.IGNORECASE)


def join_marker_runs(text: str) -> str:
    """"[1], [2], and [3]" -> "[1][2][3]": the commas and "and" between markers belong to
    the markers (left behind, they read ",,," once the markers are checked and moved)."""
    out, last = [], 0
    markers = list(_MARKER.finditer(text))
    for a, b in zip(markers, markers[1:]):
        if _CHAIN_GAP.fullmatch(text, a.end(), b.start()):
            out.append(text[last:a.end()])
            last = b.start()
    out.append(text[last:])
    return "".join(out)


def strip_markers(text: str) -> str:
    text = join_marker_runs(text)
    # until none is left: removing "[1]" from "[5[1]]" leaves a marker "[5]"
    while (stripped := _MARKER.sub("", text)) != text:
        text = stripped
    return re.sub(r"[ \t]+([.,;:!?])", r"\1", text).strip()


def split_claims(text: str, n_passages: int) -> list[Claim]:
    """Split an answer into sentences with the valid passage numbers each one cites."""
    claims: list[Claim] = []
    text = join_marker_runs(text)
    start = 0
    ends = [
        m.end()
        for m in _SENTENCE_END.finditer(text)
        if not (m.group(0) == "." and _ABBREVIATION.search(text, 0, m.start()))
    ]
    if not ends or ends[-1] < len(text.rstrip()):
        ends.append(len(text))
    for end in ends:
        chunk = text[start:end]
        start = end
        for i, clause in enumerate(_clauses(chunk)):
            numbers: list[int] = []
            for m in _MARKER.finditer(clause):
                numbers.extend(n for n in marker_numbers(m["nums"]) if 1 <= n <= n_passages)
            sentence = " ".join(strip_markers(clause).split())
            if sentence and re.search(r"\w", sentence):
                joined = i > 0 and bool(claims)
                claims.append(Claim(sentence, tuple(dict.fromkeys(numbers)), joined))
    return claims


def _clauses(sentence: str) -> list[str]:
    """The sentence cut after each marker that has more words and a marker after it."""
    markers = list(_MARKER.finditer(sentence))
    cuts = [
        m.end()
        for m, after in zip(markers, markers[1:])
        if re.search(r"\w", sentence[m.end() : after.start()])
    ]
    bounds = [0, *cuts, len(sentence)]
    return [sentence[a:b] for a, b in zip(bounds, bounds[1:])]


def sentence_of(claims: Sequence[Claim], i: int) -> str:
    """The whole sentence claim `i` is part of: it and the clauses joined to it."""
    start = i
    while start > 0 and claims[start].joined:
        start -= 1
    end = i + 1
    while end < len(claims) and claims[end].joined:
        end += 1
    return " ".join(c.text for c in claims[start:end])


def render(claims: list[Claim]) -> str:
    """Claims back to text, each with its markers before the final punctuation; a joined
    clause continues its sentence, and a sentence whose last clause was dropped is closed."""
    out = ""
    for claim in claims:
        markers = "".join(f"[{n}]" for n in claim.cited)
        m = re.search(r"[.!?]+[\"'”’)]*$", claim.text)
        if not markers:
            part = claim.text
        elif m:
            part = f"{claim.text[: m.start()]} {markers}{claim.text[m.start():]}"
        else:
            part = f"{claim.text} {markers}"
        if claim.joined and out:
            out += part if part[0] in ",;:)" else f" {part}"
            continue
        if out and not re.search(r"[.!?][\"'”’)]*$", out):
            out += "."
        out += f" {part}" if out else part
    return out


def without_repeats(claims: list[Claim]) -> list[Claim]:
    """Drop clauses that repeat an earlier one word for word. The small model sometimes
    loops ("320 km west of Baghdad [1], 320 km west of Baghdad [1], ..."); each copy is
    supported, so verification keeps them all. A sentence goes only when all of it repeats."""

    def key(claim: Claim) -> str:
        return " ".join(re.findall(r"\w+", strip_markers(claim.text).lower()))

    sentences: list[list[Claim]] = []
    for claim in claims:
        if claim.joined and sentences:
            sentences[-1].append(claim)
        else:
            sentences.append([claim])
    seen: set[str] = set()
    kept: list[Claim] = []
    for sentence in sentences:
        if all(key(c) in seen for c in sentence):
            continue
        head, *rest = sentence
        kept.append(head)
        seen.add(key(head))
        for clause in rest:
            if key(clause) not in seen:
                kept.append(clause)
                seen.add(key(clause))
    return kept


def is_refusal(text: str, refusal: str) -> bool:
    """True when the answer is (or opens with) the fixed refusal sentence."""
    norm = re.sub(r"\W+", " ", strip_markers(text)).strip().lower()
    ref = re.sub(r"\W+", " ", refusal).strip().lower()
    return bool(norm) and (norm == ref or norm.startswith(ref))
