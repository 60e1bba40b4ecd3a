"""Every role's home page fits a small phone (360 CSS pixels) without sideways scrolling."""

import pytest

from tests.browser.helpers import ROLE_HOMES, h1_text, log_in_by_cookie

PHONE_WIDTH = 360


@pytest.mark.parametrize(("username", "path", "heading"), ROLE_HOMES, ids=[row[0] for row in ROLE_HOMES])
def test_home_page_has_no_horizontal_scroll(app, live_server, page, world, username, path, heading):
    log_in_by_cookie(page, app, live_server.url, world.people[username])
    page.goto(live_server.url + "/")
    assert page.url == live_server.url + path
    assert h1_text(page) == heading
    assert page.viewport_size["width"] == PHONE_WIDTH
    widths = page.evaluate(
        """() => ({
            document: document.documentElement.scrollWidth,
            tooWide: [...document.querySelectorAll("body *")]
                .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(0, 5)
                .map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : "")),
        })"""
    )
    assert widths["document"] <= PHONE_WIDTH, f"{path} scrolls sideways: {widths}"
