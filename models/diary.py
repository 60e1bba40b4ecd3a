"""Client diaries: entries of six kinds, their history, favourites and trainer comments."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class DiaryEntry(SQLModel, table=True):
    """One diary entry. Kind-specific values live in typed columns so totals are plain SQL."""

    __tablename__ = "diary_entries"
    __table_args__ = (
        UniqueConstraint("client_id", "uuid", name="uq_diary_entries_client_uuid"),
        Index("ix_diary_entries_client_day", "client_id", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # Made on the phone, so an offline entry sent twice is stored once.
    uuid: str = Field(max_length=36)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    kind: str = Field(max_length=10)
    occurred_at: datetime
    # The London calendar day of occurred_at, kept for fast day and week queries.
    day: date
    note: str = Field(default="", max_length=500)
    # The client wants to talk about this entry at their next session (shown in the digest).
    talk_about: bool = Field(default=False)
    # Fingerprint of what was sent, to tell a replay from a different entry under the same UUID.
    body_hash: str = Field(max_length=64)
    version: int = Field(default=1)
    entered_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted_at: datetime | None = None

    # food
    meal: str | None = Field(default=None, max_length=10)
    description: str | None = Field(default=None, max_length=200)
    food_groups: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    portions: float | None = None  # fruit and veg portions
    sugary_drinks: int | None = None
    # activity
    activity: str | None = Field(default=None, max_length=12)
    minutes: int | None = None
    intensity: str | None = Field(default=None, max_length=10)
    steps: int | None = None
    # alcohol ("drink_free" marks a day with no drinks)
    drink: str | None = Field(default=None, max_length=20)
    volume_ml: float | None = None
    abv: float | None = None
    quantity: int | None = None
    units: float | None = None
    # smoking ("smoke_free" marks a day with no smoking)
    tobacco: str | None = Field(default=None, max_length=12)
    cigarettes: int | None = None
    # both markers: "drink_free" or "smoke_free"
    marker: str | None = Field(default=None, max_length=12)
    # mood
    mood: int | None = None
    mood_words: list[str] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    # weight
    weight_kg: float | None = None


class DiaryEntryRevision(SQLModel, table=True):
    """What an entry looked like after each change: kept so edits and deletes can be traced."""

    __tablename__ = "diary_entry_revisions"

    id: int | None = Field(default=None, primary_key=True)
    entry_id: int = Field(foreign_key="diary_entries.id", index=True)
    version: int
    action: str = Field(max_length=10)  # create, edit, delete, restore
    changed_by_id: int | None = Field(default=None, foreign_key="persons.id")
    changed_at: datetime = Field(default_factory=utcnow)
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class DiaryFavourite(SQLModel, table=True):
    """An item the client starred, offered first for a one-tap repeat."""

    __tablename__ = "diary_favourites"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    kind: str = Field(max_length=10)
    label: str = Field(max_length=200)
    values: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class DiaryComment(SQLModel, table=True):
    """A short comment from the trainer on a day or an entry of the client's diary."""

    __tablename__ = "diary_comments"
    __table_args__ = (Index("ix_diary_comments_client_day", "client_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id")
    day: date
    entry_id: int | None = Field(default=None, foreign_key="diary_entries.id")
    author_id: int = Field(foreign_key="persons.id")
    text: str = Field(max_length=500)
    created_at: datetime = Field(default_factory=utcnow)
