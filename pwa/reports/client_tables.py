"""Client tables: one GROUP BY per table over the clients registered in the period.

Tables whose rows come from the data (postcode districts, wards, months) hand back their own
categories; attributes kept on episodes come from each client's latest episode."""

import re
from datetime import date

from sqlalchemy import and_, case, func, literal
from sqlmodel import Session, select

from models import Client, Episode, Goal, Measure, Service, Signpost
from pwa.reports.cohort import cohort_with_latest_episode, ranked_measures, registered
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter


def _by_column(session: Session, report_filter: ReportFilter, column):
    rows = session.exec(select(column, func.count()).where(registered(report_filter)).group_by(column)).all()
    return Counts({code: count for code, count in rows})


def gender(session, report_filter):
    return _by_column(session, report_filter, Client.gender)


def age_band(session, report_filter):
    return _by_column(session, report_filter, Client.age_band)


def ethnicity(session, report_filter):
    return _by_column(session, report_filter, Client.ethnicity)


def disability(session, report_filter):
    return _by_column(session, report_filter, Client.disability)


def how_heard(session, report_filter):
    return _by_column(session, report_filter, Client.how_heard)


def referral_source(session, report_filter):
    return _by_column(session, report_filter, Client.referral_source)


def deprivation_quintile(session, report_filter):
    return _by_column(session, report_filter, Client.deprivation_quintile)


NOT_RECORDED = "not_recorded"
MONTHS = "January February March April May June July August September October November December".split()
DROPPED_OUT = ("client_withdrew", "lost_contact")


def _in_cohort(report_filter: ReportFilter):
    """1 for a client registered in the period, else 0: to count the cohort while grouping all clients."""
    return func.coalesce(func.sum(case((registered(report_filter), 1), else_=0)), 0)


def _district_order(district: str) -> tuple:
    """Postcode districts in the order people expect: N1, N2, N10, NW1."""
    match = re.fullmatch(r"([A-Z]+)(\d+)(.*)", district.upper())
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (district, 0, "")


def postcode_district(session, report_filter):
    """Rows: every postcode district any client of the service has (so rows stay the same from
    period to period), in postcode order, then not recorded."""
    district = Client.postcode_district
    rows = session.exec(
        select(district, _in_cohort(report_filter))
        .where(Client.service_id == report_filter.service_id)
        .group_by(district)
    ).all()
    by_category = {(code or NOT_RECORDED): count for code, count in rows}
    categories = {code: code for code in sorted(by_category, key=_district_order) if code != NOT_RECORDED}
    categories[NOT_RECORDED] = "Not recorded"
    return Counts(by_category, categories=categories)


def ward(session, report_filter):
    """Rows: every ward any client of the service lives in, and the service's target wards, by
    name; then not recorded. A ward's code is its ward code when known, else its name (a name
    alone that matches a known ward's name is that ward)."""
    rows = session.exec(
        select(Client.ward_code, Client.ward_name, _in_cohort(report_filter))
        .where(Client.service_id == report_filter.service_id)
        .group_by(Client.ward_code, Client.ward_name)
    ).all()
    labels = {code: name or code for code, name, _ in rows if code}
    by_name = {label.casefold(): code for code, label in labels.items()}
    by_category: dict[str, int] = {}
    for ward_code, ward_name, count in rows:
        code = ward_code or by_name.get(ward_name.casefold(), ward_name) or NOT_RECORDED
        by_category[code] = by_category.get(code, 0) + count
        if code != NOT_RECORDED:
            labels.setdefault(code, ward_name)
    service = session.get(Service, report_filter.service_id)
    for target in service.target_wards if service else []:
        if target not in labels and target.casefold() not in by_name:
            labels[target] = target
    ordered = sorted(labels.items(), key=lambda item: (item[1].casefold(), item[0]))
    categories = {code: label for code, label in ordered}
    categories[NOT_RECORDED] = "Not recorded"
    return Counts(by_category, categories=categories)


