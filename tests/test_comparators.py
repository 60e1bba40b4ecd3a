"""Comparator sets: the England set (read only), a manager's own sets from pasted lines or a
.csv file, every bad line listed with nothing saved, and other services' sets out of reach."""

import io

import pytest
from sqlmodel import select

from models import ComparatorSet, ComparatorValue
from pwa.reports.comparator_rules import check_lines, check_set
from pwa.reports.comparators import ENGLAND_NAME
from tests.conftest import act_as, post_form

GOOD = "table,category,percent\ngender,female,50.5\ngender,male,49.5\n\nage_band,over_65,18\nward,E05000001,12.5\n"


@pytest.fixture
def manager(client, world):
    act_as(client, world.people["manager"], world.grants["manager"])
    return world


def sets_of(db_session, service):
    return db_session.exec(select(ComparatorSet.name).where(ComparatorSet.service_id == service.id)).all()


def values_of(db_session, set_id):
    rows = db_session.exec(
        select(ComparatorValue.table_name, ComparatorValue.category, ComparatorValue.percent).where(
            ComparatorValue.set_id == set_id
        )
    ).all()
    return sorted((table, category, value) for table, category, value in rows)


# --- The rules ------------------------------------------------------------------------------


def test_every_bad_line_is_listed_by_number():
    text = "\n".join(
        [
            "table,category,percent",
            "gender,female,51.2",
            "genders,female,10",
            "gender,males,48.8",
            "gender,other,101",
            "gender,not_recorded,12.55",
            "gender,prefer_not_to_say,lots",
            "gender,female,3",
            "gender,female",
            "ward,,5",
            "age_band,18_25,-1",
        ]
    )
    values, errors = check_lines(text)
    assert errors == [
        "Line 3: 'genders' is not a report table.",
        "Line 4: 'males' is not a category of gender.",
        "Line 5: '101' is more than 100.",
        "Line 6: '12.55' must be a percent from 0 to 100 with at most one decimal place, like 12.5.",
        "Line 7: 'lots' is not a number. Write a percent like 12.5.",
        "Line 8: gender female is already on line 2.",
        "Line 9: Write three things with commas between: table, category, percent.",
        "Line 10: The category is empty (write a code of ward).",
        "Line 11: '-1' must be a percent from 0 to 100 with at most one decimal place, like 12.5.",
    ]
    assert [(table, category, str(value)) for table, category, value in values] == [("gender", "female", "51.2")]


def test_good_lines_keep_codes_and_data_driven_categories_as_written():
    values, errors = check_lines(" Gender , FEMALE , 51.2\npostcode_district,NE1,3.0\nmonth_first_seen,2026-04,0\n")
    assert errors == []
    assert [(table, category, str(value)) for table, category, value in values] == [
        ("gender", "female", "51.2"),
        ("postcode_district", "NE1", "3.0"),
        ("month_first_seen", "2026-04", "0"),
    ]


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Give the set a name"),
        ("x" * 121, "Make the name shorter"),
        ("borough population", "There is already a set with this name"),
        (ENGLAND_NAME, "There is already a set with this name"),
        ("England", "There is already a set with this name"),
        ("none", "There is already a set with this name"),
    ],
)
def test_set_names_must_be_new(name, message):
    checked = check_set(name, "", "gender,female,50", {"Borough population"})
    assert not checked.ok
    assert checked.errors["name"].startswith(message)


def test_a_set_needs_figures():
    checked = check_set("Borough", "", "\n\n", set())
    assert checked.errors == {"figures": "Add at least one line of figures, like gender,female,51.2."}


# --- The pages ------------------------------------------------------------------------------


def test_list_shows_england_read_only_and_only_own_sets(client, manager):
    page = client.get("/reports/comparators").get_data(as_text=True)
    assert ENGLAND_NAME in page
    assert "cannot be changed or deleted" in page
    # England's values can be read: age 18 to 25 is 9.4 percent.
    assert '<th scope="row">18 to 25</th><td class="number">9.4%</td>' in page
    assert '<th scope="row">Achieved</th><td class="number">52.6%</td>' in page
    assert "North Town population" in page
    assert "South Vale population" not in page


