#!/usr/bin/env python
"""A national-scale Health Trainer service database for the reports benchmark (issue 8).

    .venv/bin/python bench/national.py [--scale 1] [--database-url URL] [--seed 8]

Builds one service with, at full scale (--scale 1):

- 240,000 clients registered over the last 3 years (a few more each month than the last,
  fewer at weekends), with every registration field coded from the vocab modules and spread
  like the England 2010 data set (deprivation skewed to fifths 1 and 2, most clients
  self-referred or sent by their GP), a few per cent "not recorded" or "prefer not to say",
  a postcode placed in one of 400 wards (a blank postcode for the "unknown" fifth);
- an episode each (one in twelve came back for a second), eligibility, assessment with a main
  issue, the first-session agreement and a Personal Health Plan for most, exits with reasons
  for the older ones;
- 600,000 goals in those plans (with outcomes for goals past their review date), 1,500,000
  support sessions, 5,000,000 diary entries (for one client in four who uses the app), 3- and
  6-month follow-ups, and measures: baseline and exit self-efficacy, general health, WHO-5
  and BMI for most assessed clients;
- 20,000 community events with workers, 150,000 signposts (one in five made at an event for
  someone not registered), clients who heard of the service at an event, 120 trainers and 30
  trainees with their WTE, 20 champions, a manager, a yearly client target, 20 target wards
  and a manager's comparator set.

Rows are made as tuples (no ORM objects) and loaded in bulk: SQLite by executemany in one
transaction with synchronous and the journal off; PostgreSQL by COPY with foreign-key triggers
off for the load. ANALYZE runs after loading. The database is migrated first with
pwa.cli.upgrade_database. A marker table (bench_national) records what was built, so a second
run with the same scale and seed finds the database ready and does nothing.

Defaults: a SQLite file under /tmp/bench-national/; with a PostgreSQL server URL, the database
ht_bench_national on that server (created, or dropped and made again when it holds something
else; no other database is touched). --scale 0.01 makes a small copy quickly (for CI).
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import JSON  # noqa: E402
from sqlalchemy.sql.schema import CallableColumnDefault, ScalarElementColumnDefault  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import models  # noqa: E402, F401  (registers every table)
from bench import harness  # noqa: E402
from bench.diary_bench import (  # noqa: E402
    KIND_WEIGHTS,
    activity_values,
    drink_values,
    food_values,
    mood_values,
    smoking_values,
    stored_drink,
)
from pwa import accounts  # noqa: E402
from pwa.caseload import vocab as caseload_vocab  # noqa: E402
from pwa.cli import upgrade_database  # noqa: E402
from pwa.clock import london_today  # noqa: E402
from pwa.community import vocab as community_vocab  # noqa: E402
from pwa.db import normalise_database_url  # noqa: E402
from pwa.plans import vocab as plans_vocab  # noqa: E402

VERSION = 1  # change when what is built changes, so old databases are made again
FULL = {
    "clients": 240_000,
    "goals": 600_000,
    "support_sessions": 1_500_000,
    "diary_entries": 5_000_000,
    "signposts": 150_000,
    "events": 20_000,
}
TRAINERS, TRAINEES, CHAMPIONS = 120, 30, 20
WARDS_PER_QUINTILE = 80
TARGET_WARDS = 20
YEARS = 3
DEFAULT_DIR = Path("/tmp/bench-national")
PG_DATABASE = "ht_bench_national"
MANAGER = "national-manager"
SERVICE_ID = 1
MARKER = "bench_national"
BATCH = 50_000
# Big tables whose secondary indexes are dropped for the load and made again after (a sort is faster).
REINDEXED = ("diary_entries", "support_sessions", "goals", "measures", "follow_ups", "signposts", "episodes", "clients")


# --- Where the database is ------------------------------------------------------------------------


def scale_tag(scale: float) -> str:
    return "" if scale == 1 else "_s" + f"{scale:g}".replace(".", "_")


def sqlite_url(scale: float, folder: Path = DEFAULT_DIR) -> str:
    """The SQLite file for this scale under /tmp/bench-national/."""
    return f"sqlite:///{folder / f'national{scale_tag(scale)}.sqlite3'}"


def postgres_url(server_url: str, scale: float) -> str:
    """The bench's own database (ht_bench_national) on the server named by `server_url`."""
    parts = urlsplit(normalise_database_url(server_url))
    return urlunsplit(parts._replace(path=f"/{PG_DATABASE}{scale_tag(scale)}"))


def _libpq(url: str) -> str:
    return normalise_database_url(url).replace("postgresql+psycopg://", "postgresql://", 1)


def _sqlite_path(url: str) -> Path:
    return Path(url.split(":///", 1)[1])


# --- What a finished database holds ---------------------------------------------------------------


def spec(scale: float, seed: int) -> str:
    return json.dumps({"version": VERSION, "scale": scale, "seed": seed}, sort_keys=True)


def targets(scale: float) -> dict[str, int]:
    return {name: max(1, round(count * scale)) for name, count in FULL.items()}


def _read_marker(conn) -> dict[str, str] | None:
    cur = conn.cursor()
    try:
        cur.execute(f"SELECT key, value FROM {MARKER}")
    except Exception:
        conn.rollback()
        return None
    return dict(cur.fetchall())


def _is_ready(conn, scale: float, seed: int) -> bool:
    marker = _read_marker(conn)
    if not marker or marker.get("spec") != spec(scale, seed):
        return False
    counts = json.loads(marker.get("counts", "{}"))
    cur = conn.cursor()
    for table in ("clients", "goals", "support_sessions", "diary_entries", "signposts", "events"):
        cur.execute(f"SELECT count(*) FROM {table}")
        if cur.fetchone()[0] != counts.get(table):
            return False
    return True


