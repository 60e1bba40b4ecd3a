"""The caseload in a real browser.

A trainer takes a walk-in client from the worklist through registration, eligibility,
assessment, the first-session agreement, a goal, a session, a contact, a signpost and the
digest to the exit and its follow-ups, on a tablet and on a small phone, with nothing wider
than the screen. Every caseload page passes axe; registering and recording a session work
with JavaScript off.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from playwright.sync_api import Locator, Page, expect

from models import Client, PostcodeArea
from pwa.caseload import vocab
from pwa.caseload.registration_rules import age_band_on
from pwa.clock import london_today, to_london, utcnow
from tests.browser.conftest import PHONE
from tests.browser.helpers import (
    axe_violations,
    describe_violations,
    load_axe_on_every_page,
    log_in,
    log_in_by_cookie,
)

TABLET = {"viewport": {"width": 820, "height": 1180}, "device_scale_factor": 2, "is_mobile": True, "has_touch": True}
DEVICES = {"tablet": TABLET, "phone": PHONE}

NAME = "Dana Walker"
LOOKALIKE = "Danna Walker"  # already on the caseload, born the same day: a possible duplicate
BORN = date(1985, 4, 12)
POSTCODE = "NE1 4ST"
WARD = "Riverside"
GOAL = "Bed by 11"
CHECK_IN = "Weekly check-in: how did it go?"
SIGNPOST = "Citizens Advice, High Street"
KEEP_GOING = "Walk with Sue on Tuesdays. Phone off at ten."
WHO5_ITEMS = [
    "1. I have felt cheerful and in good spirits",
    "2. I have felt calm and relaxed",
    "3. I have felt active and full of energy",
    "4. I woke up feeling fresh and rested",
    "5. My daily life has been filled with things that interest me",
]
# 3 + 3 + 2 + 4 + 3 = 15 of 25: 60%.
WHO5_START = [
    "More than half of the time",
    "More than half of the time",
    "Less than half of the time",
    "Most of the time",
    "More than half of the time",
]

# The page's width, and elements past the screen's right edge (for the message). Compared with
# the screen's width, not window.innerWidth: a mobile browser zooms out to fit a wide page.
SIDEWAYS = """(width) => ({
    document: document.documentElement.scrollWidth,
    tooWide: [...document.querySelectorAll("body *")]
        .filter((element) => element.getBoundingClientRect().right > width + 0.5)
        .slice(0, 5)
        .map((element) => element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
            + (element.className && typeof element.className === "string" ? "." + element.className : "")),
})"""


# --- Finding things on the page --------------------------------------------------------------


def heading(page: Page) -> Locator:
    return page.get_by_role("heading", level=1)


def flash(page: Page, text: str) -> Locator:
    return page.get_by_role("status").filter(has_text=text)


def group(page: Page, legend: str) -> Locator:
    """A fieldset (radio buttons or tick boxes) by its legend."""
    return page.get_by_role("group", name=legend, exact=True)


def fact(scope: Page | Locator, term: str) -> Locator:
    """The value beside a term in a list of facts (<dt>term</dt><dd>value</dd>)."""
    return scope.locator(f"xpath=.//dt[normalize-space()='{term}']/following-sibling::dd[1]")


def region(page: Page, name: str) -> Locator:
    return page.get_by_role("region", name=name, exact=True)


def status_tag(page: Page) -> Locator:
    return region(page, "Journey").locator(".tag").first


def overflow(page: Page) -> dict | None:
    """None when the page fits the screen's width; otherwise the widths and the widest elements."""
    width = page.viewport_size["width"]
    widths = page.evaluate(SIDEWAYS, width)
    return {"screen": width, **widths} if widths["document"] > width else None


def now_in_london() -> str:
    """This minute as HH:MM, London time: a session that took place today, not later today."""
    return to_london(utcnow()).strftime("%H:%M")


# --- The walk ---------------------------------------------------------------------------------


