"""Chat models, reached only through the OpenAI Chat Completions API.

`OpenAIChat` serves OpenAI, vLLM, Ollama, LM Studio and the embedded llama.cpp server
alike. Tests pass any object with the same `stream` method (a fake with queued replies).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from qa.errors import LLMError

Message = dict[str, str]


class ChatModel(Protocol):
    name: str

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        """Yield the reply's text as it is generated."""
        ...


class OpenAIChat:
    """A chat model behind an OpenAI-compatible endpoint."""

    def __init__(
        self, *, base_url: str, model: str, api_key: str | None, timeout: float, max_retries: int = 2
    ) -> None:
        import openai

        self.name = model
        self.base_url = base_url
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=api_key or "not-needed",
            timeout=timeout,
            max_retries=max_retries,
        )
        self._timeout = timeout

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        import openai

        try:
            response = self._client.chat.completions.create(
                model=self.name,
                messages=list(messages),  # type: ignore[arg-type]
                max_tokens=max_tokens,
                temperature=temperature,
                stream=True,
                seed=0,
            )
            with response:
                for chunk in response:
                    if chunk.choices and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
        except openai.APITimeoutError as exc:
            raise LLMError(
                f"the model at {self.base_url} did not answer within {self._timeout:g}s "
                "(raise QA_LLM_TIMEOUT or check the endpoint)"
            ) from exc
        except openai.APIConnectionError as exc:
            raise LLMError(
                f"cannot reach the model at {self.base_url}: is it running? "
                "(check QA_LLM_BASE_URL)"
            ) from exc
        except openai.AuthenticationError as exc:
            raise LLMError(
                f"the model endpoint {self.base_url} rejected the API key (HTTP 401): "
                "set QA_LLM_API_KEY or OPENAI_API_KEY"
            ) from exc
        except openai.NotFoundError as exc:
            raise LLMError(
                f"the endpoint {self.base_url} has no model {self.name!r} (HTTP 404): set QA_LLM_MODEL"
            ) from exc
        except openai.APIStatusError as exc:
            raise LLMError(
                f"the model endpoint {self.base_url} failed with HTTP {exc.status_code}; try again later"
            ) from exc
        except openai.OpenAIError as exc:
            raise LLMError(f"the model endpoint {self.base_url} failed: {type(exc).__name__}") from exc
