"""Publishing a service's listings as an OpenActive RPDE feed of SessionSeries: the page shape,
ordering and paging, deletions, what is never published, bad paging values, and a round trip
through our own importer."""

import threading
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlmodel import select
from werkzeug.serving import make_server

from models import Listing, ListingTime, Service
from pwa.clock import LONDON
from pwa.directory.listing_store import save_listing
from pwa.directory.schedule import upcoming

FEED = "/services/{slug}/openactive/session-series"
MOMENT = datetime(2025, 1, 1, 9, 30, 15, 123456, tzinfo=UTC)


def add_listing(db_session, service, name, *, updated_at=None, times=(), **fields) -> Listing:
    listing = Listing(
        service_id=service.id, name=name, categories=fields.pop("categories", ["walking_groups"]), **fields
    )
    if updated_at is not None:
        listing.updated_at = updated_at
    db_session.add(listing)
    db_session.flush()
    for slot in times:
        db_session.add(ListingTime(listing_id=listing.id, **slot))
    db_session.commit()
    return listing


def get_feed(client, slug="north", **params):
    return client.get(FEED.format(slug=slug), query_string=params)


def follow(client, first_url: str) -> list[dict]:
    """Every page from first_url until the last (empty) one."""
    pages, url = [], first_url
    while True:
        response = client.get(url)
        assert response.status_code == 200
        page = response.get_json()
        pages.append({"url": url, **page})
        if not page["items"]:
            return pages
        assert len(pages) < 20, "the feed never ends"
        url = page["next"]


# --- One page ---------------------------------------------------------------------------------------


def test_a_page_is_rpde_json_with_session_series(client, world):
    response = get_feed(client)

    assert response.status_code == 200
    assert response.content_type == "application/json"
    page = response.get_json()
    assert page["license"] == "https://creativecommons.org/licenses/by/4.0/"
    walk = world.listings["north"]
    [item] = page["items"]
    assert (item["state"], item["kind"], item["id"]) == ("updated", "SessionSeries", walk.id)
    assert isinstance(item["modified"], int)
    data = item["data"]
    assert data["@context"] == "https://openactive.io/"
    assert data["@type"] == "SessionSeries"
    assert data["@id"] == f"http://localhost/services/north/directory/{walk.id}"
    assert client.get(data["@id"]).status_code == 200  # the public listing page
    assert data["name"] == "Tuesday Health Walk"
    assert data["description"] == "A gentle walk round the park with a cup of tea after."
    assert data["organizer"] == {"@type": "Organization", "name": "North Town Walkers"}
    assert data["location"] == {"@type": "Place", "name": "Town Park gates"}
    assert data["activity"] == [{"@type": "Concept", "prefLabel": "Walking groups"}]
    assert data["isAccessibleForFree"] is True
    assert data["offers"] == [{"@type": "Offer", "price": 0, "priceCurrency": "GBP"}]
    assert data["attendeeInstructions"] == "Just turn up."
    assert data["eventSchedule"] == [
        {
            "@type": "PartialSchedule",
            "byDay": ["https://schema.org/Tuesday"],
            "startTime": "10:00",
            "endTime": "11:00",
            "repeatFrequency": "P1W",
            "scheduleTimezone": "Europe/London",
        }
    ]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_the_feed_never_shows_staff_notes_problems_signposts_or_clients(client, world):
    body = get_feed(client).get_data(as_text=True)

    assert "Ask for Pat" in world.listings["north"].staff_notes  # it is there to leak
    for secret in ("Ask for Pat", "It starts at 10:30 now.", "Jo, red coat", "Casey Client", "staff_notes", "problem"):
        assert secret not in body
    assert "South Vale Food Bank" not in body  # another service's listing


