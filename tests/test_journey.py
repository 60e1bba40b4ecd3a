"""The client journey: state rules, each step's form (rows, audit, bad input), and who may do it."""

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from models import AuditEvent, Client, Episode, FollowUp, Goal, GoalRevision, Measure, Plan, SupportSession
from pwa.caseload import journey
from pwa.clock import london_today, utcnow
from tests.conftest import act_as, post_form

TODAY = london_today()
WHO5 = {f"who5_{number}": answer for number, answer in zip(range(1, 6), ["4", "3", "3", "2", "3"], strict=True)}

# --- State rules (pure) ---------------------------------------------------------------------

D = date(2025, 3, 1)
EPISODES = {
    "none": None,
    "registered": {},
    "eligible": {"eligible": True},
    "assessed": {"eligible": True, "assessed_on": D},
    "in_plan": {"eligible": True, "assessed_on": D, "agreed_on": D},
    "paused": {"eligible": True, "assessed_on": D, "agreed_on": D, "paused_on": D},
    "exited": {"eligible": True, "assessed_on": D, "ended_on": D, "exit_reason": "completed_plan"},
    "not_eligible": {"eligible": False, "ended_on": D, "exit_reason": "not_eligible"},
}

# Action -> the states where it is allowed (read across: cannot assess before eligible, cannot
# agree before assessed, cannot pause an exited episode, resume only when paused, exit any
# open episode, a new episode only when none is open).
RULES = {
    "check_eligibility": "none registered eligible",
    "assess": "eligible",
    "agree_plan": "assessed",
    "pause": "registered eligible assessed in_plan",
    "resume": "paused",
    "exit_client": "registered eligible assessed in_plan paused",
    "record_follow_up": "exited",
    "add_measures": "registered eligible assessed in_plan paused exited",
    "new_episode": "none exited not_eligible",
}


def fake_episode(key):
    fields = EPISODES[key]
    if fields is None:
        return None
    base = dict(ended_on=None, eligible=None, exit_reason=None, paused_on=None, agreed_on=None, assessed_on=None)
    return SimpleNamespace(**{**base, **fields})


@pytest.mark.parametrize("state", EPISODES)
@pytest.mark.parametrize("action", RULES)
def test_state_rules_table(action, state):
    allowed = state in RULES[action].split()
    assert journey.may(action, fake_episode(state)) is allowed
    assert (journey.refusal(action, fake_episode(state)) is None) is allowed


@pytest.mark.parametrize("state", [key for key in EPISODES if key != "none"])
def test_status_follows_the_episode_fields(state):
    assert journey.status(fake_episode(state)) == state


def test_a_client_with_no_episode_is_registered():
    assert journey.status(None) == "registered"


@pytest.mark.parametrize(
    "state, label, endpoint",
    [
        ("none", "Check eligibility", "journey.eligibility"),
        ("registered", "Check eligibility", "journey.eligibility"),
        ("eligible", "Do the first assessment", "journey.assess"),
        ("assessed", "Agree the plan at the first session", "journey.agree"),
        ("in_plan", "Add the first goal together", "plans.new_goal"),
        ("paused", "Start again when they are ready", "journey.resume"),
        ("exited", "Start a new episode if they come back", "journey.new_episode"),
        ("not_eligible", "Start a new episode if they come back", "journey.new_episode"),
    ],
)
def test_next_step_in_plain_words(state, label, endpoint):
    step = journey.next_step(fake_episode(state), today=D)
    assert (step.label, step.endpoint) == (label, endpoint)


def test_next_step_follows_goals_and_follow_ups():
    with_goal = journey.next_step(fake_episode("in_plan"), goals=[object()], today=D)
    assert with_goal.label == "Review the goals at the next session"
    waiting = [SimpleNamespace(stage="3_months", due_on=D + timedelta(days=91), done_on=None)]
    early = journey.next_step(fake_episode("exited"), follow_ups=waiting, today=D)
    assert early.endpoint is None and "due on" in early.hint
    due = journey.next_step(fake_episode("exited"), follow_ups=waiting, today=D + timedelta(days=91))
    assert (due.label, due.endpoint) == ("Do the 3 months follow-up", "journey.follow_up")


