"""The migration import `flask --app pwa import-records DIR --service SLUG [--dry-run]` (DOMAIN.md
section 9): all or nothing, every problem listed as file:line: column: message, re-import updates."""

import shutil
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

import models
from models import Client, Episode, Goal, Listing, Measure, Plan, PostcodeArea, Signpost
from pwa.records_import.rules import check_client, check_measure, code_lookup
from pwa.records_import.run import import_records

DATA = Path(__file__).parent / "data" / "records"
EXAMPLE = Path(__file__).parent.parent / "docs" / "examples" / "records"


def _import(runner, folder, *more):
    return runner.invoke(args=["import-records", str(folder), "--service", "north", *more])


def _counts(session) -> dict[str, int]:
    """Rows in every table of the database."""
    session.expire_all()
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in models.metadata.sorted_tables
    }


def _imported(session, service_id) -> dict[str, Client]:
    session.expire_all()
    clients = session.exec(select(Client).where(Client.service_id == service_id, Client.client_ref.is_not(None)))
    return {client.client_ref: client for client in clients}


def _rows(session, model, client):
    return session.exec(select(model).where(model.client_id == client.id).order_by(model.id)).all()


@pytest.fixture
def lookup(db_session):
    """The postcode lookup knows FE1 6FR (decile 1) but not W10 5AB."""
    db_session.add(
        PostcodeArea(
            postcode="FE1 6FR",
            ward_code="E05999901",
            ward_name="Ferncombe Central",
            lsoa_code="E01999901",
            imd_decile=1,
        )
    )
    db_session.commit()


def _copy(tmp_path, name="good") -> Path:
    folder = tmp_path / name
    shutil.copytree(DATA / name, folder)
    return folder


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8-sig")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- A good folder -------------------------------------------------------------------------------


