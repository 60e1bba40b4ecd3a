"""Migrations build the whole schema on an empty database and match the models exactly."""

import pytest
from alembic import command
from sqlalchemy import inspect

import models
from pwa.cli import alembic_config, upgrade_database
from pwa.db import make_engine
from tests.conftest import throwaway_database


@pytest.fixture
def empty_database_url(tmp_path):
    with throwaway_database("ht_migrate", tmp_path) as url:
        yield url


def test_upgrade_head_on_empty_database_then_check_finds_no_drift(empty_database_url):
    upgrade_database(empty_database_url)
    command.check(alembic_config(empty_database_url))  # raises if models and migrations differ
    engine = make_engine(empty_database_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert {table.name for table in models.metadata.sorted_tables} <= tables


def test_downgrade_to_base_and_back(empty_database_url):
    config = alembic_config(empty_database_url)
    upgrade_database(empty_database_url)
    command.downgrade(config, "base")
    engine = make_engine(empty_database_url)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    upgrade_database(empty_database_url)