# --- Helpers for the HTTP tests -------------------------------------------------------------


def episode_of(db_session, client: Client) -> Episode:
    db_session.expire_all()
    return db_session.exec(
        select(Episode).where(Episode.client_id == client.id).order_by(Episode.number.desc())
    ).first()


def set_episode(db_session, client: Client, **fields) -> Episode:
    """Move the client's latest episode (or a new one) to a state by setting its fields."""
    episode = episode_of(db_session, client) or Episode(
        service_id=client.service_id, client_id=client.id, started_on=TODAY - timedelta(days=21)
    )
    for name, value in fields.items():
        setattr(episode, name, value)
    db_session.add(episode)
    db_session.commit()
    return episode


ELIGIBLE = {"eligible": True, "eligibility_on": TODAY - timedelta(days=20)}
ASSESSED = {**ELIGIBLE, "assessed_on": TODAY - timedelta(days=14), "primary_issue": "diet"}
IN_PLAN = {**ASSESSED, "agreed_on": TODAY - timedelta(days=14)}


def actions(db_session, client: Client) -> list[str]:
    return list(
        db_session.exec(
            select(AuditEvent.action).where(AuditEvent.client_id == client.id).order_by(AuditEvent.id)
        ).all()
    )


def changes(db_session, client: Client) -> list[str]:
    """Audited changes (not views) for the client."""
    return [action for action in actions(db_session, client) if not action.startswith("view_")]


def measures_of(db_session, client: Client) -> dict[str, Measure]:
    db_session.expire_all()
    rows = db_session.exec(select(Measure).where(Measure.client_id == client.id).order_by(Measure.id)).all()
    return {row.instrument: row for row in rows}