def test_show_one_set_grouped_by_table(client, manager):
    response = client.get(f"/reports/comparators/{manager.comparators['north'].id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<h1>North Town population</h1>" in page
    assert "Census 2021" in page
    assert '<caption class="table__caption" id="set-1">Gender</caption>' in page
    assert '<th scope="row">Female</th><td class="number">51.2%</td>' in page
    assert '<th scope="row">Male</th><td class="number">48.8%</td>' in page


def test_another_services_set_is_404(client, manager, db_session):
    south = manager.comparators["south"].id
    assert client.get(f"/reports/comparators/{south}").status_code == 404
    assert post_form(client, f"/reports/comparators/{south}/delete").status_code == 404
    assert "South Vale population" in sets_of(db_session, manager.south)


def test_create_from_pasted_lines(client, manager, db_session):
    response = post_form(
        client,
        "/reports/comparators/new",
        {"name": "Borough population 2021", "source": "Census 2021", "figures": GOOD},
    )
    assert response.status_code == 302
    created = db_session.exec(select(ComparatorSet).where(ComparatorSet.name == "Borough population 2021")).one()
    assert created.service_id == manager.north.id
    assert created.source == "Census 2021"
    assert created.created_by_id == manager.people["manager"].id
    assert response.headers["Location"] == f"/reports/comparators/{created.id}"
    assert values_of(db_session, created.id) == [
        ("age_band", "over_65", 18.0),
        ("gender", "female", 50.5),
        ("gender", "male", 49.5),
        ("ward", "E05000001", 12.5),
    ]
    # The new set is a choice on the tables, and its figures land in the comparator column.
    csv = client.get("/reports/gender.csv", query_string={"comparator": created.id, "period": "all"})
    assert csv.get_data(as_text=True).splitlines()[1:3] == ["female,0,,50.5", "male,0,,49.5"]


def test_create_from_an_uploaded_file(client, manager, db_session):
    upload = (io.BytesIO(("\ufeff" + GOOD).encode("utf-8")), "borough.csv")
    response = post_form(
        client,
        "/reports/comparators/new",
        {"name": "From a file", "source": "", "figures": "", "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    created = db_session.exec(select(ComparatorSet).where(ComparatorSet.name == "From a file")).one()
    assert len(values_of(db_session, created.id)) == 4


def test_bad_lines_are_all_listed_and_nothing_is_saved(client, manager, db_session):
    figures = "gender,female,51.2\ngender,males,48.8\nage_band,over_65,101\nnowhere,x,1\n"
    response = post_form(client, "/reports/comparators/new", {"name": "Borough", "figures": figures})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 2: &#39;males&#39; is not a category of gender." in page
    assert "Line 3: &#39;101&#39; is more than 100." in page
    assert "Line 4: &#39;nowhere&#39; is not a report table." in page
    assert "Nothing has been saved." in page
    # What was typed stays in the box to fix.
    assert "gender,males,48.8" in page
    assert "Borough" not in sets_of(db_session, manager.north)
    assert len(db_session.exec(select(ComparatorValue)).all()) == 4  # the world's two sets only


def test_a_bad_uploaded_file_is_shown_in_the_box_with_its_errors(client, manager, db_session):
    upload = (io.BytesIO(b"gender,female,51.2\ngender,female,50\n"), "borough.csv")
    response = post_form(
        client,
        "/reports/comparators/new",
        {"name": "Borough", "figures": "", "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Line 2: gender female is already on line 1." in page
    assert "gender,female,50" in page
    assert "Borough" not in sets_of(db_session, manager.north)


def test_a_file_that_is_not_csv_is_refused(client, manager, db_session):
    upload = (io.BytesIO(b"gender,female,51.2\n"), "borough.xlsx")
    response = post_form(
        client,
        "/reports/comparators/new",
        {"name": "Borough", "file": upload},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Choose a file whose name ends in .csv." in response.get_data(as_text=True)
    assert "Borough" not in sets_of(db_session, manager.north)


def test_duplicate_name_is_refused(client, manager, db_session):
    response = post_form(
        client, "/reports/comparators/new", {"name": "North Town population", "figures": "gender,female,50"}
    )
    assert response.status_code == 422
    assert "There is already a set with this name." in response.get_data(as_text=True)
    assert sets_of(db_session, manager.north) == ["North Town population"]


def test_the_same_name_in_another_service_is_fine(client, manager, db_session):
    response = post_form(
        client, "/reports/comparators/new", {"name": "South Vale population", "figures": "gender,female,50"}
    )
    assert response.status_code == 302
    assert sorted(sets_of(db_session, manager.north)) == ["North Town population", "South Vale population"]


def test_delete_removes_the_set_and_its_values(client, manager, db_session):
    chosen = manager.comparators["north"].id
    page = client.get(f"/reports/comparators/{chosen}").get_data(as_text=True)
    assert "Yes, delete North Town population" in page
    response = post_form(client, f"/reports/comparators/{chosen}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/reports/comparators"
    assert sets_of(db_session, manager.north) == []
    assert db_session.exec(select(ComparatorValue).where(ComparatorValue.set_id == chosen)).all() == []
    assert len(db_session.exec(select(ComparatorValue)).all()) == 2  # south's set is untouched


def test_new_form_is_multipart_with_csrf(client, manager):
    page = client.get("/reports/comparators/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'name="csrf_token"' in page
    assert 'type="file"' in page


@pytest.mark.parametrize("who", ["champion", "trainer"])
def test_only_managers_reach_comparators(client, world, who):
    act_as(client, world.people[who], world.grants[who])
    assert client.get("/reports/comparators").status_code == 403
    assert client.get(f"/reports/comparators/{world.comparators['north'].id}").status_code == 403
