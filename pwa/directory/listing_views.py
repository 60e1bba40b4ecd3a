"""Adding and editing listings, marking them reviewed, reporting problems, the managers' flag list.

Champions, trainees, trainers and managers keep the directory true; managers see what needs
checking. Saving an edit counts as a review: the person just looked at every field.
"""

from typing import NamedTuple

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlalchemy import func
from sqlmodel import select

from models import Listing, ListingProblem, ListingTime, Person
from pwa import db
from pwa.auth import safe_next
from pwa.clock import london_today, utcnow
from pwa.directory import listing_rules as rules
from pwa.directory import vocab
from pwa.directory.listing_store import save_listing, times_of
from pwa.directory.places import find_place
from pwa.identity import current_actor
from pwa.policy import can, listing_in_service, requires
from pwa.rendering import render

bp = Blueprint("listings", __name__)

BLANK_ROWS_ON_NEW = 2


class OpenProblem(NamedTuple):
    problem: ListingProblem
    reporter: str  # who reported it, or "" when that person is gone


# --- Template globals for the listing page ---------------------------------------------------


@bp.app_template_global()
def open_problems(listing: Listing) -> list[OpenProblem]:
    """Problems reported with a listing and not yet sorted out, oldest first, with who reported them."""
    rows = (
        db.session()
        .exec(
            select(ListingProblem, Person.display_name)
            .join(Person, Person.id == ListingProblem.reported_by_id, isouter=True)
            .where(ListingProblem.listing_id == listing.id, ListingProblem.resolved_on.is_(None))
            .order_by(ListingProblem.reported_on, ListingProblem.id)
        )
        .all()
    )
    return [OpenProblem(problem, name or "") for problem, name in rows]


@bp.app_template_global()
def review_due(listing: Listing) -> str | None:
    """ "Never checked" or "Not checked since March 2025" when a review is due, else None."""
    return rules.review_flag(listing.last_reviewed_on, london_today())


@bp.app_template_global()
def problem_kind_label(code: str) -> str:
    """What a problem kind means, in words."""
    return vocab.PROBLEM_KINDS.get(code, code)


@bp.app_template_global()
def listing_source_label(code: str) -> str:
    """Where a listing came from, in words."""
    return vocab.SOURCES.get(code, code)


@bp.app_template_global()
def directory_flag_count() -> int:
    """How many listings of the actor's service need a look (review due or a problem open)."""
    actor = current_actor()
    if actor is None or not can(actor, "directory.flags"):
        return 0
    overdue, problems = _flagged(actor.service_id)
    return len({listing.id for listing in overdue} | {problem.listing_id for problem, _, _ in problems})


# --- Adding and editing ----------------------------------------------------------------------


def _back_to(listing: Listing):
    target = safe_next(request.form.get("next"))
    return redirect(target or url_for("directory.listing", listing_id=listing.id))


def _form_values(form) -> dict:
    values = form.to_dict()
    values["categories"] = form.getlist("categories")
    values["accessibility"] = form.getlist("accessibility")
    return values


def _values_of(listing: Listing) -> dict:
    """What the form shows for a saved listing."""
    values = {name: getattr(listing, name) or "" for name in rules.TEXT_FIELDS}
    values.update(
        categories=list(listing.categories),
        accessibility=list(listing.accessibility),
        languages=", ".join(listing.languages),
        postcode=listing.postcode,
        schedule_kind=listing.schedule_kind,
        cost=listing.cost,
        pathway=listing.pathway,
        status=listing.status,
    )
    return values


def _rows_of(times: list[ListingTime]) -> list[dict]:
    def text(value) -> str:
        return "" if value is None else value.isoformat()

    return [
        {
            "weekday": "" if time.weekday is None else str(time.weekday),
            "on_date": text(time.on_date),
            "starts_at": time.starts_at.strftime("%H:%M"),
            "ends_at": time.ends_at.strftime("%H:%M"),
            "weeks_on": str(time.weeks_on),
            "weeks_off": str(time.weeks_off),
            "from_date": text(time.from_date),
            "until_date": text(time.until_date),
            "source_id": time.source_id or "",
        }
        for time in times
    ]


# The order fields appear in on the form, so the error summary reads top to bottom.
FORM_ORDER = (
    "name", "description", "categories", "organisation", "schedule_kind", "times", "schedule_note", "venue",
    "address", "postcode", "cost", "price_text", "eligibility", "pathway", "accessibility", "languages",
    "contact_name", "contact_phone", "contact_email", "website", "how_to_go", "staff_notes", "status",
)  # fmt: skip