@dataclass
class Walk:
    """One trainer's browser page, and what to do on each page reached (check axe or widths)."""

    page: Page
    base: str
    seen: Callable[[str], None] = lambda name: None
    client_id: int | None = None
    pages: list[str] = field(default_factory=list)

    def at(self, name: str) -> None:
        expect(heading(self.page)).to_have_count(1)
        self.pages.append(name)
        self.seen(name)

    @property
    def record_path(self) -> str:
        return f"/clients/{self.client_id}"

    def goto(self, path: str) -> None:
        response = self.page.goto(self.base + path)
        assert response.status == 200, f"{path} answered {response.status}"

    def back_to_record(self) -> None:
        self.page.get_by_role("link", name=f"Back to {NAME}", exact=True).click()
        expect(heading(self.page)).to_have_text(NAME)


def open_worklist(walk: Walk) -> None:
    page = walk.page
    walk.goto("/caseload")
    expect(heading(page)).to_have_text("My caseload")
    expect(page.get_by_role("link", name="Casey Client", exact=True)).to_be_visible()
    walk.at("worklist")


def fill_registration(page: Page) -> None:
    """Everything a trainer asks a walk-in client, by each field's label."""
    page.get_by_label("Full name", exact=True).fill(NAME)
    group(page, "Gender").get_by_role("radio", name="Female", exact=True).check()
    page.get_by_label("Date of birth", exact=True).fill(BORN.isoformat())
    page.get_by_label("Ethnic group", exact=True).select_option(label="White British")
    group(page, "Do they have a disability?").get_by_role("radio", name="No", exact=True).check()
    group(page, "Are they registered with a GP?").get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_label("Phone number", exact=True).fill("07700 900123")
    page.get_by_label("Postcode", exact=True).fill("ne1 4st")
    page.get_by_label("How did they hear about us?", exact=True).select_option(label="Word of mouth")
    page.get_by_label("Who sent them to us?", exact=True).select_option(label="GP or primary care")
    group(page, "Communities they belong to").get_by_role("checkbox", name="Carers", exact=True).check()
    page.get_by_label("Work now", exact=True).select_option(label="Unemployed")
    page.get_by_label("They agree to us keeping their details to support them and to count them in reports").check()
    page.get_by_label("We may send them text messages", exact=True).check()
    expect(page.get_by_label("Their health trainer may read their diary", exact=True)).to_be_checked()
    page.get_by_label("Partner organisations we may share their record with", exact=True).fill("Citizens Advice")
    page.get_by_label("Date they signed the consent form", exact=True).fill(london_today().isoformat())
    expect(page.get_by_label("Health trainer", exact=True).locator("option:checked")).to_have_text("Trainer")
    expect(page.get_by_label("Date registered", exact=True)).to_have_value(london_today().isoformat())


def register(walk: Walk, *, lookalike: bool, empty_first: bool = False) -> None:
    """From the worklist: "Register a client", fill the form and save; on the new record."""
    page = walk.page
    page.get_by_role("link", name="Register a client", exact=True).click()
    expect(heading(page)).to_have_text("Register a client")
    walk.at("register form")
    if empty_first:
        page.get_by_role("button", name="Register", exact=True).click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("Type their full name.")
        expect(summary).to_contain_text("They must agree to us keeping their details.")
        expect(page.get_by_label("Full name", exact=True)).to_have_attribute("aria-invalid", "true")
        walk.at("register form with errors")
    fill_registration(page)
    page.get_by_role("button", name="Register", exact=True).click()
    if lookalike:
        expect(page.get_by_role("heading", name="Is this person already registered?")).to_be_visible()
        expect(page.get_by_role("alert")).to_contain_text("Someone like this is already registered.")
        expect(page.get_by_role("link", name=LOOKALIKE, exact=True)).to_be_visible()
        expect(page.get_by_text("born 12 April 1985")).to_be_visible()
        # Nothing typed is lost.
        expect(page.get_by_label("Full name", exact=True)).to_have_value(NAME)
        expect(page.get_by_label("Postcode", exact=True)).to_have_value("ne1 4st")
        walk.at("register form with the duplicate warning")
        page.get_by_label("This is a different person", exact=True).check()
        page.get_by_role("button", name="Register", exact=True).click()

    expect(flash(page, f"{NAME} is registered.")).to_be_visible()
    expect(heading(page)).to_have_text(NAME)
    page.wait_for_url(f"{walk.base}/clients/*")
    walk.client_id = int(page.url.rsplit("/", 1)[1])
    expect(status_tag(page)).to_have_text("Registered")
    details = region(page, "Details")
    expect(fact(details, "Gender")).to_have_text("Female")
    band = vocab.AGE_BANDS[age_band_on(BORN, london_today())]
    expect(fact(details, "Age")).to_have_text(f"{band} (born 12 April 1985)")
    expect(fact(details, "Postcode")).to_have_text(f"{POSTCODE}, {WARD}")
    expect(fact(details, "Deprivation fifth")).to_have_text("2")
    expect(fact(details, "Sent to us by")).to_have_text("GP or primary care")
    expect(fact(details, "Communities")).to_have_text("Carers")
    expect(fact(details, "Work now")).to_have_text("Unemployed")
    expect(fact(details, "Keeping their details")).to_have_text("Agreed")
    expect(fact(details, "We may contact them by")).to_have_text("text")
    expect(fact(details, "Partners we may share with")).to_have_text("Citizens Advice")
    expect(region(page, "Signposting and referral").locator("#signposting-status")).to_have_text("Not done yet")
    walk.at("record: registered")


