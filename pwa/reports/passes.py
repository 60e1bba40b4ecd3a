"""Shared aggregate passes: several report tables read the same GROUP BY.

A "pass" is one aggregate query whose small grouped result (a few hundred or thousand rows,
never one per client) serves several tables: GROUP BY gender, age_band, disability gives the
gender, age and disability tables at once. Inside `shared_passes()` (the report pack and the
dashboard) each pass runs once and later tables reuse its rows; outside it (one table page)
every call runs its query fresh, so a page never shows stale numbers.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")
_cache: ContextVar[dict | None] = ContextVar("report_passes", default=None)


@contextmanager
def shared_passes() -> Iterator[None]:
    """Run each aggregate pass once while building several tables for one filter."""
    token = _cache.set({})
    try:
        yield
    finally:
        _cache.reset(token)


def once(key: tuple, compute: Callable[[], T]) -> T:
    """compute(), or its earlier result for the same key inside shared_passes().
    The key must hold everything the query depends on (the pass name and the filter)."""
    cache = _cache.get()
    if cache is None:
        return compute()
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def fold(rows: Iterable[tuple], position: int) -> Counter:
    """Counts per value of one grouped column: rows are (value, value, ..., count)."""
    counts: Counter = Counter()
    for row in rows:
        counts[row[position]] += row[-1]
    return counts
