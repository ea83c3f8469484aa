"""Deterministic writers for the embedded data files (same input → byte-identical output)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import mapping

#: Decimal places for every coordinate written (1e-6° ≈ 0.1 m).
COORD_DECIMALS = 6


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


def write_csv(frame: pd.DataFrame, path: Path, float_columns: dict[str, int] | None = None) -> None:
    """Write ``frame`` as UTF-8 CSV: ``\\n`` line ends, fixed decimals for ``float_columns``, '' for NaN.

    Parameters
    ----------
    frame
        Rows already in their final order.
    path
        Output file.
    float_columns
        Column → number of decimals; these columns are written with exactly that many decimals.
    """
    float_columns = float_columns or {}
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        series = frame[column]
        if column in float_columns:
            digits = float_columns[column]
            out[column] = [("" if pd.isna(v) else f"{float(v):.{digits}f}") for v in series]
        else:
            out[column] = [_cell(v) for v in series.astype(object)]
    path.parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(path, index=False, lineterminator="\n", encoding="utf-8")


def _round_coords(obj: Any) -> Any:
    if isinstance(obj, (list, tuple)):
        if obj and isinstance(obj[0], float):
            return [round(float(v), COORD_DECIMALS) for v in obj]
        return [_round_coords(v) for v in obj]
    return obj


def write_geojson(frame: pd.DataFrame, geometries: list[Any], path: Path, name: str) -> None:
    """Write a GeoJSON FeatureCollection (WGS84), one feature per line, coordinates to 6 decimals.

    Parameters
    ----------
    frame
        Feature properties, one row per feature, in final order; NaN becomes ``null``.
    geometries
        Shapely geometries, aligned with ``frame`` rows.
    path
        Output file.
    name
        The collection's ``name`` member.
    """
    lines = ['{"type":"FeatureCollection","name":' + json.dumps(name, ensure_ascii=False) + ","]
    lines.append('"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:OGC:1.3:CRS84"}},')
    lines.append('"features":[')
    records = frame.to_dict(orient="records")
    features = []
    for props, geom in zip(records, geometries, strict=True):
        clean = {}
        for key, value in props.items():
            if isinstance(value, float) and math.isnan(value):
                clean[key] = None
            elif hasattr(value, "item"):
                clean[key] = value.item()
            else:
                clean[key] = value
        geo = mapping(shapely.set_precision(geom, 10.0**-COORD_DECIMALS)) if geom is not None else None
        if geo is not None:
            geo = {"type": geo["type"], "coordinates": _round_coords(geo["coordinates"])}
        feature = {"type": "Feature", "properties": clean, "geometry": geo}
        features.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    lines.append(",\n".join(features))
    lines.append("]}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
