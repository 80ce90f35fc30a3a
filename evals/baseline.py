"""The plain llama-index pipeline we compare against, built with its defaults.

VectorStoreIndex over the *same* Chroma collection (our passages and embeddings) and
CitationQueryEngine with its default settings (top-2 retrieval, its own citation
prompt), talking to the same LLM endpoint with the same token limit and temperature.
Follow-ups go through CondenseQuestionChatEngine, llama-index's standard way to give a
query engine a conversation.
"""

from __future__ import annotations

from typing import Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from pydantic import PrivateAttr

from qa.models.embed import Embedder


class QAEmbedding(BaseEmbedding):
    """Our embedder (MiniLM) behind llama-index's embedding interface."""

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Embedder, **kwargs: Any) -> None:
        super().__init__(model_name=embedder.model_id, **kwargs)
        self._embedder = embedder

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.encode([query])[0].tolist()

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.encode([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.encode(texts).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


# Our store's bookkeeping (hashes, MinHash signatures, offsets) is not article metadata a
# llama-index user would have: llama-index would put it in the prompt of every node.
BOOKKEEPING = ["content_hash", "minhash", "dup_group", "chunk", "n_chunks", "start", "end", "path", "doc_id"]


class HideBookkeeping(BaseNodePostprocessor):
    def _postprocess_nodes(self, nodes, query_bundle=None):
        for n in nodes:
            n.node.excluded_llm_metadata_keys = BOOKKEEPING
            n.node.excluded_embed_metadata_keys = BOOKKEEPING
        return nodes


def openai_like(*, base_url: str, model: str, api_key: str | None, max_tokens: int, temperature: float,
                timeout: float, context_window: int):
    """The same OpenAI-compatible endpoint, through llama-index's OpenAI-like LLM."""
    from llama_index.llms.openai_like import OpenAILike

    return OpenAILike(
        model=model,
        api_base=base_url,
        api_key=api_key or "not-needed",
        is_chat_model=True,
        context_window=context_window,
        max_tokens=max_tokens,
        temperature=temperature,
        timeout=timeout,
        max_retries=0,
    )


class Baseline:
    """CitationQueryEngine (defaults) over one Chroma collection."""

    def __init__(self, collection, embedder: Embedder, llm) -> None:
        from llama_index.core import VectorStoreIndex
        from llama_index.core.query_engine import CitationQueryEngine
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.llm = llm
        index = VectorStoreIndex.from_vector_store(
            ChromaVectorStore(chroma_collection=collection), embed_model=QAEmbedding(embedder)
        )
        self.engine = CitationQueryEngine.from_args(index, llm=llm, node_postprocessors=[HideBookkeeping()])

    @classmethod
    def out_of_the_box(cls, folder, embedder: Embedder, llm) -> Baseline:
        """llama-index with its defaults from the files on: SimpleDirectoryReader, its own
        chunking (SentenceSplitter, 1024 tokens), an in-memory index, CitationQueryEngine.
        What a user who "just uses llama-index" gets; `qa bench` times it too."""
        from llama_index.core import SimpleDirectoryReader, VectorStoreIndex
        from llama_index.core.query_engine import CitationQueryEngine

        self = cls.__new__(cls)
        self.llm = llm
        documents = SimpleDirectoryReader(str(folder)).load_data()
        index = VectorStoreIndex.from_documents(documents, embed_model=QAEmbedding(embedder))
        self.engine = CitationQueryEngine.from_args(index, llm=llm)
        return self

    def answer(self, question: str, history: tuple[str, ...] = ()):
        """The llama-index `Response` (text in `.response`, passages in `.source_nodes`)."""
        if not history:
            return self.engine.query(question)
        from llama_index.core.chat_engine import CondenseQuestionChatEngine

        chat = CondenseQuestionChatEngine.from_defaults(query_engine=self.engine, llm=self.llm)
        for earlier in history:
            chat.chat(earlier)
        return chat.chat(question)
