#!/usr/bin/env python
"""Diary benchmark (issue 3): server time of the diary pages and the sync API on a full year.

    .venv/bin/python bench/diary_bench.py [--entries 5000] [--repeat 30] [--database-url URL]

What it does:

1. Makes a fresh database and runs the migrations. By default that is a SQLite file in a
   temporary folder. With a PostgreSQL URL it creates a throwaway database named
   bench_<random> on that server (connecting to the URL's own database to do so) and drops
   it at the end, like tests/conftest.py's throwaway_database. Any other URL (for example
   sqlite:///path) is used as given and must point at an empty database.
2. Builds one service, one trainer and one client with a login, and fills the client's diary
   with a year of entries (several a day, every kind, over the last 365 London days),
   inserted in bulk with SQLModel rows (the API refuses entries older than 14 days). On
   PostgreSQL it then runs ANALYZE, as autovacuum would soon after such a load
   (--no-analyze skips it, to see a freshly restored database with stale statistics).
3. Logs in with Flask's test client (in process, no network) and times each request over
   --repeat runs after --warmup runs: GET /today, GET /diary/week, the week ~6 months ago,
   the trainer's view of the client's diary, and POST /api/v1/diary/entries with 100 new
   entries. The time is taken around the test client call, so it includes Werkzeug's small
   test-client overhead but no network. Any status other than 200 stops the run (exit 2).
4. Prints a Markdown table (median, p90, max, SQL statements and SQL time per request,
   HTML size) and writes it to bench/RESULTS.md under "## Diary (issue 3)", in a
   subsection per database kind, keeping every other section of the file.

Exit status: 0 when every median is within --target-ms (50 ms), 1 when one is over,
2 when a request fails.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import event, text  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import Client, DiaryComment, DiaryEntry, Person, RoleGrant, Service  # noqa: E402
from pwa import accounts, create_app  # noqa: E402
from pwa.cli import upgrade_database  # noqa: E402
from pwa.clock import LONDON, london_today, to_london, utcnow  # noqa: E402
from pwa.db import normalise_database_url  # noqa: E402
from pwa.diary import vocab  # noqa: E402

RESULTS_FILE = PROJECT_ROOT / "bench" / "RESULTS.md"
SECTION_HEADING = "## Diary (issue 3)"
PASSWORD = "bench-orange-teapot-42"
SECRET_KEY = "bench-secret-key-not-for-real-use"
CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


class BenchFailure(RuntimeError):
    """A request did not answer as expected: the figures would mean nothing."""


# --- The database ----------------------------------------------------------------------------


def is_postgres(url: str) -> bool:
    return normalise_database_url(url).startswith("postgresql")


def _libpq_dsn(url: str) -> str:
    return normalise_database_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(normalise_database_url(url))
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def bench_database(given: str | None, tmpdir: Path):
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


def analyze(engine) -> bool:
    """Refresh PostgreSQL's planner statistics, as autovacuum would soon after a bulk load."""
    if engine.dialect.name != "postgresql":
        return False
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
    return True


def database_kind(engine) -> str:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = conn.execute(text("select sqlite_version()")).scalar()
            return f"SQLite {version} (file, WAL)"
        if engine.dialect.name == "postgresql":
            version = conn.execute(text("show server_version")).scalar()
            return f"PostgreSQL {version.split()[0]}"
        return engine.dialect.name


# --- Realistic diary values ------------------------------------------------------------------

