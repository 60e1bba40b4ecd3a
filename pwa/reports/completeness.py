"""Data completeness (DOMAIN.md section 7): per field, how many clients registered in the period
have it recorded, declined to say, or not recorded, and which clients are missing it.

Every field is three SQL conditions on a client (and their latest episode): does the field apply,
did they decline, is it recorded. "Not recorded" is what applies and is neither. The lists of
missing clients are one query per field, with those conditions.

The counts fold from the client tables' shared passes (client_tables.demographics, background
and journey), so the report pack counts completeness without another pass over the cohort: each
field's `tally` reads the same facts from a pass row as its SQL conditions read from a client.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, false, func, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Client, Episode, Person
from pwa.reports import client_tables as passes
from pwa.reports.arithmetic import percent
from pwa.reports.cohort import cohort_with_latest_episode
from pwa.reports.filters import ReportFilter

RECORDED, DECLINED, MISSING = "recorded", "declined", "not_recorded"


@dataclass
class FieldCompleteness:
    field: str  # "gender"
    label: str  # "Gender"
    recorded: int
    declined: int
    not_recorded: int

    @property
    def total(self) -> int:
        return self.recorded + self.declined + self.not_recorded

    @property
    def percent_recorded(self) -> Decimal | None:
        return percent(self.recorded, self.total)


@dataclass(frozen=True)
class FieldRule:
    """One field as SQL conditions. applies: which clients count (primary issue: assessed ones).
    declined and recorded never overlap and are never NULL, so "not recorded" is the rest."""

    field: str
    label: str
    applies: object
    declined: object
    recorded: object
    fix: str  # where it is put right: "details" (the client's details) or "journey" (the client's page)
    rows: Callable  # the shared pass the counts fold from: (session, filter) -> rows
    tally: Callable[[tuple], str | None]  # a pass row -> RECORDED, DECLINED, MISSING, or None (does not apply)


def _answered(column, declined_code: str | None = None):
    """A coded question: recorded unless blank, not_recorded or the declined code."""
    empty = ["", "not_recorded"] + ([declined_code] if declined_code else [])
    return column.not_in(empty)


def _declined(column, code: str | None):
    return column == code if code else false()


def _code_tally(position: int, declined_code: str | None):
    """The same test as _answered and _declined, on the value at a position of a pass row."""

    def tally(row: tuple) -> str:
        value = row[position]
        if declined_code and value == declined_code:
            return DECLINED
        return MISSING if value in (None, "", "not_recorded") else RECORDED

    return tally


def _code_rule(field: str, label: str, column, rows, position: int, declined_code: str | None = None) -> FieldRule:
    return FieldRule(
        field,
        label,
        true(),
        _declined(column, declined_code),
        _answered(column, declined_code),
        "details",
        rows,
        _code_tally(position, declined_code),
    )


def _age_tally(row: tuple) -> str:
    band = row[passes.AGE_BAND]
    if row[passes.BIRTH_DATE_KNOWN] or band not in (None, "", "not_recorded", "declined"):
        return RECORDED
    return DECLINED if band == "declined" else MISSING


def _primary_issue_tally(row: tuple) -> str | None:
    issue = row[passes.ASSESSED_ISSUE]
    if issue is None:  # not assessed
        return None
    return RECORDED if issue else MISSING


def rules() -> list[FieldRule]:
    """The fields, in the order the page and the CSV show them."""
    real_band = Client.age_band.not_in(["", "not_recorded", "declined"])
    assessed = Episode.assessed_on.is_not(None)
    people, background, journey = passes.demographics, passes.background, passes.journey
    return [
        _code_rule("gender", "Gender", Client.gender, people, passes.GENDER, "prefer_not_to_say"),
        FieldRule(
            "age",
            "Date of birth or age",
            true(),
            and_(Client.date_of_birth.is_(None), Client.age_band == "declined"),
            or_(Client.date_of_birth.is_not(None), real_band),
            "details",
            people,
            _age_tally,
        ),
        _code_rule("ethnicity", "Ethnicity", Client.ethnicity, background, passes.ETHNICITY, "not_stated"),
        _code_rule("disability", "Disability", Client.disability, people, passes.DISABILITY, "prefer_not_to_say"),
        FieldRule(
            "postcode",
            "Postcode",
            true(),
            false(),
            Client.postcode != "",
            "details",
            background,
            lambda row: RECORDED if row[passes.POSTCODE_KNOWN] else MISSING,
        ),
        _code_rule("how_heard", "How they heard of us", Client.how_heard, background, passes.HOW_HEARD),
        _code_rule("referral_source", "Who referred them", Client.referral_source, journey, passes.REFERRAL),
        _code_rule(
            "employment_status", "Work", Client.employment_status, background, passes.EMPLOYMENT, "not_disclosed"
        ),
        _code_rule("gp_registered", "Registered with a GP", Client.gp_registered, background, passes.GP_REGISTERED),
        FieldRule(
            "primary_issue",
            "Main thing they want to change (assessed clients)",
            assessed,  # IS NOT NULL is false for clients with no episode, never NULL
            false(),
            and_(assessed, func.coalesce(Episode.primary_issue, "") != ""),
            "journey",
            journey,
            _primary_issue_tally,
        ),
        FieldRule(
            "eligibility",
            "Eligibility checked",
            true(),
            false(),
            Episode.eligible.is_not(None),
            "journey",
            journey,
            lambda row: MISSING if row[passes.ELIGIBILITY] == passes.NOT_RECORDED else RECORDED,
        ),
    ]


RULES = {rule.field: rule for rule in rules()}


def _cohort(report_filter: ReportFilter, *columns):
    """select(*columns) over the clients registered in the period, with their latest episode (if any)."""
    return cohort_with_latest_episode(report_filter, *columns)


def completeness(session: Session, report_filter: ReportFilter) -> list[FieldCompleteness]:
    """Recorded, declined and not recorded per field, for the clients registered in the period."""
    result = []
    for rule in rules():
        tallied = {RECORDED: 0, DECLINED: 0, MISSING: 0}
        for row in rule.rows(session, report_filter):
            status = rule.tally(row)
            if status is not None:
                tallied[status] += row[-1]
        result.append(FieldCompleteness(rule.field, rule.label, tallied[RECORDED], tallied[DECLINED], tallied[MISSING]))
    return result


def _missing(rule: FieldRule):
    return and_(rule.applies, ~rule.declined, ~rule.recorded)


def missing_clients(session: Session, report_filter: ReportFilter, field: str, limit: int = 50):
    """(clients missing the field as [(client_id, full_name, trainer name)], how many in all).
    Only "not recorded": a client who declined has answered."""
    rule = RULES[field]
    trainer = aliased(Person)
    rows = session.exec(
        _cohort(report_filter, Client.id, Client.full_name, trainer.display_name)
        .outerjoin(trainer, trainer.id == Client.trainer_id)
        .where(_missing(rule))
        .order_by(Client.full_name, Client.id)
        .limit(limit)
    ).all()
    if len(rows) < limit:
        total = len(rows)
    else:
        total = session.exec(_cohort(report_filter, func.count()).where(_missing(rule))).one()
    return [(client_id, name, trainer_name or "No trainer") for client_id, name, trainer_name in rows], total
