"""Service areas (isochrone polygons) of care sources at T minutes, in WGS84.

* On an OSM network: the road nodes reachable within T minus the access leg from the source to its road node
  (:meth:`geo.network.OSMNetwork.reachable_within`), as a concave hull in EPSG:32650 buffered by 300 m.
* On the estimated network: along ``bearings`` directions, the farthest point whose estimated time is ≤ T,
  joined into a polygon (nearly a circle); the frame says ``estimated=True`` and the method, so maps label it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from geo.network import ACCESS_SPEED_KMH
from routing.coverage.core import check_threshold

__all__ = ["service_areas"]


def service_areas(
    network: Any, sources: pd.DataFrame, threshold_minutes: float, *, bearings: int = 72
) -> Any:
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
    import geopandas as gpd
    import shapely
    from pyproj import Transformer

    t = check_threshold(threshold_minutes)
    to_utm = Transformer.from_crs(4326, 32650, always_xy=True)
    to_wgs = Transformer.from_crs(32650, 4326, always_xy=True)
    geoms: list[Any] = []
    method = (
        "concave hull of reachable road nodes" if network.kind == "osm" else "estimated radius per bearing"
    )
    lon = sources["lon"].to_numpy(float)
    lat = sources["lat"].to_numpy(float)
    if network.kind == "osm":
        snap = network.snap(np.column_stack([lon, lat]))
        for k in range(len(sources)):
            budget = t - snap.snap_m[k] / 1000.0 / ACCESS_SPEED_KMH * 60.0
            if snap.far_from_road[k] or budget <= 0:
                geoms.append(None)
                continue
            nodes, _ = network.reachable_within(int(snap.node[k]), budget)
            x, y = to_utm.transform(network.graph.node_lon[nodes], network.graph.node_lat[nodes])
            pts = shapely.multipoints(np.column_stack([x, y]))
            hull = shapely.concave_hull(pts, ratio=0.3) if len(nodes) >= 3 else pts
            poly = shapely.buffer(hull, 300.0)
            geoms.append(
                shapely.transform(poly, lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))
            )
    else:
        from pyproj import Geod

        geod = Geod(ellps="WGS84")
        azimuths = np.linspace(0.0, 360.0, bearings, endpoint=False)
        for k in range(len(sources)):
            origin = np.array([[lon[k], lat[k]]])
            # bisection per bearing on the distance (m) where the estimated time reaches T (times grow with
            # distance): 24 halvings of 400 km leave < 25 m
            lo = np.zeros(bearings)
            hi = np.full(bearings, 400_000.0)
            for _ in range(24):
                mid = (lo + hi) / 2
                plon, plat, _az = geod.fwd(
                    np.full(bearings, lon[k]), np.full(bearings, lat[k]), azimuths, mid
                )
                inside = network.travel(origin, np.column_stack([plon, plat])).minutes[0] <= t
                lo = np.where(inside, mid, lo)
                hi = np.where(inside, hi, mid)
            rlon, rlat, _az = geod.fwd(
                np.full(bearings, lon[k]), np.full(bearings, lat[k]), azimuths, np.maximum(lo, 50.0)
            )
            geoms.append(shapely.Polygon(np.column_stack([rlon, rlat])))
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
