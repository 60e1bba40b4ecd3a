"""Key figures (DOMAIN.md section 7): registrations against the yearly target with a straight-line
projection, clients and plans per WTE, PHP ratio, target wards, quintiles 1 and 2, goals achieved,
signposting, events, and warnings. Every number comes from aggregate SQL."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass
class Figure:
    code: str  # the CSV category: "registered", "php_ratio"...
    label: str  # plain words: "Clients registered"
    value: Decimal | int | None  # None when it cannot be worked out (say why in note)
    unit: str = ""  # "clients", "%", "per WTE"...
    target: Decimal | int | None = None  # what it is measured against (the CSV comparator column)
    note: str = ""  # one short plain sentence: "On track for 312 by 31 March 2027."
    warning: bool = False  # shown as a warning (one referral source over half of clients)


def key_figures(session, report_filter) -> list[Figure]:
    raise NotImplementedError


def monthly_registrations(session, report_filter) -> list[tuple[date, int]]:
    """(first day of month, clients registered) for every month of the period, zeros included."""
    raise NotImplementedError
