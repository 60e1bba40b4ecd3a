"""Commissioner reports in a real browser (issue 8).

Done when: a manager imports last year's spreadsheet, opens the dashboard, filters to one trainer
and one quarter, and downloads tables that match hand counts to the decimal. Also here: the
charts' text alternatives, the filter form with JavaScript off, what a champion may see, axe and
the 360 px phone on every report page, and printing a table.

Every expected number below is counted by hand from the folder written in LAST_YEAR.
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    load_axe_on_every_page,
    log_in,
    log_in_by_cookie,
)

# Last year's records, as the old system's export gives them. Two trainers, two quarters of the
# 2025/26 year: Q1 is April to June 2025, Q2 July to September 2025.
#
#   trainer, Q2 (the subset the story filters to): LY-01 .. LY-07, 7 clients
#       gender: female 4 (LY-01..04), male 2 (LY-05, LY-06), not recorded 1 (LY-07)
#       registered: July 2 (LY-01, LY-02), August 2 (LY-03, LY-04), September 3 (LY-05..07)
#       (LY-01 on 1 July and LY-06 on 30 September: the quarter's first and last days)
#   trainer, Q1: LY-08 (male), LY-09 (female, 30 June: the day before the quarter)
#   other-trainer, Q2: LY-10 (female), LY-11 (other)
#   other-trainer, Q1: LY-12 (prefer not to say)
CLIENTS_CSV = """\
client_ref,registered_on,gender,trainer
LY-01,2025-07-01,Female,trainer
LY-02,2025-07-15,female,trainer
LY-03,2025-08-04,Female,trainer
LY-04,2025-08-20,FEMALE,trainer
LY-05,2025-09-02,Male,trainer
LY-06,2025-09-30,male,trainer
LY-07,2025-09-10,,trainer
LY-08,2025-04-10,Male,trainer
LY-09,2025-06-30,Female,trainer
LY-10,2025-07-20,Female,other-trainer
LY-11,2025-08-11,Other,other-trainer
LY-12,2025-05-05,Prefer not to say,other-trainer
"""
# Goals set in the subset: LY-01 two (achieved, part achieved), LY-02 one (not achieved), LY-03 one
# (no outcome yet), LY-05 one (achieved), LY-06 one (not achieved). So 5 of the 7 clients have a
# goal; 5 goals have an outcome: achieved 2, part achieved 1, not achieved 2; 3 of 5 met or partly.
# LY-08 (Q1) and LY-10 (other trainer) have goals outside the subset.
GOALS_CSV = """\
client_ref,goal,set_on,outcome,outcome_on,maintained
LY-01,diet-change,2025-07-08,Achieved,2025-09-01,
LY-01,exercise-increase-moderate,2025-07-08,part_achieved,2025-09-01,
LY-02,smoking-stop,2025-07-20,Not achieved,2025-09-15,
LY-03,weight-reduce,2025-08-10,,,
LY-05,alcohol-reduce,2025-09-05,achieved,2025-10-20,
LY-06,smoking-reduce,2025-09-30,not_achieved,2025-09-30,
LY-08,diet-change,2025-04-20,Part achieved,2025-06-01,
LY-10,diet-change,2025-07-25,Achieved,2025-09-20,
"""
# Self-efficacy from start to end: LY-01 +15, LY-02 -5, LY-10 +30 (3 clients, 2 improved).
MEASURES_CSV = """\
client_ref,instrument,stage,value,taken_on
LY-01,self_efficacy,baseline,50,2025-07-08
LY-01,self_efficacy,exit,65,2025-09-01
LY-02,self_efficacy,baseline,60,2025-07-20
LY-02,self_efficacy,exit,55,2025-09-15
LY-10,self_efficacy,baseline,40,2025-07-25
LY-10,self_efficacy,exit,70,2025-09-20
"""
IMPORTED = (
    "Checked 3 files: 12 clients (12 new, 0 updated), 8 goals (8 new, 0 updated), "
    "6 measures (6 new, 0 updated). All saved."
)

# The gender table for trainer, Q2, compared with the borough (tests/world.py: female 51.2, male 48.8).
GENDER_ROWS = [
    ["Female", "4", "57.1%", "51.2%"],  # 4 / 7 = 57.14
    ["Male", "2", "28.6%", "48.8%"],  # 2 / 7 = 28.57
    ["Other", "0", "0.0%", ""],
    ["Prefer not to say", "0", "0.0%", ""],
    ["Not recorded", "1", "14.3%", ""],  # 1 / 7 = 14.29
    ["Total", "7", "100.0%", ""],
]
GENDER_CSV = """\
category,count,percent,comparator
female,4,57.1,51.2
male,2,28.6,48.8
other,0,0.0,
prefer_not_to_say,0,0.0,
not_recorded,1,14.3,
total,7,100.0,
"""
# Goal outcome for trainer, Q2: goals set in the quarter with an outcome, beside England 2010.
GOAL_OUTCOME_CSV = """\
category,count,percent,comparator
achieved,2,40.0,52.6
part_achieved,1,20.0,29.7
not_achieved,2,40.0,17.8
total,5,100.0,
"""
QUARTER = ("2025-07-01", "2025-09-30")
SCOPE = "From 1 July 2025 to 30 September 2025, Trainer's clients."
BOROUGH = "North Town population"
ENGLAND = "England, DCRS national report (Sept 2010)"


# --- Helpers ----------------------------------------------------------------------------------


def write_last_year(folder: Path) -> Path:
    folder.mkdir()
    for name, text in (("clients.csv", CLIENTS_CSV), ("goals.csv", GOALS_CSV), ("measures.csv", MEASURES_CSV)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture
def last_year(runner, tmp_path, world):
    """Last year's records brought in with the real command, into the live server's database."""
    result = runner.invoke(args=["import-records", str(write_last_year(tmp_path / "records")), "--service", "north"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == IMPORTED


@pytest.fixture
def device(browser):
    """Fresh browser contexts: device(**context options) -> a phone page."""
    contexts = []

    def make(**options) -> Page:
        context = browser.new_context(**PHONE, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def menu_link(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True)


def figure(page: Page, label: str) -> Locator:
    """The value of the key figure with exactly this label, like "7 clients"."""
    card = page.locator("li.figure").filter(has=page.locator(".figure__label").get_by_text(label, exact=True))
    expect(card).to_have_count(1)
    return card.locator(".figure__value")


def cells(rows: Locator) -> list[list[str]]:
    """The text of every cell of the rows, as the page shows it."""
    return rows.evaluate_all("rows => rows.map((row) => [...row.cells].map((cell) => cell.innerText.trim()))")


def choose_filter(
    page: Page, *, trainer: str, dates: tuple[str, str] | None = None, period: str = "", compare: str = ""
) -> None:
    """Fill the report filter form and press Show."""
    form = page.get_by_role("form", name="Choose what the report covers")
    if dates:
        form.get_by_label("Period", exact=True).select_option(label="Choose dates")
        form.get_by_label("From (for Choose dates)").fill(dates[0])
        form.get_by_label("To (for Choose dates)").fill(dates[1])
    else:
        form.get_by_label("Period", exact=True).select_option(label=period)
    form.get_by_label("Trainer", exact=True).select_option(label=trainer)
    if compare:
        form.get_by_label("Compare with", exact=True).select_option(label=compare)
    form.get_by_role("button", name="Show").click()


def hidden_words(seen: str, hidden: str) -> re.Pattern:
    """A link's name: its words and, after a colon, the words only a screen reader hears (the
    browser puts a space before the hidden part's colon)."""
    return re.compile(rf"^{re.escape(seen)} ?: {re.escape(hidden)}$")


