"""Admin pages: services, people, roles, account status and codes."""

import pytest
from sqlmodel import select

from models import AuditEvent, Client, Person, RoleGrant, Service
from tests.conftest import act_as, log_in, post_form
from tests.world import PASSWORD


@pytest.fixture
def site_admin(client, world):
    act_as(client, world.people["site-admin"], world.grants["site-admin"])
    return client


SERVICE = {
    "name": "West End Health Trainers",
    "slug": "west-end",
    "area": "West End",
    "yearly_client_target": "350",
    "target_wards": "Dockside\n  Hill Top  \n\nDockside",
    "target_ward_share": "55.5",
    "is_active": "y",
    "trainee_mode": "supervised",
}


def test_site_admin_creates_a_service(site_admin, db_session):
    response = post_form(site_admin, "/admin/services/new", SERVICE)
    assert response.status_code == 302
    service = db_session.exec(select(Service).where(Service.slug == "west-end")).one()
    assert service.target_wards == ["Dockside", "Hill Top"]
    assert service.target_ward_share == 55.5 and service.yearly_client_target == 350 and service.is_active
    assert service.trainee_mode == "supervised"
    assert "West End Health Trainers" in site_admin.get("/admin/services").get_data(as_text=True)


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("slug", "West End", "small letters"),
        ("slug", "north", "already uses this short name"),
        ("name", "", "Type the service"),
        ("yearly_client_target", "-3", "from 0 to 100,000"),
        ("yearly_client_target", "lots", "Type a whole number"),
        ("target_ward_share", "half", "Type a number"),
        ("target_ward_share", "140", "percent from 0 to 100"),
        ("trainee_mode", "anything", "Not a valid choice"),
    ],
)
def test_bad_service_input_is_explained_and_nothing_saved(site_admin, db_session, world, field, value, message):
    response = post_form(site_admin, "/admin/services/new", {**SERVICE, field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db_session.exec(select(Service).where(Service.name == "West End Health Trainers")).first() is None


def test_site_admin_edits_a_service(site_admin, world, db_session):
    form = site_admin.get(f"/admin/services/{world.north.id}/edit").get_data(as_text=True)
    assert "North Town Health Trainers" in form
    response = post_form(
        site_admin, f"/admin/services/{world.north.id}/edit", {**SERVICE, "slug": "north", "is_active": ""}
    )
    assert response.status_code == 302
    db_session.refresh(world.north)
    assert world.north.name == "West End Health Trainers" and not world.north.is_active


def test_closed_service_gives_its_people_no_access(client, world, db_session):
    world.north.is_active = False
    db_session.add(world.north)
    db_session.commit()
    log_in(client, "trainer", PASSWORD)
    assert client.get("/caseload").status_code == 403
    assert client.get("/").headers["Location"] == "/account/"


def new_person(client, **overrides):
    data = {
        "display_name": "Riley New",
        "username": "riley.new",
        "email": "",
        "role": "client",
        "service_id": "",
        "wte": "",
        "trainer_id": "0",
        **overrides,
    }
    return post_form(client, "/admin/people/new", data)


def test_admin_adds_a_client_with_a_trainer(site_admin, world, db_session):
    response = new_person(site_admin, service_id=world.north.id, trainer_id=world.people["trainer"].id)
    assert response.status_code == 302
    person = db_session.exec(select(Person).where(Person.username == "riley.new")).one()
    assert person.password_hash is None and person.email is None
    record = db_session.exec(select(Client).where(Client.person_id == person.id)).one()
    assert record.trainer_id == world.people["trainer"].id and record.service_id == world.north.id
    assert (
        db_session.exec(select(AuditEvent).where(AuditEvent.action == "create_person")).one().subject_person_id
        == person.id
    )


def test_new_person_errors_are_shown_and_nothing_is_half_saved(site_admin, world, db_session):
    response = new_person(site_admin, username="trainer", service_id=world.north.id, role="trainer", wte="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Someone already has this username" in page
    assert "Type the whole-time equivalent" in page
    response = new_person(site_admin, service_id=world.north.id, trainer_id=world.people["south-trainer"].id)
    assert "does not work in the chosen service" in response.get_data(as_text=True)
    response = new_person(site_admin, service_id=world.north.id, wte="0.5")
    assert "Clients do not have a whole-time equivalent" in response.get_data(as_text=True)
    assert db_session.exec(select(Person).where(Person.username == "riley.new")).first() is None


def test_staff_role_records_wte(site_admin, world, db_session):
    response = new_person(site_admin, role="trainer", service_id=world.north.id, wte="0.75")
    assert response.status_code == 302
    person = db_session.exec(select(Person).where(Person.username == "riley.new")).one()
    grant = db_session.exec(select(RoleGrant).where(RoleGrant.person_id == person.id)).one()
    assert grant.role == "trainer" and grant.wte == 0.75


def test_person_can_hold_several_roles_and_switch(client, world, db_session):
    act_as(client, world.people["site-admin"], world.grants["site-admin"])
    response = post_form(
        client,
        f"/admin/people/{world.people['trainer'].id}/grants",
        {"role": "manager", "service_id": world.north.id, "wte": "0.2", "trainer_id": "0"},
    )
    assert response.status_code == 302
    again = post_form(
        client,
        f"/admin/people/{world.people['trainer'].id}/grants",
        {"role": "manager", "service_id": world.north.id, "wte": "0.2", "trainer_id": "0"},
    )
    assert again.status_code == 422 and "already has this role" in again.get_data(as_text=True)
    other = client.application.test_client()
    log_in(other, "trainer", PASSWORD)
    assert other.get("/").headers["Location"] == "/overview"  # day-to-day default: manager first
    grant = db_session.exec(
        select(RoleGrant).where(RoleGrant.person_id == world.people["trainer"].id, RoleGrant.role == "trainer")
    ).one()
    assert post_form(other, "/account/role", {"grant_id": grant.id}).status_code == 302
    assert other.get("/").headers["Location"] == "/caseload"
    assert other.get("/overview").status_code == 403


def test_removing_a_role_ends_access_but_keeps_the_client_record(site_admin, world, db_session):
    grant_id = world.grants["client"].id
    response = post_form(site_admin, f"/admin/people/{world.people['client'].id}/grants/{grant_id}/remove")
    assert response.status_code == 302
    db_session.expire_all()
    assert db_session.get(RoleGrant, grant_id) is None
    assert db_session.get(Client, world.clients["own"].id) is not None
    other = site_admin.application.test_client()
    log_in(other, "client", PASSWORD)
    assert other.get("/today").status_code == 403


def test_admin_cannot_remove_the_role_in_use_or_turn_themselves_off(site_admin, world, db_session):
    me = world.people["site-admin"]
    post_form(site_admin, f"/admin/people/{me.id}/grants/{world.grants['site-admin'].id}/remove")
    assert db_session.get(RoleGrant, world.grants["site-admin"].id) is not None
    post_form(site_admin, f"/admin/people/{me.id}/status", {"status": "off"})
    db_session.refresh(me)
    assert not me.is_disabled


def test_turning_an_account_off_logs_them_out_and_on_again(site_admin, world, db_session):
    other = site_admin.application.test_client()
    log_in(other, "champion", PASSWORD)
    champion = world.people["champion"]
    post_form(site_admin, f"/admin/people/{champion.id}/status", {"status": "off"})
    assert other.get("/activities").status_code == 302
    assert log_in(other, "champion", PASSWORD).status_code == 422
    post_form(site_admin, f"/admin/people/{champion.id}/status", {"status": "on"})
    assert log_in(other, "champion", PASSWORD).headers["Location"] == "/"


def test_people_search_finds_by_name_username_or_email(site_admin, world):
    page = site_admin.get("/admin/people?q=south-man").get_data(as_text=True)
    assert "South Manager" in page and "Champion" not in page
    page = site_admin.get("/admin/people?q=CHAMPION@EXAMPLE").get_data(as_text=True)
    assert "Champion" in page


def test_service_admin_sees_only_their_service_and_cannot_make_admins(client, world):
    act_as(client, world.people["service-admin"], world.grants["service-admin"])
    page = client.get("/admin/people/new").get_data(as_text=True)
    assert "South Vale" not in page and 'value="admin"' not in page
    assert client.get("/admin/services").status_code == 403
