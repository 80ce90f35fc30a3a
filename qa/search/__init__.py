"""Search: the passages for a query, dense (MiniLM in Chroma) and BM25 fused by rank, with
one story's copies collapsed and a relevance gate.

    retrieve  fusion, per-story cap, relevance gate
    filters   outlets and a date range, pushed down to both searches

May import: `qa.index`, `qa.models`, `qa.articles.dedup` (the measure of a copy), and the
shared modules at the top of `qa`. Never `qa.answering` or the assistant. No chat-model
calls happen here.
"""
