#!/usr/bin/env python
"""Reports benchmark (issue 8): the whole report pack and the dashboard on a national-scale service.

    .venv/bin/python bench/reports_bench.py [--scale 1] [--repeat 5] [--database-url POSTGRES_SERVER] [--verbose]

What it does:

1. Builds (or finds ready) the national-scale database of bench/national.py: 240,000 clients,
   600,000 goals, 1,500,000 sessions, 5,000,000 diary entries, 150,000 signposts and 20,000
   events at --scale 1. SQLite always (a file under /tmp/bench-national/, kept between runs);
   PostgreSQL as well when --database-url names a server (its own database ht_bench_national
   there, kept between runs; no other database is touched).
2. For last financial year (April to March) and for all time, with the England comparator:
   a. the pack: pwa.reports.pack.build_pack (every table, the key figures and data completeness)
      through the app code on a fresh session, --warmup untimed runs then --repeat timed runs;
   b. the bare SQL: every statement and its parameters the pack sent (recorded with a
      before_cursor_execute listener on the engine), replayed on a raw DBAPI connection with no
      ORM (each result fetched), timed the same way;
   c. the dashboard: GET /reports?period=last_year (or period=all) for the logged-in manager,
      through Flask's test client (in process, no network).
3. Prints a Markdown table (median pack ms, bare SQL ms, their ratio, dashboard ms, statements)
   with PASS or FAIL against the targets of issue 8: the pack under 2000 ms (--target-ms), and
   at most 2x the bare SQL (--max-ratio). With --verbose, also each table's time and statements
   and the slowest statements with their query plans (EXPLAIN QUERY PLAN on SQLite, EXPLAIN
   ANALYZE on PostgreSQL). Writes the table to bench/RESULTS.md under "## Reports at national
   scale (issue 8)", one subsection per database kind.

A statement running longer than --statement-timeout seconds (60) is stopped, so a query that
grows with the square of the clients cannot hang the run: the pack then counts as failed and
the part of it that was stopped is named.

Exit status: 0 when every target is met, 1 when one is missed, 2 when a request fails.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import event  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.exc import DBAPIError  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import harness, national  # noqa: E402
from pwa import create_app  # noqa: E402
from pwa.clock import london_today  # noqa: E402
from pwa.reports.comparators import load_comparison  # noqa: E402
from pwa.reports.completeness import completeness  # noqa: E402
from pwa.reports.filters import ReportFilter, period_dates  # noqa: E402
from pwa.reports.key_figures import key_figures  # noqa: E402
from pwa.reports.pack import build_pack  # noqa: E402
from pwa.reports.tables import TABLES, build_table  # noqa: E402

SECTION_HEADING = "## Reports at national scale (issue 8)"
PERIODS = {"last_year": "Last financial year", "all": "All time"}
# The targets are for the pack commissioners ask for: one financial year. All time (three years
# of a national-scale service) is printed for information.
TARGET_PERIODS = {"last_year"}


class Recorder:
    """Records (statement, parameters) sent through the engine while `active`, and times each one."""

    def __init__(self, engine: Engine):
        self.active = False
        self.statements: list[tuple[str, object]] = []
        self.times: list[float] = []
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def start(self) -> None:
        self.statements, self.times, self.active = [], [], True

    def stop(self) -> None:
        self.active = False

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            if executemany:
                raise harness.BenchFailure("the pack wrote to the database (executemany)")
            self.statements.append((statement, parameters))
            conn.info["reports_bench_started"] = time.perf_counter()

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.times.append(time.perf_counter() - conn.info.pop("reports_bench_started"))


class TimeLimit:
    """Stops any statement that runs longer than `seconds`: SQLite by a progress handler, PostgreSQL
    by statement_timeout. Raw DBAPI use calls arm() and disarm() around each statement."""

    def __init__(self, engine: Engine, seconds: float):
        self.seconds = seconds
        self.deadline: float | None = None
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", self._sqlite_connect)
            event.listen(engine, "before_cursor_execute", lambda *args: self.arm())
            event.listen(engine, "after_cursor_execute", lambda *args: self.disarm())
        else:
            event.listen(engine, "connect", self._postgres_connect)

    def arm(self) -> None:
        self.deadline = time.perf_counter() + self.seconds

    def disarm(self) -> None:
        self.deadline = None

    def _over(self) -> int:
        return 1 if self.deadline is not None and time.perf_counter() > self.deadline else 0

    def _sqlite_connect(self, dbapi_connection, _record) -> None:
        dbapi_connection.set_progress_handler(self._over, 100_000)

    def _postgres_connect(self, dbapi_connection, _record) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(f"SET statement_timeout = {int(self.seconds * 1000)}")
        dbapi_connection.commit()


def is_timeout(error: Exception) -> bool:
    """Whether a database error is a statement stopped by TimeLimit."""
    words = str(error).lower()
    return "interrupted" in words or "statement timeout" in words or "canceling statement" in words


@dataclass
class Result:
    period: str
    pack_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    dashboard_ms: list[float] = field(default_factory=list)
    dashboard_error: str = ""
    pack_error: str = ""
    statements: int = 0

    def pack(self) -> float:
        return statistics.median(self.pack_ms) if self.pack_ms else float("inf")

    def sql(self) -> float:
        return statistics.median(self.sql_ms) if self.sql_ms else float("inf")

    def ratio(self) -> float:
        if not (self.pack_ms and self.sql_ms):
            return float("nan")
        return self.pack() / self.sql() if self.sql() else float("inf")


def timed(run: Callable[[], object], warmup: int, repeat: int) -> list[float]:
    """Milliseconds of `repeat` runs after `warmup` untimed ones."""
    for _ in range(warmup):
        run()
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report_filter(period: str) -> ReportFilter:
    date_from, date_to = period_dates(period, london_today())
    return ReportFilter(
        service_id=national.SERVICE_ID, date_from=date_from, date_to=date_to, comparator="england", period=period
    )


def run_pack(app, engine: Engine, chosen: ReportFilter):
    with app.app_context(), Session(engine) as session:
        return build_pack(session, chosen)


def replay(engine: Engine, statements: list[tuple[str, object]], limit: TimeLimit) -> Callable[[], None]:
    """A function that sends the statements on one raw DBAPI connection, fetching every row."""

    def run() -> None:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                limit.arm()
                cursor.execute(statement, parameters)
                cursor.fetchall()
                limit.disarm()
            cursor.close()
        finally:
            limit.disarm()
            raw.rollback()
            raw.close()

    return run


def measure(app, engine: Engine, recorder: Recorder, limit: TimeLimit, browser, period: str, args) -> Result:
    result = Result(period)
    chosen = report_filter(period)
    print(f"Timing the pack, {PERIODS[period].lower()}...", flush=True)
    try:
        recorder.start()
        run_pack(app, engine, chosen)  # the first warm-up run, recording its statements
        recorder.stop()
        statements = list(recorder.statements)
        result.statements = len(statements)
        result.pack_ms = timed(lambda: run_pack(app, engine, chosen), args.warmup - 1, args.repeat)
        result.sql_ms = timed(replay(engine, statements, limit), args.warmup, args.repeat)
    except DBAPIError as error:
        if not is_timeout(error):
            raise
        recorder.stop()
        result.pack_ms, result.sql_ms = [], []
        result.pack_error = f"a statement ran over {args.statement_timeout:g} s"
        print(f"  {result.pack_error}: {' '.join(str(error.statement).split())[:200]}...")

    url = f"/reports?period={period}"
    response = browser.get(url)
    if response.status_code != 200:
        result.dashboard_error = f"GET {url}: status {response.status_code}"
    else:
        result.dashboard_ms = timed(lambda: browser.get(url), args.warmup - 1, args.repeat)
    return result


# --- Where the time goes (--verbose) --------------------------------------------------------------


def profile(app, engine: Engine, recorder: Recorder, period: str, explain: int) -> None:
    """Print each part of the pack's time and statements, then the slowest statements' plans."""
    chosen = report_filter(period)
    parts: list[tuple[str, float, int, float]] = []
    slowest: list[tuple[float, str, str, object]] = []
    with app.app_context(), Session(engine) as session:

        def part(name: str, run: Callable[[], object]) -> None:
            recorder.start()
            started = time.perf_counter()
            try:
                run()
            except DBAPIError as error:
                if not is_timeout(error):
                    raise
                session.rollback()
                name += " (STOPPED: over the time limit)"
                recorder.times.append(time.perf_counter() - started)
            elapsed = (time.perf_counter() - started) * 1000
            recorder.stop()
            parts.append((name, elapsed, len(recorder.statements), sum(recorder.times) * 1000))
            for (statement, parameters), seconds in zip(recorder.statements, recorder.times, strict=False):
                slowest.append((seconds * 1000, name, statement, parameters))

        comparison = load_comparison(session, chosen.comparator, chosen.service_id)
        for name in TABLES:
            part(f"table {name}", lambda name=name: build_table(session, name, chosen, comparison))
        part("key figures", lambda: key_figures(session, chosen))
        part("completeness", lambda: completeness(session, chosen))

    print(f"\n{PERIODS[period]}: where the pack's time goes (one run)")
    print(f"  {'part':56} {'ms':>8} {'SQL ms':>8} {'stmts':>6}")
    for name, elapsed, count, sql_ms in sorted(parts, key=lambda p: -p[1]):
        print(f"  {name:56} {elapsed:8.1f} {sql_ms:8.1f} {count:6d}")
    total_ms, total_sql, total_count = (sum(p[i] for p in parts) for i in (1, 3, 2))
    print(f"  {'total':56} {total_ms:8.1f} {total_sql:8.1f} {total_count:6d}")

    slowest.sort(key=lambda s: -s[0])
    for ms, name, statement, parameters in slowest[:explain]:
        print(f"\n--- {ms:.1f} ms, {name}:\n{statement}\nparameters: {parameters!r}")
        for line in plan(engine, statement, parameters, analyze="STOPPED" not in name):
            print(f"    {line}")


def plan(engine: Engine, statement: str, parameters, *, analyze: bool = True) -> list[str]:
    """The query plan: EXPLAIN QUERY PLAN on SQLite; EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL unless
    the statement was stopped (then plain EXPLAIN)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            depths: dict[int, int] = {}
            lines = []
            for node, parent, _, detail in cursor.fetchall():
                depths[node] = depths.get(parent, -1) + 1
                lines.append("   " * depths[node] + detail)
            return lines
        cursor.execute(("EXPLAIN (ANALYZE, BUFFERS) " if analyze else "EXPLAIN ") + statement, parameters)
        return [row[0] for row in cursor.fetchall()]
    finally:
        raw.rollback()
        raw.close()


