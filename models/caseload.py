"""The trainer's record of working with a client: measures, sessions, contacts, signposts,
follow-ups, and the postcode lookup that places a client in a ward and deprivation quintile."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.base import utcnow


class PostcodeArea(SQLModel, table=True):
    """One row of the postcode lookup (DOMAIN.md section 6), loaded with `load-postcodes`."""

    __tablename__ = "postcode_areas"

    postcode: str = Field(primary_key=True, max_length=8)  # normalised: "W10 5AB"
    ward_code: str = Field(default="", max_length=12)
    ward_name: str = Field(default="", max_length=120)
    lsoa_code: str = Field(default="", max_length=12)
    imd_decile: int | None = None  # 1 = most deprived tenth of England
    latitude: float | None = None
    longitude: float | None = None


class Measure(SQLModel, table=True):
    """One measurement at one stage of an episode (baseline, review, exit, follow_up)."""

    __tablename__ = "measures"
    # Reports pair each client's baseline and exit scores of one instrument.
    __table_args__ = (
        Index("ix_measures_service_instrument_stage", "service_id", "instrument", "stage"),
        Index("ix_measures_client_instrument", "client_id", "instrument", "stage", "taken_on", "episode_id", "value"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    episode_id: int = Field(foreign_key="episodes.id", index=True)
    session_id: int | None = Field(default=None, foreign_key="support_sessions.id")
    stage: str = Field(max_length=10)
    # height_cm, weight_kg, bmi, who5_percent, general_health, self_efficacy, bp_systolic,
    # bp_diastolic, cholesterol, waist_cm, ons4_* (DOMAIN.md sections 4 and 9).
    instrument: str = Field(max_length=30)
    value: float
    method: str = Field(default="", max_length=15)  # measured or self_reported (height, weight, BMI)
    items: list[int] | None = Field(default=None, sa_column=Column(JSON, nullable=True))  # WHO-5 answers
    taken_on: date
    taken_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)


class SupportSession(SQLModel, table=True):
    """A one-to-one (or group) session, planned and then recorded."""

    __tablename__ = "support_sessions"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    episode_id: int = Field(foreign_key="episodes.id", index=True)
    trainer_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    starts_at: datetime = Field(index=True)
    venue: str = Field(default="", max_length=120)
    mode: str = Field(default="face_to_face", max_length=15)  # face_to_face, phone, video, group
    status: str = Field(default="planned", max_length=15)  # planned, attended, did_not_attend, cancelled
    minutes: int | None = None
    notes: str = Field(default="", max_length=2000)
    agreed_actions: str = Field(default="", max_length=1000)
    goals_reviewed: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    recorded_at: datetime | None = None
    recorded_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class Contact(SQLModel, table=True):
    """A contact between sessions: a text, a call, going with the client to a class or the GP."""

    __tablename__ = "contacts"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    episode_id: int | None = Field(default=None, foreign_key="episodes.id")
    contact_on: date
    kind: str = Field(max_length=20)  # text, call, accompanied_visit, email, letter, other
    outcome: str = Field(default="", max_length=500)
    by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)


class Signpost(SQLModel, table=True):
    """Someone pointed or referred to a service or group, and what came of it (DOMAIN.md 6)."""

    __tablename__ = "signposts"
    __table_args__ = (Index("ix_signposts_service_made", "service_id", "made_on"),)  # reports: made in a period

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int | None = Field(default=None, foreign_key="clients.id", index=True)  # None: anonymous
    episode_id: int | None = Field(default=None, foreign_key="episodes.id")
    for_family_member: bool = Field(default=False)
    destination: str = Field(max_length=30)  # a referral-source category code
    destination_name: str = Field(default="", max_length=120)  # the organisation or group, in words
    listing_id: int | None = Field(default=None, foreign_key="listings.id", index=True)  # from the directory
    event_id: int | None = Field(default=None, foreign_key="events.id", index=True)  # made at an event
    # For someone not registered: a way for the worker to recognise them later ("Jo, red coat").
    person_label: str = Field(default="", max_length=60)
    kind: str = Field(default="signpost", max_length=12)  # signpost, referral, accompanied
    made_on: date
    by_id: int | None = Field(default=None, foreign_key="persons.id")
    follow_up_on: date | None = Field(default=None, index=True)
    result: str | None = Field(default=None, max_length=15)  # attended, not_attended, unknown
    barrier: str | None = Field(default=None, max_length=15)  # cost, times, transport, confidence...
    result_note: str = Field(default="", max_length=300)
    result_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class FollowUp(SQLModel, table=True):
    """The check at about 3 and 6 months after exit: was the change kept up?"""

    __tablename__ = "follow_ups"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    episode_id: int = Field(foreign_key="episodes.id", index=True)
    stage: str = Field(max_length=10)  # 3_months, 6_months
    due_on: date = Field(index=True)
    done_on: date | None = None
    result: str | None = Field(default=None, max_length=15)  # yes, partly, no, not_contacted
    note: str = Field(default="", max_length=500)
    by_id: int | None = Field(default=None, foreign_key="persons.id")
