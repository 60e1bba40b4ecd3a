"""The caseload worklist, worked out in bulk: a handful of grouped queries for the whole caseload,
never one query per client. Database reads only.

Who each filter picks (today is the London date; "within N days" counts today as day 0):

- due: a planned session of the open episode on a day from today to today + 7.
- overdue: a planned session of the open episode on a day before today that was never recorded,
  or an in-plan client with nothing planned whose last session that took place (or, with none yet,
  the day the plan was agreed) was more than 14 days ago.
- no_diary: a client with the app, sharing their diary, in an open and not paused episode that
  started at least 7 days ago, with nothing in the diary today or in the 6 days before.
- no_progress: see pwa/caseload/worklist_progress.py.
- awaiting_outcome: an active goal with no outcome that is past its review date, or whose
  episode has ended.
- follow_up: a 3 or 6 month follow-up not done and due within 7 days (or late), or a signpost
  whose follow-up day has come with no result yet.
- unsigned: a client still being supported (not finished) with no consent signed.
- marked: a member of staff marked the client for follow-up.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, func, or_, union
from sqlmodel import Session, select

from models import Client, DiaryEntry, Episode, FollowUp, Goal, Person, Plan, RoleGrant, Signpost, SupportSession
from pwa.caseload.journey import status as journey_status
from pwa.caseload.worklist_progress import stalled_clients
from pwa.clock import london_day_bounds, to_london
from pwa.roles import CASELOAD_ROLES, Role

DUE_DAYS = 7  # a planned session up to this many days ahead is due
GAP_DAYS = 14  # an in-plan client with no session for longer than this is overdue
QUIET_DAYS = 7  # no diary on this many London days, today included
FOLLOW_UP_AHEAD_DAYS = 7  # 3 and 6 month follow-ups show this many days before they are due

# Statuses of clients no longer being supported: left out of "current clients".
FINISHED = frozenset({"exited", "not_eligible"})


@dataclass
class WorklistRow:
    """One client on the worklist."""

    id: int
    full_name: str
    trainer_id: int | None
    status: str
    follow_up_note: str = ""
    next_session: datetime | None = None  # the next planned session
    last_session: datetime | None = None  # the last session that took place
    flags: set[str] = field(default_factory=set)

    @property
    def finished(self) -> bool:
        return self.status in FINISHED


@dataclass
class _Current:
    """The current episode of a client, as the flags need it."""

    episode_id: int
    started_on: date
    ended_on: date | None
    exit_reason: str | None
    paused_on: date | None
    agreed_on: date | None
    assessed_on: date | None
    eligible: bool | None
    plan_agreed_on: date | None


def load_worklist(session: Session, clients_query, today: date) -> list[WorklistRow]:
    """Every client the query selects, by name, with status, sessions and flags.

    clients_query: a select of Client rows (policy.visible_clients, maybe narrowed); only its
    WHERE clause is used.
    """
    columns = (
        Client.id,
        Client.full_name,
        Client.trainer_id,
        Client.person_id,
        Client.diary_shared,
        Client.consent_signed_on,
        Client.follow_up_flag,
        Client.follow_up_note,
    )
    # session.execute, not exec: sqlmodel would keep only the first column of a narrowed select(Client).
    clients = session.execute(clients_query.with_only_columns(*columns).order_by(Client.full_name, Client.id)).all()
    if not clients:
        return []
    scope = clients_query.with_only_columns(Client.id)
    current = _current_episodes(session, scope)
    rows = {}
    for client in clients:
        episode = current.get(client.id)
        row = WorklistRow(
            id=client.id,
            full_name=client.full_name,
            trainer_id=client.trainer_id,
            status=journey_status(episode),
            follow_up_note=client.follow_up_note if client.follow_up_flag else "",
        )
        if client.consent_signed_on is None and not row.finished:
            row.flags.add("unsigned")
        if client.follow_up_flag:
            row.flags.add("marked")
        rows[client.id] = row

    _add_session_flags(session, scope, rows, current, today)
    quiet_candidates = [
        client.id
        for client in clients
        if client.person_id is not None and client.diary_shared and _supported_since(current.get(client.id), today)
    ]
    for client_id in _quiet_diaries(session, quiet_candidates, today):
        rows[client_id].flags.add("no_diary")
    for client_id in _awaiting_outcome(session, scope, today):
        rows[client_id].flags.add("awaiting_outcome")
    for client_id in _follow_ups_due(session, scope, today):
        rows[client_id].flags.add("follow_up")
    shared = {client.id: client.diary_shared for client in clients}
    for client_id in stalled_clients(session, scope, shared, today):
        rows[client_id].flags.add("no_progress")
    return list(rows.values())


def _current_episodes(session: Session, scope) -> dict[int, _Current]:
    """Each client's open episode (the latest if several), else their latest episode."""
    found = session.exec(
        select(
            Episode.id,
            Episode.client_id,
            Episode.started_on,
            Episode.ended_on,
            Episode.exit_reason,
            Episode.paused_on,
            Episode.agreed_on,
            Episode.assessed_on,
            Episode.eligible,
            Plan.agreed_on,
        )
        .outerjoin(Plan, Plan.episode_id == Episode.id)
        .where(Episode.client_id.in_(scope))
        .order_by(Episode.client_id, Episode.started_on, Episode.id)
    ).all()
    current: dict[int, _Current] = {}
    for episode_id, client_id, *values in found:
        episode = _Current(episode_id, *values)
        before = current.get(client_id)
        # Rows come oldest first: a later episode wins, except that a closed one never beats an open one.
        if before is None or before.ended_on is not None or episode.ended_on is None:
            current[client_id] = episode
    return current


