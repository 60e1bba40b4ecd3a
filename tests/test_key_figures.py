"""Key figures and the monthly registrations trend against a hand-built service.

The Meadow service has a trainer (Ann, 1.0 WTE) and a trainee (Bob, 0.6 WTE): 1.6 WTE. The period
is 1 April to 30 September 2025 (183 days). Ten clients (c1..c10) registered in it; the table
below is what each has, and every expected figure is worked out by hand from it.

client trainer registered quintile ward       heard at referrer goals (outcome, set on)  signposted latest exit
c1     ann     03 Apr     q1       Riverside  event    gp       A 1 May                   yes        (open 2nd)
c2     ann     20 Apr     q2       E05000002  -        gp       P 10 May, N 1 Mar         -          client_withdrew
c3     ann     05 May     q3       riverside  event    gp       none_yet 1 Jun            yes        completed_plan
c4     bob     10 Jun     unknown  -          -        gp       (no outcome) 15 Jun       -          lost_contact
c5     bob     01 Aug     q1       -          -        gp       -                         yes        -
c6     bob     08 Aug     q5       -          -        self     A 20 Aug, N 21 Aug        -          -
c7     ann     30 Sep     q2       -          -        self     - (plan on 2 Oct, after)  -          -
c8     ann     01 Sep     q4       -          -        -        -                         -          -
c9     bob     15 Sep     unknown  -          -        cv       N 20 Sep                  -          -
c10    ann     01 Apr     q1       -          -        -        -                         -          -
Outside the cohort: c11 (Ann's, registered 31 March, goal achieved 1 May: counts for goals, not
clients), c12 (1 October), c13 (no registration date), c14 (another service).
(A achieved, P part achieved, N not achieved, gp = GP or primary care, cv = community or voluntary.)
"""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from models import Client, Episode, Event, EventWorker, Goal, Plan, RoleGrant, Service, Signpost
from pwa.clock import LONDON
from pwa.reports.filters import ReportFilter
from pwa.reports.key_figures import key_figures, monthly_registrations, per_wte, year_end_projection
from tests.world import add_person

APRIL, SEPTEMBER = date(2025, 4, 1), date(2025, 9, 30)
TODAY = date(2025, 10, 15)
CODES = [
    "registered",
    "yearly_target",
    "registered_this_year",
    "projected_year_end",
    "wte",
    "clients_per_wte",
    "plans_per_wte",
    "php_ratio",
    "target_ward_share",
    "quintile_1_2_share",
    "goals_achieved_share",
    "clients_achieved_share",
    "signposted_share",
    "events",
    "people_reached",
    "registrations_from_events",
    "top_referral_source",
    "dropout_share",
]


def d(month: int, day: int, year: int = 2025) -> date:
    return date(year, month, day)


class Meadow:
    """Builds the service in the table above."""

    def __init__(self, session):
        self.session = session
        self.service = Service(
            slug="meadow",
            name="Meadow Health Trainers",
            yearly_client_target=300,
            target_wards=["Riverside", "E05000002"],
            target_ward_share=30.0,
        )
        self.other = Service(slug="marsh", name="Marsh Health Trainers", yearly_client_target=100)
        session.add_all([self.service, self.other])
        session.flush()
        self.people, self.grants = {}, {}
        for name, role, wte in (("ann", "trainer", 1.0), ("bob", "trainee", 0.6), ("cat", "champion", 0.2)):
            self.people[name], self.grants[name] = add_person(
                session, name, role=role, service=self.service, wte=wte, password=False
            )
        # A manager's time is not trainers' time.
        session.add(RoleGrant(person_id=self.people["cat"].id, service_id=self.service.id, role="manager", wte=0.5))
        self.clients: dict[str, Client] = {}

    def client(self, key, trainer, registered_on, service=None, **values) -> Client:
        row = Client(
            service_id=(service or self.service).id,
            trainer_id=self.people[trainer].id if trainer else None,
            full_name=key,
            registered_on=registered_on,
            **values,
        )
        self.session.add(row)
        self.session.flush()
        self.clients[key] = row
        return row

    def episode(self, key, number=1, exit_reason=None) -> Episode:
        client = self.clients[key]
        row = Episode(
            service_id=client.service_id,
            client_id=client.id,
            number=number,
            started_on=client.registered_on,
            ended_on=d(9, 30) if exit_reason else None,
            exit_reason=exit_reason,
        )
        self.session.add(row)
        self.session.flush()
        return row

    def plan(self, key, episode, agreed_on, goals=()) -> None:
        client = self.clients[key]
        plan = Plan(service_id=client.service_id, client_id=client.id, episode_id=episode.id, agreed_on=agreed_on)
        self.session.add(plan)
        self.session.flush()
        for outcome, start in goals:
            self.session.add(
                Goal(
                    service_id=client.service_id,
                    client_id=client.id,
                    plan_id=plan.id,
                    code="diet-increase-fruit_veg",
                    wording="Eat more fruit",
                    start_date=start,
                    review_date=start,
                    outcome=outcome,
                )
            )

    def signpost(self, key=None, destination="housing") -> None:
        client_id = self.clients[key].id if key else None
        self.session.add(
            Signpost(service_id=self.service.id, client_id=client_id, destination=destination, made_on=d(9, 1))
        )

    def event(self, starts_at, reached, by, service=None) -> Event:
        row = Event(
            uuid=str(uuid.uuid4()),
            service_id=(service or self.service).id,
            event_type="stall",
            title="Stall",
            starts_at=starts_at,
            ends_at=starts_at,
            reached=reached,
            created_by_id=self.people[by].id,
        )
        self.session.add(row)
        self.session.flush()
        return row


