#!/usr/bin/env python
"""Directory benchmark (issue 6): server time of searching a county-sized directory, and of importing one.

    .venv/bin/python bench/directory_bench.py [--listings 600] [--repeat 50] [--database-url URL]

What it does:

1. Makes a fresh, migrated database as the other benches do: a SQLite file in a temporary folder
   by default, or a throwaway bench_<random> database on the PostgreSQL server given with
   --database-url (dropped at the end).
2. Builds one service with its public directory on, a client (with a client record) and a
   champion, a postcode lookup of --postcodes (3000) made-up postcodes in 30 districts spread
   over about 15 miles, and --listings (600) running listings plus 5% closed ones, each at one of
   those postcodes: 1 to 3 categories, free, low-cost or paid, some accessibility, and a
   schedule: weekly for most (1 to 3 times a week; some fortnightly, some 3 weeks on and 1 off,
   some ending), one-off dates for some (a few already past), "ask" for the rest. Rows are
   inserted in bulk; on PostgreSQL ANALYZE runs after loading, as autovacuum would.
3. Times each request over --repeat runs after --warmup runs (Flask's test client, in process,
   no network): the client's search by a postcode near the middle (no filters, nearest first),
   the same with a category, free only and within 3 miles, the same postcode soonest first, the
   htmx results fragment of a words search (HX-Request), the anonymous public search, the
   client's page of one listing, the champion's "Signpost someone here" form, and the first page
   (50 items) of the service's OpenActive RPDE feed.
4. Writes an OpenActive RPDE feed of --listings SessionSeries items (50 a page, in a temporary
   folder; one in ten has no position, so its postcode is looked up) and imports it into a second
   service with the importer's own entry point (pwa.directory.importer.run.import_directory),
   once (creates) and once more (the same feed again: every listing updated). Each is timed once.
5. Prints Markdown tables (median, p95, max, SQL statements and SQL time per request, listings
   found, HTML or JSON size; then the imports' seconds and items per second) and writes them to
   bench/RESULTS.md under "## Directory (issue 6)", in a subsection per database kind, keeping
   every other section of the file.

Exit status: 0 when every request's median is within --target-ms (100 ms; the imports have no
target), 1 when one is over, 2 when a request or an import fails.
"""

from __future__ import annotations

import argparse
import gc
import json
import math
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from sqlalchemy import insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench import harness  # noqa: E402
from bench.harness import BenchFailure, Case, SqlMeter, add_person  # noqa: E402
from models import Client, Listing, ListingTime, PostcodeArea, RoleGrant, Service  # noqa: E402
from pwa import accounts  # noqa: E402
from pwa.clock import london_today, utcnow  # noqa: E402
from pwa.directory import vocab  # noqa: E402
from pwa.directory.importer.run import import_directory  # noqa: E402
from pwa.directory.places import distance_miles  # noqa: E402

SECTION_HEADING = "## Directory (issue 6)"
FOUND = re.compile(r"(\d+) places? found")
CLOSED_SHARE = 0.05
FEED_PAGE_SIZE = 50

