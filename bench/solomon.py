"""Solomon VRPTW benchmark: the tour planner's solver core vs OR-Tools under the same time limit.

Usage::

    python -m bench.solomon ../shared/data/bench/solomon/*.txt [--seconds 10] [--seed 0]

For each instance it runs :func:`routing.tours._solver.solve_vrptw` — the very function the tour planner
calls — and OR-Tools' routing solver (``GUIDED_LOCAL_SEARCH``, same wall-time limit), one after the other in
this process, and prints one line: name, our cost, gap % to the best-known cost (from the ``.sol`` beside
the instance), OR-Tools' cost and gap, seconds of each; then the means.

Convention (DIMACS, the one the best-known costs in the ``.sol`` files follow — recomputing them confirms
it: C101's 827.3 is the optimum with distances truncated to one decimal, 828.94 with exact ones): Euclidean
distances truncated to one decimal; travel time = distance; cost = total distance; fleet size free up to the
instance's vehicle count. Both solvers get the same integer matrices (distance × 10, truncated, as PyVRP's
``round_func="dimacs"``); the costs printed are recomputed from the routes and each route is re-checked
(time windows, capacity, every client once).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# Runnable as ``python bench/solomon.py`` as well as ``python -m bench.solomon``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from routing.tours._solver import VehicleSpec, VrptwInstance, solve_vrptw

SCALE = 10  # DIMACS: one decimal, truncated


@dataclass(frozen=True)
class Solomon:
    """A parsed Solomon instance: node 0 is the depot."""

    name: str
    vehicles: int
    capacity: int
    xy: np.ndarray  # (n+1, 2)
    demand: np.ndarray
    ready: np.ndarray
    due: np.ndarray
    service: np.ndarray

    @property
    def dist(self) -> np.ndarray:
        d = self.xy[:, None, :] - self.xy[None, :, :]
        return np.sqrt((d**2).sum(axis=2))


def read_solomon(path: Path) -> Solomon:
    """Read a Solomon-format text file (name line, VEHICLE block, CUSTOMER table)."""
    lines = [ln.strip() for ln in path.read_text().splitlines() if ln.strip()]
    name = lines[0]
    i_veh = next(i for i, ln in enumerate(lines) if ln.upper().startswith("VEHICLE"))
    vehicles, capacity = (int(x) for x in lines[i_veh + 2].split()[:2])
    i_cust = next(i for i, ln in enumerate(lines) if ln.upper().startswith("CUSTOMER"))
    rows = [ln.split() for ln in lines[i_cust + 1 :] if ln.split()[0].isdigit()]
    arr = np.array([[float(x) for x in r[:7]] for r in rows])
    return Solomon(
        name=name,
        vehicles=vehicles,
        capacity=capacity,
        xy=arr[:, 1:3],
        demand=arr[:, 3].astype(int),
        ready=arr[:, 4],
        due=arr[:, 5],
        service=arr[:, 6],
    )


def best_known(path: Path) -> float | None:
    """The ``Cost`` line of the ``.sol`` file beside the instance, or None."""
    sol = path.with_suffix(".sol")
    if not sol.exists():
        return None
    for ln in sol.read_text().splitlines():
        if ln.lower().startswith("cost"):
            return float(ln.split()[1])
    return None


def _int_matrices(inst: Solomon) -> tuple[np.ndarray, np.ndarray]:
    d = np.floor(inst.dist * SCALE + 1e-9).astype(np.int64)
    return d, d


def to_vrptw(inst: Solomon) -> VrptwInstance:
    """Convert to the solver core's instance: every client required, prizes irrelevant (0)."""
    dist, dur = _int_matrices(inst)
    n = len(inst.xy) - 1
    return VrptwInstance(
        distance=dist,
        duration=dur,
        depot_location=(0,),
        depot_tw_early=(int(inst.ready[0] * SCALE),),
        depot_tw_late=(int(inst.due[0] * SCALE),),
        client_location=np.arange(1, n + 1),
        service=np.rint(inst.service[1:] * SCALE).astype(np.int64),
        tw_early=np.rint(inst.ready[1:] * SCALE).astype(np.int64),
        tw_late=np.rint(inst.due[1:] * SCALE).astype(np.int64),
        prize=np.zeros(n, dtype=np.int64),
        required=np.ones(n, dtype=bool),
        demand=inst.demand[1:].astype(np.int64),
        vehicles=(
            VehicleSpec(
                count=inst.vehicles,
                capacity=inst.capacity,
                tw_early=int(inst.ready[0] * SCALE),
                tw_late=int(inst.due[0] * SCALE),
            ),
        ),
    )


