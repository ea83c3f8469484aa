"""The road network: one interface for travel times (minutes), distances (km) and paths between WGS84 points.

Two networks implement it:

* :class:`OSMNetwork` — an OpenStreetMap road graph (speeds per highway class, oneway respected, largest
  strongly connected component), built from a ``.osm``/``.osm.bz2``/``.osm.pbf`` file or downloaded, cached;
* :class:`EstimatedNetwork` — the offline default: great-circle distance × a circuity factor, driven at
  assumed speeds (:class:`EstimatedParams`). Every figure it gives carries ``estimated=True`` and must be
  shown as 估算/estimated.

:func:`active_network` returns the OSM network the user built (``python -m geo network …``), else the
estimated one.
The cache directory is ``$XUNZHEN_CACHE_DIR`` when set, else the user cache dir of platformdirs (``xunzhen``).
The classes live in :mod:`geo._network_base` (interface, results, estimated network) and
:mod:`geo._network_osm` (OSM network); this module is the public face and keeps the cache.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from geo._errors import InputValidationError, NetworkError
from geo._network_base import (
    FAR_FROM_ROAD_M,
    EstimatedNetwork,
    EstimatedParams,
    Network,
    PathResult,
    SnapResult,
    TravelResult,
    as_points,
)
from geo._network_osm import OSMNetwork, network_dir
from geo._roads.download import download_fujian, prefecture_graph
from geo._roads.jit import kernel_cache_dir
from geo._roads.osm import haversine_km
from geo._roads.shortest import prepare_kernels
from geo._roads.speeds import ACCESS_SPEED_KMH
from geo._roads.store import damaged_note, network_files, read_meta, remove_damaged, set_aside
from geo.settings import CACHE_ENV, cache_root

__all__ = [
    "ACCESS_SPEED_KMH",
    "CACHE_ENV",
    "FAR_FROM_ROAD_M",
    "EstimatedNetwork",
    "EstimatedParams",
    "Network",
    "OSMNetwork",
    "PathResult",
    "SnapResult",
    "TravelResult",
    "active_network",
    "as_points",
    "build_network_from_download",
    "build_network_from_file",
    "build_prefecture_network",
    "cache_root",
    "cached_network_info",
    "clear_network_cache",
    "haversine_km",
    "network_dir",
    "network_warning",
    "prepare_engine",
    "snap_facilities",
]

logger = logging.getLogger(__name__)

#: The loaded OSM network, keyed by its file (path, mtime in ns, size): a rebuilt file is read again.
_ACTIVE: dict[tuple[str, int, int], OSMNetwork] = {}
#: Whether this process already warned about a damaged network.
_WARNED: list[bool] = []


def cached_network_info() -> dict[str, Any] | None:
    """Metadata of the cached OSM network (source, data date, counts), or None when none was built."""
    return read_meta(network_dir())


def active_network() -> Network:
    """The cached OSM network if the user built one, else the :class:`EstimatedNetwork`.

    A cached network that cannot be read (truncated, emptied, changed) is set aside
    (``road_network.damaged.*``) and the estimated network is used, with a warning on every run until the
    network is rebuilt or the cache cleared (:func:`network_warning` gives the text for pages).
    """
    directory = network_dir()
    npz = network_files(directory)[0]
    if not npz.is_file():
        if damaged_note(directory) is not None and not _WARNED:
            _WARNED.append(True)
            logger.warning("%s", network_warning())
        return EstimatedNetwork()
    stat = npz.stat()
    key = (str(npz), stat.st_mtime_ns, stat.st_size)
    if key not in _ACTIVE:
        try:
            net = OSMNetwork.load(directory)
        except NetworkError as err:
            set_aside(directory, str(err))
            _WARNED.append(True)
            logger.warning("%s", network_warning() or str(err))
            return EstimatedNetwork()
        _ACTIVE.clear()
        _ACTIVE[key] = net
    return _ACTIVE[key]


def network_warning() -> str | None:
    """Why the cached road network is not used (it was damaged and set aside), in Chinese and English; None
    when there is nothing to say."""
    directory = network_dir()
    note = damaged_note(directory)
    if note is None:
        return None
    return (
        "缓存的道路网已损坏，已移到一旁，现使用估算路网；请重建：python -m geo network --osm 文件 或 "
        "--download fujian。/ The cached road network was damaged and set aside "
        f"({note}); using the estimated network instead until it is rebuilt: python -m geo network --osm "
        "FILE or --download fujian (or --clear)."
    )

def build_network_from_file(path: str | Path, cache: bool = True) -> OSMNetwork:
    """Build an :class:`OSMNetwork` from an OSM file and (by default) make it the active, cached network.

    Raises
    ------
    NetworkError
        If the file is missing, corrupt or holds no drivable roads.
    """
    net = OSMNetwork.from_file(path)
    if cache:
        net.save()
        _ACTIVE.clear()
        _WARNED.clear()
    return net


def clear_network_cache() -> bool:
    """Remove the cached OSM network (the estimated one becomes active). True if something was removed."""
    removed = remove_damaged(network_dir())
    for f in network_files(network_dir()):
        if f.is_file():
            f.unlink()
            removed = True
    _ACTIVE.clear()
    _WARNED.clear()
    return removed


def build_network_from_download(region: str = "fujian", *, session: Any | None = None) -> OSMNetwork:
    """Download Geofabrik's extract of ``region`` (only ``"fujian"``); build and cache the network.

    Raises
    ------
    NetworkError
        If the region is unknown, or the download or the build fails.
    """
    if region.lower() not in ("fujian", "福建", "福建省"):
        msg = f"Unknown download region {region!r}; the one offered is 'fujian' (Geofabrik's extract)."
        raise NetworkError(msg)
    path = download_fujian(cache_root() / "downloads", session=session)
    return build_network_from_file(path)


def build_prefecture_network(short_name: str, cache: bool = True) -> OSMNetwork:
    """Download one prefecture's roads through osmnx (e.g. ``"龙岩"``); build and (by default) cache it.

    Raises
    ------
    NetworkError
        If the name is not a Fujian prefecture or the download fails.
    """
    nx_graph = prefecture_graph(short_name)
    net = OSMNetwork.from_osmnx(nx_graph, source=f"osmnx/Overpass: {short_name.removesuffix('市')}市")
    if cache:
        net.save()
        _ACTIVE.clear()
    return net


def prepare_engine() -> Path | None:
    """Load, compiling the first time, the road engine's kernels into the user cache dir, so the first road
    query of the app only loads them (about 25 s once after installing or updating, about 1 s after).

    Returns the kernel cache dir, or None when compiled kernels are not available (scipy is used then).
    """
    return kernel_cache_dir() if prepare_kernels() else None


def snap_facilities(network: Network, facilities: pd.DataFrame) -> pd.DataFrame:
    """Snap each facility with a point to the network: its road node, distance (m) and the > 2 km flag.

    Parameters
    ----------
    network
        Any network (the estimated one gives node -1, NaN distance, never flagged).
    facilities
        A table with ``facility_id``, ``lon``, ``lat`` (WGS84; NaN when the facility has no point).

    Returns
    -------
    pandas.DataFrame
        ``facility_id``, ``node`` (-1 when unplaced), ``snap_m`` (NaN if unplaced), ``far_from_road`` (bool).

    Raises
    ------
    InputValidationError
        If a column is missing.
    """
    missing = [c for c in ("facility_id", "lon", "lat") if c not in facilities.columns]
    if missing:
        msg = f"Facility table lacks column(s) {missing!r} needed to snap it to the road network."
        raise InputValidationError(msg)
    lon = facilities["lon"].to_numpy(dtype=float)
    lat = facilities["lat"].to_numpy(dtype=float)
    placed = np.isfinite(lon) & np.isfinite(lat)
    node = np.full(len(lon), -1, dtype=np.int64)
    snap_m = np.full(len(lon), np.nan)
    far = np.zeros(len(lon), dtype=bool)
    if placed.any():
        res = network.snap(np.column_stack([lon[placed], lat[placed]]))
        node[placed], snap_m[placed], far[placed] = res.node, res.snap_m, res.far_from_road
    return pd.DataFrame(
        {
            "facility_id": facilities["facility_id"].to_numpy(),
            "node": node,
            "snap_m": snap_m,
            "far_from_road": far,
        }
    )
