"""Saved scenarios: a facility set, its parameters and its results, in a real database.

SQLite by default (``scenarios.sqlite`` in the user data directory, see :func:`data_dir`), PostgreSQL (or any
SQLAlchemy URL) for a shared deployment. A scenario holds:

- ``facilities``: the facility table it was planned on (WGS84 ``lon``/``lat``; geometry is rebuilt on open),
- ``parameters``: a JSON dict (dataclass parameters are stored as dicts),
- ``results``: tables by kind — ``coverage``, ``pairing``, ``roster``, ``tours``
or any other lower-case name —
  each stored with its column types (pandas "table" JSON),
- ``metrics``: headline figures (e.g. ``covered_population`` persons, ``drive_km`` km, ``estimated``),
- ``notes``, ``created_at`` and ``updated_at`` (UTC).

Settings (environment): ``XUNZHEN_DATA_DIR`` overrides the data directory (tests use it);
``XUNZHEN_DATABASE_URL`` overrides the database (e.g. ``postgresql+psycopg2://user:pw@host/xunzhen``).

CLI: ``python -m routing.scenarios list | show NAME | rename NAME NEW | delete
NAME | compare A B [--db URL]``.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from geo import cli
from geo._errors import DataFileError, InputValidationError
from geo.facilities import load_facilities
from geo.facilities.upload import apply_surveyed_locations, validate_file
from geo.tables import write_csv

__all__ = [
    "DATABASE_URL_ENV",
    "DATA_DIR_ENV",
    "RESULT_KINDS",
    "Scenario",
    "ScenarioComparison",
    "ScenarioStore",
    "covered_population",
    "data_dir",
    "default_database_url",
    "drive_km",
    "snapshot",
]

#: Environment variable naming the data directory (default: platformdirs' user data dir for "xunzhen").
DATA_DIR_ENV = "XUNZHEN_DATA_DIR"
#: Environment variable naming the database URL (default: SQLite file in the data directory).
DATABASE_URL_ENV = "XUNZHEN_DATABASE_URL"
#: The result kinds the app stores (others are allowed: any lower-case identifier).
RESULT_KINDS = ("coverage", "pairing", "roster", "tours")
_KIND_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_NAME_MAX = 200


def data_dir() -> Path:
    """Directory for xunzhen's own files (``$XUNZHEN_DATA_DIR``, else
    the user data dir); created if missing.
    """
    override = os.environ.get(DATA_DIR_ENV)
    if override:
        path = Path(override)
    else:
        from platformdirs import user_data_dir

        path = Path(user_data_dir("xunzhen", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    """``$XUNZHEN_DATABASE_URL``, else ``sqlite:///<data_dir>/scenarios.sqlite``."""
    return os.environ.get(DATABASE_URL_ENV) or f"sqlite:///{data_dir() / 'scenarios.sqlite'}"


# ------------------------------------------------------------------------------------------------ tables


class _Base(DeclarativeBase):
    pass


class _ScenarioRow(_Base):
    __tablename__ = "xz_scenarios"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(_NAME_MAX), unique=True, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    metrics: Mapped[dict] = mapped_column(JSON, default=dict)
    n_facilities: Mapped[int] = mapped_column(Integer, default=0)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    tables: Mapped[list[_TableRow]] = relationship(
        back_populates="scenario", cascade="all, delete-orphan", passive_deletes=True
    )


class _TableRow(_Base):
    __tablename__ = "xz_scenario_tables"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scenario_id: Mapped[int] = mapped_column(
        ForeignKey("xz_scenarios.id", ondelete="CASCADE"), index=True, nullable=False
    )
    kind: Mapped[str] = mapped_column(String(40), nullable=False)
    n_rows: Mapped[int] = mapped_column(Integer, default=0)
    content: Mapped[str] = mapped_column(Text, nullable=False)  # pandas "table"-orient JSON
    scenario: Mapped[_ScenarioRow] = relationship(back_populates="tables")


# ------------------------------------------------------------------------------------------------ values


