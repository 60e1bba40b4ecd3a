#!/usr/bin/env python
"""Caseload worklist benchmark (issue 5): server time of a trainer's worklist with 200 active clients.

    .venv/bin/python bench/worklist_bench.py [--clients 200] [--repeat 50] [--database-url URL]

What it does:

1. Makes a fresh, migrated database as bench/diary_bench.py does: a SQLite file in a temporary
   folder by default, or a throwaway bench_<random> database on the PostgreSQL server given with
   --database-url (dropped at the end).
2. Builds one service with a trainer holding --clients active clients (200), and a second trainer
   with half as many, so the manager's view of the whole service is bigger still. For each active
   client: an open episode (eligible, assessed, plan agreed 6 to 16 weeks ago), a plan with 2 or 3
   goals (check-ins and diary targets) and some weekly check-in answers, weekly sessions that took
   place plus a planned one (a few missed, a few clients with no next session), and a signpost for
   one in two. Three in four clients (150 of 200) have the app and keep a diary of about 8 entries
   a day over the last 6 weeks; one in ten of them stopped a week or more ago. A few clients are
   paused, unsigned or marked for follow-up. Each trainer also has finished clients (half as many
   as active ones) with 3 and 6 month follow-ups and goal outcomes. Rows are inserted in bulk; on
   PostgreSQL ANALYZE runs after loading, as autovacuum would.
3. Logs in (Flask's test client, in process, no network) and times each request over --repeat
   runs after --warmup runs: the trainer's worklist, one of its filters, an htmx name search (the
   list fragment only), and the manager's worklist of the whole service.
4. Prints a Markdown table (median, p95, max, SQL statements and SQL time per request, HTML size)
   and writes it to bench/RESULTS.md under "## Caseload worklist (issue 5)", in a subsection per
   database kind, keeping every other section of the file.

Exit status: 0 when every median of the trainer's requests is within --target-ms (100 ms; the
manager's page has no target), 1 when one is over, 2 when a request fails.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

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
from bench.harness import Case, SqlMeter, add_person  # noqa: E402
from models import (  # noqa: E402
    Client,
    DiaryEntry,
    Episode,
    FollowUp,
    Goal,
    GoalWeek,
    Person,
    Plan,
    RoleGrant,
    Service,
    Signpost,
    SupportSession,
)
from pwa import accounts  # noqa: E402
from pwa.clock import LONDON, london_today, utcnow  # noqa: E402
from pwa.diary.totals import week_start  # noqa: E402

SECTION_HEADING = "## Caseload worklist (issue 5)"
COUNT = re.compile(r'>([^<>]+?) <span class="count">(\d+)</span>')

# Goals a client may have: (code, target kind, target value, extra settings).
GOALS = [
    ("wellbeing-improve-sleep", "check_in", None, {}),
    ("exercise-increase-moderate", "active_minutes_week", 150, {}),
    ("diet-increase-fruit_veg", "fruit_veg_days", 4, {"portions": 5}),
    ("alcohol-reduce", "units_week", 14, {}),
    ("smoking-reduce", "cigarettes_day", 5, {}),
    ("wellbeing-improve-stress", "check_in", None, {}),
]
DIARY_DAYS = 42
ENTRIES_A_DAY = 8


@dataclass
class World:
    trainer: Person
    manager: Person
    active: int
    finished: int
    entries: int
    sessions: int


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, clock_time(hour, minute), tzinfo=LONDON)


# Every column of a diary entry, so the bulk insert's rows all have the same keys.
ENTRY_COLUMNS = {column.name: None for column in DiaryEntry.__table__.columns if column.name not in ("id",)}


def diary_dicts(rng: random.Random, client: Client, today: date, stopped_days_ago: int) -> list[dict]:
    """About ENTRIES_A_DAY entries a day over the last DIARY_DAYS days, as bulk-insert rows."""
    rows = []
    now = utcnow()
    for back in range(DIARY_DAYS - 1, stopped_days_ago - 1, -1):
        day = today - timedelta(days=back)
        count = max(1, round(rng.gauss(ENTRIES_A_DAY, 2)))
        kinds = rng.choices(list(KIND_WEIGHTS), weights=list(KIND_WEIGHTS.values()), k=count)
        drinks_today, smokes_today = rng.random() < 0.4, rng.random() < 0.5
        for number, kind in enumerate(kinds):
            moment = min(at(day, 7 + number * 15 // max(count, 1)), now - timedelta(minutes=1))
            values: dict
            if kind == "food":
                values = food_values(rng)
            elif kind == "activity":
                values = activity_values(rng)
            elif kind == "alcohol":
                values = stored_drink(drink_values(rng)) if drinks_today else {"marker": "drink_free", "units": 0.0}
            elif kind == "smoking":
                values = smoking_values(rng) if smokes_today else {"marker": "smoke_free", "cigarettes": 0}
            elif kind == "mood":
                values = mood_values(rng)
            else:
                values = {"weight_kg": round(rng.uniform(70, 100), 1)}
            rows.append(
                {
                    **ENTRY_COLUMNS,
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "service_id": client.service_id,
                    "client_id": client.id,
                    "kind": kind,
                    "occurred_at": moment,
                    "day": day,
                    "note": "",
                    "talk_about": False,
                    "body_hash": f"bench-{rng.getrandbits(64):016x}",
                    "version": 1,
                    "entered_by_id": client.person_id,
                    "created_at": moment,
                    "updated_at": moment,
                    **values,
                }
            )
    return rows


def add_caseload(session: Session, rng: random.Random, service: Service, trainer: Person, active: int, tag: str):
    """A trainer's caseload: `active` clients being supported and half as many finished. Returns counts."""
    today = london_today()
    this_monday = week_start(today)
    clients = []
    for number in range(active + active // 2):
        has_app = number < active and number % 4 != 3  # three in four active clients use the app
        person = add_person(session, f"{tag}-client-{number}", None) if has_app else None
        clients.append(
            Client(
                service_id=service.id,
                person_id=person.id if person else None,
                trainer_id=trainer.id,
                full_name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {tag}{number}",
                registered_on=today - timedelta(days=120),
                consent_signed_on=None if number % 17 == 0 else today - timedelta(days=110),
                diary_shared=number % 10 != 9,
                follow_up_flag=number % 23 == 0,
                follow_up_note="Ring about the walking group" if number % 23 == 0 else "",
            )
        )
    session.add_all(clients)
    session.flush()

    sessions = entries = 0
    for number, client in enumerate(clients):
        finished = number >= active
        started = today - timedelta(days=rng.randint(50 if not finished else 200, 120 if not finished else 400))
        episode = Episode(
            service_id=service.id,
            client_id=client.id,
            started_on=started,
            eligible=True,
            eligibility_on=started,
            assessed_on=started + timedelta(days=3),
            primary_issue="diet",
            agreed_on=started + timedelta(days=7),
            paused_on=today - timedelta(days=12) if not finished and number % 19 == 0 else None,
            ended_on=started + timedelta(days=90) if finished else None,
            exit_reason="completed_plan" if finished else None,
        )
        session.add(episode)
        session.flush()
        plan = Plan(service_id=service.id, client_id=client.id, episode_id=episode.id, agreed_on=episode.agreed_on)
        session.add(plan)
        session.flush()
        goals = []
        for code, kind, value, extra in rng.sample(GOALS, rng.choice([2, 3])):
            goals.append(
                Goal(
                    service_id=service.id,
                    client_id=client.id,
                    plan_id=plan.id,
                    code=code,
                    wording=f"Goal: {code}",
                    target_kind=kind,
                    target_value=value,
                    target_extra=extra,
                    start_date=episode.agreed_on,
                    # Most reviews are still ahead; about one in ten is overdue.
                    review_date=episode.agreed_on + timedelta(days=84)
                    if finished
                    else today + timedelta(days=rng.randint(-6, 56)),
                    outcome=rng.choice(["achieved", "part_achieved", None]) if finished else None,
                )
            )
        session.add_all(goals)
        session.flush()
        if not finished and number % 12 != 6:  # one in twelve never answers the weekly check-in
            for goal in goals:
                if goal.target_kind == "check_in":
                    for weeks_back in range(1, 5):
                        if rng.random() < 0.6:
                            answer = rng.choice(["yes", "partly", "no"])
                            monday = this_monday - timedelta(weeks=weeks_back)
                            session.add(GoalWeek(goal_id=goal.id, monday=monday, check_in=answer))
        # Weekly sessions from the agreement: past ones took place (a few missed), then one planned.
        day = episode.agreed_on
        last = episode.ended_on or today
        while day < last:
            status = "attended" if rng.random() < 0.85 else "did_not_attend"
            session.add(
                SupportSession(
                    service_id=service.id,
                    client_id=client.id,
                    episode_id=episode.id,
                    trainer_id=trainer.id,
                    starts_at=at(day, rng.choice([10, 11, 14, 15])),
                    status=status,
                    minutes=45,
                    recorded_at=utcnow(),
                )
            )
            sessions += 1
            day += timedelta(days=rng.choice([7, 7, 14]))
        if not finished and number % 8 != 0:
            # Mostly next week; one in twelve was never recorded (planned in the past).
            when = today - timedelta(days=2) if number % 12 == 0 else today + timedelta(days=rng.randint(1, 14))
            session.add(
                SupportSession(
                    service_id=service.id,
                    client_id=client.id,
                    episode_id=episode.id,
                    trainer_id=trainer.id,
                    starts_at=at(when, 10),
                )
            )
            sessions += 1
        if number % 2 == 0:
            session.add(
                Signpost(
                    service_id=service.id,
                    client_id=client.id,
                    episode_id=episode.id,
                    destination="community_voluntary",
                    destination_name="Walking group",
                    made_on=episode.agreed_on + timedelta(days=14),
                    follow_up_on=today + timedelta(days=rng.randint(-20, 20)),
                    result="attended" if number % 4 == 0 else None,
                )
            )
        if finished:
            for stage, months in (("3_months", 3), ("6_months", 6)):
                due = episode.ended_on + timedelta(days=30 * months)
                done = due if due < today - timedelta(days=10) and rng.random() < 0.7 else None
                session.add(
                    FollowUp(
                        service_id=service.id,
                        client_id=client.id,
                        episode_id=episode.id,
                        stage=stage,
                        due_on=due,
                        done_on=done,
                        result="yes" if done else None,
                    )
                )
        if client.person_id is not None:
            stopped = rng.choice([8, 10, 15]) if number % 10 == 5 else 0
            rows = diary_dicts(rng, client, today, stopped)
            session.execute(insert(DiaryEntry), rows)
            entries += len(rows)
    session.commit()
    return active, active // 2, entries, sessions


FIRST = ["Alex", "Sam", "Jo", "Priya", "Mohammed", "Aisha", "Tom", "Grace", "Kwame", "Olu", "Ewa", "Liam", "Nia"]
LAST = ["Smith", "Khan", "Jones", "Patel", "Brown", "Okafor", "Nowak", "Taylor", "Ali", "Evans", "Wright", "Begum"]


def build_world(engine, active: int, seed: int) -> World:
    rng = random.Random(seed)
    password_hash = accounts.hash_password(harness.PASSWORD)  # Argon2: slow on purpose, so once
    with Session(engine, expire_on_commit=False) as session:
        service = Service(slug="bench", name="Bench Health Trainers", area="Benchton", yearly_client_target=600)
        session.add(service)
        session.flush()
        trainer = add_person(session, "bench-trainer", password_hash)
        colleague = add_person(session, "bench-colleague", None)
        manager = add_person(session, "bench-manager", password_hash)
        session.add_all(
            [
                RoleGrant(person_id=trainer.id, service_id=service.id, role="trainer", wte=1.0),
                RoleGrant(person_id=colleague.id, service_id=service.id, role="trainer", wte=0.6),
                RoleGrant(person_id=manager.id, service_id=service.id, role="manager", wte=1.0),
            ]
        )
        session.commit()
        active_count, finished, entries, sessions = add_caseload(session, rng, service, trainer, active, "t")
        more = add_caseload(session, rng, service, colleague, active // 2, "c")
        return World(
            trainer=trainer,
            manager=manager,
            active=active_count,
            finished=finished,
            entries=entries + more[2],
            sessions=sessions + more[3],
        )


# --- Main ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="active clients on the trainer's caseload (200)")
    harness.add_run_arguments(parser, repeat=50, warmup=5)
    harness.add_database_argument(parser)
    harness.add_report_arguments(parser, target_ms=100.0, seed=5, seed_help="random seed", profile=True)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.clients < 1:
        parser.error("--repeat and --clients must be at least 1")

    with harness.bench_app(args.database_url, "worklist-bench-") as (app, engine, started):
        world = build_world(engine, args.clients, args.seed)
        db_kind = harness.loaded_database_kind(engine)
        harness.print_ready(
            db_kind,
            f"{world.active} active and {world.finished} finished clients for the trainer, "
            f"{world.entries} diary entries and {world.sessions} sessions in the service",
            started,
        )
        return run_bench(app, engine, world, args, db_kind)


def run_bench(app, engine, world: World, args, db_kind: str) -> int:
    trainer_browser = harness.logged_in(app, world.trainer.username)
    manager_browser = harness.logged_in(app, world.manager.username)
    load_at_start = harness.load_average()
    cases = [
        Case("GET /caseload (trainer)", lambda: trainer_browser.get("/caseload"), measure_size=True),
        Case("GET /caseload?show=no_progress (trainer)", lambda: trainer_browser.get("/caseload?show=no_progress")),
        Case(
            "GET /caseload?q=smith (trainer, htmx fragment)",
            lambda: trainer_browser.get("/caseload?q=smith", headers={"HX-Request": "true"}),
            measure_size=True,
        ),
        # The issue's budget is for a trainer's caseload; the manager's whole service is shown for information.
        Case(
            "GET /caseload (manager, whole service)",
            lambda: manager_browser.get("/caseload"),
            measure_size=True,
            judged=False,
        ),
    ]
    meter = SqlMeter(engine)
    for case in cases:
        harness.run_case(case, meter, warmup=args.warmup, repeat=args.repeat)

    page = trainer_browser.get("/caseload").get_data(as_text=True)
    counts = ", ".join(f"{label} {count}" for label, count in COUNT.findall(page))
    table = harness.markdown_table(cases, args.target_ms)
    lines = harness.details(
        db_kind,
        load_at_start,
        f"the trainer has {world.active} active clients (three in four with the app and about "
        f"{ENTRIES_A_DAY} diary entries a day over {DIARY_DAYS} days) and {world.finished} finished ones; "
        f"the service has {world.entries} diary entries and {world.sessions} sessions in all; "
        f"{args.warmup} warm-up and {args.repeat} timed runs per request",
        f"- The trainer's filters: {counts}",
    )
    harness.print_report(lines, table)
    if args.profile:
        harness.print_profile(cases, top=6)
    if not args.no_results:
        harness.write_results(args.results, SECTION_HEADING, Path(__file__).name, db_kind, lines, table)
        print(f"\nWrote {args.results}.")
    over = harness.over_target(cases, args.target_ms)
    return harness.verdict(over, args.target_ms, every="Every judged median")


if __name__ == "__main__":
    harness.run(main)
