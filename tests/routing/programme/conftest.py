"""Fixtures of the programme tests: the test register (fictional names), the estimated network, a plan."""

from __future__ import annotations

from pathlib import Path

import pytest

REGISTER = Path(__file__).with_name("data") / "zhangping_register_test.csv"


@pytest.fixture
def estimated(tmp_path, monkeypatch):
    """The estimated network, with any on-disk cache redirected to a temporary directory."""
    from geo.network import EstimatedNetwork

    monkeypatch.setenv("XUNZHEN_CACHE_DIR", str(tmp_path))
    return EstimatedNetwork()


@pytest.fixture(scope="module")
def facilities():
    from geo.facilities import load_facilities

    return load_facilities()


@pytest.fixture(scope="module")
def register(facilities):
    from routing.programme import read_register

    return read_register(REGISTER, facilities)


@pytest.fixture(scope="module")
def zhangping_2027(register, facilities, tmp_path_factory):
    """Zhangping 2027 with the 16-doctor test register, on the estimated network."""
    import os

    from geo.network import EstimatedNetwork
    from routing.programme import plan_year

    os.environ.setdefault("XUNZHEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    return plan_year(register, year=2027, county="漳平市", facilities=facilities, network=EstimatedNetwork())
