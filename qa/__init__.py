"""Question answering over news articles, with inline citations.

    from qa import ask, Assistant
    answer = ask("Which city did the Syrian army retake?")
    print(answer.text, [c.passage.title for c in answer.citations])

The names below are imported on first use, so that `qa --help` and `import qa.errors`
stay fast (the assistant pulls in pydantic models and the retrieval code).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

_EXPORTS = {
    "Answer": "qa.types",
    "Assistant": "qa.assistant",
    "Citation": "qa.types",
    "Delta": "qa.types",
    "Passage": "qa.types",
    "QAError": "qa.errors",
    "Retrying": "qa.types",
    "Settings": "qa.settings",
    "Sources": "qa.types",
    "Timings": "qa.types",
    "ask": "qa.assistant",
    "load_settings": "qa.settings",
}
__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:
    from qa.assistant import Assistant, ask
    from qa.errors import QAError
    from qa.settings import Settings, load_settings
    from qa.types import Answer, Citation, Delta, Passage, Retrying, Sources, Timings


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'qa' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
