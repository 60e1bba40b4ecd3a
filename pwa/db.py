"""The database engine and a per-request session (flaskr keeps it on g)."""

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlmodel import Session


def normalise_database_url(url: str) -> str:
    """Use the psycopg 3 driver for any PostgreSQL URL, as hosting providers write them several ways."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets readers work while one writer writes; foreign keys are off in SQLite by default;
    # the busy timeout makes a second writer wait instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for SQLite (tuned) or PostgreSQL."""
    url = normalise_database_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 5})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    # No server-side prepared statements: after a few runs PostgreSQL may switch a prepared query
    # to a generic plan, and "client_id = ? AND uuid IN (...)" then scans a client's whole diary.
    # Report queries: no JIT (compiling them cost more, about 0.5 s, than it saved); sorts in
    # memory; no parallel workers, since a report pack already runs its passes side by side.
    settings = "-c jit=off -c work_mem=32MB -c max_parallel_workers_per_gather=0"
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=10,
        connect_args={"prepare_threshold": None, "options": settings},
    )


def init_app(app: Flask) -> None:
    """Create the app's engine and close the request session at teardown."""
    app.extensions["db_engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(close_session)


def engine() -> Engine:
    """The current app's engine."""
    return current_app.extensions["db_engine"]


def session() -> Session:
    """The session for this request or CLI command, opened on first use."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
    return g.db_session


def close_session(_error=None) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()