def test_a_good_folder_creates_exactly_its_rows(runner, db_session, world, lookup):
    before = _counts(db_session)
    result = _import(runner, DATA / "good")

    assert result.exit_code == 0, result.output
    assert result.output == (
        "Checked 4 files: 3 clients (3 new, 0 updated), 3 goals (3 new, 0 updated), "
        "4 measures (4 new, 0 updated), 2 signposts (2 new, 0 updated). All saved.\n"
    )
    after = _counts(db_session)
    grown = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert grown == {"clients": 3, "episodes": 3, "plans": 2, "goals": 3, "measures": 4, "signposts": 2}

    clients = _imported(db_session, world.north.id)
    assert sorted(clients) == ["HT-001", "HT-002", "HT-003"]
    one, two, three = clients["HT-001"], clients["HT-002"], clients["HT-003"]
    trainer, trainee = world.people["trainer"], world.people["trainee"]
    # Labels become codes; the age band comes from the date of birth on the registration day.
    assert (one.full_name, one.registered_on, one.first_seen_on) == (
        "Imported client HT-001",
        date(2024, 4, 2),
        date(2024, 4, 9),
    )
    assert (one.gender, one.date_of_birth, one.age_band) == ("female", date(1980, 6, 15), "36_45")
    assert (one.ethnicity, one.disability, one.how_heard) == ("white_british", "not_disabled", "word_of_mouth")
    assert (one.referral_source, one.employment_status, one.trainer_id) == ("gp_primary_care", "employed", trainer.id)
    # The postcode is normalised and placed with the lookup.
    assert (one.postcode, one.postcode_district, one.ward_code, one.ward_name, one.lsoa_code) == (
        "FE1 6FR", "FE1", "E05999901", "Ferncombe Central", "E01999901"
    )  # fmt: skip
    assert one.deprivation_quintile == "q1_most_deprived"
    # No date of birth: the band as given. Usernames match in any case.
    assert (two.gender, two.age_band, two.ethnicity, two.how_heard) == ("male", "36_45", "asian_pakistani", "referred")
    assert (two.referral_source, two.referral_source_other) == ("other", "Food bank volunteer")
    assert (two.employment_status, two.trainer_id, two.first_seen_on) == ("unemployed", trainee.id, None)
    # Blank cells are "not recorded"; a real postcode the lookup lacks has quintile unknown.
    assert (three.gender, three.age_band, three.ethnicity, three.disability) == ("not_recorded",) * 4
    assert (three.how_heard, three.referral_source, three.employment_status, three.trainer_id) == (
        "not_recorded", "not_recorded", "not_recorded", None
    )  # fmt: skip
    assert (three.postcode, three.postcode_district, three.ward_code, three.deprivation_quintile) == (
        "W10 5AB", "W10", "", "unknown"
    )  # fmt: skip

    (episode_one,) = _rows(db_session, Episode, one)
    assert (episode_one.number, episode_one.started_on, episode_one.eligible, episode_one.eligibility_on) == (
        1, date(2024, 4, 2), True, date(2024, 4, 2)
    )  # fmt: skip
    assert (episode_one.assessed_on, episode_one.primary_issue, episode_one.signposting) == (
        date(2024, 4, 9), "diet", "not_required"
    )  # fmt: skip
    assert (episode_one.ended_on, episode_one.exit_reason, episode_one.agreed_on) == (
        date(2024, 7, 30), "completed_plan", date(2024, 4, 9)
    )  # fmt: skip
    (episode_two,) = _rows(db_session, Episode, two)
    assert (episode_two.primary_issue, episode_two.signposting, episode_two.ended_on) == (
        "exercise",
        "not_yet_done",
        None,
    )
    (episode_three,) = _rows(db_session, Episode, three)
    assert (episode_three.eligible, episode_three.eligibility_reason) == (False, "Lives outside the area")
    assert (episode_three.ended_on, episode_three.exit_reason, episode_three.primary_issue) == (
        date(2024, 6, 1), "not_eligible", None
    )  # fmt: skip
    assert _rows(db_session, Plan, three) == []

    # The plan is agreed on the earliest goal's day; each goal is worded with its label.
    (plan,) = _rows(db_session, Plan, one)
    assert (plan.episode_id, plan.agreed_on) == (episode_one.id, date(2024, 4, 9))
    goals = [
        (g.plan_id, g.code, g.wording, g.start_date, g.review_date, g.outcome, g.outcome_on, g.maintained, g.set_by_id)
        for g in _rows(db_session, Goal, one)
    ]
    assert goals == [
        (plan.id, "diet-increase-fruit_veg", "Eat more fruit and veg", date(2024, 4, 16), date(2024, 5, 28),
         "achieved", date(2024, 7, 30), "yes", trainer.id),
        (plan.id, "exercise-increase-moderate", "Do more moderate activity", date(2024, 4, 9), date(2024, 5, 21),
         "part_achieved", date(2024, 7, 30), None, trainer.id),
    ]  # fmt: skip
    (goal_two,) = _rows(db_session, Goal, two)
    assert (goal_two.code, goal_two.outcome, goal_two.outcome_on, goal_two.status) == (
        "smoking-stop",
        None,
        None,
        "active",
    )

    measures = [(m.episode_id, m.instrument, m.stage, m.value, m.taken_on) for m in _rows(db_session, Measure, one)]
    assert measures == [
        (episode_one.id, "who5_percent", "baseline", 48.0, date(2024, 4, 9)),
        (episode_one.id, "who5_percent", "exit", 72.0, date(2024, 7, 30)),
        (episode_one.id, "weight_kg", "baseline", 81.5, date(2024, 4, 9)),
    ]
    assert [(m.instrument, m.stage, m.value) for m in _rows(db_session, Measure, two)] == [
        ("ons4_happy", "baseline", 6.0)
    ]

    # A listing's name links the listing and takes its category; a label gives the category.
    (to_walk,) = _rows(db_session, Signpost, one)
    assert (to_walk.listing_id, to_walk.destination, to_walk.destination_name) == (
        world.listings["north"].id, "lifestyle_risk_management", "Tuesday Health Walk"
    )  # fmt: skip
    assert (to_walk.kind, to_walk.made_on, to_walk.episode_id, to_walk.by_id) == (
        "signpost", date(2024, 5, 1), episode_one.id, trainer.id
    )  # fmt: skip
    (to_housing,) = _rows(db_session, Signpost, two)
    assert (to_housing.listing_id, to_housing.destination, to_housing.kind, to_housing.made_on) == (
        None, "housing", "referral", date(2024, 5, 25)
    )  # fmt: skip


