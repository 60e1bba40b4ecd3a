"""Community report tables against a hand-built service: events by type, people reached, reach by
the venue's deprivation fifth, signposts by destination and what came of them.

The period is April to June 2025 (British Summer Time, so London midnight is 23:00 UTC the day
before). Every expected count and percent is written out by hand below.
"""

import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from models import Client, Event, EventWorker, Service, Signpost
from pwa.clock import LONDON
from pwa.reports import community_tables
from pwa.reports.comparators import Comparison
from pwa.reports.filters import ReportFilter
from pwa.reports.tables import COMMUNITY_TABLES, build_table
from tests.world import add_person

NO_COMPARISON = Comparison("none", "No comparison")
APRIL, JUNE = date(2025, 4, 1), date(2025, 6, 30)


def london(year, month, day, hour=12, minute=0) -> datetime:
    """A London wall-clock time, stored as UTC like the app does."""
    return datetime(year, month, day, hour, minute, tzinfo=LONDON).astimezone(UTC)


@pytest.fixture
def hill(db_session):
    """A service with two trainers and a champion, six events and six signposts (a few outside
    the period or the service, to prove they are left out)."""
    service = Service(slug="hill", name="Hill Health Trainers")
    elsewhere = Service(slug="dale", name="Dale Health Trainers")
    db_session.add_all([service, elsewhere])
    db_session.flush()
    people = {
        name: add_person(db_session, name, role=role, service=service, password=False)[0]
        for name, role in (("ann", "trainer"), ("bob", "trainer"), ("cat", "champion"))
    }
    client = Client(service_id=service.id, full_name="Xena Client")
    db_session.add(client)

    def event(event_type, starts_at, reached, quintile, by, service_id=service.id):
        row = Event(
            uuid=str(uuid.uuid4()),
            service_id=service_id,
            event_type=event_type,
            title=f"{event_type} {starts_at:%d %b}",
            starts_at=starts_at,
            ends_at=starts_at,
            reached=reached,
            quintile=quintile,
            created_by_id=people[by].id,
        )
        db_session.add(row)
        return row

    events = {
        "market": event("stall", london(2025, 4, 10), 12, "q1_most_deprived", "cat"),
        "library": event("stall", london(2025, 5, 20), 8, "q2", "ann"),
        "job_club": event("talk", london(2025, 6, 5), 30, "unknown", "bob"),
        # 23:30 on 30 June in London is still the period's last day (22:30 UTC).
        "late_walk": event("health_walk", london(2025, 6, 30, 23, 30), 5, "", "cat"),
        # 00:30 on 1 July in London is 23:30 UTC on 30 June, but the London day is outside.
        "after": event("stall", london(2025, 7, 1, 0, 30), 100, "q1_most_deprived", "ann"),
        "before": event("stall", london(2025, 3, 31, 23, 0), 100, "q1_most_deprived", "ann"),
        "dale": event("stall", london(2025, 5, 1), 100, "q1_most_deprived", "ann", service_id=elsewhere.id),
    }
    db_session.flush()
    # Ann worked at the market stall the champion logged.
    db_session.add(EventWorker(event_id=events["market"].id, person_id=people["ann"].id, hours=3))

    def signpost(destination, made_on, by, result=None, client_id=None, service_id=service.id, **extra):
        db_session.add(
            Signpost(
                service_id=service_id,
                client_id=client_id,
                destination=destination,
                made_on=made_on,
                by_id=people[by].id,
                result=result,
                **extra,
            )
        )

    signpost("gp_primary_care", date(2025, 4, 2), "ann", "attended", client_id=client.id)
    signpost("community_voluntary", date(2025, 5, 15), "cat", None, event_id=events["market"].id, person_label="Jo")
    signpost("community_voluntary", JUNE, "ann", "not_attended", barrier="cost", person_label="Sam")
    signpost("housing", date(2025, 6, 10), "bob", "unknown", client_id=client.id)
    signpost("housing", date(2025, 7, 1), "ann", "attended", client_id=client.id)  # after the period
    signpost("housing", date(2025, 5, 1), "ann", "attended", service_id=elsewhere.id)  # another service
    db_session.commit()
    return service, people


def quarter(service, trainer=None, **changes) -> ReportFilter:
    return ReportFilter(service_id=service.id, date_from=APRIL, date_to=JUNE, trainer_id=trainer, **changes)


def rows(table) -> dict[str, tuple[int, Decimal | None]]:
    return {row.code: (row.count, row.percent) for row in table.rows}


def test_the_community_tables_are_the_five_champions_may_see():
    assert COMMUNITY_TABLES == [
        "activities_by_type",
        "people_reached",
        "reach_by_venue_quintile",
        "signposts_by_destination",
        "follow_up_results",
    ]


def test_activities_by_type_counts_events_by_their_london_day(db_session, hill):
    service, _ = hill
    table = build_table(db_session, "activities_by_type", quarter(service), NO_COMPARISON)

    # Market and library stalls, the job club talk and the late walk; not the 1 July stall.
    assert rows(table) == {
        "promotional_event": (0, Decimal("0.0")),
        "health_trainer_support_event": (0, Decimal("0.0")),
        "follow_up_event": (0, Decimal("0.0")),
        "group_course_session": (0, Decimal("0.0")),
        "talk": (1, Decimal("25.0")),
        "stall": (2, Decimal("50.0")),
        "health_walk": (1, Decimal("25.0")),
        "drop_in": (0, Decimal("0.0")),
        "door_knocking": (0, Decimal("0.0")),
        "other": (0, Decimal("0.0")),
    }
    assert (table.total.count, table.total.percent) == (4, Decimal("100.0"))
    assert table.spec.unit == "events"


