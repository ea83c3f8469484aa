"""Static maps and PDFs find the installed CJK font by its file, whatever matplotlib's font cache says."""

from __future__ import annotations

import pytest
from matplotlib import font_manager

from routing import exports


def test_cjk_font_is_registered_by_file_even_with_a_stale_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    paths = exports.register_cjk_fonts()
    if not paths:
        pytest.skip("no CJK font installed (Debian: apt-get install fonts-noto-cjk)")
    # a font cache built before the font was installed: no CJK family in it
    stale = [f for f in font_manager.fontManager.ttflist if "CJK" not in f.name]
    monkeypatch.setattr(font_manager.fontManager, "ttflist", stale)
    exports.register_cjk_fonts.cache_clear()
    family = exports.cjk_font_family()
    assert "CJK" in family[0] and exports.cjk_font_available()
