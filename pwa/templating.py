"""What every template can use: the actor, navigation, dates in London, versioned assets."""

import hashlib
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask, current_app, url_for

from pwa import db
from pwa.clock import london_today, to_london
from pwa.identity import current_actor
from pwa.policy import can, own_client_record
from pwa.roles import ROLE_LABELS, Role

_asset_hashes: dict[tuple[str, float], str] = {}


def asset_version(filename: str) -> str:
    """A short hash of a static file, so a changed file gets a new URL and caches refresh."""
    path = Path(current_app.static_folder) / filename
    key = (filename, path.stat().st_mtime)
    if key not in _asset_hashes:
        _asset_hashes[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
    return _asset_hashes[key]


def static_url(filename: str) -> str:
    """URL of a static file with its content version."""
    return url_for("static", filename=filename, v=asset_version(filename))


def london_datetime(moment: datetime | None, style: str = "%-d %B %Y at %-H:%M") -> str:
    """A stored UTC time as London wall-clock time, in words."""
    return to_london(moment).strftime(style) if moment else ""


# Home page and label for each role, used after login and in the navigation.
ROLE_HOMES = {
    Role.CLIENT: ("diary.today", "Today"),
    Role.CHAMPION: ("home.activities", "My activities"),
    Role.TRAINEE: ("caseload.worklist", "My caseload"),
    Role.TRAINER: ("caseload.worklist", "My caseload"),
    Role.MANAGER: ("home.overview", "Service overview"),
    Role.ADMIN: ("admin.people", "People"),
}


def messages_label() -> str:
    """The menu label "Messages", with how many are new."""
    from pwa.reminders.inbox import unread_count

    client = own_client_record(current_actor())
    unread = unread_count(db.session(), client.id) if client else 0
    return f"Messages ({unread} new)" if unread else "Messages"


def navigation() -> list[tuple[str, str]]:
    """(endpoint, label) links for the actor's active role."""
    actor = current_actor()
    if actor is None or actor.role is None:
        return []
    links = [ROLE_HOMES[actor.role]]
    if actor.role == Role.CLIENT:
        links += [("diary.week", "My week"), ("plans.my_goals", "My goals"), ("messages.inbox", messages_label())]
    if actor.role == Role.MANAGER and can(actor, "caseload.worklist"):
        links.append(("caseload.worklist", "Caseloads"))
    if can(actor, "reports.view"):
        links.append(("reports.dashboard", "Reports"))
    elif can(actor, "reports.community"):
        links.append(("reports.community", "Figures"))
    if can(actor, "events.log"):
        links.append(("events.index", "Events"))
    if can(actor, "volunteer.manage"):
        links.append(("volunteers.index", "Volunteers"))
    if can(actor, "directory.search"):
        links.append(("directory.search", "Near me" if actor.role == Role.CLIENT else "Directory"))
    if actor.role == Role.CHAMPION:
        links.append(("directory_loop.my_signposts", "My signposts"))
    if can(actor, "volunteer.own"):
        links.append(("volunteers.mine", "Volunteering"))
    if can(actor, "admin.services"):
        links.append(("admin.services", "Services"))
    links.append(("account.show", "My account"))
    return links


def init_app(app: Flask) -> None:
    app.jinja_env.filters["london"] = london_datetime
    # A vocabulary dict as the (value, label, picture) options of the choices macro.
    app.jinja_env.filters["as_choices"] = lambda mapping: [(code, label, None) for code, label in mapping.items()]
    app.jinja_env.globals.update(
        static_url=static_url,
        navigation=navigation,
        role_label=lambda role: ROLE_LABELS[Role(role)],
        london_today=london_today,
        timedelta=timedelta,
    )

    from pwa.diary.options import form_options

    app.jinja_env.globals.update(form_options())

    @app.context_processor
    def inject_actor():
        return {"actor": current_actor(), "can": lambda permission: can(current_actor(), permission)}
