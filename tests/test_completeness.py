"""Data completeness: per field recorded / declined / not recorded for a hand-built set of clients
(counts written out), the lists of clients missing each field (a trainer sees only their own),
and the audit row for seeing those names."""

import re
from datetime import date
from decimal import Decimal

from sqlmodel import select

from models import AuditEvent, Client, Episode
from pwa.reports import dashboard_views
from pwa.reports.completeness import completeness, missing_clients
from pwa.reports.filters import ReportFilter
from tests.conftest import act_as

PERIOD = "period=custom&from=2025-04-01&to=2025-06-30"


def add_client(session, world, name, trainer, registered_on=date(2025, 5, 1), service=None, **fields):
    client = Client(
        service_id=(service or world.north).id,
        trainer_id=world.people[trainer].id,
        full_name=name,
        registered_on=registered_on,
        **fields,
    )
    session.add(client)
    session.flush()
    return client


def add_episode(session, client, number=1, **fields):
    session.add(
        Episode(service_id=client.service_id, client_id=client.id, number=number, started_on=date(2025, 5, 1), **fields)
    )
    session.flush()


def build(session, world) -> dict[str, Client]:
    """Four clients registered in April to June 2025, one before, one in another service.

    Pat: everything recorded.          Quinn: declined everything that can be declined.
    Rae: nothing recorded but an age band, no episode.   Sam: male, assessed twice, the latest
    assessment with no main issue.    Una: before the period.    Vic: the south service."""
    pat = add_client(
        session,
        world,
        "Pat Full",
        "trainer",
        gender="female",
        date_of_birth=date(1980, 1, 1),
        ethnicity="white_british",
        disability="not_disabled",
        postcode="NE1 1AA",
        how_heard="word_of_mouth",
        referral_source="gp_primary_care",
        employment_status="employed",
        gp_registered="yes",
    )
    add_episode(session, pat, eligible=True, assessed_on=date(2025, 5, 2), primary_issue="diet")
    quinn = add_client(
        session,
        world,
        "Quinn Declined",
        "trainer",
        gender="prefer_not_to_say",
        age_band="declined",
        ethnicity="not_stated",
        disability="prefer_not_to_say",
        employment_status="not_disclosed",
    )
    add_episode(session, quinn, eligible=False)
    rae = add_client(session, world, "Rae Blank", "other-trainer", age_band="36_45")
    sam = add_client(session, world, "Sam Second", "trainee", gender="male", registered_on=date(2025, 6, 30))
    add_episode(session, sam, 1, eligible=True, assessed_on=date(2025, 6, 1), primary_issue="diet")
    add_episode(session, sam, 2, eligible=True, assessed_on=date(2025, 7, 1))
    una = add_client(session, world, "Una Earlier", "trainer", registered_on=date(2025, 3, 31))
    vic = add_client(session, world, "Vic South", "south-trainer", service=world.south)
    session.commit()
    return {"pat": pat, "quinn": quinn, "rae": rae, "sam": sam, "una": una, "vic": vic}


def table(fields) -> dict[str, tuple[int, int, int, Decimal | None]]:
    return {f.field: (f.recorded, f.declined, f.not_recorded, f.percent_recorded) for f in fields}


def test_counts_per_field_for_the_period(world, db_session):
    build(db_session, world)
    found = completeness(db_session, ReportFilter(world.north.id, date(2025, 4, 1), date(2025, 6, 30)))
    assert table(found) == {
        # field: (recorded, declined, not recorded, percent recorded)
        "gender": (2, 1, 1, Decimal("50.0")),
        "age": (2, 1, 1, Decimal("50.0")),  # Pat by date of birth, Rae by age band; Quinn declined
        "ethnicity": (1, 1, 2, Decimal("25.0")),
        "disability": (1, 1, 2, Decimal("25.0")),
        "postcode": (1, 0, 3, Decimal("25.0")),
        "how_heard": (1, 0, 3, Decimal("25.0")),
        "referral_source": (1, 0, 3, Decimal("25.0")),
        "employment_status": (1, 1, 2, Decimal("25.0")),
        "gp_registered": (1, 0, 3, Decimal("25.0")),
        "primary_issue": (1, 0, 1, Decimal("50.0")),  # assessed only: Pat, and Sam's latest episode
        "eligibility": (3, 0, 1, Decimal("75.0")),  # not eligible is an answer; Rae has no episode
    }
    assert [f.label for f in found][:2] == ["Gender", "Date of birth or age"]


def test_the_period_and_trainer_filters(world, db_session):
    build(db_session, world)
    # From 1 March: Una (nothing recorded) joins; a third recorded is rounded to one decimal.
    wider = table(completeness(db_session, ReportFilter(world.north.id, date(2025, 3, 1), date(2025, 6, 30))))
    assert wider["gender"] == (2, 1, 2, Decimal("40.0"))
    assert wider["eligibility"] == (3, 0, 2, Decimal("60.0"))
    trainer = ReportFilter(world.north.id, date(2025, 3, 1), date(2025, 6, 30), trainer_id=world.people["trainer"].id)
    own = table(completeness(db_session, trainer))
    assert own["gender"] == (1, 1, 1, Decimal("33.3"))
    assert own["primary_issue"] == (1, 0, 0, Decimal("100.0"))
    # Nobody registered: zeros and no percent.
    empty = table(completeness(db_session, ReportFilter(world.north.id, date(2024, 1, 1), date(2024, 1, 31))))
    assert empty["gender"] == (0, 0, 0, None)


