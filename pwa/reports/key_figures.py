"""Key figures (DOMAIN.md section 7): registrations against the yearly target with a straight-line
projection, clients and plans per WTE, PHP ratio, target wards, quintiles 1 and 2, goals achieved,
signposting, events, and warnings. Every number comes from aggregate SQL: most fold from the
client and goal tables' shared passes (client_tables.demographics, journey, goals_and_first_seen,
area; goal_tables.goals_by_code_and_outcome), so inside the pack they cost no extra pass over the
cohort; only plans agreed, registrations this year (when the period is not that year), staff time
and activities are statements of their own.

"New clients" below means the cohort: clients of the service registered in the period (and on
the chosen trainer's caseload). Percents are of them unless a figure says otherwise.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import extract, func
from sqlmodel import Session, select

from models import Client, Event, Plan, RoleGrant, Service
from pwa.caseload import vocab as caseload_vocab
from pwa.clock import london_today
from pwa.reports import client_tables as passes
from pwa.reports.arithmetic import ONE_DECIMAL, percent
from pwa.reports.cohort import registered
from pwa.reports.community_tables import events_in_period
from pwa.reports.filters import REPORT_ROLES, ReportFilter, financial_year_start
from pwa.reports.goal_tables import goals_by_code_and_outcome
from pwa.reports.passes import fold

QUINTILES_1_2 = ("q1_most_deprived", "q2")
WITH_OUTCOME = ("achieved", "part_achieved", "not_achieved")
ACHIEVED = ("achieved", "part_achieved")
TREND_MONTHS = 24  # the monthly chart shows at most the last two years


@dataclass
class Figure:
    code: str  # the CSV category: "registered", "php_ratio"...
    label: str  # plain words: "Clients registered"
    value: Decimal | int | None  # None when it cannot be worked out (say why in note)
    unit: str = ""  # "clients", "%", "per WTE"...
    target: Decimal | int | None = None  # what it is measured against (the CSV comparator column)
    note: str = ""  # one short plain sentence: "On track for 312 by 31 March 2027."
    warning: bool = False  # shown as a warning (one referral source over half of clients)


def long_date(day: date) -> str:
    """31 March 2027."""
    return f"{day.day} {day:%B %Y}"


def per_wte(count: int, wte: Decimal) -> Decimal | None:
    """count / WTE to one decimal place, halves up; None when there is no staff time."""
    if not wte:
        return None
    return (Decimal(count) / wte).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def year_end_projection(registered_so_far: int, year_start: date, up_to: date) -> tuple[int, int, int]:
    """Straight line to 31 March: (projection, days elapsed, days in the year), where days
    elapsed count 1 April to up_to, both included, and the projection is rounded halves up."""
    year_end = date(year_start.year + 1, 3, 31)
    days_in_year = (year_end - year_start).days + 1
    elapsed = (up_to - year_start).days + 1
    projected = Decimal(registered_so_far) * days_in_year / elapsed
    return int(projected.quantize(Decimal(1), rounding=ROUND_HALF_UP)), elapsed, days_in_year


def _one(session: Session, statement) -> int:
    return int(session.exec(statement).one() or 0)


def _cohort_summary(session: Session, report_filter: ReportFilter, target_wards: list[str]) -> dict[str, int]:
    """Counts of the new clients, folded from the client tables' passes: how many, and how many
    of them have each property."""
    summary = dict.fromkeys(
        ("clients", "quintile_1_2", "quintile_unknown", "from_events", "with_goal", "with_outcome", "achieved"), 0
    )
    for row in passes.demographics(session, report_filter):
        count, quintile = row[-1], row[passes.QUINTILE]
        summary["clients"] += count
        summary["quintile_1_2"] += count if quintile in QUINTILES_1_2 else 0
        summary["quintile_unknown"] += count if quintile == "unknown" else 0
        summary["from_events"] += count if row[passes.FROM_EVENT] else 0
    for row in passes.goals_and_first_seen(session, report_filter):
        count = row[-1]
        best = row[passes.BEST_OUTCOME]
        summary["with_goal"] += count if row[passes.GOALS] else 0
        summary["with_outcome"] += count if best in (passes.MET, passes.NOT_MET) else 0
        summary["achieved"] += count if best == passes.MET else 0
    journey = passes.journey(session, report_filter)
    summary["signposted"] = sum(row[-1] for row in journey if row[passes.SIGNPOSTING] == "done")
    summary["dropped_out"] = sum(row[-1] for row in journey if row[passes.DROPPED])
    wards = {ward.strip().lower() for ward in target_wards if ward.strip()}
    if wards:
        summary["target_ward"] = sum(
            int(count)
            for _, code, name, count in passes.area(session, report_filter)
            if (code or "").lower() in wards or (name or "").lower() in wards
        )
    return summary


def _wte(session: Session, report_filter: ReportFilter) -> Decimal:
    """Whole-time equivalents of the service's trainers and trainees, or of the chosen trainer."""
    conditions = [RoleGrant.service_id == report_filter.service_id, RoleGrant.role.in_(REPORT_ROLES)]
    if report_filter.trainer_id is not None:
        conditions.append(RoleGrant.person_id == report_filter.trainer_id)
    total = session.exec(select(func.sum(RoleGrant.wte)).where(*conditions)).one() or 0
    # The database adds floats; WTEs are given to two places, so round away float noise.
    return Decimal(str(round(float(total), 2))).quantize(Decimal("0.01"))


