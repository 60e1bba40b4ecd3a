"""Saving the steps of a client's journey. Database work only, no HTTP.

Nothing here commits: a view saves a whole step, then `audit()` commits it together with the
audit row, so a step is saved whole or not at all."""

from datetime import date, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from models import Client, Episode, FollowUp, Goal, Measure, Plan
from pwa.caseload.measures import CheckedMeasures
from pwa.clock import utcnow
from pwa.plans import store as plans_store

# Follow-ups after exit: about 3 and 6 months later.
FOLLOW_UP_DAYS = {"3_months": 91, "6_months": 182}


def latest_episode(session: Session, client: Client) -> Episode | None:
    """The client's open episode, else the one that ended last."""
    episodes = session.exec(
        select(Episode).where(Episode.client_id == client.id).order_by(Episode.started_on.desc(), Episode.id.desc())
    ).all()
    return next((episode for episode in episodes if episode.ended_on is None), episodes[0] if episodes else None)


def open_episode(session: Session, client: Client, started_on: date) -> Episode:
    """A new episode numbered after the client's earlier ones; the old ones stay as they were."""
    previous = session.exec(select(func.max(Episode.number)).where(Episode.client_id == client.id)).one()
    episode = Episode(
        service_id=client.service_id, client_id=client.id, number=(previous or 0) + 1, started_on=started_on
    )
    session.add(episode)
    session.flush()
    return episode


def _touch(session: Session, episode: Episode, **changes) -> None:
    for name, value in changes.items():
        setattr(episode, name, value)
    episode.updated_at = utcnow()
    session.add(episode)
    session.flush()


def decide_eligibility(session: Session, client: Client, episode: Episode | None, values: dict, by_id: int | None):
    """Record eligibility, opening the first episode if there is none. Not eligible ends it."""
    if episode is None:
        episode = open_episode(session, client, client.registered_on or values["eligibility_on"])
    changes = {
        "eligible": values["eligible"],
        "eligibility_reason": values["eligibility_reason"],
        "eligibility_on": values["eligibility_on"],
    }
    if values["eligible"] is False:
        changes.update(ended_on=values["eligibility_on"], exit_reason="not_eligible", exited_by_id=by_id)
    _touch(session, episode, **changes)
    return episode


def save_measures(
    session: Session,
    episode: Episode,
    measures: CheckedMeasures,
    *,
    stage: str,
    taken_on: date,
    by_id: int | None,
    session_id: int | None = None,
) -> list[Measure]:
    """One Measure row per instrument of a checked form (BMI included)."""
    rows = [
        Measure(
            service_id=episode.service_id,
            client_id=episode.client_id,
            episode_id=episode.id,
            session_id=session_id,
            stage=stage,
            taken_on=taken_on,
            taken_by_id=by_id,
            **row,
        )
        for row in measures.rows()
    ]
    session.add_all(rows)
    session.flush()
    return rows


def record_assessment(
    session: Session, episode: Episode, values: dict, measures: CheckedMeasures, by_id: int | None
) -> list[Measure]:
    """The first assessment and its baseline measures."""
    _touch(
        session,
        episode,
        assessed_on=values["assessed_on"],
        assessed_by_id=by_id,
        primary_issue=values["primary_issue"],
        secondary_needs=values["secondary_needs"],
        secondary_other=values["secondary_other"],
        readiness=values["readiness"],
    )
    return save_measures(session, episode, measures, stage="baseline", taken_on=values["assessed_on"], by_id=by_id)


def record_agreement(session: Session, client: Client, episode: Episode, values: dict, by_id: int | None) -> None:
    """The first-session agreement, and the client's choices about contact and their diary."""
    _touch(session, episode, agreed_on=values["agreed_on"], sessions_planned=values["sessions_planned"])
    for name in ("contact_by_text", "contact_by_phone", "contact_by_app"):
        setattr(client, name, values[name])
    if client.diary_shared != values["diary_shared"]:
        client.diary_shared = values["diary_shared"]
        client.diary_shared_changed_at = utcnow()
    client.updated_at = utcnow()
    session.add(client)
    # The plan is agreed now; goals set earlier already have one.
    plan = session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
    if plan is None:
        session.add(
            Plan(
                service_id=episode.service_id,
                client_id=episode.client_id,
                episode_id=episode.id,
                agreed_on=values["agreed_on"],
                created_by_id=by_id,
            )
        )
    session.flush()


def pause(session: Session, episode: Episode, values: dict) -> None:
    _touch(session, episode, paused_on=values["paused_on"], pause_reason=values["pause_reason"])


def resume(session: Session, episode: Episode) -> None:
    _touch(session, episode, paused_on=None, pause_reason="")


def exit_episode(
    session: Session, episode: Episode, goals: list[Goal], values: dict, measures: CheckedMeasures, by_id: int | None
) -> list[FollowUp]:
    """Finish an episode: goal outcomes (kept in goal history), exit measures, the maintenance
    plan, and follow-ups at about 3 and 6 months (none for someone who was not eligible)."""
    ended_on = values["ended_on"]
    for goal in goals:
        if goal.id in values["outcomes"]:
            plans_store.record_outcome(session, goal, values["outcomes"][goal.id], ended_on, by_id, commit=False)
    save_measures(session, episode, measures, stage="exit", taken_on=ended_on, by_id=by_id)
    _touch(
        session,
        episode,
        ended_on=ended_on,
        exit_reason=values["exit_reason"],
        exit_reason_other=values["exit_reason_other"],
        maintenance_plan=values["maintenance_plan"],
        exited_by_id=by_id,
    )
    if values["exit_reason"] == "not_eligible":
        return []
    follow_ups = [
        FollowUp(
            service_id=episode.service_id,
            client_id=episode.client_id,
            episode_id=episode.id,
            stage=stage,
            due_on=ended_on + timedelta(days=days),
        )
        for stage, days in FOLLOW_UP_DAYS.items()
    ]
    session.add_all(follow_ups)
    session.flush()
    return follow_ups


def follow_ups_of(session: Session, episode: Episode) -> list[FollowUp]:
    return list(session.exec(select(FollowUp).where(FollowUp.episode_id == episode.id).order_by(FollowUp.due_on)))


def record_follow_up(
    session: Session,
    episode: Episode,
    follow_up: FollowUp,
    goals: list[Goal],
    values: dict,
    measures: CheckedMeasures,
    by_id: int | None,
) -> None:
    """A follow-up done: the answer, any goal kept up, and follow-up measures."""
    follow_up.done_on, follow_up.result, follow_up.note, follow_up.by_id = (
        values["done_on"],
        values["result"],
        values["note"],
        by_id,
    )
    session.add(follow_up)
    for goal in goals:
        answer = values["maintained"].get(goal.id)
        if answer and answer != goal.maintained:
            plans_store.record_maintained(session, goal, answer, values["done_on"], by_id, commit=False)
    save_measures(session, episode, measures, stage="follow_up", taken_on=values["done_on"], by_id=by_id)
