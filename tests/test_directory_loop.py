"""Closing the loop: a client's "I'm interested" and "I went", staff signposting from a listing,
and following signposts up (pwa/directory/loop_views.py)."""

import html
import re
from datetime import date, time, timedelta
from types import SimpleNamespace

from flask import url_for
from sqlmodel import select

from models import AuditEvent, Episode, Listing, ListingMark, ListingTime, Signpost
from pwa.clock import london_today
from pwa.directory.loop_rules import check_listing_signpost, check_went_on, diary_prefill, group_signposts
from tests.conftest import act_as, post_form


def _url(app, endpoint: str, **values) -> str:
    with app.test_request_context():
        return url_for(endpoint, **values)


def _marks(db_session, listing, client, kind: str | None = None) -> list[ListingMark]:
    db_session.expire_all()
    query = select(ListingMark).where(ListingMark.listing_id == listing.id, ListingMark.client_id == client.id)
    if kind:
        query = query.where(ListingMark.kind == kind)
    return list(db_session.exec(query).all())


def _flashes(client) -> list[str]:
    with client.session_transaction() as session:
        return [message for _category, message in session.get("_flashes", [])]


def _last_tuesday(today: date) -> date:
    """The latest Tuesday up to today (the world's walk runs on Tuesdays)."""
    return today - timedelta(days=(today.weekday() - 1) % 7)


def _section(page: str, section_id: str) -> str:
    """The HTML of one <section id=...> of a page."""
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def _signposts(db_session, **where) -> list[Signpost]:
    db_session.expire_all()
    query = select(Signpost)
    for name, value in where.items():
        query = query.where(getattr(Signpost, name) == value)
    return list(db_session.exec(query.order_by(Signpost.id)).all())


# --- Rules without HTTP ---------------------------------------------------------------------


def test_went_day_is_today_or_the_last_week():
    today = date(2025, 11, 25)
    assert check_went_on({}, today=today) == today
    assert check_went_on({"on": "2025-11-18"}, today=today) == date(2025, 11, 18)
    assert check_went_on({"on": "2025-11-17"}, today=today) is None
    assert check_went_on({"on": "2025-11-26"}, today=today) is None
    assert check_went_on({"on": "last week"}, today=today) is None


def test_diary_prefill_comes_from_the_first_category_with_an_activity():
    listing = SimpleNamespace(name="Tuesday Health Walk", categories=["food_bank", "walking_groups", "dance"])
    times = [SimpleNamespace(weekday=1, on_date=None, starts_at=time(10, 0), ends_at=time(11, 30))]
    tuesday, today = date(2025, 11, 18), date(2025, 11, 20)
    assert diary_prefill(listing, times, tuesday, today) == {
        "day": "2025-11-18",
        "activity": "walking",
        "note": "Tuesday Health Walk",
        "minutes": "90",
        "time": "10:00",
    }
    # No session that day: no minutes; today: the diary's "now" instead of a time.
    assert diary_prefill(listing, times, today, today) == {
        "day": "2025-11-20",
        "activity": "walking",
        "note": "Tuesday Health Walk",
    }
    assert diary_prefill(SimpleNamespace(name="Food bank", categories=["food_bank"]), times, tuesday, today) is None


def test_signpost_from_a_listing_takes_where_to_from_the_listing():
    listing = SimpleNamespace(name="Money Advice Drop-in", categories=["debt_money"])
    today = date(2025, 11, 22)
    raw = {"kind": "signpost", "made_on": "2025-11-22", "follow_up_on": "2025-11-29", "person_label": " Jo,  red coat "}
    checked = check_listing_signpost(raw, today=today, listing=listing, may_pick_client=False, client_ids=[])
    assert checked.ok, checked.errors
    assert checked.values["destination"] == "advice_guidance"
    assert checked.values["destination_name"] == "Money Advice Drop-in"
    assert checked.values["person_label"] == "Jo, red coat"
    assert checked.values["client_id"] is None
    no_category = SimpleNamespace(name="Somewhere", categories=[])
    assert (
        check_listing_signpost(raw, today=today, listing=no_category, may_pick_client=False, client_ids=[]).values[
            "destination"
        ]
        == "other"
    )
    bad = {**raw, "follow_up_on": "2025-11-21", "person_label": "x" * 61}
    errors = check_listing_signpost(bad, today=today, listing=listing, may_pick_client=False, client_ids=[]).errors
    assert set(errors) == {"follow_up_on", "person_label"}
    picked = {**raw, "who": "client", "client_id": "7"}
    assert check_listing_signpost(picked, today=today, listing=listing, may_pick_client=True, client_ids=[7]).ok
    assert (
        "client_id"
        in check_listing_signpost(picked, today=today, listing=listing, may_pick_client=True, client_ids=[8]).errors
    )
    assert (
        "who"
        in check_listing_signpost(picked, today=today, listing=listing, may_pick_client=False, client_ids=[7]).errors
    )


