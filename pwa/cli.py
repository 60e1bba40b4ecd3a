"""Command-line tasks: flask --app pwa <command>."""

import getpass
import sys
from pathlib import Path

import click
from alembic import command
from alembic.config import Config
from flask import Flask, current_app
from flask.cli import with_appcontext
from sqlmodel import select

from models import Person, RoleGrant, Service
from pwa import accounts, db
from pwa.roles import Role

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def alembic_config(database_url: str) -> Config:
    """Alembic settings for this project, pointed at the given database."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    return config


def upgrade_database(database_url: str) -> None:
    command.upgrade(alembic_config(database_url), "head")


@click.command("upgrade-db")
@with_appcontext
def upgrade_db_command():
    """Create or upgrade the database tables to the latest version."""
    upgrade_database(current_app.config["DATABASE_URL"])
    click.echo("The database is up to date.")


@click.command("create-service")
@with_appcontext
@click.option("--slug", required=True, help="Short name for addresses and commands, like north-town.")
@click.option("--name", required=True, help="The service's full name.")
@click.option("--area", default="", help="The area it covers.")
@click.option(
    "--target", "yearly_target", type=click.IntRange(0, 100000), default=0, help="Clients to register each year."
)
def create_service_command(slug: str, name: str, area: str, yearly_target: int):
    """Add a Health Trainer service."""
    from pwa.admin.forms import SLUG_RULE

    if not SLUG_RULE.regex.match(slug):
        raise click.BadParameter(SLUG_RULE.message, param_hint="--slug")
    session = db.session()
    if session.exec(select(Service).where(Service.slug == slug)).first():
        raise click.ClickException(f"A service called {slug!r} already exists.")
    session.add(Service(slug=slug, name=name.strip(), area=area.strip(), yearly_client_target=yearly_target))
    session.commit()
    click.echo(f"Created service {slug}.")


@click.command("create-admin")
@with_appcontext
@click.option("--username", required=True)
@click.option("--name", "display_name", required=True, help="The person's name.")
@click.option("--email", default=None)
@click.option("--service", "service_slug", default=None, help="Make them admin of one service only.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of asking.")
def create_admin_command(
    username: str, display_name: str, email: str | None, service_slug: str | None, password_stdin: bool
):
    """Add an admin account (for every service, or one with --service)."""
    from pwa.admin.forms import USERNAME_RULE

    username = username.strip().lower()
    if not USERNAME_RULE.regex.match(username):
        raise click.BadParameter(USERNAME_RULE.message, param_hint="--username")
    session = db.session()
    service = None
    if service_slug:
        service = session.exec(select(Service).where(Service.slug == service_slug)).first()
        if service is None:
            raise click.ClickException(f"There is no service called {service_slug!r}.")
    if accounts.find_person_by_login(session, username) or (email and accounts.find_person_by_login(session, email)):
        raise click.ClickException("Someone already has this username or email.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Type it again: ") != password:
            raise click.ClickException("The two passwords are not the same.")
    problems = accounts.password_problems(password, username=username, email=email)
    if problems:
        raise click.ClickException(" ".join(problems))
    person = Person(
        username=username, email=email.lower() if email else None, display_name=display_name, session_token=""
    )
    accounts.set_password(person, password)
    session.add(person)
    session.flush()
    session.add(RoleGrant(person_id=person.id, service_id=service.id if service else None, role=Role.ADMIN.value))
    session.commit()
    click.echo(f"Created admin {username}.")


@click.command("demo")
@with_appcontext
def demo_command():
    """Load the fictional demo service with one login per role (safe to run twice)."""
    from pwa.demo import load_demo

    created = load_demo(db.session())
    click.echo("Loaded the demo service." if created else "The demo service is already loaded.")


@click.command("load-postcodes")
@with_appcontext
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load_postcodes_command(file: Path):
    """Load a postcode lookup CSV: postcode,ward_code,ward_name,lsoa_code,imd_decile,latitude,longitude."""
    from pwa.caseload.postcodes import load_lookup

    # utf-8-sig: files saved from Excel start with a byte order mark.
    try:
        with file.open(encoding="utf-8-sig", newline="") as lines:
            result = load_lookup(db.session(), lines)
    except UnicodeDecodeError:
        click.echo(
            f"{file}: this is not UTF-8 text. Save it as 'CSV UTF-8' and try again. Nothing was loaded.", err=True
        )
        sys.exit(1)
    if not result.ok:
        for line, message in result.errors:
            click.echo(f"{file}:{line}: {message}", err=True)
        if result.error_count > len(result.errors):
            click.echo(f"... and {result.error_count - len(result.errors)} more problems.", err=True)
        click.echo(f"Nothing was loaded. Fix the {result.error_count} problem(s) and run it again.", err=True)
        sys.exit(1)
    click.echo(f"Loaded {result.added + result.updated} postcodes: {result.added} new, {result.updated} updated.")
    click.echo(f"Clients placed in a new ward or quintile: {result.clients_refreshed}.")


@click.command("import-directory")
@with_appcontext
@click.argument("source")
@click.option("--service", "service_slug", required=True, help="The service whose directory gets the listings.")
@click.option(
    "--format",
    "feed_format",
    type=click.Choice(["openactive", "openreferral"]),
    required=True,
    help="openactive: RPDE pages of SessionSeries and ScheduledSession. openreferral: Open Referral UK services.",
)
@click.option("--partial", is_flag=True, help="Import the good items even if some are broken.")
@click.option("--dry-run", is_flag=True, help="Check the feed and say what would change, but save nothing.")
@click.option("--max-pages", type=click.IntRange(1, 100000), default=200, help="Stop a feed longer than this.")
def import_directory_command(
    source: str, service_slug: str, feed_format: str, partial: bool, dry_run: bool, max_pages: int
):
    """Import directory listings from SOURCE, a file or an http(s) URL of open data."""
    from pwa.directory.importer.run import FeedError, import_directory

    session = db.session()
    service = session.exec(select(Service).where(Service.slug == service_slug)).first()
    if service is None:
        raise click.ClickException(f"There is no service called {service_slug!r}.")
    try:
        outcome = import_directory(
            session, service, source, feed_format, partial=partial, dry_run=dry_run, max_pages=max_pages
        )
    except FeedError as error:
        raise click.ClickException(f"{error} Nothing was imported.") from None
    for broken in outcome.broken:
        click.echo(f"Broken: {broken.line()}", err=True)
    refused = bool(outcome.broken) and not partial
    if dry_run:
        lead = "With --partial it would do this: " if refused else "It would do this: "
        click.echo(f"Dry run: nothing was saved. {lead}{outcome.summary()}")
    elif refused:
        click.echo(
            f"Nothing was imported. Fix the {len(outcome.broken)} broken item(s), "
            "or run again with --partial to import the rest.",
            err=True,
        )
    else:
        click.echo(f"Imported from {outcome.pages} page(s). {outcome.summary()}")
    if refused:
        sys.exit(1)


def init_app(app: Flask) -> None:
    from pwa.records_import.run import import_records_command
    from pwa.reminders.commands import send_due_command, vapid_keys_command
    from pwa.reports.report_cli import report_command

    commands = (upgrade_db_command, create_service_command, create_admin_command, demo_command, load_postcodes_command)
    reminders = (vapid_keys_command, send_due_command)
    for cmd in (*commands, import_directory_command, report_command, import_records_command, *reminders):
        app.cli.add_command(cmd)
