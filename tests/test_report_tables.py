"""The client, goal and change report tables against a hand-built service whose every count
and percent is written out below (DOMAIN.md section 7).

The fixture, in north, period 1 April 2025 to 31 March 2026 (T = trainer, O = other-trainer):

    client  trainer  registered   gender  age    district ward              first seen   referral
    c1      T        2025-04-01   female  26_35  N1       E05000001 Abbey   2025-04-10   gp
    c2      T        2025-06-15   female  26_35  N1       E05000001 Abbey   2025-06-20   gp
    c3      T        2025-09-01   female  36_45  N2       (name only) Brook 2025-09-05   self
    c4      T        2025-12-01   male    46_55  -        -                 -            self
    c5      T        2026-03-31   male    over_65 N10     E05000003 Castle  2026-04-02   self
    c6      O        2025-05-05   male    26_35  N1       E05000001 Abbey   2025-05-06   gp
    c7      O        2025-07-07   male    56_65  N2       E05000002 Brook   2025-07-08   self
    c8      O        2026-01-20   -       -      N2       -                 2026-01-25   -
    x1      T        2025-03-31 (before the period)      N99 E05000099 Zed  2025-03-31
    x2      O        2026-04-01 (after the period)       N1
    s1      south    2025-06-01 (another service)

The world's own clients have no registration date, so they are never in a cohort.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import event
from sqlmodel import Session

from models import Client, Episode, Goal, Measure, Plan, Signpost
from pwa.reports.arithmetic import change_bin, hidden_codes
from pwa.reports.comparators import Comparison, england, load_comparison
from pwa.reports.filters import ReportFilter
from pwa.reports.tables import build_table

PERIOD = (date(2025, 4, 1), date(2026, 3, 31))
NO_COMPARISON = Comparison("none", "No comparison")


def rows(table) -> list[tuple]:
    """(code, count, percent, comparator) per row then the total, percents as text like "12.5"."""

    def text(value: Decimal | None) -> str | None:
        return None if value is None else str(value)

    lines = [(row.code, row.count, text(row.percent), text(row.comparator)) for row in table.rows]
    return [*lines, ("total", table.total.count, text(table.total.percent), None)]


# --- the fixture ------------------------------------------------------------------------------


def add_client(session, world, key, trainer, registered_on, service=None, **fields) -> Client:
    service = service or world.north
    person = world.people[trainer] if trainer else None
    client = Client(
        service_id=service.id,
        trainer_id=person.id if person else None,
        full_name=f"Client {key}",
        registered_on=registered_on,
        **fields,
    )
    session.add(client)
    session.flush()
    return client


def add_episode(session, client, number=1, **fields) -> Episode:
    fields.setdefault("started_on", client.registered_on)
    episode = Episode(service_id=client.service_id, client_id=client.id, number=number, **fields)
    session.add(episode)
    session.flush()
    return episode


def add_goals(session, episode, *goals) -> None:
    """goals: (code, start_date, outcome[, status]) each."""
    plan = Plan(
        service_id=episode.service_id, client_id=episode.client_id, episode_id=episode.id, agreed_on=date(2025, 1, 1)
    )
    session.add(plan)
    session.flush()
    for code, start, outcome, *status in goals:
        session.add(
            Goal(
                service_id=episode.service_id,
                client_id=episode.client_id,
                plan_id=plan.id,
                code=code,
                wording=code,
                start_date=start,
                review_date=start,
                outcome=outcome,
                status=status[0] if status else "active",
            )
        )
    session.flush()


def add_measures(session, episode, *measures) -> None:
    """measures: (instrument, stage, value, taken_on) each, added in this order (ids ascend)."""
    for instrument, stage, value, taken_on in measures:
        session.add(
            Measure(
                service_id=episode.service_id,
                client_id=episode.client_id,
                episode_id=episode.id,
                instrument=instrument,
                stage=stage,
                value=value,
                taken_on=taken_on,
            )
        )
        session.flush()


def signpost(session, world, client) -> None:
    session.add(
        Signpost(
            service_id=client.service_id,
            client_id=client.id,
            destination="community_voluntary",
            made_on=date(2024, 1, 1),  # any time: signposting is a status, not an activity here
            by_id=world.people["trainer"].id,
        )
    )


# fmt: off
@pytest.fixture
def service(db_session, world):
    """The north service as drawn in the module docstring."""
    s = db_session
    d = date
    world.north.target_wards = ["E05000003", "Dale", "abbey"]
    s.add(world.north)
    ward = {
        "abbey": dict(ward_code="E05000001", ward_name="Abbey"),
        "brook": dict(ward_code="E05000002", ward_name="Brook"),
        "castle": dict(ward_code="E05000003", ward_name="Castle"),
    }
    c = {}
    c["c1"] = add_client(s, world, "c1", "trainer", d(2025, 4, 1), gender="female", age_band="26_35",
                         ethnicity="white_british", disability="not_disabled", how_heard="referred",
                         referral_source="gp_primary_care", deprivation_quintile="q1_most_deprived",
                         postcode_district="N1", first_seen_on=d(2025, 4, 10), **ward["abbey"])
    c["c2"] = add_client(s, world, "c2", "trainer", d(2025, 6, 15), gender="female", age_band="26_35",
                         ethnicity="white_british", disability="not_disabled", how_heard="referred",
                         referral_source="gp_primary_care", deprivation_quintile="q1_most_deprived",
                         postcode_district="N1", first_seen_on=d(2025, 6, 20), **ward["abbey"])
    c["c3"] = add_client(s, world, "c3", "trainer", d(2025, 9, 1), gender="female", age_band="36_45",
                         ethnicity="white_british", disability="not_disabled", how_heard="referred",
                         referral_source="self", deprivation_quintile="q1_most_deprived",
                         postcode_district="N2", ward_name="Brook", first_seen_on=d(2025, 9, 5))
    c["c4"] = add_client(s, world, "c4", "trainer", d(2025, 12, 1), gender="male", age_band="46_55",
                         ethnicity="white_british", disability="not_disabled", how_heard="promotional_event",
                         referral_source="self", deprivation_quintile="q2")
    c["c5"] = add_client(s, world, "c5", "trainer", d(2026, 3, 31), gender="male", age_band="over_65",
                         ethnicity="asian_indian", disability="not_disabled", how_heard="promotional_event",
                         referral_source="self", deprivation_quintile="q5_least_deprived",
                         postcode_district="N10", first_seen_on=d(2026, 4, 2), **ward["castle"])
    c["c6"] = add_client(s, world, "c6", "other-trainer", d(2025, 5, 5), gender="male", age_band="26_35",
                         ethnicity="asian_indian", disability="not_disabled", how_heard="promotional_event",
                         referral_source="gp_primary_care", postcode_district="N1",
                         first_seen_on=d(2025, 5, 6), **ward["abbey"])
    c["c7"] = add_client(s, world, "c7", "other-trainer", d(2025, 7, 7), gender="male", age_band="56_65",
                         ethnicity="black_african", disability="disabled", how_heard="promotional_event",
                         referral_source="self", postcode_district="N2", first_seen_on=d(2025, 7, 8),
                         **ward["brook"])
    c["c8"] = add_client(s, world, "c8", "other-trainer", d(2026, 1, 20), disability="disabled",
                         how_heard="word_of_mouth", postcode_district="N2", first_seen_on=d(2026, 1, 25))
    c["x1"] = add_client(s, world, "x1", "trainer", d(2025, 3, 31), gender="female", age_band="18_25",
                         referral_source="hospital", postcode_district="N99", ward_code="E05000099",
                         ward_name="Zed", first_seen_on=d(2025, 3, 31))
    c["x2"] = add_client(s, world, "x2", "other-trainer", d(2026, 4, 1), gender="male", age_band="under_18",
                         postcode_district="N1")
    c["s1"] = add_client(s, world, "s1", "south-trainer", d(2025, 6, 1), service=world.south, gender="female",
                         postcode_district="S1", ward_code="E05000900", ward_name="Southward")

    # c1 came twice: the first episode ended in lost contact; the latest in withdrawal.
    e1a = add_episode(s, c["c1"], 1, eligible=False, assessed_on=d(2025, 4, 5), primary_issue="exercise",
                      signposting="not_required", exit_reason="lost_contact")
    e1 = add_episode(s, c["c1"], 2, started_on=d(2025, 11, 1), eligible=True, assessed_on=d(2025, 11, 1),
                     primary_issue="diet", exit_reason="client_withdrew")
    e2 = add_episode(s, c["c2"], eligible=True, assessed_on=d(2025, 6, 15), primary_issue="diet",
                     signposting="not_required", exit_reason="completed_plan")
    e3 = add_episode(s, c["c3"], eligible=True, assessed_on=d(2025, 9, 1), primary_issue="exercise",
                     signposting="not_required", exit_reason="lost_contact")
    e4 = add_episode(s, c["c4"], eligible=False, assessed_on=d(2025, 12, 1))
    e5 = add_episode(s, c["c5"])
    e6 = add_episode(s, c["c6"], eligible=True, assessed_on=d(2025, 5, 5), primary_issue="smoking",
                     signposting="not_required", exit_reason="client_withdrew")
    e7a = add_episode(s, c["c7"], 1, eligible=True, assessed_on=d(2025, 7, 7), primary_issue="diet",
                      signposting="not_required", exit_reason="lost_contact")
    e7 = add_episode(s, c["c7"], 2, started_on=d(2025, 10, 1), eligible=True, assessed_on=d(2025, 10, 1),
                     primary_issue="alcohol")
    ex1 = add_episode(s, c["x1"], eligible=True, assessed_on=d(2025, 3, 31), primary_issue="diet",
                      exit_reason="client_withdrew")
    signpost(s, world, c["c1"])
    signpost(s, world, c["c6"])

    # Goals: 16 set in the period; c3 has 6 more after it and c4 7 more before it.
    add_goals(s, e1a, ("diet-increase-fruit_veg", d(2025, 4, 10), "achieved"))
    add_goals(s, e1, ("exercise-increase-moderate", d(2025, 11, 5), "part_achieved"),
              ("smoking-stop", d(2025, 11, 5), "none_yet"))
    add_goals(s, e2, ("diet-reduce-fizzy_drinks", d(2025, 6, 20), "not_achieved"))
    add_goals(s, e3, ("diet-increase-water", d(2025, 9, 10), "achieved"),
              ("diet-increase-water", d(2025, 9, 10), "achieved"),
              ("exercise-increase-light", d(2025, 9, 10), "achieved"),
              ("wellbeing-improve-sleep", d(2025, 9, 10), None),
              ("alcohol-reduce", d(2025, 9, 10), "part_achieved"),
              *[("weight-reduce", d(2026, 5, 1), "achieved")] * 6)
    add_goals(s, e4, ("weight-reduce", d(2025, 12, 10), "achieved"),
              ("other", d(2025, 12, 10), "not_achieved"),
              ("diet-change", d(2025, 12, 10), "achieved"),
              *[("exercise-increase-vigorous", d(2025, 3, 1), "achieved")] * 7)
    add_goals(s, e6, ("exercise-increase-light", d(2025, 5, 10), "achieved"))
    add_goals(s, e7, ("smoking-reduce", d(2025, 7, 10), "achieved"),
              ("wellbeing-improve-mood", d(2025, 7, 10), "none_yet", "stopped"))
    add_goals(s, ex1, ("diet-increase-fruit_veg", d(2025, 5, 1), "achieved"))

    # BMI: each client's first baseline BMI, at the band edges.
    add_measures(s, e1a, ("bmi", "baseline", 19.9, d(2025, 4, 5)))
    add_measures(s, e1, ("bmi", "baseline", 31.0, d(2025, 11, 1)))
    add_measures(s, e2, ("bmi", "baseline", 20.0, d(2025, 6, 15)))
    add_measures(s, e3, ("bmi", "baseline", 24.99, d(2025, 9, 1)))
    add_measures(s, e4, ("bmi", "baseline", 25.0, d(2025, 12, 1)))
    add_measures(s, e5, ("bmi", "review", 45.0, d(2026, 3, 1)), ("bmi", "baseline", 30.0, d(2026, 3, 31)))
    add_measures(s, e6, ("bmi", "baseline", 39.9, d(2025, 5, 5)))
    add_measures(s, e7a, ("bmi", "baseline", 40.0, d(2025, 7, 7)), ("bmi", "baseline", 22.0, d(2025, 7, 7)))
    add_measures(s, ex1, ("bmi", "baseline", 22.0, d(2025, 3, 31)))

    # Self-efficacy: first baseline and last exit of the latest episode with both.
    se = "self_efficacy"
    add_measures(s, e1a, (se, "baseline", 50, d(2025, 4, 5)), (se, "exit", 40, d(2025, 6, 1)))  # -10, older
    add_measures(s, e1, (se, "baseline", 40, d(2025, 11, 1)), (se, "baseline", 60, d(2025, 11, 20)),
                 (se, "exit", 70, d(2026, 1, 20)), (se, "exit", 55, d(2026, 1, 10)))  # 70 - 40 = 30
    add_measures(s, e2, (se, "baseline", 50, d(2025, 6, 15)), (se, "exit", 47.5, d(2025, 9, 1)))  # -2.5
    add_measures(s, e3, (se, "baseline", 40, d(2025, 9, 1)), (se, "review", 90, d(2025, 10, 1)),
                 (se, "exit", 42.4, d(2025, 12, 1)))  # 2.4
    add_measures(s, e4, (se, "baseline", 30, d(2025, 12, 1)), (se, "exit", 37.5, d(2026, 2, 1)))  # 7.5
    add_measures(s, e5, (se, "baseline", 30, d(2026, 3, 31)))  # no exit
    add_measures(s, e6, (se, "baseline", 60, d(2025, 5, 5)), (se, "exit", 50, d(2025, 8, 1)))  # -10
    add_measures(s, e7a, (se, "baseline", 50, d(2025, 7, 7)), (se, "exit", 72.4, d(2025, 9, 1)))  # 22.4
    add_measures(s, e7, (se, "baseline", 10, d(2025, 10, 1)))  # latest episode, no exit
    add_measures(s, ex1, (se, "baseline", 10, d(2025, 3, 31)), (se, "exit", 90, d(2025, 6, 1)))  # not in cohort
    gh, who5 = "general_health", "who5_percent"
    add_measures(s, e2, (gh, "baseline", 50, d(2025, 6, 15)), (gh, "exit", 65, d(2025, 9, 1)))  # 15
    add_measures(s, e4, (gh, "baseline", 70, d(2025, 12, 1)), (gh, "exit", 45, d(2026, 2, 1)))  # -25
    add_measures(s, e3, (who5, "baseline", 40, d(2025, 9, 1)), (who5, "exit", 48, d(2025, 12, 1)))  # 8
    s.commit()
    return c
# fmt: on


def period(world, **changes) -> ReportFilter:
    return ReportFilter(service_id=world.north.id, date_from=PERIOD[0], date_to=PERIOD[1], **changes)


def table(session, world, name, comparison=NO_COMPARISON, **changes):
    return build_table(session, name, period(world, **changes), comparison)


# --- simple column tables -----------------------------------------------------------------------


def test_gender_counts_the_period_with_the_services_own_comparator(db_session, world, service):
    north_set = load_comparison(db_session, str(world.comparators["north"].id), world.north.id)
    result = table(db_session, world, "gender", north_set)
    # x1 (before), x2 (after), s1 (south) and the unregistered world clients are not counted.
    assert rows(result) == [
        ("female", 3, "37.5", "51.2"),
        ("male", 4, "50.0", "48.8"),
        ("other", 0, "0.0", None),
        ("prefer_not_to_say", 0, "0.0", None),
        ("not_recorded", 1, "12.5", None),
        ("total", 8, "100.0", None),
    ]
    assert result.excluded == 0


def test_gender_for_one_trainer(db_session, world, service):
    mine = table(db_session, world, "gender", trainer_id=world.people["trainer"].id)
    assert rows(mine) == [
        ("female", 3, "60.0", None),
        ("male", 2, "40.0", None),
        ("other", 0, "0.0", None),
        ("prefer_not_to_say", 0, "0.0", None),
        ("not_recorded", 0, "0.0", None),
        ("total", 5, "100.0", None),
    ]
    theirs = table(db_session, world, "gender", trainer_id=world.people["other-trainer"].id)
    assert rows(theirs) == [
        ("female", 0, "0.0", None),
        ("male", 2, "66.7", None),
        ("other", 0, "0.0", None),
        ("prefer_not_to_say", 0, "0.0", None),
        ("not_recorded", 1, "33.3", None),
        ("total", 3, "100.0", None),
    ]


def test_gender_over_all_time_counts_everyone_registered(db_session, world, service):
    result = build_table(db_session, "gender", ReportFilter(service_id=world.north.id), NO_COMPARISON)
    assert rows(result)[:2] == [("female", 4, "40.0", None), ("male", 5, "50.0", None)]
    assert rows(result)[-1] == ("total", 10, "100.0", None)


def test_age_band_with_the_england_comparator(db_session, world, service):
    assert rows(table(db_session, world, "age_band", england())) == [
        ("declined", 0, "0.0", "8.0"),
        ("under_18", 0, "0.0", "1.5"),
        ("18_25", 0, "0.0", "9.4"),
        ("26_35", 3, "37.5", "15.7"),
        ("36_45", 1, "12.5", "19.5"),
        ("46_55", 1, "12.5", "18.3"),
        ("56_65", 1, "12.5", "15.1"),
        ("over_65", 1, "12.5", "12.3"),
        ("not_recorded", 1, "12.5", None),
        ("total", 8, "100.0", None),
    ]


def test_ethnicity(db_session, world, service):
    assert rows(table(db_session, world, "ethnicity")) == [
        ("white_british", 4, "50.0", None),
        ("white_irish", 0, "0.0", None),
        ("white_other", 0, "0.0", None),
        ("mixed_white_black_caribbean", 0, "0.0", None),
        ("mixed_white_black_african", 0, "0.0", None),
        ("mixed_white_asian", 0, "0.0", None),
        ("mixed_other", 0, "0.0", None),
        ("asian_indian", 2, "25.0", None),
        ("asian_pakistani", 0, "0.0", None),
        ("asian_bangladeshi", 0, "0.0", None),
        ("asian_other", 0, "0.0", None),
        ("black_caribbean", 0, "0.0", None),
        ("black_african", 1, "12.5", None),
        ("black_other", 0, "0.0", None),
        ("chinese", 0, "0.0", None),
        ("other", 0, "0.0", None),
        ("not_stated", 0, "0.0", None),
        ("not_recorded", 1, "12.5", None),
        ("total", 8, "100.0", None),
    ]


def test_disability(db_session, world, service):
    assert rows(table(db_session, world, "disability")) == [
        ("disabled", 2, "25.0", None),
        ("not_disabled", 6, "75.0", None),
        ("prefer_not_to_say", 0, "0.0", None),
        ("not_recorded", 0, "0.0", None),
        ("total", 8, "100.0", None),
    ]


def test_how_heard_with_the_england_comparator(db_session, world, service):
    assert rows(table(db_session, world, "how_heard", england())) == [
        ("activity", 0, "0.0", "0.2"),
        ("at_work", 0, "0.0", "0.5"),
        ("referred", 3, "37.5", "37.9"),
        ("community_services", 0, "0.0", "2.3"),
        ("local_media", 0, "0.0", "2.4"),
        ("other_care_services", 0, "0.0", "1.4"),
        ("poster_leaflet", 0, "0.0", "5.4"),
        ("promotional_event", 4, "50.0", "31.3"),
        ("website", 0, "0.0", "0.1"),
        ("word_of_mouth", 1, "12.5", "13.8"),
        ("not_applicable", 0, "0.0", "0.1"),
        ("other", 0, "0.0", "5.0"),
        ("not_recorded", 0, "0.0", None),
        ("total", 8, "100.0", None),
    ]


def test_referral_source_with_the_england_comparator(db_session, world, service):
    assert rows(table(db_session, world, "referral_source", england())) == [
        ("advice_guidance", 0, "0.0", "0.4"),
        ("community_voluntary", 0, "0.0", "12.3"),
        ("emotional_wellbeing", 0, "0.0", "0.2"),
        ("gp_primary_care", 3, "37.5", "24.5"),
        ("health_trainer_service", 0, "0.0", "2.2"),
        ("hospital", 0, "0.0", "0.6"),  # x1 came from hospital, before the period
        ("lifestyle_risk_management", 0, "0.0", "10.8"),
        ("local_authority", 0, "0.0", "2.6"),
        ("other", 0, "0.0", "3.4"),
        ("prison", 0, "0.0", "0.1"),
        ("probation", 0, "0.0", "0.4"),
        ("self", 4, "50.0", "42.5"),
        ("jobcentre_employment", 0, "0.0", None),
        ("housing", 0, "0.0", None),
        ("not_recorded", 1, "12.5", None),
        ("total", 8, "100.0", None),
    ]


def test_deprivation_quintile_with_the_england_comparator(db_session, world, service):
    assert rows(table(db_session, world, "deprivation_quintile", england())) == [
        ("q1_most_deprived", 3, "37.5", "45.3"),
        ("q2", 1, "12.5", "21.9"),
        ("q3", 0, "0.0", "12.9"),
        ("q4", 0, "0.0", "8.4"),
        ("q5_least_deprived", 1, "12.5", "4.7"),
        ("unknown", 3, "37.5", "6.8"),
        ("total", 8, "100.0", None),
    ]


# --- tables whose rows come from the data -------------------------------------------------------


def test_postcode_district_rows_are_every_district_of_the_service(db_session, world, service):
    result = table(db_session, world, "postcode_district")
    # N99 (x1, before the period) keeps its row; S1 is south's.
    assert rows(result) == [
        ("N1", 3, "37.5", None),
        ("N2", 3, "37.5", None),
        ("N10", 1, "12.5", None),
        ("N99", 0, "0.0", None),
        ("not_recorded", 1, "12.5", None),
        ("total", 8, "100.0", None),
    ]
    assert [row.label for row in result.rows] == ["N1", "N2", "N10", "N99", "Not recorded"]


def test_ward_rows_hold_the_target_wards_and_a_name_alone_joins_its_ward(db_session, world, service):
    result = table(db_session, world, "ward")
    assert rows(result) == [
        ("E05000001", 3, "37.5", None),
        ("E05000002", 2, "25.0", None),  # c7 by code, c3 by the name Brook
        ("E05000003", 1, "12.5", None),
        ("Dale", 0, "0.0", None),  # a target ward nobody lives in yet
        ("E05000099", 0, "0.0", None),
        ("not_recorded", 2, "25.0", None),
        ("total", 8, "100.0", None),
    ]
    assert [row.label for row in result.rows] == ["Abbey", "Brook", "Castle", "Dale", "Zed", "Not recorded"]


def test_month_first_seen_covers_the_period_and_a_later_first_visit(db_session, world, service):
    result = table(db_session, world, "month_first_seen")
    # c5 registered on the last day of the period and was first seen in April 2026: that month
    # gets a row so c5 stays in the total.
    assert rows(result) == [
        ("2025-04", 1, "12.5", None),
        ("2025-05", 1, "12.5", None),
        ("2025-06", 1, "12.5", None),
        ("2025-07", 1, "12.5", None),
        ("2025-08", 0, "0.0", None),
        ("2025-09", 1, "12.5", None),
        ("2025-10", 0, "0.0", None),
        ("2025-11", 0, "0.0", None),
        ("2025-12", 0, "0.0", None),
        ("2026-01", 1, "12.5", None),
        ("2026-02", 0, "0.0", None),
        ("2026-03", 0, "0.0", None),
        ("2026-04", 1, "12.5", None),
        ("not_recorded", 1, "12.5", None),
        ("total", 8, "100.0", None),
    ]
    assert result.rows[0].label == "April 2025"
    assert result.rows[-1].label == "Not seen yet"


def test_month_first_seen_over_all_time_runs_from_the_first_month_to_the_last(db_session, world, service):
    result = build_table(db_session, "month_first_seen", ReportFilter(service_id=world.north.id), NO_COMPARISON)
    codes = [row.code for row in result.rows]
    assert codes[0] == "2025-03" and codes[-2] == "2026-04" and len(codes) == 15
    assert (result.rows[0].count, result.rows[-1].count, result.total.count) == (1, 2, 10)  # x1; c4 and x2


# --- tables from the latest episode -------------------------------------------------------------


def test_eligibility_from_the_latest_episode(db_session, world, service):
    # c1's first episode found them not eligible; the latest says eligible. c5 not checked, c8 no episode.
    assert rows(table(db_session, world, "eligibility")) == [
        ("eligible", 5, "62.5", None),
        ("not_eligible", 1, "12.5", None),
        ("not_recorded", 2, "25.0", None),
        ("total", 8, "100.0", None),
    ]


def test_primary_issue_counts_assessed_clients_with_an_issue(db_session, world, service):
    result = table(db_session, world, "primary_issue", england())
    assert rows(result) == [
        ("diet", 2, "40.0", "59.8"),
        ("exercise", 1, "20.0", "25.1"),
        ("smoking", 1, "20.0", "7.8"),
        ("alcohol", 1, "20.0", "1.8"),
        ("emotional_wellbeing", 0, "0.0", "5.5"),
        ("total", 5, "100.0", None),
    ]
    assert result.excluded == 1  # c4: assessed, no issue (c5 not assessed, c8 no episode: not in the unit)
    assert result.spec.excluded_note.format(n=result.excluded) == "1 assessed clients have no main issue recorded."


def test_primary_issue_for_one_trainer(db_session, world, service):
    result = table(db_session, world, "primary_issue", trainer_id=world.people["other-trainer"].id)
    assert rows(result) == [
        ("diet", 0, "0.0", None),  # c7's first episode was about diet; the latest is alcohol
        ("exercise", 0, "0.0", None),
        ("smoking", 1, "50.0", None),
        ("alcohol", 1, "50.0", None),
        ("emotional_wellbeing", 0, "0.0", None),
        ("total", 2, "100.0", None),
    ]
    assert result.excluded == 0


def test_signposting(db_session, world, service):
    # Done: c1 and c6 have signposts. Not needed: c2, c3. Not done yet: c4, c5, c7 (latest), c8 (no episode).
    assert rows(table(db_session, world, "signposting")) == [
        ("done", 2, "25.0", None),
        ("not_yet_done", 4, "50.0", None),
        ("not_required", 2, "25.0", None),
        ("total", 8, "100.0", None),
    ]


def test_dropout_by_referral_source_is_a_rate_of_each_referrer(db_session, world, service):
    result = table(db_session, world, "dropout_by_referral_source", england())
    # gp: c1 (withdrew, latest episode), c6 (withdrew) of c1, c2, c6. self: c3 (lost contact) of
    # c3, c4, c5, c7 (c7 lost contact in the first episode only). Rows with nobody have no percent.
    # The England set has no drop-out figures.
    assert rows(result) == [
        ("advice_guidance", 0, None, None),
        ("community_voluntary", 0, None, None),
        ("emotional_wellbeing", 0, None, None),
        ("gp_primary_care", 2, "66.7", None),
        ("health_trainer_service", 0, None, None),
        ("hospital", 0, None, None),
        ("lifestyle_risk_management", 0, None, None),
        ("local_authority", 0, None, None),
        ("other", 0, None, None),
        ("prison", 0, None, None),
        ("probation", 0, None, None),
        ("self", 1, "25.0", None),
        ("jobcentre_employment", 0, None, None),
        ("housing", 0, None, None),
        ("not_recorded", 0, "0.0", None),
        ("total", 3, "37.5", None),
    ]


# --- BMI and goals per client ---------------------------------------------------------------------


def test_bmi_band_uses_the_first_baseline_and_lower_bounds_belong_to_the_band(db_session, world, service):
    result = table(db_session, world, "bmi_band")
    # c1 19.9 (first baseline, not the later 31), c2 20.0, c3 24.99, c4 25.0, c5 30.0 (not the
    # review 45), c6 39.9, c7 40.0 (first of two the same day). c8 has none.
    assert rows(result) == [
        ("under_20", 1, "14.3", None),
        ("20_25", 2, "28.6", None),
        ("25_30", 1, "14.3", None),
        ("30_35", 1, "14.3", None),
        ("35_40", 1, "14.3", None),
        ("over_40", 1, "14.3", None),
        ("total", 7, "100.0", None),
    ]
    assert result.excluded == 1


def test_goals_per_client_counts_every_goal_of_any_status(db_session, world, service):
    assert rows(table(db_session, world, "goals_per_client", england())) == [
        ("none", 2, "25.0", "15.2"),
        ("1", 2, "25.0", "20.0"),
        ("2", 1, "12.5", "9.1"),
        ("3", 1, "12.5", "8.1"),
        ("4", 0, "0.0", "7.8"),
        ("5", 0, "0.0", "7.2"),
        ("6", 0, "0.0", "6.5"),
        ("7", 0, "0.0", "5.1"),
        ("8", 0, "0.0", "4.1"),
        ("9", 0, "0.0", "3.1"),
        ("10", 1, "12.5", "2.5"),
        ("over_10", 1, "12.5", "11.3"),
        ("total", 8, "100.0", None),
    ]


# --- goal tables ------------------------------------------------------------------------------------


def test_goal_category_of_goals_set_in_the_period_rounds_halves_up(db_session, world, service):
    # 16 goals set in the period, x1's among them (goals count by the date they were set).
    assert rows(table(db_session, world, "goal_category")) == [
        ("diet", 6, "37.5", None),
        ("exercise", 3, "18.8", None),  # 18.75
        ("smoking", 2, "12.5", None),
        ("alcohol", 1, "6.3", None),  # 6.25
        ("wellbeing", 2, "12.5", None),
        ("weight", 1, "6.3", None),
        ("other", 1, "6.3", None),
        ("total", 16, "100.0", None),
    ]


def test_goal_category_for_one_trainer(db_session, world, service):
    assert rows(table(db_session, world, "goal_category", trainer_id=world.people["other-trainer"].id)) == [
        ("diet", 0, "0.0", None),
        ("exercise", 1, "33.3", None),
        ("smoking", 1, "33.3", None),
        ("alcohol", 0, "0.0", None),
        ("wellbeing", 1, "33.3", None),
        ("weight", 0, "0.0", None),
        ("other", 0, "0.0", None),
        ("total", 3, "100.0", None),
    ]


def test_goal_by_code(db_session, world, service):
    assert rows(table(db_session, world, "goal")) == [
        ("diet-change", 1, "6.3", None),
        ("diet-increase-fruit_veg", 2, "12.5", None),
        ("diet-increase-healthy_snacks", 0, "0.0", None),
        ("diet-increase-water", 2, "12.5", None),
        ("diet-reduce-fatty_food", 0, "0.0", None),
        ("diet-reduce-fizzy_drinks", 1, "6.3", None),
        ("diet-reduce-fried_food", 0, "0.0", None),
        ("diet-reduce-portion_size", 0, "0.0", None),
        ("diet-reduce-tea_coffee", 0, "0.0", None),
        ("diet-reduce-unhealthy_snacks", 0, "0.0", None),
        ("exercise-increase-light", 2, "12.5", None),
        ("exercise-increase-moderate", 1, "6.3", None),
        ("exercise-increase-vigorous", 0, "0.0", None),  # c4's seven were set before the period
        ("smoking-reduce", 1, "6.3", None),
        ("smoking-stop", 1, "6.3", None),
        ("alcohol-reduce", 1, "6.3", None),
        ("alcohol-drink_free_days", 0, "0.0", None),
        ("wellbeing-improve-sleep", 1, "6.3", None),
        ("wellbeing-improve-stress", 0, "0.0", None),
        ("wellbeing-improve-mood", 1, "6.3", None),
        ("wellbeing-improve-social_contact", 0, "0.0", None),
        ("weight-reduce", 1, "6.3", None),  # c3's six were set after it
        ("other", 1, "6.3", None),
        ("total", 16, "100.0", None),
    ]


def test_goal_outcome_leaves_out_goals_with_no_outcome_yet(db_session, world, service):
    result = table(db_session, world, "goal_outcome", england())
    assert rows(result) == [
        ("achieved", 9, "69.2", "52.6"),
        ("part_achieved", 2, "15.4", "29.7"),
        ("not_achieved", 2, "15.4", "17.8"),
        ("total", 13, "100.0", None),
    ]
    assert result.excluded == 3  # two none_yet, one never given


# --- change tables ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change, expected",
    [
        (-10, "<=-10"),
        (-12.5, "<=-10"),
        (-7.5, "<=-10"),  # rounds to -10
        (-7.4, "-5"),
        (-2.5, "-5"),  # halves go away from zero
        (-2.4, "0"),
        (0, "0"),
        (2.4, "0"),
        (2.5, "5"),
        (7.5, "10"),
        (22.4, "20"),
        (22.5, ">=25"),
        (24, ">=25"),
        (60, ">=25"),
    ],
)
def test_self_efficacy_change_bins_at_their_edges(change, expected):
    assert change_bin(change, 5, -10, 25) == expected


@pytest.mark.parametrize(
    "change, step, lowest, highest, expected",
    [
        (-15, 10, -20, 70, "<=-20"),  # -15 rounds to -20
        (-14.9, 10, -20, 70, "-10"),
        (64.9, 10, -20, 70, "60"),
        (65, 10, -20, 70, ">=70"),
        (-12.5, 5, -15, 45, "<=-15"),
        (-12.4, 5, -15, 45, "-10"),
        (42.4, 5, -15, 45, "40"),
        (42.5, 5, -15, 45, ">=45"),
    ],
)
def test_general_health_and_who5_bins_at_their_edges(change, step, lowest, highest, expected):
    assert change_bin(change, step, lowest, highest) == expected


def test_self_efficacy_change_pairs_first_baseline_with_last_exit(db_session, world, service):
    result = table(db_session, world, "self_efficacy_change")
    # c1: latest episode 70 - 40 = 30; c2 -2.5; c3 2.4; c4 7.5; c6 -10; c7: first episode 22.4
    # (the latest has no exit). c5 (no exit) and c8 (nothing) have no pair.
    assert rows(result) == [
        ("<=-10", 1, "16.7", None),
        ("-5", 1, "16.7", None),
        ("0", 1, "16.7", None),
        ("5", 0, "0.0", None),
        ("10", 1, "16.7", None),
        ("15", 0, "0.0", None),
        ("20", 1, "16.7", None),
        (">=25", 1, "16.7", None),
        ("total", 6, "100.0", None),
    ]
    assert (result.improved.count, str(result.improved.percent)) == (3, "50.0")
    assert result.excluded == 2


def test_self_efficacy_change_for_one_trainer(db_session, world, service):
    result = table(db_session, world, "self_efficacy_change", trainer_id=world.people["other-trainer"].id)
    assert [(row.code, row.count) for row in result.rows if row.count] == [("<=-10", 1), ("20", 1)]
    assert (result.total.count, result.excluded, result.improved.count, str(result.improved.percent)) == (
        2,
        1,
        1,
        "50.0",
    )


def test_general_health_and_who5_change(db_session, world, service):
    health = table(db_session, world, "general_health_change")
    assert rows(health) == [
        ("<=-20", 1, "50.0", None),  # c4: -25
        ("-10", 0, "0.0", None),
        ("0", 0, "0.0", None),
        ("10", 0, "0.0", None),
        ("20", 1, "50.0", None),  # c2: 15 rounds up to 20
        ("30", 0, "0.0", None),
        ("40", 0, "0.0", None),
        ("50", 0, "0.0", None),
        ("60", 0, "0.0", None),
        (">=70", 0, "0.0", None),
        ("total", 2, "100.0", None),
    ]
    assert (health.excluded, health.improved.count, str(health.improved.percent)) == (6, 1, "50.0")
    wellbeing = table(db_session, world, "who5_change")
    assert [(row.code, row.count, str(row.percent)) for row in wellbeing.rows if row.count] == [("10", 1, "100.0")]
    assert (wellbeing.total.count, wellbeing.excluded, wellbeing.improved.count) == (1, 7, 1)


def test_change_with_nobody_paired_has_no_percents(db_session, world, service):
    result = table(db_session, world, "who5_change", trainer_id=world.people["other-trainer"].id)
    assert rows(result)[-1] == ("total", 0, None, None)
    assert result.improved.percent is None and result.excluded == 3


# --- small-number suppression ---------------------------------------------------------------------


def test_suppression_hides_counts_from_one_to_four(db_session, world, service):
    result = table(db_session, world, "gender", suppress=True)
    assert [(row.code, row.count, row.percent, row.hidden) for row in result.rows] == [
        ("female", 3, None, True),
        ("male", 4, None, True),
        ("other", 0, Decimal("0.0"), False),
        ("prefer_not_to_say", 0, Decimal("0.0"), False),
        ("not_recorded", 1, None, True),
    ]
    assert (result.total.count, str(result.total.percent)) == (8, "100.0")


def test_suppression_hides_the_next_smallest_when_only_one_is_small(db_session, world, service):
    # disabled 2 alone would be worked out from the total, so not_disabled (6) is hidden too.
    result = table(db_session, world, "disability", suppress=True)
    assert [(row.code, row.hidden) for row in result.rows] == [
        ("disabled", True),
        ("not_disabled", True),
        ("prefer_not_to_say", False),
        ("not_recorded", False),
    ]
    assert hidden_codes({"a": 2, "b": 6, "c": 9, "d": 0}) == {"a", "b"}
    unsuppressed = table(db_session, world, "disability")
    assert not any(row.hidden for row in unsuppressed.rows)


# --- the SQL does not grow with the clients -------------------------------------------------------

MY_TABLES = [
    "gender",
    "age_band",
    "postcode_district",
    "ward",
    "month_first_seen",
    "eligibility",
    "primary_issue",
    "bmi_band",
    "goals_per_client",
    "signposting",
    "dropout_by_referral_source",
    "goal_category",
    "goal",
    "goal_outcome",
    "self_efficacy_change",
    "general_health_change",
    "who5_change",
]


def add_typical_clients(session, world, how_many: int, first: int) -> None:
    """Clients with an episode, a goal, a BMI, a pair of scores and a signpost each."""
    for number in range(first, first + how_many):
        client = add_client(session, world, f"bulk{number}", "trainer", date(2025, 5, 1),
                            postcode_district=f"N{number}", ward_code=f"E{number:08d}", ward_name=f"Ward {number}",
                            first_seen_on=date(2025, 4 + number % 9, 1))  # fmt: skip
        episode = add_episode(session, client, eligible=True, assessed_on=date(2025, 5, 1), primary_issue="diet")
        add_goals(session, episode, ("diet-change", date(2025, 5, 2), "achieved"))
        add_measures(
            session,
            episode,
            ("bmi", "baseline", 20 + number % 25, date(2025, 5, 1)),
            ("self_efficacy", "baseline", 40, date(2025, 5, 1)),
            ("self_efficacy", "exit", 40 + number, date(2025, 8, 1)),
        )
        signpost(session, world, client)
    session.commit()


def statements_per_table(app, world) -> dict[str, int]:
    engine = app.extensions["db_engine"]
    counted: dict[str, int] = {}
    for name in MY_TABLES:
        seen = []

        def count(*args, seen=seen):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", count)
        try:
            with Session(engine) as session:
                build_table(session, name, period(world), england())
        finally:
            event.remove(engine, "before_cursor_execute", count)
        counted[name] = len(seen)
    return counted


def test_the_sql_of_a_table_does_not_grow_with_clients(app, db_session, world):
    add_typical_clients(db_session, world, 3, first=1)
    few = statements_per_table(app, world)
    add_typical_clients(db_session, world, 27, first=4)
    many = statements_per_table(app, world)
    assert many == few
    assert max(few.values()) <= 2
    with Session(app.extensions["db_engine"]) as session:
        assert build_table(session, "goal", period(world), england()).total.count == 30
