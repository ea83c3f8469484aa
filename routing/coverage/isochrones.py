"""Service areas (isochrone polygons) of care sources at T minutes, in WGS84.

* On an OSM network: the road nodes reachable within T minus the access leg from the source to its road node
  (:meth:`geo.network.OSMNetwork.reachable_within`), as a concave hull in EPSG:32650 buffered by 300 m.
* On the estimated network: along ``bearings`` directions, the farthest point whose estimated time is ≤ T,
  joined into a polygon (nearly a circle); the frame says ``estimated=True`` and the method, so maps label it.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import Geod, Transformer

from geo.network import ACCESS_SPEED_KMH, Network, OSMNetwork
from routing.coverage.core import check_threshold

__all__ = ["service_areas"]


def service_areas(
    network: Network, sources: pd.DataFrame, threshold_minutes: float, *, bearings: int = 72
) -> gpd.GeoDataFrame:
    """Service area (isochrone polygon) of each source at T minutes, WGS84.

    On an OSM network: the road nodes reachable within T (minus the access leg from the source to its road
    node), as a concave hull in EPSG:32650 buffered by 300 m. On the estimated network: along ``bearings``
    directions, the farthest point whose estimated time is ≤ T, joined into a polygon (nearly a circle) and
    labelled estimated.

    Parameters
    ----------
    network
        The road network.
    sources
        Source table with ``source_id``, ``name``, ``lon``, ``lat``.
    threshold_minutes
        T (minutes).
    bearings
        Number of directions for the estimated polygons.

    Returns
    -------
    geopandas.GeoDataFrame
        ``source_id``, ``name``, ``minutes``, ``estimated``, ``method``, geometry (EPSG:4326).

    Raises
    ------
    InputValidationError
        Bad threshold.
    """
    t = check_threshold(threshold_minutes)
    points = sources[["lon", "lat"]].to_numpy(float)
    if isinstance(network, OSMNetwork):
        method = "concave hull of reachable road nodes"
        geoms = _road_areas(network, points, t)
    else:
        method = "estimated radius per bearing"
        geoms = [_estimated_area(network, lon, lat, t, bearings) for lon, lat in points]
    return gpd.GeoDataFrame(
        {
            "source_id": sources["source_id"].to_numpy(),
            "name": sources["name"].to_numpy(),
            "minutes": t,
            "estimated": bool(network.is_estimated),
            "method": method,
        },
        geometry=geoms,
        crs=4326,
    )


def _road_areas(network: OSMNetwork, points: np.ndarray, t: float) -> list[shapely.Geometry | None]:
    """Concave hull (EPSG:32650, buffered 300 m) of the road nodes each point reaches within ``t`` minutes,
    the access leg to its road node deducted; None for a point more than 2 km from a road."""
    to_utm = Transformer.from_crs(4326, 32650, always_xy=True)
    to_wgs = Transformer.from_crs(32650, 4326, always_xy=True)
    snap = network.snap(points)
    geoms: list[shapely.Geometry | None] = []
    for k in range(len(points)):
        budget = t - snap.snap_m[k] / 1000.0 / ACCESS_SPEED_KMH * 60.0
        if snap.far_from_road[k] or budget <= 0:
            geoms.append(None)
            continue
        nodes, _ = network.reachable_within(int(snap.node[k]), budget)
        x, y = to_utm.transform(network.graph.node_lon[nodes], network.graph.node_lat[nodes])
        pts = shapely.multipoints(np.column_stack([x, y]))
        hull = shapely.concave_hull(pts, ratio=0.3) if len(nodes) >= 3 else pts
        poly = shapely.buffer(hull, 300.0)
        back = shapely.transform(poly, lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))
        geoms.append(back)
    return geoms


def _estimated_area(network: Network, lon: float, lat: float, t: float, bearings: int) -> shapely.Polygon:
    """Along ``bearings`` directions from (lon, lat), the farthest point whose estimated time is ≤ ``t``.

    Bisection per bearing on the distance (m) where the time reaches T (times grow with distance): 24 halvings
    of 400 km leave < 25 m.
    """
    geod = Geod(ellps="WGS84")
    azimuths = np.linspace(0.0, 360.0, bearings, endpoint=False)
    origin = np.array([[lon, lat]])
    lons, lats = np.full(bearings, lon), np.full(bearings, lat)
    lo = np.zeros(bearings)
    hi = np.full(bearings, 400_000.0)
    for _ in range(24):
        mid = (lo + hi) / 2
        plon, plat, _az = geod.fwd(lons, lats, azimuths, mid)
        inside = network.travel(origin, np.column_stack([plon, plat])).minutes[0] <= t
        lo = np.where(inside, mid, lo)
        hi = np.where(inside, hi, mid)
    rlon, rlat, _az = geod.fwd(lons, lats, azimuths, np.maximum(lo, 50.0))
    return shapely.Polygon(np.column_stack([rlon, rlat]))