def _in_form_order(errors: dict) -> dict:
    def place(name: str) -> tuple:
        if name.startswith("times-"):
            _, index, field = name.split("-", 2)
            row_field = rules.ROW_FIELDS.index(field) if field in rules.ROW_FIELDS else 0
            return (FORM_ORDER.index("times"), int(index), row_field)
        return (FORM_ORDER.index(name) if name in FORM_ORDER else len(FORM_ORDER), 0, 0)

    return dict(sorted(errors.items(), key=lambda item: place(item[0])))


def _form_page(listing: Listing | None, values: dict, rows: list[dict], errors: dict, *, status: int = 200):
    """The listing form. Each time row's boxes are named times-<row>-<field>, like the errors."""
    values = {name: value for name, value in values.items() if not name.startswith("times-")}
    for index, row in enumerate(rows):
        values.update({f"times-{index}-{name}": value for name, value in row.items()})
    return render(
        "directory/listing_form.html",
        listing=listing,
        values=values,
        row_count=len(rows),
        errors=_in_form_order(errors),
        vocab=vocab,
    ), status


def _with_another_row(form) -> list[dict]:
    """The rows typed so far, without the ones ticked "remove", and one more blank row."""
    rows = [row for row in rules.time_rows_from_form(form) if not rules.is_removed(row)]
    return [*rows, dict(rules.BLANK_ROW)][: rules.MAX_TIME_ROWS]


def _check(form, listing: Listing | None):
    session = db.session()
    checked = rules.check_listing(
        form,
        rules.time_rows_from_form(form),
        today=london_today(),
        known_postcode=lambda postcode: find_place(session, postcode) is not None,
    )
    if listing is not None and checked.values["postcode"] == listing.postcode and listing.latitude is not None:
        # An imported listing may carry a position from its feed for a postcode our lookup
        # does not know: keep it rather than lose it on an edit.
        if "postcode" in checked.warnings:
            checked.values["latitude"], checked.values["longitude"] = listing.latitude, listing.longitude
            del checked.warnings["postcode"]
    return checked


def _save(listing: Listing, checked) -> None:
    values = dict(checked.values)
    times = values.pop("times")
    values["last_reviewed_on"] = london_today()  # saving means someone looked at it all
    save_listing(db.session(), listing, values, times, current_actor().person.id)
    for warning in checked.warnings.values():
        flash(warning, "warning")


@bp.route("/directory/new", methods=["GET", "POST"])
@requires("directory.edit")
def new():
    """Add a group, activity or service to the directory."""
    if request.method == "GET":
        defaults = {"schedule_kind": "weekly", "cost": "free", "pathway": "signpost", "categories": []}
        return _form_page(None, defaults, [dict(rules.BLANK_ROW) for _ in range(BLANK_ROWS_ON_NEW)], {})
    form = request.form.copy()
    form["status"] = "active"  # a new listing is running; it can be paused later
    if "add_time" in form:
        return _form_page(None, _form_values(form), _with_another_row(form), {})
    checked = _check(form, None)
    if not checked.ok:
        return _form_page(None, _form_values(form), rules.time_rows_from_form(form), checked.errors, status=422)
    listing = Listing(service_id=current_actor().service_id, name=checked.values["name"], source="local")
    _save(listing, checked)
    flash(f"{listing.name} is in the directory.", "success")
    return redirect(url_for("directory.listing", listing_id=listing.id))


@bp.route("/directory/<int:listing_id>/edit", methods=["GET", "POST"])
@requires("directory.edit")
def edit(listing_id: int):
    """Change a listing and its times. Saving also marks it as checked today."""
    listing = listing_in_service(listing_id)
    if request.method == "GET":
        rows = _rows_of(times_of(db.session(), [listing.id])[listing.id])
        rows = rows or [dict(rules.BLANK_ROW)]  # a blank row is ignored if it stays blank
        return _form_page(listing, _values_of(listing), rows, {})
    form = request.form
    if "add_time" in form:
        return _form_page(listing, _form_values(form), _with_another_row(form), {})
    checked = _check(form, listing)
    if not checked.ok:
        return _form_page(listing, _form_values(form), rules.time_rows_from_form(form), checked.errors, status=422)
    _save(listing, checked)
    flash("Changes saved.", "success")
    return redirect(url_for("directory.listing", listing_id=listing.id))


@bp.post("/directory/<int:listing_id>/reviewed")
@requires("directory.edit")
def review(listing_id: int):
    """Someone checked the listing is still right."""
    listing = listing_in_service(listing_id)
    listing.last_reviewed_on = london_today()
    db.session().add(listing)
    db.session().commit()
    flash("Thanks, marked as checked today.", "success")
    return _back_to(listing)


