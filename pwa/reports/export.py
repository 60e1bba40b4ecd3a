"""Reports as data (DOMAIN.md section 9): the CSV and JSON that the web download and the
`flask report` command both write, so the two always match.

CSV columns are `category,count,percent,comparator`: one row per category code in the table's
order, then `total`. Percent has one decimal ("12.5") and is blank when there is nothing to divide
by; the comparator is blank when the comparison has no value; a hidden small count is "<5" with a
blank percent. Lines end in "\n" and the file is UTF-8 (codes only, so plain ASCII in practice).
"""

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from models import Person, Service
from pwa.reports.arithmetic import HIDDEN
from pwa.reports.comparators import Comparison, load_comparison
from pwa.reports.completeness import FieldCompleteness, completeness
from pwa.reports.filters import ReportFilter
from pwa.reports.key_figures import Figure, key_figures
from pwa.reports.tables import TABLES, ReportTable, Row, build_table

KEY_FIGURES = "key_figures"
DATA_COMPLETENESS = "data_completeness"
SPECIAL = {KEY_FIGURES: "Key figures", DATA_COMPLETENESS: "Data completeness"}
REPORT_NAMES = [*TABLES, *SPECIAL]
FORMATS = ("csv", "json")

TABLE_COLUMNS = ["category", "count", "percent", "comparator"]
COMPLETENESS_COLUMNS = ["field", "recorded", "declined", "not_recorded", "percent_recorded"]


@dataclass
class Export:
    """A report ready to write: what it is, for which filter, and what it found."""

    name: str
    report_filter: ReportFilter
    comparison: Comparison
    service_slug: str
    trainer_username: str | None = None
    table: ReportTable | None = None
    figures: list[Figure] | None = None
    fields: list[FieldCompleteness] | None = None

    @property
    def title(self) -> str:
        return self.table.spec.title if self.table else SPECIAL[self.name]


def gather(session: Session, name: str, report_filter: ReportFilter, comparison: Comparison | None = None) -> Export:
    """Run one report (a table, the key figures or data completeness) for the filter."""
    if comparison is None:
        comparison = load_comparison(session, report_filter.comparator, report_filter.service_id)
    service = session.get(Service, report_filter.service_id)
    trainer = session.get(Person, report_filter.trainer_id) if report_filter.trainer_id else None
    export = Export(name, report_filter, comparison, service.slug, trainer.username if trainer else None)
    if name == KEY_FIGURES:
        export.figures = key_figures(session, report_filter)
    elif name == DATA_COMPLETENESS:
        export.fields = completeness(session, report_filter)
    else:
        export.table = build_table(session, name, report_filter, comparison)
    return export


def number(value) -> str:
    """A count or a value as CSV text: blank for None, Decimals as written ("12.5")."""
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    return str(value)


def one_decimal(value) -> str:
    """A percent as CSV text with one decimal place, or blank."""
    if value is None:
        return ""
    return f"{Decimal(str(value)):.1f}"


def _row_cells(row: Row, comparator: bool = True) -> list[str]:
    if row.hidden:
        return [row.code, HIDDEN, "", one_decimal(row.comparator) if comparator else ""]
    return [row.code, str(row.count), one_decimal(row.percent), one_decimal(row.comparator) if comparator else ""]


def _csv_text(header: list[str], lines: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(lines)
    return buffer.getvalue()


def to_csv(export: Export) -> str:
    """The report as CSV text (DOMAIN.md section 9)."""
    if export.figures is not None:
        # Key figures: category = figure code, count = value, comparator = the figure's target.
        lines = [[figure.code, number(figure.value), "", number(figure.target)] for figure in export.figures]
        return _csv_text(TABLE_COLUMNS, lines)
    if export.fields is not None:
        lines = [
            [
                item.field,
                str(item.recorded),
                str(item.declined),
                str(item.not_recorded),
                one_decimal(item.percent_recorded),
            ]
            for item in export.fields
        ]
        return _csv_text(COMPLETENESS_COLUMNS, lines)
    table = export.table
    lines = [_row_cells(row) for row in table.rows]
    lines.append(_row_cells(table.total, comparator=False))
    return _csv_text(TABLE_COLUMNS, lines)


def _json_number(value):
    if value is None:
        return None
    if isinstance(value, int):
        return value
    return float(value)


def _json_row(row: Row) -> dict:
    return {
        "category": row.code,
        "label": row.label,
        "count": HIDDEN if row.hidden else row.count,
        "percent": None if row.hidden else _json_number(row.percent),
        "comparator": _json_number(row.comparator),
    }


def filter_data(export: Export) -> dict:
    """The filter in words a reader of the JSON can check."""
    report_filter = export.report_filter
    return {
        "service": export.service_slug,
        "from": report_filter.date_from.isoformat() if report_filter.date_from else None,
        "to": report_filter.date_to.isoformat() if report_filter.date_to else None,
        "trainer": export.trainer_username,
        "comparator": report_filter.comparator,
        "suppress": report_filter.suppress,
    }


def to_data(export: Export) -> dict:
    """The report as plain data, for JSON."""
    data = {"table": export.name, "title": export.title, "filter": filter_data(export)}
    if export.figures is not None:
        data["figures"] = [
            {
                "code": figure.code,
                "label": figure.label,
                "value": _json_number(figure.value),
                "unit": figure.unit,
                "target": _json_number(figure.target),
                "note": figure.note,
                "warning": figure.warning,
            }
            for figure in export.figures
        ]
        return data
    if export.fields is not None:
        data["fields"] = [
            {
                "field": item.field,
                "label": item.label,
                "recorded": item.recorded,
                "declined": item.declined,
                "not_recorded": item.not_recorded,
                "percent_recorded": _json_number(item.percent_recorded),
            }
            for item in export.fields
        ]
        return data
    table = export.table
    spec = table.spec
    data.update(
        unit=spec.unit,
        denominator=spec.denominator,
        basis=spec.basis,
        comparison=table.comparison_name,
        rows=[_json_row(row) for row in table.rows],
        total={"count": table.total.count, "percent": _json_number(table.total.percent)},
        excluded=table.excluded,
    )
    if table.improved is not None:
        data["improved"] = {"count": table.improved.count, "percent": _json_number(table.improved.percent)}
    return data


def to_json(export: Export) -> str:
    return json.dumps(to_data(export), indent=2) + "\n"


def _period_words(date_from: date | None, date_to: date | None) -> str:
    if date_from and date_to:
        return f"{date_from.isoformat()}-to-{date_to.isoformat()}"
    if date_from:
        return f"from-{date_from.isoformat()}"
    if date_to:
        return f"to-{date_to.isoformat()}"
    return "all-time"


def filename(export: Export, extension: str = "csv") -> str:
    """A download name that says what is inside: north-gender-2026-04-01-to-2026-11-22.csv."""
    report_filter = export.report_filter
    parts = [export.service_slug, export.name]
    if export.trainer_username:
        parts.append(export.trainer_username)
    parts.append(_period_words(report_filter.date_from, report_filter.date_to))
    return "-".join(parts) + f".{extension}"