def check_eligibility(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name="Check eligibility", exact=True).click()
    expect(heading(page)).to_have_text(f"Is {NAME} eligible?")
    walk.at("eligibility")
    group(page, "Can the service help them?").get_by_role("radio", name="Yes, eligible", exact=True).check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(flash(page, "Eligible. Next, the first assessment.")).to_be_visible()
    expect(heading(page)).to_have_text("First assessment")


def answer_who5(page: Page, answers: list[str]) -> None:
    for item, answer in zip(WHO5_ITEMS, answers, strict=True):
        group(page, item).get_by_role("radio", name=answer, exact=True).check()


def assess(walk: Walk, *, with_errors: bool = False) -> None:
    """On the assessment form (after eligibility): the answers and the baseline measures."""
    page = walk.page
    walk.at("assessment")
    if with_errors:
        page.get_by_label("Height in cm", exact=True).fill("17")
        group(page, WHO5_ITEMS[0]).get_by_role("radio", name="At no time", exact=True).check()
        page.get_by_role("button", name="Save the assessment").click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("Choose the one thing they most want to change.")
        expect(summary).to_contain_text("Height: type a number from 100 to 250 cm.")
        expect(summary).to_contain_text("Answer all five wellbeing questions, or leave all five empty.")
        expect(page.get_by_label("Height in cm", exact=True)).to_have_attribute("aria-invalid", "true")
        walk.at("assessment with errors")
    expect(page.get_by_label("Date of the assessment", exact=True)).to_have_value(london_today().isoformat())
    group(page, "What do they most want to change?").get_by_role("radio", name="Being active", exact=True).check()
    needs = group(page, "What else is going on for them? (choose any)")
    needs.get_by_role("checkbox", name="Money or debt", exact=True).check()
    needs.get_by_role("checkbox", name="Loneliness", exact=True).check()
    group(page, "How ready do they feel to change?").get_by_role(
        "radio", name="Getting ready to change", exact=True
    ).check()
    page.get_by_label("Height in cm", exact=True).fill("170")
    page.get_by_label("Weight in kg", exact=True).fill("85")
    group(page, "How did you get the height and weight?").get_by_role("radio", name="Measured", exact=True).check()
    answer_who5(page, WHO5_START)
    page.get_by_role("button", name="Save the assessment").click()

    expect(flash(page, "Assessment saved. BMI 29.4 (25 to under 30). Wellbeing (WHO-5) 60%.")).to_be_visible()
    expect(heading(page)).to_have_text(NAME)
    expect(status_tag(page)).to_have_text("Assessed, plan to agree")
    journey = region(page, "Journey")
    expect(fact(journey, "Eligible")).to_contain_text("Yes")
    expect(fact(journey, "Most wants to change")).to_have_text("Being active")
    expect(fact(journey, "Other needs")).to_have_text("Money or debt, Loneliness")
    expect(fact(journey, "Ready to change")).to_have_text("Getting ready to change")
    expect(fact(journey, "BMI at the start")).to_have_text("29.4: 25 to under 30 (measured)")
    expect(fact(journey, "Wellbeing (WHO-5) at the start")).to_have_text("60%")
    walk.at("record: assessed")