def test_batches_of_one_row_give_the_same_records(app, db_session, world, lookup):
    """Rows are written a batch at a time: a client's goals split over batches share one plan."""
    with app.app_context():
        from pwa import db

        outcome = import_records(db.session(), world.north, DATA / "good", batch_size=1)
    assert outcome.ok and (outcome.new["clients"], outcome.new["goals"], outcome.new["measures"]) == (3, 3, 4)
    one = _imported(db_session, world.north.id)["HT-001"]
    (plan,) = _rows(db_session, Plan, one)
    assert plan.agreed_on == date(2024, 4, 9)
    assert {goal.plan_id for goal in _rows(db_session, Goal, one)} == {plan.id}


def test_only_clients_csv_is_needed(runner, db_session, world, tmp_path):
    folder = tmp_path / "only"
    folder.mkdir()
    shutil.copy(DATA / "good" / "clients.csv", folder / "clients.csv")
    result = _import(runner, folder)
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 1 file: 3 clients (3 new, 0 updated). All saved.\n"
    assert db_session.exec(select(func.count()).select_from(Goal).where(Goal.service_id == world.north.id)).one() == 1


# --- Problems: nothing written, every problem listed --------------------------------------------


def test_one_bad_cell_writes_nothing_and_names_file_line_and_column(runner, db_session, world):
    before = _counts(db_session)
    result = _import(runner, DATA / "bad_cell")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "clients.csv:3: gender: 'femail' is not one of the choices. Use a code or its label: "
        "female, male, other, prefer_not_to_say, not_recorded; or leave it empty.",
        "Nothing was written. Fix the 1 problem and run it again.",
    ]
    assert result.stdout == ""
    assert _counts(db_session) == before  # every table, not one row more


def test_every_problem_in_every_file_is_listed(runner, db_session, world):
    before = _counts(db_session)
    result = _import(runner, DATA / "many_errors")

    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "clients.csv:2: registered_on: 2024-02-30 is not a real date. Check the day and the month.",
        "clients.csv:3: trainer: No trainer or trainee of this service has the username 'nobody'. "
        "Check the spelling, or leave it empty.",
        "clients.csv:4: client_ref: HT-101 is already on line 2. Each client goes in once.",
        "clients.csv:5: registered_on: '03/04/2024' is not a date written YYYY-MM-DD. Write it like 2024-03-21.",
        "clients.csv:6: exited_on: 2024-03-01 is before registered_on (2024-03-05). Check both dates.",
        "clients.csv:7: exit_reason: There is a reason but no exited_on date. Add the day they finished.",
        "goals.csv:2: outcome_on: 2024-03-01 is before set_on (2024-03-08). Check both dates.",
        "goals.csv:3: client_ref: No client has the reference 'HT-999': it is not in clients.csv and was not "
        "imported before. Check the number, or add the client to clients.csv.",
        "goals.csv:4: goal: 'eat cake' is not one of the choices. Use a code or its label: diet-change, "
        "diet-increase-fruit_veg, diet-increase-healthy_snacks, diet-increase-water, diet-reduce-fatty_food, "
        "diet-reduce-fizzy_drinks, diet-reduce-fried_food, diet-reduce-portion_size ... (23 in all).",
        "measures.csv:2: value: 50: the WHO-5 percent is the score out of 25 times 4, so 0, 4, 8 ... 100.",
        "measures.csv:3: value: 150 is outside 0 to 100, the range for general_health. Check it.",
        "measures.csv:4: stage: 'middle' is not one of the choices. Use a code or its label: "
        "baseline, review, exit, follow_up.",
        "signposts.csv:2: destination: 'Moon Base' is neither a listing in this service's directory nor a "
        "destination category (advice_guidance, community_voluntary, emotional_wellbeing, gp_primary_care, "
        "health_trainer_service, hospital, lifestyle_risk_management, local_authority ... (14 in all)). "
        "Check the spelling.",
        "signposts.csv:3: kind: 'told them' is not one of the choices. Use a code or its label: "
        "signpost, referral, accompanied.",
        "Nothing was written. Fix the 14 problems and run it again.",
    ]
    assert _counts(db_session) == before


