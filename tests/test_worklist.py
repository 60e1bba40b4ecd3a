"""The caseload worklist: who each filter picks, counts, search, who sees what; the follow-up mark;
giving clients to another trainer; and a client's audit log."""

import re
from datetime import UTC, date, datetime, time, timedelta
from html import unescape

import pytest
from sqlmodel import select

from models import AuditEvent, Client, DiaryEntry, Episode, FollowUp, Goal, GoalWeek, Plan, Signpost, SupportSession
from pwa.caseload.worklist_progress import day_totals_bulk
from pwa.caseload.worklist_queries import load_worklist
from pwa.clock import LONDON, london_today
from pwa.diary.totals import day_totals, week_start
from tests.conftest import act_as, post_form
from tests.world import add_person, diary_entry

TODAY = london_today()
THIS_MONDAY = week_start(TODAY)


# --- Building cases ------------------------------------------------------------------------------


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """A London wall-clock time on a day, as stored (aware UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def add_client(db, world, name: str, *, trainer: str | None = "trainer", **fields) -> Client:
    values = {"consent_signed_on": TODAY - timedelta(days=30), **fields}
    client = Client(
        service_id=world.north.id,
        trainer_id=world.people[trainer].id if trainer else None,
        full_name=name,
        **values,
    )
    db.add(client)
    db.commit()
    return client


def add_episode(db, client: Client, *, started_on: date | None = None, **fields) -> Episode:
    episode = Episode(
        service_id=client.service_id,
        client_id=client.id,
        started_on=started_on or TODAY - timedelta(days=60),
        **fields,
    )
    db.add(episode)
    db.commit()
    return episode


def in_plan(db, client: Client, **fields) -> Episode:
    """An open episode with the plan agreed 40 days ago."""
    values = {"eligible": True, "assessed_on": TODAY - timedelta(days=45), "agreed_on": TODAY - timedelta(days=40)}
    return add_episode(db, client, **{**values, **fields})


def add_session(db, client: Client, episode: Episode, when: datetime, status: str = "planned") -> SupportSession:
    row = SupportSession(
        service_id=client.service_id,
        client_id=client.id,
        episode_id=episode.id,
        trainer_id=client.trainer_id,
        starts_at=when,
        status=status,
    )
    db.add(row)
    db.commit()
    return row


def add_goal(db, client: Client, episode: Episode, **fields) -> Goal:
    plan = db.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
    if plan is None:
        plan = Plan(
            service_id=client.service_id, client_id=client.id, episode_id=episode.id, agreed_on=episode.started_on
        )
        db.add(plan)
        db.flush()
    values = {
        "code": "wellbeing-improve-sleep",
        "wording": "Sleep by 11",
        "target_kind": "check_in",
        "start_date": TODAY - timedelta(days=40),
        "review_date": TODAY + timedelta(days=30),
        **fields,
    }
    goal = Goal(service_id=client.service_id, client_id=client.id, plan_id=plan.id, **values)
    db.add(goal)
    db.commit()
    return goal


def week_mark(db, goal: Goal, weeks_back: int, **fields) -> None:
    db.add(GoalWeek(goal_id=goal.id, monday=THIS_MONDAY - timedelta(weeks=weeks_back), **fields))
    db.commit()


def log(db, client: Client, day: date, kind: str = "mood", **values) -> DiaryEntry:
    entry = diary_entry(client, kind, moment=at(day, 12), **values)
    db.add(entry)
    db.commit()
    return entry


def flags_for(db, world, who: str = "trainer") -> dict[str, set[str]]:
    """Flags of every client on someone's caseload, by name."""
    query = select(Client).where(Client.service_id == world.north.id, Client.trainer_id == world.people[who].id)
    return {row.full_name: row.flags for row in load_worklist(db, query, TODAY)}


def picked(db, world, flag: str, who: str = "trainer") -> set[str]:
    return {name for name, flags in flags_for(db, world, who).items() if flag in flags}


