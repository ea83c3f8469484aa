"""Layers of xunzhen's Folium maps: boundaries, facility markers, selection outlines, and the words and styles
they use. Private to :mod:`geo.maps`, which re-exports the public names.

Every piece of text from data (names, addresses) is HTML-escaped (:func:`esc`) before it reaches a popup,
tooltip or label. Overlays are drawn in WGS84, or shifted to GCJ-02 for 高德 tiles (:func:`to_map_crs`).
"""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Iterable, Sequence
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo._errors import InputValidationError
from geo.coords import wgs84_to_gcj02
from geo.facilities import FACILITY_TYPES
from geo.labels import LANGS, Labels, text
from geo.places import load_counties, load_prefectures

#: CSS class on every facility marker (SVG path or div); the browser test counts them.
FACILITY_CLASS = "xz-facility"
#: CSS class on boundary polygons.
BOUNDARY_CLASS = "xz-boundary"

#: Words drawn inside maps (legend, popup field names, layer names), in the shape of :mod:`geo.labels`.
MAP_LABELS: Labels = {
    "legend": {"zh": "图例", "en": "Legend"},
    "prefecture_line": {"zh": "地市界", "en": "Prefecture boundary"},
    "county_line": {"zh": "县（市、区）界", "en": "County boundary"},
    "focus": {
        "zh": "重点地市（龙岩、三明、宁德、南平）",
        "en": "Focus prefectures (Longyan, Sanming, Ningde, Nanping)",
    },
    "selected": {"zh": "所选地市", "en": "Selected prefectures"},
    "counties": {"zh": "县（市、区）界线", "en": "County boundaries"},
    "prefectures": {"zh": "地市界线", "en": "Prefecture boundaries"},
    "labels": {"zh": "地市名称", "en": "Prefecture names"},
    "name": {"zh": "名称", "en": "Name"},
    "type": {"zh": "类型", "en": "Type"},
    "county": {"zh": "所在县区", "en": "County"},
    "quality": {"zh": "位置", "en": "Location"},
    "address": {"zh": "地址", "en": "Address"},
    "name_unverified": {"zh": "名称待核实", "en": "name to be verified"},
    "facility_layer": {"zh": "{label}（{n}）", "en": "{label} ({n})"},
    "approx_note": {"zh": "位置为近似值，非实测", "en": "approximate location, not surveyed"},
}


#: ``location_quality`` value → label shown to the user.
LOCATION_QUALITY_LABELS: Labels = {
    "approximate: township seat": {"zh": "近似：乡镇驻地", "en": "approximate: township seat"},
    "approximate: county seat": {"zh": "近似：县城驻地", "en": "approximate: county seat"},
    "approximate: street seat": {"zh": "近似：街道驻地", "en": "approximate: street (街道) seat"},
    "surveyed": {"zh": "实测", "en": "surveyed"},
}




def labels_for(lang: str) -> dict[str, str]:
    """:data:`MAP_LABELS` in one language (``lang`` checked: "zh" or "en")."""
    check_lang(lang)
    return {key: text(MAP_LABELS, key, lang) for key in MAP_LABELS}


#: Marker style per facility type: colour, drawing ("circle" = SVG circle marker, "square" = SVG cross badge),
#: size in pixels (circle radius or badge side). Primary care is small and drawn first; hospitals on top.
FACILITY_STYLES: dict[str, dict[str, Any]] = {
    "township_health_center": {"color": "#1f77b4", "shape": "circle", "size": 4.5, "order": 0},
    "community_health_center": {"color": "#2ca02c", "shape": "circle", "size": 4.5, "order": 1},
    "county_hospital": {"color": "#7b4fa0", "shape": "square", "size": 14, "order": 2},
    "city_hospital": {"color": "#e67e22", "shape": "square", "size": 17, "order": 3},
    "tertiary_hospital": {"color": "#c0392b", "shape": "square", "size": 20, "order": 4},
}
_FALLBACK_STYLE: dict[str, Any] = {"color": "#555555", "shape": "circle", "size": 4.5, "order": 9}

