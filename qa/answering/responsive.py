"""After the sentence checks: does the answer answer the question, or only say something
related? The model is asked yes or no. This catches near misses ("How many civilians
were killed?" answered with how many were displaced), which a lexical support check
cannot: every sentence of such an answer is supported by its passage.
"""

from __future__ import annotations

import logging

from qa.answering import prompts
from qa.answering.citations import strip_markers
from qa.errors import LLMError
from qa.models.llm import ChatModel

log = logging.getLogger("qa")


def answers_question(question: str, answer: str, llm: ChatModel) -> bool:
    """False only when the model says no; an error keeps the answer (the checks passed)."""
    content = prompts.load("check_answer").render(question=question, answer=strip_markers(answer))
    try:
        reply = "".join(llm.stream([{"role": "user", "content": content}], max_tokens=3, temperature=0.0))
    except LLMError as exc:
        log.warning("could not check that the answer is responsive (%s): keeping it", exc)
        return True
    return not reply.strip().lower().startswith("no")