def _supported_since(episode: _Current | None, today: date) -> bool:
    """In an open, running episode for long enough to expect a week of diary."""
    return (
        episode is not None
        and episode.ended_on is None
        and episode.paused_on is None
        and episode.started_on <= today - timedelta(days=QUIET_DAYS - 1)
    )


def _add_session_flags(session: Session, scope, rows: dict[int, WorklistRow], current, today: date) -> None:
    """Next and last session, "due" and "overdue", from one grouped query."""
    today_starts, _ = london_day_bounds(today)
    _, due_ends = london_day_bounds(today + timedelta(days=DUE_DAYS))
    planned_now = and_(SupportSession.status == "planned", Episode.ended_on.is_(None))
    took_place = SupportSession.status == "attended"
    found = session.exec(
        select(
            SupportSession.client_id,
            func.min(case((and_(planned_now, SupportSession.starts_at >= today_starts), SupportSession.starts_at))),
            func.max(case((took_place, SupportSession.starts_at))),
            func.max(case((and_(took_place, Episode.ended_on.is_(None)), SupportSession.starts_at))),
            func.count(case((and_(planned_now, SupportSession.starts_at < today_starts), 1))),
        )
        .join(Episode, Episode.id == SupportSession.episode_id)
        .where(SupportSession.client_id.in_(scope))
        .group_by(SupportSession.client_id)
    ).all()
    sessions = {client_id: values for client_id, *values in found}
    gap_before = today - timedelta(days=GAP_DAYS)
    for client_id, row in rows.items():
        next_at, last_at, last_open_at, missed = sessions.get(client_id, (None, None, None, 0))
        row.next_session, row.last_session = next_at, last_at
        if next_at is not None and next_at < due_ends:
            row.flags.add("due")
        if missed:
            row.flags.add("overdue")
        elif row.status == "in_plan" and next_at is None:
            episode = current[client_id]
            seen = to_london(last_open_at).date() if last_open_at else episode.agreed_on or episode.plan_agreed_on
            if (seen or episode.started_on) < gap_before:
                row.flags.add("overdue")


def _quiet_diaries(session: Session, client_ids: list[int], today: date) -> set[int]:
    """Of these clients, those with nothing in the diary on the last QUIET_DAYS London days."""
    if not client_ids:
        return set()
    # EXISTS stops at the first entry of each client (index on client and day), where DISTINCT reads them all.
    logged = session.exec(
        select(Client.id).where(
            Client.id.in_(client_ids),
            exists().where(
                DiaryEntry.client_id == Client.id,
                DiaryEntry.day >= today - timedelta(days=QUIET_DAYS - 1),
                DiaryEntry.deleted_at.is_(None),
            ),
        )
    ).all()
    return set(client_ids) - set(logged)


def _awaiting_outcome(session: Session, scope, today: date) -> set[int]:
    """Clients with an active goal and no outcome, past its review date or in an ended episode."""
    found = session.exec(
        select(Goal.client_id)
        .distinct()
        .join(Plan, Plan.id == Goal.plan_id)
        .join(Episode, Episode.id == Plan.episode_id)
        .where(
            Goal.client_id.in_(scope),
            Goal.status == "active",
            Goal.outcome.is_(None),
            or_(Episode.ended_on.is_not(None), Goal.review_date < today),
        )
    ).all()
    return set(found)


def _follow_ups_due(session: Session, scope, today: date) -> set[int]:
    """Clients with a 3 or 6 month follow-up coming up or late, or a signpost to follow up."""
    follow_ups = select(FollowUp.client_id).where(
        FollowUp.client_id.in_(scope),
        FollowUp.done_on.is_(None),
        FollowUp.result.is_(None),
        FollowUp.due_on <= today + timedelta(days=FOLLOW_UP_AHEAD_DAYS),
    )
    signposts = select(Signpost.client_id).where(
        Signpost.client_id.in_(scope),
        Signpost.result.is_(None),
        Signpost.follow_up_on <= today,
    )
    return set(session.exec(union(follow_ups, signposts)).scalars().all())


@dataclass(frozen=True)
class Holder:
    """Someone who holds (or may hold) a caseload in the service."""

    id: int
    name: str
    role: str  # "trainer", "trainee", or "" when they no longer hold either role here
    active: bool  # may be given clients: holds the role and the account is not turned off

    @property
    def label(self) -> str:
        if not self.role:
            return f"{self.name} (no longer a trainer here)"
        suffix = " (trainee)" if self.role == Role.TRAINEE else ""
        return f"{self.name}{suffix}" if self.active else f"{self.name}{suffix} (account turned off)"


def caseload_holders(session: Session, service_id: int) -> list[Holder]:
    """The service's trainers and trainees, and anyone else still holding clients in it (someone who
    left keeps their clients until a manager moves them), by name."""
    granted = session.exec(
        select(Person.id, Person.display_name, Person.is_disabled, RoleGrant.role)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.service_id == service_id, RoleGrant.role.in_([role.value for role in CASELOAD_ROLES]))
    ).all()
    holders: dict[int, Holder] = {}
    for person_id, name, disabled, role in granted:
        # Someone who is both a trainer and a trainee here is shown as a trainer.
        if person_id not in holders or role == Role.TRAINER:
            holders[person_id] = Holder(person_id, name, role, not disabled)
    holding = session.exec(
        select(Person.id, Person.display_name).where(
            Person.id.in_(select(Client.trainer_id).where(Client.service_id == service_id))
        )
    ).all()
    for person_id, name in holding:
        holders.setdefault(person_id, Holder(person_id, name, "", False))
    return sorted(holders.values(), key=lambda holder: (holder.name.lower(), holder.id))
