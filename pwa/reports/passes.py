"""Shared aggregate passes: several report tables read the same GROUP BY.

A "pass" is one aggregate query whose small grouped result (a few hundred or thousand rows,
never one per client) serves several tables: GROUP BY gender, age_band, disability gives the
gender, age and disability tables at once. Inside `shared_passes()` (the report pack and the
dashboard) each pass runs once and later tables reuse its rows; outside it (one table page)
every call runs its query fresh, so a page never shows stale numbers.
"""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar, copy_context
from typing import TypeVar

from sqlmodel import Session

T = TypeVar("T")
_cache: ContextVar[dict | None] = ContextVar("report_passes", default=None)
# Passes run at once by prefetch(): two keeps a small server's second core busy without
# crowding out the requests of other users.
PREFETCH_WORKERS = 2


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


def prefetch(session: Session, report_filter, passes: list[Callable]) -> None:
    """Run independent passes at the same time, each on its own database connection, and keep
    their results for the tables that follow (inside shared_passes() only).

    The database does the work while the threads wait (both drivers release the GIL), so on a
    server with two or more cores a report pack takes about as long as its slowest passes rather
    than all of them one after another. List the slowest passes first.
    """
    if _cache.get() is None or len(passes) < 2:
        return
    engine = session.get_bind()
    # Each thread runs in a copy of this context, which shares the same cache dict.
    contexts = [copy_context() for _ in passes]

    def run(context, compute_pass) -> None:
        def work() -> None:
            with Session(engine) as own_session:
                compute_pass(own_session, report_filter)

        context.run(work)

    with ThreadPoolExecutor(max_workers=PREFETCH_WORKERS) as pool:
        for future in [pool.submit(run, context, compute) for context, compute in zip(contexts, passes, strict=True)]:
            future.result()  # re-raise a failed pass here, not later
