"""xunzhen's database: where it is, its tables, their versioned migrations, and how frames are stored.

Shared by the workspaces (:mod:`routing.workspace`), saved scenarios (:mod:`routing.scenarios`) and accounts
(:mod:`routing.accounts`); nothing here knows about any of them. ``connect()`` opens (and migrates) the
SQLite file in the data directory, or ``$XUNZHEN_DATABASE_URL`` (PostgreSQL for a shared deployment).
"""

from routing.database.engine import Database, connect, default_database_url, mask_url
from routing.database.frames import FRAME_FORMAT, frame_from_json, frame_to_json, jsonable, with_geometry
from routing.database.messages import bilingual, message
from routing.database.migrations import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version

__all__ = [
    "FRAME_FORMAT",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Database",
    "bilingual",
    "connect",
    "default_database_url",
    "frame_from_json",
    "frame_to_json",
    "jsonable",
    "mask_url",
    "message",
    "migrate",
    "schema_version",
    "with_geometry",
]
