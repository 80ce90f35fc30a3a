"""Test doubles: a chat model with queued replies and a bag-of-words embedder."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence

import numpy as np

from qa.text import tokens_for_search


class FakeLLM:
    """Replies from a queue, streamed in small pieces; records every prompt."""

    name = "fake"

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.calls: list[list[dict[str, str]]] = []

    def stream(self, messages: Sequence[dict[str, str]], *, max_tokens: int, temperature: float) -> Iterator[str]:
        self.calls.append(list(messages))
        if not self.replies:
            raise AssertionError("FakeLLM: no reply queued")
        reply = self.replies.pop(0)
        if isinstance(reply, Exception):
            raise reply
        for i in range(0, len(reply), 7):
            yield reply[i : i + 7]


class FakeEmbedder:
    """Hashed bag of word stems: texts sharing words are close, unrelated ones are not."""

    model_id = "fake/bag-of-words"
    dim = 384

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for tok in tokens_for_search(text):
                h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=4).digest(), "little")
                out[row, h % self.dim] += 1.0
            norm = np.linalg.norm(out[row])
            if norm:
                out[row] /= norm
        return out


def fake_index_llm(*replies: str):
    """A llama-index LLM with queued replies, for the baseline of the evals."""
    from llama_index.core.llms import CompletionResponse, CustomLLM, LLMMetadata

    class FakeIndexLLM(CustomLLM):
        queue: list[str] = []
        prompts: list[str] = []

        @property
        def metadata(self) -> LLMMetadata:
            return LLMMetadata(context_window=4096, num_output=256, model_name="fake")

        def complete(self, prompt: str, formatted: bool = False, **kwargs) -> CompletionResponse:
            self.prompts.append(prompt)
            if not self.queue:
                raise AssertionError("FakeIndexLLM: no reply queued")
            return CompletionResponse(text=self.queue.pop(0))

        def stream_complete(self, prompt: str, formatted: bool = False, **kwargs):
            yield self.complete(prompt, formatted, **kwargs)

    return FakeIndexLLM(queue=list(replies), prompts=[])
