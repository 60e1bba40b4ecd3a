"""Health plans in a real browser: the trainer sets goals, the client's diary moves the bar on
"My goals", every plan page passes axe, the goal form works without JavaScript, and "My goals"
fits a phone."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from pwa.clock import london_today
from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    h1_text,
    load_axe_on_every_page,
    log_in,
    log_in_by_cookie,
)

FRUIT_VEG = "Days a week with 5 or more portions of fruit and veg"
CHECK_IN = "Weekly check-in: how did it go?"


def six_weeks_ahead() -> str:
    return (london_today() + timedelta(weeks=6)).isoformat()


def nav_link(page: Page, name: str):
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def goal_section(page: Page, wording: str):
    return page.locator("section.goal").filter(has=page.get_by_role("heading", name=wording, exact=True))


def add_goal(page: Page, code: str, wording: str, measure: str, **numbers: str) -> None:
    """On the plan page: follow "Add a goal", fill the form and add it; back on the plan page."""
    page.get_by_role("link", name="Add a goal").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add a goal")
    page.get_by_label("What is the goal about?").select_option(code)
    page.get_by_label("The goal in the client's words").fill(wording)
    page.get_by_role("group", name="Measure").get_by_role("radio", name=measure, exact=True).check()
    if "value" in numbers:
        page.get_by_label("The number to aim for").fill(numbers["value"])
    if "portions" in numbers:
        page.get_by_label("Portions of fruit and veg that make a good day").fill(numbers["portions"])
    page.get_by_role("textbox", name="Review date").fill(six_weeks_ahead())
    page.get_by_role("button", name="Add this goal").click()
    expect(page.get_by_role("status").filter(has_text=f"Goal added: {wording}")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Casey Client: health plan")


def record_outcome(page: Page, wording: str, outcome: str) -> None:
    section = goal_section(page, wording)
    section.get_by_label("Outcome").select_option(label=outcome)
    section.get_by_role("button", name="Save outcome").click()
    expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()


def progress_value(page: Page, goal_id: int) -> int:
    bar = page.locator(f"#progress-{goal_id}")
    expect(bar).to_be_visible()
    return int(bar.get_attribute("value"))


def test_trainer_sets_two_goals_and_the_clients_diary_moves_the_bar(live_server, page, world):
    base = live_server.url
    plan_url = f"{base}/clients/{world.clients['own'].id}/plan/"
    log_in(page, base, "trainer")
    page.goto(plan_url)
    add_goal(page, "diet-increase-fruit_veg", "Eat 5 a day on 3 days", FRUIT_VEG, value="3", portions="5")
    add_goal(page, "wellbeing-improve-sleep", "Bed by 11", CHECK_IN)
    for wording in ["Walk for 30 minutes on 5 days", "Eat 5 a day on 3 days", "Bed by 11"]:
        expect(page.get_by_role("heading", level=2, name=wording, exact=True)).to_be_visible()
    fruit_veg_id = int(goal_section(page, "Eat 5 a day on 3 days").get_attribute("aria-labelledby").split("-")[1])
    expect(goal_section(page, "Eat 5 a day on 3 days")).to_contain_text("Eat more fruit and veg")
    page.get_by_role("navigation", name="Main").get_by_role("button", name="Log out").click()
    page.wait_for_url(base + "/login")

    log_in(page, base, "client")
    nav_link(page, "My goals").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My goals")
    before = progress_value(page, fruit_veg_id)

    # Saving a diary entry ends in a full page load of Today (diary.js: location.assign), so the
    # marker is set there; it then shows the way back to My goals is a boosted swap, not a reload.
    nav_link(page, "Today").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Today")
    page.goto(base + "/diary/add/food")
    page.get_by_role("group", name="Which meal?").get_by_role("radio", name="Lunch", exact=True).check()
    page.get_by_label("What did you eat or drink?").fill("Salad")
    page.get_by_label("Portions of fruit and veg").fill("5")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(base + "/today")
    expect(page.locator(".entries")).to_contain_text("Salad")
    page.evaluate("window.__marker = 1")
    nav_link(page, "My goals").click()
    page.wait_for_url(base + "/goals")
    expect(page.get_by_role("heading", level=1)).to_have_text("My goals")
    after = progress_value(page, fruit_veg_id)
    assert after > before, f"the bar did not move: {before} -> {after}"
    assert page.evaluate("window.__marker") == 1, "My goals was a full page load, not a boosted swap"

    bed = goal_section(page, "Bed by 11")
    expect(bed.get_by_text("You met this week's target")).to_have_count(0)
    bed.get_by_role("radio", name="Yes", exact=True).check()
    bed.get_by_role("button", name="Save").click()
    expect(goal_section(page, "Bed by 11").get_by_text("You met this week's target")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Well done! Saved.")).to_be_visible()
    assert page.evaluate("window.__marker") == 1


@pytest.fixture
def axe_page(browser):
    """A phone page with the CSP off, so that axe-core can run."""
    context = browser.new_context(bypass_csp=True, **PHONE)
    load_axe_on_every_page(context)
    yield context.new_page()
    context.close()


def test_plan_pages_have_no_axe_violations(app, live_server, axe_page, world):
    page, base = axe_page, live_server.url
    client_id, goal = world.clients["own"].id, world.goals["own"]
    plan_url = f"{base}/clients/{client_id}/plan/"
    problems = []

    def check(name: str) -> None:
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name}:\n{describe_violations(violations)}")

    log_in_by_cookie(page, app, base, world.people["trainer"])
    page.goto(plan_url)
    check("plan")
    page.goto(f"{plan_url}goals/new")
    check("new goal form")
    page.get_by_role("button", name="Add this goal").click()
    expect(page.locator("#code-error")).to_be_visible()
    expect(page.locator("#wording-error")).to_be_visible()
    check("new goal form with errors")
    page.goto(f"{plan_url}goals/{goal.id}/edit")
    expect(page.get_by_label("The goal in the client's words")).to_have_value(goal.wording)
    check("edit goal form")

    # A check-in goal for the client's page, and an outcome for the certificate.
    page.goto(plan_url)
    add_goal(page, "wellbeing-improve-sleep", "Bed by 11", CHECK_IN)
    record_outcome(page, goal.wording, "Achieved")
    page.get_by_role("link", name="Certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate of achievement")
    expect(page.locator(".certificate__goals")).to_contain_text(goal.wording)
    check("certificate")

    page.context.clear_cookies()
    log_in_by_cookie(page, app, base, world.people["client"])
    page.goto(base + "/goals")
    expect(page.locator("figure.goal-chart svg")).not_to_have_count(0)
    expect(page.get_by_role("group", name="How did it go this week?")).to_be_visible()
    check("my goals")

    assert not problems, "axe found problems:\n" + "\n".join(problems)


def test_goal_form_works_without_javascript(live_server, no_js_page, world):
    page, base = no_js_page, live_server.url
    log_in(page, base, "trainer")
    page.goto(f"{base}/clients/{world.clients['own'].id}/plan/")
    add_goal(page, "diet-increase-fruit_veg", "Eat 5 a day on 3 days", FRUIT_VEG, value="3", portions="5")
    expect(goal_section(page, "Eat 5 a day on 3 days")).to_be_visible()
    record_outcome(page, "Eat 5 a day on 3 days", "Part achieved")
    expect(goal_section(page, "Eat 5 a day on 3 days").get_by_label("Outcome")).to_have_value("part_achieved")


def test_my_goals_fits_a_phone(app, live_server, page, world):
    log_in_by_cookie(page, app, live_server.url, world.people["client"])
    page.goto(live_server.url + "/goals")
    assert h1_text(page) == "My goals"
    expect(page.locator("figure.goal-chart")).not_to_have_count(0)
    assert page.viewport_size["width"] == 360
    widths = page.evaluate(
        """() => ({
            document: document.documentElement.scrollWidth,
            tooWide: [...document.querySelectorAll("body *")]
                .filter((element) => element.getBoundingClientRect().right > window.innerWidth + 0.5)
                .slice(0, 5)
                .map((element) => element.tagName.toLowerCase() + (element.className ? "." + element.className : "")),
        })"""
    )
    assert widths["document"] <= 360, f"/goals scrolls sideways: {widths}"
