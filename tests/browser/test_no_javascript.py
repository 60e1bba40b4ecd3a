"""Every flow works with JavaScript off: the forms are real forms and the links real links."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import CODE_PATTERN, fill_login_form, h1_text, log_in

NEW_PASSWORD = "purple-kettle-morning"


@pytest.fixture
def second_no_js_page(browser):
    """Another phone with JavaScript off: the new person's own, with no one logged in."""
    context = browser.new_context(java_script_enabled=False, **PHONE)
    yield context.new_page()
    context.close()


def test_trainer_opens_a_client_and_logs_out(live_server, no_js_page, world):
    page = no_js_page
    log_in(page, live_server.url, "trainer")
    assert page.url == live_server.url + "/caseload"
    assert h1_text(page) == "My caseload"

    page.get_by_role("link", name="Casey Client").click()
    page.wait_for_url(f"{live_server.url}/clients/{world.clients['own'].id}")
    assert h1_text(page) == "Casey Client"

    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/login")
    assert h1_text(page) == "Log in"
    expect(page.get_by_role("status")).to_have_text("You have logged out.")


def test_wrong_password_shows_the_error_next_to_the_field(live_server, no_js_page, world):
    page = no_js_page
    fill_login_form(page, live_server.url, "trainer", "not-the-password")
    expect(page.locator("#password-error")).to_contain_text("That username or password is not right")
    expect(page.get_by_label("Password", exact=True)).to_have_attribute("aria-invalid", "true")
    # The summary at the top links to the field.
    expect(page.get_by_role("alert").get_by_role("link")).to_have_attribute("href", "#password")


def test_admin_adds_a_person_who_then_chooses_a_password(live_server, no_js_page, second_no_js_page, world):
    page = no_js_page
    log_in(page, live_server.url, "site-admin")
    page.goto(live_server.url + "/admin/people/new")
    page.get_by_label("Name", exact=True).fill("Sam Jones")
    page.get_by_label("Username", exact=True).fill("sam.jones")
    page.get_by_label("Role", exact=True).select_option(label="Client")
    page.get_by_label("Service", exact=True).select_option(label="North Town Health Trainers")
    expect(page.get_by_label("Whole-time equivalent (staff only)")).to_have_value("")
    page.get_by_label("Health trainer (clients only)").select_option(label="Trainer")
    page.get_by_role("button", name="Add this person").click()

    page.wait_for_url(f"{live_server.url}/admin/people/*")
    assert h1_text(page) == "Sam Jones"
    expect(page.get_by_role("status")).to_contain_text("Added Sam Jones")
    expect(page.get_by_text("Client in North Town Health Trainers")).to_be_visible()

    page.get_by_role("button", name="Make a set-up code").click()
    assert h1_text(page) == "Code for Sam Jones"
    found = CODE_PATTERN.search(page.locator("main").inner_text())
    assert found, page.locator("main").inner_text()

    # On the new person's own phone, with nobody logged in.
    phone = second_no_js_page
    phone.goto(live_server.url + "/setup")
    phone.get_by_label("Your set-up code").fill(found.group())
    phone.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    phone.get_by_label("Type the new password again").fill(NEW_PASSWORD)
    phone.get_by_role("button", name="Save my password").click()

    phone.wait_for_url(live_server.url + "/today")
    assert h1_text(phone) == "Today"
    expect(phone.get_by_role("status")).to_contain_text("Your username is sam.jones")
    expect(phone.get_by_text("Trainer is your health trainer.")).to_be_visible()
