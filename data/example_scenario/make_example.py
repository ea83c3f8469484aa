"""Rebuild the EXAMPLE weak-county list (not the official one).

Run ``python -m data.example_scenario.make_example``.

Rule (documented, reproducible): among counties of kind 县 (not districts, not county-level cities), the 25
whose county general hospital is farthest (estimated network, one-way minutes) from the nearest of the 8
example tertiary hospitals in ``tertiary_hospitals_example.csv``. Travel time is the only criterion: the
province's real list of 25 weak counties rests on hospital capability, which our data does not hold.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def build() -> pd.DataFrame:
    """Compute the example list (estimated network, deterministic)."""
    from geo.facilities import load_facilities
    from geo.network import EstimatedNetwork
    from geo.places import load_counties

    fac = pd.DataFrame(load_facilities().drop(columns="geometry"))
    tert = pd.read_csv(HERE / "tertiary_hospitals_example.csv", dtype=str)
    th = fac.set_index("facility_id").loc[tert["facility_id"]]
    counties = pd.DataFrame(load_counties().drop(columns="geometry"))
    xian = counties[counties["kind"] == "县"]
    ch = fac[(fac["facility_type"] == "county_hospital") & fac["county_code"].isin(xian["code"])]
    ch = ch.sort_values("county_code").reset_index(drop=True)
    travel = EstimatedNetwork().travel(th[["lon", "lat"]].to_numpy(float), ch[["lon", "lat"]].to_numpy(float))
    nearest = np.min(travel.minutes, axis=0)
    ch = ch.assign(nearest_tertiary_minutes_est=np.round(nearest, 1))
    top = ch.sort_values(["nearest_tertiary_minutes_est", "county_code"], ascending=[False, True]).head(25)
    out = top[["prefecture_name", "county_name", "county_code", "nearest_tertiary_minutes_est"]]
    out = out.sort_values("county_code").reset_index(drop=True)
    out["basis"] = (
        "示例（非官方名单）example, not the official list: farthest 县 from the example tertiary hospitals"
    )
    return out


if __name__ == "__main__":
    frame = build()
    frame.to_csv(HERE / "weak_counties_example.csv", index=False, lineterminator="\n")
    print(f"wrote {len(frame)} example weak counties")
