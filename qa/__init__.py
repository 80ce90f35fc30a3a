"""Question answering over news articles, with inline citations.

    from qa import ask, Assistant
    answer = ask("Which city did the Syrian army retake?")
    print(answer.text, [c.passage.title for c in answer.citations])
"""

from qa.assistant import Assistant, ask
from qa.errors import QAError
from qa.settings import Settings, load_settings
from qa.types import Answer, Citation, Delta, Passage, Sources, Timings

__all__ = [
    "Answer",
    "Assistant",
    "Citation",
    "Delta",
    "Passage",
    "QAError",
    "Settings",
    "Sources",
    "Timings",
    "ask",
    "load_settings",
]
