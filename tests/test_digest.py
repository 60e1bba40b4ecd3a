"""The pre-session digest (pwa/caseload/digest.py, digest_diary.py), its pages, and the diary's
"want to talk about" mark."""

import json
import uuid
from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

import pytest
from sqlmodel import select

from models import AuditEvent, DiaryEntry, DiaryEntryRevision, Episode, Goal, GoalWeek, Signpost, SupportSession
from pwa.caseload.digest import MAX_PERIOD_DAYS, Period, build_digest, digest_period
from pwa.caseload.digest_diary import best_and_hardest
from pwa.clock import LONDON, london_today, utcnow
from pwa.diary.rules import check_entry
from pwa.diary.totals import day_totals
from tests.conftest import act_as, post_form
from tests.world import diary_entry

TODAY = date(2026, 3, 18)  # a Wednesday
CLIENT = SimpleNamespace(id=1, service_id=1)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A London wall-clock time on a day, as stored (aware UTC)."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def entry(day: date, kind: str = "mood", hour: int = 12, **values) -> DiaryEntry:
    return diary_entry(CLIENT, kind, moment=at(day, hour), **(values or {"mood": 3}))


def session_on(day: date, status: str = "attended", **values) -> SupportSession:
    return SupportSession(service_id=1, client_id=1, episode_id=1, starts_at=at(day, 10), status=status, **values)


def goal(kind: str = "active_minutes_week", value: float | None = 150, start: date = TODAY - timedelta(days=60)):
    return Goal(
        id=7,
        service_id=1,
        client_id=1,
        plan_id=1,
        code="exercise-increase-moderate",
        wording="Walk more",
        target_kind=kind,
        target_value=value,
        target_extra={},
        start_date=start,
        review_date=TODAY + timedelta(days=30),
    )


def digest_of(entries, *, period=None, goals=(), marks=None, sessions=(None, None), signposts=()):
    period = period or digest_period(TODAY, TODAY - timedelta(days=13), None)
    return build_digest(
        period=period,
        today=TODAY,
        goals=list(goals),
        goal_marks=marks or {},
        entries=entries,
        last_session=sessions[0],
        next_session=sessions[1],
        signposts=signposts,
    )


# --- Periods ------------------------------------------------------------------------------------


def test_period_runs_from_the_last_session_day_and_is_compared_with_as_many_days_before():
    period = digest_period(TODAY, date(2026, 3, 11), date(2026, 1, 5))
    assert (period.first, period.last, period.days, period.since) == (date(2026, 3, 11), TODAY, 8, "last_session")
    assert (period.before_first, period.before_last) == (date(2026, 3, 3), date(2026, 3, 10))
    assert len(period.each_day_before()) == period.days


def test_period_without_a_session_starts_with_the_episode_or_covers_two_weeks():
    assert digest_period(TODAY, None, date(2026, 3, 1)).first == date(2026, 3, 1)
    assert digest_period(TODAY, None, date(2026, 3, 1)).since == "episode_start"
    no_episode = digest_period(TODAY, None, None)
    assert (no_episode.first, no_episode.days, no_episode.since) == (date(2026, 3, 5), 14, "no_session")


def test_a_long_gap_is_cut_to_eight_weeks():
    period = digest_period(TODAY, date(2025, 6, 1), None)
    assert period.capped and period.days == MAX_PERIOD_DAYS and period.last == TODAY


# --- Best and hardest day -----------------------------------------------------------------------


def totals(day: date, *entries_of_day) -> object:
    return day_totals(day, list(entries_of_day))


def test_best_day_is_the_highest_mood_and_a_tie_goes_to_more_guideline_wins():
    monday, tuesday, wednesday = date(2026, 3, 16), date(2026, 3, 17), TODAY
    days = [
        totals(monday, entry(monday, mood=4)),
        totals(tuesday, entry(tuesday, mood=2), entry(tuesday, "smoking", cigarettes=10)),
        totals(
            wednesday,
            entry(wednesday, mood=4),
            entry(wednesday, "food", meal="lunch", portions=5),
            entry(wednesday, "alcohol", marker="drink_free", units=0.0),
        ),
    ]
    best, hardest = best_and_hardest(days)
    assert best.day == wednesday  # mood 4 like Monday, but 5 fruit and veg and drink-free
    assert hardest.day == tuesday


