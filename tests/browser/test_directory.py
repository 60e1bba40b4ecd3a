"""The directory in a real browser, on a 360 px phone.

A client finds a free walking group near their postcode (the results change as they choose,
without a page load), says "I went" and adds it to their diary. The same search works with
JavaScript off. A champion at a stall finds a free Tuesday-morning walk within a mile,
signposts a passer-by in two taps, and a week later records that they went. A trainer adds a
listing with two weekly times. "Near me" sorts by distance from the phone, or says politely
that it could not tell. Nothing scrolls sideways, and axe finds no problem on the pages seen.
"""

import re
from datetime import date, time, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from models import DiaryEntry, Listing, ListingMark, ListingTime, PostcodeArea, Signpost
from pwa.clock import london_today
from pwa.directory.listing_store import save_listing
from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    load_axe_on_every_page,
    log_in,
    log_in_by_cookie,
)

TUESDAY, THURSDAY, FRIDAY = 1, 3, 4
HOME = "FE1 1AA"
# Our own postcode lookup: the client's home, and places further north (and one east) of it.
POSTCODES = {
    HOME: (50.600, -3.900),
    "FE1 2AB": (50.605, -3.900),  # the walking group: about 0.3 miles from home
    "FE1 4AF": (50.600, -3.890),  # the food bank: about 0.4 miles
    "FE1 3AD": (50.610, -3.900),  # the Thursday stroll: about 0.7 miles
    "FE2 1AB": (50.630, -3.900),  # the hilltop walk: about 2.1 miles
    "FE3 1AB": (50.650, -3.900),  # the gym: about 3.5 miles
}
WALK = "Riverside Walking Group"
STROLL = "Thursday Evening Stroll"
HILLTOP = "Hilltop Tuesday Walk"
FOOD_BANK = "Ferncombe Food Bank"
GYM = "Ferncombe Gym Circuits"
WORLD_WALK = "Tuesday Health Walk"  # tests/world.py: free, Tuesdays 10 to 11, no postcode
# "Near me" from a phone just north of the gym.
UP_THE_HILL = {"latitude": 50.652, "longitude": -3.900}
NEXT = re.compile(r"^(Tue \d{1,2} [A-Z][a-z]{2}, 10am|On now)$")  # the walk's next session
NOT_FOUND = "We could not find where you are. That is fine: type your postcode instead."

# The page's width and the elements past the screen's right edge. Compared with the screen's
# width, not window.innerWidth: a mobile browser zooms out to fit a wide page.
SIDEWAYS = """(width) => ({
    document: document.documentElement.scrollWidth,
    tooWide: [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .slice(0, 5)
        .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")),
})"""


# --- Data ------------------------------------------------------------------------------------


def weekly(weekday: int, start: tuple[int, int], end: tuple[int, int]) -> dict:
    return {"weekday": weekday, "starts_at": time(*start), "ends_at": time(*end)}


def add_listing(session, service_id: int, name: str, times: list[dict], **fields) -> Listing:
    """A listing saved as the app saves them: its position comes from the postcode lookup."""
    values = {"name": name, "cost": "free", "last_reviewed_on": london_today(), **fields}
    return save_listing(session, Listing(service_id=service_id, name=name), values, times, by_id=None)


