"""CJK fonts for matplotlib (static maps, printable PDFs): found on the system by file, registered by path."""

from __future__ import annotations

import functools
import logging
from pathlib import Path

__all__ = ["cjk_font_available", "cjk_font_family", "register_cjk_fonts"]

logger = logging.getLogger(__name__)

#: Font families tried in this order (Noto Sans CJK SC from the Debian package fonts-noto-cjk first).
_CJK_PREFERENCE = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
)

#: File-name patterns of CJK fonts looked for on the system (Noto CJK from fonts-noto-cjk first).
_CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy", "msyh", "simhei", "pingfang")


@functools.lru_cache(maxsize=1)
def register_cjk_fonts() -> tuple[str, ...]:
    """Register the system's CJK font files with matplotlib directly; return their paths.

    Matplotlib's font cache is built once per user and does not see fonts installed later (the static maps
    then print boxes for every Chinese character), so the files are found afresh and added by path.
    """
    from matplotlib import font_manager

    paths = tuple(
        sorted(
            p
            for p in font_manager.findSystemFonts(fontext="ttf")  # .ttf, .otf and .ttc files
            if any(hint in Path(p).name.lower() for hint in _CJK_FILE_HINTS)
        )
    )
    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError) as err:  # a broken font file: skip it, say so
            logger.warning("Cannot register the font file %s: %s", path, err)
    return paths


def cjk_font_available() -> bool:
    """True when a CJK font is available for static maps and PDFs (else Chinese text shows as boxes)."""
    return cjk_font_family()[0] != "DejaVu Sans"


def cjk_font_family() -> list[str]:
    """Font families for matplotlib with a CJK font first (Noto Sans CJK SC when installed)."""
    from matplotlib import font_manager

    register_cjk_fonts()
    available = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_PREFERENCE:
        if name in available:
            return [name, "DejaVu Sans"]
    cjk = sorted(n for n in available if "CJK" in n or "Hei" in n or "Han" in n)
    if cjk:
        return [cjk[0], "DejaVu Sans"]
    logger.warning(
        "No CJK font found for static maps; Chinese text may show as boxes. "
        "Install the Debian package fonts-noto-cjk."
    )
    return ["DejaVu Sans"]
