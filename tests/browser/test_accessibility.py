"""axe-core finds no WCAG 2.2 A or AA problem on any page, seen by a role that can open it.

One test per role: it logs in once through the form, then checks every page that role can
see, and reports the problems of all its pages together.
"""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    CODE_PATTERN,
    axe_violations,
    describe_violations,
    fill_login_form,
    load_axe_on_every_page,
    log_in,
)


def wrong_password(page, base_url, world):
    fill_login_form(page, base_url, "client", "not-the-password")
    expect(page.locator("#password-error")).to_contain_text("That username or password is not right")


def empty_new_person_form(page, base_url, world):
    page.goto(base_url + "/admin/people/new")
    page.get_by_role("button", name="Add this person").click()
    expect(page.locator("#display_name-error")).to_be_visible()


def issued_code(page, base_url, world):
    page.goto(f"{base_url}/admin/people/{world.people['client'].id}")
    page.get_by_role("button", name="Make a password reset code").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Code for Client")
    assert CODE_PATTERN.search(page.locator("main").inner_text()), "no code on the issued-code page"


def registering_someone_from_an_event(page, base_url, world):
    page.goto(base_url + "/clients/new")
    page.get_by_label("How did they hear about us?", exact=True).select_option(label="At an event or stall")
    page.get_by_label("If at a promotional event: which one? (optional)", exact=True).select_option(
        value=str(world.events["north"].id)
    )
    expect(page.get_by_label("How did they hear about us?", exact=True)).to_have_value("promotional_event")


def event_with_a_registration(page, base_url, world):
    """The stall's page after a client's details say they heard of us there."""
    page.goto(f"{base_url}/clients/{world.clients['own'].id}/details")
    page.get_by_label("How did they hear about us?", exact=True).select_option(label="At an event or stall")
    page.get_by_label("If at a promotional event: which one? (optional)", exact=True).select_option(
        value=str(world.events["north"].id)
    )
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.clients["own"].full_name)
    page.goto(f"{base_url}/events/{world.events['north'].id}")
    expect(page.get_by_role("link", name=world.clients["own"].full_name, exact=True)).to_be_visible()


def message_form_with_an_error(page, base_url, world):
    """Casey agrees to messages in the app; the trainer then sends an empty message."""
    client_id = world.clients["own"].id
    page.goto(f"{base_url}/clients/{client_id}/consent")
    page.get_by_label("We may send them messages in the app").check()
    page.get_by_role("button", name="Save consent").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.clients["own"].full_name)
    page.goto(f"{base_url}/clients/{client_id}/messages")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.locator("#body-error")).to_be_visible()