def page(client, path: str = "/caseload", **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def counts_on(html: str) -> dict[str, int]:
    """The number next to each filter link."""
    found = re.findall(r'<a href="[^"]*"(?: aria-current="page")?>([^<]+?) <span class="count">(\d+)</span>', html)
    return {label: int(count) for label, count in found}


def listed(html: str) -> list[str]:
    """Names of the clients in the list, in order."""
    return [
        unescape(name) for name in re.findall(r'<p class="worklist__name"><a href="/clients/\d+">([^<]+)</a>', html)
    ]


# --- Sessions due and overdue ------------------------------------------------------------------


def test_sessions_due_are_planned_in_the_next_seven_days(db_session, world):
    db = db_session
    for name, day, status in [
        ("Due today", TODAY, "planned"),
        ("Due in 7 days", TODAY + timedelta(days=7), "planned"),
        ("In 8 days", TODAY + timedelta(days=8), "planned"),
        ("Cancelled", TODAY + timedelta(days=2), "cancelled"),
    ]:
        client = add_client(db, world, name)
        add_session(db, client, in_plan(db, client), at(day, 23, 30) if "7" in name else at(day, 0, 30), status)
    ended = add_client(db, world, "Ended episode")
    add_session(db, ended, in_plan(db, ended, ended_on=TODAY - timedelta(days=1)), at(TODAY + timedelta(days=1)))

    assert picked(db, world, "due") == {"Due today", "Due in 7 days"}
    rows = {row.full_name: row for row in load_worklist(db, select(Client), TODAY)}
    assert rows["In 8 days"].next_session == at(TODAY + timedelta(days=8), 0, 30)
    assert rows["Cancelled"].next_session is None


def test_overdue_is_a_session_not_recorded_or_a_long_gap(db_session, world):
    db = db_session
    missed = add_client(db, world, "Missed yesterday")
    add_session(db, missed, in_plan(db, missed), at(TODAY - timedelta(days=1), 23, 30))
    recorded = add_client(db, world, "Recorded yesterday")
    add_session(db, recorded, in_plan(db, recorded), at(TODAY - timedelta(days=1)), "attended")
    early_today = add_client(db, world, "Planned early today")
    add_session(db, early_today, in_plan(db, early_today), at(TODAY, 0, 5))
    gap = add_client(db, world, "Last seen 15 days ago")
    add_session(db, gap, in_plan(db, gap), at(TODAY - timedelta(days=15)), "attended")
    recent = add_client(db, world, "Last seen 14 days ago")
    add_session(db, recent, in_plan(db, recent), at(TODAY - timedelta(days=14)), "attended")
    planned_ahead = add_client(db, world, "Seen long ago, next booked")
    episode = in_plan(db, planned_ahead)
    add_session(db, planned_ahead, episode, at(TODAY - timedelta(days=30)), "attended")
    add_session(db, planned_ahead, episode, at(TODAY + timedelta(days=20)))
    never = add_client(db, world, "Agreed 40 days ago, never seen")
    in_plan(db, never)
    fresh = add_client(db, world, "Agreed 3 days ago")
    in_plan(db, fresh, agreed_on=TODAY - timedelta(days=3))
    paused = add_client(db, world, "Paused")
    in_plan(db, paused, paused_on=TODAY - timedelta(days=20))
    assessed = add_client(db, world, "Assessed, plan not agreed")
    add_episode(db, assessed, eligible=True, assessed_on=TODAY - timedelta(days=50))
    old = add_client(db, world, "Finished, session left planned")
    add_session(db, old, in_plan(db, old, ended_on=TODAY - timedelta(days=3)), at(TODAY - timedelta(days=5)))

    assert picked(db, world, "overdue") == {
        "Missed yesterday",
        "Last seen 15 days ago",
        "Agreed 40 days ago, never seen",
    }


# --- Diary ---------------------------------------------------------------------------------------


def test_no_diary_for_seven_days(db_session, world):
    db = db_session

    def with_app(name: str, started_days_ago: int = 30, **fields) -> Client:
        person, _ = add_person(db, name.lower().replace(" ", "-").replace(",", ""), role="client", service=world.north)
        client = add_client(db, world, name, person_id=person.id, **fields)
        in_plan(db, client, started_on=TODAY - timedelta(days=started_days_ago))
        return client

    log(db, with_app("Logged 7 days ago"), TODAY - timedelta(days=7))
    log(db, with_app("Logged 6 days ago"), TODAY - timedelta(days=6))
    log(db, with_app("Logged today"), TODAY)
    with_app("Never logged")
    log(db, with_app("Only a deleted entry"), TODAY - timedelta(days=1), deleted_at=at(TODAY, 1))
    with_app("Private diary", diary_shared=False)
    with_app("Started 6 days ago", started_days_ago=6)
    with_app("Started 5 days ago", started_days_ago=5)
    paused = with_app("Paused")
    episode = db.exec(select(Episode).where(Episode.client_id == paused.id)).one()
    episode.paused_on = TODAY - timedelta(days=10)
    db.add(episode)
    db.commit()
    no_app = add_client(db, world, "No app")
    in_plan(db, no_app)

    assert picked(db, world, "no_diary") == {
        "Logged 7 days ago",
        "Never logged",
        "Only a deleted entry",
        "Started 6 days ago",
    }


def test_day_totals_from_the_database_match_the_diary_rules(db_session, world):
    """The worklist adds up the diary in SQL; it must agree with pwa.diary.totals.day_totals."""
    db = db_session
    client = add_client(db, world, "Busy diarist")
    days = [TODAY - timedelta(days=3), TODAY - timedelta(days=2)]
    made = [
        log(db, client, days[0], "food", meal="lunch", portions=2.5),
        log(db, client, days[0], "food", meal="snack", portions=None),
        log(db, client, days[0], "activity", activity="walking", minutes=30, intensity="moderate"),
        log(db, client, days[0], "activity", activity="gym", minutes=20, intensity="vigorous"),
        log(db, client, days[0], "activity", activity="housework", minutes=60, intensity="light"),
        log(db, client, days[0], "alcohol", drink="pint_beer", quantity=2, units=4.6),
        log(db, client, days[0], "alcohol", marker="drink_free", units=0.0),
        log(db, client, days[0], "smoking", tobacco="cigarettes", cigarettes=4),
        log(db, client, days[0], "weight", weight_kg=80.5),
        log(db, client, days[1], "alcohol", marker="drink_free", units=0.0),
        log(db, client, days[1], "smoking", marker="smoke_free", cigarettes=0),
        log(db, client, days[1], "food", meal="dinner", portions=3, deleted_at=at(TODAY, 1)),
        log(db, client, days[1], "mood", mood=4),
    ]
    later_weight = diary_entry(client, "weight", moment=at(days[0], 20), weight_kg=79.9)
    db.add(later_weight)
    db.commit()
    made.append(later_weight)

    bulk = day_totals_bulk(db, [client.id], days[0], days[1])
    for day in days:
        expected = day_totals(day, [entry for entry in made if entry.day == day])
        found = bulk[(client.id, day)]
        expected.moods = found.moods = []  # moods do not count towards progress
        assert found == expected
        assert found.drink_free == expected.drink_free and found.smoke_free == expected.smoke_free


# --- No progress for 3 weeks -----------------------------------------------------------------------


def test_no_progress_for_three_weeks(db_session, world):
    db = db_session

    def client_with_goal(name: str, episode_fields=None, **goal_fields) -> Goal:
        client = add_client(db, world, name, **({"diary_shared": False} if "private" in name else {}))
        return add_goal(db, client, in_plan(db, client, **(episode_fields or {})), **goal_fields)

    client_with_goal("Check-in, never answered")
    partly = client_with_goal("Check-in, partly one week")
    week_mark(db, partly, 2, check_in="partly")
    said_no = client_with_goal("Check-in, no, one week excused")
    week_mark(db, said_no, 1, check_in="no")
    week_mark(db, said_no, 2, excused=True)
    excused = client_with_goal("Check-in, every week excused")
    for weeks_back in (1, 2, 3):
        week_mark(db, excused, weeks_back, excused=True)
    this_week = client_with_goal("Check-in, yes only this week")
    week_mark(db, this_week, 0, check_in="yes")
    client_with_goal("Goal set last week", start_date=THIS_MONDAY - timedelta(days=7))
    client_with_goal("Goal set on the first judged Sunday", start_date=THIS_MONDAY - timedelta(days=15))
    client_with_goal("Paused", episode_fields={"paused_on": TODAY - timedelta(days=30)})
    client_with_goal("Stopped goal", status="stopped")

    minutes = {"target_kind": "active_minutes_week", "target_value": 150, "code": "exercise-increase-moderate"}
    walked = client_with_goal("Walked enough for partly", **minutes)
    log(
        db,
        db.get(Client, walked.client_id),
        THIS_MONDAY - timedelta(days=10),
        "activity",
        minutes=80,
        intensity="moderate",
    )
    short = client_with_goal("Walked too little", **minutes)
    log(
        db,
        db.get(Client, short.client_id),
        THIS_MONDAY - timedelta(days=10),
        "activity",
        minutes=70,
        intensity="moderate",
    )
    client_with_goal("Diary goal, private diary", **minutes)
    both = client_with_goal("Two goals, one moving", **minutes)
    both_client = db.get(Client, both.client_id)
    episode = db.exec(select(Episode).where(Episode.client_id == both_client.id)).one()
    sleep = add_goal(db, both_client, episode)
    week_mark(db, sleep, 3, check_in="yes")

    assert picked(db, world, "no_progress") == {
        "Casey Client",  # the world's client: a walking goal and nothing in the diary for weeks
        "Check-in, never answered",
        "Check-in, no, one week excused",
        "Check-in, yes only this week",
        "Goal set on the first judged Sunday",
        "Walked too little",
    }


# --- Goals, follow-ups, consent, mark ----------------------------------------------------------------


def test_goals_awaiting_an_outcome(db_session, world):
    db = db_session
    cases = {
        "Review was yesterday": ({}, {"review_date": TODAY - timedelta(days=1)}),
        "Review is today": ({}, {"review_date": TODAY}),
        "Outcome recorded": ({}, {"review_date": TODAY - timedelta(days=5), "outcome": "achieved"}),
        "Stopped goal": ({}, {"review_date": TODAY - timedelta(days=5), "status": "stopped"}),
        "Exited, no outcome": ({"ended_on": TODAY - timedelta(days=2), "exit_reason": "lost_contact"}, {}),
        "Exited, outcome given": (
            {"ended_on": TODAY - timedelta(days=2), "exit_reason": "completed_plan"},
            {"outcome": "none_yet"},
        ),
    }
    for name, (episode_fields, goal_fields) in cases.items():
        client = add_client(db, world, name)
        add_goal(db, client, in_plan(db, client, **episode_fields), **goal_fields)

    assert picked(db, world, "awaiting_outcome") == {"Review was yesterday", "Exited, no outcome"}


def test_follow_ups_due(db_session, world):
    db = db_session

    def follow_up(name: str, due: date, **fields) -> None:
        client = add_client(db, world, name)
        episode = in_plan(db, client, ended_on=TODAY - timedelta(days=90), exit_reason="completed_plan")
        db.add(
            FollowUp(
                service_id=client.service_id,
                client_id=client.id,
                episode_id=episode.id,
                stage="3_months",
                due_on=due,
                **fields,
            )
        )
        db.commit()

    def signpost(name: str, follow_up_on: date | None, **fields) -> None:
        client = add_client(db, world, name)
        db.add(
            Signpost(
                service_id=client.service_id,
                client_id=client.id,
                destination="housing",
                made_on=TODAY - timedelta(days=20),
                follow_up_on=follow_up_on,
                **fields,
            )
        )
        db.commit()

    follow_up("Follow-up in 7 days", TODAY + timedelta(days=7))
    follow_up("Follow-up in 8 days", TODAY + timedelta(days=8))
    follow_up("Follow-up late", TODAY - timedelta(days=30))
    follow_up("Follow-up done", TODAY - timedelta(days=3), done_on=TODAY - timedelta(days=1), result="yes")
    signpost("Signpost check today", TODAY)
    signpost("Signpost check tomorrow", TODAY + timedelta(days=1))
    signpost("Signpost result known", TODAY - timedelta(days=3), result="attended", result_on=TODAY)
    signpost("Signpost with no check date", None)

    assert picked(db, world, "follow_up") == {"Follow-up in 7 days", "Follow-up late", "Signpost check today"}


def test_unsigned_consent_and_marked(db_session, world):
    db = db_session
    unsigned = add_client(db, world, "No consent yet", consent_signed_on=None)
    in_plan(db, unsigned)
    gone = add_client(db, world, "Finished, no consent", consent_signed_on=None)
    in_plan(db, gone, ended_on=TODAY - timedelta(days=1), exit_reason="moved_away")
    add_client(db, world, "Marked", follow_up_flag=True, follow_up_note="Ring about the gym")

    assert picked(db, world, "unsigned") == {"No consent yet", "Casey Client"}
    assert picked(db, world, "marked") == {"Marked"}


# --- The page ------------------------------------------------------------------------------------------


def test_page_counts_each_filter_and_lists_its_clients(client, db_session, world):
    db = db_session
    due = add_client(db, world, "Dana Due")
    add_session(db, due, in_plan(db, due), at(TODAY + timedelta(days=2)))
    add_client(db, world, "Mo Marked", follow_up_flag=True, follow_up_note="Ask about the new job")
    done = add_client(db, world, "Fin Finished")
    in_plan(db, done, ended_on=TODAY - timedelta(days=1), exit_reason="completed_plan")
    act_as(client, world.people["trainer"], world.grants["trainer"])

    html = page(client)
    counts = counts_on(html)
    assert counts["Current clients"] == 3  # Casey, Dana, Mo
    assert counts["Session in the next 7 days"] == 1
    assert counts["Marked for follow-up"] == 1
    assert counts["Consent not signed"] == 1  # Casey
    assert counts["Finished"] == 1
    assert listed(html) == ["Casey Client", "Dana Due", "Mo Marked"]
    assert "Ask about the new job" in html
    assert 'href="/clients/new"' in html  # Register a client

    assert listed(page(client, "/caseload?show=due")) == ["Dana Due"]
    assert listed(page(client, "/caseload?show=marked")) == ["Mo Marked"]
    assert listed(page(client, "/caseload?show=finished")) == ["Fin Finished"]
    assert listed(page(client, "/caseload?show=nonsense")) == ["Casey Client", "Dana Due", "Mo Marked"]


def test_search_by_name_works_with_and_without_htmx(client, db_session, world):
    db = db_session
    add_client(db, world, "Alice Ashdown")
    add_client(db, world, "Malik Ali")
    add_client(db, world, "Bob 100% Fit")
    gone = add_client(db, world, "Alina Gone")
    in_plan(db, gone, ended_on=TODAY - timedelta(days=3), exit_reason="moved_away")
    act_as(client, world.people["trainer"], world.grants["trainer"])

    # A search looks through finished clients too; it ignores case and spaces around the words.
    assert listed(page(client, "/caseload?q=++ALI+")) == ["Alice Ashdown", "Alina Gone", "Malik Ali"]
    assert listed(page(client, "/caseload?q=%25")) == ["Bob 100% Fit"]  # % is a letter, not a wildcard
    fragment = page(client, "/caseload?q=ali", headers={"HX-Request": "true"})
    assert "<html" not in fragment and 'id="q"' not in fragment
    assert listed(fragment) == ["Alice Ashdown", "Alina Gone", "Malik Ali"]
    assert counts_on(fragment)["Found"] == 3
    full = page(client, "/caseload?q=ali")
    assert 'hx-get="/caseload"' in full and 'value="ali"' in full
    assert "No client's name has" in page(client, "/caseload?q=zzz")


def test_trainer_and_trainee_see_only_their_own_clients(client, db_session, world):
    add_client(db_session, world, "Other's Ozzy", trainer="other-trainer")
    act_as(client, world.people["trainer"], world.grants["trainer"])
    html = page(client)
    assert listed(html) == ["Casey Client"]
    assert 'name="trainer"' not in html and "Move the ticked clients" not in html
    assert "My caseload" in html

    act_as(client, world.people["trainee"], world.grants["trainee"])
    assert listed(page(client)) == ["Tia Trainee-Case"]
    # A trainer filter in the address means nothing to a trainer.
    act_as(client, world.people["trainer"], world.grants["trainer"])
    other = world.people["other-trainer"].id
    assert listed(page(client, f"/caseload?trainer={other}")) == ["Casey Client"]


def test_manager_sees_the_whole_service_and_filters_by_trainer(client, db_session, world):
    add_client(db_session, world, "Nobody's Nell", trainer=None)
    act_as(client, world.people["manager"], world.grants["manager"])
    html = page(client)
    assert listed(html) == ["Casey Client", "Nobody's Nell", "Olly Other", "Tia Trainee-Case"]
    assert "Sid South" not in html and "South Trainer" not in html
    assert "<h1>Caseloads</h1>" in html
    options = re.findall(
        r'<option value="([^"]*)"[^>]*>([^<]+)</option>', html.split('id="trainer"')[1].split("</select>")[0]
    )
    assert [label for _, label in options] == [
        "Everyone in the service",
        "Other Trainer",
        "Trainee (trainee)",
        "Trainer",
        "No trainer yet",
    ]
    other = world.people["other-trainer"].id
    assert listed(page(client, f"/caseload?trainer={other}")) == ["Olly Other"]
    assert listed(page(client, "/caseload?trainer=none")) == ["Nobody's Nell"]
    south = world.people["south-trainer"].id
    assert listed(page(client, f"/caseload?trainer={south}")) == listed(html)  # not a choice here: ignored
    assert ">Caseloads</a>" in html  # in the navigation


def test_south_manager_never_sees_north(client, world):
    act_as(client, world.people["south-manager"], world.grants["south-manager"])
    html = page(client)
    assert listed(html) == ["Sid South"]
    assert "Casey Client" not in html and "Olly Other" not in html


@pytest.mark.parametrize("who", ["champion", "client", "service-admin"])
def test_others_may_not_see_a_worklist(client, world, who):
    act_as(client, world.people[who], world.grants[who])
    response = client.get("/caseload")
    assert response.status_code == 403
    assert "Casey Client" not in response.get_data(as_text=True)


def test_home_sends_trainers_to_their_caseload(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert client.get("/").headers["Location"] == "/caseload"
    act_as(client, world.people["manager"], world.grants["manager"])
    assert client.get("/").headers["Location"] == "/overview"


# --- Mark for follow-up ----------------------------------------------------------------------------------


def audit_rows(db, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).all())


def test_mark_and_clear_follow_up(client, db_session, world):
    own = world.clients["own"]
    act_as(client, world.people["trainer"], world.grants["trainer"])
    response = post_form(client, f"/clients/{own.id}/flag", {"action": "set", "note": "  Ring   about the gym "})
    assert response.status_code == 302 and response.headers["Location"] == f"/clients/{own.id}"
    db_session.refresh(own)
    assert own.follow_up_flag and own.follow_up_note == "Ring about the gym"
    record = page(client, f"/clients/{own.id}")
    assert "Marked for follow-up" in record and "Ring about the gym" in record
    assert counts_on(page(client))["Marked for follow-up"] == 1

    response = post_form(
        client, f"/clients/{own.id}/flag", {"action": "clear", "back": "worklist", "q": "casey", "show": "marked"}
    )
    assert response.headers["Location"] == "/caseload?q=casey&show=marked"
    db_session.refresh(own)
    assert not own.follow_up_flag and own.follow_up_note == ""
    assert [(row.client_id, row.detail, row.actor_id) for row in audit_rows(db_session, "flag_client")] == [
        (own.id, "marked: Ring about the gym", world.people["trainer"].id),
        (own.id, "cleared", world.people["trainer"].id),
    ]


def test_worklist_row_has_a_mark_button(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    html = page(client)
    own = world.clients["own"].id
    assert f'formaction="/clients/{own}/flag" name="action" value="set"' in html


def test_mark_refuses_bad_input_and_clients_out_of_reach(client, db_session, world):
    own = world.clients["own"]
    act_as(client, world.people["trainer"], world.grants["trainer"])
    response = post_form(client, f"/clients/{own.id}/flag", {"action": "set", "note": "x" * 201})
    assert response.status_code == 422 and "200 letters at most" in response.get_data(as_text=True)
    assert post_form(client, f"/clients/{own.id}/flag", {"action": "maybe"}).status_code == 400
    assert (
        post_form(client, f"/clients/{world.clients['other-caseload'].id}/flag", {"action": "set"}).status_code == 403
    )
    assert post_form(client, f"/clients/{world.clients['south'].id}/flag", {"action": "set"}).status_code == 404
    act_as(client, world.people["champion"], world.grants["champion"])
    assert post_form(client, f"/clients/{own.id}/flag", {"action": "set"}).status_code == 403
    db_session.refresh(own)
    assert not own.follow_up_flag
    assert audit_rows(db_session, "flag_client") == []


# --- Reassigning --------------------------------------------------------------------------------------------


def test_manager_gives_a_client_to_another_trainer(client, db_session, world):
    db = db_session
    own = world.clients["own"]
    episode = db.exec(select(Episode).where(Episode.client_id == own.id)).one()
    planned = add_session(db, own, episode, at(TODAY + timedelta(days=3)))
    done = add_session(db, own, episode, at(TODAY - timedelta(days=3)), "attended")
    act_as(client, world.people["manager"], world.grants["manager"])

    form = page(client, f"/clients/{own.id}/reassign")
    assert "Casey Client is with Trainer now" in form
    assert "Other Trainer" in form and "Trainee (trainee)" in form
    assert "South Trainer" not in form and "Champion" not in form

    other = world.people["other-trainer"]
    response = post_form(client, f"/clients/{own.id}/reassign", {"to_trainer": other.id})
    assert response.status_code == 302 and response.headers["Location"] == f"/clients/{own.id}"
    db.refresh(own)
    db.refresh(planned)
    db.refresh(done)
    assert own.trainer_id == other.id
    assert planned.trainer_id == other.id and done.trainer_id == world.people["trainer"].id
    [row] = audit_rows(db, "reassign_client")
    trainer_id = world.people["trainer"].id
    assert row.client_id == own.id and row.actor_id == world.people["manager"].id and row.actor_role == "manager"
    assert row.detail == f"From Trainer (person {trainer_id}) to Other Trainer (person {other.id})"


@pytest.mark.parametrize("target", ["south-trainer", "champion", "manager", "trainer", "nobody", "disabled"])
def test_reassign_refuses_people_who_cannot_take_the_client(client, db_session, world, target):
    own = world.clients["own"]
    if target == "disabled":
        person, _ = add_person(db_session, "left-trainer", role="trainer", service=world.north)
        person.is_disabled = True
        db_session.add(person)
        db_session.commit()
        chosen = person.id
    else:
        chosen = world.people[target].id if target != "nobody" else ""
    act_as(client, world.people["manager"], world.grants["manager"])
    response = post_form(client, f"/clients/{own.id}/reassign", {"to_trainer": chosen})
    assert response.status_code == 422
    db_session.refresh(own)
    assert own.trainer_id == world.people["trainer"].id
    assert audit_rows(db_session, "reassign_client") == []


def test_only_managers_reassign_and_only_in_their_service(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    own = world.clients["own"].id
    assert (
        post_form(client, f"/clients/{own}/reassign", {"to_trainer": world.people["other-trainer"].id}).status_code
        == 403
    )
    act_as(client, world.people["south-manager"], world.grants["south-manager"])
    assert client.get(f"/clients/{own}/reassign").status_code == 404


def test_bulk_reassign_moves_every_ticked_client_at_once(client, db_session, world):
    db = db_session
    leaver = add_client(db, world, "Lee Leaver-Case", trainer="other-trainer")
    act_as(client, world.people["manager"], world.grants["manager"])
    other = world.people["other-trainer"].id
    html = page(client, f"/caseload?trainer={other}")
    assert 'name="client_id"' in html and "Move the ticked clients" in html

    ids = [world.clients["other-caseload"].id, leaver.id]
    trainee = world.people["trainee"]
    response = post_form(client, "/caseload/reassign", {"client_id": ids, "to_trainer": trainee.id, "trainer": other})
    assert response.status_code == 302 and response.headers["Location"] == f"/caseload?trainer={other}"
    db.expire_all()
    for client_id in ids:
        assert db.get(Client, client_id).trainer_id == trainee.id
    assert sorted(row.client_id for row in audit_rows(db, "reassign_client")) == sorted(ids)
    assert "2 clients moved to Trainee" in page(client, f"/caseload?trainer={other}")


def test_bulk_reassign_changes_nothing_when_a_client_is_out_of_reach(client, db_session, world):
    act_as(client, world.people["manager"], world.grants["manager"])
    ids = [world.clients["other-caseload"].id, world.clients["south"].id]
    to = world.people["trainee"].id
    assert post_form(client, "/caseload/reassign", {"client_id": ids, "to_trainer": to}).status_code == 404
    assert post_form(client, "/caseload/reassign", {"client_id": [999999], "to_trainer": to}).status_code == 404
    db_session.refresh(world.clients["other-caseload"])
    assert world.clients["other-caseload"].trainer_id == world.people["other-trainer"].id

    response = post_form(client, "/caseload/reassign", {"to_trainer": to})
    assert response.status_code == 422 and "Tick the clients to move" in response.get_data(as_text=True)
    response = post_form(
        client, "/caseload/reassign", {"client_id": ids[:1], "to_trainer": world.people["south-trainer"].id}
    )
    assert response.status_code == 422 and "Choose who will look after them" in response.get_data(as_text=True)
    db_session.refresh(world.clients["other-caseload"])
    assert world.clients["other-caseload"].trainer_id == world.people["other-trainer"].id
    assert audit_rows(db_session, "reassign_client") == []


# --- The audit log ------------------------------------------------------------------------------------------


def test_audit_log_says_who_did_what_and_when(client, db_session, world):
    own = world.clients["own"]
    act_as(client, world.people["trainer"], world.grants["trainer"])
    client.get(f"/clients/{own.id}")
    client.get(f"/clients/{own.id}/diary/")
    db_session.add(AuditEvent(service_id=world.north.id, action="something_new", client_id=own.id, detail="x=1"))
    db_session.add(
        AuditEvent(service_id=world.north.id, action="view_client", client_id=world.clients["other-caseload"].id)
    )
    db_session.commit()

    act_as(client, world.people["manager"], world.grants["manager"])
    html = page(client, f"/clients/{own.id}/audit")
    rows = re.findall(
        r"<tr>\s*<td>([^<]+)</td>\s*<td>([^<]*)(?:<br><span class=\"muted\">([^<]+)</span>)?</td>\s*<td>([^<]+)</td>",
        html,
    )
    assert [(who, role, what) for _, who, role, what in rows] == [
        ("Manager", "Manager", "Read this log"),
        ("Unknown", "", "something_new"),
        ("Trainer", "Health trainer", "Read the diary"),
        ("Trainer", "Health trainer", "Opened the record"),
    ]
    assert all(re.fullmatch(r"\d{1,2} \w{3} \d{4} at \d{1,2}:\d{2}", when) for when, *_ in rows)
    assert "x=1" in html
    [viewed] = audit_rows(db_session, "view_audit_log")
    assert viewed.client_id == own.id and viewed.actor_id == world.people["manager"].id
    # The record links to the log and to reassigning, for managers only.
    record = page(client, f"/clients/{own.id}")
    assert f'href="/clients/{own.id}/audit"' in record and f'href="/clients/{own.id}/reassign"' in record
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert f'href="/clients/{own.id}/audit"' not in page(client, f"/clients/{own.id}")


def test_audit_log_pages_fifty_at_a_time(client, db_session, world):
    own = world.clients["own"]
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    db_session.add_all(
        AuditEvent(
            service_id=world.north.id,
            action="view_client",
            client_id=own.id,
            at=start + timedelta(minutes=n),
            detail=f"event {n}",
        )
        for n in range(120)
    )
    db_session.commit()
    act_as(client, world.people["manager"], world.grants["manager"])
    first = page(client, f"/clients/{own.id}/audit")  # 121 rows with this view
    assert first.count("<tr>") == 51 and "Page 1 of 3" in first
    assert ">event 119<" in first and ">event 71<" in first and ">event 70<" not in first
    assert "Older</a>" in first and "Newer</a>" not in first
    last = page(client, f"/clients/{own.id}/audit?page=3")
    assert last.count("<tr>") == 1 + 22  # events 21 to 0: two views of the log now come first
    assert ">event 21<" in last and ">event 0<" in last and "Newer</a>" in last and "Older</a>" not in last
    assert client.get(f"/clients/{own.id}/audit?page=9").status_code == 404
    assert "Page 1 of 3" in page(client, f"/clients/{own.id}/audit?page=abc")


@pytest.mark.parametrize("who, status", [("trainer", 403), ("trainee", 403), ("champion", 403), ("south-manager", 404)])
def test_only_the_services_managers_read_the_audit_log(client, db_session, world, who, status):
    act_as(client, world.people[who], world.grants[who])
    assert client.get(f"/clients/{world.clients['own'].id}/audit").status_code == status
    assert audit_rows(db_session, "view_audit_log") == []


def test_long_lists_are_cut_with_a_note_and_counts_stay_whole(client, db_session, world, monkeypatch):
    from pwa.caseload import worklist

    for name in ["Ann", "Ben", "Cat"]:
        add_client(db_session, world, name)
    monkeypatch.setattr(worklist, "LIST_LIMIT", 2)
    act_as(client, world.people["trainer"], world.grants["trainer"])
    html = page(client)
    assert listed(html) == ["Ann", "Ben"]
    assert "Current clients: 4 clients" in html and "Showing the first 2" in html
    assert counts_on(html)["Current clients"] == 4


def test_status_and_register_button_follow_the_journey_and_policy(client, db_session, world):
    paused = add_client(db_session, world, "Pat Paused")
    in_plan(db_session, paused, paused_on=TODAY - timedelta(days=2))
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert '<a href="/clients/' in page(client) and '>Pat Paused</a> <span class="tag">Paused</span>' in page(client)
    world.north.trainee_mode = "supervised"
    db_session.add(world.north)
    db_session.commit()
    act_as(client, world.people["trainee"], world.grants["trainee"])
    assert 'href="/clients/new"' not in page(client)
