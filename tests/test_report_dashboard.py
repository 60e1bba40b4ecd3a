"""The manager's dashboard (key figures, three SVG charts with text alternatives, links to every
table) and the champions' community figures, against hand-built data whose numbers are written out."""

import html
import re
import uuid
from datetime import UTC, date, datetime
from urllib.parse import parse_qs

from models import Client, Episode, Event, Goal, Plan, Signpost
from pwa.reports.charts import months_chart
from pwa.reports.tables import TABLES
from tests.conftest import act_as

PERIOD = "/reports?period=custom&from=2025-04-01&to=2025-06-30"


def add_client(session, world, name, registered_on, trainer="trainer", **fields):
    client = Client(
        service_id=world.north.id,
        trainer_id=world.people[trainer].id,
        full_name=name,
        registered_on=registered_on,
        **fields,
    )
    session.add(client)
    session.flush()
    return client


def build_dashboard_data(session, world):
    """Five clients registered from April to June 2025 (two out of the period), with quintiles,
    referrers and goals whose counts the tests write out."""
    april = add_client(
        session,
        world,
        "Amy April",
        date(2025, 4, 3),
        deprivation_quintile="q1_most_deprived",
        referral_source="gp_primary_care",
    )
    add_client(
        session,
        world,
        "Ben April",
        date(2025, 4, 20),
        "other-trainer",
        deprivation_quintile="q1_most_deprived",
        referral_source="gp_primary_care",
    )
    add_client(
        session, world, "Cat June", date(2025, 6, 1), deprivation_quintile="q2", referral_source="gp_primary_care"
    )
    add_client(session, world, "Dan June", date(2025, 6, 15), deprivation_quintile="q5_least_deprived")
    add_client(session, world, "Eve June", date(2025, 6, 30))  # quintile unknown (the default)
    add_client(session, world, "Fay March", date(2025, 3, 31), deprivation_quintile="q1_most_deprived")
    add_client(session, world, "Gus July", date(2025, 7, 1), deprivation_quintile="q1_most_deprived")

    episode = Episode(service_id=world.north.id, client_id=april.id, started_on=date(2025, 4, 3))
    session.add(episode)
    session.flush()
    plan = Plan(service_id=world.north.id, client_id=april.id, episode_id=episode.id, agreed_on=date(2025, 4, 10))
    session.add(plan)
    session.flush()
    outcomes = [
        (date(2025, 4, 10), "achieved"),
        (date(2025, 4, 10), "achieved"),
        (date(2025, 5, 1), "part_achieved"),
        (date(2025, 6, 30), "not_achieved"),
        (date(2025, 6, 1), None),  # no outcome yet: left out of the percent
        (date(2025, 3, 1), "achieved"),  # set before the period
    ]
    for start, outcome in outcomes:
        session.add(
            Goal(
                service_id=world.north.id,
                client_id=april.id,
                plan_id=plan.id,
                code="diet-increase-fruit_veg",
                wording="Eat more fruit",
                start_date=start,
                review_date=start,
                outcome=outcome,
            )
        )
    session.commit()


def text_alternative_row(body: str, heading: str) -> list[str]:
    """The cells after a row heading in a chart's table of numbers."""
    match = re.search(rf'<tr><th scope="row">{re.escape(heading)}</th>((?:<td>[^<]*</td>)*)</tr>', body)
    assert match, f"no row {heading!r}"
    return re.findall(r"<td>([^<]*)</td>", match.group(1))


def figure(body: str, key: str) -> str:
    """The HTML of one chart's <figure>."""
    match = re.search(rf'<figure class="chart">(?:(?!</figure>).)*id="{key}-title".*?</figure>', body, re.S)
    assert match, f"no chart {key}"
    return match.group(0)


