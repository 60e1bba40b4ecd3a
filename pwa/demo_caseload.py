"""The demo trainer's caseload: clients at each step of the journey, so every page has
something to show. All people, places and postcodes are made up."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session, select

from models import Client, Contact, DiaryEntry, Episode, FollowUp, Goal, Measure, Plan, Signpost, SupportSession
from pwa.caseload.journey_store import save_measures
from pwa.caseload.measures import check_measures
from pwa.caseload.postcodes import load_lookup, place_client
from pwa.caseload.registration_rules import age_band_on
from pwa.clock import LONDON, london_today

DEMO_POSTCODES = Path(__file__).resolve().parent / "demo_data" / "postcodes.csv"


@dataclass
class DemoClient:
    """Registration facts of one demo client; days are counted back from today."""

    name: str
    registered_days_ago: int
    date_of_birth: date | None
    gender: str
    ethnicity: str
    postcode: str
    how_heard: str
    referral_source: str
    employment_status: str = "not_recorded"
    communities: list[str] = field(default_factory=list)
    consent_signed: bool = True


DEMO_CLIENTS = {
    "Alex Demo": DemoClient("Alex Demo", 28, date(1984, 5, 12), "female", "white_british", "FE1 6FR",
                            "promotional_event", "self", "unemployed", ["carers"]),
    "Jo Fictional": DemoClient("Jo Fictional", 2, date(1961, 11, 3), "male", "black_caribbean", "FE3 8XS",
                               "word_of_mouth", "community_voluntary"),
    "Pat Madeup": DemoClient("Pat Madeup", 10, None, "prefer_not_to_say", "not_stated", "FE1 4YB",
                             "referred", "gp_primary_care", "employed", consent_signed=False),
    "Robin Pretend": DemoClient("Robin Pretend", 240, date(1990, 2, 20), "female", "asian_pakistani", "FE3 2YN",
                                "referred", "jobcentre_employment", "unemployed"),
    "Lee Invented": DemoClient("Lee Invented", 5, date(1972, 8, 30), "male", "white_other", "FE2 2YY",
                               "poster_leaflet", "self"),
}  # fmt: skip


def load_demo_caseload(session: Session, clients: dict[str, Client], trainer_id: int) -> None:
    """Load the postcode lookup, then fill in each client's record at their step of the journey."""
    with DEMO_POSTCODES.open(encoding="utf-8") as lines:
        load_lookup(session, lines)
    today = london_today()
    for name, client in clients.items():
        _register(session, client, DEMO_CLIENTS[name], today)
    session.flush()
    _alex(session, clients["Alex Demo"], trainer_id, today)
    _assessed(session, clients["Pat Madeup"], trainer_id, today)
    _finished(session, clients["Robin Pretend"], trainer_id, today)
    for name in ("Jo Fictional", "Lee Invented"):
        _episode(session, clients[name])
    session.flush()


def _register(session: Session, client: Client, facts: DemoClient, today: date) -> None:
    client.registered_on = today - timedelta(days=facts.registered_days_ago)
    client.gender, client.ethnicity, client.disability = facts.gender, facts.ethnicity, "not_disabled"
    client.date_of_birth = facts.date_of_birth
    client.age_band = age_band_on(facts.date_of_birth, client.registered_on) if facts.date_of_birth else "declined"
    client.how_heard, client.referral_source = facts.how_heard, facts.referral_source
    client.employment_status, client.communities, client.gp_registered = (
        facts.employment_status,
        facts.communities,
        "yes",
    )
    client.consent_data_use = True
    client.consent_signed_on = client.registered_on if facts.consent_signed else None
    client.contact_by_text = client.contact_by_app = True
    place_client(session, client, facts.postcode)
    session.add(client)


def _episode(session: Session, client: Client, **facts) -> Episode:
    """The client's first episode (the plan may already have opened it)."""
    episode = session.exec(select(Episode).where(Episode.client_id == client.id)).first()
    episode = episode or Episode(service_id=client.service_id, client_id=client.id)
    episode.started_on = client.registered_on
    for name, value in facts.items():
        setattr(episode, name, value)
    session.add(episode)
    session.flush()
    return episode


