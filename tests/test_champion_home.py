"""The champion's home: buttons to start, my activities coming up and just done, this month's
totals (counts only, never a client's name), and the navigation for each role."""

import re
import uuid
from datetime import timedelta

import pytest

from models import Client, Event, EventWorker, Signpost
from pwa.clock import london_day_bounds, london_today, utcnow
from pwa.community.champion_home import champion_home
from tests.conftest import act_as

TODAY = london_today()
MIDNIGHT = london_day_bounds(TODAY)[0]  # today's first London minute: always begun, always this month
LAST_MONTH = MIDNIGHT - timedelta(days=40)


def add_event(db_session, world, title, starts_at, *, by="champion", worker=None, reached=0, service=None):
    event = Event(
        uuid=str(uuid.uuid4()),
        service_id=(service or world.north).id,
        event_type="stall",
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=2),
        created_by_id=world.people[by].id,
        reached=reached,
    )
    db_session.add(event)
    db_session.flush()
    if worker:
        db_session.add(EventWorker(event_id=event.id, person_id=world.people[worker].id, hours=2))
    db_session.commit()
    return event


def move_world_stall(db_session, world, starts_at):
    """The world's stall (reached 12) is at noon today: move it so the test does not hang on the hour."""
    stall = db_session.get(Event, world.events["north"].id)
    stall.starts_at, stall.ends_at = starts_at, starts_at + timedelta(hours=2)
    db_session.add(stall)
    db_session.commit()


def champion_page(client, world) -> str:
    act_as(client, world.people["champion"], world.grants["champion"])
    response = client.get("/activities")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def month_figure(html: str, name: str) -> int:
    return int(re.search(rf'<dd id="month-{name}">(\d+)</dd>', html).group(1))


def add_client(db_session, world, name, event, registered_on):
    db_session.add(
        Client(
            service_id=world.north.id,
            trainer_id=world.people["trainer"].id,
            full_name=name,
            how_heard="promotional_event",
            heard_at_event_id=event.id,
            registered_on=registered_on,
        )
    )
    db_session.commit()


def test_this_months_totals_count_my_events_signposts_and_registrations(client, world, db_session):
    move_world_stall(db_session, world, LAST_MONTH)  # reached 12, but last month
    mine = add_event(db_session, world, "My stall", MIDNIGHT, reached=7)
    helped = add_event(
        db_session, world, "Trainer's walk I helped", MIDNIGHT, by="trainer", worker="champion", reached=5
    )
    others = add_event(db_session, world, "Trainer's talk", MIDNIGHT, by="trainer", reached=50)
    add_event(db_session, world, "Old stall", LAST_MONTH, reached=100)
    add_event(db_session, world, "Next week", MIDNIGHT + timedelta(days=8), reached=0)
    old = db_session.get(Event, world.events["north"].id)

    signpost = db_session.get(Signpost, world.signposts["champion"].id)
    signpost.made_on = TODAY
    db_session.add(signpost)
    for by, made_on in (("champion", TODAY), ("champion", TODAY - timedelta(days=40)), ("trainer", TODAY)):
        db_session.add(
            Signpost(
                service_id=world.north.id,
                destination="other",
                made_on=made_on,
                by_id=world.people[by].id,
                event_id=mine.id,
            )
        )
    db_session.commit()

    add_client(db_session, world, "Rita Registered", mine, TODAY)
    add_client(db_session, world, "Hal Helped", helped, TODAY)
    add_client(db_session, world, "Olive Oldstall", old, TODAY)  # heard last month, registered now: counts
    add_client(db_session, world, "Larry Lastmonth", old, TODAY - timedelta(days=40))
    add_client(db_session, world, "Terry Trainers", others, TODAY)

    html = champion_page(client, world)
    assert month_figure(html, "activities") == 2
    assert month_figure(html, "reached") == 12
    assert month_figure(html, "signposts") == 2
    assert month_figure(html, "registrations") == 3
    for name in ("Rita Registered", "Hal Helped", "Olive Oldstall", "Larry Lastmonth", "Terry Trainers"):
        assert name not in html
    assert "Trainer&#39;s talk" not in html and "Trainer's talk" not in html