FOODS = {
    "breakfast": [
        ("Porridge with banana", ["starchy", "fruit_veg", "dairy"], 1),
        ("Toast and jam", ["starchy", "high_fat_sugar_salt"], 0),
        ("Cereal with milk", ["starchy", "dairy"], 0),
        ("Boiled eggs on toast", ["protein", "starchy"], 0),
    ],
    "lunch": [
        ("Cheese sandwich and an apple", ["starchy", "dairy", "fruit_veg"], 1),
        ("Tomato soup and a roll", ["fruit_veg", "starchy"], 1.5),
        ("Jacket potato with beans", ["starchy", "protein"], 0.5),
        ("Meal deal: sandwich, crisps, fizzy drink", ["starchy", "high_fat_sugar_salt"], 0),
    ],
    "dinner": [
        ("Spaghetti bolognese with salad", ["starchy", "protein", "fruit_veg"], 2),
        ("Chicken curry and rice", ["protein", "starchy", "fruit_veg"], 1),
        ("Fish and chips", ["protein", "starchy", "oils"], 0),
        ("Stir fry with vegetables", ["fruit_veg", "protein", "oils"], 2.5),
        ("Takeaway pizza", ["starchy", "dairy", "high_fat_sugar_salt"], 0),
    ],
    "snack": [
        ("Apple", ["fruit_veg"], 1),
        ("Packet of crisps", ["high_fat_sugar_salt"], 0),
        ("Biscuits", ["high_fat_sugar_salt"], 0),
        ("Yoghurt and berries", ["dairy", "fruit_veg"], 1),
    ],
    "drink": [
        ("Orange juice", ["fruit_veg"], 1),
        ("Can of cola", ["high_fat_sugar_salt"], 0),
        ("Tea with milk", ["dairy"], 0),
    ],
}
NOTES = ["", "", "", "", "", "", "With the grandchildren", "Felt rushed", "At work", "Tired after a long shift"]
PRESETS = list(vocab.DRINK_PRESETS)


def food_values(rng: random.Random, meal: str | None = None) -> dict:
    meal = meal or rng.choice(list(vocab.MEALS))
    description, groups, portions = rng.choice(FOODS[meal])
    values = {"meal": meal, "description": description, "food_groups": groups}
    if portions:
        values["portions"] = portions
    if "cola" in description or "fizzy" in description:
        values["sugary_drinks"] = 1
    return values


def activity_values(rng: random.Random) -> dict:
    activity = rng.choices(list(vocab.ACTIVITIES), weights=[8, 2, 1, 2, 1, 2, 3, 1, 1, 1])[0]
    values = {
        "activity": activity,
        "minutes": rng.choice([10, 15, 20, 30, 30, 45, 60, 90]),
        "intensity": rng.choices(list(vocab.INTENSITIES), weights=[3, 5, 1])[0],
    }
    if activity == "walking" and rng.random() < 0.5:
        values["steps"] = rng.randrange(1000, 12000, 100)
    return values


def drink_values(rng: random.Random) -> dict:
    """What a phone sends for a drink (units are worked out by the server)."""
    if rng.random() < 0.1:
        return {"drink": vocab.OTHER_DRINK, "quantity": 1, "volume_ml": 330.0, "abv": 5.0}
    return {"drink": rng.choice(PRESETS), "quantity": rng.choices([1, 2, 3], weights=[6, 3, 1])[0]}


def stored_drink(values: dict) -> dict:
    """The columns of a stored drink: volume, strength and units as the API would store them."""
    preset = vocab.DRINK_PRESETS.get(values["drink"])
    volume = preset.volume_ml if preset else values["volume_ml"]
    abv = preset.abv if preset else values["abv"]
    units = round(values["quantity"] * volume * abv / 1000, 2)
    return {"drink": values["drink"], "quantity": values["quantity"], "volume_ml": volume, "abv": abv, "units": units}


def smoking_values(rng: random.Random) -> dict:
    return {
        "tobacco": rng.choices(list(vocab.TOBACCO), weights=[8, 3, 1])[0],
        "cigarettes": rng.randint(1, 8),
    }


def mood_values(rng: random.Random) -> dict:
    values = {"mood": rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 4, 2])[0]}
    if rng.random() < 0.6:
        values["mood_words"] = [w for w in vocab.MOOD_WORDS if w in rng.sample(vocab.MOOD_WORDS, rng.randint(1, 3))]
    return values


def api_entry(rng: random.Random, kind: str, now: datetime) -> dict:
    """One valid entry as the phone sends it, for today, some time in the last three hours."""
    since_midnight = now - datetime.combine(to_london(now).date(), clock_time.min, tzinfo=LONDON)
    back = min(timedelta(hours=3), since_midnight)
    moment = now - timedelta(seconds=rng.uniform(0, max(back.total_seconds(), 0)))
    entry = {"uuid": str(uuid.uuid4()), "kind": kind, "occurred_at": to_london(moment).isoformat()}
    if kind == "food":
        entry.update(food_values(rng))
    elif kind == "activity":
        entry.update(activity_values(rng))
    elif kind == "alcohol":
        entry.update(drink_values(rng))
    elif kind == "smoking":
        entry.update(smoking_values(rng))
    elif kind == "mood":
        entry.update(mood_values(rng))
    else:
        entry["weight_kg"] = round(rng.uniform(80, 84), 1)
    if rng.random() < 0.1:
        entry["note"] = "Sent from the bench"
    return entry


