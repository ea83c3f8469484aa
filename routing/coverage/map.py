"""Maps of a coverage result: an interactive Folium map (and its self-contained HTML) and a static PNG/PDF.

Townships are dots coloured by minutes to the nearest source in graduated classes (:data:`TIME_CLASSES`);
left-out townships get a thick dark-red ring; sources are drawn on top (hospitals dark squares,
mobile-hospital stops purple diamonds); service areas are an optional layer. A title box carries T, the
covered share and the network, and says 估算/estimated when the times are estimates.
Text from data is HTML-escaped. No Streamlit.
"""

from __future__ import annotations

import html
from typing import Any

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo import _assets, maps
from geo.labels import Labels, text
from routing.coverage.plan import CoverageResult
from routing.exports import LegendEntry, PointLayer, PolygonLayer, static_map

__all__ = ["TIME_CLASSES", "coverage_html", "coverage_map", "coverage_static", "time_class_colors"]

#: Upper bounds (minutes) of the colour classes and their colours (green = near … red = far).
TIME_CLASSES: tuple[tuple[float, str], ...] = (
    (15.0, "#1a9850"),
    (30.0, "#66bd63"),
    (45.0, "#a6d96a"),
    (60.0, "#fee08b"),
    (90.0, "#fdae61"),
    (120.0, "#f46d43"),
    (np.inf, "#a50026"),
)
NO_TIME_COLOR = "#8c8c8c"
LEFT_OUT_RING = "#67000d"
HOSPITAL_COLOR = "#1f2d3d"
STOP_COLOR = "#6a3d9a"

#: Words of the coverage maps, in the shape of :mod:`geo.labels`.
_LAB: Labels = {
    "title": {
        "zh": "覆盖分析：{scope}，{t:g} 分钟内可达县级及以上医院",
        "en": "Coverage: {scope}, county-level-or-above hospital within {t:g} min",
    },
    "share": {
        "zh": "覆盖人口{est}：{cov:,.0f} / {tot:,.0f}（{share:.1%}）；覆盖乡镇 {ct}/{nt}",
        "en": "Covered population{est}: {cov:,.0f} / {tot:,.0f} ({share:.1%}); townships {ct}/{nt}",
    },
    "network": {
        "zh": "路网：{label}",
        "en": "Network: {label}",
    },
    "est": {
        "zh": "（估算）",
        "en": " (estimated)",
    },
    "est_note": {
        "zh": "时间为估算值（直线距离×绕行系数），非道路实测",
        "en": "times are ESTIMATED (great-circle × circuity), not road-routed",
    },
    "legend": {
        "zh": "到最近医疗点的时间{est}",
        "en": "Minutes to the nearest source{est}",
    },
    "no_time": {
        "zh": "无时间（无坐标/无道路/不连通）",
        "en": "no time (no point / no road / not connected)",
    },
    "left_out": {
        "zh": "未覆盖（> T 或无时间）",
        "en": "left out (> T or no time)",
    },
    "hospital": {
        "zh": "县级及以上医院",
        "en": "county-level-or-above hospital",
    },
    "stop": {
        "zh": "流动医院停靠点",
        "en": "mobile-hospital stop",
    },
    "areas": {
        "zh": "服务范围（{t:g} 分钟）{est}",
        "en": "Service areas ({t:g} min){est}",
    },
    "townships": {
        "zh": "乡镇（按时间着色）",
        "en": "Townships (by time)",
    },
    "sources": {
        "zh": "医疗来源",
        "en": "Care sources",
    },
    "min": {
        "zh": "分钟",
        "en": "min",
    },
    "nearest": {
        "zh": "最近",
        "en": "nearest",
    },
    "pop": {
        "zh": "人口（估算）",
        "en": "population (est.)",
    },
    "reason": {
        "zh": "原因",
        "en": "reason",
    },
    "covered": {
        "zh": "已覆盖",
        "en": "covered",
    },
    "footer": {
        "zh": "人口为估算值；医院位置为近似（县城/街道驻地）。数据：{scope}",
        "en": "Population estimated; hospital locations approximate (seat points). Scope: {scope}",
    },
    "pref_line": {
        "zh": "地市界",
        "en": "Prefecture boundary",
    },
    "county_line": {
        "zh": "县（市、区）界",
        "en": "County boundary",
    },
}


