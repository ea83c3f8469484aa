"""Tables and values in the database: pandas "table" JSON for frames (column types kept), JSON for values."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import math
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from geo._errors import InputValidationError

__all__ = ["FRAME_FORMAT", "frame_from_json", "frame_to_json", "jsonable", "with_geometry"]

#: Version of the stored frame encoding (1: pandas "table" orient JSON, geometry dropped, dates ISO).
FRAME_FORMAT = 1


def frame_to_json(frame: pd.DataFrame) -> str:
    """A frame as pandas "table" JSON (geometry left out: ``lon``/``lat`` carry the points)."""
    df = pd.DataFrame(frame).copy()
    if "geometry" in df.columns:
        df = df.drop(columns="geometry")
    df.columns = [str(c) for c in df.columns]
    for c in df.columns:
        if df[c].dtype == object and df[c].map(lambda v: isinstance(v, dt.date)).any():
            df[c] = df[c].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    return str(
        df.reset_index(drop=True).to_json(orient="table", index=False, date_format="iso", force_ascii=False)
    )


def frame_from_json(content: str) -> pd.DataFrame:
    """The frame stored by :func:`frame_to_json`."""
    return pd.read_json(io.StringIO(content), orient="table")


def with_geometry(frame: pd.DataFrame) -> pd.DataFrame:
    """A GeoDataFrame (EPSG:4326) with point geometry from ``lon``/``lat`` when the frame has them."""
    if not {"lon", "lat"} <= set(frame.columns):
        return frame
    placed = frame["lon"].notna() & frame["lat"].notna()
    points = gpd.points_from_xy(frame["lon"], frame["lat"])
    geometry = [p if ok else None for p, ok in zip(points, placed, strict=True)]
    return gpd.GeoDataFrame(frame, geometry=geometry, crs="EPSG:4326")


def jsonable(value: Any) -> Any:
    """Parameters and metrics as JSON values (dataclasses, numpy scalars, dates, sets, paths; NaN → None).

    Raises
    ------
    InputValidationError
        A value that has no JSON form (the message names its type).
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [jsonable(v) for v in items]
    if isinstance(value, np.generic):
        return jsonable(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    msg = f"Cannot store {type(value).__name__} value {value!r} (not JSON)."
    raise InputValidationError(msg)
