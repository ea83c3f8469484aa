"""Pairing: county-and-above hospitals → township/community health centers, rosters, 附件1/附件2, progress.

Rooms: ``core`` (min-cost flow on arrays) with ``_model`` (inputs → masks, quick shortfall checks) and
``_flow``; ``_greedy`` (baseline); ``capacity`` (doctor-days per hospital: default assumption, planner table);
``plan`` (adapter on the facility table); ``_tertiary`` + ``tertiary`` (8 ↔ 25: core, adapter, agreements);
``example`` (the example scenario); ``roster``, ``forms``, ``progress``, ``map``; ``__main__``
(``python -m routing.pairing``).
"""

from geo.facilities import HOSPITAL_TYPES
from routing.pairing._greedy import greedy_nearest
from routing.pairing._tertiary import TertiaryPairingResult, pair_tertiary_from_matrix
from routing.pairing.capacity import CENTER_TYPES, capacity_table, default_capacities, read_capacities
from routing.pairing.core import PairingParams, PairingResult, pair_from_matrix
from routing.pairing.example import load_example_scenario
from routing.pairing.plan import PairingPlan, plan_pairing
from routing.pairing.tertiary import TertiaryPlan, plan_tertiary_pairing

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
