"""Shared fixtures (keep this small): the embedded dataset, loaded once per test session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def embedded():
    """The embedded Fujian dataset: (prefectures, counties, townships, facilities), read-only."""
    from geo.facilities import load_facilities
    from geo.places import load_counties, load_prefectures, load_townships

    return load_prefectures(), load_counties(), load_townships(), load_facilities()