_LAND = "#fbfaf6"
_SEA = "#ebe9e2"  # outside Fujian: neutral land grey (the neighbouring provinces are land, not sea)
_FOCUS_FILL = "#fdebc8"
_PREF_LINE = "#4a4a4a"
_COUNTY_LINE = "#9a9a9a"


def esc(value: Any) -> str:
    """HTML-escape a data value ("" for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def check_lang(lang: str) -> str:
    """``lang`` if it is a language of the maps ("zh" or "en").

    Raises
    ------
    InputValidationError
        Any other value.
    """
    if lang not in LANGS:
        msg = f"Unknown language {lang!r}; expected one of {sorted(LANGS)}."
        raise InputValidationError(msg)
    return lang


def to_map_crs(geoms: Any, crs: str) -> Any:
    """Geometries (WGS84) redrawn in ``crs`` ("wgs84" → unchanged, "gcj02" → shifted)."""
    if crs == "wgs84":
        return geoms
    if crs != "gcj02":
        msg = f"Overlay coordinate system {crs!r} is not supported; expected 'wgs84' or 'gcj02'."
        raise InputValidationError(msg)

    def fn(xy: np.ndarray) -> np.ndarray:
        lon, lat = wgs84_to_gcj02(xy[:, 0], xy[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geoms, fn)


def _round_coords(geoms: Any, ndigits: int = 4) -> Any:
    return shapely.transform(geoms, lambda xy: np.round(xy, ndigits))


def _features(geoms: Sequence[Any], props: Sequence[dict[str, Any]]) -> dict[str, Any]:
    feats = [
        {"type": "Feature", "id": p.get("code", str(i)), "properties": p,
         "geometry": shapely.geometry.mapping(g)}
        for i, (g, p) in enumerate(zip(geoms, props, strict=True))
        if g is not None and not g.is_empty
    ]
    return {"type": "FeatureCollection", "features": feats}


def _drop_islets(geoms: np.ndarray, min_part_deg2: float) -> np.ndarray:
    out = []
    for g in geoms:
        parts = shapely.get_parts(g)
        if len(parts) <= 1:
            out.append(g)
            continue
        areas = shapely.area(parts)
        keep = parts[(areas >= min_part_deg2) | (areas == areas.max())]
        out.append(shapely.multipolygons(keep) if len(keep) > 1 else keep[0])
    return np.asarray(out, dtype=object)


def boundary_geojson(
    prefectures: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    *,
    crs: str = "wgs84",
    tolerance_deg: float = 0.003,
    min_part_deg2: float = 2e-5,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Display-weight GeoJSON of county and prefecture boundaries.

    Counties are simplified together as a coverage (``shapely.coverage_simplify``), so neighbours keep a
    shared edge; prefectures are the union of their simplified counties, so the two layers coincide exactly.

    Parameters
    ----------
    prefectures, counties
        Frames as returned by ``geo.places.load_prefectures`` / ``load_counties`` (EPSG:4326).
    crs
        "wgs84", or "gcj02" to draw on GCJ-02 tiles.
    tolerance_deg
        Simplification tolerance in degrees (0.003° ≈ 300 m: invisible at province and county scale).
    min_part_deg2
        Islets smaller than this (square degrees; 2e-5 ≈ 0.2 km²) are left out of the drawing (about 280 of
        the 478 polygon parts, mostly rocks off the coast); a county keeps at least its largest part.

    Returns
    -------
    (counties, prefectures)
        Two GeoJSON FeatureCollections; properties are HTML-escaped names.

    Raises
    ------
    InputValidationError
        If ``crs`` is not supported.
    """
    geoms = _drop_islets(np.asarray(counties.geometry.values), min_part_deg2)
    geoms = shapely.coverage_simplify(geoms, tolerance_deg)
    geoms = _round_coords(to_map_crs(geoms, crs))
    county_props = [
        {"name": esc(r.name), "prefecture": esc(r.prefecture_name), "code": str(r.code)}
        for r in counties.itertuples()
    ]
    county_fc = _features(list(geoms), county_props)

    by_pref: dict[str, list[Any]] = {}
    for g, code in zip(geoms, counties["prefecture_code"].astype(str), strict=True):
        by_pref.setdefault(code, []).append(g)
    pref_geoms, pref_props = [], []
    for r in prefectures.itertuples():
        parts = by_pref.get(str(r.code))
        if not parts:
            continue
        pref_geoms.append(_round_coords(shapely.union_all(parts, grid_size=1e-4)))
        pref_props.append({"name": esc(r.name), "code": str(r.code), "focus": bool(r.is_focus)})
    return county_fc, _features(pref_geoms, pref_props)