def _lab(lang: str) -> dict[str, str]:
    return {key: text(_LAB, key, lang) for key in _LAB}


def time_class_colors(minutes: np.ndarray) -> np.ndarray:
    """Colour (hex) of each time in minutes by :data:`TIME_CLASSES`; NaN/inf → grey."""
    m = np.asarray(minutes, dtype=float)
    out = np.full(m.shape, NO_TIME_COLOR, dtype=object)
    lower = -np.inf
    for upper, color in TIME_CLASSES:
        out[(m > lower) & (m <= upper) & np.isfinite(m)] = color
        lower = upper
    return out


def _class_labels(lang: str) -> list[tuple[str, str]]:
    lab = _lab(lang)
    rows = []
    lower = 0.0
    for upper, color in TIME_CLASSES:
        text = f"> {lower:g} {lab['min']}" if not np.isfinite(upper) else f"{lower:g}–{upper:g} {lab['min']}"
        rows.append((text, color))
        lower = upper
    rows.append((lab["no_time"], NO_TIME_COLOR))
    return rows


def _headline(result: CoverageResult, lang: str) -> list[str]:
    lab = _lab(lang)
    s = result.summary
    est = lab["est"] if s["estimated"] else ""
    lines = [
        lab["share"].format(
            est=est,
            cov=s["covered_population_est"],
            tot=s["population_est"],
            share=s["covered_share"],
            ct=s["covered_townships"],
            nt=s["townships"],
        ),
        lab["network"].format(label=s.get("network_label_en") if lang == "en" else s["network_label"]),
    ]
    if s["estimated"]:
        lines.append(lab["est_note"])
    return lines


def _popup(row: Any, lab: dict[str, str], est: str) -> str:
    esc = html.escape
    mins = _minutes_text(row.minutes, f" {lab['min']}{est}")
    why = f"{esc(str(row.reason_zh))} / {esc(str(row.reason_en))}"
    status = lab["covered"] if row.covered else f"{lab['reason']}：{why}"
    nearest = f"<br>{lab['nearest']}：{esc(str(row.nearest_source))}" if row.nearest_source else ""
    return (
        f'<div class="xz-popup"><b>{esc(str(row.name))}</b> '
        f'<span class="xz-muted">{esc(str(row.prefecture_name))}{esc(str(row.county_name))}</span><br>'
        f"{mins}{nearest}<br>{lab['pop']}：{row.population_est:,.0f}<br>{status}</div>"
    )


def _areas_layer(
    areas: gpd.GeoDataFrame, result: CoverageResult, lab: dict[str, str], est: str, crs: str
) -> folium.FeatureGroup:
    """Service areas, shown as soon as they are computed (dashed on the estimated network)."""
    dashed = bool(result.summary["estimated"])
    geoms = maps.to_map_crs(np.asarray(areas.geometry.values), crs)
    fg = folium.FeatureGroup(name=lab["areas"].format(t=result.threshold_minutes, est=est), show=True)
    for geom, name in zip(geoms, areas["name"], strict=True):
        if geom is None or geom.is_empty:
            continue
        folium.GeoJson(
            geom.__geo_interface__,
            style_function=lambda _f: {
                "color": "#3182bd",
                "weight": 1,
                "fillColor": "#9ecae1",
                "fillOpacity": 0.18,
                "dashArray": "4 3" if dashed else None,
            },
            tooltip=html.escape(f"{name} · {result.threshold_minutes:g} {lab['min']}{est}"),
        ).add_to(fg)
    return fg


