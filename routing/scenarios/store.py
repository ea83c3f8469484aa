"""Saved scenarios in the database, inside a workspace: save, list, open, rename, delete, compare.

A scenario is found by its id (an ``int``) or by its name (a ``str``) — never by guessing: the name "1" is
the scenario named "1", id 1 is ``1``. The store acts for one account (default: the laptop's planner); a
workspace outside its scope is the same as a missing one.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from geo._errors import DataFileError, InputValidationError
from routing.accounts.audit import record
from routing.accounts.roles import LOCAL, Account
from routing.database import (
    Database,
    bilingual,
    connect,
    frame_from_json,
    frame_to_json,
    jsonable,
    with_geometry,
)
from routing.database.schema import SCENARIO_TABLES, SCENARIOS
from routing.scenarios.compare import ScenarioComparison, compare_scenarios
from routing.scenarios.model import RESULT_KINDS, Scenario
from routing.workspace.store import KIND_RE, WorkspaceInfo, WorkspaceStore, check_name

__all__ = ["DEFAULT_WORKSPACE", "ScenarioStore"]

#: The workspace of a laptop planner who never chose one (and of the first release's scenarios).
DEFAULT_WORKSPACE = "默认"
_COLUMNS = [
    "id",
    "name",
    "created_at",
    "updated_at",
    "n_facilities",
    "covered_population",
    "drive_km",
    "estimated",
    "notes",
]


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class ScenarioStore:
    """The saved scenarios of one workspace.

    Parameters
    ----------
    url
        Database URL (default: the local database, or ``$XUNZHEN_DATABASE_URL``); or pass ``db``.
    workspace
        Workspace name (default :data:`DEFAULT_WORKSPACE`, created when missing).
    actor
        Who works (scope and audit); default the laptop's planner.

    Raises
    ------
    DataFileError
        The database cannot be opened (the message names the URL without its password).
    AccessDeniedError
        No such workspace, or it is outside ``actor``'s scope.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        db: Database | None = None,
        workspace: str | None = None,
        actor: Account = LOCAL,
    ) -> None:
        self.db = db or connect(url)
        self.actor = actor
        self.workspaces = WorkspaceStore(self.db, actor)
        name = workspace or DEFAULT_WORKSPACE
        self.workspace: WorkspaceInfo = (
            self.workspaces.ensure(name) if workspace is None else self.workspaces.info(name)
        )

    @property
    def url(self) -> str:
        """The database URL."""
        return self.db.url

    @property
    def safe_url(self) -> str:
        """The URL with any password masked."""
        return self.db.safe_url

    @property
    def engine(self):
        """The SQLAlchemy engine."""
        return self.db.engine

    def close(self) -> None:
        """Release the database connections."""
        self.db.close()

    # -------------------------------------------------------------------------------------------- helpers
    def _row_id(self, key: int | str) -> int:
        """Id of the scenario ``key``: an ``int`` is an id, a ``str`` a name (never guessed)."""
        column = SCENARIOS.c.id if isinstance(key, int) else SCENARIOS.c.name
        with self.db.engine.connect() as conn:
            found = conn.execute(
                select(SCENARIOS.c.id).where(SCENARIOS.c.workspace_id == self.workspace.id, column == key)
            ).scalar()
        if found is None:
            what = f"id {key}" if isinstance(key, int) else repr(key)
            what_zh = f"编号 {key}" if isinstance(key, int) else f"“{key}”"
            raise bilingual(
                InputValidationError,
                zh=f"工作区“{self.workspace.name}”中没有方案 {what_zh}。",
                en=f"No saved scenario {what} in workspace {self.workspace.name!r}.",
            )
        return int(found)

    # -------------------------------------------------------------------------------------------- API
    def save(self, scenario: Scenario, *, overwrite: bool = False) -> int:
        """Save a scenario in the workspace; return its id.

        Raises
        ------
        InputValidationError
            Empty/too long name, a name already used (and not ``overwrite``), a non-JSON parameter, or a
            result kind that is not a lower-case identifier.
        DataFileError
            The database refuses the write.
        """
        name = check_name(scenario.name)
        for kind in scenario.results:
            if not KIND_RE.match(kind) or kind == "facilities":
                raise bilingual(
                    InputValidationError,
                    zh=f"结果类别“{kind}”无效：请用小写英文名，如 {RESULT_KINDS}。",
                    en=f"Result kind {kind!r}: use a lower-case name such as {list(RESULT_KINDS)}.",
                )
        parameters = json.dumps(jsonable(scenario.parameters), ensure_ascii=False)
        metrics_dict = jsonable({**scenario.metrics, "estimated": scenario.estimated})
        tables = [(k, f) for k, f in scenario.results.items() if f is not None]
        if scenario.facilities is not None:
            tables.insert(0, ("facilities", scenario.facilities))
        now = dt.datetime.now(dt.UTC)
        values = dict(
            updated_at=now,
            notes=scenario.notes,
            parameters=parameters,
            metrics=json.dumps(metrics_dict, ensure_ascii=False),
            estimated=bool(metrics_dict["estimated"]),
            n_facilities=0 if scenario.facilities is None else len(scenario.facilities),
            saved_by=self.actor.name,
        )
        try:
            with self.db.begin() as conn:
                sid = conn.execute(
                    select(SCENARIOS.c.id).where(
                        SCENARIOS.c.workspace_id == self.workspace.id, SCENARIOS.c.name == name
                    )
                ).scalar()
                if sid is not None and not overwrite:
                    raise bilingual(
                        InputValidationError,
                        zh=f"已有名为“{name}”的方案：请换一个名称，或勾选覆盖。",
                        en=f"A scenario named {name!r} already exists; choose another name or overwrite it.",
                    )
                if sid is None:
                    sid = conn.execute(
                        insert(SCENARIOS)
                        .values(workspace_id=self.workspace.id, name=name, created_at=now, **values)
                        .returning(SCENARIOS.c.id)
                    ).scalar_one()
                else:
                    conn.execute(update(SCENARIOS).where(SCENARIOS.c.id == sid).values(**values))
                    conn.execute(delete(SCENARIO_TABLES).where(SCENARIO_TABLES.c.scenario_id == sid))
                for kind, frame in tables:
                    conn.execute(
                        insert(SCENARIO_TABLES).values(
                            scenario_id=sid, kind=kind, n_rows=len(frame), content=frame_to_json(frame)
                        )
                    )
        except (IntegrityError, OperationalError) as exc:
            raise bilingual(
                DataFileError,
                zh=f"数据库 {self.safe_url} 拒绝保存方案“{name}”：{exc.orig}",
                en=f"The database {self.safe_url!r} refused to save {name!r}: {exc.orig}",
            ) from exc
        record(
            self.db,
            self.actor,
            "scenario saved",
            workspace=self.workspace.name,
            detail={"scenario": name, "id": int(sid), "results": sorted(scenario.results)},
        )
        return int(sid)

    def list(self) -> pd.DataFrame:
        """Saved scenarios, newest first: ``id``, ``name``, ``created_at``, ``updated_at`` (UTC),
        ``n_facilities``, ``covered_population`` (persons), ``drive_km`` (km), ``estimated``, ``notes``."""
        with self.db.engine.connect() as conn:
            rows = (
                conn.execute(
                    select(SCENARIOS)
                    .where(SCENARIOS.c.workspace_id == self.workspace.id)
                    .order_by(SCENARIOS.c.updated_at.desc(), SCENARIOS.c.id.desc())
                )
                .mappings()
                .all()
            )
        records = []
        for r in rows:
            metrics = json.loads(r["metrics"] or "{}")
            records.append(
                {
                    "id": r["id"],
                    "name": r["name"],
                    "created_at": _utc(r["created_at"]),
                    "updated_at": _utc(r["updated_at"]),
                    "n_facilities": r["n_facilities"],
                    "covered_population": metrics.get("covered_population"),
                    "drive_km": metrics.get("drive_km"),
                    "estimated": bool(r["estimated"]),
                    "notes": r["notes"],
                }
            )
        return pd.DataFrame(records, columns=_COLUMNS)

    def open(self, key: int | str) -> Scenario:
        """Load a scenario by id (``int``) or name (``str``); facilities come back as a GeoDataFrame.

        Raises
        ------
        InputValidationError
            No such scenario in the workspace.
        """
        sid = self._row_id(key)
        with self.db.engine.connect() as conn:
            row = conn.execute(select(SCENARIOS).where(SCENARIOS.c.id == sid)).mappings().one()
            parts = conn.execute(
                select(SCENARIO_TABLES.c.kind, SCENARIO_TABLES.c.content)
                .where(SCENARIO_TABLES.c.scenario_id == sid)
                .order_by(SCENARIO_TABLES.c.id)
            ).all()
        facilities = None
        results: dict[str, pd.DataFrame] = {}
        for kind, content in parts:
            frame = frame_from_json(content)
            if kind == "facilities":
                facilities = with_geometry(frame)
            else:
                results[kind] = frame
        return Scenario(
            name=row["name"],
            facilities=facilities,
            parameters=json.loads(row["parameters"] or "{}"),
            results=results,
            metrics=json.loads(row["metrics"] or "{}"),
            notes=row["notes"] or "",
            id=row["id"],
            created_at=_utc(row["created_at"]),
            updated_at=_utc(row["updated_at"]),
            workspace=self.workspace.name,
        )

    def rename(self, key: int | str, new_name: str) -> None:
        """Rename a scenario (raises :class:`InputValidationError` when missing or the name is taken)."""
        name = check_name(new_name)
        sid = self._row_id(key)
        with self.db.begin() as conn:
            other = conn.execute(
                select(SCENARIOS.c.id).where(
                    SCENARIOS.c.workspace_id == self.workspace.id, SCENARIOS.c.name == name
                )
            ).scalar()
            if other is not None and other != sid:
                raise bilingual(
                    InputValidationError,
                    zh=f"已有名为“{name}”的方案。",
                    en=f"A scenario named {name!r} already exists.",
                )
            conn.execute(
                update(SCENARIOS)
                .where(SCENARIOS.c.id == sid)
                .values(name=name, updated_at=dt.datetime.now(dt.UTC))
            )
        record(
            self.db,
            self.actor,
            "scenario renamed",
            workspace=self.workspace.name,
            detail={"id": sid, "name": name},
        )

    def delete(self, key: int | str) -> str:
        """Delete a scenario and its tables; return its name."""
        sid = self._row_id(key)
        with self.db.begin() as conn:
            name = conn.execute(select(SCENARIOS.c.name).where(SCENARIOS.c.id == sid)).scalar_one()
            conn.execute(delete(SCENARIO_TABLES).where(SCENARIO_TABLES.c.scenario_id == sid))
            conn.execute(delete(SCENARIOS).where(SCENARIOS.c.id == sid))
        record(
            self.db,
            self.actor,
            "scenario deleted",
            workspace=self.workspace.name,
            detail={"id": sid, "name": name},
        )
        return str(name)

    def compare(self, a: int | str, b: int | str) -> ScenarioComparison:
        """Compare two saved scenarios (B − A); see :class:`ScenarioComparison`."""
        return compare_scenarios(self.open(a), self.open(b))
