"""Fixtures in the flaskr shape: app, client, runner, plus a small world of people per role.

The database is chosen by DATABASE_URL, like the app: SQLite by default, PostgreSQL when it
points there. Tests never touch that database itself: on PostgreSQL they create a throwaway
database beside it, on SQLite a file in a temporary folder. Migrations run once per session;
each test then starts from empty tables.
"""

import os
import re
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from sqlalchemy import text

import models
from pwa import create_app
from pwa.cli import upgrade_database
from pwa.db import make_engine, normalise_database_url
from tests.push_service import start_push_service
from tests.world import World, build_world

TEST_SECRET_KEY = "test-secret-key-not-for-real-use"


def _is_postgres(url: str) -> bool:
    return normalise_database_url(url).startswith("postgresql")


def _server_admin_dsn(url: str) -> str:
    """A libpq DSN for the same server, connected to the maintenance database."""
    parts = urlsplit(normalise_database_url(url).replace("postgresql+psycopg://", "postgresql://"))
    return urlunsplit(parts._replace(path="/postgres"))


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(normalise_database_url(url))
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def throwaway_database(prefix: str, tmp_path):
    """A new empty database beside the configured one (PostgreSQL), or a SQLite file in tmp_path."""
    configured = os.environ.get("DATABASE_URL", "")
    if not (configured and _is_postgres(configured)):
        yield f"sqlite:///{tmp_path / f'{prefix}.sqlite3'}"
        return
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(_server_admin_dsn(configured), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield _with_database(configured, name)
    finally:
        with psycopg.connect(_server_admin_dsn(configured), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh, migrated database for this test session."""
    with throwaway_database("ht_test", tmp_path_factory.mktemp("db")) as url:
        upgrade_database(url)
        yield url


def empty_all_tables(url: str) -> None:
    """Delete every row, children first, and restart the id counters.

    On PostgreSQL, DELETE on a handful of small tables is about twenty times faster than
    TRUNCATE, which makes new files for every table; over three thousand tests that is minutes.
    """
    engine = make_engine(url)
    tables = list(reversed(models.metadata.sorted_tables))
    with engine.begin() as connection:
        for table in tables:
            connection.execute(table.delete())
        if _is_postgres(url):
            connection.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                )
            )
    engine.dispose()


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": TEST_SECRET_KEY,
            "INSTANCE_PATH": str(tmp_path),
        }
    )
    yield app
    app.extensions["db_engine"].dispose()
    empty_all_tables(database_url)


@pytest.fixture
def push_service():
    """A stand-in push service on 127.0.0.1 (tests/push_service.py) for pywebpush to send to."""
    service = start_push_service()
    yield service
    service.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db_session(app):
    """A database session for arranging and checking rows outside a request."""
    from sqlmodel import Session

    with Session(app.extensions["db_engine"], expire_on_commit=False) as session:
        yield session


@pytest.fixture
def world(app, db_session) -> World:
    """Two services; in the first, one person per role, and clients on two caseloads."""
    return build_world(db_session)


CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token(client, path: str = "/login") -> str:
    """The CSRF token of the client's session, read from a page the way a browser would."""
    response = client.get(path)
    match = CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def log_in(client, login: str, password: str, *, remember: bool = False):
    """Log in through the real form. Returns the response to the POST."""
    data = {"csrf_token": csrf_token(client), "login": login, "password": password}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def act_as(client, person, grant=None) -> None:
    """Put a logged-in session straight into the cookie (fast; for access checks)."""
    with client.session_transaction() as session:
        session["_user_id"] = f"{person.id}:{person.session_token}"
        session["_fresh"] = True
        if grant is not None:
            session["grant_id"] = grant.id


def post_form(client, path: str, data: dict | None = None, *, token_from: str = "/account/", **kwargs):
    """POST a form with a valid CSRF token, as a browser would after loading a page."""
    return client.post(path, data={"csrf_token": csrf_token(client, token_from), **(data or {})}, **kwargs)
