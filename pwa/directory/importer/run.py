"""Reading a feed (a file or an http(s) URL, following RPDE `next` links) and applying what it
says to one service's directory, in one transaction.

All or nothing by default: if any item is broken, nothing is written and every broken item is
reported. With partial=True the good items are kept and the broken ones still reported. A dry
run does the whole import inside the transaction and then rolls it back, so its counts are exact.
Listings are matched on (service, source, source_id): importing the same feed again updates them.
"""

import json
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from sqlmodel import Session, select

from models import Listing, ListingTime, Service
from pwa.clock import london_today
from pwa.directory.importer import openactive, openreferral
from pwa.directory.importer.common import Broken, FeedError, ListingChange, Plan, SessionChange
from pwa.directory.listing_store import TIME_FIELDS, save_listing, times_of

FORMATS = ("openactive", "openreferral")
MAX_PAGES = 200  # a feed that never ends is stopped here (--max-pages changes it)
MAX_PAGE_BYTES = 20 * 1024 * 1024
TIMEOUT_SECONDS = 30
USER_AGENT = "health-trainer-pwa directory importer"


@dataclass
class Outcome:
    """What an import did (or, for a dry run or a refused import, would do)."""

    created: int = 0
    updated: int = 0
    closed: int = 0
    broken: list[Broken] = field(default_factory=list)
    skipped: int = 0
    pages: int = 0
    saved: bool = False

    def summary(self) -> str:
        text = f"Created {self.created}, updated {self.updated}, closed {self.closed}, broken {len(self.broken)}."
        if self.skipped:
            text += f" Skipped {self.skipped} item(s) of a kind we do not import."
        return text


# --- Reading -----------------------------------------------------------------------------------


def is_url(location: str) -> bool:
    return location.lower().startswith(("http://", "https://"))