def _measures(session: Session, episode: Episode, stage: str, taken_on: date, by_id: int, **values) -> None:
    """Store measures through the same check and store as the forms (BMI, WHO-5 percent)."""
    raw = {name: str(value) for name, value in values.items() if name != "who5_items"}
    raw.update({f"who5_{number}": str(answer) for number, answer in enumerate(values.get("who5_items", []), 1)})
    raw.update(method="measured", taken_on=taken_on.isoformat())
    checked = check_measures(raw, stage, today=taken_on, known_height=_height(session, episode))
    if not checked.ok:
        raise ValueError(f"Demo measures do not pass the checks: {checked.errors}")
    save_measures(session, episode, checked, stage=stage, taken_on=taken_on, by_id=by_id)


def _height(session: Session, episode: Episode) -> float | None:
    """The height taken earlier in the episode, so a later weight still gives a BMI."""
    row = session.exec(
        select(Measure.value).where(Measure.episode_id == episode.id, Measure.instrument == "height_cm")
    ).first()
    return row


def _at(day: date, clock: str) -> datetime:
    """A London wall-clock time on a day, as stored (aware UTC is handled by the column)."""
    return datetime.combine(day, time.fromisoformat(clock), tzinfo=LONDON)


def _alex(session: Session, alex: Client, trainer_id: int, today: date) -> None:
    """Three sessions in, a fourth planned: the client who shows the digest at its best."""
    start = alex.registered_on
    episode = _episode(
        session, alex, eligible=True, eligibility_on=start, assessed_on=start, assessed_by_id=trainer_id,
        primary_issue="diet", secondary_needs=["money_debt", "stress"], readiness="preparing",
        agreed_on=today - timedelta(days=21), sessions_planned=6,
    )  # fmt: skip
    _measures(session, episode, "baseline", start, trainer_id, height_cm=168, weight_kg=88.0,
              who5_items=[2, 2, 1, 2, 3], general_health=50, self_efficacy=45)  # fmt: skip
    plan = session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
    goal_ids = [goal.id for goal in session.exec(select(Goal).where(Goal.plan_id == plan.id))] if plan else []
    notes = [
        ("Agreed three goals. Alex worries about the cost of fruit.", "Try frozen veg. Walk to the shops."),
        ("Good week for walking. Two late nights at the pub.", "Soft drink first at the pub."),
        ("Swam for the first time in years. Feeling brighter.", "Join the Millbrook walking group on Tuesday."),
    ]
    for number, (note, actions) in enumerate(notes):
        day = today - timedelta(days=21 - 7 * number)
        session.add(
            SupportSession(
                service_id=alex.service_id, client_id=alex.id, episode_id=episode.id, trainer_id=trainer_id,
                starts_at=_at(day, "10:00"), venue="Millbrook Community Centre", mode="face_to_face",
                status="attended", minutes=45, notes=note, agreed_actions=actions, goals_reviewed=goal_ids,
                recorded_at=_at(day, "11:00"), recorded_by_id=trainer_id,
            )
        )  # fmt: skip
    session.add(
        SupportSession(
            service_id=alex.service_id, client_id=alex.id, episode_id=episode.id, trainer_id=trainer_id,
            starts_at=_at(today + timedelta(days=2), "10:00"), venue="Millbrook Community Centre",
        )
    )  # fmt: skip
    _measures(session, episode, "review", today - timedelta(days=7), trainer_id, weight_kg=86.9)
    session.add(
        Contact(
            service_id=alex.service_id, client_id=alex.id, episode_id=episode.id, contact_on=today - timedelta(days=10),
            kind="text", outcome="Reminded Alex about the walking group. Alex will try it.", by_id=trainer_id,
        )
    )  # fmt: skip
    session.add_all(
        [
            Signpost(
                service_id=alex.service_id, client_id=alex.id, episode_id=episode.id, destination="advice_guidance",
                destination_name="Ferncombe Money Advice", kind="referral", made_on=start, by_id=trainer_id,
                follow_up_on=start + timedelta(days=14), result="attended", result_on=start + timedelta(days=12),
            ),
            Signpost(
                service_id=alex.service_id, client_id=alex.id, episode_id=episode.id,
                destination="community_voluntary", destination_name="Millbrook walking group", kind="signpost",
                made_on=today - timedelta(days=7), by_id=trainer_id, follow_up_on=today + timedelta(days=2),
            ),
        ]
    )  # fmt: skip
    # Alex wants to talk about the evening at the pub.
    entry = session.exec(
        select(DiaryEntry).where(
            DiaryEntry.client_id == alex.id, DiaryEntry.kind == "alcohol", DiaryEntry.drink.is_not(None)
        )
    ).first()
    if entry:
        entry.talk_about = True
        session.add(entry)