@pytest.fixture
def trainer(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    return world.clients["own"]


def page(response) -> str:
    return response.get_data(as_text=True)


# --- Eligibility ----------------------------------------------------------------------------


def test_eligible_moves_on_to_the_assessment(client, world, db_session, trainer):
    response = post_form(client, f"/clients/{trainer.id}/eligibility", {"eligible": "yes"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{trainer.id}/assessment")
    episode = episode_of(db_session, trainer)
    assert (episode.eligible, episode.eligibility_on, episode.ended_on) == (True, TODAY, None)
    assert changes(db_session, trainer) == ["check_eligibility"]
    assert "Do the first assessment" in page(client.get(f"/clients/{trainer.id}"))


def test_not_eligible_needs_a_reason_and_then_ends_the_episode(client, world, db_session, trainer):
    response = post_form(client, f"/clients/{trainer.id}/eligibility", {"eligible": "no"})
    assert response.status_code == 422
    assert "Say why they are not eligible" in page(response)
    assert episode_of(db_session, trainer).eligible is None and changes(db_session, trainer) == []

    response = post_form(
        client, f"/clients/{trainer.id}/eligibility", {"eligible": "no", "eligibility_reason": "Under 16"}
    )
    assert response.status_code == 303
    episode = episode_of(db_session, trainer)
    assert (episode.eligible, episode.ended_on, episode.exit_reason) == (False, TODAY, "not_eligible")
    assert journey.status(episode) == "not_eligible"
    assert db_session.exec(select(FollowUp)).all() == []
    assert "Not eligible" in page(client.get(f"/clients/{trainer.id}"))


def test_eligibility_cannot_be_dated_before_registration_or_in_the_future(client, world, db_session, trainer):
    trainer.registered_on = TODAY - timedelta(days=3)
    db_session.add(trainer)
    db_session.commit()
    for day, message in [
        (TODAY - timedelta(days=4), "cannot be before registration"),
        (TODAY + timedelta(days=1), "cannot be in the future"),
    ]:
        response = post_form(
            client, f"/clients/{trainer.id}/eligibility", {"eligible": "yes", "eligibility_on": day.isoformat()}
        )
        assert response.status_code == 422 and message in page(response)
    assert episode_of(db_session, trainer).eligible is None


def test_eligibility_opens_the_first_episode_when_there_is_none(client, world, db_session):
    newcomer = world.clients["other-caseload"]
    act_as(client, world.people["other-trainer"], world.grants["other-trainer"])
    assert episode_of(db_session, newcomer) is None
    assert post_form(client, f"/clients/{newcomer.id}/eligibility", {"eligible": "yes"}).status_code == 303
    episode = episode_of(db_session, newcomer)
    assert (episode.number, episode.started_on, episode.eligible) == (1, TODAY, True)


# --- Assessment -----------------------------------------------------------------------------

ASSESSMENT = {
    "primary_issue": "exercise",
    "secondary_needs": ["money_debt", "housing", "loneliness"],
    "readiness": "preparing",
    "height_cm": "170",
    "weight_kg": "85",
    "method": "measured",
    "general_health": "60",
    "self_efficacy": "55",
    **WHO5,
}


def test_assessment_saves_the_episode_and_baseline_measures_together(client, world, db_session, trainer):
    set_episode(db_session, trainer, **ELIGIBLE)
    response = post_form(client, f"/clients/{trainer.id}/assessment", ASSESSMENT)
    assert response.status_code == 303
    episode = episode_of(db_session, trainer)
    assert (episode.assessed_on, episode.primary_issue, episode.readiness) == (TODAY, "exercise", "preparing")
    assert episode.secondary_needs == ["money_debt", "housing", "loneliness"]
    assert episode.assessed_by_id == world.people["trainer"].id
    measures = measures_of(db_session, trainer)
    assert set(measures) == {"height_cm", "weight_kg", "bmi", "who5_percent", "general_health", "self_efficacy"}
    assert {row.stage for row in measures.values()} == {"baseline"}
    assert {row.taken_on for row in measures.values()} == {TODAY}
    assert {row.taken_by_id for row in measures.values()} == {world.people["trainer"].id}
    assert (measures["bmi"].value, measures["bmi"].method) == (29.4, "measured")
    assert (measures["who5_percent"].value, measures["who5_percent"].items) == (60, [4, 3, 3, 2, 3])
    assert changes(db_session, trainer) == ["assess"]
    record = page(client.get(f"/clients/{trainer.id}"))
    assert "Being active" in record and "Money or debt" in record
    assert "29.4: 25 to under 30" in record and "60%" in record
    assert "Agree the plan at the first session" in record


def test_assessment_needs_a_primary_issue_and_says_there_is_no_not_known(client, world, db_session, trainer):
    set_episode(db_session, trainer, **ELIGIBLE)
    response = post_form(client, f"/clients/{trainer.id}/assessment", {**ASSESSMENT, "primary_issue": ""})
    assert response.status_code == 422
    assert "no &#39;not known&#39;" in page(response) or "no 'not known'" in page(response)
    assert episode_of(db_session, trainer).assessed_on is None and measures_of(db_session, trainer) == {}


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"weight_kg": "500"}, "weight_kg", "from 25 to 350 kg"),
        ({"method": ""}, "method", "measured or the client told you"),
        ({"who5_3": ""}, "who5", "all five"),
        ({"assessed_on": (TODAY - timedelta(days=30)).isoformat()}, "assessed_on", "before"),
        ({"secondary_needs": ["other"]}, "secondary_other", "Say what the other need is"),
    ],
)
def test_bad_assessment_saves_nothing(client, world, db_session, trainer, change, field, message):
    set_episode(db_session, trainer, **ELIGIBLE)
    response = post_form(client, f"/clients/{trainer.id}/assessment", {**ASSESSMENT, **change})
    assert response.status_code == 422
    body = page(response)
    assert message in body and f'id="{field}' in body
    assert episode_of(db_session, trainer).assessed_on is None
    assert measures_of(db_session, trainer) == {} and changes(db_session, trainer) == []


