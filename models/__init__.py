"""SQLModel tables, one module per area. Importing this package registers every table."""

from sqlmodel import SQLModel

from models.audit import AuditEvent
from models.caseload import Contact, FollowUp, Measure, PostcodeArea, Signpost, SupportSession
from models.community import (
    Course,
    CourseAttendance,
    Event,
    EventWorker,
    Partner,
    Qualification,
    RoleChange,
    Story,
    TallyChange,
    TrainingRecord,
    VolunteerHours,
)
from models.diary import DiaryComment, DiaryEntry, DiaryEntryRevision, DiaryFavourite
from models.directory import Listing, ListingMark, ListingProblem, ListingTime
from models.people import Client, Person, RoleGrant, SetupCode
from models.plans import Episode, Goal, GoalRevision, GoalWeek, Plan
from models.reminders import Message, Notification, PushDelivery, PushSubscription, ReminderChoice
from models.reports import ComparatorSet, ComparatorValue
from models.tenancy import Service

metadata = SQLModel.metadata

__all__ = [
    "AuditEvent",
    "Client",
    "ComparatorSet",
    "ComparatorValue",
    "Contact",
    "Course",
    "CourseAttendance",
    "DiaryComment",
    "DiaryEntry",
    "DiaryEntryRevision",
    "DiaryFavourite",
    "Episode",
    "Event",
    "EventWorker",
    "FollowUp",
    "Goal",
    "GoalRevision",
    "GoalWeek",
    "Listing",
    "ListingMark",
    "ListingProblem",
    "ListingTime",
    "Measure",
    "Message",
    "Notification",
    "Partner",
    "Person",
    "Plan",
    "PostcodeArea",
    "PushDelivery",
    "PushSubscription",
    "Qualification",
    "ReminderChoice",
    "RoleChange",
    "RoleGrant",
    "Service",
    "SetupCode",
    "Signpost",
    "Story",
    "SupportSession",
    "TallyChange",
    "TrainingRecord",
    "VolunteerHours",
    "metadata",
]
