"""Community engagement in a real browser (issue 7).

On a 360 px phone a champion starts a two-hour stall at a community centre with no signal,
counts the people reached, the leaflets and who they were, and the counts arrive when the
signal comes back. A trainer then registers two people who heard of us there, and the
manager sees the activity, its reach and the two people's names (the champion sees only how
many). On a tablet the champion finishes the stall on the review form; a breakdown larger
than the people reached is refused by its field. A trainer runs a group course and ticks who
came. Nothing scrolls sideways on the champion's pages.

The offline details of the tally itself (reloads, refused taps) are in test_stall.py.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlmodel import select

from models import Client, Course, CourseAttendance, Event, EventWorker
from pwa.clock import to_london, utcnow
from pwa.community.tally import planned_hours
from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    load_axe_on_every_page,
    log_in,
    log_in_by_cookie,
    wait_for_controlling_worker,
)

TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
STALL = "Stall at Millbrook community centre"
VENUE = "Millbrook community centre"
NEWCOMERS = ["Amira Hassan", "Ben Okafor"]
COURSE = "Healthy eating on a budget, spring"

# The page's width and the elements past the screen's right edge. Compared with the screen's
# width, not window.innerWidth: a mobile browser zooms out to fit a wide page.
SIDEWAYS = """(width) => ({
    document: document.documentElement.scrollWidth,
    tooWide: [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .slice(0, 5)
        .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")),
})"""


# --- Helpers ----------------------------------------------------------------------------------


def stored(db_session, model, **where):
    """One row, read in a transaction that ends at once (SQLite must not be held while the app writes)."""
    query = select(model)
    for name, value in where.items():
        query = query.where(getattr(model, name) == value)
    found = db_session.exec(query).first()
    db_session.rollback()
    return found


def all_stored(db_session, model, *where) -> list:
    found = list(db_session.exec(select(model).where(*where)).all())
    db_session.rollback()
    return found


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def flash(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def group(page: Page, legend: str) -> Locator:
    return page.get_by_role("group", name=legend, exact=True)


def tap(page: Page, name: str, times: int = 1) -> None:
    button = page.get_by_role("button", name=name, exact=True)
    for _ in range(times):
        button.click()


def count_row(page: Page, label: str) -> Locator:
    """The number beside a counter in the event page's "What happened" table."""
    return page.get_by_role("table", name="What happened").get_by_role("row", name=label, exact=False).locator("td")


def overflow(page: Page) -> dict | None:
    """None when the page fits the screen's width; otherwise the widths and the widest elements."""
    width = page.viewport_size["width"]
    widths = page.evaluate(SIDEWAYS, width)
    return {"screen": width, **widths} if widths["document"] > width else None


def planned_end() -> tuple[str, timedelta]:
    """Two hours from now as HH:MM London time, and the stall's planned length. A stall ends on
    the day it starts, so late at night it is cut short at 23:59."""
    now = to_london(utcnow())
    end = now + timedelta(hours=2)
    if end.date() != now.date():
        end = now.replace(hour=23, minute=59)
    end = end.replace(second=0, microsecond=0)
    return end.strftime("%H:%M"), end - now


@pytest.fixture
def device(browser):
    """Fresh browser contexts: device(size, **context options) -> a page."""
    contexts = []

    def make(size: dict = PHONE, **options) -> Page:
        context = browser.new_context(**size, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# --- 1. The stall, from no signal to the manager's page -----------------------------------------


def run_stall_offline(page: Page, base: str, db_session) -> Event:
    """The champion starts a stall with no signal, counts, and is back online. Returns the event."""
    page.goto(base + "/stall/new")
    expect(heading(page)).to_have_text("Start a stall")
    wait_for_controlling_worker(page)
    event_uuid = page.locator("input[name='uuid']").input_value()
    end_time, length = planned_end()

    page.context.set_offline(True)  # no signal in the community centre
    page.get_by_label("What kind of event?").select_option(label="Stall")
    page.get_by_label("Name of the event").fill(STALL)
    page.get_by_label("Where are you?").fill(VENUE)
    page.get_by_label("Postcode (if you know it)").fill("FE1 2AB")
    page.get_by_label("When do you plan to finish?").fill(end_time)
    page.get_by_role("button", name="Start the stall").click()
    expect(heading(page)).to_have_text(STALL)
    assert overflow(page) is None, f"the stall scrolls sideways: {overflow(page)}"

    tap(page, "Add one: People reached", 5)
    tap(page, "Add one: Gender Female", 2)  # two of the five, not more people
    tap(page, "Add one: Gender Male")
    tap(page, "Add one: Age 26 to 35", 2)
    tap(page, "Add one: Leaflets given", 4)
    tap(page, "Take one off: Leaflets given")
    expect(page.locator("#stall-unsent")).to_have_text("16 changes not sent yet")  # the stall and 15 taps
    expect(page.locator("[data-total='reached']")).to_have_text("5")
    expect(page.locator("[data-total='leaflets']")).to_have_text("3")
    assert stored(db_session, Event, uuid=event_uuid) is None, "nothing can arrive with no signal"

    page.context.set_offline(False)  # back in signal: the page hears "online" and sends
    expect(page.locator("#stall-unsent")).to_have_text("All sent", timeout=15_000)
    event = stored(db_session, Event, uuid=event_uuid)
    assert event is not None, "the stall did not arrive"
    assert (event.title, event.venue, event.postcode, event.event_type) == (STALL, VENUE, "FE1 2AB", "stall")
    assert (event.reached, event.leaflets, event.signposted, event.interested) == (5, 3, 0, 0)
    assert event.breakdowns == {"gender": {"female": 2, "male": 1}, "age_band": {"26_35": 2}}
    assert abs((event.ends_at - event.starts_at) - length) < timedelta(minutes=2)
    worker = stored(db_session, EventWorker, event_id=event.id)
    assert worker.hours == planned_hours(event.starts_at, event.ends_at)
    expect(page.get_by_role("link", name="Finish")).to_have_attribute("href", f"/events/{event.id}/edit")
    return event


def register_newcomer(page: Page, base: str, name: str, event_label: str) -> None:
    """The shortest registration the form allows, for someone who heard of us at the stall."""
    page.goto(base + "/clients/new")
    expect(heading(page)).to_have_text("Register a client")
    page.get_by_label("Full name", exact=True).fill(name)
    group(page, "Gender").get_by_role("radio", name="Prefer not to say", exact=True).check()
    page.get_by_label("Age band (only without a date of birth)", exact=True).select_option(label="26 to 35")
    page.get_by_label("Ethnic group", exact=True).select_option(label="Prefer not to say")
    group(page, "Do they have a disability?").get_by_role("radio", name="Prefer not to say", exact=True).check()
    page.get_by_label("How did they hear about us?", exact=True).select_option(label="At an event or stall")
    page.get_by_label("If at a promotional event: which one? (optional)", exact=True).select_option(label=event_label)
    page.get_by_label("Who sent them to us?", exact=True).select_option(label="Self-referral")
    page.get_by_label("They agree to us keeping their details to support them and to count them in reports").check()
    page.get_by_role("button", name="Register", exact=True).click()
    expect(heading(page)).to_have_text(name)
    expect(flash(page, f"{name} is registered.")).to_be_visible()
    expect(page.get_by_role("link", name=STALL, exact=True)).to_be_visible()  # "Heard about us: ..."


def test_a_stall_run_with_no_signal_reaches_the_manager_with_the_people_who_registered(
    live_server, device, world, db_session
):
    base = live_server.url
    champion = device()
    log_in(champion, base, "champion")
    event = run_stall_offline(champion, base, db_session)

    # Later, two people who talked to the champion register with a trainer.
    trainer = device()
    log_in(trainer, base, "trainer")
    event_label = f"{to_london(event.starts_at):%-d %B %Y}: {STALL}"
    for name in NEWCOMERS:
        register_newcomer(trainer, base, name, event_label)
    newcomers = all_stored(db_session, Client, Client.heard_at_event_id == event.id)
    assert sorted(client.full_name for client in newcomers) == NEWCOMERS
    assert {(client.how_heard, client.trainer_id) for client in newcomers} == {
        ("promotional_event", world.people["trainer"].id)
    }

    # The manager finds the activity among the service's events and sees what came of it.
    manager = device()
    log_in(manager, base, "manager")
    manager.goto(base + "/events")
    manager.get_by_role("link", name=STALL, exact=True).click()
    expect(heading(manager)).to_have_text(STALL)
    main = manager.get_by_role("main")
    expect(main).to_contain_text(VENUE)
    expect(count_row(manager, "People reached")).to_have_text("5")
    expect(count_row(manager, "Leaflets given")).to_have_text("3")
    expect(manager.get_by_role("table", name="People reached by gender")).to_contain_text("Female")
    expect(main).to_contain_text("2 people registered with us after hearing of us here.")
    for client in newcomers:
        expect(manager.get_by_role("link", name=client.full_name, exact=True)).to_have_attribute(
            "href", f"/clients/{client.id}"
        )
    expect(main.get_by_role("listitem").filter(has_text="Champion")).to_be_visible()  # who ran it

    # The champion sees how many registered, never who.
    champion.goto(f"{base}/events/{event.id}")
    expect(heading(champion)).to_have_text(STALL)
    expect(count_row(champion, "People reached")).to_have_text("5")
    expect(champion.get_by_role("main")).to_contain_text("2 people registered with us after hearing of us here.")
    for name in NEWCOMERS:
        expect(champion.get_by_text(name)).to_have_count(0)
    assert overflow(champion) is None, f"the event page scrolls sideways: {overflow(champion)}"


# --- 2. Finishing the stall on a bigger screen ----------------------------------------------------


def test_the_champion_finishes_the_stall_on_a_tablet(live_server, device, app, world, db_session):
    base = live_server.url
    stall = world.events["north"]  # the champion's stall: 12 reached, 20 leaflets, 2 hours
    page = device(TABLET, bypass_csp=True, service_workers="block")
    load_axe_on_every_page(page.context)
    log_in_by_cookie(page, app, base, world.people["champion"])

    page.goto(f"{base}/events/{stall.id}/stall")
    page.get_by_role("link", name="Finish").click()
    expect(heading(page)).to_have_text(f"Change {stall.title}")
    expect(page.get_by_label("People reached", exact=True)).to_have_value("12")
    expect(page.get_by_label("Person 1", exact=True).locator("option:checked")).to_have_text(
        "Champion (health trainer champion)"
    )
    page.get_by_label("People reached", exact=True).fill("14")  # two were missed in the rush
    page.get_by_label("Hours (person 1)", exact=True).fill("2.5")  # packing up took a while
    page.get_by_role("group", name="Age", exact=True).get_by_label("26 to 35", exact=True).fill("6")
    page.get_by_role("button", name="Save", exact=True).last.click()
    expect(heading(page)).to_have_text(stall.title)
    expect(flash(page, "Changes saved.")).to_be_visible()
    expect(count_row(page, "People reached")).to_have_text("14")
    expect(page.get_by_role("main")).to_contain_text("Champion: 2.5 hours")
    after = stored(db_session, Event, id=stall.id)
    assert (after.reached, after.leaflets) == (14, 20)
    assert after.breakdowns == {"age_band": {"26_35": 6}}
    assert stored(db_session, EventWorker, event_id=stall.id).hours == 2.5

    # More ages than people reached: refused by the field, and nothing changes.
    page.get_by_role("link", name="Change or finish this event").click()
    page.get_by_role("group", name="Age", exact=True).get_by_label("36 to 45", exact=True).fill("9")
    page.get_by_label("Leaflets given", exact=True).fill("25")
    page.get_by_role("button", name="Save", exact=True).last.click()
    message = "The ages add up to 15, but you reached 14 people."
    expect(page.locator("#breakdown-age_band-error")).to_contain_text(message)
    expect(page.locator("#breakdown-age_band")).to_contain_text(message)  # by the field, in its group
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.get_by_role("group", name="Age", exact=True).get_by_label("36 to 45", exact=True)).to_have_value("9")
    after = stored(db_session, Event, id=stall.id)
    assert (after.reached, after.leaflets, after.breakdowns) == (14, 20, {"age_band": {"26_35": 6}})
    violations = axe_violations(page)
    assert not violations, describe_violations(violations)


# --- 3. A group course and who came -------------------------------------------------------------


def test_a_trainer_runs_a_course_and_ticks_who_came(live_server, device, app, world, db_session):
    base = live_server.url
    page = device(service_workers="block")
    log_in_by_cookie(page, app, base, world.people["trainer"])
    casey = world.clients["own"]

    page.goto(base + "/courses/new")
    expect(heading(page)).to_have_text("Set up a course")
    page.get_by_label("Name of the course").fill(COURSE)
    group(page, "Topics it covers").get_by_role("checkbox", name="Healthy eating", exact=True).check()
    page.get_by_label("How many sessions you plan").fill("5")
    page.get_by_label("Where (optional)").fill(VENUE)
    page.get_by_role("button", name="Save the course").click()
    expect(heading(page)).to_have_text(COURSE)
    course = stored(db_session, Course, title=COURSE)
    assert (course.planned_sessions, course.led_by_id) == (5, world.people["trainer"].id)

    page.get_by_role("link", name="Add a session").click()
    expect(heading(page)).to_have_text("Add session 1")
    page.get_by_label("Starts at").fill("10:00")
    page.get_by_label("Ends at").fill("11:30")
    page.get_by_role("button", name="Save session 1").click()
    expect(flash(page, "Session 1 saved.")).to_be_visible()
    session_event = stored(db_session, Event, course_id=course.id)
    assert session_event.course_session_number == 1

    page.get_by_role("link", name="Who came to session 1").click()
    expect(heading(page)).to_have_text("Who came")
    group(page, "Registered clients who came").get_by_role("checkbox", name=casey.full_name, exact=True).check()
    page.get_by_label("Others who came but are not registered").fill("3")
    page.get_by_role("button", name="Save who came").click()
    expect(heading(page)).to_have_text(COURSE)
    expect(flash(page, "Saved: 4 came (1 registered, 3 others).")).to_be_visible()
    row = page.locator("#session-table").get_by_role("row", name="Session 1")
    expect(row.locator("td")).to_have_count(4)  # when, people who came, of them registered, others
    for column, number in ((1, "4"), (2, "1"), (3, "3")):
        expect(row.locator("td").nth(column)).to_have_text(number)
    attended = all_stored(db_session, CourseAttendance, CourseAttendance.event_id == session_event.id)
    assert [row.client_id for row in attended] == [casey.id]
    assert stored(db_session, Event, id=session_event.id).reached == 4


# --- 4. Nothing wider than a phone --------------------------------------------------------------


def test_the_champions_pages_fit_a_phone(live_server, device, app, world):
    base = live_server.url
    page = device(service_workers="block")
    log_in_by_cookie(page, app, base, world.people["champion"])
    stall = world.events["north"]
    too_wide = {}
    for path in (
        "/activities",
        f"/events/{stall.id}/stall",
        "/events/new",
        f"/events/{stall.id}/edit",
        f"/events/{stall.id}",
    ):
        response = page.goto(base + path)
        assert response.status == 200, f"{path} answered {response.status}"
        expect(heading(page)).to_have_count(1)
        if problem := overflow(page):
            too_wide[path] = problem
    assert not too_wide, f"pages wider than the phone: {too_wide}"