def test_assessment_cannot_come_before_registration(client, world, db_session, trainer):
    trainer.registered_on = TODAY - timedelta(days=2)
    db_session.add(trainer)
    db_session.commit()
    set_episode(db_session, trainer, eligible=True, eligibility_on=None)
    before = (TODAY - timedelta(days=5)).isoformat()
    response = post_form(client, f"/clients/{trainer.id}/assessment", {**ASSESSMENT, "assessed_on": before})
    assert response.status_code == 422 and "cannot be before registration" in page(response)
    assert episode_of(db_session, trainer).assessed_on is None


def test_cannot_assess_before_eligibility(client, world, db_session, trainer):
    response = post_form(client, f"/clients/{trainer.id}/assessment", ASSESSMENT)
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/clients/{trainer.id}")
    assert "Check eligibility first" in page(client.get(f"/clients/{trainer.id}"))
    assert episode_of(db_session, trainer).assessed_on is None and measures_of(db_session, trainer) == {}


# --- Agreement ------------------------------------------------------------------------------


def test_agreement_records_sessions_and_the_clients_choices(client, world, db_session, trainer):
    set_episode(db_session, trainer, **ASSESSED)
    assert "about six, up to twelve" in page(client.get(f"/clients/{trainer.id}/agreement"))
    data = {"sessions_planned": "8", "contact_by_text": "yes", "diary_shared": "no"}
    response = post_form(client, f"/clients/{trainer.id}/agreement", data)
    assert response.status_code == 303 and response.headers["Location"].endswith(
        f"/clients/{trainer.id}/plan/goals/new"
    )
    episode = episode_of(db_session, trainer)
    assert (episode.agreed_on, episode.sessions_planned) == (TODAY, 8)
    saved = db_session.get(Client, trainer.id)
    assert (saved.contact_by_text, saved.contact_by_phone, saved.contact_by_app) == (True, False, False)
    assert saved.diary_shared is False and saved.diary_shared_changed_at is not None
    # The plan made when the first goal was set stays the one plan of the episode.
    assert len(db_session.exec(select(Plan).where(Plan.episode_id == episode.id)).all()) == 1
    assert changes(db_session, trainer) == ["agree_plan"]


def test_agreement_makes_the_plan_when_there_is_none(client, world, db_session):
    case = world.clients["other-caseload"]
    act_as(client, world.people["other-trainer"], world.grants["other-trainer"])
    episode = set_episode(db_session, case, **ASSESSED)
    assert post_form(client, f"/clients/{case.id}/agreement", {"diary_shared": "yes"}).status_code == 303
    assert db_session.exec(select(Plan).where(Plan.episode_id == episode.id)).one().agreed_on == TODAY


def test_agreement_keeps_the_diary_change_time_when_the_choice_is_the_same(client, world, db_session, trainer):
    set_episode(db_session, trainer, **ASSESSED)
    assert post_form(client, f"/clients/{trainer.id}/agreement", {"diary_shared": "yes"}).status_code == 303
    saved = db_session.get(Client, trainer.id)
    assert saved.diary_shared is True and saved.diary_shared_changed_at is None
    assert episode_of(db_session, trainer).sessions_planned == 6


@pytest.mark.parametrize(
    "data, message",
    [
        ({"sessions_planned": "13", "diary_shared": "yes"}, "from 1 to 12"),
        ({"sessions_planned": "6"}, "choose yes or no"),
        ({"diary_shared": "yes", "agreed_on": (TODAY - timedelta(days=15)).isoformat()}, "before the assessment"),
    ],
)
def test_bad_agreement_saves_nothing(client, world, db_session, trainer, data, message):
    set_episode(db_session, trainer, **ASSESSED)
    response = post_form(client, f"/clients/{trainer.id}/agreement", {**data, "contact_by_phone": "yes"})
    assert response.status_code == 422 and message in page(response)
    assert episode_of(db_session, trainer).agreed_on is None
    assert db_session.get(Client, trainer.id).contact_by_phone is False


# --- Pause and resume -----------------------------------------------------------------------


