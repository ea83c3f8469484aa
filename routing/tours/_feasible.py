"""Feasibility before solving: why a township cannot be served at all, and the idle tour (no clinics) that
keeps every rule — the start the solver falls back to when its search finds nothing feasible in time."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from routing.tours._problem import TourProblem
from routing.tours._schedule import EPS, DaySpec

__all__ = ["Outcome", "idle_tour", "servable"]


@dataclass
class Outcome:
    """A finished candidate plan: its team-days, the townships dropped by repair, warnings."""

    specs: list[DaySpec]
    dropped: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _reach(pb: TourProblem, budget: float, source: int, reverse: bool) -> np.ndarray:
    """Allowed overnight places reachable from ``source`` (or, ``reverse``, that reach it) in at most
    days − 1 moves of one day's driving each; ``source`` itself included."""
    nodes = np.flatnonzero(pb.overnight | (np.arange(pb.n_loc) == source))
    m = pb.minutes[np.ix_(nodes, nodes)]
    adj = (m.T if reverse else m) <= budget
    seen = nodes == source
    frontier = seen.copy()
    for _ in range(pb.days - 1):
        nxt = adj[frontier].any(axis=0) & ~seen
        if not nxt.any():
            break
        seen |= nxt
        frontier = nxt
    return nodes[seen]


def servable(pb: TourProblem) -> np.ndarray:
    """Reason code per candidate when it cannot be served on any day regardless of the rest ("" when it
    can): unreachable, clinic_too_long, closed, too_far_for_a_day (a necessary condition: some allowed
    overnight place reachable from the depot, a day's drive to the township, its clinic, and a day's drive on
    to an allowed place from which the tour can end)."""
    n = pb.n
    reasons = np.full(n, "", dtype=object)
    cand = np.arange(1, n + 1)
    window = float((pb.day_end - pb.day_start).max())
    budget = min(pb.drive_limit, window)
    out_ok = np.isfinite(pb.minutes[0, cand])
    back_ok = np.isfinite(pb.minutes[cand, pb.end_place]) if pb.end_place >= 0 else np.ones(n, bool)
    reasons[~out_ok | ~back_ok] = "unreachable"
    reasons[(reasons == "") & (pb.service > window)] = "clinic_too_long"
    fits = pb.avail.available() & (
        pb.avail.close_minutes - pb.avail.open_minutes >= pb.service[:, None] - EPS
    )
    reasons[(reasons == "") & ~fits.any(axis=1)] = "closed"
    starts = _reach(pb, budget, 0, reverse=False)
    if pb.end_place >= 0:
        ends = _reach(pb, budget, pb.end_place, reverse=True)
        to_end = pb.minutes[np.ix_(cand, ends)].min(axis=1)
    else:
        to_end = np.zeros(n)  # the last day may end at the township itself
    from_start = pb.minutes[np.ix_(starts, cand)].min(axis=0)
    ok = (from_start + to_end <= budget + EPS) & (from_start + pb.service + to_end <= window + EPS)
    reasons[(reasons == "") & ~ok] = "too_far_for_a_day"
    return reasons


def idle_tour(pb: TourProblem) -> Outcome | None:
    """The tour without clinics: each team moves between allowed overnight places by the fewest days of
    driving to where the tour ends, then stays (None when no such chain exists)."""
    window = float((pb.day_end - pb.day_start).min())
    budget = min(pb.drive_limit, window)
    nodes = [int(x) for x in np.flatnonzero(pb.overnight)]
    end_ok = {p for p in nodes if pb.end_place < 0 or pb.minutes[p, pb.end_place] <= budget + EPS}
    nights: list[int] | None = (
        [] if pb.days == 1 and (pb.end_place < 0 or pb.minutes[0, pb.end_place] <= budget) else None
    )
    if pb.days > 1:
        prev: dict[int, int] = {p: 0 for p in nodes if pb.minutes[0, p] <= budget + EPS}
        frontier, hops = list(prev), 1
        while frontier and hops <= pb.days - 1 and nights is None:
            hit = next((p for p in frontier if p in end_ok), None)
            if hit is not None:
                chain = [hit]
                while prev[chain[-1]] != 0 and len(chain) < hops:
                    chain.append(prev[chain[-1]])
                nights = chain[::-1] + [hit] * (pb.days - 1 - len(chain))
                break
            nxt = [
                q
                for p in frontier
                for q in nodes
                if q not in prev and pb.minutes[p, q] <= budget + EPS and prev.setdefault(q, p) == p
            ]
            frontier, hops = nxt, hops + 1
    if nights is None:
        return None
    specs = []
    for t in range(1, pb.params.teams + 1):
        place = 0
        for k in range(pb.days):
            end = nights[k] if k < pb.days - 1 else pb.end_place
            specs.append(DaySpec(t, k, place, [], end))
            place = end
    return Outcome(specs)
