"""A year and a bit of made-up history for the demo service, so the reports have something to
count: about 160 past clients of two made-up trainers, with plans, goals, outcomes, before and
after scores, sessions and signposts. Random but seeded, so every demo shows the same figures.
Nobody here is real; these trainers have no login."""

import random
from datetime import date, datetime, time, timedelta
from pathlib import Path

from sqlmodel import Session

from models import Client, Episode, Goal, Measure, Person, Plan, RoleGrant, Service, Signpost, SupportSession
from pwa.caseload import vocab
from pwa.caseload.postcodes import place_client
from pwa.caseload.registration_rules import age_band_on
from pwa.clock import LONDON, london_today
from pwa.plans.vocab import GOAL_CODES

HISTORY_TRAINERS = [("demo-history-kim", "Kim Example", 1.0), ("demo-history-dev", "Dev Sample", 0.8)]
CLIENT_COUNT = 160
FIRST_NAMES = ["Ava", "Ben", "Cara", "Dan", "Effie", "Finn", "Gita", "Hal", "Ines", "Jay", "Kit", "Lou", "Mo", "Nia"]
LAST_NAMES = ["Applewood", "Brambleton", "Cobfield", "Dunmoor", "Elmsworth", "Fernhill", "Gorsey", "Hollins"]
POSTCODES = Path(__file__).resolve().parent / "demo_data" / "postcodes.csv"

# Weighted choices: (code, weight). Close to the England figures, with some gaps left unrecorded.
REFERRALS = [("self", 40), ("gp_primary_care", 25), ("community_voluntary", 12), ("lifestyle_risk_management", 8),
             ("jobcentre_employment", 5), ("housing", 3), ("not_recorded", 7)]  # fmt: skip
HEARD = [("referred", 35), ("promotional_event", 30), ("word_of_mouth", 15), ("poster_leaflet", 6),
         ("community_services", 4), ("other", 3), ("not_recorded", 7)]  # fmt: skip
ETHNICITIES = [("white_british", 55), ("asian_pakistani", 10), ("black_caribbean", 8), ("white_other", 8),
               ("asian_bangladeshi", 5), ("mixed_other", 4), ("not_stated", 5), ("not_recorded", 5)]  # fmt: skip
ISSUES = [("diet", 55), ("exercise", 25), ("smoking", 8), ("emotional_wellbeing", 6), ("alcohol", 2), (None, 4)]
EXITS = [("completed_plan", 55), ("goals_achieved_early", 10), ("client_withdrew", 12), ("lost_contact", 15),
         ("moved_away", 4), ("other", 4)]  # fmt: skip
OUTCOMES = [("achieved", 50), ("part_achieved", 30), ("not_achieved", 20)]


def _pick(rng: random.Random, weighted: list[tuple]) -> str | None:
    codes, weights = zip(*weighted, strict=True)
    return rng.choices(codes, weights)[0]


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def _postcodes() -> list[str]:
    with POSTCODES.open(encoding="utf-8") as lines:
        return [line.split(",", 1)[0] for line in list(lines)[1:]]


def load_demo_history(session: Session, service: Service) -> None:
    """Add the made-up trainers and their past clients. The postcode lookup must be loaded first."""
    rng = random.Random(2026)
    today = london_today()
    trainers = []
    for username, name, wte in HISTORY_TRAINERS:
        person = Person(username=username, display_name=name, session_token="")
        session.add(person)
        session.flush()
        session.add(RoleGrant(person_id=person.id, service_id=service.id, role="trainer", wte=wte))
        trainers.append(person)
    postcodes = _postcodes()
    for number in range(CLIENT_COUNT):
        registered_on = today - timedelta(days=rng.randint(20, 450))
        _client(session, rng, service, rng.choice(trainers), number, registered_on, postcodes, today)
    session.flush()


