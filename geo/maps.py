"""Folium map builders for xunzhen (no Streamlit): boundaries base layer, facility markers, legend, basemaps.

The base layer is the prefecture and county boundaries of Fujian, drawn so the map reads well with no tiles at
all (offline, or in mainland China where foreign tile servers are slow). Tiles are optional on top:

* ``"none"`` — boundaries only (the default: works offline);
* ``"osm"`` — OpenStreetMap tiles (WGS84, needs internet);
* ``"tianditu"`` — 天地图 vector tiles and labels (CGCS2000 ≈ WGS84, no shift; needs the user's key);
* ``"gaode"`` — 高德 tiles, which are drawn in GCJ-02: every overlay (boundaries, markers) is shifted to
  GCJ-02 with :mod:`geo.coords` so markers sit on the right street (≈ 600 m off otherwise).

Every piece of text from data (names, addresses) is HTML-escaped before it reaches a popup, tooltip or label.
Every web asset is served locally (:mod:`geo._assets`); :func:`standalone_html` inlines them.

Labels drawn inside the map (legend, popup field names, basemap names) live here in :data:`MAP_LABELS`,
because ``geo/`` cannot import the app's string table (``pages/ui/i18n.py``).

Layers are built separately so the app can keep the base map fixed and swap only the facility layers when a
filter changes (streamlit-folium's ``feature_group_to_add``), which avoids reloading the map.
"""

from __future__ import annotations

import functools
import html
import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _assets
from geo._errors import InputValidationError
from geo.coords import wgs84_to_gcj02
from geo.facilities import FACILITY_TYPES
from geo.places import load_counties, load_prefectures

__all__ = [
    "BASEMAPS",
    "FACILITY_STYLES",
    "MAP_LABELS",
    "Basemap",
    "base_map",
    "boundary_geojson",
    "facility_layers",
    "overview_map",
    "selection_outline",
    "standalone_html",
    "view_for_bounds",
    "view_for_prefectures",
]

#: CSS class on every facility marker (SVG path or div); the browser test counts them.
FACILITY_CLASS = "xz-facility"
#: CSS class on boundary polygons.
BOUNDARY_CLASS = "xz-boundary"

MAP_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "legend": "图例",
        "prefecture_line": "地市界",
        "county_line": "县（市、区）界",
        "focus": "重点地市（龙岩、三明、宁德、南平）",
        "selected": "所选地市",
        "counties": "县（市、区）界线",
        "prefectures": "地市界线",
        "labels": "地市名称",
        "name": "名称",
        "type": "类型",
        "county": "所在县区",
        "quality": "位置",
        "address": "地址",
        "name_unverified": "名称待核实",
        "facility_layer": "{label}（{n}）",
        "approx_note": "位置为近似值，非实测",
    },
    "en": {
        "legend": "Legend",
        "prefecture_line": "Prefecture boundary",
        "county_line": "County boundary",
        "focus": "Focus prefectures (Longyan, Sanming, Ningde, Nanping)",
        "selected": "Selected prefectures",
        "counties": "County boundaries",
        "prefectures": "Prefecture boundaries",
        "labels": "Prefecture names",
        "name": "Name",
        "type": "Type",
        "county": "County",
        "quality": "Location",
        "address": "Address",
        "name_unverified": "name to be verified",
        "facility_layer": "{label} ({n})",
        "approx_note": "approximate location, not surveyed",
    },
}

#: ``location_quality`` value → label shown to the user.
LOCATION_QUALITY_LABELS: dict[str, dict[str, str]] = {
    "approximate: township seat": {"zh": "近似：乡镇驻地", "en": "approximate: township seat"},
    "approximate: county seat": {"zh": "近似：县城驻地", "en": "approximate: county seat"},
    "approximate: street seat": {"zh": "近似：街道驻地", "en": "approximate: street (街道) seat"},
    "surveyed": {"zh": "实测", "en": "surveyed"},
}