def test_without_moods_guideline_wins_decide_and_equal_days_have_no_hardest_day():
    monday, tuesday = date(2026, 3, 16), date(2026, 3, 17)
    active = entry(monday, "activity", activity="walking", minutes=20, intensity="vigorous")  # 40 guideline minutes
    best, hardest = best_and_hardest(
        [totals(monday, active), totals(tuesday, entry(tuesday, "food", meal="lunch", portions=1))]
    )
    assert (best.day, hardest.day) == (monday, tuesday)
    best, hardest = best_and_hardest([totals(monday, entry(monday, mood=3)), totals(tuesday, entry(tuesday, mood=3))])
    assert best.day == tuesday and hardest is None  # alike: the later day, and nothing stands out
    assert best_and_hardest([totals(monday), totals(tuesday)]) == (None, None)


def test_highlights_say_what_happened_that_day():
    digest = digest_of(
        [
            entry(TODAY, mood=5, mood_words=["happy", "calm"]),
            entry(TODAY, "food", meal="dinner", portions=5, note="Cooked with my son"),
            entry(TODAY - timedelta(days=1), mood=1, mood_words=["tired"]),
        ]
    )
    assert digest.best_day.day == TODAY and digest.best_day.mood_label == "Very good"
    assert digest.best_day.facts == ["5 portions of fruit and veg"]
    assert digest.best_day.mood_words == ["happy", "calm"] and digest.best_day.notes == ["Cooked with my son"]
    assert digest.hardest_day.day == TODAY - timedelta(days=1) and digest.hardest_day.mood_words == ["tired"]


# --- Totals against the guidelines, trends, mood ---------------------------------------------------


def test_totals_against_guidelines_count_vigorous_minutes_double_and_weekly_units():
    period = Period(date(2026, 3, 5), TODAY, "last_session")  # 14 days
    days = period.each_day()
    entries = [
        entry(days[0], "activity", activity="walking", minutes=100, intensity="moderate"),
        entry(days[1], "activity", activity="gym", minutes=60, intensity="vigorous"),  # counts as 120
        entry(days[1], "activity", activity="housework", minutes=90, intensity="light"),  # does not count
        entry(days[2], "food", meal="lunch", portions=5),
        entry(days[3], "food", meal="lunch", portions=4),
        entry(days[4], "alcohol", drink="beer_pint_4", quantity=3, units=6.8),
        entry(days[5], "alcohol", drink="wine_250_12", quantity=4, units=12.0),
        entry(days[6], "alcohol", marker="drink_free", units=0.0),
        entry(days[7], "smoking", marker="smoke_free", cigarettes=0),
        entry(days[8], "smoking", tobacco="cigarettes", cigarettes=6),
        entry(days[9], "smoking", tobacco="cigarettes", cigarettes=4),
    ]
    lines = {line.label: line for line in digest_of(entries, period=period).guidelines}
    assert lines["Fruit and veg"].text == "5 a day on 1 of 14 days"
    assert lines["Being active"].text == "110 active minutes a week (220 in 14 days)"
    assert lines["Being active"].met is False
    assert lines["Alcohol"].text == "9.4 units a week (18.8 in 14 days); 1 drink-free day"
    assert lines["Alcohol"].met is True
    assert lines["Smoking"].text.startswith("10 cigarettes in 14 days (about 5 a day on days they smoked)")
    assert "1 smoke-free day" in lines["Smoking"].text and lines["Smoking"].met is False


def test_nothing_logged_of_a_kind_is_said_plainly():
    lines = {line.label: line for line in digest_of([entry(TODAY, mood=3)]).guidelines}
    assert lines["Alcohol"].text == "No drinks logged" and lines["Alcohol"].met is None
    assert lines["Smoking"].text == "No smoking logged"


def test_trends_compare_with_the_same_number_of_days_before():
    period = Period(TODAY - timedelta(days=6), TODAY, "last_session")  # 7 days; before: the 7 days earlier
    now_days, before_days = period.each_day(), period.each_day_before()
    entries = [
        *[
            entry(day, "activity", activity="walking", minutes=30, intensity="moderate") for day in now_days[:5]
        ],  # 150 minutes
        entry(before_days[0], "activity", activity="walking", minutes=60, intensity="moderate"),
        *[entry(day, "smoking", cigarettes=10) for day in before_days[:3]],  # 30 before
        entry(now_days[0], "smoking", cigarettes=5),  # 5 now
        entry(now_days[1], mood=4),
        entry(before_days[1], mood=4),
    ]
    trends = {trend.label: trend for trend in digest_of(entries, period=period).trends}
    active = trends["Active minutes (vigorous count double)"]
    assert (active.direction, active.better, active.now, active.before) == ("up", True, 150, 60)
    assert active.words == "up to 150 minutes, from 60"
    assert (trends["Cigarettes"].direction, trends["Cigarettes"].better) == ("down", True)
    assert trends["Average mood (1 to 5)"].direction == "same" and trends["Average mood (1 to 5)"].better is None
    assert trends["Days with diary entries"].direction == "up"  # 5 days against 4
    assert "Alcohol" not in trends  # nothing in either period


