"""Build the default collaborators (embedder, store, chat model) from settings.

The embedder and the embedded model server are process-wide resources: they are created
once per process and shared by every `Assistant` built from the same settings.
"""

from __future__ import annotations

import threading
from functools import lru_cache

from qa.index.store import Store
from qa.models.embed import MiniLMEmbedder
from qa.models.embedded import EmbeddedChat, EmbeddedServer
from qa.models.llm import ChatModel, OpenAIChat
from qa.models.model_file import MODEL_NAME, Progress
from qa.settings import Settings, private_dir

DEFAULT_REMOTE_MODEL = "gpt-4o-mini"

_servers: dict[tuple, EmbeddedServer] = {}
_servers_lock = threading.Lock()


@lru_cache(maxsize=1)
def default_embedder() -> MiniLMEmbedder:
    """MiniLM, on ONNX Runtime from the cache directory's export when it can be had."""
    from qa.settings import load_settings

    return MiniLMEmbedder(onnx_dir=load_settings().cache_dir / "models")


def open_store(settings: Settings, model_id: str, *, rebuild: bool = False) -> Store:
    private_dir(settings.data_dir)
    return Store(settings.chroma_dir, collection=settings.collection, model_id=model_id, rebuild=rebuild,
                 host=settings.chroma_host, port=settings.chroma_port)


def _server_key(settings: Settings) -> tuple:
    return (settings.cache_dir, settings.log_dir, settings.server_threads, settings.server_context,
            settings.server_slots, settings.server_cache_ram, settings.llama_server)


def embedded_server(settings: Settings) -> EmbeddedServer:
    key = _server_key(settings)
    with _servers_lock:
        if key not in _servers:
            _servers[key] = EmbeddedServer(settings)
        return _servers[key]


def adopt_server(settings: Settings, server: EmbeddedServer) -> None:
    """Make `server` the one this process uses for `settings` (`qa serve` owns its server)."""
    with _servers_lock:
        _servers[_server_key(settings)] = server


def model_name(settings: Settings) -> str:
    """The name of the model that answers, for display."""
    return settings.llm_model or (MODEL_NAME if settings.uses_embedded_llm else DEFAULT_REMOTE_MODEL)


def make_llm(settings: Settings, progress: Progress | None = None) -> ChatModel:
    """The configured endpoint, or the embedded llama.cpp server (started now if needed).

    A remote endpoint gets 2 retries with backoff (0.5 s, then 1 s) for a refused or reset
    connection and HTTP 408/409/429/5xx, only before the answer starts streaming; the
    embedded server none (see `EmbeddedChat`: when it stopped, the next question starts one).
    """
    if settings.uses_embedded_llm:
        server = embedded_server(settings)
        url = server.start(progress)
        return EmbeddedChat(server, base_url=url, model=settings.llm_model or MODEL_NAME, timeout=settings.llm_timeout)
    return OpenAIChat(
        base_url=settings.llm_base_url or "",
        model=settings.llm_model or DEFAULT_REMOTE_MODEL,
        api_key=settings.api_key,
        timeout=settings.llm_timeout,
        retries=2,
    )
