"""Coverage: time from every township to its nearest hospital, who is left out and why, what-if stops.

Rooms: ``core`` (arrays), ``plan`` (GeoDataFrames in, :class:`CoverageResult` out), ``_inputs`` (scope and
sources), ``isochrones`` (service areas), ``outputs`` (tables and notes for exports), ``map`` (Folium and
static maps), ``__main__`` (``python -m routing.coverage``).
"""

from routing.coverage.core import (
    DEFAULT_SOURCE_TYPES,
    LEFT_OUT_REASONS,
    MAX_THRESHOLD_MINUTES,
    CoreCoverage,
    check_threshold,
    coverage_core,
)
from routing.coverage.isochrones import service_areas
from routing.coverage.outputs import coverage_sheets, export_notes
from routing.coverage.plan import (
    CoverageInputs,
    CoverageResult,
    WhatIfResult,
    add_stops,
    evaluate,
    prepare,
    what_if,
)

__all__ = [
    "DEFAULT_SOURCE_TYPES",
    "LEFT_OUT_REASONS",
    "MAX_THRESHOLD_MINUTES",
    "CoreCoverage",
    "CoverageInputs",
    "CoverageResult",
    "WhatIfResult",
    "add_stops",
    "check_threshold",
    "coverage_core",
    "coverage_sheets",
    "evaluate",
    "export_notes",
    "prepare",
    "service_areas",
    "what_if",
]