def test_pause_needs_a_reason_then_resume_clears_it(client, world, db_session, trainer):
    set_episode(db_session, trainer, **IN_PLAN)
    response = post_form(client, f"/clients/{trainer.id}/pause", {"pause_reason": " "})
    assert response.status_code == 422 and "Say why" in page(response)
    assert episode_of(db_session, trainer).paused_on is None

    assert post_form(client, f"/clients/{trainer.id}/pause", {"pause_reason": "In hospital"}).status_code == 303
    episode = episode_of(db_session, trainer)
    assert (journey.status(episode), episode.pause_reason, episode.paused_on) == ("paused", "In hospital", TODAY)
    record = page(client.get(f"/clients/{trainer.id}"))
    assert "In hospital" in record and "Start again when they are ready" in record

    assert post_form(client, f"/clients/{trainer.id}/resume").status_code == 303
    episode = episode_of(db_session, trainer)
    assert (journey.status(episode), episode.paused_on, episode.pause_reason) == ("in_plan", None, "")
    assert changes(db_session, trainer) == ["pause", "resume"]


def test_resume_only_when_paused(client, world, db_session, trainer):
    set_episode(db_session, trainer, **IN_PLAN)
    assert post_form(client, f"/clients/{trainer.id}/resume").status_code == 303
    assert changes(db_session, trainer) == []
    assert "Only a paused episode can be resumed" in page(client.get(f"/clients/{trainer.id}"))


# --- Exit -----------------------------------------------------------------------------------


def add_goal(db_session, world, wording: str) -> Goal:
    own_goal = world.goals["own"]
    goal = Goal(
        service_id=own_goal.service_id,
        client_id=own_goal.client_id,
        plan_id=own_goal.plan_id,
        code="diet-increase-fruit_veg",
        wording=wording,
        start_date=own_goal.start_date,
        review_date=own_goal.review_date,
    )
    db_session.add(goal)
    db_session.commit()
    return goal


EXIT = {"exit_reason": "completed_plan", "maintenance_plan": "Walk with Sue on Tuesdays.\nFruit at lunch.", **WHO5}


def test_exit_needs_an_outcome_for_every_goal_and_saves_nothing_without(client, world, db_session, trainer):
    set_episode(db_session, trainer, **IN_PLAN)
    second = add_goal(db_session, world, "Fruit with lunch every day")
    first = world.goals["own"]
    form = page(client.get(f"/clients/{trainer.id}/exit"))
    assert first.wording in form and second.wording in form

    response = post_form(client, f"/clients/{trainer.id}/exit", {**EXIT, f"outcome_{first.id}": "achieved"})
    assert response.status_code == 422
    assert "Choose an outcome for &#39;Fruit with lunch every day&#39;" in page(response)
    db_session.expire_all()
    assert episode_of(db_session, trainer).ended_on is None
    assert db_session.get(Goal, first.id).outcome is None
    assert db_session.exec(select(FollowUp)).all() == [] and measures_of(db_session, trainer) == {}


def test_exit_records_outcomes_measures_plan_and_follow_ups(client, world, db_session, trainer):
    set_episode(db_session, trainer, **IN_PLAN)
    second = add_goal(db_session, world, "Fruit with lunch every day")
    first = world.goals["own"]
    data = {**EXIT, f"outcome_{first.id}": "part_achieved", f"outcome_{second.id}": "none_yet", "weight_kg": "80"}
    data["method"] = "self_reported"
    response = post_form(client, f"/clients/{trainer.id}/exit", data)
    assert response.status_code == 303
    episode = episode_of(db_session, trainer)
    assert (episode.ended_on, episode.exit_reason, episode.exited_by_id) == (
        TODAY,
        "completed_plan",
        world.people["trainer"].id,
    )
    assert episode.maintenance_plan == "Walk with Sue on Tuesdays.\nFruit at lunch."
    assert (db_session.get(Goal, first.id).outcome, db_session.get(Goal, second.id).outcome) == (
        "part_achieved",
        "none_yet",
    )
    revisions = db_session.exec(select(GoalRevision).where(GoalRevision.goal_id == first.id)).all()
    assert [revision.action for revision in revisions] == ["outcome"]
    follow_ups = db_session.exec(
        select(FollowUp).where(FollowUp.episode_id == episode.id).order_by(FollowUp.due_on)
    ).all()
    assert [(item.stage, item.due_on) for item in follow_ups] == [
        ("3_months", TODAY + timedelta(days=91)),
        ("6_months", TODAY + timedelta(days=182)),
    ]
    measures = measures_of(db_session, trainer)
    assert {name: row.stage for name, row in measures.items()} == {"weight_kg": "exit", "who5_percent": "exit"}
    assert changes(db_session, trainer) == ["exit_client"]
    record = page(client.get(f"/clients/{trainer.id}"))
    assert "Finished their plan" in record and "Walk with Sue on Tuesdays." in record
    assert "Wait for the 3 months follow-up" in record


