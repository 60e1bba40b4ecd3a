"""Importing open data into the directory: OpenActive RPDE pages (files and over HTTP) and Open
Referral UK services; mapping, re-import, deletion, broken items, --partial and --dry-run."""

import functools
import json
import socket
import threading
from contextlib import contextmanager
from datetime import date, time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlmodel import select

from models import Listing, ListingTime, PostcodeArea
from pwa.clock import london_today
from pwa.directory import vocab
from pwa.directory.importer import common, openactive, openreferral
from pwa.directory.importer.run import import_directory

DATA = Path(__file__).parent / "data" / "directory"
FEED = DATA / "openactive"
BROKEN = DATA / "openactive_broken.json"
ORUK = DATA / "openreferral_services.json"


@pytest.fixture
def postcodes(db_session):
    """The lookup knows four Ferncombe postcodes."""
    rows = {"FE1 6FR": (50.6, -3.9), "FE1 1DX": (50.601, -3.8985), "FE1 2QY": (50.602, -3.897)}
    rows["FE1 1WH"] = (50.603, -3.8955)
    for postcode, (latitude, longitude) in rows.items():
        db_session.add(PostcodeArea(postcode=postcode, latitude=latitude, longitude=longitude))
    db_session.commit()


def imported(db_session, service, source="openactive") -> dict[str, Listing]:
    found = db_session.exec(select(Listing).where(Listing.service_id == service.id, Listing.source == source)).all()
    return {listing.source_id: listing for listing in found}


def times(db_session, listing: Listing) -> list[tuple]:
    rows = db_session.exec(select(ListingTime).where(ListingTime.listing_id == listing.id)).all()
    return sorted(
        (
            (row.weekday, row.on_date, row.starts_at, row.ends_at, row.weeks_on, row.weeks_off)
            + (row.from_date, row.until_date, row.source_id)
            for row in rows
        ),
        key=repr,
    )


def run_import(app, world, source, feed_format="openactive", **options):
    """Import through the function, inside the app (as the command does)."""
    from pwa import db

    with app.app_context():
        return import_directory(db.session(), world.north, str(source), feed_format, **options)


def cli(runner, source, *options, service="north", feed_format="openactive"):
    return runner.invoke(
        args=["import-directory", str(source), "--service", service, "--format", feed_format, *options]
    )


