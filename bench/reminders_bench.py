#!/usr/bin/env python
"""Reminders benchmark (issue 9): how long one `send-due` run takes at 7 pm for a whole service.

    .venv/bin/python bench/reminders_bench.py [--clients 2000] [--database-url URL]

What it does:

1. Makes a fresh, migrated database as the other benches do (a SQLite file in a temporary folder,
   or a throwaway bench_<random> database on the PostgreSQL server given with --database-url).
2. Builds one service with --clients clients (2,000), each with a login, one phone and the
   default reminder choices (diary at 7 pm, session reminders, quiet hours 21:00 to 08:00). One
   in four has already written in their diary today, so their reminder is skipped; one in five
   has a session tomorrow, so they also get the "session tomorrow" reminder (due at 6 pm, still
   inside the catch-up window at 7 pm).
3. Starts a stand-in push service on 127.0.0.1 (a threaded HTTP server answering 201, as a real
   one does) and runs, with the service's real VAPID keys and pywebpush's real encryption:
   the planning step, then the sending step, both as `flask send-due` runs them; then the whole
   run again at the same minute, which must plan and send nothing (never twice).
4. Checks the push service received exactly one push per due reminder, prints a Markdown table
   and writes it to bench/RESULTS.md under "## Reminders (issue 9)".

Exit status: 0 when the whole first run (planning and sending) takes under --target-s (60 s: a
run started every minute must be done before the next), 1 when it is over, 2 when the pushes
received are not exactly the ones due.
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from bench import harness  # noqa: E402
from models import (  # noqa: E402
    Client,
    DiaryEntry,
    Episode,
    Notification,
    Person,
    PushSubscription,
    ReminderChoice,
    Service,
    SupportSession,
)
from pwa.clock import LONDON  # noqa: E402
from pwa.reminders import vapid  # noqa: E402
from pwa.reminders.plan import plan_due  # noqa: E402
from pwa.reminders.send import send_due  # noqa: E402

SECTION_HEADING = "## Reminders (issue 9)"
SUBJECT = "mailto:bench@example.org"
# A winter Tuesday at 7 pm London: the diary reminders' minute.
SEVEN_PM = datetime(2026, 12, 8, 19, 0, tzinfo=LONDON).astimezone(UTC)


class PushCounter:
    """A stand-in push service: answers 201 to every POST and counts them per path."""

    def __init__(self) -> None:
        self.received: dict[str, int] = {}
        self.lock = threading.Lock()
        counter = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):  # noqa: N802 (the name http.server looks for)
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with counter.lock:
                    counter.received[self.path] = counter.received.get(self.path, 0) + 1
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.origin = f"http://127.0.0.1:{self.server.server_port}"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def phone_keys() -> tuple[str, str]:
    """A real P-256 public key and auth secret (base64url), shared by every bench phone: the
    encryption work per push is the same as with a key each."""
    private = ec.generate_private_key(ec.SECP256R1())
    point = private.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return vapid.b64url(point), vapid.b64url(b"bench-auth-16byt")


def build(session: Session, clients: int, push_origin: str) -> tuple[int, int]:
    """The service and its clients; returns (diary reminders due, session reminders due)."""
    service = Service(slug="bench", name="Bench Health Trainers", area="Bench Town")
    session.add(service)
    session.flush()
    p256dh, auth = phone_keys()
    people = [Person(username=f"client-{n}", display_name=f"Client {n}", session_token=f"t{n}") for n in range(clients)]
    session.add_all(people)
    session.flush()
    records = [Client(service_id=service.id, person_id=person.id, full_name=person.display_name) for person in people]
    session.add_all(records)
    session.flush()
    session.add_all(ReminderChoice(service_id=service.id, client_id=client.id) for client in records)
    session.add_all(
        PushSubscription(
            person_id=person.id,
            endpoint=f"{push_origin}/push/{person.id}",
            p256dh=p256dh,
            auth=auth,
            device_label="Bench",
        )
        for person in people
    )
    logged = [client for n, client in enumerate(records) if n % 4 == 0]
    session.add_all(
        DiaryEntry(
            uuid=f"00000000-0000-4000-8000-{client.id:012d}",
            service_id=service.id,
            client_id=client.id,
            kind="mood",
            mood=4,
            occurred_at=SEVEN_PM - timedelta(hours=6),
            day=SEVEN_PM.astimezone(LONDON).date(),
            body_hash="bench",
        )
        for client in logged
    )
    with_session = [client for n, client in enumerate(records) if n % 5 == 0]
    today = SEVEN_PM.astimezone(LONDON).date()
    episodes = [Episode(service_id=service.id, client_id=client.id, started_on=today) for client in with_session]
    session.add_all(episodes)
    session.flush()
    session.add_all(
        SupportSession(
            service_id=service.id,
            client_id=episode.client_id,
            episode_id=episode.id,
            starts_at=SEVEN_PM + timedelta(hours=15),
        )
        for episode in episodes
    )
    session.commit()
    return clients - len(logged), len(with_session)


def timed(run):
    started = time.perf_counter()
    outcome = run()
    return outcome, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=2000, help="clients with a phone and reminders on (2000)")
    parser.add_argument("--target-s", type=float, default=60.0, help="target for the whole first run (60)")
    harness.add_database_argument(parser)
    parser.add_argument("--results", type=Path, default=harness.RESULTS_FILE, help="Markdown file to update")
    parser.add_argument("--no-results", action="store_true", help="do not write the results file")
    args = parser.parse_args(argv)

    push = PushCounter()
    try:
        with harness.bench_app(args.database_url, "reminders-bench-") as setup:
            keys = vapid.generate_keys(setup.app)
            with Session(setup.engine) as session:
                diary_due, sessions_due = build(session, args.clients, push.origin)
            db_kind = harness.loaded_database_kind(setup.engine)
            harness.print_ready(db_kind, f"{args.clients} clients with a phone each", setup.started)
            load_at_start = harness.load_average()
            with setup.app.app_context(), Session(setup.engine) as session:
                planned, plan_s = timed(lambda: (plan_due(session, SEVEN_PM), session.commit())[0])
                summary, send_s = timed(lambda: send_due(session, SEVEN_PM, keys, SUBJECT))
                pushes_first = push.total()
                again_planned, again_plan_s = timed(lambda: (plan_due(session, SEVEN_PM), session.commit())[0])
                again, again_send_s = timed(lambda: send_due(session, SEVEN_PM, keys, SUBJECT))
                skipped = session.exec(select(Notification).where(Notification.status == "skipped")).all()
    finally:
        push.close()

    expected = diary_due + sessions_due
    if pushes_first != expected or push.total() != expected or again_planned or again.sent:
        raise harness.BenchFailure(
            f"expected {expected} pushes once each; got {pushes_first} in the first run, "
            f"{push.total()} in all, {again_planned} planned again, {again.sent} sent again"
        )
    first_s = plan_s + send_s
    lines = harness.details(
        db_kind,
        load_at_start,
        f"{args.clients} clients, each with one phone and the default choices (diary at 7 pm); "
        f"{args.clients - diary_due} wrote in their diary today (skipped); {sessions_due} have a session tomorrow",
        "- Pushes go to a stand-in push service on 127.0.0.1 that answers 201; encryption (RFC 8291) and VAPID "
        "signing are pywebpush's real ones, one push at a time as `send-due` sends them.",
    )
    lines = [line for line in lines if line != harness.TIMING_NOTE]
    table = "\n".join(
        [
            "| Step at 7 pm | Seconds | Notifications | Pushes | ms per push | Target |",
            "|---|---:|---:|---:|---:|---|",
            f"| Plan what is due | {plan_s:.2f} | {planned} planned | | | |",
            f"| Send | {send_s:.2f} | {summary.sent} sent, {len(skipped)} skipped | {summary.pushes} | "
            f"{send_s * 1000 / max(summary.pushes, 1):.1f} | |",
            f"| Whole first run | {first_s:.2f} | | {pushes_first} | | "
            f"{'ok' if first_s <= args.target_s else '**over**'} (under {args.target_s:g} s) |",
            f"| The same minute again | {again_plan_s + again_send_s:.2f} | {again_planned} planned, "
            f"{again.sent} sent | 0 | | never twice |",
        ]
    )
    harness.print_report(lines, table)
    if not args.no_results:
        harness.write_results(args.results, SECTION_HEADING, "reminders_bench.py", db_kind, lines, table)
    return 0 if first_s <= args.target_s else 1


if __name__ == "__main__":
    harness.run(main)