@pytest.mark.parametrize(
    "change, message",
    [
        ({"ended_on": (TODAY - timedelta(days=15)).isoformat()}, "cannot be before the assessment"),
        ({"exit_reason": "other"}, "Say what the other reason is"),
        ({"exit_reason": ""}, "Choose why they are finishing"),
        ({"maintenance_plan": ""}, "plan to keep going"),
        ({"maintenance_plan": "x" * 1001}, "under 1000 letters"),
    ],
)
def test_bad_exit_saves_nothing(client, world, db_session, trainer, change, message):
    set_episode(db_session, trainer, **IN_PLAN)
    goal = world.goals["own"]
    response = post_form(client, f"/clients/{trainer.id}/exit", {**EXIT, f"outcome_{goal.id}": "achieved", **change})
    assert response.status_code == 422 and message in page(response)
    assert episode_of(db_session, trainer).ended_on is None
    assert db_session.get(Goal, goal.id).outcome is None and changes(db_session, trainer) == []


def test_exit_as_not_eligible_makes_no_follow_ups(client, world, db_session, trainer):
    goal = world.goals["own"]
    data = {
        "exit_reason": "not_eligible",
        "maintenance_plan": "Signposted to the GP.",
        f"outcome_{goal.id}": "none_yet",
    }
    assert post_form(client, f"/clients/{trainer.id}/exit", data).status_code == 303
    assert episode_of(db_session, trainer).exit_reason == "not_eligible"
    assert db_session.exec(select(FollowUp)).all() == []


# --- Follow-up ------------------------------------------------------------------------------


def exited(db_session, world, client_record: Client, days_ago: int = 100) -> Episode:
    ended = TODAY - timedelta(days=days_ago)
    episode = set_episode(
        db_session,
        client_record,
        **{
            **IN_PLAN,
            "eligibility_on": ended - timedelta(days=30),
            "assessed_on": ended - timedelta(days=25),
            "agreed_on": ended - timedelta(days=25),
            "started_on": ended - timedelta(days=40),
            "ended_on": ended,
            "exit_reason": "completed_plan",
            "maintenance_plan": "Keep walking",
        },
    )
    for stage, days in [("3_months", 91), ("6_months", 182)]:
        db_session.add(
            FollowUp(
                service_id=episode.service_id,
                client_id=episode.client_id,
                episode_id=episode.id,
                stage=stage,
                due_on=ended + timedelta(days=days),
            )
        )
    db_session.commit()
    return episode


def test_follow_up_records_whether_the_change_lasted(client, world, db_session, trainer):
    episode = exited(db_session, world, trainer)
    goal = world.goals["own"]
    record = page(client.get(f"/clients/{trainer.id}"))
    assert "Do the 3 months follow-up" in record
    data = {
        "result": "partly",
        f"maintained_{goal.id}": "yes",
        "note": "Still walking",
        "weight_kg": "79",
        "method": "self_reported",
    }
    assert post_form(client, f"/clients/{trainer.id}/follow-up", data).status_code == 303
    db_session.expire_all()
    first, second = db_session.exec(
        select(FollowUp).where(FollowUp.episode_id == episode.id).order_by(FollowUp.due_on)
    ).all()
    assert (first.done_on, first.result, first.note, first.by_id) == (
        TODAY,
        "partly",
        "Still walking",
        world.people["trainer"].id,
    )
    assert second.done_on is None
    assert db_session.get(Goal, goal.id).maintained == "yes"
    assert measures_of(db_session, trainer)["weight_kg"].stage == "follow_up"
    assert changes(db_session, trainer) == ["record_follow_up"]


