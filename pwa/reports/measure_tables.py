"""Tables from measures, for the clients registered in the period: BMI at the start and the
three change tables (self-efficacy, general health, WHO-5).

Each folds from one statement (a pass) over the cohort's own measures (joined by client_id, index
ix_measures_client_instrument), memoised as a shared pass:
- change: each client's pair from their latest episode (by number, then id) that has both a
  baseline and an exit score: the episode's first baseline and last exit (by taken_on, then id);
- BMI: the client's first baseline BMI (by taken_on, then id), whichever episode it is in;
- and the size of the cohort, so clients with no pair or no BMI are counted as excluded.
The few distinct changes and BMI values are binned here.
"""

from collections import Counter
from collections.abc import Callable
from functools import partial

from sqlalchemy import Float, String, and_, cast, exists, func, literal, null, or_, union_all
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models import Client, Episode, Measure
from pwa.caseload.measures import bmi_band as band_of
from pwa.reports.arithmetic import change_bin
from pwa.reports.cohort import registered
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter
from pwa.reports.passes import once

COHORT = "cohort"  # the row holding the number of clients registered in the period
BMI = "bmi"
CHANGES = "changes"


def _instruments() -> dict[str, tuple[str, int, int, int]]:
    from pwa.reports.tables import CHANGE_SCALES  # tables imports this module

    return CHANGE_SCALES


def _any():
    """EXISTS (SELECT 1 ...): SQLite reads SELECT * from the table rows, SELECT 1 from the index alone."""
    return exists(literal(1))


def _change_rows(report_filter: ReportFilter, instruments: list[str]):
    """(instrument, change, clients): exit scores that are the last of their episode, in the
    client's latest episode with both a baseline and an exit, less that episode's first baseline."""
    exit_ = Measure
    later_exit = aliased(Measure)
    baseline = aliased(Measure)
    other = aliased(Episode)
    has_baseline, has_exit = aliased(Measure), aliased(Measure)
    same_instrument = lambda m: and_(m.client_id == exit_.client_id, m.instrument == exit_.instrument)  # noqa: E731
    first_baseline = (
        select(baseline.value)
        .where(same_instrument(baseline), baseline.stage == "baseline", baseline.episode_id == exit_.episode_id)
        .order_by(baseline.taken_on, baseline.id)
        .limit(1)
        .scalar_subquery()
    )
    is_last_exit = ~_any().where(
        same_instrument(later_exit),
        later_exit.stage == "exit",
        later_exit.episode_id == exit_.episode_id,
        or_(
            later_exit.taken_on > exit_.taken_on,
            and_(later_exit.taken_on == exit_.taken_on, later_exit.id > exit_.id),
        ),
    )
    in_latest_paired_episode = ~_any().where(
        other.client_id == exit_.client_id,
        or_(other.number > Episode.number, and_(other.number == Episode.number, other.id > Episode.id)),
        # Two levels down: say which outer tables these refer to (auto-correlation looks one level up).
        _any()
        .where(same_instrument(has_baseline), has_baseline.stage == "baseline", has_baseline.episode_id == other.id)
        .correlate(exit_, other),
        _any()
        .where(same_instrument(has_exit), has_exit.stage == "exit", has_exit.episode_id == other.id)
        .correlate(exit_, other),
    )
    change = (exit_.value - first_baseline).label("value")
    return (
        select(exit_.instrument, change, func.count())
        .select_from(Client)
        .join(exit_, exit_.client_id == Client.id)
        .join(Episode, Episode.id == exit_.episode_id)
        .where(
            registered(report_filter),
            exit_.instrument.in_(instruments),
            exit_.stage == "exit",
            is_last_exit,
            in_latest_paired_episode,
        )
        .group_by(exit_.instrument, change)
    )


def _bmi_rows(report_filter: ReportFilter):
    """("bmi", value, clients): each client's first baseline BMI."""
    earlier = aliased(Measure)
    is_first = ~_any().where(
        earlier.client_id == Measure.client_id,
        earlier.instrument == BMI,
        earlier.stage == "baseline",
        or_(earlier.taken_on < Measure.taken_on, and_(earlier.taken_on == Measure.taken_on, earlier.id < Measure.id)),
    )
    return (
        select(Measure.instrument, Measure.value, func.count())
        .select_from(Client)
        .join(Measure, Measure.client_id == Client.id)
        .where(registered(report_filter), Measure.instrument == BMI, Measure.stage == "baseline", is_first)
        .group_by(Measure.instrument, Measure.value)
    )


def measure_pass(session: Session, report_filter: ReportFilter, part: str) -> dict[str, Counter]:
    """One part of the measures: "bmi", or "changes" (every change instrument in one statement,
    which shares the work of finding each client's latest paired episode).
    {instrument: Counter(value: clients), "cohort": Counter({None: clients registered in the period})}.
    Memoised; the two parts are separate statements so a pack can run them at once."""
    key = ("measures of the cohort", part, report_filter.with_changes(comparator="england", suppress=False, period=""))

    def compute():
        instruments = [instrument for instrument, *_ in _instruments().values()]
        rows = _bmi_rows(report_filter) if part == BMI else _change_rows(report_filter, instruments)
        cohort = select(cast(literal(COHORT), String), cast(null(), Float), func.count()).where(
            registered(report_filter)
        )
        found: dict[str, Counter] = {}
        for instrument, value, count in session.exec(union_all(rows, cohort)).all():
            if value is not None or instrument == COHORT:
                found.setdefault(instrument, Counter())[value] += count
        return found

    return once(key, compute)


def measure_parts() -> list[Callable[[Session, ReportFilter], dict]]:
    """The measure passes as (session, filter) functions, for passes.prefetch: changes first (slowest)."""
    return [partial(measure_pass, part=part) for part in (CHANGES, BMI)]


def _cohort_size(found: dict[str, Counter]) -> int:
    return sum(found.get(COHORT, Counter()).values())


def bmi_band(session, report_filter):
    """The client's first BMI taken at a baseline, in [20, 25) style bands; clients with none are excluded."""
    found = measure_pass(session, report_filter, BMI)
    by_category: Counter = Counter()
    for value, count in found.get(BMI, Counter()).items():
        by_category[band_of(value)] += count
    return Counts(dict(by_category), excluded=_cohort_size(found) - sum(by_category.values()))


def change_counts(session: Session, report_filter: ReportFilter, table: str) -> Counts:
    """Clients registered in the period by change in a score: in each episode the first baseline
    and the last exit score; each client once, from their latest episode that has both."""
    instrument, step, lowest, highest = _instruments()[table]
    found = measure_pass(session, report_filter, CHANGES)
    by_category: Counter = Counter()
    for change, count in found.get(instrument, Counter()).items():
        # Scores are whole or one-decimal numbers: round away float noise (7.4999999 is 7.5).
        by_category[change_bin(round(float(change), 6), step, lowest, highest)] += count
    return Counts(dict(by_category), excluded=_cohort_size(found) - sum(by_category.values()))


def self_efficacy_change(session, report_filter):
    return change_counts(session, report_filter, "self_efficacy_change")


def general_health_change(session, report_filter):
    return change_counts(session, report_filter, "general_health_change")


def who5_change(session, report_filter):
    return change_counts(session, report_filter, "who5_change")
