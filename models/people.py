"""People, their roles in services, client records and one-time set-up codes."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Person(SQLModel, table=True):
    """One account per person, whatever roles they hold."""

    __tablename__ = "persons"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=60, unique=True, index=True)
    email: str | None = Field(default=None, max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=120)
    # Empty until the person chooses a password with a set-up code.
    password_hash: str | None = Field(default=None, max_length=255)
    is_disabled: bool = Field(default=False)
    # Part of the login cookie: changing it logs the person out on every device.
    session_token: str = Field(max_length=64)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None


class RoleGrant(SQLModel, table=True):
    """A role a person holds in a service. An admin grant with no service is site-wide."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("person_id", "service_id", "role", name="uq_role_grants_person_service_role"),)

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    service_id: int | None = Field(default=None, foreign_key="services.id", index=True)
    role: str = Field(max_length=20)
    # Whole-time equivalent for staff (1.0 = full time); used for clients per WTE.
    wte: float | None = None
    created_at: datetime = Field(default_factory=utcnow)


class Client(SQLModel, table=True):
    """A client's record in a service. The client may or may not have an account."""

    __tablename__ = "clients"
    __table_args__ = (
        UniqueConstraint("service_id", "client_ref", name="uq_clients_service_client_ref"),
        # Reports count a service's clients registered in a period.
        Index("ix_clients_service_registered", "service_id", "registered_on"),
        # The postcode-area and ward report rows, read from the index alone.
        Index("ix_clients_service_area", "service_id", "postcode_district", "ward_code", "ward_name", "registered_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="persons.id", unique=True)
    trainer_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    full_name: str = Field(max_length=120)
    # The client's choice: may their health trainer read their diary? Default yes (DOMAIN.md 8).
    diary_shared: bool = Field(default=True)
    diary_shared_changed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    # Registration (DOMAIN.md section 3). Coded fields store codes; "not_recorded" until known.
    registered_on: date | None = Field(default=None, index=True)
    registered_by_id: int | None = Field(default=None, foreign_key="persons.id")
    # The day of the first attended session (or as imported): the "month first seen" report.
    first_seen_on: date | None = None
    # The client's number in an older system, kept so a re-import updates instead of duplicating.
    client_ref: str | None = Field(default=None, max_length=40)
    gender: str = Field(default="not_recorded", max_length=20)
    date_of_birth: date | None = None
    # Derived from the date of birth at registration when known; otherwise as given ("declined"...).
    age_band: str = Field(default="not_recorded", max_length=20)
    ethnicity: str = Field(default="not_recorded", max_length=40)
    disability: str = Field(default="not_recorded", max_length=20)
    phone: str = Field(default="", max_length=30)
    # The postcode as normalised ("W10 5AB"), and what the lookup says about it.
    postcode: str = Field(default="", max_length=8)
    postcode_district: str = Field(default="", max_length=4)
    ward_code: str = Field(default="", max_length=12)
    ward_name: str = Field(default="", max_length=120)
    lsoa_code: str = Field(default="", max_length=12)
    deprivation_quintile: str = Field(default="unknown", max_length=20)
    how_heard: str = Field(default="not_recorded", max_length=30)
    # When how_heard is promotional_event: the event they heard at (reports count registrations per event).
    heard_at_event_id: int | None = Field(default=None, foreign_key="events.id", index=True)
    referral_source: str = Field(default="not_recorded", max_length=30)
    referral_source_other: str = Field(default="", max_length=120)
    communities: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    employment_status: str = Field(default="not_recorded", max_length=30)
    time_since_paid_work: str = Field(default="not_recorded", max_length=30)
    gp_registered: str = Field(default="not_recorded", max_length=20)

    # Consent, as the client chose it. Unsigned until the date is set.
    consent_signed_on: date | None = None
    consent_data_use: bool = Field(default=False)
    contact_by_text: bool = Field(default=False)
    contact_by_phone: bool = Field(default=False)
    contact_by_app: bool = Field(default=False)
    # Names of the partner organisations the client lets us share their record with.
    partner_sharing: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))

    # A trainer's reminder to come back to this client, shown on the worklist.
    follow_up_flag: bool = Field(default=False)
    follow_up_note: str = Field(default="", max_length=200)


class SetupCode(SQLModel, table=True):
    """A one-time code staff hand over so a person can choose a password. Only its hash is kept."""

    __tablename__ = "setup_codes"

    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="persons.id", index=True)
    code_hash: str = Field(max_length=64, unique=True, index=True)
    purpose: str = Field(max_length=10)  # "setup" or "reset"
    created_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    used_at: datetime | None = None