def _plans_agreed(session: Session, report_filter: ReportFilter) -> int:
    statement = (
        select(func.count(Plan.id))
        .join(Client, Client.id == Plan.client_id)
        .where(registered(report_filter), report_filter.dates(Plan.agreed_on))
    )
    return _one(session, statement)


def _goal_outcomes(session: Session, report_filter: ReportFilter) -> tuple[int, int]:
    """(goals met or partly met, goals with an outcome) among goals set in the period."""
    counts = fold(goals_by_code_and_outcome(session, report_filter), 1)
    return sum(counts.get(code, 0) for code in ACHIEVED), sum(counts.get(code, 0) for code in WITH_OUTCOME)


def _referral_sources(session: Session, report_filter: ReportFilter) -> list[tuple[str, int]]:
    """Recorded referral sources of the new clients, biggest first (ties in the list's order)."""
    counts = fold(passes.journey(session, report_filter), passes.REFERRAL)
    rows = [(source, count) for source, count in counts.items() if source not in (None, "not_recorded") and count]
    order = list(caseload_vocab.REFERRAL_SOURCE)
    return sorted(rows, key=lambda row: (-row[1], order.index(row[0]) if row[0] in order else len(order), row[0]))


def _of_clients(part: int, clients: int, words: str) -> str:
    return f"{part} of {clients} new clients {words}."


def _yearly_figures(
    session: Session, report_filter: ReportFilter, service: Service, today: date, clients: int
) -> list[Figure]:
    """The yearly target, registrations so far this financial year and the straight-line projection."""
    up_to = min(report_filter.date_to, today) if report_filter.date_to else today
    year_start = financial_year_start(up_to)
    year_end = date(year_start.year + 1, 3, 31)
    if (report_filter.date_from, report_filter.date_to) == (year_start, up_to):
        this_year = clients  # the period is this year so far (or last year, when it has ended)
    else:
        this_year = _one(
            session,
            select(func.count())
            .select_from(Client)
            .where(registered(report_filter.with_changes(date_from=year_start, date_to=up_to))),
        )
    projected, elapsed, days_in_year = year_end_projection(this_year, year_start, up_to)
    target = service.yearly_client_target or None
    year_words = f"1 April {year_start.year} to {long_date(year_end)}"

    if target:
        target_note = f"The service should reach {target} new clients from {year_words}."
    else:
        target_note = "No yearly target has been set for the service."
    projection_note = (
        f"{this_year} clients in {elapsed} days is about {projected} in the {days_in_year} days to "
        f"{long_date(year_end)}."
    )
    if report_filter.trainer_id is not None and target:
        projection_note += " This is one trainer's clients; the target is for the whole service."
    elif target and projected >= target:
        projection_note += f" That is on track for the target of {target}."
    elif target:
        projection_note += f" That is {target - projected} short of the target of {target}."
    return [
        Figure("yearly_target", "Yearly target", target, "clients", note=target_note),
        Figure(
            "registered_this_year",
            "New clients this year so far",
            this_year,
            "clients",
            target,
            f"From 1 April {year_start.year} to {long_date(up_to)} ({elapsed} days).",
        ),
        Figure(
            "projected_year_end",
            f"Expected by {long_date(year_end)}",
            projected,
            "clients",
            target,
            projection_note,
        ),
    ]


