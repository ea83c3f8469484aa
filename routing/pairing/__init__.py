"""Pairing: county-and-above hospitals → township/community health centers, rosters, 附件1/附件2, progress.

Rooms: ``core`` (min-cost flow on arrays), ``_flow``, ``_greedy`` (baseline), ``_tertiary`` (8 ↔ 25), ``plan``
(adapter on the facility table), ``example`` (the example scenario), ``roster``, ``forms``, ``progress``,
``map``,
``__main__`` (``python -m routing.pairing``).
"""

from routing.pairing.plan import (
    CENTER_TYPES,
    HOSPITAL_TYPES,
    PairingParams,
    PairingPlan,
    PairingResult,
    TertiaryPairingResult,
    TertiaryPlan,
    capacity_table,
    default_capacities,
    greedy_nearest,
    load_example_scenario,
    pair_from_matrix,
    pair_tertiary_from_matrix,
    plan_pairing,
    plan_tertiary_pairing,
    read_capacities,
)

__all__ = [
    "CENTER_TYPES",
    "HOSPITAL_TYPES",
    "PairingParams",
    "PairingPlan",
    "PairingResult",
    "TertiaryPairingResult",
    "TertiaryPlan",
    "capacity_table",
    "default_capacities",
    "greedy_nearest",
    "load_example_scenario",
    "pair_from_matrix",
    "pair_tertiary_from_matrix",
    "plan_pairing",
    "plan_tertiary_pairing",
    "read_capacities",
]