# The middle of the made-up county, and how far its postcodes spread (miles).
MIDDLE = (50.72, -3.53)
SPREAD_MILES = 13.0
DISTRICT_MILES = 1.6
DISTRICTS = 30
TOWN_MILES, TOWN_SHARE = 4.0, 0.4  # the county town: two in five listings are this near the middle
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters a postcode's inward code may end with
TOWNS = [
    "Millbrook", "Ferncombe", "Ashleigh", "Brookford", "Cold Harbour", "Dunmere", "Eastwick", "Fallowfield",
    "Greystone", "Hatherley", "Kingsmead", "Longacre", "Marshfield", "Northam", "Oakhampton", "Pennycross",
    "Queensway", "Redhill", "Stoneleigh", "Thornbury", "Upton", "Westbury",
]  # fmt: skip
VENUES = ["Community Centre", "Library", "Leisure Centre", "Church Hall", "Park gates", "Village Hall", "Health Centre"]
# A listing's name comes from its first category.
NAMES = {
    "walking_groups": ["Health Walk", "Buggy Walk", "Nordic Walking", "Walk and Talk"],
    "exercise_classes": ["Chair Yoga", "Pilates", "Gentle Exercise", "Fitness Class", "Aerobics"],
    "sport_swimming": ["Swim for Fitness", "Walking Football", "Badminton Club"],
    "dance": ["Tea Dance", "Zumba", "Line Dancing"],
    "cycling": ["Bike Ride", "Learn to Cycle"],
    "gardening": ["Community Garden", "Allotment Group"],
    "cooking_courses": ["Cook and Eat", "Healthy Cooking Course"],
    "weight_management": ["Weight Management Group"],
    "stop_smoking": ["Stop Smoking Clinic"],
    "alcohol_support": ["Alcohol Support Group", "Drug and Alcohol Drop-in"],
    "mental_wellbeing": ["Wellbeing Cafe", "Mindfulness Group", "Men's Shed"],
    "befriending": ["Lunch Club", "Coffee Morning", "Befriending Group"],
    "volunteering": ["Volunteer Centre"],
    "carers": ["Carers' Cafe", "Carers Support Group"],
    "food_bank": ["Food Bank", "Community Pantry"],
    "debt_money": ["Money Advice", "Benefits Help"],
    "housing": ["Housing Advice"],
    "employment_training": ["Job Club", "Digital Skills"],
    "health_services": ["Pharmacy Health Check", "NHS Health Check"],
}
# Common ones more often: the directory of a real area has many more walks than housing advice.
CATEGORY_WEIGHTS = {code: 4 if code in ("walking_groups", "exercise_classes", "befriending") else 1 for code in NAMES}
START_HOURS = [9, 10, 10, 11, 13, 14, 18, 19]
ACCESS_CODES = [code for code in vocab.ACCESSIBILITY if code not in ("women_only", "men_only")]
# Feed words the importer maps to our categories and accessibility codes.
FEED_ACTIVITIES = ["Walking", "Yoga", "Swimming", "Dance", "Cycling", "Gardening", "Cooking", "Pilates", "Football"]
FEED_ACCESS = ["Wheelchair accessible", "Hearing loop", "Accessible toilet", "Parking", "Near a bus stop"]
DAY_URLS = [f"https://schema.org/{day}" for day in vocab.WEEKDAYS.values()]


@dataclass
class World:
    service: Service
    client_username: str
    champion_username: str
    postcodes: list[tuple[str, float, float]]
    search_postcode: str
    listing_id: int  # the listing whose page is timed: weekly, several times
    active: int
    closed: int
    times: int
    kinds: dict[str, int]


# --- The data -------------------------------------------------------------------------------------


def offset(point: tuple[float, float], miles: float, bearing: float) -> tuple[float, float]:
    """A position `miles` from `point` in the direction `bearing` (radians), flat-earth: fine for a county."""
    lat = point[0] + miles * math.cos(bearing) / 69.05
    long = point[1] + miles * math.sin(bearing) / (69.05 * math.cos(math.radians(point[0])))
    return round(lat, 6), round(long, 6)


def make_postcodes(rng: random.Random, count: int) -> list[tuple[str, float, float]]:
    """`count` made-up postcodes (FE1 to FE30) round district middles spread over SPREAD_MILES."""
    per_district = max(count // DISTRICTS, 1)
    found: list[tuple[str, float, float]] = []
    for number in range(1, DISTRICTS + 1):
        # sqrt: evenly over the disc, not bunched in the middle.
        middle = offset(MIDDLE, SPREAD_MILES * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi))
        codes: set[str] = set()
        while len(codes) < min(per_district, 10 * len(INWARD_LETTERS) ** 2):
            codes.add(f"FE{number} {rng.randint(0, 9)}{rng.choice(INWARD_LETTERS)}{rng.choice(INWARD_LETTERS)}")
        for code in sorted(codes):
            lat, long = offset(middle, DISTRICT_MILES * math.sqrt(rng.random()), rng.uniform(0, 2 * math.pi))
            found.append((code, lat, long))
    return found[:count] if len(found) >= count else found


def add_postcodes(session: Session, postcodes: list[tuple[str, float, float]]) -> None:
    rows = [
        {
            "postcode": code,
            "ward_code": f"E0599{number // 100:04d}",
            "ward_name": f"Bench ward {number // 100}",
            "lsoa_code": f"E0199{number // 20:04d}",
            "imd_decile": number % 10 + 1,
            "latitude": lat,
            "longitude": long,
        }
        for number, (code, lat, long) in enumerate(postcodes)
    ]
    session.execute(insert(PostcodeArea), rows)


