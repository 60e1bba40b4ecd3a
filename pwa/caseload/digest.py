"""The pre-session digest: one screen about a client's time since their last session.

- `digest_period` picks the days: since the last attended session, else since the episode
  started, else the last 14 days; at most 8 weeks. It is compared with as many days before it.
- `build_digest` is pure: rows in (goals, goal weeks, diary entries, sessions, signposts), a
  `Digest` out. Diary parts are None when the client keeps their diary private.
- `load_digest` does the few queries. It reads only the diary days the two periods need.

What the diary says (highlights, guidelines, trends, mood) is in digest_diary.py, on top of
pwa/diary/totals.py; goal progress comes from pwa/plans/progress.py.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from models import Client, DiaryEntry, Episode, Goal, GoalWeek, Plan, Signpost, SupportSession
from pwa.caseload import vocab
from pwa.caseload.digest_diary import (
    DayHighlight,
    GuidelineLine,
    MoodDay,
    Trend,
    average_mood,
    best_and_hardest,
    daily_totals,
    direction,
    guideline_lines,
    highlight,
    mood_words,
    period_summary,
    trends,
)
from pwa.clock import london_day_bounds, to_london
from pwa.diary.describe import entry_label
from pwa.diary.totals import WeekSummary, week_start
from pwa.plans import progress
from pwa.plans import store as plans_store

# With no session yet and no episode, the digest looks at the last two weeks.
NO_SESSION_DAYS = 14
# A long gap (a paused client) is cut to the last 8 weeks: the digest is about recent weeks.
MAX_PERIOD_DAYS = 56


@dataclass(frozen=True)
class Period:
    """The London days the digest covers (first to last, inclusive), and why they start there."""

    first: date
    last: date
    since: str  # "last_session", "episode_start" or "no_session"
    capped: bool = False  # cut to MAX_PERIOD_DAYS

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def before_first(self) -> date:
        """First day of the period before, as long as this one."""
        return self.first - timedelta(days=self.days)

    @property
    def before_last(self) -> date:
        return self.first - timedelta(days=1)

    def each_day(self) -> list[date]:
        return [self.first + timedelta(days=offset) for offset in range(self.days)]

    def each_day_before(self) -> list[date]:
        return [self.before_first + timedelta(days=offset) for offset in range(self.days)]


def digest_period(today: date, last_session_day: date | None, episode_start: date | None) -> Period:
    """From the last attended session's day (included: entries after the session that day count),
    else the episode's start, else the last 14 days; never more than MAX_PERIOD_DAYS."""
    if last_session_day is not None:
        first, since = last_session_day, "last_session"
    elif episode_start is not None:
        first, since = episode_start, "episode_start"
    else:
        first, since = today - timedelta(days=NO_SESSION_DAYS - 1), "no_session"
    first = min(first, today)
    earliest = today - timedelta(days=MAX_PERIOD_DAYS - 1)
    if first < earliest:
        return Period(earliest, today, since, capped=True)
    return Period(first, today, since)


# --- What the page shows ------------------------------------------------------------------


@dataclass
class GoalDigest:
    """One goal over the period. `measured` is False when its progress needs the private diary."""

    goal: Goal
    target_text: str
    measured: bool
    weeks: list[progress.WeekProgress] = field(default_factory=list)  # weeks of this period
    before: list[progress.WeekProgress] = field(default_factory=list)  # weeks of the period before
    this_week: progress.WeekProgress | None = None

    @property
    def met_weeks(self) -> int:
        return sum(week.met for week in self.weeks if week.complete and not week.excused)

    @property
    def full_weeks(self) -> int:
        return sum(week.complete and not week.excused for week in self.weeks)

    @property
    def met_before(self) -> int:
        return sum(week.met for week in self.before if week.complete and not week.excused)

    @property
    def full_weeks_before(self) -> int:
        return sum(week.complete and not week.excused for week in self.before)

    @property
    def trend(self) -> str | None:
        """ "up", "down" or "same": the share of full weeks met, against the period before."""
        if not self.full_weeks or not self.full_weeks_before:
            return None
        return direction(self.met_weeks / self.full_weeks, self.met_before / self.full_weeks_before, 0.0)


@dataclass
class TalkAbout:
    """An entry the client marked "I want to talk about this at my next session"."""

    occurred_at: datetime
    kind: str
    what: str
    note: str


@dataclass
class SignpostDigest:
    signpost: Signpost
    destination: str
    kind: str
    follow_up: str  # "overdue", "today", "later" or "none"

    @property
    def follow_up_words(self) -> str:
        due = self.signpost.follow_up_on
        if self.follow_up == "overdue":
            return f"Follow-up overdue: it was due on {due:%-d %B}"
        if self.follow_up == "today":
            return "Follow-up due today"
        if self.follow_up == "later":
            return f"Follow-up due on {due:%-d %B}"
        return "No follow-up date set"


