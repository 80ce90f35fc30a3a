"""Prompt templates are files in `prompts/`, loaded by name.

Each template declares the placeholders the code fills; loading fails at once when a
file's `{placeholders}` differ from what the code passes, instead of at answer time.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from qa.errors import PromptError

_QA_DIR = Path(__file__).resolve().parents[1]
_REPO_PROMPTS = _QA_DIR.parent / "prompts"
_BUNDLED_PROMPTS = _QA_DIR / "_bundled" / "prompts"

# name -> the placeholders the code passes to it
EXPECTED: dict[str, frozenset[str]] = {
    "answer_system": frozenset(),
    "answer_user": frozenset({"passages", "question", "refusal"}),
    "passage": frozenset({"n", "origin", "text"}),
    "disagreement": frozenset({"figures"}),
    "refusal": frozenset(),
    "condense": frozenset({"history", "question"}),
    "check_answer": frozenset({"answer", "question"}),
    "check_grounded": frozenset({"answer", "passages", "question"}),
    # passages --- question --- answer [--- question --- answer ...], on an unrelated topic
    "answer_example": frozenset({"refusal"}),
}


def prompts_dir() -> Path:
    return _REPO_PROMPTS if _REPO_PROMPTS.is_dir() else _BUNDLED_PROMPTS


@dataclass(frozen=True)
class Template:
    name: str
    text: str
    fields: frozenset[str]

    def render(self, **values: object) -> str:
        missing = self.fields - values.keys()
        if missing:
            raise PromptError(f"prompt {self.name!r}: no value for {sorted(missing)}")
        return self.text.format(**values) if self.fields else self.text


def placeholders(text: str) -> frozenset[str]:
    try:
        return frozenset(f for _, f, _, _ in string.Formatter().parse(text) if f is not None)
    except ValueError as exc:
        raise PromptError(f"bad template syntax: {exc}") from exc


@lru_cache(maxsize=32)
def load(name: str, directory: Path | None = None) -> Template:
    """Load `prompts/<name>.txt` and check its placeholders against EXPECTED[name]."""
    path = (directory or prompts_dir()) / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise PromptError(f"prompt {name!r} not found at {path}") from exc
    fields = placeholders(text)
    expected = EXPECTED.get(name)
    if expected is not None and fields != expected:
        raise PromptError(
            f"prompt {path}: placeholders {sorted(fields)} but the code passes {sorted(expected)}"
        )
    return Template(name, text, fields)


def check_all(directory: Path | None = None) -> None:
    """Load every known template (called at start-up)."""
    for name in EXPECTED:
        load(name, directory)


def refusal_sentence() -> str:
    return load("refusal").text