def pick_categories(rng: random.Random) -> list[str]:
    codes = list(CATEGORY_WEIGHTS)
    first = rng.choices(codes, weights=list(CATEGORY_WEIGHTS.values()))[0]
    more = rng.sample([code for code in codes if code != first], rng.choice([0, 0, 1, 2]))
    return [first, *more]


def pick_cost(rng: random.Random) -> tuple[str, str]:
    roll = rng.random()
    if roll < 0.5:
        return "free", ""
    if roll < 0.8:
        return "low_cost", f"£{rng.choice([1, 2, 3, 4])} a session"
    return "paid", f"£{rng.choice([6, 7, 8])}.50 a class"


def weekly_times(rng: random.Random, today: date) -> list[dict]:
    """1 to 3 weekly times: mostly every week, some fortnightly, some 3 weeks on and 1 off, a few ending."""
    rows = []
    for weekday in rng.sample(range(7), rng.choice([1, 1, 2, 3])):
        hour = rng.choice(START_HOURS)
        pattern = rng.random()
        weeks_on, weeks_off, from_date = 1, 0, None
        if pattern < 0.2:
            weeks_on, weeks_off, from_date = 1, 1, today - timedelta(days=rng.randint(7, 300))
        elif pattern < 0.3:
            weeks_on, weeks_off, from_date = 3, 1, today - timedelta(days=rng.randint(7, 300))
        ends = rng.random()
        until = today + timedelta(days=rng.randint(20, 200)) if ends < 0.1 else None
        if ends > 0.97:
            until = today - timedelta(days=rng.randint(1, 60))  # stopped, but nobody closed it yet
        rows.append(
            {
                "weekday": weekday,
                "on_date": None,
                "starts_at": clock_time(hour, rng.choice([0, 0, 30])),
                "ends_at": clock_time(hour + rng.choice([1, 1, 2]), 0),
                "weeks_on": weeks_on,
                "weeks_off": weeks_off,
                "from_date": from_date,
                "until_date": until,
                "source_id": None,
            }
        )
    return rows


def date_times(rng: random.Random, today: date) -> list[dict]:
    """1 to 3 one-off dates, mostly still to come."""
    rows = []
    for day in sorted({today + timedelta(days=rng.randint(-10, 60)) for _ in range(rng.choice([1, 2, 3]))}):
        hour = rng.choice(START_HOURS)
        rows.append(
            {
                "weekday": None,
                "on_date": day,
                "starts_at": clock_time(hour, 0),
                "ends_at": clock_time(hour + 2, 0),
                "weeks_on": 1,
                "weeks_off": 0,
                "from_date": None,
                "until_date": None,
                "source_id": None,
            }
        )
    return rows