@dataclass
class Digest:
    """Everything on the digest page. Diary fields are None while the diary is private."""

    period: Period
    today: date
    diary_shared: bool
    last_session: SupportSession | None
    next_session: SupportSession | None
    goals: list[GoalDigest]
    signposts: list[SignpostDigest]
    reviewed_goals: list[str] = field(default_factory=list)  # goals talked about at the last session
    days_logged: int | None = None
    days_logged_before: int | None = None
    best_day: DayHighlight | None = None
    hardest_day: DayHighlight | None = None
    guidelines: list[GuidelineLine] | None = None
    trends: list[Trend] | None = None
    mood_days: list[MoodDay] | None = None
    mood_average: float | None = None
    mood_average_before: float | None = None
    mood_words: list[tuple[str, int]] | None = None
    talk_about: list[TalkAbout] | None = None

    @property
    def mood_logged_days(self) -> int:
        return sum(day.mood is not None for day in self.mood_days or [])


# --- Building -------------------------------------------------------------------------------


def goal_digests(
    goals: list[Goal],
    marks: Mapping[int, Mapping[date, GoalWeek]],
    weeks: list[WeekSummary] | None,
    period: Period,
    today: date,
) -> list[GoalDigest]:
    """Each goal's weeks over both periods (progress.py), from the diary's week summaries. Without
    the diary (weeks None) only check-in goals, which the client answers week by week, have progress."""
    first_monday = week_start(period.before_first)
    period_monday = week_start(period.first)
    found = []
    for goal in goals:
        target = progress.Target.from_goal(goal)
        row = GoalDigest(goal=goal, target_text=progress.describe_target(target), measured=False)
        found.append(row)
        if weeks is None and goal.target_kind != "check_in":
            continue
        goal_marks = marks.get(goal.id, {})
        goal_weeks = progress.progress_over_weeks(
            target,
            weeks or [],
            today=today,
            start=max(goal.start_date, first_monday),
            excused_weeks=[monday for monday, mark in goal_marks.items() if mark.excused],
            check_ins={monday: mark.check_in for monday, mark in goal_marks.items() if mark.check_in},
        )
        row.measured = True
        row.weeks = [week for week in goal_weeks if week.monday >= period_monday]
        row.before = [week for week in goal_weeks if week.monday < period_monday]
        row.this_week = progress.this_week(goal_weeks)
    return found


def signpost_digests(signposts: Iterable[Signpost], today: date) -> list[SignpostDigest]:
    """Open signposts (no result yet), overdue follow-ups first, then by follow-up date."""
    found = []
    for signpost in signposts:
        if signpost.result is not None:
            continue
        due = signpost.follow_up_on
        state = "none" if due is None else "overdue" if due < today else "today" if due == today else "later"
        destination = vocab.REFERRAL_SOURCE.get(signpost.destination, signpost.destination)
        if signpost.destination_name:
            destination = f"{signpost.destination_name} ({destination})"
        found.append(
            SignpostDigest(signpost, destination, vocab.SIGNPOST_KINDS.get(signpost.kind, signpost.kind), state)
        )
    order = {"overdue": 0, "today": 1, "later": 2, "none": 3}
    return sorted(found, key=lambda item: (order[item.follow_up], item.signpost.follow_up_on or item.signpost.made_on))