def test_no_trends_when_nothing_was_logged_before():
    digest = digest_of([entry(TODAY, mood=4)])
    assert digest.trends == [] and digest.days_logged_before == 0


def test_mood_over_the_period_day_by_day():
    period = Period(TODAY - timedelta(days=2), TODAY, "last_session")
    entries = [
        entry(TODAY - timedelta(days=2), mood=2, mood_words=["stressed"]),
        entry(TODAY - timedelta(days=2), hour=20, mood=3, mood_words=["stressed", "tired"]),
        entry(TODAY, mood=5),
    ]
    digest = digest_of(entries, period=period)
    assert [(day.day, day.mood) for day in digest.mood_days] == [
        (TODAY - timedelta(days=2), 2),  # 2.5 rounds to even: 2
        (TODAY - timedelta(days=1), None),
        (TODAY, 5),
    ]
    assert digest.mood_average == 3.3 and digest.mood_logged_days == 2
    assert digest.mood_words == [("stressed", 2), ("tired", 1)]


# --- Want to talk about, goals, signposts, sessions ------------------------------------------------


def test_entries_marked_to_talk_about_in_the_period_are_listed_oldest_first():
    period = Period(TODAY - timedelta(days=6), TODAY, "last_session")
    entries = [
        entry(
            TODAY, "activity", activity="walking", minutes=20, intensity="moderate", talk_about=True, note="Knee hurt"
        ),
        entry(TODAY - timedelta(days=3), mood=1, talk_about=True),
        entry(TODAY - timedelta(days=2), mood=4),  # not marked
        entry(TODAY - timedelta(days=9), mood=2, talk_about=True),  # before the period
    ]
    talk = digest_of(entries, period=period).talk_about
    assert [(item.what, item.note) for item in talk] == [("Mood very low", ""), ("Walking, 20 minutes", "Knee hurt")]


def test_goal_progress_over_the_weeks_of_both_periods():
    period = Period(date(2026, 3, 2), TODAY, "last_session")  # Monday 2 March; before: from Friday 13 February
    entries = [
        *[
            entry(
                date(2026, 3, 2) + timedelta(days=n), "activity", activity="walking", minutes=30, intensity="moderate"
            )
            for n in range(5)
        ],
        entry(date(2026, 3, 9), "activity", activity="walking", minutes=40, intensity="moderate"),
    ]
    [row] = digest_of(entries, period=period, goals=[goal()]).goals
    assert row.measured and row.target_text == "150 active minutes a week"
    assert [week.monday for week in row.weeks] == [date(2026, 3, 2), date(2026, 3, 9), date(2026, 3, 16)]
    assert (row.met_weeks, row.full_weeks) == (1, 2)
    assert (row.met_before, row.full_weeks_before) == (0, 3)  # weeks of 9, 16 and 23 February
    assert row.trend == "up" and row.this_week.monday == date(2026, 3, 16)


def test_private_diary_keeps_sessions_goals_and_signposts_but_no_diary():
    check_in = goal("check_in", None)
    check_in.id = 8
    marks = {8: {date(2026, 3, 9): GoalWeek(goal_id=8, monday=date(2026, 3, 9), check_in="yes")}}
    last = session_on(date(2026, 3, 4), notes="Talked about walking")
    signpost = Signpost(service_id=1, client_id=1, destination="housing", made_on=date(2026, 3, 4))
    digest = digest_of(
        None,
        goals=[goal(), check_in],
        marks=marks,
        sessions=(last, None),
        signposts=[signpost],
        period=digest_period(TODAY, date(2026, 3, 4), None),
    )
    assert not digest.diary_shared
    assert digest.days_logged is None and digest.best_day is None and digest.talk_about is None
    assert digest.mood_days is None and digest.guidelines is None and digest.trends is None
    diary_goal, check_in_goal = digest.goals
    assert not diary_goal.measured and diary_goal.weeks == []
    assert check_in_goal.measured and check_in_goal.met_weeks == 1  # the client's own weekly answer
    assert digest.last_session is last and len(digest.signposts) == 1