@dataclass(frozen=True)
class Basemap:
    """A background choice.

    Attributes
    ----------
    key
        Identifier used in URLs and settings.
    zh, en
        Label in each language.
    overlay_crs
        Coordinate system the overlays must be drawn in on top of these tiles ("wgs84" or "gcj02").
    needs_key
        True when the tiles need the user's API key.
    online
        True when the tiles come from the internet.
    """
    key: str
    zh: str
    en: str
    overlay_crs: str
    needs_key: bool
    online: bool

    def label(self, lang: str) -> str:
        """Label in ``lang`` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en


BASEMAPS: dict[str, Basemap] = {
    b.key: b
    for b in (
        Basemap("none", "仅行政区划（离线）", "Boundaries only (offline)", "wgs84", False, False),
        Basemap("osm", "OpenStreetMap（需联网）", "OpenStreetMap (online)", "wgs84", False, True),
        Basemap("tianditu", "天地图（需密钥）", "Tianditu (needs a key)", "wgs84", True, True),
        Basemap("gaode", "高德地图（GCJ-02）", "Amap / Gaode (GCJ-02)", "gcj02", False, True),
    )
}

_OSM_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
_OSM_ATTR = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
_TIANDITU_URL = (
    "https://t{s}.tianditu.gov.cn/{layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER={layer}"
    "&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX={z}&TILEROW={y}&TILECOL={x}&tk={key}"
)
_GAODE_URL = "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}"

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
_SEA = "#dbe7ee"
_FOCUS_FILL = "#fdebc8"
_PREF_LINE = "#4a4a4a"
_COUNTY_LINE = "#9a9a9a"


def _esc(value: Any) -> str:
    """HTML-escape a data value ("" for None/NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value), quote=True)


def _check_lang(lang: str) -> str:
    if lang not in MAP_LABELS:
        msg = f"Unknown language {lang!r}; expected one of {sorted(MAP_LABELS)}."
        raise InputValidationError(msg)
    return lang


def _basemap(key: str) -> Basemap:
    if key not in BASEMAPS:
        msg = f"Unknown basemap {key!r}; expected one of {list(BASEMAPS)}."
        raise InputValidationError(msg)
    return BASEMAPS[key]