def test_signposts_are_grouped_for_following_up():
    today = date(2025, 11, 22)

    def signpost(id_, follow_up_on=None, result=None, result_on=None):
        return SimpleNamespace(
            id=id_, follow_up_on=follow_up_on, result=result, result_on=result_on, made_on=date(2025, 11, 1)
        )

    sections = group_signposts(
        [
            signpost(1, today),
            signpost(2, today - timedelta(days=3)),
            signpost(3, today + timedelta(days=1)),
            signpost(4),
            signpost(5, today - timedelta(days=9), "attended", today - timedelta(days=2)),
            signpost(6, today, "unknown", today),
        ],
        today,
    )
    assert [s.id for s in sections.now] == [2, 1]
    assert [s.id for s in sections.coming] == [3, 4]
    assert [s.id for s in sections.done] == [6, 5]


# --- A client's marks -----------------------------------------------------------------------


def test_interested_then_undo_and_replays_do_not_duplicate(app, client, world, db_session):
    listing, record = world.listings["north"], world.clients["own"]
    act_as(client, world.people["client"], world.grants["client"])
    path = _url(app, "directory_loop.mark", listing_id=listing.id)
    for _ in range(2):  # a replayed form
        response = post_form(client, path, {"kind": "interested"})
        assert response.status_code == 302
        assert response.headers["Location"].endswith(_url(app, "directory.listing", listing_id=listing.id))
    marks = _marks(db_session, listing, record)
    assert [(mark.kind, mark.marked_on, mark.service_id) for mark in marks] == [
        ("interested", london_today(), world.north.id)
    ]
    post_form(client, path, {"kind": "not_interested"})
    assert _marks(db_session, listing, record) == []


def test_went_is_saved_once_per_day_and_only_in_the_last_week(app, client, world, db_session):
    listing, record = world.listings["north"], world.clients["own"]
    act_as(client, world.people["client"], world.grants["client"])
    path = _url(app, "directory_loop.mark", listing_id=listing.id)
    today = london_today()
    yesterday = (today - timedelta(days=1)).isoformat()
    post_form(client, path, {"kind": "went", "on": yesterday})
    post_form(client, path, {"kind": "went", "on": yesterday})
    post_form(client, path, {"kind": "went"})  # no day: today
    post_form(client, path, {"kind": "went", "on": (today - timedelta(days=8)).isoformat()})
    assert "Choose a day in the last week, then press 'I went' again." in _flashes(client)
    post_form(client, path, {"kind": "went", "on": "not a day"})
    post_form(client, path, {"kind": "sideways"})
    assert sorted(mark.marked_on for mark in _marks(db_session, listing, record, "went")) == [
        today - timedelta(days=1),
        today,
    ]
    assert _marks(db_session, listing, record, "interested") == []


def test_a_listing_of_another_service_cannot_be_marked(app, client, world, db_session):
    act_as(client, world.people["client"], world.grants["client"])
    south = world.listings["south"]
    response = post_form(client, _url(app, "directory_loop.mark", listing_id=south.id), {"kind": "interested"})
    assert response.status_code == 404
    assert post_form(client, "/directory/999999/mark", {"kind": "interested"}).status_code == 404
    db_session.expire_all()
    assert db_session.exec(select(ListingMark)).all() == []