@dataclass
class Scenario:
    """A saved (or to-be-saved) planning scenario.

    Attributes
    ----------
    name
        Unique name (≤ 200 characters).
    facilities
        Facility table (columns of :func:`geo.facilities.load_facilities`; WGS84 ``lon``/``lat``).
    parameters
        JSON-serialisable parameters (dataclasses are turned into dicts when saved).
    results
        Result tables by kind (``coverage``, ``pairing``, ``roster``, ``tours``, …).
    metrics
        Headline figures, e.g. ``covered_population`` (persons), ``drive_km`` (km), ``estimated`` (bool).
    notes
        Free text.
    id, created_at, updated_at
        Set by the store (UTC timestamps).
    """
    name: str
    facilities: pd.DataFrame | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    results: dict[str, pd.DataFrame] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)
    notes: str = ""
    id: int | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @property
    def estimated(self) -> bool:
        """True when any stored figure comes from the estimated network (then shown as 估算/estimated)."""
        if bool(self.metrics.get("estimated", False)):
            return True
        return any(
            "estimated" in t.columns and bool(pd.Series(t["estimated"]).fillna(False).astype(bool).any())
            for t in self.results.values()
        )


def _jsonable(value: Any) -> Any:
    """Turn parameters/metrics into JSON values (dataclasses, numpy scalars, dates, sets, paths)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [_jsonable(v) for v in items]
    if isinstance(value, np.generic):
        return _jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    msg = f"Cannot store {type(value).__name__} value {value!r} in a scenario (not JSON)."
    raise InputValidationError(msg)


def _frame_to_json(frame: pd.DataFrame) -> str:
    df = pd.DataFrame(frame).copy()
    if "geometry" in df.columns:
        df = df.drop(columns="geometry")
    df.columns = [str(c) for c in df.columns]
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, dt.date)).any():
            df[c] = df[c].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    return df.reset_index(drop=True).to_json(
        orient="table", index=False, date_format="iso", force_ascii=False
    )


def _frame_from_json(text: str) -> pd.DataFrame:
    return pd.read_json(io.StringIO(text), orient="table")


def _with_geometry(frame: pd.DataFrame) -> pd.DataFrame:
    if {"lon", "lat"} <= set(frame.columns):
        import geopandas as gpd

        placed = frame["lon"].notna() & frame["lat"].notna()
        points = gpd.points_from_xy(frame["lon"], frame["lat"])
        geometry = [p if ok else None for p, ok in zip(points, placed, strict=True)]
        return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")
    return frame


def _utc(value: dt.datetime) -> dt.datetime:
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def covered_population(scenario: Scenario) -> float:
    """Covered population (persons): ``metrics["covered_population"]``, else Σ population of covered rows.

    The coverage table is read when it has a boolean ``covered`` column and a population column
    (``population_est``, ``population`` or ``covered_population``); NaN when neither is available.
    """
    if scenario.metrics.get("covered_population") is not None:
        return float(scenario.metrics["covered_population"])
    table = scenario.results.get("coverage")
    if table is None or "covered" not in table.columns:
        return math.nan
    for column in ("population_est", "population", "covered_population"):
        if column in table.columns:
            covered = table["covered"].fillna(False).astype(bool)
            return float(pd.to_numeric(table.loc[covered, column], errors="coerce").sum())
    return math.nan


def drive_km(scenario: Scenario) -> float:
    """Driving distance (km): ``metrics["drive_km"]``, else from the results.

    From the pairing table: a round trip per doctor-day, 2 × Σ ``km`` × ``days``; plus, from the tours table,
    Σ of a ``km`` (or ``drive_km``) column. NaN when neither is available.
    """
    if scenario.metrics.get("drive_km") is not None:
        return float(scenario.metrics["drive_km"])
    total, found = 0.0, False
    pairing = scenario.results.get("pairing")
    if pairing is not None and "km" in pairing.columns:
        days = pairing["days"] if "days" in pairing.columns else 1
        total += float((2.0 * pd.to_numeric(pairing["km"], errors="coerce") * days).sum())
        found = True
    tours = scenario.results.get("tours")
    if tours is not None:
        for column in ("drive_km", "km"):
            if column in tours.columns:
                total += float(pd.to_numeric(tours[column], errors="coerce").sum())
                found = True
                break
    return total if found else math.nan


def snapshot(
    name: str,
    facilities: pd.DataFrame | None,
    results: dict[str, pd.DataFrame],
    *,
    notes: str = "",
    parameters: dict[str, Any] | None = None,
) -> Scenario:
    """A scenario of the current inputs and results, with its headline figures (covered population, drive
    km) computed from the results; a figure no result provides is left out."""
    scenario = Scenario(name=name, facilities=facilities, results=dict(results), notes=notes,
                        parameters=dict(parameters or {}))
    figures = {"covered_population": covered_population, "drive_km": drive_km}
    scenario.metrics = {k: v for k, f in figures.items() if (v := f(scenario)) == v}
    return scenario


@dataclass(frozen=True)
class ScenarioComparison:
    """Two scenarios side by side (B − A).

    Attributes
    ----------
    a, b
        Names of the two scenarios.
    covered_population
        (A, B, Δ) persons; NaN where not stored.
    drive_km
        (A, B, Δ) km; NaN where not stored.
    changed_pairings
        One row per center whose hospitals differ:
        ``center_id``, ``center``, ``hospitals_a``, ``hospitals_b``,
        ``change`` (``"reassigned"``, ``"only in A"``, ``"only in B"``).
    estimated
        True when either scenario's figures are estimated (label them 估算).
    """
    a: str
    b: str
    covered_population: tuple[float, float, float]
    drive_km: tuple[float, float, float]
    changed_pairings: pd.DataFrame
    estimated: bool
    metrics: pd.DataFrame

    def table(self, lang: str = "zh") -> pd.DataFrame:
        """Metric rows with columns metric, A, B, Δ (labels in ``lang``; 估算 marked when estimated)."""
        tag = ("（估算）" if lang == "zh" else " (estimated)") if self.estimated else ""
        labels = {
            "covered_population": ("覆盖人口（人）" if lang == "zh" else "covered population (persons)")
            + tag,
            "drive_km": ("行车里程（公里）" if lang == "zh" else "drive distance (km)") + tag,
            "changed_pairings": "变动的结对（个）" if lang == "zh" else "changed pairings (centers)",
        }
        rows = [
            [labels["covered_population"], *self.covered_population],
            [labels["drive_km"], *self.drive_km],
            [labels["changed_pairings"], math.nan, math.nan, float(len(self.changed_pairings))],
        ]
        for _, r in self.metrics.iterrows():
            rows.append([str(r["metric"]), r["a"], r["b"], r["delta"]])
        return pd.DataFrame(rows, columns=["metric", self.a, self.b, "Δ"])


def _pair_map(scenario: Scenario) -> tuple[dict[str, frozenset[str]], dict[str, str]]:
    pairing = scenario.results.get("pairing")
    if pairing is None or not {"hospital_id", "center_id"} <= set(pairing.columns):
        return {}, {}
    out: dict[str, set[str]] = {}
    names: dict[str, str] = {}
    label = "hospital" if "hospital" in pairing.columns else "hospital_id"
    for _, r in pairing.iterrows():
        out.setdefault(str(r["center_id"]), set()).add(str(r[label]))
        names[str(r["center_id"])] = (
            str(r["center"]) if "center" in pairing.columns else str(r["center_id"])
        )
    return {k: frozenset(v) for k, v in out.items()}, names


def compare_scenarios(a: Scenario, b: Scenario) -> ScenarioComparison:
    """Compare two scenarios (B − A): covered population, drive km, pairings, shared numeric metrics."""
    cov = (covered_population(a), covered_population(b))
    km = (drive_km(a), drive_km(b))
    pa, names_a = _pair_map(a)
    pb, names_b = _pair_map(b)
    changes = []
    for center in sorted(set(pa) | set(pb)):
        ha, hb = pa.get(center), pb.get(center)
        if ha == hb:
            continue
        change = "reassigned" if ha and hb else ("only in A" if ha else "only in B")
        changes.append(
            {
                "center_id": center,
                "center": names_b.get(center, names_a.get(center, center)),
                "hospitals_a": "、".join(sorted(ha or ())),
                "hospitals_b": "、".join(sorted(hb or ())),
                "change": change,
            }
        )
    shared = []
    skip = {"covered_population", "drive_km", "estimated"}
    for key in sorted(set(a.metrics) & set(b.metrics) - skip):
        va, vb = a.metrics[key], b.metrics[key]
        if isinstance(va, int | float) and isinstance(vb, int | float) and not isinstance(va, bool):
            shared.append({"metric": key, "a": float(va), "b": float(vb), "delta": float(vb) - float(va)})
    return ScenarioComparison(
        a=a.name,
        b=b.name,
        covered_population=(cov[0], cov[1], cov[1] - cov[0]),
        drive_km=(km[0], km[1], km[1] - km[0]),
        changed_pairings=pd.DataFrame(
            changes, columns=["center_id", "center", "hospitals_a", "hospitals_b", "change"]
        ),
        estimated=a.estimated or b.estimated,
        metrics=pd.DataFrame(shared, columns=["metric", "a", "b", "delta"]),
    )


# ------------------------------------------------------------------------------------------------ the store


class ScenarioStore:
    """Saved scenarios in a database (SQLite file by default, PostgreSQL by URL).

    Parameters
    ----------
    url
        SQLAlchemy URL; default :func:`default_database_url`.

    Raises
    ------
    DataFileError
        The database cannot be opened or its tables created (the message names the URL without password).
    """
    def __init__(self, url: str | None = None) -> None:
        self.url = url or default_database_url()
        try:
            if self.url.startswith("sqlite:///"):
                Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
            self.engine: Engine = create_engine(self.url, future=True)
            if self.engine.dialect.name == "sqlite":
                event.listen(self.engine, "connect", _sqlite_foreign_keys)
            _Base.metadata.create_all(self.engine)
        except (SQLAlchemyError, OSError, ImportError) as exc:
            msg = f"Cannot open the scenario database {self.safe_url!r}: {type(exc).__name__}: {exc}"
            raise DataFileError(msg) from exc

    @property
    def safe_url(self) -> str:
        """The URL with any password masked."""
        return re.sub(r"(//[^:/@]+:)[^@]*@", r"\1***@", self.url)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()

    # -------------------------------------------------------------- helpers
    def _find(self, session: Session, key: int | str) -> _ScenarioRow:
        if isinstance(key, int) or (
            isinstance(key, str) and key.isdigit() and self._by_name(session, key) is None
        ):
            row = session.get(_ScenarioRow, int(key))
        else:
            row = self._by_name(session, str(key))
        if row is None:
            msg = f"No saved scenario {key!r} in {self.safe_url}."
            raise InputValidationError(msg)
        return row

    @staticmethod
    def _by_name(session: Session, name: str) -> _ScenarioRow | None:
        return session.scalars(select(_ScenarioRow).where(_ScenarioRow.name == name)).first()

    @staticmethod
    def _check_name(name: str) -> str:
        clean = str(name).strip()
        if not clean:
            msg = "A scenario needs a name."
            raise InputValidationError(msg)
        if len(clean) > _NAME_MAX:
            msg = f"Scenario name is {len(clean)} characters long; at most {_NAME_MAX}."
            raise InputValidationError(msg)
        return clean

    # -------------------------------------------------------------- API
    def save(self, scenario: Scenario, *, overwrite: bool = False) -> int:
        """Save a scenario; return its id.

        Parameters
        ----------
        scenario
            What to save (``id``/timestamps are ignored and set by the store).
        overwrite
            Replace an existing scenario of the same name (keeping its ``created_at``).

        Raises
        ------
        InputValidationError
            Empty/too long name, a name already used (and not ``overwrite``),
            a non-JSON parameter, or a result
            kind that is not a lower-case identifier.
        DataFileError
            The database refuses the write.
        """
        name = self._check_name(scenario.name)
        for kind in scenario.results:
            if not _KIND_RE.match(kind) or kind == "facilities":
                msg = f"Result kind {kind!r}: use a lower-case name such as {list(RESULT_KINDS)}."
                raise InputValidationError(msg)
        parameters = _jsonable(scenario.parameters)
        metrics = _jsonable({**scenario.metrics, "estimated": scenario.estimated})
        tables = [(kind, frame) for kind, frame in scenario.results.items() if frame is not None]
        if scenario.facilities is not None:
            tables.insert(0, ("facilities", scenario.facilities))
        now = dt.datetime.now(dt.UTC)
        try:
            with Session(self.engine) as session, session.begin():
                row = self._by_name(session, name)
                if row is not None and not overwrite:
                    msg = (
                        f"A scenario named {name!r} already exists; choose another name or overwrite it."
                    )
                    raise InputValidationError(msg)
                if row is None:
                    row = _ScenarioRow(name=name, created_at=now)
                    session.add(row)
                else:
                    row.tables.clear()
                row.updated_at = now
                row.notes = scenario.notes
                row.parameters = parameters
                row.metrics = metrics
                row.estimated = bool(metrics["estimated"])
                row.n_facilities = 0 if scenario.facilities is None else len(scenario.facilities)
                for kind, frame in tables:
                    row.tables.append(
                        _TableRow(kind=kind, n_rows=len(frame), content=_frame_to_json(frame))
                    )
                session.flush()
                return int(row.id)
        except (IntegrityError, OperationalError) as exc:
            msg = f"The scenario database {self.safe_url!r} refused to save {name!r}: {exc.orig}"
            raise DataFileError(msg) from exc

    def list(self) -> pd.DataFrame:
        """Saved scenarios, newest first: ``id``, ``name``, ``created_at``, ``updated_at`` (UTC),
        ``n_facilities``, ``covered_population`` (persons), ``drive_km`` (km), ``estimated``, ``notes``."""
        with Session(self.engine) as session:
            rows = session.scalars(select(_ScenarioRow).order_by(_ScenarioRow.updated_at.desc())).all()
            records = [
                {
                    "id": r.id,
                    "name": r.name,
                    "created_at": _utc(r.created_at),
                    "updated_at": _utc(r.updated_at),
                    "n_facilities": r.n_facilities,
                    "covered_population": (r.metrics or {}).get("covered_population"),
                    "drive_km": (r.metrics or {}).get("drive_km"),
                    "estimated": r.estimated,
                    "notes": r.notes,
                }
                for r in rows
            ]
        columns = [
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
        return pd.DataFrame(records, columns=columns)

    def open(self, key: int | str) -> Scenario:
        """Load a scenario by id or name (facilities come back as a GeoDataFrame, EPSG:4326).

        Raises
        ------
        InputValidationError
            No such scenario.
        """
        with Session(self.engine) as session:
            row = self._find(session, key)
            facilities = None
            results: dict[str, pd.DataFrame] = {}
            for t in row.tables:
                frame = _frame_from_json(t.content)
                if t.kind == "facilities":
                    facilities = _with_geometry(frame)
                else:
                    results[t.kind] = frame
            metrics = dict(row.metrics or {})
            return Scenario(
                name=row.name,
                facilities=facilities,
                parameters=dict(row.parameters or {}),
                results=results,
                metrics=metrics,
                notes=row.notes or "",
                id=row.id,
                created_at=_utc(row.created_at),
                updated_at=_utc(row.updated_at),
            )

    def rename(self, key: int | str, new_name: str) -> None:
        """Rename a scenario.

        Raises
        ------
        InputValidationError
            No such scenario, or the new name is empty or already used.
        """
        name = self._check_name(new_name)
        with Session(self.engine) as session, session.begin():
            row = self._find(session, key)
            other = self._by_name(session, name)
            if other is not None and other.id != row.id:
                msg = f"A scenario named {name!r} already exists."
                raise InputValidationError(msg)
            row.name = name
            row.updated_at = dt.datetime.now(dt.UTC)

    def delete(self, key: int | str) -> None:
        """Delete a scenario and its tables.

        Raises
        ------
        InputValidationError
            No such scenario.
        """
        with Session(self.engine) as session, session.begin():
            session.delete(self._find(session, key))

    def compare(self, a: int | str, b: int | str) -> ScenarioComparison:
        """Compare two saved scenarios (B − A); see :class:`ScenarioComparison`."""
        return compare_scenarios(self.open(a), self.open(b))


def _sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


# ------------------------------------------------------------------------------------------------ CLI


def _fmt(x: Any) -> str:
    if isinstance(x, float):
        return "—" if math.isnan(x) else f"{x:,.1f}"
    return str(x)


def _cli_save(store: ScenarioStore, args: argparse.Namespace) -> None:
    facilities = load_facilities().copy()
    notes = args.notes
    if args.upload:
        result = validate_file(args.upload, crs=args.crs, fix_swapped=args.fix_swapped)
        for line in result.report_lines("en"):
            print(line)
        facilities, report = apply_surveyed_locations(facilities, result.accepted)
        counts = report["action"].value_counts().to_dict()
        print(f"merged into the embedded facilities: {counts}")
        notes = notes or f"upload {Path(args.upload).name}"
    sid = store.save(Scenario(args.name, facilities=facilities, notes=notes), overwrite=args.overwrite)
    print(f"saved {args.name!r} (id {sid}) with {len(facilities)} facilities in {store.safe_url}")


def _cli_export(scenario: Scenario, folder: Path) -> list[Path]:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        tables = {"facilities": scenario.facilities, **scenario.results}
        paths = []
        for kind, frame in tables.items():
            if frame is None:
                continue
            path = folder / f"{kind}.csv"
            write_csv(pd.DataFrame(frame).drop(columns="geometry", errors="ignore"), path)
            paths.append(path)
        meta = {"name": scenario.name, "notes": scenario.notes, "parameters": scenario.parameters,
                "metrics": scenario.metrics, "updated_at": str(scenario.updated_at)}
        text = json.dumps(meta, ensure_ascii=False, indent=1)
        (folder / "scenario.json").write_text(text, encoding="utf-8")
        return [*paths, folder / "scenario.json"]
    except OSError as exc:
        msg = f"Cannot write into {str(folder)!r}: {exc.strerror}"
        raise DataFileError(msg) from exc


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: list, show, rename, delete and compare saved scenarios."""
    parser = argparse.ArgumentParser(
        prog="python -m routing.scenarios", description="Saved scenarios (方案)."
    )
    parser.add_argument(
        "--db", default=None, help="database URL (default: SQLite file in the user data dir)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list saved scenarios")
    show = sub.add_parser("show", help="show one scenario")
    show.add_argument("scenario", help="name or id")
    ren = sub.add_parser("rename", help="rename a scenario")
    ren.add_argument("scenario")
    ren.add_argument("new_name")
    dele = sub.add_parser("delete", help="delete a scenario")
    dele.add_argument("scenario")
    cmp_ = sub.add_parser("compare", help="compare two scenarios (B − A)")
    cmp_.add_argument("a")
    cmp_.add_argument("b")
    cmp_.add_argument("--lang", choices=("zh", "en"), default="zh")
    save = sub.add_parser("save", help="save the embedded facilities (updated from an upload) as a scenario")
    save.add_argument("name")
    save.add_argument("--upload", default=None, help="CSV/XLSX facility list (validated first)")
    save.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), default=None)
    save.add_argument("--fix-swapped", action="store_true")
    save.add_argument("--notes", default="")
    save.add_argument("--overwrite", action="store_true")
    export = sub.add_parser("export", help="write a scenario's tables as CSV files (UTF-8 with BOM)")
    export.add_argument("scenario")
    export.add_argument("--dir", required=True, help="output folder (created)")
    return cli.run_parser(parser, _run, argv)


