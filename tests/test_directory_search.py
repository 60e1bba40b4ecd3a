"""Searching the directory (logged in and public), the listing page, "near me", the live
htmx search, and the service setting that opens the public directory."""

import re
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import event
from sqlmodel import select

from models import Listing, PostcodeArea, Service
from pwa.directory import search_views
from pwa.directory.listing_store import save_listing
from tests.conftest import act_as, post_form

# Monday 24 November 2025, 9am in London (GMT): "now" for every test here.
NOW = datetime(2025, 11, 24, 9, 0, tzinfo=UTC)
TUESDAY, SATURDAY = 1, 5

# Our own lookup rows: FE1 1AA is "home"; the others are north of it, further each time.
POSTCODES = {
    "FE1 1AA": (50.600, -3.900),
    "FE1 2AB": (50.605, -3.900),  # about 0.3 miles
    "FE2 1AB": (50.630, -3.900),  # about 2.1 miles
    "FE3 1AB": (50.700, -3.900),  # about 6.9 miles
}


@pytest.fixture(autouse=True)
def fixed_now(monkeypatch):
    monkeypatch.setattr(search_views, "utcnow", lambda: NOW)


@pytest.fixture
def postcodes(db_session):
    db_session.add_all(
        PostcodeArea(postcode=code, latitude=lat, longitude=long) for code, (lat, long) in POSTCODES.items()
    )
    db_session.commit()


def weekly(weekday, start=(10, 0), end=(11, 0), **extra) -> dict:
    return {"weekday": weekday, "starts_at": time(*start), "ends_at": time(*end), **extra}


def add_listing(session, service: Service, name: str, times=(), **fields) -> Listing:
    """A listing saved the way the app saves them (its position comes from the postcode)."""
    values = {"name": name, "categories": ["walking_groups"], "cost": "free", **fields}
    return save_listing(session, Listing(service_id=service.id, name=name), values, list(times), by_id=None)


def names(page: str) -> list[str]:
    """The listing names in the results, in order."""
    return re.findall(r'<h3 class="result__name"><a href="[^"]+">([^<]+)</a>', page)


def result_of(page: str, name: str) -> str:
    """The HTML of one result."""
    for item in re.findall(r'<li class="result">(.*?)</dl>', page, re.DOTALL):
        if f">{name}</a>" in item:
            return item
    raise AssertionError(f"{name} is not in the results")


def search(client, **params) -> str:
    response = client.get("/directory", query_string=params)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.fixture
