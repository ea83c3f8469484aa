"""Bench: the programme year at province scale — ≈1,100 centers × ≈1,500 named doctors × 12 months in ≤ 60 s.

Run ``python bench/programme.py`` (or ``python -m bench.programme``). A synthetic register (names B0001…,
clearly not people) puts on every county hospital one doctor per center of its county and on the city
hospitals of each prefecture 35% of its centers, topped up to 1,500 doctors; 10% are available only part of
the year, 5% are below 中级 (flagged, never assigned). Printed: wall time of
:func:`routing.programme.plan_year` for the province (travel matrix + 12 exact monthly solves), the figures
per month, and, for January, the exact optimum's travel minutes against a greedy baseline of the same model
run side by side (centers in order of fewest options take the nearest allowed doctor with days left,
preferring doctors without a day yet; then every doctor still without a day goes to the nearest allowed
center). State the machine load with the figures: the machine is shared.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.facilities import load_facilities
from geo.network import active_network
from routing.programme import ProgrammeParams, plan_year
from routing.programme.register import REGISTER_COLUMNS, Register

N_DOCTORS = 1500
TITLES = ("主治医师", "副主任医师", "主任医师")
SPECIALTIES = ("内科", "外科", "儿科", "妇产科", "中医科", "全科医学科")


def synthetic_register(facilities: pd.DataFrame, n_doctors: int = N_DOCTORS, seed: int = 0) -> Register:
    """A province register of ``n_doctors`` synthetic doctors (see the module doc)."""
    rng = np.random.default_rng(seed)
    fac = facilities
    centers = fac[fac["facility_type"].isin(["township_health_center", "community_health_center"])]
    per_county = centers.groupby(["prefecture_name", "county_name"]).size()
    per_pref = centers.groupby("prefecture_name").size()
    hosp = fac[fac["facility_type"].isin(["county_hospital", "city_hospital"])]
    slots: list[tuple[str, str, str, str, str]] = []
    for h in hosp.itertuples():
        if h.facility_type == "county_hospital":
            n = int(per_county.get((h.prefecture_name, h.county_name), 0))
        else:
            n_city = int(
                (
                    (hosp["prefecture_name"] == h.prefecture_name)
                    & (hosp["facility_type"] == "city_hospital")
                ).sum()
            )
            n = math.ceil(0.35 * int(per_pref.get(h.prefecture_name, 0)) / n_city)
        slots += [(h.facility_id, h.name, h.facility_type, h.county_name, h.prefecture_name)] * n
    while len(slots) < n_doctors:
        slots.append(slots[int(rng.integers(len(slots)))])
    rows = []
    for k, (fid, name, ftype, county, pref) in enumerate(slots[:n_doctors]):
        part_year = rng.random() < 0.10
        low = rng.random() < 0.05
        start = int(rng.integers(1, 7))
        rows.append(
            {
                "doctor_id": f"D{k + 1:04d}",
                "name": f"B{k + 1:04d}",
                "title": "住院医师" if low else TITLES[k % 3],
                "title_level": "初级" if low else "中级",
                "eligible": not low,
                "flag": "职称低于中级" if low else "",
                "specialty": SPECIALTIES[int(rng.integers(len(SPECIALTIES)))],
                "hospital_id": fid,
                "hospital": name,
                "hospital_type": ftype,
                "county": county,
                "prefecture": pref,
                "months": f"{start}-12" if part_year else "1-12",
                "max_days": None,
                "row": k + 2,
            }
        )
    doctors = pd.DataFrame(rows, columns=REGISTER_COLUMNS)
    doctors["max_days"] = doctors["max_days"].astype("Int64")
    return Register(doctors, pd.DataFrame(), (), "synthetic")


def greedy_january(plan, network) -> tuple[float, int]:
    """Greedy baseline on January's model: (Σ one-way travel minutes, centers left without a doctor)."""
    from routing.pairing.plan import travel_minutes
    from routing.programme.year import _allowed, _hospital_frame

    fac = load_facilities()
    fac = pd.DataFrame(fac.drop(columns="geometry"))
    doctors = plan.doctors[plan.doctors["in_scope"]].reset_index(drop=True)
    doctors = doctors[[1 in _months(m) for m in doctors["months"]]].reset_index(drop=True)
    hosp, doc_hosp = _hospital_frame(fac, doctors)
    _, minutes = travel_minutes(network, hosp, plan.centers)
    cost = minutes[doc_hosp]
    allowed = _allowed(doctors, plan.centers, {}) & np.isfinite(cost)
    left = np.array(doctors["max_days"].fillna(4).astype(int).to_numpy(), copy=True)
    used = np.zeros(len(doctors), dtype=int)
    total, missing = 0.0, 0
    for c in np.argsort(allowed.sum(axis=0), kind="stable"):
        cand = np.flatnonzero(allowed[:, c] & (left > 0))
        if cand.size == 0:
            missing += 1
            continue
        best = cand[np.lexsort((cost[cand, c], used[cand] > 0))[0]]
        total += cost[best, c]
        left[best] -= 1
        used[best] += 1
    for d in np.flatnonzero(used == 0):
        opts = np.flatnonzero(allowed[d])
        if opts.size:
            total += cost[d, opts].min()
    return total, missing


def _months(text: str) -> tuple[int, ...]:
    from routing.programme.register import parse_months

    return parse_months(text)


def main() -> None:
    """Time the province year and print the figures."""
    os.environ.setdefault("XUNZHEN_CACHE_DIR", tempfile.mkdtemp(prefix="xz-bench-"))
    facilities = load_facilities()
    register = synthetic_register(facilities)
    network = active_network()
    print(f"load: {os.getloadavg()[0]:.2f} (1-min); network: {network.label('en')}")
    n_centers = int(
        facilities["facility_type"].isin(["township_health_center", "community_health_center"]).sum()
    )
    print(
        f"register: {len(register.doctors)} doctors ({int(register.doctors['eligible'].sum())} eligible), "
        f"{n_centers} centers, 12 months"
    )
    t0 = time.perf_counter()
    plan = plan_year(register, year=2027, facilities=facilities, network=network, params=ProgrammeParams())
    elapsed = time.perf_counter() - t0
    s = plan.summary
    print(f"province year plan: {elapsed:.1f} s (target ≤ 60 s) — {len(plan.visits):,} doctor-days")
    print(
        s[
            [
                "month",
                "working_days",
                "centers_covered",
                "doctor_days",
                "doctors_used",
                "city_share",
                "objective_minutes",
            ]
        ].to_string(index=False)
    )
    distinct = plan.visits.groupby("center_id")["doctor_id"].nunique()
    print(f"distinct doctors per center over the year: min {distinct.min()}, median {distinct.median():.0f}")
    jan = plan.visits[plan.visits["month"] == "2027-01"]
    exact = float(jan["minutes"].sum())
    greedy, missing = greedy_january(plan, network)
    print(
        f"January travel (one-way minutes): exact {exact:,.0f} vs greedy {greedy:,.0f} "
        f"(ratio greedy/exact {greedy / exact:.3f}; greedy leaves {missing} centers without a doctor)"
    )
    t1 = time.perf_counter()
    again = plan_year(register, year=2027, facilities=facilities, network=network, params=ProgrammeParams())
    same = again.visits.equals(plan.visits)
    print(f"second run (matrix cached): {time.perf_counter() - t1:.1f} s; identical: {same}")


if __name__ == "__main__":
    main()