# --- Running --------------------------------------------------------------------------------------


def bench_database(url: str, args) -> tuple[int, list[str]]:
    """Build or find the database, measure both periods; returns (exit status, summary lines)."""
    built = national.ensure(url, args.scale, args.seed)
    with tempfile.TemporaryDirectory(prefix="reports-bench-") as tmp:
        app = create_app(
            {
                "SECRET_KEY": harness.SECRET_KEY,
                "DATABASE_URL": url,
                "INSTANCE_PATH": tmp,
                "TESTING": False,
                "DEBUG": False,
            }
        )
        engine = app.extensions["db_engine"]
        limit = TimeLimit(engine, args.statement_timeout)  # before the first connection
        try:
            db_kind = harness.database_kind(engine)
            if engine.dialect.name == "postgresql":
                db_kind += ", ANALYZE after loading"
            print(f"\n{db_kind}: " + ", ".join(f"{n:,} {t}" for t, n in built.counts.items() if n >= 1000))
            recorder = Recorder(engine)
            browser = harness.logged_in(app, built.manager)
            load_at_start = harness.load_average()
            results = [measure(app, engine, recorder, limit, browser, period, args) for period in PERIODS]
            for result in results:
                if args.verbose or result.pack_error:
                    profile(app, engine, recorder, result.period, args.explain)
            return report(results, db_kind, built, load_at_start, args)
        finally:
            engine.dispose()


