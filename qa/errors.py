"""One error hierarchy. Every message is one line a user can act on."""

from __future__ import annotations


class QAError(Exception):
    """Base of every error the assistant reports to a user (no traceback needed)."""

    exit_code = 1


class ConfigError(QAError):
    """A setting is invalid or something required is not installed."""


class InputError(QAError):
    """A question or a path given by the user cannot be used."""

    exit_code = 2


class IngestError(QAError):
    """A file could not be read or cleaned into an article."""


class StoreError(QAError):
    """The Chroma store cannot be opened, read or written."""


class StoreBusyError(StoreError):
    """Another ingest holds the store's write lock (try again when it is done)."""


class EmbeddingMismatchError(StoreError):
    """The collection was built with another embedding model."""


class LLMError(QAError):
    """The language model endpoint failed (down, slow, refused, bad reply)."""


class ServerStartError(LLMError):
    """The embedded llama.cpp server could not be started."""


class PromptError(QAError):
    """A prompt template is missing or its placeholders do not match the code."""
