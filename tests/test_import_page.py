"""The import page /reports/import: the same import as `flask --app pwa import-records`, from
uploaded CSV files, into the manager's own service. All or nothing; every problem listed."""

import html
import io
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

import models
from models import AuditEvent, Client
from pwa.reports import import_views
from tests.conftest import act_as, csrf_token, post_form

DATA = Path(__file__).parent / "data" / "records"
URL = "/reports/import"
GOOD_SUMMARY = (
    "Checked 4 files: 3 clients (3 new, 0 updated), 3 goals (3 new, 0 updated), "
    "4 measures (4 new, 0 updated), 2 signposts (2 new, 0 updated)."
)
BAD_GENDER = (
    "clients.csv:3: gender: 'femail' is not one of the choices. Use a code or its label: "
    "female, male, other, prefer_not_to_say, not_recorded; or leave it empty."
)


def _counts(session) -> dict[str, int]:
    """Rows in every table of the database."""
    session.expire_all()
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in models.metadata.sorted_tables
    }


def _file(data: bytes | str, filename: str):
    return (io.BytesIO(data.encode("utf-8") if isinstance(data, str) else data), filename)


def _files(folder: str, *names: str) -> dict:
    """Upload fields for the files of a test folder, each under its own name."""
    return {name: _file((DATA / folder / f"{name}.csv").read_bytes(), f"{name}.csv") for name in names}


def _upload(client, data: dict):
    return post_form(client, URL, data, content_type="multipart/form-data")


def _text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def _refs(db_session, service) -> list[str]:
    db_session.expire_all()
    query = select(Client.client_ref).where(Client.service_id == service.id, Client.client_ref.is_not(None))
    return sorted(db_session.exec(query).all())


def _audits(db_session) -> list[tuple]:
    db_session.expire_all()
    rows = db_session.exec(select(AuditEvent).where(AuditEvent.action == "import_records")).all()
    return [(row.service_id, row.actor_id, row.actor_role, row.client_id, row.detail) for row in rows]


@pytest.fixture
def manager(client, world):
    act_as(client, world.people["manager"], world.grants["manager"])
    return world


def test_the_page_has_the_form(client, manager):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page and 'hx-boost="false"' in page
    assert 'name="csrf_token"' in page
    for name in ("clients", "goals", "measures", "signposts"):
        assert f'<input class="field__input" id="{name}" name="{name}" type="file"' in page
        assert f'href="#help-{name}"' in page and f'id="help-{name}"' in page
    assert 'name="dry_run"' in page and "Only check the files, don&#39;t save anything" in page
    assert "Check and bring in" in page


def test_the_dashboard_links_to_the_page(client, manager):
    assert f'href="{URL}"' in client.get("/reports").get_data(as_text=True)


def test_a_good_upload_brings_the_records_into_the_managers_service(client, manager, db_session):
    world = manager
    before = _counts(db_session)
    response = _upload(client, _files("good", "clients", "goals", "measures", "signposts"))

    assert response.status_code == 200
    text = _text(response)
    assert f"<p>{GOOD_SUMMARY} All saved.</p>" in text
    assert '<a href="/reports">Open the reports</a>' in text
    after = _counts(db_session)
    grown = {name: after[name] - before[name] for name in after if after[name] != before[name]}
    assert grown == {
        "clients": 3, "episodes": 3, "plans": 2, "goals": 3, "measures": 4, "signposts": 2, "audit_events": 1
    }  # fmt: skip
    assert _refs(db_session, world.north) == ["HT-001", "HT-002", "HT-003"]
    assert _refs(db_session, world.south) == []
    manager_id = world.people["manager"].id
    assert _audits(db_session) == [(world.north.id, manager_id, "manager", None, f"{GOOD_SUMMARY} All saved.")]


def test_uploading_again_updates_rather_than_adds(client, manager, db_session):
    assert _upload(client, _files("good", "clients")).status_code == 200
    before = _counts(db_session)
    response = _upload(client, _files("good", "clients"))
    assert response.status_code == 200
    assert "<p>Checked 1 file: 3 clients (0 new, 3 updated). All saved.</p>" in _text(response)
    after = _counts(db_session)
    assert {name: after[name] - before[name] for name in after if after[name] != before[name]} == {"audit_events": 1}


def test_one_bad_cell_saves_nothing_and_shows_the_line(client, manager, db_session):
    before = _counts(db_session)
    response = _upload(client, _files("bad_cell", "clients", "goals"))

    assert response.status_code == 422
    text = _text(response)
    assert "Nothing was saved. Fix this problem in your files and try again." in text
    assert f'<ul class="break-anywhere"><li>{BAD_GENDER}</li></ul>' in text
    assert "And " not in text.split("Nothing was saved")[1].split("</div>")[0]
    assert _counts(db_session) == before  # every table, audit included


def test_a_long_list_of_problems_is_cut_at_200(client, manager, db_session):
    rows = "".join(f"HT-{n},2024-04-02,femail\n" for n in range(1, 251))
    before = _counts(db_session)
    response = _upload(client, {"clients": _file("client_ref,registered_on,gender\n" + rows, "clients.csv")})

    assert response.status_code == 422
    text = _text(response)
    assert "Fix these 250 problems in your files" in text
    assert text.count("<li>clients.csv:") == 200
    assert "<li>clients.csv:201: gender: 'femail'" in text and "<li>clients.csv:202:" not in text
    assert "And 50 more. Fix these first, then check again." in text
    assert _counts(db_session) == before


def test_a_dry_run_checks_but_saves_nothing(client, manager, db_session):
    before = _counts(db_session)
    data = {**_files("good", "clients", "goals", "measures", "signposts"), "dry_run": "yes"}
    response = _upload(client, data)

    assert response.status_code == 200
    text = _text(response)
    assert "Your files are fine. Nothing was saved yet." in text
    assert f"<p>{GOOD_SUMMARY} Nothing was written (dry run).</p>" in text
    assert 'name="dry_run" value="yes" checked' in text
    assert _counts(db_session) == before  # no records and no audit row


