"""The solver core shared by the tour planner and the Solomon benchmark: a VRPTW on integer matrices, solved
by PyVRP.

The instance is given on plain arrays (no geography): locations ``0 .. L-1`` with integer distance and
duration matrices, depots and clients placed at locations, optional client groups ("visit exactly one of
these") and vehicle types. :func:`solve_vrptw` turns it into a :class:`pyvrp.ProblemData`, runs PyVRP's
iterated local search with a fixed seed and returns each route as the ordered list of client indices it
visits.

Integers only (PyVRP's data contract): callers scale minutes or kilometres to integer units themselves (the
tours use 0.1 minute; the Solomon bench 0.001 distance unit).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pyvrp
from pyvrp import Route, Solution, SolveParams, solve
from pyvrp.exceptions import PenaltyBoundWarning
from pyvrp.stop import MaxIterations, MaxRuntime, MultipleCriteria, StoppingCriterion

from geo._errors import InputValidationError

#: PyVRP's search parameters (its defaults).
SOLVE_PARAMS = SolveParams()

#: PyVRP's "no limit" for integer fields.
_NO_LIMIT = int(np.iinfo(np.int64).max)


@dataclass(frozen=True)
class VehicleSpec:
    """A vehicle type: ``count`` identical vehicles from ``start_depot`` to ``end_depot`` (indices into
    depots).

    ``tw_early``/``tw_late`` bound the route's start and end (duration units); ``capacity`` is ignored when
    the instance has no demands.
    """

    count: int
    start_depot: int = 0
    end_depot: int = 0
    tw_early: int = 0
    tw_late: int = _NO_LIMIT
    capacity: int = 0
    max_distance: int = _NO_LIMIT


@dataclass(frozen=True)
class VrptwInstance:
    """A VRPTW with optional clients (prizes), client groups and several vehicle types, on integer matrices.

    Attributes
    ----------
    distance, duration
        (L, L) non-negative integer matrices between locations (cost units and time units).
    depot_location, depot_tw_early, depot_tw_late
        Per depot: its location index and time window.
    client_location, service, tw_early, tw_late, prize, required, demand, group
        Per client (length n each). ``group`` is -1 for no group, else an index into ``group_required``.
    group_required
        Per group of mutually exclusive clients: must exactly one of them be visited (True) or at most one
        (False).
    vehicles
        Vehicle types.
    """

    distance: np.ndarray
    duration: np.ndarray
    depot_location: tuple[int, ...]
    depot_tw_early: tuple[int, ...]
    depot_tw_late: tuple[int, ...]
    client_location: np.ndarray
    service: np.ndarray
    tw_early: np.ndarray
    tw_late: np.ndarray
    prize: np.ndarray
    required: np.ndarray
    vehicles: tuple[VehicleSpec, ...]
    demand: np.ndarray | None = None
    group: np.ndarray | None = None
    group_required: tuple[bool, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        n_loc = self.distance.shape[0]
        if self.distance.shape != (n_loc, n_loc) or self.duration.shape != (n_loc, n_loc):
            msg = (
                f"distance and duration must be square (L, L) matrices, got {self.distance.shape!r} and "
                f"{self.duration.shape!r}"
            )
            raise InputValidationError(msg)
        if (self.distance < 0).any() or (self.duration < 0).any():
            raise InputValidationError("distance and duration matrices must be non-negative")
        n = len(self.client_location)
        for name in ("service", "tw_early", "tw_late", "prize", "required"):
            if len(getattr(self, name)) != n:
                msg = f"client array {name!r} has length {len(getattr(self, name))}, expected {n}"
                raise InputValidationError(msg)
        if (np.asarray(self.tw_early) > np.asarray(self.tw_late)).any():
            bad = int(np.flatnonzero(np.asarray(self.tw_early) > np.asarray(self.tw_late))[0])
            e, lt = self.tw_early[bad], self.tw_late[bad]
            msg = f"client {bad}: time window opens ({e}) after it closes ({lt})"
            raise InputValidationError(msg)
        if not self.vehicles or any(v.count < 1 for v in self.vehicles):
            raise InputValidationError("at least one vehicle type with count >= 1 is needed")


@dataclass(frozen=True)
class VrptwSolution:
    """Routes found by :func:`solve_vrptw`.

    ``routes`` holds, per route used, ``(vehicle_type, [client indices in visiting order])``; ``cost`` is
    PyVRP's objective (distance plus uncollected prizes, integer units); ``distance`` the total routed
    distance; ``feasible`` whether PyVRP reports no time warp, no excess load and every required
    client/group present; ``iterations`` and ``seconds`` describe the run.
    """

    routes: tuple[tuple[int, tuple[int, ...]], ...]
    cost: int
    distance: int
    feasible: bool
    iterations: int
    seconds: float


def _problem_data(inst: VrptwInstance) -> pyvrp.ProblemData:

    n_loc = inst.distance.shape[0]
    locations = [pyvrp.Location(x=0.0, y=0.0) for _ in range(n_loc)]
    has_load = inst.demand is not None
    depots = [
        pyvrp.Depot(location=int(loc), tw_early=int(e), tw_late=int(lt))
        for loc, e, lt in zip(inst.depot_location, inst.depot_tw_early, inst.depot_tw_late, strict=True)
    ]
    group = inst.group if inst.group is not None else np.full(len(inst.client_location), -1)
    clients = []
    for i in range(len(inst.client_location)):
        g = int(group[i])
        clients.append(
            pyvrp.Client(
                location=int(inst.client_location[i]),
                delivery=[int(inst.demand[i])] if inst.demand is not None else [],
                service_duration=int(inst.service[i]),
                tw_early=int(inst.tw_early[i]),
                tw_late=int(inst.tw_late[i]),
                prize=int(inst.prize[i]),
                required=bool(inst.required[i]),
                group=None if g < 0 else g,
            )
        )
    groups = []
    for g, req in enumerate(inst.group_required):
        members = [int(i) for i in np.flatnonzero(group == g)]
        groups.append(pyvrp.ClientGroup(members, required=bool(req)))
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=v.count,
            capacity=[v.capacity] if has_load else [],
            start_depot=v.start_depot,
            end_depot=v.end_depot,
            tw_early=v.tw_early,
            tw_late=v.tw_late,
            max_distance=v.max_distance,
        )
        for v in inst.vehicles
    ]
    return pyvrp.ProblemData(
        locations,
        clients,
        depots,
        vehicle_types,
        [cast(Any, np.ascontiguousarray(inst.distance, dtype=np.int64))],
        [cast(Any, np.ascontiguousarray(inst.duration, dtype=np.int64))],
        groups,
    )


def solve_vrptw(
    inst: VrptwInstance,
    *,
    seed: int = 0,
    max_iterations: int | None = None,
    max_seconds: float | None = None,
    initial: Sequence[tuple[int, Sequence[int]]] | None = None,
) -> VrptwSolution:
    """Solve a VRPTW instance with PyVRP's iterated local search.

    Parameters
    ----------
    inst
        The instance (integer units).
    seed
        Random seed; with ``max_iterations`` alone the result is deterministic.
    max_iterations
        Stop after this many iterations (deterministic).
    max_seconds
        Stop after this many seconds of wall time (not deterministic: depends on machine load).
    initial
        A warm start: ``(vehicle_type, [client indices])`` per route; the search never returns anything worse.

    Returns
    -------
    VrptwSolution
        The best solution found.

    Raises
    ------
    InputValidationError
        When neither stopping rule is given.
    """
    criteria: list[StoppingCriterion] = []
    if max_iterations is not None:
        criteria.append(MaxIterations(int(max_iterations)))
    if max_seconds is not None:
        criteria.append(MaxRuntime(float(max_seconds)))
    if not criteria:
        raise InputValidationError("solve_vrptw needs max_iterations or max_seconds")
    stop = criteria[0] if len(criteria) == 1 else MultipleCriteria(criteria)
    data = _problem_data(inst)
    t0 = time.perf_counter()
    init = None
    if initial is not None:
        init = Solution(
            data, [Route(data, [int(c) for c in visits], int(vt)) for vt, visits in initial if visits]
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PenaltyBoundWarning)  # infeasible starts are reported by `feasible`
        result = solve(
            data,
            stop,
            seed=int(seed),
            collect_stats=False,
            display=False,
            initial_solution=init,
            params=SOLVE_PARAMS,
        )
    seconds = time.perf_counter() - t0
    best = result.best
    routes = []
    for route in best.routes():
        visits = tuple(int(a.idx) for a in route.schedule() if a.is_client())
        routes.append((int(route.vehicle_type()), visits))
    return VrptwSolution(
        routes=tuple(routes),
        cost=int(result.cost()) if best.is_feasible() else int(best.distance()),
        distance=int(best.distance()),
        feasible=bool(best.is_feasible() and best.is_complete()),
        iterations=int(result.num_iterations),
        seconds=seconds,
    )