def test_empty_diary_and_no_session_yet():
    digest = digest_of([], period=digest_period(TODAY, None, None))
    assert digest.period.since == "no_session" and digest.last_session is None
    assert digest.days_logged == 0 and (digest.best_day, digest.hardest_day) == (None, None)
    assert digest.mood_average is None and digest.talk_about == [] and digest.trends == []


def test_open_signposts_overdue_first_and_answered_ones_left_out():
    def signpost(name, follow_up, result=None):
        return Signpost(
            service_id=1,
            client_id=1,
            destination="community_voluntary",
            destination_name=name,
            made_on=date(2026, 3, 1),
            follow_up_on=follow_up,
            result=result,
        )

    rows = [
        signpost("Walking group", TODAY + timedelta(days=3)),
        signpost("Food bank", None),
        signpost("Debt advice", TODAY - timedelta(days=2)),
        signpost("Cookery class", TODAY - timedelta(days=9), result="attended"),
        signpost("Stop smoking", TODAY),
    ]
    found = digest_of([], signposts=rows).signposts
    assert [item.signpost.destination_name for item in found] == [
        "Debt advice",
        "Stop smoking",
        "Walking group",
        "Food bank",
    ]
    assert found[0].follow_up_words == "Follow-up overdue: it was due on 16 March"
    assert found[0].destination == "Debt advice (Community or voluntary group)"
    assert found[3].follow_up_words == "No follow-up date set"


# --- The pages -----------------------------------------------------------------------------------


def london_moment(days_back: int, hour: int = 12) -> datetime:
    return at(london_today() - timedelta(days=days_back), hour)


@pytest.fixture
def digest_world(world, db_session):
    """The own client with two sessions, a marked diary entry and an open signpost."""
    own = world.clients["own"]
    episode = db_session.exec(select(Episode).where(Episode.client_id == own.id)).one()
    db_session.add_all(
        [
            SupportSession(
                service_id=own.service_id,
                client_id=own.id,
                episode_id=episode.id,
                trainer_id=world.people["trainer"].id,
                starts_at=london_moment(7, 10),
                status="attended",
                notes="Talked about walking to work",
                agreed_actions="Walk to the shop twice",
                goals_reviewed=[world.goals["own"].id],
            ),
            SupportSession(
                service_id=own.service_id,
                client_id=own.id,
                episode_id=episode.id,
                starts_at=london_moment(-3, 11),
                venue="Hope Street Centre",
            ),
            diary_entry(own, "mood", moment=london_moment(2), mood=1, talk_about=True, note="Bad news at work"),
            diary_entry(own, "mood", moment=london_moment(3), mood=5, mood_words=["happy"]),
            # Long before the last session: not read at all.
            diary_entry(own, "mood", moment=london_moment(40), mood=1, talk_about=True, note="Old worry"),
            Signpost(
                service_id=own.service_id,
                client_id=own.id,
                destination="advice_guidance",
                destination_name="Citizens Advice",
                made_on=london_today() - timedelta(days=7),
                follow_up_on=london_today() - timedelta(days=1),
            ),
        ]
    )
    db_session.commit()
    return world


def test_trainer_sees_the_digest_and_the_view_is_audited(client, digest_world, db_session):
    world = digest_world
    act_as(client, world.people["trainer"], world.grants["trainer"])
    own = world.clients["own"]
    response = client.get(f"/clients/{own.id}/digest")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Before the session: Casey Client" in page
    assert "since the last session" in page
    assert "Talked about walking to work" in page and "Walk to the shop twice" in page
    assert "Goals looked at</dt><dd>Walk for 30 minutes on 5 days" in page
    assert "Hope Street Centre" in page  # the next session
    assert "Bad news at work" in page and "Mood very low" in page  # marked to talk about
    assert "Old worry" not in page
    assert "Best day:" in page and "Hardest day:" in page
    assert "Citizens Advice (Advice and guidance)" in page and "Follow-up overdue" in page
    assert 'class="mood-day mood-day--5"' in page and 'style="' not in page
    assert "Walk for 30 minutes on 5 days" in page and "150 active minutes a week" in page
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_digest")).all()
    assert [(event.actor_id, event.client_id) for event in events] == [(world.people["trainer"].id, own.id)]


