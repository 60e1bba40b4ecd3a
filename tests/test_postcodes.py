"""Postcodes: normalising, district, quintile, placing a client, and loading a lookup file."""

from pathlib import Path

import pytest
from sqlmodel import func, select

from models import Client, PostcodeArea
from pwa.caseload.postcodes import (
    district,
    load_lookup,
    normalise_postcode,
    place_client,
    quintile_from_decile,
)

HEADER = "postcode,ward_code,ward_name,lsoa_code,imd_decile,latitude,longitude\n"
DEMO_FILE = Path(__file__).resolve().parent.parent / "pwa" / "demo_data" / "postcodes.csv"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("W10 5AB", "W10 5AB"),
        ("w10 5ab", "W10 5AB"),
        ("W105AB", "W10 5AB"),
        ("  w10   5ab  ", "W10 5AB"),
        ("W10\u00a05AB", "W10 5AB"),  # non-breaking space pasted from a web page
        ("W10\t5AB", "W10 5AB"),
        ("W10-5AB", "W10 5AB"),
        ("W10 5AB.", "W10 5AB"),
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("M1 1AE", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("N1C 4AG", "N1C 4AG"),
        ("W1J 7NT", "W1J 7NT"),
        ("E1W 1AA", "E1W 1AA"),
        ("gir 0aa", "GIR 0AA"),
        ("GIR0AA", "GIR 0AA"),
        ("W1A OAX", "W1A 0AX"),  # a letter O where the inward code needs a zero
        ("FE1 6FR", "FE1 6FR"),  # the demo's made-up Ferncombe district
        ("", ""),
        ("   ", ""),
        (None, ""),
    ],
)
def test_normalise_postcode_accepts_messy_real_world_input(raw, expected):
    assert normalise_postcode(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "W10",  # outward code only
        "5AB",
        "W10 5A",
        "W10 5ABC",
        "WWW10 5AB",
        "10W 5AB",
        "W10 AAB",  # inward code starts with a digit
        "W10 5CA",  # inward letters never C, I, K, M, O or V
        "W10 5AI",
        "QA1 1AA",  # Q is never the first letter
        "ZZ1 1AA",  # Z is never the second letter
        "AJ1 1AA",  # nor J
        "W1I 1AA",  # I is never the third letter of A9A
        "EC1Z 1AA",  # Z is never the fourth letter of AA9A
        "not a postcode",
        "W10 5AB London",
        "12345",
    ],
)
def test_normalise_postcode_refuses_what_is_not_a_uk_postcode(raw):
    assert normalise_postcode(raw) is None


def test_district_is_the_outward_code():
    assert district("W10 5AB") == "W10"
    assert district("SW1A 1AA") == "SW1A"
    assert district("") == ""


@pytest.mark.parametrize(
    ("decile", "quintile"),
    [
        (1, "q1_most_deprived"),
        (2, "q1_most_deprived"),
        (3, "q2"),
        (4, "q2"),
        (5, "q3"),
        (6, "q3"),
        (7, "q4"),
        (8, "q4"),
        (9, "q5_least_deprived"),
        (10, "q5_least_deprived"),
        (None, "unknown"),
        (0, "unknown"),
        (11, "unknown"),
    ],
)
def test_quintile_from_decile(decile, quintile):
    assert quintile_from_decile(decile) == quintile


def _area(db_session, postcode="FE1 6FR", decile=3):
    area = PostcodeArea(
        postcode=postcode,
        ward_code="E05999901",
        ward_name="Ferncombe Central",
        lsoa_code="E01999901",
        imd_decile=decile,
        latitude=50.6,
        longitude=-3.9,
    )
    db_session.add(area)
    db_session.commit()
    return area


def test_place_client_from_the_lookup(db_session, world):
    _area(db_session, decile=3)
    client = world.clients["own"]
    place_client(db_session, client, "fe1 6fr")
    assert (client.postcode, client.postcode_district, client.ward_code, client.ward_name) == (
        "FE1 6FR",
        "FE1",
        "E05999901",
        "Ferncombe Central",
    )
    assert (client.lsoa_code, client.deprivation_quintile) == ("E01999901", "q2")


def test_place_client_keeps_a_valid_postcode_missing_from_the_lookup(db_session, world):
    _area(db_session)
    client = world.clients["own"]
    place_client(db_session, client, "FE1 6FR")
    place_client(db_session, client, "W10 5AB")
    assert (client.postcode, client.postcode_district) == ("W10 5AB", "W10")
    assert (client.ward_code, client.ward_name, client.lsoa_code) == ("", "", "")
    assert client.deprivation_quintile == "unknown"


