"""Episodes of support, Personal Health Plans, goals, and what happens to them week by week."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.base import utcnow


class Episode(SQLModel, table=True):
    """One stretch of support for a client, from start to exit. A returning client opens a new one."""

    __tablename__ = "episodes"
    __table_args__ = (Index("ix_episodes_client_number", "client_id", "number"),)  # each client's latest

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    number: int = Field(default=1)  # 1 for the first episode, 2 when the client returns...
    started_on: date
    ended_on: date | None = None
    exit_reason: str | None = Field(default=None, max_length=30)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)

    # Eligibility: None until checked.
    eligible: bool | None = None
    eligibility_reason: str = Field(default="", max_length=200)
    eligibility_on: date | None = None

    # Initial assessment (DOMAIN.md sections 3 and 4; measures are rows in `measures`).
    assessed_on: date | None = None
    assessed_by_id: int | None = Field(default=None, foreign_key="persons.id")
    primary_issue: str | None = Field(default=None, max_length=30)
    secondary_needs: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    secondary_other: str = Field(default="", max_length=120)
    readiness: str | None = Field(default=None, max_length=20)

    # The first-session agreement ("client contract").
    agreed_on: date | None = None
    sessions_planned: int = Field(default=6)

    # Paused (moved away, ill) without losing anything; resumed by clearing.
    paused_on: date | None = None
    pause_reason: str = Field(default="", max_length=200)

    # not_required or not_yet_done; "done" is derived from signposting records, never blank.
    signposting: str = Field(default="not_yet_done", max_length=15)

    # Exit.
    exit_reason_other: str = Field(default="", max_length=200)
    maintenance_plan: str = Field(default="", max_length=1000)
    exited_by_id: int | None = Field(default=None, foreign_key="persons.id")


class Plan(SQLModel, table=True):
    """The Personal Health Plan of one episode."""

    __tablename__ = "plans"

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    episode_id: int = Field(foreign_key="episodes.id", unique=True)
    agreed_on: date
    created_by_id: int | None = Field(default=None, foreign_key="persons.id")
    created_at: datetime = Field(default_factory=utcnow)


class Goal(SQLModel, table=True):
    """A goal agreed with the client: coded for reports, worded for the client, maybe measurable."""

    __tablename__ = "goals"
    __table_args__ = (
        # Reports: goals set in a period by code and outcome, and each client's goals, from the index alone.
        Index("ix_goals_service_start", "service_id", "start_date", "code", "outcome", "client_id"),
        Index("ix_goals_client_outcome", "client_id", "outcome"),
    )

    id: int | None = Field(default=None, primary_key=True)
    service_id: int = Field(foreign_key="services.id", index=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    plan_id: int = Field(foreign_key="plans.id", index=True)
    code: str = Field(max_length=40)  # category-direction-target (DOMAIN.md section 3)
    wording: str = Field(max_length=200)  # in the client's words: "Walk to work 3 days a week"
    other_text: str = Field(default="", max_length=200)  # what "other" means, for code "other"
    target_kind: str = Field(default="check_in", max_length=30)
    target_value: float | None = None
    target_extra: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    start_date: date
    review_date: date
    action_what: str = Field(default="", max_length=200)
    action_when: str = Field(default="", max_length=200)
    action_where: str = Field(default="", max_length=200)
    action_with_whom: str = Field(default="", max_length=200)
    barriers: str = Field(default="", max_length=500)
    barrier_plan: str = Field(default="", max_length=500)  # how to get round the barriers
    set_by_id: int | None = Field(default=None, foreign_key="persons.id")
    status: str = Field(default="active", max_length=10)  # active or stopped
    stopped_on: date | None = None
    outcome: str | None = Field(default=None, max_length=15)  # achieved, part_achieved, not_achieved, none_yet
    outcome_on: date | None = None
    outcome_by_id: int | None = Field(default=None, foreign_key="persons.id")
    maintained: str | None = Field(default=None, max_length=15)  # at follow-up: yes, partly, no, not_contacted
    maintained_on: date | None = None
    version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class GoalRevision(SQLModel, table=True):
    """A goal as it was before each change: refined wording is never lost."""

    __tablename__ = "goal_revisions"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goals.id", index=True)
    version: int
    action: str = Field(max_length=12)  # refine, stop, outcome, maintained
    changed_by_id: int | None = Field(default=None, foreign_key="persons.id")
    changed_at: datetime = Field(default_factory=utcnow)
    snapshot: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class GoalWeek(SQLModel, table=True):
    """One week of a goal: excused (ill, away) and the client's check-in answer, when given."""

    __tablename__ = "goal_weeks"
    __table_args__ = (UniqueConstraint("goal_id", "monday", name="uq_goal_weeks_goal_monday"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goals.id", index=True)
    monday: date
    excused: bool = Field(default=False)
    excused_reason: str = Field(default="", max_length=100)
    check_in: str | None = Field(default=None, max_length=10)  # yes, partly, no
    updated_at: datetime = Field(default_factory=utcnow)
