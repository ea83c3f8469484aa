"""A private PostgreSQL schema per test, so parallel test runs (and developers) never share tables.

``$XUNZHEN_TEST_POSTGRES_URL`` (default ``postgresql+psycopg2://xunzhen:xunzhen@localhost:5432/xunzhen_test``,
the server ``.ci/run`` starts) names the database; each test gets a new schema ``xzt_<random>`` through the
connection's ``search_path`` and drops it afterwards. Skipped, with the reason, when no server answers.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

PG_URL = os.environ.get(
    "XUNZHEN_TEST_POSTGRES_URL", "postgresql+psycopg2://xunzhen:xunzhen@localhost:5432/xunzhen_test"
)


@contextmanager
def postgres_schema_url() -> Iterator[str]:
    """A database URL whose tables live in a fresh schema (dropped at the end)."""
    try:
        import psycopg2  # noqa: F401
        from sqlalchemy import create_engine, text
        from sqlalchemy.exc import OperationalError
    except ImportError:
        pytest.skip("psycopg2 is not installed (pip install psycopg2-binary)")
    schema = f"xzt_{secrets.token_hex(6)}"
    admin = create_engine(PG_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL server at {PG_URL.split('@')[-1]} ({str(exc).splitlines()[0][:120]})")
    try:
        yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    finally:
        from routing.database import engine as db_engine

        for url in [u for u in db_engine._OPEN if schema in u]:
            db_engine._OPEN[url].close()
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