# --- Problems --------------------------------------------------------------------------------


@bp.route("/directory/<int:listing_id>/problem", methods=["GET", "POST"])
@requires("directory.edit")
def report_problem(listing_id: int):
    """Tell the team something is wrong with a listing: it stopped, refused a referral..."""
    listing = listing_in_service(listing_id)
    if request.method == "GET":
        return _problem_page(listing, {}, {})
    checked = rules.check_problem(request.form)
    if not checked.ok:
        return _problem_page(listing, request.form.to_dict(), checked.errors)
    session = db.session()
    session.add(
        ListingProblem(
            service_id=listing.service_id,
            listing_id=listing.id,
            kind=checked.values["kind"],
            note=checked.values["note"],
            reported_by_id=current_actor().person.id,
            reported_on=london_today(),
        )
    )
    session.commit()
    flash("Thanks for telling us. A manager will check it.", "success")
    return redirect(url_for("directory.listing", listing_id=listing.id))


def _problem_page(listing: Listing, values: dict, errors: dict):
    return render(
        "directory/problem.html", listing=listing, problem=None, values=values, errors=errors, vocab=vocab
    ), 422 if errors else 200


@bp.post("/directory/problems/<int:problem_id>/resolve")
@requires("directory.edit")
def resolve_problem(problem_id: int):
    """Mark a problem as sorted out, and close the listing in the same step if it no longer runs."""
    session = db.session()
    actor = current_actor()
    problem = session.get(ListingProblem, problem_id)
    if problem is None or problem.service_id != actor.service_id:
        abort(404)
    listing = listing_in_service(problem.listing_id)
    if problem.resolved_on is not None:
        flash("That problem was already sorted out.", "success")
        return _back_to(listing)
    checked = rules.check_resolution(request.form, problem.kind)
    if not checked.ok:
        return render(
            "directory/problem.html",
            listing=listing,
            problem=problem,
            values=request.form.to_dict(),
            errors=checked.errors,
            vocab=vocab,
        ), 422
    problem.resolved_on = london_today()
    problem.resolved_by_id = actor.person.id
    problem.resolution = checked.values["resolution"]
    session.add(problem)
    if checked.values["close_listing"] and listing.status != "closed":
        listing.status = "closed"
        listing.updated_at = utcnow()  # the open-data feed tells others it has gone
        listing.updated_by_id = actor.person.id
        session.add(listing)
        flash(f"Problem sorted out. {listing.name} is now closed.", "success")
    else:
        flash("Problem sorted out.", "success")
    session.commit()
    return _back_to(listing)


# --- The managers' flag list ----------------------------------------------------------------


def _flagged(service_id: int):
    """(listings due a review, oldest first; open problems as (problem, listing, reporter), oldest first)."""
    session = db.session()
    today = london_today()
    cutoff = today - vocab.REVIEW_EVERY
    overdue = session.exec(
        select(Listing).where(
            Listing.service_id == service_id,
            Listing.status != "closed",
            (Listing.last_reviewed_on.is_(None)) | (Listing.last_reviewed_on < cutoff),
        )
    ).all()
    # Never checked first, then the longest since a check.
    overdue = sorted(
        overdue, key=lambda listing: (listing.last_reviewed_on is not None, listing.last_reviewed_on, listing.id)
    )
    problems = session.exec(
        select(ListingProblem, Listing, Person.display_name)
        .join(Listing, Listing.id == ListingProblem.listing_id)
        .join(Person, Person.id == ListingProblem.reported_by_id, isouter=True)
        .where(ListingProblem.service_id == service_id, ListingProblem.resolved_on.is_(None))
        .order_by(ListingProblem.reported_on, ListingProblem.id)
    ).all()
    return list(overdue), [(problem, listing, name or "") for problem, listing, name in problems]


@bp.get("/directory/flags")
@requires("directory.flags")
def flags():
    """Listings nobody has checked for a year, and problems staff reported, for a manager."""
    actor = current_actor()
    overdue, problems = _flagged(actor.service_id)
    in_use = select(func.count()).where(Listing.service_id == actor.service_id, Listing.status != "closed")
    total = db.session().exec(in_use).one()
    return render(
        "directory/flags.html",
        overdue=overdue,
        problems=problems,
        total=total,
        today=london_today(),
        vocab=vocab,
        review_every_months=round(vocab.REVIEW_EVERY.days / 30.4),
    )
