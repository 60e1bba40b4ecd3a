"""Searching the directory and reading one listing, logged in or on the public directory."""

from urllib.parse import urlencode

from flask import Blueprint, abort, make_response, request, url_for

from models import Listing, Service
from pwa import db
from pwa.clock import utcnow
from pwa.directory import schedule, vocab
from pwa.directory.listing_store import times_of
from pwa.directory.search import check_search, find_listings
from pwa.identity import current_actor
from pwa.policy import listing_in_service, public, public_directory_service, requires
from pwa.rendering import render, wants_fragment
from pwa.roles import STAFF_ROLES

bp = Blueprint("directory", __name__)

# How many coming dates the listing page shows.
DATES_SHOWN = 4


@bp.get("/directory")
@requires("directory.search")
def search():
    """Search the actor's service's directory."""
    return _search_page(current_actor().service, public_page=False)


@bp.get("/directory/<int:listing_id>")
@requires("directory.search")
def listing(listing_id: int):
    """One listing of the actor's service, with staff notes for staff."""
    found = listing_in_service(listing_id)
    return _listing_page(found, current_actor().service, public_page=False)


@bp.get("/services/<slug>/directory")
@public
def public_search(slug: str):
    """Anyone may search a service's directory once the service has turned that on."""
    return _search_page(public_directory_service(slug), public_page=True)


@bp.get("/services/<slug>/directory/<int:listing_id>")
@public
def public_listing(slug: str, listing_id: int):
    """One listing on the public directory: never a closed one, never staff notes."""
    service = public_directory_service(slug)
    found = db.session().get(Listing, listing_id)
    if found is None or found.service_id != service.id or found.status == "closed":
        abort(404)
    return _listing_page(found, service, public_page=True)


def _search_page(service: Service, public_page: bool):
    search_request = check_search(request.args)
    result = find_listings(db.session(), service.id, search_request, utcnow())
    if public_page:
        action = url_for("directory.public_search", slug=service.slug)
        listing_path = _path_for("directory.public_listing", slug=service.slug)
    else:
        action = url_for("directory.search")
        listing_path = _path_for("directory.listing")
    values = search_request.form_values()
    # Nearest first unless "soonest" was asked for: the form always sends the order, so showing
    # the order used without a place ("soonest") would keep a postcode typed next from sorting
    # by distance. The field's hint says nearest first needs a place.
    values["sort"] = search_request.sort or "distance"
    kept = [(name, value) for name, value in request.args.items(multi=True) if name not in ("lat", "long")]
    context = {
        "service": service,
        "public": public_page,
        "action": action,
        "listing_path": listing_path,
        "result": result,
        "values": values,
        "forget_position": f"{action}?{urlencode(kept)}" if kept else action,
        "time_choices": {code: details[0] for code, details in vocab.TIMES_OF_DAY.items()},
        "errors": search_request.errors,
        "more_open": search_request.has_more_choices,
        "now": utcnow(),
        "vocab": vocab,
        "fragment": wants_fragment(),
    }
    if wants_fragment() and (result.errors or request.headers.get("HX-Target") == "directory-page"):
        # The message belongs next to the field, which is outside the results: swap the whole
        # search (form and results) so it shows there, and once more on the next search so it
        # goes away (the form then targets the whole search; htmx keeps the focus by id).
        response = make_response(render("directory/search.html", block="page", **context))
        response.headers["HX-Retarget"] = "#directory-page"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    # A bad postcode is an answer to a search, not a failed form: 200 with the message.
    return render("directory/search.html", block="results", **context)


def _listing_page(listing: Listing, service: Service, public_page: bool):
    times = times_of(db.session(), [listing.id])[listing.id]
    actor = current_actor()
    now = utcnow()
    return render(
        "directory/listing.html",
        listing=listing,
        times=times,
        public=public_page,
        service=service,
        show_staff_notes=not public_page and actor is not None and actor.role in STAFF_ROLES,
        coming=[schedule.session_label(start, end, now) for start, end in schedule.upcoming(times, now, DATES_SHOWN)]
        if listing.status == "active"
        else [],
        back=url_for("directory.public_search", slug=service.slug) if public_page else url_for("directory.search"),
        now=now,
        vocab=vocab,
    )


def _path_for(endpoint: str, **values) -> str:
    """The endpoint's path with %d where the listing id goes: one url_for for a whole list."""
    marker = 918273645
    return url_for(endpoint, listing_id=marker, **values).replace(str(marker), "%d")


@bp.app_template_global()
def describe_times(times) -> str:
    """A listing's times in words: "Tuesdays, 10am to 11am; Saturday 6 December, 2pm to 4pm"."""
    return schedule.describe_times(times)


@bp.app_template_global()
def describe_time(slot) -> str:
    """One time in words: "Every other Tuesday, 10am to 11am"."""
    return schedule.describe_time(slot)


@bp.app_template_global()
def next_start(times):
    """When a listing next runs (a London datetime), or None; a session on now counts."""
    return schedule.next_occurrence(times, utcnow())


@bp.app_template_filter("session_start")
def session_start(start, now=None) -> str:
    """A start as "Tue 25 Nov, 10am" ("On now" if it began before `now`)."""
    return schedule.start_label(start, now)
