"""The tertiary programme: 8 strong tertiary hospitals ↔ 25 weak county hospitals (三级医院对口帮扶).

:func:`plan_tertiary_pairing` is the adapter on the facility table over the balanced assignment core
(:func:`routing.pairing._tertiary.pair_tertiary_from_matrix`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo._errors import InputValidationError, UnknownPlaceError
from geo.facilities import load_facilities
from geo.network import Network, active_network
from geo.scope import resolve_scope
from routing.matrix import travel_matrix
from routing.pairing._tertiary import TertiaryPairingResult, pair_tertiary_from_matrix

__all__ = ["TertiaryPlan", "plan_tertiary_pairing"]


def _points(frame: pd.DataFrame) -> np.ndarray:
    return frame[["lon", "lat"]].to_numpy(dtype=float)


@dataclass(frozen=True)
class TertiaryPlan:
    """Tertiary hospital → weak county pairing: ``pairs`` (hospital_id, hospital, county, county_hospital,
    minutes, km, estimated), the core result and the network label."""
    pairs: pd.DataFrame
    result: TertiaryPairingResult
    estimated: bool
    network_label: str


def plan_tertiary_pairing(
    tertiary_ids: Sequence[str],
    weak_counties: Sequence[str],
    facilities: pd.DataFrame | None = None,
    *,
    network: Network | None = None,
    min_per_hospital: int | None = None,
    max_per_hospital: int | None = None,
) -> TertiaryPlan:
    """Balanced, travel-aware tertiary → weak-county pairing (minutes to each county's general hospital).

    Parameters
    ----------
    tertiary_ids
        ``facility_id`` of the tertiary hospitals (e.g. the 8 of the programme; the planner chooses them).
    weak_counties
        County names (``长汀县`` or qualified ``龙岩市长汀县``) of the weak counties (e.g. the 25).

    Raises
    ------
    InputValidationError
        No tertiary hospital or no weak county chosen.
    UnknownPlaceError
        An id or county name is not in the facility table.
    InfeasibleError
        The balance cannot hold, or a county is unreachable.
    """
    if not list(tertiary_ids):
        msg = "请至少选择一家三级医院 / choose at least one tertiary hospital"
        raise InputValidationError(msg)
    if not list(weak_counties):
        msg = "请至少选择一个薄弱县 / choose at least one weak county"
        raise InputValidationError(msg)
    if facilities is None:
        facilities = load_facilities()
    if network is None:
        network = active_network()
    fac = pd.DataFrame(facilities.drop(columns="geometry", errors="ignore"))
    by_id = fac.set_index("facility_id")
    missing = [t for t in tertiary_ids if t not in by_id.index]
    if missing:
        msg = f"tertiary hospital id(s) not in the facility table: {missing}"
        raise UnknownPlaceError(msg)
    hosp = by_id.loc[list(tertiary_ids)].reset_index()
    ch = fac[fac["facility_type"] == "county_hospital"]
    rows = []
    for name in weak_counties:
        scope = resolve_scope(counties=name)
        hit = ch[(ch["prefecture_name"] == scope.prefecture) & (ch["county_name"] == scope.county)]
        if hit.empty:
            msg = f"weak county {name!r}: no county hospital in the facility table"
            raise UnknownPlaceError(msg)
        rows.append(hit.sort_values("facility_id").iloc[0])
    county_h = pd.DataFrame(rows).reset_index(drop=True)
    travel = travel_matrix(network, _points(hosp), _points(county_h))
    result = pair_tertiary_from_matrix(
        travel.minutes,
        min_per_hospital=min_per_hospital,
        max_per_hospital=max_per_hospital,
        hospital_names=hosp["name"].tolist(),
        county_names=(county_h["prefecture_name"] + county_h["county_name"]).tolist(),
    )
    k = np.arange(len(county_h))
    h = result.hospital_of_county
    pairs = (
        pd.DataFrame(
            {
                "hospital_id": hosp["facility_id"].to_numpy()[h],
                "hospital": hosp["name"].to_numpy()[h],
                "prefecture": county_h["prefecture_name"].to_numpy(),
                "county": county_h["county_name"].to_numpy(),
                "county_hospital": county_h["name"].to_numpy(),
                "minutes": np.round(result.minutes, 1),
                "km": np.round(np.asarray(travel.km)[h, k], 1),
                "estimated": bool(travel.estimated),
            }
        )
        .sort_values(["hospital_id", "minutes"], kind="stable")
        .reset_index(drop=True)
    )
    return TertiaryPlan(
        pairs=pairs, result=result, estimated=bool(travel.estimated), network_label=network.label("zh")
    )
