"""UK postcodes: normalising, the district, and placing a client in a ward and deprivation
quintile from the service's postcode lookup (DOMAIN.md section 6)."""

import csv
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from models import Client, PostcodeArea

# The UK format (BS 7666, as on Wikipedia): outward code A9, A99, AA9, AA99, A9A or AA9A with the
# letters each position may hold, then the inward code: a digit and two letters, never C I K M O V.
# GIR 0AA is the one old exception. Written without the space; it goes back in afterwards.
POSTCODE_FORMAT = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9][0-9ABEHMNPRV-Y]?|[0-9][A-HJKPS-UW])[0-9][ABD-HJLNP-UW-Z]{2})$"
)
LOOKUP_COLUMNS = ("postcode", "ward_code", "ward_name", "lsoa_code", "imd_decile", "latitude", "longitude")
UNKNOWN = "unknown"
QUINTILE_CODES = {1: "q1_most_deprived", 2: "q2", 3: "q3", 4: "q4", 5: "q5_least_deprived"}
# Great Britain and Northern Ireland with a margin: catches swapped or missing coordinates
# (the ONS directory writes 99.999999 for "no grid reference").
LATITUDES, LONGITUDES = (49.0, 61.0), (-9.0, 2.0)
BATCH_SIZE = 2000
MAX_ERRORS_LISTED = 100


def normalise_postcode(raw) -> str | None:
    """A postcode as "W10 5AB"; "" when nothing was typed; None when it is not a UK postcode."""
    text = "".join(ch for ch in str(raw or "").upper() if ch.isalnum())
    if not text:
        return ""
    if len(text) >= 5 and text[-3] == "O":
        # The inward code starts with a digit, so a letter O there can only be a zero.
        text = f"{text[:-3]}0{text[-2:]}"
    if not POSTCODE_FORMAT.match(text):
        return None
    return f"{text[:-3]} {text[-3:]}"


def district(postcode: str) -> str:
    """The outward code of a normalised postcode ("W10 5AB" -> "W10"), or "" when there is none."""
    return postcode.split(" ")[0] if postcode else ""


def quintile_from_decile(decile: int | None) -> str:
    """Deprivation quintile code from an IMD decile (1 = most deprived): ceil(decile / 2)."""
    if decile is None or not 1 <= decile <= 10:
        return UNKNOWN
    return QUINTILE_CODES[math.ceil(decile / 2)]


def _apply_area(client: Client, area: PostcodeArea | None) -> bool:
    """Copy what the lookup says onto the client; True when anything changed."""
    derived = {
        "postcode_district": district(client.postcode),
        "ward_code": area.ward_code if area else "",
        "ward_name": area.ward_name if area else "",
        "lsoa_code": area.lsoa_code if area else "",
        "deprivation_quintile": quintile_from_decile(area.imd_decile) if area else UNKNOWN,
    }
    changed = any(getattr(client, name) != value for name, value in derived.items())
    for name, value in derived.items():
        setattr(client, name, value)
    return changed


def place_client(session: Session, client: Client, postcode: str) -> None:
    """Set the client's postcode and what the lookup says about it. A valid postcode that is
    not in the lookup is kept, with no ward and quintile "unknown"."""
    normalised = normalise_postcode(postcode)
    if normalised is None:
        raise ValueError(f"Not a UK postcode: {postcode!r}")
    client.postcode = normalised
    _apply_area(client, session.get(PostcodeArea, normalised) if normalised else None)


# --- Loading a lookup file ------------------------------------------------------------------


@dataclass
class LoadResult:
    """What a load did, or the problems that stopped it (line number, message)."""

    added: int = 0
    updated: int = 0
    clients_refreshed: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)
    error_count: int = 0

    @property
    def ok(self) -> bool:
        return self.error_count == 0


def _check_number(text: str, name: str, low: float, high: float, *, whole: bool = False):
    """(value, problem) for an optional number in a lookup row."""
    text = text.strip()
    if not text:
        return None, None
    try:
        value = int(text) if whole else float(text)
    except ValueError:
        value = None
    if value is None or not math.isfinite(value) or not low <= value <= high:
        kind = "a whole number" if whole else "a number"
        return None, f"{name} must be {kind} from {low:g} to {high:g} (found {text!r})."
    return value, None