def agree_and_add_goal(walk: Walk) -> None:
    """The first session: agree the plan, then the first goal on the existing plan pages."""
    page = walk.page
    page.get_by_role("link", name="Agree the plan at the first session", exact=True).click()
    expect(heading(page)).to_have_text("Agree the plan")
    walk.at("agreement")
    expect(page.get_by_label("How many sessions?", exact=True)).to_have_value("6")
    page.get_by_label("By text message", exact=True).check()
    group(page, "May your health trainer see your diary?").get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("button", name="Save, then add goals").click()
    expect(flash(page, "Plan agreed. Now add the first goal together.")).to_be_visible()
    expect(heading(page)).to_have_text("Add a goal")

    page.get_by_label("What is the goal about?").select_option("wellbeing-improve-sleep")
    page.get_by_label("The goal in the client's words").fill(GOAL)
    group(page, "Measure").get_by_role("radio", name=CHECK_IN, exact=True).check()
    page.get_by_role("textbox", name="Review date").fill((london_today() + timedelta(weeks=6)).isoformat())
    page.get_by_role("button", name="Add this goal").click()
    expect(flash(page, f"Goal added: {GOAL}")).to_be_visible()
    expect(heading(page)).to_have_text(f"{NAME}: health plan")
    expect(page.get_by_role("heading", level=2, name=GOAL, exact=True)).to_be_visible()

    walk.back_to_record()
    expect(status_tag(page)).to_have_text("In plan")
    expect(fact(region(page, "Journey"), "Plan agreed")).to_contain_text("6 sessions planned")
    expect(page.get_by_role("link", name="Review the goals at the next session")).to_be_visible()
    expect(region(page, "Sessions")).to_contain_text("0 of 6 agreed sessions done")


def record_session(walk: Walk) -> None:
    """From the record: "Record a session now" for a session that has just taken place."""
    page = walk.page
    page.get_by_role("link", name="Record a session now", exact=True).click()
    expect(heading(page)).to_have_text("Record a session")
    expect(page.get_by_text("If it took place, this is session 1 of 6.")).to_be_visible()
    walk.at("record session")
    expect(group(page, "What happened?").get_by_role("radio", name="Took place", exact=True)).to_be_checked()
    expect(page.get_by_label("Day", exact=True)).to_have_value(london_today().isoformat())
    page.get_by_label("Time it starts", exact=True).fill(now_in_london())
    expect(group(page, "How you meet").get_by_role("radio", name="Face to face", exact=True)).to_be_checked()
    page.get_by_label("Where", exact=True).fill("Library, Station Road")
    page.get_by_label("How many minutes did it last?", exact=True).fill("45")
    group(page, "Goals you looked at together").get_by_role("checkbox", name=GOAL, exact=True).check()
    page.get_by_label("Notes", exact=True).fill("Talked about sleep and screens.\nShe wants to walk more too.")
    page.get_by_label("What you agreed to do next", exact=True).fill("Phone off at ten.")
    page.get_by_role("button", name="Save the session").click()

    expect(flash(page, "Session recorded.")).to_be_visible()
    expect(heading(page)).to_have_text(NAME)
    sessions = region(page, "Sessions")
    expect(sessions).to_contain_text("1 of 6 agreed sessions done")
    session = sessions.get_by_role("listitem").filter(has_text="Session 1")
    expect(session).to_contain_text("45 minutes")
    expect(session).to_contain_text("Talked about sleep and screens.")
    expect(session).to_contain_text(f"Goals looked at: {GOAL}")


def record_contact(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name="Record a contact", exact=True).click()
    expect(heading(page)).to_have_text("Record a contact")
    walk.at("contact")
    group(page, "What kind of contact?").get_by_role("radio", name="Phone call", exact=True).check()
    page.get_by_label("What came of it?", exact=True).fill("Booked her onto the Tuesday walk")
    page.get_by_role("button", name="Save the contact").click()
    expect(flash(page, "Contact recorded.")).to_be_visible()
    contact = region(page, "Sessions").get_by_role("listitem").filter(has_text="Phone call")
    expect(contact).to_contain_text("by Trainer")
    expect(contact).to_contain_text("Booked her onto the Tuesday walk")


