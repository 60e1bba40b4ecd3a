"""Messages from a trainer to a client: the client's list, and the trainer's "send a message"."""

from flask import abort

from pwa.policy import requires
from pwa.reminders.blueprints import messages as bp


@bp.get("/messages")
@requires("messages.own")
def inbox():
    """The client's messages, newest first; opening the list marks them read."""
    abort(501)


@bp.route("/clients/<int:client_id>/messages", methods=["GET", "POST"])
@requires("messages.send")
def for_client(client_id: int):
    """A trainer's messages to one client of their caseload, and the form to send another."""
    abort(501)
