"""Stories: the qualitative evidence commissioners ask for, shared only with consent.

A story is attached to an event (anyone on the staff who may see the event) or to a client
(part of their record: never a champion). The managers' list shows only the anonymised text,
and only of stories the person agreed to share.
"""

from flask import Blueprint, abort, flash, redirect, request, url_for
from sqlmodel import select

from models import Client, Event, Person, Story
from pwa import db
from pwa.caseload.session_rules import small_id
from pwa.clock import london_today, to_london
from pwa.community import story_rules as rules
from pwa.community import vocab
from pwa.identity import current_actor
from pwa.policy import (
    audit,
    client_for_staff,
    event_for_staff,
    may_see_client,
    may_see_event,
    may_see_story,
    requires,
    story_for_staff,
    visible_events,
)
from pwa.rendering import render
from pwa.roles import Role

bp = Blueprint("stories", __name__)

EVENTS_OFFERED = 50


# --- Template globals for the event page and the client record ------------------------------


@bp.app_template_global()
def stories_for_event(event: Event) -> list[Story]:
    """Stories attached to the event that the actor may see, newest first."""
    return _visible(select(Story).where(Story.event_id == event.id))


@bp.app_template_global()
def stories_for_client(client: Client) -> list[Story]:
    """Stories about the client that the actor may see, newest first."""
    return _visible(select(Story).where(Story.client_id == client.id))


@bp.app_template_global()
def story_kind_label(code: str) -> str:
    """Whose story it is, in words."""
    return vocab.STORY_KINDS.get(code, code)


def _visible(query) -> list[Story]:
    actor = current_actor()
    stories = db.session().exec(query.order_by(Story.created_at.desc(), Story.id.desc())).all()
    return [story for story in stories if may_see_story(actor, story)]


# --- Writing a story -------------------------------------------------------------------------


def _target() -> tuple[Event | None, Client | None]:
    """The event or client the story is for, from the address (or the form's event choice)."""
    event_id = small_id(request.values.get("event_id")) if request.values.get("event_id") else None
    client_id = small_id(request.args.get("client_id")) if request.args.get("client_id") else None
    if (request.values.get("event_id") and event_id is None) or (request.args.get("client_id") and client_id is None):
        abort(404)
    if client_id is not None:
        if current_actor().role == Role.CHAMPION:
            abort(403)  # champions never see client records
        return None, client_for_staff(client_id, audit_as=None)
    if event_id is not None:
        return event_for_staff(event_id), None
    return None, None


def _event_choices() -> list[tuple[int, str]]:
    """Recent events the actor may see, for a story not started from an event page."""
    events = db.session().exec(
        visible_events(current_actor()).order_by(Event.starts_at.desc(), Event.id.desc()).limit(EVENTS_OFFERED)
    )
    return [(event.id, f"{event.title} ({to_london(event.starts_at):%-d %b %Y})") for event in events.all()]


@bp.route("/stories/new", methods=["GET", "POST"])
@requires("stories.write")
def new():
    """Write a story from an event or a client's record: what happened, what changed, consent."""
    event, client = _target()
    if request.method == "GET":
        values = {"kind": "client" if client else "", "consent_to_share": ""}
        return _story_page(event, client, values, {}, {})
    checked = rules.check_story(request.form, today=london_today(), client_name=client.full_name if client else None)
    if event is None and client is None:
        checked.errors = {"event_id": "Choose the event this story is from.", **checked.errors}
    if not checked.ok:
        return _story_page(event, client, request.form.to_dict(), checked.errors, checked.warnings)
    actor = current_actor()
    story = Story(
        service_id=actor.service_id,
        event_id=event.id if event else None,
        client_id=client.id if client else None,
        written_by_id=actor.person.id,
        **checked.values,
    )
    session = db.session()
    session.add(story)
    if client is not None:
        session.flush()
        audit("add_story", client=client, detail=f"story {story.id}", commit=False)
    session.commit()
    flash("Story saved.", "success")
    return redirect(url_for("stories.show", story_id=story.id))


def _story_page(event, client, values, errors, warnings):
    return render(
        "community/story_form.html",
        event=event,
        client=client,
        events=_event_choices() if event is None and client is None else [],
        values=values,
        errors=errors,
        warnings=warnings,
        messages={**warnings, **errors},  # a warning shows by its field like an error, unless there is one
        vocab=vocab,
    ), 422 if errors or warnings else 200


# --- Reading stories -------------------------------------------------------------------------


@bp.get("/stories/<int:story_id>")
@requires("stories.write")
def show(story_id: int):
    """One story in full, for the staff who may see it."""
    story = story_for_staff(story_id)
    actor = current_actor()
    session = db.session()
    client = session.get(Client, story.client_id) if story.client_id else None
    if client is not None:
        if not may_see_client(actor, client):  # the writer may have lost the client since
            client = None
        else:
            audit("view_story", client=client, detail=f"story {story.id}")
    event = session.get(Event, story.event_id) if story.event_id else None
    if event is not None and not may_see_event(actor, event):
        event = None
    writer = session.get(Person, story.written_by_id) if story.written_by_id else None
    return render("community/story.html", story=story, client=client, event=event, writer=writer, vocab=vocab)


@bp.get("/stories")
@requires("stories.list")
def index():
    """All the service's stories, the ones agreed to share first, showing only anonymised text.
    ?format=text gives the shareable ones as plain text to copy or print."""
    actor = current_actor()
    stories = list(
        db.session()
        .exec(
            select(Story)
            .where(Story.service_id == actor.service_id)
            .order_by(Story.consent_to_share.desc(), Story.created_at.desc(), Story.id.desc())
        )
        .all()
    )
    if request.args.get("format") == "text":
        body = render_text([story for story in stories if story.consent_to_share])
        return body, 200, {"Content-Type": "text/plain; charset=utf-8"}
    return render("community/stories.html", stories=stories, vocab=vocab)


def render_text(stories: list[Story]) -> str:
    """Shareable stories as plain text: title, whose story, and the anonymised text only."""
    if not stories:
        return "No stories agreed to share yet.\n"
    parts = [
        f"{story.title}\n{vocab.STORY_KINDS.get(story.kind, story.kind)}\n\n{story.anonymised_text}\n"
        for story in stories
    ]
    return "\n----------\n\n".join(parts)