@contextmanager
def serving(directory: Path):
    """A tiny web server on 127.0.0.1 serving a folder (in a thread)."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def feed_server():
    """The sample feeds over HTTP."""
    with serving(DATA) as address:
        yield address


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


# --- OpenActive: mapping -------------------------------------------------------------------------


def test_openactive_feed_maps_every_field(app, world, db_session, postcodes):
    outcome = run_import(app, world, FEED / "page1.json")
    assert (outcome.created, outcome.updated, outcome.closed, outcome.broken) == (3, 0, 0, [])
    assert outcome.pages == 3 and outcome.skipped == 1 and outcome.saved

    found = imported(db_session, world.north)
    assert set(found) == {"ss-walk", "ss-yoga", "ss-swim"}
    walk, yoga, swim = found["ss-walk"], found["ss-yoga"], found["ss-swim"]

    assert walk.name == "Riverside Health Walk"
    assert walk.description == "A gentle walk by the river.\n\nNo referral needed: just come along."
    assert walk.categories == ["walking_groups"]
    assert walk.organisation == "Ferncombe Walkers"
    assert (walk.venue, walk.address, walk.postcode) == ("Riverside Park gates", "1 River Road, Ferncombe", "FE1 6FR")
    assert (walk.latitude, walk.longitude) == (50.6, -3.9)  # no geo in the feed: from the postcode lookup
    assert (walk.cost, walk.price_text) == ("free", "")
    assert walk.accessibility == ["step_free"]
    assert (walk.contact_phone, walk.contact_email) == ("01632 960001", "walks@example.org")
    assert walk.website == "https://walkers.example.org/riverside"
    assert walk.how_to_go == "Meet at the gates. Wear comfy shoes."
    assert walk.pathway == "signpost"  # "No referral needed"
    assert (walk.status, walk.schedule_kind, walk.last_reviewed_on) == ("active", "weekly", london_today())
    assert (walk.source, walk.source_modified, walk.staff_notes) == ("openactive", "1000", "")
    assert times(db_session, walk) == sorted(
        [
            (1, None, time(10), time(11), 1, 0, None, None, None),
            (3, None, time(10), time(11), 1, 0, None, None, None),
            # A ScheduledSession naming its series by @id, on the day the clocks go forward.
            (None, date(2026, 3, 29), time(10), time(11), 1, 0, None, None, "sched-2"),
        ],
        key=repr,
    )

    assert yoga.categories == ["exercise_classes"]
    assert (yoga.latitude, yoga.longitude) == (50.7, -3.8)  # the feed's own position wins
    assert (yoga.cost, yoga.price_text) == ("low_cost", "£3.50")
    assert set(yoga.accessibility) == {"hearing_loop", "accessible_toilet", "women_only"}
    assert yoga.eligibility == "Ages 50 and over"
    assert yoga.languages == ["English", "Polish"]
    assert yoga.pathway == "referral"  # "You need a referral from your GP."
    assert yoga.contact_phone == "01632 960002"
    assert times(db_session, yoga) == sorted(
        [
            # P2W from Wednesday 7 January: the first Monday is the 12th, then every other week.
            (0, None, time(14), time(15), 1, 1, date(2026, 1, 12), date(2026, 12, 21), None),
            # 09:00Z in June is 10:00 in London.
            (None, date(2026, 6, 9), time(10), time(11, 30), 1, 0, None, None, "sched-1"),
        ],
        key=repr,
    )

    assert swim.name == "Over 50s Swim"  # the later `modified` won over the older copy on page 2
    assert swim.categories == ["sport_swimming"]
    assert (swim.cost, swim.price_text) == ("low_cost", "£4 to £6.50")  # the lowest price decides
    assert times(db_session, swim) == sorted(
        [
            (5, None, time(9), time(10), 1, 0, None, None, None),
            (None, date(2026, 12, 24), time(9), time(10), 1, 0, None, None, None),  # from subEvent
        ],
        key=repr,
    )


def test_importing_again_updates_and_never_duplicates(app, world, db_session, postcodes):
    run_import(app, world, FEED / "page1.json")
    first = {
        source_id: (listing.id, times(db_session, listing))
        for source_id, listing in imported(db_session, world.north).items()
    }

    again = run_import(app, world, FEED / "page1.json")

    assert (again.created, again.updated) == (0, 3)
    after = {
        source_id: (listing.id, times(db_session, listing))
        for source_id, listing in imported(db_session, world.north).items()
    }
    assert after == first
    assert len(db_session.exec(select(Listing).where(Listing.service_id == world.north.id)).all()) == 4  # + world's


def test_a_later_page_updates_closes_and_removes_one_off_times(app, world, db_session, postcodes):
    run_import(app, world, FEED / "page1.json")

    outcome = run_import(app, world, FEED / "later" / "page1.json")

    assert (outcome.created, outcome.updated, outcome.closed, outcome.broken) == (0, 2, 1, [])
    found = imported(db_session, world.north)
    yoga, walk, swim = found["ss-yoga"], found["ss-walk"], found["ss-swim"]
    assert set(found) == {"ss-walk", "ss-yoga", "ss-swim"}  # nothing deleted, nothing made for ss-never-seen
    assert yoga.status == "closed" and yoga.source_modified == "2001"
    assert [row[-1] for row in times(db_session, yoga)] == [None]  # sched-1 is gone, the weekly time stays
    assert walk.description == "A gentle walk by the river. Now on Tuesdays only."
    assert times(db_session, walk) == sorted(
        [
            (1, None, time(10, 30), time(11, 30), 1, 0, None, None, None),
            (None, date(2026, 3, 29), time(10), time(11), 1, 0, None, None, "sched-2"),  # kept
        ],
        key=repr,
    )
    # A session for a series imported before, named by its URL; the clocks went back that day.
    assert (None, date(2026, 10, 25), time(14), time(15), 1, 0, None, None, "sched-3") in times(db_session, swim)
    assert swim.name == "Over 50s Swim"


def test_a_deleted_series_that_comes_back_opens_again(app, world, db_session, postcodes, tmp_path):
    run_import(app, world, FEED / "page1.json")
    run_import(app, world, FEED / "later" / "page1.json")
    page = json.loads((FEED / "page1.json").read_text())
    yoga = next(item for item in page["items"] if item["id"] == "ss-yoga")
    yoga["modified"] = 3000
    write_page(tmp_path / "back.json", [yoga])

    outcome = run_import(app, world, tmp_path / "back.json")

    assert outcome.updated == 1
    assert imported(db_session, world.north)["ss-yoga"].status == "active"


def test_a_session_that_moves_to_another_series_moves(app, world, db_session, postcodes, tmp_path):
    run_import(app, world, FEED / "page1.json")
    moved = {
        "state": "updated",
        "kind": "ScheduledSession",
        "id": "sched-1",
        "modified": 4000,
        "data": {
            "superEvent": "ss-swim",
            "startDate": "2026-07-01T12:00:00+01:00",
            "endDate": "2026-07-01T13:00:00+01:00",
        },
    }
    write_page(tmp_path / "moved.json", [moved])

    run_import(app, world, tmp_path / "moved.json")

    found = imported(db_session, world.north)
    assert "sched-1" not in [row[-1] for row in times(db_session, found["ss-yoga"])]
    assert (None, date(2026, 7, 1), time(12), time(13), 1, 0, None, None, "sched-1") in times(
        db_session, found["ss-swim"]
    )


def test_each_service_has_its_own_copy(app, world, db_session, postcodes):
    from pwa import db

    run_import(app, world, FEED / "page1.json")
    with app.app_context():
        import_directory(db.session(), world.south, str(FEED / "page1.json"), "openactive")

    assert (
        set(imported(db_session, world.north))
        == set(imported(db_session, world.south))
        == {"ss-walk", "ss-yoga", "ss-swim"}
    )


def write_page(path: Path, items: list, next_link: str | None = None) -> Path:
    path.write_text(json.dumps({"next": next_link or path.name, "items": items}))
    return path


# --- Broken items, --partial and --dry-run ----------------------------------------------------------

BROKEN_REASONS = {
    "SessionSeries bk-noname": "it has no name.",
    "SessionSeries bk-times": "the end time 09:00 is not after the start time 10:00.",
    "SessionSeries bk-day": "byDay 'https://schema.org/Funday' is not a day we know.",
    "SessionSeries bk-postcode": "the postcode 'NOT A POSTCODE' is not a UK postcode.",
    "SessionSeries bk-category": "no category we know",
    "SessionSeries bk-long": "the name is 135 characters long; the most we keep is 120.",
    "SessionSeries bk-monthly": "repeatFrequency 'P1M' is not weekly",
    "SessionSeries bk-fortnight": "runs every 2 weeks but has no startDate",
    "ScheduledSession bk-orphan": "its SessionSeries 'no-such-series' is not in this feed and was not imported before.",
    "ScheduledSession bk-session-of-broken": "its SessionSeries 'bk-times' is broken.",
    "SessionSeries (page 1 item 12)": "it has no id.",
    "SessionSeries bk-state": "its state 'changed' is not 'updated' or 'deleted'.",
}


def test_a_feed_with_broken_items_imports_nothing_and_lists_each_one(runner, world, db_session, postcodes):
    result = cli(runner, BROKEN)

    assert result.exit_code == 1
    assert imported(db_session, world.north) == {}
    broken_lines = [line for line in result.stderr.splitlines() if line.startswith("Broken: ")]
    assert len(broken_lines) == len(BROKEN_REASONS)
    for name, reason in BROKEN_REASONS.items():
        assert any(line.startswith(f"Broken: {name}: ") and reason in line for line in broken_lines), name
    assert "Nothing was imported. Fix the 12 broken item(s), or run again with --partial" in result.stderr


def test_partial_keeps_the_good_items_and_still_lists_the_broken(runner, world, db_session, postcodes):
    result = cli(runner, BROKEN, "--partial")

    assert result.exit_code == 0, result.output
    assert set(imported(db_session, world.north)) == {"bk-good"}
    good = imported(db_session, world.north)["bk-good"]
    assert (good.name, good.categories, good.cost, good.price_text) == (
        "Tuesday Cook and Eat",
        ["cooking_courses"],
        "low_cost",
        "£2",
    )
    assert "Broken: SessionSeries bk-times:" in result.stderr
    assert "Created 1, updated 0, closed 0, broken 12." in result.stdout


def test_partial_leaves_the_old_version_of_a_broken_item_alone(app, world, db_session, postcodes, tmp_path):
    run_import(app, world, FEED / "page1.json")
    page = json.loads((FEED / "page1.json").read_text())
    walk = next(item for item in page["items"] if item["id"] == "ss-walk")
    walk["modified"], walk["data"]["name"] = 5000, ""
    deleted_session = {"state": "deleted", "kind": "ScheduledSession", "id": "sched-1", "modified": 5001}
    write_page(tmp_path / "mixed.json", [walk, deleted_session])

    outcome = run_import(app, world, tmp_path / "mixed.json", partial=True)

    assert [broken.item_id for broken in outcome.broken] == ["ss-walk"]
    found = imported(db_session, world.north)
    assert found["ss-walk"].name == "Riverside Health Walk" and found["ss-walk"].source_modified == "1000"
    assert "sched-1" not in [row[-1] for row in times(db_session, found["ss-yoga"])]


def test_dry_run_writes_nothing_and_says_what_would_happen(runner, app, world, db_session, postcodes):
    result = cli(runner, FEED / "page1.json", "--dry-run")

    assert result.exit_code == 0, result.output
    assert "Dry run: nothing was saved. It would do this: Created 3, updated 0, closed 0, broken 0." in result.stdout
    assert imported(db_session, world.north) == {}

    run_import(app, world, FEED / "page1.json")
    result = cli(runner, FEED / "later" / "page1.json", "--dry-run")

    assert "Created 0, updated 2, closed 1, broken 0." in result.stdout
    found = imported(db_session, world.north)
    assert found["ss-yoga"].status == "active" and found["ss-walk"].source_modified == "1000"


def test_dry_run_of_a_broken_feed_fails_and_says_what_partial_would_do(runner, world, db_session, postcodes):
    result = cli(runner, BROKEN, "--dry-run")

    assert result.exit_code == 1
    assert "With --partial it would do this: Created 1, updated 0, closed 0, broken 12." in result.stdout
    assert imported(db_session, world.north) == {}


def test_the_command_imports_and_reports(runner, world, db_session, postcodes):
    result = cli(runner, FEED / "page1.json")

    assert result.exit_code == 0, result.output
    assert "Imported from 3 page(s). Created 3, updated 0, closed 0, broken 0." in result.stdout
    assert "Skipped 1 item(s) of a kind we do not import." in result.stdout
    assert len(imported(db_session, world.north)) == 3


def test_the_command_refuses_an_unknown_service(runner, world):
    result = cli(runner, FEED / "page1.json", service="nowhere")

    assert result.exit_code != 0
    assert "There is no service called 'nowhere'." in result.output


# --- Reading: files, URLs, and feeds that cannot be read --------------------------------------------


def test_next_links_are_followed_over_http(runner, world, db_session, postcodes, feed_server):
    result = cli(runner, f"{feed_server}/openactive/page1.json")

    assert result.exit_code == 0, result.output
    assert "Imported from 3 page(s). Created 3" in result.stdout
    assert set(imported(db_session, world.north)) == {"ss-walk", "ss-yoga", "ss-swim"}


def test_a_web_page_cannot_lead_to_a_local_file(runner, world, db_session, postcodes, tmp_path):
    page = json.loads((FEED / "page1.json").read_text())
    write_page(tmp_path / "first.json", page["items"], next_link="file:///etc/passwd")

    with serving(tmp_path) as address:
        result = cli(runner, f"{address}/first.json")

    assert result.exit_code == 1
    assert "The next link 'file:///etc/passwd'" in result.output and "is not an http(s) address" in result.output
    assert imported(db_session, world.north) == {}


def test_an_unreachable_url_is_a_clear_error(runner, world, db_session):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    result = cli(runner, f"http://127.0.0.1:{port}/feed.json")

    assert result.exit_code == 1
    assert f"Could not reach http://127.0.0.1:{port}/feed.json: Connection refused." in result.output
    assert "Nothing was imported." in result.output
    assert "Traceback" not in result.output


def test_a_missing_page_on_a_server_is_a_clear_error(runner, world, feed_server):
    result = cli(runner, f"{feed_server}/openactive/nothing-here.json")

    assert result.exit_code == 1
    assert "the server answered 404" in result.output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not json", "is not JSON"),
        ('{"items": "nope"}', 'is not an RPDE page: it needs an "items" list.'),
        ("[1, 2]", "is not an RPDE page"),
    ],
)
def test_a_page_that_is_not_rpde_is_a_clear_error(runner, world, tmp_path, content, message):
    page = tmp_path / "feed.json"
    page.write_text(content)

    result = cli(runner, page)

    assert result.exit_code == 1
    assert message in result.output and "Nothing was imported." in result.output


def test_a_missing_file_is_a_clear_error(runner, world, tmp_path):
    result = cli(runner, tmp_path / "missing.json")

    assert result.exit_code == 1
    assert "Could not open" in result.output and "No such file" in result.output


def test_a_next_link_to_a_missing_file_is_a_clear_error_and_nothing_is_kept(runner, world, db_session, tmp_path):
    page = json.loads((FEED / "page1.json").read_text())
    write_page(tmp_path / "first.json", page["items"], next_link="second.json")

    result = cli(runner, tmp_path / "first.json")

    assert result.exit_code == 1
    assert f"Could not open {tmp_path / 'second.json'}" in result.output
    assert imported(db_session, world.north) == {}


def test_a_feed_longer_than_the_page_cap_stops(runner, world, db_session, postcodes, tmp_path):
    page = json.loads((FEED / "page1.json").read_text())
    for number in range(1, 6):
        write_page(tmp_path / f"p{number}.json", page["items"], next_link=f"p{number + 1}.json")

    result = cli(runner, tmp_path / "p1.json", "--max-pages", "3")

    assert result.exit_code == 1
    assert "more than 3 pages" in result.output
    assert imported(db_session, world.north) == {}


# --- Open Referral UK ---------------------------------------------------------------------------------


def test_open_referral_services_map_to_listings(runner, world, db_session, postcodes):
    result = cli(runner, ORUK, feed_format="openreferral")

    assert result.exit_code == 0, result.output
    assert "Created 2, updated 0, closed 0, broken 0." in result.stdout
    found = imported(db_session, world.north, "openreferral")
    assert set(found) == {"oruk-foodbank", "oruk-debt"}  # an inactive service we never had is not added
    food, debt = found["oruk-foodbank"], found["oruk-debt"]

    assert food.name == "Ferncombe Food Bank"
    assert food.description.startswith("Emergency food parcels")
    assert food.categories == ["food_bank"]
    assert food.organisation == "Ferncombe Food Bank Trust"
    assert (food.venue, food.address, food.postcode) == ("St Mary's Hall", "2 Church Lane, Ferncombe", "FE1 1WH")
    assert (food.latitude, food.longitude) == (50.61, -3.91)
    assert (food.cost, food.price_text) == ("free", "")
    assert food.accessibility == ["step_free", "hearing_loop"]
    assert food.languages == ["English", "Urdu"]
    assert food.eligibility == "Adults with a food bank voucher"
    assert (food.contact_name, food.contact_phone) == ("Sam Smith", "01632 960123")
    assert (food.contact_email, food.website) == ("help@foodbank.example.org", "https://foodbank.example.org")
    assert food.how_to_go == "Bring your voucher to the hall."
    assert food.pathway == "referral"
    assert (food.status, food.schedule_kind, food.last_reviewed_on) == ("active", "weekly", london_today())
    assert times(db_session, food) == [
        (0, None, time(10), time(12), 1, 0, None, None, None),
        (4, None, time(10), time(12), 1, 0, None, None, None),
    ]

    assert debt.categories == ["debt_money"]
    assert (debt.cost, debt.price_text, debt.pathway) == ("low_cost", "£5", "signpost")
    assert (debt.latitude, debt.longitude) == (50.602, -3.897)  # from the postcode lookup
    assert times(db_session, debt) == [(2, None, time(13), time(16), 1, 1, date(2026, 1, 7), None, None)]


def test_open_referral_reimport_updates_and_inactive_closes(app, world, db_session, postcodes, tmp_path):
    run_import(app, world, ORUK, "openreferral")
    document = json.loads(ORUK.read_text())
    document["content"][1]["status"] = "inactive"
    document["content"][0]["name"] = "Ferncombe Food Bank (Church Lane)"
    changed = tmp_path / "services.json"
    changed.write_text(json.dumps(document))

    outcome = run_import(app, world, changed, "openreferral")

    assert (outcome.created, outcome.updated, outcome.closed) == (0, 1, 1)
    found = imported(db_session, world.north, "openreferral")
    assert found["oruk-foodbank"].name == "Ferncombe Food Bank (Church Lane)"
    assert found["oruk-debt"].status == "closed"
    assert len(found) == 2


def test_open_referral_accepts_one_service_or_a_list(app, world, db_session, postcodes, tmp_path):
    service = json.loads(ORUK.read_text())["content"][0]
    (tmp_path / "one.json").write_text(json.dumps(service))
    (tmp_path / "list.json").write_text(json.dumps([service]))

    assert run_import(app, world, tmp_path / "one.json", "openreferral").created == 1
    assert run_import(app, world, tmp_path / "list.json", "openreferral").updated == 1
    assert list(imported(db_session, world.north, "openreferral")) == ["oruk-foodbank"]


def test_open_referral_broken_services_are_listed(runner, world, db_session, postcodes, tmp_path):
    document = json.loads(ORUK.read_text())
    document["content"][0]["service_at_locations"][0]["regular_schedules"][0]["freq"] = "MONTHLY"
    document["content"][1]["service_at_locations"][0]["location"]["physical_addresses"][0]["postal_code"] = "XX"
    document["content"].append({"name": "No id here"})
    (tmp_path / "services.json").write_text(json.dumps(document))

    result = cli(runner, tmp_path / "services.json", feed_format="openreferral")

    assert result.exit_code == 1
    assert "Broken: service oruk-foodbank: regular_schedule 1: it repeats 'monthly'" in result.stderr
    assert "Broken: service oruk-debt: the postcode 'XX' is not a UK postcode." in result.stderr
    assert "Broken: service (number 4): it has no id." in result.stderr
    assert imported(db_session, world.north, "openreferral") == {}


def test_a_document_that_is_not_open_referral_is_a_clear_error(runner, world, tmp_path):
    (tmp_path / "odd.json").write_text('{"hello": "world"}')

    result = cli(runner, tmp_path / "odd.json", feed_format="openreferral")

    assert result.exit_code == 1
    assert "This is not Open Referral UK" in result.output


# --- The rules on their own (no database) -----------------------------------------------------------


@pytest.mark.parametrize("code", sorted(vocab.CATEGORIES))
def test_each_of_our_category_labels_maps_back_to_its_code(code):
    assert common.categories_from([vocab.CATEGORIES[code]]) == [code]


def test_categories_fall_back_to_the_name_and_description():
    assert common.categories_from(["Zumba-ish"], ["Tea and chat", "A friendly social group"]) == ["befriending"]
    assert common.categories_from([], ["Mystery Meetup", "Come along."]) == []
    assert common.categories_from(["Walking Football"]) == ["walking_groups", "sport_swimming"]


@pytest.mark.parametrize(
    ("words", "codes"),
    [
        (["Women only"], ["women_only"]),
        (["Men only"], ["men_only"]),
        (["Step-free access", "Wheelchair accessible toilet"], ["step_free", "accessible_toilet"]),
        (["Induction loop", "BSL interpreter on request"], ["hearing_loop", "bsl"]),
        (["Stairs only"], []),
    ],
)
def test_accessibility_from_words(words, codes):
    assert common.accessibility_from(words) == codes


@pytest.mark.parametrize(
    ("words", "pathway"),
    [
        ("You need a referral from your GP.", "referral"),
        ("By referral only.", "referral"),
        ("No referral needed.", "signpost"),
        ("Referral is not required.", "signpost"),
        ("Self-referral welcome.", "signpost"),
        ("Just turn up.", "signpost"),
    ],
)
def test_pathway_from_words(words, pathway):
    assert common.pathway_from([words]) == pathway


@pytest.mark.parametrize(
    ("prices", "free", "expected"),
    [
        ([], True, ("free", "")),
        ([0, 3], False, ("free", "")),
        ([5], False, ("low_cost", "£5")),
        ([5.01], False, ("paid", "£5.01")),
        ([], False, ("paid", "Ask about the cost")),
    ],
)
def test_cost_bands(prices, free, expected):
    assert common.cost_from(prices, free) == expected


@pytest.mark.parametrize(
    ("raw", "weekday"),
    [("https://schema.org/Monday", 0), ("http://schema.org/Sunday", 6), ("schema:Friday", 4), ("WE", 2), ("Fun", None)],
)
def test_days_we_understand(raw, weekday):
    assert common.weekday_of(raw) == weekday


def test_an_id_too_long_to_keep_is_broken():
    item = {"state": "deleted", "kind": "SessionSeries", "id": "x" * 301, "modified": 1}

    plan = openactive.plan_from_items([("page 1 item 1", item)])

    assert [(broken.item_id, broken.reasons) for broken in plan.broken] == [
        ("x" * 40 + "...", ["its id is longer than 300 characters."])
    ]
    assert plan.listings == []


def test_a_session_series_with_equal_start_and_end_is_broken():
    data = {
        "name": "Yoga",
        "activity": ["Yoga"],
        "eventSchedule": [{"repeatFrequency": "P1W", "byDay": "Monday", "startTime": "10:00", "endTime": "10:00"}],
    }

    values, found, reasons = openactive.check_session_series(data)

    assert values is None and found == []
    assert reasons == ["eventSchedule 1: the end time 10:00 is not after the start time 10:00."]


def test_a_scheduled_session_over_midnight_or_without_an_end_is_broken():
    over_midnight = {
        "superEvent": "s",
        "startDate": "2026-05-05T23:00:00+01:00",
        "endDate": "2026-05-06T01:00:00+01:00",
    }
    no_end = {"superEvent": "s", "startDate": "2026-05-05T10:00:00Z"}

    assert openactive.check_scheduled_session(over_midnight)[2] == [
        "The session ends on a different day from the one it starts on."
    ]
    assert "The session needs an endDate" in openactive.check_scheduled_session(no_end)[2][0]
    with_duration = dict(no_end, duration="PT1H30M")
    assert openactive.check_scheduled_session(with_duration)[1]["ends_at"] == time(12, 30)


def test_long_descriptions_are_reported_not_cut():
    data = {"name": "Walk", "description": "x" * 2001, "activity": ["Walking"]}

    assert openactive.check_session_series(data)[2] == [
        "the description is 2001 characters long; the most we keep is 2000."
    ]


def test_a_position_outside_the_uk_is_broken():
    service = {"id": "s", "name": "Food bank", "service_at_locations": [{"location": {"latitude": 40, "longitude": 3}}]}

    assert openreferral.check_service(service)[2] == ["the position 40.0, 3.0 is not in the UK."]