@dataclass
class Built:
    url: str
    counts: dict[str, int]
    manager: str = MANAGER
    seconds: float = 0.0
    reused: bool = True


def ensure(url: str, scale: float = 1.0, seed: int = 8, *, quiet: bool = False) -> Built:
    """Make the database at `url` (SQLite file or PostgreSQL database) unless it is ready already."""
    say = (lambda *a: None) if quiet else print
    started = time.perf_counter()
    if harness.is_postgres(url):
        import psycopg

        dsn = _libpq(url)
        name = urlsplit(dsn).path.lstrip("/")
        if not name.startswith(PG_DATABASE):
            raise SystemExit(f"refusing to build in {name!r}: the bench only uses databases named {PG_DATABASE}*")
        server = urlunsplit(urlsplit(dsn)._replace(path="/postgres"))
        with psycopg.connect(server, autocommit=True) as admin:
            exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists:
            with psycopg.connect(dsn) as conn:
                if _is_ready(conn, scale, seed):
                    say(f"{name} is ready (scale {scale:g}).")
                    return Built(url, _marker_counts(conn))
            with psycopg.connect(server, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        upgrade_database(url)
        with psycopg.connect(dsn) as conn:
            writer = PostgresWriter(conn)
            counts = build(writer, scale, seed, say)
            writer.finish(counts, spec(scale, seed))
    else:
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            conn = sqlite3.connect(path)
            try:
                if _is_ready(conn, scale, seed):
                    say(f"{path} is ready (scale {scale:g}).")
                    return Built(url, _marker_counts(conn))
            finally:
                conn.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(path) + suffix).unlink(missing_ok=True)
        upgrade_database(url)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            writer = SqliteWriter(conn)
            counts = build(writer, scale, seed, say)
            writer.finish(counts, spec(scale, seed))
        finally:
            conn.close()
    seconds = time.perf_counter() - started
    say(f"Built in {seconds:.0f} s: " + ", ".join(f"{n:,} {t}" for t, n in counts.items()))
    return Built(url, counts, seconds=seconds, reused=False)


def _marker_counts(conn) -> dict[str, int]:
    return json.loads((_read_marker(conn) or {}).get("counts", "{}"))


# --- Writing rows in bulk -------------------------------------------------------------------------

NOW = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def _constant_columns(table_name: str, given: list[str]) -> list[tuple[str, object]]:
    """NOT NULL columns the rows leave out, with the model's default as a stored value."""
    table = SQLModel.metadata.tables[table_name]
    model = next(m.class_ for m in SQLModel._sa_registry.mappers if m.local_table is table)
    constants = []
    for column in table.columns:
        if column.name in given or column.nullable:
            continue
        default = column.default
        if isinstance(default, ScalarElementColumnDefault):
            value = default.arg
        elif isinstance(default, CallableColumnDefault):
            value = NOW  # utcnow
        elif isinstance(column.type, JSON):
            factory = model.model_fields[column.name].default_factory
            value = json.dumps(factory() if factory else None)
        else:
            raise ValueError(f"{table_name}.{column.name} needs a value")
        if isinstance(value, bool):
            value = int(value)
        constants.append((column.name, value))
    return constants


class Writer:
    """Buffers rows per table and writes them in batches."""

    def __init__(self):
        self.columns: dict[str, list[str]] = {}
        self.constants: dict[str, list[tuple[str, object]]] = {}
        self.buffers: dict[str, list[tuple]] = {}
        self.counts: dict[str, int] = {}

    def table(self, name: str, columns: list[str]) -> list[tuple]:
        """Declare a table's columns (the rest take the model's defaults); returns its buffer."""
        self.columns[name] = columns
        self.constants[name] = _constant_columns(name, columns)
        self.buffers[name] = []
        self.counts[name] = 0
        return self.buffers[name]

    def flush_full(self) -> None:
        for name, rows in self.buffers.items():
            if len(rows) >= BATCH:
                self.flush(name)

    def flush(self, name: str) -> None:
        rows = self.buffers[name]
        if rows:
            self.write(name, rows)
            self.counts[name] += len(rows)
            rows.clear()

    def flush_all(self) -> None:
        for name in self.buffers:
            self.flush(name)

    def write(self, name: str, rows: list[tuple]) -> None:
        raise NotImplementedError


def _sql_literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return repr(value)


class SqliteWriter(Writer):
    def __init__(self, conn: sqlite3.Connection):
        super().__init__()
        self.conn = conn
        for pragma in ("synchronous=OFF", "journal_mode=OFF", "foreign_keys=OFF", "cache_size=-400000"):
            conn.execute(f"PRAGMA {pragma}")
        conn.execute("BEGIN")
        self.sql: dict[str, str] = {}
        self.indexes = []
        for table in REINDEXED:
            rows = conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL",
                (table,),
            ).fetchall()
            for name, sql in rows:
                conn.execute(f'DROP INDEX "{name}"')
                self.indexes.append(sql)

    def write(self, name, rows):
        if name not in self.sql:
            cols = self.columns[name] + [c for c, _ in self.constants[name]]
            values = ["?"] * len(self.columns[name]) + [_sql_literal(v) for _, v in self.constants[name]]
            self.sql[name] = f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join(values)})"
        self.conn.executemany(self.sql[name], rows)

    def finish(self, counts: dict[str, int], built_spec: str) -> None:
        for sql in self.indexes:
            self.conn.execute(sql)
        self.conn.execute("COMMIT")
        self.conn.execute("ANALYZE")
        self.conn.execute(f"CREATE TABLE {MARKER} (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.conn.executemany(
            f"INSERT INTO {MARKER} VALUES (?, ?)", [("spec", built_spec), ("counts", json.dumps(counts))]
        )
        self.conn.execute("PRAGMA journal_mode=WAL")


