"""People, their roles in services, client records and one-time set-up codes."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
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

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    person_id: int | None = Field(default=None, foreign_key="persons.id", unique=True)
    trainer_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    full_name: str = Field(max_length=120)
    # The client's choice: may their health trainer read their diary? Default yes (DOMAIN.md 8).
    diary_shared: bool = Field(default=True)
    diary_shared_changed_at: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)


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