def test_place_client_without_a_postcode_and_refuses_a_bad_one(db_session, world):
    client = world.clients["own"]
    place_client(db_session, client, "")
    assert (client.postcode, client.postcode_district, client.deprivation_quintile) == ("", "", "unknown")
    with pytest.raises(ValueError):
        place_client(db_session, client, "nonsense")


# --- Loading ----------------------------------------------------------------------------------


def _write(tmp_path, text: str, name="lookup.csv", encoding="utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def _count(db_session) -> int:
    db_session.expire_all()
    return db_session.exec(select(func.count()).select_from(PostcodeArea)).one()


GOOD = (
    HEADER
    + "FE1 6FR,E05999901,Ferncombe Central,E01999901,1,50.6,-3.9\n"
    + "fe12qy,E05999901,Ferncombe Central,E01999902,4,50.602,-3.897\n"
    + "FE2 9EY,E05999903,Otter Vale,E01999907,9,,\n"
)


def test_load_postcodes_command_loads_and_counts(runner, db_session, tmp_path):
    result = runner.invoke(args=["load-postcodes", str(_write(tmp_path, GOOD))])
    assert result.exit_code == 0, result.output
    assert "Loaded 3 postcodes: 3 new, 0 updated." in result.output
    assert _count(db_session) == 3
    area = db_session.get(PostcodeArea, "FE1 2QY")
    assert (area.ward_name, area.lsoa_code, area.imd_decile, area.latitude) == (
        "Ferncombe Central",
        "E01999902",
        4,
        50.602,
    )
    assert db_session.get(PostcodeArea, "FE2 9EY").latitude is None


def test_reloading_updates_rows_instead_of_duplicating_them(runner, db_session, tmp_path):
    runner.invoke(args=["load-postcodes", str(_write(tmp_path, GOOD))])
    changed = GOOD.replace("Otter Vale,E01999907,9", "Otter Vale North,E01999907,2") + (
        "FE3 8XS,E05999904,Harbourside,E01999910,1,50.63,-3.864\n"
    )
    result = runner.invoke(args=["load-postcodes", str(_write(tmp_path, changed, "second.csv"))])
    assert result.exit_code == 0, result.output
    assert "Loaded 4 postcodes: 1 new, 3 updated." in result.output
    assert _count(db_session) == 4
    area = db_session.get(PostcodeArea, "FE2 9EY")
    assert (area.ward_name, area.imd_decile) == ("Otter Vale North", 2)


def test_a_bad_file_loads_nothing_and_lists_every_problem_with_its_line(runner, db_session, tmp_path):
    text = (
        HEADER
        + "FE1 6FR,E05999901,Ferncombe Central,E01999901,1,50.6,-3.9\n"  # line 2: fine
        + "NOT A CODE,E05999901,Ferncombe Central,E01999901,1,50.6,-3.9\n"  # line 3
        + "FE1 2QY,E05999901,Ferncombe Central,E01999902,11,50.6,-3.9\n"  # line 4: decile
        + "FE1 1DX,E05999901,Ferncombe Central,E01999902,0,50.6,-3.9\n"  # line 5: decile
        + "FE1 7DJ,E05999901,Ferncombe Central,E01999902,two,50.6,-3.9\n"  # line 6: decile
        + "FE2 9EY,E05999903,Otter Vale,E01999907,5,99.999999,0\n"  # line 7: no grid reference
        + "FE2 5XG,E05999903,Otter Vale,E01999907,5,50.6,north\n"  # line 8: longitude
        + ",E05999903,Otter Vale,E01999907,5,50.6,-3.9\n"  # line 9: empty postcode
        + "FE2 2YY,E05999903,Otter Vale,E01999907,5,50.6,-3.9\n"  # line 10: fine
    )
    path = _write(tmp_path, text)
    result = runner.invoke(args=["load-postcodes", str(path)])
    assert result.exit_code != 0
    lines = [line for line in result.output.splitlines() if line.startswith(f"{path}:")]
    assert [line.split(":")[1] for line in lines] == ["3", "4", "5", "6", "7", "8", "9"]
    assert "'NOT A CODE' is not a UK postcode" in lines[0]
    assert "imd_decile must be a whole number from 1 to 10" in lines[1]
    assert "latitude" in lines[4] and "longitude" in lines[5] and "empty" in lines[6]
    assert "Nothing was loaded" in result.output
    assert _count(db_session) == 0


def test_all_or_nothing_even_after_batches_were_written(app, db_session):
    """A problem near the end of a big file undoes the batches already sent to the database."""
    rows = [f"FE1 {digit}{a}{b},W,Ward,L,3,," for digit in "123" for a in "ABD" for b in "ABD"]
    lines = [HEADER, *[row + "\n" for row in rows], "FE9 9ZZ,W,Ward,L,12,,\n"]
    with app.app_context():
        from pwa import db

        result = load_lookup(db.session(), lines, batch_size=5)
    assert not result.ok and result.errors == [
        (len(rows) + 2, "imd_decile must be a whole number from 1 to 10 (found '12').")
    ]
    assert _count(db_session) == 0


def test_a_file_without_the_columns_is_refused(runner, db_session, tmp_path):
    path = _write(tmp_path, "pcds,ward\nFE1 6FR,Central\n")
    result = runner.invoke(args=["load-postcodes", str(path)])
    assert result.exit_code != 0
    assert f"{path}:1: the header row needs the columns" in result.output
    assert "missing: postcode, ward_code" in result.output
    assert _count(db_session) == 0


def test_a_file_that_is_not_utf8_is_refused(runner, db_session, tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + "FE1 6FR,E05999901,Caf\xe9 Ward,E01999901,1,,\n").encode("latin-1"))
    result = runner.invoke(args=["load-postcodes", str(path)])
    assert result.exit_code != 0
    assert "not UTF-8" in result.output
    assert _count(db_session) == 0


