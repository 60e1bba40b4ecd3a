"""Shared steps for the browser tests: log in through the real form, wait for the service
worker, and run axe-core."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from tests.world import PASSWORD

# Each role's home page after login: (username, path, heading).
ROLE_HOMES = [
    ("client", "/today", "Today"),
    ("champion", "/activities", "My activities"),
    ("trainee", "/caseload", "My caseload"),
    ("trainer", "/caseload", "My caseload"),
    ("manager", "/overview", "Service overview"),
    ("site-admin", "/admin/people", "People"),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CODE_PATTERN = re.compile(r"\b[A-Z2-9]{4}-[A-Z2-9]{4}\b")

_axe = Axe()


def fill_login_form(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Open /login, type the username and password, and press "Log in"."""
    page.goto(base_url + "/login")
    page.get_by_label("Username or email").fill(username)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()


def log_in(page: Page, base_url: str, username: str, password: str = PASSWORD) -> None:
    """Log in through the real form and wait until the home page has loaded."""
    fill_login_form(page, base_url, username, password)
    page.wait_for_url(lambda url: "/login" not in url)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Log in")


def log_in_by_cookie(page: Page, app, base_url: str, person) -> None:
    """Put a signed, logged-in session cookie straight into the browser.

    Quicker than the form (no password hashing); only for tests about something else.
    """
    with app.test_request_context():
        serializer = app.session_interface.get_signing_serializer(app)
        value = serializer.dumps({"_user_id": f"{person.id}:{person.session_token}", "_fresh": True})
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": value, "url": base_url}])


def h1_text(page: Page) -> str:
    """The page's main heading, once there is exactly one."""
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_count(1)
    return heading.inner_text().strip()


def wait_for_controlling_worker(page: Page) -> dict:
    """Wait until the service worker is active, reloading once so it controls the page.

    Returns the registration's scope and the controller's script URL.
    """
    page.wait_for_function("navigator.serviceWorker.ready.then(r => Boolean(r.active))", timeout=10_000)
    if not page.evaluate("Boolean(navigator.serviceWorker.controller)"):
        page.reload()
        page.wait_for_function("Boolean(navigator.serviceWorker.controller)", timeout=10_000)
    return page.evaluate(
        """async () => {
            const registration = await navigator.serviceWorker.ready;
            return {
                scope: registration.scope,
                active: registration.active && registration.active.state,
                controller: navigator.serviceWorker.controller && navigator.serviceWorker.controller.scriptURL,
            };
        }"""
    )


def load_axe_on_every_page(context: BrowserContext) -> None:
    """Have axe-core ready in each page the context opens (quicker than injecting it per page).

    The context needs bypass_csp=True: the app's Content-Security-Policy allows no other scripts.
    """
    context.add_init_script(script=_axe.axe_script)


def axe_violations(page: Page) -> list[dict]:
    """Run axe-core with the WCAG 2.2 AA rule set on the page as it is now."""
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
    if page.evaluate("typeof window.axe === 'undefined'"):
        return _axe.run(page, options=options).response["violations"]
    return page.evaluate("(options) => axe.run(document, options).then((results) => results.violations)", options)


def describe_violations(violations: list[dict]) -> str:
    """One line per violation, with each failing element's selector and the reason."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            lines.append(
                f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '').replace(chr(10), ' ')}"
            )
    return "\n".join(lines)


def assert_accessible(page: Page) -> None:
    """Fail with a readable list if axe finds any WCAG A or AA problem on the page."""
    violations = axe_violations(page)
    assert not violations, f"axe found {len(violations)} problem(s) on {page.url}:\n{describe_violations(violations)}"
