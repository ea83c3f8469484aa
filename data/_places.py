"""Build the township table, county population and county seats, and the WGS84 boundaries.

Inputs are the raw files of ``shared/data/places`` (see its SOURCES.md); each function is pure given them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from geo.coords import gcj02_to_wgs84

#: Census 2020 county codes (pre-2021) → current NBS 2023 codes; 梅列+三元 merged into the new 三元区.
CENSUS_CODE_REMAP: dict[str, str] = {
    "350402": "350404",
    "350403": "350404",
    "350427": "350405",
    "350625": "350605",
    "350681": "350604",
}

#: Current county code → the Vonng/adcode 2016 county code whose centre point is used as the county seat,
#: with the note recorded in ``seat_source``.
SEAT_CODE_REMAP: dict[str, tuple[str, str]] = {
    "350112": ("350182", "350182 长乐市, which became 350112 长乐区 in 2017"),
    "350404": ("350403", "350403 三元区, before its 2021 merger with 350402 梅列区"),
    "350405": ("350427", "350427 沙县, which became 350405 沙县区 in 2021"),
    "350604": ("350681", "350681 龙海市, which became 350604 龙海区 in 2021"),
    "350605": ("350625", "350625 长泰县, which became 350605 长泰区 in 2021"),
}

#: NBS 2023 township code → (Vonng/adcode 2016 code, match note) for matches the shared join missed.
MANUAL_MATCHES: dict[str, tuple[str, str, str]] = {
    "350723200000": ("350723200000", "鸾风乡", "manual: same code, Vonng spells it 鸾风乡"),
}

#: Boundary simplification tolerance (metres, EPSG:32650), GEOS coverage simplification (Visvalingam–Whyatt):
#: roughly the square root of the area of the triangles removed, so shared borders stay shared.
SIMPLIFY_TOLERANCE_M = 40.0

FOCUS_PREFECTURE_NAMES = ("龙岩市", "三明市", "宁德市", "南平市")

VONNG = "vonng_adcode2016_fujian_all_levels_gcj02.csv"
TOWNSHIPS = "fujian_townships_nbs2023.csv"
CENSUS = "tudigong_population_2020census_fujian_county.csv"
COUNTY_POLYGONS = "fujian_county_boundaries_gcj02_cnmaps.geojson"

NO_MATCH_REASON = "not matched to any unit of Vonng/adcode 2016 (created or renamed after 2016)"
NO_POINT_REASON = "in Vonng/adcode 2016 but without a centre point or any village point"


def _read_csv(path: Path) -> pd.DataFrame:
    from geo._errors import DataFileError

    if not path.is_file():
        msg = f"Source file {str(path)!r} is missing; see shared/data/places/SOURCES.md."
        raise DataFileError(msg)
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _point_source(coord_source: str) -> str:
    if coord_source == "vonng_town_center":
        return "Vonng/adcode 2016 town centre point (GCJ-02→WGS84)"
    if coord_source.startswith("vonng_mean_of_"):
        n = coord_source.removeprefix("vonng_mean_of_").split("_")[0]
        return f"mean of {n} Vonng/adcode 2016 village points (GCJ-02→WGS84)"
    return ""


def county_census(source: Path) -> pd.Series:
    """2020 census resident population per current county code (persons); 金门 (no value) left out."""
    census = _read_csv(source / CENSUS)
    census = census[census["POPU"].str.strip() != ""]
    codes = census["CODE"].map(lambda c: CENSUS_CODE_REMAP.get(c, c))
    return census["POPU"].astype(np.int64).groupby(codes.values).sum().sort_index()


def _largest_remainder(total: int, weights: np.ndarray) -> np.ndarray:
    """Split the integer ``total`` in proportion to ``weights`` so that the parts sum to ``total`` exactly."""
    share = total * weights / weights.sum()
    base = np.floor(share).astype(np.int64)
    rest = total - int(base.sum())
    order = np.lexsort((np.arange(len(share)), -(share - base)))  # biggest remainder first, ties by position
    base[order[:rest]] += 1
    return base


def build_townships(source: Path) -> pd.DataFrame:
    """All 1,106 admin townships with WGS84 point, provenance and estimated population.

    Population is estimated: each county's 2020 census total split in proportion to the number of
    village-level units (村委会/居委会) that Vonng/adcode 2016 lists under the township; a township
    with no 2016 match gets the median weight of its county's matched townships.
    """
    raw = _read_csv(source / TOWNSHIPS)
    town = raw[raw["is_admin_township"] == "1"].copy().sort_values("code12").reset_index(drop=True)
    for code, (old, old_name, note) in MANUAL_MATCHES.items():
        row = town["code12"] == code
        if row.sum() == 1 and town.loc[row, "vonng2016_code12"].iloc[0] == "":
            town.loc[row, ["vonng2016_code12", "vonng2016_name", "coord_match"]] = [old, old_name, note]
    vonng = _read_csv(source / VONNG)
    villages_per_town = vonng[vonng["level"] == "village"].groupby("parent").size()

    has_point = town["lng_gcj02"] != ""
    lon = np.full(len(town), np.nan)
    lat = np.full(len(town), np.nan)
    glon = town.loc[has_point, "lng_gcj02"].astype(float).to_numpy()
    glat = town.loc[has_point, "lat_gcj02"].astype(float).to_numpy()
    wlon, wlat = gcj02_to_wgs84(glon, glat)
    lon[has_point.to_numpy()] = np.round(wlon, 6)
    lat[has_point.to_numpy()] = np.round(wlat, 6)

    matched = town["vonng2016_code12"] != ""
    reason = np.where(has_point, "", np.where(matched, NO_POINT_REASON, NO_MATCH_REASON))
    weight = town["vonng2016_code12"].map(villages_per_town).astype(float)
    weight_note = pd.Series(
        np.where(weight.notna(), "village-level units under the 2016 township", ""), dtype=object
    )
    for county, idx in town.groupby("county_code").groups.items():
        w = weight.loc[idx]
        fill = float(w.median()) if w.notna().any() else 1.0
        missing = w.index[w.isna()]
        weight.loc[missing] = fill
        weight_note.loc[missing] = f"no 2016 match: median weight of the matched townships of county {county}"

    census = county_census(source)
    population = np.zeros(len(town), dtype=np.int64)
    for county, idx in town.groupby("county_code").groups.items():
        if county not in census.index:
            from geo._errors import DataFileError

            msg = f"{CENSUS}: no 2020 census population for county {county!r}."
            raise DataFileError(msg)
        population[np.asarray(idx)] = _largest_remainder(int(census[county]), weight.loc[idx].to_numpy())

    return pd.DataFrame(
        {
            "code": town["code12"],
            "name": town["name"],
            "kind": town["kind"],
            "county_code": town["county_code"],
            "county_name": town["county_name"],
            "prefecture_code": town["prefecture_code"],
            "prefecture_name": town["prefecture_name"],
            "lon": lon,
            "lat": lat,
            "point_source": [
                _point_source(s) if p else "" for s, p in zip(town["coord_source"], has_point, strict=True)
            ],
            "no_point_reason": reason,
            "population_est": population,
            "population_weight": weight.to_numpy(),
            "population_weight_source": weight_note.to_numpy(),
            "vonng2016_code": town["vonng2016_code12"],
            "vonng2016_name": town["vonng2016_name"],
            "match_2016": town["coord_match"].replace("none", ""),
        }
    )


def county_kind(name: str) -> str:
    """区, 县 or 县级市 from a county-level name (沙县区 → 区, 沙县 → 县, 漳平市 → 县级市)."""
    if name.endswith("区"):
        return "区"
    if name.endswith("市"):
        return "县级市"
    if name.endswith("县"):
        return "县"
    msg = f"Cannot tell the kind of county-level unit {name!r}."
    raise ValueError(msg)


def county_seats(source: Path, codes: list[str]) -> pd.DataFrame:
    """County seat per current county code: the Vonng/adcode 2016 county centre point, converted to WGS84."""
    vonng = _read_csv(source / VONNG)
    county = vonng[(vonng["level"] == "county") & (vonng["longitude"] != "")]
    by_code = county.set_index(county["code"].str[:6])
    rows = []
    for code in codes:
        old, note = SEAT_CODE_REMAP.get(code, (code, ""))
        rec = by_code.loc[old]
        wlon, wlat = gcj02_to_wgs84(float(rec["longitude"]), float(rec["latitude"]))
        src = "Vonng/adcode 2016 county centre point (GCJ-02→WGS84)"
        if note:
            src += f" of {note}"
        rows.append((code, round(float(wlon), 6), round(float(wlat), 6), src))
    return pd.DataFrame(rows, columns=["code", "seat_lon", "seat_lat", "seat_source"])


def _gcj_geometry_to_wgs84(geoms: np.ndarray) -> np.ndarray:
    def convert(xy: np.ndarray) -> np.ndarray:
        lon, lat = gcj02_to_wgs84(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, convert)


def county_polygons(source: Path, tolerance_m: float = SIMPLIFY_TOLERANCE_M) -> pd.DataFrame:
    """County polygons (WGS84), converted vertex by vertex from GCJ-02 and coverage-simplified.

    Returns a frame with ``code``, ``name``, ``geometry`` (shapely, WGS84), sorted by code.
    """
    import geopandas as gpd

    from geo._errors import DataFileError

    path = source / COUNTY_POLYGONS
    if not path.is_file():
        msg = f"Source file {str(path)!r} is missing; see shared/data/places/SOURCES.md."
        raise DataFileError(msg)
    raw = gpd.read_file(path).sort_values("adcode").reset_index(drop=True)
    wgs = _gcj_geometry_to_wgs84(raw.geometry.to_numpy())
    to_utm = Transformer.from_crs(4326, 32650, always_xy=True)
    to_lonlat = Transformer.from_crs(32650, 4326, always_xy=True)
    utm = shapely.transform(wgs, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
    simple = shapely.coverage_simplify(utm, tolerance_m, simplify_boundary=True)
    back = shapely.transform(simple, lambda xy: np.column_stack(to_lonlat.transform(xy[:, 0], xy[:, 1])))
    back = shapely.set_precision(back, 1e-6)
    back = np.array([shapely.make_valid(g) if not g.is_valid else g for g in back], dtype=object)
    return pd.DataFrame(
        {
            "code": raw["adcode"].astype(str),
            "name": raw["name"],
            "prefecture": raw["prefecture"],
            "geometry": back,
        }
    )