def _run(args: argparse.Namespace) -> int:
    """Run one ``python -m routing.scenarios`` command."""
    store = ScenarioStore(args.db)
    if args.command == "list":
        table = store.list()
        print(f"{len(table)} scenario(s) in {store.safe_url}")
        if len(table):
            print(table.drop(columns=["notes"]).to_string(index=False))
    elif args.command == "show":
        s = store.open(args.scenario)
        print(
            f"{s.name} (id {s.id}), saved {s.updated_at:%Y-%m-%d %H:%M} UTC"
            + ("  [figures estimated / 估算]" if s.estimated else "")
        )
        print(f"  facilities: {0 if s.facilities is None else len(s.facilities)}")
        for kind, frame in s.results.items():
            print(f"  {kind}: {len(frame)} rows")
        print(
            f"  covered population: {_fmt(covered_population(s))} persons; drive: {_fmt(drive_km(s))} km"
        )
        print(f"  parameters: {json.dumps(s.parameters, ensure_ascii=False)}")
    elif args.command == "save":
        _cli_save(store, args)
    elif args.command == "export":
        for path in _cli_export(store.open(args.scenario), Path(args.dir)):
            print(path)
    elif args.command == "rename":
        store.rename(args.scenario, args.new_name)
        print(f"renamed {args.scenario!r} → {args.new_name!r}")
    elif args.command == "delete":
        store.delete(args.scenario)
        print(f"deleted {args.scenario!r}")
    else:
        comparison = store.compare(args.a, args.b)
        print(comparison.table(args.lang).to_string(index=False, float_format=_fmt))
        if len(comparison.changed_pairings):
            print(comparison.changed_pairings.to_string(index=False))
    return cli.EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