def trainer(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    return client


@pytest.fixture
def places(db_session, world, postcodes):
    """Four listings at known distances from FE1 1AA, plus the world's walk (no postcode)."""
    return {
        "near": add_listing(db_session, world.north, "Near Walk", [weekly(3)], postcode="FE1 2AB"),
        "far": add_listing(db_session, world.north, "Far Swim", [weekly(TUESDAY, (9, 0), (10, 0))], postcode="FE3 1AB"),
        "mid": add_listing(db_session, world.north, "Mid Bowls", [weekly(SATURDAY)], postcode="FE2 1AB"),
    }


# --- Distance -------------------------------------------------------------------------------


def test_results_are_nearest_first_with_miles(trainer, places):
    page = search(trainer, postcode="fe1 1aa")
    # The world's Tuesday Health Walk has no postcode: it comes last.
    assert names(page) == ["Near Walk", "Mid Bowls", "Far Swim", "Tuesday Health Walk"]
    assert "4 places found near FE1 1AA" in page
    assert "0.3 miles" in page and "2.1 miles" in page and "6.9 miles" in page


def test_within_keeps_only_places_that_close(trainer, places):
    page = search(trainer, postcode="FE1 1AA", within="3")
    assert names(page) == ["Near Walk", "Mid Bowls"]
    assert names(search(trainer, postcode="FE1 1AA", within="1")) == ["Near Walk"]


def test_just_the_district_works(trainer, places):
    page = search(trainer, postcode="FE1")
    assert names(page)[:3] == ["Near Walk", "Mid Bowls", "Far Swim"]
    assert "near FE1" in page


def test_sort_by_next_session(trainer, places, world, db_session):
    add_listing(db_session, world.north, "Debt Advice", categories=["debt_money"], schedule_kind="ask")
    page = search(trainer, postcode="FE1 1AA", sort="next")
    # Far Swim and the walk are Tuesday (9am, then 10am); Near Walk Thursday; Bowls Saturday; "ask" last.
    assert names(page) == ["Far Swim", "Tuesday Health Walk", "Near Walk", "Mid Bowls", "Debt Advice"]
    # Without a postcode "nearest first" cannot be done: soonest first instead.
    assert names(search(trainer, sort="distance"))[0] == "Far Swim"


def test_near_me_searches_round_the_position(trainer, places):
    page = search(trainer, lat="50.6", long="-3.9", q="")
    assert names(page)[:3] == ["Near Walk", "Mid Bowls", "Far Swim"]
    assert "places found near you" in page and "Showing places near you" in page
    # The position stays in the form for the next search, and can be dropped.
    assert 'name="lat" value="50.6"' in page
    forget = re.search(r'<a href="([^"]*)">Use a postcode instead</a>', page).group(1)
    assert "lat=" not in forget and "long=" not in forget


def test_a_postcode_wins_over_the_position(trainer, places):
    page = search(trainer, lat="50.7", long="-3.9", postcode="FE1 1AA")
    assert names(page)[0] == "Near Walk"
    assert "found near FE1 1AA" in page and "found near you" not in page and "Showing places near you" not in page


# --- Bad input ------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["FE9 9ZZ", "hello", "FE1 9ZZ"])
def test_a_postcode_we_do_not_know_is_explained_by_the_field(trainer, places, typed):
    # A search answers 200 with the message (it is not a failed form).
    response = trainer.get("/directory", query_string={"postcode": typed})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    message = "We do not know that postcode. Check it, or try just the first part, like FE1."
    assert f'<p class="field__error" id="postcode-error"><span class="visually-hidden">Error:</span> {message}' in page
    assert 'aria-invalid="true"' in page
    assert names(page) == []


def test_the_suggested_district_is_the_one_typed_when_we_know_it(trainer, places):
    page = search(trainer, postcode="FE2 9ZZ")
    assert "try just the first part, like FE2." in page


@pytest.mark.parametrize("lat, long", [("95", "-3.9"), ("50.6", "west"), ("nan", "1"), ("50.6", "")])
def test_a_position_that_is_not_real_is_refused(trainer, places, lat, long):
    page = search(trainer, lat=lat, long=long)
    assert "We could not use your position. Type your postcode instead." in page
    assert names(page) == []


# --- Filters --------------------------------------------------------------------------------


@pytest.fixture
def variety(db_session, world):
    """Listings that differ in one way each from the world's free Tuesday 10am walk."""
    north = world.north
    return [
        add_listing(
            db_session,
            north,
            "Swim Club",
            [weekly(SATURDAY, (14, 0), (15, 0))],
            categories=["sport_swimming"],
            cost="paid",
            price_text="£3.50 a swim",
            accessibility=["step_free", "hearing_loop"],
            organisation="Leisure Trust",
        ),
        add_listing(
            db_session,
            north,
            "Evening Yoga",
            [weekly(TUESDAY, (18, 30), (19, 30))],
            categories=["exercise_classes"],
            cost="low_cost",
            accessibility=["step_free"],
            description="Gentle stretching for BEGINNERS.",
        ),
        add_listing(
            db_session,
            north,
            "Christmas Fair",
            [{"on_date": date(2025, 12, 6), "starts_at": time(11), "ends_at": time(15)}],
            categories=["befriending"],
        ),
        add_listing(db_session, north, "Money Help", categories=["debt_money"], schedule_kind="ask"),
        add_listing(db_session, north, "Old Group", [weekly(TUESDAY)], status="closed"),
        add_listing(db_session, north, "Resting Group", [weekly(TUESDAY)], status="paused"),
    ]


# Closed and paused listings are never found.
RUNNING = {"Tuesday Health Walk", "Swim Club", "Evening Yoga", "Christmas Fair", "Money Help"}


@pytest.mark.parametrize(
    "params, expected",
    [
        ({}, RUNNING),
        ({"category": "sport_swimming"}, {"Swim Club"}),
        ({"category": "not-a-category"}, RUNNING),
        ({"free": "yes"}, {"Tuesday Health Walk", "Christmas Fair", "Money Help"}),
        ({"access": "step_free"}, {"Swim Club", "Evening Yoga"}),
        ({"access": ["step_free", "hearing_loop"]}, {"Swim Club"}),
        ({"day": str(TUESDAY)}, {"Tuesday Health Walk", "Evening Yoga"}),
        ({"day": str(SATURDAY)}, {"Swim Club", "Christmas Fair"}),  # a one-off date counts on its weekday
        ({"time": "morning"}, {"Tuesday Health Walk", "Christmas Fair"}),
        ({"time": "afternoon"}, {"Swim Club"}),
        ({"day": str(TUESDAY), "time": "evening"}, {"Evening Yoga"}),
        ({"day": str(TUESDAY), "time": "afternoon"}, set()),
        ({"q": "beginners"}, {"Evening Yoga"}),  # description, any case
        ({"q": "leisure"}, {"Swim Club"}),  # organisation
        ({"q": "walk"}, {"Tuesday Health Walk"}),
        ({"q": "health walk"}, {"Tuesday Health Walk"}),
        ({"q": "health swim"}, set()),  # every word must fit
        ({"q": "money", "free": "yes"}, {"Money Help"}),
    ],
)
def test_each_filter(trainer, variety, params, expected):
    assert set(names(search(trainer, **params))) == expected


def test_a_one_off_date_that_has_passed_does_not_fit_its_day(trainer, world, db_session):
    last_saturday = {"on_date": date(2025, 11, 22), "starts_at": time(11), "ends_at": time(15)}
    add_listing(db_session, world.north, "Old Fair", [last_saturday])
    assert "Old Fair" not in names(search(trainer, day=str(SATURDAY)))
    assert "Old Fair" in names(search(trainer))


def test_results_show_next_time_cost_and_how_to_go(trainer, world, variety):
    page = search(trainer)
    walk = result_of(page, "Tuesday Health Walk")
    assert "Tue 25 Nov, 10am" in walk and "Free" in walk and "Just turn up." in walk
    assert "Walking groups" in walk and f'href="/directory/{world.listings["north"].id}"' in walk
    swim = result_of(page, "Swim Club")
    assert "Sat 29 Nov, 2pm" in swim and "£3.50 a swim" in swim and "Free" not in swim
    assert "Ask for times" in result_of(page, "Money Help")
    assert "5 places found" in page


def test_only_the_services_own_listings_are_found(client, world):
    act_as(client, world.people["south-trainer"], world.grants["south-trainer"])
    assert names(search(client)) == ["South Vale Food Bank"]


def test_nothing_found_gives_a_hint(trainer, world):
    page = search(trainer, q="trampolining")
    assert "No places found" in page and "Try fewer choices" in page


# --- Live search (htmx) ---------------------------------------------------------------------


def test_htmx_gets_only_the_results_and_the_new_count(trainer, variety):
    response = trainer.get("/directory", query_string={"q": "yoga"}, headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<html" not in page and "<form" not in page and 'id="q"' not in page
    assert names(page) == ["Evening Yoga"]
    assert '<p id="results-status" hx-swap-oob="innerHTML">1 place found</p>' in page
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_with_a_bad_postcode_swaps_the_form_to_show_the_message(trainer, places):
    response = trainer.get("/directory", query_string={"postcode": "FE9 9ZZ"}, headers={"HX-Request": "true"})
    page = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#directory-page"
    assert response.headers["HX-Reswap"] == "outerHTML"
    assert "<html" not in page and page.lstrip().startswith('<div id="directory-page"')
    assert 'id="postcode-error"' in page and 'role="alert"' in page


def test_after_a_field_error_the_next_htmx_search_swaps_the_form_back(trainer, places):
    # The form that showed the error targets the whole search, so the message goes away.
    page = trainer.get("/directory", query_string={"postcode": "FE9 9ZZ"}).get_data(as_text=True)
    assert 'hx-target="#directory-page" hx-swap="outerHTML"' in page
    headers = {"HX-Request": "true", "HX-Target": "directory-page"}
    response = trainer.get("/directory", query_string={"postcode": "FE1"}, headers=headers)
    fixed = response.get_data(as_text=True)
    assert response.headers["HX-Retarget"] == "#directory-page"
    assert 'id="postcode-error"' not in fixed and 'hx-target="#results" hx-swap="innerHTML"' in fixed
    assert names(fixed)[0] == "Near Walk"


def test_the_page_works_without_javascript(trainer, variety):
    page = search(trainer, q="yoga")
    assert '<form method="get" action="/directory" role="search"' in page
    assert '<button type="submit" class="button">Search</button>' in page
    # Live search is htmx on the same form; the near-me button starts hidden (directory.js shows it).
    assert 'hx-get="/directory"' in page and 'hx-push-url="true"' in page
    assert re.search(r'<div class="near-me" data-near-me-box hidden>', page)
    assert 'role="status" aria-live="polite">1 place found</p>' in page
    assert "js/directory.js" in page


def test_more_choices_open_when_one_is_chosen(trainer, world):
    assert '<details class="more-choices">' in search(trainer)
    assert '<details class="more-choices" open>' in search(trainer, free="yes")


def test_search_statements_do_not_grow_with_the_number_of_listings(app, trainer, world, db_session, postcodes):
    def add(count, start):
        for number in range(start, start + count):
            add_listing(
                db_session,
                world.north,
                f"Group {number}",
                [weekly(number % 7), weekly((number + 3) % 7, (18, 0), (19, 0))],
                postcode="FE1 2AB" if number % 2 else "FE2 1AB",
                accessibility=["step_free"],
            )

    statements = []
    engine = app.extensions["db_engine"]

    def count(*_args):
        statements.append(1)

    def statements_for_search() -> int:
        statements.clear()
        event.listen(engine, "before_cursor_execute", count)
        try:
            page = search(trainer, postcode="FE1 1AA", q="group", access="step_free")
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(statements), len(names(page))

    add(5, 0)
    few = statements_for_search()
    add(25, 5)
    many = statements_for_search()
    assert few[1] == 5 and many[1] == 30
    assert few[0] == many[0]


# --- The listing page -----------------------------------------------------------------------


@pytest.fixture
def full_listing(db_session, world, postcodes):
    return add_listing(
        db_session,
        world.north,
        "Cook and Eat",
        [weekly(TUESDAY, (13, 30), (15, 0), weeks_on=1, weeks_off=1, from_date=date(2025, 11, 4))],
        categories=["cooking_courses"],
        organisation="Food Together",
        description="Cook a simple meal and eat it together.",
        venue="St Mark's Hall",
        address="12 Church Lane, Ferncombe",
        postcode="FE1 2AB",
        cost="low_cost",
        price_text="£1 a session",
        eligibility="Adults in Ferncombe",
        accessibility=["step_free", "near_bus"],
        languages=["English", "Polish"],
        contact_name="Sam",
        contact_phone="01234 567890",
        contact_email="sam@example.org",
        website="https://food.example.org/cook",
        how_to_go="Ring Sam first.",
        pathway="referral",
        last_reviewed_on=date(2025, 6, 1),
        staff_notes="Sam prefers texts.",
    )


def test_listing_page_shows_what_is_useful(trainer, full_listing):
    page = trainer.get(f"/directory/{full_listing.id}").get_data(as_text=True)
    for text in [
        "Cook and Eat",
        "Food Together",
        "Cook a simple meal",
        "Every other Tuesday, 1:30pm to 3pm (from 4 November)",
        "Tue 2 Dec, 1:30pm to 3pm",
        "Tue 16 Dec, 1:30pm to 3pm",
        "St Mark&#39;s Hall",
        "12 Church Lane, Ferncombe",
        "FE1 2AB",
        "Low cost. £1 a session",
        "Adults in Ferncombe",
        "Step-free access",
        "Near a bus stop",
        "English, Polish",
        'href="tel:01234567890"',
        'href="mailto:sam@example.org"',
        'href="https://food.example.org/cook"',
        "Ring Sam first.",
        "Yes. Needs a referral.",
        "1 June 2025",
    ]:
        assert text in page, text
    assert "Tue 25 Nov" not in page  # a week off


def test_staff_see_staff_notes_clients_and_the_public_never_do(client, world, full_listing):
    walk = world.listings["north"]
    act_as(client, world.people["champion"], world.grants["champion"])
    assert "Ask for Pat, the walk leader." in client.get(f"/directory/{walk.id}").get_data(as_text=True)
    # Staff looking at the public page see what the public sees.
    public_page = client.get(f"/services/north/directory/{walk.id}").get_data(as_text=True)
    assert "Tuesday Health Walk" in public_page and "Ask for Pat" not in public_page
    act_as(client, world.people["client"], world.grants["client"])
    page = client.get(f"/directory/{walk.id}").get_data(as_text=True)
    assert "Tuesday Health Walk" in page and "Ask for Pat" not in page


def test_public_pages_hide_staff_notes_and_problems(client, world, full_listing):
    walk = world.listings["north"]
    page = client.get(f"/services/north/directory/{walk.id}").get_data(as_text=True)
    assert "Tuesday Health Walk" in page and "Tuesdays, 10am to 11am" in page
    assert "Ask for Pat" not in page and "It starts at 10:30 now." not in page
    search_page = client.get("/services/north/directory").get_data(as_text=True)
    assert "Tuesday Health Walk" in search_page and "Cook and Eat" in search_page
    assert "Ask for Pat" not in search_page and "Sam prefers texts." not in search_page
    # Links from the public search stay on the public directory.
    assert f'href="/services/north/directory/{full_listing.id}"' in search_page


def test_another_services_listing_is_not_found(client, world):
    south_listing = world.listings["south"]
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert client.get(f"/directory/{south_listing.id}").status_code == 404
    assert client.get(f"/services/north/directory/{south_listing.id}").status_code == 404
    assert client.get("/directory/999999").status_code == 404


def test_a_service_without_a_public_directory_is_not_found(client, world):
    assert client.get("/services/south/directory").status_code == 404
    assert client.get(f"/services/south/directory/{world.listings['south'].id}").status_code == 404
    assert client.get("/services/nowhere/directory").status_code == 404


def test_closed_listings_are_hidden_publicly_but_staff_see_why(client, world, db_session):
    closed = add_listing(db_session, world.north, "Old Lunch Club", [weekly(TUESDAY)], status="closed")
    paused = add_listing(db_session, world.north, "Summer Rounders", [weekly(TUESDAY)], status="paused")
    assert client.get(f"/services/north/directory/{closed.id}").status_code == 404
    assert "Paused for now" in client.get(f"/services/north/directory/{paused.id}").get_data(as_text=True)
    act_as(client, world.people["trainer"], world.grants["trainer"])
    page = client.get(f"/directory/{closed.id}").get_data(as_text=True)
    assert "This no longer runs." in page and "Next dates" not in page


def test_a_website_that_is_not_a_web_address_is_not_a_link(trainer, world, db_session):
    odd = add_listing(db_session, world.north, "Odd Import", website="javascript:alert(1)")
    page = trainer.get(f"/directory/{odd.id}").get_data(as_text=True)
    assert "javascript:alert(1)" in page and 'href="javascript:' not in page


# --- Navigation and the service setting ------------------------------------------------------


@pytest.mark.parametrize(
    "actor, label",
    [("client", "Near me"), ("champion", "Directory"), ("trainer", "Directory"), ("manager", "Directory")],
)
def test_navigation_leads_to_the_directory(client, world, actor, label):
    act_as(client, world.people[actor], world.grants[actor])
    page = client.get("/account/").get_data(as_text=True)
    assert f'<a href="/directory">{label}</a>' in page


def test_admins_have_no_directory_link(client, world):
    act_as(client, world.people["site-admin"], world.grants["site-admin"])
    assert 'href="/directory"' not in client.get("/account/").get_data(as_text=True)


def test_site_admin_turns_the_public_directory_on_and_off(client, world, db_session):
    act_as(client, world.people["site-admin"], world.grants["site-admin"])
    form = client.get(f"/admin/services/{world.south.id}/edit").get_data(as_text=True)
    assert 'name="public_directory"' in form
    service = {
        "name": "South Vale Health Trainers",
        "slug": "south",
        "yearly_client_target": "200",
        "target_ward_share": "0",
        "is_active": "y",
        "trainee_mode": "full",
    }
    token_page = f"/admin/services/{world.south.id}/edit"
    response = post_form(client, token_page, {**service, "public_directory": "y"}, token_from=token_page)
    assert response.status_code == 302
    db_session.refresh(world.south)
    assert world.south.public_directory is True
    assert client.get("/services/south/directory").status_code == 200
    post_form(client, token_page, service, token_from=token_page)
    db_session.refresh(world.south)
    assert world.south.public_directory is False
    assert client.get("/services/south/directory").status_code == 404
    assert db_session.exec(select(Service).where(Service.slug == "south")).one().public_directory is False
