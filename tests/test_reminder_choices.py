"""The client's reminder choices page: defaults, saving, the one switch, every validation
message next to its field, nothing half-saved, the "This phone" section, and login-then-return."""

import re
from datetime import time

import pytest
from sqlmodel import select

from models import ReminderChoice
from pwa.reminders import vapid
from pwa.reminders.choice_forms import DAY_PROBLEM, IN_QUIET_HOURS, SAME_TIMES, TIME_PROBLEM, in_quiet_hours
from tests.conftest import act_as, csrf_token, post_form
from tests.world import PASSWORD

# What a browser sends for the page as first shown (the model's defaults), ticked boxes as "y".
DEFAULT_POST = {
    "enabled": "y",
    "diary_daily": "y",
    "diary_time": "19:00",
    "session_day_before": "y",
    "session_hour_before": "y",
    "goal_weekday": "6",
    "goal_time": "18:00",
    "trainer_messages": "y",
    "quiet_hours": "y",
    "quiet_start": "21:00",
    "quiet_end": "08:00",
}


@pytest.fixture
def as_client(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    return client


def choices_post(**changes) -> dict:
    """The default form with some fields changed; None leaves a field out (an unticked box)."""
    data = dict(DEFAULT_POST)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


def save(client, **changes):
    return post_form(client, "/reminders", choices_post(**changes), token_from="/reminders")


def stored_choice(db_session, world) -> ReminderChoice | None:
    db_session.expire_all()
    query = select(ReminderChoice).where(ReminderChoice.client_id == world.clients["own"].id)
    return db_session.exec(query).first()


def field_error(page: str, name: str) -> str | None:
    """The error message printed next to a field, or None."""
    match = re.search(
        rf'<p class="field__error" id="{name}-error"><span class="visually-hidden">Error:</span> ([^<]+)</p>', page
    )
    return match.group(1) if match else None


# --- Quiet hours ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "moment, start, end, quiet",
    [
        (time(22, 0), time(21, 0), time(8, 0), True),  # across midnight
        (time(3, 0), time(21, 0), time(8, 0), True),
        (time(21, 0), time(21, 0), time(8, 0), True),  # the start is quiet
        (time(8, 0), time(21, 0), time(8, 0), False),  # the end is not: sent as they end
        (time(19, 0), time(21, 0), time(8, 0), False),
        (time(13, 30), time(13, 0), time(14, 0), True),  # within one day
        (time(14, 0), time(13, 0), time(14, 0), False),
        (time(12, 59), time(13, 0), time(14, 0), False),
    ],
)
def test_in_quiet_hours(moment, start, end, quiet):
    assert in_quiet_hours(moment, start, end) is quiet


# --- The page ------------------------------------------------------------------------------


def test_page_shows_the_defaults_and_saves_nothing_until_asked(as_client, db_session, world):
    response = as_client.get("/reminders")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Reminders</h1>" in page
    assert re.search(r'<input checked id="enabled" name="enabled" type="checkbox" value="y">', page)
    assert re.search(r'id="diary_time" name="diary_time" type="time" value="19:00"', page)
    assert '<option selected value="6">Sunday</option>' in page
    assert 'id="quiet_start" name="quiet_start" type="time" value="21:00"' in page
    assert 'id="quiet_end" name="quiet_end" type="time" value="08:00"' in page
    assert re.search(r'<input id="goal_weekly" name="goal_weekly" type="checkbox" value="y">', page)  # off by default
    assert "never shows anything about your health" in page
    assert "Time to fill in your diary" in page and "You have a new message" in page
    assert stored_choice(db_session, world) is None


def test_first_save_makes_the_row_and_says_saved(as_client, db_session, world):
    response = save(
        as_client,
        diary_time="18:30",
        goal_weekly="y",
        goal_weekday="0",
        goal_time="09:15",
        session_hour_before=None,
        quiet_start="22:00",
        quiet_end="07:00",
    )
    assert response.status_code == 302 and response.headers["Location"] == "/reminders"
    choice = stored_choice(db_session, world)
    assert choice.service_id == world.clients["own"].service_id
    assert (choice.enabled, choice.diary_daily, choice.diary_time) == (True, True, time(18, 30))
    assert (choice.session_day_before, choice.session_hour_before) == (True, False)
    assert (choice.goal_weekly, choice.goal_weekday, choice.goal_time) == (True, 0, time(9, 15))
    assert (choice.quiet_hours, choice.quiet_start, choice.quiet_end) == (True, time(22, 0), time(7, 0))
    page = as_client.get("/reminders").get_data(as_text=True)
    assert "Saved. Your reminder choices are changed." in page
    assert 'value="18:30"' in page and '<option selected value="0">Monday</option>' in page


