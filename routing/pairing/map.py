"""Folium map of a pairing: a line from each hospital to each center it serves, coloured by hospital.

No Streamlit here (the page calls :func:`pairing_map`); text from data is HTML-escaped; lines are straight
(hospital → center), labelled 估算 when the minutes come from the estimated network.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from geo import maps
from geo.places import load_counties, load_prefectures

__all__ = ["PALETTE", "hospital_colours", "pairing_map", "pairing_map_html"]

#: Colours cycled over hospitals (ColorBrewer Dark2 + Set1, readable on a light basemap).
PALETTE = (
    "#1b9e77",
    "#d95f02",
    "#7570b3",
    "#e7298a",
    "#66a61e",
    "#e6ab02",
    "#a6761d",
    "#e41a1c",
    "#377eb8",
    "#4daf4a",
    "#984ea3",
    "#ff7f00",
    "#a65628",
    "#f781bf",
    "#666666",
)
_LAB = {
    "zh": {
        "hospital": "支援医院",
        "center": "受援单位",
        "days": "每月人日",
        "minutes": "单程车程",
        "est": "（估算）",
        "min": "分钟",
        "lines": "结对连线",
        "centers": "受援中心",
        "hospitals": "支援医院",
        "straight": "直线示意，非道路",
    },
    "en": {
        "hospital": "Hospital",
        "center": "Centre",
        "days": "doctor-days/month",
        "minutes": "one-way",
        "est": " (estimated)",
        "min": "min",
        "lines": "Pairing lines",
        "centers": "Centres",
        "hospitals": "Hospitals",
        "straight": "straight line, not the road",
    },
}


def hospital_colours(hospital_ids: list[str]) -> dict[str, str]:
    """Stable colour per hospital id (sorted ids → palette order)."""
    return {h: PALETTE[i % len(PALETTE)] for i, h in enumerate(sorted(set(hospital_ids)))}


def pairing_map(
    plan: Any,
    *,
    lang: str = "zh",
    asset_base_url: str = "/app/static/vendor",
    basemap: str = "none",
) -> Any:
    """Map of a :class:`routing.pairing.PairingPlan`: boundaries, hospital → center lines, markers, legend.

    Parameters
    ----------
    plan
        The plan (``pairs``, ``hospitals``, ``centers``, ``estimated``).
    lang, asset_base_url, basemap
        As :func:`geo.maps.base_map`.

    Returns
    -------
    folium.Map
    """
    import folium

    lab = _LAB["en" if lang == "en" else "zh"]
    esc = html.escape
    est = lab["est"] if plan.estimated else ""
    m = maps.base_map(
        load_prefectures(), load_counties(), basemap=basemap, lang=lang, asset_base_url=asset_base_url
    )
    hosp = plan.hospitals.set_index("facility_id")
    cent = plan.centers.set_index("facility_id")
    colours = hospital_colours(plan.pairs["hospital_id"].tolist())
    lines = folium.FeatureGroup(name=lab["lines"])
    for row in plan.pairs.itertuples(index=False):
        h, c = hosp.loc[row.hospital_id], cent.loc[row.center_id]
        tip = (
            f"{esc(str(row.hospital))} → {esc(str(row.center))} · {int(row.days)} {lab['days']} · "
            f"{lab['minutes']} {row.minutes:.0f} {lab['min']}{est}" + (f" · {lab['straight']}" if est else "")
        )
        folium.PolyLine(
            [(h["lat"], h["lon"]), (c["lat"], c["lon"])],
            color=colours[row.hospital_id],
            weight=3,
            opacity=0.85,
            dash_array="6 4" if plan.estimated else None,
            tooltip=tip,
        ).add_to(lines)
    lines.add_to(m)
    cg = folium.FeatureGroup(name=lab["centers"])
    served_by = plan.pairs.groupby("center_id")["hospital_id"].first()
    for fid, c in cent.iterrows():
        colour = colours.get(served_by.get(fid, ""), "#999999")
        folium.CircleMarker(
            (c["lat"], c["lon"]),
            radius=4,
            color=colour,
            fill=True,
            fill_opacity=0.9,
            weight=1,
            tooltip=f"{esc(str(c['county_name']))} {esc(str(c['name']))}",
        ).add_to(cg)
    cg.add_to(m)
    hg = folium.FeatureGroup(name=lab["hospitals"])
    used = hosp[hosp.index.isin(plan.pairs["hospital_id"])]
    for fid, h in used.iterrows():
        days = int(plan.pairs.loc[plan.pairs["hospital_id"] == fid, "days"].sum())
        folium.CircleMarker(
            (h["lat"], h["lon"]),
            radius=8,
            color="#222222",
            fill=True,
            fill_color=colours[fid],
            fill_opacity=1.0,
            weight=2,
            tooltip=f"{esc(str(h['name']))} · {days} {lab['days']}",
        ).add_to(hg)
    hg.add_to(m)
    root = m.get_root()
    assert isinstance(root, folium.Figure)  # a folium.Map's root is always its Figure
    root.html.add_child(folium.Element(_legend(used, colours, lab)))
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def _legend(used: pd.DataFrame, colours: dict[str, str], lab: dict[str, str]) -> str:
    items = "".join(
        f'<div><span style="display:inline-block;width:12px;height:12px;background:{colours[fid]};'
        f'margin-right:4px"></span>{html.escape(str(h["name"]))}</div>'
        for fid, h in zip(used.index.astype(str), used.to_dict("records"), strict=True)
    )
    return (
        # bottom-right, above Leaflet's attribution: the km scale bar sits bottom-left, the base map's
        # legend top-left and the layer control top-right
        f'<div class="xz-pairing-legend" style="position:absolute;bottom:30px;right:10px;z-index:999;'
        f"background:#fff;padding:6px 8px;border:1px solid #999;border-radius:4px;font-size:12px;"
        f'max-height:40%;overflow:auto"><b>{html.escape(str(lab["hospital"]))}</b>'
        f"{items}</div>"
    )


def pairing_map_html(plan: Any, *, lang: str = "zh", basemap: str = "none") -> str:
    """Self-contained HTML of :func:`pairing_map` (assets inlined, opens offline)."""
    return str(maps.standalone_html(pairing_map(plan, lang=lang, basemap=basemap)))
