"""Login, logout, set-up and reset codes, password rules, disabled accounts, CSRF."""

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from models import Client, Person, SetupCode
from pwa import accounts
from pwa.clock import utcnow
from tests.conftest import TEST_SECRET_KEY, act_as, csrf_token, log_in, post_form
from tests.world import PASSWORD, add_person


def test_login_by_username_or_email_in_any_case(client, world):
    assert log_in(client, "Trainer", PASSWORD).headers["Location"] == "/"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert log_in(client, "  TRAINER@example.org ", PASSWORD).headers["Location"] == "/"
    assert client.get("/caseload").status_code == 200


def test_wrong_password_or_unknown_user_gets_the_same_message(client, world):
    for login in ["trainer", "nobody-here"]:
        response = log_in(client, login, "not-the-password")
        assert response.status_code == 422
        assert "That username or password is not right" in response.get_data(as_text=True)
    assert client.get("/caseload").status_code == 302


def test_empty_login_form_says_what_to_fill_in(client, world):
    response = client.post("/login", data={"csrf_token": csrf_token(client)})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Type your username or email." in page and "Type your password." in page
    assert 'aria-invalid="true"' in page


def test_login_returns_to_the_page_asked_for_but_never_another_site(client, world):
    response = client.get("/overview")
    assert response.headers["Location"] == "/login?next=/overview"
    data = {"csrf_token": csrf_token(client), "login": "manager", "password": PASSWORD}
    assert client.post("/login?next=/overview", data=data).headers["Location"] == "/overview"
    client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})
    data["csrf_token"] = csrf_token(client)
    assert client.post("/login?next=//evil.example/x", data=data).headers["Location"] == "/"


def test_disabled_account_cannot_log_in_and_is_logged_out(client, world, db_session):
    log_in(client, "champion", PASSWORD)
    person = db_session.get(Person, world.people["champion"].id)
    person.is_disabled = True
    db_session.add(person)
    db_session.commit()
    assert client.get("/activities").status_code == 302  # the open session ends at once
    response = log_in(client, "champion", PASSWORD)
    assert response.status_code == 422
    assert "This account is turned off" in response.get_data(as_text=True)


def test_logout_ends_the_session_and_clears_caches(client, world):
    log_in(client, "client", PASSWORD)
    response = client.post("/logout", data={"csrf_token": csrf_token(client, "/account/")})
    assert response.headers["Location"] == "/login"
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert 'data-clear-caches="true"' in client.get("/login").get_data(as_text=True)
    assert client.get("/today").status_code == 302


def test_logout_needs_a_post(client, world):
    log_in(client, "client", PASSWORD)
    assert client.get("/logout").status_code == 405
    assert client.get("/today").status_code == 200


def test_remember_me_sets_a_lasting_cookie(client, world):
    log_in(client, "client", PASSWORD, remember=True)
    cookie = client.get_cookie("ht_remember")
    assert cookie is not None and cookie.http_only
    # A new browser session with only the remember cookie is still logged in.
    client.delete_cookie("ht_session")
    assert client.get("/today").status_code == 200


def test_without_remember_me_there_is_no_lasting_cookie(client, world):
    log_in(client, "client", PASSWORD)
    assert client.get_cookie("ht_remember") is None


