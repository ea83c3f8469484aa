"""Where an upload's points and place names are: county polygons, township seats and the offline gazetteer.

:class:`Places` is built once per validation. Point lookups are vectorised (an STRtree of the county polygons,
a k-d tree of the township seats); a row's text is matched against the gazetteer only when a cheap test —
does the text mention a township whose seat is near the point? — does not settle it, and those full matches
are cached by text and capped per file (:data:`MAX_NAME_CHECKS`), so a large upload validates in seconds.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import shapely
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from geo._errors import AmbiguousPlaceError, UnknownPlaceError
from geo.coords import FUJIAN_BBOX, haversine_km
from geo.facilities.messages import problem
from geo.geocoding import Gazetteer, GeocodeResult
from geo.names import COUNTY_SUFFIXES, TOWNSHIP_SUFFIXES, base_name
from geo.scope import KINMEN_COUNTY_CODE

if TYPE_CHECKING:
    from geo.facilities.checks import Row

__all__ = [
    "COUNTY_TOLERANCE_KM",
    "FAR_FROM_NAMED_KM",
    "MAX_NAME_CHECKS",
    "PlaceOrError",
    "Places",
    "in_box",
    "place_rows",
]

#: A point is checked against Fujian's county polygons with this tolerance (simplified coastlines), km.
COUNTY_TOLERANCE_KM = 3.0
#: A surveyed point farther than this from the seat of the township its row names is flagged, km.
FAR_FROM_NAMED_KM = 15.0
#: Most full gazetteer matches of rows that have a point, per file (the rest are counted in one note).
MAX_NAME_CHECKS = 20_000
#: Degrees of latitude → km (and of longitude at Fujian's latitude, after scaling by cos 25.5°).
_KM_PER_DEG = 111.32
_COS_LAT = math.cos(math.radians(25.5))
_TOWNSHIP_WORDS = re.compile("镇|乡|街道")

PlaceOrError = GeocodeResult | UnknownPlaceError | AmbiguousPlaceError


def in_box(lon: float, lat: float) -> bool:
    """Whether a WGS84 point lies in Fujian's bounding box (:data:`geo.coords.FUJIAN_BBOX`); scalar, fast."""
    lon_min, lat_min, lon_max, lat_max = FUJIAN_BBOX
    return lon_min <= lon <= lon_max and lat_min <= lat <= lat_max


