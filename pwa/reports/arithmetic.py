"""Percentages, change-score bins and small-number suppression: the sums every report shares."""

from decimal import ROUND_HALF_UP, Decimal

ONE_DECIMAL = Decimal("0.1")
SMALL = 5  # counts from 1 to 4 can be hidden on exports (DOMAIN.md section 8)
HIDDEN = "<5"


def percent(count: int, denominator: int) -> Decimal | None:
    """count as a percent of denominator, to one decimal place, halves rounded up
    (12.25 -> 12.3, as people round by hand). None when there is nothing to divide by."""
    if not denominator:
        return None
    return (Decimal(count) * 100 / Decimal(denominator)).quantize(ONE_DECIMAL, rounding=ROUND_HALF_UP)


def change_bin(change: float, step: int, lowest: int, highest: int) -> str:
    """The bin code of a change score: rounded to the nearest step (halves away from zero),
    then anything at or below the lowest bin is "<=lowest" and at or above the highest ">=highest"."""
    steps = Decimal(str(change)) / step
    rounded = int(steps.quantize(Decimal(1), rounding=ROUND_HALF_UP)) * step
    if rounded <= lowest:
        return f"<={lowest}"
    if rounded >= highest:
        return f">={highest}"
    return str(rounded)


def change_bins(step: int, lowest: int, highest: int) -> dict[str, str]:
    """Bin codes and labels, lowest first: {"<=-10": "-10 or less", "-5": "-5", ..., ">=25": "+25 or more"}."""
    bins = {f"<={lowest}": f"{lowest} or less"}
    for value in range(lowest + step, highest, step):
        bins[str(value)] = f"+{value}" if value > 0 else str(value)
    bins[f">={highest}"] = f"+{highest} or more"
    return bins


def is_improvement(bin_code: str) -> bool:
    """True for the bins above no change."""
    number = int(bin_code.removeprefix("<=").removeprefix(">="))
    return number > 0


def hidden_codes(counts: dict[str, int]) -> set[str]:
    """The categories to hide when small numbers are suppressed: every count from 1 to 4, and
    when only one is hidden, the next smallest count too, so nobody can work it back from the total."""
    hidden = {code for code, count in counts.items() if 0 < count < SMALL}
    if len(hidden) == 1:
        others = sorted((count, code) for code, count in counts.items() if count >= SMALL)
        if others:
            hidden.add(others[0][1])
    return hidden