KIND_WEIGHTS = {"food": 40, "activity": 14, "alcohol": 12, "smoking": 20, "mood": 12, "weight": 2}


def api_batch(rng: random.Random, size: int) -> list[dict]:
    now = utcnow()
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=size)
    return [api_entry(rng, kind, now) for kind in kinds]


# --- Building the world ----------------------------------------------------------------------


@dataclass
class World:
    service: Service
    trainer: Person
    client_person: Person
    client: Client
    entries: int
    comments: int


def _person(session: Session, username: str, password_hash: str) -> Person:
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


def _day_moments(rng: random.Random, day: date, count: int, now: datetime) -> list[datetime]:
    """`count` London times on `day` (07:00 to 23:00, or up to now for today), in order, as UTC."""
    start = datetime.combine(day, clock_time(7, 0), tzinfo=LONDON)
    end = datetime.combine(day, clock_time(23, 0), tzinfo=LONDON)
    if day == london_today(now):
        midnight = datetime.combine(day, clock_time.min, tzinfo=LONDON)
        end = min(end, now - timedelta(minutes=1))
        start = min(start, midnight + (end - midnight) / 2)
    span = max((end - start).total_seconds(), 0)
    seconds = sorted(rng.uniform(0, span) for _ in range(count))
    # Adding seconds to an aware London time is wall-clock arithmetic; convert through UTC so
    # the clock changes in March and October give real instants.
    start_utc = start.astimezone(UTC)
    return [start_utc + timedelta(seconds=s) for s in seconds]


def diary_rows(rng: random.Random, client: Client, by_id: int, total: int, now: datetime) -> list[DiaryEntry]:
    """A year of diary entries: about total/365 a day, every kind, as the app would store them."""
    today = london_today(now)
    days = [today - timedelta(days=back) for back in range(364, -1, -1)]
    per_day = defaultdict(int)
    for day in rng.choices(days, k=total):
        per_day[day] += 1
    rows: list[DiaryEntry] = []
    weight = 92.0
    for day in days:
        count = per_day[day]
        if not count:
            continue
        drinks_today = rng.random() < 0.4
        smokes_today = rng.random() < 0.7 - 0.4 * (day - days[0]).days / 365  # cutting down over the year
        marked = set()
        meals = iter(["breakfast", "lunch", "dinner"])
        kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
        for moment, kind in zip(_day_moments(rng, day, count, now), kinds, strict=True):
            values: dict
            # A day without drinks (or cigarettes) gets one "free day" marker; any further
            # entry of that kind that day becomes a mood or an activity instead.
            if kind == "alcohol" and not drinks_today:
                if "drink" in marked:
                    kind, values = "mood", mood_values(rng)
                else:
                    values = {"marker": "drink_free", "units": 0.0}
                    marked.add("drink")
            elif kind == "smoking" and not smokes_today:
                if "smoke" in marked:
                    kind, values = "activity", activity_values(rng)
                else:
                    values = {"marker": "smoke_free", "cigarettes": 0}
                    marked.add("smoke")
            elif kind == "food":
                values = food_values(rng, next(meals, None))
            elif kind == "activity":
                values = activity_values(rng)
            elif kind == "alcohol":
                values = stored_drink(drink_values(rng))
            elif kind == "smoking":
                values = smoking_values(rng)
            elif kind == "mood":
                values = mood_values(rng)
            else:
                weight = round(min(max(weight + rng.uniform(-0.6, 0.4), 60), 120), 1)
                values = {"weight_kg": weight}
            created = moment + timedelta(minutes=rng.randint(0, 90))
            created = min(created, now)
            deleted = created + timedelta(minutes=5) if rng.random() < 0.01 else None
            rows.append(
                DiaryEntry(
                    uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    service_id=client.service_id,
                    client_id=client.id,
                    kind=kind,
                    occurred_at=moment,
                    day=to_london(moment).date(),
                    note=rng.choice(NOTES),
                    body_hash=f"bench-{rng.getrandbits(64):016x}",
                    entered_by_id=by_id,
                    created_at=created,
                    updated_at=deleted or created,
                    deleted_at=deleted,
                    **values,
                )
            )
    return rows