def test_people_reached_adds_up_reach_by_type(db_session, hill):
    service, _ = hill
    table = build_table(db_session, "people_reached", quarter(service), NO_COMPARISON)

    # stall 12 + 8 = 20 of 55 = 36.36 -> 36.4; talk 30 of 55 = 54.54 -> 54.5; walk 5 of 55 = 9.09 -> 9.1
    found = rows(table)
    assert found["stall"] == (20, Decimal("36.4"))
    assert found["talk"] == (30, Decimal("54.5"))
    assert found["health_walk"] == (5, Decimal("9.1"))
    assert found["drop_in"] == (0, Decimal("0.0"))
    assert (table.total.count, table.total.percent) == (55, Decimal("100.0"))


def test_reach_by_venue_quintile_puts_venues_with_no_quintile_under_unknown(db_session, hill):
    service, _ = hill
    table = build_table(db_session, "reach_by_venue_quintile", quarter(service), NO_COMPARISON)

    # q1 12 of 55 = 21.81 -> 21.8; q2 8 of 55 = 14.54 -> 14.5; unknown 30 + 5 (blank) = 35 of 55 = 63.63 -> 63.6
    assert rows(table) == {
        "q1_most_deprived": (12, Decimal("21.8")),
        "q2": (8, Decimal("14.5")),
        "q3": (0, Decimal("0.0")),
        "q4": (0, Decimal("0.0")),
        "q5_least_deprived": (0, Decimal("0.0")),
        "unknown": (35, Decimal("63.6")),
    }
    assert table.total.count == 55


def test_trainer_filter_counts_events_the_trainer_logged_or_worked_at(db_session, hill):
    service, people = hill
    ann = quarter(service, people["ann"].id)
    # Ann logged the library stall and worked at the market stall the champion logged.
    assert community_tables.activities_by_type(db_session, ann).by_category == {"stall": 2}
    assert community_tables.people_reached(db_session, ann).by_category == {"stall": 20}
    assert community_tables.reach_by_venue_quintile(db_session, ann).by_category == {
        "q1_most_deprived": 12,
        "q2": 8,
    }
    bob = quarter(service, people["bob"].id)
    assert community_tables.activities_by_type(db_session, bob).by_category == {"talk": 1}


def test_an_empty_period_gives_every_row_at_zero_and_a_blank_percent(db_session, hill):
    service, _ = hill
    empty = ReportFilter(service_id=service.id, date_from=date(2024, 1, 1), date_to=date(2024, 12, 31))
    for name in COMMUNITY_TABLES:
        table = build_table(db_session, name, empty, NO_COMPARISON)
        assert [row.count for row in table.rows] == [0] * len(table.spec.categories), name
        assert {row.percent for row in table.rows} == {None}, name
        assert (table.total.count, table.total.percent) == (0, None), name


def test_an_open_period_counts_everything_in_the_service(db_session, hill):
    service, _ = hill
    every_day = ReportFilter(service_id=service.id)
    # 4 in the quarter, plus the stalls on 31 March and 1 July; not Dale's.
    assert community_tables.activities_by_type(db_session, every_day).by_category == {
        "stall": 4,
        "talk": 1,
        "health_walk": 1,
    }
    assert community_tables.signposts_by_destination(db_session, every_day).by_category == {
        "gp_primary_care": 1,
        "community_voluntary": 2,
        "housing": 2,
    }


def test_signposts_by_destination_count_clients_and_anonymous_people(db_session, hill):
    service, _ = hill
    table = build_table(db_session, "signposts_by_destination", quarter(service), NO_COMPARISON)

    # Two for the client (GP, housing) and two anonymous (both community groups); 1 July is out.
    found = rows(table)
    assert found["gp_primary_care"] == (1, Decimal("25.0"))
    assert found["community_voluntary"] == (2, Decimal("50.0"))
    assert found["housing"] == (1, Decimal("25.0"))
    assert found["self"] == (0, Decimal("0.0"))
    assert "not_recorded" not in found
    assert (table.total.count, table.total.percent) == (4, Decimal("100.0"))
    assert table.spec.unit == "signposts"


def test_follow_up_results_show_signposts_with_no_result_as_not_recorded(db_session, hill):
    service, _ = hill
    table = build_table(db_session, "follow_up_results", quarter(service), NO_COMPARISON)

    assert rows(table) == {
        "attended": (1, Decimal("25.0")),
        "not_attended": (1, Decimal("25.0")),
        "unknown": (1, Decimal("25.0")),
        "not_recorded": (1, Decimal("25.0")),
    }
    assert table.total.count == 4


def test_trainer_filter_counts_signposts_the_trainer_made(db_session, hill):
    service, people = hill
    ann = quarter(service, people["ann"].id)
    # Ann's: GP for the client on 2 April, a community group for Sam on 30 June.
    assert community_tables.signposts_by_destination(db_session, ann).by_category == {
        "gp_primary_care": 1,
        "community_voluntary": 1,
    }
    assert community_tables.follow_up_results(db_session, ann).by_category == {"attended": 1, "not_attended": 1}
    cat = quarter(service, people["cat"].id)
    assert community_tables.follow_up_results(db_session, cat).by_category == {"not_recorded": 1}


def test_small_numbers_are_hidden_when_asked(db_session, hill):
    service, _ = hill
    table = build_table(db_session, "people_reached", quarter(service, suppress=True), NO_COMPARISON)

    # The walk's 5 is not small; nothing is from 1 to 4, so nothing is hidden.
    assert not any(row.hidden for row in table.rows)
    table = build_table(db_session, "activities_by_type", quarter(service, suppress=True), NO_COMPARISON)
    hidden = {row.code for row in table.rows if row.hidden}
    assert hidden == {"talk", "stall", "health_walk"}
    assert table.total.count == 4
