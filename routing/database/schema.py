"""The tables of xunzhen's database (SQLAlchemy Core), at the newest schema version.

Migrations (:mod:`routing.database.migrations`) create them step by step; code reads and writes through
these ``Table`` objects. Times are UTC; frames are stored as pandas "table" JSON with ``format`` = 1.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

__all__ = [
    "ACCOUNTS",
    "AUDIT",
    "METADATA",
    "NAME_MAX",
    "SCENARIOS",
    "SCENARIO_TABLES",
    "SCHEMA_VERSIONS",
    "SESSIONS",
    "WORKSPACES",
    "WORKSPACE_TABLES",
]

METADATA = MetaData()
#: Longest workspace or scenario name (characters).
NAME_MAX = 200

SCHEMA_VERSIONS = Table(
    "xz_schema_versions",
    METADATA,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", String(200), nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)

WORKSPACES = Table(
    "xz_workspaces",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(NAME_MAX), nullable=False, unique=True),
    Column("prefecture_code", String(6), nullable=True),  # None: the whole province
    Column("county_code", String(6), nullable=True),
    Column("notes", Text, nullable=False, default=""),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("created_by", String(100), nullable=False, default=""),
)

WORKSPACE_TABLES = Table(
    "xz_workspace_tables",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "workspace_id",
        Integer,
        ForeignKey("xz_workspaces.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(40), nullable=False),
    Column("version", Integer, nullable=False),
    Column("format", Integer, nullable=False, default=1),
    Column("n_rows", Integer, nullable=False, default=0),
    Column("content", Text, nullable=False),
    Column("saved_at", DateTime(timezone=True), nullable=False),
    Column("saved_by", String(100), nullable=False, default=""),
    Column("note", Text, nullable=False, default=""),
    UniqueConstraint("workspace_id", "kind", "version", name="uq_xz_workspace_table_version"),
)

SCENARIOS = Table(
    "xz_workspace_scenarios",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "workspace_id",
        Integer,
        ForeignKey("xz_workspaces.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("name", String(NAME_MAX), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Column("notes", Text, nullable=False, default=""),
    Column("parameters", Text, nullable=False, default="{}"),  # JSON
    Column("metrics", Text, nullable=False, default="{}"),  # JSON
    Column("n_facilities", Integer, nullable=False, default=0),
    Column("estimated", Boolean, nullable=False, default=False),
    Column("saved_by", String(100), nullable=False, default=""),
    UniqueConstraint("workspace_id", "name", name="uq_xz_scenario_name"),
)

SCENARIO_TABLES = Table(
    "xz_workspace_scenario_tables",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "scenario_id",
        Integer,
        ForeignKey("xz_workspace_scenarios.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    ),
    Column("kind", String(40), nullable=False),
    Column("n_rows", Integer, nullable=False, default=0),
    Column("content", Text, nullable=False),
)

ACCOUNTS = Table(
    "xz_accounts",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(20), nullable=False),  # province | prefecture | county
    Column("scope_code", String(6), nullable=True),
    Column("password_hash", String(255), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
    Column("failed_logins", Integer, nullable=False, default=0),
    Column("locked_until", DateTime(timezone=True), nullable=True),
    Column("last_login", DateTime(timezone=True), nullable=True),
)

SESSIONS = Table(
    "xz_sessions",
    METADATA,
    Column("token_hash", String(64), primary_key=True),
    Column(
        "account_id", Integer, ForeignKey("xz_accounts.id", ondelete="CASCADE"), nullable=False, index=True
    ),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("last_seen", DateTime(timezone=True), nullable=False),
)

AUDIT = Table(
    "xz_audit",
    METADATA,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("account", String(100), nullable=False),
    Column("role", String(20), nullable=False),
    Column("workspace", String(NAME_MAX), nullable=False, default=""),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)
