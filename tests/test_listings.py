"""Keeping the directory true: adding and editing listings and their times, marking them checked,
reporting and sorting out problems, the managers' flag list, and the demo directory."""

from datetime import date, time, timedelta

import pytest
from sqlmodel import func, select

from models import Listing, ListingProblem, ListingTime, PostcodeArea, Service
from pwa.clock import london_today
from pwa.demo import DEMO_SLUG, load_demo
from pwa.demo_directory import load_demo_directory
from pwa.directory.listing_rules import check_listing, review_flag, tidy_languages, time_rows_from_form
from tests.conftest import act_as, post_form

TODAY = date(2025, 6, 10)


@pytest.fixture
def as_champion(client, world):
    act_as(client, world.people["champion"], world.grants["champion"])
    return client


@pytest.fixture
def as_manager(client, world):
    act_as(client, world.people["manager"], world.grants["manager"])
    return client


@pytest.fixture
def lookup(db_session):
    """One postcode the lookup knows, with a position."""
    db_session.add(PostcodeArea(postcode="FE1 6FR", ward_name="Ferncombe Central", latitude=50.6, longitude=-3.9))
    db_session.commit()


def listing_form(**changes) -> dict:
    """A good new listing: a free walk on Tuesdays and Thursdays."""
    form = {
        "name": "Tuesday Morning Health Walk",
        "description": "A gentle walk round the park.",
        "categories": ["walking_groups"],
        "organisation": "Ferncombe Walkers",
        "schedule_kind": "weekly",
        "times-0-weekday": "1",
        "times-0-starts_at": "10:00",
        "times-0-ends_at": "11:00",
        "times-0-weeks_on": "1",
        "times-0-weeks_off": "0",
        "times-1-weekday": "3",
        "times-1-starts_at": "14:00",
        "times-1-ends_at": "15:30",
        "times-1-weeks_on": "1",
        "times-1-weeks_off": "0",
        "times-2-weeks_on": "1",  # a blank row, as the form shows it
        "times-2-weeks_off": "0",
        "venue": "Ferncombe Park gates",
        "postcode": "fe1 6fr",
        "cost": "free",
        "pathway": "signpost",
        "status": "active",  # only the edit form shows it
        "accessibility": ["step_free", "near_bus"],
        "languages": "polish,  british sign language, Polish",
        "contact_phone": "01632 960001",
        "contact_email": "walks@example.org",
        "website": "https://example.org/walks",
        "how_to_go": "Just turn up.",
        "staff_notes": "Ask for Dee.",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def listings_named(db_session, name: str) -> list[Listing]:
    db_session.expire_all()
    return list(db_session.exec(select(Listing).where(Listing.name == name)).all())


def times_of(db_session, listing: Listing) -> list[ListingTime]:
    db_session.expire_all()
    query = select(ListingTime).where(ListingTime.listing_id == listing.id).order_by(ListingTime.id)
    return list(db_session.exec(query).all())


def count(db_session, model) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(model)).one()


def add_listing(db_session, world, service="north", **fields) -> Listing:
    listing = Listing(service_id=getattr(world, service).id, name="Cuppa and Chat", categories=["befriending"])
    for name, value in fields.items():
        setattr(listing, name, value)
    db_session.add(listing)
    db_session.commit()
    return listing


# --- The rules, without HTTP ----------------------------------------------------------------


def check(form: dict, known=("FE1 6FR",)):
    return check_listing(form, time_rows_from_form(form), today=TODAY, known_postcode=lambda code: code in known)


