"""Turn a follow-up ("What did he call it?") and the conversation into one standalone
search query, with the model. The first turn is searched as asked; when condensing fails
or returns something implausible, the follow-up is searched together with the previous
question instead."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from qa.answering import prompts
from qa.answering.citations import strip_markers
from qa.errors import LLMError
from qa.models.llm import ChatModel

log = logging.getLogger("qa")
MAX_TOKENS = 60
_PREFIX = re.compile(r"^\s*(?:rewritten question|standalone question|question)\s*:\s*", re.I)


def fallback(question: str, history: Sequence[tuple[str, str]]) -> str:
    return f"{history[-1][0]} {question}" if history else question


def condense(question: str, history: Sequence[tuple[str, str]], llm: ChatModel) -> str:
    """A standalone version of `question` given `history` [(question, answer), ...]."""
    if not history:
        return question
    turns = "\n".join(f"User: {q}\nAssistant: {strip_markers(a)}" for q, a in history)
    content = prompts.load("condense").render(history=turns, question=question)
    try:
        reply = "".join(llm.stream([{"role": "user", "content": content}], max_tokens=MAX_TOKENS, temperature=0.0))
    except LLMError as exc:
        log.warning("condensing the follow-up failed (%s): searching it with the previous question", exc)
        return fallback(question, history)
    lines = [ln for ln in reply.strip().splitlines() if ln.strip()]
    rewritten = _PREFIX.sub("", lines[0]).strip().strip("\"'“”") if lines else ""
    if not rewritten or len(rewritten) > max(300, 4 * len(question)) or "\n" in rewritten:
        return fallback(question, history)
    return rewritten
