"""Summaries of repeated measurements: the median and the spread, never one lucky run."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence

from evals.scoring import percentile


def summary(values: Sequence[float], digits: int = 3) -> dict:
    """Median, min, max, p95 and count of `values` (empty: only the count)."""
    if not values:
        return {"n": 0}
    ordered = sorted(values)
    p95 = percentile(ordered, 95)
    return {
        "median": round(statistics.median(ordered), digits),
        "min": round(ordered[0], digits),
        "max": round(ordered[-1], digits),
        "p95": round(p95, digits),
        "n": len(ordered),
    }


def ratio(ours: float | None, base: float | None, digits: int = 2) -> float | None:
    if not ours or not base:
        return None
    return round(ours / base, digits)


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result