def listing_rows(
    rng: random.Random, service_id: int, postcodes: list[tuple[str, float, float]], count: int, closed: int
) -> tuple[list[dict], list[list[dict]]]:
    """`count` active and `closed` closed listings as bulk-insert rows, and each one's times."""
    today = london_today()
    now = utcnow()
    town_postcodes = [row for row in postcodes if distance_miles(*MIDDLE, row[1], row[2]) <= TOWN_MILES] or postcodes
    rows, times = [], []
    for number in range(count + closed):
        categories = pick_categories(rng)
        town = rng.choice(TOWNS)
        # Two in five are in the county town round the middle, the rest anywhere.
        code, lat, long = rng.choice(town_postcodes if rng.random() < TOWN_SHARE else postcodes)
        cost, price_text = pick_cost(rng)
        roll = rng.random()
        kind = "weekly" if roll < 0.7 else "dates" if roll < 0.85 else "ask"
        slots = weekly_times(rng, today) if kind == "weekly" else date_times(rng, today) if kind == "dates" else []
        access = rng.sample(ACCESS_CODES, rng.choice([0, 1, 2, 3, 4]))
        if rng.random() < 0.05:
            access.append("women_only")
        changed = now - timedelta(days=rng.randint(0, 400), seconds=number)
        rows.append(
            {
                "service_id": service_id,
                "name": f"{town} {rng.choice(NAMES[categories[0]])}",
                "description": f"A friendly {vocab.CATEGORIES[categories[0]].lower()} group in {town}. "
                "Everyone is welcome; come as you are.",
                "categories": categories,
                "organisation": f"{town} {rng.choice(['Community Trust', 'Council', 'Voluntary Action', 'Leisure'])}",
                "venue": f"{town} {rng.choice(VENUES)}",
                "address": f"{rng.randint(1, 120)} {rng.choice(['High Street', 'Station Road', 'Church Lane'])}",
                "postcode": code,
                "latitude": lat,
                "longitude": long,
                "schedule_kind": kind,
                "schedule_note": "Open Monday to Friday, 9am to 5pm" if kind == "ask" else "",
                "cost": cost,
                "price_text": price_text,
                "eligibility": rng.choice(["", "", "Adults", "Ages 50 and over", "Carers of any age"]),
                "accessibility": access,
                "languages": rng.choice([[], [], [], ["Polish"], ["Urdu", "Punjabi"]]),
                "contact_name": rng.choice(["Pat", "Sam", "Jo", "Ravi"]),
                "contact_phone": f"01632 96{rng.randint(0, 9999):04d}",
                "contact_email": "hello@example.org",
                "website": "",
                "how_to_go": rng.choice(["Just turn up.", "Ring first.", "Book online.", ""]),
                "pathway": "referral" if rng.random() < 0.1 else "signpost",
                "status": "active" if number < count else "closed",
                "last_reviewed_on": today - timedelta(days=rng.randint(0, 500)),
                "staff_notes": "Ask for the group leader at the door.",
                "source": "local",
                "source_id": None,
                "source_modified": "",
                "created_by_id": None,
                "updated_by_id": None,
                "created_at": changed,
                "updated_at": changed,
            }
        )
        times.append(slots)
    return rows, times


def build_world(engine, listings: int, postcode_count: int, seed: int) -> World:
    rng = random.Random(seed)
    password_hash = accounts.hash_password(harness.PASSWORD)  # Argon2: slow on purpose, so once
    postcodes = make_postcodes(rng, postcode_count)
    closed = round(listings * CLOSED_SHARE)
    with Session(engine, expire_on_commit=False) as session:
        service = Service(slug="bench", name="Bench Health Trainers", area="Benchton", public_directory=True)
        session.add(service)
        session.flush()
        client_person = add_person(session, "bench-client", password_hash)
        champion = add_person(session, "bench-champion", password_hash)
        session.add_all(
            [
                RoleGrant(person_id=client_person.id, service_id=service.id, role="client"),
                RoleGrant(person_id=champion.id, service_id=service.id, role="champion", wte=0.2),
                Client(service_id=service.id, person_id=client_person.id, full_name="Bench Client"),
            ]
        )
        add_postcodes(session, postcodes)
        rows, times = listing_rows(rng, service.id, postcodes, listings, closed)
        ids = session.execute(insert(Listing).returning(Listing.id, sort_by_parameter_order=True), rows).scalars().all()
        time_rows = [
            {"listing_id": listing_id, **slot} for listing_id, slots in zip(ids, times, strict=True) for slot in slots
        ]
        if time_rows:
            session.execute(insert(ListingTime), time_rows)
        session.commit()
    kinds: dict[str, int] = {}
    for row in rows[:listings]:
        kinds[row["schedule_kind"]] = kinds.get(row["schedule_kind"], 0) + 1
    # The page timed is a weekly listing with the most times.
    busiest = max(range(listings), key=lambda n: (rows[n]["schedule_kind"] == "weekly", len(times[n])))
    # Search from the postcode nearest the middle, as a client in the county town would.
    nearest = min(postcodes, key=lambda row: distance_miles(*MIDDLE, row[1], row[2]))
    return World(
        service=service,
        client_username=client_person.username,
        champion_username=champion.username,
        postcodes=postcodes,
        search_postcode=nearest[0],
        listing_id=ids[busiest],
        active=listings,
        closed=closed,
        times=len(time_rows),
        kinds=kinds,
    )


# --- The feed to import ---------------------------------------------------------------------------


