"""Running a stall on a phone with no signal: taps wait on the phone, survive a reload, and
are counted once when the signal comes back; a stall can even be started offline."""

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models import Event, TallyChange
from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    load_axe_on_every_page,
    log_in,
    wait_for_controlling_worker,
)

COMMUNITY_QUEUE = "() => DiaryQueue.count(undefined, 'community')"


def stored(db_session, **where) -> Event | None:
    query = select(Event)
    for name, value in where.items():
        query = query.where(getattr(Event, name) == value)
    found = db_session.exec(query).first()
    db_session.rollback()  # end the read at once: SQLite must not be held while the app writes
    return found


def changes_of(db_session, event: Event) -> int:
    found = len(db_session.exec(select(TallyChange).where(TallyChange.event_id == event.id)).all())
    db_session.rollback()
    return found


def wait_until_sent(page, seconds: float = 10) -> None:
    for _ in range(int(seconds * 10)):
        if page.evaluate(COMMUNITY_QUEUE) == 0:
            return
        page.wait_for_timeout(100)
    raise AssertionError("tally changes are still waiting on the phone")


def tap(page, name: str, times: int = 1) -> None:
    button = page.get_by_role("button", name=name, exact=True)
    for _ in range(times):
        button.click()


def number(page, key: str):
    return page.locator(f"#stall [data-total='{key}']")


def fill_start_form(page, title: str) -> None:
    page.get_by_label("Name of the event").fill(title)
    page.get_by_label("Where are you?").fill("Millbrook community centre")
    page.get_by_label("Postcode (if you know it)").fill("FE1 2AB")


def test_a_stall_run_offline_is_counted_once_when_back_online(live_server, page, world, db_session):
    base = live_server.url
    log_in(page, base, "champion")
    page.goto(base + "/stall/new")
    wait_for_controlling_worker(page)
    fill_start_form(page, "Stall at the fair")
    page.get_by_role("button", name="Start the stall").click()
    page.wait_for_url("**/stall")
    event = stored(db_session, title="Stall at the fair")
    assert page.url == f"{base}/events/{event.id}/stall"
    expect(page.locator("#stall-unsent")).to_have_text("All sent")

    page.context.set_offline(True)
    tap(page, "Add one: People reached", 3)
    tap(page, "Add one: Gender Female")  # one of the three: not a fourth person
    tap(page, "Add one: Leaflets given", 2)
    tap(page, "Take one off: Leaflets given")
    expect(page.locator("#stall-unsent")).to_have_text("7 changes not sent yet")
    expect(number(page, "reached")).to_have_text("3")
    expect(number(page, "leaflets")).to_have_text("1")
    expect(number(page, "gender.female")).to_have_text("1")
    # A tap that would go below zero is refused on the phone, with the reason.
    tap(page, "Take one off: Asked to be contacted")
    expect(page.locator("#problem")).to_have_text("Asked to be contacted cannot go below 0.")
    assert stored(db_session, id=event.id).reached == 0

    # With no signal the worker shows the offline page for the stall's address; the script
    # draws the tally there from what the phone keeps, queued taps included.
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text("Stall at the fair")
    expect(page.locator("#stall-unsent")).to_have_text("7 changes not sent yet")
    expect(number(page, "reached")).to_have_text("3")
    tap(page, "Add one: Age 26 to 35")
    expect(page.locator("#stall-unsent")).to_have_text("8 changes not sent yet")

    page.context.set_offline(False)  # the page hears "online" and sends
    expect(page.locator("#stall-unsent")).to_have_text("All sent", timeout=10_000)
    wait_until_sent(page)
    expect(number(page, "reached")).to_have_text("3")
    after = stored(db_session, id=event.id)
    assert (after.reached, after.leaflets, after.interested) == (3, 1, 0)
    assert after.breakdowns == {"gender": {"female": 1}, "age_band": {"26_35": 1}}
    assert changes_of(db_session, event) == 8

    page.goto(f"{base}/events/{event.id}/stall")  # sent once: a reload online adds nothing
    expect(number(page, "reached")).to_have_text("3")
    expect(page.locator("#stall-unsent")).to_have_text("All sent")
    assert changes_of(db_session, event) == 8


def test_a_stall_started_with_no_signal_arrives_with_its_counts(live_server, page, world, db_session):
    base = live_server.url
    log_in(page, base, "champion")
    page.goto(base + "/stall/new")
    wait_for_controlling_worker(page)
    event_uuid = page.locator("input[name='uuid']").input_value()

    page.context.set_offline(True)
    fill_start_form(page, "Pop-up stall")
    page.get_by_role("button", name="Start the stall").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pop-up stall")
    tap(page, "Add one: People reached", 2)
    tap(page, "Add one: Leaflets given")
    expect(page.locator("#stall-unsent")).to_have_text("4 changes not sent yet")  # the stall and 3 taps
    expect(number(page, "reached")).to_have_text("2")
    assert stored(db_session, uuid=event_uuid) is None

    page.context.set_offline(False)
    expect(page.locator("#stall-unsent")).to_have_text("All sent", timeout=10_000)
    event = stored(db_session, uuid=event_uuid)
    assert (event.title, event.venue, event.postcode, event.created_by_id) == (
        "Pop-up stall",
        "Millbrook community centre",
        "FE1 2AB",
        world.people["champion"].id,
    )
    assert (event.reached, event.leaflets) == (2, 1)
    expect(page.get_by_role("link", name="Finish")).to_have_attribute("href", f"/events/{event.id}/edit")
    # The start page's address now leads to the event on the server.
    page.reload()
    page.wait_for_url(f"{base}/events/{event.id}/stall")
    expect(number(page, "reached")).to_have_text("2")


@pytest.fixture
def axe_phone(browser):
    context = browser.new_context(bypass_csp=True, service_workers="block", **PHONE)
    load_axe_on_every_page(context)
    yield context.new_page()
    context.close()


def test_the_stall_pages_have_no_axe_violations(live_server, axe_phone, world):
    page = axe_phone
    base = live_server.url
    log_in(page, base, "champion")
    problems = []
    for path in ("/stall/new", f"/events/{world.events['north'].id}/stall"):
        page.goto(base + path)
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        violations = axe_violations(page)
        if violations:
            problems.append(f"{path}:\n{describe_violations(violations)}")
    # A change the server refused, listed with its reason and a Remove button.
    page.route("**/api/v1/community/sync", lambda route: route.abort("internetdisconnected"))
    page.evaluate(
        """async (eventUuid) => {
            const uuid = DiaryQueue.newUuid();
            await DiaryQueue.add([{kind: "tally", label: "+1 People reached",
                entry: {uuid, event_uuid: eventUuid, counts: {reached: 1}}}],
                document.body.dataset.personId, "community");
            await DiaryQueue.markRejected(uuid, {counts: "Too many."});
        }""",
        world.events["north"].uuid,
    )
    page.reload()
    expect(page.locator("#stall-rejected li")).to_have_count(1)
    violations = axe_violations(page)
    if violations:
        problems.append(f"tally with a refused change:\n{describe_violations(violations)}")
    assert not problems, "\n".join(problems)