def _client(session, rng, service, trainer, number, registered_on, postcodes, today) -> None:
    born = date(rng.randint(1945, 2006), rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.9 else None
    client = Client(
        service_id=service.id,
        trainer_id=trainer.id,
        full_name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} ({number + 1})",
        registered_on=registered_on,
        registered_by_id=trainer.id,
        gender=_pick(rng, [("female", 58), ("male", 38), ("prefer_not_to_say", 2), ("not_recorded", 2)]),
        date_of_birth=born,
        age_band=age_band_on(born, registered_on) if born else rng.choice(["declined", "not_recorded"]),
        ethnicity=_pick(rng, ETHNICITIES),
        disability=_pick(rng, [("not_disabled", 75), ("disabled", 15), ("prefer_not_to_say", 4), ("not_recorded", 6)]),
        how_heard=_pick(rng, HEARD),
        referral_source=_pick(rng, REFERRALS),
        employment_status=_pick(rng, [("employed", 30), ("unemployed", 30), ("retired", 15), ("not_recorded", 25)]),
        gp_registered=_pick(rng, [("yes", 90), ("not_recorded", 10)]),
        consent_data_use=True,
        consent_signed_on=registered_on,
    )
    if rng.random() < 0.93:
        place_client(session, client, rng.choice(postcodes))
    session.add(client)
    session.flush()
    finished = (today - registered_on).days > 100
    episode = Episode(
        service_id=service.id,
        client_id=client.id,
        started_on=registered_on,
        eligible=rng.random() < 0.96,
        eligibility_on=registered_on,
        signposting=rng.choice(["not_yet_done", "not_required"]),
    )
    session.add(episode)
    session.flush()
    if not episode.eligible:
        episode.eligibility_reason = "Lives outside the area"
        return
    episode.assessed_on = registered_on + timedelta(days=rng.randint(0, 7))
    episode.assessed_by_id = trainer.id
    episode.primary_issue = _pick(rng, ISSUES)
    ended_on = min(registered_on + timedelta(days=rng.randint(45, 95)), today) if finished else None
    session_days = [episode.assessed_on + timedelta(days=7 * week + 1) for week in range(rng.randint(1, 7))]
    session_days = [day for day in session_days if day < (ended_on or today)]
    for day in session_days:
        session.add(_session(episode, trainer, day))
    client.first_seen_on = session_days[0] if session_days else None
    _scores(session, rng, episode, "baseline", episode.assessed_on, trainer)
    goals = _goals(session, rng, client, episode, trainer)
    if rng.random() < 0.6:
        session.add(_signpost(rng, client, episode, trainer, episode.assessed_on + timedelta(days=rng.randint(1, 30))))
    if ended_on:
        episode.ended_on, episode.exit_reason, episode.exited_by_id = ended_on, _pick(rng, EXITS), trainer.id
        if episode.exit_reason in ("completed_plan", "goals_achieved_early") and rng.random() < 0.85:
            _scores(session, rng, episode, "exit", ended_on, trainer, better=True)
        for goal in goals:
            goal.outcome, goal.outcome_on, goal.outcome_by_id = _pick(rng, OUTCOMES), ended_on, trainer.id
    session.add(episode)


def _session(episode: Episode, trainer: Person, day: date) -> SupportSession:
    return SupportSession(
        service_id=episode.service_id,
        client_id=episode.client_id,
        episode_id=episode.id,
        trainer_id=trainer.id,
        starts_at=_at(day, 10),
        venue="Ferncombe Community Hub",
        status="attended",
        minutes=45,
        recorded_at=_at(day, 11),
        recorded_by_id=trainer.id,
    )


def _scores(session, rng, episode, stage, taken_on, trainer, better=False) -> None:
    """Self-efficacy, general health, WHO-5 and BMI; exit scores mostly a little better."""
    lift = (lambda low, high: rng.randint(low, high)) if better else (lambda low, high: 0)
    base = {"self_efficacy": 50, "general_health": 50, "who5_percent": 48, "bmi": 30.0}
    steps = {"self_efficacy": 5, "general_health": 10, "who5_percent": 4}
    for instrument, middle in base.items():
        if instrument == "bmi":
            value = round(rng.uniform(21, 38) - (rng.uniform(0, 1.5) if better else 0), 1)
        else:
            step = steps[instrument]
            value = min(100, max(0, (rng.randint(-3, 3) + lift(-1, 5)) * step + middle))
        session.add(
            Measure(
                service_id=episode.service_id,
                client_id=episode.client_id,
                episode_id=episode.id,
                stage=stage,
                instrument=instrument,
                value=value,
                method="measured" if instrument == "bmi" else "",
                taken_on=taken_on,
                taken_by_id=trainer.id,
            )
        )


def _goals(session, rng, client, episode, trainer) -> list[Goal]:
    count = _pick(rng, [(0, 10), (1, 25), (2, 30), (3, 25), (4, 7), (5, 3)])
    if not count:
        return []
    agreed_on = episode.assessed_on + timedelta(days=1)
    episode.agreed_on = agreed_on
    plan = Plan(service_id=client.service_id, client_id=client.id, episode_id=episode.id, agreed_on=agreed_on)
    session.add(plan)
    session.flush()
    codes = rng.sample([code for code in GOAL_CODES if code != "other"], count)
    goals = [
        Goal(
            service_id=client.service_id,
            client_id=client.id,
            plan_id=plan.id,
            code=code,
            wording=GOAL_CODES[code],
            start_date=agreed_on,
            review_date=agreed_on + timedelta(days=42),
            set_by_id=trainer.id,
        )
        for code in codes
    ]
    session.add_all(goals)
    return goals


def _signpost(rng, client, episode, trainer, made_on) -> Signpost:
    destination = rng.choice(["community_voluntary", "housing", "advice_guidance", "emotional_wellbeing"])
    return Signpost(
        service_id=client.service_id,
        client_id=client.id,
        episode_id=episode.id,
        destination=destination,
        destination_name=vocab.REFERRAL_SOURCE[destination],
        kind=rng.choice(["signpost", "signpost", "referral"]),
        made_on=made_on,
        by_id=trainer.id,
        follow_up_on=made_on + timedelta(days=7),
        **_result(rng, made_on),
    )


def _result(rng, made_on) -> dict:
    result = rng.choice(["attended", "not_attended", "unknown", None])
    if result is None:
        return {}
    barrier = rng.choice(["cost", "times", "transport", "confidence"]) if result == "not_attended" else None
    return {"result": result, "barrier": barrier, "result_on": made_on + timedelta(days=8)}
