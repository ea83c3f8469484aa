"""The ``--workspace NAME`` option every analysis command line takes, and what it gives the analysis.

In an analysis' ``__main__.py``::

    from routing.workspace.cli import add_workspace_option, workspace_facilities
    add_workspace_option(parser)                       # --workspace NAME
    facilities = workspace_facilities(args)            # the workspace's working table, or None (embedded)

:func:`workspace_table` gives any other input table of the workspace (``capacities``, ``holidays`` …).
Without ``--workspace`` the analyses plan on the embedded data, as before.
"""

from __future__ import annotations

import argparse

import geopandas as gpd
import pandas as pd

from routing.database import connect
from routing.workspace.store import WorkspaceStore

__all__ = ["add_workspace_option", "workspace_facilities", "workspace_table"]


def add_workspace_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--workspace NAME`` (and ``--db URL``) to an analysis' parser."""
    parser.add_argument(
        "--workspace",
        metavar="NAME",
        default=None,
        help="工作区：按其机构表和输入计算（routing.workspace list 列出）/ plan on this workspace's "
        "facility table and inputs (default: the embedded data)",
    )
    if not any("--db" in a.option_strings for a in parser._actions):
        parser.add_argument(
            "--db",
            metavar="URL",
            default=None,
            help="数据库 URL（默认本机 SQLite）/ database URL (default: the local SQLite file)",
        )


def _store(args: argparse.Namespace) -> WorkspaceStore | None:
    name = getattr(args, "workspace", None)
    if not name:
        return None
    return WorkspaceStore(connect(getattr(args, "db", None)))


def workspace_facilities(args: argparse.Namespace) -> gpd.GeoDataFrame | None:
    """The working facility table of ``--workspace`` (None without the option: use the embedded data).

    Raises
    ------
    AccessDeniedError
        No such workspace.
    """
    store = _store(args)
    return None if store is None else store.facilities(args.workspace)


def workspace_table(args: argparse.Namespace, kind: str) -> pd.DataFrame | None:
    """The newest ``kind`` table of ``--workspace`` (None without the option or when never saved)."""
    store = _store(args)
    return None if store is None else store.load_table(args.workspace, kind)
