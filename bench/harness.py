"""The benchmarks' shared harness: throwaway databases, logging in, timing requests and reporting.

Used by bench/diary_bench.py, bench/digest_bench.py, bench/worklist_bench.py and
bench/directory_bench.py, which keep their own data and the requests they measure. Import it as
`bench.harness` with the project root on sys.path (each script puts it there first).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple, NoReturn
from urllib.parse import urlsplit, urlunsplit

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Person
from pwa import accounts, create_app
from pwa.cli import upgrade_database
from pwa.clock import LONDON
from pwa.db import normalise_database_url

RESULTS_FILE = Path(__file__).resolve().parent / "RESULTS.md"
PASSWORD = "bench-orange-teapot-42"
SECRET_KEY = "bench-secret-key-not-for-real-use"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DATABASE_HELP = (
    "PostgreSQL server to make a throwaway bench_<random> database on, or an empty database "
    "(default: a new SQLite file in a temporary folder)"
)
TIMING_NOTE = (
    "- Time is measured around Flask's test client call (in process, no network); "
    "SQL ms is time spent in the database driver."
)


class BenchFailure(RuntimeError):
    """A request did not answer as expected: the figures would mean nothing."""


# --- Command line --------------------------------------------------------------------------------


def add_run_arguments(parser: argparse.ArgumentParser, *, repeat: int, warmup: int) -> None:
    """Add --repeat and --warmup: timed and untimed runs per request."""
    parser.add_argument("--repeat", type=int, default=repeat, help=f"timed runs per request ({repeat})")
    parser.add_argument("--warmup", type=int, default=warmup, help=f"untimed runs per request first ({warmup})")


def add_database_argument(parser: argparse.ArgumentParser, help: str = DATABASE_HELP) -> None:
    """Add --database-url: a PostgreSQL server for a throwaway database, or an empty database."""
    parser.add_argument("--database-url", default=None, help=help)


def add_report_arguments(
    parser: argparse.ArgumentParser, *, target_ms: float, seed: int, seed_help: str, profile: bool
) -> None:
    """Add --target-ms, --seed, --results, --no-results and (when `profile`) --profile."""
    parser.add_argument("--target-ms", type=float, default=target_ms, help=f"target for each median ({target_ms:g})")
    parser.add_argument("--seed", type=int, default=seed, help=f"{seed_help} ({seed})")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    if profile:
        parser.add_argument("--profile", action="store_true", help="also print the slowest SQL statements")


def run(main: Callable[[], int]) -> NoReturn:
    """Exit with main()'s status, or with 2 and a message when a request failed."""
    try:
        sys.exit(main())
    except BenchFailure as failure:
        print(f"\nBENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(2)


# --- The database --------------------------------------------------------------------------------


def is_postgres(url: str) -> bool:
    """Whether the URL names a PostgreSQL database."""
    return normalise_database_url(url).startswith("postgresql")


def _libpq_dsn(url: str) -> str:
    """The URL as psycopg's own connect() takes it."""
    return normalise_database_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    """The same server's URL for the database `name`."""
    parts = urlsplit(normalise_database_url(url))
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def bench_database(given: str | None, tmpdir: Path) -> Iterator[str]:
    """The database URL to use: a SQLite file, a throwaway PostgreSQL database, or the given URL."""
    if not given:
        yield f"sqlite:///{tmpdir / 'bench.sqlite3'}"
        return
    if not is_postgres(given):
        yield given
        return
    import psycopg

    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_libpq_dsn(given), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    print(f"Created PostgreSQL database {name}.")
    try:
        yield _with_database(given, name)
    finally:
        with psycopg.connect(_libpq_dsn(given), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        print(f"Dropped PostgreSQL database {name}.")


class Setup(NamedTuple):
    """A bench app, its engine, and when making its database started (perf_counter seconds)."""

    app: Flask
    engine: Engine
    started: float


@contextmanager
def bench_app(given: str | None, prefix: str) -> Iterator[Setup]:
    """A Flask app on a fresh, migrated bench database in a temporary folder; its engine is disposed of after."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp, bench_database(given, Path(tmp)) as url:
        started = time.perf_counter()
        upgrade_database(url)
        app = create_app(
            {"SECRET_KEY": SECRET_KEY, "DATABASE_URL": url, "INSTANCE_PATH": tmp, "TESTING": False, "DEBUG": False}
        )
        engine = app.extensions["db_engine"]
        try:
            yield Setup(app, engine, started)
        finally:
            engine.dispose()


def database_kind(engine: Engine) -> str:
    """The database's name and version, e.g. "SQLite 3.40.1 (file, WAL)" or "PostgreSQL 15.18"."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = conn.execute(text("select sqlite_version()")).scalar()
            return f"SQLite {version} (file, WAL)"
        if engine.dialect.name == "postgresql":
            version = conn.execute(text("show server_version")).scalar()
            return f"PostgreSQL {version.split()[0]}"
        return engine.dialect.name


def loaded_database_kind(engine: Engine, *, analyze: bool = True) -> str:
    """The database kind after a bulk load; on PostgreSQL runs ANALYZE, as autovacuum soon would, unless told not to."""
    kind = database_kind(engine)
    if engine.dialect.name != "postgresql":
        return kind
    if not analyze:
        return kind + ", no ANALYZE after loading (stale statistics)"
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return kind + ", ANALYZE after loading"


def print_ready(db_kind: str, holding: str, started: float) -> None:
    """Say what the loaded database holds and how long making it took."""
    print(f"{db_kind}: {holding}, ready in {time.perf_counter() - started:.1f} s.")


def add_person(session: Session, username: str, password_hash: str | None) -> Person:
    """Add (and flush) a person with a login named `username`."""
    person = Person(
        username=username,
        email=f"{username}@example.org",
        display_name=username.replace("-", " ").title(),
        password_hash=password_hash,
        session_token=accounts.new_session_token(),
    )
    session.add(person)
    session.flush()
    return person


# --- Logging in ----------------------------------------------------------------------------------


def expect_200(case_name: str, response) -> None:
    """Raise BenchFailure unless the response's status is 200."""
    if response.status_code != 200:
        body = response.get_data(as_text=True)[:600]
        location = response.headers.get("Location", "")
        raise BenchFailure(
            f"{case_name}: expected status 200, got {response.status_code}"
            + (f" (redirect to {location})" if location else "")
            + f"\n{body}"
        )


def log_in(test_client: FlaskClient, username: str) -> None:
    """Log the test client in as `username` through the login form (with the bench password)."""
    page = test_client.get("/login")
    expect_200("GET /login", page)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    if not match:
        raise BenchFailure("GET /login: no CSRF token on the page")
    response = test_client.post("/login", data={"csrf_token": match.group(1), "login": username, "password": PASSWORD})
    if response.status_code != 302:
        raise BenchFailure(f"POST /login as {username}: expected a redirect, got {response.status_code}")


def logged_in(app: Flask, username: str) -> FlaskClient:
    """A new test client of the app, logged in as `username`."""
    test_client = app.test_client()
    log_in(test_client, username)
    return test_client


def api_csrf_token(test_client: FlaskClient) -> str:
    """The CSRF token the API wants in X-CSRFToken, for a logged-in test client."""
    response = test_client.get("/api/v1/session")
    expect_200("GET /api/v1/session", response)
    body = response.get_json()
    if not body.get("logged_in"):
        raise BenchFailure("GET /api/v1/session: not logged in")
    return body["csrf_token"]


# --- Measuring -----------------------------------------------------------------------------------


class SqlMeter:
    """Counts and times SQL statements sent through the app's engine while `active`."""

    def __init__(self, engine: Engine):
        """Listen to the engine's statements (counting nothing until `active`)."""
        self.active = False
        self.count = 0
        self.seconds = 0.0
        self.statements: dict[str, list[float]] = defaultdict(list)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        """Zero the count and time, for the next request."""
        self.count, self.seconds = 0, 0.0

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        """Count a statement and note when it started."""
        if self.active:
            self.count += 1
            conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        """Add the statement's time to the total and to its own list."""
        started = conn.info.get("bench_started")
        if self.active and started:
            elapsed = time.perf_counter() - started.pop()
            self.seconds += elapsed
            self.statements[" ".join(statement.split())].append(elapsed)


@dataclass
class Case:
    """One measured request and its figures; an unjudged case is shown but has no target."""

    name: str
    send: Callable[[], object]  # makes one request, returns the response
    check: Callable[[object], None] | None = None
    measure_size: bool = False
    judged: bool = True
    times_ms: list[float] = field(default_factory=list)
    sql_counts: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    size_kb: float | None = None
    statements: dict[str, list[float]] = field(default_factory=dict)


def run_case(case: Case, meter: SqlMeter, *, warmup: int, repeat: int) -> None:
    """Send the case's request `warmup` times untimed, then `repeat` times timed, recording its figures."""
    for _ in range(warmup):
        response = case.send()
        expect_200(case.name, response)
        if case.check:
            case.check(response)
    meter.statements = defaultdict(list)
    for _ in range(repeat):
        meter.reset()
        meter.active = True
        started = time.perf_counter()
        response = case.send()
        elapsed = time.perf_counter() - started
        meter.active = False
        expect_200(case.name, response)
        if case.check:
            case.check(response)
        case.times_ms.append(elapsed * 1000)
        case.sql_counts.append(meter.count)
        case.sql_ms.append(meter.seconds * 1000)
        if case.measure_size:
            case.size_kb = len(response.get_data()) / 1024
    case.statements = dict(meter.statements)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(share * len(ordered)) - 1, 0)]