def test_a_missing_required_column_or_an_unknown_column_stops_the_import(runner, db_session, world):
    before = _counts(db_session)
    result = _import(runner, DATA / "missing_column")

    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith("clients.csv:1: gendr: There is no column called 'gendr' here. The columns are: ")
    assert lines[1:] == [
        "clients.csv:1: registered_on: This column is needed. Add it to the first row.",
        "goals.csv:1: set_on: This column is needed. Add it to the first row.",
        "Nothing was written. Fix the 3 problems and run it again.",
    ]
    assert _counts(db_session) == before


def test_a_folder_without_clients_csv_is_refused(runner, db_session, world, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    result = _import(runner, folder)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"clients.csv: This file is missing: clients.csv must be in {folder}."


def test_a_file_that_is_not_utf8_is_refused(runner, db_session, world, tmp_path):
    folder = _copy(tmp_path)
    (folder / "goals.csv").write_bytes(
        "client_ref,goal,set_on\nHT-001,diet-increase-water,2024-04-20\nHT-001,\u00e9t\u00e9,2024-04-21\n".encode(
            "cp1252"
        )
    )
    before = _counts(db_session)
    result = _import(runner, folder)
    assert result.exit_code == 1
    assert "goals.csv:3: This is not UTF-8 text. Save the file as 'CSV UTF-8' and try again." in result.stderr
    assert _counts(db_session) == before


def test_an_unknown_trainer_is_an_error(runner, db_session, world, tmp_path):
    folder = _copy(tmp_path)
    _replace(folder / "clients.csv", ",Trainee,", ",south-trainer,")  # a trainer of another service
    result = _import(runner, folder)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "clients.csv:3: trainer: No trainer or trainee of this service has the username 'south-trainer'. "
        "Check the spelling, or leave it empty."
    )
    assert _imported(db_session, world.north.id) == {}


def test_a_goal_for_an_unknown_client_is_an_error(runner, db_session, world, tmp_path):
    folder = _copy(tmp_path)
    _replace(folder / "goals.csv", "HT-002,smoking-stop", "HT-020,smoking-stop")
    result = _import(runner, folder)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "goals.csv:4: client_ref: No client has the reference 'HT-020': it is not in clients.csv and was not "
        "imported before. Check the number, or add the client to clients.csv.",
        "Nothing was written. Fix the 1 problem and run it again.",
    ]
    assert _imported(db_session, world.north.id) == {}


def test_the_same_goal_twice_in_the_file_is_an_error(runner, db_session, world, tmp_path):
    folder = _copy(tmp_path)
    with (folder / "goals.csv").open("a", encoding="utf-8") as goals:
        goals.write("HT-002,Stop smoking,2024-05-20,achieved,2024-06-20,\n")
    result = _import(runner, folder)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "goals.csv:5: goal: This goal is already on line 4 (same client_ref, goal and set_on)."
    )


def test_an_unknown_service_is_refused(runner, world):
    result = runner.invoke(args=["import-records", str(DATA / "good"), "--service", "nowhere"])
    assert result.exit_code == 1
    assert "There is no service called 'nowhere'. Nothing was written." in result.output


# --- Dry run and re-import ------------------------------------------------------------------------


def test_a_dry_run_checks_everything_and_writes_nothing(runner, db_session, world, lookup):
    before = _counts(db_session)
    result = _import(runner, DATA / "good", "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Checked 4 files: 3 clients (3 new, 0 updated), 3 goals (3 new, 0 updated), "
        "4 measures (4 new, 0 updated), 2 signposts (2 new, 0 updated). Nothing was written (dry run).\n"
    )
    assert _counts(db_session) == before
    bad = _import(runner, DATA / "bad_cell", "--dry-run")
    assert bad.exit_code == 1 and "clients.csv:3: gender: 'femail'" in bad.stderr


