"""Folium map of a pairing: a line from each hospital to each center it serves, coloured by hospital.

No Streamlit here (the page calls :func:`pairing_map`); text from data is HTML-escaped; lines are straight
(hospital → center), labelled 估算 when the minutes come from the estimated network.
"""

from __future__ import annotations

import html

import folium
import pandas as pd

from geo import maps
from geo.labels import Labels, text
from geo.places import load_counties, load_prefectures
from routing.pairing.plan import PairingPlan
from routing.pairing.tertiary import TertiaryPlan

__all__ = [
    "MAP_LABELS",
    "PALETTE",
    "hospital_colours",
    "pairing_map",
    "pairing_map_html",
    "tertiary_map",
    "tertiary_map_html",
]

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
#: In-map words (one label shape: key → {zh, en}).
MAP_LABELS: Labels = {
    "hospital": {"zh": "支援医院", "en": "Hospital"},
    "center": {"zh": "受援单位", "en": "Centre"},
    "days": {"zh": "每月人日", "en": "doctor-days/month"},
    "minutes": {"zh": "单程车程", "en": "one-way"},
    "est": {"zh": "（估算）", "en": " (estimated)"},
    "min": {"zh": "分钟", "en": "min"},
    "lines": {"zh": "结对连线", "en": "Pairing lines"},
    "centers": {"zh": "受援中心", "en": "Centres"},
    "hospitals": {"zh": "支援医院", "en": "Hospitals"},
    "straight": {"zh": "直线示意，非道路", "en": "straight line, not the road"},
    "tertiary": {"zh": "三级医院", "en": "Tertiary hospital"},
    "county_hospital": {"zh": "薄弱县医院", "en": "Weak county hospital"},
    "tertiary_lines": {"zh": "对口帮扶连线", "en": "Support lines"},
}


def hospital_colours(hospital_ids: list[str]) -> dict[str, str]:
    """Stable colour per hospital id (sorted ids → palette order)."""
    return {h: PALETTE[i % len(PALETTE)] for i, h in enumerate(sorted(set(hospital_ids)))}