def test_a_good_listing_gives_tidy_values_and_times():
    checked = check(listing_form())
    assert checked.ok, checked.errors
    values = checked.values
    assert values["postcode"] == "FE1 6FR" and values["categories"] == ["walking_groups"]
    assert values["languages"] == ["Polish", "British Sign Language"]
    assert values["accessibility"] == ["step_free", "near_bus"]
    assert [(row["weekday"], row["starts_at"], row["ends_at"]) for row in values["times"]] == [
        (1, time(10), time(11)),
        (3, time(14), time(15, 30)),
    ]
    assert not checked.warnings


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"times-0-ends_at": "09:00"}, "times-0-ends_at", "The end time must be after the start time"),
        ({"categories": []}, "categories", "Choose at least one kind"),
        ({"categories": ["made_up"]}, "categories", "Choose at least one kind"),
        ({"name": "  "}, "name", "Write the name"),
        ({"postcode": "FE1 6F"}, "postcode", "Write a UK postcode"),
        ({"cost": "low_cost"}, "price_text", "Say how much, like £3 a session"),
        ({"cost": "paid", "price_text": ""}, "price_text", "Say how much"),
        ({"times-1-weeks_off": "1"}, "times-1-from_date", "Choose the first day it runs"),
        ({"times-1-weeks_on": "x"}, "times-1-weeks_on", "whole number from 1 to 12"),
        ({"times-1-weeks_off": "13"}, "times-1-weeks_off", "whole number from 0 to 12"),
        ({"times-0-from_date": "2025-07-01", "times-0-until_date": "2025-06-01"}, "times-0-until_date", "after"),
        ({"times-0-starts_at": "25:00"}, "times-0-starts_at", "real start time"),
        ({"times-0-weekday": ""}, "times-0-weekday", "Choose the day of the week"),
        ({"contact_email": "walks.example.org"}, "contact_email", "email address"),
        ({"contact_email": "walks@example"}, "contact_email", "email address"),
        ({"website": "www.example.org"}, "website", "https://"),
        ({"contact_phone": "call Dee"}, "contact_phone", "phone number"),
        ({"schedule_kind": "dates"}, "times-0-weekday", "leave the day of the week empty"),
        ({"name": "x" * 121}, "name", "under 120"),
    ],
)
def test_each_bad_field_gets_its_message(changes, field, message):
    checked = check(listing_form(**changes))
    assert message in checked.errors.get(field, ""), checked.errors


def test_weekly_needs_a_time_and_dates_need_a_date():
    no_rows = {key: value for key, value in listing_form().items() if not key.startswith("times-")}
    assert "at least one day and time" in check({**no_rows, "schedule_kind": "weekly"}).errors["times"]
    assert "at least one date" in check({**no_rows, "schedule_kind": "dates"}).errors["times"]
    asked = check({**no_rows, "schedule_kind": "ask"})
    assert asked.ok and asked.values["times"] == []
    assert "remove the times" in check(listing_form(schedule_kind="ask")).errors["times"]


def test_one_off_dates_and_removed_rows():
    form = listing_form(schedule_kind="dates")
    for name in ("times-0-weekday", "times-1-weekday"):
        form.pop(name)
    form["times-0-on_date"] = "2025-06-24"
    form["times-1-remove"] = "yes"  # ticked "remove": left out, even though it is filled in
    checked = check(form)
    assert checked.ok, checked.errors
    assert [(row["on_date"], row["weekday"]) for row in checked.values["times"]] == [(date(2025, 6, 24), None)]


def test_fortnightly_times_keep_their_first_day():
    checked = check(listing_form(**{"times-1-weeks_off": "1", "times-1-from_date": "2025-06-12"}))
    assert checked.ok, checked.errors
    second = checked.values["times"][1]
    assert (second["weeks_on"], second["weeks_off"], second["from_date"]) == (1, 1, date(2025, 6, 12))


def test_a_postcode_the_lookup_does_not_know_is_allowed_with_a_warning():
    checked = check(listing_form(postcode="FE9 9ZZ"))
    assert checked.ok and checked.values["postcode"] == "FE9 9ZZ"
    assert "FE9 9ZZ" in checked.warnings["postcode"]


def test_languages_and_review_flags_read_well():
    assert tidy_languages("urdu; polish\nURDU, ") == ["Urdu", "Polish"]
    assert review_flag(None, TODAY) == "Never checked"
    assert review_flag(date(2024, 3, 5), TODAY) == "Not checked since March 2024"
    assert review_flag(TODAY - timedelta(days=300), TODAY) is None


# --- Adding and editing ---------------------------------------------------------------------


