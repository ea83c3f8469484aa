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

Labels drawn inside the map (legend, popup field names, layer names) live beside the layers in
:data:`MAP_LABELS` (:mod:`geo._map_layers`, re-exported here), because ``geo/`` cannot import the app's string
table (``pages/ui/i18n.py``).

Layers are built separately so the app can keep the base map fixed and swap only the facility layers when a
filter changes (streamlit-folium's ``feature_group_to_add``), which avoids reloading the map.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd

from geo import _assets
from geo._errors import InputValidationError
from geo._map_layers import (
    _COUNTY_LINE,
    _FOCUS_FILL,
    _LAND,
    _PREF_LINE,
    _SEA,
    BOUNDARY_CLASS,
    FACILITY_CLASS,
    FACILITY_STYLES,
    LOCATION_QUALITY_LABELS,
    MAP_LABELS,
    _embedded_boundaries,
    _symbol_svg,
    _type_labels,
    boundary_geojson,
    check_lang,
    esc,
    facility_layers,
    geojson_size_bytes,
    labels_for,
    selection_outline,
    to_map_crs,
)
from geo.places import load_counties, load_prefectures

__all__ = [
    "BASEMAPS",
    "BOUNDARY_CLASS",
    "FACILITY_CLASS",
    "FACILITY_STYLES",
    "LOCATION_QUALITY_LABELS",
    "MAP_LABELS",
    "Basemap",
    "base_map",
    "boundary_geojson",
    "facility_layers",
    "geojson_size_bytes",
    "overview_map",
    "selection_outline",
    "standalone_html",
    "to_map_crs",
    "view_for_bounds",
    "view_for_prefectures",
]

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

def _basemap(key: str) -> Basemap:
    if key not in BASEMAPS:
        msg = f"Unknown basemap {key!r}; expected one of {list(BASEMAPS)}."
        raise InputValidationError(msg)
    return BASEMAPS[key]


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
    lab = labels_for(lang)
    rows = []
    for key, style in sorted(FACILITY_STYLES.items(), key=lambda kv: kv[1]["order"], reverse=True):
        rows.append(f'<div class="xz-legend-row">{_symbol_svg(style)}<span>{esc(type_labels.get(key, key))}'
                    "</span></div>")
    rows.append(
        f'<div class="xz-legend-row"><svg width="22" height="10"><line x1="1" y1="5" x2="21" y2="5" '
        f'stroke="{_PREF_LINE}" stroke-width="2.2"/></svg><span>{esc(lab["prefecture_line"])}</span></div>'
    )
    rows.append(
        f'<div class="xz-legend-row"><svg width="22" height="10"><line x1="1" y1="5" x2="21" y2="5" '
        f'stroke="{_COUNTY_LINE}" stroke-width="1" stroke-dasharray="3 2"/></svg>'
        f'<span>{esc(lab["county_line"])}</span></div>'
    )
    rows.append(
        f'<div class="xz-legend-row"><svg width="22" height="14"><rect x="1" y="1" width="20" height="12" '
        f'fill="{_FOCUS_FILL}" stroke="{_PREF_LINE}" stroke-width="1"/></svg>'
        f'<span>{esc(lab["focus"])}</span></div>'
    )
    return (
        f'<div class="xz-legend"><div class="xz-legend-title">{esc(lab["legend"])}</div>{"".join(rows)}'
        f'<div class="xz-legend-note">{esc(lab["approx_note"])}</div></div>'
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


def _boundary_layers(
    pref_fc: dict[str, Any], county_fc: dict[str, Any], lab: dict[str, str], tiles: bool
) -> list[folium.GeoJson]:
    """Prefecture outlines (focus tinted; land filled when there are no tiles) and county lines."""

    def pref_style(feature: dict[str, Any]) -> dict[str, Any]:
        focus = feature["properties"].get("focus")
        return {
            "color": _PREF_LINE, "weight": 2.2, "opacity": 0.9,
            "className": f"{BOUNDARY_CLASS} xz-prefecture",
            "fillColor": _FOCUS_FILL if focus else _LAND,
            "fillOpacity": (0.35 if focus else 0.0) if tiles else 1.0,
        }

    def county_style(_feature: dict[str, Any]) -> dict[str, Any]:
        return {
            "color": _COUNTY_LINE, "weight": 1, "opacity": 0.9, "dashArray": "3 2", "fill": True,
            "fillOpacity": 0.0, "className": f"{BOUNDARY_CLASS} xz-county",
        }

    return [
        folium.GeoJson(
            pref_fc, name=lab["prefectures"], style_function=pref_style, control=True, smooth_factor=0.5,
            tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False),
        ),
        folium.GeoJson(
            county_fc, name=lab["counties"], style_function=county_style, smooth_factor=0.5,
            highlight_function=lambda _f: {"weight": 2, "color": "#555555", "fillOpacity": 0.08,
                                           "fillColor": "#555555"},
            tooltip=folium.GeoJsonTooltip(fields=["name", "prefecture"], labels=False),
        ),
    ]


def _prefecture_labels(prefectures: gpd.GeoDataFrame, lab: dict[str, str], crs: str) -> folium.FeatureGroup:
    """Prefecture short names at a point inside each (★ for the focus prefectures), in the label pane."""
    labels = folium.FeatureGroup(name=lab["labels"], control=True)
    pref_shifted = to_map_crs(np.asarray(prefectures.geometry.representative_point().values), crs)
    for r, pt in zip(prefectures.itertuples(), pref_shifted, strict=True):
        short = getattr(r, "short_name", None) or r.name
        star = ' <span class="xz-focus">★</span>' if r.is_focus else ""
        cls = "xz-focus" if r.is_focus else ""
        folium.Marker(
            [pt.y, pt.x], interactive=False, keyboard=False, pane="xz-labels",
            icon=folium.DivIcon(html=f'<div class="{cls}">{esc(short)}{star}</div>', class_name="xz-label",
                                icon_size=(0, 0), icon_anchor=(0, 0)),
        ).add_to(labels)
    return labels


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
    lang = check_lang(lang)
    bm = _basemap(basemap)
    lab = labels_for(lang)
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
    for boundary in _boundary_layers(pref_fc, county_fc, lab, tiles):
        boundary.add_to(m)
    folium.map.CustomPane("xz-labels", z_index=640, pointer_events=False).add_to(m)
    _prefecture_labels(prefectures, lab, bm.overlay_crs).add_to(m)

    if type_labels is None:
        type_labels = _type_labels(lang)
    root: Any = m.get_root()
    root.header.add_child(
        folium.Element(_CSS % {"sea": "#f2f2ef" if tiles else _SEA, "cls": FACILITY_CLASS})
    )
    root.html.add_child(folium.Element(_legend_html(lang, type_labels)))
    _MetricScale().add_to(m)
    _AttributionPrefix().add_to(m)
    fit = folium.FitBounds([[23.5, 115.8], [28.35, 120.7]])
    fit.options["animate"] = False  # else its zoom animation undoes a view set right after (a chosen place)
    fit.add_to(m)
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


