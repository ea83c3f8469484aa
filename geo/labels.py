"""The one shape of bilingual labels: ``{key: {"zh": "中文", "en": "English"}}``.

Every table of user-facing words that the library (not the app's string table) owns — facility types, left-out
reasons, map legends, column headers of exports — uses this shape and is read through :func:`text`, so a
missing language falls back to Chinese and a missing key to the key itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypedDict

__all__ = ["LANGS", "Bilingual", "Labels", "text"]

#: Languages of the user interface, Chinese first.
LANGS = ("zh", "en")


class Bilingual(TypedDict):
    """One label in both languages."""

    zh: str
    en: str


#: A table of labels: key → :class:`Bilingual`.
Labels = Mapping[str, Bilingual]


def text(labels: Labels, key: str, lang: str = "zh") -> str:
    """The label of ``key`` in ``lang`` ("zh" | "en"): Chinese for an unknown ``lang``, ``key`` if missing."""
    label = labels.get(key)
    if label is None:
        return key
    return label["en"] if lang == "en" else label["zh"]
