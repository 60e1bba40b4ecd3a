"""Messages from a trainer to a client: the client's list, and the trainer's "send a message"."""

from flask import flash, redirect, request, url_for

from models import Client
from pwa import db
from pwa.clock import utcnow
from pwa.identity import current_actor
from pwa.policy import audit, client_for_staff, my_client_record, requires
from pwa.reminders import inbox as store
from pwa.reminders import plan
from pwa.reminders.blueprints import messages as bp
from pwa.reminders.message_forms import QUICK_MESSAGES, MessageForm
from pwa.rendering import render


@bp.get("/messages")
@requires("messages.own")
def inbox():
    """The client's messages, newest first; opening the list marks them read."""
    client = my_client_record()
    session = db.session()
    shown = store.messages_for(session, client)
    # What was new is kept in `shown`; marking read first makes the menu's count right on this page.
    if store.mark_read(session, client, shown):
        session.commit()
    return render("reminders/inbox.html", messages=shown)


def why_no_form(client: Client) -> str | None:
    """Why a message cannot be sent to this client yet, or None when it can."""
    if client.person_id is None:
        return "no_login"
    if not client.contact_by_app:
        return "no_consent"
    return None


@bp.route("/clients/<int:client_id>/messages", methods=["GET", "POST"])
@requires("messages.send")
def for_client(client_id: int):
    """A trainer's messages to one client of their caseload, and the form to send another."""
    sending = request.method == "POST"
    client = client_for_staff(client_id, audit_as=None if sending else "view_client_messages")
    session = db.session()
    blocked = why_no_form(client)
    form = MessageForm()
    if sending and not blocked and form.validate_on_submit():
        now = utcnow()
        message = store.add_message(session, client, current_actor().person.id, form.text(), now)
        if message is not None:
            plan.queue_message_alert(session, message, now)
            audit("send_message", client=client, detail=f"message {message.id}")  # commits all of it
        flash("Message sent.", "success")
        return redirect(url_for("messages.for_client", client_id=client.id))
    status = 422 if sending else 200
    if sending and blocked:
        status = 409
    page = render(
        "reminders/for_client.html",
        client=client,
        form=form,
        blocked=blocked,
        quick_messages=QUICK_MESSAGES,
        notified=store.will_be_notified(session, client),
        messages=store.messages_for(session, client),
    )
    return page, status
