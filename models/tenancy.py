"""A Health Trainer service: the tenant every record belongs to."""

from datetime import datetime

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Service(SQLModel, table=True):
    __tablename__ = "services"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(max_length=60, unique=True, index=True)
    name: str = Field(max_length=120)
    area: str = Field(default="", max_length=120)
    yearly_client_target: int = Field(default=0)
    # Ward names or codes the commissioner wants the service to reach.
    target_wards: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    # Share of clients (percent, 0 to 100) the commissioner wants from the target wards.
    target_ward_share: float = Field(default=0.0)
    is_active: bool = Field(default=True)
    # "full": trainees work like trainers on their caseload. "supervised": trainees record
    # sessions, contacts and signposts, but registration, eligibility and exit need a trainer.
    trainee_mode: str = Field(default="full", max_length=12)
    # Anyone may search the directory (and read its open-data feed) without logging in.
    public_directory: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)
