"""Reports as data (DOMAIN.md section 9): the CSV at /reports/NAME.csv and the `flask report`
command, byte for byte, with small numbers hidden only when asked, and the JSON shape.

The hand-built fixture: north clients registered from 1 April 2025 to 31 March 2026 are
6 female, 2 male and 1 not recorded (9). Outside it: one north client registered 2 April 2026
and a south client. Three of the nine (2 female, 1 male) are on the trainer's caseload.
"""

import json
from datetime import date

import pytest

from models import Client
from tests.conftest import act_as

PERIOD = {"period": "custom", "from": "2025-04-01", "to": "2026-03-31"}
CLI_PERIOD = ["--from", "2025-04-01", "--to", "2026-03-31"]
HEADER = "category,count,percent,comparator\n"


@pytest.fixture
def nine(world, db_session):
    north, trainer = world.north, world.people["trainer"]
    people = [
        ("female", date(2025, 4, 1), trainer.id, "18_25"),
        ("female", date(2025, 6, 3), trainer.id, "18_25"),
        ("female", date(2025, 9, 9), None, "26_35"),
        ("female", date(2025, 12, 1), None, "26_35"),
        ("female", date(2026, 1, 15), None, "over_65"),
        ("female", date(2026, 3, 31), None, "not_recorded"),
        ("male", date(2025, 5, 5), trainer.id, "26_35"),
        ("male", date(2025, 8, 8), None, "declined"),
        ("not_recorded", date(2025, 11, 11), None, "not_recorded"),
    ]
    for number, (gender, registered_on, trainer_id, age_band) in enumerate(people):
        db_session.add(
            Client(
                service_id=north.id,
                full_name=f"Report Client {number}",
                gender=gender,
                age_band=age_band,
                registered_on=registered_on,
                trainer_id=trainer_id,
            )
        )
    db_session.add(Client(service_id=north.id, full_name="Too Late", gender="male", registered_on=date(2026, 4, 2)))
    db_session.add(
        Client(service_id=world.south.id, full_name="Elsewhere", gender="male", registered_on=date(2025, 7, 1))
    )
    db_session.commit()
    return world


def as_manager(client, world):
    act_as(client, world.people["manager"], world.grants["manager"])


# --- CSV over the web ----------------------------------------------------------------------


def test_csv_rows_in_table_order_with_total_and_comparator(client, nine):
    as_manager(client, nine)
    north_set = nine.comparators["north"].id
    response = client.get("/reports/gender.csv", query_string={**PERIOD, "comparator": north_set})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="north-gender-2025-04-01-to-2026-03-31.csv"'
    assert response.get_data(as_text=True) == (
        HEADER + "female,6,66.7,51.2\n"
        "male,2,22.2,48.8\n"
        "other,0,0.0,\n"
        "prefer_not_to_say,0,0.0,\n"
        "not_recorded,1,11.1,\n"
        "total,9,100.0,\n"
    )


def test_csv_with_the_england_comparator(client, nine):
    as_manager(client, nine)
    response = client.get("/reports/age_band.csv", query_string={**PERIOD, "comparator": "england"})
    assert response.get_data(as_text=True) == (
        HEADER + "declined,1,11.1,8.0\n"
        "under_18,0,0.0,1.5\n"
        "18_25,2,22.2,9.4\n"
        "26_35,3,33.3,15.7\n"
        "36_45,0,0.0,19.5\n"
        "46_55,0,0.0,18.3\n"
        "56_65,0,0.0,15.1\n"
        "over_65,1,11.1,12.3\n"
        "not_recorded,2,22.2,\n"
        "total,9,100.0,\n"
    )


def test_csv_percent_is_blank_when_nothing_is_counted(client, nine):
    as_manager(client, nine)
    query = {"period": "custom", "from": "2020-01-01", "to": "2020-12-31", "comparator": "none"}
    response = client.get("/reports/gender.csv", query_string=query)
    assert response.headers["Content-Disposition"].endswith('filename="north-gender-2020-01-01-to-2020-12-31.csv"')
    assert response.get_data(as_text=True) == (
        HEADER + "female,0,,\nmale,0,,\nother,0,,\nprefer_not_to_say,0,,\nnot_recorded,0,,\ntotal,0,,\n"
    )


def test_csv_for_one_trainer(client, nine):
    as_manager(client, nine)
    query = {**PERIOD, "comparator": "none", "trainer": nine.people["trainer"].id}
    response = client.get("/reports/gender.csv", query_string=query)
    assert response.headers["Content-Disposition"].endswith(
        'filename="north-gender-trainer-2025-04-01-to-2026-03-31.csv"'
    )
    assert response.get_data(as_text=True) == (
        HEADER
        + "female,2,66.7,\nmale,1,33.3,\nother,0,0.0,\nprefer_not_to_say,0,0.0,\nnot_recorded,0,0.0,\ntotal,3,100.0,\n"
    )


def test_download_hides_small_numbers_only_when_asked(client, nine):
    as_manager(client, nine)
    north_set = nine.comparators["north"].id
    hidden = client.get("/reports/gender.csv", query_string={**PERIOD, "comparator": north_set, "suppress": "yes"})
    assert hidden.get_data(as_text=True) == (
        HEADER + "female,6,66.7,51.2\n"
        "male,<5,,48.8\n"
        "other,0,0.0,\n"
        "prefer_not_to_say,0,0.0,\n"
        "not_recorded,<5,,\n"
        "total,9,100.0,\n"
    )
    shown = client.get("/reports/gender.csv", query_string={**PERIOD, "comparator": north_set})
    assert "<5" not in shown.get_data(as_text=True)


