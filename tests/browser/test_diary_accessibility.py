"""axe-core finds no WCAG 2.2 A or AA problem on the diary pages, including the list of entries
waiting on the phone and a form showing the server's error."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import axe_violations, describe_violations, load_axe_on_every_page, log_in

KINDS = ["food", "activity", "alcohol", "smoking", "mood", "weight"]

# One entry waiting to be sent and one the server refused, put straight into the phone's queue.
QUEUE_TWO_ENTRIES = """async (personId) => {
    const waiting = DiaryQueue.newUuid();
    const refused = DiaryQueue.newUuid();
    const now = new Date().toISOString();
    await DiaryQueue.add([
        {entry: {uuid: waiting, kind: "mood", mood: "3", occurred_at: now}, label: "Mood ok"},
        {entry: {uuid: refused, kind: "weight", weight_kg: "999", occurred_at: now}, label: "Weight 999 kg"},
    ], personId);
    await DiaryQueue.markRejected(refused, {weight_kg: "Weight: kg from 25 to 350."});
}"""


@pytest.fixture
def axe_phone(browser):
    """A phone page with the CSP off (so axe can run) and no service worker, so that
    page.route can hold back the queue's requests."""
    context = browser.new_context(bypass_csp=True, service_workers="block", **PHONE)
    load_axe_on_every_page(context)
    yield context.new_page()
    context.close()


def test_diary_pages_have_no_axe_violations(live_server, axe_phone, world):
    page = axe_phone
    base = live_server.url
    problems = []

    def check(name: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name}:\n{describe_violations(violations)}")

    log_in(page, base, "client")
    page.goto(base + "/diary/add/mood")
    page.get_by_role("radio", name="Good", exact=True).check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(base + "/today")
    expect(page.locator(".entries")).to_contain_text("Mood good")
    check("/today with entries")

    # No signal for the queue from here on: what is queued stays listed.
    page.route("**/api/v1/**", lambda route: route.abort("internetdisconnected"))
    page.evaluate(QUEUE_TWO_ENTRIES, str(world.people["client"].id))
    page.reload()
    expect(page.locator("#unsent-list li")).to_have_count(2)
    expect(page.locator("#unsent-badge")).to_be_visible()
    check("/today with unsent entries")

    for path in [f"/diary/add/{kind}" for kind in KINDS] + ["/diary/week", "/offline"]:
        page.goto(base + path)
        if path != "/offline":  # the offline page has no header links: it is the same for everyone
            expect(page.locator("#unsent-badge")).to_be_visible()
        check(path)
    expect(page.get_by_role("button", name="Save weight")).to_be_visible()
    expect(page.locator("#unsent-list li")).to_have_count(2)

    page.unroute("**/api/v1/**")
    page.goto(base + "/diary/add/weight")
    page.get_by_label("Your weight in kg").fill("999")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#weight_kg-error")).to_be_visible()
    check("/diary/add/weight with an error")

    assert not problems, "axe found problems:\n" + "\n".join(problems)