def test_dashboard_shows_figures_charts_and_their_numbers(client, world, db_session):
    build_dashboard_data(db_session, world)
    act_as(client, world.people["manager"], world.grants["manager"])
    response = client.get(PERIOD)
    assert response.status_code == 200
    body = response.get_data(as_text=True)

    # Key figures as cards: 5 new clients; one referrer (GP, 3 of 5) is over half, a warning in words.
    assert '<p class="figure__value">5 clients</p>\n    <p class="figure__label">New clients</p>' in body
    warning = re.search(r'<li class="figure figure--warning">(.*?)</li>', body, re.S)
    assert (
        warning and "Warning" in warning.group(1) and "GP or primary care sent 3 of 5 new clients" in warning.group(1)
    )
    assert "Target: 300 clients" in body

    # Three charts, each an SVG image with a title and description, a caption and a table of numbers.
    assert body.count('role="img"') == 3
    assert body.count("<figcaption") == 3
    for key in ("chart-months", "chart-quintiles", "chart-outcomes"):
        chart = figure(body, key)
        assert f'aria-labelledby="{key}-title {key}-desc"' in chart
        assert f'<desc id="{key}-desc">' in chart
        assert 'width="100%"' in chart and "viewBox=" in chart
        assert "<details" in chart and "<table" in chart
    assert "style=" not in body

    months = figure(body, "chart-months")
    assert text_alternative_row(months, "Apr 2025") == ["2"]
    assert text_alternative_row(months, "May 2025") == ["0"]
    assert text_alternative_row(months, "Jun 2025") == ["3"]
    assert "Mar 2025" not in months and "Jul 2025" not in months
    assert months.count('<rect x="') == 3

    quintiles = figure(body, "chart-quintiles")
    assert text_alternative_row(quintiles, "1 (most deprived)") == ["2", "40.0%", "45.3%"]
    assert text_alternative_row(quintiles, "2") == ["1", "20.0%", "21.9%"]
    assert text_alternative_row(quintiles, "3") == ["0", "0.0%", "12.9%"]
    assert text_alternative_row(quintiles, "4") == ["0", "0.0%", "8.4%"]
    assert text_alternative_row(quintiles, "5 (least deprived)") == ["1", "20.0%", "4.7%"]
    assert text_alternative_row(quintiles, "Unknown") == ["1", "20.0%", "6.8%"]
    assert text_alternative_row(quintiles, "Total") == ["5", "100.0%", ""]
    assert "England, DCRS national report (Sept 2010)" in quintiles  # the legend names the comparison
    assert quintiles.count('<rect x="') == 12  # six rows, service and comparison bars

    outcomes = figure(body, "chart-outcomes")
    assert text_alternative_row(outcomes, "Achieved") == ["2", "50.0%", "52.6%"]
    assert text_alternative_row(outcomes, "Part achieved") == ["1", "25.0%", "29.7%"]
    assert text_alternative_row(outcomes, "Not achieved") == ["1", "25.0%", "17.8%"]
    assert text_alternative_row(outcomes, "Total") == ["4", "100.0%", ""]

    # Reports show counts, never names.
    for name in ("Amy April", "Ben April", "Cat June", "Dan June", "Eve June"):
        assert name not in body


def links(body: str, path: str) -> list[dict[str, list[str]]]:
    """The query of every link to the path, parsed."""
    found = re.findall(rf'href="{re.escape(path)}\?([^"]*)"', body)
    return [parse_qs(html.unescape(query)) for query in found]


def test_dashboard_links_carry_the_filter(client, world, db_session):
    build_dashboard_data(db_session, world)
    trainer_id = world.people["other-trainer"].id
    act_as(client, world.people["manager"], world.grants["manager"])
    body = client.get(f"{PERIOD}&trainer={trainer_id}&comparator=none&suppress=yes").get_data(as_text=True)
    expected = {
        "period": ["custom"],
        "from": ["2025-04-01"],
        "to": ["2025-06-30"],
        "trainer": [str(trainer_id)],
        "comparator": ["none"],
        "suppress": ["1"],
    }
    for path in (
        "/reports/gender",
        "/reports/gender.csv",
        "/reports/who5_change",
        "/reports/follow_up_results.csv",
        "/reports/dropout_by_referral_source",
        "/reports/key_figures.csv",
        "/reports/data_completeness.csv",
        "/reports/completeness",
    ):
        found = links(body, path)
        assert found and all(query == expected for query in found), path
    assert 'href="/reports/comparators"' in body
    # One trainer's clients only: Ben, registered in April.
    months = figure(body, "chart-months")
    assert text_alternative_row(months, "Apr 2025") == ["1"]
    assert text_alternative_row(months, "Jun 2025") == ["0"]
    # No comparison chosen: no comparison bars or column.
    quintiles = figure(body, "chart-quintiles")
    assert text_alternative_row(quintiles, "1 (most deprived)") == ["1", "100.0%"]
    assert quintiles.count('<rect x="') == 6


def test_dashboard_lists_every_table_in_its_group(client, world):
    act_as(client, world.people["manager"], world.grants["manager"])
    body = client.get("/reports").get_data(as_text=True)
    headings = re.findall(r'<h3 id="group-\d">([^<]+)</h3>', body)
    assert headings == ["Clients", "Goals", "Change", "Community", "Other (drop-out)"]
    other = body.split("Other (drop-out)</h3>")[1].split("</ul>")[0]
    assert "/reports/dropout_by_referral_source?" in other and "/reports/dropout_by_referral_source.csv?" in other
    for name in TABLES:
        assert f'href="/reports/{name}?' in body and f'href="/reports/{name}.csv?' in body