@pytest.fixture
def places(world, db_session) -> dict[str, Listing]:
    """Five listings of north's directory around HOME, beside the world's walk (no position)."""
    db_session.add_all(
        PostcodeArea(postcode=code, latitude=lat, longitude=long) for code, (lat, long) in POSTCODES.items()
    )
    db_session.commit()
    north = world.north.id
    return {
        WALK: add_listing(
            db_session,
            north,
            WALK,
            [weekly(TUESDAY, (10, 0), (11, 0))],
            categories=["walking_groups"],
            organisation="Ferncombe Ramblers",
            venue="Riverside car park",
            postcode="FE1 2AB",
            how_to_go="Just turn up. Wear comfy shoes.",
            staff_notes="Leader: Pat.",
        ),
        STROLL: add_listing(
            db_session,
            north,
            STROLL,
            [weekly(THURSDAY, (18, 0), (19, 0))],
            categories=["walking_groups"],
            postcode="FE1 3AD",
        ),
        HILLTOP: add_listing(
            db_session,
            north,
            HILLTOP,
            [weekly(TUESDAY, (10, 30), (11, 30))],
            categories=["walking_groups"],
            postcode="FE2 1AB",
        ),
        FOOD_BANK: add_listing(
            db_session,
            north,
            FOOD_BANK,
            [weekly(FRIDAY, (13, 0), (15, 0))],
            categories=["food_bank"],
            postcode="FE1 4AF",
        ),
        GYM: add_listing(
            db_session,
            north,
            GYM,
            [weekly(TUESDAY, (9, 30), (10, 30))],
            categories=["exercise_classes"],
            cost="paid",
            price_text="£6 a session",
            postcode="FE3 1AB",
        ),
    }


def last_tuesday(today: date) -> date:
    """The latest Tuesday up to today: a day the walk ran, which "I went" may choose."""
    return today - timedelta(days=(today.weekday() - TUESDAY) % 7)


# --- Pages and what is on them ---------------------------------------------------------------