def _townships_layer(placed: pd.DataFrame, lab: dict[str, str], est: str, crs: str) -> folium.FeatureGroup:
    """Townships as dots coloured by time class; left-out ones ringed.

    One GeoJSON layer per (colour class, left out): popups via GeoJsonPopup (folium.Popup needs jQuery, which
    the offline asset set does not ship).
    """
    colors = time_class_colors(placed["minutes"].to_numpy(float))
    pts = maps.to_map_crs(shapely.points(placed["lon"].to_numpy(float), placed["lat"].to_numpy(float)), crs)
    fg = folium.FeatureGroup(name=lab["townships"])
    feats: dict[tuple[str, bool], list[dict[str, Any]]] = {}
    for row, color, pt in zip(placed.itertuples(), colors, pts, strict=True):
        left = not row.covered
        mins = _minutes_text(row.minutes, f" {lab['min']}{est}")
        feats.setdefault((str(color), left), []).append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(pt.x, 6), round(pt.y, 6)]},
                "properties": {
                    "popup": _popup(row, lab, est),
                    "tip": html.escape(f"{row.county_name}{row.name} · {mins}"),
                },
            }
        )
    for (color, left), group in sorted(feats.items(), key=lambda kv: kv[0][1]):
        folium.GeoJson(
            {"type": "FeatureCollection", "features": group},
            marker=folium.CircleMarker(
                radius=6 if left else 4.5,
                color=LEFT_OUT_RING if left else "#ffffff",
                weight=2.5 if left else 0.8,
                fill=True,
                fill_color=color,
                fill_opacity=0.95,
                class_name="xz-township xz-left-out" if left else "xz-township",
            ),
            popup=folium.GeoJsonPopup(fields=["popup"], labels=False, localize=False, max_width=320),
            tooltip=folium.GeoJsonTooltip(fields=["tip"], labels=False, localize=False),
        ).add_to(fg)
    return fg


def _sources_layer(src: pd.DataFrame, lab: dict[str, str], crs: str) -> folium.FeatureGroup:
    """Care sources: hospitals as dark squares, mobile-hospital stops as purple diamonds."""
    spts = maps.to_map_crs(shapely.points(src["lon"].to_numpy(float), src["lat"].to_numpy(float)), crs)
    sg = folium.FeatureGroup(name=lab["sources"])
    for row, pt in zip(src.itertuples(), spts, strict=True):
        stop = row.source_kind == "mobile_stop"
        shape = (
            f'<rect x="4" y="4" width="10" height="10" fill="{STOP_COLOR}" stroke="#fff" stroke-width="1.2" '
            'transform="rotate(45 9 9)"/>'
            if stop
            else f'<rect x="3" y="3" width="12" height="12" fill="{HOSPITAL_COLOR}" stroke="#fff" '
            'stroke-width="1.2"/>'
        )
        folium.Marker(
            (pt.y, pt.x),
            icon=folium.DivIcon(
                html=f'<svg width="18" height="18" viewBox="0 0 18 18">{shape}</svg>',
                icon_size=(18, 18),
                icon_anchor=(9, 9),
                class_name="xz-source xz-stop" if stop else "xz-source",
            ),
            tooltip=html.escape(str(row.name)),
        ).add_to(sg)
    return sg


def coverage_map(
    result: CoverageResult,
    sources: pd.DataFrame,
    *,
    lang: str = "zh",
    areas: gpd.GeoDataFrame | None = None,
    asset_base_url: str = "/app/static/vendor",
    basemap: str = "none",
    tianditu_key: str | None = None,
) -> folium.Map:
    """Folium map of a :class:`routing.coverage.CoverageResult`.

    Parameters
    ----------
    result
        The coverage at one threshold.
    sources
        The source table of the inputs (``source_id``, ``name``, ``source_kind``, ``lon``, ``lat``); only the
        sources active in ``result`` are drawn.
    lang
        "zh" or "en".
    areas
        Optional GeoDataFrame of service areas (:func:`routing.coverage.service_areas`).
    asset_base_url, basemap, tianditu_key
        As :func:`geo.maps.base_map`.

    Returns
    -------
    folium.Map

    Raises
    ------
    InputValidationError
        Unknown basemap or language (from :func:`geo.maps.base_map`).
    """
    lab = _lab(lang)
    est = lab["est"] if result.summary["estimated"] else ""
    m = maps.base_map(basemap=basemap, lang=lang, asset_base_url=asset_base_url, tianditu_key=tianditu_key)
    crs = maps.BASEMAPS[basemap].overlay_crs
    if areas is not None and len(areas):
        _areas_layer(areas, result, lab, est, crs).add_to(m)
    town = result.townships
    placed = town[np.isfinite(town["lon"]) & np.isfinite(town["lat"])]
    _townships_layer(placed, lab, est, crs).add_to(m)
    active = result.active_sources if result.active_sources is not None else np.ones(len(sources), bool)
    _sources_layer(sources[active], lab, crs).add_to(m)
    root: Any = m.get_root()
    root.html.add_child(folium.Element(_legend_html(result, lang)))
    if len(placed):
        m.fit_bounds(
            [
                [float(placed["lat"].min()), float(placed["lon"].min())],
                [float(placed["lat"].max()), float(placed["lon"].max())],
            ],
            padding=(20, 20),
        )
    folium.LayerControl(collapsed=True).add_to(m)
    return _assets.localize(m, asset_base_url)