# Who logs in (None: nobody) -> the pages to check: a path (with {names} from world_ids), or
# a function that acts on the page to reach a state (a form error, a new code).
PAGES_BY_ROLE = {
    None: [
        "/login",
        "/setup",
        "/setup/ABCD2345",
        "/offline",
        wrong_password,
        "/services/north/directory?q=walk",
        "/services/north/directory/{listing}",
    ],
    "client": [
        "/today",
        "/account/",
        "/account/password",
        "/nope",
        "/overview",
        "/directory?q=walk",
        "/directory/{listing}",
        # Reminders and messages (the flows: tests/browser/test_messages.py and test_reminders.py).
        "/reminders",
        "/messages",
    ],
    # The directory's flows, each page with data and errors: tests/browser/test_directory.py.
    "champion": [
        "/activities",
        "/directory?postcode=ZZ9+9ZZ",
        "/directory/{listing}",
        "/directory/new",
        "/directory/{listing}/signpost",
        "/directory/{listing}/problem",
        "/signposts",
        "/signposts/{champion_signpost}/result",
        # Community engagement (flows and errors: tests/browser/test_community.py, test_stall.py).
        "/events",
        "/events/{stall}",
        "/events/new",
        "/events/{stall}/edit",
        "/stall/new",
        "/events/{stall}/stall",
        "/volunteering",
        "/courses",
        "/courses/{course}",
        "/stories/new?event_id={stall}",
        # Community figures (with data, errors and the phone's width: tests/browser/test_reports.py).
        "/reports/community",
        "/reports/activities_by_type",
        "/reports/gender",
    ],
    # Every other caseload page, at each stage of a client's journey: tests/browser/test_caseload.py.
    "trainer": [
        "/caseload",
        "/clients/new",
        "/clients/{own_client}",
        "/clients/{own_client}/digest",
        "/clients/{own_client}/diary/",
        "/directory/{listing}",
        "/directory/{listing}/edit",
        "/directory/{listing}/signpost",
        "/events/{course_session}/attendance",
        "/stories/new?client_id={own_client}",
        registering_someone_from_an_event,
        "/reports/completeness",
        "/clients/{own_client}/messages",  # Casey has not agreed to app messages: no form
        message_form_with_an_error,
    ],
    "manager": [
        "/overview",
        "/caseload",
        "/clients/{own_client}",
        "/directory/flags",
        "/directory/{listing}",
        "/partners",
        "/stories",
        "/volunteers",
        "/volunteers/{champion}",
        event_with_a_registration,
        # Reports (with imported data, form errors and the phone's width: tests/browser/test_reports.py).
        "/reports",
        "/reports/gender",
        "/reports/self_efficacy_change",
        "/reports/completeness",
        "/reports/comparators",
        "/reports/comparators/new",
        "/reports/import",
    ],
    "site-admin": [
        "/admin/people",
        "/admin/people?q=zzz-nobody",
        "/admin/people/new",
        empty_new_person_form,
        "/admin/people/{client}",
        "/admin/people/{client}/edit",
        "/admin/services",
        "/admin/services/new",
        "/admin/services/{north}/edit",
        issued_code,
    ],
}
# The pages that are errors, so a wrong status is caught too.
EXPECTED_STATUS = {
    None: {"/setup/ABCD2345": 422},
    "client": {"/nope": 404, "/overview": 403},
    "champion": {"/reports/gender": 403},
}


@pytest.fixture
def axe_page(browser):
    """A phone page with the site's Content-Security-Policy turned off, so axe can be injected."""
    context = browser.new_context(bypass_csp=True, **PHONE)
    load_axe_on_every_page(context)
    yield context.new_page()
    context.close()


def world_ids(world) -> dict[str, int]:
    return {
        "own_client": world.clients["own"].id,
        "client": world.people["client"].id,
        "north": world.north.id,
        "listing": world.listings["north"].id,
        "champion_signpost": world.signposts["champion"].id,
        "champion": world.people["champion"].id,
        "stall": world.events["north"].id,
        "course": world.courses["north"].id,
        "course_session": world.events["course-session"].id,
    }


def open_page(page, base_url, world, username, step) -> str:
    """Go to one page of the list; returns a name for it in the report."""
    if isinstance(step, str):
        path = step.format(**world_ids(world))
        response = page.goto(base_url + path)
        wanted = EXPECTED_STATUS.get(username, {}).get(path, 200)
        assert response.status == wanted, f"{path} answered {response.status}, not {wanted}"
        return path
    step(page, base_url, world)
    return step.__name__


@pytest.mark.parametrize("username", list(PAGES_BY_ROLE), ids=[name or "nobody" for name in PAGES_BY_ROLE])
def test_pages_have_no_axe_violations(live_server, axe_page, world, username):
    if username:
        log_in(axe_page, live_server.url, username)
    problems = []
    for step in PAGES_BY_ROLE[username]:
        name = open_page(axe_page, live_server.url, world, username, step)
        expect(axe_page.get_by_role("heading", level=1)).to_have_count(1)
        violations = axe_violations(axe_page)
        if violations:
            problems.append(f"{name}:\n{describe_violations(violations)}")
    assert not problems, "axe found problems:\n" + "\n".join(problems)


def test_axe_check_reports_a_broken_page(live_server, axe_page, world):
    """The check itself works: a field that loses its label is reported."""
    axe_page.goto(live_server.url + "/login")
    axe_page.evaluate("document.querySelector('label[for=login]').remove()")
    ids = {violation["id"] for violation in axe_violations(axe_page)}
    assert "label" in ids, ids