def test_a_bad_date_is_422_with_the_message_by_the_field_and_no_figures(client, world, db_session):
    build_dashboard_data(db_session, world)
    act_as(client, world.people["manager"], world.grants["manager"])
    response = client.get("/reports?period=custom&from=2025-13-01&to=2025-06-30")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    error = '<p class="field__error" id="from-error"><span class="visually-hidden">Error:</span> '
    assert error + "Enter a date like 2026-04-01.</p>" in body
    assert 'id="from" name="from"' in body and 'aria-invalid="true"' in body
    assert "Key figures" not in body and 'role="img"' not in body and "figure__value" not in body


def test_the_managers_home_links_to_the_reports(client, world):
    act_as(client, world.people["manager"], world.grants["manager"])
    body = client.get("/overview").get_data(as_text=True)
    assert '<a href="/reports">See the reports</a>' in body


def test_the_month_chart_scales_bars_to_the_biggest_month():
    chart = months_chart([(date(2025, 4, 1), 2), (date(2025, 5, 1), 0), (date(2025, 6, 1), 4)])
    heights = [bar.height for bar in chart.bars]
    assert heights == [56.0, 0, 112.0]  # the biggest month fills the 112 units between top and base
    assert [bar.text for bar in chart.bars] == ["2", "0", "4"]
    assert [label.text for label in chart.labels] == ["Apr", "2025", "May", "Jun"]
    assert chart.description == "6 clients registered from Apr 2025 to Jun 2025. Most in one month: 4 in Jun 2025."
    for bar in chart.bars:
        assert 0 <= bar.x and bar.x + bar.width <= chart.width


# --- Community figures ---------------------------------------------------------------------------


def build_community_data(session, world):
    """Three activities and three signposts in May and June 2025; one of each outside."""
    people = world.people

    def event(event_type, day, reached, quintile="unknown"):
        starts = datetime(day.year, day.month, day.day, 11, tzinfo=UTC)
        return Event(
            uuid=str(uuid.uuid4()),
            service_id=world.north.id,
            event_type=event_type,
            title="Stall",
            starts_at=starts,
            ends_at=starts,
            reached=reached,
            quintile=quintile,
            created_by_id=people["champion"].id,
        )

    session.add_all(
        [
            event("stall", date(2025, 5, 10), 12, "q1_most_deprived"),
            event("stall", date(2025, 5, 24), 8, "q2"),
            event("talk", date(2025, 6, 1), 5),
            event("talk", date(2025, 7, 2), 40),  # after the period
        ]
    )
    for day, result in [
        (date(2025, 5, 10), "attended"),
        (date(2025, 5, 10), "not_attended"),
        (date(2025, 6, 1), None),
        (date(2025, 3, 1), "attended"),  # before the period
    ]:
        session.add(
            Signpost(
                service_id=world.north.id,
                destination="community_voluntary",
                made_on=day,
                by_id=people["champion"].id,
                result=result,
            )
        )
    session.commit()


def test_a_champion_sees_community_totals_and_no_client_figures(client, world, db_session):
    build_dashboard_data(db_session, world)
    build_community_data(db_session, world)
    act_as(client, world.people["champion"], world.grants["champion"])
    response = client.get("/reports/community?period=custom&from=2025-04-01&to=2025-06-30&trainer=999")
    assert response.status_code == 200  # a trainer in the address is ignored: the form has none
    body = response.get_data(as_text=True)
    totals = dict(
        (label, value)
        for value, label in re.findall(
            r'<p class="figure__value">([^<]+)</p><p class="figure__label">([^<]+)</p>', body
        )
    )
    assert totals == {
        "Activities held": "3",
        "People reached": "25",
        "Signposts and referrals made": "3",
        "Signposts where we know what happened": "2",
    }
    assert "Total: 3 events" in body and "Total: 25 people reached" in body and "Total: 3 signposts" in body
    for name in ("activities_by_type", "people_reached", "reach_by_venue_quintile", "signposts_by_destination"):
        assert f'href="/reports/{name}?' in body and f'href="/reports/{name}.csv?' in body
    # No trainer or comparison choice, and nothing about clients.
    assert 'name="trainer"' not in body and 'name="comparator"' not in body
    assert "/reports/gender" not in body and "New clients" not in body and "Amy April" not in body
    assert "client" not in body.split("<main")[1].lower()


def test_community_figures_bad_date_is_422(client, world):
    act_as(client, world.people["champion"], world.grants["champion"])
    response = client.get("/reports/community?period=custom&to=yesterday")
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "Enter a date like 2026-04-01." in body and "figure__value" not in body
