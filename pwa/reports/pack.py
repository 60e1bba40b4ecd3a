"""The whole report pack for one filter: every table, the key figures and data completeness.
Used by the zip download and the benchmark."""

from dataclasses import dataclass

from sqlmodel import Session

from pwa.reports.comparators import load_comparison
from pwa.reports.completeness import FieldCompleteness, completeness
from pwa.reports.filters import ReportFilter
from pwa.reports.key_figures import Figure, key_figures
from pwa.reports.passes import shared_passes
from pwa.reports.tables import TABLES, ReportTable, build_table


@dataclass
class Pack:
    tables: dict[str, ReportTable]
    figures: list[Figure]
    completeness: list[FieldCompleteness]


def build_pack(session: Session, report_filter: ReportFilter) -> Pack:
    comparison = load_comparison(session, report_filter.comparator, report_filter.service_id)
    with shared_passes():
        tables = {name: build_table(session, name, report_filter, comparison) for name in TABLES}
        return Pack(tables, key_figures(session, report_filter), completeness(session, report_filter))
