"""Client tables: folded from a few shared GROUP BY passes over the clients registered in the
period (the cohort), so the pack visits the cohort a handful of times, not once per table.

- demographics: gender, age band, disability, deprivation fifth (and date of birth known, heard
  at an activity) per group of clients;
- background: ethnicity, how they heard, work, GP, postcode recorded;
- journey: referrer with the latest episode (eligibility, assessed, main issue, exit) and
  whether the client was signposted;
- goals and first seen: goals in the client's plans (how many, any outcome, any met) and the
  month first seen;
- area: every postcode district and ward of the service's clients with how many are in the cohort.

Each pass is one statement whose result is at most a few thousand rows (never one per client);
inside passes.shared_passes() (the pack, the dashboard) it runs once for every table, key figure
and completeness field that reads it. Tables whose rows come from the data (postcode districts,
wards, months) hand back their own categories; attributes kept on episodes come from each
client's latest episode."""

import re
from datetime import date

from sqlalchemy import case, exists, extract, func, literal
from sqlalchemy.sql.elements import Label
from sqlmodel import Session, select

from models import Client, Episode, Goal, Service, Signpost
from pwa.reports.cohort import cohort_with_latest_episode, pass_key, registered
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter
from pwa.reports.passes import fold, once

NOT_RECORDED = "not_recorded"
MONTHS = "January February March April May June July August September October November December".split()
DROPPED_OUT = ("client_withdrew", "lost_contact")
WITH_OUTCOME = ("achieved", "part_achieved", "not_achieved")
ACHIEVED = ("achieved", "part_achieved")


def _flag(condition):
    """1 or 0 (never NULL, the same on SQLite and PostgreSQL)."""
    return case((condition, 1), else_=0)


def _grouped(session: Session, report_filter: ReportFilter, name: str, statement_for) -> list[tuple]:
    """The rows of one pass, run once per filter inside shared_passes()."""
    return once(pass_key(name, report_filter), lambda: [tuple(row) for row in session.exec(statement_for()).all()])


# --- The passes -----------------------------------------------------------------------------------

# Positions in the demographics rows.
GENDER, AGE_BAND, DISABILITY, QUINTILE, BIRTH_DATE_KNOWN, FROM_EVENT = range(6)


def demographics(session: Session, report_filter: ReportFilter) -> list[tuple]:
    """(gender, age_band, disability, deprivation_quintile, date of birth known 1/0, heard at an
    activity 1/0, clients) for the cohort."""
    columns = (
        Client.gender,
        Client.age_band,
        Client.disability,
        Client.deprivation_quintile,
        _flag(Client.date_of_birth.is_not(None)),
        _flag(Client.heard_at_event_id.is_not(None)),
    )

    def statement():
        return select(*columns, func.count()).where(registered(report_filter)).group_by(*columns)

    return _grouped(session, report_filter, "client demographics", statement)


# Positions in the background rows.
ETHNICITY, HOW_HEARD, EMPLOYMENT, GP_REGISTERED, POSTCODE_KNOWN = range(5)


def background(session: Session, report_filter: ReportFilter) -> list[tuple]:
    """(ethnicity, how_heard, employment_status, gp_registered, postcode recorded 1/0, clients)."""
    columns = (
        Client.ethnicity,
        Client.how_heard,
        Client.employment_status,
        Client.gp_registered,
        _flag(Client.postcode != ""),
    )

    def statement():
        return select(*columns, func.count()).where(registered(report_filter)).group_by(*columns)

    return _grouped(session, report_filter, "client background", statement)


def _grouped_by(columns: tuple) -> list:
    """GROUP BY terms for the columns: a labelled expression by its label (so the database works it
    out once per client, not again for the grouping), a plain column as itself."""
    return [column.name if isinstance(column, Label) else column for column in columns]


# Positions in the journey rows.
REFERRAL, ELIGIBILITY, ASSESSED_ISSUE, SIGNPOSTING, DROPPED = range(5)


