"""The pre-session digest: one screen about the client's time since the last session, and a print view."""

from flask import Blueprint

from pwa import db
from pwa.caseload import vocab
from pwa.caseload.digest import load_digest
from pwa.clock import london_today, utcnow
from pwa.identity import current_actor
from pwa.plans.vocab import CHECK_IN_ANSWERS
from pwa.policy import client_for_staff, may_read_diary, requires
from pwa.rendering import render

bp = Blueprint("digest", __name__)


def _digest_page(client_id: int, template: str):
    client = client_for_staff(client_id, audit_as="view_digest")
    # Diary parts only while the client shares the diary; sessions, goals and signposts always.
    shared = may_read_diary(current_actor(), client)
    digest = load_digest(db.session(), client, today=london_today(), now=utcnow(), diary_shared=shared)
    return render(template, client=client, digest=digest, vocab=vocab, check_in_labels=CHECK_IN_ANSWERS)


@bp.get("/clients/<int:client_id>/digest")
@requires("digest.view")
def show(client_id: int):
    """Before a session: days logged, goals, diary highlights, mood, what to talk about, signposts."""
    return _digest_page(client_id, "caseload/digest.html")


@bp.get("/clients/<int:client_id>/digest/print")
@requires("digest.view")
def print_view(client_id: int):
    """The same digest on a plain page for printing."""
    return _digest_page(client_id, "caseload/digest_print.html")
