"""Errors in both languages: the message is English (logs, ``str(err)``), ``err.zh`` the Chinese one.

The app shows ``err.zh`` to a planner working in Chinese (``pages.ui.show_error``), the command line prints
both. Use it for every problem a planner can cause in the database-backed parts (workspace, scenarios,
accounts)::

    raise bilingual(InputValidationError, zh=f"工作区“{name}”已存在。", en=f"Workspace {name!r} exists.")
"""

from __future__ import annotations

from typing import TypeVar

from geo._errors import XunzhenError

E = TypeVar("E", bound=XunzhenError)

__all__ = ["bilingual", "message"]


def bilingual(cls: type[E], *, zh: str, en: str) -> E:
    """An error of class ``cls`` whose ``str()`` is ``en`` and whose ``zh`` attribute is the Chinese text."""
    err = cls(en)
    err.zh = zh  # type: ignore[attr-defined]
    return err


def message(err: BaseException, lang: str) -> str:
    """The message of ``err`` in ``lang`` ("zh" uses ``err.zh`` when the error carries one)."""
    zh = getattr(err, "zh", None)
    return str(zh) if lang == "zh" and zh else str(err)