def test_saving_again_changes_the_same_row(as_client, db_session, world):
    save(as_client)
    first = stored_choice(db_session, world)
    save(as_client, diary_time="20:00", trainer_messages=None)
    db_session.expire_all()
    rows = db_session.exec(select(ReminderChoice).where(ReminderChoice.client_id == world.clients["own"].id)).all()
    assert [row.id for row in rows] == [first.id]
    assert (rows[0].diary_time, rows[0].trainer_messages) == (time(20, 0), False)


def test_the_one_switch_turns_everything_off_and_keeps_the_rest(as_client, db_session, world):
    response = save(as_client, enabled=None, diary_time="17:45")
    assert response.status_code == 302
    choice = stored_choice(db_session, world)
    assert choice.enabled is False
    assert (choice.diary_daily, choice.diary_time, choice.trainer_messages) == (True, time(17, 45), True)
    page = as_client.get("/reminders").get_data(as_text=True)
    assert "Saved. Reminders are off: nothing will be sent to your phones." in page
    assert "You have turned off all reminders below" in page


def test_without_javascript_unticked_boxes_mean_off(as_client, db_session, world):
    """A plain form post: browsers leave unticked boxes out entirely."""
    names = ["diary_daily", "session_day_before", "session_hour_before", "goal_weekly", "trainer_messages"]
    response = save(as_client, **{name: None for name in [*names, "quiet_hours"]}, diary_time="23:30")
    assert response.status_code == 302
    choice = stored_choice(db_session, world)
    assert choice.enabled is True
    assert [getattr(choice, name) for name in [*names, "quiet_hours"]] == [False] * 6
    assert choice.diary_time == time(23, 30)  # quiet hours are off, so a late time is fine


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"diary_time": "7pm"}, "diary_time", TIME_PROBLEM),
        ({"diary_time": ""}, "diary_time", TIME_PROBLEM),
        ({"diary_time": "25:00"}, "diary_time", TIME_PROBLEM),
        ({"goal_time": "18.00"}, "goal_time", TIME_PROBLEM),
        ({"quiet_start": "nine"}, "quiet_start", TIME_PROBLEM),
        ({"goal_weekday": "7"}, "goal_weekday", DAY_PROBLEM),
        ({"goal_weekday": "-1"}, "goal_weekday", DAY_PROBLEM),
        ({"goal_weekday": "Sunday"}, "goal_weekday", DAY_PROBLEM),
        ({"quiet_start": "22:00", "quiet_end": "22:00"}, "quiet_end", SAME_TIMES),
        ({"diary_time": "22:30"}, "diary_time", IN_QUIET_HOURS),
        ({"diary_time": "06:00"}, "diary_time", IN_QUIET_HOURS),
        ({"diary_time": "21:00"}, "diary_time", IN_QUIET_HOURS),
        ({"goal_weekly": "y", "goal_time": "23:00"}, "goal_time", IN_QUIET_HOURS),
        ({"quiet_start": "12:00", "quiet_end": "14:00", "diary_time": "13:00"}, "diary_time", IN_QUIET_HOURS),
    ],
    ids=lambda value: "-".join(f"{k}={v}" for k, v in value.items()) if isinstance(value, dict) else None,
)
def test_each_problem_is_shown_next_to_its_field_and_nothing_is_saved(
    as_client, db_session, world, changes, field, message
):
    save(as_client)  # a row to keep unchanged
    before = stored_choice(db_session, world).model_dump()
    response = save(as_client, trainer_messages=None, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert field_error(page, field) == message
    assert 'aria-invalid="true"' in page and "Please fix this" in page
    assert stored_choice(db_session, world).model_dump() == before  # not even the untouched box


@pytest.mark.parametrize(
    "changes",
    [
        {"diary_time": "08:00"},  # quiet hours have just ended
        {"diary_time": "20:59"},
        {"goal_weekly": None, "goal_time": "23:00"},  # no goal reminder, so its time does not matter
        {"diary_daily": None, "diary_time": "23:00"},
        {"quiet_hours": None, "diary_time": "03:00", "quiet_start": "05:00", "quiet_end": "05:00"},
        {"diary_time": "19:00:00"},  # some browsers send seconds
    ],
    ids=["at-quiet-end", "just-before-quiet", "goal-off", "diary-off", "quiet-off", "with-seconds"],
)
def test_times_that_can_be_sent_are_accepted(as_client, db_session, world, changes):
    assert save(as_client, **changes).status_code == 302
    assert stored_choice(db_session, world) is not None


def test_an_error_on_the_first_save_makes_no_row(as_client, db_session, world):
    response = save(as_client, diary_time="23:00")
    assert response.status_code == 422
    assert stored_choice(db_session, world) is None
    # What they typed stays in the form so they only fix the one thing.
    assert 'id="diary_time" name="diary_time" type="time" value="23:00"' in response.get_data(as_text=True)


def test_staff_cannot_use_the_page(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert client.get("/reminders").status_code == 403


# --- "This phone" and "My phones" ---------------------------------------------------------


def test_without_a_vapid_key_the_page_says_phones_are_not_set_up(as_client):
    page = as_client.get("/reminders").get_data(as_text=True)
    assert "Reminders to phones are not set up by the service yet." in page
    assert "Turn on reminders</button>" not in page and "data-push-key" not in page
    assert 'href="/messages"' in page


def test_with_a_vapid_key_the_page_has_the_button_for_javascript(app, as_client):
    keys = vapid.generate_keys(app)
    page = as_client.get("/reminders").get_data(as_text=True)
    assert f'data-push-key="{keys.public_key}"' in page
    assert 'data-add-url="/reminders/devices"' in page and 'data-forget-url="/reminders/devices/forget"' in page
    # Hidden until reminders.js has checked the browser can do it; the no-JS sentence shows instead.
    assert '<button type="button" class="button" data-push-action="on" hidden>Turn on reminders</button>' in page
    assert "JavaScript must be turned on" in page
    assert 'Tap "Add to Home Screen"' in page and "iOS 16.4 or later" in page
    assert re.search(r'<script src="/static/js/reminders\.js\?v=[0-9a-f]+" defer></script>', page)


def test_my_phones_lists_only_my_devices_without_their_secret_endpoints(as_client, world):
    page = as_client.get("/reminders").get_data(as_text=True)
    mine = world.devices["client"]
    assert "<strong>Android phone</strong>" in page
    assert f'action="/reminders/devices/{mine.id}/remove"' in page
    assert f'action="/reminders/devices/{world.devices["south-client"].id}/remove"' not in page
    assert mine.endpoint not in page  # only a fingerprint, for marking "This phone"
    assert "No reminders yet." in page


def test_client_home_and_account_link_to_reminders(as_client, client, world):
    assert 'href="/reminders">Reminders on my phone</a>' in as_client.get("/today").get_data(as_text=True)
    assert 'href="/reminders">Reminders on my phone</a>' in as_client.get("/account/").get_data(as_text=True)
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert 'href="/reminders"' not in client.get("/account/").get_data(as_text=True)


# --- Tapping a notification when logged out ------------------------------------------------


@pytest.mark.parametrize("path", ["/messages", "/today", "/reminders"])
def test_tapping_a_reminder_when_logged_out_returns_there_after_login(client, world, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path}"
    data = {"csrf_token": csrf_token(client), "login": "client", "password": PASSWORD}
    after = client.post(response.headers["Location"], data=data)
    assert after.status_code == 302 and after.headers["Location"] == path
    assert client.get(path).status_code == 200


def test_login_never_returns_to_another_site(client, world):
    data = {"csrf_token": csrf_token(client), "login": "client", "password": PASSWORD}
    assert client.post("/login?next=https://evil.example/messages", data=data).headers["Location"] == "/"