def add_signpost(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name="Signpost or refer", exact=True).click()
    expect(heading(page)).to_have_text("Signpost or refer")
    walk.at("signpost new")
    page.get_by_label("What kind of place or service?", exact=True).select_option(label="Advice and guidance")
    page.get_by_label("Name of the group or service", exact=True).fill(SIGNPOST)
    group(page, "What did you do?").get_by_role("radio", name="Referred", exact=True).check()
    expect(page.get_by_label("Day you made it", exact=True)).to_have_value(london_today().isoformat())
    check_on = london_today() + timedelta(days=14)
    page.get_by_label("Day to check if they went (optional)", exact=True).fill(check_on.isoformat())
    page.get_by_role("button", name="Save", exact=True).click()

    expect(flash(page, "Signpost saved.")).to_be_visible()
    signposts = region(page, "Signposting and referral")
    expect(signposts.locator("#signposting-status")).to_have_text("Done")
    item = signposts.get_by_role("listitem").filter(has_text=SIGNPOST)
    expect(item).to_contain_text(f"Referred on {london_today():%-d %B %Y}")
    expect(item).to_contain_text(f"Follow up on {check_on:%-d %B %Y}")


def open_digest(walk: Walk) -> None:
    """Before the next session: the digest and its print view."""
    page = walk.page
    page.get_by_role("link", name="Before the session: digest", exact=True).click()
    expect(heading(page)).to_have_text(f"Before the session: {NAME}")
    last = region(page, "Last session")
    expect(fact(last, "When")).to_contain_text("45 minutes, face to face")
    expect(fact(last, "Notes")).to_contain_text("Talked about sleep and screens.")
    expect(fact(last, "Notes")).to_contain_text("She wants to walk more too.")
    expect(fact(last, "Agreed actions")).to_have_text("Phone off at ten.")
    expect(fact(last, "Goals looked at")).to_have_text(GOAL)
    expect(region(page, "Goals").get_by_role("heading", name=GOAL, exact=True)).to_be_visible()
    expect(region(page, "Signposts to follow up")).to_contain_text(SIGNPOST)
    expect(region(page, "They want to talk about")).to_contain_text("Nothing marked in these days.")
    walk.at("digest")

    page.get_by_role("link", name="Print view", exact=True).click()
    page.wait_for_url(f"{walk.base}{walk.record_path}/digest/print")
    expect(heading(page)).to_have_text(f"Before the session: {NAME}")
    expect(page.get_by_text("To print, use your browser's Print.")).to_be_visible()
    expect(fact(region(page, "Last session"), "Agreed actions")).to_have_text("Phone off at ten.")
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    walk.at("digest print")
    page.get_by_role("link", name="Back to the digest", exact=True).click()
    expect(heading(page)).to_have_text(f"Before the session: {NAME}")
    walk.back_to_record()


def exit_client(walk: Walk, *, with_errors: bool = False) -> None:
    """Finish: an outcome for the goal, a reason, end measures and a plan to keep going."""
    page = walk.page
    page.get_by_role("link", name="Finish (exit)", exact=True).click()
    expect(heading(page)).to_have_text(f"Finish with {NAME}")
    walk.at("exit")
    if with_errors:
        page.get_by_role("button", name="Finish and save").click()
        summary = page.get_by_role("alert")
        expect(summary).to_contain_text("Choose why they are finishing.")
        expect(summary).to_contain_text(f"Choose an outcome for '{GOAL}'. 'None yet' is a fine answer.")
        expect(summary).to_contain_text("Write the plan to keep going in plain words")
        walk.at("exit with errors")
    page.get_by_label("Why are they finishing?", exact=True).select_option(label="Finished their plan")
    outcome = group(page, GOAL)
    expect(outcome.get_by_role("radio", name="None yet", exact=True)).to_be_visible()
    outcome.get_by_role("radio", name="Achieved", exact=True).check()
    page.get_by_label("Weight in kg", exact=True).fill("82")
    group(page, "How did you get the height and weight?").get_by_role("radio", name="Measured", exact=True).check()
    answer_who5(page, ["Most of the time"] * 5)
    page.get_by_label("Plan to keep going", exact=True).fill(KEEP_GOING)
    page.get_by_role("button", name="Finish and save").click()

    expect(flash(page, "Finished. Follow-ups are due on")).to_be_visible()
    expect(heading(page)).to_have_text(NAME)
    expect(status_tag(page)).to_have_text("Finished")
    journey = region(page, "Journey")
    expect(fact(journey, "Finished")).to_contain_text("Finished their plan")
    expect(fact(journey, "Plan to keep going")).to_have_text(KEEP_GOING)
    # The measures at the start and the end, side by side.
    measures = page.get_by_role("table", name="Measures")
    expect(measures.get_by_role("row").filter(has_text="BMI")).to_contain_text("-1")
    expect(measures.get_by_role("row").filter(has_text="Wellbeing (WHO-5)")).to_contain_text("+20")
    # The follow-ups, about 3 and 6 months on.
    expect(journey.get_by_role("heading", name="Follow-ups", exact=True)).to_be_visible()
    expect(journey.get_by_role("listitem").filter(has_text="3 months: due")).to_have_count(1)
    expect(journey.get_by_role("listitem").filter(has_text="6 months: due")).to_have_count(1)
    expect(page.get_by_text("Wait for the 3 months follow-up")).to_be_visible()
    walk.at("record: exited")