@functools.lru_cache(maxsize=4)
def _embedded_boundaries(crs: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return boundary_geojson(load_prefectures(), load_counties(), crs=crs)


def _symbol_svg(style: dict[str, Any]) -> str:
    color = style["color"]
    if style["shape"] == "circle":
        r = style["size"]
        d = int(2 * r + 4)
        return (
            f'<svg width="{d}" height="{d}" viewBox="0 0 {d} {d}"><circle cx="{d / 2}" cy="{d / 2}" r="{r}" '
            f'fill="{color}" fill-opacity="0.85" stroke="#ffffff" stroke-width="1"/></svg>'
        )
    s = int(style["size"])
    arm = s * 0.28
    c = s / 2
    return (
        f'<svg width="{s}" height="{s}" viewBox="0 0 {s} {s}"><rect x="0.75" y="0.75" width="{s - 1.5}" '
        f'height="{s - 1.5}" rx="{s * 0.2:.1f}" fill="{color}" stroke="#ffffff" stroke-width="1.5"/>'
        f'<path d="M{c} {c - arm}V{c + arm}M{c - arm} {c}H{c + arm}" stroke="#ffffff" '
        f'stroke-width="{max(2.0, s * 0.16):.1f}" stroke-linecap="round"/></svg>'
    )


def _type_labels(lang: str) -> dict[str, str]:
    return {k: str(v[lang]) for k, v in FACILITY_TYPES.items()}


def _facility_properties(row: Any, lang: str, type_label: str) -> dict[str, str]:
    """Popup/tooltip fields of one facility row, every data value HTML-escaped."""
    quality = str(getattr(row, "location_quality", "") or "")
    q_label = text(LOCATION_QUALITY_LABELS, quality, lang) if quality else ""
    county = " ".join(x for x in (esc(getattr(row, "prefecture_name", "")), esc(row.county_name)) if x)
    props = {"n": esc(row.name), "t": esc(type_label), "c": county, "q": esc(q_label)}
    address = esc(getattr(row, "address", ""))
    if address:
        props["a"] = address
    return props


def _marker(style: dict[str, Any], cls: str) -> folium.Marker | folium.CircleMarker:
    """The marker of one facility type: an SVG circle, or a square badge with a cross (hospitals)."""
    if style["shape"] == "circle":
        return folium.CircleMarker(
            radius=style["size"], color="#ffffff", weight=1, fill=True, fill_color=style["color"],
            fill_opacity=0.9, class_name=cls,
        )
    side = int(style["size"])
    return folium.Marker(
        icon=folium.DivIcon(html=_symbol_svg(style), icon_size=(side, side),
                            icon_anchor=(side // 2, side // 2), class_name=cls),
    )


def facility_layers(
    facilities: pd.DataFrame,
    *,
    lang: str = "zh",
    crs: str = "wgs84",
    type_labels: dict[str, str] | None = None,
    types: Iterable[str] | None = None,
) -> list[folium.FeatureGroup]:
    """One feature group per facility type, each a GeoJSON layer of SVG markers with escaped popups.

    Rows without coordinates are skipped (they are listed in the data-quality panel instead).

    Parameters
    ----------
    facilities
        Rows of ``geo.facilities.load_facilities()`` (already filtered); needs ``lon``/``lat`` in WGS84.
    lang
        "zh" or "en".
    crs
        "wgs84", or "gcj02" on 高德 tiles.
    type_labels
        Facility type → label (default from ``geo.facilities.FACILITY_TYPES``).
    types
        Types to make a layer for, even if empty (default: the types present).

    Returns
    -------
    list of folium.FeatureGroup
        Named "label (count)", hospitals last so they draw on top.

    Raises
    ------
    InputValidationError
        Unknown language or coordinate system.
    """
    lang = check_lang(lang)
    if type_labels is None:
        type_labels = _type_labels(lang)
    lon_all, lat_all = facilities["lon"].astype(float), facilities["lat"].astype(float)
    placed = facilities[np.isfinite(lon_all) & np.isfinite(lat_all)]
    if crs != "wgs84":
        pts = to_map_crs(shapely.points(placed["lon"].to_numpy(float), placed["lat"].to_numpy(float)), crs)
        lon, lat = shapely.get_x(pts), shapely.get_y(pts)
    else:
        lon, lat = placed["lon"].to_numpy(float), placed["lat"].to_numpy(float)
    placed = placed.assign(xz_lon=np.round(lon, 6), xz_lat=np.round(lat, 6))
    wanted = list(types) if types is not None else list(dict.fromkeys(placed["facility_type"]))
    wanted.sort(key=lambda t: FACILITY_STYLES.get(t, _FALLBACK_STYLE)["order"])
    groups = []
    for ftype in wanted:
        rows = placed[placed["facility_type"] == ftype]
        style = FACILITY_STYLES.get(ftype, _FALLBACK_STYLE)
        label = type_labels.get(ftype, ftype)
        layer_name = labels_for(lang)["facility_layer"].format(label=esc(label), n=len(rows))
        fg = folium.FeatureGroup(name=layer_name)
        feats: list[dict[str, Any]] = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.xz_lon, r.xz_lat]},
                "properties": _facility_properties(r, lang, label),
            }
            for r in rows.itertuples()
        ]
        marker = _marker(style, f"{FACILITY_CLASS} xz-{ftype}")
        if not feats:  # an empty layer still shows "label (0)" in the layer control
            groups.append(fg)
            continue
        fields = ["n", "t", "c", "q"] + (["a"] if any("a" in f["properties"] for f in feats) else [])
        lab = labels_for(lang)
        aliases = [lab["name"], lab["type"], lab["county"], lab["quality"], lab["address"]][: len(fields)]
        if "a" in fields:
            for f in feats:
                f["properties"].setdefault("a", "")
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats}, marker=marker,
            popup=folium.GeoJsonPopup(fields=fields, aliases=aliases, localize=False, max_width=340,
                                      class_name="xz-popup"),
            tooltip=folium.GeoJsonTooltip(fields=["n"], labels=False, localize=False),
        ).add_to(fg)
        groups.append(fg)
    return groups


def selection_outline(
    prefectures: gpd.GeoDataFrame, codes: Iterable[str], *, crs: str = "wgs84", lang: str = "zh"
) -> folium.FeatureGroup | None:
    """A bold outline around the selected prefectures (None when nothing or everything is selected)."""
    codes = {str(c) for c in codes}
    sel = prefectures[prefectures["code"].astype(str).isin(codes)]
    if sel.empty or len(sel) == len(prefectures):
        return None
    geom = _round_coords(to_map_crs(shapely.union_all(np.asarray(sel.geometry.values)), crs))
    fg = folium.FeatureGroup(name=labels_for(lang)["selected"])
    folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)},
        style_function=lambda _f: {"color": "#1f6f8b", "weight": 3.5, "fill": False, "interactive": False,
                                   "className": "xz-selection"},
    ).add_to(fg)
    return fg


def geojson_size_bytes(fc: dict[str, Any]) -> int:
    """Size of a GeoJSON object serialised compactly (for diagnostics and tests)."""
    return len(json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
