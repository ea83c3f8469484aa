"""Saved scenarios: snapshots of a workspace (its facility table) with parameters and results, compared B − A.

Rooms: ``model`` (the :class:`Scenario`, headline figures), ``compare`` (what changed in substance),
``store`` (in the database, inside a workspace; by id or by name, never guessed), ``__main__``
(``python -m routing.scenarios``). The database is :mod:`routing.database` (SQLite in the data directory by
default, ``$XUNZHEN_DATABASE_URL`` for PostgreSQL).
"""

from geo.settings import DATA_DIR_ENV, DATABASE_URL_ENV, data_dir
from routing.database import default_database_url
from routing.scenarios.compare import CHANGE_LABELS, ScenarioComparison, compare_scenarios
from routing.scenarios.model import RESULT_KINDS, Scenario, covered_population, drive_km, snapshot
from routing.scenarios.store import DEFAULT_WORKSPACE, ScenarioStore

__all__ = [
    "CHANGE_LABELS",
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "DEFAULT_WORKSPACE",
    "RESULT_KINDS",
    "Scenario",
    "ScenarioComparison",
    "ScenarioStore",
    "compare_scenarios",
    "covered_population",
    "data_dir",
    "default_database_url",
    "drive_km",
    "snapshot",
]
