"""Saving, changing and reading diary entries. Database work only, no HTTP."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models import Client, DiaryComment, DiaryEntry, DiaryEntryRevision, DiaryFavourite
from pwa.clock import utcnow
from pwa.diary.describe import entry_label
from pwa.diary.rules import KIND_FIELDS, Checked

# Columns that make up an entry's content (what history snapshots and repeats copy).
CONTENT_FIELDS = ["kind", "occurred_at", "day", "note", "talk_about"] + sorted(
    set().union(*KIND_FIELDS.values()) | {"units"}
)
# How long a deleted entry can be brought back.
RESTORE_DAYS = 30


@dataclass(frozen=True)
class SaveResult:
    status: str  # "created", "duplicate" (already had it) or "conflict" (same UUID, different entry)
    id: int
    uuid: str
    day: date


def snapshot(entry: DiaryEntry) -> dict:
    """The entry's content as JSON-safe values, for history."""
    values = _json_safe({name: getattr(entry, name) for name in CONTENT_FIELDS})
    values["deleted"] = entry.deleted_at is not None
    return values


def _json_safe(values: dict) -> dict:
    return {name: value.isoformat() if isinstance(value, date) else value for name, value in values.items()}


def _revision(entry: DiaryEntry, action: str, by_id: int | None) -> DiaryEntryRevision:
    return DiaryEntryRevision(
        entry_id=entry.id, version=entry.version, action=action, changed_by_id=by_id, snapshot=snapshot(entry)
    )


def _result_for_existing(existing, checked: Checked) -> SaveResult:
    status = "duplicate" if existing.body_hash == checked.fingerprint else "conflict"
    return SaveResult(status, existing.id, existing.uuid, existing.day)


def existing_entries(session: Session, client_id: int, uuids: list[str]) -> dict:
    """The client's entries already stored under these UUIDs (id, uuid, day, body_hash)."""
    rows = session.exec(
        select(DiaryEntry.id, DiaryEntry.uuid, DiaryEntry.day, DiaryEntry.body_hash).where(
            DiaryEntry.client_id == client_id, DiaryEntry.uuid.in_(uuids)
        )
    ).all()
    return {row.uuid: row for row in rows}


def save_new_entries(
    session: Session, client: Client, batch: Sequence[Checked], by_id: int | None, *, retry: bool = True
) -> list[SaveResult]:
    """Store checked entries for a client, once per UUID, in one transaction.

    A UUID we already have is answered "duplicate" when the content matches (a replay) and
    "conflict" when it does not: never a second row, never a silent overwrite. Rows are
    inserted in bulk (no ORM objects), because a phone's offline queue can send a hundred at once.
    """
    existing = existing_entries(session, client.id, [checked.values["uuid"] for checked in batch])
    new: dict[str, Checked] = {}
    for checked in batch:
        uuid = checked.values["uuid"]
        if uuid not in existing and uuid not in new:
            new[uuid] = checked
    now = utcnow()
    rows = [
        {
            **checked.values,
            "service_id": client.service_id,
            "client_id": client.id,
            "body_hash": checked.fingerprint,
            "entered_by_id": by_id,
            "version": 1,
            "note": checked.values.get("note") or "",
            "created_at": now,
            "updated_at": now,
        }
        for checked in new.values()
    ]
    ids: dict[str, int] = {}
    if rows:
        try:
            # Core inserts on the tables (not the ORM's bulk path, which sends SQLite one row at a time).
            entries = DiaryEntry.__table__
            connection = session.connection()
            # Rows of one shape (same columns) go in one statement; empty columns are left out, which
            # keeps the number of bound values (slow to prepare on PostgreSQL) low.
            shapes: dict[tuple, list[dict]] = {}
            for row in rows:
                shapes.setdefault(tuple(sorted(name for name, value in row.items() if value is not None)), []).append(
                    {name: value for name, value in row.items() if value is not None}
                )
            for same_shape in shapes.values():
                inserted = connection.execute(insert(entries).returning(entries.c.id, entries.c.uuid), same_shape)
                ids.update({row.uuid: row.id for row in inserted})  # matched by UUID: row order does not matter
            session.commit()
        except IntegrityError:
            # Another request saved one of these UUIDs at the same moment: look again, one by one,
            # and its row is then found and answered as a duplicate.
            session.rollback()
            if not retry:
                raise
            return [save_new_entries(session, client, [checked], by_id, retry=False)[0] for checked in batch]

    results, answered = [], set()
    for checked in batch:
        uuid = checked.values["uuid"]
        if uuid in existing:
            results.append(_result_for_existing(existing[uuid], checked))
        elif uuid in answered:  # the same UUID twice in one batch
            first = new[uuid]
            status = "duplicate" if first.fingerprint == checked.fingerprint else "conflict"
            results.append(SaveResult(status, ids[uuid], uuid, first.values["day"]))
        else:
            answered.add(uuid)
            results.append(SaveResult("created", ids[uuid], uuid, checked.values["day"]))
    return results


