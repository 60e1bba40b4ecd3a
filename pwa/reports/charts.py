"""The dashboard's small charts: the geometry of server-drawn SVG bars, worked out from the numbers
(templates/reports/_charts.html draws them). Each chart also carries the same numbers as a small
table, its text alternative.

Sizes are in viewBox units; the SVG is drawn at the width of its box (360 px phones included),
so text of 11 units shows at about 11 px on a phone.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from pwa.reports.tables import ReportTable

WIDTH = 320  # the viewBox width of every chart
FONT = 11

# Series: the service itself, and the comparison beside it (classes in static/css/app.css).
SERVICE = "chart__bar"
COMPARISON = "chart__bar chart__bar--comparison"


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    css: str
    text: str  # the number beside or above the bar
    text_x: float
    text_y: float
    anchor: str = "start"  # SVG text-anchor of the number


@dataclass
class Label:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor


@dataclass
class Chart:
    key: str  # id prefix for title, desc and caption
    title: str  # short: what the chart shows
    description: str  # the numbers in one or two sentences, for screen readers
    height: float
    bars: list[Bar]
    labels: list[Label]
    axis: tuple[float, float, float, float] | None  # the line the bars stand on (x1, y1, x2, y2)
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css, words)
    headers: list[str] = field(default_factory=list)  # the text alternative's columns
    rows: list[list[str]] = field(default_factory=list)  # ... and its rows (first cell: row heading)
    empty: bool = False  # nothing to draw (no data in the period): say so instead
    width: float = WIDTH


def _number(value: Decimal | int | None) -> str:
    if value is None:
        return "–"
    return f"{value:,}" if isinstance(value, int) else f"{value}"


def _percent(value: Decimal | None) -> str:
    return "–" if value is None else f"{value}%"


def month_label(day: date) -> str:
    return day.strftime("%b %Y")


def months_chart(months: list[tuple[date, int]]) -> Chart:
    """Vertical bars: clients registered in each month of the period. With many months, the
    numbers above the bars and some month names are left out (the table has them all)."""
    top, base, height = 16, 128, 160
    left, right = 4, WIDTH - 4
    count = max(len(months), 1)
    slot = (right - left) / count
    bar_width = max(slot * 0.7, 1)
    biggest = max((value for _, value in months), default=0)
    label_every = -(-count // 12)  # at most 12 month names under the bars
    bars, labels = [], []
    previous_year = None
    for index, (month, value) in enumerate(months):
        x = left + index * slot + (slot - bar_width) / 2
        bar_height = (base - top) * value / biggest if biggest else 0
        centre = x + bar_width / 2
        text = str(value) if count <= 12 else ""
        top_y = base - bar_height
        bars.append(
            Bar(_r(x), _r(top_y), _r(bar_width), _r(bar_height), SERVICE, text, _r(centre), _r(top_y - 3), "middle")
        )
        if index % label_every == 0:
            labels.append(Label(_r(centre), base + 13, month.strftime("%b"), "middle"))
            if month.year != previous_year:  # the year under the first month named in it
                labels.append(Label(_r(centre), base + 26, str(month.year), "middle"))
                previous_year = month.year
    total = sum(value for _, value in months)
    if months and not total:
        description = f"No clients registered from {month_label(months[0][0])} to {month_label(months[-1][0])}."
    elif months:
        span = f"{month_label(months[0][0])} to {month_label(months[-1][0])}"
        most = max(months, key=lambda item: item[1])
        description = f"{total} clients registered from {span}. Most in one month: {most[1]} in {month_label(most[0])}."
    else:
        description = "No months in this period."
    return Chart(
        key="chart-months",
        title="Clients registered each month",
        description=description,
        height=height,
        bars=bars,
        labels=labels,
        axis=(left, base + 0.5, right, base + 0.5),
        headers=["Month", "Clients registered"],
        rows=[[month_label(month), str(value)] for month, value in months],
        empty=not months,
    )


def _r(value: float) -> float:
    return round(value, 1)


def _horizontal(
    key: str, title: str, row_heading: str, table: ReportTable, short_labels: dict[str, str] | None = None
) -> Chart:
    """Horizontal bars of each row's percent, with the comparison's percent under it when there is
    one. Each row's name sits above its bars so long names fit a phone."""
    with_comparison = any(row.comparator is not None for row in table.rows)
    bar_height, gap = 11, 9
    left, room = 0, WIDTH - 100  # leave space after the longest bar for its number: "100.0% (12,345)"
    biggest = max(
        [float(row.percent or 0) for row in table.rows] + [float(row.comparator or 0) for row in table.rows] + [1.0]
    )
    bars, labels = [], []
    y = 0.0
    for row in table.rows:
        name = (short_labels or {}).get(row.code, row.label)
        labels.append(Label(left, _r(y + FONT), name))
        y += FONT + 4
        series = [(SERVICE, row.percent, _row_text(row))]
        if with_comparison:
            series.append((COMPARISON, row.comparator, _percent(row.comparator)))
        for css, value, text in series:
            width = room * float(value or 0) / biggest
            bars.append(
                Bar(left, _r(y), _r(width), bar_height, css, text, _r(left + width + 4), _r(y + bar_height - 2))
            )
            y += bar_height + 2
        y += gap
    legend = [(SERVICE, "This service")]
    if with_comparison:
        legend.append((COMPARISON, table.comparison_name))
    headers = [row_heading, table.spec.unit.capitalize(), "Percent"] + (["Comparison"] if with_comparison else [])
    rows = [
        [row.label, "<5" if row.hidden else str(row.count), _percent(row.percent)]
        + ([_percent(row.comparator)] if with_comparison else [])
        for row in table.rows
    ]
    rows.append(["Total", str(table.total.count), _percent(table.total.percent)] + ([""] if with_comparison else []))
    described = "; ".join(
        f"{row.label} {_percent(row.percent)}"
        + (f" (comparison {_percent(row.comparator)})" if with_comparison else "")
        for row in table.rows
    )
    return Chart(
        key=key,
        title=title,
        description=f"Of {table.total.count} {table.spec.unit}: {described}.",
        height=_r(y),
        bars=bars,
        labels=labels,
        axis=None,  # a line at the left would run through the row names
        legend=legend,
        headers=headers,
        rows=rows,
        empty=table.total.count == 0,
    )


def _row_text(row) -> str:
    if row.hidden:
        return "<5"
    return f"{_percent(row.percent)} ({row.count})" if row.percent is not None else str(row.count)


QUINTILE_NAMES = {
    "q1_most_deprived": "1, most deprived",
    "q2": "2",
    "q3": "3",
    "q4": "4",
    "q5_least_deprived": "5, least deprived",
    "unknown": "Not known",
}


def quintile_chart(table: ReportTable) -> Chart:
    """Reach by deprivation quintile: the service's percent of clients beside the comparison's."""
    return _horizontal(
        "chart-quintiles", "Clients by deprivation of where they live", "Deprivation fifth", table, QUINTILE_NAMES
    )


def outcome_chart(table: ReportTable) -> Chart:
    """Goal outcomes: the percent of goals with an outcome that were achieved, part achieved or not."""
    return _horizontal("chart-outcomes", "What came of goals", "Outcome", table)
