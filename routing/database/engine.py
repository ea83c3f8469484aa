"""Where the database is and how to open it: one :class:`Database` per URL per process, migrated on open.

SQLite file ``xunzhen.sqlite`` in the data directory by default (a file ``scenarios.sqlite`` of the first
release is renamed to it and migrated); ``$XUNZHEN_DATABASE_URL`` (e.g.
``postgresql+psycopg2://user:password@host/xunzhen``) for a shared deployment. SQLite runs in WAL mode with a
busy timeout, so the sessions of one server read while another writes.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.exc import SQLAlchemyError

from geo._errors import DataFileError
from geo.settings import DATABASE_URL_ENV, data_dir
from routing.database.messages import bilingual
from routing.database.migrations import migrate

__all__ = ["Database", "connect", "default_database_url", "mask_url"]

_LOCK = threading.Lock()
_OPEN: dict[str, Database] = {}
_FILE = "xunzhen.sqlite"
_LEGACY_FILE = "scenarios.sqlite"


def default_database_url() -> str:
    """``$XUNZHEN_DATABASE_URL``, else ``sqlite:///<data dir>/xunzhen.sqlite``."""
    url = os.environ.get(DATABASE_URL_ENV)
    if url:
        return url
    folder = data_dir()
    path, legacy = folder / _FILE, folder / _LEGACY_FILE
    if legacy.is_file() and not path.exists():
        legacy.rename(path)  # the first release's scenario file: migrated on open
    return f"sqlite:///{path}"


def mask_url(url: str) -> str:
    """The URL with any password masked."""
    return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", url)


@dataclass(frozen=True, eq=False)
class Database:
    """An open, migrated database: its URL (password masked in ``safe_url``) and SQLAlchemy engine."""

    url: str
    engine: Engine

    @property
    def safe_url(self) -> str:
        """The URL with any password masked (for messages and the UI)."""
        return mask_url(self.url)

    @property
    def is_shared(self) -> bool:
        """True for a server database (PostgreSQL …), False for a local SQLite file."""
        return self.engine.dialect.name != "sqlite"

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction (committed at the end of the block, rolled back on an error)."""
        with self.engine.begin() as conn:
            yield conn

    def close(self) -> None:
        """Release the connections (a later :func:`connect` opens it again)."""
        with _LOCK:
            _OPEN.pop(self.url, None)
        self.engine.dispose()


def _sqlite_setup(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=15000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def connect(url: str | None = None) -> Database:
    """The database at ``url`` (default :func:`default_database_url`), opened once per process and migrated.

    Raises
    ------
    DataFileError
        The database cannot be opened or migrated (the message names the URL, password masked).
    """
    url = url or default_database_url()
    with _LOCK:
        if url in _OPEN:
            return _OPEN[url]
        try:
            if url.startswith("sqlite:///"):
                Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, future=True, pool_pre_ping=True)
            if engine.dialect.name == "sqlite":
                event.listen(engine, "connect", _sqlite_setup)
            migrate(engine)
        except (SQLAlchemyError, OSError, ImportError, RuntimeError) as exc:
            raise bilingual(
                DataFileError,
                zh=f"无法打开数据库 {mask_url(url)}：{type(exc).__name__}: {exc}",
                en=f"Cannot open the database {mask_url(url)!r}: {type(exc).__name__}: {exc}",
            ) from exc
        db = Database(url, engine)
        _OPEN[url] = db
        return db