def london(year, month, day, hour=12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def meadow(db_session) -> Meadow:
    m = Meadow(db_session)
    market = m.event(london(2025, 5, 1), 40, "cat")
    db_session.add(EventWorker(event_id=market.id, person_id=m.people["ann"].id))
    m.event(london(2025, 9, 30, 20), 15, "bob")  # 8 pm on the last day: in the period
    m.event(london(2025, 10, 1), 99, "ann")  # after the period
    m.event(london(2025, 5, 1), 99, "ann", service=m.other)  # another service

    gp, cv = "gp_primary_care", "community_voluntary"
    m.client("c1", "ann", d(4, 3), deprivation_quintile="q1_most_deprived", ward_name="Riverside")
    m.clients["c1"].heard_at_event_id = market.id
    m.clients["c1"].referral_source = gp
    m.client("c2", "ann", d(4, 20), deprivation_quintile="q2", ward_code="E05000002", ward_name="Hilltop")
    m.clients["c2"].referral_source = gp
    m.client("c3", "ann", d(5, 5), deprivation_quintile="q3", ward_name="riverside", referral_source=gp)
    m.clients["c3"].heard_at_event_id = market.id
    m.client("c4", "bob", d(6, 10), referral_source=gp)
    m.client("c5", "bob", d(8, 1), deprivation_quintile="q1_most_deprived", referral_source=gp)
    m.client("c6", "bob", d(8, 8), deprivation_quintile="q5_least_deprived", referral_source="self")
    m.client("c7", "ann", d(9, 30), deprivation_quintile="q2", referral_source="self")
    m.client("c8", "ann", d(9, 1), deprivation_quintile="q4")
    m.client("c9", "bob", d(9, 15), referral_source=cv)
    m.client("c10", "ann", d(4, 1), deprivation_quintile="q1_most_deprived")
    m.client("c11", "ann", d(3, 31), deprivation_quintile="q1_most_deprived", referral_source=gp)
    m.client("c12", "ann", d(10, 1), referral_source=gp)
    m.client("c13", "ann", None, referral_source=gp)
    m.client("c14", None, d(5, 1), service=m.other, referral_source=gp)

    first = m.episode("c1", 1, "lost_contact")
    m.plan("c1", first, d(4, 10), [("achieved", d(5, 1))])
    m.plan("c1", m.episode("c1", 2), d(9, 1))  # came back: the latest episode is open
    m.plan(
        "c2", m.episode("c2", 1, "client_withdrew"), d(4, 25), [("part_achieved", d(5, 10)), ("not_achieved", d(3, 1))]
    )
    m.plan("c3", m.episode("c3", 1, "completed_plan"), d(5, 6), [("none_yet", d(6, 1))])
    m.plan("c4", m.episode("c4", 1, "lost_contact"), d(6, 12), [(None, d(6, 15))])
    m.plan("c6", m.episode("c6"), d(8, 8), [("achieved", d(8, 20)), ("not_achieved", d(8, 21))])
    m.plan("c7", m.episode("c7"), d(10, 2))
    m.plan("c9", m.episode("c9"), d(9, 20), [("not_achieved", d(9, 20))])
    m.plan("c11", m.episode("c11"), d(4, 15), [("achieved", d(5, 1))])

    for key in ("c1", "c3", "c5"):
        m.signpost(key)
    m.signpost(None)  # an anonymous person: not a client
    db_session.commit()
    return m


def period(m: Meadow, trainer=None, **changes) -> ReportFilter:
    values = dict(service_id=m.service.id, date_from=APRIL, date_to=SEPTEMBER, trainer_id=trainer)
    return ReportFilter(**{**values, **changes})


def figures(session, report_filter, today=TODAY):
    return {figure.code: figure for figure in key_figures(session, report_filter, today=today)}


def values(found) -> dict:
    return {code: figure.value for code, figure in found.items()}


def test_key_figures_for_the_whole_service(db_session, meadow):
    found = figures(db_session, period(meadow))

    assert list(found) == CODES
    assert values(found) == {
        "registered": 10,
        "yearly_target": 300,
        # c1..c10 from 1 April to 30 September; c11 (31 March) is last year.
        "registered_this_year": 10,
        # 10 x 365 / 183 = 19.95 -> 20
        "projected_year_end": 20,
        # Ann 1.0 + Bob 0.6; the champion's 0.2 and the manager's 0.5 do not count.
        "wte": Decimal("1.60"),
        # 10 / 1.6 = 6.25 -> 6.3 (halves up)
        "clients_per_wte": Decimal("6.3"),
        # Plans agreed in the period by c1 (two), c2, c3, c4, c6, c9 = 7; 7 / 1.6 = 4.375 -> 4.4
        "plans_per_wte": Decimal("4.4"),
        # c1, c2, c3, c4, c6, c9 have a goal: 6 of 10
        "php_ratio": Decimal("60.0"),
        # c1 (Riverside), c2 (code E05000002), c3 (riverside): 3 of 10
        "target_ward_share": Decimal("30.0"),
        # q1: c1, c5, c10; q2: c2, c7: 5 of 10
        "quintile_1_2_share": Decimal("50.0"),
        # Goals set in the period with an outcome: c1 A, c2 P, c6 A, c6 N, c9 N, c11 A = 6;
        # met or partly met: 4; 4 / 6 = 66.67 -> 66.7
        "goals_achieved_share": Decimal("66.7"),
        # Clients with an outcome: c1, c2, c6, c9 = 4; met one: c1, c2, c6 = 3 -> 75.0
        "clients_achieved_share": Decimal("75.0"),
        # c1, c3, c5: 3 of 10
        "signposted_share": Decimal("30.0"),
        # The market stall (40) and the 8 pm stall on 30 September (15)
        "events": 2,
        "people_reached": 55,
        "registrations_from_events": 2,
        # GP: c1..c5 = 5 of 10
        "top_referral_source": Decimal("50.0"),
        # Latest episode ended client_withdrew (c2) or lost_contact (c4); c1 came back: 2 of 10
        "dropout_share": Decimal("20.0"),
    }
    assert found["registered_this_year"].target == 300
    assert found["projected_year_end"].target == 300
    assert found["projected_year_end"].note == (
        "10 clients in 183 days is about 20 in the 365 days to 31 March 2026. That is 280 short of the target of 300."
    )
    assert found["target_ward_share"].target == Decimal("30.0")
    assert "meets the target" in found["target_ward_share"].note
    assert found["quintile_1_2_share"].note.endswith("For 2 we do not know the area.")
    assert found["top_referral_source"].label == "Biggest referrer: GP or primary care"
    assert found["top_referral_source"].note == "GP or primary care sent 5 of 10 new clients."
    # Exactly half is not over half.
    assert not found["top_referral_source"].warning
    assert [code for code, figure in found.items() if figure.warning] == []
    assert isinstance(found["registered"].value, int) and isinstance(found["events"].value, int)


def test_one_referrer_over_half_of_clients_is_a_warning(db_session, meadow):
    meadow.client("c15", "bob", d(6, 1), referral_source="gp_primary_care")
    db_session.commit()

    top = figures(db_session, period(meadow))["top_referral_source"]

    # 6 of 11 = 54.54 -> 54.5
    assert top.value == Decimal("54.5")
    assert top.warning
    assert "more than half" in top.note


def test_key_figures_for_one_trainer(db_session, meadow):
    found = figures(db_session, period(meadow, meadow.people["ann"].id))

    assert values(found) == {
        # c1, c2, c3, c7, c8, c10
        "registered": 6,
        "yearly_target": 300,
        "registered_this_year": 6,
        # 6 x 365 / 183 = 11.97 -> 12
        "projected_year_end": 12,
        "wte": Decimal("1.00"),
        "clients_per_wte": Decimal("6.0"),
        # c1 (two), c2, c3
        "plans_per_wte": Decimal("4.0"),
        # c1, c2, c3: 3 of 6
        "php_ratio": Decimal("50.0"),
        "target_ward_share": Decimal("50.0"),
        # c1, c2, c7, c10: 4 of 6 = 66.67 -> 66.7
        "quintile_1_2_share": Decimal("66.7"),
        # Goals of Ann's clients set in the period with an outcome: c1 A, c2 P, c11 A: 3 of 3
        "goals_achieved_share": Decimal("100.0"),
        "clients_achieved_share": Decimal("100.0"),
        # c1, c3: 2 of 6 = 33.33 -> 33.3
        "signposted_share": Decimal("33.3"),
        # Ann worked at the market stall; Bob ran the other one.
        "events": 1,
        "people_reached": 40,
        "registrations_from_events": 2,
        # GP: c1, c2, c3 = 3 of 6
        "top_referral_source": Decimal("50.0"),
        # c2: 1 of 6 = 16.67 -> 16.7
        "dropout_share": Decimal("16.7"),
    }
    assert "one trainer's clients" in found["projected_year_end"].note
    assert found["wte"].note == "This trainer's working time: 1.0 means full time."


def test_a_period_with_no_clients_leaves_percents_blank(db_session, meadow):
    found = figures(db_session, period(meadow, date_from=d(1, 1, 2024), date_to=d(3, 31, 2024)))

    assert found["registered"].value == 0
    for code in ("php_ratio", "target_ward_share", "quintile_1_2_share", "signposted_share", "dropout_share"):
        assert found[code].value is None, code
    assert found["clients_per_wte"].value == Decimal("0.0")
    assert found["top_referral_source"].value is None
    assert found["top_referral_source"].note == "No new clients have a referrer recorded."
    assert not found["top_referral_source"].warning
    assert (found["events"].value, found["people_reached"].value) == (0, 0)


def test_no_staff_time_means_no_per_wte_figures(db_session, meadow):
    for grant in meadow.grants.values():
        grant.wte = None
    db_session.commit()

    found = figures(db_session, period(meadow))

    assert found["wte"].value == Decimal("0.00")
    assert found["clients_per_wte"].value is None
    assert found["plans_per_wte"].value is None
    assert "No staff time" in found["clients_per_wte"].note
    assert "No staff time" in found["plans_per_wte"].note


def test_no_target_wards_and_no_target(db_session, meadow):
    meadow.service.target_wards = []
    meadow.service.yearly_client_target = 0
    db_session.commit()

    found = figures(db_session, period(meadow))

    assert found["target_ward_share"].value is None
    assert found["target_ward_share"].note == "No target wards have been set for the service."
    assert found["yearly_target"].value is None
    assert found["projected_year_end"].value == 20
    assert found["projected_year_end"].target is None
    assert found["projected_year_end"].note == "10 clients in 183 days is about 20 in the 365 days to 31 March 2026."


# --- the straight-line projection ------------------------------------------------------------


def test_year_end_projection_arithmetic():
    # 1 April to 30 September is 183 days (30 + 31 + 30 + 31 + 31 + 30); the year has 365.
    # 90 x 365 / 183 = 179.51 -> 180
    assert year_end_projection(90, d(4, 1), d(9, 30)) == (180, 183, 365)
    # A leap year (April 2023 to March 2024 has 29 February): 90 x 366 / 183 = 180 exactly.
    assert year_end_projection(90, d(4, 1, 2023), d(9, 30, 2023)) == (180, 183, 366)
    # The first day: 1 x 365 / 1
    assert year_end_projection(1, d(4, 1), d(4, 1)) == (365, 1, 365)
    # 1 x 365 / 2 = 182.5 -> 183 (halves up)
    assert year_end_projection(1, d(4, 1), d(4, 2)) == (183, 2, 365)


def test_per_wte_rounds_halves_up_and_is_blank_without_staff():
    assert per_wte(10, Decimal("1.60")) == Decimal("6.3")  # 6.25
    assert per_wte(7, Decimal("1.60")) == Decimal("4.4")  # 4.375
    assert per_wte(3, Decimal("0")) is None


@pytest.fixture
def busy(db_session):
    """A target of 300; 30 clients registered in April 2025 and 60 from July to September."""
    m = Meadow(db_session)
    for n in range(30):
        m.client(f"spring{n}", "ann", d(4, 1 + n % 30))
    for n in range(60):
        m.client(f"summer{n}", "bob", d(7 + n % 3, 1 + n % 28))
    m.client("autumn", "bob", d(10, 3))  # after 30 September
    db_session.commit()
    return m


def test_a_target_of_300_and_90_clients_by_1_october_projects_180(db_session, busy):
    # The quarter July to September: 60 new clients in it, 90 since 1 April.
    found = figures(db_session, period(busy, date_from=d(7, 1)))

    assert found["registered"].value == 60
    assert found["registered_this_year"].value == 90
    # 90 clients over the 183 days from 1 April to 30 September; 90 x 365 / 183 = 179.51 -> 180
    assert found["projected_year_end"].value == 180
    assert found["projected_year_end"].note == (
        "90 clients in 183 days is about 180 in the 365 days to 31 March 2026. That is 120 short of the target of 300."
    )
    assert found["registered_this_year"].note == "From 1 April 2025 to 30 September 2025 (183 days)."


def test_an_open_period_or_one_ending_later_projects_from_today(db_session, busy):
    on_30_september = d(9, 30)
    for report_filter in (
        ReportFilter(service_id=busy.service.id),  # all time
        period(busy, date_to=d(3, 31, 2026)),  # the whole year, not over yet
    ):
        found = figures(db_session, report_filter, today=on_30_september)
        assert found["registered_this_year"].value == 90
        assert found["projected_year_end"].value == 180


def test_on_track_when_the_projection_reaches_the_target(db_session, busy):
    busy.service.yearly_client_target = 180
    db_session.commit()

    found = figures(db_session, period(busy))

    assert found["projected_year_end"].value == 180
    assert found["projected_year_end"].note.endswith("That is on track for the target of 180.")


# --- monthly registrations -----------------------------------------------------------------------


def test_monthly_registrations_include_months_with_none(db_session, meadow):
    assert monthly_registrations(db_session, period(meadow)) == [
        (d(4, 1), 3),  # c1, c2, c10
        (d(5, 1), 1),  # c3
        (d(6, 1), 1),  # c4
        (d(7, 1), 0),
        (d(8, 1), 2),  # c5, c6
        (d(9, 1), 3),  # c7, c8, c9
    ]


def test_monthly_registrations_for_one_trainer(db_session, meadow):
    assert monthly_registrations(db_session, period(meadow, meadow.people["ann"].id)) == [
        (d(4, 1), 3),
        (d(5, 1), 1),
        (d(6, 1), 0),
        (d(7, 1), 0),
        (d(8, 1), 0),
        (d(9, 1), 2),  # c7, c8
    ]


def test_an_open_period_runs_from_the_first_to_the_last_month_with_clients(db_session, meadow):
    assert monthly_registrations(db_session, ReportFilter(service_id=meadow.service.id)) == [
        (d(3, 1), 1),  # c11
        (d(4, 1), 3),
        (d(5, 1), 1),
        (d(6, 1), 1),
        (d(7, 1), 0),
        (d(8, 1), 2),
        (d(9, 1), 3),
        (d(10, 1), 1),  # c12
    ]


def test_the_trend_shows_at_most_the_last_24_months(db_session, meadow):
    meadow.client("old", "ann", d(1, 15, 2022))
    db_session.commit()

    months = monthly_registrations(db_session, ReportFilter(service_id=meadow.service.id))

    # January 2022 to October 2025 is 46 months; the last 24 start in November 2023.
    assert len(months) == 24
    assert months[0] == (d(11, 1, 2023), 0)
    assert months[-1] == (d(10, 1), 1)
    assert sum(count for _, count in months) == 12


def test_a_closed_period_with_no_clients_is_all_zeros(db_session, meadow):
    quiet = period(meadow, date_from=d(1, 1, 2024), date_to=d(3, 31, 2024))
    assert monthly_registrations(db_session, quiet) == [(d(1, 1, 2024), 0), (d(2, 1, 2024), 0), (d(3, 1, 2024), 0)]