def test_staff_cannot_mark(app, client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    path = _url(app, "directory_loop.mark", listing_id=world.listings["north"].id)
    assert post_form(client, path, {"kind": "interested"}).status_code == 403


def test_went_offers_the_diary_prefilled_from_the_listing(app, client, world, db_session):
    listing = world.listings["north"]  # walking group, Tuesdays 10:00 to 11:00
    act_as(client, world.people["client"], world.grants["client"])
    today = london_today()
    tuesday = _last_tuesday(today)
    post_form(
        client, _url(app, "directory_loop.mark", listing_id=listing.id), {"kind": "went", "on": tuesday.isoformat()}
    )
    assert "Thank you for telling us." in _flashes(client)

    page = client.get(_url(app, "directory.listing", listing_id=listing.id)).get_data(as_text=True)
    assert f"You went on {tuesday:%A %-d %B}." in page
    assert "Add it to your diary?" in page
    link = html.unescape(re.search(r'id="add-to-diary" href="([^"]+)"', page).group(1))
    assert link.startswith(_url(app, "diary.add", kind="activity"))
    for part in ["activity=walking", "minutes=60", "note=Tuesday+Health+Walk", f"day={tuesday.isoformat()}"]:
        assert part in link
    assert ("time=10:00" in link) is (tuesday != today)

    form = client.get(link)
    assert form.status_code == 200
    form_page = form.get_data(as_text=True)
    assert re.search(r'name="activity" value="walking" checked', form_page)
    assert re.search(r'name="minutes"[^>]*value="60"', form_page)
    assert re.search(r'name="note"[^>]*value="Tuesday Health Walk"', form_page)
    assert f'<option value="{tuesday.isoformat()}" selected>' in form_page


def test_went_to_a_service_that_is_not_an_activity_just_says_thanks(app, client, world, db_session):
    food_bank = Listing(service_id=world.north.id, name="North Food Bank", categories=["food_bank"])
    db_session.add(food_bank)
    db_session.commit()
    act_as(client, world.people["client"], world.grants["client"])
    post_form(client, _url(app, "directory_loop.mark", listing_id=food_bank.id), {"kind": "went"})
    page = client.get(_url(app, "directory.listing", listing_id=food_bank.id)).get_data(as_text=True)
    assert f"You went on {london_today():%A %-d %B}." in page
    assert "Thank you for telling us." in page
    assert 'id="add-to-diary"' not in page


def test_the_buttons_show_the_client_state(app, client, world):
    listing = world.listings["north"]
    page_url = _url(app, "directory.listing", listing_id=listing.id)
    mark_url = _url(app, "directory_loop.mark", listing_id=listing.id)
    act_as(client, world.people["client"], world.grants["client"])
    page = client.get(page_url).get_data(as_text=True)
    assert f'action="{mark_url}"' in page
    assert 'value="interested"' in page and 'value="went"' in page
    assert "You said you are interested." not in page
    post_form(client, mark_url, {"kind": "interested"})
    page = client.get(page_url).get_data(as_text=True)
    assert "You said you are interested." in page and 'value="not_interested"' in page
    # Staff and the public directory never get the client's buttons.
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert f'action="{mark_url}"' not in client.get(page_url).get_data(as_text=True)
    act_as(client, world.people["client"], world.grants["client"])
    public_url = _url(app, "directory.public_listing", slug="north", listing_id=listing.id)
    public_page = client.get(public_url).get_data(as_text=True)
    assert f'action="{mark_url}"' not in public_page and "You said you are interested." not in public_page


def test_the_diary_ignores_bad_prefill(app, client, world):
    act_as(client, world.people["client"], world.grants["client"])
    page = client.get(
        "/diary/add/activity?activity=flying&minutes=99999&intensity=wild&time=25:99&note=" + "x" * 600
    ).get_data(as_text=True)
    assert "checked" not in re.search(
        r'<fieldset[^>]*>\s*<legend class="field__label">What did you do\?.*?</fieldset>', page, re.S
    ).group(0)
    assert re.search(r'name="minutes"[^>]*value=""', page)
    assert re.search(r'name="note"[^>]*value=""', page)
    assert re.search(r'name="time"[^>]*value=""', page)
    good = client.get("/diary/add/activity?activity=dancing&intensity=vigorous&minutes=45").get_data(as_text=True)
    assert re.search(r'name="activity" value="dancing" checked', good)
    assert re.search(r'name="intensity" value="vigorous" checked', good)
    assert re.search(r'name="minutes"[^>]*value="45"', good)
    # Other kinds do not take activity values.
    food = client.get("/diary/add/food?note=hello").get_data(as_text=True)
    assert re.search(r'name="note"[^>]*value=""', food)


# --- Staff signposting from a listing -------------------------------------------------------


def test_a_champion_signposts_a_passer_by_in_one_tap(app, client, world, db_session):
    listing = world.listings["north"]
    act_as(client, world.people["champion"], world.grants["champion"])
    form_url = _url(app, "directory_loop.signpost", listing_id=listing.id)
    today = london_today()
    follow_up = today + timedelta(days=7)
    form = client.get(form_url).get_data(as_text=True)
    # The defaults are already on the form: Save is the only tap needed.
    assert re.search(r'name="made_on"[^>]*value="' + today.isoformat(), form)
    assert re.search(r'name="follow_up_on"[^>]*value="' + follow_up.isoformat(), form)
    assert re.search(r'name="kind" value="signpost" checked', form)
    assert 'name="client_id"' not in form and "Casey Client" not in form
    defaults = {"kind": "signpost", "made_on": today.isoformat(), "follow_up_on": follow_up.isoformat()}
    response = post_form(client, form_url, {**defaults, "person_label": "Sam, blue hat"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(app, "directory.listing", listing_id=listing.id))
    assert f"Signpost saved. Follow it up on {follow_up:%A %-d %B}." in _flashes(client)
    [made] = _signposts(db_session, person_label="Sam, blue hat")
    assert made.listing_id == listing.id and made.service_id == world.north.id
    assert made.client_id is None and made.episode_id is None
    assert made.destination == "lifestyle_risk_management" and made.destination_name == "Tuesday Health Walk"
    assert (made.kind, made.made_on, made.follow_up_on) == ("signpost", today, follow_up)
    assert made.by_id == world.people["champion"].id

    page = client.get(_url(app, "directory_loop.my_signposts")).get_data(as_text=True)
    coming = _section(page, "coming-up")
    assert "Sam, blue hat" in coming and "Tuesday Health Walk" in coming
    assert "Sam, blue hat" not in _section(page, "follow-up-now")
    assert "Jo, red coat" in _section(page, "follow-up-now")  # the world's signpost, due today


def test_signpost_form_errors_save_nothing(app, client, world, db_session):
    act_as(client, world.people["champion"], world.grants["champion"])
    before = len(_signposts(db_session))
    form_url = _url(app, "directory_loop.signpost", listing_id=world.listings["north"].id)
    today = london_today()
    response = post_form(
        client,
        form_url,
        {"kind": "signpost", "made_on": (today + timedelta(days=1)).isoformat(), "person_label": "y" * 61},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "The day you made it cannot be in the future." in page
    assert "Keep this under 60 letters." in page
    assert len(_signposts(db_session)) == before


def test_a_champion_posting_a_client_is_refused(app, client, world, db_session):
    act_as(client, world.people["champion"], world.grants["champion"])
    form_url = _url(app, "directory_loop.signpost", listing_id=world.listings["north"].id)
    today = london_today()
    response = post_form(
        client,
        form_url,
        {"who": "client", "client_id": world.clients["own"].id, "kind": "signpost", "made_on": today.isoformat()},
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "You can signpost someone not registered here." in page
    assert "Casey Client" not in page
    assert _signposts(db_session, client_id=world.clients["own"].id) == []


def test_a_trainer_signposts_their_own_client(app, client, world, db_session):
    own = world.clients["own"]
    act_as(client, world.people["trainer"], world.grants["trainer"])
    form_url = _url(app, "directory_loop.signpost", listing_id=world.listings["north"].id)
    form = client.get(form_url).get_data(as_text=True)
    assert "Casey Client" in form and "Olly Other" not in form and "Tia Trainee-Case" not in form
    today = london_today()
    response = post_form(
        client,
        form_url,
        {
            "client_id": own.id,
            "person_label": "ignored for a client",
            "kind": "referral",
            "for_family_member": "yes",
            "made_on": today.isoformat(),
            "follow_up_on": "",
        },
    )
    assert response.status_code == 302
    assert "Signpost saved." in _flashes(client)
    [made] = _signposts(db_session, client_id=own.id)
    episode = db_session.exec(select(Episode).where(Episode.client_id == own.id)).one()
    assert made.episode_id == episode.id
    assert (made.kind, made.for_family_member, made.follow_up_on, made.person_label) == ("referral", True, None, "")
    assert made.listing_id == world.listings["north"].id
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "add_signpost")).all()
    assert [(event.client_id, event.actor_id) for event in events] == [(own.id, world.people["trainer"].id)]
    # It shows on the client's record, linked to the listing.
    record = client.get(f"/clients/{own.id}").get_data(as_text=True)
    assert (
        f'href="{_url(app, "directory.listing", listing_id=world.listings["north"].id)}">Tuesday Health Walk' in record
    )


def test_a_trainer_cannot_pick_another_trainers_client(app, client, world, db_session):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    form_url = _url(app, "directory_loop.signpost", listing_id=world.listings["north"].id)
    for other in ("other-caseload", "trainee-own", "south"):
        response = post_form(
            client,
            form_url,
            {
                "who": "client",
                "client_id": world.clients[other].id,
                "kind": "signpost",
                "made_on": london_today().isoformat(),
            },
        )
        assert response.status_code == 422
        assert "Choose a client from your own caseload." in response.get_data(as_text=True)
        assert _signposts(db_session, client_id=world.clients[other].id) == []
    db_session.expire_all()
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "add_signpost")).all() == []