def _month_code(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def _months(first: date, last: date) -> dict[str, str]:
    """Codes "YYYY-MM" and labels "April 2026" for every month from first to last, both included."""
    months = {}
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months[_month_code(year, month)] = f"{MONTHS[month - 1]} {year}"
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_first_seen(session, report_filter):
    """Rows: every month of the period (an open end takes the data's first or last month; a client
    first seen outside the period widens it, so nobody drops out of the total), then not seen yet."""
    seen = Client.first_seen_on
    year, month = func.extract("year", seen), func.extract("month", seen)
    rows = session.exec(select(year, month, func.count()).where(registered(report_filter)).group_by(year, month)).all()
    by_category: dict[str, int] = {}
    data_months = []
    for row_year, row_month, count in rows:
        if row_year is None:
            by_category[NOT_RECORDED] = count
            continue
        first_day = date(int(row_year), int(row_month), 1)
        data_months.append(first_day)
        by_category[_month_code(first_day.year, first_day.month)] = count
    # An open end of the period takes the data's month; months outside the period get a row too.
    ends = [day for day in (report_filter.date_from, report_filter.date_to) if day] + data_months
    categories = _months(min(ends), max(ends)) if ends else {}
    categories[NOT_RECORDED] = "Not seen yet"
    return Counts(by_category, categories=categories)


def eligibility(session, report_filter):
    """From each client's latest episode; no episode, or not checked yet, is not recorded."""
    code = case(
        (Episode.eligible.is_(True), literal("eligible")),
        (Episode.eligible.is_(False), literal("not_eligible")),
        else_=literal(NOT_RECORDED),
    )
    rows = session.exec(cohort_with_latest_episode(report_filter, code, func.count()).group_by(code)).all()
    return Counts(dict(rows))


def primary_issue(session, report_filter):
    """Assessed clients (latest episode) by main issue; assessed clients with none are excluded."""
    rows = session.exec(
        cohort_with_latest_episode(report_filter, Episode.primary_issue, func.count())
        .where(Episode.assessed_on.is_not(None))
        .group_by(Episode.primary_issue)
    ).all()
    by_category = {issue: count for issue, count in rows if issue}
    return Counts(by_category, excluded=sum(count for issue, count in rows if not issue))


def bmi_band(session, report_filter):
    """The client's first BMI taken at a baseline, in [20, 25) style bands; clients with none are excluded."""
    first = ranked_measures(report_filter.service_id, "bmi", "baseline", Measure.client_id)
    value = first.c.value
    band = case(
        (value.is_(None), literal(None)),
        (value < 20, literal("under_20")),
        (value < 25, literal("20_25")),
        (value < 30, literal("25_30")),
        (value < 35, literal("30_35")),
        (value < 40, literal("35_40")),
        else_=literal("over_40"),
    )
    rows = session.exec(
        select(band, func.count())
        .select_from(Client)
        .outerjoin(first, and_(first.c.client_id == Client.id, first.c.rank == 1))
        .where(registered(report_filter))
        .group_by(band)
    ).all()
    by_category = {code: count for code, count in rows if code is not None}
    return Counts(by_category, excluded=sum(count for code, count in rows if code is None))


def goals_per_client(session, report_filter):
    """Goals of any status in each client's plans: none, 1 to 10, more than 10."""
    per_client = (
        select(Goal.client_id, func.count().label("goals"))
        .where(Goal.service_id == report_filter.service_id)
        .group_by(Goal.client_id)
        .subquery()
    )
    goals = func.coalesce(per_client.c.goals, 0)
    rows = session.exec(
        select(goals, func.count())
        .select_from(Client)
        .outerjoin(per_client, per_client.c.client_id == Client.id)
        .where(registered(report_filter))
        .group_by(goals)
    ).all()
    by_category: dict[str, int] = {}
    for number, count in rows:
        code = "none" if number == 0 else str(number) if number <= 10 else "over_10"
        by_category[code] = by_category.get(code, 0) + count
    return Counts(by_category)


def signposting(session, report_filter):
    """Done when the client has any signpost on record; otherwise as their latest episode says
    (not needed, or not done yet); a client with no episode is not done yet."""
    signposted = (
        select(Signpost.client_id)
        .where(Signpost.service_id == report_filter.service_id, Signpost.client_id.is_not(None))
        .group_by(Signpost.client_id)
        .subquery()
    )
    status = case(
        (signposted.c.client_id.is_not(None), literal("done")),
        (Episode.signposting == "not_required", literal("not_required")),
        else_=literal("not_yet_done"),
    )
    rows = session.exec(
        cohort_with_latest_episode(report_filter, status, func.count())
        .outerjoin(signposted, signposted.c.client_id == Client.id)
        .group_by(status)
    ).all()
    return Counts(dict(rows))


def dropout_by_referral_source(session, report_filter):
    """Per referrer: clients whose latest episode ended as withdrew or lost contact, out of all
    clients from that referrer registered in the period."""
    dropped = func.coalesce(func.sum(case((Episode.exit_reason.in_(DROPPED_OUT), 1), else_=0)), 0)
    rows = session.exec(
        cohort_with_latest_episode(report_filter, Client.referral_source, dropped, func.count()).group_by(
            Client.referral_source
        )
    ).all()
    return Counts(
        {source: count for source, count, _ in rows},
        row_denominators={source: clients for source, _, clients in rows},
    )