def walk_in_to_exit(walk: Walk, *, lookalike: bool) -> None:
    """The whole walk-in flow, from the worklist to the follow-ups after the exit."""
    open_worklist(walk)
    register(walk, lookalike=lookalike)
    check_eligibility(walk)
    assess(walk)
    agree_and_add_goal(walk)
    walk.at("record: in plan")
    record_session(walk)
    record_contact(walk)
    add_signpost(walk)
    walk.at("record: in plan with a session")
    open_digest(walk)
    exit_client(walk)


def record_session_without_goals(walk: Walk) -> None:
    page = walk.page
    page.get_by_role("link", name="Record a session now", exact=True).click()
    expect(heading(page)).to_have_text("Record a session")
    expect(page.get_by_text("No goals in the plan yet.")).to_be_visible()
    page.get_by_label("Time it starts", exact=True).fill(now_in_london())
    group(page, "How you meet").get_by_role("radio", name="Phone", exact=True).check()
    page.get_by_label("How many minutes did it last?", exact=True).fill("30")
    page.get_by_label("Notes", exact=True).fill("First chat on the phone.")
    page.get_by_role("button", name="Save the session").click()
    expect(flash(page, "Session recorded.")).to_be_visible()
    expect(heading(page)).to_have_text(NAME)
    session = region(page, "Sessions").get_by_role("listitem").filter(has_text="30 minutes")
    expect(session).to_contain_text("Phone")
    expect(session).to_contain_text("First chat on the phone.")


# --- Fixtures -------------------------------------------------------------------------------


@pytest.fixture
def lookup(world, db_session):
    """The client's postcode in the service's postcode lookup: ward and deprivation decile 3 (fifth 2)."""
    db_session.add(PostcodeArea(postcode=POSTCODE, ward_code="E05000001", ward_name=WARD, imd_decile=3))
    db_session.commit()
    return world


@pytest.fixture
def lookalike(world, db_session) -> Client:
    """Someone with a similar name and the same date of birth, already on the trainer's caseload."""
    client = Client(
        service_id=world.north.id,
        trainer_id=world.people["trainer"].id,
        full_name=LOOKALIKE,
        date_of_birth=BORN,
        registered_on=london_today() - timedelta(days=400),
    )
    db_session.add(client)
    db_session.commit()
    return client