def test_signposting_to_another_services_listing_is_404(app, client, world):
    act_as(client, world.people["champion"], world.grants["champion"])
    assert client.get(_url(app, "directory_loop.signpost", listing_id=world.listings["south"].id)).status_code == 404


# --- Following up ---------------------------------------------------------------------------


def test_recording_a_result_needs_a_barrier_when_they_did_not_go(app, client, world, db_session):
    signpost = world.signposts["champion"]
    act_as(client, world.people["champion"], world.grants["champion"])
    path = _url(app, "directory_loop.signpost_result", signpost_id=signpost.id)
    page = client.get(path).get_data(as_text=True)
    assert "Jo, red coat" in page and "Childcare" in page
    today = london_today().isoformat()
    response = post_form(client, path, {"result": "not_attended", "result_on": today})
    assert response.status_code == 422
    assert "Choose what got in the way." in response.get_data(as_text=True)
    assert _signposts(db_session, id=signpost.id)[0].result is None

    response = post_form(client, path, {"result": "not_attended", "barrier": "childcare", "result_on": today})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(_url(app, "directory_loop.my_signposts"))
    saved = _signposts(db_session, id=signpost.id)[0]
    assert (saved.result, saved.barrier, saved.result_on) == ("not_attended", "childcare", london_today())
    done = _section(client.get(_url(app, "directory_loop.my_signposts")).get_data(as_text=True), "done")
    assert "Jo, red coat" in done and "Did not go (Childcare)" in done

    post_form(client, path, {"result": "attended", "barrier": "cost", "result_on": today})
    saved = _signposts(db_session, id=signpost.id)[0]
    assert (saved.result, saved.barrier) == ("attended", None)
    # No audit for someone not registered: there is no client record.
    assert db_session.exec(select(AuditEvent).where(AuditEvent.action == "record_signpost_result")).all() == []


