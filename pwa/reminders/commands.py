"""`flask --app pwa vapid-keys` (make the key pair once) and `flask --app pwa send-due` (run every
minute by cron or a systemd timer: plan what is due, send it, tidy up)."""

import logging
import sys
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from pwa import db
from pwa.clock import LONDON, utcnow
from pwa.reminders.plan import plan_due
from pwa.reminders.send import prune_finished, send_due
from pwa.reminders.vapid import generate_keys, load_keys, raw_private_key

logger = logging.getLogger(__name__)

DEBUG_SUBJECT = "mailto:admin@localhost"


def push_subject(app: Flask) -> str | None:
    """Who push services should contact about our pushes: VAPID_SUBJECT, a mailto: or https: URL.

    Only in debug mode (make run) does it fall back to mailto:admin@localhost; some push services
    (Apple's) refuse that, so a real server must set its own."""
    subject = (app.config.get("VAPID_SUBJECT") or "").strip()
    if not subject and app.debug:
        return DEBUG_SUBJECT
    if subject.startswith(("mailto:", "https://")):
        return subject
    return None


def parse_now(text: str) -> datetime:
    """--now as an aware UTC datetime; a time without a zone is London time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise click.BadParameter("Write it like 2026-11-22T19:00 (London time) or 2026-11-22T19:00Z.") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment.astimezone(UTC)


@click.command("vapid-keys")
@click.option("--new", "make_new", is_flag=True, help="Replace the keys. Every phone must turn reminders on again.")
@with_appcontext
def vapid_keys_command(make_new: bool):
    """Make the key pair that signs reminders to phones (once; safe to run again)."""
    keys = load_keys(current_app)
    if keys and not make_new:
        click.echo(f"Keys already made; public key: {keys.public_key}")
        return
    if keys:
        click.echo(
            "Warning: phones that turned reminders on with the old keys get nothing until they turn "
            "reminders on again.",
            err=True,
        )
    made = generate_keys(current_app)
    click.echo(f"Made new keys. The private key is kept in {made.source} (readable by you only).")
    click.echo(f"Public key: {made.public_key}")
    click.echo("To keep it in an environment file instead, add this line (keep it secret):")
    click.echo(f"VAPID_PRIVATE_KEY={raw_private_key(made.private)}")
    if keys and keys.source == "environment":
        click.echo(
            "VAPID_PRIVATE_KEY is set in the environment and wins over the file: change it to the line above.",
            err=True,
        )


@click.command("send-due")
@click.option(
    "--now",
    "now_text",
    default=None,
    metavar="ISO8601",
    help="Act as if it were this time, for trying things out (London time unless a zone is given).",
)
@with_appcontext
def send_due_command(now_text: str | None):
    """Plan the reminders that are due and send them to phones. Run it every minute."""
    keys = load_keys(current_app)
    if keys is None:
        raise click.ClickException(
            "There are no VAPID keys, so nothing can be sent. Make them: flask --app pwa vapid-keys"
        )
    subject = push_subject(current_app)
    if subject is None:
        raise click.ClickException(
            "Set VAPID_SUBJECT to an address push services can contact, like mailto:you@example.org"
        )
    now = parse_now(now_text) if now_text else utcnow()
    session = db.session()
    planning_broke = False
    try:
        planned = plan_due(session, now)
        session.commit()
    except Exception:
        # Still send what was planned before (and trainers' messages): planning is retried next run.
        logger.exception("Planning reminders failed")
        session.rollback()
        planned, planning_broke = 0, True
    summary = send_due(session, now, keys, subject)
    pruned = prune_finished(session, now)
    tidy = f" Old records removed: {pruned}." if pruned else ""
    click.echo(f"Planned {planned}. {summary.line()}{tidy}")
    if planning_broke:
        click.echo("Planning reminders failed (see the error above); sending still ran.", err=True)
        sys.exit(1)