def feed_item(rng: random.Random, number: int, postcodes: list[tuple[str, float, float]], today: date) -> dict:
    """One OpenActive SessionSeries item, as other publishers write them."""
    town = rng.choice(TOWNS)
    activity = rng.choice(FEED_ACTIVITIES)
    code, lat, long = rng.choice(postcodes)
    free = rng.random() < 0.5
    location = {
        "@type": "Place",
        "name": f"{town} {rng.choice(VENUES)}",
        "address": {"@type": "PostalAddress", "streetAddress": f"{number % 90 + 1} Mill Lane", "postalCode": code},
    }
    if number % 10 != 0:  # one in ten gives no position: its postcode is looked up
        location["geo"] = {"@type": "GeoCoordinates", "latitude": lat, "longitude": long}
    schedules = []
    for weekday in rng.sample(range(7), rng.choice([1, 1, 2, 3])):
        hour = rng.choice(START_HOURS)
        schedule = {
            "@type": "PartialSchedule",
            "repeatFrequency": "P1W",
            "byDay": [DAY_URLS[weekday]],
            "startTime": f"{hour:02d}:00",
            "endTime": f"{hour + 1:02d}:00",
            "scheduleTimezone": "Europe/London",
        }
        if rng.random() < 0.2:
            first = today - timedelta(days=rng.randint(0, 90))
            schedule |= {"repeatFrequency": "P2W", "startDate": first.isoformat()}
        schedules.append(schedule)
    data = {
        "@context": "https://openactive.io/",
        "@type": "SessionSeries",
        "@id": f"https://feeds.example.org/session-series/{number}",
        "name": f"{town} {activity} session",
        "description": f"{activity} for all abilities in {town}. Just come along.",
        "activity": [{"@type": "Concept", "prefLabel": activity}],
        "organizer": {"@type": "Organization", "name": f"{town} Leisure", "telephone": "01632 960123"},
        "location": location,
        "offers": [{"@type": "Offer", "price": 0 if free else rng.choice([2.5, 4, 6.5]), "priceCurrency": "GBP"}],
        "isAccessibleForFree": free,
        "accessibilitySupport": [
            {"@type": "Concept", "prefLabel": label} for label in rng.sample(FEED_ACCESS, rng.choice([0, 1, 2]))
        ],
        "eventSchedule": schedules,
    }
    if rng.random() < 0.2:  # and a one-off taster session
        day = (today + timedelta(days=rng.randint(1, 60))).isoformat()
        data["subEvent"] = [
            {"@type": "ScheduledSession", "startDate": f"{day}T10:00:00Z", "endDate": f"{day}T12:00:00Z"}
        ]
    return {"state": "updated", "kind": "SessionSeries", "id": str(number), "modified": 1000 + number, "data": data}


def write_feed(folder: Path, rng: random.Random, count: int, postcodes: list[tuple[str, float, float]]) -> Path:
    """RPDE pages of `count` items in `folder`, each `next` naming the following file; returns the first page."""
    today = london_today()
    items = [feed_item(rng, number, postcodes, today) for number in range(1, count + 1)]
    pages = [items[start : start + FEED_PAGE_SIZE] for start in range(0, len(items), FEED_PAGE_SIZE)] + [[]]
    for number, page in enumerate(pages, start=1):
        following = min(number + 1, len(pages))  # the last (empty) page points to itself
        body = {
            "next": f"page{following}.json",
            "items": page,
            "license": "https://creativecommons.org/licenses/by/4.0/",
        }
        (folder / f"page{number}.json").write_text(json.dumps(body))
    return folder / "page1.json"


class FullCollections:
    """Counts Python's full (generation 2) garbage collections, and their time, while `meter` times a
    request: each one pauses the request it falls in, which shows in p95 and max, not the median."""

    def __init__(self, meter: SqlMeter):
        self.meter = meter
        self.count = 0
        self.seconds = 0.0
        self._started: float | None = None
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if info["generation"] != 2 or not self.meter.active:
            return
        if phase == "start":
            self._started = time.perf_counter()
        elif self._started is not None:
            self.count += 1
            self.seconds += time.perf_counter() - self._started
            self._started = None

    def take(self) -> str:
        """ "3 (95 ms each)" since the last take, or "0"; then start counting again."""
        text = f"{self.count} ({self.seconds * 1000 / self.count:.0f} ms each)" if self.count else "0"
        self.count, self.seconds = 0, 0.0
        return text

    def stop(self) -> None:
        gc.callbacks.remove(self._callback)