def key_figures(session: Session, report_filter: ReportFilter, today: date | None = None) -> list[Figure]:
    """Every key figure for the filter, in the order the dashboard shows them."""
    today = today or london_today()
    service = session.get(Service, report_filter.service_id)
    summary = _cohort_summary(session, report_filter, list(service.target_wards or []))
    clients = summary["clients"]
    wte = _wte(session, report_filter)
    plans = _plans_agreed(session, report_filter)
    goals_met, goals_with_outcome = _goal_outcomes(session, report_filter)
    events, reached = session.exec(
        select(func.count(), func.coalesce(func.sum(Event.reached), 0)).where(*events_in_period(report_filter))
    ).one()
    dropped_out = summary["dropped_out"]

    no_wte = "No staff time (WTE) is recorded, so this cannot be worked out. Add it to staff roles."
    staff_words = (
        "This trainer's working time: 1.0 means full time."
        if report_filter.trainer_id is not None
        else "Trainers' and trainees' working time added up: 1.0 means one person full time."
    )
    figures = [
        Figure("registered", "New clients", clients, "clients", note="Clients who signed up in the period."),
        *_yearly_figures(session, report_filter, service, today, clients),
        Figure("wte", "Staff time (full-time workers)", wte, "WTE", note=staff_words),
        Figure(
            "clients_per_wte",
            "New clients per full-time worker",
            per_wte(clients, wte),
            "per WTE",
            note=f"{clients} new clients for {wte} full-time workers." if wte else no_wte,
        ),
        Figure(
            "plans_per_wte",
            "Plans agreed per full-time worker",
            per_wte(plans, wte),
            "per WTE",
            note=f"{plans} plans agreed in the period with new clients." if wte else no_wte,
        ),
        Figure(
            "php_ratio",
            "New clients with a health plan goal (PHP ratio)",
            percent(summary["with_goal"], clients),
            "%",
            note=_of_clients(summary["with_goal"], clients, "have at least one goal"),
        ),
        _target_ward_figure(service, summary),
        Figure(
            "quintile_1_2_share",
            "New clients from the poorest areas (fifths 1 and 2)",
            percent(summary["quintile_1_2"], clients),
            "%",
            note=_of_clients(summary["quintile_1_2"], clients, "live in the poorest two fifths of England")
            + f" For {summary['quintile_unknown']} we do not know the area.",
        ),
        Figure(
            "goals_achieved_share",
            "Goals met or partly met",
            percent(goals_met, goals_with_outcome),
            "%",
            note=f"{goals_met} of {goals_with_outcome} goals set in the period that have an outcome.",
        ),
        Figure(
            "clients_achieved_share",
            "Clients who met a goal",
            percent(summary["achieved"], summary["with_outcome"]),
            "%",
            note=f"{summary['achieved']} of {summary['with_outcome']} new clients with a goal outcome "
            "met or partly met at least one goal.",
        ),
        Figure(
            "signposted_share",
            "New clients signposted",
            percent(summary["signposted"], clients),
            "%",
            note=_of_clients(summary["signposted"], clients, "were pointed to other help"),
        ),
        Figure("events", "Community activities", int(events), "events", note="Activities held in the period."),
        Figure(
            "people_reached",
            "People reached at activities",
            int(reached),
            "people",
            note="A person at two activities counts twice.",
        ),
        Figure(
            "registrations_from_events",
            "New clients who heard of us at an activity",
            summary["from_events"],
            "clients",
            note="New clients who told us the activity where they heard of us.",
        ),
        _top_referral_figure(_referral_sources(session, report_filter), clients),
        Figure(
            "dropout_share",
            "New clients who dropped out",
            percent(dropped_out, clients),
            "%",
            note=_of_clients(dropped_out, clients, "chose to stop or lost contact")
            + " The drop-out by referrer table shows where they came from.",
        ),
    ]
    return figures


def _target_ward_figure(service: Service, summary: dict[str, int]) -> Figure:
    label = "New clients from target wards"
    if "target_ward" not in summary:
        return Figure("target_ward_share", label, None, "%", note="No target wards have been set for the service.")
    target = (
        Decimal(str(service.target_ward_share)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)
        if service.target_ward_share
        else None
    )
    share = percent(summary["target_ward"], summary["clients"])
    note = _of_clients(summary["target_ward"], summary["clients"], "live in a target ward")
    if share is not None and target is not None:
        note += (
            f" That meets the target of {target}%." if share >= target else f" That is below the target of {target}%."
        )
    return Figure("target_ward_share", label, share, "%", target, note)


def _top_referral_figure(sources: list[tuple[str, int]], clients: int) -> Figure:
    label = "Biggest referrer"
    if not sources:
        return Figure("top_referral_source", label, None, "%", note="No new clients have a referrer recorded.")
    code, count = sources[0]
    name = caseload_vocab.REFERRAL_SOURCE.get(code, code)
    over_half = count * 2 > clients  # strictly more than half: exactly half is no warning
    note = f"{name} sent {count} of {clients} new clients."
    if over_half:
        note += " That is more than half: the service depends a lot on one referrer."
    return Figure("top_referral_source", f"{label}: {name}", percent(count, clients), "%", note=note, warning=over_half)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


def monthly_registrations(session: Session, report_filter: ReportFilter) -> list[tuple[date, int]]:
    """(first day of month, clients registered) for every month of the period, zeros included.
    An open end runs to the first or last month with data; at most the last 24 months."""
    year = extract("year", Client.registered_on)
    month = extract("month", Client.registered_on)
    rows = session.exec(select(year, month, func.count()).where(registered(report_filter)).group_by(year, month)).all()
    counts = {int(y) * 12 + int(m) - 1: count for y, m, count in rows}
    first = _month_index(report_filter.date_from) if report_filter.date_from else min(counts, default=None)
    last = _month_index(report_filter.date_to) if report_filter.date_to else max(counts, default=first)
    if first is None or last is None:
        return []
    first = max(first, last - TREND_MONTHS + 1)
    return [(_month_start(index), counts.get(index, 0)) for index in range(first, last + 1)]
