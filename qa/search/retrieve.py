"""Find the passages for a query: dense (MiniLM in Chroma) and BM25, fused by rank.

Dense retrieval finds paraphrases; BM25 finds names and rare words that the small
embedding model scores low ("chairman of the Joint Chiefs"). Reciprocal rank fusion
merges the two lists without having to calibrate their scores.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from qa.articles.dedup import PASSAGE_CONTAINMENT, containment, shingles
from qa.dates import earliest_report, needs_newest, year_of, years
from qa.index.store import Store
from qa.models.embed import Embedder
from qa.search.filters import Filters
from qa.types import Copy, Passage

RRF_K = 60
CANDIDATES = 20
MIN_RARE_TERMS = 2
HEADS = 2  # the top passages of each list that are always kept
PER_GROUP = 2  # passages of one story (one article and its copies) among the k, unless too few others


@dataclass(frozen=True)
class Retrieved:
    passages: list[Passage]  # fused order, best first; `score` is the cosine similarity
    relevant: bool  # passed the relevance gate


def retrieve(
    query: str,
    *,
    store: Store,
    embedder: Embedder,
    k: int,
    min_score: float = 0.0,
    per_group: int = PER_GROUP,
    filters: Filters | None = None,
    last: Callable[[Passage], bool] | None = None,
) -> Retrieved:
    """The `k` best passages for `query` and whether anything relevant was found, among
    the passages that pass `filters` (outlets, dates). The passages for which `last` is
    true (the caller knows they cannot answer) go after the others of their time (see
    `by_time`), and so out of the `k` when enough others are found.

    Relevant: the best dense match reaches `min_score`, or a BM25 match shares at least
    two of the query's rare words (a name the embedding model does not know).
    """
    vector = embedder.encode([query])[0]
    lexical = store.lexical_index()  # first: it notices another process's writes and reopens the store
    mask = lexical.mask(filters.sources, filters.since_n, filters.until_n) if filters else None
    if mask is None:
        dense = store.query(vector, max(k, CANDIDATES))
        nearest = [(p.id, p.score) for p in dense]
    else:  # ids and scores: their passages are read below with BM25's, in one read
        dense, nearest = [], dense_among(store, lexical, vector, max(k, CANDIDATES), mask)
    bm25 = lexical.search(query, max(k, CANDIDATES), mask=mask)

    dense_ids, bm25_ids = [pid for pid, _ in nearest], [pid for pid, _ in bm25]
    fused: dict[str, float] = {}
    for ranking in (dense_ids, bm25_ids):
        for rank, pid in enumerate(ranking):
            fused[pid] = fused.get(pid, 0.0) + 1.0 / (RRF_K + rank + 1)
    # The best of each list first (a name only BM25 knows, a paraphrase only the embedding
    # sees), then the rest by fused rank.
    heads = [pid for pair in zip(dense_ids[:HEADS], bm25_ids[:HEADS]) for pid in pair]
    heads += dense_ids[len(heads) // 2 : HEADS] + bm25_ids[len(heads) // 2 : HEADS]
    order = list(dict.fromkeys([*heads, *sorted(fused, key=lambda pid: -fused[pid])]))

    by_id = {p.id: p for p in dense}
    missing = [pid for pid in order if pid not in by_id]
    by_id.update({p.id: p for p in store.get(missing, vector)})
    ranked = [by_id[pid] for pid in order if pid in by_id]
    if last is not None:
        ranked = sorted(ranked, key=last)
    # "last week" is counted from the newest article: its date is read only then
    since = earliest_report(query, store.newest_date() if needs_newest(query) else None)
    ranked = by_time(ranked, years(query), since)
    passages = select(ranked, k, per_group)

    relevant = bool(nearest) and nearest[0][1] >= min_score
    if not relevant and bm25:
        relevant = lexical.rare_terms_shared(query, bm25[0][0]) >= MIN_RARE_TERMS
    return Retrieved(passages, relevant)


def by_time(ranked: Sequence[Passage], asked: frozenset[str], since: str | None) -> list[Passage]:
    """`ranked` with the passages known to be about another time than the question's last.

    Every year has its final and its quarterly results, and neither the embedding nor
    BM25 weighs "2019" above the other words: the passages known to be about another year
    than an `asked` one (they name years, or their article's date, and not an asked one)
    go last, in their order; just before them go those of articles written before `since`,
    the day or month asked about ("in March 2021", "last week"), which cannot report it,
    unless no passage is from then (the time then picks none of them: "last week" in a
    question copied from an old story). A passage with no year and no date is not known to
    be about another time: it keeps its place (a syndicated copy often has no date)."""
    if since and not any(p.date and p.date >= since for p in ranked):
        since = None
    if not asked and not since:
        return list(ranked)
    return sorted(ranked, key=lambda p: (bool(asked) and _about_other_years(p, asked),
                                         bool(since) and p.date is not None and p.date < since))


def in_thread(passages: Sequence[Passage], cited: Sequence[Passage]) -> list[Passage]:
    """`passages` with those of the stories the last answer cited first, in their order.

    A follow-up is about the story just discussed ("And who made that accusation?"); in an
    archive the words it keeps after condensing often match another story better (another
    accusation, years apart), and the small model answers from the first passages it reads."""
    stories = {p.group or p.doc_id for p in cited}
    return sorted(passages, key=lambda p: (p.group or p.doc_id) not in stories)


# Measured at 100,000 passages (qa bench): a Chroma `where` on outlet and date took 180-230
# ms against 12 ms unfiltered (Chroma filters its metadata in SQLite first). The filter's
# passages are known from the BM25 index's columns, so the dense search is done by hand:
# up to BRUTE_FORCE_MAX passages, their vectors (kept in memory once a filter is used) are
# compared with the question's directly, exact and cheap (10,000 in 4 ms, 20,000 in 7 ms);
# a broader filter takes the nearest passages overall and keeps those it passes (it passes
# at least one in five at 100,000: 300 nearest in 5 ms); past NEAREST_MAX nearest (a broad
# filter on a store of millions), Chroma's search restricted to the filter's ids.
NEAREST_MAX = 3000
BRUTE_FORCE_MAX = 20_000
AMONG_IDS_MAX = 100_000
BLOCK = 512


def dense_among(store: Store, lexical, vector, n: int, mask) -> list[tuple[str, float]]:
    """(passage id, cosine similarity) of the `n` passages nearest to `vector` among those
    `mask` keeps (a filter), best first."""
    import numpy as np

    rows = np.flatnonzero(mask)
    if len(rows) == 0:
        return []
    if len(rows) <= BRUTE_FORCE_MAX:
        # In blocks of BLOCK rows: one product over 10,000 gathered rows took 8 ms (the
        # gathered copy leaves the cache, and a product that large goes to the BLAS's
        # threads, which on 2 busy cores wait for each other: up to 36 ms for 2,048-row
        # blocks); 512-row blocks took 1.4 ms.
        matrix, query = store.vector_matrix(), np.asarray(vector, dtype=np.float32)
        scores = np.empty(len(rows), dtype=np.float32)
        for lo in range(0, len(rows), BLOCK):
            np.dot(np.take(matrix, rows[lo : lo + BLOCK], axis=0), query, out=scores[lo : lo + BLOCK])
        top = np.argpartition(-scores, n)[:n] if len(scores) > n else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(lexical.ids[int(rows[i])], float(scores[i])) for i in top]
    fetch = min(len(mask), max(n, int(3 * n * len(mask) / len(rows)) + 1))
    kept: list[tuple[str, float]] = []
    while fetch <= NEAREST_MAX:
        kept = [(pid, score) for pid, score in store.nearest(vector, fetch) if lexical.keeps(mask, pid)]
        if len(kept) >= n or fetch >= len(mask):
            return kept[:n]
        if fetch == NEAREST_MAX:
            break
        fetch = min(2 * fetch, NEAREST_MAX)  # the nearest are mostly outside the filter: look further
    if len(rows) <= AMONG_IDS_MAX:
        return [(p.id, p.score) for p in store.query(vector, n, ids=[lexical.ids[int(i)] for i in rows])]
    if not kept:  # a broad filter on a store of millions: what the nearest NEAREST_MAX hold
        kept = [(pid, score) for pid, score in store.nearest(vector, NEAREST_MAX) if lexical.keeps(mask, pid)]
    return kept[:n]


def _about_other_years(p: Passage, asked: frozenset[str]) -> bool:
    said = years(p.text) | year_of(p.date)
    return bool(said) and not said & asked


def _copy(a: Passage, a_shingles: set[int], b: Passage, b_shingles: set[int]) -> bool:
    """Whether `a` repeats `b`. Two passages alike but for the year ("X won the 2021 final",
    "Y won the 2022 final") report two events, not one story twice."""
    if containment(a_shingles, b_shingles) < PASSAGE_CONTAINMENT:
        return False
    ya, yb = years(a.text), years(b.text)
    return not (ya and yb and not ya & yb)


def select(ranked: Sequence[Passage], k: int, per_group: int = PER_GROUP) -> list[Passage]:
    """The best `k` passages, one per near-duplicate (the others become its `also_in`),
    at most `per_group` per story while other stories have passages to offer."""
    chosen: list[Passage] = []
    chosen_shingles: list[set[int]] = []
    copies: list[dict[str, Copy]] = []
    deferred: list[tuple[Passage, set[int]]] = []
    per: Counter[str] = Counter()

    def add(p: Passage, sh: set[int]) -> None:
        chosen.append(p)
        chosen_shingles.append(sh)
        copies.append({})
        per[p.group or p.doc_id] += 1

    for p in ranked:
        sh = shingles(p.text)
        twin = next((i for i, t in enumerate(chosen_shingles) if _copy(p, sh, chosen[i], t)), None)
        if twin is not None:
            if p.doc_id != chosen[twin].doc_id:
                copies[twin].setdefault(p.doc_id, Copy(
                    doc_id=p.doc_id, passage_id=p.id, source=p.source, title=p.title, path=p.path, date=p.date,
                    url=p.url, story_outlet=p.story_outlet,
                ))
            continue
        if len(chosen) >= k:
            continue  # keep looking only for copies of the chosen passages
        if per[p.group or p.doc_id] >= per_group:
            deferred.append((p, sh))
            continue
        add(p, sh)
    for p, sh in deferred:  # too few other stories: fill up with the capped one
        if len(chosen) >= k:
            break
        if not any(_copy(p, sh, c, t) for c, t in zip(chosen, chosen_shingles)):
            add(p, sh)
    return [
        p.model_copy(update={"also_in": list(c.values())}) if c else p for p, c in zip(chosen, copies)
    ]
