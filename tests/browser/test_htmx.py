"""htmx enhancements in a real browser: live search and boosted links keep the page loaded."""

from playwright.sync_api import expect

from tests.browser.helpers import h1_text, log_in_by_cookie


def test_people_search_filters_as_you_type_without_a_page_load(app, live_server, page, world):
    log_in_by_cookie(page, app, live_server.url, world.people["site-admin"])
    page.goto(live_server.url + "/")
    results = page.locator("#people-results li")
    expect(results).to_have_count(len(world.people))
    page.evaluate("window.__marker = 1")

    with page.expect_response(lambda response: "/admin/people?q=south" in response.url) as answer:
        page.get_by_label("Find a person").fill("south")
    response = answer.value
    # A fragment came back: the results block, not a whole page.
    assert response.request.headers.get("hx-request") == "true"
    assert "<html" not in response.text()

    expect(results).to_have_count(3)
    expect(results.first).to_contain_text("South")
    for item in results.all_inner_texts():
        assert "south" in item.lower(), item
    page.wait_for_url("**/admin/people?q=south")
    assert page.evaluate("window.__marker") == 1, "the search reloaded the whole page"
    assert h1_text(page) == "People"


def test_boosted_link_shows_the_new_page_without_a_full_load(app, live_server, page, world):
    log_in_by_cookie(page, app, live_server.url, world.people["site-admin"])
    page.goto(live_server.url + "/")
    page.evaluate("window.__marker = 1")
    page.get_by_role("link", name="Add a person").click()
    page.wait_for_url(live_server.url + "/admin/people/new")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a person")
    expect(page).to_have_title("Add a person - Health Trainer")
    assert page.evaluate("window.__marker") == 1, "the link loaded a whole new page"