def build_digest(
    *,
    period: Period,
    today: date,
    goals: list[Goal],
    goal_marks: Mapping[int, Mapping[date, GoalWeek]],
    entries: list | None,
    last_session: SupportSession | None,
    next_session: SupportSession | None,
    signposts: Iterable[Signpost],
    marked: list | None = None,
) -> Digest:
    """The digest from loaded rows. `entries`: the diary from the Monday before the period before
    up to today, or None when the client keeps their diary private. `marked`: the entries marked
    to talk about, whole (for their labels), when `entries` are light rows; else taken from `entries`."""
    names = {goal.id: goal.wording for goal in goals}
    totals, weeks = None, None
    if entries is not None:
        # Every day from the Monday before the period before to the end of this week, once.
        first_monday, this_monday = week_start(period.before_first), week_start(today)
        totals = daily_totals(first_monday, this_monday + timedelta(days=6), entries)
        mondays = [first_monday + timedelta(weeks=n) for n in range((this_monday - first_monday).days // 7 + 1)]
        weeks = [WeekSummary(monday, [totals[monday + timedelta(days=n)] for n in range(7)]) for monday in mondays]
    digest = Digest(
        period=period,
        today=today,
        diary_shared=entries is not None,
        last_session=last_session,
        next_session=next_session,
        goals=goal_digests(goals, goal_marks, weeks, period, today),
        signposts=signpost_digests(signposts, today),
        reviewed_goals=[
            names[goal_id] for goal_id in (last_session.goals_reviewed if last_session else []) if goal_id in names
        ],
    )
    if entries is None or totals is None:
        return digest
    in_period = [entry for entry in entries if period.first <= entry.day <= period.last]
    before = [entry for entry in entries if period.before_first <= entry.day <= period.before_last]
    days = [totals[day] for day in period.each_day()]
    days_before = [totals[day] for day in period.each_day_before()]
    summary, summary_before = period_summary(days), period_summary(days_before)
    best, hardest = best_and_hardest(days)
    digest.days_logged = summary.days_logged
    digest.days_logged_before = summary_before.days_logged
    digest.best_day = highlight(best, in_period)
    digest.hardest_day = highlight(hardest, in_period)
    digest.guidelines = guideline_lines(period.days, summary)
    digest.mood_days = [MoodDay(day.day, day.mood) for day in days]
    digest.mood_average = average_mood(in_period)
    digest.mood_average_before = average_mood(before)
    digest.trends = trends(summary, summary_before, digest.mood_average, digest.mood_average_before)
    digest.mood_words = mood_words(in_period)[:3]
    digest.talk_about = [
        TalkAbout(entry.occurred_at, entry.kind, entry_label(entry, with_time=False), entry.note)
        for entry in sorted(in_period if marked is None else marked, key=lambda entry: entry.occurred_at)
        if entry.talk_about and period.first <= entry.day <= period.last
    ]
    return digest


# --- Loading --------------------------------------------------------------------------------


# The columns day totals, highlights and mood use. Entries to talk about are read whole (read_marked):
# a few hundred full rows, or ORM objects, would cost more than the rest of the page.
DIARY_COLUMNS = (
    "id",
    "kind",
    "occurred_at",
    "day",
    "note",
    "talk_about",
    "deleted_at",
    "portions",
    "intensity",
    "minutes",
    "marker",
    "units",
    "quantity",
    "cigarettes",
    "mood",
    "mood_words",
    "weight_kg",
)


def _diary_between(client_id: int, first: date, last: date):
    return (
        DiaryEntry.client_id == client_id,
        DiaryEntry.day >= first,
        DiaryEntry.day <= last,
        DiaryEntry.deleted_at.is_(None),
    )


def read_diary(session: Session, client_id: int, first: date, last: date) -> list:
    """The client's entries from the first to the last day, oldest first, as light rows (DIARY_COLUMNS)."""
    columns = [getattr(DiaryEntry, name) for name in DIARY_COLUMNS]
    query = sa_select(*columns).where(*_diary_between(client_id, first, last))
    return list(session.execute(query.order_by(DiaryEntry.occurred_at, DiaryEntry.id)).all())


def read_marked(session: Session, client_id: int, first: date, last: date) -> list[DiaryEntry]:
    """The entries the client marked to talk about, from the first to the last day, oldest first."""
    query = select(DiaryEntry).where(*_diary_between(client_id, first, last), DiaryEntry.talk_about.is_(True))
    return list(session.exec(query.order_by(DiaryEntry.occurred_at, DiaryEntry.id)).all())


def load_digest(session: Session, client: Client, *, today: date, now: datetime, diary_shared: bool) -> Digest:
    """Read what the digest needs (a handful of small queries) and build it."""
    episodes = session.exec(
        select(Episode).where(Episode.client_id == client.id).order_by(Episode.started_on.desc(), Episode.id.desc())
    ).all()
    episode = next((item for item in episodes if item.ended_on is None), episodes[0] if episodes else None)
    sessions: list[SupportSession] = []
    goals: list[Goal] = []
    if episode is not None:
        sessions = list(
            session.exec(
                select(SupportSession)
                .where(SupportSession.client_id == client.id, SupportSession.episode_id == episode.id)
                .order_by(SupportSession.starts_at, SupportSession.id)
            ).all()
        )
        plan = session.exec(select(Plan).where(Plan.episode_id == episode.id)).first()
        goals = [goal for goal in plans_store.goals_of(session, plan) if goal.status == "active"]
    attended = [item for item in sessions if item.status == "attended" and item.starts_at <= now]
    last_session = attended[-1] if attended else None
    start_of_today = london_day_bounds(today)[0]
    planned = [item for item in sessions if item.status == "planned" and item.starts_at >= start_of_today]
    period = digest_period(
        today,
        to_london(last_session.starts_at).date() if last_session else None,
        episode.started_on if episode else None,
    )
    entries, marked = None, None
    if diary_shared:
        # From the Monday of the period before (goal weeks start on Mondays) up to today: never a year.
        entries = read_diary(session, client.id, week_start(period.before_first), today)
        marked = read_marked(session, client.id, period.first, period.last)
    signposts = session.exec(select(Signpost).where(Signpost.client_id == client.id, Signpost.result.is_(None))).all()
    return build_digest(
        period=period,
        today=today,
        goals=goals,
        goal_marks=plans_store.goal_weeks(session, [goal.id for goal in goals]),
        entries=entries,
        last_session=last_session,
        next_session=planned[0] if planned else None,
        signposts=signposts,
        marked=marked,
    )