def test_a_full_listing_is_published_with_its_place_price_and_times(client, world, db_session):
    yoga = add_listing(
        db_session,
        world.north,
        "Chair Yoga",
        categories=["exercise_classes"],
        description="Gentle yoga on a chair.",
        organisation="Ferncombe Leisure",
        venue="Leisure Centre",
        address="5 High Street",
        postcode="FE1 1DX",
        latitude=50.601,
        longitude=-3.8985,
        cost="low_cost",
        price_text="£3.50 a session",
        accessibility=["step_free", "women_only", "hearing_loop"],
        languages=["Polish"],
        contact_name="Pat Private",
        contact_phone="01632 960002",
        contact_email="yoga@example.org",
        website="https://yoga.example.org",
        pathway="referral",
        times=[
            # fortnightly from a Wednesday: the first Monday on is the 19th
            {"weekday": 0, "starts_at": time(14), "ends_at": time(15), "weeks_off": 1, "from_date": date(2026, 1, 7)},
            # three weeks on, one off
            {
                "weekday": 2,
                "starts_at": time(9),
                "ends_at": time(10),
                "weeks_on": 3,
                "weeks_off": 1,
                "from_date": date(2026, 1, 5),
            },
            {"on_date": date(2026, 6, 9), "starts_at": time(18), "ends_at": time(19, 30)},
        ],
    )

    [item] = [item for item in get_feed(client).get_json()["items"] if item["id"] == yoga.id]

    data = item["data"]
    assert data["url"] == "https://yoga.example.org"
    assert data["organizer"] == {
        "@type": "Organization",
        "name": "Ferncombe Leisure",
        "telephone": "01632 960002",
        "email": "yoga@example.org",
        "url": "https://yoga.example.org",
    }
    assert "Pat Private" not in str(data)
    assert data["location"] == {
        "@type": "Place",
        "name": "Leisure Centre",
        "address": {
            "@type": "PostalAddress",
            "streetAddress": "5 High Street",
            "postalCode": "FE1 1DX",
            "addressCountry": "GB",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 50.601, "longitude": -3.8985},
    }
    assert data["isAccessibleForFree"] is False
    assert data["offers"] == [{"@type": "Offer", "price": 3.5, "priceCurrency": "GBP"}]
    assert data["accessibilitySupport"] == [
        {"@type": "Concept", "prefLabel": "Step-free access"},
        {"@type": "Concept", "prefLabel": "Hearing loop"},
    ]
    assert data["genderRestriction"] == "https://openactive.io/FemaleOnly"
    assert data["inLanguage"] == ["Polish"]
    assert data["attendeeInstructions"] == "You need a referral to go."
    schedules = [(entry["byDay"], entry["repeatFrequency"], entry.get("startDate")) for entry in data["eventSchedule"]]
    assert schedules == [
        (["https://schema.org/Monday"], "P2W", "2026-01-19"),
        (["https://schema.org/Wednesday"], "P4W", "2026-01-07"),
        (["https://schema.org/Wednesday"], "P4W", "2026-01-14"),
        (["https://schema.org/Wednesday"], "P4W", "2026-01-21"),
    ]
    assert data["subEvent"] == [
        {"@type": "ScheduledSession", "startDate": "2026-06-09T18:00:00+01:00", "endDate": "2026-06-09T19:30:00+01:00"}
    ]


def test_a_closed_listing_is_a_deleted_item_without_data(client, world, db_session):
    gone = add_listing(db_session, world.north, "Old Lunch Club", status="closed", staff_notes="Closed in May.")

    [item] = [item for item in get_feed(client).get_json()["items"] if item["id"] == gone.id]

    assert item["state"] == "deleted"
    assert "data" not in item
    assert "Old Lunch Club" not in get_feed(client).get_data(as_text=True)


# --- Ordering and paging ------------------------------------------------------------------------------


def test_pages_in_modified_then_id_order_to_an_empty_last_page(client, world, db_session):
    for number in range(60):  # 60 listings changed at the very same moment: a page ends inside them
        add_listing(db_session, world.north, f"Tied {number}", updated_at=MOMENT)
    for number in range(40):
        add_listing(db_session, world.north, f"Later {number}", updated_at=MOMENT - timedelta(seconds=number + 1))
    expected = db_session.exec(
        select(Listing.id).where(Listing.service_id == world.north.id).order_by(Listing.updated_at, Listing.id)
    ).all()

    pages = follow(client, FEED.format(slug="north"))

    assert [len(page["items"]) for page in pages] == [50, 50, 1, 0]
    ids = [item["id"] for page in pages for item in page["items"]]
    assert ids == list(expected)
    stamps = [(item["modified"], item["id"]) for page in pages for item in page["items"]]
    assert stamps == sorted(stamps)
    last = pages[-1]
    assert last["next"] == last["url"]  # the last page points to itself
    assert last["next"].startswith("http://localhost/services/north/openactive/session-series?afterTimestamp=")
    assert client.get(last["next"]).get_json()["items"] == []


def test_a_listing_changed_after_paging_comes_on_the_next_page(app, client, world, db_session):
    pages = follow(client, FEED.format(slug="north"))
    walk = db_session.get(Listing, world.listings["north"].id)

    save_listing(db_session, walk, {"name": "Tuesday Health Walk (new start)"}, None, None)

    page = client.get(pages[-1]["next"]).get_json()
    assert [item["data"]["name"] for item in page["items"]] == ["Tuesday Health Walk (new start)"]


