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
import random
import sys
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlmodel import Session  # noqa: E402

from bench import harness  # noqa: E402
from bench.harness import BenchFailure, Case, SqlMeter  # noqa: E402
from models import Client, DiaryComment, DiaryEntry, Person, RoleGrant, Service  # noqa: E402
from pwa import accounts  # noqa: E402
from pwa.clock import LONDON, london_today, to_london, utcnow  # noqa: E402
from pwa.diary import vocab  # noqa: E402

SECTION_HEADING = "## Diary (issue 3)"


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
    password_hash = accounts.hash_password(harness.PASSWORD)  # Argon2: slow on purpose, so once
    now = utcnow()
    with Session(engine, expire_on_commit=False) as session:
        service = Service(slug="bench", name="Bench Health Trainers", area="Benchton", yearly_client_target=300)
        session.add(service)
        session.flush()
        trainer = harness.add_person(session, "bench-trainer", password_hash)
        client_person = harness.add_person(session, "bench-client", password_hash)
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


# --- Main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=5000, help="diary entries over the last year (5000)")
    harness.add_run_arguments(parser, repeat=30, warmup=3)
    parser.add_argument("--batch", type=int, default=100, help="entries per POST to the sync API (100)")
    harness.add_database_argument(parser)
    parser.add_argument(
        "--no-analyze",
        action="store_true",
        help="on PostgreSQL, skip ANALYZE after loading (like a freshly restored database before autovacuum runs)",
    )
    harness.add_report_arguments(parser, target_ms=50.0, seed=3, seed_help="random seed for the diary", profile=True)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.entries < 0 or not 1 <= args.batch <= 200:
        parser.error("--repeat must be at least 1, --entries at least 0, --batch from 1 to 200")

    with harness.bench_app(args.database_url, "diary-bench-") as (app, engine, started):
        world = build_world(engine, args.entries, args.seed)
        db_kind = harness.loaded_database_kind(engine, analyze=not args.no_analyze)
        harness.print_ready(
            db_kind,
            f"{world.entries} diary entries and {world.comments} comments for client {world.client.id}",
            started,
        )
        return run_bench(app, engine, world, args, db_kind)


def run_bench(app, engine, world: World, args, db_kind: str) -> int:
    client_browser = harness.logged_in(app, world.client_person.username)
    trainer_browser = harness.logged_in(app, world.trainer.username)
    api_token = harness.api_csrf_token(client_browser)

    load_at_start = harness.load_average()
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
        harness.run_case(case, meter, warmup=args.warmup, repeat=args.repeat)

    table = harness.markdown_table(cases, args.target_ms, share=0.9)
    lines = harness.details(
        db_kind,
        load_at_start,
        f"{world.entries} entries over 365 days (about {world.entries / 365:.0f} a day), "
        f"{world.comments} trainer comments; {args.warmup} warm-up and {args.repeat} timed runs per request",
    )
    harness.print_report(lines, table)
    if args.profile:
        harness.print_profile(cases, top=4)

    if not args.no_results:
        harness.write_results(args.results, SECTION_HEADING, Path(__file__).name, db_kind, lines, table)
        print(f"\nWrote {args.results}.")

    return harness.verdict(harness.over_target(cases, args.target_ms), args.target_ms)


if __name__ == "__main__":
    harness.run(main)
