"""Workspaces: a planner's named set of inputs, kept in the database, every save a new version.

A workspace belongs to the province, a prefecture or a county (its scope decides who may open it, see
:mod:`routing.accounts.roles`) and holds *input tables by kind* — ``facilities`` (the working facility table),
``capacities``, ``doctors``, ``holidays``, ``market_days``, ``overnight_places``, ``specialty_needs`` or any
other lower-case name. Each :meth:`WorkspaceStore.save_table` adds a version (older ones stay readable:
:meth:`~WorkspaceStore.history`, ``load_table(..., version=N)``) and writes an audit line: who saved what.

::

    store = WorkspaceStore()                       # the local database, as the laptop's planner
    store.create("龙岩 2027", prefecture="龙岩市")
    store.save_table("龙岩 2027", "holidays", frame)
    store.load_table("龙岩 2027", "holidays")        # the newest version (None when never saved)
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from sqlalchemy import delete, func, insert, select, update

from geo._errors import AccessDeniedError, InputValidationError
from geo.facilities import load_facilities
from routing.accounts.audit import record
from routing.accounts.roles import LOCAL, Account, no_such_workspace, scope_name
from routing.database import FRAME_FORMAT, Database, bilingual, connect, frame_from_json, frame_to_json
from routing.database.schema import NAME_MAX, WORKSPACE_TABLES, WORKSPACES

__all__ = ["FACILITIES", "KIND_RE", "WorkspaceInfo", "WorkspaceStore", "check_kind", "check_name"]

#: The kind of the working facility table.
FACILITIES = "facilities"
#: Table kinds: lower-case identifiers (``facilities``, ``doctors``, ``market_days`` …).
KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def check_name(name: str) -> str:
    """A workspace (or scenario) name, stripped; it must be 1–200 printable characters.

    Raises
    ------
    InputValidationError
        Empty, too long, or holding control characters.
    """
    clean = str(name).strip()
    if not clean:
        raise bilingual(
            InputValidationError, zh="名称不能为空。", en="Each workspace and scenario needs a name."
        )
    if len(clean) > NAME_MAX:
        raise bilingual(
            InputValidationError,
            zh=f"名称有 {len(clean)} 个字符，最多 {NAME_MAX} 个。",
            en=f"The name is {len(clean)} characters long; at most {NAME_MAX}.",
        )
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in clean):
        raise bilingual(
            InputValidationError, zh="名称中不能有控制字符。", en="A name cannot hold control characters."
        )
    return clean


def check_kind(kind: str) -> str:
    """A table kind: a lower-case identifier (raises :class:`InputValidationError` otherwise)."""
    if not KIND_RE.match(str(kind)):
        raise bilingual(
            InputValidationError,
            zh=f"表的类别“{kind}”无效：请用小写英文名，如 doctors。",
            en=f"Table kind {kind!r}: use a lower-case name such as 'doctors'.",
        )
    return str(kind)


@dataclass(frozen=True)
class WorkspaceInfo:
    """A workspace's identity and scope (codes None = the whole province); times UTC."""

    id: int
    name: str
    prefecture_code: str | None
    county_code: str | None
    notes: str
    created_at: dt.datetime
    updated_at: dt.datetime
    created_by: str

    @property
    def scope_name(self) -> str:
        """福建省, 龙岩市 or 龙岩市长汀县."""
        return scope_name(self.county_code or self.prefecture_code)