def _client_signpost(db_session, world) -> Signpost:
    """A signpost for the trainer's own client, made by the trainer, due today."""
    made = Signpost(
        service_id=world.north.id,
        client_id=world.clients["own"].id,
        listing_id=world.listings["north"].id,
        destination="lifestyle_risk_management",
        destination_name="Tuesday Health Walk",
        made_on=london_today() - timedelta(days=7),
        follow_up_on=london_today(),
        by_id=world.people["trainer"].id,
    )
    db_session.add(made)
    db_session.commit()
    return made


def test_a_trainer_records_a_result_for_their_client_and_it_is_audited(app, client, world, db_session):
    made = _client_signpost(db_session, world)
    act_as(client, world.people["trainer"], world.grants["trainer"])
    listing = client.get(_url(app, "directory_loop.my_signposts")).get_data(as_text=True)
    assert "Casey Client" in _section(listing, "follow-up-now")
    path = _url(app, "directory_loop.signpost_result", signpost_id=made.id)
    response = post_form(client, path, {"result": "attended", "result_on": london_today().isoformat()})
    assert response.status_code == 302
    assert _signposts(db_session, id=made.id)[0].result == "attended"
    events = db_session.exec(select(AuditEvent).where(AuditEvent.action == "record_signpost_result")).all()
    assert [(event.client_id, event.actor_id) for event in events] == [
        (world.clients["own"].id, world.people["trainer"].id)
    ]


