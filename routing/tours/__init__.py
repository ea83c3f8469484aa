"""Tours: dated multi-day mobile-hospital tours over remote townships (market days, lunch, overnight places).

Rooms: ``core`` (matrices in, :class:`TourPlan` out, in named steps over ``_problem``, ``_model``,
``_schedule`` and the PyVRP wrapper ``_solver``), ``_types``, ``priority``, ``dates`` (working-day
calendar), ``market`` (market days and opening hours), ``places`` (depot and overnight places), ``plan``
(adapter on Fujian's places), ``outputs`` and ``printing`` (tables, XLSX, CSV, A4 itinerary), ``map``,
``__main__`` (``python -m routing.tours``).
"""

from routing.tours._labels import REASONS
from routing.tours._types import (
    Availability,
    DayPlan,
    FujianTour,
    LeftOut,
    Lunch,
    Stop,
    TourLike,
    TourParams,
    TourPlan,
    hhmm,
    parse_clock,
)
from routing.tours.core import plan_tours_matrix
from routing.tours.dates import tour_dates
from routing.tours.market import VisitRule, parse_market_rule, read_visit_rules, visit_rule
from routing.tours.places import DEFAULT_DEPOT, depot_choices, township_code
from routing.tours.plan import plan_fujian_tours, read_visits_csv, tour_candidates
from routing.tours.priority import PriorityWeights, priority_scores

__all__ = [
    "DEFAULT_DEPOT",
    "REASONS",
    "Availability",
    "DayPlan",
    "FujianTour",
    "LeftOut",
    "Lunch",
    "PriorityWeights",
    "Stop",
    "TourLike",
    "TourParams",
    "TourPlan",
    "VisitRule",
    "depot_choices",
    "hhmm",
    "parse_clock",
    "parse_market_rule",
    "plan_fujian_tours",
    "plan_tours_matrix",
    "priority_scores",
    "read_visit_rules",
    "read_visits_csv",
    "tour_candidates",
    "tour_dates",
    "township_code",
    "visit_rule",
]
