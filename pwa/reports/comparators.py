"""Comparator sets: percentages to set a service's figures beside, stored as given, never
derived (DOMAIN.md section 7). The England set ships with the app as a file; managers add
their own (for example the borough population), kept in the database for their service."""

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from sqlmodel import Session, select

from models import ComparatorSet, ComparatorValue

ENGLAND = "england"
NONE = "none"
ENGLAND_NAME = "England, DCRS national report (Sept 2010)"
ENGLAND_FILE = Path(__file__).with_name("england_dcrs_2010.csv")


@dataclass(frozen=True)
class Comparison:
    """A comparator set ready to use: its name and {(table, category): percent}."""

    key: str
    name: str
    values: dict[tuple[str, str], Decimal] = field(default_factory=dict)

    def percent(self, table: str, category: str) -> Decimal | None:
        return self.values.get((table, category))


@cache
def england() -> Comparison:
    with ENGLAND_FILE.open(newline="", encoding="utf-8") as handle:
        values = {(row["table"], row["category"]): Decimal(row["percent"]) for row in csv.DictReader(handle)}
    return Comparison(ENGLAND, ENGLAND_NAME, values)


def comparator_choices(session: Session, service_id: int) -> list[tuple[str, str]]:
    """Keys and names for the comparison picker: England, the service's own sets, or none."""
    own = session.exec(
        select(ComparatorSet.id, ComparatorSet.name)
        .where(ComparatorSet.service_id == service_id)
        .order_by(ComparatorSet.name)
    ).all()
    return [(ENGLAND, ENGLAND_NAME), *((str(set_id), name) for set_id, name in own), (NONE, "No comparison")]


def load_comparison(session: Session, key: str, service_id: int) -> Comparison:
    """The comparison a filter names. Another service's set, or one that is gone, compares with nothing."""
    if key == ENGLAND:
        return england()
    if key.isdigit():
        chosen = session.get(ComparatorSet, int(key))
        if chosen is not None and chosen.service_id == service_id:
            rows = session.exec(
                select(ComparatorValue.table_name, ComparatorValue.category, ComparatorValue.percent).where(
                    ComparatorValue.set_id == chosen.id
                )
            ).all()
            values = {(table, category): Decimal(str(value)) for table, category, value in rows}
            return Comparison(key, chosen.name, values)
    return Comparison(NONE, "No comparison")
