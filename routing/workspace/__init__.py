"""The planner's workspace: every input kept in the database, as named, versioned tables.

Rooms: ``store`` (workspaces and their versioned tables, scope-checked and audited), ``edits`` (changes to
the working facility table), ``placeholders`` (an uploaded real hospital replaces the embedded placeholder),
``inputs`` (the input kinds and how a file becomes one; imported on its own, it reads the analyses' file
formats), ``cli`` (the ``--workspace`` option of every
analysis), ``__main__`` (``python -m routing.workspace``).

For library code and command lines, the module-level :func:`save_table` / :func:`load_table` work on the
local database (``$XUNZHEN_DATABASE_URL`` or the SQLite file) as the laptop's planner; the app goes through
``pages.ui`` so the signed-in account's scope and name reach the audit log.
"""

from __future__ import annotations

import pandas as pd

from routing.database import connect
from routing.workspace.placeholders import PLACEHOLDER_RADIUS_KM, apply_replacements, find_placeholders
from routing.workspace.store import FACILITIES, WorkspaceInfo, WorkspaceStore, normalise_facilities

__all__ = [
    "FACILITIES",
    "PLACEHOLDER_RADIUS_KM",
    "WorkspaceInfo",
    "WorkspaceStore",
    "apply_replacements",
    "find_placeholders",
    "load_table",
    "normalise_facilities",
    "save_table",
]


def save_table(name: str, kind: str, frame: pd.DataFrame, *, note: str = "", url: str | None = None) -> int:
    """Save ``frame`` as the newest version of table ``kind`` in workspace ``name``; return the version."""
    return WorkspaceStore(connect(url)).save_table(name, kind, frame, note=note)


def load_table(
    name: str, kind: str, *, version: int | None = None, url: str | None = None
) -> pd.DataFrame | None:
    """The newest (or ``version``) table ``kind`` of workspace ``name``; None when never saved."""
    return WorkspaceStore(connect(url)).load_table(name, kind, version=version)
