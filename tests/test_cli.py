"""flask --app pwa commands: upgrade-db, create-service, create-admin, demo."""

from sqlmodel import select

from models import Client, DiaryEntry, Episode, Goal, Person, RoleGrant, Service
from pwa.caseload.journey import status
from pwa.demo import DEMO_DIARY, DEMO_LOGINS, DEMO_PASSWORD
from pwa.demo_reports import CLIENT_COUNT, HISTORY_TRAINERS
from tests.conftest import log_in


def test_upgrade_db_reports_up_to_date(runner):
    result = runner.invoke(args=["upgrade-db"])
    assert result.exit_code == 0 and "up to date" in result.output


def test_create_service(runner, db_session):
    result = runner.invoke(
        args=["create-service", "--slug", "east-side", "--name", "East Side Health Trainers", "--target", "250"]
    )
    assert result.exit_code == 0, result.output
    service = db_session.exec(select(Service).where(Service.slug == "east-side")).one()
    assert service.name == "East Side Health Trainers" and service.yearly_client_target == 250
    again = runner.invoke(args=["create-service", "--slug", "east-side", "--name", "Again"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_create_service_refuses_a_bad_slug(runner, db_session):
    result = runner.invoke(args=["create-service", "--slug", "East Side", "--name", "X"])
    assert result.exit_code != 0 and "small letters" in result.output
    assert db_session.exec(select(Service)).all() == []


def test_create_admin_then_log_in(runner, client, db_session):
    result = runner.invoke(
        args=["create-admin", "--username", "ada", "--name", "Ada Admin", "--password-stdin"],
        input="long-enough-words\n",
    )
    assert result.exit_code == 0, result.output
    person = db_session.exec(select(Person).where(Person.username == "ada")).one()
    grant = db_session.exec(select(RoleGrant).where(RoleGrant.person_id == person.id)).one()
    assert grant.role == "admin" and grant.service_id is None
    assert log_in(client, "ada", "long-enough-words").headers["Location"] == "/"
    assert client.get("/admin/services").status_code == 200


def test_create_admin_refuses_a_weak_password(runner, db_session):
    result = runner.invoke(
        args=["create-admin", "--username", "bob", "--name", "Bob", "--password-stdin"], input="password\n"
    )
    assert result.exit_code != 0 and "too easy" in result.output
    assert db_session.exec(select(Person)).all() == []


def test_demo_loads_one_login_per_role_once(runner, app, db_session):
    first = runner.invoke(args=["demo"])
    second = runner.invoke(args=["demo"])
    assert first.exit_code == 0 and "Loaded" in first.output
    assert second.exit_code == 0 and "already loaded" in second.output
    roles = {grant.role for grant in db_session.exec(select(RoleGrant)).all()}
    assert roles == {"client", "champion", "trainee", "trainer", "manager", "admin"}
    assert db_session.exec(select(Client)).all()
    assert len(db_session.exec(select(DiaryEntry)).all()) == len(DEMO_DIARY)  # every demo entry passes the checks
    alex = db_session.exec(select(Client).where(Client.full_name == "Alex Demo")).one()
    assert len(db_session.exec(select(Goal).where(Goal.client_id == alex.id)).all()) == 3  # and every demo goal
    # The demo caseload shows every step of the journey, each client placed by the demo postcodes.
    statuses = {}
    history_trainers = {
        person.id for person in db_session.exec(select(Person).where(Person.username.like("demo-history-%")))
    }
    assert len(history_trainers) == len(HISTORY_TRAINERS)
    history = db_session.exec(select(Client).where(Client.trainer_id.in_(history_trainers))).all()
    assert len(history) == CLIENT_COUNT  # the made-up past clients the reports count
    for record in db_session.exec(select(Client).where(Client.trainer_id.not_in(history_trainers))).all():
        episode = db_session.exec(select(Episode).where(Episode.client_id == record.id)).one()
        statuses[record.full_name] = status(episode)
        assert record.ward_name and record.deprivation_quintile != "unknown", record.full_name
    assert set(statuses.values()) == {"registered", "assessed", "in_plan", "exited"}
    for username, _name, _role, _wte in DEMO_LOGINS:
        assert log_in(app.test_client(), username, DEMO_PASSWORD).headers["Location"] == "/", username