class Places:
    """Gazetteer plus point → county and point → township lookups, built once per validation.

    Parameters
    ----------
    gazetteer
        Places for matching text and for the county polygons and township seats.
    """

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        counties = gazetteer.county_frame
        self.county_codes = [str(c) for c in counties["code"]]
        self.county_names = [str(n) for n in counties["name"]]
        prefs = counties["prefecture_name"] if "prefecture_name" in counties else [""] * len(counties)
        pairs = list(zip(self.county_codes, self.county_names, strict=True))
        self.county_name_of = dict(pairs)
        self.county_labels = {c: f"{p}{n}" for (c, n), p in zip(pairs, prefs, strict=True)}
        self.county_bases = {c: base_name(n, COUNTY_SUFFIXES) for c, n in pairs}
        geoms = list(counties["geometry"]) if "geometry" in counties else []
        usable = bool(geoms) and all(g is not None for g in geoms)
        self.geoms = geoms if usable else []
        self.tree = shapely.STRtree(geoms) if usable else None
        for geom in self.geoms:
            shapely.prepare(geom)
        self._county_index = {c: i for i, c in enumerate(self.county_codes)} if usable else {}
        t = gazetteer.township_frame
        placed = (t["lon"].notna() & t["lat"].notna()).to_numpy()
        self.t_codes = t.loc[placed, "code"].astype(str).to_numpy()
        self.t_county = t.loc[placed, "county_code"].astype(str).to_numpy()
        self.t_names = [str(n) for n in t.loc[placed, "name"]]
        self.t_bases = [base_name(n, TOWNSHIP_SUFFIXES) for n in self.t_names]
        self.t_lon = t.loc[placed, "lon"].to_numpy(float)
        self.t_lat = t.loc[placed, "lat"].to_numpy(float)
        self.t_index = {code: i for i, code in enumerate(self.t_codes)}
        self.seats = cKDTree(self._scaled(self.t_lon, self.t_lat)) if len(self.t_codes) else None
        self._matches: dict[str, PlaceOrError] = {}
        self._seat_names: dict[int, str] = {}
        self.name_checks = 0
        self.unchecked = 0

    @staticmethod
    def _scaled(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> NDArray[np.float64]:
        """Points in "km-like" planar units for the k-d tree (good to a few % across Fujian)."""
        return np.column_stack([np.asarray(lon) * _COS_LAT * _KM_PER_DEG, np.asarray(lat) * _KM_PER_DEG])

    # ------------------------------------------------------------------------------------------ points
    def counties_at(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64]
    ) -> tuple[list[str | None], NDArray[np.float64]]:
        """County code containing each point (or within :data:`COUNTY_TOLERANCE_KM` of it) and the distance
        to that county, km (0 inside; NaN without polygons, when every code is ``None``)."""
        n = len(lon)
        codes: list[str | None] = [None] * n
        dist = np.full(n, math.nan)
        if self.tree is None or n == 0:
            return codes, dist
        if self.seats is not None:  # most points lie in the county of their nearest township seat
            _, nearest = self.seats.query(self._scaled(lon, lat), k=1)
            candidate = self.t_county[np.asarray(nearest)]
            for county in np.unique(candidate):
                rows_c = np.flatnonzero(candidate == county)
                geom = (
                    self.geoms[self._county_index[str(county)]] if str(county) in self._county_index else None
                )
                if geom is None:
                    continue
                for i in rows_c[shapely.contains_xy(geom, lon[rows_c], lat[rows_c])]:
                    codes[int(i)] = str(county)
                    dist[int(i)] = 0.0
        rest = np.flatnonzero(np.isnan(dist))
        points = shapely.points(lon[rest], lat[rest])
        rows, hits = self.tree.query(points, predicate="intersects")
        for i, j in zip(rows[::-1], hits[::-1], strict=True):  # reversed: the first hit of a row wins
            codes[int(rest[int(i)])] = self.county_codes[int(j)]
            dist[int(rest[int(i)])] = 0.0
        missing = np.flatnonzero(np.isnan(dist))
        points = shapely.points(lon, lat)
        if len(missing):
            (rows2, hits2), d_deg = self.tree.query_nearest(points[missing], return_distance=True)
            for i, j, d in zip(rows2, hits2, d_deg, strict=True):
                k = int(missing[int(i)])
                d_km = float(d) * _KM_PER_DEG * math.cos(math.radians(float(lat[k])))
                dist[k] = d_km
                codes[k] = self.county_codes[int(j)] if d_km <= COUNTY_TOLERANCE_KM else None
        return codes, dist

    def nearest_townships(
        self, lon: NDArray[np.float64], lat: NDArray[np.float64], counties: list[str]
    ) -> list[str]:
        """Code of the nearest township seat of each point's county ("" when the county has none)."""
        if self.seats is None or len(lon) == 0:
            return [""] * len(lon)
        k = min(12, len(self.t_codes))
        _, idx = self.seats.query(self._scaled(lon, lat), k=k)
        idx = np.asarray(idx).reshape(len(lon), k)
        out = []
        for row, county, x, y in zip(idx, counties, lon, lat, strict=True):
            hit = next((int(i) for i in row if self.t_county[int(i)] == county), None)
            if hit is None:  # a big county or a point near its edge: search the county's seats
                mask = self.t_county == county
                if not mask.any():
                    out.append("")
                    continue
                d = haversine_km(x, y, self.t_lon[mask], self.t_lat[mask])
                out.append(str(self.t_codes[mask][int(np.argmin(d))]))
                continue
            out.append(str(self.t_codes[hit]))
        return out

    def mentioned_seats(
        self, texts: list[str], lon: NDArray[np.float64], lat: NDArray[np.float64], radius_km: float
    ) -> list[int | None]:
        """Per point: index of the nearest township seat within ``radius_km`` whose name (or its base, 双洋
        for 双洋镇) the point's text mentions, else ``None``. One k-d tree query for all points."""
        if self.seats is None or len(texts) == 0:
            return [None] * len(texts)
        pts = self._scaled(lon, lat)
        near_lists = self.seats.query_ball_point(pts, radius_km)
        seat_xy = self.seats.data
        names, bases = self.t_names, self.t_bases
        out: list[int | None] = []
        for text, near, (x, y) in zip(texts, near_lists, pts, strict=True):
            found = [i for i in near if names[i] in text or (len(bases[i]) >= 2 and bases[i] in text)]
            if not found:
                out.append(None)
                continue
            out.append(min(found, key=lambda i: (seat_xy[i][0] - x) ** 2 + (seat_xy[i][1] - y) ** 2))
        return out

    def names_county_only(self, text: str, county: str) -> bool:
        """``text`` names the county ``county`` (漳平市 or 漳平) and no township (no 镇/乡/街道)."""
        base = self.county_bases.get(county, "")
        named = self.county_name_of.get(county, "")
        mentions = (named and named in text) or (len(base) >= 2 and base in text)
        return bool(mentions) and not _TOWNSHIP_WORDS.search(text)

    def distance_to_county_km(self, lon: float, lat: float, county: str) -> float:
        """Distance from the point to the county's polygon, km (0 inside; NaN without polygons)."""
        if not self.geoms or county not in self.county_labels:
            return math.nan
        geom = self.geoms[self.county_codes.index(county)]
        d_deg = float(geom.distance(shapely.Point(lon, lat)))
        return d_deg * _KM_PER_DEG * math.cos(math.radians(lat))

    def seat_name(self, i: int) -> str:
        """Full name of township seat ``i`` (福建省龙岩市漳平市双洋镇), cached."""
        name = self._seat_names.get(i)
        if name is None:
            name = self._seat_names[i] = self.gazetteer.full_name("township", str(self.t_codes[i]))
        return name

    # -------------------------------------------------------------------------------------------- text
    def match(self, text: str) -> PlaceOrError:
        """The gazetteer's answer for ``text`` (a place, or the error saying why not), cached by text."""
        found = self._matches.get(text)
        if found is None:
            try:
                found = self.gazetteer.match(text) if text else UnknownPlaceError("empty")
            except (UnknownPlaceError, AmbiguousPlaceError) as exc:
                found = exc
            self._matches[text] = found
        return found

    def checked_match(self, text: str) -> PlaceOrError | None:
        """:meth:`match` for a row that has a point, within :data:`MAX_NAME_CHECKS` per file (else ``None``,
        counted in :attr:`unchecked`)."""
        if text not in self._matches:
            if self.name_checks >= MAX_NAME_CHECKS:
                self.unchecked += 1
                return None
            self.name_checks += 1
        return self.match(text)


