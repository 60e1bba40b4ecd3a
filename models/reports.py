"""Comparator sets a manager adds for reports (the England set ships as a file with the app)."""

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class ComparatorSet(SQLModel, table=True):
    """Percentages to compare a service with, for example the borough population (DOMAIN.md 7)."""

    __tablename__ = "comparator_sets"
    __table_args__ = (UniqueConstraint("service_id", "name", name="uq_comparator_sets_service_name"),)

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    name: str = Field(max_length=120)
    source: str = Field(default="", max_length=300)  # where the figures came from, in words
    created_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)


class ComparatorValue(SQLModel, table=True):
    """One percentage of a comparator set, stored as given and never derived."""

    __tablename__ = "comparator_values"
    __table_args__ = (
        UniqueConstraint("set_id", "table_name", "category", name="uq_comparator_values_set_table_category"),
    )

    id: int | None = Field(default=None, primary_key=True)
    set_id: int = Field(foreign_key="comparator_sets.id", index=True)
    table_name: str = Field(max_length=40)
    category: str = Field(max_length=60)
    percent: float
