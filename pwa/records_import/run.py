"""The migration import: `flask --app pwa import-records DIR --service SLUG [--dry-run]`.

All or nothing, in one transaction. Files are read in order (clients.csv, then goals.csv,
measures.csv and signposts.csv), row by row, and each good batch is written as it comes, so a big
folder never sits in memory. After the first problem nothing more is written, but every row is
still checked so that every problem is listed; then the transaction is rolled back. A dry run
does the whole import and rolls it back, so the numbers it prints are exact.
"""

import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlmodel import Session, select

from models import Service
from pwa import db
from pwa.caseload.checked import Checked
from pwa.clock import london_today
from pwa.records_import import rules
from pwa.records_import.reader import FileSpec, Problem, open_table
from pwa.records_import.store import Store, imported_clients, listing_names, trainer_usernames

BATCH_SIZE = 500
# The files after clients.csv: the columns of a row's natural key, and where a repeat is reported.
CHILD_FILES = {
    "goals": (rules.GOALS, ("code", "start_date"), "goal",
              "This goal is already on line {line} (same client_ref, goal and set_on)."),
    "measures": (rules.MEASURES, ("instrument", "stage", "taken_on"), "instrument",
                 "This measure is already on line {line} (same client_ref, instrument, stage and taken_on)."),
    "signposts": (rules.SIGNPOSTS, ("destination", "listing_id", "kind", "made_on"), "destination",
                  "This signpost is already on line {line} (same client_ref, destination, kind and on)."),
}  # fmt: skip


@dataclass
class Outcome:
    """What an import did, or would do, or the problems that stopped it."""

    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    rows: Counter = field(default_factory=Counter)
    new: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        files = len(self.files)
        parts = [
            f"{self.rows[kind]} {kind if self.rows[kind] != 1 else kind[:-1]} "
            f"({self.new[kind]} new, {self.updated[kind]} updated)"
            for kind in ("clients", "goals", "measures", "signposts")
            if f"{kind}.csv" in self.files
        ]
        text = f"Checked {files} file{'s' if files != 1 else ''}: {', '.join(parts)}."
        return text + (" Nothing was written (dry run)." if self.dry_run else " All saved.")