class PostgresWriter(Writer):
    def __init__(self, conn):
        super().__init__()
        self.conn = conn
        conn.execute("SET session_replication_role = replica")  # no foreign-key triggers while loading
        conn.execute("SET synchronous_commit = off")
        conn.execute("SET TIME ZONE 'UTC'")  # datetimes are written as UTC without an offset
        conn.execute("SET maintenance_work_mem = '256MB'")
        self.sql: dict[str, str] = {}
        self.suffix: dict[str, str] = {}
        self.indexes: list[str] = []
        for table in REINDEXED:
            for name, definition in conn.execute(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                "AND contype = 'u'",
                (table,),
            ).fetchall():
                conn.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                self.indexes.append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
            for name, definition in conn.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
                "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
                (table, table),
            ).fetchall():
                conn.execute(f'DROP INDEX "{name}"')
                self.indexes.append(definition)

    def write(self, name, rows):
        if name not in self.sql:
            cols = self.columns[name] + [c for c, _ in self.constants[name]]
            self.sql[name] = f"COPY {name} ({', '.join(cols)}) FROM STDIN"
            self.suffix[name] = "".join("\t" + _pg_text(v) for _, v in self.constants[name]) + "\n"
        suffix = self.suffix[name]
        data = "".join(
            "\t".join(["\\N" if v is None else str(v) for v in row]) + suffix for row in rows
        )  # generated text has no tabs, newlines or backslashes
        with self.conn.cursor() as cur, cur.copy(self.sql[name]) as copy:
            copy.write(data)

    def finish(self, counts: dict[str, int], built_spec: str) -> None:
        for sql in self.indexes:
            self.conn.execute(sql)
        for name in self.columns:
            if "id" in self.columns[name]:
                self.conn.execute(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), coalesce(max(id), 1)) FROM {name}"
                )
        self.conn.execute("SET session_replication_role = DEFAULT")
        self.conn.execute(f"CREATE TABLE {MARKER} (key VARCHAR PRIMARY KEY, value VARCHAR)")
        self.conn.execute(f"INSERT INTO {MARKER} VALUES ('spec', %s), ('counts', %s)", (built_spec, json.dumps(counts)))
        self.conn.commit()
        self.conn.autocommit = True
        self.conn.execute("VACUUM ANALYZE")


def _pg_text(value) -> str:
    return "\\N" if value is None else str(value)


# --- Spreads --------------------------------------------------------------------------------------


def _with(weights: dict[str, float], **extra: float) -> dict[str, float]:
    return {**weights, **extra}


def _england(table: str) -> dict[str, float]:
    rows = (PROJECT_ROOT / "pwa" / "reports" / "england_dcrs_2010.csv").read_text().splitlines()[1:]
    return {cat: float(pct) for name, cat, pct in (r.split(",") for r in rows) if name == table}


GENDER = {"female": 58, "male": 38, "other": 0.5, "prefer_not_to_say": 1, "not_recorded": 2.5}
AGE = _with(_england("age_band"), not_recorded=3)
ETHNICITY = {
    "white_british": 62, "white_irish": 1.5, "white_other": 6, "mixed_white_black_caribbean": 1,
    "mixed_white_black_african": 0.6, "mixed_white_asian": 0.8, "mixed_other": 0.7, "asian_indian": 4,
    "asian_pakistani": 5, "asian_bangladeshi": 3, "asian_other": 1.5, "black_caribbean": 3, "black_african": 4,
    "black_other": 1, "chinese": 0.7, "other": 1.5, "not_stated": 2, "not_recorded": 2,
}  # fmt: skip
DISABILITY = {"disabled": 18, "not_disabled": 70, "prefer_not_to_say": 3, "not_recorded": 9}
HOW_HEARD = _with(_england("how_heard"), not_recorded=4)
REFERRAL = _with(_england("referral_source"), not_recorded=3, jobcentre_employment=1, housing=0.5)
QUINTILE = _england("deprivation_quintile")
EMPLOYMENT = {
    "employed": 35, "self_employed": 5, "unemployed": 18, "economically_inactive": 14, "student": 4,
    "retired": 15, "not_disclosed": 3, "not_recorded": 6,
}  # fmt: skip
SINCE_WORK = {c: 1 for c in caseload_vocab.TIME_SINCE_PAID_WORK}
GP = {"yes": 88, "no": 3, "not_known": 2, "not_recorded": 7}
ISSUE = _england("primary_issue")
READINESS = {"not_yet": 5, "thinking": 25, "preparing": 35, "doing": 25, "keeping_going": 10}
EXIT = {
    "completed_plan": 45, "goals_achieved_early": 8, "client_withdrew": 12, "lost_contact": 20, "moved_away": 3,
    "referred_on_instead": 4, "trainer_eased_off": 3, "other": 5,
}  # fmt: skip
OUTCOME = _england("goal_outcome")
MAINTAINED = {"yes": 45, "partly": 25, "no": 15, "not_contacted": 15}
GOALS = {code: 1 for code in plans_vocab.GOAL_CODES} | {
    "diet-increase-fruit_veg": 8, "diet-change": 5, "diet-reduce-portion_size": 4, "diet-reduce-unhealthy_snacks": 4,
    "exercise-increase-moderate": 8, "exercise-increase-light": 5, "weight-reduce": 7, "smoking-stop": 3,
    "smoking-reduce": 2, "alcohol-reduce": 2, "wellbeing-improve-mood": 2, "other": 0.5,
}  # fmt: skip
MODES = {"face_to_face": 70, "phone": 20, "video": 5, "group": 5}
SESSION_STATUS = {"attended": 80, "did_not_attend": 13, "cancelled": 7}
DESTINATIONS = {
    "community_voluntary": 25, "lifestyle_risk_management": 15, "gp_primary_care": 10, "emotional_wellbeing": 10,
    "advice_guidance": 8, "housing": 5, "jobcentre_employment": 6, "local_authority": 8, "hospital": 2, "other": 6,
    "health_trainer_service": 3, "prison": 0.5, "probation": 0.5,
}  # fmt: skip
SIGNPOST_KINDS = {"signpost": 70, "referral": 25, "accompanied": 5}
SIGNPOST_RESULT = {"attended": 55, "not_attended": 30, "unknown": 15}
BARRIER = {code: 1 for code in caseload_vocab.BARRIERS}
FOLLOW_UP = {"yes": 45, "partly": 25, "no": 15, "not_contacted": 15}
EVENT_TYPES = {
    "promotional_event": 15, "health_trainer_support_event": 10, "follow_up_event": 5, "group_course_session": 20,
    "talk": 10, "stall": 15, "health_walk": 12, "drop_in": 8, "door_knocking": 3, "other": 2,
}  # fmt: skip
EVENT_QUINTILE = {"q1_most_deprived": 45, "q2": 25, "q3": 13, "q4": 8, "q5_least_deprived": 5, "unknown": 4}
AGE_YEARS = {
    "under_18": (16, 17), "18_25": (18, 25), "26_35": (26, 35), "36_45": (36, 45), "46_55": (46, 55),
    "56_65": (56, 65), "over_65": (66, 88),
}  # fmt: skip