def _assessed(session: Session, client: Client, trainer_id: int, today: date) -> None:
    """Assessed last week; the plan is still to agree."""
    episode = _episode(
        session, client, eligible=True, eligibility_on=client.registered_on, assessed_on=today - timedelta(days=8),
        assessed_by_id=trainer_id, primary_issue="exercise", secondary_needs=["loneliness"], readiness="thinking",
    )  # fmt: skip
    _measures(session, episode, "baseline", today - timedelta(days=8), trainer_id, height_cm=175, weight_kg=97.5,
              who5_items=[2, 1, 1, 2, 2], general_health=40, self_efficacy=35)  # fmt: skip


def _finished(session: Session, client: Client, trainer_id: int, today: date) -> None:
    """Finished her plan about 100 days ago: her 3-month follow-up is due."""
    start, ended = client.registered_on, today - timedelta(days=100)
    episode = _episode(
        session, client, eligible=True, eligibility_on=start, assessed_on=start, assessed_by_id=trainer_id,
        primary_issue="emotional_wellbeing", secondary_needs=["employment"], readiness="doing",
        agreed_on=start + timedelta(days=7), sessions_planned=6, ended_on=ended, exit_reason="completed_plan",
        maintenance_plan="Keep going to the Tuesday walk. Call the stop smoking line if the urge comes back.",
        exited_by_id=trainer_id, signposting="not_required",
    )  # fmt: skip
    plan = Plan(service_id=client.service_id, client_id=client.id, episode_id=episode.id,
                agreed_on=episode.agreed_on, created_by_id=trainer_id)  # fmt: skip
    session.add(plan)
    session.flush()
    for code, wording, outcome in [
        ("exercise-increase-light", "Walk 20 minutes on 4 days a week", "achieved"),
        ("smoking-reduce", "No more than 5 cigarettes a day", "part_achieved"),
    ]:
        session.add(
            Goal(
                service_id=client.service_id, client_id=client.id, plan_id=plan.id, code=code, wording=wording,
                start_date=episode.agreed_on, review_date=ended, set_by_id=trainer_id, outcome=outcome,
                outcome_on=ended, outcome_by_id=trainer_id,
            )
        )  # fmt: skip
    for number in range(6):
        day = episode.agreed_on + timedelta(days=14 * number)
        session.add(
            SupportSession(
                service_id=client.service_id, client_id=client.id, episode_id=episode.id, trainer_id=trainer_id,
                starts_at=_at(day, "14:00"), venue="Harbourside Library", status="attended", minutes=40,
                recorded_at=_at(day, "15:00"), recorded_by_id=trainer_id,
            )
        )  # fmt: skip
    _measures(session, episode, "baseline", start, trainer_id, height_cm=160, weight_kg=70.0,
              who5_items=[1, 1, 2, 1, 1], general_health=40, self_efficacy=30)  # fmt: skip
    _measures(session, episode, "exit", ended, trainer_id, weight_kg=68.5,
              who5_items=[3, 3, 3, 2, 3], general_health=65, self_efficacy=60)  # fmt: skip
    for stage, days in (("3_months", 91), ("6_months", 182)):
        session.add(
            FollowUp(
                service_id=client.service_id,
                client_id=client.id,
                episode_id=episode.id,
                stage=stage,
                due_on=ended + timedelta(days=days),
            )  # fmt: skip
        )
