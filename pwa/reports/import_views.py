"""Bringing in last year's records from a web page: the same import as `flask --app pwa
import-records` (pwa/records_import), for a manager's own service, from uploaded CSV files."""

import os
import tempfile
from pathlib import Path

from flask import request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from pwa import db
from pwa.errors import error_page
from pwa.identity import current_actor
from pwa.policy import audit, can, requires
from pwa.records_import import rules
from pwa.records_import.run import import_records as run_import
from pwa.rendering import render
from pwa.reports.blueprint import bp

# The form's file fields, in the order the import reads them: field name -> the file's spec.
FILES = {spec.name.removesuffix(".csv"): spec for spec in rules.FILES}
LABELS = {
    "clients": "Clients (clients.csv)",
    "goals": "Goals (goals.csv, if you have it)",
    "measures": "Measures (measures.csv, if you have it)",
    "signposts": "Signposts and referrals (signposts.csv, if you have it)",
}
MB = 1024 * 1024
FILE_LIMIT = 20 * MB  # each file: hundreds of thousands of rows
REQUEST_LIMIT = len(FILES) * FILE_LIMIT + MB  # the whole upload, with room for the form itself
PROBLEM_LIMIT = 200  # problems listed on the page; the rest are counted
TOO_BIG = (
    "This file is bigger than {limit} MB. Bring it in as smaller files one after the other "
    "(bringing in a client again updates them), or ask whoever runs the app to use the import-records command."
)


@bp.url_value_preprocessor
def _allow_big_uploads(endpoint: str | None, _values: dict | None) -> None:
    """Raise the app's upload limit for this page only. This runs before the CSRF check reads the form."""
    if endpoint == "reports.import_records":
        request.max_content_length = REQUEST_LIMIT


@bp.errorhandler(RequestEntityTooLarge)
def _too_big(_error):
    """Files over the limit all together: say so on the page, not on a bare error page."""
    if request.endpoint == "reports.import_records" and can(current_actor(), "reports.import"):
        errors = {"clients": TOO_BIG.format(limit=FILE_LIMIT // MB)}
        return _page(errors=errors, status=413)
    return error_page(413)


def _page(*, errors=None, outcome=None, dry_run=False, status=200):
    shown = outcome.problems[:PROBLEM_LIMIT] if outcome else []
    return render(
        "reports/import.html",
        files=FILES,
        labels=LABELS,
        errors=errors or {},
        outcome=outcome,
        problems=[str(problem) for problem in shown],
        more=len(outcome.problems) - len(shown) if outcome else 0,
        values={"dry_run": "yes" if dry_run else ""},
        limit=FILE_LIMIT // MB,
    ), status


def _size(upload: FileStorage) -> int:
    stream = upload.stream
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    return size


def _check_uploads() -> tuple[dict[str, FileStorage], dict[str, str]]:
    """The files chosen, by field, and a message by each field that is wrong."""
    uploads, errors = {}, {}
    for name, spec in FILES.items():
        upload = request.files.get(name)
        if upload is None or not upload.filename:
            if spec.required_file:
                errors[name] = f"Choose your {spec.name} file. It is needed."
            continue
        if not upload.filename.lower().endswith(".csv"):
            errors[name] = (
                f"{upload.filename} is not a CSV file. In your spreadsheet, choose Save As, then 'CSV UTF-8'."
            )
        elif _size(upload) > FILE_LIMIT:
            errors[name] = TOO_BIG.format(limit=FILE_LIMIT // MB)
        else:
            uploads[name] = upload
    return uploads, errors


@bp.route("/reports/import", methods=["GET", "POST"])
@requires("reports.import")
def import_records():
    """Check uploaded CSV files and bring them into the manager's service: all of them, or
    (on any problem) nothing, every problem listed as `file:line: column: message`."""
    if request.method == "GET":
        return _page()
    dry_run = bool(request.form.get("dry_run"))
    uploads, errors = _check_uploads()
    if errors:
        return _page(errors=errors, dry_run=dry_run, status=422)
    with tempfile.TemporaryDirectory(prefix="import-records-") as folder:
        for name, upload in uploads.items():
            upload.save(Path(folder) / FILES[name].name)
        # Always the manager's own service: the form has no way to name another.
        outcome = run_import(db.session(), current_actor().service, Path(folder), dry_run=dry_run)
    if not outcome.ok:
        return _page(outcome=outcome, dry_run=dry_run, status=422)
    if not dry_run:
        audit("import_records", detail=outcome.summary())
    return _page(outcome=outcome, dry_run=dry_run)
