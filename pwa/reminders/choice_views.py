"""The client's reminder choices and the phones that may be sent pushes."""

from flask import abort

from pwa.policy import public, requires
from pwa.reminders.blueprints import reminders as bp


@bp.route("/reminders", methods=["GET", "POST"])
@requires("reminders.own")
def choices():
    """What to be reminded of and when, quiet hours, the one switch, and this phone's button."""
    abort(501)


@bp.post("/reminders/devices")
@requires("reminders.own")
def add_device():
    """JSON: store (or refresh) this phone's push subscription after "Turn on reminders"."""
    abort(501)


@bp.post("/reminders/devices/forget")
@requires("reminders.own")
def forget_device():
    """JSON: "Turn off on this phone": remove the subscription with this endpoint."""
    abort(501)


@bp.post("/reminders/devices/<int:device_id>/remove")
@requires("reminders.own")
def remove_device(device_id: int):
    """Form: remove one of the client's phones from the list (works without JavaScript)."""
    abort(501)


@bp.post("/push/renew")
@public
def renew():
    """JSON from the service worker's pushsubscriptionchange: swap an old subscription for a new one.

    No login or CSRF token (a service worker has neither); the old endpoint and its auth secret,
    which only that device knows, prove it is the same phone.
    """
    abort(501)
