"""Walk every route of the app for every role and anonymous, and check each answer against
the policy of DOMAIN.md section 8. A new route fails this test until it is added to ROUTES.
"""

from datetime import timedelta

import pytest

from pwa import create_app
from pwa.clock import london_today
from tests.conftest import TEST_SECRET_KEY, act_as, csrf_token

ACTORS = ["anonymous", "client", "champion", "trainee", "trainer", "manager", "service-admin", "site-admin"]
STAFF_WHO_SEE_CLIENTS = {"trainer", "manager"}
EVERYONE_LOGGED_IN = set(ACTORS) - {"anonymous"}
ADMINS = {"service-admin", "site-admin"}
DIRECTORY_USERS = {"client", "champion", "trainee", "trainer", "manager"}
DIRECTORY_EDITORS = {"champion", "trainee", "trainer", "manager"}
SIGNPOSTERS = {"champion", "trainee", "trainer"}
STAFF = {"champion", "trainee", "trainer", "manager"}

# (endpoint, method) -> (who is allowed, URL arguments built from the world).
# Allowed actors must not be refused (no 403, no login redirect, no 404); everyone else
# logged in gets 403, and anonymous people are sent to the login page.
ROUTES = {
    ("home.index", "GET"): ("public", {}),
    ("auth.login", "GET"): ("public", {}),
    ("auth.login", "POST"): ("public", {}),
    ("auth.logout", "POST"): ("public", {}),
    ("auth.setup", "GET"): ("public", {}),
    ("auth.setup", "POST"): ("public", {}),
    ("auth.setup_link", "GET"): ("public", {"code": "ABCD2345"}),
    ("pwa.manifest", "GET"): ("public", {}),
    ("pwa.service_worker", "GET"): ("public", {}),
    ("pwa.offline", "GET"): ("public", {}),
    ("pwa.favicon", "GET"): ("public", {}),
    ("static", "GET"): ("public", {"filename": "css/app.css"}),
    ("account.show", "GET"): (EVERYONE_LOGGED_IN, {}),
    ("account.change_password", "GET"): (EVERYONE_LOGGED_IN, {}),
    ("account.change_password", "POST"): (EVERYONE_LOGGED_IN, {}),
    ("account.switch_role", "POST"): (EVERYONE_LOGGED_IN, {}),
    ("diary.today", "GET"): ({"client"}, {}),
    ("diary.day", "GET"): ({"client"}, {"day": "yesterday"}),
    ("diary.week", "GET"): ({"client"}, {}),
    ("diary.add", "GET"): ({"client"}, {"kind": "food"}),
    ("diary.add", "POST"): ({"client"}, {"kind": "food"}),
    ("diary.add_many", "POST"): ({"client"}, {}),
    ("diary.edit", "GET"): ({"client"}, {"entry_id": "own"}),
    ("diary.edit", "POST"): ({"client"}, {"entry_id": "own"}),
    ("diary.delete", "POST"): ({"client"}, {"entry_id": "own"}),
    ("diary.restore", "POST"): ({"client"}, {"entry_id": "own-deleted"}),
    ("diary.deleted", "GET"): ({"client"}, {}),
    ("diary.favourite", "POST"): ({"client"}, {"entry_id": "own"}),
    ("diary.remove_favourite", "POST"): ({"client"}, {"favourite_id": "own"}),
    ("diary.sharing", "GET"): ({"client"}, {}),
    ("diary.sharing", "POST"): ({"client"}, {}),
    ("client_diary.week", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("client_diary.comment", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("plans.plan", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("plans.new_goal", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("plans.new_goal", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("plans.edit_goal", "GET"): ({"trainer"}, {"client_id": "own", "goal_id": "own"}),
    ("plans.edit_goal", "POST"): ({"trainer"}, {"client_id": "own", "goal_id": "own"}),
    ("plans.stop_goal", "POST"): ({"trainer"}, {"client_id": "own", "goal_id": "own"}),
    ("plans.record_outcome", "POST"): ({"trainer"}, {"client_id": "own", "goal_id": "own"}),
    ("plans.excuse_week", "POST"): ({"trainer"}, {"client_id": "own", "goal_id": "own", "monday": "this"}),
    ("plans.certificate", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("plans.my_goals", "GET"): ({"client"}, {}),
    ("plans.check_in", "POST"): ({"client"}, {"goal_id": "own"}),
    ("api.session_state", "GET"): ("public", {}),
    ("api.add_entries", "POST"): ({"client"}, {}),
    ("home.activities", "GET"): ({"champion"}, {}),
    ("home.overview", "GET"): ({"manager"}, {}),
    # The trainee's own client is used for trainees; the trainer's for everyone else.
    ("clients.show", "GET"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    ("clients.issue_code", "POST"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    # --- caseload: registration ---
    ("registration.new", "GET"): ({"trainer", "trainee", "manager"}, {}),
    ("registration.new", "POST"): ({"trainer", "trainee", "manager"}, {}),
    ("registration.make_account", "POST"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    ("registration.edit_details", "GET"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    ("registration.edit_details", "POST"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    ("registration.consent", "GET"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    ("registration.consent", "POST"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    # --- caseload: journey ---
    ("journey.eligibility", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.eligibility", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.assess", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.assess", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.agree", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.agree", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.pause", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.pause", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.resume", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.exit_client", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.exit_client", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.follow_up", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.follow_up", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.measures", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.measures", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.new_episode", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("journey.new_episode", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    # --- caseload: sessions ---
    # The trainee's client has no open episode: they are sent back to the record with a reason.
    ("sessions.plan_session", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("sessions.plan_session", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("sessions.record_session", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("sessions.record_session", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("sessions.new_contact", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("sessions.new_contact", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    # --- caseload: signposts ---
    ("signposts.new_signpost", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("signposts.new_signpost", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("signposts.record_result", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("signposts.record_result", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("signposts.set_status", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    # --- caseload: digest ---
    ("digest.show", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("digest.print_view", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("diary.talk_about", "POST"): ({"client"}, {"entry_id": "own"}),
    # --- caseload: worklist ---
    ("caseload.worklist", "GET"): ({"trainer", "trainee", "manager"}, {}),
    ("caseload.flag_client", "POST"): ({"trainer", "trainee", "manager"}, {"client_id": "own"}),
    ("caseload.reassign", "GET"): ({"manager"}, {"client_id": "own"}),
    ("caseload.reassign", "POST"): ({"manager"}, {"client_id": "own"}),
    ("caseload.bulk_reassign", "POST"): ({"manager"}, {}),
    ("clients.audit_log", "GET"): ({"manager"}, {"client_id": "own"}),
    # --- directory: search ---
    ("directory.search", "GET"): (DIRECTORY_USERS, {}),
    ("directory.listing", "GET"): (DIRECTORY_USERS, {"listing_id": "north"}),
    ("directory.public_search", "GET"): ("public", {"slug": "north"}),
    ("directory.public_listing", "GET"): ("public", {"slug": "north", "listing_id": "north"}),
    # --- directory: listings ---
    ("listings.new", "GET"): (DIRECTORY_EDITORS, {}),
    ("listings.new", "POST"): (DIRECTORY_EDITORS, {}),
    ("listings.edit", "GET"): (DIRECTORY_EDITORS, {"listing_id": "north"}),
    ("listings.edit", "POST"): (DIRECTORY_EDITORS, {"listing_id": "north"}),
    ("listings.review", "POST"): (DIRECTORY_EDITORS, {"listing_id": "north"}),
    ("listings.report_problem", "GET"): (DIRECTORY_EDITORS, {"listing_id": "north"}),
    ("listings.report_problem", "POST"): (DIRECTORY_EDITORS, {"listing_id": "north"}),
    ("listings.resolve_problem", "POST"): (DIRECTORY_EDITORS, {"problem_id": "north"}),
    ("listings.flags", "GET"): ({"manager"}, {}),
    # --- directory: loop ---
    ("directory_loop.mark", "POST"): ({"client"}, {"listing_id": "north"}),
    ("directory_loop.signpost", "GET"): (SIGNPOSTERS, {"listing_id": "north"}),
    ("directory_loop.signpost", "POST"): (SIGNPOSTERS, {"listing_id": "north"}),
    ("directory_loop.my_signposts", "GET"): (SIGNPOSTERS, {}),
    ("directory_loop.signpost_result", "GET"): (SIGNPOSTERS, {"signpost_id": "own"}),
    ("directory_loop.signpost_result", "POST"): (SIGNPOSTERS, {"signpost_id": "own"}),
    # --- directory: open data ---
    ("open_data.session_series", "GET"): ("public", {"slug": "north"}),
    # --- community: events ---
    ("events.index", "GET"): (STAFF, {}),
    ("events.new", "GET"): (STAFF, {}),
    ("events.new", "POST"): (STAFF, {}),
    ("events.show", "GET"): (STAFF, {"event_id": "north"}),
    ("events.edit", "GET"): (STAFF, {"event_id": "north"}),
    ("events.edit", "POST"): (STAFF, {"event_id": "north"}),
    ("partners.index", "GET"): ({"manager"}, {}),
    ("partners.index", "POST"): ({"manager"}, {}),
    ("partners.toggle", "POST"): ({"manager"}, {"partner_id": "north"}),
    # --- community: stall ---
    ("stall.start", "GET"): (STAFF, {}),
    ("stall.start", "POST"): (STAFF, {}),
    ("stall.tally", "GET"): (STAFF, {"event_id": "north"}),
    ("stall.tap", "POST"): (STAFF, {"event_id": "north"}),
    ("stall.sync", "POST"): (STAFF, {}),
    # --- community: courses and stories ---
    ("courses.index", "GET"): (STAFF, {}),
    ("courses.new", "GET"): (STAFF, {}),
    ("courses.new", "POST"): (STAFF, {}),
    ("courses.show", "GET"): (STAFF, {"course_id": "north"}),
    ("courses.add_session", "GET"): (STAFF, {"course_id": "north"}),
    ("courses.add_session", "POST"): (STAFF, {"course_id": "north"}),
    ("courses.attendance", "GET"): ({"trainer", "trainee", "manager"}, {"event_id": "course-session"}),
    ("courses.attendance", "POST"): ({"trainer", "trainee", "manager"}, {"event_id": "course-session"}),
    ("stories.new", "GET"): (STAFF, {}),
    ("stories.new", "POST"): (STAFF, {}),
    ("stories.show", "GET"): (STAFF, {"story_id": "north"}),
    ("stories.index", "GET"): ({"manager"}, {}),
    # --- community: volunteers ---
    ("volunteers.mine", "GET"): ({"champion", "trainee"}, {}),
    ("volunteers.add", "POST"): ({"champion", "trainee"}, {"kind": "hours"}),
    ("volunteers.index", "GET"): ({"manager"}, {}),
    ("volunteers.person", "GET"): ({"manager"}, {"person_id": "champion"}),
    ("volunteers.add_for", "POST"): ({"manager"}, {"person_id": "champion", "kind": "hours"}),
    ("admin.services", "GET"): ({"site-admin"}, {}),
    ("admin.new_service", "GET"): ({"site-admin"}, {}),
    ("admin.new_service", "POST"): ({"site-admin"}, {}),
    ("admin.edit_service", "GET"): ({"site-admin"}, {"service_id": "north"}),
    ("admin.edit_service", "POST"): ({"site-admin"}, {"service_id": "north"}),
    ("admin.people", "GET"): (ADMINS, {}),
    ("admin.new_person", "GET"): (ADMINS, {}),
    ("admin.new_person", "POST"): (ADMINS, {}),
    ("admin.person", "GET"): (ADMINS, {"person_id": "champion"}),
    ("admin.edit_person", "GET"): (ADMINS, {"person_id": "champion"}),
    ("admin.edit_person", "POST"): (ADMINS, {"person_id": "champion"}),
    ("admin.add_grant", "POST"): (ADMINS, {"person_id": "champion"}),
    ("admin.remove_grant", "POST"): (ADMINS, {"person_id": "champion", "grant_id": "champion"}),
    # --- reports: dashboard ---
    ("reports.dashboard", "GET"): ({"manager"}, {}),
    ("reports.community", "GET"): ({"champion", "manager"}, {}),
    ("reports.completeness", "GET"): ({"trainer", "trainee", "manager"}, {}),
    # --- reports: tables --- (a client table; champions see community tables: tests/test_report_views.py)
    ("reports.table", "GET"): ({"manager"}, {"name": "gender"}),
    ("reports.table_csv", "GET"): ({"manager"}, {"name": "gender"}),
    # --- reports: comparators ---
    ("reports.comparators", "GET"): ({"manager"}, {}),
    ("reports.new_comparator", "GET"): ({"manager"}, {}),
    ("reports.new_comparator", "POST"): ({"manager"}, {}),
    ("reports.comparator", "GET"): ({"manager"}, {"set_id": "north"}),
    ("reports.delete_comparator", "POST"): ({"manager"}, {"set_id": "north"}),
    # --- reports: import ---
    ("reports.import_records", "GET"): ({"manager"}, {}),
    ("reports.import_records", "POST"): ({"manager"}, {}),
    # --- reminders: choices and phones ---
    ("reminders.choices", "GET"): ({"client"}, {}),
    ("reminders.choices", "POST"): ({"client"}, {}),
    ("reminders.add_device", "POST"): ({"client"}, {}),
    ("reminders.forget_device", "POST"): ({"client"}, {}),
    ("reminders.remove_device", "POST"): ({"client"}, {"device_id": "client"}),
    ("reminders.renew", "POST"): ("public", {}),
    # --- reminders: messages ---
    ("messages.inbox", "GET"): ({"client"}, {}),
    ("messages.for_client", "GET"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("messages.for_client", "POST"): ({"trainer", "trainee"}, {"client_id": "own"}),
    ("admin.set_status", "POST"): (ADMINS, {"person_id": "champion"}),
    ("admin.issue_code", "POST"): (ADMINS, {"person_id": "champion"}),
}


def app_routes() -> set[tuple[str, str]]:
    app = create_app({"TESTING": True, "SECRET_KEY": TEST_SECRET_KEY, "DATABASE_URL": "sqlite://"})
    return {
        (rule.endpoint, method) for rule in app.url_map.iter_rules() for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_every_route_has_an_expectation():
    assert app_routes() == set(ROUTES), "Add new routes to ROUTES with who may use them"


def test_every_view_declares_its_policy(app):
    """Each view is wrapped by policy.requires or marked policy.public: none decides alone."""
    for endpoint, view in app.view_functions.items():
        if endpoint != "static":
            assert getattr(view, "policy", None), f"{endpoint} does not declare a policy"


def build_url(app, world, endpoint: str, arguments: dict, actor: str) -> str:
    values = {}
    for name, key in arguments.items():
        if name == "client_id":
            # The trainee has their own client; routes about a goal use the one client with a goal.
            own_case = actor == "trainee" and "goal_id" not in arguments
            values[name] = world.clients["trainee-own" if own_case else key].id
        elif name == "service_id":
            values[name] = getattr(world, key).id
        elif name == "person_id":
            values[name] = world.people[key].id
        elif name == "grant_id":
            values[name] = world.grants[key].id
        elif name == "entry_id":
            values[name] = world.entries[key].id
        elif name == "favourite_id":
            values[name] = world.favourites[key].id
        elif name == "event_id":
            values[name] = world.events[key].id
        elif name == "course_id":
            values[name] = world.courses[key].id
        elif name == "story_id":
            values[name] = world.stories[key].id
        elif name == "set_id":
            values[name] = world.comparators[key].id
        elif name == "partner_id":
            values[name] = world.partners[key].id
        elif name == "listing_id":
            values[name] = world.listings[key].id
        elif name == "problem_id":
            values[name] = world.problems[key].id
        elif name == "signpost_id":
            # Each signposter follows up their own anonymous signpost; others try the champion's.
            values[name] = world.signposts[actor if actor in world.signposts else "champion"].id
        elif name == "device_id":
            values[name] = world.devices[key].id
        elif name == "goal_id":
            values[name] = world.goals[key].id
        elif name == "monday":
            values[name] = london_today().isoformat()
        elif name == "day":
            values[name] = (london_today() - timedelta(days=1)).isoformat()
        else:
            values[name] = key
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda route: f"{route[1]} {route[0]}")
def test_route_answers_by_policy(app, client, world, route, actor):
    endpoint, method = route
    allowed, arguments = ROUTES[route]
    url = build_url(app, world, endpoint, arguments, actor)
    if actor != "anonymous":
        act_as(client, world.people[actor], world.grants[actor])
    if method == "POST":
        token = csrf_token(client, "/login" if actor == "anonymous" else "/account/")
        response = client.post(url, data={"csrf_token": token})
    else:
        response = client.get(url)

    status, location = response.status_code, response.headers.get("Location", "")
    # Pages send anonymous people to the login page; the JSON API answers 401 instead.
    refused_to_anonymous = (status == 302 and location.startswith("/login")) or (
        url.startswith("/api/") and status == 401
    )
    if allowed == "public" or actor in allowed:
        assert status < 500
        assert status not in (401, 403, 404), f"{actor} refused at {method} {url}"
        # Home sends anonymous people to log in, and logging out ends on the login page: by design.
        assert not refused_to_anonymous or endpoint in {"home.index", "auth.logout"}, (
            f"{actor} sent to login from {url}"
        )
    elif actor == "anonymous":
        assert refused_to_anonymous, f"anonymous got {status} at {method} {url}"
    else:
        assert status == 403, f"{actor} got {status} at {method} {url}, expected 403"


# --- Records out of reach --------------------------------------------------------------------


@pytest.mark.parametrize(
    "actor, client_key, expected",
    [
        ("trainer", "own", 200),
        ("trainer", "trainee-own", 403),
        ("trainer", "other-caseload", 403),
        ("trainer", "south", 404),
        ("trainee", "trainee-own", 200),
        ("trainee", "own", 403),
        ("manager", "own", 200),
        ("manager", "other-caseload", 200),
        ("manager", "south", 404),
        ("south-manager", "south", 200),
        ("south-manager", "own", 404),
        ("champion", "own", 403),
        ("client", "own", 403),
        ("service-admin", "own", 403),
        ("site-admin", "own", 403),
    ],
)
def test_client_records_are_seen_only_within_reach(client, world, actor, client_key, expected):
    act_as(client, world.people[actor], world.grants[actor])
    response = client.get(f"/clients/{world.clients[client_key].id}")
    assert response.status_code == expected
    if expected == 200:
        assert world.clients[client_key].full_name in response.get_data(as_text=True)
    else:
        assert world.clients[client_key].full_name not in response.get_data(as_text=True)


def test_caseload_lists_only_own_clients(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    page = client.get("/caseload").get_data(as_text=True)
    assert "Casey Client" in page
    assert "Olly Other" not in page and "Sid South" not in page and "Tia Trainee-Case" not in page


def test_manager_overview_counts_only_their_service(client, world):
    act_as(client, world.people["south-manager"], world.grants["south-manager"])
    page = client.get("/overview").get_data(as_text=True)
    assert "South Vale Health Trainers" in page
    assert "<dt>Clients</dt><dd>1</dd>" in page


def test_service_admin_cannot_reach_people_of_another_service(client, world):
    act_as(client, world.people["service-admin"], world.grants["service-admin"])
    assert client.get(f"/admin/people/{world.people['south-manager'].id}").status_code == 404
    assert client.get(f"/admin/people/{world.people['site-admin'].id}").status_code == 404
    listing = client.get("/admin/people").get_data(as_text=True)
    assert "South Manager" not in listing and "Site Admin" not in listing
    assert "Champion" in listing


def test_service_admin_cannot_give_roles_in_another_service(client, world):
    from tests.conftest import post_form

    act_as(client, world.people["service-admin"], world.grants["service-admin"])
    response = post_form(
        client,
        f"/admin/people/{world.people['champion'].id}/grants",
        {"role": "manager", "service_id": world.south.id, "wte": "1", "trainer_id": "0"},
    )
    assert response.status_code == 422
    assert "Not a valid choice" in response.get_data(as_text=True)


def test_champion_never_sees_client_names(client, world):
    act_as(client, world.people["champion"], world.grants["champion"])
    for path in ["/activities", "/account/", "/caseload", "/overview", f"/clients/{world.clients['own'].id}"]:
        assert "Casey Client" not in client.get(path).get_data(as_text=True)


def test_staff_views_of_a_client_are_audited(client, world, db_session):
    from sqlmodel import select

    from models import AuditEvent

    act_as(client, world.people["trainer"], world.grants["trainer"])
    client.get(f"/clients/{world.clients['own'].id}")
    client.get(f"/clients/{world.clients['other-caseload'].id}")  # refused: not a view
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "view_client")).all()
    assert [(event.actor_id, event.client_id, event.actor_role) for event in events] == [
        (world.people["trainer"].id, world.clients["own"].id, "trainer")
    ]


def test_switching_to_a_role_you_do_not_hold_is_refused(client, world):
    from tests.conftest import post_form

    act_as(client, world.people["trainer"], world.grants["trainer"])
    response = post_form(client, "/account/role", {"grant_id": world.grants["manager"].id})
    assert response.status_code == 400
    assert client.get("/overview").status_code == 403
