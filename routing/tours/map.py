"""Map of a mobile-hospital tour (Folium, no Streamlit): each day's route coloured by day, stops numbered.

Legs follow the road geometry of ``network.path`` on an OSM network; on the estimated network they are
straight segments, drawn dashed and labelled "straight line (estimated)" (直线示意（估算）). Built on
``geo.maps.base_map`` (offline boundaries, local assets); :func:`tour_map_html` inlines every asset.
Every text from data is HTML-escaped.
"""

from __future__ import annotations

import html
import itertools
from typing import Any

import folium
import numpy as np

from geo import maps
from geo.labels import text
from geo.network import Network, active_network
from geo.places import load_counties, load_prefectures
from routing import exports as ex
from routing.tours._labels import LABELS, REASONS, lab
from routing.tours._types import DayPlan, FujianTour, Stop, TourPlan, hhmm
from routing.tours.outputs import date_text, estimated_suffix

__all__ = ["DAY_COLOURS", "tour_map", "tour_map_html", "tour_static_map"]


#: One colour per day (up to 14 days), readable on the light boundary base map.
def _lunch_tip(d: DayPlan, index: int, L: dict[str, str]) -> str:
    """``<br>午餐 12:30–13:30`` when the day's lunch is taken at or inside this stop's clinic."""
    lunch = d.lunch
    if lunch is None or lunch.place != index + 1:
        return ""
    return f"<br>{html.escape(L['lunch'])} {hhmm(lunch.start_minutes)}–{hhmm(lunch.end_minutes)}"


DAY_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#393b79",
    "#ad494a",
    "#637939",
    "#843c39",
)


def _day_label(plan: TourPlan, day: int, lang: str) -> str:
    """``第2天 · 2026-12-04 周五`` (the date when the plan is dated)."""
    when = date_text(plan.dates[day - 1], lang) if plan.dates else ""
    return lab("day_n", lang, d=day) + (f" · {when}" if when else "")


def _legend(plan: TourPlan, lang: str, straight: bool) -> str:
    L = {k: text(LABELS, k, lang) for k in LABELS}
    items = "".join(
        f'<div><span style="display:inline-block;width:18px;height:4px;'
        f"background:{DAY_COLOURS[(d - 1) % 14]};"
        f'vertical-align:middle;margin-right:4px"></span>{html.escape(_day_label(plan, d, lang))}</div>'
        for d in range(1, plan.params.days + 1)
    )
    note = L["straight"] if straight else L["road"]
    return (
        '<div class="xz-tour-legend" style="position:fixed;bottom:18px;right:12px;z-index:9999;'
        "background:white;"
        'padding:6px 9px;border:1px solid #999;border-radius:4px;font-size:12px;line-height:1.5">'
        f"<b>{html.escape(L['title'])}</b>{items}<div>— {html.escape(note)}</div>"
        f'<div><span style="color:#888">●</span> {html.escape(L["left"])}</div></div>'
    )