def _shift(geoms: Any, crs: str) -> Any:
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
    geoms = _round_coords(_shift(geoms, crs))
    county_props = [
        {"name": _esc(r.name), "prefecture": _esc(r.prefecture_name), "code": str(r.code)}
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
        pref_props.append({"name": _esc(r.name), "code": str(r.code), "focus": bool(r.is_focus)})
    return county_fc, _features(pref_geoms, pref_props)


@functools.lru_cache(maxsize=4)
def _embedded_boundaries(crs: str) -> tuple[dict[str, Any], dict[str, Any]]:
    return boundary_geojson(load_prefectures(), load_counties(), crs=crs)


def _tile_layers(basemap: Basemap, tianditu_key: str | None, lang: str) -> list[folium.TileLayer]:
    if basemap.key == "osm":
        return [folium.TileLayer(_OSM_URL, attr=_OSM_ATTR, name=basemap.label(lang), max_zoom=19)]
    if basemap.key == "gaode":
        return [
            folium.TileLayer(
                _GAODE_URL, attr="&copy; 高德地图 AutoNavi", name=basemap.label(lang), subdomains="1234",
                max_zoom=18,
            )
        ]
    if basemap.key == "tianditu":
        key = (tianditu_key or "").strip()
        if not key or not key.isalnum():
            msg = "天地图 needs the user's key (letters and digits, from the 天地图 console); none was given."
            raise InputValidationError(msg)
        attr = "&copy; 天地图 Tianditu"
        return [
            folium.TileLayer(
                _TIANDITU_URL.replace("{layer}", "vec").replace("{key}", key), attr=attr,
                name=basemap.label(lang), subdomains="01234567", max_zoom=18,
            ),
            folium.TileLayer(
                _TIANDITU_URL.replace("{layer}", "cva").replace("{key}", key), attr=attr,
                name="天地图注记" if lang == "zh" else "Tianditu labels", subdomains="01234567", max_zoom=18,
                overlay=True, control=False,
            ),
        ]
    return []


def _legend_html(lang: str, type_labels: dict[str, str]) -> str:
    lab = MAP_LABELS[lang]
    rows = []
    for key, style in sorted(FACILITY_STYLES.items(), key=lambda kv: kv[1]["order"], reverse=True):
        rows.append(f'<div class="xz-legend-row">{_symbol_svg(style)}<span>{_esc(type_labels.get(key, key))}'
                    "</span></div>")
    rows.append(
        f'<div class="xz-legend-row"><svg width="22" height="10"><line x1="1" y1="5" x2="21" y2="5" '
        f'stroke="{_PREF_LINE}" stroke-width="2.2"/></svg><span>{_esc(lab["prefecture_line"])}</span></div>'
    )
    rows.append(
        f'<div class="xz-legend-row"><svg width="22" height="10"><line x1="1" y1="5" x2="21" y2="5" '
        f'stroke="{_COUNTY_LINE}" stroke-width="1" stroke-dasharray="3 2"/></svg>'
        f'<span>{_esc(lab["county_line"])}</span></div>'
    )
    rows.append(
        f'<div class="xz-legend-row"><svg width="22" height="14"><rect x="1" y="1" width="20" height="12" '
        f'fill="{_FOCUS_FILL}" stroke="{_PREF_LINE}" stroke-width="1"/></svg>'
        f'<span>{_esc(lab["focus"])}</span></div>'
    )
    return (
        f'<div class="xz-legend"><div class="xz-legend-title">{_esc(lab["legend"])}</div>{"".join(rows)}'
        f'<div class="xz-legend-note">{_esc(lab["approx_note"])}</div></div>'
    )


_CSS = """
<style>
.folium-map.leaflet-container, #map_div.leaflet-container { background: %(sea)s; }
.leaflet-container, .xz-legend { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC",
  "Helvetica Neue", Arial, sans-serif; }
.leaflet-container .leaflet-control-layers { font-size: 13px; line-height: 1.45; }
.leaflet-control-layers-expanded .leaflet-control-layers-list { height: auto !important; }
.leaflet-control-layers-scrollbar { overflow-y: visible !important; }
.xz-legend { position: absolute; left: 10px; top: 84px; z-index: 1000; background: rgba(255,255,255,.93);
  border-radius: 6px; box-shadow: 0 1px 4px rgba(0,0,0,.25); padding: 8px 10px; font-size: 12px;
  line-height: 1.5; color: #222; max-width: 260px; pointer-events: none; }
.xz-legend-title { font-weight: 600; margin-bottom: 3px; }
.xz-legend-row { display: flex; align-items: center; gap: 6px; }
.xz-legend-row svg { flex: none; }
.xz-legend-note { color: #777; font-size: 11px; margin-top: 3px; }
.xz-label div { transform: translate(-50%%, -50%%); white-space: nowrap; font-size: 14px; font-weight: 600;
  color: #333; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 3px #fff; pointer-events: none; }
.xz-label .xz-focus { color: #8a4b00; }
.xz-popup table { font-size: 13px; line-height: 1.5; border-collapse: collapse; }
.xz-popup th { color: #666; font-weight: normal; text-align: left; padding-right: 8px; white-space: nowrap;
  vertical-align: top; }
.xz-popup tr:first-child td { font-weight: 600; font-size: 14px; }
.leaflet-div-icon.%(cls)s, div.%(cls)s { background: none; border: none; }
</style>
"""


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


def base_map(
    prefectures: gpd.GeoDataFrame | None = None,
    counties: gpd.GeoDataFrame | None = None,
    *,
    basemap: str = "none",
    lang: str = "zh",
    tianditu_key: str | None = None,
    asset_base_url: str = "/app/static/vendor",
    type_labels: dict[str, str] | None = None,
) -> folium.Map:
    """The Fujian map with boundaries (and optional tiles), legend and prefecture names; no facilities yet.

    Parameters
    ----------
    prefectures, counties
        Frames from ``geo.places`` (EPSG:4326); None (both) = the embedded dataset, whose simplified
        boundaries are computed once per process.
    basemap
        A key of :data:`BASEMAPS`.
    lang
        "zh" or "en".
    tianditu_key
        The user's 天地图 key (only for ``basemap="tianditu"``).
    asset_base_url
        Where the Leaflet files are served (:func:`geo._assets.static_url`).
    type_labels
        Facility type → label for the legend (default: ``geo.facilities.FACILITY_TYPES`` in ``lang``).

    Returns
    -------
    folium.Map
        Fitted to Fujian, every asset link local.

    Raises
    ------
    InputValidationError
        Unknown basemap or language, or 天地图 without a key.
    """
    lang = _check_lang(lang)
    bm = _basemap(basemap)
    lab = MAP_LABELS[lang]
    m = folium.Map(
        location=[26.1, 118.2], zoom_start=7, tiles=None, control_scale=False, prefer_canvas=False,
        zoom_snap=0.25, min_zoom=5, max_zoom=18,
    )
    for layer in _tile_layers(bm, tianditu_key, lang):
        layer.add_to(m)
    if prefectures is None or counties is None:
        prefectures, counties = load_prefectures(), load_counties()
        county_fc, pref_fc = _embedded_boundaries(bm.overlay_crs)
    else:
        county_fc, pref_fc = boundary_geojson(prefectures, counties, crs=bm.overlay_crs)
    tiles = bool(bm.online)

    def pref_style(feature: dict[str, Any]) -> dict[str, Any]:
        focus = feature["properties"].get("focus")
        return {
            "color": _PREF_LINE, "weight": 2.2, "opacity": 0.9,
            "className": f"{BOUNDARY_CLASS} xz-prefecture",
            "fillColor": _FOCUS_FILL if focus else _LAND,
            "fillOpacity": (0.35 if focus else 0.0) if tiles else 1.0,
        }

    folium.GeoJson(
        pref_fc, name=lab["prefectures"], style_function=pref_style, control=True, smooth_factor=0.5,
        tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
    ).add_to(m)

    def county_style(_feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "color": _COUNTY_LINE, "weight": 1, "opacity": 0.9, "dashArray": "3 2", "fill": True,
            "fillOpacity": 0.0, "className": f"{BOUNDARY_CLASS} xz-county",
        }

    folium.GeoJson(
        county_fc, name=lab["counties"], style_function=county_style, smooth_factor=0.5,
        highlight_function=lambda _f: {"weight": 2, "color": "#555555", "fillOpacity": 0.08,
                                       "fillColor": "#555555"},
        tooltip=folium.GeoJsonTooltip(fields=["name", "prefecture"], labels=False),
    ).add_to(m)

    folium.map.CustomPane("xz-labels", z_index=640, pointer_events=False).add_to(m)
    labels = folium.FeatureGroup(name=lab["labels"], control=True)
    pref_shifted = _shift(np.asarray(prefectures.geometry.representative_point().values), bm.overlay_crs)
    for r, pt in zip(prefectures.itertuples(), pref_shifted, strict=True):
        short = getattr(r, "short_name", None) or r.name
        star = ' <span class="xz-focus">★</span>' if r.is_focus else ""
        cls = "xz-focus" if r.is_focus else ""
        folium.Marker(
            [pt.y, pt.x], interactive=False, keyboard=False, pane="xz-labels",
            icon=folium.DivIcon(html=f'<div class="{cls}">{_esc(short)}{star}</div>', class_name="xz-label",
                                icon_size=(0, 0), icon_anchor=(0, 0)),
        ).add_to(labels)
    labels.add_to(m)

    if type_labels is None:
        type_labels = _type_labels(lang)
    root: Any = m.get_root()
    root.header.add_child(
        folium.Element(_CSS % {"sea": "#f2f2ef" if tiles else _SEA, "cls": FACILITY_CLASS})
    )
    root.html.add_child(folium.Element(_legend_html(lang, type_labels)))
    _MetricScale().add_to(m)
    _AttributionPrefix().add_to(m)
    m.fit_bounds([[23.5, 115.8], [28.35, 120.7]])
    return _assets.localize(m, asset_base_url)


class _MetricScale(folium.MacroElement):
    """Leaflet's scale bar in kilometres only (folium's ``control_scale`` adds miles too)."""
    _template = folium.template.Template(
        """{% macro script(this, kwargs) %}
        L.control.scale({imperial: false, position: "bottomleft"}).addTo({{ this._parent.get_name() }});
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MetricScale"


class _AttributionPrefix(folium.MacroElement):
    """Attribution prefix plain "Leaflet" (Leaflet 1.9's default prefix carries a flag icon; the users are
    mainland-China government offices, where a political symbol on an official map is not acceptable)."""
    _template = folium.template.Template(
        """{% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix("Leaflet");
        }
        {% endmacro %}"""
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "AttributionPrefix"


def _type_labels(lang: str) -> dict[str, str]:
    return {k: str(v[lang]) for k, v in FACILITY_TYPES.items()}


def _facility_properties(row: Any, lang: str, type_label: str) -> dict[str, str]:
    """Popup/tooltip fields of one facility row, every data value HTML-escaped."""
    quality = str(getattr(row, "location_quality", "") or "")
    q_label = LOCATION_QUALITY_LABELS.get(quality, {}).get(lang, quality)
    county = " ".join(x for x in (_esc(getattr(row, "prefecture_name", "")), _esc(row.county_name)) if x)
    props = {"n": _esc(row.name), "t": _esc(type_label), "c": county, "q": _esc(q_label)}
    address = _esc(getattr(row, "address", ""))
    if address:
        props["a"] = address
    return props


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
    lang = _check_lang(lang)
    if type_labels is None:
        type_labels = _type_labels(lang)
    lon_all, lat_all = facilities["lon"].astype(float), facilities["lat"].astype(float)
    placed = facilities[np.isfinite(lon_all) & np.isfinite(lat_all)]
    if crs != "wgs84":
        pts = _shift(shapely.points(placed["lon"].to_numpy(float), placed["lat"].to_numpy(float)), crs)
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
        layer_name = MAP_LABELS[lang]["facility_layer"].format(label=_esc(label), n=len(rows))
        fg = folium.FeatureGroup(name=layer_name)
        feats: list[dict[str, Any]] = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.xz_lon, r.xz_lat]},
                "properties": _facility_properties(r, lang, label),
            }
            for r in rows.itertuples()
        ]
        cls = f"{FACILITY_CLASS} xz-{ftype}"
        if style["shape"] == "circle":
            marker: folium.Marker | folium.CircleMarker = folium.CircleMarker(
                radius=style["size"], color="#ffffff", weight=1, fill=True, fill_color=style["color"],
                fill_opacity=0.9, class_name=cls,
            )
        else:
            s = int(style["size"])
            marker = folium.Marker(
                icon=folium.DivIcon(html=_symbol_svg(style), icon_size=(s, s), icon_anchor=(s // 2, s // 2),
                                    class_name=cls),
            )
        if not feats:  # an empty layer still shows "label (0)" in the layer control
            groups.append(fg)
            continue
        fields = ["n", "t", "c", "q"] + (["a"] if any("a" in f["properties"] for f in feats) else [])
        lab = MAP_LABELS[lang]
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
    geom = _round_coords(_shift(shapely.union_all(np.asarray(sel.geometry.values)), crs))
    fg = folium.FeatureGroup(name=MAP_LABELS[_check_lang(lang)]["selected"])
    folium.GeoJson(
        {"type": "Feature", "properties": {}, "geometry": shapely.geometry.mapping(geom)},
        style_function=lambda _f: {"color": "#1f6f8b", "weight": 3.5, "fill": False, "interactive": False,
                                   "className": "xz-selection"},
    ).add_to(fg)
    return fg


def view_for_bounds(
    bounds: tuple[float, float, float, float], *, width_px: int = 900, height_px: int = 620
) -> tuple[tuple[float, float], float]:
    """Centre (lat, lon) and Web-Mercator zoom that fit a WGS84 box ``(lon_min, lat_min, lon_max, lat_max)``.

    Parameters
    ----------
    bounds
        Box in degrees.
    width_px, height_px
        Map size in CSS pixels.

    Returns
    -------
    ((lat, lon), zoom)
        Zoom in quarter steps, between 5 and 13.
    """
    lon0, lat0, lon1, lat1 = bounds

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = max(lon1 - lon0, 1e-3) / 360.0
    dy = max(merc_y(lat1) - merc_y(lat0), 1e-3) / (2 * math.pi)
    zoom = min(math.log2(width_px * 0.9 / 256 / dx), math.log2(height_px * 0.9 / 256 / dy))
    zoom = max(5.0, min(13.0, math.floor(zoom * 4) / 4))
    lat_c = math.degrees(math.atan(math.sinh((merc_y(lat0) + merc_y(lat1)) / 2)))
    return (round(lat_c, 5), round((lon0 + lon1) / 2, 5)), zoom


def view_for_prefectures(
    prefectures: gpd.GeoDataFrame, codes: Iterable[str], *, width_px: int = 900, height_px: int = 640
) -> tuple[tuple[float, float], float]:
    """Centre (lat, lon) and zoom that fit the selected prefectures (all of Fujian when none is selected).

    Parameters
    ----------
    prefectures
        ``geo.places.load_prefectures()``.
    codes
        Selected prefecture codes.
    width_px, height_px
        Map size in CSS pixels.
    """
    codes = {str(c) for c in codes}
    sel = prefectures[prefectures["code"].astype(str).isin(codes)]
    if sel.empty:
        sel = prefectures
    lon0, lat0, lon1, lat1 = (float(v) for v in sel.total_bounds)
    return view_for_bounds((lon0, lat0, lon1, lat1), width_px=width_px, height_px=height_px)


def overview_map(
    prefectures: gpd.GeoDataFrame,
    counties: gpd.GeoDataFrame,
    facilities: pd.DataFrame,
    *,
    basemap: str = "none",
    lang: str = "zh",
    tianditu_key: str | None = None,
    asset_base_url: str = "/app/static/vendor",
) -> folium.Map:
    """Boundaries, facilities by type, legend and a layer control in one map (for exports and notebooks).

    Parameters are those of :func:`base_map` and :func:`facility_layers`.

    Raises
    ------
    InputValidationError
        As :func:`base_map`.
    """
    m = base_map(prefectures, counties, basemap=basemap, lang=lang, tianditu_key=tianditu_key,
                 asset_base_url=asset_base_url)
    for fg in facility_layers(facilities, lang=lang, crs=BASEMAPS[basemap].overlay_crs):
        fg.add_to(m)
    folium.LayerControl(collapsed=False).add_to(m)
    return _assets.localize(m, asset_base_url)


def standalone_html(m: folium.Map) -> str:
    """The map as one self-contained HTML document (Leaflet inlined; opens offline from a file).

    Raises
    ------
    AssetError
        If some element still loads an asset from another host.
    """
    _assets.localize(m, "vendor")
    return _assets.inline_assets(m.get_root().render())


def geojson_size_bytes(fc: dict[str, Any]) -> int:
    """Size of a GeoJSON object serialised compactly (for diagnostics and tests)."""
    return len(json.dumps(fc, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))