def journey(session: Session, report_filter: ReportFilter) -> list[tuple]:
    """(referral_source, eligibility code, main issue of an assessed client ("" when none; NULL when
    not assessed), signposting code, dropped out 1/0, clients): each client with their latest
    episode (none: NULL episode columns). Signposting is done when the client has any signpost (an
    index lookup per client), else as the latest episode says (not needed, or not done yet)."""
    eligibility_code = case(
        (Episode.eligible.is_(True), literal("eligible")),
        (Episode.eligible.is_(False), literal("not_eligible")),
        else_=literal(NOT_RECORDED),
    )
    signposting_code = case(
        (exists().where(Signpost.client_id == Client.id), literal("done")),
        (Episode.signposting == "not_required", literal("not_required")),
        else_=literal("not_yet_done"),
    )
    assessed_issue = case((Episode.assessed_on.is_not(None), func.coalesce(Episode.primary_issue, "")))
    columns = (
        Client.referral_source,
        eligibility_code.label("eligibility_code"),
        assessed_issue.label("assessed_issue"),
        signposting_code.label("signposting_code"),
        _flag(Episode.exit_reason.in_(DROPPED_OUT)).label("dropped_out"),
    )

    def statement():
        return cohort_with_latest_episode(report_filter, *columns, func.count()).group_by(*_grouped_by(columns))

    return _grouped(session, report_filter, "client journey", statement)


# Positions in the goals-and-first-seen rows.
GOALS, BEST_OUTCOME, MONTH_SEEN = range(3)
MET, NOT_MET, NO_OUTCOME = 2, 1, 0  # best outcome of a client's goals


def goals_and_first_seen(session: Session, report_filter: ReportFilter) -> list[tuple]:
    """(goals in the client's plans, best outcome of them (MET, NOT_MET or NO_OUTCOME; NULL with
    no goals), month first seen as year * 100 + month (NULL: not seen yet), clients). Each cohort
    client's goals are read by index lookups (index-only on ix_goals_client_outcome), never the
    whole service's goals."""
    of_client = Goal.client_id == Client.id
    goals = select(func.count()).where(of_client).scalar_subquery()
    outcome = case((Goal.outcome.in_(ACHIEVED), MET), (Goal.outcome.in_(WITH_OUTCOME), NOT_MET), else_=NO_OUTCOME)
    best = select(func.max(outcome)).where(of_client).scalar_subquery()
    seen = Client.first_seen_on
    columns = (
        goals.label("goals"),
        best.label("best_outcome"),
        (extract("year", seen) * 100 + extract("month", seen)).label("month_seen"),
    )

    def statement():
        return select(*columns, func.count()).where(registered(report_filter)).group_by(*_grouped_by(columns))

    return _grouped(session, report_filter, "client goals and first seen", statement)


# Positions in the area rows.
DISTRICT, WARD_CODE, WARD_NAME = range(3)


def area(session: Session, report_filter: ReportFilter) -> list[tuple]:
    """(postcode_district, ward_code, ward_name, clients in the cohort) for every district and ward
    any client of the service has, so rows stay the same from period to period (index-only on
    ix_clients_service_area when no trainer is chosen)."""
    in_cohort = func.coalesce(func.sum(_flag(registered(report_filter))), 0)
    columns = (Client.postcode_district, Client.ward_code, Client.ward_name)

    def statement():
        return select(*columns, in_cohort).where(Client.service_id == report_filter.service_id).group_by(*columns)

    return _grouped(session, report_filter, "client area", statement)


# --- Tables ---------------------------------------------------------------------------------------


def _counts(rows: list[tuple], position: int) -> Counts:
    return Counts(dict(fold(rows, position)))


def gender(session, report_filter):
    return _counts(demographics(session, report_filter), GENDER)


def age_band(session, report_filter):
    return _counts(demographics(session, report_filter), AGE_BAND)


def disability(session, report_filter):
    return _counts(demographics(session, report_filter), DISABILITY)


def deprivation_quintile(session, report_filter):
    return _counts(demographics(session, report_filter), QUINTILE)


def ethnicity(session, report_filter):
    return _counts(background(session, report_filter), ETHNICITY)


def how_heard(session, report_filter):
    return _counts(background(session, report_filter), HOW_HEARD)


def referral_source(session, report_filter):
    return _counts(journey(session, report_filter), REFERRAL)


