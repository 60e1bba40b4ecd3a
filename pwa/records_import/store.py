"""Writing checked import rows, a batch at a time, inside the caller's transaction. Records are
matched on natural keys so a re-import updates instead of duplicating: a client on (service,
client_ref); a goal on (client, code, start date); a measure on (client, instrument, stage, day);
a signpost on (client, destination, listing, kind, day).

Each batch reads what is there in a few queries and writes with one multi-row INSERT and one
executemany UPDATE per table (building an ORM object per row is far slower for thousands of rows)."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from pydantic_core import PydanticUndefined
from sqlalchemy import and_, bindparam, insert, or_, update
from sqlmodel import Session, select

from models import Client, Episode, Goal, Listing, Measure, Person, Plan, PostcodeArea, RoleGrant, Signpost
from pwa.caseload.postcodes import UNKNOWN, district, quintile_from_decile
from pwa.clock import london_today, utcnow
from pwa.directory.loop_rules import destination_of
from pwa.records_import.rules import EPISODE_FIELDS, ListingName, fold
from pwa.roles import CASELOAD_ROLES

PLACEHOLDER_NAME = "Imported client {ref}"
SIGNPOST_FIELDS = ("destination", "destination_name", "listing_id", "kind", "made_on")


@dataclass
class Known:
    """An imported client as later rows need it."""

    client_id: int
    registered_on: date | None
    trainer_id: int | None
    episode_id: int | None = None


# --- Reading what is there -------------------------------------------------------------------------


def trainer_usernames(session: Session, service_id: int) -> dict[str, int]:
    """username -> person id of the service's trainers and trainees (those who left too: old
    records name them)."""
    rows = session.exec(
        select(Person.username, Person.id)
        .join(RoleGrant, RoleGrant.person_id == Person.id)
        .where(RoleGrant.service_id == service_id, RoleGrant.role.in_([role.value for role in CASELOAD_ROLES]))
    ).all()
    return {username.lower(): person_id for username, person_id in rows}


def listing_names(session: Session, service_id: int) -> dict[str, list[ListingName]]:
    """The service's directory by name (lower case), for signposts to a listing."""
    found: dict[str, list[ListingName]] = {}
    for listing in session.exec(select(Listing).where(Listing.service_id == service_id).order_by(Listing.id)).all():
        found.setdefault(fold(listing.name), []).append(ListingName(listing.id, listing.name, destination_of(listing)))
    return found


def imported_clients(session: Session, service_id: int) -> dict[str, Known]:
    """client_ref -> the service's clients that came from an import, with their first episode."""
    rows = session.exec(
        select(Client.client_ref, Client.id, Client.registered_on, Client.trainer_id, Episode.id)
        .outerjoin(Episode, and_(Episode.client_id == Client.id, Episode.number == 1))
        .where(Client.service_id == service_id, Client.client_ref.is_not(None))
        .order_by(Episode.id.desc())
    ).all()
    return {ref: Known(*known) for ref, *known in rows}


# --- Writing helpers ---------------------------------------------------------------------------------


def _defaults(model) -> dict:
    """Every column's default as the model would fill it (a fresh created_at, an empty list...)."""
    values = {}
    for name, info in model.model_fields.items():
        if name == "id":
            continue
        if info.default_factory is not None:
            values[name] = info.default_factory()
        elif info.default is not PydanticUndefined:
            values[name] = info.default
    return values


def _insert(session: Session, model, rows: list[dict], *returning) -> list:
    """Insert rows (defaults filled in) in one statement; the `returning` columns of each, in order."""
    if not rows:
        return []
    defaults = _defaults(model)
    statement = insert(model.__table__)
    full = [{**defaults, **row} for row in rows]
    # RETURNING makes SQLAlchemy send many rows per statement ("insertmanyvalues") on both databases;
    # a plain executemany would be one round trip per row on PostgreSQL.
    columns = [model.__table__.c[name] for name in returning or ("id",)]
    return session.execute(statement.returning(*columns, sort_by_parameter_order=True), full).all()


def _update(session: Session, model, rows: list[dict]) -> None:
    """Update rows by id, one executemany per set of columns (each row holds "id" and the changes)."""
    table = model.__table__
    by_columns: dict[tuple, list[dict]] = {}
    for row in rows:
        by_columns.setdefault(tuple(sorted(name for name in row if name != "id")), []).append(row)
    for names, group in by_columns.items():
        if not names:
            continue
        statement = (
            update(table)
            .where(table.c.id == bindparam("row_id"))
            .values({name: bindparam(f"new_{name}") for name in names})
        )
        session.execute(statement, [{"row_id": row["id"], **{f"new_{n}": row[n] for n in names}} for row in group])