def median_ms(case: Case) -> float:
    """The case's median time in milliseconds."""
    return statistics.median(case.times_ms)


# --- Reporting -----------------------------------------------------------------------------------


def machine() -> str:
    """The platform, CPU model and count, and Python version."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{platform.platform()}; {cpu}; {os.cpu_count()} CPUs; Python {platform.python_version()}"


def load_average() -> float | None:
    """The 1-minute load average, or None where the system does not tell."""
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def describe_load(start: float | None, end: float | None) -> str:
    """The 1-minute load average: above the CPU count, other work was competing for the CPUs."""
    if start is None or end is None:
        return "unknown"
    cpus = os.cpu_count() or 1
    text = f"{start:.2f} at start, {end:.2f} at end, on {cpus} CPUs"
    if max(start, end) > cpus:
        text += " (busy machine: other processes were competing, so expect noisy figures)"
    return text


def details(db_kind: str, load_at_start: float | None, data: str, *more: str) -> list[str]:
    """The lines above a results table: date, machine, load, database, data, any more lines, and the timing note."""
    return [
        f"- Date: {datetime.now(LONDON).strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {machine()}",
        f"- Load average (1 min): {describe_load(load_at_start, load_average())}",
        f"- Database: {db_kind}",
        f"- Data: {data}",
        *more,
        TIMING_NOTE,
    ]


def markdown_table(
    cases: list[Case],
    target_ms: float,
    *,
    share: float = 0.95,
    columns: dict[str, list] | None = None,
    size_heading: str = "HTML KB",
) -> str:
    """The figures as a Markdown table; `columns` adds columns (heading: one value per case) before the size
    (headed `size_heading`: "HTML/JSON KB" when some responses are JSON)."""
    columns = columns or {}
    headings = [
        "Request",
        "Median ms",
        f"p{share * 100:.0f} ms",
        "Max ms",
        "SQL statements",
        "SQL ms (median)",
        *columns,
        size_heading,
        f"Target {target_ms:g} ms",
    ]
    lines = ["| " + " | ".join(headings) + " |", "|---|" + "---:|" * (len(headings) - 2) + "---|"]
    for number, case in enumerate(cases):
        median = median_ms(case)
        low, high = min(case.sql_counts), max(case.sql_counts)
        cells = [
            case.name,
            f"{median:.1f}",
            f"{percentile(case.times_ms, share):.1f}",
            f"{max(case.times_ms):.1f}",
            str(low) if low == high else f"{low}–{high}",
            f"{statistics.median(case.sql_ms):.1f}",
            *(str(values[number]) for values in columns.values()),
            f"{case.size_kb:.1f}" if case.size_kb is not None else "",
            "no target" if not case.judged else "ok" if median <= target_ms else "**over**",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def print_report(lines: list[str], table: str) -> None:
    """Print the details lines and the table, each after a blank line."""
    print()
    print("\n".join(lines))
    print()
    print(table)


def print_profile(cases: list[Case], top: int) -> None:
    """Print each case's `top` slowest SQL statements (by total time over the timed runs)."""
    print("\nSlowest SQL statements per request (total time over the timed runs):")
    for case in cases:
        print(f"\n{case.name}")
        ranked = sorted(case.statements.items(), key=lambda item: sum(item[1]), reverse=True)[:top]
        for statement, times in ranked:
            per_request = len(times) / max(len(case.times_ms), 1)
            print(
                f"  {statistics.median(times) * 1000:7.2f} ms median, {per_request:g}× per request: {statement[:150]}"
            )