# ---------------------------------------------------------------------------------------- placing rows


def place_rows(rows: list[Row], col: Mapping[str, str], places: Places) -> None:
    """Give every valid row its county and township: rows with a point are checked to lie in Fujian (not in
    金门县) and against the place their text names; rows without one are geocoded offline from their text."""
    located = [r for r in rows if not r.errors and r.had_point]
    _place_points(located, col, places)
    for r in rows:
        if not r.errors and not r.had_point:
            _geocode(r, col, places)
    if places.unchecked:
        # reported on the file (row None): a note, so it rejects nothing
        rows[0].others.append(
            problem(None, None, str(places.unchecked), "not_checked", "note", detail=f"{MAX_NAME_CHECKS:,}")
        )


def _place_points(rows: list[Row], col: Mapping[str, str], places: Places) -> None:
    lon = np.array([r.lon for r in rows], dtype=float)
    lat = np.array([r.lat for r in rows], dtype=float)
    codes, dist = places.counties_at(lon, lat)
    lon_col = col.get("lon", "")
    inside = []
    for r, county, d_km in zip(rows, codes, dist, strict=True):
        detail = f"{r.lon:.5f}, {r.lat:.5f} WGS84"
        if not in_box(r.lon, r.lat) or (county is None and places.tree is not None):
            if in_box(r.lon, r.lat):
                detail += f", {d_km:.1f} km from the nearest Fujian county"
            r.errors.append(
                problem(r.number, lon_col, r.cells.get("lon", ""), "outside_fujian", "error", detail=detail)
            )
        elif county == KINMEN_COUNTY_CODE:
            r.errors.append(
                problem(r.number, lon_col, r.cells.get("lon", ""), "outside_kinmen", "error", detail=detail)
            )
        else:
            r.county_code = county or ""
            inside.append(r)
    nearest = places.nearest_townships(
        np.array([r.lon for r in inside]), np.array([r.lat for r in inside]), [r.county_code for r in inside]
    )
    seats = places.mentioned_seats(
        [r.text for r in inside],
        np.array([r.lon for r in inside]),
        np.array([r.lat for r in inside]),
        FAR_FROM_NAMED_KM,
    )
    for r, near, seat in zip(inside, nearest, seats, strict=True):
        r.township_code = _township_and_check(r, col, places, near, seat)


