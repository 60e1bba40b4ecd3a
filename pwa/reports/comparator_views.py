"""Comparator sets: the England set that ships with the app, and the manager's own."""

from pwa.policy import requires
from pwa.reports.blueprint import bp


@bp.get("/reports/comparators")
@requires("reports.comparators")
def comparators():
    raise NotImplementedError


@bp.route("/reports/comparators/new", methods=["GET", "POST"])
@requires("reports.comparators")
def new_comparator():
    raise NotImplementedError


@bp.get("/reports/comparators/<int:set_id>")
@requires("reports.comparators")
def comparator(set_id: int):
    raise NotImplementedError


@bp.post("/reports/comparators/<int:set_id>/delete")
@requires("reports.comparators")
def delete_comparator(set_id: int):
    raise NotImplementedError
