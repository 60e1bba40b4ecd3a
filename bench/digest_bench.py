#!/usr/bin/env python
"""Digest benchmark (issue 5): server time of the pre-session digest for a client with a year of diary.

    .venv/bin/python bench/digest_bench.py [--per-day 8] [--repeat 50] [--database-url URL]

What it does:

1. Makes a fresh database and runs the migrations: a SQLite file in a temporary folder, and
   also a throwaway PostgreSQL database when DATABASE_URL (or --database-url) names a
   PostgreSQL server (created beside it and dropped at the end, as bench/diary_bench.py does).
   --database-url runs only that database.
2. Builds one service, one trainer and two clients, each with a year of realistic diary entries
   (about --per-day a day, every kind, a few marked "want to talk about"; the same generator as
   bench/diary_bench.py), an episode a year long with a plan of 3 goals, 12 sessions and 6
   signposts. "Weekly" last met 14 days ago; "Gap" last met 200 days ago, so its digest covers
   the longest period (8 weeks, and 8 weeks before): the worst case.
3. Logs the trainer in with Flask's test client (in process, no network) and times GET
   /clients/<id>/digest and the print view over --repeat runs after --warmup runs. Any status
   other than 200 stops the run (exit 2).
4. Prints a Markdown table (median, p95, max, SQL statements and SQL time per request, diary
   rows read) and writes it to bench/RESULTS.md under "## Digest (issue 5)", one subsection per
   database kind, keeping the rest of the file.

The digest must read only the days of its two periods (the index on diary_entries (client_id,
day) does that), never the whole year: the "Diary rows read" column shows it.

Exit status: 0 when every median is within --target-ms (100 ms), 1 when one is over, 2 when a
request fails.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
if str(BENCH_DIR) not in sys.path:
    sys.path.insert(0, str(BENCH_DIR))

# The diary bench's database helpers, diary generator and measuring tools (it also puts the project on sys.path).
import diary_bench as shared  # noqa: E402
from sqlmodel import Session  # noqa: E402

from models import Client, Episode, Goal, GoalWeek, Plan, RoleGrant, Service, Signpost, SupportSession  # noqa: E402
from pwa import accounts, create_app  # noqa: E402
from pwa.caseload import digest as digest_module  # noqa: E402
from pwa.cli import upgrade_database  # noqa: E402
from pwa.clock import LONDON, london_today, utcnow  # noqa: E402

RESULTS_FILE = BENCH_DIR / "RESULTS.md"
SECTION_HEADING = "## Digest (issue 5)"
GOALS = [
    ("exercise-increase-moderate", "Walk for 30 minutes on 5 days", "active_minutes_week", 150, {}),
    ("diet-increase-fruit_veg", "Five fruit and veg on 4 days", "fruit_veg_days", 4, {"portions": 5}),
    ("alcohol-reduce", "Keep to 14 units a week", "units_week", 14, {}),
]
NOTES = [
    "Talked about the walking group; knee is better. Cooking more at home.",
    "Hard week at work. We looked at snacks in the evening and planned the weekend.",
]
ACTIONS = ["Walk to the shop three times.\nTry the Tuesday cooking class.", "Swap one takeaway for a home meal."]


@dataclass
class BenchClient:
    client: Client
    label: str
    entries: int


def add_client(
    session: Session, rng: random.Random, service: Service, trainer, name: str, last_met_days: int, per_day: int
) -> BenchClient:
    """A client with a year of diary, a plan of 3 goals, 12 sessions (the last attended `last_met_days` ago)
    and 6 signposts."""
    now, today = utcnow(), london_today()
    year_ago = today - timedelta(days=365)
    person = shared._person(session, f"bench-{name.lower()}", trainer.password_hash)
    session.add(RoleGrant(person_id=person.id, service_id=service.id, role="client"))
    client = Client(
        service_id=service.id,
        person_id=person.id,
        trainer_id=trainer.id,
        full_name=f"Bench {name}",
        created_at=now - timedelta(days=366),
    )
    session.add(client)
    session.flush()
    episode = Episode(service_id=service.id, client_id=client.id, started_on=year_ago, sessions_planned=12)
    session.add(episode)
    session.flush()
    plan = Plan(service_id=service.id, client_id=client.id, episode_id=episode.id, agreed_on=year_ago)
    session.add(plan)
    session.flush()
    goals = [
        Goal(
            service_id=service.id,
            client_id=client.id,
            plan_id=plan.id,
            code=code,
            wording=wording,
            target_kind=kind,
            target_value=value,
            target_extra=extra,
            start_date=year_ago,
            review_date=today + timedelta(days=28),
            set_by_id=trainer.id,
        )
        for code, wording, kind, value, extra in GOALS
    ]
    session.add_all(goals)
    session.flush()
    # Two excused weeks per goal (ill, away), one of them recent.
    for goal in goals:
        for back in (3, 20):
            monday = today - timedelta(days=today.weekday() + 7 * back)
            session.add(GoalWeek(goal_id=goal.id, monday=monday, excused=True, excused_reason="Away"))

    # 11 sessions attended, spread over the year up to `last_met_days` ago, and one planned in 3 days.
    last = today - timedelta(days=last_met_days)
    days = [year_ago + (last - year_ago) * step // 10 for step in range(11)]
    for number, day in enumerate(days):
        session.add(
            SupportSession(
                service_id=service.id,
                client_id=client.id,
                episode_id=episode.id,
                trainer_id=trainer.id,
                starts_at=datetime.combine(day, datetime.min.time().replace(hour=10), tzinfo=LONDON),
                venue="Hope Street Centre",
                status="attended",
                minutes=45,
                notes=NOTES[number % 2],
                agreed_actions=ACTIONS[number % 2],
                goals_reviewed=[goal.id for goal in goals[: 1 + number % 3]],
            )
        )
    session.add(
        SupportSession(
            service_id=service.id,
            client_id=client.id,
            episode_id=episode.id,
            trainer_id=trainer.id,
            starts_at=datetime.combine(today + timedelta(days=3), datetime.min.time().replace(hour=11), tzinfo=LONDON),
            venue="Hope Street Centre",
        )
    )
    for number in range(6):
        made = today - timedelta(days=20 * (number + 1))
        session.add(
            Signpost(
                service_id=service.id,
                client_id=client.id,
                episode_id=episode.id,
                destination=["community_voluntary", "advice_guidance", "housing"][number % 3],
                destination_name=["Walking group", "Citizens Advice", "Housing team"][number % 3],
                kind="referral" if number % 2 else "signpost",
                made_on=made,
                by_id=trainer.id,
                follow_up_on=made + timedelta(days=14),
                result="attended" if number >= 3 else None,
                result_on=made + timedelta(days=14) if number >= 3 else None,
            )
        )
    session.commit()

    rows = shared.diary_rows(rng, client, person.id, per_day * 365, now)
    for row in rows:
        row.talk_about = rng.random() < 0.02  # a few entries the client wants to talk about
    session.add_all(rows)
    session.commit()
    return BenchClient(client, f"{name}: last session {last_met_days} days ago", len(rows))


def build_world(engine, per_day: int, seed: int) -> tuple[shared.Person, list[BenchClient]]:
    rng = random.Random(seed)
    password_hash = accounts.hash_password(shared.PASSWORD)  # Argon2: slow on purpose, so once
    with Session(engine, expire_on_commit=False) as session:
        service = Service(slug="bench", name="Bench Health Trainers", area="Benchton", yearly_client_target=300)
        session.add(service)
        session.flush()
        trainer = shared._person(session, "bench-trainer", password_hash)
        session.add(RoleGrant(person_id=trainer.id, service_id=service.id, role="trainer", wte=1.0))
        session.commit()
        clients = [
            add_client(session, rng, service, trainer, "Weekly", 14, per_day),
            add_client(session, rng, service, trainer, "Gap", 200, per_day),
        ]
        return trainer, clients


class RowCounter:
    """Counts the diary rows the digest reads, by wrapping its reader while `active`."""

    def __init__(self):
        self.rows: list[int] = []
        self.active = False
        original = digest_module.read_diary

        def counted(*args, **kwargs):
            found = original(*args, **kwargs)
            if self.active:
                self.rows.append(len(found))
            return found

        digest_module.read_diary = counted


def run_database(url: str, args) -> tuple[str, list[shared.Case], list[int], str]:
    """Build the world in one database and time the digest pages. Returns (db kind, cases, rows read, data)."""
    with tempfile.TemporaryDirectory(prefix="digest-bench-") as tmp:
        started = time.perf_counter()
        upgrade_database(url)
        app = create_app({"SECRET_KEY": shared.SECRET_KEY, "DATABASE_URL": url, "INSTANCE_PATH": tmp, "TESTING": False})
        engine = app.extensions["db_engine"]
        try:
            db_kind = shared.database_kind(engine)
            trainer, clients = build_world(engine, args.per_day, args.seed)
            if shared.analyze(engine):
                db_kind += ", ANALYZE after loading"
            total = sum(item.entries for item in clients)
            print(
                f"{db_kind}: {total} diary entries for {len(clients)} clients, ready in "
                f"{time.perf_counter() - started:.1f} s."
            )
            browser = app.test_client()
            shared.log_in(browser, trainer.username)
            meter = shared.SqlMeter(engine)
            counter = RowCounter()
            cases = []
            rows_read: list[int] = []
            for item in clients:
                for suffix, name in (("", "digest"), ("/print", "print view")):
                    path = f"/clients/{item.client.id}/digest{suffix}"
                    case = shared.Case(
                        f"GET {name} ({item.label})", lambda path=path: browser.get(path), measure_size=True
                    )
                    counter.rows, counter.active = [], True
                    shared.run_case(case, meter, warmup=args.warmup, repeat=args.repeat)
                    counter.active = False
                    cases.append(case)
                    rows_read.append(max(counter.rows) if counter.rows else 0)
            data = (
                f"{len(clients)} clients, each with about {args.per_day} diary entries a day for 365 days "
                f"({total} in all), a plan of 3 goals, 12 sessions and 6 signposts"
            )
            return db_kind, cases, rows_read, data
        finally:
            engine.dispose()


def markdown_table(cases: list[shared.Case], rows_read: list[int], target_ms: float) -> str:
    lines = [
        "| Request | Median ms | p95 ms | Max ms | SQL statements | SQL ms (median) | Diary rows read | HTML KB "
        f"| Target {target_ms:g} ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for case, rows in zip(cases, rows_read, strict=True):
        median = statistics.median(case.times_ms)
        low, high = min(case.sql_counts), max(case.sql_counts)
        statements = str(low) if low == high else f"{low}–{high}"
        verdict = "ok" if median <= target_ms else "**over**"
        lines.append(
            f"| {case.name} | {median:.1f} | {shared.percentile(case.times_ms, 0.95):.1f} | {max(case.times_ms):.1f} "
            f"| {statements} | {statistics.median(case.sql_ms):.1f} | {rows} | {case.size_kb:.1f} | {verdict} |"
        )
    return "\n".join(lines)


def write_results(path: Path, db_kind: str, body: str) -> None:
    """Create or replace the "### <db kind>" subsection of the digest section, keeping the rest of the file."""
    heading = f"### {db_kind.split()[0]}"
    subsection = [heading, "", *body.rstrip("\n").splitlines(), ""]
    lines = path.read_text().splitlines() if path.exists() else ["# Benchmarks", ""]
    if SECTION_HEADING not in lines:
        if lines and lines[-1].strip():
            lines.append("")
        lines += [
            SECTION_HEADING,
            "",
            "Made by `.venv/bin/python bench/digest_bench.py`; see the docstring there for what is measured.",
            "",
        ]
    start = lines.index(SECTION_HEADING)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
    section = lines[start:end]
    if heading in section:
        sub_start = section.index(heading)
        sub_end = next((i for i in range(sub_start + 1, len(section)) if section[i].startswith("### ")), len(section))
        section[sub_start:sub_end] = subsection
    else:
        if section[-1].strip():
            section.append("")
        section += subsection
    lines[start:end] = section
    path.write_text("\n".join(lines).rstrip("\n") + "\n")


def databases(given: str | None) -> list[str | None]:
    """Which databases to run: the given one only, else SQLite and (when DATABASE_URL is PostgreSQL) PostgreSQL."""
    if given:
        return [given]
    env = os.environ.get("DATABASE_URL", "")
    return [None, env] if env and shared.is_postgres(env) else [None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=8, help="diary entries a day over the last year (8)")
    parser.add_argument("--repeat", type=int, default=50, help="timed runs per request (50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed runs per request first (5)")
    parser.add_argument(
        "--database-url",
        default=None,
        help="PostgreSQL server to make a throwaway bench_<random> database on, or an empty database; "
        "only that one is run (default: SQLite, and PostgreSQL too when DATABASE_URL names a server)",
    )
    parser.add_argument("--target-ms", type=float, default=100.0, help="target for each median (100)")
    parser.add_argument("--seed", type=int, default=5, help="random seed for the diary (5)")
    parser.add_argument("--results", type=Path, default=RESULTS_FILE, help="Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.per_day < 0:
        parser.error("--repeat must be at least 1 and --per-day at least 0")

    over = []
    for given in databases(args.database_url):
        load_at_start = shared.load_average()
        with tempfile.TemporaryDirectory(prefix="digest-db-") as tmp, shared.bench_database(given, Path(tmp)) as url:
            db_kind, cases, rows_read, data = run_database(url, args)
        table = markdown_table(cases, rows_read, args.target_ms)
        details = [
            f"- Date: {datetime.now(LONDON).strftime('%Y-%m-%d %H:%M %Z')}",
            f"- Machine: {shared.machine()}",
            f"- Load average (1 min): {shared.describe_load(load_at_start, shared.load_average())}",
            f"- Database: {db_kind}",
            f"- Data: {data}; {args.warmup} warm-up and {args.repeat} timed runs per request, as the logged-in trainer",
            "- Time is measured around Flask's test client call (in process, no network); "
            "SQL ms is time spent in the database driver.",
        ]
        print()
        print("\n".join(details))
        print()
        print(table)
        print()
        if not args.no_results:
            write_results(args.results, db_kind, "\n".join(details) + "\n\n" + table)
            print(f"Wrote {args.results}.")
        over += [(db_kind, case) for case in cases if statistics.median(case.times_ms) > args.target_ms]

    if over:
        print(f"\nOver the {args.target_ms:g} ms target (median):")
        for db_kind, case in over:
            print(f"  {db_kind}: {case.name}: {statistics.median(case.times_ms):.1f} ms")
        return 1
    print(f"\nEvery median is within the {args.target_ms:g} ms target.")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except shared.BenchFailure as failure:
        print(f"\nBENCH FAILED: {failure}", file=sys.stderr)
        sys.exit(2)
