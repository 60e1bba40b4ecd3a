"""SQLModel tables, one module per area. Importing this package registers every table."""

from sqlmodel import SQLModel

from models.audit import AuditEvent
from models.diary import DiaryComment, DiaryEntry, DiaryEntryRevision, DiaryFavourite
from models.people import Client, Person, RoleGrant, SetupCode
from models.plans import Episode, Goal, GoalRevision, GoalWeek, Plan
from models.tenancy import Service

metadata = SQLModel.metadata

__all__ = [
    "AuditEvent",
    "Client",
    "DiaryComment",
    "DiaryEntry",
    "DiaryEntryRevision",
    "DiaryFavourite",
    "Episode",
    "Goal",
    "GoalRevision",
    "GoalWeek",
    "Person",
    "Plan",
    "RoleGrant",
    "Service",
    "SetupCode",
    "metadata",
]
