"""Each test gets its own data directory (its own SQLite database)."""

from __future__ import annotations

from pathlib import Path

import pytest

from routing.database import Database, connect


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    database = connect()
    yield database
    database.close()