def test_private_diary_hides_diary_parts_but_shows_the_rest(client, digest_world, db_session):
    world = digest_world
    own = world.clients["own"]
    own.diary_shared = False
    db_session.add(own)
    db_session.commit()
    act_as(client, world.people["trainer"], world.grants["trainer"])
    page = client.get(f"/clients/{own.id}/digest").get_data(as_text=True)
    assert "Casey Client keeps their diary private" in page
    assert "Bad news at work" not in page and "Best day" not in page and "mood-day" not in page
    assert "Talked about walking to work" in page and "Citizens Advice" in page
    assert "Walk for 30 minutes on 5 days" in page and "No progress shown" in page


@pytest.mark.parametrize(
    "actor, client_key, status",
    [
        ("other-trainer", "own", 403),
        ("manager", "own", 403),
        ("champion", "own", 403),
        ("client", "own", 403),
        ("trainer", "south", 404),
        ("trainee", "trainee-own", 200),
        ("trainee", "own", 403),
    ],
)
def test_who_may_open_a_digest(client, world, db_session, actor, client_key, status):
    act_as(client, world.people[actor], world.grants[actor])
    for path in ("digest", "digest/print"):
        response = client.get(f"/clients/{world.clients[client_key].id}/{path}")
        assert response.status_code == status
        assert (world.clients[client_key].full_name in response.get_data(as_text=True)) == (status == 200)
    audited = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_digest")).all()
    assert len(audited) == (2 if status == 200 else 0)


def test_print_view_is_a_plain_page(client, digest_world):
    world = digest_world
    act_as(client, world.people["trainer"], world.grants["trainer"])
    page = client.get(f"/clients/{world.clients['own'].id}/digest/print").get_data(as_text=True)
    assert "Before the session: Casey Client" in page and "Walk to the shop twice" in page
    assert "site-nav" not in page and "<script" not in page
    assert "keep it safe and shred it" in page


def test_a_client_with_nothing_yet_still_gets_a_digest(client, world):
    act_as(client, world.people["trainee"], world.grants["trainee"])
    page = client.get(f"/clients/{world.clients['trainee-own'].id}/digest").get_data(as_text=True)
    assert "the last 2 weeks. No session has taken place yet." in page
    assert "No goals set yet." in page and "No open signposts." in page


def test_record_links_to_the_digest_for_trainers_only(client, world):
    path = f"/clients/{world.clients['own'].id}"
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert f'href="{path}/digest"' in client.get(path).get_data(as_text=True)
    act_as(client, world.people["manager"], world.grants["manager"])
    assert f'href="{path}/digest"' not in client.get(path).get_data(as_text=True)


# --- "I want to talk about this" in the diary -------------------------------------------------------


NOW = datetime(2026, 3, 18, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "sent, kept", [("yes", True), ("on", True), (True, True), (False, False), (None, False), ("", False)]
)
def test_check_entry_reads_the_talk_about_box(sent, kept):
    raw = {"uuid": str(uuid.uuid4()), "kind": "mood", "mood": 3}
    if sent is not None:
        raw["talk_about"] = sent
    checked = check_entry(raw, now=NOW)
    assert checked.ok and checked.values["talk_about"] is kept


def test_check_entry_refuses_other_talk_about_values():
    checked = check_entry({"uuid": str(uuid.uuid4()), "kind": "mood", "mood": 3, "talk_about": "maybe"}, now=NOW)
    assert checked.errors == {"talk_about": "Tick the box, or leave it empty."}


def test_fingerprint_changes_with_the_mark_but_not_when_it_is_left_out():
    raw = {"uuid": str(uuid.uuid4()), "kind": "mood", "mood": 3}
    plain = check_entry(raw, now=NOW).fingerprint
    assert check_entry({**raw, "talk_about": False}, now=NOW).fingerprint == plain
    assert check_entry({**raw, "talk_about": "yes"}, now=NOW).fingerprint != plain
    assert (
        check_entry({**raw, "talk_about": "yes"}, now=NOW).fingerprint
        == check_entry({**raw, "talk_about": True}, now=NOW).fingerprint
    )


@pytest.fixture
def as_client(client, world):
    act_as(client, world.people["client"], world.grants["client"])
    return client


def own_entries(db_session, world, **where):
    db_session.expire_all()
    query = select(DiaryEntry).where(DiaryEntry.client_id == world.clients["own"].id)
    for name, value in where.items():
        query = query.where(getattr(DiaryEntry, name) == value)
    return db_session.exec(query).all()


