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


@dataclass
class Result:
    period: str
    pack_ms: list[float] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    dashboard_ms: list[float] = field(default_factory=list)
    dashboard_error: str = ""
    statements: int = 0

    def pack(self) -> float:
        return statistics.median(self.pack_ms)

    def sql(self) -> float:
        return statistics.median(self.sql_ms)

    def ratio(self) -> float:
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


def replay(engine: Engine, statements: list[tuple[str, object]]) -> Callable[[], None]:
    """A function that sends the statements on one raw DBAPI connection, fetching every row."""

    def run() -> None:
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            cursor.close()
            raw.rollback()
        finally:
            raw.close()

    return run


def measure(app, engine: Engine, recorder: Recorder, browser, period: str, args) -> Result:
    result = Result(period)
    chosen = report_filter(period)
    result.pack_ms = timed(lambda: run_pack(app, engine, chosen), args.warmup, args.repeat)
    recorder.start()
    run_pack(app, engine, chosen)
    recorder.stop()
    result.statements = len(recorder.statements)
    result.sql_ms = timed(replay(engine, recorder.statements), args.warmup, args.repeat)

    url = f"/reports?period={period}"
    response = browser.get(url)
    if response.status_code != 200:
        result.dashboard_error = f"GET {url}: status {response.status_code}"
    else:
        result.dashboard_ms = timed(lambda: browser.get(url), max(args.warmup - 1, 0), args.repeat)
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
            run()
            elapsed = (time.perf_counter() - started) * 1000
            recorder.stop()
            parts.append((name, elapsed, len(recorder.statements), sum(recorder.times) * 1000))
            for (statement, parameters), seconds in zip(recorder.statements, recorder.times, strict=True):
                slowest.append((seconds * 1000, name, statement, parameters))

        comparison = load_comparison(session, chosen.comparator, chosen.service_id)
        for name in TABLES:
            part(f"table {name}", lambda name=name: build_table(session, name, chosen, comparison))
        part("key figures", lambda: key_figures(session, chosen))
        part("completeness", lambda: completeness(session, chosen))

    print(f"\n{PERIODS[period]}: where the pack's time goes (one run)")
    print(f"  {'part':40} {'ms':>8} {'SQL ms':>8} {'stmts':>6}")
    for name, elapsed, count, sql_ms in sorted(parts, key=lambda p: -p[1]):
        print(f"  {name:40} {elapsed:8.1f} {sql_ms:8.1f} {count:6d}")
    total_ms, total_sql, total_count = (sum(p[i] for p in parts) for i in (1, 3, 2))
    print(f"  {'total':40} {total_ms:8.1f} {total_sql:8.1f} {total_count:6d}")

    slowest.sort(key=lambda s: -s[0])
    for ms, name, statement, parameters in slowest[:explain]:
        print(f"\n--- {ms:.1f} ms, {name}:\n{statement}\nparameters: {parameters!r}")
        for line in plan(engine, statement, parameters):
            print(f"    {line}")


def plan(engine: Engine, statement: str, parameters) -> list[str]:
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
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
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
        try:
            db_kind = harness.database_kind(engine)
            if engine.dialect.name == "postgresql":
                db_kind += ", ANALYZE after loading"
            print(f"\n{db_kind}: " + ", ".join(f"{n:,} {t}" for t, n in built.counts.items() if n >= 1000))
            recorder = Recorder(engine)
            browser = harness.logged_in(app, built.manager)
            load_at_start = harness.load_average()
            results = [measure(app, engine, recorder, browser, period, args) for period in PERIODS]
            if args.verbose:
                for period in PERIODS:
                    profile(app, engine, recorder, period, args.explain)
            return report(results, db_kind, built, load_at_start, args)
        finally:
            engine.dispose()


def verdicts(result: Result, args) -> tuple[bool, bool]:
    return result.pack() < args.target_ms, result.pack() <= args.max_ratio * result.sql()


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
            f"{result.pack():.0f}",
            f"{result.sql():.0f}",
            f"{result.ratio():.2f}",
            dashboard,
            str(result.statements),
            "PASS" if fast else "**FAIL**",
            "PASS" if close else "**FAIL**",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        kind = db_kind.split()[0]
        if not fast:
            failed.append(f"{kind}, {PERIODS[result.period]}: pack {result.pack():.0f} ms (target {args.target_ms:g})")
        if not close:
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
        "comparator. Bare SQL: the same statements and parameters on a raw DBAPI connection, rows fetched. "
        "Dashboard: GET /reports?period=... as the manager.",
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
    args = parser.parse_args(argv)
    if args.repeat < 1 or not 0 < args.scale <= 1:
        parser.error("--repeat must be 1 or more and --scale more than 0 and at most 1")
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
