"""The EXAMPLE scenario shipped in ``data/example_scenario/`` (示例, not the official 8/25 lists)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from geo._errors import DataFileError

__all__ = ["load_example_scenario"]

_EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "data" / "example_scenario"


def load_example_scenario() -> dict[str, pd.DataFrame]:
    """The EXAMPLE scenario (not the official lists).

    Keys: ``tertiary``, ``weak_counties``, ``capacities_zhangping`` (see data/example_scenario/README.md).

    Raises
    ------
    DataFileError
        A file of ``data/example_scenario/`` is missing or unreadable.
    """
    out = {}
    for key, name in (
        ("tertiary", "tertiary_hospitals_example.csv"),
        ("weak_counties", "weak_counties_example.csv"),
        ("capacities_zhangping", "capacities_zhangping_example.csv"),
    ):
        path = _EXAMPLE_DIR / name
        try:
            out[key] = pd.read_csv(path, dtype={"facility_id": str, "county_code": str})
        except (OSError, ValueError) as exc:
            msg = f"{path}: cannot read the example scenario file ({exc})"
            raise DataFileError(msg) from None
    return out