def test_follow_up_that_did_not_reach_the_client_takes_no_measures(client, world, db_session, trainer):
    exited(db_session, world, trainer)
    response = post_form(
        client, f"/clients/{trainer.id}/follow-up", {"result": "not_contacted", "weight_kg": "79", "method": "measured"}
    )
    assert response.status_code == 422 and "leave the measures empty" in page(response)
    db_session.expire_all()
    assert all(item.done_on is None for item in db_session.exec(select(FollowUp)).all())
    assert measures_of(db_session, trainer) == {}


def test_follow_up_of_another_client_is_not_found(client, world, db_session, trainer):
    exited(db_session, world, trainer)
    other = exited(db_session, world, world.clients["other-caseload"])
    other_follow_up = db_session.exec(select(FollowUp).where(FollowUp.episode_id == other.id)).first()
    response = client.get(f"/clients/{trainer.id}/follow-up?follow_up_id={other_follow_up.id}")
    assert response.status_code == 404


def test_follow_up_waits_for_the_exit(client, world, db_session, trainer):
    response = post_form(client, f"/clients/{trainer.id}/follow-up", {"result": "yes"})
    assert response.status_code == 303 and changes(db_session, trainer) == []


# --- Measures at any stage ------------------------------------------------------------------


def support_session(db_session, client_record: Client, episode: Episode) -> SupportSession:
    support = SupportSession(
        service_id=client_record.service_id,
        client_id=client_record.id,
        episode_id=episode.id,
        starts_at=utcnow() - timedelta(days=1),
        status="attended",
    )
    db_session.add(support)
    db_session.commit()
    return support


def test_measures_page_saves_review_measures_for_a_session(client, world, db_session, trainer):
    episode = set_episode(db_session, trainer, **IN_PLAN)
    support = support_session(db_session, trainer, episode)
    url = f"/clients/{trainer.id}/measures?stage=review&session_id={support.id}"
    form = page(client.get(url))
    assert 'name="session_id" value="%d"' % support.id in form
    response = post_form(
        client, url, {"stage": "review", "session_id": str(support.id), "weight_kg": "82.4", "method": "measured"}
    )
    assert response.status_code == 303
    weight = measures_of(db_session, trainer)["weight_kg"]
    assert (weight.stage, weight.value, weight.session_id, weight.episode_id) == (
        "review",
        82.4,
        support.id,
        episode.id,
    )
    assert changes(db_session, trainer) == ["add_measures"]
    assert "82.4" in page(client.get(f"/clients/{trainer.id}"))


def test_measures_page_needs_a_measure_and_a_session_of_this_client(client, world, db_session, trainer):
    set_episode(db_session, trainer, **IN_PLAN)
    response = post_form(client, f"/clients/{trainer.id}/measures", {"stage": "review"})
    assert response.status_code == 422 and "at least one measure" in page(response)
    other = exited(db_session, world, world.clients["other-caseload"])
    stranger = support_session(db_session, world.clients["other-caseload"], other)
    response = post_form(
        client,
        f"/clients/{trainer.id}/measures?session_id={stranger.id}",
        {"stage": "review", "weight_kg": "80", "method": "measured"},
    )
    assert response.status_code == 404
    response = post_form(
        client, f"/clients/{trainer.id}/measures", {"stage": "follow_up", "weight_kg": "80", "method": "measured"}
    )
    assert response.status_code == 422
    assert measures_of(db_session, trainer) == {}


def test_record_compares_start_and_latest_measures(client, world, db_session, trainer):
    set_episode(db_session, trainer, **ELIGIBLE)
    post_form(client, f"/clients/{trainer.id}/assessment", ASSESSMENT)
    post_form(client, f"/clients/{trainer.id}/measures", {"stage": "review", "weight_kg": "81.5", "method": "measured"})
    record = page(client.get(f"/clients/{trainer.id}"))
    assert "<td>85</td>" in record and "81.5" in record and "<td>-3.5</td>" in record
    # The weight alone gave a BMI from the height taken at the start: 81.5 / 1.7² = 28.2.
    bmi_rows = db_session.exec(select(Measure).where(Measure.instrument == "bmi").order_by(Measure.id)).all()
    assert [(row.stage, row.value) for row in bmi_rows] == [("baseline", 29.4), ("review", 28.2)]
    assert "<td>-1.2</td>" in record


