"""Near-duplicate articles and passages: one story syndicated by several outlets, edited.

Written by hand (a few lines of numpy; a MinHash library would add a dependency for the
same): texts are compared by their sets of three-word shingles.

- At ingest, each article gets a MinHash signature; an article whose shingles are mostly
  contained in an already stored one (estimated containment >= DOC_CONTAINMENT) joins its
  duplicate group, unless the two report different events: they name disjoint years
  ("the 2019 final", "the 2021 final"), or fewer than KEY_CONTAINMENT of the names and
  figures of one are in the other ("Halep beat Williams 6-2, 6-2", "Andreescu beat
  Williams 6-3, 7-5"). News repeats its own wording every year; a copy of one story keeps
  its names, figures and years. Signatures are stored, so this works incrementally.
- At retrieval, a candidate passage whose shingles are mostly contained in a passage
  already selected (exact containment >= PASSAGE_CONTAINMENT) is not returned again: it
  becomes an "also in" of the selected one.

Calibrated on the seeds: the two copies of the Los Angeles Times story share 57% of the
shorter one's shingles, other pairs of articles at most 14%; passages copied between the
two are 50-100% contained, passages of different outlets at most 30%. On the RGB archive
(767 snippets) 23 pairs reach DOC_CONTAINMENT; the names-and-figures share of the copies
of one story is 0.59 (the seeds' pair) to 1.0, of two winners' reports of the same final
0.33-0.44.
"""

from __future__ import annotations

import base64
import re
import zlib

import numpy as np

from qa.dates import years
from qa.text import NOT_NAMES, NUMBER, STOP, TOKEN

SHINGLE_WORDS = 3
DOC_CONTAINMENT = 0.4
KEY_CONTAINMENT = 0.5
PASSAGE_CONTAINMENT = 0.5
N_PERM = 128

_WORD = re.compile(r"[^\W_]+")
_SEEDS = np.random.default_rng(20171103).integers(0, 2**63, size=N_PERM, dtype=np.uint64)


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: one well-mixed 64-bit hash per (seed, shingle)."""
    x = x ^ (x >> np.uint64(30))
    x = x * np.uint64(0xBF58476D1CE4E5B9)
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def shingles(text: str) -> set[int]:
    """Hashes (stable across runs) of the text's overlapping three-word sequences."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < SHINGLE_WORDS:
        return {zlib.crc32(" ".join(words).encode())} if words else set()
    return {zlib.crc32(" ".join(words[i : i + SHINGLE_WORDS]).encode()) for i in range(len(words) - SHINGLE_WORDS + 1)}


def key_terms(text: str) -> set[int]:
    """Hashes of the text's names (capitalised words but stop words) and figures."""
    words = {w.lower() for w in TOKEN.findall(text) if w[0].isupper()} - STOP - NOT_NAMES
    return {zlib.crc32(w.encode()) for w in words | set(NUMBER.findall(text))}


def containment(a: set[int], b: set[int]) -> float:
    """Share of the smaller set found in the other one."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


class Signature:
    """A MinHash signature of a text's shingles, and how many shingles it had; with the
    text's `facts` (names and figures, years) when made from a text (stores written
    before they existed have none: their articles are compared by shingles only)."""

    def __init__(self, mins: np.ndarray, size: int, facts: Facts | None = None) -> None:
        self.mins, self.size, self.facts = mins, size, facts

    @classmethod
    def of(cls, text: str) -> Signature:
        return cls.of_hashes(shingles(text), Facts(cls.of_hashes(key_terms(text)), years(text)))

    @classmethod
    def of_hashes(cls, hashes: set[int], facts: Facts | None = None) -> Signature:
        array = np.fromiter(hashes, dtype=np.uint64)
        if array.size == 0:
            return cls(np.full(N_PERM, 2**32 - 1, dtype=np.uint32), 0, facts)
        mixed = _mix(array[None, :] ^ _SEEDS[:, None]) >> np.uint64(32)  # one hash function per row
        return cls(mixed.min(axis=1).astype(np.uint32), int(array.size), facts)

    def dumps(self) -> str:
        text = f"{self.size}:" + base64.b64encode(self.mins.tobytes()).decode()
        if self.facts:
            text += f";{self.facts.keys.dumps()};{','.join(sorted(self.facts.years))}"
        return text

    @classmethod
    def loads(cls, text: str) -> Signature | None:
        parts = text.split(";")
        try:
            size, data = parts[0].split(":", 1)
            mins = np.frombuffer(base64.b64decode(data), dtype=np.uint32)
        except (ValueError, TypeError):
            return None
        if mins.size != N_PERM:
            return None
        facts = None
        if len(parts) == 3 and (keys := cls.loads(parts[1])) is not None:
            facts = Facts(keys, frozenset(y for y in parts[2].split(",") if y))
        return cls(mins, int(size), facts)

    def containment(self, other: Signature) -> float:
        """Estimated share of the smaller text's shingles found in the other text."""
        if not self.size or not other.size:
            return 0.0
        jaccard = float(np.mean(self.mins == other.mins))
        shared = jaccard * (self.size + other.size) / (1 + jaccard)
        return min(1.0, shared / min(self.size, other.size))


