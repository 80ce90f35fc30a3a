"""A conversation as Markdown: each question, its answer with `[n]` markers, and under it
the cited sources with the quoted sentence that supports the answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from qa import Answer
from qa.text import visible
from tui.conversations import Turn

CANCELLED = "*(cancelled: the answer was stopped here)*"


_MARKER = re.compile(r"\[(\d{1,3})\](?![(\[:])")
_ACTIVE = re.compile(r"([\\`*_<>|~&\[\]])")  # what Markdown acts on inside a line
_LINE_START = re.compile(r"^(?=[-+#>=])")  # a list, heading or quote at line start
_ORDERED = re.compile(r"^(\d+)([.)])(?=\s|$)")  # "12. item": escape the dot, not the digits


def _md_escape(text: str) -> str:
    """Article and answer text as text, on one line: the characters Markdown acts on are
    escaped (a "[x](url)" in an article must not become a link, a "- " not a list), and
    nothing else, so the file stays readable; a `[n]` marker is kept as written."""
    parts = _MARKER.split(" ".join(visible(text).split()))
    out = "".join(f"[{part}]" if i % 2 else _ACTIVE.sub(r"\\\1", part) for i, part in enumerate(parts))
    return _ORDERED.sub(r"\1\\\2", _LINE_START.sub("\\\\", out))


def _answer(answer: Answer) -> list[str]:
    lines = [_md_escape(answer.text), ""]
    if answer.citations:
        lines.append("Sources:")
        lines.append("")
        for c in answer.citations:
            p = c.passage
            where = ", ".join(x for x in (p.origin, p.date) if x)
            lines.append(f"- [{c.n}] {_md_escape(p.title)} ({_md_escape(where)})")
            if p.url:  # an autolink; the address as fetched, with what could end it escaped
                lines.append("  - <" + quote(p.url, safe=":/?#[]@!$&'()*+,;=%~") + ">")
            if p.also_in:
                lines.append(f"  - also in: {_md_escape('; '.join(x.origin for x in p.also_in))}")
            lines.append(f"  > {_md_escape(c.quote)}")
        lines.append("")
    return lines


def to_markdown(title: str, turns: Sequence[Turn], *, now: datetime | None = None) -> str:
    stamp = (now or datetime.now()).strftime("%Y-%m-%d %H:%M")
    lines = [f"# {_md_escape(title)}", "", f"Exported from qa on {stamp}.", ""]
    for turn in turns:
        lines += [f"## {_md_escape(turn.question)}", ""]
        if turn.answer is None:
            lines += [_md_escape(turn.partial), "", CANCELLED, ""] if turn.partial else [CANCELLED, ""]
        else:
            lines += _answer(turn.answer)
    return "\n".join(lines).rstrip() + "\n"


def export_path(directory: Path, title: str, *, now: datetime | None = None) -> Path:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", title).strip("-").lower()[:40] or "conversation"
    base = f"qa-{slug}-{(now or datetime.now()).strftime('%Y%m%d-%H%M%S')}"
    path = directory / f"{base}.md"
    n = 1
    while path.exists():
        n += 1
        path = directory / f"{base}-{n}.md"
    return path