def write_results(path: Path, section: str, script: str, db_kind: str, lines: list[str], table: str) -> None:
    """Create or replace the "### <db kind>" subsection of a bench's section of the results file, keeping the rest."""
    kind_heading = f"### {db_kind.split()[0]}" + (" (stale statistics)" if "stale statistics" in db_kind else "")
    subsection = [kind_heading, "", *lines, "", *table.rstrip("\n").splitlines(), ""]
    text = path.read_text().splitlines() if path.exists() else ["# Benchmarks", ""]
    if section not in text:
        if text and text[-1].strip():
            text.append("")
        text += [
            section,
            "",
            f"Made by `.venv/bin/python bench/{script}`; see the docstring there for what is measured.",
            "",
        ]
    start = text.index(section)
    end = next((i for i in range(start + 1, len(text)) if text[i].startswith("## ")), len(text))
    part = text[start:end]
    if kind_heading in part:
        sub_start = part.index(kind_heading)
        sub_end = next((i for i in range(sub_start + 1, len(part)) if part[i].startswith("### ")), len(part))
        part[sub_start:sub_end] = subsection
    else:
        if part[-1].strip():
            part.append("")
        part += subsection
    text[start:end] = part
    path.write_text("\n".join(text).rstrip("\n") + "\n")


def over_target(cases: list[Case], target_ms: float, label: str = "") -> list[str]:
    """A line for each judged case whose median is over the target, each starting with `label`."""
    return [
        f"{label}{case.name}: {median_ms(case):.1f} ms" for case in cases if case.judged and median_ms(case) > target_ms
    ]


def verdict(over: list[str], target_ms: float, every: str = "Every median") -> int:
    """Print which medians are over the target, or that none is; returns the exit status (1 or 0)."""
    if over:
        print(f"\nOver the {target_ms:g} ms target (median):")
        for line in over:
            print(f"  {line}")
        return 1
    print(f"\n{every} is within the {target_ms:g} ms target.")
    return 0
