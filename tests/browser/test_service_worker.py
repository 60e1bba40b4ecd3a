"""The service worker: it registers at the root, shows the offline page with no signal, keeps
no personal page, and makes the app installable."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, PHONE
from tests.browser.helpers import h1_text, log_in_by_cookie, wait_for_controlling_worker

CACHE_CONTENTS = """async () => {
    const found = {};
    for (const name of await caches.keys()) {
        const cache = await caches.open(name);
        found[name] = (await cache.keys()).map((request) => request.url);
    }
    return found;
}"""


def test_service_worker_registers_for_the_whole_app(live_server, page, world):
    page.goto(live_server.url + "/login")
    worker = wait_for_controlling_worker(page)
    assert worker["scope"] == live_server.url + "/"
    assert worker["active"] == "activated"
    assert worker["controller"] == live_server.url + "/sw.js"
    expect(page.locator("html")).to_have_attribute("data-sw-registered", "true")


def test_pages_need_signal_and_show_the_offline_page(app, live_server, page, world):
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/")
    wait_for_controlling_worker(page)
    page.context.set_offline(True)

    page.goto(live_server.url + "/account/")
    assert h1_text(page) == "You are offline"
    assert page.url == live_server.url + "/account/"
    # The offline page is the shell's copy: it shows nobody's name and no menu.
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    assert "Client" not in page.locator("body").inner_text()

    page.reload()
    assert h1_text(page) == "You are offline"


def test_boosted_link_with_no_signal_shows_the_offline_page(app, live_server, page, world):
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/")
    wait_for_controlling_worker(page)
    page.context.set_offline(True)
    # htmx cannot fetch the page, so app.js loads it in full and the worker answers offline.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are offline")
    assert page.url == live_server.url + "/account/"


def test_caches_hold_only_the_shell_never_personal_pages(app, live_server, page, world):
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/")
    wait_for_controlling_worker(page)
    for path in ["/today", "/account/", "/account/password"]:
        page.goto(live_server.url + path)
    caches = page.evaluate(CACHE_CONTENTS)

    assert caches, "the worker made no cache"
    assert all(name.startswith("shell-") for name in caches), f"a cache that is not the shell: {list(caches)}"
    paths = [urlsplit(url).path for urls in caches.values() for url in urls]
    assert "/offline" in paths, paths
    personal = [path for path in paths if path != "/offline" and not path.startswith("/static/")]
    assert not personal, f"personal pages were cached: {personal}"


@pytest.fixture
def installable_page(playwright_instance, tmp_path):
    """A page in a persistent profile: Chromium only judges installability with one."""
    context = playwright_instance.chromium.launch_persistent_context(
        tmp_path / "profile", executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS, **PHONE
    )
    yield context.pages[0] if context.pages else context.new_page()
    context.close()


def test_app_is_installable(live_server, installable_page, world):
    page = installable_page
    page.goto(live_server.url + "/login")
    wait_for_controlling_worker(page)
    cdp = page.context.new_cdp_session(page)

    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"] == live_server.url + "/manifest.webmanifest"
    assert manifest["errors"] == [], manifest["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], f"Chromium says the app cannot be installed: {errors}"