def _keep_original(session: Session, entry: DiaryEntry) -> None:
    """Before an entry's first change, put its original version in history.

    New entries get no history row: the entry itself is its first version, and skipping the
    copy keeps a phone's 100-entry sync fast. History starts when something changes.
    """
    if entry.version == 1:
        session.add(
            DiaryEntryRevision(
                entry_id=entry.id,
                version=1,
                action="create",
                changed_by_id=entry.entered_by_id,
                snapshot=snapshot(entry),
            )
        )


def edit_entry(session: Session, entry: DiaryEntry, checked: Checked, by_id: int | None) -> None:
    """Change an entry's content; the old version stays in history."""
    _keep_original(session, entry)
    for name, value in checked.values.items():
        if name not in ("uuid", "kind"):
            setattr(entry, name, value)
    # Fields of this kind that the new version leaves empty are cleared.
    for name in KIND_FIELDS[entry.kind] | {"units"}:
        if name not in checked.values:
            setattr(entry, name, None)
    entry.version += 1
    entry.updated_at = utcnow()
    session.add(entry)
    session.flush()
    session.add(_revision(entry, "edit", by_id))
    session.commit()


def set_talk_about(session: Session, entry: DiaryEntry, talk_about: bool, by_id: int | None) -> None:
    """Mark (or unmark) an entry to talk about at the next session; kept in history like an edit."""
    if entry.talk_about == talk_about:
        return
    _keep_original(session, entry)
    entry.talk_about = talk_about
    entry.version += 1
    entry.updated_at = utcnow()
    session.add(entry)
    session.flush()
    session.add(_revision(entry, "edit", by_id))
    session.commit()


def delete_entry(session: Session, entry: DiaryEntry, by_id: int | None) -> None:
    """Hide an entry; it can be restored for RESTORE_DAYS days."""
    _keep_original(session, entry)
    entry.deleted_at = utcnow()
    entry.version += 1
    session.add(entry)
    session.flush()
    session.add(_revision(entry, "delete", by_id))
    session.commit()


def can_restore(entry: DiaryEntry, now: datetime | None = None) -> bool:
    return entry.deleted_at is not None and (now or utcnow()) - entry.deleted_at <= timedelta(days=RESTORE_DAYS)


def restore_entry(session: Session, entry: DiaryEntry, by_id: int | None) -> None:
    entry.deleted_at = None
    entry.version += 1
    session.add(entry)
    session.flush()
    session.add(_revision(entry, "restore", by_id))
    session.commit()


def entries_between(session: Session, client_id: int, first: date, last: date) -> list[DiaryEntry]:
    """A client's entries from the first to the last London day (inclusive), oldest first."""
    return list(
        session.exec(
            select(DiaryEntry)
            .where(
                DiaryEntry.client_id == client_id,
                DiaryEntry.day >= first,
                DiaryEntry.day <= last,
                DiaryEntry.deleted_at.is_(None),
            )
            .order_by(DiaryEntry.occurred_at, DiaryEntry.id)
        ).all()
    )


def recently_deleted(session: Session, client_id: int) -> list[DiaryEntry]:
    since = utcnow() - timedelta(days=RESTORE_DAYS)
    return list(
        session.exec(
            select(DiaryEntry)
            .where(DiaryEntry.client_id == client_id, DiaryEntry.deleted_at >= since)
            .order_by(DiaryEntry.deleted_at.desc())
        ).all()
    )


def repeat_values(entry_or_values) -> dict:
    """The fields to copy when repeating an entry (its content, not its time, note or ID)."""
    values = entry_or_values if isinstance(entry_or_values, dict) else snapshot(entry_or_values)
    kind = values["kind"]
    repeated = {name: values.get(name) for name in KIND_FIELDS[kind] if values.get(name) not in (None, "", [])}
    if kind == "alcohol" and repeated.get("drink") in (None, "other") and "marker" not in repeated:
        repeated["drink"] = "other"
    return {"kind": kind, **repeated}


def recent_items(session: Session, client_id: int, kind: str, limit: int = 6, scan: int = 60) -> list[DiaryEntry]:
    """The client's latest different items of a kind, newest first, for one-tap repeats."""
    rows = session.exec(
        select(DiaryEntry)
        .where(DiaryEntry.client_id == client_id, DiaryEntry.kind == kind, DiaryEntry.deleted_at.is_(None))
        .where(DiaryEntry.marker.is_(None))
        .order_by(DiaryEntry.occurred_at.desc())
        .limit(scan)
    ).all()
    seen, recent = set(), []
    for entry in rows:
        label = entry_label(entry, with_time=False)
        if label not in seen:
            seen.add(label)
            recent.append(entry)
        if len(recent) == limit:
            break
    return recent


def favourites(session: Session, client_id: int, kind: str | None = None) -> list[DiaryFavourite]:
    query = select(DiaryFavourite).where(DiaryFavourite.client_id == client_id)
    if kind:
        query = query.where(DiaryFavourite.kind == kind)
    return list(session.exec(query.order_by(DiaryFavourite.label)).all())


def comments_between(session: Session, client_id: int, first: date, last: date) -> list[DiaryComment]:
    return list(
        session.exec(
            select(DiaryComment)
            .where(DiaryComment.client_id == client_id, DiaryComment.day >= first, DiaryComment.day <= last)
            .order_by(DiaryComment.created_at)
        ).all()
    )