def _legend_html(result: CoverageResult, lang: str) -> str:
    lab = _lab(lang)
    s = result.summary
    est = lab["est"] if s["estimated"] else ""
    esc = html.escape
    rows = "".join(
        f'<div class="xz-legend-row"><svg width="14" height="14"><circle cx="7" cy="7" r="5.5" fill="{c}" '
        f'stroke="#fff" stroke-width="1"/></svg><span>{esc(text)}</span></div>'
        for text, c in _class_labels(lang)
    )
    rows += (
        f'<div class="xz-legend-row"><svg width="16" height="16"><circle cx="8" cy="8" r="6" fill="#fff" '
        f'stroke="{LEFT_OUT_RING}" stroke-width="2.5"/></svg><span>{esc(lab["left_out"])}</span></div>'
        f'<div class="xz-legend-row"><svg width="14" height="14"><rect x="2" y="2" width="10" height="10" '
        f'fill="{HOSPITAL_COLOR}"/></svg><span>{esc(lab["hospital"])}</span></div>'
        f'<div class="xz-legend-row"><svg width="14" height="14"><rect x="3" y="3" width="8" height="8" '
        f'fill="{STOP_COLOR}" transform="rotate(45 7 7)"/></svg><span>{esc(lab["stop"])}</span></div>'
    )
    rows += (
        '<div class="xz-legend-row"><svg width="22" height="10"><line x1="1" y1="5" x2="21" y2="5" '
        f'stroke="#4a4a4a" stroke-width="2.2"/></svg><span>{esc(lab["pref_line"])}</span></div>'
        '<div class="xz-legend-row"><svg width="22" height="10"><line x1="1" y1="5" x2="21" y2="5" '
        'stroke="#9a9a9a" stroke-width="1" stroke-dasharray="3 2"/></svg>'
        f'<span>{esc(lab["county_line"])}</span></div>'
    )
    title = lab["title"].format(scope=s["scope"], t=result.threshold_minutes)
    head = "".join(f"<div>{esc(line)}</div>" for line in _headline(result, lang))
    return (
        "<style>.xz-legend { display: none; }</style>"  # the facility-type legend of base_map does not apply
        '<div class="xz-cov-title" style="position:absolute;top:10px;left:50%;transform:translateX(-50%);'
        "z-index:1000;"
        "background:rgba(255,255,255,.93);border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.25);"
        'padding:6px 10px;font-size:12px;max-width:520px">'
        f'<b style="font-size:14px">{esc(title)}</b>{head}</div>'
        '<div class="xz-cov-legend" style="position:absolute;right:10px;bottom:30px;z-index:1000;'
        "background:rgba(255,255,255,.93);border-radius:6px;box-shadow:0 1px 4px rgba(0,0,0,.25);"
        'padding:8px 10px;font-size:12px;line-height:1.5">'
        f'<div style="font-weight:600">{esc(lab["legend"].format(est=est))}</div>{rows}</div>'
    )


def coverage_html(
    result: CoverageResult, sources: pd.DataFrame, *, lang: str = "zh", areas: gpd.GeoDataFrame | None = None
) -> str:
    """The coverage map as one self-contained HTML file (Leaflet inlined, no tiles: opens offline).

    Raises
    ------
    AssetError
        If some element would still load from another host.
    """
    return str(maps.standalone_html(coverage_map(result, sources, lang=lang, areas=areas)))


