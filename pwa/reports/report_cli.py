"""`flask --app pwa report NAME --service SLUG ...`: one report as CSV or JSON on standard output,
exactly as /reports/NAME.csv gives it (DOMAIN.md section 9). With no dates it covers all time."""

from datetime import date

import click
from flask.cli import with_appcontext
from sqlmodel import select

from models import ComparatorSet, Person, Service
from pwa import db
from pwa.reports import export
from pwa.reports.comparators import ENGLAND, NONE, load_comparison
from pwa.reports.filters import ReportFilter, trainer_choices


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-04-01.", param_hint=option) from None


def _comparator_key(session, service: Service, name: str) -> str:
    """ "england", "none", or the id of the service's set with that name."""
    if name.lower() in (ENGLAND, NONE):
        return name.lower()
    found = session.exec(
        select(ComparatorSet.id).where(ComparatorSet.service_id == service.id, ComparatorSet.name == name)
    ).first()
    if found is None:
        own = session.exec(select(ComparatorSet.name).where(ComparatorSet.service_id == service.id)).all()
        choices = ", ".join([ENGLAND, NONE, *(repr(item) for item in own)])
        raise click.BadParameter(
            f"{service.slug} has no comparison called {name!r}. Use one of: {choices}.", param_hint="--comparator"
        )
    return str(found)


def _trainer_id(session, service: Service, username: str) -> int:
    person = session.exec(select(Person).where(Person.username == username.strip().lower())).first()
    if person is None or person.id not in {person_id for person_id, _ in trainer_choices(session, service.id)}:
        raise click.BadParameter(f"{username!r} is not a trainer or trainee of {service.slug}.", param_hint="--trainer")
    return person.id


@click.command("report")
@with_appcontext
@click.argument("name")
@click.option("--service", "service_slug", required=True, help="The service's short name, like north-town.")
@click.option("--from", "date_from", default=None, help="First day, YYYY-MM-DD (default: from the start).")
@click.option("--to", "date_to", default=None, help="Last day, YYYY-MM-DD (default: up to today).")
@click.option("--comparator", default=ENGLAND, show_default=True, help='"england", "none" or the name of a set.')
@click.option("--format", "output_format", type=click.Choice(export.FORMATS), default="csv", show_default=True)
@click.option("--trainer", default=None, help="Only this trainer's clients and activities (their username).")
@click.option("--suppress", is_flag=True, help="Show counts from 1 to 4 as <5.")
def report_command(name, service_slug, date_from, date_to, comparator, output_format, trainer, suppress):
    """Print one report table (or key_figures, data_completeness) as CSV or JSON."""
    if name not in export.REPORT_NAMES:
        raise click.BadParameter(
            f"There is no report called {name!r}. Use one of: {', '.join(export.REPORT_NAMES)}.", param_hint="NAME"
        )
    session = db.session()
    service = session.exec(select(Service).where(Service.slug == service_slug)).first()
    if service is None:
        raise click.BadParameter(f"There is no service called {service_slug!r}.", param_hint="--service")
    start, end = _day(date_from, "--from"), _day(date_to, "--to")
    if start and end and end < start:
        raise click.BadParameter("The end date must be on or after the start date.", param_hint="--to")
    report_filter = ReportFilter(
        service_id=service.id,
        date_from=start,
        date_to=end,
        trainer_id=_trainer_id(session, service, trainer) if trainer else None,
        comparator=_comparator_key(session, service, comparator),
        suppress=suppress,
        period="custom" if start or end else "all",
    )
    comparison = load_comparison(session, report_filter.comparator, service.id)
    found = export.gather(session, name, report_filter, comparison)
    click.echo(export.to_json(found) if output_format == "json" else export.to_csv(found), nl=False)
