"""Saving sessions and contacts. Database work only, no HTTP."""

from datetime import datetime

from sqlmodel import Session, select

from models import Client, Contact, Episode, Goal, Plan, SupportSession
from pwa.caseload.checked import Checked
from pwa.clock import to_london, utcnow
from pwa.plans import store as plans_store


def open_episode(session: Session, client: Client) -> Episode | None:
    """The client's open episode (paused or not), if any."""
    return plans_store.current_episode(session, client)


def sessions_of(session: Session, episode: Episode) -> list[SupportSession]:
    """The episode's sessions, oldest first."""
    return list(
        session.exec(
            select(SupportSession)
            .where(SupportSession.episode_id == episode.id)
            .order_by(SupportSession.starts_at, SupportSession.id)
        ).all()
    )


def session_of_client(session: Session, client: Client, session_id: int) -> SupportSession | None:
    """One of this client's sessions, or None (another client's id is as good as missing)."""
    found = session.get(SupportSession, session_id)
    return found if found is not None and found.client_id == client.id else None


def reviewable_goals(session: Session, episode: Episode, support: SupportSession | None = None) -> list[Goal]:
    """The episode's active goals, plus any already ticked as reviewed in this session."""
    plan = session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
    if plan is None:
        return []
    goals = session.exec(select(Goal).where(Goal.plan_id == plan.id).order_by(Goal.created_at, Goal.id)).all()
    ticked = set(support.goals_reviewed) if support else set()
    return [goal for goal in goals if goal.status == "active" or goal.id in ticked]


def plan_session(session: Session, client: Client, episode: Episode, checked: Checked, by_id: int) -> SupportSession:
    """A new planned session in the episode."""
    support = SupportSession(
        service_id=client.service_id,
        client_id=client.id,
        episode_id=episode.id,
        trainer_id=by_id,
        starts_at=checked.values["starts_at"],
        venue=checked.values["venue"],
        mode=checked.values["mode"],
        status="planned",
    )
    session.add(support)
    session.commit()
    return support


def record_session(
    session: Session,
    client: Client,
    episode: Episode,
    checked: Checked,
    by_id: int,
    support: SupportSession | None = None,
    now: datetime | None = None,
) -> SupportSession:
    """Record how a session went: a planned one, a new one, or a correction to a recorded one.

    The first recording sets who recorded it and when; a later edit only moves updated_at.
    """
    now = now or utcnow()
    if support is None:
        support = SupportSession(
            service_id=client.service_id, client_id=client.id, episode_id=episode.id, trainer_id=by_id, starts_at=now
        )
    for name in ("starts_at", "venue", "mode", "status", "minutes", "notes", "agreed_actions", "goals_reviewed"):
        setattr(support, name, checked.values[name])
    if support.recorded_at is None:
        support.recorded_at, support.recorded_by_id = now, by_id
    support.updated_at = now
    session.add(support)
    if support.status == "attended":
        _note_first_seen(client, support.starts_at)
    session.commit()
    return support


def _note_first_seen(client: Client, starts_at: datetime) -> None:
    """Keep the date the client was first seen (the "month first seen" report reads it)."""
    seen_on = to_london(starts_at).date()
    if client.first_seen_on is None or seen_on < client.first_seen_on:
        client.first_seen_on = seen_on


def add_contact(session: Session, client: Client, episode: Episode, checked: Checked, by_id: int) -> Contact:
    """A contact between sessions, in the episode."""
    contact = Contact(
        service_id=client.service_id,
        client_id=client.id,
        episode_id=episode.id,
        contact_on=checked.values["contact_on"],
        kind=checked.values["kind"],
        outcome=checked.values["outcome"],
        by_id=by_id,
    )
    session.add(contact)
    session.commit()
    return contact
