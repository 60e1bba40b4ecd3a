"""Everything on a client's record page, loaded in a few queries. Database reads only."""

from dataclasses import dataclass, field

from sqlmodel import Session, select

from models import Client, Contact, Episode, FollowUp, Goal, Measure, Person, Plan, Signpost, SupportSession
from pwa.caseload import journey
from pwa.caseload import measures as measure_rules
from pwa.clock import london_today


@dataclass
class ClientRecord:
    """A client with their current (or latest) episode and what happened in it."""

    client: Client
    episodes: list[Episode]  # newest first
    episode: Episode | None  # the open episode, else the latest
    plan: Plan | None = None
    goals: list[Goal] = field(default_factory=list)
    sessions: list[SupportSession] = field(default_factory=list)  # oldest first
    contacts: list[Contact] = field(default_factory=list)  # newest first
    signposts: list[Signpost] = field(default_factory=list)  # newest first
    measures: list[Measure] = field(default_factory=list)  # oldest first
    follow_ups: list[FollowUp] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)  # staff person id -> display name

    @property
    def is_open(self) -> bool:
        return self.episode is not None and self.episode.ended_on is None

    # The journey part of the record (pwa/caseload/journey.py and measures.py, both pure).
    @property
    def status(self) -> str:
        return journey.status(self.episode)

    @property
    def next_step(self) -> journey.NextStep:
        return journey.next_step(self.episode, goals=self.goals, follow_ups=self.follow_ups, today=london_today())

    def may(self, action: str) -> bool:
        """True when the journey action fits the current episode now."""
        return journey.may(action, self.episode)

    @property
    def measure_changes(self) -> list[measure_rules.MeasureChange]:
        return measure_rules.compare(self.measures)

    @property
    def baseline(self) -> dict[str, Measure]:
        """The start measures, by instrument."""
        return {measure.instrument: measure for measure in self.measures if measure.stage == "baseline"}

    @property
    def earlier_episodes(self) -> list[Episode]:
        return [episode for episode in self.episodes if episode is not self.episode]


def load_record(session: Session, client: Client) -> ClientRecord:
    """The client's record for the current (or latest) episode."""
    episodes = list(
        session.exec(
            select(Episode).where(Episode.client_id == client.id).order_by(Episode.started_on.desc(), Episode.id.desc())
        ).all()
    )
    open_episodes = [episode for episode in episodes if episode.ended_on is None]
    episode = open_episodes[0] if open_episodes else (episodes[0] if episodes else None)
    record = ClientRecord(client=client, episodes=episodes, episode=episode)
    if episode is None:
        # Signposts can be made before any episode: they belong to the client.
        record.signposts = client_signposts(session, client)
        record.names = staff_names(session, _staff_ids(record))
        return record
    record.plan = session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
    if record.plan:
        record.goals = list(
            session.exec(select(Goal).where(Goal.plan_id == record.plan.id).order_by(Goal.created_at, Goal.id)).all()
        )
    record.sessions = list(
        session.exec(
            select(SupportSession)
            .where(SupportSession.episode_id == episode.id)
            .order_by(SupportSession.starts_at, SupportSession.id)
        ).all()
    )
    record.contacts = list(
        session.exec(
            select(Contact)
            .where(Contact.episode_id == episode.id)
            .order_by(Contact.contact_on.desc(), Contact.id.desc())
        ).all()
    )
    # Signposts belong to the client, whichever episode they were made in.
    record.signposts = client_signposts(session, client)
    record.measures = list(
        session.exec(
            select(Measure).where(Measure.episode_id == episode.id).order_by(Measure.taken_on, Measure.id)
        ).all()
    )
    record.follow_ups = list(
        session.exec(select(FollowUp).where(FollowUp.episode_id == episode.id).order_by(FollowUp.due_on)).all()
    )
    record.names = staff_names(session, _staff_ids(record))
    return record


def client_signposts(session: Session, client: Client) -> list[Signpost]:
    """All the client's signposts, newest first, whichever episode they were made in."""
    return list(
        session.exec(
            select(Signpost)
            .where(Signpost.client_id == client.id)
            .order_by(Signpost.made_on.desc(), Signpost.id.desc())
        ).all()
    )


def _staff_ids(record: ClientRecord) -> set[int]:
    ids = {record.client.trainer_id}
    ids |= {item.trainer_id for item in record.sessions} | {item.by_id for item in record.contacts}
    ids |= {item.by_id for item in record.signposts} | {item.taken_by_id for item in record.measures}
    return {person_id for person_id in ids if person_id}


def staff_names(session: Session, person_ids: set[int]) -> dict[int, str]:
    """Display names of staff, for "recorded by" lines."""
    if not person_ids:
        return {}
    rows = session.exec(select(Person.id, Person.display_name).where(Person.id.in_(person_ids))).all()
    return dict(rows)