def build_world(engine, total_entries: int, seed: int) -> World:
    rng = random.Random(seed)
    password_hash = accounts.hash_password(PASSWORD)  # Argon2: slow on purpose, so once
    now = utcnow()
    with Session(engine, expire_on_commit=False) as session:
        service = Service(slug="bench", name="Bench Health Trainers", area="Benchton", yearly_client_target=300)
        session.add(service)
        session.flush()
        trainer = _person(session, "bench-trainer", password_hash)
        client_person = _person(session, "bench-client", password_hash)
        session.add_all(
            [
                RoleGrant(person_id=trainer.id, service_id=service.id, role="trainer", wte=1.0),
                RoleGrant(person_id=client_person.id, service_id=service.id, role="client"),
            ]
        )
        client = Client(
            service_id=service.id,
            person_id=client_person.id,
            trainer_id=trainer.id,
            full_name="Bench Client",
            created_at=now - timedelta(days=366),
        )
        session.add(client)
        session.commit()

        rows = diary_rows(rng, client, client_person.id, total_entries, now)
        session.add_all(rows)
        session.commit()

        # A trainer's comment on most weeks, some on an entry, some on the day.
        comments = []
        for row in rows[:: max(len(rows) // 50, 1)]:
            comments.append(
                DiaryComment(
                    service_id=service.id,
                    client_id=client.id,
                    day=row.day,
                    entry_id=row.id if rng.random() < 0.5 else None,
                    author_id=trainer.id,
                    text="Well done, keep it up. Let's talk about this at our next session.",
                    created_at=min(row.created_at + timedelta(days=1), now),
                )
            )
        session.add_all(comments)
        session.commit()
        return World(service, trainer, client_person, client, len(rows), len(comments))


# --- Measuring -------------------------------------------------------------------------------


class SqlMeter:
    """Counts and times SQL statements sent through the app's engine while `active`."""

    def __init__(self, engine):
        self.active = False
        self.count = 0
        self.seconds = 0.0
        self.statements: dict[str, list[float]] = defaultdict(list)
        event.listen(engine, "before_cursor_execute", self._before)
        event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.count, self.seconds = 0, 0.0

    def _before(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.count += 1
            conn.info.setdefault("bench_started", []).append(time.perf_counter())

    def _after(self, conn, cursor, statement, parameters, context, executemany):
        started = conn.info.get("bench_started")
        if self.active and started:
            elapsed = time.perf_counter() - started.pop()
            self.seconds += elapsed
            self.statements[" ".join(statement.split())].append(elapsed)


@dataclass
class Case:
    name: str
    send: Callable[[], object]  # makes one request, returns the response
    check: Callable[[object], None] | None = None
    measure_size: bool = False
    times_ms: list[float] = field(default_factory=list)
    sql_counts: list[int] = field(default_factory=list)
    sql_ms: list[float] = field(default_factory=list)
    size_kb: float | None = None
    statements: dict[str, list[float]] = field(default_factory=dict)


def expect_200(case_name: str, response) -> None:
    if response.status_code != 200:
        body = response.get_data(as_text=True)[:600]
        location = response.headers.get("Location", "")
        raise BenchFailure(
            f"{case_name}: expected status 200, got {response.status_code}"
            + (f" (redirect to {location})" if location else "")
            + f"\n{body}"
        )


def run_case(case: Case, meter: SqlMeter, *, warmup: int, repeat: int) -> None:
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


# --- Logging in ------------------------------------------------------------------------------


def log_in(test_client, username: str) -> None:
    page = test_client.get("/login")
    expect_200("GET /login", page)
    match = CSRF_FIELD.search(page.get_data(as_text=True))
    if not match:
        raise BenchFailure("GET /login: no CSRF token on the page")
    response = test_client.post("/login", data={"csrf_token": match.group(1), "login": username, "password": PASSWORD})
    if response.status_code != 302:
        raise BenchFailure(f"POST /login as {username}: expected a redirect, got {response.status_code}")


def api_csrf_token(test_client) -> str:
    response = test_client.get("/api/v1/session")
    expect_200("GET /api/v1/session", response)
    body = response.get_json()
    if not body.get("logged_in"):
        raise BenchFailure("GET /api/v1/session: not logged in")
    return body["csrf_token"]


# --- Reporting -------------------------------------------------------------------------------


def machine() -> str:
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


def markdown_table(cases: list[Case], target_ms: float) -> str:
    lines = [
        "| Request | Median ms | p90 ms | Max ms | SQL statements | SQL ms (median) | HTML KB "
        f"| Target {target_ms:g} ms |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for case in cases:
        median = statistics.median(case.times_ms)
        low, high = min(case.sql_counts), max(case.sql_counts)
        statements = str(low) if low == high else f"{low}–{high}"
        size = f"{case.size_kb:.1f}" if case.size_kb is not None else ""
        verdict = "ok" if median <= target_ms else "**over**"
        lines.append(
            f"| {case.name} | {median:.1f} | {percentile(case.times_ms, 0.9):.1f} | {max(case.times_ms):.1f} "
            f"| {statements} | {statistics.median(case.sql_ms):.1f} | {size} | {verdict} |"
        )
    return "\n".join(lines)


def write_results(path: Path, db_kind: str, body: str) -> None:
    """Create or replace the "### <db kind>" subsection of the diary section, keeping the rest."""
    kind_heading = f"### {db_kind.split()[0]}" + (" (stale statistics)" if "stale statistics" in db_kind else "")
    subsection = [kind_heading, "", *body.rstrip("\n").splitlines(), ""]
    lines = path.read_text().splitlines() if path.exists() else ["# Benchmarks", ""]
    try:
        start = lines.index(SECTION_HEADING)
    except ValueError:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [
            SECTION_HEADING,
            "",
            "Made by `.venv/bin/python bench/diary_bench.py`; see the docstring there for what is measured.",
            "",
        ]
        start = lines.index(SECTION_HEADING)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = lines[start:end]
    try:
        sub_start = section.index(kind_heading)
        sub_end = next(
            (i for i in range(sub_start + 1, len(section)) if section[i].startswith("### ")),
            len(section),
        )
        section[sub_start:sub_end] = subsection
    except ValueError:
        if section[-1].strip():
            section.append("")
        section += subsection
    lines[start:end] = section
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


def print_profile(cases: list[Case], top: int) -> None:
    print("\nSlowest SQL statements per request (total time over the timed runs):")
    for case in cases:
        print(f"\n{case.name}")
        ranked = sorted(case.statements.items(), key=lambda item: sum(item[1]), reverse=True)[:top]
        for statement, times in ranked:
            per_request = len(times) / max(len(case.times_ms), 1)
            print(
                f"  {statistics.median(times) * 1000:7.2f} ms median, {per_request:g}× per request: {statement[:150]}"
            )


# --- Main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=5000, help="diary entries over the last year (5000)")
    parser.add_argument("--repeat", type=int, default=30, help="timed runs per request (30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed runs per request first (3)")
    parser.add_argument("--batch", type=int, default=100, help="entries per POST to the sync API (100)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to make a throwaway bench_<random> database on, or an empty database "
        "(default: a new SQLite file in a temporary folder)",
    )
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="on PostgreSQL, skip ANALYZE after loading (like a freshly restored database before autovacuum runs)",
    )
    parser.add_argument("--target-ms", type=float, default=50.0, help="target for each median (50)")
    parser.add_argument("--seed", type=int, default=3, help="random seed for the diary (3)")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    parser.add_argument("--profile", action="store_true", help="also print the slowest SQL statements")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.entries < 0 or not 1 <= args.batch <= 200:
        parser.error("--repeat must be at least 1, --entries at least 0, --batch from 1 to 200")

    with tempfile.TemporaryDirectory(prefix="diary-bench-") as tmp, bench_database(args.database_url, Path(tmp)) as url:
        started = time.perf_counter()
        upgrade_database(url)
        app = create_app(
            {
                "SECRET_KEY": SECRET_KEY,
                "DATABASE_URL": url,
                "INSTANCE_PATH": tmp,
                "TESTING": False,
                "DEBUG": False,
            }
        )
        engine = app.extensions["db_engine"]
        try:
            db_kind = database_kind(engine)
            world = build_world(engine, args.entries, args.seed)
            analyzed = False if args.no_analyze else analyze(engine)
            if engine.dialect.name == "postgresql":
                db_kind += ", ANALYZE after loading" if analyzed else ", no ANALYZE after loading (stale statistics)"
            print(
                f"{db_kind}: {world.entries} diary entries and {world.comments} comments for client "
                f"{world.client.id}, ready in {time.perf_counter() - started:.1f} s."
            )
            code = run_bench(app, engine, world, args, db_kind)
        finally:
            engine.dispose()
    return code


def run_bench(app, engine, world: World, args, db_kind: str) -> int:
    client_browser = app.test_client()
    trainer_browser = app.test_client()
    log_in(client_browser, world.client_person.username)
    log_in(trainer_browser, world.trainer.username)
    api_token = api_csrf_token(client_browser)

    load_at_start = load_average()
    today = london_today()
    half_year_ago = today - timedelta(days=182)
    rng = random.Random(args.seed + 1)
    batch_size = args.batch

    # Building the batch and json.dumps stay outside the clock: bodies are made beforehand.
    prepared: list[object] = []

    def send_prepared():
        body = prepared.pop()
        return client_browser.post(
            "/api/v1/diary/entries",
            data=body,
            headers={"X-CSRFToken": api_token, "Content-Type": "application/json"},
        )

    def check_created(response) -> None:
        results = response.get_json()["results"]
        statuses = {answer["status"] for answer in results}
        if len(results) != batch_size or statuses != {"created"}:
            raise BenchFailure(f"POST /api/v1/diary/entries: expected {batch_size} created, got {statuses}")

    cases = [
        Case("GET /today", lambda: client_browser.get("/today"), measure_size=True),
        Case("GET /diary/week", lambda: client_browser.get("/diary/week"), measure_size=True),
        Case(
            f"GET /diary/week?start={half_year_ago.isoformat()}",
            lambda: client_browser.get(f"/diary/week?start={half_year_ago.isoformat()}"),
        ),
        Case(
            f"GET /clients/{world.client.id}/diary/ (trainer)",
            lambda: trainer_browser.get(f"/clients/{world.client.id}/diary/"),
        ),
        # Last, so the entries it adds to today do not change what the pages above read.
        Case(f"POST /api/v1/diary/entries ({batch_size} entries)", send_prepared, check=check_created),
    ]
    meter = SqlMeter(engine)
    for case in cases:
        if case.send is send_prepared:
            prepared.extend(
                json.dumps({"entries": api_batch(rng, batch_size)}) for _ in range(args.warmup + args.repeat)
            )
        run_case(case, meter, warmup=args.warmup, repeat=args.repeat)

    table = markdown_table(cases, args.target_ms)
    when = datetime.now(LONDON).strftime("%Y-%m-%d %H:%M %Z")
    details = [
        f"- Date: {when}",
        f"- Machine: {machine()}",
        f"- Load average (1 min): {describe_load(load_at_start, load_average())}",
        f"- Database: {db_kind}",
        f"- Data: {world.entries} entries over 365 days (about {world.entries / 365:.0f} a day), "
        f"{world.comments} trainer comments; {args.warmup} warm-up and {args.repeat} timed runs per request",
        "- Time is measured around Flask's test client call (in process, no network); "
        "SQL ms is time spent in the database driver.",
    ]
    print()
    print("\n".join(details))
    print()
    print(table)
    if args.profile:
        print_profile(cases, top=4)

    if not args.no_results:
        write_results(args.results, db_kind, "\n".join(details) + "\n\n" + table)
        print(f"\nWrote {args.results}.")

    over = [case for case in cases if statistics.median(case.times_ms) > args.target_ms]
    if over:
        print(f"\nOver the {args.target_ms:g} ms target (median):")
        for case in over:
            print(f"  {case.name}: {statistics.median(case.times_ms):.1f} ms")
        return 1
    print(f"\nEvery median is within the {args.target_ms:g} ms target.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BenchFailure as failure:
        print(f"\nBENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(2)