def test_a_re_import_updates_and_never_duplicates(runner, db_session, world, lookup, tmp_path):
    assert _import(runner, DATA / "good").exit_code == 0
    first = _counts(db_session)
    original = _imported(db_session, world.north.id)
    folder = _copy(tmp_path)
    _replace(folder / "clients.csv", "HT-002,2024-05-10,,male,", "HT-002,2024-05-10,,female,")
    _replace(
        folder / "goals.csv", "HT-002,smoking-stop,2024-05-20,,,", "HT-002,smoking-stop,2024-05-20,achieved,2024-08-01,"
    )
    _replace(folder / "measures.csv", "HT-001,weight_kg,Start,81.5,", "HT-001,weight_kg,Start,80.9,")

    result = _import(runner, folder)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Checked 4 files: 3 clients (0 new, 3 updated), 3 goals (0 new, 3 updated), "
        "4 measures (0 new, 4 updated), 2 signposts (0 new, 2 updated). All saved.\n"
    )
    assert _counts(db_session) == first  # no table grew
    again = _imported(db_session, world.north.id)
    assert {ref: client.id for ref, client in again.items()} == {ref: client.id for ref, client in original.items()}
    assert (again["HT-002"].gender, again["HT-001"].gender) == ("female", "female")
    (goal,) = _rows(db_session, Goal, again["HT-002"])
    assert (goal.outcome, goal.outcome_on, goal.outcome_by_id) == (
        "achieved",
        date(2024, 8, 1),
        world.people["trainee"].id,
    )
    weights = [m.value for m in _rows(db_session, Measure, again["HT-001"]) if m.instrument == "weight_kg"]
    assert weights == [80.9]


def test_a_re_import_keeps_the_name_staff_added(runner, db_session, world):
    assert _import(runner, DATA / "good").exit_code == 0
    client = _imported(db_session, world.north.id)["HT-003"]
    client.full_name = "Jordan Realname"
    db_session.add(client)
    db_session.commit()
    assert _import(runner, DATA / "good").exit_code == 0
    assert _imported(db_session, world.north.id)["HT-003"].full_name == "Jordan Realname"


def test_goals_may_follow_for_clients_imported_before(runner, db_session, world, tmp_path):
    assert _import(runner, DATA / "good").exit_code == 0
    folder = tmp_path / "later"
    folder.mkdir()
    (folder / "clients.csv").write_text("client_ref,registered_on\n", encoding="utf-8")
    (folder / "goals.csv").write_text(
        "client_ref,goal,set_on\nHT-002,Drink more water,2024-06-03\nHT-002,alcohol-reduce,2024-05-15\n",
        encoding="utf-8",
    )
    result = _import(runner, folder)
    assert result.exit_code == 0, result.output
    assert result.output == "Checked 2 files: 0 clients (0 new, 0 updated), 2 goals (2 new, 0 updated). All saved.\n"
    two = _imported(db_session, world.north.id)["HT-002"]
    assert [goal.code for goal in _rows(db_session, Goal, two)] == [
        "smoking-stop",
        "diet-increase-water",
        "alcohol-reduce",
    ]
    (plan,) = _rows(db_session, Plan, two)
    assert plan.agreed_on == date(2024, 5, 15)  # moved back to the earliest goal


def test_another_services_clients_are_untouched(runner, db_session, world):
    south = world.clients["south"]
    south.client_ref, south.gender = "HT-001", "male"  # the same number in another service
    db_session.add(south)
    db_session.commit()
    south_before = {
        name: db_session.exec(select(func.count()).select_from(model).where(model.service_id == world.south.id)).one()
        for name, model in (("clients", Client), ("episodes", Episode), ("goals", Goal), ("signposts", Signpost))
    }
    assert _import(runner, DATA / "good").exit_code == 0
    db_session.expire_all()
    south_after = {
        name: db_session.exec(select(func.count()).select_from(model).where(model.service_id == world.south.id)).one()
        for name, model in (("clients", Client), ("episodes", Episode), ("goals", Goal), ("signposts", Signpost))
    }
    assert south_after == south_before
    kept = db_session.get(Client, south.id)
    assert (kept.gender, kept.full_name, kept.registered_on, kept.client_ref) == ("male", "Sid South", None, "HT-001")
    assert _imported(db_session, world.north.id)["HT-001"].id != south.id


# --- The example folder of the README --------------------------------------------------------------