def test_excel_byte_order_mark_and_extra_columns_are_fine(runner, db_session, tmp_path):
    text = (
        HEADER.replace("\n", ",notes\n") + "FE1 6FR,E05999901,Ferncombe Central,E01999901,1,50.6,-3.9,near the park\n"
    )
    result = runner.invoke(args=["load-postcodes", str(_write(tmp_path, text, encoding="utf-8-sig"))])
    assert result.exit_code == 0, result.output
    assert db_session.get(PostcodeArea, "FE1 6FR").ward_name == "Ferncombe Central"


def test_loading_places_existing_clients_again(runner, db_session, world, tmp_path):
    own, other = world.clients["own"], world.clients["other-caseload"]
    # Registered before the lookup was loaded: postcode kept, quintile unknown.
    place_client(db_session, own, "FE1 6FR")
    place_client(db_session, other, "W10 5AB")
    db_session.add_all([own, other])
    db_session.commit()
    assert own.deprivation_quintile == "unknown"

    result = runner.invoke(args=["load-postcodes", str(_write(tmp_path, GOOD))])
    assert "Clients placed in a new ward or quintile: 1." in result.output
    db_session.expire_all()
    own, other = db_session.get(Client, own.id), db_session.get(Client, other.id)
    assert (own.ward_name, own.lsoa_code, own.deprivation_quintile) == (
        "Ferncombe Central",
        "E01999901",
        "q1_most_deprived",
    )
    assert (other.ward_name, other.deprivation_quintile) == ("", "unknown")

    # The lookup changes: the client follows; loading the same file again changes nobody.
    moved = GOOD.replace("Ferncombe Central,E01999901,1", "Millbrook,E01999904,5")
    result = runner.invoke(args=["load-postcodes", str(_write(tmp_path, moved, "moved.csv"))])
    assert "Clients placed in a new ward or quintile: 1." in result.output
    db_session.expire_all()
    assert (db_session.get(Client, own.id).ward_name, db_session.get(Client, own.id).deprivation_quintile) == (
        "Millbrook",
        "q3",
    )
    result = runner.invoke(args=["load-postcodes", str(_write(tmp_path, moved, "moved.csv"))])
    assert "Clients placed in a new ward or quintile: 0." in result.output


def test_the_demo_lookup_loads_cleanly_with_a_spread_of_deciles(runner, db_session):
    result = runner.invoke(args=["load-postcodes", str(DEMO_FILE)])
    assert result.exit_code == 0, result.output
    areas = db_session.exec(select(PostcodeArea)).all()
    assert len(areas) == 30
    assert {quintile_from_decile(area.imd_decile) for area in areas} == {
        "q1_most_deprived",
        "q2",
        "q3",
        "q4",
        "q5_least_deprived",
    }
    assert all(normalise_postcode(area.postcode) == area.postcode for area in areas)