def test_csrf_token_is_required_for_login_and_every_post(client, world):
    response = client.post("/login", data={"login": "trainer", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get("/caseload").status_code == 302
    act_as(client, world.people["trainer"], world.grants["trainer"])
    response = client.post("/account/password", data={"current": PASSWORD, "password": "x" * 10, "confirm": "x" * 10})
    assert response.status_code == 400
    assert "This page was open too long" in response.get_data(as_text=True)


def test_csrf_token_in_the_htmx_header_is_accepted(client, world):
    act_as(client, world.people["trainer"], world.grants["trainer"])
    token = csrf_token(client, "/account/")
    headers = {"HX-Request": "true", "X-CSRFToken": token}
    response = client.post("/account/role", data={"grant_id": world.grants["trainer"].id}, headers=headers)
    assert response.status_code == 302
    response = client.post(
        "/account/role", data={"grant_id": world.grants["trainer"].id}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 400


def test_csrf_token_does_not_expire_during_a_login_session(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None


# --- Password rules ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short", "at least 8"),
        ("password123", "too easy to guess"),
        ("aaaaaaaaaa", "too easy to guess"),
        ("sam.jones", "username"),
        ("x" * 129, "no more than 128"),
    ],
)
def test_password_rules_explain_what_is_wrong(password, problem):
    problems = accounts.password_problems(password, username="sam.jones", email="sam@example.org")
    assert any(problem in message for message in problems), problems


def test_good_password_passes_the_rules():
    assert accounts.password_problems("purple-kettle-rain", username="sam") == []


def test_passwords_are_stored_with_argon2(world):
    assert world.people["trainer"].password_hash.startswith("$argon2id$")


def test_change_password_checks_current_and_logs_out_other_devices(app, client, world):
    other_phone = app.test_client()
    log_in(other_phone, "trainer", PASSWORD)
    log_in(client, "trainer", PASSWORD)
    response = post_form(
        client, "/account/password", {"current": "wrong", "password": "new-river-stone", "confirm": "new-river-stone"}
    )
    assert response.status_code == 422 and "That is not your password now" in response.get_data(as_text=True)
    response = post_form(
        client, "/account/password", {"current": PASSWORD, "password": "password1", "confirm": "password1"}
    )
    assert response.status_code == 422 and "too easy to guess" in response.get_data(as_text=True)
    response = post_form(
        client, "/account/password", {"current": PASSWORD, "password": "new-river-stone", "confirm": "new-river-ston"}
    )
    assert response.status_code == 422 and "not the same" in response.get_data(as_text=True)
    response = post_form(
        client, "/account/password", {"current": PASSWORD, "password": "new-river-stone", "confirm": "new-river-stone"}
    )
    assert response.headers["Location"] == "/account/"
    assert client.get("/caseload").status_code == 200  # this device stays in
    assert other_phone.get("/caseload").status_code == 302  # the other one is logged out
    assert log_in(app.test_client(), "trainer", "new-river-stone").headers["Location"] == "/"


# --- Set-up and reset codes --------------------------------------------------------------------


def issue(app, db_session, person, *, purpose="setup", hours=72) -> str:
    code = accounts.issue_code(
        db_session, person, purpose=purpose, hours=hours, issued_by=None, secret_key=TEST_SECRET_KEY
    )
    db_session.commit()
    return code


@pytest.fixture
def newcomer(db_session, world):
    person, _grant = add_person(db_session, "new-client", role="client", service=world.north, password=False)
    db_session.add(Client(service_id=world.north.id, person_id=person.id, full_name="New Client"))
    db_session.commit()
    return person


def choose_password(client, code: str, password: str = "blue-door-garden"):
    return client.post(
        "/setup",
        data={"csrf_token": csrf_token(client, "/setup"), "code": code, "password": password, "confirm": password},
    )


def test_setup_code_lets_a_client_choose_a_password_and_logs_them_in(app, client, db_session, newcomer):
    code = issue(app, db_session, newcomer)
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    page = client.get(f"/setup/{code.replace('-', '').lower()}").get_data(as_text=True)
    assert "Your username is <strong>new-client</strong>" in page
    response = choose_password(client, code.lower().replace("-", " "))
    assert response.headers["Location"] == "/"
    assert client.get("/today").status_code == 200
    assert log_in(app.test_client(), "new-client", "blue-door-garden").headers["Location"] == "/"


def test_setup_code_works_only_once(app, client, db_session, newcomer):
    code = issue(app, db_session, newcomer)
    choose_password(client, code)
    response = choose_password(app.test_client(), code, "another-good-one")
    assert response.status_code == 422
    assert "This code has been used already" in response.get_data(as_text=True)


def test_expired_setup_code_is_refused(app, client, db_session, newcomer):
    code = issue(app, db_session, newcomer)
    record = db_session.exec(select(SetupCode).where(SetupCode.person_id == newcomer.id)).one()
    record.expires_at = utcnow() - timedelta(minutes=1)
    db_session.add(record)
    db_session.commit()
    response = choose_password(client, code)
    assert response.status_code == 422
    assert "This code is too old" in response.get_data(as_text=True)
    assert db_session.get(Person, newcomer.id).password_hash is None


@pytest.mark.parametrize("wrong, message", [("ABCD-2345", "We do not know this code"), ("ABC", "Codes have 8 letters")])
def test_wrong_setup_code_is_refused(app, client, db_session, newcomer, wrong, message):
    issue(app, db_session, newcomer)
    response = choose_password(client, wrong)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_setup_refuses_a_weak_password_and_keeps_the_code(app, client, db_session, newcomer):
    code = issue(app, db_session, newcomer)
    response = choose_password(client, code, "12345678")
    assert response.status_code == 422 and "too easy to guess" in response.get_data(as_text=True)
    assert choose_password(client, code).headers["Location"] == "/"


def test_a_new_code_cancels_the_old_one(app, client, db_session, newcomer):
    first = issue(app, db_session, newcomer)
    second = issue(app, db_session, newcomer)
    assert "used already" in choose_password(client, first).get_data(as_text=True)
    assert choose_password(client, second).headers["Location"] == "/"


def test_codes_are_stored_only_as_hashes(app, db_session, newcomer):
    code = issue(app, db_session, newcomer)
    stored = db_session.exec(select(SetupCode)).one()
    assert accounts.normalise_code(code) not in stored.code_hash


def test_reset_link_from_staff_sets_a_new_password_and_ends_old_sessions(app, client, db_session, world):
    old_phone = app.test_client()
    log_in(old_phone, "client", PASSWORD)
    act_as(client, world.people["trainer"], world.grants["trainer"])
    response = post_form(client, f"/clients/{world.clients['own'].id}/code")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "choose a new password" in page
    code = re.search(r'<p class="code"><span aria-hidden="true">([A-Z0-9-]+)</span>', page).group(1)
    assert f"/setup/{code.replace('-', '')}" in page, page[page.find("open this link") :][:400]
    assert choose_password(app.test_client(), code, "fresh-mango-tree").headers["Location"] == "/"
    assert old_phone.get("/today").status_code == 302
    assert log_in(app.test_client(), "client", "fresh-mango-tree").headers["Location"] == "/"


def test_code_for_a_disabled_person_is_refused(app, client, db_session, newcomer):
    code = issue(app, db_session, newcomer)
    newcomer.is_disabled = True
    db_session.add(newcomer)
    db_session.commit()
    assert "turned off" in choose_password(client, code).get_data(as_text=True)


@pytest.mark.parametrize(
    "username, home",
    [
        ("client", "/today"),
        ("champion", "/activities"),
        ("trainee", "/caseload"),
        ("trainer", "/caseload"),
        ("manager", "/overview"),
        ("service-admin", "/admin/people"),
        ("site-admin", "/admin/people"),
    ],
)
def test_each_role_lands_on_its_home_page(client, world, username, home):
    assert log_in(client, username, PASSWORD).headers["Location"] == "/"
    assert client.get("/").headers["Location"] == home
    assert client.get(home).status_code == 200
