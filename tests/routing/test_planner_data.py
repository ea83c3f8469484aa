"""The analyses plan on the planner's facility table (uploads, surveyed points), not only the embedded one.

``routing.coverage.prepare(facilities=…)``, ``routing.tours.tour_candidates/plan_fujian_tours(facilities=…)``
and
``routing.pairing.plan_pairing(facilities)``: a hospital added or moved in the table changes the result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.facilities import load_facilities
from geo.network import EstimatedNetwork
from geo.places import load_townships

HONGSHAN = "350821205000"  # 长汀县红山乡: left out at 60 min (估算) from every county-level hospital


@pytest.fixture(autouse=True)
def _private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("XUNZHEN_CACHE_DIR", str(tmp_path / "cache"))


def _with_hospital_at(township_code: str, facility_type: str = "county_hospital") -> pd.DataFrame:
    """The embedded table plus an uploaded-like hospital at a township seat (synthetic test row)."""
    fac = load_facilities()
    t = load_townships().set_index("code").loc[township_code]
    row = {c: "" for c in fac.columns if c != "geometry"}
    row.update(
        facility_id="U0000000001", name="测试医院", facility_type=facility_type, name_derived=False,
        county_code=t["county_code"], county_name=t["county_name"], prefecture_code=t["prefecture_code"],
        prefecture_name=t["prefecture_name"], township_code=township_code, lon=float(t["lon"]),
        lat=float(t["lat"]), location_quality="surveyed", doctors_per_month=np.nan,
    )
    plain = pd.DataFrame(fac.drop(columns="geometry"))
    return pd.concat([plain, pd.DataFrame([row])], ignore_index=True)


def test_coverage_uses_the_given_facility_table() -> None:
    from routing import coverage as cov

    net = EstimatedNetwork()
    base = cov.evaluate(cov.prepare(net, prefecture="龙岩", cache=False), 60)
    fac = _with_hospital_at(HONGSHAN)
    inputs = cov.prepare(net, prefecture="龙岩", cache=False, facilities=fac)
    assert "U0000000001" in set(inputs.sources["source_id"])
    after = cov.evaluate(inputs, 60)
    town = after.townships.set_index("code")
    assert bool(town.at[HONGSHAN, "covered"])
    assert not bool(base.townships.set_index("code").at[HONGSHAN, "covered"])
    assert after.summary["covered_population_est"] > base.summary["covered_population_est"]


def test_coverage_without_a_facility_table_is_unchanged() -> None:
    from routing import coverage as cov

    net = EstimatedNetwork()
    a = cov.prepare(net, prefecture="龙岩", cache=False)
    b = cov.prepare(net, prefecture="龙岩", cache=False, facilities=load_facilities())
    assert list(a.sources["source_id"]) == list(b.sources["source_id"])
    assert np.array_equal(a.minutes, b.minutes)


def test_tour_remoteness_and_depot_come_from_the_given_table() -> None:
    from routing.tours import TourParams, plan_fujian_tours, tour_candidates

    net = EstimatedNetwork()
    fac = _with_hospital_at(HONGSHAN)
    before, _, _ = tour_candidates(counties=["长汀县"], network=net)
    after, _, _ = tour_candidates(counties=["长汀县"], network=net, facilities=fac)
    r0 = before.set_index("code").at[HONGSHAN, "remoteness_minutes"]
    r1 = after.set_index("code").at[HONGSHAN, "remoteness_minutes"]
    assert r0 > 60 and r1 == pytest.approx(0.0)

    tour = plan_fujian_tours(
        "U0000000001", counties=["长汀县"], params=TourParams(days=1, iterations=200), network=net,
        facilities=fac,
    )
    assert tour.depot_code == "U0000000001"
    assert tour.lonlat[0].tolist() == pytest.approx(fac.iloc[-1][["lon", "lat"]].astype(float).tolist())


def test_pairing_plans_on_the_given_table() -> None:
    from routing.pairing import plan_pairing

    fac = _with_hospital_at(HONGSHAN)
    plan = plan_pairing(fac, county="长汀县", capacities={"U0000000001": 3}, network=EstimatedNetwork())
    used = plan.pairs.loc[plan.pairs["hospital_id"] == "U0000000001", "days"].sum()
    assert "U0000000001" in set(plan.hospitals["facility_id"])
    assert used >= 1  # the new hospital sits in 红山乡: its own center is nearest
