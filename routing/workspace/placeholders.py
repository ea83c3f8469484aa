"""No phantom hospitals: a planner's real hospital replaces the embedded placeholder it stands for.

The embedded table holds one county hospital per county under a derived name
(``长汀县县级综合医院（名称待核实）``, ``name_derived`` true) at the county seat. An uploaded hospital of
the same county and type within :data:`PLACEHOLDER_RADIUS_KM` of such a placeholder is offered as its
replacement (the app asks, the command line reports and applies with ``--replace-placeholders``).
Replacing gives the uploaded row the placeholder's ``facility_id``, so the merge updates the placeholder in
place — real name, surveyed point — and everything keyed by the id (capacities, pairings, rosters,
scenario comparison) moves with it; never two hospitals.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from geo.coords import haversine_km
from geo.facilities import HOSPITAL_TYPES

__all__ = ["PLACEHOLDER_RADIUS_KM", "apply_replacements", "find_placeholders", "mark_replacements"]

#: How close (km, great circle) an uploaded hospital must be to a placeholder to be offered as it.
PLACEHOLDER_RADIUS_KM = 2.0
_COLUMNS = [
    "upload_row",
    "upload_name",
    "placeholder_id",
    "placeholder_name",
    "county_name",
    "facility_type",
    "distance_km",
]


def _norm(name: object) -> str:
    return "".join(str(name).split())


def find_placeholders(working: pd.DataFrame, uploaded: pd.DataFrame) -> pd.DataFrame:
    """Uploaded hospitals that stand for an embedded placeholder: one row per proposed replacement.

    A proposal pairs an uploaded hospital (not matching any facility by id or by name within its county)
    with the nearest placeholder (``name_derived``) of the same county and type within
    :data:`PLACEHOLDER_RADIUS_KM`; each placeholder is proposed at most once (to the nearest upload).

    Returns
    -------
    pandas.DataFrame
        ``upload_row`` (position in ``uploaded``), ``upload_name``, ``placeholder_id``, ``placeholder_name``,
        ``county_name``, ``facility_type``, ``distance_km`` — ordered by placeholder id.
    """
    holders = working[
        working["facility_type"].isin(HOSPITAL_TYPES)
        & working["name_derived"].fillna(False).astype(bool)
        & working["lon"].notna()
    ]
    if holders.empty or uploaded.empty:
        return pd.DataFrame(columns=_COLUMNS)
    ids = set(working["facility_id"].astype(str))
    names = {(_norm(n), str(c)) for n, c in zip(working["name"], working["county_code"], strict=True)}
    proposals = []
    up = uploaded.reset_index(drop=True)
    lons, lats = up["lon"].to_numpy(float), up["lat"].to_numpy(float)
    for pos, (fid, name, ftype, county) in enumerate(
        zip(
            up["facility_id"].astype(str),
            up["name"].astype(str),
            up["facility_type"],
            up["county_code"],
            strict=True,
        )
    ):
        if ftype not in HOSPITAL_TYPES or fid in ids or (_norm(name), str(county)) in names:
            continue
        same = holders[(holders["county_code"] == county) & (holders["facility_type"] == ftype)]
        if same.empty or not np.isfinite(lons[pos]):
            continue
        d = haversine_km(same["lon"].to_numpy(float), same["lat"].to_numpy(float), lons[pos], lats[pos])
        best = int(np.argmin(d))
        if float(d[best]) <= PLACEHOLDER_RADIUS_KM:
            target = same.iloc[best]
            proposals.append(
                [
                    pos,
                    name,
                    str(target["facility_id"]),
                    str(target["name"]),
                    str(target["county_name"]),
                    str(ftype),
                    round(float(d[best]), 3),
                ]
            )
    out = pd.DataFrame(proposals, columns=_COLUMNS)
    out = out.sort_values(["placeholder_id", "distance_km", "upload_row"]).drop_duplicates("placeholder_id")
    return out.sort_values("placeholder_id").reset_index(drop=True)


def apply_replacements(uploaded: gpd.GeoDataFrame, proposals: pd.DataFrame) -> gpd.GeoDataFrame:
    """A copy of ``uploaded`` in which each proposed row takes its placeholder's ``facility_id``.

    Merging that copy (``routing.workspace.edits.merge_upload``) then updates the placeholder in place.
    """
    out = uploaded.copy()
    column = out.columns.get_loc("facility_id")
    for pos, fid in zip(proposals["upload_row"], proposals["placeholder_id"], strict=True):
        out.iloc[int(pos), column] = fid
    return out


def mark_replacements(report: pd.DataFrame, proposals: pd.DataFrame) -> pd.DataFrame:
    """The merge report with the replaced placeholders said so (``action`` "replaced placeholder")."""
    out = report.copy()
    replaced = out["facility_id"].astype(str).isin(set(proposals["placeholder_id"]))
    out.loc[replaced, "action"] = "replaced placeholder"
    out.loc[replaced, "matched_by"] = "placeholder"
    return out