def test_clients_csv_is_needed(client, manager, db_session):
    before = _counts(db_session)
    response = _upload(client, _files("good", "goals"))

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert (
        '<p class="field__error" id="clients-error"><span class="visually-hidden">Error:</span> '
        "Choose your clients.csv file. It is needed.</p>"
    ) in page
    assert 'aria-describedby="clients-hint clients-error" aria-invalid="true"' in page
    assert '<a href="#clients">Choose your clients.csv file. It is needed.</a>' in page
    assert _counts(db_session) == before


def test_a_file_that_is_not_csv_is_refused(client, manager, db_session):
    before = _counts(db_session)
    data = {**_files("good", "clients"), "goals": _file(b"PK\x03\x04", "goals.xlsx")}
    response = _upload(client, data)

    assert response.status_code == 422
    assert (
        '<p class="field__error" id="goals-error"><span class="visually-hidden">Error:</span> '
        "goals.xlsx is not a CSV file. In your spreadsheet, choose Save As, then &#39;CSV UTF-8&#39;.</p>"
    ) in response.get_data(as_text=True)
    assert _counts(db_session) == before


def test_a_file_over_the_limit_is_refused_by_its_field(client, manager, db_session, monkeypatch):
    clients = (DATA / "good" / "clients.csv").read_bytes()
    monkeypatch.setattr(import_views, "FILE_LIMIT", len(clients) - 1)
    before = _counts(db_session)
    response = _upload(client, {"clients": _file(clients, "clients.csv")})

    assert response.status_code == 422
    page = _text(response)
    assert 'id="clients-error"><span class="visually-hidden">Error:</span> This file is bigger than 0 MB.' in page
    assert _counts(db_session) == before


def test_an_upload_over_the_whole_limit_gets_the_page_not_a_bare_error(client, manager, db_session, monkeypatch):
    monkeypatch.setattr(import_views, "REQUEST_LIMIT", 2000)
    before = _counts(db_session)
    response = _upload(client, {"clients": _file("client_ref,registered_on\n" + "HT-1,2024-04-02\n" * 200, "c.csv")})

    assert response.status_code == 413
    page = _text(response)
    assert "<h1>Bring in records from an old system</h1>" in page
    assert 'id="clients-error"><span class="visually-hidden">Error:</span> This file is bigger than 20 MB.' in page
    assert _counts(db_session) == before


def test_the_limit_is_raised_for_this_page_only(client, manager):
    """The app's limit (2 MB) stays for every other upload; this page takes up to 20 MB a file."""
    big = "table,category,percent\n" + "gender,female,51.2\n" * 120_000  # about 2.3 MB
    response = post_form(client, "/reports/comparators/new", {"name": "Big", "file": _file(big, "big.csv")})
    assert response.status_code == 413
    assert "Bring in records" not in response.get_data(as_text=True)

    # 2.4 MB: one client, then lines of spaces (blank rows are skipped, so this stays quick).
    clients = "client_ref,registered_on\nHT-1,2024-04-02\n" + (" " * 9_999 + "\n") * 240
    response = _upload(client, {"clients": _file(clients, "clients.csv"), "dry_run": "y"})
    assert response.status_code == 200
    assert "Checked 1 file: 1 client (1 new, 0 updated). Nothing was written (dry run)." in _text(response)


def test_a_south_manager_brings_records_into_south_only(client, world, db_session):
    act_as(client, world.people["south-manager"], world.grants["south-manager"])
    clients = (DATA / "good" / "clients.csv").read_text(encoding="utf-8-sig")
    clients = clients.replace(",trainer,not_required,", ",south-trainer,not_required,").replace(",Trainee,", ",,")
    response = _upload(client, {"clients": _file(clients, "clients.csv"), **_files("good", "goals", "measures")})

    assert response.status_code == 200, _text(response)
    assert "Checked 3 files: 3 clients (3 new, 0 updated), 3 goals (3 new, 0 updated), 4 measures" in _text(response)
    assert _refs(db_session, world.south) == ["HT-001", "HT-002", "HT-003"]
    assert _refs(db_session, world.north) == []
    db_session.expire_all()
    one = db_session.exec(select(Client).where(Client.client_ref == "HT-001")).one()
    assert (one.service_id, one.trainer_id) == (world.south.id, world.people["south-trainer"].id)
    assert [row[0] for row in _audits(db_session)] == [world.south.id]


def test_a_username_of_another_service_is_a_problem(client, manager, db_session):
    """The north manager's upload names a south trainer: the import checks against north only."""
    clients = (DATA / "good" / "clients.csv").read_text(encoding="utf-8-sig").replace(",Trainee,", ",south-trainer,")
    before = _counts(db_session)
    response = _upload(client, {"clients": _file(clients, "clients.csv")})
    assert response.status_code == 422
    assert "<li>clients.csv:3: trainer: No trainer or trainee of this service has the username" in _text(response)
    assert _counts(db_session) == before


def test_a_trainer_may_not_import(client, world, db_session):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    before = _counts(db_session)
    assert client.get(URL).status_code == 403
    assert _upload(client, _files("good", "clients")).status_code == 403
    assert _counts(db_session) == before


def test_an_upload_without_the_csrf_token_is_refused(client, manager, db_session):
    before = _counts(db_session)
    csrf_token(client, "/account/")  # a session exists, as in a browser
    response = client.post(URL, data=_files("good", "clients"), content_type="multipart/form-data")
    assert response.status_code == 400
    assert _counts(db_session) == before
