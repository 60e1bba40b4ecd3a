"""Checking a manager's comparator set before it is saved: a name, where the figures came from,
and lines of `table,category,percent` (pasted or from a .csv file). Every problem is listed by
line so it can be fixed in one go; nothing is saved while any remain."""

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pwa.reports.comparators import ENGLAND, ENGLAND_NAME, NONE
from pwa.reports.tables import TABLES

HEADER = ["table", "category", "percent"]
NAME_LIMIT = 120
SOURCE_LIMIT = 300
CATEGORY_LIMIT = 60
LINE_LIMIT = 2000
PERCENT_SHAPE = re.compile(r"^\d{1,3}(\.\d)?$")


@dataclass
class CheckedSet:
    name: str = ""
    source: str = ""
    values: list[tuple[str, str, Decimal]] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # field -> message (name, source, figures)
    line_errors: list[str] = field(default_factory=list)  # "Line 4: 'males' is not a category of gender."

    @property
    def ok(self) -> bool:
        return not self.errors and not self.line_errors


def _category(table: str, raw: str) -> tuple[str | None, str]:
    """The category code as stored, or None and why not."""
    spec = TABLES[table]
    if not spec.categories:
        # Rows come from the data (wards, postcode areas, months): any code may be compared.
        if not raw:
            return None, f"The category is empty (write a code of {table})."
        if len(raw) > CATEGORY_LIMIT:
            return None, f"The category is longer than {CATEGORY_LIMIT} letters."
        return raw, ""
    code = raw.lower()
    if code not in spec.categories:
        return None, f"'{raw}' is not a category of {table}."
    return code, ""


def _percent(raw: str) -> tuple[Decimal | None, str]:
    if not PERCENT_SHAPE.match(raw):
        try:
            Decimal(raw)
        except InvalidOperation:
            return None, f"'{raw}' is not a number. Write a percent like 12.5."
        return None, f"'{raw}' must be a percent from 0 to 100 with at most one decimal place, like 12.5."
    value = Decimal(raw)
    if value > 100:
        return None, f"'{raw}' is more than 100."
    return value, ""


def check_lines(text: str) -> tuple[list[tuple[str, str, Decimal]], list[str]]:
    """The (table, category, percent) values of the text, and a message per bad line."""
    values: list[tuple[str, str, Decimal]] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    lines = text.splitlines()
    if len(lines) > LINE_LIMIT:
        return [], [f"There are {len(lines)} lines. Send at most {LINE_LIMIT}."]
    for number, cells in enumerate(csv.reader(lines), start=1):
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if number == 1 and [cell.lower() for cell in cells] == HEADER:
            continue
        if len(cells) != 3:
            errors.append(f"Line {number}: Write three things with commas between: table, category, percent.")
            continue
        table, raw_category, raw_percent = cells
        table = table.lower()
        problems = []
        category = None
        if table not in TABLES:
            problems.append(f"'{cells[0]}' is not a report table.")
        else:
            category, problem = _category(table, raw_category)
            if problem:
                problems.append(problem)
        percent, problem = _percent(raw_percent)
        if problem:
            problems.append(problem)
        if not problems and (table, category) in seen:
            problems.append(f"{table} {category} is already on line {seen[(table, category)]}.")
        if problems:
            errors.append(f"Line {number}: " + " ".join(problems))
            continue
        seen[(table, category)] = number
        values.append((table, category, percent))
    return values, errors


def check_set(name: str, source: str, text: str, taken_names: set[str]) -> CheckedSet:
    """Check a new set: the name (new in the service, not England's), the source and every line."""
    checked = CheckedSet(name=(name or "").strip(), source=(source or "").strip())
    taken = {taken.casefold() for taken in taken_names} | {ENGLAND, NONE, ENGLAND_NAME.casefold()}
    if not checked.name:
        checked.errors["name"] = "Give the set a name, like Borough population 2021."
    elif len(checked.name) > NAME_LIMIT:
        checked.errors["name"] = f"Make the name shorter: at most {NAME_LIMIT} letters."
    elif checked.name.casefold() in taken:
        checked.errors["name"] = "There is already a set with this name. Choose another name."
    if len(checked.source) > SOURCE_LIMIT:
        checked.errors["source"] = f"Make this shorter: at most {SOURCE_LIMIT} letters."
    checked.values, checked.line_errors = check_lines(text or "")
    if not checked.values and not checked.line_errors:
        checked.errors["figures"] = "Add at least one line of figures, like gender,female,51.2."
    elif checked.line_errors:
        checked.errors["figures"] = "Fix the lines listed at the top of the page. Nothing has been saved."
    return checked
