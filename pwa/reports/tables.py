"""The report tables (DOMAIN.md sections 7 and 9): what each counts, in what unit, over what
denominator, and the one function that turns database counts into rows with percents,
comparator percents and a total.

Each table's count function runs GROUP BY queries and returns Counts; build_table() does the
rest, so every table follows the same conventions: a row for every category (zeros included)
in the table's order, percent to one decimal place, comparator as given, and a total row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from sqlmodel import Session

from pwa.caseload import vocab as caseload_vocab
from pwa.community import vocab as community_vocab
from pwa.plans import vocab as plans_vocab
from pwa.reports import client_tables, community_tables, goal_tables, measure_tables
from pwa.reports.arithmetic import change_bins, hidden_codes, is_improvement, percent
from pwa.reports.comparators import Comparison
from pwa.reports.counts import Counts
from pwa.reports.filters import ReportFilter


@dataclass(frozen=True)
class TableSpec:
    name: str
    title: str
    group: str  # clients, goals, change, community
    unit: str  # what is counted, plural: "clients", "goals", "events", "people reached"
    denominator: str  # what the percent is of, in words
    basis: str  # which date the period applies to
    count: Callable[[Session, ReportFilter], Counts]
    categories: dict[str, str] = field(default_factory=dict)
    excluded_note: str = ""  # "{n} assessed clients have no primary issue recorded."
    community: bool = False  # champions may see it (counts of events and signposts only)


@dataclass
class Row:
    code: str
    label: str
    count: int
    percent: Decimal | None
    comparator: Decimal | None = None
    hidden: bool = False  # suppressed on an export: count shows as "<5", no percent


@dataclass
class ReportTable:
    spec: TableSpec
    rows: list[Row]
    total: Row
    excluded: int
    comparison_name: str
    improved: Row | None = None  # change tables: the share that improved


REGISTRATION = "registration date"
NOT_RECORDED = {"not_recorded": "Not recorded"}


def _without(words: dict[str, str], *codes: str) -> dict[str, str]:
    return {code: label for code, label in words.items() if code not in codes}


GOALS_PER_CLIENT = {"none": "No goals", **{str(n): str(n) for n in range(1, 11)}, "over_10": "More than 10"}
ELIGIBILITY = {"eligible": "Eligible", "not_eligible": "Not eligible", "not_recorded": "Not checked yet"}
SIGNPOSTING = {"done": "Done", "not_yet_done": "Not done yet", "not_required": "Not needed"}
GOAL_CATEGORIES = {
    "diet": "Eating",
    "exercise": "Being active",
    "smoking": "Smoking",
    "alcohol": "Alcohol",
    "wellbeing": "Wellbeing",
    "weight": "Weight",
    "other": "Other",
}
GOAL_OUTCOMES = _without(plans_vocab.GOAL_OUTCOMES, "none_yet")
FOLLOW_UP_RESULTS = {**caseload_vocab.SIGNPOST_RESULTS, "not_recorded": "No result yet"}
DESTINATIONS = _without(caseload_vocab.REFERRAL_SOURCE, "not_recorded")

# (instrument, step, lowest bin, highest bin) of each change table (DOMAIN.md section 7).
CHANGE_SCALES = {
    "self_efficacy_change": ("self_efficacy", 5, -10, 25),
    "general_health_change": ("general_health", 10, -20, 70),
    "who5_change": ("who5_percent", 5, -15, 45),
}

_client = dict(group="clients", unit="clients", denominator="Clients registered in the period", basis=REGISTRATION)
_goal = dict(group="goals", unit="goals", denominator="Goals set in the period", basis="date the goal was set")
_change = dict(
    group="change",
    unit="clients",
    denominator="Clients registered in the period with both a start and an end score",
    basis=REGISTRATION,
    excluded_note="{n} clients registered in the period have no pair of start and end scores.",
)
_community = dict(group="community", community=True, basis="date of the activity")

SPECS = [
    TableSpec("gender", "Gender", count=client_tables.gender, categories=caseload_vocab.GENDER, **_client),
    TableSpec("age_band", "Age", count=client_tables.age_band, categories=caseload_vocab.AGE_BANDS, **_client),
    TableSpec("ethnicity", "Ethnicity", count=client_tables.ethnicity, categories=caseload_vocab.ETHNICITY, **_client),
    TableSpec(
        "disability", "Disability", count=client_tables.disability, categories=caseload_vocab.DISABILITY, **_client
    ),
    TableSpec(
        "how_heard",
        "How they heard of us",
        count=client_tables.how_heard,
        categories=caseload_vocab.HOW_HEARD,
        **_client,
    ),
    TableSpec(
        "referral_source",
        "Who referred them",
        count=client_tables.referral_source,
        categories=caseload_vocab.REFERRAL_SOURCE,
        **_client,
    ),
    TableSpec(
        "deprivation_quintile",
        "Deprivation (fifths of England, from the postcode)",
        count=client_tables.deprivation_quintile,
        categories=caseload_vocab.QUINTILES,
        **_client,
    ),
    TableSpec("postcode_district", "Postcode area", count=client_tables.postcode_district, **_client),
    TableSpec("ward", "Ward", count=client_tables.ward, **_client),
    TableSpec("month_first_seen", "Month first seen", count=client_tables.month_first_seen, **_client),
    TableSpec("eligibility", "Eligibility", count=client_tables.eligibility, categories=ELIGIBILITY, **_client),
    TableSpec(
        "primary_issue",
        "Main thing they want to change",
        count=client_tables.primary_issue,
        categories=caseload_vocab.PRIMARY_ISSUE,
        group="clients",
        unit="clients",
        denominator="Assessed clients registered in the period with a main issue recorded",
        basis=REGISTRATION,
        excluded_note="{n} assessed clients have no main issue recorded.",
    ),
    TableSpec(
        "bmi_band",
        "BMI at assessment",
        count=measure_tables.bmi_band,
        categories=caseload_vocab.BMI_BANDS,
        group="clients",
        unit="clients",
        denominator="Clients registered in the period with a BMI at the start",
        basis=REGISTRATION,
        excluded_note="{n} clients registered in the period have no BMI at the start.",
    ),
    TableSpec(
        "goals_per_client",
        "Goals in each client's plan",
        count=client_tables.goals_per_client,
        categories=GOALS_PER_CLIENT,
        **_client,
    ),
    TableSpec("signposting", "Signposting", count=client_tables.signposting, categories=SIGNPOSTING, **_client),
    TableSpec("goal_category", "Goal type", count=goal_tables.goal_category, categories=GOAL_CATEGORIES, **_goal),
    TableSpec("goal", "Goal", count=goal_tables.goal, categories=plans_vocab.GOAL_CODES, **_goal),
    TableSpec(
        "goal_outcome",
        "Goal outcome",
        count=goal_tables.goal_outcome,
        categories=GOAL_OUTCOMES,
        group="goals",
        unit="goals",
        denominator="Goals set in the period that have an outcome",
        basis="date the goal was set",
        excluded_note="{n} goals set in the period have no outcome yet.",
    ),
    TableSpec(
        "self_efficacy_change",
        "Change in self-efficacy (points)",
        count=measure_tables.self_efficacy_change,
        categories=change_bins(5, -10, 25),
        **_change,
    ),
    TableSpec(
        "general_health_change",
        "Change in general health (points)",
        count=measure_tables.general_health_change,
        categories=change_bins(10, -20, 70),
        **_change,
    ),
    TableSpec(
        "who5_change",
        "Change in wellbeing, WHO-5 (percent points)",
        count=measure_tables.who5_change,
        categories=change_bins(5, -15, 45),
        **_change,
    ),
    TableSpec(
        "activities_by_type",
        "Community activities by type",
        count=community_tables.activities_by_type,
        categories=community_vocab.EVENT_TYPES,
        unit="events",
        denominator="Community activities held in the period",
        **_community,
    ),
    TableSpec(
        "people_reached",
        "People reached, by type of activity",
        count=community_tables.people_reached,
        categories=community_vocab.EVENT_TYPES,
        unit="people reached",
        denominator="People reached at activities in the period (a person at two events counts twice)",
        **_community,
    ),
    TableSpec(
        "reach_by_venue_quintile",
        "People reached, by deprivation of the venue",
        count=community_tables.reach_by_venue_quintile,
        categories=caseload_vocab.QUINTILES,
        unit="people reached",
        denominator="People reached at activities in the period",
        **_community,
    ),
    TableSpec(
        "signposts_by_destination",
        "Signposts by destination",
        count=community_tables.signposts_by_destination,
        categories=DESTINATIONS,
        unit="signposts",
        denominator="Signposts and referrals made in the period",
        **_community,
    ),
    TableSpec(
        "follow_up_results",
        "What came of signposts",
        count=community_tables.follow_up_results,
        categories=FOLLOW_UP_RESULTS,
        unit="signposts",
        denominator="Signposts and referrals made in the period",
        **_community,
    ),
    TableSpec(
        "dropout_by_referral_source",
        "Drop-out by who referred them",
        count=client_tables.dropout_by_referral_source,
        categories=caseload_vocab.REFERRAL_SOURCE,
        group="clients",
        unit="clients who dropped out",
        denominator="Each row: clients from that referrer registered in the period",
        excluded_note="",
        basis=REGISTRATION,
    ),
]
TABLES: dict[str, TableSpec] = {spec.name: spec for spec in SPECS}
COMMUNITY_TABLES = [spec.name for spec in SPECS if spec.community]


def build_table(session: Session, name: str, report_filter: ReportFilter, comparison: Comparison) -> ReportTable:
    """Run the table's counts and lay them out by the conventions of DOMAIN.md section 7."""
    spec = TABLES[name]
    counts = spec.count(session, report_filter)
    categories = counts.categories if counts.categories is not None else spec.categories
    denominators = counts.row_denominators
    total_count = sum(counts.by_category.get(code, 0) for code in categories)
    total_denominator = sum(denominators.values()) if denominators is not None else total_count
    hidden = (
        hidden_codes({code: counts.by_category.get(code, 0) for code in categories})
        if report_filter.suppress
        else set()
    )

    rows = []
    for code, label in categories.items():
        count = counts.by_category.get(code, 0)
        of = denominators.get(code, 0) if denominators is not None else total_count
        rows.append(
            Row(
                code,
                label,
                count,
                None if code in hidden else percent(count, of),
                comparison.percent(name, code),
                hidden=code in hidden,
            )
        )
    total = Row("total", "Total", total_count, percent(total_count, total_denominator))
    improved = None
    if spec.group == "change":
        better = sum(row.count for row in rows if is_improvement(row.code))
        improved = Row("improved", "Improved", better, percent(better, total_count))
    return ReportTable(spec, rows, total, counts.excluded, comparison.name, improved)