def pairing_map(
    plan: PairingPlan,
    *,
    lang: str = "zh",
    asset_base_url: str = "/app/static/vendor",
    basemap: str = "none",
) -> folium.Map:
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

    lab = {k: text(MAP_LABELS, k, lang) for k in MAP_LABELS}
    esc = html.escape
    est = lab["est"] if plan.estimated else ""
    m = maps.base_map(
        load_prefectures(), load_counties(), basemap=basemap, lang=lang, asset_base_url=asset_base_url
    )
    hosp = plan.hospitals.set_index("facility_id")
    cent = plan.centers.set_index("facility_id")
    colours = hospital_colours(plan.pairs["hospital_id"].tolist())
    lines = folium.FeatureGroup(name=lab["lines"])
    h_at = {str(k): v for k, v in hosp[["lat", "lon"]].to_dict("index").items()}
    c_at = {str(k): v for k, v in cent[["lat", "lon"]].to_dict("index").items()}
    for row in plan.pairs.to_dict("records"):
        h, c = h_at[str(row["hospital_id"])], c_at[str(row["center_id"])]
        if pd.isna(c["lat"]) or pd.isna(c["lon"]):
            continue  # no coordinates: travel unknown, nothing to draw
        tip = (
            f"{esc(str(row['hospital']))} → {esc(str(row['center']))} · {int(row['days'])} {lab['days']} · "
            f"{lab['minutes']} {float(row['minutes']):.0f} {lab['min']}{est}"
            + (f" · {lab['straight']}" if est else "")
        )
        folium.PolyLine(
            [(float(h["lat"]), float(h["lon"])), (float(c["lat"]), float(c["lon"]))],
            color=colours[str(row["hospital_id"])],
            weight=3,
            opacity=0.85,
            dash_array="6 4" if plan.estimated else None,
            tooltip=tip,
        ).add_to(lines)
    lines.add_to(m)
    cg = folium.FeatureGroup(name=lab["centers"])
    served_by = plan.pairs.groupby("center_id")["hospital_id"].first()
    for fid, c in cent.dropna(subset=["lat", "lon"]).to_dict("index").items():
        colour = colours.get(str(served_by.get(fid, "")), "#999999")
        folium.CircleMarker(
            (float(c["lat"]), float(c["lon"])),
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
    for fid, h in used.to_dict("index").items():
        days = int(plan.pairs.loc[plan.pairs["hospital_id"] == fid, "days"].sum())
        folium.CircleMarker(
            (float(h["lat"]), float(h["lon"])),
            radius=8,
            color="#222222",
            fill=True,
            fill_color=colours[str(fid)],
            fill_opacity=1.0,
            weight=2,
            tooltip=f"{esc(str(h['name']))} · {days} {lab['days']}",
        ).add_to(hg)
    hg.add_to(m)
    root = m.get_root()
    assert isinstance(root, folium.Figure)  # a folium.Map's root is always its Figure
    root.html.add_child(folium.Element(_legend(used, colours, lab)))
    folium.LayerControl(collapsed=True).add_to(m)
    pts = pd.concat([plan.centers[["lon", "lat"]], used[["lon", "lat"]]]).dropna()
    if len(pts):  # zoom to the plan, not the province
        m.fit_bounds(
            [[pts["lat"].min(), pts["lon"].min()], [pts["lat"].max(), pts["lon"].max()]], padding=(30, 30)
        )
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


def pairing_map_html(plan: PairingPlan, *, lang: str = "zh", basemap: str = "none") -> str:
    """Self-contained HTML of :func:`pairing_map` (assets inlined, opens offline)."""
    return str(maps.standalone_html(pairing_map(plan, lang=lang, basemap=basemap)))


def tertiary_map(
    plan: TertiaryPlan,
    *,
    lang: str = "zh",
    asset_base_url: str = "/app/static/vendor",
    basemap: str = "none",
) -> folium.Map:
    """Map of the tertiary ↔ weak-county pairing: a line from each tertiary hospital to each county
    hospital it supports, coloured by tertiary hospital; straight lines (估算 on the estimated network)."""
    lab = {k: text(MAP_LABELS, k, lang) for k in MAP_LABELS}
    esc = html.escape
    est = lab["est"] if plan.estimated else ""
    m = maps.base_map(
        load_prefectures(), load_counties(), basemap=basemap, lang=lang, asset_base_url=asset_base_url
    )
    pairs = plan.pairs
    colours = hospital_colours(pairs["hospital_id"].tolist())
    lines = folium.FeatureGroup(name=lab["tertiary_lines"])
    for row in pairs.to_dict("records"):
        colour = colours[str(row["hospital_id"])]
        county_at = (float(row["county_lat"]), float(row["county_lon"]))
        tip = (
            f"{esc(str(row['hospital']))} → {esc(str(row['county_hospital']))} · {lab['minutes']} "
            f"{float(row['minutes']):.0f} {lab['min']}{est}"
        )
        folium.PolyLine(
            [(float(row["hospital_lat"]), float(row["hospital_lon"])), county_at],
            color=colour,
            weight=3,
            opacity=0.85,
            dash_array="6 4" if plan.estimated else None,
            tooltip=tip,
        ).add_to(lines)
        where = f"{esc(str(row['prefecture']))}{esc(str(row['county']))} {esc(str(row['county_hospital']))}"
        folium.CircleMarker(
            county_at,
            radius=6,
            color=colour,
            fill=True,
            fill_opacity=0.9,
            tooltip=f"{lab['county_hospital']}：{where}",
        ).add_to(lines)
    lines.add_to(m)
    hosp = pairs.drop_duplicates("hospital_id").set_index("hospital_id")
    hg = folium.FeatureGroup(name=lab["hospitals"])
    for fid, h in hosp.to_dict("index").items():
        n = int((pairs["hospital_id"] == fid).sum())
        folium.CircleMarker(
            (float(h["hospital_lat"]), float(h["hospital_lon"])),
            radius=9,
            color="#222222",
            fill=True,
            fill_color=colours[str(fid)],
            fill_opacity=1.0,
            weight=2,
            tooltip=f"{lab['tertiary']}：{esc(str(h['hospital']))} · {n}",
        ).add_to(hg)
    hg.add_to(m)
    used = hosp.rename(columns={"hospital": "name"})[["name"]]
    root = m.get_root()
    assert isinstance(root, folium.Figure)
    root.html.add_child(folium.Element(_legend(used, colours, {**lab, "hospital": lab["tertiary"]})))
    folium.LayerControl(collapsed=True).add_to(m)
    return m


def tertiary_map_html(plan: TertiaryPlan, *, lang: str = "zh", basemap: str = "none") -> str:
    """Self-contained HTML of :func:`tertiary_map` (no personal data: hospitals and counties only)."""
    return str(maps.standalone_html(tertiary_map(plan, lang=lang, basemap=basemap)))