class _Run:
    """One import: the checks that need earlier rows, and the batches waiting to be written."""

    def __init__(self, session: Session, service: Service, folder: Path, today: date, batch_size: int):
        self.session, self.folder, self.today, self.batch_size = session, folder, today, batch_size
        self.outcome = Outcome()
        self.trainers = trainer_usernames(session, service.id)
        self.listings = listing_names(session, service.id)
        self.store = Store(session, service.id, imported_clients(session, service.id))
        self.existing = dict(self.store.known)  # before this import: for "is this client known?"
        self.in_file: dict[str, tuple[int, date | None]] = {}  # client_ref -> (line, registered_on)
        self.clients_readable = False

    @property
    def problems(self) -> list[Problem]:
        return self.outcome.problems

    def _problem(self, spec: FileSpec, line: int, column: str | None, message: str) -> None:
        self.problems.append(Problem(spec.name, line, column, message))

    def _file(self, spec: FileSpec, kind: str, check_row: Callable, write: Callable) -> bool:
        """Check every row of one file, writing good batches while there is no problem yet.
        False when the file could not be read (missing, or a bad header)."""
        with open_table(self.folder, spec, self.problems) as table:
            if table is None:
                return False
            self.outcome.files.append(spec.name)
            batch: list[dict] = []
            for row in table.rows():
                self.outcome.rows[kind] += 1
                checked = check_row(row.line, row.cells)
                for column, message in checked.errors.items():
                    self._problem(spec, row.line, column, message)
                if self.problems:
                    batch = []  # nothing will be kept: only check from here on
                    continue
                batch.append(checked.values)
                if len(batch) >= self.batch_size:
                    write(batch)
                    batch = []
            if batch and not self.problems:
                write(batch)
            return table.readable

    def _check_client(self, line: int, cells: dict) -> Checked:
        checked = rules.check_client(cells, today=self.today, trainers=self.trainers)
        ref = checked.values["client_ref"]
        if ref in self.in_file:
            checked.errors.setdefault(
                "client_ref", f"{ref} is already on line {self.in_file[ref][0]}. Each client goes in once."
            )
        elif ref:
            self.in_file[ref] = (line, checked.values["registered_on"])
        return checked

    def clients(self) -> None:
        self.clients_readable = self._file(rules.CLIENTS, "clients", self._check_client, self.store.clients)

    def _check_child(self, kind: str, seen: dict[tuple, int], line: int, cells: dict) -> Checked:
        """A row of goals.csv, measures.csv or signposts.csv: its cells, its client, and no repeats."""
        ref = cells.get("client_ref", "")
        earlier = self.in_file.get(ref) or (None, getattr(self.existing.get(ref), "registered_on", None))
        if kind == "goals":
            checked = rules.check_goal(cells, today=self.today, registered_on=earlier[1])
        elif kind == "measures":
            checked = rules.check_measure(cells, today=self.today)
        else:
            checked = rules.check_signpost(cells, today=self.today, listings=self.listings)
        # When clients.csv could not be read, every row would be "unknown": say nothing then.
        if ref and ref not in self.in_file and ref not in self.existing and self.clients_readable:
            checked.errors.setdefault(
                "client_ref",
                f"No client has the reference {ref!r}: it is not in clients.csv and was not imported before. "
                "Check the number, or add the client to clients.csv.",
            )
        if not checked.errors:
            _, key_columns, key_column, duplicate = CHILD_FILES[kind]
            key = (ref, *(checked.values[name] for name in key_columns))
            if key in seen:
                checked.errors[key_column] = duplicate.format(line=seen[key])
            else:
                seen[key] = line
        return checked

    def children(self) -> None:
        """goals.csv, measures.csv and signposts.csv: each row belongs to a known client."""
        writers = {"goals": self.store.goals, "measures": self.store.measures, "signposts": self.store.signposts}
        for kind, (spec, *_) in CHILD_FILES.items():
            self._file(spec, kind, partial(self._check_child, kind, {}), writers[kind])


def import_records(
    session: Session,
    service: Service,
    folder: Path,
    *,
    dry_run: bool = False,
    today: date | None = None,
    batch_size: int = BATCH_SIZE,
) -> Outcome:
    """Import a folder of CSV files into the service: all of it, or (on any problem) nothing."""
    try:
        run = _Run(session, service, folder, today or london_today(), batch_size)
        run.clients()
        run.children()
        outcome = run.outcome
        outcome.dry_run = dry_run
        outcome.new, outcome.updated = run.store.new, run.store.updated
        if outcome.problems or dry_run:
            session.rollback()
        else:
            session.commit()
        return outcome
    except BaseException:
        session.rollback()
        raise


@click.command("import-records")
@with_appcontext
@click.argument("folder", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--service", "service_slug", required=True, help="The service the records belong to.")
@click.option("--dry-run", is_flag=True, help="Check everything and say what would change, but save nothing.")
def import_records_command(folder: Path, service_slug: str, dry_run: bool):
    """Import last year's records from DIR: clients.csv, and goals.csv, measures.csv, signposts.csv if there."""
    session = db.session()
    service = session.exec(select(Service).where(Service.slug == service_slug)).first()
    if service is None:
        raise click.ClickException(f"There is no service called {service_slug!r}. Nothing was written.")
    outcome = import_records(session, service, folder, dry_run=dry_run)
    if not outcome.ok:
        for problem in outcome.problems:
            click.echo(str(problem), err=True)
        count = len(outcome.problems)
        click.echo(
            f"Nothing was written. Fix the {count} problem{'s' if count != 1 else ''} and run it again.", err=True
        )
        sys.exit(1)
    click.echo(outcome.summary())
