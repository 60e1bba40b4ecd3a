"""Alembic environment: the database URL comes from the app's configuration, never this repo."""

import os
from logging.config import fileConfig
from pathlib import Path

from alembic import context

import models
from pwa.config import default_database_url
from pwa.db import make_engine

config = context.config
if config.config_file_name is not None and not config.attributes.get("database_url"):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def database_url() -> str:
    """The URL given by our CLI, else the app's configured one (DATABASE_URL or SQLite default)."""
    if config.attributes.get("database_url"):
        return config.attributes["database_url"]
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    return default_database_url(str(Path(__file__).resolve().parent.parent / "instance"))


def run_migrations() -> None:
    engine = make_engine(database_url())
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            # Batch mode rebuilds tables by copy and drop; with foreign keys on, dropping a table
            # that other rows point at fails. Keys are checked again by the app's connections.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        context.configure(
            connection=connection,
            target_metadata=models.metadata,
            render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds tables
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