def _district_order(district: str) -> tuple:
    """Postcode districts in the order people expect: N1, N2, N10, NW1."""
    match = re.fullmatch(r"([A-Z]+)(\d+)(.*)", district.upper())
    return (match.group(1), int(match.group(2)), match.group(3)) if match else (district, 0, "")


def postcode_district(session, report_filter):
    """Rows: every postcode district any client of the service has (so rows stay the same from
    period to period), in postcode order, then not recorded."""
    by_category: dict[str, int] = {}
    for district, _, _, count in area(session, report_filter):
        code = district or NOT_RECORDED
        by_category[code] = by_category.get(code, 0) + int(count)
    categories = {code: code for code in sorted(by_category, key=_district_order) if code != NOT_RECORDED}
    categories[NOT_RECORDED] = "Not recorded"
    return Counts(by_category, categories=categories)


def ward(session, report_filter):
    """Rows: every ward any client of the service lives in, and the service's target wards, by
    name; then not recorded. A ward's code is its ward code when known, else its name (a name
    alone that matches a known ward's name is that ward)."""
    rows: dict[tuple[str, str], int] = {}
    for _, ward_code, ward_name, count in area(session, report_filter):
        rows[(ward_code, ward_name)] = rows.get((ward_code, ward_name), 0) + int(count)
    labels = {code: name or code for (code, name) in rows if code}
    by_name = {label.casefold(): code for code, label in labels.items()}
    by_category: dict[str, int] = {}
    for (ward_code, ward_name), count in rows.items():
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
    by_category: dict[str, int] = {}
    data_months = []
    for row in goals_and_first_seen(session, report_filter):
        month_seen, count = row[MONTH_SEEN], row[-1]
        if month_seen is None:
            code = NOT_RECORDED
        else:
            first_day = date(int(month_seen) // 100, int(month_seen) % 100, 1)
            data_months.append(first_day)
            code = _month_code(first_day.year, first_day.month)
        by_category[code] = by_category.get(code, 0) + count
    # An open end of the period takes the data's month; months outside the period get a row too.
    ends = [day for day in (report_filter.date_from, report_filter.date_to) if day] + data_months
    categories = _months(min(ends), max(ends)) if ends else {}
    categories[NOT_RECORDED] = "Not seen yet"
    return Counts(by_category, categories=categories)


def eligibility(session, report_filter):
    """From each client's latest episode; no episode, or not checked yet, is not recorded."""
    return _counts(journey(session, report_filter), ELIGIBILITY)


def primary_issue(session, report_filter):
    """Assessed clients (latest episode) by main issue; assessed clients with none are excluded."""
    by_category: dict[str, int] = {}
    excluded = 0
    for row in journey(session, report_filter):
        issue = row[ASSESSED_ISSUE]
        if issue is None:  # not assessed
            continue
        if issue:
            by_category[issue] = by_category.get(issue, 0) + row[-1]
        else:
            excluded += row[-1]
    return Counts(by_category, excluded=excluded)


def goals_per_client(session, report_filter):
    """Goals of any status in each client's plans: none, 1 to 10, more than 10."""
    by_category: dict[str, int] = {}
    for number, count in fold(goals_and_first_seen(session, report_filter), GOALS).items():
        code = "none" if number == 0 else str(number) if number <= 10 else "over_10"
        by_category[code] = by_category.get(code, 0) + count
    return Counts(by_category)


def signposting(session, report_filter):
    """Done when the client has any signpost on record; otherwise as their latest episode says
    (not needed, or not done yet); a client with no episode is not done yet."""
    return _counts(journey(session, report_filter), SIGNPOSTING)


def dropout_by_referral_source(session, report_filter):
    """Per referrer: clients whose latest episode ended as withdrew or lost contact, out of all
    clients from that referrer registered in the period."""
    dropped: dict[str, int] = {}
    clients: dict[str, int] = {}
    for row in journey(session, report_filter):
        source, count = row[REFERRAL], row[-1]
        clients[source] = clients.get(source, 0) + count
        dropped[source] = dropped.get(source, 0) + (count if row[DROPPED] else 0)
    return Counts(dropped, row_denominators=clients)
