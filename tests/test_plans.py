"""Plans and goals through the pages: setting, refining, outcomes, check-ins, certificate, access."""

from datetime import timedelta

import pytest
from sqlmodel import select

from models import AuditEvent, Episode, Goal, GoalRevision, GoalWeek
from pwa.clock import london_today
from pwa.diary.totals import week_start
from tests.conftest import act_as, post_form
from tests.world import diary_entry


@pytest.fixture
def as_trainer(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    return client


def goal_form(**changes):
    today = london_today()
    return {
        "code": "diet-increase-fruit_veg",
        "wording": "Eat 5 a day on 4 days",
        "target_kind": "fruit_veg_days",
        "target_value": "4",
        "target_portions": "5",
        "start_date": today.isoformat(),
        "review_date": (today + timedelta(days=42)).isoformat(),
        "action_what": "Fruit with breakfast",
        "action_when": "Every morning",
        "barriers": "Fruit is dear",
        "barrier_plan": "Buy frozen veg",
        **changes,
    }


def goals_of(db_session, world):
    db_session.expire_all()
    return db_session.exec(select(Goal).where(Goal.client_id == world.clients["own"].id).order_by(Goal.id)).all()


def test_trainer_adds_a_measurable_goal(as_trainer, world, db_session):
    own = world.clients["own"]
    assert as_trainer.get(f"/clients/{own.id}/plan/goals/new").status_code == 200
    response = post_form(as_trainer, f"/clients/{own.id}/plan/goals/new", goal_form())
    assert response.status_code == 302
    goal = goals_of(db_session, world)[-1]
    assert (goal.code, goal.target_kind, goal.target_value, goal.target_extra) == (
        "diet-increase-fruit_veg",
        "fruit_veg_days",
        4,
        {"portions": 5},
    )
    assert goal.set_by_id == world.people["trainer"].id and goal.barrier_plan == "Buy frozen veg"
    page = as_trainer.get(f"/clients/{own.id}/plan/").get_data(as_text=True)
    assert "Eat 5 a day on 4 days" in page and "Walk for 30 minutes on 5 days" in page


def test_first_goal_opens_an_episode_and_plan(as_trainer, world, db_session):
    other = world.clients["other-caseload"]
    act_as(as_trainer, world.people["other-trainer"], world.grants["other-trainer"])
    post_form(as_trainer, f"/clients/{other.id}/plan/goals/new", goal_form())
    episodes = db_session.exec(select(Episode).where(Episode.client_id == other.id)).all()
    assert len(episodes) == 1 and episodes[0].started_on == london_today()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"code": "flying"}, "code", "Choose what the goal is about"),
        ({"wording": ""}, "wording", "own words"),
        ({"code": "other", "target_kind": "check_in", "other_text": ""}, "other_text", "Say what"),
        ({"target_value": "9"}, "target_value", "from 1 to 7"),
        ({"target_value": "2.5"}, "target_value", "whole number"),
        ({"target_portions": "30"}, "target_portions", "from 1 to 20"),
        ({"target_kind": "units_week"}, "target_kind", "cannot be measured that way"),
        ({"review_date": london_today().isoformat()}, "review_date", "after the start date"),
        ({"review_date": (london_today() + timedelta(days=400)).isoformat()}, "review_date", "within a year"),
        ({"start_date": (london_today() - timedelta(days=30)).isoformat()}, "start_date", "a week ago"),
        (
            {"code": "weight-reduce", "target_kind": "weight_by_date", "target_value": "80"},
            "target_start_weight",
            "weight now",
        ),
        ({"barriers": "x" * 501}, "barriers", "under 500"),
    ],
)
def test_bad_goal_input_is_explained_and_nothing_saved(as_trainer, world, db_session, changes, field, message):
    before = len(goals_of(db_session, world))
    response = post_form(as_trainer, f"/clients/{world.clients['own'].id}/plan/goals/new", goal_form(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert message in response.get_data(as_text=True)
    assert len(goals_of(db_session, world)) == before


def test_goal_the_diary_cannot_measure_uses_the_check_in(as_trainer, world, db_session):
    response = post_form(
        as_trainer,
        f"/clients/{world.clients['own'].id}/plan/goals/new",
        goal_form(code="wellbeing-improve-sleep", wording="Bed by 11", target_kind="check_in", target_value=""),
    )
    assert response.status_code == 302
    assert goals_of(db_session, world)[-1].target_kind == "check_in"


def test_refining_keeps_the_old_wording_in_history(as_trainer, world, db_session):
    goal = world.goals["own"]
    url = f"/clients/{world.clients['own'].id}/plan/goals/{goal.id}/edit"
    form = as_trainer.get(url).get_data(as_text=True)
    assert 'value="Walk for 30 minutes on 5 days"' in form
    changes = goal_form(
        wording="Walk for 20 minutes on 5 days",
        target_kind="active_minutes_week",
        target_value="100",
        start_date=goal.start_date.isoformat(),
    )
    assert post_form(as_trainer, url, changes).status_code == 302
    [refined] = [g for g in goals_of(db_session, world) if g.id == goal.id]
    assert refined.wording == "Walk for 20 minutes on 5 days" and refined.code == "exercise-increase-moderate"
    assert refined.version == 2
    [revision] = db_session.exec(select(GoalRevision).where(GoalRevision.goal_id == goal.id)).all()
    assert revision.action == "refine" and revision.snapshot["wording"] == "Walk for 30 minutes on 5 days"


def test_outcome_stop_and_maintained_are_recorded_with_history(as_trainer, world, db_session):
    goal, own = world.goals["own"], world.clients["own"]
    base = f"/clients/{own.id}/plan/goals/{goal.id}"
    post_form(as_trainer, f"{base}/outcome", {"outcome": "achieved"})
    post_form(as_trainer, f"{base}/outcome", {"outcome": "achieved", "maintained": "yes"})
    post_form(as_trainer, f"{base}/outcome", {"outcome": "brilliant"})  # not in the vocabulary
    post_form(as_trainer, f"{base}/stop")
    db_session.expire_all()
    stored = db_session.get(Goal, goal.id)
    assert (stored.outcome, stored.maintained, stored.status) == ("achieved", "yes", "stopped")
    actions = [r.action for r in db_session.exec(select(GoalRevision).where(GoalRevision.goal_id == goal.id)).all()]
    assert actions == ["outcome", "maintained", "stop"]
    assert {"goal_outcome", "stop_goal"} <= {e.action for e in db_session.exec(select(AuditEvent)).all()}


def test_certificate_lists_achieved_goals(as_trainer, world):
    goal, own = world.goals["own"], world.clients["own"]
    post_form(as_trainer, f"/clients/{own.id}/plan/goals/{goal.id}/outcome", {"outcome": "achieved"})
    page = as_trainer.get(f"/clients/{own.id}/plan/certificate").get_data(as_text=True)
    assert "Certificate of achievement" in page and "Casey Client" in page and "Walk for 30 minutes on 5 days" in page


def test_excused_week_is_stored(as_trainer, world, db_session):
    goal, own = world.goals["own"], world.clients["own"]
    monday = week_start(london_today())
    post_form(as_trainer, f"/clients/{own.id}/plan/goals/{goal.id}/weeks/{monday}", {"excused": "yes", "reason": "Ill"})
    week = db_session.exec(select(GoalWeek).where(GoalWeek.goal_id == goal.id)).one()
    assert week.excused and week.excused_reason == "Ill" and week.monday == monday


def test_client_sees_progress_from_the_diary(client, world, db_session):
    act_as(client, world.people["client"], world.grants["client"])
    page = client.get("/goals").get_data(as_text=True)
    assert "Walk for 30 minutes on 5 days" in page
    before = int(page.split('id="progress-')[1].split('value="')[1].split('"')[0])
    db_session.add(diary_entry(world.clients["own"], "activity", activity="walking", minutes=60, intensity="moderate"))
    db_session.commit()
    after_page = client.get("/goals").get_data(as_text=True)
    after = int(after_page.split('id="progress-')[1].split('value="')[1].split('"')[0])
    assert after > before
    assert "<svg" in after_page and "Show as a table" in after_page


def test_client_checks_in_on_a_goal_the_diary_cannot_measure(client, world, db_session):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    post_form(
        client,
        f"/clients/{world.clients['own'].id}/plan/goals/new",
        goal_form(code="wellbeing-improve-sleep", wording="Bed by 11", target_kind="check_in", target_value=""),
    )
    goal = goals_of(db_session, world)[-1]
    act_as(client, world.people["client"], world.grants["client"])
    assert post_form(client, f"/goals/{goal.id}/check-in", {"answer": "maybe"}).status_code == 302
    assert db_session.exec(select(GoalWeek).where(GoalWeek.goal_id == goal.id)).first() is None
    post_form(client, f"/goals/{goal.id}/check-in", {"answer": "yes"})
    assert db_session.exec(select(GoalWeek).where(GoalWeek.goal_id == goal.id)).one().check_in == "yes"
    assert "You met this week" in client.get("/goals").get_data(as_text=True)


def test_client_cannot_change_outcomes_or_other_clients_goals(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    goal = world.goals["own"]
    assert (
        post_form(
            client, f"/clients/{world.clients['own'].id}/plan/goals/{goal.id}/outcome", {"outcome": "achieved"}
        ).status_code
        == 403
    )
    act_as(client, world.people["south-client"], world.grants["south-client"])
    assert post_form(client, f"/goals/{goal.id}/check-in", {"answer": "yes"}).status_code == 404


def test_progress_hidden_from_the_trainer_when_the_diary_is_private(client, world, db_session):
    own = world.clients["own"]
    own.diary_shared = False
    db_session.add(own)
    db_session.commit()
    act_as(client, world.people["trainer"], world.grants["trainer"])
    page = client.get(f"/clients/{own.id}/plan/").get_data(as_text=True)
    assert "keeps their diary private" in page and 'id="progress-' not in page
