"""The report filter of the current request, with the choices the filter form offers."""

from dataclasses import dataclass

from flask import request

from pwa import db
from pwa.clock import london_today
from pwa.identity import current_actor
from pwa.reports.comparators import Comparison, comparator_choices, load_comparison
from pwa.reports.filters import PERIODS, ReportFilter, read_filter, trainer_choices


@dataclass
class FilterForm:
    """Everything the filter form and a report page need about the chosen filter."""

    filter: ReportFilter
    errors: dict[str, str]
    trainers: list[tuple[int, str]]
    comparators: list[tuple[str, str]]
    comparison: Comparison
    periods: dict[str, str]

    def query(self, **changes) -> dict[str, str]:
        """The query string that gives this filter again (for CSV links), with changes."""
        values = {"period": self.filter.period, "comparator": self.filter.comparator}
        if self.filter.period == "custom":
            values["from"] = self.filter.date_from.isoformat() if self.filter.date_from else ""
            values["to"] = self.filter.date_to.isoformat() if self.filter.date_to else ""
        if self.filter.trainer_id is not None:
            values["trainer"] = str(self.filter.trainer_id)
        if self.filter.suppress:
            values["suppress"] = "1"
        values.update(changes)
        return {key: value for key, value in values.items() if value not in ("", None)}


def current_filter(trainer_id: int | None = None) -> FilterForm:
    """Read the filter from the query string for the actor's service. trainer_id pins the
    trainer (a trainer's own data-completeness page)."""
    actor = current_actor()
    session = db.session()
    trainers = trainer_choices(session, actor.service_id)
    comparators = comparator_choices(session, actor.service_id)
    report_filter, errors = read_filter(request.args, actor.service_id, london_today(), trainers, comparators)
    if trainer_id is not None:
        report_filter = report_filter.with_changes(trainer_id=trainer_id)
    comparison = load_comparison(session, report_filter.comparator, actor.service_id)
    return FilterForm(report_filter, errors, trainers, comparators, comparison, PERIODS)
