"""Where xunzhen keeps its files, read from the environment at call time (never at import).

Settings
--------
``XUNZHEN_CACHE_DIR``
    Cache directory (road network, travel-time matrices, compiled kernels); default: platformdirs' user cache
    dir for ``xunzhen``. Everything in it can be deleted and is rebuilt on demand.
``XUNZHEN_DATA_DIR``
    Data directory (the scenario/workspace database, the error log); default: platformdirs' user data dir.
``XUNZHEN_DATABASE_URL``
    Database URL of the scenario store (default: SQLite file in the data directory), e.g.
    ``postgresql+psycopg2://user:password@host/xunzhen`` for a shared deployment.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

__all__ = [
    "CACHE_ENV",
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "cache_root",
    "data_dir",
    "error_log_path",
]

CACHE_ENV = "XUNZHEN_CACHE_DIR"
DATA_DIR_ENV = "XUNZHEN_DATA_DIR"
DATABASE_URL_ENV = "XUNZHEN_DATABASE_URL"


def cache_root() -> Path:
    """xunzhen's cache directory: ``$XUNZHEN_CACHE_DIR`` if set, else platformdirs' user cache dir."""
    env = os.environ.get(CACHE_ENV)
    if env:
        return Path(env)
    return Path(platformdirs.user_cache_dir("xunzhen", appauthor=False))


def data_dir() -> Path:
    """xunzhen's own files: ``$XUNZHEN_DATA_DIR``, else the user data dir; created if missing."""
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else Path(platformdirs.user_data_dir("xunzhen", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def error_log_path() -> Path:
    """Where unexpected errors are logged with their traceback: ``<data dir>/xunzhen-errors.log``."""
    return data_dir() / "xunzhen-errors.log"