def exact_cost(inst: Solomon, routes: list[list[int]]) -> tuple[float, bool]:
    """Total distance (DIMACS, one decimal truncated) of routes (node ids 1..n) and whether all are
    feasible."""
    dist = _int_matrices(inst)[0] / SCALE
    total = 0.0
    ok = True
    seen: list[int] = []
    for r in routes:
        if not r:
            continue
        t, load, prev = inst.ready[0], 0, 0
        for c in r:
            total += dist[prev, c]
            t = max(t + dist[prev, c], inst.ready[c])
            ok &= t <= inst.due[c] + 1e-6
            t += inst.service[c]
            load += inst.demand[c]
            prev = c
            seen.append(c)
        total += dist[prev, 0]
        ok &= t + dist[prev, 0] <= inst.due[0] + 1e-6 and load <= inst.capacity
    ok &= sorted(seen) == list(range(1, len(inst.xy)))
    ok &= sum(1 for r in routes if r) <= inst.vehicles
    return total, bool(ok)


def run_ours(inst: Solomon, seconds: float, seed: int) -> tuple[float, bool, float]:
    sol = solve_vrptw(to_vrptw(inst), seed=seed, max_seconds=seconds)
    routes = [[c + 1 for c in visits] for _, visits in sol.routes]
    cost, ok = exact_cost(inst, routes)
    return cost, ok and sol.feasible, sol.seconds


def run_ortools(inst: Solomon, seconds: float) -> tuple[float, bool, float]:
    from ortools.constraint_solver import pywrapcp, routing_enums_pb2

    n = len(inst.xy)
    dist, dur = _int_matrices(inst)
    svc = np.rint(inst.service * SCALE).astype(np.int64)
    time_m = dur + svc[:, None]
    manager = pywrapcp.RoutingIndexManager(n, inst.vehicles, 0)
    routing = pywrapcp.RoutingModel(manager)
    dist_cb = routing.RegisterTransitMatrix(dist.tolist())
    routing.SetArcCostEvaluatorOfAllVehicles(dist_cb)
    time_cb = routing.RegisterTransitMatrix(time_m.tolist())
    horizon = int(inst.due[0] * SCALE)
    routing.AddDimension(time_cb, horizon, horizon, False, "Time")
    tdim = routing.GetDimensionOrDie("Time")
    for node in range(1, n):
        tdim.CumulVar(manager.NodeToIndex(node)).SetRange(
            int(inst.ready[node] * SCALE), int(inst.due[node] * SCALE)
        )
    for v in range(inst.vehicles):
        tdim.CumulVar(routing.Start(v)).SetRange(int(inst.ready[0] * SCALE), horizon)
        tdim.CumulVar(routing.End(v)).SetRange(int(inst.ready[0] * SCALE), horizon)
    dem_cb = routing.RegisterUnaryTransitVector([int(x) for x in inst.demand])
    routing.AddDimensionWithVehicleCapacity(dem_cb, 0, [inst.capacity] * inst.vehicles, True, "Load")
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
    params.time_limit.FromMilliseconds(int(seconds * 1000))
    t0 = time.perf_counter()
    sol = routing.SolveWithParameters(params)
    secs = time.perf_counter() - t0
    if sol is None:
        return math.inf, False, secs
    routes = []
    for v in range(inst.vehicles):
        idx = routing.Start(v)
        r = []
        while not routing.IsEnd(idx):
            node = manager.IndexToNode(idx)
            if node:
                r.append(node)
            idx = sol.Value(routing.NextVar(idx))
        routes.append(r)
    cost, ok = exact_cost(inst, routes)
    return cost, ok, secs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("instances", nargs="+", type=Path, help="Solomon .txt files (.sol beside each)")
    ap.add_argument("--seconds", type=float, default=10.0, help="wall-time limit per instance and solver (s)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-ortools", action="store_true", help="skip the OR-Tools baseline")
    args = ap.parse_args(argv)

    print(
        f"# ours = routing.tours._solver.solve_vrptw (PyVRP ILS, seed {args.seed}); "
        f"baseline = OR-Tools GLS; {args.seconds:g} s each"
    )
    hdr = (
        f"{'instance':<8} {'best':>8} {'ours':>9} {'gap%':>6} {'s':>5}   {'ortools':>9} {'gap%':>6} {'s':>5}"
    )
    print(hdr)
    gaps, ogaps = [], []
    for path in args.instances:
        inst = read_solomon(path)
        bks = best_known(path)
        cost, ok, secs = run_ours(inst, args.seconds, args.seed)
        gap = round(100 * (cost - bks) / bks, 6) + 0.0 if bks else math.nan
        gaps.append(gap)
        line = f"{inst.name:<8} {bks or math.nan:8.1f} {cost:9.1f} {gap:6.2f} {secs:5.1f}"
        line += "" if ok else " INFEASIBLE"
        if not args.no_ortools:
            ocost, ook, osecs = run_ortools(inst, args.seconds)
            ogap = round(100 * (ocost - bks) / bks, 6) + 0.0 if bks else math.nan
            ogaps.append(ogap)
            line += f"   {ocost:9.1f} {ogap:6.2f} {osecs:5.1f}" + ("" if ook else " INFEASIBLE")
        print(line, flush=True)
    mean = f"{'mean':<8} {'':>8} {'':>9} {np.nanmean(gaps):6.2f}"
    if ogaps:
        mean += f" {'':>5}   {'':>9} {np.nanmean(ogaps):6.2f}"
    print(mean)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