def test_missing_clients_lists_only_not_recorded_with_the_trainer(world, db_session):
    clients = build(db_session, world)
    period = ReportFilter(world.north.id, date(2025, 4, 1), date(2025, 6, 30))
    assert missing_clients(db_session, period, "gender") == ([(clients["rae"].id, "Rae Blank", "Other Trainer")], 1)
    assert missing_clients(db_session, period, "ethnicity") == (
        [(clients["rae"].id, "Rae Blank", "Other Trainer"), (clients["sam"].id, "Sam Second", "Trainee")],
        2,
    )
    assert missing_clients(db_session, period, "ethnicity", limit=1) == (
        [(clients["rae"].id, "Rae Blank", "Other Trainer")],
        2,
    )
    assert missing_clients(db_session, period, "primary_issue") == ([(clients["sam"].id, "Sam Second", "Trainee")], 1)
    assert missing_clients(db_session, period, "eligibility") == (
        [(clients["rae"].id, "Rae Blank", "Other Trainer")],
        1,
    )
    assert missing_clients(db_session, period, "referral_source") == (
        [
            (clients["quinn"].id, "Quinn Declined", "Trainer"),
            (clients["rae"].id, "Rae Blank", "Other Trainer"),
            (clients["sam"].id, "Sam Second", "Trainee"),
        ],
        3,
    )


def names_on(body: str) -> set[str]:
    return {
        name
        for name in ("Pat Full", "Quinn Declined", "Rae Blank", "Sam Second", "Una Earlier", "Vic South")
        if name in body
    }


def test_the_manager_sees_every_gap_in_the_service_and_the_view_is_audited(client, world, db_session):
    clients = build(db_session, world)
    act_as(client, world.people["manager"], world.grants["manager"])
    response = client.get(f"/reports/completeness?{PERIOD}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    row = re.search(r'<th scope="row">Gender</th>(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r"<td>(?:<a [^>]*>)?([^<]*)", row) == ["2", "1", "1", "50.0%"]
    assert names_on(body) == {"Quinn Declined", "Rae Blank", "Sam Second"}  # Pat has nothing missing
    gender = body.split('id="missing-gender"')[1].split("</details>")[0]
    assert "Gender: 1 client not recorded" in gender
    assert (
        f'<a href="/clients/{clients["rae"].id}/details">Rae Blank</a> <span class="muted">(Other Trainer)</span>'
        in gender
    )
    issue = body.split('id="missing-primary_issue"')[1].split("</details>")[0]
    assert f'<a href="/clients/{clients["sam"].id}">Sam Second</a>' in issue
    assert 'name="trainer"' in body and 'name="comparator"' not in body

    audits = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_completeness_list")).all()
    assert len(audits) == 1
    assert audits[0].actor_id == world.people["manager"].id and audits[0].service_id == world.north.id
    assert audits[0].detail.startswith("22 names listed: gender 1, age 1, ethnicity 2")


def test_a_trainer_sees_only_their_own_clients_missing(client, world, db_session):
    build(db_session, world)
    act_as(client, world.people["trainer"], world.grants["trainer"])
    # Asking for another trainer's clients is ignored: the page is pinned to their own caseload.
    response = client.get(f"/reports/completeness?{PERIOD}&trainer={world.people['other-trainer'].id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert names_on(body) == {"Quinn Declined"}
    row = re.search(r'<th scope="row">Gender</th>(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r"<td>(?:<a [^>]*>)?([^<]*)", row) == ["1", "1", "0", "50.0%"]
    assert 'name="trainer"' not in body
    audit = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_completeness_list")).one()
    assert audit.actor_id == world.people["trainer"].id

    act_as(client, world.people["trainee"], world.grants["trainee"])
    assert names_on(client.get(f"/reports/completeness?{PERIOD}").get_data(as_text=True)) == {"Sam Second"}


def test_beyond_the_limit_the_page_says_how_many_more(client, world, db_session, monkeypatch):
    build(db_session, world)
    monkeypatch.setattr(dashboard_views, "MISSING_LIMIT", 1)
    act_as(client, world.people["manager"], world.grants["manager"])
    body = client.get(f"/reports/completeness?{PERIOD}").get_data(as_text=True)
    referral = body.split('id="missing-referral_source"')[1].split("</details>")[0]
    assert "Quinn Declined" in referral and "Rae Blank" not in referral
    assert "And 2 more." in referral


def test_a_bad_date_is_422_with_no_names_and_no_audit(client, world, db_session):
    build(db_session, world)
    act_as(client, world.people["manager"], world.grants["manager"])
    response = client.get("/reports/completeness?period=custom&from=2025-04-01&to=2025-02-30")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Enter a date like 2026-04-01." in body
    assert names_on(body) == set()
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_completeness_list")).all() == []