def check_lookup_row(row: dict) -> tuple[dict | None, str | None]:
    """One CSV row as PostcodeArea values, or the reason it cannot be loaded."""
    cells = {name: (row.get(name) or "").strip() for name in LOOKUP_COLUMNS}
    postcode = normalise_postcode(cells["postcode"])
    if postcode == "":
        return None, "the postcode is empty."
    if postcode is None:
        return None, f"postcode {cells['postcode']!r} is not a UK postcode."
    for name, limit in (("ward_code", 12), ("ward_name", 120), ("lsoa_code", 12)):
        if len(cells[name]) > limit:
            return None, f"{name} is longer than {limit} characters."
    values = {"postcode": postcode, "ward_code": cells["ward_code"], "ward_name": cells["ward_name"]}
    values["lsoa_code"] = cells["lsoa_code"]
    for name, low, high, whole in (
        ("imd_decile", 1, 10, True),
        ("latitude", *LATITUDES, False),
        ("longitude", *LONGITUDES, False),
    ):
        values[name], problem = _check_number(cells[name], name, low, high, whole=whole)
        if problem:
            return None, problem
    return values, None


def _upsert(session: Session, batch: dict[str, dict]) -> tuple[int, int]:
    """Insert or replace one batch of rows; (added, updated)."""
    existing = set(session.exec(select(PostcodeArea.postcode).where(PostcodeArea.postcode.in_(batch))).all())
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(PostcodeArea.__table__)
    statement = statement.on_conflict_do_update(
        index_elements=["postcode"],
        set_={name: statement.excluded[name] for name in LOOKUP_COLUMNS if name != "postcode"},
    )
    session.execute(statement, list(batch.values()))
    return len(batch) - len(existing), len(existing)


def refresh_clients(session: Session) -> int:
    """Place again every client whose postcode is in the lookup; the number whose place changed."""
    rows = session.exec(select(Client, PostcodeArea).join(PostcodeArea, PostcodeArea.postcode == Client.postcode)).all()
    changed = 0
    for client, area in rows:
        if _apply_area(client, area):
            session.add(client)
            changed += 1
    return changed


def load_lookup(session: Session, lines: Iterable[str], *, batch_size: int = BATCH_SIZE) -> LoadResult:
    """Load a lookup CSV (`postcode,ward_code,ward_name,lsoa_code,imd_decile,latitude,longitude`),
    given as lines of text (an open file). Rows are checked and written in batches as they are
    read, so a file of millions of rows never sits in memory. All or nothing: on any problem the
    transaction is rolled back and every problem is returned with its line number. A postcode
    that is already in the lookup is replaced; if a file repeats a postcode, the later line wins.
    """
    result = LoadResult()
    reader = csv.DictReader(lines)
    missing = [name for name in LOOKUP_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        wanted = ",".join(LOOKUP_COLUMNS)
        result.errors.append((1, f"the header row needs the columns {wanted} (missing: {', '.join(missing)})."))
        result.error_count = 1
        return result

    def problem(line: int, message: str) -> None:
        result.error_count += 1
        if len(result.errors) < MAX_ERRORS_LISTED:
            result.errors.append((line, message))

    batch: dict[str, dict] = {}
    try:
        for row in reader:
            if None in row:
                problem(reader.line_num, f"this row has more cells than the header ({len(LOOKUP_COLUMNS)} columns).")
                continue
            values, message = check_lookup_row(row)
            if message:
                problem(reader.line_num, message)
            elif result.ok:  # after the first problem, only check: nothing will be kept
                batch[values["postcode"]] = values
                if len(batch) >= batch_size:
                    added, updated = _upsert(session, batch)
                    result.added, result.updated, batch = result.added + added, result.updated + updated, {}
        if result.ok and batch:
            added, updated = _upsert(session, batch)
            result.added, result.updated = result.added + added, result.updated + updated
        if not result.ok:
            session.rollback()
            return result
        result.clients_refreshed = refresh_clients(session)
        session.commit()
    except csv.Error as error:
        session.rollback()
        problem(reader.line_num, f"this is not readable CSV ({error}).")
    except BaseException:
        session.rollback()
        raise
    return result