class Facts:
    """What tells two reports of the same kind of event apart: the MinHash of their names
    and figures, and the years they name."""

    def __init__(self, keys: Signature, years: frozenset[str]) -> None:
        self.keys, self.years = keys, years


def same_event(a: Facts | None, b: Facts | None) -> bool:
    """False when the two texts name disjoint years, or share few names and figures;
    True when either is unknown (a store written before facts were kept)."""
    if a is None or b is None:
        return True
    if a.years and b.years and not a.years & b.years:
        return False
    keys_a, keys_b = a.keys, b.keys
    return not (keys_a.size and keys_b.size) or keys_a.containment(keys_b) >= KEY_CONTAINMENT


def _containments(signature: Signature, mins: np.ndarray, sizes: np.ndarray) -> np.ndarray:
    """`Signature.containment` against many signatures at once (rows of `mins`)."""
    jaccard = np.mean(mins == signature.mins, axis=1)
    shared = jaccard * (signature.size + sizes) / (1 + jaccard)
    smaller = np.minimum(signature.size, sizes)
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where((smaller > 0) & (signature.size > 0), shared / np.maximum(smaller, 1), 0.0)
    return np.minimum(score, 1.0)


def duplicate_of(signature: Signature, stored: dict[str, Signature]) -> str | None:
    """The stored document this one is a near-duplicate of (the closest), if any."""
    index = SignatureIndex()
    for doc_id, other in stored.items():
        index.add(doc_id, other)
    return index.duplicate_of(signature)


class SignatureIndex:
    """The signatures of a store's documents, compared with a new one in one numpy step
    (one by one, ingesting 10,000 files took minutes: every file against every other)."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._facts: list[Facts | None] = []  # beside the rows: what tells events apart
        self._row: dict[str, int] = {}
        self._mins = np.zeros((64, N_PERM), dtype=np.uint32)
        self._sizes = np.zeros(64, dtype=np.float64)

    def add(self, doc_id: str, signature: Signature) -> None:
        """Add (or replace) the signature of `doc_id`."""
        row = self._row.get(doc_id)
        if row is None:
            row = len(self._ids)
            if row == len(self._sizes):  # grow by doubling
                self._mins = np.concatenate([self._mins, np.zeros_like(self._mins)])
                self._sizes = np.concatenate([self._sizes, np.zeros_like(self._sizes)])
            self._ids.append(doc_id)
            self._facts.append(signature.facts)
            self._row[doc_id] = row
        self._facts[row] = signature.facts
        self._mins[row], self._sizes[row] = signature.mins, signature.size

    def duplicate_of(self, signature: Signature, *, exclude: str | None = None) -> str | None:
        """The document `signature` is a near-duplicate of (the closest about the same
        event, first on a tie)."""
        n = len(self._ids)
        if not n:
            return None
        scores = _containments(signature, self._mins[:n], self._sizes[:n])
        if exclude in self._row:
            scores[self._row[exclude]] = -1.0
        candidates = np.flatnonzero(scores >= DOC_CONTAINMENT)
        for row in sorted(candidates.tolist(), key=lambda r: (-scores[r], r)):
            if same_event(signature.facts, self._facts[row]):
                return self._ids[row]
        return None