@dataclass
class ImportRun:
    name: str
    seconds: float
    items: int
    pages: int
    sql_count: int
    sql_ms: float
    created: int
    updated: int


def time_import(engine, meter: SqlMeter, service_id: int, first_page: Path, name: str, items: int) -> ImportRun:
    """Import the feed into the service once, through the importer's entry point, and time it."""
    with Session(engine) as session:
        service = session.get(Service, service_id)
        meter.reset()
        meter.active = True
        started = time.perf_counter()
        outcome = import_directory(session, service, str(first_page), "openactive")
        elapsed = time.perf_counter() - started
        meter.active = False
    if outcome.broken or not outcome.saved or outcome.created + outcome.updated != items:
        details = "; ".join(broken.line() for broken in outcome.broken[:5])
        raise BenchFailure(f"{name}: {outcome.summary()} (expected {items} items saved) {details}")
    return ImportRun(
        name, elapsed, items, outcome.pages, meter.count, meter.seconds * 1000, outcome.created, outcome.updated
    )


def import_table(runs: list[ImportRun]) -> str:
    lines = [
        "| Import | Seconds | Items per second | Pages | SQL statements | SQL ms | Created | Updated |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        lines.append(
            f"| {run.name} | {run.seconds:.2f} | {run.items / run.seconds:.0f} | {run.pages} | {run.sql_count} "
            f"| {run.sql_ms:.0f} | {run.created} | {run.updated} |"
        )
    return "\n".join(lines)


# --- Main -----------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--listings", type=int, default=600, help="running listings in the directory (600)")
    parser.add_argument("--postcodes", type=int, default=3000, help="postcodes in the lookup (3000)")
    harness.add_run_arguments(parser, repeat=50, warmup=5)
    harness.add_database_argument(parser)
    harness.add_report_arguments(parser, target_ms=100.0, seed=6, seed_help="random seed", profile=True)
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.listings < 1 or args.postcodes < 1:
        parser.error("--repeat, --listings and --postcodes must be at least 1")

    with harness.bench_app(args.database_url, "directory-bench-") as (app, engine, started):
        world = build_world(engine, args.listings, args.postcodes, args.seed)
        db_kind = harness.loaded_database_kind(engine)
        harness.print_ready(
            db_kind,
            f"{world.active} running and {world.closed} closed listings with {world.times} times, "
            f"{len(world.postcodes)} postcodes",
            started,
        )
        return run_bench(app, engine, world, args, db_kind)


def found_count(response) -> int:
    """How many listings a search page says it found (0 when it does not say)."""
    match = FOUND.search(response.get_data(as_text=True))
    return int(match.group(1)) if match else 0


