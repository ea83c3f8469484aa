"""Page tests see a page's bug as an exception (``XUNZHEN_DEBUG=1``), not as the "internal error" line the
app shows planners."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _debug_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XUNZHEN_DEBUG", "1")
