"""Tours: multi-day mobile-hospital tours (prize-collecting VRPTW) over remote townships.

Rooms: ``core`` (matrix in, :class:`TourPlan` out), ``_types``, ``_solver`` (PyVRP), ``priority``, ``plan``
(adapter on places and facilities), ``outputs`` (tables, XLSX, print), ``map``, ``__main__``
(``python -m routing.tours``).
"""

from routing.tours.plan import (
    REASONS,
    DayPlan,
    FujianTour,
    LeftOut,
    PriorityWeights,
    Stop,
    TourParams,
    TourPlan,
    hhmm,
    parse_clock,
    plan_fujian_tours,
    plan_tours_matrix,
    priority_scores,
    read_visits_csv,
    tour_candidates,
)

__all__ = [
    "REASONS",
    "DayPlan",
    "FujianTour",
    "LeftOut",
    "PriorityWeights",
    "Stop",
    "TourParams",
    "TourPlan",
    "hhmm",
    "parse_clock",
    "plan_fujian_tours",
    "plan_tours_matrix",
    "priority_scores",
    "read_visits_csv",
    "tour_candidates",
]
