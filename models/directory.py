"""The directory: local groups, activities and services (DOMAIN.md section 6), their times,
what clients marked, and problems staff reported. Signposts to a listing live in caseload.Signpost.

Listings are never deleted: a listing that stops is "closed", so open-data feeds can tell
others it has gone and old signposts still name where people were sent.
"""

from datetime import date, datetime, time

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Listing(SQLModel, table=True):
    __tablename__ = "listings"
    # Imported listings keep their source id so a re-import updates them (NULL for our own).
    __table_args__ = (UniqueConstraint("service_id", "source", "source_id", name="uq_listings_source"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=2000)
    categories: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # vocab.CATEGORIES
    organisation: str = Field(default="", max_length=120)
    venue: str = Field(default="", max_length=120)  # the place, like "Millbrook Community Centre"
    address: str = Field(default="", max_length=200)
    postcode: str = Field(default="", max_length=8)  # normalised, or empty (phone or online services)
    latitude: float | None = None  # from the postcode lookup, or from an imported feed
    longitude: float | None = None
    # "weekly" and "dates" have rows in listing_times; "ask" is by appointment or open hours in words.
    schedule_kind: str = Field(default="weekly", max_length=10)
    schedule_note: str = Field(default="", max_length=200)  # "Not in school holidays"
    cost: str = Field(default="free", max_length=10)  # free, low_cost, paid
    price_text: str = Field(default="", max_length=120)
    eligibility: str = Field(default="", max_length=300)
    accessibility: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    languages: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))  # "Polish"
    contact_name: str = Field(default="", max_length=120)
    contact_phone: str = Field(default="", max_length=30)
    contact_email: str = Field(default="", max_length=120)
    website: str = Field(default="", max_length=300)
    how_to_go: str = Field(default="", max_length=300)  # "Just turn up. Wear comfy shoes."
    pathway: str = Field(default="signpost", max_length=10)  # signpost (go yourself) or referral
    status: str = Field(default="active", max_length=10)  # active, paused, closed
    last_reviewed_on: date | None = None
    staff_notes: str = Field(default="", max_length=1000)  # never shown on the public directory
    source: str = Field(default="local", max_length=15)  # local, openactive, openreferral
    source_id: str | None = Field(default=None, max_length=300)
    source_modified: str = Field(default="", max_length=40)
    created_by_id: int | None = Field(default=None, foreign_key="persons.id")
    updated_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow, index=True)  # also the open-data feed's order


class ListingTime(SQLModel, table=True):
    """When a listing runs: a weekly slot (weekday, optionally some weeks on and some off) or
    one date. Times are London wall-clock times, so 10:00 stays 10:00 across clock changes."""

    __tablename__ = "listing_times"

    id: int | None = Field(default=None, primary_key=True)
    listing_id: int = Field(foreign_key="listings.id", index=True)
    weekday: int | None = None  # 0 = Monday .. 6 = Sunday; None for a one-off date
    on_date: date | None = None  # a one-off date
    starts_at: time
    ends_at: time
    # Weeks on and off, counted from from_date: 1 on 0 off is every week, 1 on 1 off fortnightly.
    weeks_on: int = Field(default=1)
    weeks_off: int = Field(default=0)
    from_date: date | None = None
    until_date: date | None = None
    source_id: str | None = Field(default=None, max_length=300)  # an imported ScheduledSession


class ListingMark(SQLModel, table=True):
    """A client tapped "I'm interested" or "I went"."""

    __tablename__ = "listing_marks"
    # One mark of a kind per client, listing and day: a replayed tap changes nothing.
    __table_args__ = (
        UniqueConstraint("listing_id", "client_id", "kind", "marked_on", name="uq_listing_marks_once_a_day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    listing_id: int = Field(foreign_key="listings.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    kind: str = Field(max_length=10)  # interested, went
    marked_on: date
    created_at: datetime = Field(default_factory=utcnow)


class ListingProblem(SQLModel, table=True):
    """A member of staff found something wrong: it no longer runs, would not take a referral..."""

    __tablename__ = "listing_problems"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    listing_id: int = Field(foreign_key="listings.id", index=True)
    kind: str = Field(max_length=30)  # vocab.PROBLEM_KINDS
    note: str = Field(default="", max_length=500)
    reported_by_id: int | None = Field(default=None, foreign_key="persons.id")
    reported_on: date
    resolved_on: date | None = None
    resolved_by_id: int | None = Field(default=None, foreign_key="persons.id")
    resolution: str = Field(default="", max_length=300)
    created_at: datetime = Field(default_factory=utcnow)