@pytest.fixture
def new_page(browser):
    """Pages in fresh browser contexts: new_page(device, axe=False)."""
    contexts = []

    def make(device: str, *, axe: bool = False) -> Page:
        # axe-core is injected into each page, so the site's Content-Security-Policy is bypassed.
        context = browser.new_context(bypass_csp=axe, **DEVICES[device])
        if axe:
            load_axe_on_every_page(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


# --- Tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("device", ["tablet", "phone"])
def test_trainer_takes_a_walk_in_client_from_registration_to_exit(
    app, live_server, new_page, world, lookup, request, device
):
    """Every page of the flow, on a tablet and on a 360 px phone, without sideways scrolling."""
    # The duplicate warning once, on the tablet; the phone registers a name nobody else has.
    lookalike = device == "tablet"
    if lookalike:
        request.getfixturevalue("lookalike")
    page = new_page(device)
    log_in_by_cookie(page, app, live_server.url, world.people["trainer"])
    too_wide = {}

    def fits(name: str) -> None:
        if problem := overflow(page):
            too_wide[name] = problem

    walk = Walk(page, live_server.url, seen=fits)
    walk_in_to_exit(walk, lookalike=lookalike)
    assert page.viewport_size["width"] == DEVICES[device]["viewport"]["width"]
    for name in ["worklist", "register form", "record: exited", "assessment", "digest"]:
        assert name in walk.pages
    assert not too_wide, f"pages scroll sideways on the {device}: {too_wide}"

    # The new client is on the worklist, in plan no more.
    page.get_by_role("navigation", name="Main").get_by_role("link", name="My caseload").click()
    expect(heading(page)).to_have_text("My caseload")
    page.get_by_role("navigation", name="Which clients").get_by_role("link", name="Finished").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Finished: 1 client")
    expect(page.get_by_role("link", name=NAME, exact=True)).to_be_visible()


def test_caseload_pages_have_no_axe_violations(app, live_server, new_page, world, lookup, lookalike):
    """axe (WCAG 2.2 A and AA) on every caseload page, at each stage of the journey, with errors."""
    page, base = new_page("phone", axe=True), live_server.url
    problems = []

    def check(name: str) -> None:
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name}:\n{describe_violations(violations)}")

    walk = Walk(page, base, seen=check)
    log_in_by_cookie(page, app, base, world.people["trainer"])
    open_worklist(walk)
    page.get_by_role("navigation", name="Which clients").get_by_role("link", name="Consent not signed").click()
    expect(page.get_by_role("heading", level=2)).to_contain_text("Consent not signed")
    expect(page.get_by_role("link", name="Casey Client", exact=True)).to_be_visible()
    walk.at("worklist, consent not signed")

    register(walk, lookalike=True, empty_first=True)
    check_eligibility(walk)
    assess(walk, with_errors=True)
    agree_and_add_goal(walk)
    walk.at("record: in plan")
    record_session(walk)
    record_contact(walk)
    add_signpost(walk)
    walk.at("record: in plan with a session, a contact and a signpost")

    page.get_by_role("link", name="Did they go?").click()
    expect(heading(page)).to_have_text("Did they go?")
    expect(page.get_by_label("Which signpost?", exact=True)).not_to_have_value("")
    walk.at("signpost result")
    for path, title in [
        ("/sessions/plan", "Plan a session"),
        ("/measures", f"Add measures for {NAME}"),
        ("/pause", f"Pause support for {NAME}"),
        ("/details", "Change details"),
        ("/consent", "Consent"),
    ]:
        walk.goto(walk.record_path + path)
        expect(heading(page)).to_have_text(title)
        walk.at(title)
    walk.goto(walk.record_path)
    open_digest(walk)
    exit_client(walk, with_errors=True)

    # "Record it" with the stage in visually hidden words after it.
    page.get_by_role("link", name=re.compile(r"^Record it\s*: 3 months follow-up$")).click()
    expect(heading(page)).to_have_text(f"3 months follow-up with {NAME}")
    walk.at("follow-up")

    # The manager's pages: the whole service's worklist, the audit log and reassigning.
    page.context.clear_cookies()
    log_in_by_cookie(page, app, base, world.people["manager"])
    walk.goto("/caseload")
    expect(page.get_by_label("Whose clients", exact=True)).to_be_visible()
    expect(page.get_by_role("checkbox", name="Tick Casey Client")).to_be_visible()
    walk.at("worklist (manager)")
    walk.goto(walk.record_path)
    expect(heading(page)).to_have_text(NAME)
    walk.at("record: exited (manager)")
    page.get_by_role("link", name="Who opened or changed this record").click()
    expect(heading(page)).to_have_text(f"{NAME}: who opened or changed the record")
    expect(page.get_by_role("cell", name="Registered the client")).to_be_visible()
    walk.at("audit log")
    walk.back_to_record()
    page.get_by_role("link", name="Give to another trainer").click()
    expect(heading(page)).to_have_text(f"Give {NAME} to another trainer")
    walk.at("reassign")

    assert len(walk.pages) >= 30, walk.pages
    assert not problems, "axe found problems:\n" + "\n".join(problems)


def test_register_and_record_a_session_without_javascript(live_server, no_js_page, world, lookup):
    page, base = no_js_page, live_server.url
    log_in(page, base, "trainer")
    walk = Walk(page, base)
    open_worklist(walk)
    register(walk, lookalike=False)
    record_session_without_goals(walk)
