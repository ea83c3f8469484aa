"""Pairing hospitals with health centers (千名医师下基层) and tertiary hospitals with weak counties.

Cores on plain arrays live in :mod:`routing._pairing_core` and are re-exported here.
"""

from __future__ import annotations

from routing._pairing_core import (
    PairingParams,
    PairingResult,
    TertiaryPairingResult,
    greedy_nearest,
    pair_from_matrix,
    pair_tertiary_from_matrix,
)

__all__ = [
    "PairingParams",
    "PairingResult",
    "TertiaryPairingResult",
    "greedy_nearest",
    "pair_from_matrix",
    "pair_tertiary_from_matrix",
]
