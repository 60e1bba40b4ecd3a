"""What a report covers: the service, a period, maybe one trainer, a comparator set, and
whether small numbers are hidden. Read from the query string (web) or options (command line)."""

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, true
from sqlmodel import Session, select

from models import Person, RoleGrant
from pwa.clock import LONDON

PERIODS = {
    "this_year": "This year (from 1 April)",
    "last_year": "Last year (April to March)",
    "this_quarter": "This quarter",
    "last_quarter": "Last quarter",
    "all": "All time",
    "custom": "Choose dates",
}
REPORT_ROLES = ("trainer", "trainee")  # people the trainer filter offers


@dataclass(frozen=True)
class ReportFilter:
    service_id: int
    date_from: date | None = None
    date_to: date | None = None
    trainer_id: int | None = None
    comparator: str = "england"  # "england", "none", or the id of one of the service's sets
    suppress: bool = False  # hide counts under 5 on exports
    period: str = "custom"  # the preset chosen, to show the form as it was

    def dates(self, column) -> ColumnElement[bool]:
        """The period as a condition on a date column (both ends included)."""
        conditions = []
        if self.date_from:
            conditions.append(column >= self.date_from)
        if self.date_to:
            conditions.append(column <= self.date_to)
        return and_(true(), *conditions)

    def moments(self, column) -> ColumnElement[bool]:
        """The period as a condition on an aware UTC datetime column, in London days."""
        start, end = self.utc_bounds()
        conditions = []
        if start:
            conditions.append(column >= start)
        if end:
            conditions.append(column < end)
        return and_(true(), *conditions)

    def utc_bounds(self) -> tuple[datetime | None, datetime | None]:
        """Midnight in London at the start of date_from, and at the end of date_to."""
        start = datetime.combine(self.date_from, time(), LONDON) if self.date_from else None
        end = datetime.combine(self.date_to + timedelta(days=1), time(), LONDON) if self.date_to else None
        return start, end

    def with_changes(self, **changes) -> "ReportFilter":
        return replace(self, **changes)


def financial_year_start(day: date) -> date:
    """1 April on or before the day: public health years run April to March."""
    return date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def quarter_start(day: date) -> date:
    """The first day of the financial quarter (April, July, October, January) holding the day."""
    month = ((day.month - 1) // 3) * 3 + 1
    return date(day.year, month, 1)


def period_dates(period: str, today: date) -> tuple[date | None, date | None]:
    """The dates a preset period stands for; "all" and "custom" give (None, None)."""
    if period == "this_year":
        return financial_year_start(today), today
    if period == "last_year":
        start = financial_year_start(today)
        return date(start.year - 1, 4, 1), start - timedelta(days=1)
    if period == "this_quarter":
        return quarter_start(today), today
    if period == "last_quarter":
        start = quarter_start(today)
        return quarter_start(start - timedelta(days=1)), start - timedelta(days=1)
    return None, None


def trainer_choices(session: Session, service_id: int) -> list[tuple[int, str]]:
    """Trainers and trainees of the service, by name."""
    rows = session.exec(
        select(Person.id, Person.display_name)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.service_id == service_id, RoleGrant.role.in_(REPORT_ROLES))
        .distinct()
        .order_by(Person.display_name)
    ).all()
    return [(person_id, name) for person_id, name in rows]


def _read_date(raw: str, field: str, errors: dict[str, str]) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        errors[field] = "Enter a date like 2026-04-01."
        return None


def read_filter(
    args, service_id: int, today: date, trainers: list[tuple[int, str]], comparators: list[tuple[str, str]]
) -> tuple[ReportFilter, dict[str, str]]:
    """The filter a manager asked for in the query string, and a message per bad field.
    With no period given, reports cover this year (from 1 April) to today."""
    errors: dict[str, str] = {}
    period = args.get("period") or ("custom" if args.get("from") or args.get("to") else "this_year")
    if period not in PERIODS:
        errors["period"] = "Choose a period from the list."
        period = "this_year"
    if period == "custom":
        date_from = _read_date(args.get("from", ""), "from", errors)
        date_to = _read_date(args.get("to", ""), "to", errors)
        if date_from and date_to and date_to < date_from:
            errors["to"] = "The end date must be on or after the start date."
    else:
        date_from, date_to = period_dates(period, today)

    trainer_id = None
    raw_trainer = (args.get("trainer") or "").strip()
    if raw_trainer:
        if raw_trainer.isdigit() and int(raw_trainer) in {person_id for person_id, _ in trainers}:
            trainer_id = int(raw_trainer)
        else:
            errors["trainer"] = "Choose a trainer from the list."

    comparator = (args.get("comparator") or "england").strip()
    if comparator not in {key for key, _ in comparators}:
        errors["comparator"] = "Choose a comparison from the list."
        comparator = "england"

    report_filter = ReportFilter(
        service_id=service_id,
        date_from=date_from,
        date_to=date_to,
        trainer_id=trainer_id,
        comparator=comparator,
        suppress=args.get("suppress") in ("1", "on", "yes", "true"),
        period=period,
    )
    return report_filter, errors
