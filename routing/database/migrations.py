"""Versioned schema migrations: the database records which steps it has had (``xz_schema_versions``) and
:func:`migrate` applies the missing ones in order, each in its own transaction.

A step is a function ``(connection) -> None`` appended to :data:`MIGRATIONS` with the next number; steps are
never edited once released (a later step changes what an earlier one made). Two servers starting at once on
PostgreSQL serialise on an advisory lock; on SQLite the first writer holds the database lock.

1. the saved-scenario tables of the first release (``xz_scenarios``, ``xz_scenario_tables``), as they were;
2. workspaces with versioned input tables, scenarios inside workspaces (the first release's scenarios move
   to a workspace named 默认), accounts, login sessions and the audit log.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Engine,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    inspect,
    select,
    text,
)

from routing.database import schema

__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "Migration", "migrate", "schema_version"]

_log = logging.getLogger(__name__)
_LOCK_ID = 7_316_001  # PostgreSQL advisory lock of xunzhen's migrations

# --- the first release's tables, frozen as they were --------------------------------------------------
_V1 = MetaData()
_V1_SCENARIOS = Table(
    "xz_scenarios",
    _V1,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), unique=True, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("notes", Text),
    Column("parameters", JSON),
    Column("metrics", JSON),
    Column("n_facilities", Integer),
    Column("estimated", Boolean),
)
_V1_TABLES = Table(
    "xz_scenario_tables",
    _V1,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "scenario_id", Integer, ForeignKey("xz_scenarios.id", ondelete="CASCADE"), index=True, nullable=False
    ),
    Column("kind", String(40), nullable=False),
    Column("n_rows", Integer),
    Column("content", Text, nullable=False),
)


@dataclass(frozen=True)
class Migration:
    """One schema step: its number, what it does, and the function that does it."""

    version: int
    description: str
    apply: Callable[[Connection], None]


def _v1_scenarios(conn: Connection) -> None:
    _V1.create_all(conn, checkfirst=True)


def _v2_workspaces(conn: Connection) -> None:
    import json

    tables = [t for t in schema.METADATA.sorted_tables if t is not schema.SCHEMA_VERSIONS]
    schema.METADATA.create_all(conn, tables=tables, checkfirst=True)
    legacy = conn.execute(select(_V1_SCENARIOS).order_by(_V1_SCENARIOS.c.id)).mappings().all()
    if legacy:
        now = dt.datetime.now(dt.UTC)
        ws_id = conn.execute(
            insert(schema.WORKSPACES)
            .values(
                name="默认",
                prefecture_code=None,
                county_code=None,
                notes="scenarios saved before workspaces",
                created_at=now,
                updated_at=now,
                created_by="migration 2",
            )
            .returning(schema.WORKSPACES.c.id)
        ).scalar_one()
        for row in legacy:
            new_id = conn.execute(
                insert(schema.SCENARIOS)
                .values(
                    workspace_id=ws_id,
                    name=row["name"],
                    created_at=row["created_at"],
                    updated_at=row["updated_at"],
                    notes=row["notes"] or "",
                    parameters=json.dumps(row["parameters"] or {}, ensure_ascii=False),
                    metrics=json.dumps(row["metrics"] or {}, ensure_ascii=False),
                    n_facilities=row["n_facilities"] or 0,
                    estimated=bool(row["estimated"]),
                    saved_by="",
                )
                .returning(schema.SCENARIOS.c.id)
            ).scalar_one()
            parts = conn.execute(select(_V1_TABLES).where(_V1_TABLES.c.scenario_id == row["id"])).mappings()
            for part in parts:
                conn.execute(
                    insert(schema.SCENARIO_TABLES).values(
                        scenario_id=new_id,
                        kind=part["kind"],
                        n_rows=part["n_rows"] or 0,
                        content=part["content"],
                    )
                )
    _V1.drop_all(conn, checkfirst=True)


#: Every schema step, in order.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "saved scenarios (first release)", _v1_scenarios),
    Migration(2, "workspaces, versioned input tables, accounts, sessions, audit log", _v2_workspaces),
)
#: The schema version this code reads and writes.
SCHEMA_VERSION = MIGRATIONS[-1].version


def schema_version(engine: Engine) -> int:
    """The newest migration applied to the database (0 for an empty one)."""
    if not inspect(engine).has_table(schema.SCHEMA_VERSIONS.name):
        return 0
    with engine.connect() as conn:
        value = conn.execute(
            select(schema.SCHEMA_VERSIONS.c.version)
            .order_by(schema.SCHEMA_VERSIONS.c.version.desc())
            .limit(1)
        ).scalar()
    return int(value or 0)


def migrate(engine: Engine) -> list[int]:
    """Apply the missing migrations in order; return the versions applied (empty when up to date).

    Raises
    ------
    RuntimeError
        The database was written by a newer xunzhen (its version is above :data:`SCHEMA_VERSION`).
    """
    schema.METADATA.create_all(engine, tables=[schema.SCHEMA_VERSIONS], checkfirst=True)
    applied: list[int] = []
    for step in MIGRATIONS:
        with engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_ID})
            else:  # SQLite: a write first takes the database's write lock for the whole step
                conn.execute(text("DELETE FROM xz_schema_versions WHERE 1 = 0"))
            done = set(conn.execute(select(schema.SCHEMA_VERSIONS.c.version)).scalars())
            if done and max(done) > SCHEMA_VERSION:
                msg = f"database schema version {max(done)} is newer than this program's ({SCHEMA_VERSION})"
                raise RuntimeError(msg)
            if step.version in done:
                continue
            _log.info("database migration %d: %s", step.version, step.description)
            step.apply(conn)
            conn.execute(
                insert(schema.SCHEMA_VERSIONS).values(
                    version=step.version, description=step.description, applied_at=dt.datetime.now(dt.UTC)
                )
            )
            applied.append(step.version)
    return applied