def tour_map(
    tour: FujianTour,
    *,
    network: Network | None = None,
    lang: str = "zh",
    asset_base_url: str = "/app/static/vendor",
    basemap: str = "none",
) -> folium.Map:
    """Folium map of the tour: each day's route (road geometry on OSM, dashed straight segments on the
    estimated network), coloured by day; stops numbered per team; overnight places; left-out townships in
    grey.

    Parameters
    ----------
    tour
        A :class:`routing.tours.FujianTour` (needs ``lonlat``).
    network
        The network the plan was made on (for ``path``); default the active one.
    lang, asset_base_url, basemap
        As :func:`geo.maps.base_map`.

    Returns
    -------
    folium.Map
    """
    plan = tour.plan
    net = network or active_network()
    straight = bool(net.is_estimated)
    m = maps.base_map(
        load_prefectures(), load_counties(), basemap=basemap, lang=lang, asset_base_url=asset_base_url
    )
    _left_out_layer(tour, lang).add_to(m)
    for layer in _route_layers(tour, net, lang):
        layer.add_to(m)
    _stop_layer(tour, lang).add_to(m)
    folium.Marker(
        [tour.lonlat[0][1], tour.lonlat[0][0]],
        tooltip=html.escape(f"{lab('depot', lang)}: {plan.names[0]}"),
        icon=folium.DivIcon(
            html='<div style="font-size:22px;color:#b22222">★</div>', icon_size=(22, 22), icon_anchor=(11, 11)
        ),
    ).add_to(m)
    pts = [tour.lonlat[0]] + [tour.lonlat[i + 1] for i in set(plan.served)]
    lons, lats = [p[0] for p in pts], [p[1] for p in pts]
    m.fit_bounds([[min(lats) - 0.08, min(lons) - 0.08], [max(lats) + 0.08, max(lons) + 0.08]])
    root: Any = m.get_root()  # a branca Figure
    root.html.add_child(folium.Element(_legend(plan, lang, straight)))
    # the base map's facility legend describes markers this map does not draw
    root.header.add_child(folium.Element("<style>.xz-legend{display:none}</style>"))
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def _left_out_layer(tour: FujianTour, lang: str) -> folium.FeatureGroup:
    """Grey dots for the candidates not scheduled, the reason in the tooltip."""
    grey = folium.FeatureGroup(name=lab("left", lang))
    for lo in tour.plan.left_out:
        lon, lat = tour.lonlat[lo.index + 1]
        folium.CircleMarker(
            [lat, lon],
            radius=3,
            color="#888888",
            fill=True,
            fill_opacity=0.7,
            weight=1,
            tooltip=html.escape(f"{lo.name} · {text(REASONS, lo.reason, lang)}"),
        ).add_to(grey)
    return grey


def _route_layers(tour: FujianTour, net: Network, lang: str) -> list[folium.FeatureGroup]:
    """One layer per team-day: its legs along the road (dashed straight lines on the estimated network)."""
    plan, ll = tour.plan, tour.lonlat
    est = estimated_suffix(plan, lang)
    straight = bool(net.is_estimated)
    layers = []
    for d in plan.days:
        name = f"{lab('team_n', lang, t=d.team)} {_day_label(plan, d.day, lang)}"
        fg = folium.FeatureGroup(name=name)
        seq = [d.start_place] + [s.index + 1 for s in d.stops] + [d.overnight_place]
        for a, b in itertools.pairwise(seq):
            if a == b:
                continue
            path = net.path(ll[a], ll[b])
            tip = (
                f"{name}: {plan.names[a]} → {plan.names[b]} · {path.minutes:.0f} min{est} · "
                f"{path.km:.1f} km{est}" + (f" · {lab('straight', lang)}" if straight else "")
            )
            folium.PolyLine(
                [[float(y), float(x)] for x, y in path.lonlat],
                color=DAY_COLOURS[(d.day - 1) % 14],
                weight=4,
                opacity=0.85,
                dash_array="8 6" if straight else None,
                tooltip=html.escape(tip),
            ).add_to(fg)
        layers.append(fg)
    return layers


def _stop_tip(plan: TourPlan, d: DayPlan, s: Stop, k: int, lang: str) -> str:
    """The tooltip of a numbered stop (HTML, every text escaped)."""
    esc = html.escape
    L = {k: text(LABELS, k, lang) for k in LABELS}
    est = esc(estimated_suffix(plan, lang))
    return (
        f"<b>{esc(s.name)}</b><br>{esc(L['team_n'].format(t=d.team))} · "
        f"{esc(_day_label(plan, d.day, lang))} · "
        f"#{k}<br>{esc(L['arrive'])} {hhmm(s.arrival_minutes)} · {esc(L['clinic'])} "
        f"{hhmm(s.clinic_start_minutes)}–{hhmm(s.departure_minutes)}<br>{esc(L['drive'])}{est}: "
        f"{s.drive_minutes:.0f} · {esc(L['km'])}{est}: {s.km:.1f}<br>{esc(L['score'])}: "
        f"{plan.scores[s.index]:.2f}"
        + (f" · {esc(L['market'])}" if s.market_day else "")
        + _lunch_tip(d, s.index, L)
    )