def test_champion_adds_a_listing_with_two_times(as_champion, world, db_session, lookup):
    response = post_form(as_champion, "/directory/new", listing_form())
    assert response.status_code == 302
    [listing] = listings_named(db_session, "Tuesday Morning Health Walk")
    assert response.headers["Location"] == f"/directory/{listing.id}"
    assert listing.service_id == world.north.id and listing.status == "active" and listing.source == "local"
    assert (listing.latitude, listing.longitude) == (50.6, -3.9)  # from the lookup
    assert listing.postcode == "FE1 6FR" and listing.languages == ["Polish", "British Sign Language"]
    assert listing.last_reviewed_on == london_today() and listing.created_by_id == world.people["champion"].id
    assert [(row.weekday, row.starts_at, row.ends_at) for row in times_of(db_session, listing)] == [
        (1, time(10), time(11)),
        (3, time(14), time(15, 30)),
    ]


def test_a_status_sent_with_a_new_listing_is_ignored(as_champion, db_session, lookup):
    post_form(as_champion, "/directory/new", listing_form(status="closed"))
    assert listings_named(db_session, "Tuesday Morning Health Walk")[0].status == "active"


def test_unknown_postcode_saves_and_warns(as_champion, db_session):
    response = post_form(as_champion, "/directory/new", listing_form(postcode="FE9 9ZZ"), follow_redirects=False)
    assert response.status_code == 302
    [listing] = listings_named(db_session, "Tuesday Morning Health Walk")
    assert listing.latitude is None
    page = as_champion.get("/directory/new").get_data(as_text=True)  # the flash shows on the next page
    assert "We do not know where FE9 9ZZ is" in page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"times-1-ends_at": "13:00"}, "The end time must be after the start time"),
        ({"categories": []}, "Choose at least one kind of activity or service."),
        ({"postcode": "not a postcode"}, "Write a UK postcode"),
        ({"cost": "low_cost"}, "Say how much, like £3 a session."),
        ({"times-0-weeks_off": "1"}, "Choose the first day it runs, so we know which weeks are on."),
        ({"contact_email": "nobody"}, "Write an email address"),
        ({"website": "example.org"}, "Write the web address starting with https://"),
    ],
)
def test_a_bad_listing_says_why_and_saves_nothing(as_champion, db_session, changes, message):
    response = post_form(as_champion, "/directory/new", listing_form(**changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page.replace("&#39;", "'")
    assert 'class="message message--error"' in page  # the summary at the top
    assert 'value="Tuesday Morning Health Walk"' in page  # what was typed is kept
    assert count(db_session, Listing) == 2 and count(db_session, ListingTime) == 1  # only the world's


def test_error_summary_links_to_the_time_row_field(as_champion):
    page = post_form(as_champion, "/directory/new", listing_form(**{"times-1-ends_at": "13:00"})).get_data(as_text=True)
    assert 'href="#times-1-ends_at"' in page and 'id="times-1-ends_at"' in page


def test_new_listing_form_shows_two_blank_time_rows(as_champion):
    page = as_champion.get("/directory/new").get_data(as_text=True)
    assert 'name="times-1-starts_at"' in page and 'name="times-2-starts_at"' not in page
    assert 'name="add_time"' in page and 'name="csrf_token"' in page


def test_add_another_time_adds_a_row_without_saving(as_champion, db_session):
    form = listing_form(**{"times-1-remove": "yes"})
    response = post_form(as_champion, "/directory/new", {**form, "add_time": "yes"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Row 1 was ticked "remove": rows 0 and the old blank row 2 stay (now 0 and 1), plus one more.
    assert 'name="times-2-starts_at"' in page and 'name="times-3-starts_at"' not in page
    assert 'value="10:00"' in page and 'value="14:00"' not in page
    assert "field__error" not in page
    assert count(db_session, Listing) == 2


def test_edit_replaces_times_and_counts_as_a_review(client, world, db_session, lookup):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    listing = add_listing(db_session, world, last_reviewed_on=date(2020, 1, 1))
    db_session.add(ListingTime(listing_id=listing.id, weekday=4, starts_at=time(14), ends_at=time(16)))
    db_session.commit()
    page = client.get(f"/directory/{listing.id}/edit").get_data(as_text=True)
    assert 'value="14:00"' in page and 'value="Cuppa and Chat"' in page
    form = listing_form(name="Cuppa and Chat", status="paused")
    form = {key: value for key, value in form.items() if not key.startswith("times-1")}
    response = post_form(client, f"/directory/{listing.id}/edit", form)
    assert response.status_code == 302
    db_session.expire_all()
    listing = db_session.get(Listing, listing.id)
    assert listing.status == "paused" and listing.last_reviewed_on == london_today()
    assert listing.updated_by_id == world.people["trainer"].id and listing.latitude == 50.6
    assert [(row.weekday, row.starts_at) for row in times_of(db_session, listing)] == [(1, time(10))]


def test_a_bad_edit_changes_nothing(as_champion, world, db_session):
    listing = world.listings["north"]
    response = post_form(as_champion, f"/directory/{listing.id}/edit", listing_form(name=""))
    assert response.status_code == 422
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).name == "Tuesday Health Walk"
    assert [(row.weekday, row.starts_at) for row in times_of(db_session, listing)] == [(1, time(10))]


def test_editing_an_imported_listing_warns_and_keeps_its_feed_position(as_champion, world, db_session):
    listing = add_listing(
        db_session, world, source="openactive", source_id="abc", postcode="FE9 9ZZ", latitude=50.7, longitude=-3.5
    )
    page = as_champion.get(f"/directory/{listing.id}/edit").get_data(as_text=True)
    assert "the next import" in page
    form = listing_form(name="Cuppa and Chat", postcode="FE9 9ZZ", status="active")
    assert post_form(as_champion, f"/directory/{listing.id}/edit", form).status_code == 302
    db_session.expire_all()
    listing = db_session.get(Listing, listing.id)
    assert (listing.latitude, listing.longitude, listing.source) == (50.7, -3.5, "openactive")


@pytest.mark.parametrize("actor, expected", [("champion", 302), ("trainer", 302), ("client", 403)])
def test_who_may_add_listings(client, world, db_session, actor, expected):
    act_as(client, world.people[actor], world.grants[actor])
    token_from = "/account/"
    assert post_form(client, "/directory/new", listing_form(), token_from=token_from).status_code == expected
    assert len(listings_named(db_session, "Tuesday Morning Health Walk")) == (1 if expected == 302 else 0)


def test_another_services_listing_is_not_found(as_champion, world, db_session):
    south = world.listings["south"]
    assert as_champion.get(f"/directory/{south.id}/edit").status_code == 404
    assert post_form(as_champion, f"/directory/{south.id}/edit", listing_form()).status_code == 404
    assert post_form(as_champion, f"/directory/{south.id}/reviewed").status_code == 404
    assert as_champion.get(f"/directory/{south.id}/problem").status_code == 404
    report = post_form(as_champion, f"/directory/{south.id}/problem", {"kind": "details_wrong"})
    assert report.status_code == 404
    south_problem = ListingProblem(
        service_id=world.south.id, listing_id=south.id, kind="no_longer_runs", reported_on=london_today()
    )
    db_session.add(south_problem)
    db_session.commit()
    response = post_form(as_champion, f"/directory/problems/{south_problem.id}/resolve", {"close_listing": "yes"})
    assert response.status_code == 404
    db_session.expire_all()
    assert db_session.get(ListingProblem, south_problem.id).resolved_on is None
    assert db_session.get(Listing, south.id).name == "South Vale Food Bank" and south.last_reviewed_on is None
    assert db_session.get(Listing, south.id).status == "active"
    assert count(db_session, ListingProblem) == 2


# --- Reviews and problems -------------------------------------------------------------------


def test_mark_as_checked_sets_today(as_champion, world, db_session):
    listing = add_listing(db_session, world, last_reviewed_on=date(2020, 1, 1))
    response = post_form(as_champion, f"/directory/{listing.id}/reviewed", follow_redirects=False)
    assert response.status_code == 302 and response.headers["Location"] == f"/directory/{listing.id}"
    db_session.expire_all()
    assert db_session.get(Listing, listing.id).last_reviewed_on == london_today()


def test_mark_as_checked_goes_back_only_to_a_local_page(as_manager, world, db_session):
    listing = world.listings["north"]
    back = post_form(as_manager, f"/directory/{listing.id}/reviewed", {"next": "/directory/flags"})
    assert back.headers["Location"] == "/directory/flags"
    away = post_form(as_manager, f"/directory/{listing.id}/reviewed", {"next": "//evil.example"})
    assert away.headers["Location"] == f"/directory/{listing.id}"


def test_report_a_problem_then_sort_it_out(client, world, db_session):
    act_as(client, world.people["trainee"], world.grants["trainee"])
    listing = add_listing(db_session, world)
    assert "What is wrong?" in client.get(f"/directory/{listing.id}/problem").get_data(as_text=True)
    needs_note = post_form(client, f"/directory/{listing.id}/problem", {"kind": "other"})
    assert needs_note.status_code == 422 and "Say in a few words what is wrong." in needs_note.get_data(as_text=True)
    no_kind = post_form(client, f"/directory/{listing.id}/problem", {"note": "Hmm"})
    assert no_kind.status_code == 422 and "Choose what is wrong." in no_kind.get_data(as_text=True)
    assert count(db_session, ListingProblem) == 1  # the world's

    sent = post_form(client, f"/directory/{listing.id}/problem", {"kind": "no_longer_runs", "note": "Hall closed."})
    assert sent.status_code == 302
    problem = db_session.exec(select(ListingProblem).where(ListingProblem.listing_id == listing.id)).one()
    assert (problem.kind, problem.note, problem.reported_by_id, problem.resolved_on) == (
        "no_longer_runs",
        "Hall closed.",
        world.people["trainee"].id,
        None,
    )

    done = post_form(
        client, f"/directory/problems/{problem.id}/resolve", {"resolution": "Phoned them.", "close_listing": "yes"}
    )
    assert done.status_code == 302
    db_session.expire_all()
    problem = db_session.get(ListingProblem, problem.id)
    assert problem.resolved_on == london_today() and problem.resolution == "Phoned them."
    assert problem.resolved_by_id == world.people["trainee"].id
    assert db_session.get(Listing, listing.id).status == "closed"


def test_closing_is_only_offered_when_it_no_longer_runs(as_champion, world, db_session):
    problem = world.problems["north"]  # "details wrong"
    response = post_form(as_champion, f"/directory/problems/{problem.id}/resolve", {"close_listing": "yes"})
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(ListingProblem, problem.id).resolved_on == london_today()
    assert db_session.get(Listing, world.listings["north"].id).status == "active"


def test_too_long_a_resolution_is_refused(as_champion, world, db_session):
    problem = world.problems["north"]
    response = post_form(as_champion, f"/directory/problems/{problem.id}/resolve", {"resolution": "x" * 301})
    assert response.status_code == 422 and "Keep this under 300 letters." in response.get_data(as_text=True)
    db_session.expire_all()
    assert db_session.get(ListingProblem, problem.id).resolved_on is None


# --- The flag list --------------------------------------------------------------------------


def test_flag_list_shows_overdue_never_checked_and_problem_listings(as_manager, world, db_session):
    today = london_today()
    add_listing(db_session, world, name="Old Garden Group", last_reviewed_on=today - timedelta(days=400))
    add_listing(db_session, world, name="Never Checked Choir", last_reviewed_on=None)
    add_listing(db_session, world, name="Fresh Food Club", last_reviewed_on=today - timedelta(days=30))
    add_listing(db_session, world, name="Closed Club", last_reviewed_on=None, status="closed")
    add_listing(db_session, world, service="south", name="South Old Group", last_reviewed_on=None)
    response = as_manager.get("/directory/flags")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Never Checked Choir" in page and "Old Garden Group" in page
    assert page.index("Never Checked Choir") < page.index("Old Garden Group")  # oldest first
    assert "Never checked" in page and f"Not checked since {today - timedelta(days=400):%B %Y}" in page
    assert "Not checked for a year (2)" in page and "4 listings running or paused" in page
    assert "Fresh Food Club" not in page and "Closed Club" not in page and "South Old Group" not in page
    # The world's walk is fresh but has an open problem.
    assert "Problems reported (1)" in page and "Tuesday Health Walk" in page and "It starts at 10:30 now." in page
    assert f"/directory/problems/{world.problems['north'].id}/resolve" in page


def test_overview_links_to_the_flag_list_with_its_count(as_manager, world, db_session):
    add_listing(db_session, world, name="Never Checked Choir", last_reviewed_on=None)
    page = as_manager.get("/overview").get_data(as_text=True)
    assert "Directory: 2 listings to check" in page and 'href="/directory/flags"' in page


def test_only_managers_see_the_flag_list(as_champion):
    assert as_champion.get("/directory/flags").status_code == 403


# --- The listing page slot ------------------------------------------------------------------


def test_listing_page_offers_staff_ways_to_keep_it_true(as_champion, world, db_session):
    listing = world.listings["north"]
    listing = db_session.get(Listing, listing.id)
    listing.last_reviewed_on = date(2024, 3, 1)
    db_session.add(listing)
    db_session.commit()
    page = as_champion.get(f"/directory/{listing.id}").get_data(as_text=True)
    assert f"/directory/{listing.id}/edit" in page and "Still right? Mark as checked" in page
    assert "Report a problem" in page and "Not checked since March 2024" in page
    assert "It starts at 10:30 now." in page and f"{world.people['trainer'].display_name}, " in page
    assert f"/directory/problems/{world.problems['north'].id}/resolve" in page


def test_public_listing_page_shows_nothing_to_keep_it_true(client, world):
    listing = world.listings["north"]
    page = client.get(f"/services/{world.north.slug}/directory/{listing.id}").get_data(as_text=True)
    assert "Mark as checked" not in page and "It starts at 10:30 now." not in page


def test_clients_do_not_see_the_staff_actions(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    page = client.get(f"/directory/{world.listings['north'].id}").get_data(as_text=True)
    assert "Mark as checked" not in page and "Report a problem" not in page


# --- The demo --------------------------------------------------------------------------------


def test_demo_directory_loads_once_with_what_the_story_needs(app, db_session):
    assert load_demo(db_session) is True
    service = db_session.exec(select(Service).where(Service.slug == DEMO_SLUG)).one()
    listings = {listing.name: listing for listing in db_session.exec(select(Listing)).all()}
    assert len(listings) == 12 and service.public_directory
    walk = listings["Tuesday Morning Health Walk"]
    assert walk.cost == "free" and walk.postcode.startswith("FE1 ") and walk.latitude is not None
    assert [(row.weekday, row.starts_at, row.ends_at) for row in times_of(db_session, walk)] == [
        (1, time(10), time(11))
    ]
    assert all(listing.latitude is not None for listing in listings.values())
    assert listings["Quit Together Stop Smoking Clinic"].schedule_kind == "ask"
    assert listings["Money Matters Debt Advice"].pathway == "referral"
    assert listings["Otter Vale Men's Shed"].status == "closed"
    assert review_flag(listings["Millbrook Community Garden"].last_reviewed_on, london_today())
    [fair_time] = times_of(db_session, listings["Health fair"])
    assert fair_time.on_date == london_today() + timedelta(days=14)
    [cooking] = times_of(db_session, listings["Cook and Eat Well"])
    assert (cooking.weeks_on, cooking.weeks_off) == (1, 1) and cooking.from_date is not None
    assert count(db_session, ListingProblem) == 1

    # Again: the demo loader and the directory loader itself add nothing twice.
    assert load_demo(db_session) is False
    assert load_demo_directory(db_session, service, {}) == 0
    db_session.commit()
    assert count(db_session, Listing) == 12 and count(db_session, ListingProblem) == 1
    assert count(db_session, ListingTime) == sum(len(times_of(db_session, item)) for item in listings.values())
