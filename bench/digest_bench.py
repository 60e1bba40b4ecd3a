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
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlmodel import Session  # noqa: E402

from bench import harness  # noqa: E402
from bench.diary_bench import diary_rows  # noqa: E402
from bench.harness import Case, SqlMeter  # noqa: E402
from models import Client, Episode, Goal, GoalWeek, Person, Plan, RoleGrant, Service, Signpost, SupportSession  # noqa: E402
from pwa import accounts  # noqa: E402
from pwa.caseload import digest as digest_module  # noqa: E402
from pwa.clock import LONDON, london_today, utcnow  # noqa: E402

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
    person = harness.add_person(session, f"bench-{name.lower()}", trainer.password_hash)
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

    rows = diary_rows(rng, client, person.id, per_day * 365, now)
    for row in rows:
        row.talk_about = rng.random() < 0.02  # a few entries the client wants to talk about
    session.add_all(rows)
    session.commit()
    return BenchClient(client, f"{name}: last session {last_met_days} days ago", len(rows))


def build_world(engine, per_day: int, seed: int) -> tuple[Person, list[BenchClient]]:
    rng = random.Random(seed)
    password_hash = accounts.hash_password(harness.PASSWORD)  # Argon2: slow on purpose, so once
    with Session(engine, expire_on_commit=False) as session:
        service = Service(slug="bench", name="Bench Health Trainers", area="Benchton", yearly_client_target=300)
        session.add(service)
        session.flush()
        trainer = harness.add_person(session, "bench-trainer", password_hash)
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


def run_database(given: str | None, args) -> tuple[str, list[Case], list[int], str]:
    """Build the world in one database and time the digest pages. Returns (db kind, cases, rows read, data)."""
    with harness.bench_app(given, "digest-bench-") as (app, engine, started):
        trainer, clients = build_world(engine, args.per_day, args.seed)
        db_kind = harness.loaded_database_kind(engine)
        total = sum(item.entries for item in clients)
        harness.print_ready(db_kind, f"{total} diary entries for {len(clients)} clients", started)
        browser = harness.logged_in(app, trainer.username)
        meter = SqlMeter(engine)
        counter = RowCounter()
        cases = []
        rows_read: list[int] = []
        for item in clients:
            for suffix, name in (("", "digest"), ("/print", "print view")):
                path = f"/clients/{item.client.id}/digest{suffix}"
                case = Case(f"GET {name} ({item.label})", lambda path=path: browser.get(path), measure_size=True)
                counter.rows, counter.active = [], True
                harness.run_case(case, meter, warmup=args.warmup, repeat=args.repeat)
                counter.active = False
                cases.append(case)
                rows_read.append(max(counter.rows) if counter.rows else 0)
        data = (
            f"{len(clients)} clients, each with about {args.per_day} diary entries a day for 365 days "
            f"({total} in all), a plan of 3 goals, 12 sessions and 6 signposts"
        )
        return db_kind, cases, rows_read, data


def databases(given: str | None) -> list[str | None]:
    """Which databases to run: the given one only, else SQLite and (when DATABASE_URL is PostgreSQL) PostgreSQL."""
    if given:
        return [given]
    env = os.environ.get("DATABASE_URL", "")
    return [None, env] if env and harness.is_postgres(env) else [None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--per-day", type=int, default=8, help="diary entries a day over the last year (8)")
    harness.add_run_arguments(parser, repeat=50, warmup=5)
    harness.add_database_argument(
        parser,
        "PostgreSQL server to make a throwaway bench_<random> database on, or an empty database; "
        "only that one is run (default: SQLite, and PostgreSQL too when DATABASE_URL names a server)",
    )
    harness.add_report_arguments(parser, target_ms=100.0, seed=5, seed_help="random seed for the diary", profile=False)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.per_day < 0:
        parser.error("--repeat must be at least 1 and --per-day at least 0")

    over = []
    for given in databases(args.database_url):
        load_at_start = harness.load_average()
        db_kind, cases, rows_read, data = run_database(given, args)
        table = harness.markdown_table(cases, args.target_ms, columns={"Diary rows read": rows_read})
        lines = harness.details(
            db_kind,
            load_at_start,
            f"{data}; {args.warmup} warm-up and {args.repeat} timed runs per request, as the logged-in trainer",
        )
        harness.print_report(lines, table)
        print()
        if not args.no_results:
            harness.write_results(args.results, SECTION_HEADING, Path(__file__).name, db_kind, lines, table)
            print(f"Wrote {args.results}.")
        over += harness.over_target(cases, args.target_ms, label=f"{db_kind}: ")
    return harness.verdict(over, args.target_ms)


if __name__ == "__main__":
    harness.run(main)