def _stop_layer(tour: FujianTour, lang: str) -> folium.FeatureGroup:
    """Stops numbered per team (coloured by day) and the overnight places (☾)."""
    plan, ll = tour.plan, tour.lonlat
    num = folium.FeatureGroup(name=lab("stops_layer", lang))
    for team in sorted({d.team for d in plan.days}):
        k = 0
        for d in (x for x in plan.days if x.team == team):
            colour = DAY_COLOURS[(d.day - 1) % 14]
            for s in d.stops:
                k += 1
                lon, lat = ll[s.index + 1]
                label = f"{team}-{k}" if plan.params.teams > 1 else str(k)
                folium.Marker(  # rich tooltip, not a Popup: folium's Popup needs jQuery, not shipped here
                    [lat, lon],
                    tooltip=folium.Tooltip(
                        f'<div class="xz-popup">{_stop_tip(plan, d, s, k, lang)}</div>', sticky=True
                    ),
                    icon=folium.DivIcon(
                        html=(
                            f'<div class="xz-tour-stop" style="background:{colour};color:white;'
                            "border-radius:10px;min-width:20px;height:20px;line-height:20px;"
                            "text-align:center;font:bold 11px "
                            f'sans-serif;border:1px solid white;padding:0 3px">{html.escape(label)}</div>'
                        ),
                        icon_size=(24, 20),
                        icon_anchor=(12, 10),
                    ),
                ).add_to(num)
            if d.day < plan.params.days and d.overnight_place != 0:
                lon, lat = ll[d.overnight_place]
                folium.Marker(
                    [lat, lon],
                    tooltip=html.escape(f"{lab('sleep', lang)}: {plan.names[d.overnight_place]}"),
                    icon=folium.DivIcon(
                        html='<div style="font-size:14px">☾</div>', icon_size=(14, 14), icon_anchor=(-6, 18)
                    ),
                ).add_to(num)
    return num


def tour_map_html(
    tour: FujianTour, *, network: Network | None = None, lang: str = "zh", basemap: str = "none"
) -> str:
    """The tour map as one self-contained HTML document (assets inlined, opens offline)."""
    return maps.standalone_html(tour_map(tour, network=network, lang=lang, basemap=basemap))


def tour_static_map(
    tour: FujianTour, *, network: Network | None = None, lang: str = "zh", fmt: str = "png", dpi: int = 200
) -> bytes:
    """The tour as a static map for slides and print (PNG or PDF, A4 landscape, no tiles).

    County boundaries around the plan's prefectures; each day's route coloured by day (road geometry on
    OSM; dashed straight segments on the estimated network, with the note "straight lines, estimated");
    numbered stops, the depot, a legend, a title and the key figures (townships served, population served
    (estimated), drive hours (estimated on the estimated network)).

    Parameters
    ----------
    tour
        A :class:`routing.tours.FujianTour` (needs ``lonlat`` and ``candidates``).
    network
        The network the plan was made on (for ``path``); default the active one.
    lang
        "zh" or "en".
    fmt, dpi
        "png" or "pdf"; PNG resolution.

    Returns
    -------
    bytes
        The PNG image or PDF document.
    """
    plan = tour.plan
    net = network or active_network()
    straight = bool(net.is_estimated)
    ll = np.asarray(tour.lonlat, dtype=float)
    left = [lo.index + 1 for lo in plan.left_out]
    points = []
    if left:
        points.append(ex.PointLayer(lon=ll[left, 0], lat=ll[left, 1], color="#9a9a9a", size=9, zorder=4))
    points.append(
        ex.PointLayer(
            lon=ll[[0], 0], lat=ll[[0], 1], color="#b22222", size=260, marker="*", edgecolor="white", zorder=8
        )
    )
    legend = [ex.LegendEntry(f"{lab('depot', lang)}: {plan.names[0]}", "#b22222", "star")]
    legend += [
        ex.LegendEntry(
            _day_label(plan, day, lang), DAY_COLOURS[(day - 1) % 14], "dashed" if straight else "line"
        )
        for day in range(1, plan.params.days + 1)
        if any(x.day == day and x.stops for x in plan.days)
    ]
    if left:
        legend.append(ex.LegendEntry(lab("left", lang), "#9a9a9a"))
    return ex.static_map_with_lines(
        title=f"{lab('title', lang)} · {plan.names[0]}",
        lines=_static_lines(tour, lang),
        routes=_static_routes(tour, net),
        labels=_static_labels(tour),
        points=points,
        legend=legend,
        legend_title=lab("title", lang) if lang != "en" else lab("legend", lang),
        bounds=_static_bounds(tour),
        footer=lab("footer", lang),
        note=lab("straight_note", lang) if straight else "",
        fmt=fmt,
        dpi=dpi,
    )