for _name, _words, _spread in [
    ("gender", caseload_vocab.GENDER, GENDER),
    ("age_band", caseload_vocab.AGE_BANDS, AGE),
    ("ethnicity", caseload_vocab.ETHNICITY, ETHNICITY),
    ("disability", caseload_vocab.DISABILITY, DISABILITY),
    ("how_heard", caseload_vocab.HOW_HEARD, HOW_HEARD),
    ("referral_source", caseload_vocab.REFERRAL_SOURCE, REFERRAL),
    ("quintile", caseload_vocab.QUINTILES, QUINTILE),
    ("employment", caseload_vocab.EMPLOYMENT, EMPLOYMENT),
    ("gp", caseload_vocab.GP_REGISTERED, GP),
    ("issue", caseload_vocab.PRIMARY_ISSUE, ISSUE),
    ("readiness", caseload_vocab.READINESS, READINESS),
    ("exit", caseload_vocab.EXIT_REASONS, EXIT),
    ("outcome", plans_vocab.GOAL_OUTCOMES, OUTCOME),
    ("goals", plans_vocab.GOAL_CODES, GOALS),
    ("destinations", caseload_vocab.REFERRAL_SOURCE, DESTINATIONS),
    ("events", community_vocab.EVENT_TYPES, EVENT_TYPES),
    ("event quintile", caseload_vocab.QUINTILES, EVENT_QUINTILE),
]:
    assert set(_spread) <= set(_words), f"{_name}: {set(_spread) - set(_words)} are not codes"


class Picker:
    """Draws codes by weight, many at a time (much faster than one rng.choices call per row)."""

    def __init__(self, rng: random.Random, weights: dict[str, float]):
        self.rng = rng
        self.codes = list(weights)
        total, self.cum = 0.0, []
        for weight in weights.values():
            total += weight
            self.cum.append(total)
        self.pool: list[str] = []

    def __call__(self) -> str:
        if not self.pool:
            self.pool = self.rng.choices(self.codes, cum_weights=self.cum, k=4096)
        return self.pool.pop()


def fit_total(counts: list[int], total: int, rng: random.Random, minimum: int = 0) -> list[int]:
    """Nudge counts up or down by one at random places until they add up to `total`."""
    if not counts:
        return counts
    diff = total - sum(counts)
    n = len(counts)
    while diff:
        i = rng.randrange(n)
        if diff > 0:
            counts[i] += 1
            diff -= 1
        elif counts[i] > minimum:
            counts[i] -= 1
            diff += 1
    return counts


def spread_counts(n: int, total: int, rng: random.Random, shape: float, minimum: int = 0) -> list[int]:
    """n counts adding up to `total`, gamma-spread (small shape = very uneven)."""
    mean = total / max(n, 1)
    counts = [max(minimum, round(rng.gammavariate(shape, mean / shape))) for _ in range(n)]
    return fit_total(counts, total, rng, minimum)


# --- Building -------------------------------------------------------------------------------------


@dataclass
class Geography:
    wards: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)  # quintile -> wards
    target_codes: list[str] = field(default_factory=list)


def make_geography(rng: random.Random) -> Geography:
    geography = Geography()
    number = 0
    for quintile in ("q1_most_deprived", "q2", "q3", "q4", "q5_least_deprived"):
        wards = []
        for _ in range(WARDS_PER_QUINTILE):
            number += 1
            district = f"FE{1 + number % 60}"
            wards.append((f"E05{number:06d}", f"Ward {number}", district, f"E01{number:06d}"))
        geography.wards[quintile] = wards
    geography.target_codes = [code for code, *_ in geography.wards["q1_most_deprived"][:TARGET_WARDS]]
    return geography


