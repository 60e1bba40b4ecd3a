"""Comparator sets: the England set that ships with the app, and the manager's own."""

from flask import flash, redirect, request, url_for
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import delete, select

from models import ComparatorSet, ComparatorValue
from pwa import db
from pwa.identity import current_actor
from pwa.policy import comparator_set_for_manager, requires
from pwa.rendering import render
from pwa.reports.blueprint import bp
from pwa.reports.comparator_rules import check_set
from pwa.reports.comparators import ENGLAND_NAME, england
from pwa.reports.tables import SPECS

FILE_LIMIT = 200_000  # bytes: thousands of lines, far more than any real set


def grouped(values: dict[tuple[str, str], object]) -> list[tuple[str, list[tuple[str, str, object]]]]:
    """Values grouped by table in the registry's order: [(table title, [(code, label, percent)])]."""
    groups = []
    for spec in SPECS:
        rows = [
            (code, spec.categories.get(code, code), value)
            for (table, code), value in values.items()
            if table == spec.name
        ]
        if rows:
            order = list(spec.categories)
            rows.sort(key=lambda row: (order.index(row[0]) if row[0] in order else len(order), row[0]))
            groups.append((spec.title, rows))
    return groups


@bp.get("/reports/comparators")
@requires("reports.comparators")
def comparators():
    """The England set (read only) and the service's own sets."""
    session = db.session()
    counted = (
        select(ComparatorSet, func.count(ComparatorValue.id))
        .outerjoin(ComparatorValue, ComparatorValue.set_id == ComparatorSet.id)
        .where(ComparatorSet.service_id == current_actor().service_id)
        .group_by(ComparatorSet.id)
        .order_by(ComparatorSet.name)
    )
    own = session.exec(counted).all()
    return render(
        "reports/comparators.html",
        england_name=ENGLAND_NAME,
        england_groups=grouped(england().values),
        own=own,
    )


@bp.get("/reports/comparators/<int:set_id>")
@requires("reports.comparators")
def comparator(set_id: int):
    """One of the service's sets, its values grouped by table."""
    chosen = comparator_set_for_manager(set_id)
    rows = db.session().exec(
        select(ComparatorValue.table_name, ComparatorValue.category, ComparatorValue.percent).where(
            ComparatorValue.set_id == chosen.id
        )
    )
    values = {(table, category): value for table, category, value in rows}
    return render("reports/comparator.html", chosen=chosen, groups=grouped(values))


def _uploaded_text() -> tuple[str | None, str]:
    """The text of an uploaded .csv file (None when no file was chosen), and a problem if any."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return None, ""
    if not upload.filename.lower().endswith(".csv"):
        return "", "Choose a file whose name ends in .csv."
    data = upload.read(FILE_LIMIT + 1)
    if len(data) > FILE_LIMIT:
        return "", "The file is too big. A set needs only a few hundred lines."
    try:
        return data.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return "", "The file could not be read. Save it as CSV (UTF-8) and try again."


def _new_page(values: dict, errors: dict, line_errors: list[str], status: int = 200):
    return render(
        "reports/comparator_new.html",
        values=values,
        errors=errors,
        line_errors=line_errors,
        tables=SPECS,
    ), status


@bp.route("/reports/comparators/new", methods=["GET", "POST"])
@requires("reports.comparators")
def new_comparator():
    """A new set from pasted lines or a .csv file of `table,category,percent`."""
    if request.method == "GET":
        return _new_page({}, {}, [])
    actor = current_actor()
    session = db.session()
    values = {key: request.form.get(key, "") for key in ("name", "source", "figures")}
    uploaded, file_problem = _uploaded_text()
    if file_problem:
        return _new_page(values, {"file": file_problem}, [], 422)
    if uploaded is not None:
        # Show the file's lines in the box, so any line with a problem can be fixed right there.
        values["figures"] = uploaded
    taken = set(session.exec(select(ComparatorSet.name).where(ComparatorSet.service_id == actor.service_id)))
    checked = check_set(values["name"], values["source"], values["figures"], taken)
    if not checked.ok:
        return _new_page(values, checked.errors, checked.line_errors, 422)
    new_set = ComparatorSet(
        service_id=actor.service_id, name=checked.name, source=checked.source, created_by_id=actor.person.id
    )
    session.add(new_set)
    try:
        session.flush()
        session.add_all(
            ComparatorValue(set_id=new_set.id, table_name=table, category=category, percent=float(value))
            for table, category, value in checked.values
        )
        session.commit()
    except IntegrityError:
        session.rollback()
        errors = {"name": "There is already a set with this name. Choose another name."}
        return _new_page(values, errors, [], 422)
    flash(f"Saved {new_set.name}: {len(checked.values)} figures.", "success")
    return redirect(url_for("reports.comparator", set_id=new_set.id))


@bp.post("/reports/comparators/<int:set_id>/delete")
@requires("reports.comparators")
def delete_comparator(set_id: int):
    """Delete one of the service's sets with its values (the England set has no id: it stays)."""
    chosen = comparator_set_for_manager(set_id)
    session = db.session()
    name = chosen.name
    session.exec(delete(ComparatorValue).where(ComparatorValue.set_id == chosen.id))
    session.delete(chosen)
    session.commit()
    flash(f"Deleted {name}.", "success")
    return redirect(url_for("reports.comparators"))
