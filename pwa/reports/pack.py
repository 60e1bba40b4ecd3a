"""The whole report pack for one filter: every table, the key figures and data completeness.
Used by the zip download and the benchmark."""

from dataclasses import dataclass

from sqlmodel import Session

from pwa.reports import client_tables, community_tables, goal_tables, measure_tables
from pwa.reports.comparators import load_comparison
from pwa.reports.completeness import FieldCompleteness, completeness
from pwa.reports.filters import ReportFilter
from pwa.reports.key_figures import Figure, key_figures
from pwa.reports.passes import prefetch, shared_passes
from pwa.reports.tables import TABLES, ReportTable, build_table

# The aggregate passes every table, figure and completeness count is folded from, slowest first
# (bench/reports_bench.py); they are independent, so the pack runs them at the same time.
PACK_PASSES = [
    *measure_tables.measure_parts(),
    client_tables.goals_and_first_seen,
    client_tables.journey,
    client_tables.demographics,
    client_tables.background,
    goal_tables.goals_by_code_and_outcome,
    client_tables.area,
    community_tables.events_pass,
    community_tables.signposts_pass,
]
# What the dashboard's key figures and charts read.
DASHBOARD_PASSES = PACK_PASSES[len(measure_tables.measure_parts()) :]


@dataclass
class Pack:
    tables: dict[str, ReportTable]
    figures: list[Figure]
    completeness: list[FieldCompleteness]


def build_pack(session: Session, report_filter: ReportFilter) -> Pack:
    comparison = load_comparison(session, report_filter.comparator, report_filter.service_id)
    with shared_passes():
        prefetch(session, report_filter, PACK_PASSES)
        tables = {name: build_table(session, name, report_filter, comparison) for name in TABLES}
        return Pack(tables, key_figures(session, report_filter), completeness(session, report_filter))
