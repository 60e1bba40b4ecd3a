"""The table pages (/reports/NAME): filter form, unit and denominator, every row, total, notes,
download and print; who may open which table.

Fixture: north clients registered from 1 April 2025 to 31 March 2026: 6 female, 2 male, 1 not
recorded; one more registered 2 April 2026 (outside). Two north events in June 2020: a stall
reaching 12 and a health walk reaching 3.
"""

import re
from datetime import UTC, date, datetime

import pytest

from models import Client, Event
from pwa.reports.tables import TABLES
from tests.conftest import act_as

PERIOD = {"period": "custom", "from": "2025-04-01", "to": "2026-03-31"}
EVENT_PERIOD = {"period": "custom", "from": "2020-06-01", "to": "2020-06-30", "comparator": "none"}


@pytest.fixture
def data(world, db_session):
    north = world.north
    for number, gender in enumerate(["female"] * 6 + ["male"] * 2 + ["not_recorded"]):
        db_session.add(
            Client(
                service_id=north.id, full_name=f"Page Client {number}", gender=gender, registered_on=date(2025, 5, 1)
            )
        )
    db_session.add(Client(service_id=north.id, full_name="Late", gender="male", registered_on=date(2026, 4, 2)))
    for number, (kind, reached) in enumerate([("stall", 12), ("health_walk", 3)]):
        starts = datetime(2020, 6, 10 + number, 10, tzinfo=UTC)
        db_session.add(
            Event(
                uuid=f"00000000-0000-4000-8000-00000000000{number}",
                service_id=north.id,
                event_type=kind,
                title=f"Event {number}",
                starts_at=starts,
                ends_at=starts.replace(hour=12),
                reached=reached,
                created_by_id=world.people["champion"].id,
            )
        )
    db_session.commit()
    return world


def as_role(client, world, who):
    act_as(client, world.people[who], world.grants[who])


def cells(page: str, label: str) -> list[str]:
    """The cells of the body row headed by label."""
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', page, re.S)
    assert row, f"no row {label}"
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def test_manager_sees_the_table_with_unit_denominator_rows_and_total(client, data):
    as_role(client, data, "manager")
    north_set = data.comparators["north"].id
    response = client.get("/reports/gender", query_string={**PERIOD, "comparator": north_set})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>Gender</h1>" in page
    assert "Unit: clients. Percent of: clients registered in the period." in page
    assert "The period counts by the registration date." in page
    assert '<caption class="table__caption" id="table-caption">Gender (clients)</caption>' in page
    assert '<th scope="col">Category</th>' in page
    assert "Compared with: North Town population." in page
    assert '<span class="visually-hidden"> with North Town population</span></th>' in page
    assert cells(page, "Female") == ["6", "66.7%", "51.2%"]
    assert cells(page, "Male") == ["2", "22.2%", "48.8%"]
    assert cells(page, "Other") == ["0", "0.0%", ""]
    assert cells(page, "Prefer not to say") == ["0", "0.0%", ""]
    assert cells(page, "Not recorded") == ["1", "11.1%", ""]
    footer = page.split("<tfoot>")[1].split("</tfoot>")[0]
    assert '<th scope="row">Total</th>' in footer and ">9</td>" in footer and "100.0%" in footer
    # The form shows the filter chosen, and the page never names a client.
    assert 'value="2025-04-01"' in page and "Page Client" not in page


def test_page_links_to_the_csv_with_the_same_filter_and_offers_print(client, data):
    as_role(client, data, "manager")
    page = client.get("/reports/gender", query_string={**PERIOD, "comparator": "none", "suppress": "yes"}).get_data(
        as_text=True
    )
    link = (
        re.search(r'<a class="button" href="([^"]+)" download hx-boost="false">Download CSV', page)
        .group(1)
        .replace("&amp;", "&")
    )
    assert link.startswith("/reports/gender.csv?")
    for part in ["period=custom", "from=2025-04-01", "to=2026-03-31", "comparator=none", "suppress=1"]:
        assert part in link
    # The print button needs JavaScript, so it starts hidden (print.js shows it).
    assert '<button type="button" class="button button--secondary" data-print hidden>Print</button>' in page
    assert "js/print.js" in page
    # The link gives the CSV of what the page shows, with small numbers hidden as ticked.
    assert client.get(link).get_data(as_text=True).splitlines()[2] == "male,<5,,"


def test_on_screen_numbers_are_never_suppressed(client, data):
    as_role(client, data, "manager")
    page = client.get("/reports/gender", query_string={**PERIOD, "suppress": "yes"}).get_data(as_text=True)
    assert cells(page, "Male")[:2] == ["2", "22.2%"]
    assert "&lt;5" not in page and "<5" not in page
    assert "The CSV hides numbers under 5." in page


def test_no_comparison_leaves_the_column_out(client, data):
    as_role(client, data, "manager")
    page = client.get("/reports/gender", query_string={**PERIOD, "comparator": "none"}).get_data(as_text=True)
    assert cells(page, "Female") == ["6", "66.7%"]
    assert "Compared with" not in page