def verdicts(result: Result, args) -> tuple[bool | None, bool | None]:
    """(under the time target, within the ratio of the bare SQL); None where there is no target."""
    if result.period not in TARGET_PERIODS:
        return None, None
    if not result.pack_ms:
        return False, False
    return result.pack() < args.target_ms, result.pack() <= args.max_ratio * result.sql()


def verdict_text(verdict: bool | None) -> str:
    return "for information" if verdict is None else ("PASS" if verdict else "**FAIL**")


def report(results: list[Result], db_kind: str, built: national.Built, load_at_start, args) -> tuple[int, list[str]]:
    headings = [
        "Period",
        "Pack ms (median)",
        "Bare SQL ms (median)",
        "Pack ÷ SQL",
        "Dashboard ms (median)",
        "SQL statements",
        f"Pack < {args.target_ms:g} ms",
        f"Pack ≤ {args.max_ratio:g}× SQL",
    ]
    lines = ["| " + " | ".join(headings) + " |", "|---|" + "---:|" * 5 + "---|---|"]
    failed = []
    for result in results:
        fast, close = verdicts(result, args)
        if result.dashboard_ms:
            dashboard = f"{statistics.median(result.dashboard_ms):.0f}"
        else:
            dashboard = f"failed ({result.dashboard_error})"
        cells = [
            PERIODS[result.period],
            f"{result.pack():.0f}" if result.pack_ms else f"failed ({result.pack_error})",
            f"{result.sql():.0f}" if result.sql_ms else "",
            f"{result.ratio():.2f}" if result.pack_ms else "",
            dashboard,
            str(result.statements) if result.pack_ms else "",
            verdict_text(fast),
            verdict_text(close),
        ]
        lines.append("| " + " | ".join(cells) + " |")
        kind = db_kind.split()[0]
        if result.pack_error:
            failed.append(f"{kind}, {PERIODS[result.period]}: pack failed, {result.pack_error}")
        elif fast is False:
            failed.append(f"{kind}, {PERIODS[result.period]}: pack {result.pack():.0f} ms (target {args.target_ms:g})")
        if result.pack_ms and close is False:
            failed.append(f"{kind}, {PERIODS[result.period]}: pack is {result.ratio():.2f}× the bare SQL")
        if result.dashboard_error:
            failed.append(f"{kind}, {PERIODS[result.period]}: dashboard {result.dashboard_error}")
    table = "\n".join(lines)
    counts = built.counts
    data = (
        f"one service: {counts['clients']:,} clients registered over 3 years, {counts['episodes']:,} episodes, "
        f"{counts['goals']:,} goals, {counts['support_sessions']:,} sessions, {counts['diary_entries']:,} diary "
        f"entries, {counts['measures']:,} measures, {counts['signposts']:,} signposts, {counts['events']:,} events "
        f"(bench/national.py, scale {args.scale:g}, seed {args.seed}); {args.warmup} warm-up and {args.repeat} "
        "timed runs of each"
    )
    details = harness.details(
        db_kind,
        load_at_start,
        data,
        "- Pack: pwa.reports.pack.build_pack on a new session (every table, key figures, completeness), England "
        "comparator; it runs its independent aggregate passes on two connections at once. Bare SQL: the same "
        "statements and parameters one after another on a raw DBAPI connection, rows fetched (so the pack can be "
        "quicker than its bare SQL). Dashboard: GET /reports?period=... as the manager. Targets apply to the last "
        "financial year; all time is for information.",
    )
    details = [line for line in details if line != harness.TIMING_NOTE] + [
        "- Time is measured in process (Flask's test client for the dashboard, no network)."
    ]
    harness.print_report(details, table)
    if not args.no_results:
        harness.write_results(args.results, SECTION_HEADING, "reports_bench.py", db_kind, details, table)
    return (1 if failed else 0), failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    harness.add_run_arguments(parser, repeat=5, warmup=1)
    harness.add_database_argument(
        parser,
        help="PostgreSQL server to use as well as SQLite: the bench makes and keeps its own database "
        f"{national.PG_DATABASE} there (default: SQLite only)",
    )
    harness.add_report_arguments(parser, target_ms=2000.0, seed=8, seed_help="random seed of the data", profile=False)
    parser.add_argument("--max-ratio", type=float, default=2.0, help="most the pack may take over the bare SQL (2)")
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national size (1; 0.01 for a quick run)")
    parser.add_argument("--no-sqlite", action="store_true", help="only PostgreSQL")
    parser.add_argument("--verbose", action="store_true", help="also print each table's time and the slowest plans")
    parser.add_argument("--explain", type=int, default=5, help="with --verbose, plans of this many slowest statements")
    parser.add_argument(
        "--statement-timeout", type=float, default=60.0, help="stop any statement running longer, in seconds (60)"
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 1 or not 0 < args.scale <= 1:
        parser.error("--repeat and --warmup must be 1 or more, and --scale more than 0 and at most 1")
    if args.scale != 1 and args.results == harness.RESULTS_FILE:
        args.no_results = True  # the results file holds full-scale figures only
    urls = [] if args.no_sqlite else [national.sqlite_url(args.scale)]
    if args.database_url:
        if not harness.is_postgres(args.database_url):
            parser.error("--database-url must name a PostgreSQL server")
        urls.append(national.postgres_url(args.database_url, args.scale))
    status, failed = 0, []
    for url in urls:
        code, missed = bench_database(url, args)
        status, failed = max(status, code), failed + missed
    if failed:
        print("\nMissed targets:")
        for line in failed:
            print(f"  {line}")
    else:
        print("\nEvery target is met.")
    return status


if __name__ == "__main__":
    harness.run(main)
