"""Community engagement (DOMAIN.md section 6): events and outreach, the live tally from the
stall, group courses and who attended, stories, partners, and volunteers' records.

An event's counts are totals on the event row. At the stall each tap is a TallyChange with a
phone-made UUID, added to the totals in the same transaction: a replayed change is found by
its UUID and changes nothing, and two champions tallying one event simply add up.
"""

from datetime import date, datetime

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Partner(SQLModel, table=True):
    """An organisation the service works with (a simple list, kept by managers)."""

    __tablename__ = "partners"
    __table_args__ = (UniqueConstraint("service_id", "name", name="uq_partners_name"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    name: str = Field(max_length=120)
    is_active: bool = Field(default=True)
    created_at: datetime = Field(default_factory=utcnow)


class Course(SQLModel, table=True):
    """A group course, like "Healthy eating on a budget" over 5 weeks. Its sessions are events
    of type group_course_session with course_id set."""

    __tablename__ = "courses"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    title: str = Field(max_length=120)
    description: str = Field(default="", max_length=1000)
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    planned_sessions: int = Field(default=1)
    starts_on: date
    venue: str = Field(default="", max_length=120)
    postcode: str = Field(default="", max_length=8)
    partner_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    led_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)


class Event(SQLModel, table=True):
    """A community activity: a stall, a talk, a health walk, one session of a course..."""

    __tablename__ = "events"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(max_length=36, unique=True, index=True)  # made on the phone for offline stalls
    service_id: int = Field(foreign_key="services.id", index=True)
    event_type: str = Field(max_length=30)  # vocab.EVENT_TYPES
    title: str = Field(max_length=120)
    starts_at: datetime = Field(index=True)
    ends_at: datetime
    venue: str = Field(default="", max_length=120)
    postcode: str = Field(default="", max_length=8)
    # Placed from the postcode lookup, like a client (never typed in).
    postcode_district: str = Field(default="", max_length=4)
    ward_code: str = Field(default="", max_length=12)
    ward_name: str = Field(default="", max_length=120)
    quintile: str = Field(default="unknown", max_length=20)
    partner_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reached: int = Field(default=0)
    leaflets: int = Field(default=0)
    signposted: int = Field(default=0)  # people signposted (counted; signpost records link here too)
    registered: int = Field(default=0)  # people who registered with the service there
    interested: int = Field(default=0)  # people who asked to be contacted
    # Anonymous breakdowns of the people reached: {"gender": {"female": 3}, "age_band": {...},
    # "ethnicity_group": {...}, "postcode_district": {"FE1": 2}}.
    breakdowns: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    notes: str = Field(default="", max_length=2000)
    course_id: int | None = Field(default=None, foreign_key="courses.id", index=True)
    course_session_number: int | None = None
    created_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class TallyChange(SQLModel, table=True):
    """One tap (or a few) at the stall: counts to add to the event, e.g. {"reached": 1,
    "gender.female": 1}. The UUID comes from the phone so replays change nothing."""

    __tablename__ = "tally_changes"

    uuid: str = Field(primary_key=True, max_length=36)
    event_id: int = Field(foreign_key="events.id", index=True)
    counts: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    recorded_by_id: int | None = Field(default=None, foreign_key="persons.id")
    recorded_at: datetime  # when it was tapped (the phone's clock)
    received_at: datetime = Field(default_factory=utcnow)


class EventWorker(SQLModel, table=True):
    """A member of staff or a champion who ran the event, and their hours."""

    __tablename__ = "event_workers"
    __table_args__ = (UniqueConstraint("event_id", "person_id", name="uq_event_workers_once"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", index=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    hours: float = Field(default=0.0)


class CourseAttendance(SQLModel, table=True):
    """A registered client who came to one course session (others are counted on the event)."""

    __tablename__ = "course_attendance"
    __table_args__ = (UniqueConstraint("event_id", "client_id", name="uq_course_attendance_once"),)

    id: int | None = Field(default=None, primary_key=True)
    event_id: int = Field(foreign_key="events.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    recorded_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)


class Story(SQLModel, table=True):
    """A client's or a worker's story: what happened and what changed, shared only with consent
    and only as the anonymised text."""

    __tablename__ = "stories"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    kind: str = Field(max_length=10)  # client, worker
    title: str = Field(max_length=120)
    what_happened: str = Field(default="", max_length=2000)
    what_changed: str = Field(default="", max_length=2000)
    consent_to_share: bool = Field(default=False)
    consent_on: date | None = None
    anonymised_text: str = Field(default="", max_length=2000)
    event_id: int | None = Field(default=None, foreign_key="events.id", index=True)
    client_id: int | None = Field(default=None, foreign_key="clients.id", index=True)
    written_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class VolunteerHours(SQLModel, table=True):
    """Hours a champion gave outside logged events (event hours are on EventWorker)."""

    __tablename__ = "volunteer_hours"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    on_date: date
    hours: float
    activity: str = Field(default="", max_length=120)
    created_at: datetime = Field(default_factory=utcnow)


class TrainingRecord(SQLModel, table=True):
    __tablename__ = "training_records"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    theme: str = Field(max_length=40)  # vocab.TRAINING_THEMES
    title: str = Field(max_length=120)
    provider: str = Field(default="", max_length=120)
    on_date: date
    created_at: datetime = Field(default_factory=utcnow)


class Qualification(SQLModel, table=True):
    __tablename__ = "qualifications"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    title: str = Field(max_length=120)
    awarded_on: date
    expires_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow)


class RoleChange(SQLModel, table=True):
    """A step on the volunteer path: client -> volunteer -> champion -> trainee (-> trainer)."""

    __tablename__ = "role_changes"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    from_stage: str = Field(max_length=20)  # vocab.VOLUNTEER_STAGES
    to_stage: str = Field(max_length=20)
    on_date: date
    note: str = Field(default="", max_length=300)
    recorded_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)
