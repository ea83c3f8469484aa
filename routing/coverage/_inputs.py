"""Inputs of the coverage analysis: care sources (validated), mobile-hospital stops and townships in scope.

Private to :mod:`routing.coverage`: validation happens here once, at the boundary (a source without a point or
outside Fujian, an unknown type, prefecture or township code gets a message naming the row and the value).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from geo._errors import InputValidationError
from geo.facilities import FACILITY_TYPES, load_facilities
from geo.places import load_townships
from geo.scope import check_points_in_fujian, resolve_scope


def load_sources(source_types: Sequence[str], facilities: pd.DataFrame | None = None) -> pd.DataFrame:
    """Facilities of ``source_types`` from ``facilities`` (default: the embedded table), by facility_id."""
    for t in source_types:
        if t not in FACILITY_TYPES:
            msg = f"Unknown source facility type {t!r}; choose from: {', '.join(FACILITY_TYPES)}."
            raise InputValidationError(msg)
    fac = load_facilities() if facilities is None else facilities
    if "facility_type" not in fac.columns:
        raise InputValidationError("Facility table lacks the column facility_type.")
    fac = fac[fac["facility_type"].isin(list(source_types))]
    return fac.sort_values("facility_id").reset_index(drop=True)


def source_frame(facilities: pd.DataFrame) -> pd.DataFrame:
    """Validate source facilities (id, name, point in Fujian) and reduce them to the source columns."""
    need = ["facility_id", "name", "lon", "lat"]
    missing = [c for c in need if c not in facilities.columns]
    if missing:
        msg = f"Sources table lacks column(s) {', '.join(missing)}."
        raise InputValidationError(msg)
    src = facilities.reset_index(drop=True)
    lon = pd.to_numeric(src["lon"], errors="coerce").to_numpy(float)
    lat = pd.to_numeric(src["lat"], errors="coerce").to_numpy(float)
    no_point = ~(np.isfinite(lon) & np.isfinite(lat))
    if no_point.any():
        row = int(np.flatnonzero(no_point)[0])
        msg = (
            f"Source row {row} ({src['name'].iloc[row]!r}) has no coordinates; give it a lon/lat or drop it."
        )
        raise InputValidationError(msg)
    check_points_in_fujian(lon, lat, [f"Source row {i} ({name!r})" for i, name in enumerate(src["name"])])
    get = lambda c, d="": src[c].astype(str) if c in src.columns else d  # noqa: E731
    return pd.DataFrame(
        {
            "source_id": src["facility_id"].astype(str),
            "name": src["name"].astype(str),
            "source_kind": "hospital",
            "facility_type": get("facility_type"),
            "county_name": get("county_name"),
            "prefecture_name": get("prefecture_name"),
            "lon": lon,
            "lat": lat,
            "location_quality": get("location_quality"),
        }
    )


def stop_frame(township_codes: Sequence[str], townships: pd.DataFrame | None = None) -> pd.DataFrame:
    """Mobile-hospital stops at the seats of the given townships (codes looked up in ``townships``, then in
    the embedded table)."""
    if not township_codes:
        return source_frame(pd.DataFrame(columns=["facility_id", "name", "lon", "lat"]))
    tables = [] if townships is None else [pd.DataFrame(townships)]
    tables.append(pd.DataFrame(load_townships()))
    cols = ["code", "name", "county_name", "prefecture_name", "lon", "lat"]
    town = pd.concat([tab[cols] for tab in tables])
    town = town.drop_duplicates("code").set_index("code")
    rows = []
    for code in township_codes:
        code = str(code)
        if code not in town.index:
            msg = f"Mobile stop: no township with code {code!r}."
            raise InputValidationError(msg)
        t = town.loc[code]
        if not (np.isfinite(t["lon"]) and np.isfinite(t["lat"])):
            place = f"{t['county_name']}{t['name']} ({code})"
            msg = f"Mobile stop at {place}: this township has no point in the dataset."
            raise InputValidationError(msg)
        rows.append(
            {
                "facility_id": f"STOP-{code}",
                "name": f"流动医院停靠点·{t['county_name']}{t['name']}",
                "facility_type": "mobile_stop",
                "county_name": t["county_name"],
                "prefecture_name": t["prefecture_name"],
                "lon": t["lon"],
                "lat": t["lat"],
                "location_quality": "approximate: township seat",
            }
        )
    frame = source_frame(pd.DataFrame(rows))
    frame["source_kind"] = "mobile_stop"
    return frame


def scope_townships(townships: pd.DataFrame | None, prefecture: str | None) -> tuple[pd.DataFrame, str]:
    """Townships of ``prefecture`` (all of Fujian when None), sorted by code, and the scope's label."""
    if townships is None:
        townships = load_townships()
    elif hasattr(townships, "crs") and townships.crs is not None and townships.crs.to_epsg() != 4326:
        msg = f"Townships must be in EPSG:4326 (WGS84 lon/lat), got {townships.crs.to_string()!r}."
        raise InputValidationError(msg)
    frame = pd.DataFrame(townships.drop(columns="geometry", errors="ignore")).copy()
    scope = resolve_scope(prefecture)
    frame = frame[scope.mask(frame)]
    return frame.sort_values("code").reset_index(drop=True), scope.label