def run_bench(app, engine, world: World, args, db_kind: str) -> int:
    client_browser = harness.logged_in(app, world.client_username)
    champion_browser = harness.logged_in(app, world.champion_username)
    anonymous = app.test_client()
    slug = world.service.slug
    near = {"postcode": world.search_postcode}
    words = "walk"

    def search(**params) -> str:
        return "/directory?" + urlencode(params)

    def expect_all(name: str):
        def check(response) -> None:
            if found_count(response) != world.active:
                raise BenchFailure(f"{name}: expected all {world.active} running listings, got {found_count(response)}")

        return check

    def expect_answer(name: str):
        def check(response) -> None:
            if "found near" not in response.get_data(as_text=True):
                raise BenchFailure(f"{name}: expected a search near {world.search_postcode}, not an error")

        return check

    def expect_page(response) -> None:
        if len(response.get_json()["items"]) != min(FEED_PAGE_SIZE, world.active + world.closed):
            raise BenchFailure(f"RPDE feed: expected a page of {FEED_PAGE_SIZE} items")

    filtered = search(**near, category="walking_groups", free="yes", within="3", sort="distance")
    listing_path = f"/directory/{world.listing_id}"
    cases = [
        Case(
            "GET /directory?postcode (client, nearest first)",
            lambda: client_browser.get(search(**near, sort="distance")),
            check=expect_all("nearest first"),
            measure_size=True,
        ),
        Case(
            "GET /directory?postcode&category&free&within=3 (client)",
            lambda: client_browser.get(filtered),
            check=expect_answer("filtered"),
            measure_size=True,
        ),
        Case(
            "GET /directory?postcode&sort=next (client, soonest first)",
            lambda: client_browser.get(search(**near, sort="next")),
            check=expect_all("soonest first"),
            measure_size=True,
        ),
        Case(
            f"GET /directory?q={words}&postcode (client, htmx fragment)",
            lambda: client_browser.get(search(q=words, **near, sort="distance"), headers={"HX-Request": "true"}),
            check=expect_answer("words (htmx)"),
            measure_size=True,
        ),
        Case(
            "GET /services/<slug>/directory?postcode (anonymous)",
            lambda: anonymous.get(f"/services/{slug}/directory?" + urlencode({**near, "sort": "distance"})),
            check=expect_all("public"),
            measure_size=True,
        ),
        Case(
            "GET /directory/<id> (client, a weekly listing)",
            lambda: client_browser.get(listing_path),
            measure_size=True,
        ),
        Case(
            "GET /directory/<id>/signpost (champion)",
            lambda: champion_browser.get(f"{listing_path}/signpost"),
            measure_size=True,
        ),
        Case(
            "GET /services/<slug>/openactive/session-series (anonymous, 50 items)",
            lambda: anonymous.get(f"/services/{slug}/openactive/session-series"),
            check=expect_page,
            measure_size=True,
        ),
    ]
    load_at_start = harness.load_average()
    meter = SqlMeter(engine)
    collections = FullCollections(meter)
    full_gcs = []
    for case in cases:
        harness.run_case(case, meter, warmup=args.warmup, repeat=args.repeat)
        full_gcs.append(collections.take())
    collections.stop()
    found = [found_count(case.send()) if "/directory?" in case.name else "" for case in cases]

    runs = timed_imports(engine, meter, world, args)

    table = harness.markdown_table(
        cases, args.target_ms, columns={"Listings found": found, "Full GCs": full_gcs}, size_heading="HTML/JSON KB"
    )
    imports = import_table(runs)
    kinds = ", ".join(f"{count} {kind}" for kind, count in sorted(world.kinds.items()))
    lines = harness.details(
        db_kind,
        load_at_start,
        f"{world.active} running listings ({kinds}) and {world.closed} closed ones, {world.times} times, "
        f"at {len(world.postcodes)} made-up postcodes over about {SPREAD_MILES:g} miles; searches from "
        f"{world.search_postcode}, near the middle; {args.warmup} warm-up and {args.repeat} timed runs per request",
        f"- Imports: an OpenActive RPDE feed of {args.listings} SessionSeries (1 to 3 weekly schedules each, "
        "one in five of them fortnightly; one series in five with a one-off session; one in ten with no position, "
        f"so its postcode is looked up) in {FEED_PAGE_SIZE}-item pages (files), imported into a second service "
        "through `import_directory`, timed once each",
        "- Full GCs: Python's full garbage collections during a request's timed runs; each pauses that request "
        "(p95 and max), not the median",
    )
    harness.print_report(lines, table + "\n\n" + imports)
    if args.profile:
        harness.print_profile(cases, top=6)
    if not args.no_results:
        harness.write_results(
            args.results, SECTION_HEADING, Path(__file__).name, db_kind, lines, table + "\n\n" + imports
        )
        print(f"\nWrote {args.results}.")
    over = harness.over_target(cases, args.target_ms)
    return harness.verdict(over, args.target_ms)


def timed_imports(engine, meter: SqlMeter, world: World, args) -> list[ImportRun]:
    """Import a feed of --listings SessionSeries into a second service, then the same feed again."""
    with Session(engine, expire_on_commit=False) as session:
        second = Service(slug="bench-import", name="Bench Imported Directory", area="Benchton")
        session.add(second)
        session.commit()
    with tempfile.TemporaryDirectory(prefix="directory-bench-feed-") as folder:
        first_page = write_feed(Path(folder), random.Random(args.seed + 1), args.listings, world.postcodes)
        return [
            time_import(engine, meter, second.id, first_page, "First import (creates)", args.listings),
            time_import(engine, meter, second.id, first_page, "The same feed again (updates)", args.listings),
        ]


if __name__ == "__main__":
    harness.run(main)
