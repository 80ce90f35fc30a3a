"""The index: what ingest writes and search reads.

    store    Chroma: passages, their vectors and metadata; one writer at a time, crash-safe
    records  what it keeps per document, and a passage's metadata as a `Passage`
    lexical  a BM25 index over the same passages, kept by the store

May import: the shared modules at the top of `qa` (errors, text, types). No stage: it
knows neither the models nor the stages above it (articles, search, answering).
"""
