"""Find the passages for a query: dense (MiniLM in Chroma) and BM25, fused by rank.

Dense retrieval finds paraphrases; BM25 finds names and rare words that the small
embedding model scores low ("chairman of the Joint Chiefs"). Reciprocal rank fusion
merges the two lists without having to calibrate their scores.
"""

from __future__ import annotations

from dataclasses import dataclass

from qa.embed import Embedder
from qa.store import Store
from qa.types import Passage

RRF_K = 60
CANDIDATES = 20
MIN_RARE_TERMS = 2


@dataclass(frozen=True)
class Retrieved:
    passages: list[Passage]  # fused order, best first; `score` is the cosine similarity
    relevant: bool  # passed the relevance gate


def retrieve(query: str, *, store: Store, embedder: Embedder, k: int, min_score: float = 0.0) -> Retrieved:
    """The `k` best passages for `query` and whether anything relevant was found.

    Relevant: the best dense match reaches `min_score`, or a BM25 match shares at least
    two of the query's rare words (a name the embedding model does not know).
    """
    vector = embedder.encode([query])[0]
    dense = store.query(vector, max(k, CANDIDATES))
    lexical = store.lexical_index()
    bm25 = lexical.search(query, max(k, CANDIDATES))

    fused: dict[str, float] = {}
    for ranking in ([p.id for p in dense], [pid for pid, _ in bm25]):
        for rank, pid in enumerate(ranking):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    order = sorted(fused, key=lambda pid: -fused[pid])[:k]

    by_id = {p.id: p for p in dense}
    missing = [pid for pid in order if pid not in by_id]
    by_id.update({p.id: p for p in store.get(missing, vector)})
    passages = [by_id[pid] for pid in order if pid in by_id]

    relevant = bool(dense) and dense[0].score >= min_score
    if not relevant and bm25:
        relevant = lexical.rare_terms_shared(query, bm25[0][0]) >= MIN_RARE_TERMS
    return Retrieved(passages, relevant)
