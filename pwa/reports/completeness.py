"""Data completeness (DOMAIN.md section 7): per field, how many clients registered in the period
have it recorded, declined to say, or not recorded, and which clients are missing it.

Every field is three SQL conditions on a client (and their latest episode): does the field apply,
did they decline, is it recorded. "Not recorded" is what applies and is neither. One query sums
them all (SUM(CASE ...)); the lists of missing clients are one query per field.
"""

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import and_, case, false, func, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models import Client, Episode, Person
from pwa.reports.arithmetic import percent
from pwa.reports.cohort import latest_episode, registered
from pwa.reports.filters import ReportFilter


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


def _answered(column, declined_code: str | None = None):
    """A coded question: recorded unless blank, not_recorded or the declined code."""
    empty = ["", "not_recorded"] + ([declined_code] if declined_code else [])
    return column.not_in(empty)


def _declined(column, code: str | None):
    return column == code if code else false()


def _code_rule(field: str, label: str, column, declined_code: str | None = None) -> FieldRule:
    return FieldRule(
        field, label, true(), _declined(column, declined_code), _answered(column, declined_code), "details"
    )


def rules() -> list[FieldRule]:
    """The fields, in the order the page and the CSV show them."""
    real_band = Client.age_band.not_in(["", "not_recorded", "declined"])
    assessed = Episode.assessed_on.is_not(None)
    return [
        _code_rule("gender", "Gender", Client.gender, "prefer_not_to_say"),
        FieldRule(
            "age",
            "Date of birth or age",
            true(),
            and_(Client.date_of_birth.is_(None), Client.age_band == "declined"),
            or_(Client.date_of_birth.is_not(None), real_band),
            "details",
        ),
        _code_rule("ethnicity", "Ethnicity", Client.ethnicity, "not_stated"),
        _code_rule("disability", "Disability", Client.disability, "prefer_not_to_say"),
        FieldRule("postcode", "Postcode", true(), false(), Client.postcode != "", "details"),
        _code_rule("how_heard", "How they heard of us", Client.how_heard),
        _code_rule("referral_source", "Who referred them", Client.referral_source),
        _code_rule("employment_status", "Work", Client.employment_status, "not_disclosed"),
        _code_rule("gp_registered", "Registered with a GP", Client.gp_registered),
        FieldRule(
            "primary_issue",
            "Main thing they want to change (assessed clients)",
            assessed,  # IS NOT NULL is false for clients with no episode, never NULL
            false(),
            and_(assessed, func.coalesce(Episode.primary_issue, "") != ""),
            "journey",
        ),
        FieldRule("eligibility", "Eligibility checked", true(), false(), Episode.eligible.is_not(None), "journey"),
    ]


RULES = {rule.field: rule for rule in rules()}


def _cohort(report_filter: ReportFilter, *columns):
    """select(*columns) over the clients registered in the period, with their latest episode (if any)."""
    latest = latest_episode()
    return (
        select(*columns)
        .select_from(Client)
        .outerjoin(latest, latest.c.client_id == Client.id)
        .outerjoin(Episode, Episode.id == latest.c.episode_id)
        .where(registered(report_filter))
    )


def _sum(condition):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def completeness(session: Session, report_filter: ReportFilter) -> list[FieldCompleteness]:
    """Recorded, declined and not recorded per field, for the clients registered in the period."""
    all_rules = rules()
    columns = []
    for rule in all_rules:
        columns += [
            _sum(rule.applies),
            _sum(and_(rule.applies, rule.declined)),
            _sum(and_(rule.applies, rule.recorded)),
        ]
    sums = session.exec(_cohort(report_filter, *columns)).one()
    result = []
    for index, rule in enumerate(all_rules):
        applies, declined, recorded = (int(value) for value in sums[index * 3 : index * 3 + 3])
        result.append(FieldCompleteness(rule.field, rule.label, recorded, declined, applies - declined - recorded))
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
