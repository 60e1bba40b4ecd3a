"""The app factory, configuration from the environment, database tuning, and London time."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text

from pwa import create_app
from pwa.clock import london_day_bounds, london_today
from pwa.config import ConfigError
from pwa.db import make_engine, normalise_database_url


@pytest.fixture
def clean_env(monkeypatch):
    for name in ["DATABASE_URL", "SECRET_KEY", "SESSION_COOKIE_SECURE", "WEB_CONCURRENCY", "FLASK_DEBUG"]:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_factory_applies_test_config(app):
    assert app.testing
    assert create_app({"TESTING": True, "SECRET_KEY": "k", "DATABASE_URL": "sqlite://"}).config["SECRET_KEY"] == "k"


def test_default_database_is_sqlite_in_the_instance_folder(clean_env, tmp_path):
    app = create_app({"TESTING": True, "INSTANCE_PATH": str(tmp_path)})
    assert app.config["DATABASE_URL"] == f"sqlite:///{tmp_path}/health-trainer.sqlite3"


def test_environment_sets_database_and_secret(clean_env):
    clean_env.setenv("DATABASE_URL", "sqlite:///elsewhere.sqlite3")
    clean_env.setenv("SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["DATABASE_URL"] == "sqlite:///elsewhere.sqlite3"
    assert app.config["SECRET_KEY"] == "from-the-environment"


def test_secret_key_is_required_outside_debug(clean_env):
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        create_app()


def test_secret_key_is_required_with_several_workers_even_in_debug(clean_env):
    clean_env.setenv("FLASK_DEBUG", "1")
    clean_env.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(ConfigError):
        create_app()


def test_local_secret_key_is_generated_once_and_kept(clean_env, tmp_path):
    clean_env.setenv("FLASK_DEBUG", "1")
    first = create_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    second = create_app({"DATABASE_URL": "sqlite://", "INSTANCE_PATH": str(tmp_path)})
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by the owner only
    assert len(first.config["SECRET_KEY"]) >= 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]


def test_cookies_are_secure_outside_local_development(clean_env):
    clean_env.setenv("SECRET_KEY", "k")
    app = create_app({"DATABASE_URL": "sqlite://"})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_cookies_are_not_secure_in_local_development(app):
    assert not app.config["SESSION_COOKIE_SECURE"]


def test_session_cookie_flags_on_login(client, world):
    from tests.conftest import log_in
    from tests.world import PASSWORD

    response = log_in(client, "trainer", PASSWORD)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://u:p@h/db", "postgresql+psycopg://u:p@h/db"),
        ("postgresql://u@h:5433/db", "postgresql+psycopg://u@h:5433/db"),
        ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
        ("sqlite:///x.sqlite3", "sqlite:///x.sqlite3"),
    ],
)
def test_database_urls_are_normalised(given, expected):
    assert normalise_database_url(given) == expected


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_busy_timeout(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    engine.dispose()


def test_foreign_keys_are_enforced(db_session, app):
    from sqlalchemy.exc import IntegrityError

    from models import Client

    db_session.add(Client(service_id=999999, full_name="Nobody"))
    with pytest.raises(IntegrityError):
        db_session.commit()
    db_session.rollback()


def test_london_day_bounds_follow_the_clocks():
    # Summer time: the London day starts at 23:00 UTC the day before.
    start, end = london_day_bounds(date(2026, 7, 1))
    assert start == datetime(2026, 6, 30, 23, tzinfo=UTC) and end == datetime(2026, 7, 1, 23, tzinfo=UTC)
    # The day the clocks go forward has 23 hours; the day they go back has 25.
    start, end = london_day_bounds(date(2026, 3, 29))
    assert end - start == (datetime(2026, 3, 29, 23, tzinfo=UTC) - datetime(2026, 3, 29, 0, tzinfo=UTC))
    start, end = london_day_bounds(date(2026, 10, 25))
    assert (end - start).total_seconds() == 25 * 3600


def test_london_today_changes_at_london_midnight():
    assert london_today(datetime(2026, 7, 1, 22, 59, tzinfo=UTC)) == date(2026, 7, 1)
    assert london_today(datetime(2026, 7, 1, 23, 0, tzinfo=UTC)) == date(2026, 7, 2)
    assert london_today(datetime(2026, 12, 1, 23, 59, tzinfo=UTC)) == date(2026, 12, 1)
