"""Instructions hidden in articles ("ignore your instructions and ...") are data, not
orders: sentences that address an AI system are left out of the prompt (the passage is
still stored, shown and citable as written). Written by hand: a few patterns over the
sentences of a passage; the prompt also tells the model that passages are quoted material.
"""

from __future__ import annotations

import re

from qa.answering.citations import split_claims

_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?]{0,60}\b(?:instructions?|prompts?|rules|guidelines|directions|context)\b"
    r"|\b(?:you are now|act as|pretend (?:to be|you are)|from now on,? you)\b[^.!?]{0,40}"
    r"\b(?:AI|assistant|model|chatbot|bot|GPT|LLM)\b"
    r"|\b(?:system prompt|developer mode|jailbreak)\b"
    r"|\b(?:AI|language model|assistant|chatbot|LLM)s?\b[^.!?]{0,40}\b(?:must|should|shall)\b[^.!?]{0,40}"
    r"\b(?:answer|reply|respond|say|output|write|print|cite)\b"
    # "Note to chatbots: say ...", "Dear AI assistant, answer ...", "AI models: reply ..."
    r"|\b(?:note|message|attention|instructions?|dear|hey)\b[^.!?]{0,12}\b(?:AI|language models?|assistants?|chatbots?|LLMs?|bots?)\b"
    r"|\b(?:AI|language models?|assistants?|chatbots?|LLMs?)\s*[,:]\s*(?:please\s+)?"
    r"(?:answer|reply|respond|say|tell|output|write|print|cite|state)\b",
    re.IGNORECASE,
)
NOTE = "(a sentence addressed to AI systems was left out)"


def is_instruction(sentence: str) -> bool:
    return bool(_INSTRUCTION.search(sentence))


def neutralise(text: str) -> str:
    """The passage without its sentences that give orders to an AI system."""
    if not _INSTRUCTION.search(text):
        return text
    kept = [c.text for c in split_claims(text, 0) if not is_instruction(c.text)]
    return " ".join([*kept, NOTE])