def test_a_comparison_without_figures_for_the_table_adds_a_note_not_a_column(client, data):
    as_role(client, data, "manager")
    page = client.get("/reports/gender", query_string={**PERIOD, "comparator": "england"}).get_data(as_text=True)
    assert cells(page, "Female") == ["6", "66.7%"]
    assert "England, DCRS national report (Sept 2010) has no figures for this table." in page
    assert "Compared with" not in page


def test_empty_period_shows_zero_rows_and_says_why_there_are_no_percents(client, data):
    as_role(client, data, "manager")
    page = client.get(
        "/reports/gender", query_string={"period": "custom", "from": "2019-01-01", "to": "2019-12-31"}
    ).get_data(as_text=True)
    assert cells(page, "Female") == ["0", ""]  # England has no gender figures: no comparison column
    assert "No clients in this period, so there are no percents." in page


@pytest.mark.parametrize(
    "query, message",
    [
        ({"period": "custom", "from": "2026-13-01"}, "Enter a date like 2026-04-01."),
        ({"period": "custom", "from": "2026-02-01", "to": "2026-01-01"}, "The end date must be on or after"),
        ({"period": "someday"}, "Choose a period from the list."),
        ({"trainer": "999999"}, "Choose a trainer from the list."),
        ({"comparator": "mars"}, "Choose a comparison from the list."),
    ],
)
def test_bad_filter_input_answers_422_with_the_message(client, data, query, message):
    as_role(client, data, "manager")
    response = client.get("/reports/gender", query_string=query)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in page
    assert "<tfoot>" not in page


def test_another_services_comparator_is_not_a_choice(client, data):
    as_role(client, data, "manager")
    response = client.get("/reports/gender", query_string={"comparator": data.comparators["south"].id})
    assert response.status_code == 422


def test_change_table_states_the_share_that_improved(client, data):
    as_role(client, data, "manager")
    response = client.get("/reports/who5_change", query_string=PERIOD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Improved: 0 of 0 clients." in page
    assert "Not counted: 9 clients registered in the period have no pair of start and end scores." in page


def test_excluded_note_under_the_table(client, data):
    as_role(client, data, "manager")
    page = client.get("/reports/primary_issue", query_string=PERIOD).get_data(as_text=True)
    assert "Unit: clients. Percent of: assessed clients registered in the period with a main issue recorded." in page
    assert "Not counted: " in page


def test_every_table_opens_and_downloads_for_a_manager(client, data):
    as_role(client, data, "manager")
    for name in TABLES:
        page = client.get(f"/reports/{name}", query_string=PERIOD)
        assert page.status_code == 200, name
        assert "<tfoot>" in page.get_data(as_text=True), name
        download = client.get(f"/reports/{name}.csv", query_string=PERIOD)
        assert download.status_code == 200, name
        lines = download.get_data(as_text=True).splitlines()
        assert lines[0] == "category,count,percent,comparator" and lines[-1].startswith("total,"), name


def test_key_figures_and_completeness_addresses_lead_to_their_pages(client, data):
    as_role(client, data, "manager")
    response = client.get("/reports/key_figures", query_string=PERIOD)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/reports?")
    assert "from=2025-04-01" in response.headers["Location"]
    response = client.get("/reports/data_completeness")
    assert response.status_code == 302 and response.headers["Location"].startswith("/reports/completeness")


def test_champion_opens_a_community_table_and_its_csv(client, data):
    as_role(client, data, "champion")
    response = client.get("/reports/activities_by_type", query_string=EVENT_PERIOD)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Unit: events. Percent of: community activities held in the period." in page
    assert cells(page, "Stall") == ["1", "50.0%"]
    assert cells(page, "Health walk") == ["1", "50.0%"]
    download = client.get("/reports/people_reached.csv", query_string=EVENT_PERIOD)
    assert download.status_code == 200
    rows = dict(line.split(",", 1) for line in download.get_data(as_text=True).splitlines())
    assert rows["stall"] == "12,80.0,"
    assert rows["health_walk"] == "3,20.0,"
    assert rows["talk"] == "0,0.0,"
    assert rows["total"] == "15,100.0,"


@pytest.mark.parametrize("path", ["/reports/gender", "/reports/gender.csv", "/reports/key_figures.csv"])
def test_champion_cannot_open_client_tables(client, data, path):
    as_role(client, data, "champion")
    assert client.get(path).status_code == 403


@pytest.mark.parametrize("path", ["/reports/gender", "/reports/activities_by_type.csv", "/reports/nothing"])
def test_trainer_cannot_open_report_tables(client, data, path):
    as_role(client, data, "trainer")
    assert client.get(path).status_code == 403


def test_unknown_table_is_404(client, data):
    as_role(client, data, "manager")
    assert client.get("/reports/nothing").status_code == 404