def _place(fields: dict, area: PostcodeArea | None) -> None:
    """What the postcode lookup says about the client's postcode (as registration places a client);
    a postcode the lookup does not have leaves the quintile unknown."""
    fields["postcode_district"] = district(fields["postcode"])
    fields["ward_code"] = area.ward_code if area else ""
    fields["ward_name"] = area.ward_name if area else ""
    fields["lsoa_code"] = area.lsoa_code if area else ""
    fields["deprivation_quintile"] = quintile_from_decile(area.imd_decile) if area else UNKNOWN


# --- Writing -------------------------------------------------------------------------------------


class Store:
    """Writes batches of checked rows for one service; counts what is new and what was updated."""

    def __init__(self, session: Session, service_id: int, known: dict[str, Known]):
        self.session, self.service_id, self.known = session, service_id, known
        self.new: Counter[str] = Counter()
        self.updated: Counter[str] = Counter()

    def clients(self, batch: list[dict]) -> None:
        """Create or update the clients of a batch and their first episode."""
        session, now = self.session, utcnow()
        refs = [values["client_ref"] for values in batch]
        stored = dict(
            session.exec(
                select(Client.client_ref, Client.id).where(
                    Client.service_id == self.service_id, Client.client_ref.in_(refs)
                )
            ).all()
        )
        postcodes = {values["postcode"] for values in batch if values.get("postcode")}
        areas = {}
        if postcodes:
            areas = {
                a.postcode: a for a in session.exec(select(PostcodeArea).where(PostcodeArea.postcode.in_(postcodes)))
            }
        new_rows, changed_rows = [], []
        for values in batch:
            fields = {name: value for name, value in values.items() if name not in EPISODE_FIELDS}
            if "postcode" in fields:
                _place(fields, areas.get(fields["postcode"]))
            fields["updated_at"] = now
            ref = values["client_ref"]
            if ref in stored:
                changed_rows.append({"id": stored[ref], **fields})
            else:
                # The old system's export has no names: staff can add the real name later.
                new_rows.append(
                    {**fields, "service_id": self.service_id, "full_name": PLACEHOLDER_NAME.format(ref=ref)}
                )
        _update(session, Client, changed_rows)
        stored.update(
            dict((ref, client_id) for client_id, ref in _insert(session, Client, new_rows, "id", "client_ref"))
        )
        self.new["clients"] += len(new_rows)
        self.updated["clients"] += len(changed_rows)

        episodes = dict(
            session.exec(
                select(Episode.client_id, Episode.id)
                .where(Episode.client_id.in_(stored.values()), Episode.number == 1)
                .order_by(Episode.id.desc())
            ).all()
        )
        new_rows, changed_rows = [], []
        for values in batch:
            client_id = stored[values["client_ref"]]
            fields = {name: values[name] for name in EPISODE_FIELDS if name in values}
            fields["updated_at"] = now
            if client_id in episodes:
                changed_rows.append({"id": episodes[client_id], **fields})
            else:
                new_rows.append({**fields, "service_id": self.service_id, "client_id": client_id, "number": 1})
        _update(session, Episode, changed_rows)
        episodes.update(dict(_insert(session, Episode, new_rows, "client_id", "id")))
        for values in batch:
            ref = values["client_ref"]
            before = self.known.get(ref)
            trainer_id = values["trainer_id"] if "trainer_id" in values else getattr(before, "trainer_id", None)
            self.known[ref] = Known(stored[ref], values["registered_on"], trainer_id, episodes[stored[ref]])

    def _knowns(self, batch: list[dict]) -> list[Known]:
        """The client of each row, giving a first episode to any that has none (made outside the import)."""
        knowns = [self.known[values["client_ref"]] for values in batch]
        missing = {id(known): known for known in knowns if known.episode_id is None}.values()
        for known in missing:
            started_on = known.registered_on or london_today()
            row = {"service_id": self.service_id, "client_id": known.client_id, "number": 1, "started_on": started_on}
            ((known.episode_id,),) = _insert(self.session, Episode, [row], "id")
        return knowns

    def goals(self, batch: list[dict]) -> None:
        """Create or update the goals of a batch, with each client's plan (agreed on the earliest goal)."""
        session, now = self.session, utcnow()
        knowns = self._knowns(batch)
        earliest: dict[int, tuple[Known, date]] = {}
        for known, values in zip(knowns, batch, strict=True):
            if known.episode_id not in earliest or values["start_date"] < earliest[known.episode_id][1]:
                earliest[known.episode_id] = (known, values["start_date"])
        plans = {
            episode_id: (plan_id, agreed_on)
            for plan_id, episode_id, agreed_on in session.exec(
                select(Plan.id, Plan.episode_id, Plan.agreed_on).where(Plan.episode_id.in_(earliest))
            ).all()
        }
        new_plans = [
            {"service_id": self.service_id, "client_id": known.client_id, "episode_id": episode_id,
             "agreed_on": agreed_on, "created_by_id": known.trainer_id}
            for episode_id, (known, agreed_on) in earliest.items() if episode_id not in plans
        ]  # fmt: skip
        moved = [
            {"id": plan_id, "agreed_on": earliest[episode_id][1]}
            for episode_id, (plan_id, agreed_on) in plans.items()
            if earliest[episode_id][1] < agreed_on
        ]
        _update(session, Plan, moved)
        plan_ids = {episode_id: plan_id for episode_id, (plan_id, _) in plans.items()}
        plan_ids.update(dict(_insert(session, Plan, new_plans, "episode_id", "id")))
        # The first-session agreement: with a plan, the client is "in plan" from its first goal.
        episode = Episode.__table__
        session.execute(
            update(episode)
            .where(
                episode.c.id == bindparam("row_id"),
                or_(episode.c.agreed_on.is_(None), episode.c.agreed_on > bindparam("new_agreed_on")),
            )
            .values(agreed_on=bindparam("new_agreed_on")),
            [{"row_id": episode_id, "new_agreed_on": on} for episode_id, (_, on) in earliest.items()],
        )

        stored = {
            (client_id, code, start): goal_id
            for goal_id, client_id, code, start in session.exec(
                select(Goal.id, Goal.client_id, Goal.code, Goal.start_date).where(
                    Goal.client_id.in_({known.client_id for known in knowns})
                )
            ).all()
        }
        new_rows, changed_rows = [], []
        for known, values in zip(knowns, batch, strict=True):
            fields = {name: values[name] for name in ("outcome", "outcome_on", "maintained") if name in values}
            if "outcome" in fields:
                fields["outcome_by_id"] = known.trainer_id if fields["outcome"] else None
            fields["updated_at"] = now
            goal_id = stored.get((known.client_id, values["code"], values["start_date"]))
            if goal_id is not None:
                changed_rows.append({"id": goal_id, **fields})
                continue
            new_rows.append(
                {**fields, "service_id": self.service_id, "client_id": known.client_id,
                 "plan_id": plan_ids[known.episode_id], "set_by_id": known.trainer_id,
                 **{name: values[name] for name in ("code", "wording", "start_date", "review_date")}}
            )  # fmt: skip
        _update(session, Goal, changed_rows)
        _insert(session, Goal, new_rows)
        self.new["goals"] += len(new_rows)
        self.updated["goals"] += len(changed_rows)

    def measures(self, batch: list[dict]) -> None:
        """Create or update the measures of a batch (a later value on the same key replaces the stored one)."""
        session = self.session
        knowns = self._knowns(batch)
        stored = {
            tuple(key): measure_id
            for measure_id, *key in session.exec(
                select(Measure.id, Measure.client_id, Measure.instrument, Measure.stage, Measure.taken_on).where(
                    Measure.client_id.in_({known.client_id for known in knowns})
                )
            ).all()
        }
        new_rows, changed_rows = [], []
        for known, values in zip(knowns, batch, strict=True):
            measure_id = stored.get((known.client_id, values["instrument"], values["stage"], values["taken_on"]))
            if measure_id is not None:
                changed_rows.append({"id": measure_id, "value": values["value"]})
                continue
            new_rows.append(
                {"service_id": self.service_id, "client_id": known.client_id, "episode_id": known.episode_id,
                 "taken_by_id": known.trainer_id,
                 **{name: values[name] for name in ("instrument", "stage", "value", "taken_on")}}
            )  # fmt: skip
        _update(session, Measure, changed_rows)
        _insert(session, Measure, new_rows)
        self.new["measures"] += len(new_rows)
        self.updated["measures"] += len(changed_rows)

    def signposts(self, batch: list[dict]) -> None:
        """Create the signposts of a batch that are not there yet (one already there is kept as it is)."""
        session = self.session
        knowns = self._knowns(batch)
        stored = {
            tuple(row)
            for row in session.exec(
                select(
                    Signpost.client_id, Signpost.destination, Signpost.listing_id, Signpost.kind, Signpost.made_on
                ).where(Signpost.client_id.in_({known.client_id for known in knowns}))
            ).all()
        }
        new_rows = []
        for known, values in zip(knowns, batch, strict=True):
            key = (known.client_id, values["destination"], values["listing_id"], values["kind"], values["made_on"])
            if key in stored:
                self.updated["signposts"] += 1
                continue
            new_rows.append(
                {"service_id": self.service_id, "client_id": known.client_id, "episode_id": known.episode_id,
                 "by_id": known.trainer_id,
                 **{name: values[name] for name in SIGNPOST_FIELDS}}
            )  # fmt: skip
        _insert(session, Signpost, new_rows)
        self.new["signposts"] += len(new_rows)
