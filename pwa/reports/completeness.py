"""Data completeness (DOMAIN.md section 7): per field, how many clients registered in the period
have it recorded, declined to say, or not recorded, and which clients are missing it."""

from dataclasses import dataclass
from decimal import Decimal

from pwa.reports.arithmetic import percent


@dataclass
class FieldCompleteness:
    field: str  # "gender"
    label: str  # "Gender"
    recorded: int
    declined: int
    not_recorded: int

    @property
    def total(self) -> int:
        return self.recorded + self.declined + self.not_recorded

    @property
    def percent_recorded(self) -> Decimal | None:
        return percent(self.recorded, self.total)


def completeness(session, report_filter) -> list[FieldCompleteness]:
    raise NotImplementedError


def missing_clients(session, report_filter, field: str, limit: int = 50):
    """(clients missing the field as [(client_id, full_name, trainer name)], how many in all)."""
    raise NotImplementedError