def test_the_example_folder_imports_cleanly(runner, db_session, world, tmp_path):
    folder = tmp_path / "example"
    shutil.copytree(EXAMPLE, folder)
    # The example names the demo's trainers and listings: use the test world's trainers, add the listings.
    for path in folder.glob("*.csv"):
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("demo-trainee", "trainee").replace("demo-trainer", "trainer"), encoding="utf-8")
    for name, category in (("Ferncombe Food Bank", "food_bank"), ("Quit Together Stop Smoking Clinic", "stop_smoking")):
        db_session.add(Listing(service_id=world.north.id, name=name, categories=[category]))
    db_session.commit()
    result = _import(runner, folder)
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Checked 4 files: 30 clients (30 new, 0 updated), 53 goals (53 new, 0 updated), "
        "232 measures (232 new, 0 updated), 14 signposts (14 new, 0 updated). All saved.\n"
    )
    linked = db_session.exec(select(func.count()).select_from(Signpost).where(Signpost.listing_id.is_not(None))).one()
    assert linked == 3 + 3  # three in the example, three anonymous ones in the test world


def test_codes_or_labels_in_any_case_give_the_code():
    lookup = code_lookup(
        {"not_stated": "Prefer not to say", "other": "Other", "white_other": "Any other White background"}
    )
    assert lookup["prefer not to say"] == "not_stated"
    assert lookup["any other white   background".replace("   ", " ")] == "white_other"
    assert lookup["other"] == "other"
    assert lookup["not_stated"] == "not_stated"


# --- Rules of single cells -------------------------------------------------------------------------

TODAY = date(2026, 1, 15)


def test_the_date_of_birth_wins_over_the_age_band_given():
    checked = check_client(
        {"client_ref": "A1", "registered_on": "2025-03-10", "date_of_birth": "2007-03-11", "age_band": "over_65"},
        today=TODAY,
        trainers={},
    )
    assert checked.ok
    assert checked.values["age_band"] == "under_18"  # 17 on the day they registered, 18 the day after


def test_cells_that_contradict_each_other_are_errors():
    checked = check_client(
        {
            "client_ref": "A1",
            "registered_on": "2025-03-10",
            "referral_source": "self",
            "referral_source_other": "Pat at the library",
            "signposting": "Done",
            "date_of_birth": "2025-04-01",
            "first_seen_on": "2026-02-01",
        },
        today=TODAY,
        trainers={},
    )
    assert checked.errors == {
        "first_seen_on": "2026-02-01 is in the future. Check the year.",
        "date_of_birth": "2025-04-01 is after registered_on (2025-03-10). Check both dates.",
        "referral_source_other": "Fill this in only when referral_source is other.",
        "signposting": (
            "'done' is worked out from signposts.csv. Write not_required or not_yet_done, or leave it empty."
        ),
    }


def test_measure_values_keep_to_the_apps_ranges():
    def problem(instrument, value):
        cells = {
            "client_ref": "A1",
            "instrument": instrument,
            "stage": "exit",
            "value": value,
            "taken_on": "2025-05-01",
        }
        return check_measure(cells, today=TODAY).errors.get("value")

    assert problem("weight_kg", "350") is None and problem("weight_kg", "350.1") is not None
    assert problem("ons4_anxious", "10") is None and problem("ons4_anxious", "7.5") is not None
    assert problem("who5_percent", "100") is None and problem("who5_percent", "26") is not None
    assert problem("bmi", "27.4") is None and problem("bmi", "274") is not None
    assert problem("self_efficacy", "abc") == "'abc' is not a number. Write it with a dot for decimals, like 72.5."


def test_a_cell_under_a_column_with_no_name_is_an_error(runner, db_session, world, tmp_path):
    folder = tmp_path / "unnamed"
    folder.mkdir()
    (folder / "clients.csv").write_text(
        "client_ref,registered_on,,\nHT-1,2025-01-02,,\nHT-2,2025-01-03,,female\n", encoding="utf-8"
    )
    result = _import(runner, folder)
    assert result.exit_code == 1
    assert (
        result.stderr.splitlines()[0]
        == "clients.csv:3: A cell of this row is under a column with no name in the first row."
    )