def _fetch(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json", "User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as answer:
            return answer.read(MAX_PAGE_BYTES + 1)
    except urllib.error.HTTPError as error:
        raise FeedError(f"Could not read {url}: the server answered {error.code} {error.reason}.") from None
    except urllib.error.URLError as error:
        reason = getattr(error.reason, "strerror", None) or error.reason  # "Connection refused", not "[Errno 111]"
        raise FeedError(f"Could not reach {url}: {reason}.") from None
    except TimeoutError:
        raise FeedError(f"Could not read {url}: it took longer than {TIMEOUT_SECONDS} seconds.") from None
    except (OSError, ValueError) as error:
        raise FeedError(f"Could not read {url}: {error}.") from None


def read_json(location: str) -> object:
    """The JSON at a URL or in a file, or a FeedError saying plainly what went wrong."""
    if is_url(location):
        body = _fetch(location)
    else:
        try:
            with open(location, "rb") as file:
                body = file.read(MAX_PAGE_BYTES + 1)
        except OSError as error:
            raise FeedError(f"Could not open {location}: {error.strerror or error}.") from None
    if len(body) > MAX_PAGE_BYTES:
        raise FeedError(f"{location} is bigger than {MAX_PAGE_BYTES // (1024 * 1024)} MB, so we did not read it.")
    try:
        return json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FeedError(f"{location} is not JSON ({error}).") from None


def next_location(current: str, link: str) -> str:
    """Where a `next` link points: relative to the page's URL, or to the file's folder."""
    if is_url(link):
        return link
    if is_url(current):
        found = urljoin(current, link)
        if not is_url(found):  # a web page may only lead to other web pages, never to our files
            raise FeedError(f"The next link {link!r} on {current} is not an http(s) address.")
        return found
    return str((Path(current).parent / link).resolve())


def read_rpde(start: str, max_pages: int = MAX_PAGES) -> tuple[list[tuple[str, object]], int]:
    """Every item of an RPDE feed with where it was ("page 2 item 3"), and the pages read.
    Stops at an empty page, a page with no `next`, or a `next` already read (the last page of
    a feed points to itself)."""
    location = start if is_url(start) else str(Path(start).resolve())
    items: list[tuple[str, object]] = []
    read: list[str] = []
    while True:
        if len(read) >= max_pages:
            raise FeedError(f"The feed has more than {max_pages} pages, so we stopped. Use --max-pages to read more.")
        page = read_json(location)
        read.append(location)
        if not isinstance(page, dict) or not isinstance(page.get("items"), list):
            raise FeedError(f'{location} is not an RPDE page: it needs an "items" list.')
        items += [(f"page {len(read)} item {n}", item) for n, item in enumerate(page["items"], start=1)]
        link = page.get("next")
        if not page["items"] or not isinstance(link, str) or not link.strip():
            break
        location = next_location(location, link.strip())
        if location in read:
            break
    return items, len(read)


# --- Applying ----------------------------------------------------------------------------------


def _time_values(row: ListingTime) -> dict:
    return {name: getattr(row, name) for name in TIME_FIELDS}


def schedule_kind(times: list[dict]) -> str:
    """weekly when any time repeats, dates for one-off dates only, ask when there are none."""
    if any(time["weekday"] is not None for time in times):
        return "weekly"
    return "dates" if times else "ask"


def _merge_times(current: list[ListingTime], own: list[dict] | None, removals: set[str], added: list[dict]):
    """A listing's times after the import: the series' own times (new ones, or the ones it has)
    and the one-off sessions imported on their own, less removed ones, plus added ones."""
    if own is None:
        own = [_time_values(row) for row in current if row.source_id is None]
    sessions = {row.source_id: _time_values(row) for row in current if row.source_id and row.source_id not in removals}
    sessions |= {time["source_id"]: time for time in added}
    return own + sorted(sessions.values(), key=lambda row: (row["on_date"], row["starts_at"]))


def _place_sessions(plan: Plan, live: set[str], existing: dict, outcome: Outcome) -> list[tuple[SessionChange, str]]:
    """Each session to add with the series id of its listing; a session whose series is neither
    in this feed nor imported before is broken."""
    broken_ids = {broken.item_id for broken in plan.broken}
    placed = []
    for change in plan.sessions:
        if change.time is None:
            continue
        candidates = openactive.series_candidates(change.series_id or "")
        target = next((found for found in candidates if found in live or found in existing), None)
        if target is not None:
            placed.append((change, target))
            continue
        if any(found in broken_ids for found in candidates):
            why = "is broken"
        else:
            why = "is not in this feed and was not imported before"
        reason = f"its SessionSeries {change.series_id!r} {why}."
        outcome.broken.append(Broken("ScheduledSession", change.source_id, [reason]))
    return placed


def _write(session: Session, service: Service, plan: Plan, existing: dict, placed: list, today: date, outcome: Outcome):
    updates: dict[str, ListingChange] = {change.source_id: change for change in plan.listings}
    # Every session this import adds or deletes comes off wherever it is now; added ones then go
    # onto their series' listing (which may be another one if the session moved).
    removals = {change.source_id for change in plan.sessions if change.time is None}
    removals |= {change.source_id for change, _ in placed}
    holders = session.exec(
        select(Listing)
        .join(ListingTime, ListingTime.listing_id == Listing.id)
        .where(Listing.service_id == service.id, Listing.source == plan.source, ListingTime.source_id.in_(removals))
    ).all()
    touched: dict[str, Listing | None] = {listing.source_id: listing for listing in holders}
    additions: dict[str, list[dict]] = {}
    for change, target in placed:
        additions.setdefault(target, []).append(change.time)
        touched.setdefault(target, existing.get(target))
    for source_id, change in updates.items():
        if change.values is not None or source_id in existing:
            touched.setdefault(source_id, existing.get(source_id))
    current_times = times_of(session, [listing.id for listing in touched.values() if listing is not None])
    for source_id, listing in touched.items():
        change = updates.get(source_id)
        updating = change is not None and change.values is not None
        if listing is None and updating and change.values.get("status") == "closed":
            continue  # no point adding something that has already stopped
        current = current_times.get(listing.id, []) if listing is not None else []
        times = _merge_times(current, change.times if updating else None, removals, additions.get(source_id, []))
        times_changed = updating or source_id in additions or any(row.source_id in removals for row in current)
        was_closed = listing is not None and listing.status == "closed"
        if updating:
            values = {**change.values, "source": plan.source, "source_id": source_id}
            values |= {"source_modified": change.modified, "last_reviewed_on": today}
        else:
            # Keep the position the feed gave (save_listing would look the postcode up again).
            values = {"latitude": listing.latitude, "longitude": listing.longitude}
            if change is not None:  # deleted in the feed: closed, never removed
                if was_closed and not times_changed:
                    continue
                values |= {"status": "closed", "source_modified": change.modified}
        if times_changed:
            values["schedule_kind"] = schedule_kind(times)
        is_new = listing is None
        listing = listing or Listing(service_id=service.id, name=values["name"])
        save_listing(session, listing, values, times if times_changed else None, None, commit=False)
        if is_new:
            outcome.created += 1
        elif listing.status == "closed" and not was_closed:
            outcome.closed += 1
        else:
            outcome.updated += 1


def apply_plan(
    session: Session, service: Service, plan: Plan, *, today: date, partial: bool = False, dry_run: bool = False
) -> Outcome:
    """Write a checked plan to the service's directory (see the module docstring for the rules)."""
    outcome = Outcome(broken=list(plan.broken), skipped=plan.skipped)
    live = {change.source_id for change in plan.listings if change.values is not None}
    references = {change.source_id for change in plan.listings}
    for change in plan.sessions:
        references.update(openactive.series_candidates(change.series_id or ""))
    found = session.exec(
        select(Listing).where(
            Listing.service_id == service.id, Listing.source == plan.source, Listing.source_id.in_(references)
        )
    ).all()
    existing = {listing.source_id: listing for listing in found}
    placed = _place_sessions(plan, live, existing, outcome)
    if outcome.broken and not partial and not dry_run:
        return outcome
    try:
        _write(session, service, plan, existing, placed, today, outcome)
        if dry_run:
            session.rollback()
        else:
            session.commit()
            outcome.saved = True
    except BaseException:
        session.rollback()
        raise
    return outcome


def import_directory(
    session: Session,
    service: Service,
    source: str,
    feed_format: str,
    *,
    partial: bool = False,
    dry_run: bool = False,
    today: date | None = None,
    max_pages: int = MAX_PAGES,
) -> Outcome:
    """Read a feed (OpenActive RPDE pages or Open Referral UK services) and import it."""
    if feed_format == "openactive":
        items, pages = read_rpde(source, max_pages)
        plan = openactive.plan_from_items(items)
    elif feed_format == "openreferral":
        plan, pages = openreferral.plan_from_document(read_json(source)), 1
    else:
        raise FeedError(f"We do not know the format {feed_format!r}: use {' or '.join(FORMATS)}.")
    outcome = apply_plan(session, service, plan, today=today or london_today(), partial=partial, dry_run=dry_run)
    outcome.pages = pages
    return outcome