def _static_routes(tour: FujianTour, net: Network) -> list[ex.LineLayer]:
    """One line layer per day (all teams), coloured by day, dashed on the estimated network."""
    plan, ll = tour.plan, np.asarray(tour.lonlat, dtype=float)
    routes = []
    for day in range(1, plan.params.days + 1):
        paths = []
        for d in (x for x in plan.days if x.day == day):
            seq = [d.start_place] + [s.index + 1 for s in d.stops] + [d.overnight_place]
            paths += [
                np.asarray(net.path(ll[a], ll[b]).lonlat, dtype=float)
                for a, b in itertools.pairwise(seq)
                if a != b
            ]
        if paths:
            routes.append(
                ex.LineLayer(
                    paths=paths,
                    color=DAY_COLOURS[(day - 1) % 14],
                    linewidth=2.2,
                    linestyle="--" if net.is_estimated else "-",
                )
            )
    return routes


def _static_labels(tour: FujianTour) -> list[ex.LabelLayer]:
    """The stop numbers, per team, boxed in the colour of their day."""
    plan, ll = tour.plan, tour.lonlat
    out = []
    for team in sorted({d.team for d in plan.days}):
        k = 0
        for d in (x for x in plan.days if x.team == team):
            for s in d.stops:
                k += 1
                text_ = f"{team}-{k}" if plan.params.teams > 1 else str(k)
                out.append(
                    ex.LabelLayer(
                        lon=[ll[s.index + 1][0]],
                        lat=[ll[s.index + 1][1]],
                        texts=[text_],
                        boxcolor=DAY_COLOURS[(d.day - 1) % 14],
                    )
                )
    return out


def _static_lines(tour: FujianTour, lang: str) -> list[str]:
    """Key figures under the title (estimated ones labelled), depot and network, dates and hours."""
    plan, t, p = tour.plan, tour.plan.totals, tour.plan.params
    est = estimated_suffix(plan, lang)
    network = (tour.network_label_en or tour.network_label) if lang == "en" else tour.network_label
    when = f"{date_text(plan.dates[0], lang)} – {date_text(plan.dates[-1], lang)} · " if plan.dates else ""
    return [
        f"{lab('served', lang)}: {t['townships_served']} / {t['candidates']} · "
        f"{lab('pop_served', lang)}: {t['population_served_est']:,.0f} · "
        f"{lab('drive_h', lang)}{est}: {t['drive_hours']:.1f} · {lab('km', lang)}{est}: {t['km']:.0f}",
        f"{lab('depot', lang)}: {tour.depot_name} · {lab('network', lang)}: {network}",
        f"{when}{p.days} {lab('days_unit', lang)} × {p.teams} {lab('teams_unit', lang)} · "
        f"{hhmm(p.day_start_minutes)}–{hhmm(p.day_end_minutes)}",
    ]


def _static_bounds(tour: FujianTour) -> tuple[float, float, float, float] | None:
    """The view: the plan's prefectures and the depot (county boundaries are drawn by the base layer)."""
    cand, ll = tour.candidates, tour.lonlat
    if cand is None or "prefecture_name" not in cand.columns:
        return None
    prefs = load_prefectures()
    sel = prefs[prefs["name"].isin(set(cand["prefecture_name"]))]
    if sel.empty:
        return None
    x0, y0, x1, y1 = sel.total_bounds
    x0, y0 = min(x0, ll[0, 0]), min(y0, ll[0, 1])
    x1, y1 = max(x1, ll[0, 0]), max(y1, ll[0, 1])
    return (x0 - 0.05, y0 - 0.05, x1 + 0.05, y1 + 0.05)
