"""Private min-cost-flow plumbing for :mod:`routing.pairing` (OR-Tools ``SimpleMinCostFlow``).

The pairing problems are transportation problems with side constraints that keep the network structure:

* a *lower bound* on the flow through an arc (the city-hospital share, the minimum number of counties per
tertiary
  hospital) is written as two parallel arcs: the first ``lower`` units carry a bonus of ``-big_m`` per unit,
  the rest cost 0. ``solve_max_flow_with_min_cost`` first maximises the flow, then minimises cost, so the
  bonus arcs are filled whenever that is possible; whether they were filled tells whether the lower bound
  holds. ``big_m`` exceeds any total travel cost, so the result is the exact constrained optimum (integral,
  gap 0).

Everything here is deterministic: the same arcs in the same order give the same flows.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike
from ortools.graph.python import min_cost_flow

__all__ = ["FlowNetwork", "FlowSolution"]


@dataclass
class FlowSolution:
    """Flows of one solve: ``flow`` per arc (same order as added), ``max_flow``, ``cost`` (scaled units)."""
    flow: np.ndarray
    max_flow: int
    cost: int


class FlowNetwork:
    """A small builder over ``SimpleMinCostFlow`` that remembers arcs so residual graphs can be inspected."""
    def __init__(self, n_nodes: int) -> None:
        self.n_nodes = n_nodes
        self.tails: list[np.ndarray] = []
        self.heads: list[np.ndarray] = []
        self.caps: list[np.ndarray] = []
        self.costs: list[np.ndarray] = []
        self._n = 0

    def add(self, tails: ArrayLike, heads: ArrayLike, caps: ArrayLike, costs: ArrayLike) -> np.ndarray:
        """Add arcs (vectorised; scalars broadcast to the tails); returns their arc indices."""
        tail_arr = np.asarray(tails, dtype=np.int64).ravel()
        k = tail_arr.size
        self.tails.append(tail_arr)
        self.heads.append(np.broadcast_to(np.asarray(heads, dtype=np.int64), (k,)).copy())
        self.caps.append(np.broadcast_to(np.asarray(caps, dtype=np.int64), (k,)).copy())
        self.costs.append(np.broadcast_to(np.asarray(costs, dtype=np.int64), (k,)).copy())
        idx = np.arange(self._n, self._n + k)
        self._n += k
        return idx

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """All arcs as (tails, heads, capacities, costs)."""
        cat = np.concatenate
        empty = [np.zeros(0, dtype=np.int64)]
        return (
            cat(self.tails or empty),
            cat(self.heads or empty),
            cat(self.caps or empty),
            cat(self.costs or empty),
        )

    def solve(self, source: int, sink: int, supply: int, mask: np.ndarray | None = None) -> FlowSolution:
        """Maximum flow of at most ``supply`` from ``source`` to ``sink`` at minimum cost.

        ``mask`` (bool per arc) switches arcs off (capacity 0) without renumbering them.
        """
        tails, heads, caps, costs = self.arrays()
        if mask is not None:
            caps = np.where(mask, caps, 0)
        smcf = min_cost_flow.SimpleMinCostFlow()
        if tails.size:
            smcf.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
        # make sure every node exists even when it has no arc
        smcf.set_node_supply(source, int(supply))
        smcf.set_node_supply(sink, -int(supply))
        status = smcf.solve_max_flow_with_min_cost()
        if status != min_cost_flow.SimpleMinCostFlow.OPTIMAL:  # pragma: no cover - OR-Tools contract
            msg = f"min-cost flow failed with status {status!r}"
            raise RuntimeError(msg)
        flow = smcf.flows(np.arange(tails.size)) if tails.size else np.zeros(0, dtype=np.int64)
        return FlowSolution(
            flow=np.asarray(flow, dtype=np.int64),
            max_flow=int(smcf.maximum_flow()),
            cost=int(smcf.optimal_cost()),
        )

    def reachable_in_residual(
        self, source: int, flow: np.ndarray, mask: np.ndarray | None = None
    ) -> np.ndarray:
        """Nodes reachable from ``source`` in the residual graph of ``flow`` (bool per node): cut side."""
        tails, heads, caps, _ = self.arrays()
        if mask is not None:
            caps = np.where(mask, caps, 0)
        fwd = flow < caps
        bwd = flow > 0
        adj: list[list[int]] = [[] for _ in range(self.n_nodes)]
        for t, h in zip(tails[fwd].tolist(), heads[fwd].tolist(), strict=True):
            adj[t].append(h)
        for t, h in zip(tails[bwd].tolist(), heads[bwd].tolist(), strict=True):
            adj[h].append(t)
        seen = np.zeros(self.n_nodes, dtype=bool)
        seen[source] = True
        queue = deque([source])
        while queue:
            u = queue.popleft()
            for v in adj[u]:
                if not seen[v]:
                    seen[v] = True
                    queue.append(v)
        return seen
