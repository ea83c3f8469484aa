"""Page tests see a page's bug as an exception (``XUNZHEN_DEBUG=1``), not as the "internal error" line the
app shows planners; and each test gets its own data directory, so the workspace database it writes is never
the user's (nor another test's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from geo import network as gn


@pytest.fixture(autouse=True)
def _debug_errors(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XUNZHEN_DEBUG", "1")
    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path / "xunzhen-data"))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    monkeypatch.delenv("XUNZHEN_AUTH", raising=False)


@pytest.fixture
def estimated_network(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache dir, so the active network is the estimated one (page tests that plan)."""
    monkeypatch.setenv(gn.CACHE_ENV, str(tmp_path / "cache"))
    gn._ACTIVE.clear()
    return tmp_path