def _minutes_text(value: object, suffix: str) -> str:
    """``"42 min…"`` for a number of minutes, ``"—"`` for none (NaN)."""
    minutes = float(value)  # type: ignore[arg-type]
    return "—" if np.isnan(minutes) else f"{minutes:.0f}{suffix}"


def _static_lines(result: CoverageResult, lang: str) -> list[str]:
    """Key-figure lines of the static map: the headline, then the most left-out townships."""
    lab = _lab(lang)
    lines = _headline(result, lang)
    worst = result.left_out.head(8)
    if not len(worst):
        return lines
    head = "未覆盖人口×超时最多的乡镇：" if lang != "en" else "Most left-out townships:"
    rows: list[Any] = list(worst.itertuples())
    return (
        [*lines[:4]]
        + [""] * max(0, 4 - len(lines[:4]))
        + [head]
        + [
            f"{r.rank}. {r.county_name}{r.name} "
            + _minutes_text(r.minutes, f" {lab['min']}")
            + f" · {r.reason_zh if lang != 'en' else r.reason_en}"
            for r in rows
        ]
    )


def coverage_static(
    result: CoverageResult,
    sources: pd.DataFrame,
    *,
    fmt: str = "png",
    lang: str = "zh",
    areas: gpd.GeoDataFrame | None = None,
) -> bytes:
    """Static coverage map (PNG or PDF, no tiles) with legend, title and key figures, in a CJK font.

    Raises
    ------
    InputValidationError
        If ``fmt`` is not "png" or "pdf".
    """
    lab = _lab(lang)
    s = result.summary
    est = lab["est"] if s["estimated"] else ""
    town = result.townships
    placed = town[np.isfinite(town["lon"]) & np.isfinite(town["lat"])]
    left = ~placed["covered"].to_numpy(bool)
    colors = time_class_colors(placed["minutes"].to_numpy(float))
    active = result.active_sources if result.active_sources is not None else np.ones(len(sources), bool)
    src = sources[active]
    stop = (src["source_kind"] == "mobile_stop").to_numpy()
    lon, lat = placed["lon"].to_numpy(float), placed["lat"].to_numpy(float)
    points = [
        PointLayer(lon[~left], lat[~left], list(colors[~left]), 16.0),
        PointLayer(
            lon[left], lat[left], list(colors[left]), 30.0, edgecolor=LEFT_OUT_RING, linewidth=1.4, zorder=5
        ),
        PointLayer(
            src["lon"].to_numpy()[~stop],
            src["lat"].to_numpy()[~stop],
            HOSPITAL_COLOR,
            26.0,
            marker="s",
            zorder=6,
        ),
        PointLayer(
            src["lon"].to_numpy()[stop], src["lat"].to_numpy()[stop], STOP_COLOR, 40.0, marker="D", zorder=6
        ),
    ]
    polygons = []
    if areas is not None and len(areas):
        polygons.append(PolygonLayer(list(areas.geometry), alpha=0.15))
    legend = [LegendEntry(label, c) for label, c in _class_labels(lang)]
    legend += [
        LegendEntry(lab["left_out"], "#ffffff", edgecolor=LEFT_OUT_RING),
        LegendEntry(lab["hospital"], HOSPITAL_COLOR, kind="patch"),
        LegendEntry(lab["stop"], STOP_COLOR, kind="patch"),
    ]
    lines = _static_lines(result, lang)
    # bounds: the townships in scope
    bounds = None
    if len(placed):
        pad = 0.12
        bounds = (
            placed["lon"].min() - pad,
            placed["lat"].min() - pad,
            placed["lon"].max() + pad,
            placed["lat"].max() + pad,
        )
    return static_map(
        title=lab["title"].format(scope=s["scope"], t=result.threshold_minutes),
        lines=lines,
        points=points,
        polygons=polygons,
        legend=legend,
        legend_title=lab["legend"].format(est=est),
        bounds=bounds,
        footer=lab["footer"].format(scope=s["scope"]),
        fmt=fmt,
    )