def downloaded(page: Page, link: Locator) -> tuple[str, str]:
    """Click a download link: (the file's suggested name, its text)."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    return download.suggested_filename, Path(download.path()).read_text(encoding="utf-8")


def page_width(page: Page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


# --- 1. Done when: last year's import, one trainer, one quarter, tables to the decimal -------------


def test_a_manager_filters_last_years_import_and_downloads_tables_matching_hand_counts(
    live_server, page, world, last_year
):
    base = live_server.url
    log_in(page, base, "manager")
    menu_link(page, "Reports").click()
    expect(heading(page)).to_have_text("Reports")

    choose_filter(page, trainer="Trainer", dates=QUARTER, compare=BOROUGH)
    page.wait_for_url(re.compile(r"/reports\?.*comparator=\d+"))
    trainer_id = world.people["trainer"].id
    for part in ("period=custom", "from=2025-07-01", "to=2025-09-30", f"trainer={trainer_id}"):
        assert part in page.url, page.url
    expect(page.locator(".report-scope")).to_have_text(SCOPE)

    # The key figures for Trainer's clients registered in July to September 2025.
    expect(figure(page, "New clients")).to_have_text("7 clients")
    expect(figure(page, "New clients with a health plan goal (PHP ratio)")).to_have_text("71.4%")  # 5 / 7
    expect(figure(page, "Goals met or partly met")).to_have_text("60.0%")  # 3 / 5
    expect(figure(page, "Clients who met a goal")).to_have_text("50.0%")  # 2 of the 4 with an outcome
    expect(figure(page, "New clients signposted")).to_have_text("0.0%")
    expect(figure(page, "Staff time (full-time workers)")).to_have_text("1.00 WTE")
    expect(figure(page, "New clients per full-time worker")).to_have_text("7.0 per WTE")

    # The gender table, counted by hand.
    page.get_by_role("link", name="Gender", exact=True).click()
    expect(heading(page)).to_have_text("Gender")
    expect(page.locator(".report-scope")).to_have_text(SCOPE)
    expect(page.get_by_role("main")).to_contain_text("Unit: clients. Percent of: clients registered in the period.")
    expect(page.get_by_role("main")).to_contain_text(f"Compared with: {BOROUGH}.")
    table = page.get_by_role("table", name="Gender (clients)")
    assert cells(table.locator("tbody tr, tfoot tr")) == GENDER_ROWS

    name, text = downloaded(page, page.get_by_role("link", name=hidden_words("Download CSV", "Gender")))
    assert name == "north-gender-trainer-2025-07-01-to-2025-09-30.csv"
    assert text == GENDER_CSV

    # Back on the dashboard the filter is kept; compare with England: goal outcomes straight to a file.
    page.get_by_role("link", name="Back to reports").click()
    expect(heading(page)).to_have_text("Reports")
    expect(page.locator(".report-scope")).to_have_text(SCOPE)
    choose_filter(page, trainer="Trainer", dates=QUARTER, compare=ENGLAND)
    page.wait_for_url(re.compile(r"comparator=england"))
    expect(page.locator(".report-scope")).to_have_text(SCOPE)
    name, text = downloaded(page, page.get_by_role("link", name=hidden_words("CSV", "Goal outcome")))
    assert name == "north-goal_outcome-trainer-2025-07-01-to-2025-09-30.csv"
    assert text == GOAL_OUTCOME_CSV


# --- 2. Charts have text alternatives ------------------------------------------------------------


def test_each_chart_has_a_name_and_a_table_with_the_same_numbers(live_server, page, app, world, last_year):
    log_in_by_cookie(page, app, live_server.url, world.people["manager"])
    trainer_id = world.people["trainer"].id
    page.goto(f"{live_server.url}/reports?period=custom&from={QUARTER[0]}&to={QUARTER[1]}&trainer={trainer_id}")
    expect(page.locator(".report-scope")).to_have_text(SCOPE)
    expect(page.locator("svg.chart__svg")).to_have_count(3)
    expect(page.locator("svg.chart__svg:not([role='img'])")).to_have_count(0)

    charts = {
        "Clients registered each month": (
            "7 clients registered from Jul 2025 to Sep 2025. Most in one month: 3 in Sep 2025.",
            [["Month", "Clients registered"], ["Jul 2025", "2"], ["Aug 2025", "2"], ["Sep 2025", "3"]],
        ),
        "What came of goals": (
            "Of 5 goals: Achieved 40.0% (comparison 52.6%); Part achieved 20.0% (comparison 29.7%); "
            "Not achieved 40.0% (comparison 17.8%).",
            [
                ["Outcome", "Goals", "Percent", "Comparison"],
                ["Achieved", "2", "40.0%", "52.6%"],
                ["Part achieved", "1", "20.0%", "29.7%"],
                ["Not achieved", "2", "40.0%", "17.8%"],
                ["Total", "5", "100.0%", ""],
            ],
        ),
    }
    for title, (description, numbers) in charts.items():
        chart = page.get_by_role("figure", name=title)
        expect(chart.get_by_role("img", name=f"{title} {description}", exact=True)).to_have_count(1)
        table = chart.get_by_role("table", name=title)
        expect(table).to_be_hidden()
        chart.get_by_text("Show the numbers").click()
        expect(table).to_be_visible()
        assert cells(table.locator("tr")) == numbers, title

    # Where the 7 clients live: nobody gave a postcode, so all 7 are "not known".
    chart = page.get_by_role("figure", name="Clients by deprivation of where they live")
    expect(chart.get_by_role("img")).to_have_accessible_name(re.compile(r"^Clients by deprivation .* Of 7 clients: "))
    chart.get_by_text("Show the numbers").click()
    rows = cells(chart.get_by_role("table").locator("tr"))
    assert rows[0] == ["Deprivation fifth", "Clients", "Percent", "Comparison"]
    assert [row[1:3] for row in rows[1:]] == [["0", "0.0%"]] * 5 + [["7", "100.0%"], ["7", "100.0%"]]
    assert [row[3] for row in rows[1:]] == ["45.3%", "21.9%", "12.9%", "8.4%", "4.7%", "6.8%", ""]


# --- 3. The filter form with JavaScript off ------------------------------------------------------


def test_the_filter_form_works_with_javascript_off(live_server, no_js_page, app, world, last_year):
    page = no_js_page
    log_in_by_cookie(page, app, live_server.url, world.people["manager"])
    page.goto(live_server.url + "/reports")
    expect(figure(page, "New clients")).to_have_text("0 clients")  # this year: last year's records are older

    choose_filter(page, trainer="Everyone in the service", period="Last year (April to March)")
    page.wait_for_url(re.compile(r"period=last_year"))
    expect(page.locator(".report-scope")).to_have_text("From 1 April 2025 to 31 March 2026, everyone in the service.")
    expect(figure(page, "New clients")).to_have_text("12 clients")

    choose_filter(page, trainer="Trainer", period="Last year (April to March)")
    page.wait_for_url(re.compile(rf"trainer={world.people['trainer'].id}"))
    expect(figure(page, "New clients")).to_have_text("9 clients")  # LY-01 .. LY-09
    expect(page.get_by_label("Trainer", exact=True)).to_have_value(str(world.people["trainer"].id))

    choose_filter(page, trainer="Other Trainer", dates=QUARTER)
    page.wait_for_url(re.compile(rf"trainer={world.people['other-trainer'].id}"))
    expect(figure(page, "New clients")).to_have_text("2 clients")  # LY-10, LY-11
    expect(figure(page, "Goals met or partly met")).to_have_text("100.0%")  # LY-10's one goal


# --- 4. A champion sees community figures only ---------------------------------------------------


def test_a_champion_sees_community_figures_and_no_client_tables(live_server, page, world):
    base = live_server.url
    log_in(page, base, "champion")
    expect(menu_link(page, "Reports")).to_have_count(0)
    menu_link(page, "Figures").click()
    expect(heading(page)).to_have_text("Community figures")
    assert page.url.startswith(base + "/reports/community")
    expect(page.get_by_role("list", name="In this period")).to_contain_text("People reached")
    expect(page.get_by_role("link", name="Community activities by type", exact=True)).to_be_visible()
    expect(page.get_by_label("Trainer", exact=True)).to_have_count(0)

    response = page.goto(base + "/reports/gender")
    assert response.status == 403
    expect(heading(page)).to_have_text("You cannot see this page")
    expect(page.get_by_role("table")).to_have_count(0)


# --- 5. axe and the phone's width on every report page -------------------------------------------

LAST_YEAR_QUERY = "?period=last_year"
OPEN_EVERY_DETAILS = "document.querySelectorAll('details').forEach((details) => { details.open = true; })"
# Captions past the screen's right edge (a wide table scrolls in its region; its caption must not).
CUT_OFF_CAPTIONS = """(width) => [...document.querySelectorAll("caption")]
    .filter((caption) => caption.getBoundingClientRect().right > width + 0.5)
    .map((caption) => caption.innerText)"""


def check_page(page: Page, name: str, problems: list[str]) -> None:
    """axe and the width at 360 px, with every <details> opened so hidden parts are checked too."""
    expect(heading(page)).to_have_count(1)
    page.evaluate(OPEN_EVERY_DETAILS)
    if violations := axe_violations(page):
        problems.append(f"{name}: axe:\n{describe_violations(violations)}")
    screen = PHONE["viewport"]["width"]
    if (width := page_width(page)) > screen:
        problems.append(f"{name}: {width} px wide, wider than the phone")
    if cut_off := page.evaluate(CUT_OFF_CAPTIONS, screen):
        problems.append(f"{name}: captions run off the screen: {cut_off}")


def test_report_pages_pass_axe_and_fit_a_phone(live_server, device, app, world, last_year):
    base = live_server.url
    page = device(bypass_csp=True, service_workers="block")
    load_axe_on_every_page(page.context)
    problems: list[str] = []
    borough = world.comparators["north"].id

    def visit(path: str, status: int = 200) -> None:
        response = page.goto(base + path)
        assert response.status == status, f"{path} answered {response.status}"
        check_page(page, path, problems)

    log_in_by_cookie(page, app, base, world.people["manager"])
    for path in (
        "/reports" + LAST_YEAR_QUERY,
        "/reports" + LAST_YEAR_QUERY + f"&comparator={borough}",
        "/reports/gender" + LAST_YEAR_QUERY + f"&comparator={borough}",
        "/reports/goal_outcome" + LAST_YEAR_QUERY,
        "/reports/postcode_district" + LAST_YEAR_QUERY,
        "/reports/completeness" + LAST_YEAR_QUERY,
        "/reports/comparators",
        f"/reports/comparators/{borough}",
        "/reports/comparators/new",
        "/reports/community" + LAST_YEAR_QUERY,
    ):
        visit(path)
    visit("/reports/self_efficacy_change" + LAST_YEAR_QUERY)
    # Self-efficacy: LY-01 +15, LY-02 -5, LY-10 +30.
    expect(page.get_by_role("main")).to_contain_text("Improved: 2 of 3 clients (66.7%).")
    expect(page.get_by_role("main")).to_contain_text(
        "Not counted: 9 clients registered in the period have no pair of start and end scores."
    )
    visit("/reports/gender?period=custom&from=2025-09-30&to=2025-07-01", status=422)  # dates the wrong way round
    expect(page.locator("#to-error")).to_contain_text("The end date must be on or after the start date.")

    # A new comparison with mistakes: the page that asks for fixes.
    page.goto(base + "/reports/comparators/new")
    page.get_by_label("Figures", exact=True).fill("gender,female,51.2\ngender,female,fifty\nnot_a_table,x,1")
    page.get_by_role("button", name="Check and save").click()
    expect(page.get_by_role("alert").filter(has_text="These lines need fixing")).to_be_visible()
    expect(page.locator("#name-error")).to_be_visible()
    check_page(page, "/reports/comparators/new with mistakes", problems)

    log_in_by_cookie(page, app, base, world.people["trainer"])
    visit("/reports/completeness" + LAST_YEAR_QUERY)
    expect(page.get_by_label("Trainer", exact=True)).to_have_count(0)  # their own caseload only
    expect(page.get_by_role("main")).not_to_contain_text("Other Trainer")

    log_in_by_cookie(page, app, base, world.people["champion"])
    visit("/reports/community" + LAST_YEAR_QUERY)
    visit("/reports/activities_by_type" + LAST_YEAR_QUERY)

    assert not problems, "problems on report pages:\n" + "\n".join(problems)


# --- 6. Printing a table -------------------------------------------------------------------------


def test_a_printed_table_leaves_off_the_menu_filters_and_links(live_server, page, app, world, last_year):
    log_in_by_cookie(page, app, live_server.url, world.people["manager"])
    page.goto(live_server.url + "/reports/gender" + LAST_YEAR_QUERY)
    page.get_by_text("Change the period, trainer or comparison").click()
    form = page.get_by_role("form", name="Choose what the report covers")
    nav = page.get_by_role("navigation", name="Main")
    download = page.get_by_role("link", name=hidden_words("Download CSV", "Gender"))
    for element in (form, nav, download):
        expect(element).to_be_visible()

    page.emulate_media(media="print")
    for element in (form, nav, download, page.get_by_role("link", name="Back to reports")):
        expect(element).to_be_hidden()
    expect(heading(page)).to_have_text("Gender")
    expect(page.locator(".report-scope")).to_have_text("From 1 April 2025 to 31 March 2026, everyone in the service.")
    table = page.get_by_role("table", name="Gender (clients)")
    expect(table).to_be_visible()
    # Last year, the whole service: female 6, male 3, other 1, prefer not to say 1, not recorded 1.
    # England 2010 has no gender figures, so there is no comparison column, only a note.
    assert cells(table.locator("tbody tr, tfoot tr")) == [
        ["Female", "6", "50.0%"],
        ["Male", "3", "25.0%"],
        ["Other", "1", "8.3%"],
        ["Prefer not to say", "1", "8.3%"],
        ["Not recorded", "1", "8.3%"],
        ["Total", "12", "100.0%"],
    ]
