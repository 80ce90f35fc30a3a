"""The models the pipeline runs, and how it reaches them.

    llm       the chat model over the OpenAI Chat Completions API (retries, timeouts, errors)
    embedded  the default chat model: a llama.cpp server on 127.0.0.1 that qa starts itself
    embed     the embedding model (all-MiniLM-L6-v2 from its PyPI package; ONNX or torch)

May import: the shared modules at the top of `qa` (errors, settings). Nothing of the stages.
"""
