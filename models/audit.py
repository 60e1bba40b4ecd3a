"""Audit trail: who saw or changed what. Rows are only ever added, never edited."""

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.base import utcnow


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    service_id: int | None = Field(default=None, foreign_key="services.id", index=True)
    actor_id: int | None = Field(default=None, foreign_key="persons.id", index=True)
    actor_role: str = Field(default="", max_length=20)
    action: str = Field(max_length=60)
    client_id: int | None = Field(default=None, foreign_key="clients.id", index=True)
    subject_person_id: int | None = Field(default=None, foreign_key="persons.id")
    detail: str = Field(default="", max_length=500)