@pytest.fixture
def phone(browser):
    """Phone pages in fresh contexts: phone(axe=False, **context options)."""
    contexts = []

    def make(*, axe: bool = False, **options) -> Page:
        # axe-core is injected into each page, so the site's Content-Security-Policy is bypassed.
        context = browser.new_context(bypass_csp=axe, **PHONE, **options)
        if axe:
            load_axe_on_every_page(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


class Checks:
    """The axe problems and sideways scrolling found on each page checked, reported together."""

    def __init__(self, page: Page):
        self.page = page
        self.problems: list[str] = []
        self.pages: list[str] = []

    def __call__(self, name: str, *, axe: bool = True) -> None:
        expect(heading(self.page)).to_have_count(1)
        self.pages.append(name)
        width = self.page.viewport_size["width"]
        widths = self.page.evaluate(SIDEWAYS, width)
        if widths["document"] > width:
            self.problems.append(f"{name} scrolls sideways at {width} px: {widths}")
        if axe and (violations := axe_violations(self.page)):
            self.problems.append(f"{name}:\n{describe_violations(violations)}")

    def assert_none(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def nav_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def flash(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def results(page: Page) -> Locator:
    return page.locator("#results li.result")


def result_names(page: Page) -> Locator:
    return page.locator("#results .result__name")


def result(page: Page, name: str) -> Locator:
    return results(page).filter(has=page.get_by_role("link", name=name, exact=True))


def fact(scope: Locator, term: str) -> Locator:
    """The value beside a term in a list of facts (<dt>term</dt><dd>value</dd>)."""
    return scope.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def count_line(page: Page) -> Locator:
    return page.locator("#results-status")


def open_more_choices(page: Page) -> None:
    """Open "More choices" (day, time, cost, distance, access): a plain <details>."""
    details = page.locator("details.more-choices")
    if details.get_attribute("open") is None:
        details.locator("summary").click()
    expect(page.get_by_label("Free only", exact=True)).to_be_visible()


def near_me_button(page: Page) -> Locator:
    return page.get_by_role("button", name="Near me", exact=True)


def set_marker(page: Page) -> None:
    """A mark on the window: it survives htmx swaps and is lost on a page load."""
    page.evaluate("window.__directoryMarker = 1")


def marker_kept(page: Page) -> bool:
    return page.evaluate("window.__directoryMarker === 1")


# --- Tests -----------------------------------------------------------------------------------


def test_client_finds_a_free_walk_near_a_postcode_goes_and_adds_it_to_the_diary(
    live_server, phone, world, places, db_session
):
    page, base = phone(axe=True), live_server.url
    check = Checks(page)
    log_in(page, base, "client")
    nav_link(page, "Near me").click()
    expect(heading(page)).to_have_text("Find something near you")
    check("search, empty")

    # Every choice changes the results in place (htmx): no page load, and the address keeps it.
    set_marker(page)
    page.get_by_label("Your postcode", exact=True).fill("fe1 1aa")
    page.get_by_label("Your postcode", exact=True).press("Tab")  # leaving the box searches
    expect(count_line(page)).to_have_text(f"6 places found near {HOME}")
    expect(result_names(page).first).to_have_text(WALK)
    open_more_choices(page)
    page.get_by_label("Free only", exact=True).check()
    expect(count_line(page)).to_have_text(f"5 places found near {HOME}")
    expect(result(page, GYM)).to_have_count(0)
    page.get_by_label("What kind of thing?", exact=True).select_option(label="Walking groups")
    expect(count_line(page)).to_have_text(f"4 places found near {HOME}")
    expect(result_names(page)).to_have_text([WALK, STROLL, HILLTOP, WORLD_WALK])
    assert marker_kept(page), "the results came with a page load, not an htmx swap"
    page.wait_for_url(re.compile(r"/directory\?.*category=walking_groups"))
    asked = parse_qs(urlsplit(page.url).query)
    assert (asked["postcode"], asked["category"], asked["free"]) == (["fe1 1aa"], ["walking_groups"], ["yes"])

    walk = result(page, WALK)
    expect(fact(walk, "Distance")).to_have_text("0.3 miles")
    expect(fact(walk, "Next")).to_have_text(NEXT)
    expect(fact(walk, "Cost")).to_have_text("Free")
    expect(fact(walk, "How to go")).to_have_text("Just turn up. Wear comfy shoes.")
    expect(fact(result(page, WORLD_WALK), "Distance")).to_have_count(0)  # no postcode, no distance
    check("search results")

    walk.get_by_role("link", name=WALK, exact=True).click()
    expect(heading(page)).to_have_text(WALK)
    expect(page.get_by_text("Tuesdays, 10am to 11am", exact=True)).to_be_visible()
    expect(page.get_by_text("Leader: Pat.")).to_have_count(0)  # staff notes are for staff
    check("listing")

    # "I went" on the last Tuesday, then the diary's activity form, filled in.
    today = london_today()
    went_on = last_tuesday(today)
    page.get_by_label("When did you go?", exact=True).select_option(went_on.isoformat())
    page.get_by_role("button", name="I went", exact=True).click()
    expect(flash(page, "Thank you for telling us.")).to_be_visible()
    expect(page.locator("#went-message")).to_contain_text(f"You went on {went_on:%A %-d %B}.")
    check("listing after I went")
    page.get_by_role("link", name="Add it to my diary", exact=True).click()

    expect(heading(page)).to_contain_text("Add activity")
    expect(page.get_by_role("radio", name="Walking", exact=True)).to_be_checked()
    expect(page.get_by_label("How many minutes?", exact=True)).to_have_value("60")
    expect(page.get_by_label("Note (if you like)", exact=True)).to_have_value(WALK)
    expect(page.get_by_label("Day", exact=True)).to_have_value(went_on.isoformat())
    expect(page.get_by_label("Time", exact=True)).to_have_value("10:00" if went_on < today else "")
    check("diary form from the listing")
    page.get_by_role("button", name="Save", exact=True).click()

    day_path = "/today" if went_on == today else f"/diary/day/{went_on.isoformat()}"
    page.wait_for_url(base + day_path)
    entry = page.locator(".entries .entry").filter(has_text=WALK)
    expect(entry).to_have_count(1)
    expect(entry).to_contain_text("Walking")
    expect(entry).to_contain_text("60")
    check("diary day with the walk")

    own = world.clients["own"]
    db_session.expire_all()
    marks = db_session.exec(select(ListingMark).where(ListingMark.client_id == own.id)).all()
    assert [(mark.listing_id, mark.kind, mark.marked_on) for mark in marks] == [(places[WALK].id, "went", went_on)]
    entries = db_session.exec(select(DiaryEntry).where(DiaryEntry.client_id == own.id, DiaryEntry.note == WALK)).all()
    assert [(e.kind, e.activity, e.minutes, e.day) for e in entries] == [("activity", "walking", 60, went_on)]
    assert {"search results", "listing", "diary day with the walk"} <= set(check.pages)
    check.assert_none()


def test_the_search_works_without_javascript(live_server, no_js_page, world, places):
    page, base = no_js_page, live_server.url
    log_in(page, base, "client")
    nav_link(page, "Near me").click()
    expect(heading(page)).to_have_text("Find something near you")
    # The button needs the phone's position, so it is only there with JavaScript.
    expect(near_me_button(page)).to_have_count(0)

    page.get_by_label("Your postcode", exact=True).fill("FE1 1AA")
    page.get_by_label("What kind of thing?", exact=True).select_option(label="Walking groups")
    open_more_choices(page)
    page.get_by_label("Free only", exact=True).check()
    page.get_by_role("button", name="Search", exact=True).click()

    page.wait_for_url(re.compile(r"/directory\?.*free=yes"))
    expect(count_line(page)).to_have_text(f"4 places found near {HOME}")
    expect(result_names(page)).to_have_text([WALK, STROLL, HILLTOP, WORLD_WALK])
    expect(fact(result(page, WALK), "Distance")).to_have_text("0.3 miles")
    expect(fact(result(page, WALK), "Next")).to_have_text(NEXT)
    # The form keeps the search, and "More choices" stays open to show what is chosen.
    expect(page.get_by_label("Your postcode", exact=True)).to_have_value("FE1 1AA")
    expect(page.get_by_label("Free only", exact=True)).to_be_checked()
    expect(near_me_button(page)).to_have_count(0)

    # A postcode we do not know: the message is by the box, with a district to try.
    page.get_by_label("Your postcode", exact=True).fill("ZZ9 9ZZ")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#postcode-error")).to_contain_text("We do not know that postcode.")
    expect(page.get_by_label("Your postcode", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(results(page)).to_have_count(0)

    result_link = f"/directory/{places[WALK].id}"
    page.goto(base + "/directory?postcode=FE1+1AA&free=yes&category=walking_groups")
    page.locator(f"#results a[href='{result_link}']").click()
    page.wait_for_url(base + result_link)
    expect(heading(page)).to_have_text(WALK)


def test_champion_signposts_a_passer_by_to_a_walk_and_records_a_week_later_that_they_went(
    live_server, phone, world, places, db_session
):
    page, base = phone(axe=True), live_server.url
    check = Checks(page)
    log_in(page, base, "champion")
    expect(heading(page)).to_have_text("My activities")
    page.get_by_role("link", name="Find a service", exact=True).click()
    expect(heading(page)).to_have_text("Find something near you")

    page.get_by_label("Your postcode", exact=True).fill(HOME)
    open_more_choices(page)
    page.get_by_label("Day", exact=True).select_option(label="Tuesday")
    page.get_by_label("Time of day", exact=True).select_option(label="Morning (before 12)")
    page.get_by_label("Free only", exact=True).check()
    page.get_by_label("How far", exact=True).select_option(label="Within 1 mile")
    # Not the paid gym (Tuesday morning), the hilltop walk (2 miles), the Thursday stroll, or
    # the world's walk (no postcode, so not known to be within a mile).
    expect(count_line(page)).to_have_text(f"1 place found near {HOME}")
    expect(result_names(page)).to_have_text([WALK])
    check("champion's search")

    result(page, WALK).get_by_role("link", name=WALK, exact=True).click()
    expect(heading(page)).to_have_text(WALK)
    expect(page.get_by_text("Leader: Pat.")).to_be_visible()  # staff notes, for staff

    # Two taps: "Signpost someone here", then "Save" with the defaults.
    page.get_by_role("link", name="Signpost someone here", exact=True).click()
    expect(heading(page)).to_have_text("Signpost someone")
    check("signpost form")
    page.get_by_role("button", name="Save", exact=True).click()
    today = london_today()
    week_on = today + timedelta(days=7)
    expect(flash(page, f"Signpost saved. Follow it up on {week_on:%A %-d %B}.")).to_be_visible()
    expect(heading(page)).to_have_text(WALK)

    db_session.expire_all()
    made = db_session.exec(select(Signpost).where(Signpost.listing_id == places[WALK].id)).all()
    assert len(made) == 1
    signpost = made[0]
    assert (signpost.by_id, signpost.client_id, signpost.made_on, signpost.follow_up_on) == (
        world.people["champion"].id,
        None,
        today,
        week_on,
    )
    assert signpost.result in (None, "")

    # A week later: the follow-up is due.
    signpost.made_on, signpost.follow_up_on = today - timedelta(days=7), today
    db_session.add(signpost)
    db_session.commit()

    nav_link(page, "My activities").click()
    expect(heading(page)).to_have_text("My activities")
    due = page.locator("#follow-ups li").filter(has_text=WALK)
    expect(due).to_have_count(1)
    expect(due).to_contain_text("Someone not registered")
    check("champion home with a follow-up")
    nav_link(page, "My signposts").click()
    expect(heading(page)).to_have_text("My signposts")
    expect(page.locator("#follow-up-now li").filter(has_text=WALK)).to_have_count(1)
    expect(page.locator("#done li").filter(has_text=WALK)).to_have_count(0)
    check("my signposts, due")

    page.locator("#follow-up-now li").filter(has_text=WALK).get_by_role("link", name=re.compile("^Did they go")).click()
    expect(heading(page)).to_have_text("Did they go?")
    check("signpost result form")
    page.get_by_role("group", name="Did they go?").get_by_role("radio", name="Went", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()

    expect(flash(page, "Result saved.")).to_be_visible()
    expect(heading(page)).to_have_text("My signposts")
    done = page.locator("#done li").filter(has_text=WALK)
    expect(done).to_have_count(1)
    expect(done).to_contain_text("Result: Went")
    expect(page.locator("#follow-up-now li").filter(has_text=WALK)).to_have_count(0)
    check("my signposts, done")

    db_session.expire_all()
    signpost = db_session.get(Signpost, signpost.id)
    assert (signpost.result, signpost.result_on) == ("attended", today)
    check.assert_none()


def test_trainer_adds_a_listing_with_two_weekly_times(live_server, phone, world, places, db_session, app):
    page, base = phone(axe=True), live_server.url
    check = Checks(page)
    log_in_by_cookie(page, app, base, world.people["trainer"])
    page.goto(base + "/caseload")
    nav_link(page, "Directory").click()
    expect(heading(page)).to_have_text("Find something near you")
    page.get_by_role("link", name="Add to the directory", exact=True).click()
    expect(heading(page)).to_have_text("Add to the directory")
    check("new listing form")

    page.get_by_label("Name", exact=True).fill("Lakeside Chair Yoga")
    page.get_by_role("group", name="What kind of thing is it?").get_by_role(
        "checkbox", name="Exercise classes", exact=True
    ).check()
    page.get_by_role("group", name="Time 1").get_by_label("Day (every week)").select_option(label="Monday")
    page.get_by_role("group", name="Time 1").get_by_label("Starts").fill("10:00")
    page.get_by_role("group", name="Time 1").get_by_label("Ends").fill("11:00")
    expect(page.get_by_role("group", name="Time 3")).to_have_count(0)
    page.get_by_role("button", name="Add another time", exact=True).click()
    # One more row, and what was typed is kept.
    expect(page.get_by_role("group", name="Time 3")).to_have_count(1)
    expect(page.get_by_role("group", name="Time 1").get_by_label("Starts")).to_have_value("10:00")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Lakeside Chair Yoga")
    check("new listing form with another time")

    # The second time ends before it starts.
    second = page.get_by_role("group", name="Time 3")
    second.get_by_label("Day (every week)").select_option(label="Thursday")
    second.get_by_label("Starts").fill("14:00")
    second.get_by_label("Ends").fill("13:00")
    page.get_by_label("Postcode", exact=True).fill("FE1 2AB")
    page.get_by_label("How to go", exact=True).fill("Just turn up.")
    page.locator("#listing-form > button.button--wide").click()
    expect(page.get_by_role("alert")).to_contain_text("The end time must be after the start time.")
    expect(second.get_by_label("Ends")).to_have_attribute("aria-invalid", "true")
    check("new listing form with an error")

    second.get_by_label("Ends").fill("15:00")
    page.locator("#listing-form > button.button--wide").click()
    expect(flash(page, "Lakeside Chair Yoga is in the directory.")).to_be_visible()
    expect(heading(page)).to_have_text("Lakeside Chair Yoga")
    expect(page.get_by_text("Mondays, 10am to 11am", exact=True)).to_be_visible()
    expect(page.get_by_text("Thursdays, 2pm to 3pm", exact=True)).to_be_visible()
    check("new listing")

    db_session.expire_all()
    listing = db_session.exec(select(Listing).where(Listing.name == "Lakeside Chair Yoga")).one()
    times = db_session.exec(select(ListingTime).where(ListingTime.listing_id == listing.id)).all()
    assert sorted((t.weekday, t.starts_at, t.ends_at) for t in times) == [
        (0, time(10, 0), time(11, 0)),
        (3, time(14, 0), time(15, 0)),
    ]
    assert listing.latitude == pytest.approx(POSTCODES["FE1 2AB"][0])

    # It is found by a word, while typing.
    nav_link(page, "Directory").click()
    expect(heading(page)).to_have_text("Find something near you")
    set_marker(page)
    page.get_by_label("What are you looking for?", exact=True).fill("chair yoga")
    expect(result_names(page)).to_have_text(["Lakeside Chair Yoga"])
    assert marker_kept(page)
    check.assert_none()


def test_near_me_sorts_by_distance_from_the_phone(live_server, phone, world, places, app):
    page, base = phone(geolocation=UP_THE_HILL, permissions=["geolocation"]), live_server.url
    log_in_by_cookie(page, app, base, world.people["client"])
    page.goto(base + "/directory")
    expect(heading(page)).to_have_text("Find something near you")
    page.get_by_label("Your postcode", exact=True).fill(HOME)  # "Near me" wins over a postcode
    near_me_button(page).click()

    page.wait_for_url(re.compile(r"/directory\?.*lat=50\.652"))
    expect(page.get_by_text("Showing places near you.")).to_be_visible()
    expect(count_line(page)).to_have_text("6 places found near you")
    expect(result_names(page)).to_have_text([GYM, HILLTOP, STROLL, WALK, FOOD_BANK, WORLD_WALK])
    expect(fact(result(page, GYM), "Distance")).to_have_text("0.1 miles")
    expect(page.get_by_label("Your postcode", exact=True)).to_have_value("")

    # "Use a postcode instead" forgets the position.
    page.get_by_role("link", name="Use a postcode instead", exact=True).click()
    page.wait_for_url(lambda url: "lat=" not in url)
    expect(heading(page)).to_have_count(1)  # the whole page, not a page inside the results
    expect(page.get_by_text("Showing places near you.")).to_have_count(0)
    expect(fact(result(page, GYM), "Distance")).to_have_count(0)
    expect(result_names(page)).to_have_count(6)


def test_near_me_without_permission_asks_for_a_postcode(live_server, phone, world, places, app):
    page, base = phone(geolocation=UP_THE_HILL), live_server.url  # the position is not shared
    log_in_by_cookie(page, app, base, world.people["client"])
    page.goto(base + "/directory")
    set_marker(page)
    near_me_button(page).click()
    expect(page.get_by_role("status").filter(has_text=NOT_FOUND)).to_be_visible()
    expect(page.get_by_label("Your postcode", exact=True)).to_be_focused()
    expect(near_me_button(page)).to_be_enabled()
    assert marker_kept(page) and "lat=" not in page.url