class WorkspaceStore:
    """The workspaces of ``db`` as ``actor`` sees them (default: the local database, the laptop's planner).

    Every method checks that ``actor`` may reach the workspace (one message whether it is missing or out of
    reach, so names outside one's scope cannot be probed) and every change is written to the audit log.
    """

    def __init__(self, db: Database | None = None, actor: Account = LOCAL) -> None:
        self.db = db or connect()
        self.actor = actor

    # ------------------------------------------------------------------------------------------ workspaces
    def create(
        self, name: str, *, prefecture: str | None = None, county: str | None = None, notes: str = ""
    ) -> WorkspaceInfo:
        """A new, empty workspace (scope: as given, narrowed to the actor's own).

        Raises
        ------
        InputValidationError
            Bad name, or a workspace of that name exists.
        AccessDeniedError
            The scope lies outside the actor's.
        """
        clean = check_name(name)
        try:
            pref, county_code = self.actor.workspace_scope(prefecture, county)
        except AccessDeniedError:
            asked = {"prefecture": prefecture or "", "county": county or "", "attempt": "create"}
            record(self.db, self.actor, "access refused", workspace=clean, detail=asked)
            raise
        now = _now()
        with self.db.begin() as conn:
            if conn.execute(select(WORKSPACES.c.id).where(WORKSPACES.c.name == clean)).first():
                raise bilingual(
                    InputValidationError,
                    zh=f"已有名为“{clean}”的工作区，请换一个名称。",
                    en=f"A workspace named {clean!r} exists; choose another name.",
                )
            conn.execute(
                insert(WORKSPACES).values(
                    name=clean,
                    prefecture_code=pref,
                    county_code=county_code,
                    notes=notes,
                    created_at=now,
                    updated_at=now,
                    created_by=self.actor.name,
                )
            )
        record(
            self.db,
            self.actor,
            "workspace created",
            workspace=clean,
            detail={"scope": scope_name(county_code or pref)},
        )
        return self.info(clean)

    def create_in(self, name: str, scope_code: str = "", *, notes: str = "") -> WorkspaceInfo:
        """:meth:`create` with the scope as one code: "" (province), a prefecture or a county code."""
        code = scope_code.strip()
        if not code:
            return self.create(name, notes=notes)
        if code.endswith("00"):
            return self.create(name, prefecture=code, notes=notes)
        return self.create(name, county=code, notes=notes)

    def ensure(self, name: str, *, prefecture: str | None = None, county: str | None = None) -> WorkspaceInfo:
        """The workspace ``name``, created first when it does not exist yet."""
        with self.db.engine.connect() as conn:
            exists = conn.execute(
                select(WORKSPACES.c.id).where(WORKSPACES.c.name == check_name(name))
            ).first()
        return self.info(name) if exists else self.create(name, prefecture=prefecture, county=county)

    def info(self, name: str) -> WorkspaceInfo:
        """The workspace ``name``; a refusal (outside the actor's scope) is written to the audit log.

        Raises
        ------
        AccessDeniedError
            No such workspace, or it is outside the actor's scope (one message for both).
        """
        with self.db.engine.connect() as conn:
            row = (
                conn.execute(select(WORKSPACES).where(WORKSPACES.c.name == str(name).strip()))
                .mappings()
                .first()
            )
        if row is None:
            raise no_such_workspace(str(name))
        try:
            self.actor.check_access(str(name), row["prefecture_code"], row["county_code"])
        except AccessDeniedError:
            where = scope_name(row["county_code"] or row["prefecture_code"])
            record(self.db, self.actor, "access refused", workspace=str(row["name"]),
                   detail={"scope": where, "attempt": "open"})  # fmt: skip
            raise
        return WorkspaceInfo(
            row["id"],
            row["name"],
            row["prefecture_code"],
            row["county_code"],
            row["notes"] or "",
            _utc(row["created_at"]),
            _utc(row["updated_at"]),
            row["created_by"] or "",
        )

    def exists(self, name: str) -> bool:
        """True when the workspace exists and the actor may open it."""
        try:
            self.info(name)  # a refusal (out of scope) is audited: a guessed link is an attempt
        except InputValidationError:
            return False
        except PermissionError:
            return False
        return True

    def list(self) -> pd.DataFrame:
        """The workspaces the actor may open: name, scope, tables (kinds held), updated_at (UTC), author."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(WORKSPACES).order_by(WORKSPACES.c.name)).mappings().all()
            kinds = conn.execute(
                select(WORKSPACE_TABLES.c.workspace_id, WORKSPACE_TABLES.c.kind).distinct()
            ).all()
        held: dict[int, list[str]] = {}
        for ws_id, kind in kinds:
            held.setdefault(int(ws_id), []).append(str(kind))
        records = [
            {
                "name": r["name"],
                "scope": scope_name(r["county_code"] or r["prefecture_code"]),
                "tables": "、".join(sorted(held.get(int(r["id"]), []))),
                "updated_at": _utc(r["updated_at"]),
                "created_by": r["created_by"],
            }
            for r in rows
            if self.actor.can_access(r["prefecture_code"], r["county_code"])
        ]
        return pd.DataFrame(records, columns=["name", "scope", "tables", "updated_at", "created_by"])

    def delete(self, name: str) -> None:
        """Delete a workspace with every version of its tables and its scenarios."""
        ws = self.info(name)
        with self.db.begin() as conn:
            conn.execute(delete(WORKSPACE_TABLES).where(WORKSPACE_TABLES.c.workspace_id == ws.id))
            conn.execute(delete(WORKSPACES).where(WORKSPACES.c.id == ws.id))
        record(self.db, self.actor, "workspace deleted", workspace=ws.name)

    # ------------------------------------------------------------------------------------------ tables
    def save_table(self, name: str, kind: str, frame: pd.DataFrame, *, note: str = "") -> int:
        """Save ``frame`` as the newest version of the table ``kind``; return its version number (1, 2, …)."""
        ws = self.info(name)
        check_kind(kind)
        content = frame_to_json(frame)
        now = _now()
        with self.db.begin() as conn:
            latest = conn.execute(
                select(func.max(WORKSPACE_TABLES.c.version)).where(
                    WORKSPACE_TABLES.c.workspace_id == ws.id, WORKSPACE_TABLES.c.kind == kind
                )
            ).scalar()
            version = int(latest or 0) + 1
            conn.execute(
                insert(WORKSPACE_TABLES).values(
                    workspace_id=ws.id,
                    kind=kind,
                    version=version,
                    format=FRAME_FORMAT,
                    n_rows=len(frame),
                    content=content,
                    saved_at=now,
                    saved_by=self.actor.name,
                    note=note,
                )
            )
            conn.execute(update(WORKSPACES).where(WORKSPACES.c.id == ws.id).values(updated_at=now))
        record(
            self.db,
            self.actor,
            "table saved",
            workspace=ws.name,
            detail={"kind": kind, "version": version, "rows": len(frame), "note": note},
        )
        return version

    def load_table(self, name: str, kind: str, *, version: int | None = None) -> pd.DataFrame | None:
        """The table ``kind`` (its newest version, or ``version``); None when it was never saved."""
        ws = self.info(name)
        query = select(WORKSPACE_TABLES.c.content).where(
            WORKSPACE_TABLES.c.workspace_id == ws.id, WORKSPACE_TABLES.c.kind == check_kind(kind)
        )
        query = (
            query.where(WORKSPACE_TABLES.c.version == version)
            if version is not None
            else query.order_by(WORKSPACE_TABLES.c.version.desc())
        )
        with self.db.engine.connect() as conn:
            content = conn.execute(query.limit(1)).scalar()
        return None if content is None else frame_from_json(content)

    def versions(self, name: str) -> dict[str, int]:
        """Newest version of every table kind the workspace holds (a cheap cache key for the app)."""
        ws = self.info(name)
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                select(WORKSPACE_TABLES.c.kind, func.max(WORKSPACE_TABLES.c.version))
                .where(WORKSPACE_TABLES.c.workspace_id == ws.id)
                .group_by(WORKSPACE_TABLES.c.kind)
            ).all()
        return {str(k): int(v) for k, v in rows}

    def history(self, name: str, kind: str | None = None) -> pd.DataFrame:
        """Every saved version: kind, version, n_rows, saved_at (UTC), saved_by, note (newest first)."""
        ws = self.info(name)
        cols = [WORKSPACE_TABLES.c[c] for c in ("kind", "version", "n_rows", "saved_at", "saved_by", "note")]
        query = select(*cols).where(WORKSPACE_TABLES.c.workspace_id == ws.id)
        if kind:
            query = query.where(WORKSPACE_TABLES.c.kind == check_kind(kind))
        with self.db.engine.connect() as conn:
            rows = conn.execute(
                query.order_by(WORKSPACE_TABLES.c.kind, WORKSPACE_TABLES.c.version.desc())
            ).all()
        frame = pd.DataFrame(
            [tuple(r) for r in rows], columns=["kind", "version", "n_rows", "saved_at", "saved_by", "note"]
        )
        frame["saved_at"] = pd.to_datetime(frame["saved_at"], utc=True)
        return frame

    # ------------------------------------------------------------------------------------------ facilities
    def facilities(self, name: str, *, version: int | None = None) -> gpd.GeoDataFrame:
        """The working facility table: the newest saved one, else the embedded table (WGS84 points)."""
        frame = self.load_table(name, FACILITIES, version=version)
        if frame is None:
            return load_facilities().copy()
        return normalise_facilities(frame)

    def save_facilities(self, name: str, frame: pd.DataFrame, *, note: str = "") -> int:
        """Save a new version of the working facility table (rows ordered by ``facility_id``)."""
        return self.save_table(name, FACILITIES, normalise_facilities(frame), note=note)


def normalise_facilities(frame: pd.DataFrame) -> gpd.GeoDataFrame:
    """A facility table in its one order (by ``facility_id``, as the embedded table), with point geometry.

    The order decides ties in every analysis (two hospitals at the same point): the same facilities always
    give the same plan, whatever order they were uploaded or edited in.
    """
    out = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    out = out.sort_values("facility_id", kind="stable").reset_index(drop=True)
    placed = out["lon"].notna() & out["lat"].notna()
    points = gpd.points_from_xy(out["lon"], out["lat"])
    return gpd.GeoDataFrame(
        out, geometry=[p if ok else None for p, ok in zip(points, placed, strict=True)], crs="EPSG:4326"
    )