def test_csv_with_a_bad_filter_is_refused_with_the_message(client, nine):
    as_manager(client, nine)
    response = client.get("/reports/gender.csv", query_string={"period": "custom", "from": "2025-02-30"})
    assert response.status_code == 422
    assert "Enter a date like 2026-04-01." in response.get_data(as_text=True)


def test_csv_of_an_unknown_table_is_404(client, nine):
    as_manager(client, nine)
    assert client.get("/reports/genders.csv").status_code == 404


def test_key_figures_csv_uses_figure_codes_and_targets(client, nine):
    from pwa.reports import export

    as_manager(client, nine)
    response = client.get("/reports/key_figures.csv", query_string={**PERIOD, "comparator": "none"})
    assert response.status_code == 200
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == "category,count,percent,comparator"
    rows = {line.split(",")[0]: line.split(",") for line in lines[1:]}
    assert rows["registered"][1:] == ["9", "", ""]
    assert rows["yearly_target"][1:] == ["300", "", ""]
    assert rows["registered_this_year"][3] == "300"
    assert all(row[2] == "" for row in rows.values())
    assert "total" not in rows
    assert response.headers["Content-Disposition"].endswith(
        f'filename="north-{export.KEY_FIGURES}-2025-04-01-to-2026-03-31.csv"'
    )


def test_data_completeness_csv_has_counts_and_never_names(client, nine):
    as_manager(client, nine)
    response = client.get("/reports/data_completeness.csv", query_string=PERIOD)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    lines = text.splitlines()
    assert lines[0] == "field,recorded,declined,not_recorded,percent_recorded"
    rows = {line.split(",")[0]: line.split(",")[1:] for line in lines[1:]}
    assert rows["gender"] == ["8", "0", "1", "88.9"]
    assert "Report Client" not in text


# --- The command ---------------------------------------------------------------------------


def test_command_prints_the_same_csv(runner, nine):
    result = runner.invoke(
        args=["report", "gender", "--service", "north", *CLI_PERIOD, "--comparator", "North Town population"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        HEADER + "female,6,66.7,51.2\n"
        "male,2,22.2,48.8\n"
        "other,0,0.0,\n"
        "prefer_not_to_say,0,0.0,\n"
        "not_recorded,1,11.1,\n"
        "total,9,100.0,\n"
    )


def test_command_defaults_to_all_time_england_and_can_suppress(runner, nine):
    result = runner.invoke(args=["report", "gender", "--service", "north", "--suppress"])
    assert result.exit_code == 0, result.output
    # All time adds the client registered on 2 April 2026 (male 3); England has no gender figures.
    assert result.output == (
        HEADER
        + "female,6,60.0,\nmale,<5,,\nother,0,0.0,\nprefer_not_to_say,0,0.0,\nnot_recorded,<5,,\ntotal,10,100.0,\n"
    )


def test_command_for_one_trainer(runner, nine):
    args = ["report", "gender", "--service", "north", *CLI_PERIOD, "--trainer", "trainer", "--comparator", "none"]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:3] == ["female,2,66.7,", "male,1,33.3,"]


def test_command_json_shape(runner, nine):
    args = ["report", "gender", "--service", "north", *CLI_PERIOD, "--comparator", "North Town population"]
    result = runner.invoke(args=[*args, "--format", "json", "--suppress"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data == {
        "table": "gender",
        "title": "Gender",
        "unit": "clients",
        "denominator": "Clients registered in the period",
        "basis": "registration date",
        "filter": {
            "service": "north",
            "from": "2025-04-01",
            "to": "2026-03-31",
            "trainer": None,
            "comparator": str(nine.comparators["north"].id),
            "suppress": True,
        },
        "comparison": "North Town population",
        "rows": [
            {"category": "female", "label": "Female", "count": 6, "percent": 66.7, "comparator": 51.2},
            {"category": "male", "label": "Male", "count": "<5", "percent": None, "comparator": 48.8},
            {"category": "other", "label": "Other", "count": 0, "percent": 0.0, "comparator": None},
            {
                "category": "prefer_not_to_say",
                "label": "Prefer not to say",
                "count": 0,
                "percent": 0.0,
                "comparator": None,
            },
            {"category": "not_recorded", "label": "Not recorded", "count": "<5", "percent": None, "comparator": None},
        ],
        "total": {"count": 9, "percent": 100.0},
        "excluded": 0,
    }


@pytest.mark.parametrize(
    "args, message",
    [
        (["report", "genders", "--service", "north"], "There is no report called 'genders'"),
        (["report", "gender", "--service", "nowhere"], "There is no service called 'nowhere'"),
        (["report", "gender", "--service", "north", "--from", "2025-13-01"], "'2025-13-01' is not a date"),
        (["report", "gender", "--service", "north", "--to", "yesterday"], "'yesterday' is not a date"),
        (
            ["report", "gender", "--service", "north", "--from", "2026-01-02", "--to", "2026-01-01"],
            "The end date must be on or after the start date.",
        ),
        (["report", "gender", "--service", "north", "--comparator", "Mars"], "north has no comparison called 'Mars'"),
        # Another service's set is not a choice.
        (
            ["report", "gender", "--service", "north", "--comparator", "South Vale population"],
            "north has no comparison called 'South Vale population'",
        ),
        (["report", "gender", "--service", "north", "--trainer", "nobody"], "'nobody' is not a trainer"),
        (["report", "gender", "--service", "north", "--trainer", "south-trainer"], "'south-trainer' is not a trainer"),
        (["report", "gender", "--service", "north", "--format", "xml"], "'xml' is not one of 'csv', 'json'"),
        (["report", "gender"], "Missing option '--service'"),
    ],
)
def test_command_refuses_bad_input_clearly(runner, nine, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert "category,count" not in result.output