def _township_and_check(r: Row, col: Mapping[str, str], places: Places, nearest: str, i: int | None) -> str:
    """The row's township code; a warning when the point is far from the place the row's text names.

    ``nearest`` is the township seat of the point's county nearest to it; ``i`` the index of a township
    near the point that the row's text mentions (:meth:`Places.mentioned_seats`).
    """
    if i is not None:  # the text names a township near the point: consistent
        return str(places.t_codes[i]) if places.t_county[i] == r.county_code else nearest
    if places.names_county_only(r.text, r.county_code):
        return nearest
    place = r.place if r.place is not None else places.checked_match(r.text)
    if place is None or isinstance(place, Exception):
        return nearest
    r.place = place
    county_label = places.county_labels.get(r.county_code, r.county_code)
    if place.level == "township" and place.lon is not None:
        d_km = float(haversine_km(r.lon, r.lat, place.lon, place.lat))
        if d_km <= FAR_FROM_NAMED_KM:
            return place.township_code if place.county_code == r.county_code else nearest
        far = problem(
            r.number,
            col.get("lon", ""),
            place.matched,
            "far_from_named_place",
            "warning",
            other=f"{d_km:.1f}",
            detail=county_label,
        )
        r.others.append(far)
        return nearest
    if place.county_code and place.county_code != r.county_code:
        d_km = places.distance_to_county_km(r.lon, r.lat, place.county_code)
        if not d_km <= COUNTY_TOLERANCE_KM:  # NaN (no polygons) counts as far
            named = places.county_labels.get(place.county_code, place.matched)
            far = problem(
                r.number,
                col.get("lon", ""),
                named,
                "far_from_named_place",
                "warning",
                other=f"{d_km:.1f}",
                detail=county_label,
            )
            r.others.append(far)
            return nearest
    stated = r.cells.get("county_name", "")
    if stated and place.county_code not in ("", r.county_code):
        r.others.append(
            problem(r.number, col["county_name"], stated, "county_mismatch", "note", detail=county_label)
        )
    return nearest


def _geocode(r: Row, col: Mapping[str, str], places: Places) -> None:
    """Place a row without coordinates at the seat of the township (or county) its text names."""
    place = places.match(r.text)
    r.place = place
    where = col.get("address", col["name"])
    if isinstance(place, AmbiguousPlaceError):
        detail = ", ".join(place.candidates[:6])
        r.errors.append(problem(r.number, where, r.text, "ambiguous_place", "error", detail=detail))
    elif isinstance(place, Exception):
        r.errors.append(problem(r.number, where, r.text, "not_geocoded", "error", detail=str(place)))
    elif place.county_code == KINMEN_COUNTY_CODE:
        detail = f"{place.lon:.5f}, {place.lat:.5f} WGS84"
        r.errors.append(problem(r.number, where, r.text, "outside_kinmen", "error", detail=detail))
    else:
        r.lon, r.lat = place.lon, place.lat
        r.county_code, r.township_code = place.county_code, place.township_code
        code = "geocoded_county" if place.level == "county" and place.township_code else "geocoded"
        r.others.append(problem(r.number, where, place.location_quality, code, "note", detail=place.matched))