# --- A returning client ---------------------------------------------------------------------


def test_new_episode_only_when_none_is_open_and_history_stays(client, world, db_session, trainer):
    assert post_form(client, f"/clients/{trainer.id}/episodes/new").status_code == 303
    assert len(db_session.exec(select(Episode).where(Episode.client_id == trainer.id)).all()) == 1

    old = exited(db_session, world, trainer)
    before_end = (old.ended_on - timedelta(days=1)).isoformat()
    response = post_form(client, f"/clients/{trainer.id}/episodes/new", {"started_on": before_end})
    assert response.status_code == 422 and "before the last episode ended" in page(response)

    assert post_form(client, f"/clients/{trainer.id}/episodes/new").status_code == 303
    newest = episode_of(db_session, trainer)
    assert (newest.number, newest.started_on, newest.ended_on, newest.eligible) == (2, TODAY, None, None)
    assert changes(db_session, trainer) == ["new_episode"]
    record = page(client.get(f"/clients/{trainer.id}"))
    assert "Earlier episodes" in record and "Episode 1:" in record and "finished their plan" in record
    assert "Check eligibility" in record and "Episode 2, from" in record


# --- Who may do what ------------------------------------------------------------------------


@pytest.fixture
def supervised(world, db_session):
    world.north.trainee_mode = "supervised"
    db_session.add(world.north)
    db_session.commit()


def test_supervised_trainee_records_but_does_not_decide(client, world, db_session, supervised):
    case = world.clients["trainee-own"]
    act_as(client, world.people["trainee"], world.grants["trainee"])
    assert client.get(f"/clients/{case.id}/eligibility").status_code == 403
    assert post_form(client, f"/clients/{case.id}/eligibility", {"eligible": "yes"}).status_code == 403
    assert post_form(client, f"/clients/{case.id}/exit", EXIT).status_code == 403
    assert post_form(client, f"/clients/{case.id}/episodes/new").status_code == 403
    assert "A health trainer needs to do this" in page(client.get(f"/clients/{case.id}"))

    set_episode(db_session, case, **ELIGIBLE)
    assert post_form(client, f"/clients/{case.id}/assessment", ASSESSMENT).status_code == 303
    assert episode_of(db_session, case).assessed_on == TODAY
    assert changes(db_session, case) == ["assess"]


def test_trainee_in_full_mode_decides_on_their_own_caseload(client, world, db_session):
    case = world.clients["trainee-own"]
    act_as(client, world.people["trainee"], world.grants["trainee"])
    assert post_form(client, f"/clients/{case.id}/eligibility", {"eligible": "yes"}).status_code == 303
    assert episode_of(db_session, case).eligible is True


@pytest.mark.parametrize(
    "actor, expected",
    [("other-trainer", 403), ("south-trainer", 404), ("champion", 403), ("manager", 403), ("client", 403)],
)
@pytest.mark.parametrize(
    "path, data",
    [
        ("eligibility", {"eligible": "yes"}),
        ("assessment", ASSESSMENT),
        ("pause", {"pause_reason": "Away"}),
        ("exit", EXIT),
        ("measures", {"stage": "review", "weight_kg": "80", "method": "measured"}),
    ],
)
def test_only_the_clients_own_trainer_changes_their_journey(client, world, db_session, actor, expected, path, data):
    own = world.clients["own"]
    set_episode(db_session, own, **ELIGIBLE)
    act_as(client, world.people[actor], world.grants[actor])
    assert post_form(client, f"/clients/{own.id}/{path}", data).status_code == expected
    assert episode_of(db_session, own).assessed_on is None and measures_of(db_session, own) == {}
    assert changes(db_session, own) == []
