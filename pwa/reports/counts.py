"""What a table's count function hands back to build_table()."""

from dataclasses import dataclass


@dataclass
class Counts:
    """What a count function found.

    by_category: count per category code (missing codes count 0).
    categories: the rows, for tables whose categories come from the data (wards, months);
        None means the spec's fixed categories.
    excluded: units left out of the denominator (for example assessed clients with no primary
        issue), shown under the table so missing data is never hidden.
    row_denominators: when each row is a rate of its own group (drop-out by referral source),
        the size of each group; percent is then count / own group.
    """

    by_category: dict[str, int]
    categories: dict[str, str] | None = None
    excluded: int = 0
    row_denominators: dict[str, int] | None = None