def test_upcoming_soonest_first_and_recent_newest_first_five_each(client, world, db_session):
    move_world_stall(db_session, world, MIDNIGHT - timedelta(days=30))
    for days in (3, 1, 6, 2, 5, 4, 7):
        add_event(db_session, world, f"Coming in {days} days", MIDNIGHT + timedelta(days=days))
    for days in (3, 1, 6, 2, 5, 4):
        add_event(db_session, world, f"Held {days} days ago", MIDNIGHT - timedelta(days=days))
    add_event(db_session, world, "Someone else's future stall", MIDNIGHT + timedelta(days=1), by="trainer")
    add_event(db_session, world, "South stall", MIDNIGHT + timedelta(days=1), by="south-trainer", service=world.south)

    html = champion_page(client, world)
    upcoming = html.split('id="upcoming"', 1)[1].split("</section>", 1)[0]
    recent = html.split('id="recent"', 1)[1].split("</section>", 1)[0]
    assert re.findall(r"Coming in (\d) days", upcoming) == ["1", "2", "3", "4", "5"]
    assert re.findall(r"Held (\d) days ago", recent) == ["1", "2", "3", "4", "5"]
    assert "Stall at Millbrook market" not in recent  # the sixth oldest is left out
    assert "Someone else" not in html and "South stall" not in html


def test_recent_events_show_reach_and_registrations_counted(client, world, db_session):
    move_world_stall(db_session, world, MIDNIGHT - timedelta(days=2))
    stall = db_session.get(Event, world.events["north"].id)
    add_client(db_session, world, "Rita Registered", stall, TODAY)
    add_client(db_session, world, "Rob Registered", stall, TODAY)
    recent = champion_page(client, world).split('id="recent"', 1)[1].split("</section>", 1)[0]
    assert "Stall at Millbrook market" in recent and "12 reached, 2 registered" in recent
    assert "Rita" not in recent and "Rob" not in recent


def test_home_has_the_big_buttons_follow_ups_and_my_record(client, world, db_session):
    html = champion_page(client, world)
    for href, label in (
        ("/stall/new", "Start a stall now"),
        ("/events/new", "Log an event"),
        ("/directory", "Find a service"),
        ("/volunteering", "My volunteering"),
    ):
        assert re.search(rf'href="{re.escape(href)}"[^>]*>{label}', html), label
    follow_ups = html.split('id="follow-ups"', 1)[1].split("</section>", 1)[0]
    assert "Tuesday Health Walk" in follow_ups  # the world's signpost, due today


def test_the_home_queries_are_per_service_and_person(world, db_session):
    add_event(db_session, world, "Trainee's stall", MIDNIGHT, by="trainee", reached=9)
    home = champion_home(db_session, world.north.id, world.people["trainee"].id, utcnow())
    assert home.month.reached == 9 and home.month.activities == 1
    home = champion_home(db_session, world.south.id, world.people["champion"].id, utcnow())
    assert (home.upcoming, home.recent, home.month.activities) == ([], [], 0)


# --- Navigation ----------------------------------------------------------------------------------

NAV = {
    "champion": ["My activities", "Figures", "Events", "Directory", "My signposts", "Volunteering", "My account"],
    "trainer": ["My caseload", "Events", "Directory", "My account"],
    "trainee": ["My caseload", "Events", "Directory", "Volunteering", "My account"],
    "manager": ["Service overview", "Caseloads", "Reports", "Events", "Volunteers", "Directory", "My account"],
    "client": ["Today", "My week", "My goals", "Messages (1 new)", "Near me", "My account"],
}


@pytest.mark.parametrize("actor", sorted(NAV))
def test_navigation_links_per_role(client, world, actor):
    act_as(client, world.people[actor], world.grants[actor])
    html = client.get("/account/").get_data(as_text=True)
    nav = html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'<a href="[^"]+"[^>]*>([^<]+)</a>', nav) == NAV[actor]
    links = dict((label, href) for href, label in re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav))
    for label, href in (("Events", "/events"), ("Volunteers", "/volunteers"), ("Volunteering", "/volunteering")):
        if label in links:
            assert links[label] == href
            assert client.get(href).status_code == 200