def test_add_form_has_the_box_and_saves_the_mark(as_client, db_session, world):
    form = as_client.get("/diary/add/mood").get_data(as_text=True)
    assert 'name="talk_about"' in form and "I want to talk about this at my next session" in form
    entry_uuid = str(uuid.uuid4())
    response = post_form(as_client, "/diary/add/mood", {"uuid": entry_uuid, "mood": "2", "talk_about": "yes"})
    assert response.status_code == 302
    [row] = own_entries(db_session, world, uuid=entry_uuid)
    assert row.talk_about is True
    # A refused form keeps the box ticked.
    again = post_form(as_client, "/diary/add/mood", {"uuid": str(uuid.uuid4()), "talk_about": "yes"})
    assert again.status_code == 422 and 'value="yes" checked' in again.get_data(as_text=True)


def test_edit_form_unticks_the_mark_and_keeps_history(as_client, db_session, world):
    row = world.entries["own"]
    row.talk_about = True
    db_session.add(row)
    db_session.commit()
    form = as_client.get(f"/diary/entries/{row.id}/edit").get_data(as_text=True)
    assert 'value="yes" checked' in form
    response = post_form(
        as_client, f"/diary/entries/{row.id}/edit", {"activity": "walking", "minutes": "30", "intensity": "moderate"}
    )
    assert response.status_code == 302
    [stored] = own_entries(db_session, world, id=row.id)
    assert stored.talk_about is False and stored.version == 2
    history = db_session.exec(select(DiaryEntryRevision).where(DiaryEntryRevision.entry_id == row.id)).all()
    assert [(revision.action, revision.snapshot["talk_about"]) for revision in history] == [
        ("create", True),
        ("edit", False),
    ]


def test_toggle_on_the_day_list_marks_and_unmarks(as_client, db_session, world):
    row = world.entries["own"]
    page = as_client.get("/today").get_data(as_text=True)
    assert f'action="/diary/entries/{row.id}/talk-about"' in page
    response = post_form(as_client, f"/diary/entries/{row.id}/talk-about", {"talk_about": "yes"})
    assert response.status_code == 302
    assert own_entries(db_session, world, id=row.id)[0].talk_about is True
    assert "To talk about at my next session" in as_client.get("/today").get_data(as_text=True)
    post_form(as_client, f"/diary/entries/{row.id}/talk-about", {"talk_about": "no"})
    stored = own_entries(db_session, world, id=row.id)[0]
    assert stored.talk_about is False and stored.version == 3
    history = db_session.exec(select(DiaryEntryRevision).where(DiaryEntryRevision.entry_id == row.id)).all()
    assert [revision.snapshot["talk_about"] for revision in history] == [False, True, False]


def test_toggle_refuses_another_clients_entry_and_old_entries(as_client, db_session, world):
    south = world.entries["south"]
    assert post_form(as_client, f"/diary/entries/{south.id}/talk-about", {"talk_about": "yes"}).status_code == 404
    old = diary_entry(world.clients["own"], "mood", moment=utcnow() - timedelta(days=20), mood=3)
    db_session.add(old)
    db_session.commit()
    response = post_form(as_client, f"/diary/entries/{old.id}/talk-about", {"talk_about": "yes"})
    assert response.status_code == 302
    assert own_entries(db_session, world, id=old.id)[0].talk_about is False


def test_sync_api_takes_the_mark_and_a_replay_is_a_duplicate(client, world, db_session):
    act_as(client, world.people["client"], world.grants["client"])
    token = client.get("/api/v1/session").get_json()["csrf_token"]

    def send(entries):
        return client.post(
            "/api/v1/diary/entries",
            data=json.dumps({"entries": entries}),
            headers={"X-CSRFToken": token, "Content-Type": "application/json"},
        )

    marked = {"uuid": str(uuid.uuid4()), "kind": "mood", "mood": 2, "talk_about": True}
    assert send([marked]).get_json()["results"][0]["status"] == "created"
    assert own_entries(db_session, world, uuid=marked["uuid"])[0].talk_about is True
    assert send([marked]).get_json()["results"][0]["status"] == "duplicate"
    changed = send([{**marked, "talk_about": False}]).get_json()["results"][0]
    assert changed["status"] == "rejected"  # same UUID, different content
    wrong = send([{"uuid": str(uuid.uuid4()), "kind": "mood", "mood": 2, "talk_about": "maybe"}])
    assert wrong.status_code == 400 and "talk_about" in wrong.get_json()["results"][0]["errors"]