def build(writer: Writer, scale: float, seed: int, say) -> dict[str, int]:
    rng = random.Random(seed)
    want = targets(scale)
    today = london_today()
    first = today - timedelta(days=365 * YEARS)
    span = (today - first).days + 1
    days = [(first + timedelta(days=d)).isoformat() for d in range(span + 400)]  # day number -> ISO date
    geography = make_geography(rng)
    started = time.perf_counter()
    r, randint = rng.random, rng.randint

    def moment(day: int, hour: int, minute: int = 0) -> str:
        """A stored UTC datetime (SQLite's format; PostgreSQL reads it in UTC)."""
        return f"{days[day]} {hour:02d}:{minute:02d}:00.000000"

    # People: a manager, trainers and trainees with their WTE, champions; one password for all.
    persons = writer.table(
        "persons", ["id", "username", "email", "display_name", "password_hash", "is_disabled", "session_token"]
    )
    grants = writer.table("role_grants", ["id", "person_id", "service_id", "role", "wte"])
    password_hash = accounts.hash_password(harness.PASSWORD)
    staff = {"trainer": [], "trainee": [], "champion": []}
    people = [(MANAGER, "manager", 1.0)]
    n_trainers, n_trainees, n_champions = (max(2, round(n * scale)) for n in (TRAINERS, TRAINEES, CHAMPIONS))
    people += [(f"national-trainer-{i:03d}", "trainer", rng.choice([0.6, 0.8, 1.0, 1.0])) for i in range(n_trainers)]
    people += [(f"national-trainee-{i:03d}", "trainee", rng.choice([0.5, 1.0])) for i in range(n_trainees)]
    people += [(f"national-champion-{i:03d}", "champion", None) for i in range(n_champions)]
    for person_id, (username, role, wte) in enumerate(people, start=1):
        name = username.replace("national-", "").replace("-", " ").title()
        persons.append(
            (person_id, username, f"{username}@example.org", name, password_hash, 0, accounts.new_session_token())
        )
        grants.append((person_id, person_id, SERVICE_ID, role, wte))
        if role in staff:
            staff[role].append((person_id, wte))
    caseload = [pid for pid, _ in staff["trainer"] + staff["trainee"]]
    caseload_cum = []
    total = 0.0
    for _, wte in staff["trainer"] + staff["trainee"]:
        total += wte
        caseload_cum.append(total)
    workers = caseload + [pid for pid, _ in staff["champion"]]

    writer.table(
        "services",
        ["id", "slug", "name", "area", "yearly_client_target", "target_wards", "target_ward_share", "trainee_mode"],
    ).append(
        (
            SERVICE_ID,
            "national",
            "National Health Trainers",
            "England",
            round(want["clients"] / YEARS * 1.05),
            json.dumps(geography.target_codes),
            25.0,
            "full",
        )
    )
    writer.table("comparator_sets", ["id", "service_id", "name", "source", "created_by_id"]).append(
        (1, SERVICE_ID, "Borough population", "Census 2021, made up for the benchmark", 1)
    )
    comparator_values = writer.table("comparator_values", ["id", "set_id", "table_name", "category", "percent"])
    for i, (table, category, pct) in enumerate(
        [("gender", "female", 51.2), ("gender", "male", 48.8), ("age_band", "18_25", 11), ("age_band", "over_65", 16)],
        start=1,
    ):
        comparator_values.append((i, 1, table, category, pct))

    # Events over the three years, in date order, with one or two workers each.
    events = writer.table(
        "events",
        [
            "id", "uuid", "service_id", "event_type", "title", "starts_at", "ends_at", "venue", "postcode",
            "postcode_district", "ward_code", "ward_name", "quintile", "reached", "leaflets", "signposted",
            "registered", "interested", "created_by_id",
        ],
    )  # fmt: skip
    event_workers = writer.table("event_workers", ["id", "event_id", "person_id", "hours"])
    event_type = Picker(rng, EVENT_TYPES)
    event_quintile = Picker(rng, EVENT_QUINTILE)
    event_days = sorted(rng.randrange(span) for _ in range(want["events"]))
    event_creator: list[int] = [0]
    worker_id = 0
    for event_id, day in enumerate(event_days, start=1):
        kind, quintile = event_type(), event_quintile()
        if quintile == "unknown":
            ward, postcode = ("", "", "", ""), ""
        else:
            ward = rng.choice(geography.wards[quintile])
            postcode = f"{ward[2]} {rng.randint(1, 9)}AB"
        creator = rng.choice(workers)
        event_creator.append(creator)
        reached = rng.randint(20, 150) if kind in ("stall", "promotional_event") else rng.randint(4, 30)
        hour = rng.randint(9, 16)
        events.append(
            (
                event_id, f"00000000-0000-4000-8000-{event_id:012x}", SERVICE_ID, kind,
                f"{community_vocab.EVENT_TYPES[kind]} {event_id}", moment(day, hour), moment(day, hour + 2),
                f"Venue {event_id % 500}", postcode, ward[2], ward[0], ward[1], quintile, reached,
                reached // 2, randint(0, reached // 8), randint(0, reached // 15), randint(0, reached // 10), creator,
            )
        )  # fmt: skip
        for person in {creator, rng.choice(workers)}:
            worker_id += 1
            event_workers.append((worker_id, event_id, person, 2.0))
    writer.flush_all()
    say(f"  people, service, {len(event_days):,} events: {time.perf_counter() - started:.0f} s")

    # Clients, registered over three years: a few more each month, fewer at weekends.
    n_clients = want["clients"]
    weekday0 = first.weekday()
    weights = [(1 + 0.4 * d / span) * (0.25 if (weekday0 + d) % 7 >= 5 else 1.0) for d in range(span)]
    reg_days = sorted(rng.choices(range(span), weights=weights, k=n_clients))

    # Who has a plan, goals, sessions, a diary: decided per client below; counts spread to add up exactly.
    client_cols = [
        "id", "service_id", "trainer_id", "full_name", "diary_shared", "created_at", "updated_at", "registered_on",
        "registered_by_id", "first_seen_on", "client_ref", "gender", "date_of_birth", "age_band", "ethnicity",
        "disability", "phone", "postcode", "postcode_district", "ward_code", "ward_name", "lsoa_code",
        "deprivation_quintile", "how_heard", "heard_at_event_id", "referral_source", "employment_status",
        "time_since_paid_work", "gp_registered", "consent_signed_on", "consent_data_use", "contact_by_text",
    ]  # fmt: skip
    clients = writer.table("clients", client_cols)
    episodes = writer.table(
        "episodes",
        [
            "id", "service_id", "client_id", "number", "started_on", "ended_on", "exit_reason", "eligible",
            "eligibility_on", "assessed_on", "assessed_by_id", "primary_issue", "readiness", "agreed_on",
            "signposting", "exited_by_id",
        ],
    )  # fmt: skip
    plans = writer.table("plans", ["id", "service_id", "client_id", "episode_id", "agreed_on", "created_by_id"])
    goals = writer.table(
        "goals",
        [
            "id", "service_id", "client_id", "plan_id", "code", "wording", "start_date", "review_date", "set_by_id",
            "status", "stopped_on", "outcome", "outcome_on", "outcome_by_id", "maintained", "maintained_on",
        ],
    )  # fmt: skip
    sessions = writer.table(
        "support_sessions",
        [
            "id", "service_id", "client_id", "episode_id", "trainer_id", "starts_at", "mode", "status", "minutes",
            "recorded_at", "recorded_by_id",
        ],
    )  # fmt: skip
    measures = writer.table(
        "measures",
        ["id", "service_id", "client_id", "episode_id", "stage", "instrument", "value", "method", "taken_on"],
    )
    follow_ups = writer.table(
        "follow_ups", ["id", "service_id", "client_id", "episode_id", "stage", "due_on", "done_on", "result", "by_id"]
    )
    signposts = writer.table(
        "signposts",
        [
            "id", "service_id", "client_id", "episode_id", "destination", "destination_name", "event_id", "kind",
            "made_on", "by_id", "follow_up_on", "result", "barrier", "result_on",
        ],
    )  # fmt: skip
    diary_value_cols = [
        "kind", "meal", "description", "food_groups", "portions", "sugary_drinks", "activity", "minutes",
        "intensity", "steps", "drink", "volume_ml", "abv", "quantity", "units", "tobacco", "cigarettes", "marker",
        "mood", "mood_words", "weight_kg",
    ]  # fmt: skip
    diary = writer.table(
        "diary_entries",
        ["id", "uuid", "service_id", "client_id", "occurred_at", "day", "body_hash", "created_at", "updated_at"]
        + diary_value_cols,
    )
    templates = diary_templates(rng, diary_value_cols)

    gender, age, ethnicity, disability = (Picker(rng, w) for w in (GENDER, AGE, ETHNICITY, DISABILITY))
    how_heard, referral, quintile_of = Picker(rng, HOW_HEARD), Picker(rng, REFERRAL), Picker(rng, QUINTILE)
    employment, since_work, gp = Picker(rng, EMPLOYMENT), Picker(rng, SINCE_WORK), Picker(rng, GP)
    issue, readiness, exit_reason = Picker(rng, ISSUE), Picker(rng, READINESS), Picker(rng, EXIT)
    outcome_of, maintained_of, goal_code = Picker(rng, OUTCOME), Picker(rng, MAINTAINED), Picker(rng, GOALS)
    mode_of, status_of = Picker(rng, MODES), Picker(rng, SESSION_STATUS)
    destination, signpost_kind = Picker(rng, DESTINATIONS), Picker(rng, SIGNPOST_KINDS)
    signpost_result, barrier = Picker(rng, SIGNPOST_RESULT), Picker(rng, BARRIER)
    follow_up_result = Picker(rng, FOLLOW_UP)
    target_set = set(geography.target_codes)
    target_wards = [w for w in geography.wards["q1_most_deprived"] if w[0] in target_set]
    goal_words = plans_vocab.GOAL_CODES
    destination_words = caseload_vocab.REFERRAL_SOURCE

    # Pass 1: each client's timeline (no rows yet), so goals, sessions, signposts and diary entries can be
    # spread over the clients who would have them and still add up to the totals exactly.
    timelines = []
    for reg in reg_days:
        returning = reg < span - 400 and r() < 0.08
        base = reg
        if returning:
            first_end = reg + randint(40, 150)
            base = min(first_end + randint(60, 300), span - 1)
        else:
            first_end = None
        eligible = True if (e := r()) < 0.92 else (False if e < 0.95 else None)
        assessed = agreed = None
        if eligible and r() < 0.95 and base + 14 < span:
            assessed = base + randint(0, 14)
            if r() < 0.92:
                agreed = min(assessed + randint(0, 7), span - 1)
        ended = reason = None
        if eligible is False:
            ended, reason = base, "not_eligible"
        elif agreed is not None:
            duration = randint(40, 200)
            if agreed + duration < span and r() < 0.9:
                ended, reason = agreed + duration, exit_reason()
        elif base + 90 < span and r() < 0.8:
            ended, reason = base + randint(7, 60), ("lost_contact" if r() < 0.7 else "client_withdrew")
        timelines.append((reg, base, first_end, eligible, assessed, agreed, ended, reason))
    planned = [i for i, t in enumerate(timelines) if t[5] is not None]
    goal_counts = dict(zip(planned, spread_counts(len(planned), want["goals"], rng, 1.6, minimum=1), strict=True))
    session_counts = dict(zip(planned, spread_counts(len(planned), want["support_sessions"], rng, 2.5), strict=True))
    client_signposts = round(want["signposts"] * 0.8)
    signpost_counts = dict(zip(planned, spread_counts(len(planned), client_signposts, rng, 0.6), strict=True))
    diarists = [i for i in planned if r() < 0.25] or planned[:1]
    diary_counts = dict(zip(diarists, spread_counts(len(diarists), want["diary_entries"], rng, 1.2), strict=True))

    ids = dict.fromkeys(
        ["episode", "plan", "goal", "session", "measure", "follow_up", "signpost", "diary"], 0
    )  # last id used per table
    for index, (reg, base, first_end, eligible, assessed, agreed, ended, reason) in enumerate(timelines):
        client_id = index + 1
        trainer = caseload[bisect_left(caseload_cum, r() * total)]
        band = age()
        dob = None
        if band in AGE_YEARS:
            low, high = AGE_YEARS[band]
            dob = days[reg][:4]
            dob = f"{int(dob) - randint(low, high):04d}{days[reg][4:]}"
            if dob.endswith("02-29"):
                dob = dob[:-2] + "28"
        quintile = quintile_of()
        if quintile == "unknown":
            ward, postcode = ("", "", "", ""), ""
        else:
            if quintile == "q1_most_deprived" and r() < 0.45:
                ward = target_wards[randint(0, len(target_wards) - 1)]
            else:
                ward = geography.wards[quintile][randint(0, WARDS_PER_QUINTILE - 1)]
            postcode = f"{ward[2]} {randint(1, 9)}{'ABDEFGHJ'[randint(0, 7)]}{'LNPQRSTU'[randint(0, 7)]}"
        heard = how_heard()
        heard_event = None
        if heard == "promotional_event" and r() < 0.6:
            lo = bisect_left(event_days, reg - 60)
            hi = bisect_right(event_days, reg)
            if hi > lo:
                heard_event = randint(lo, hi - 1) + 1
        employed = employment()
        first_seen = None
        if agreed is not None and session_counts[index]:
            first_seen = days[agreed]
        clients.append(
            (
                client_id, SERVICE_ID, trainer, f"Client {client_id}", 1, moment(reg, 10), moment(reg, 10),
                days[reg], trainer, first_seen, f"N{client_id:07d}", gender(), dob, band, ethnicity(), disability(),
                "", postcode, ward[2], ward[0], ward[1], ward[3], quintile, heard, heard_event, referral(), employed,
                since_work() if employed in ("unemployed", "economically_inactive") else "not_recorded", gp(),
                days[reg] if r() < 0.97 else None, 1, int(r() < 0.6),
            )
        )  # fmt: skip

        # Episodes: a finished first one for a returning client, then the current one.
        if first_end is not None:
            ids["episode"] += 1
            episodes.append(
                (
                    ids["episode"], SERVICE_ID, client_id, 1, days[reg], days[first_end], "completed_plan", 1,
                    days[reg], days[reg], trainer, issue(), readiness(), days[reg], "not_required", trainer,
                )
            )  # fmt: skip
        ids["episode"] += 1
        episode_id = ids["episode"]
        signposting = "not_required" if r() < 0.2 else "not_yet_done"
        episodes.append(
            (
                episode_id, SERVICE_ID, client_id, 2 if first_end is not None else 1, days[base],
                days[ended] if ended is not None else None, reason,
                None if eligible is None else int(eligible), days[base] if eligible is not None else None,
                days[assessed] if assessed is not None else None, trainer if assessed is not None else None,
                (issue() if r() < 0.97 else None) if assessed is not None else None,
                readiness() if assessed is not None else None, days[agreed] if agreed is not None else None,
                signposting, trainer if ended is not None else None,
            )
        )  # fmt: skip

        # Measures at assessment, and at exit for those who finished their plan.
        if assessed is not None:
            finished = reason in ("completed_plan", "goals_achieved_early")
            for instrument, share, low, high, step in (
                ("self_efficacy", 0.8, 10, 90, 10),
                ("general_health", 0.75, 10, 90, 5),
                ("who5_percent", 0.75, 8, 88, 4),
            ):
                if r() < share:
                    start = randint(low // step, high // step) * step
                    ids["measure"] += 1
                    measures.append(
                        (ids["measure"], SERVICE_ID, client_id, episode_id, "baseline", instrument, float(start), "",
                         days[assessed])
                    )  # fmt: skip
                    if finished and r() < 0.75:
                        end = min(100, max(0, start + step * randint(-2, 6)))
                        ids["measure"] += 1
                        measures.append(
                            (ids["measure"], SERVICE_ID, client_id, episode_id, "exit", instrument, float(end), "",
                             days[ended])
                        )  # fmt: skip
            if r() < 0.7:
                bmi = round(rng.gauss(30, 6), 1)
                bmi = min(max(bmi, 16.0), 60.0)
                ids["measure"] += 1
                measures.append(
                    (ids["measure"], SERVICE_ID, client_id, episode_id, "baseline", "bmi", bmi, "measured",
                     days[assessed])
                )  # fmt: skip
                if finished and r() < 0.6:
                    ids["measure"] += 1
                    measures.append(
                        (ids["measure"], SERVICE_ID, client_id, episode_id, "exit", "bmi",
                         round(bmi - rng.uniform(-0.5, 2.5), 1), "measured", days[ended])
                    )  # fmt: skip

        if agreed is not None:
            last = ended if ended is not None else span - 1
            length = max(last - agreed, 1)
            ids["plan"] += 1
            plan_id = ids["plan"]
            plans.append((plan_id, SERVICE_ID, client_id, episode_id, days[agreed], trainer))
            for g in range(goal_counts[index]):
                start = agreed if g == 0 else agreed + randint(0, length)
                review = start + 42
                code = goal_code()
                status, stopped = ("stopped", days[min(start + 14, span - 1)]) if r() < 0.05 else ("active", None)
                outcome = outcome_on = outcome_by = kept = kept_on = None
                if status == "active" and (ended is not None or review < span) and r() < 0.9:
                    outcome = outcome_of() if r() < 0.95 else "none_yet"
                    outcome_on, outcome_by = days[min(review, span - 1, last)], trainer
                    if ended is not None and ended + 91 < span and r() < 0.4:
                        kept, kept_on = maintained_of(), days[ended + 91]
                ids["goal"] += 1
                goals.append(
                    (
                        ids["goal"], SERVICE_ID, client_id, plan_id, code, goal_words[code], days[start],
                        days[review], trainer, status, stopped, outcome, outcome_on, outcome_by, kept, kept_on,
                    )
                )  # fmt: skip
            n_sessions = session_counts[index]
            if n_sessions:
                step = max(1.0, min(10.0, length / n_sessions))
                for s in range(n_sessions):
                    day = agreed + int(s * step)
                    hour = randint(9, 17)
                    ids["session"] += 1
                    if day >= span - 1:
                        sessions.append(
                            (ids["session"], SERVICE_ID, client_id, episode_id, trainer, moment(day, hour), mode_of(),
                             "planned", None, None, None)
                        )  # fmt: skip
                    else:
                        status = "attended" if s == 0 else status_of()
                        sessions.append(
                            (ids["session"], SERVICE_ID, client_id, episode_id, trainer, moment(day, hour), mode_of(),
                             status, randint(3, 12) * 5 if status == "attended" else None, moment(day, hour + 1),
                             trainer)
                        )  # fmt: skip
            for _ in range(signpost_counts[index]):
                made = agreed + randint(0, length)
                result = result_on = why = None
                if made + 28 < span and r() < 0.7:
                    result = signpost_result()
                    result_on = days[made + 28]
                    why = barrier() if result == "not_attended" and r() < 0.7 else None
                code = destination()
                ids["signpost"] += 1
                signposts.append(
                    (
                        ids["signpost"], SERVICE_ID, client_id, episode_id, code, destination_words[code], None,
                        signpost_kind(), days[made], trainer, days[made + 28], result, why, result_on,
                    )
                )  # fmt: skip
            if ended is not None:
                for stage, after in (("3_months", 91), ("6_months", 182)):
                    due = ended + after
                    done = due < span - 7 and r() < 0.6
                    ids["follow_up"] += 1
                    follow_ups.append(
                        (
                            ids["follow_up"], SERVICE_ID, client_id, episode_id, stage, days[due],
                            days[due + 3] if done else None, follow_up_result() if done else None,
                            trainer if done else None,
                        )
                    )  # fmt: skip

        # Diary entries over the first weeks of the plan.
        n_entries = diary_counts.get(index, 0)
        if n_entries:
            window = min(max(span - 1 - agreed, 1), 120)
            uuid_head = f"{client_id:08x}-0000-4000-8000-"
            n_templates = len(templates)
            for k in range(n_entries):
                day = agreed + (k * window) // n_entries
                at = f"{days[day]} {randint(7, 21):02d}:{randint(0, 59):02d}:00.000000"
                ids["diary"] += 1
                entry_id = ids["diary"]
                diary.append(
                    (entry_id, f"{uuid_head}{k:012x}", SERVICE_ID, client_id, at, days[day], f"{entry_id:064x}", at, at)
                    + templates[randint(0, n_templates - 1)]
                )
        if index % 2000 == 0:
            writer.flush_full()
        if index % 40000 == 0 and index:
            say(f"  {index:,} clients: {time.perf_counter() - started:.0f} s")

    # Signposts made at events for people who are not registered.
    for _ in range(want["signposts"] - client_signposts):
        event_id = randint(1, len(event_days))
        made = event_days[event_id - 1]
        code = destination()
        ids["signpost"] += 1
        signposts.append(
            (
                ids["signpost"], SERVICE_ID, None, None, code, destination_words[code], event_id, signpost_kind(),
                days[made], event_creator[event_id], days[made + 28], None, None, None,
            )
        )  # fmt: skip
    writer.flush_all()
    say(f"  all rows written: {time.perf_counter() - started:.0f} s")
    return dict(writer.counts)


def diary_templates(rng: random.Random, columns: list[str]) -> list[tuple]:
    """A few hundred entries' kind-specific columns, as the API would store them, to draw from."""
    templates = []
    kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=400)
    for kind in kinds:
        if kind == "food":
            values = food_values(rng)
        elif kind == "activity":
            values = activity_values(rng)
        elif kind == "alcohol":
            values = stored_drink(drink_values(rng)) if rng.random() < 0.6 else {"marker": "drink_free", "units": 0.0}
        elif kind == "smoking":
            values = smoking_values(rng) if rng.random() < 0.7 else {"marker": "smoke_free"}
        elif kind == "mood":
            values = mood_values(rng)
        else:
            values = {"weight_kg": round(rng.uniform(60, 120), 1)}
        values["kind"] = kind
        row = []
        for column in columns:
            value = values.get(column)
            if isinstance(value, list):
                value = json.dumps(value)
            row.append(value)
        templates.append(tuple(row))
    return templates


# --- Command line ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="share of the national size (1)")
    parser.add_argument("--seed", type=int, default=8, help="random seed (8)")
    parser.add_argument(
        "--database-url",
        default=None,
        help=f"a PostgreSQL server (the bench uses its own database {PG_DATABASE} there) or a sqlite:/// URL "
        f"(default: a file under {DEFAULT_DIR})",
    )
    args = parser.parse_args(argv)
    if not 0 < args.scale <= 1:
        parser.error("--scale must be more than 0 and at most 1")
    url = args.database_url or sqlite_url(args.scale)
    if harness.is_postgres(url):
        url = postgres_url(url, args.scale)
    ensure(url, args.scale, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
