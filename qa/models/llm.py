"""Chat models, reached only through the OpenAI Chat Completions API.

`OpenAIChat` serves OpenAI, vLLM, Ollama, LM Studio and the embedded llama.cpp server
alike. Tests pass any object with the same `stream` method (a fake with queued replies).

Every failure becomes an `LLMError` with one line a user can act on. The API key is never
shown: a 401's body (which may echo the key) is not quoted, the endpoint's own message is
quoted only for a refused request, a rate limit or an error event in the stream (one short
line, the key blanked out), and a URL is shown without user:password@ or query.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from typing import Protocol
from urllib.parse import urlsplit, urlunsplit

from qa.errors import LLMError

Message = dict[str, str]

RETRY_STATUSES = {408, 409, 429}  # and every 5xx: the ones the openai client retries too
MAX_BACKOFF_S = 8.0


class ChatModel(Protocol):
    name: str

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float
    ) -> Iterator[str]:
        """Yield the reply's text as it is generated."""
        ...


def shown_url(url: str) -> str:
    """`url` without user:password@ or a query (either may hold a key)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc.rpartition("@")[2], parts.path, "", ""))


class OpenAIChat:
    """A chat model behind an OpenAI-compatible endpoint.

    `timeout` bounds the connection and every read: a server that does not answer, or
    stops sending mid-answer, for that long fails the request; a slow stream that keeps
    sending never does. Requests that fail before the answer starts (the connection is
    refused or reset, HTTP 408/409/429/5xx) are sent again up to `retries` times, after
    `backoff`, 2x`backoff`, ... seconds (or the server's Retry-After if longer; at most
    8 s). A timeout is not retried (the user has waited `timeout` already), nor is a
    stream that broke after it started (the text given out would be given again).
    """

    def __init__(
        self, *, base_url: str, model: str, api_key: str | None, timeout: float,
        retries: int = 2, backoff: float = 0.5,
    ) -> None:
        self.name = model
        self.retries = retries
        self.backoff = backoff
        self._key = api_key
        self._timeout = timeout
        self._connect(base_url)

    def _connect(self, base_url: str) -> None:
        import openai

        self.base_url = base_url
        self._url = shown_url(base_url)
        self._client = openai.OpenAI(
            base_url=base_url,
            api_key=self._key or "not-needed",
            timeout=self._timeout,
            max_retries=0,  # retried by `_create`, which does not retry timeouts
        )

    def stream(
        self, messages: Sequence[Message], *, max_tokens: int, temperature: float, extra: dict | None = None
    ) -> Iterator[str]:
        """`extra`: fields of the request beyond the OpenAI API's (llama-server's `id_slot`)."""
        import httpx
        import openai

        response = self._create(messages, max_tokens=max_tokens, temperature=temperature, extra=extra)
        # Errors while reading the stream are httpx's own (ReadTimeout, RemoteProtocolError,
        # ReadError...): the openai client maps only those raised before it returns.
        try:
            with response:
                for chunk in response:
                    if chunk.choices and chunk.choices[0].delta.content:
                        yield chunk.choices[0].delta.content
        except (httpx.TimeoutException, openai.APITimeoutError) as exc:
            raise LLMError(
                f"the model at {self._url} sent nothing for {self._timeout:g}s in the middle of the answer "
                "(raise QA_LLM_TIMEOUT or check the endpoint); ask again"
            ) from exc
        except (httpx.TransportError, openai.APIConnectionError) as exc:
            raise self._connection_error(midway=True) from exc
        except openai.APIError as exc:  # an error event in the stream
            raise LLMError(f"the model at {self._url} failed in the middle of the answer: {self._detail(exc)}") from exc
        except (ValueError, httpx.DecodingError) as exc:  # not JSON, or not a completion chunk
            raise LLMError(f"the model at {self._url} sent a reply that is not a chat completion stream") from exc

    def _create(self, messages: Sequence[Message], *, max_tokens: int, temperature: float, extra: dict | None = None):
        """Send the request; return the open stream once the endpoint has answered 200."""
        import openai

        for attempt in range(self.retries + 1):
            try:
                return self._client.chat.completions.create(
                    model=self.name,
                    messages=list(messages),  # type: ignore[arg-type]
                    max_tokens=max_tokens,
                    temperature=temperature,
                    stream=True,
                    seed=0,
                    extra_body=extra,
                )
            except openai.APITimeoutError as exc:  # a subclass of APIConnectionError: first
                raise LLMError(
                    f"the model at {self._url} did not answer within {self._timeout:g}s "
                    "(raise QA_LLM_TIMEOUT or check the endpoint)"
                ) from exc
            except (openai.APIConnectionError, openai.APIStatusError) as exc:
                status = getattr(exc, "status_code", None)
                if attempt == self.retries or not (status is None or status in RETRY_STATUSES or status >= 500):
                    raise self._request_error(exc, tries=attempt + 1) from exc
                delay = self.backoff * 2**attempt
                if status is not None:  # the server may say how long to wait
                    try:
                        delay = max(delay, float(exc.response.headers.get("retry-after", "")))  # type: ignore[union-attr]
                    except ValueError:
                        pass
                time.sleep(min(delay, MAX_BACKOFF_S))
            except openai.OpenAIError as exc:
                raise LLMError(f"the model endpoint {self._url} failed: {type(exc).__name__}") from exc
        raise AssertionError("unreachable")

    def _request_error(self, exc: Exception, *, tries: int) -> LLMError:
        """The error for a request that failed before the answer started, after `tries` tries."""
        import openai

        after = f" after {tries} tries" if tries > 1 else ""
        if not isinstance(exc, openai.APIStatusError):
            return self._connection_error(midway=False, tries=tries)
        status = exc.status_code
        if status == 401:
            what = "rejected the API key" if self._key else "needs an API key"
            return LLMError(f"the model endpoint {self._url} {what} (HTTP 401): set QA_LLM_API_KEY or OPENAI_API_KEY")
        if status == 403:
            return LLMError(
                f"the model endpoint {self._url} refused access (HTTP 403): check that the key in "
                f"QA_LLM_API_KEY or OPENAI_API_KEY may use model {self.name!r}"
            )
        if status == 404:
            return LLMError(f"the endpoint {self._url} has no model {self.name!r} (HTTP 404): set QA_LLM_MODEL")
        if status == 429:
            return LLMError(
                f"the model endpoint {self._url} is rate-limiting requests (HTTP 429{after}): "
                f"wait a minute and ask again ({self._detail(exc)})"
            )
        if status >= 500 or status in RETRY_STATUSES:
            return LLMError(f"the model endpoint {self._url} failed with HTTP {status}{after}; try again later")
        return LLMError(f"the model endpoint {self._url} refused the request (HTTP {status}): {self._detail(exc)}")

    def _connection_error(self, *, midway: bool, tries: int = 1) -> LLMError:
        """The endpoint could not be reached (`midway`: it closed the connection mid-answer)."""
        if midway:
            return LLMError(f"the model at {self._url} closed the connection in the middle of the answer; ask again")
        after = f" ({tries} tries)" if tries > 1 else ""
        return LLMError(f"cannot reach the model at {self._url}{after}: is it running? (check QA_LLM_BASE_URL)")

    def _detail(self, exc: Exception) -> str:
        """The endpoint's own message, on one line, short, with the API key blanked out."""
        body = getattr(exc, "body", None)  # the parsed {"message": ...} of an OpenAI-style error
        text = body.get("message") if isinstance(body, dict) else None
        text = " ".join(str(text or getattr(exc, "message", "") or type(exc).__name__).split())
        if self._key:
            text = text.replace(self._key, "***")
        return text[:160] + ("…" if len(text) > 160 else "")
