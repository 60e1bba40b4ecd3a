"""The client's reminder choices and the phones that may be sent pushes."""

import re

from flask import abort, current_app, flash, jsonify, redirect, request, url_for
from sqlmodel import select

from models import PushSubscription, ReminderChoice
from pwa import db
from pwa.clock import utcnow
from pwa.extensions import csrf
from pwa.identity import current_actor
from pwa.policy import my_client_record, public, requires
from pwa.reminders import devices
from pwa.reminders.blueprints import reminders as bp
from pwa.reminders.choice_forms import ReminderChoicesForm, apply_choices
from pwa.reminders.vapid import application_server_key
from pwa.rendering import render


def _problem(message: str, status: int = 400):
    return jsonify({"ok": False, "error": message}), status


def _subscription_from(data) -> devices.SubscriptionInfo:
    """Check a posted subscription against this app's settings (SubscriptionProblem if wrong)."""
    # Tests and local runs play the push service on this machine over plain http.
    allow_local = bool(current_app.debug or current_app.testing)
    extra = tuple(re.split(r"[\s,]+", current_app.config.get("PUSH_SERVICE_HOSTS", "").strip()))
    return devices.parse_subscription(data, allow_local=allow_local, extra_domains=tuple(d for d in extra if d))


@bp.route("/reminders", methods=["GET", "POST"])
@requires("reminders.own")
def choices():
    """What to be reminded of and when, quiet hours, the one switch, and this phone's button."""
    record = my_client_record()
    session = db.session()
    choice = session.exec(select(ReminderChoice).where(ReminderChoice.client_id == record.id)).first()
    # No row yet: show the defaults, and make the row on the first save.
    shown = choice or ReminderChoice(service_id=record.service_id, client_id=record.id)
    form = ReminderChoicesForm(obj=shown)
    if form.validate_on_submit():
        apply_choices(form, shown)
        shown.updated_at = utcnow()
        session.add(shown)
        session.commit()
        flash(
            "Saved. Your reminder choices are changed."
            if shown.enabled
            else "Saved. Reminders are off: nothing will be sent to your phones.",
            "success",
        )
        return redirect(url_for("reminders.choices"))
    person_id = current_actor().person.id
    page = render(
        "reminders/choices.html",
        form=form,
        choice=shown,
        devices=devices.devices_of(session, person_id),
        endpoint_hash=devices.endpoint_hash,
        public_key=application_server_key(),
    )
    return page, 422 if form.errors else 200


@bp.post("/reminders/devices")
@requires("reminders.own")
def add_device():
    """JSON: store (or refresh) this phone's push subscription after "Turn on reminders"."""
    try:
        info = _subscription_from(request.get_json(silent=True))
    except devices.SubscriptionProblem as problem:
        return _problem(str(problem))
    label = devices.device_label(request.user_agent.string)
    device = devices.save_subscription(db.session(), current_actor().person.id, info, label, utcnow())
    return jsonify({"ok": True, "device_id": device.id})


@bp.post("/reminders/devices/forget")
@requires("reminders.own")
def forget_device():
    """JSON: "Turn off on this phone": remove the subscription with this endpoint."""
    data = request.get_json(silent=True)
    try:
        removed = devices.forget_subscription(
            db.session(), current_actor().person.id, data.get("endpoint") if isinstance(data, dict) else None
        )
    except devices.SubscriptionProblem as problem:
        return _problem(str(problem))
    return jsonify({"ok": True, "removed": removed})


@bp.post("/reminders/devices/<int:device_id>/remove")
@requires("reminders.own")
def remove_device(device_id: int):
    """Form: remove one of the client's phones from the list (works without JavaScript)."""
    session = db.session()
    device = session.get(PushSubscription, device_id)
    if device is None or device.person_id != current_actor().person.id:
        abort(404)
    label = device.device_label or "phone"
    session.delete(device)
    session.commit()
    flash(f"Removed. Reminders will not be sent to that {label} any more.", "success")
    return redirect(url_for("reminders.choices"))


@bp.post("/push/renew")
@csrf.exempt
@public
def renew():
    """JSON from the service worker's pushsubscriptionchange: swap an old subscription for a new one.

    No login or CSRF token (a service worker has neither); the old endpoint and its auth secret,
    which only that device knows, prove it is the same phone.
    """
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return _problem("Send old_endpoint, old_auth and subscription as JSON.")
    try:
        info = _subscription_from(data.get("subscription"))
    except devices.SubscriptionProblem as problem:
        return _problem(str(problem))
    device = devices.renew_subscription(db.session(), data.get("old_endpoint"), data.get("old_auth"), info, utcnow())
    if device is None:
        return _problem("No such subscription.", 404)
    return jsonify({"ok": True})
