"""Logging in and out through the real form on a phone, with JavaScript (and so htmx) on."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ROLE_HOMES, fill_login_form, h1_text, log_in
from tests.world import PASSWORD


@pytest.mark.parametrize(("username", "path", "heading"), ROLE_HOMES, ids=[row[0] for row in ROLE_HOMES])
def test_each_role_lands_on_its_home_page(live_server, page, world, username, path, heading):
    log_in(page, live_server.url, username)
    assert page.url == live_server.url + path
    assert h1_text(page) == heading
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name=heading)).to_have_attribute(
        "aria-current", "page"
    )


def test_log_out_returns_to_the_login_page(live_server, page, world):
    log_in(page, live_server.url, "trainer")
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    page.wait_for_url(live_server.url + "/login")
    assert h1_text(page) == "Log in"
    expect(page.get_by_role("status")).to_have_text("You have logged out.")
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    # The session really ended: a personal page asks to log in again.
    page.goto(live_server.url + "/caseload")
    assert page.url.startswith(live_server.url + "/login?next=")


def test_wrong_password_shows_the_error_next_to_the_field(live_server, page, world):
    fill_login_form(page, live_server.url, "trainer", "not-the-password")
    error = page.locator("#password-error")
    expect(error).to_contain_text("That username or password is not right")
    password = page.get_by_label("Password", exact=True)
    expect(password).to_have_attribute("aria-invalid", "true")
    expect(password).to_have_attribute("aria-describedby", re.compile(r"\bpassword-error\b"))
    assert page.url == live_server.url + "/login"
    # htmx swapped in the 422 answer, so the same page can try again and log in.
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(live_server.url + "/caseload")


def test_set_up_link_with_an_unknown_code_says_so(live_server, page, world):
    response = page.goto(live_server.url + "/setup/ABCD2345")
    assert response.status == 422
    assert h1_text(page) == "Choose your password"
    expect(page.get_by_label("Your set-up code")).to_have_value("ABCD-2345")
    expect(page.locator("#code-error")).to_contain_text("We do not know this code")