def test_signposts_are_followed_up_only_by_those_who_may_see_them(app, client, world, db_session):
    made = _client_signpost(db_session, world)
    act_as(client, world.people["champion"], world.grants["champion"])
    for signpost_id in (world.signposts["trainer"].id, made.id):
        path = _url(app, "directory_loop.signpost_result", signpost_id=signpost_id)
        assert client.get(path).status_code == 404
        assert (
            post_form(client, path, {"result": "unknown", "result_on": london_today().isoformat()}).status_code == 404
        )
    act_as(client, world.people["trainer"], world.grants["trainer"])
    assert (
        client.get(_url(app, "directory_loop.signpost_result", signpost_id=world.signposts["champion"].id)).status_code
        == 404
    )
    act_as(client, world.people["other-trainer"], world.grants["other-trainer"])
    assert client.get(_url(app, "directory_loop.signpost_result", signpost_id=made.id)).status_code == 404
    assert _signposts(db_session, id=made.id)[0].result is None


def test_champion_home_lists_due_follow_ups_without_client_names(app, client, world, db_session):
    # A signpost for a client made by the champion's person (say, in another role): due, but nameless.
    for_client = Signpost(
        service_id=world.north.id,
        client_id=world.clients["own"].id,
        destination="housing",
        destination_name="Housing Help Desk",
        made_on=london_today() - timedelta(days=10),
        follow_up_on=london_today() - timedelta(days=3),
        by_id=world.people["champion"].id,
    )
    db_session.add(for_client)
    db_session.add(
        Signpost(
            service_id=world.north.id,
            destination="housing",
            destination_name="Later Place",
            person_label="Not due yet",
            made_on=london_today(),
            follow_up_on=london_today() + timedelta(days=3),
            by_id=world.people["champion"].id,
        )
    )
    db_session.commit()
    act_as(client, world.people["champion"], world.grants["champion"])
    page = client.get("/activities").get_data(as_text=True)
    follow_ups = _section(page, "follow-ups")
    assert "Jo, red coat" in follow_ups
    assert _url(app, "directory_loop.signpost_result", signpost_id=world.signposts["champion"].id) in follow_ups
    assert "Housing Help Desk" in follow_ups and "A registered client" in follow_ups
    assert "Follow-up overdue" in follow_ups
    assert "Not due yet" not in follow_ups
    assert "Casey Client" not in page
    assert f'href="{_url(app, "directory.search")}"' in page
    assert "My signposts" in page
    signposts_page = client.get(_url(app, "directory_loop.my_signposts")).get_data(as_text=True)
    assert "Casey Client" not in signposts_page and "A registered client" in signposts_page
    # The champion cannot follow up the client's signpost, so there is no link to it.
    assert _url(app, "directory_loop.signpost_result", signpost_id=for_client.id) not in signposts_page
    assert "Not due yet" in _section(signposts_page, "coming-up")


def test_signposting_pages_answer_only_to_signposters(app, client, world):
    act_as(client, world.people["manager"], world.grants["manager"])
    assert client.get(_url(app, "directory_loop.my_signposts")).status_code == 403
    act_as(client, world.people["client"], world.grants["client"])
    assert client.get(_url(app, "directory_loop.signpost", listing_id=world.listings["north"].id)).status_code == 403


def test_minutes_come_from_the_session_on_the_day_gone(app, world, db_session):
    """Minutes come from the slot on the day gone, not from another weekday's slot."""
    listing = world.listings["north"]
    db_session.add(ListingTime(listing_id=listing.id, weekday=3, starts_at=time(18, 0), ends_at=time(18, 45)))
    db_session.commit()
    times = db_session.exec(select(ListingTime).where(ListingTime.listing_id == listing.id)).all()
    thursday = date(2025, 11, 20)
    assert diary_prefill(listing, times, thursday, thursday + timedelta(days=1))["minutes"] == "45"
    assert diary_prefill(listing, times, thursday - timedelta(days=2), thursday)["minutes"] == "60"