def test_the_first_page_of_an_empty_feed_points_to_itself(client, world, db_session):
    db_session.add(Service(slug="east", name="East Health Trainers", public_directory=True))
    db_session.commit()

    page = get_feed(client, "east").get_json()

    assert page["items"] == []
    assert page["next"] == "http://localhost/services/east/openactive/session-series"


@pytest.mark.parametrize(
    "params",
    [
        {"afterTimestamp": "abc", "afterId": "1"},
        {"afterTimestamp": "1", "afterId": "x"},
        {"afterTimestamp": "-5", "afterId": "1"},
        {"afterTimestamp": "1"},
        {"afterId": "1"},
        {"afterTimestamp": "999999999999999999", "afterId": "1"},
        {"afterChangeNumber": "3"},
    ],
)
def test_bad_paging_values_are_a_400_json_error(client, world, params):
    response = get_feed(client, **params)

    assert response.status_code == 400
    assert response.content_type == "application/json"
    assert response.get_json()["error"]
    assert "Traceback" not in response.get_data(as_text=True)


def test_the_feed_is_404_unless_the_public_directory_is_on(client, world):
    assert get_feed(client, "south").status_code == 404  # south has not turned it on
    assert get_feed(client, "nowhere").status_code == 404
    assert get_feed(client, "south").get_json()["status"] == 404


# --- Round trip -----------------------------------------------------------------------------------------


@pytest.fixture
def served_app(app):
    """The app on a real port, so the importer can read our feed over HTTP."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def summary(db_session, service) -> dict[str, tuple]:
    """Each active listing's name -> what a client sees: details and the next sessions."""
    listings = db_session.exec(select(Listing).where(Listing.service_id == service.id, Listing.status != "closed"))
    after = datetime(2026, 1, 1, tzinfo=LONDON)
    found = {}
    for listing in listings:
        slots = db_session.exec(select(ListingTime).where(ListingTime.listing_id == listing.id)).all()
        details = (listing.categories, listing.cost, listing.price_text, listing.pathway, sorted(listing.accessibility))
        details += (listing.languages, listing.postcode, listing.latitude, listing.longitude, listing.venue)
        found[listing.name] = (*details, upcoming(slots, after, 30))
    return found


def test_our_feed_imported_into_another_service_gives_the_same_listings(app, world, db_session, served_app):
    from pwa import db
    from pwa.directory.importer.run import import_directory

    db_session.delete(db_session.get(Listing, world.listings["south"].id))
    db_session.commit()
    add_listing(
        db_session,
        world.north,
        "Chair Yoga",
        categories=["exercise_classes"],
        postcode="FE1 1DX",
        latitude=50.601,
        longitude=-3.8985,
        venue="Leisure Centre",
        cost="low_cost",
        price_text="£3.50",
        accessibility=["step_free", "women_only"],
        languages=["Polish"],
        pathway="referral",
        times=[
            {"weekday": 0, "starts_at": time(14), "ends_at": time(15), "weeks_off": 1, "from_date": date(2026, 1, 7)},
            {"weekday": 2, "starts_at": time(9), "ends_at": time(10), "weeks_on": 3, "weeks_off": 1},
        ],
    )
    add_listing(
        db_session,
        world.north,
        "Cook and Eat",
        categories=["cooking_courses"],
        cost="paid",
        price_text="£8",
        schedule_kind="dates",
        times=[
            {"on_date": date(2026, 3, 29), "starts_at": time(18), "ends_at": time(19, 30)},
            {"on_date": date(2026, 10, 25), "starts_at": time(18), "ends_at": time(19, 30)},
        ],
    )
    add_listing(db_session, world.north, "Old Lunch Club", status="closed")

    with app.app_context():
        outcome = import_directory(
            db.session(), world.south, f"{served_app}/services/north/openactive/session-series", "openactive"
        )

    assert (outcome.created, outcome.broken) == (3, [])
    assert outcome.pages == 2
    north, south = summary(db_session, world.north), summary(db_session, world.south)
    assert set(south) == {"Tuesday Health Walk", "Chair Yoga", "Cook and Eat"}
    assert south == north
    staff_notes = db_session.exec(select(Listing.staff_notes).where(Listing.service_id == world.south.id)).all()
    assert set(staff_notes) == {""}


def test_listings_imported_from_other_publishers_are_not_republished(client, world, db_session):
    imported = Listing(
        service_id=world.north.id, name="Borrowed Yoga", categories=["exercise_classes"], source="openactive"
    )
    imported.source_id = "https://example.org/session-series/9"
    db_session.add(imported)
    db_session.commit()

    names = [item["data"]["name"] for item in get_feed(client).get_json()["items"] if "data" in item]

    assert "Tuesday Health Walk" in names
    assert "Borrowed Yoga" not in names
