"""Outputs of a mobile-hospital tour: itinerary tables, XLSX/CSV, printable A4 itinerary (HTML).

No Streamlit. Every text from data is HTML-escaped; every time and km from the estimated network carries
「估算」/"estimated" in headers, summary lines and notes. The map is in :mod:`routing.tours.map`.
"""

from __future__ import annotations

import html
import math
import numbers
from pathlib import Path
from typing import Any

import pandas as pd

from geo import tables
from routing import exports
from routing.tours._types import REASONS, TourPlan, hhmm

LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "team": "队伍",
        "day": "第几天",
        "seq": "序号",
        "kind": "类型",
        "place": "地点",
        "arrive": "到达",
        "clinic": "开诊",
        "leave": "离开",
        "drive": "驾驶分钟",
        "km": "公里",
        "score": "优先级",
        "pop": "人口（估算）",
        "start": "出发",
        "stop": "义诊",
        "sleep": "住宿",
        "home": "返回驻地",
        "end": "结束",
        "est": "（估算）",
        "reason": "原因",
        "township": "乡镇",
        "left": "未安排的乡镇",
        "title": "移动医院巡诊行程",
        "depot": "驻地医院",
        "network": "路网",
        "served": "安排乡镇",
        "drive_h": "驾驶小时",
        "pop_served": "服务人口（估算）",
        "covered": "覆盖乡镇",
        "pop_cov": "覆盖人口（估算）",
        "priority": "优先级合计",
        "straight": "直线示意（估算，非道路）",
        "road": "沿道路",
        "day_n": "第{d}天",
        "team_n": "第{t}队",
        "unplaced": "无坐标乡镇（未纳入）",
        "warn": "注意",
        "print": "打印",
        "no_place": "无坐标",
        "remote": "距最近县级及以上医院分钟",
        "months": "距上次巡诊月数",
        "candidates": "候选乡镇与优先级",
        "sched": "已安排",
    },
    "en": {
        "team": "Team",
        "day": "Day",
        "seq": "Stop",
        "kind": "Type",
        "place": "Place",
        "arrive": "Arrive",
        "clinic": "Clinic from",
        "leave": "Leave",
        "drive": "Drive min",
        "km": "km",
        "score": "Priority",
        "pop": "Population (estimated)",
        "start": "start",
        "stop": "clinic",
        "sleep": "overnight",
        "home": "back at depot",
        "end": "end",
        "est": " (estimated)",
        "reason": "Reason",
        "township": "Township",
        "left": "Townships not scheduled",
        "title": "Mobile hospital tour itinerary",
        "depot": "Depot",
        "network": "Network",
        "served": "Townships served",
        "drive_h": "Drive hours",
        "pop_served": "Population served (estimated)",
        "covered": "Townships covered",
        "pop_cov": "Population covered (estimated)",
        "priority": "Priority collected",
        "straight": "straight line (estimated, not a road)",
        "road": "along roads",
        "day_n": "Day {d}",
        "team_n": "Team {t}",
        "unplaced": "Townships without a point (not considered)",
        "warn": "Note",
        "print": "Print",
        "no_place": "no point",
        "remote": "Minutes to nearest county-level hospital",
        "months": "Months since last visit",
        "candidates": "Candidates and priority",
        "sched": "Scheduled",
    },
}


def _lab(lang: str) -> dict[str, str]:
    return LABELS["en" if lang == "en" else "zh"]


def _plan(tour: Any) -> TourPlan:
    return tour.plan if hasattr(tour, "plan") else tour


def _est(plan: TourPlan, lang: str) -> str:
    return _lab(lang)["est"] if plan.estimated else ""


def itinerary_frame(tour: Any, lang: str = "zh", *, as_text: bool = False) -> pd.DataFrame:
    """One row per start, clinic stop and overnight/end of every team-day, in order.

    Parameters
    ----------
    tour
        A :class:`routing.tours.FujianTour` or a :class:`TourPlan`.
    lang
        "zh" or "en" (column names and row types).
    as_text
        Every cell as text, missing ones blank (for display and printing).

    Returns
    -------
    pandas.DataFrame
        Columns team, day, stop number, type, place, arrive, clinic from, leave (HH:MM), drive minutes and
        km of the leg into the row (labelled estimated on the estimated network), priority and estimated
        population.
    """
    plan = _plan(tour)
    L = _lab(lang)
    est = _est(plan, lang)
    names = plan.names
    rows = []
    last_day = plan.params.days
    for d in plan.days:
        rows.append(
            {
                L["team"]: d.team,
                L["day"]: d.day,
                L["seq"]: None,
                L["kind"]: L["start"],
                L["place"]: names[d.start_place],
                L["arrive"]: "",
                L["clinic"]: "",
                L["leave"]: hhmm(d.start_minutes),
                L["drive"] + est: None,
                L["km"] + est: None,
                L["score"]: None,
                L["pop"]: None,
            }
        )
        for seq, s in enumerate(d.stops, start=1):
            rows.append(
                {
                    L["team"]: d.team,
                    L["day"]: d.day,
                    L["seq"]: seq,
                    L["kind"]: L["stop"],
                    L["place"]: s.name,
                    L["arrive"]: hhmm(s.arrival_minutes),
                    L["clinic"]: hhmm(s.clinic_start_minutes),
                    L["leave"]: hhmm(s.departure_minutes),
                    L["drive"] + est: round(s.drive_minutes),
                    L["km"] + est: round(s.km, 1),
                    L["score"]: round(float(plan.scores[s.index]), 3),
                    L["pop"]: None
                    if pd.isna(plan.population[s.index])
                    else round(float(plan.population[s.index])),
                }
            )
        kind = (L["home"] if d.overnight_place == 0 else L["end"]) if d.day == last_day else L["sleep"]
        rows.append(
            {
                L["team"]: d.team,
                L["day"]: d.day,
                L["seq"]: None,
                L["kind"]: kind,
                L["place"]: names[d.overnight_place],
                L["arrive"]: hhmm(d.end_minutes),
                L["clinic"]: "",
                L["leave"]: "",
                L["drive"] + est: round(d.end_drive_minutes),
                L["km"] + est: round(d.end_km, 1),
                L["score"]: None,
                L["pop"]: None,
            }
        )
    frame = pd.DataFrame(rows)
    if not frame.empty:
        for col in (L["seq"], L["drive"] + est, L["pop"]):
            frame[col] = frame[col].astype("Int64")
    if as_text:
        frame = frame.astype("string").fillna("")
    return frame


def day_summary_frame(tour: Any, lang: str = "zh") -> pd.DataFrame:
    """One row per team-day: stops, drive minutes and km (estimated where so), end time, overnight place."""
    plan = _plan(tour)
    L = _lab(lang)
    est = _est(plan, lang)
    return pd.DataFrame(
        [
            {
                L["team"]: d.team,
                L["day"]: d.day,
                L["served"]: len(d.stops),
                L["place"]: " → ".join(
                    [plan.names[d.start_place]] + [s.name for s in d.stops] + [plan.names[d.overnight_place]]
                ),
                L["drive"] + est: round(d.drive_minutes),
                L["km"] + est: round(d.km, 1),
                L["end"]: hhmm(d.end_minutes),
                L["sleep"]: plan.names[d.overnight_place],
            }
            for d in plan.days
        ]
    )


def left_out_frame(tour: Any, lang: str = "zh") -> pd.DataFrame:
    """Candidates not scheduled, highest priority first, with the reason; then townships with no point."""
    plan = _plan(tour)
    L = _lab(lang)
    k = 1 if lang == "en" else 0
    rows = [
        {
            L["township"]: lo.name,
            L["score"]: round(float(plan.scores[lo.index]), 3),
            L["reason"]: REASONS[lo.reason][k],
        }
        for lo in plan.left_out
    ]
    rows.sort(key=lambda r: -r[L["score"]])
    for name in getattr(tour, "unplaced", ()):
        rows.append({L["township"]: name, L["score"]: None, L["reason"]: L["no_place"]})
    return pd.DataFrame(rows, columns=[L["township"], L["score"], L["reason"]])


def candidates_frame(tour: Any, lang: str = "zh") -> pd.DataFrame:
    """Every candidate township with its priority inputs and score, highest score first; served or not."""
    plan = _plan(tour)
    L = _lab(lang)
    est = _est(plan, lang)
    cand = getattr(tour, "candidates", None)
    served = set(plan.served)
    rows = []
    for i, name in enumerate(plan.names[1:]):
        row = {L["township"]: name, L["score"]: round(float(plan.scores[i]), 3)}
        if cand is not None:
            r = cand.iloc[i]
            row[L["remote"] + est] = round(float(r["remoteness_minutes"]), 1)
            row[L["pop"]] = None if pd.isna(r["population_est"]) else round(float(r["population_est"]))
            if "months_since_visit" in cand.columns:
                row[L["months"]] = r["months_since_visit"]
        row[L["sched"]] = i in served
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(L["score"], ascending=False, kind="stable")
    if L["pop"] in frame.columns:
        frame[L["pop"]] = frame[L["pop"]].astype("Int64")
    return frame


def summary_lines(tour: Any, lang: str = "zh") -> list[str]:
    """Key figures as text lines (each estimated figure labelled)."""
    plan = _plan(tour)
    L = _lab(lang)
    est = _est(plan, lang)
    t = plan.totals
    p = plan.params
    lines = []
    if hasattr(tour, "depot_name"):
        label = (
            (getattr(tour, "network_label_en", "") or tour.network_label)
            if lang == "en"
            else tour.network_label
        )
        lines.append(f"{L['depot']}: {tour.depot_name} · {L['network']}: {label}")
    lines.append(
        f"{p.days} × {p.teams} · {hhmm(p.day_start_minutes)}–{hhmm(p.day_end_minutes)} · "
        f"{L['served']}: {t['townships_served']}/{t['candidates']} · "
        f"{L['pop_served']}: {t['population_served_est']:,.0f}"
        f" · {L['drive_h']}{est}: {t['drive_hours']:.1f} · {L['km']}{est}: {t['km']:.0f} · "
        f"{L['priority']}: {t['priority_collected']:.2f}/{t['priority_total']:.2f}"
    )
    if p.cover_minutes is not None:
        lines.append(
            f"{L['covered']} (≤ {p.cover_minutes:g} min{est}): {t['townships_covered']} · "
            f"{L['pop_cov']}: {t['population_covered_est']:,.0f}"
        )
    lines += [f"{L['warn']}: {w}" for w in plan.warnings]
    return lines


def _notes(tour: Any, lang: str) -> list[str]:
    plan = _plan(tour)
    notes = summary_lines(tour, lang)
    if plan.estimated:
        notes.append(
            "所有行程时间和公里数均为估算（直线距离 × 绕行系数，假定车速），非道路实测。"
            if lang != "en"
            else "Every time and km is estimated (straight line × circuity, assumed speeds), not road-routed."
        )
    return notes


def xlsx_bytes(tour: Any, lang: str = "zh") -> bytes:
    """The itinerary workbook: notes (key figures, estimated label), itinerary, per day, left out."""
    L = _lab(lang)
    sheets = {
        L["title"][:31]: itinerary_frame(tour, lang),
        (L["day"] if lang != "en" else "Per day")[:31]: day_summary_frame(tour, lang),
        L["left"][:31]: left_out_frame(tour, lang),
        L["candidates"][:31]: candidates_frame(tour, lang),
    }
    return tables.xlsx_bytes(sheets, notes=_notes(tour, lang))


def write_xlsx(tour: Any, path: str | Path, lang: str = "zh") -> Path:
    """Write :func:`xlsx_bytes` to ``path``.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    path = Path(path)
    path.write_bytes(xlsx_bytes(tour, lang))
    return path


def csv_bytes(tour: Any, lang: str = "zh") -> bytes:
    """The itinerary table as CSV (UTF-8 with BOM), with ``#`` comment lines stating the figures' basis."""
    return tables.csv_bytes(itinerary_frame(tour, lang))


_PRINT_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;
  font-size: 10.5pt; color:#222; }
h1 { font-size: 15pt; margin: 0 0 4pt; } h2 { font-size: 12.5pt; margin: 10pt 0 4pt; }
.meta { color:#555; margin-bottom: 6pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6pt; page-break-inside: avoid; }
th, td { border: 0.6pt solid #999; padding: 2pt 4pt; text-align: left; }
th { background: #eee; } td.num { text-align: right; }
.team { page-break-after: always; } .team:last-child { page-break-after: auto; }
.est { color: #a0522d; font-weight: bold; }
@media screen { body { max-width: 190mm; margin: 10mm auto; } }
"""


def itinerary_print_html(tour: Any, lang: str = "zh") -> str:
    """A printable A4 itinerary (HTML with print CSS): one page per team, one table per day; text escaped."""
    plan = _plan(tour)
    L = _lab(lang)
    est = _est(plan, lang)
    esc = html.escape
    frame = itinerary_frame(tour, lang)
    parts = [
        f'<!DOCTYPE html><html lang="{"en" if lang == "en" else "zh"}"><head><meta charset="utf-8">'
        f"<title>{esc(L['title'])}</title><style>{_PRINT_CSS}</style></head><body>"
    ]
    meta = "<br>".join(esc(s) for s in summary_lines(tour, lang))
    for team in sorted({d.team for d in plan.days}):
        parts.append(
            f'<section class="team"><h1>{esc(L["title"])} · {esc(L["team_n"].format(t=team))}</h1>'
            f'<div class="meta">{meta}'
        )
        if est:
            parts.append(f'<br><span class="est">{esc(_notes(tour, lang)[-1])}</span>')
        parts.append("</div>")
        sub = frame[frame[L["team"]] == team]
        for day, rows in sub.groupby(L["day"], sort=True):
            parts.append(f"<h2>{esc(L['day_n'].format(d=day))}</h2><table><tr>")
            cols = [c for c in rows.columns if c not in (L["team"], L["day"])]
            parts += [f"<th>{esc(str(c))}</th>" for c in cols]
            parts.append("</tr>")
            for r in rows.itertuples(index=False):
                vals = dict(zip(rows.columns, r, strict=True))
                parts.append("<tr>")
                for c in cols:
                    v = vals[c]
                    v = (
                        ""
                        if v is None or v is pd.NA or (isinstance(v, numbers.Real) and math.isnan(v))
                        else v
                    )
                    cls = ' class="num"' if isinstance(v, numbers.Number) and not isinstance(v, bool) else ""
                    parts.append(f"<td{cls}>{esc(str(v))}</td>")
                parts.append("</tr>")
            parts.append("</table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "".join(parts)


def scenario_table(tour: Any) -> pd.DataFrame:
    """One row per team-day with plain column names, the ``tours`` result of a saved scenario.

    Columns: ``team``, ``day``, ``stops`` (clinic stops), ``route`` (start → stops → overnight),
    ``drive_minutes``, ``km`` (``routing.scenarios`` sums it as drive km), ``end`` (HH:MM), ``overnight``,
    ``estimated`` (True on the estimated network).
    """
    plan = _plan(tour)
    columns = ["team", "day", "stops", "route", "drive_minutes", "km", "end", "overnight", "estimated"]
    return pd.DataFrame(
        [
            {
                "team": d.team,
                "day": d.day,
                "stops": len(d.stops),
                "route": " → ".join(
                    [plan.names[d.start_place]] + [s.name for s in d.stops] + [plan.names[d.overnight_place]]
                ),
                "drive_minutes": round(float(d.drive_minutes), 1),
                "km": round(float(d.km), 1),
                "end": hhmm(d.end_minutes),
                "overnight": plan.names[d.overnight_place],
                "estimated": bool(plan.estimated),
            }
            for d in plan.days
        ],
        columns=columns,
    )


def itinerary_print_pdf(tour: Any, lang: str = "zh", *, rows_per_page: int = 34) -> bytes:
    """The printable itinerary as a PDF (A4 portrait, drawn with matplotlib): per team, the key figures,
    the "estimated" note on the estimated network, and the itinerary rows grouped by day (long teams
    continue on further pages).

    Parameters
    ----------
    tour
        A :class:`routing.tours.FujianTour` or a :class:`TourPlan`.
    lang
        "zh" or "en".
    rows_per_page
        Table rows per page (A4 portrait fits about 34 with the header).

    Returns
    -------
    bytes
        The PDF document.
    """
    import io

    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_pdf import PdfPages

    plan = _plan(tour)
    L = _lab(lang)
    frame = itinerary_frame(tour, lang, as_text=True)
    head = summary_lines(tour, lang)
    note = _notes(tour, lang)[-1] if plan.estimated else ""
    cols = [c for c in frame.columns if c not in (L["team"],)]
    buf = io.BytesIO()
    family = exports.cjk_font_family()
    with (
        plt.rc_context({"font.family": family, "pdf.fonttype": 42}),
        PdfPages(buf, metadata={"Title": L["title"], "Creator": "xunzhen"}) as pdf,
    ):
        for team in sorted({d.team for d in plan.days}) or [1]:
            sub = frame[frame[L["team"]] == str(team)][cols] if not frame.empty else frame
            chunks = [sub.iloc[i : i + rows_per_page] for i in range(0, max(len(sub), 1), rows_per_page)]
            for page, chunk in enumerate(chunks, start=1):
                fig = plt.figure(figsize=(8.27, 11.69))
                title = f"{L['title']} · {L['team_n'].format(t=team)}"
                if len(chunks) > 1:
                    title += f" ({page}/{len(chunks)})"
                fig.text(0.06, 0.965, title, fontsize=14, fontweight="bold", va="top")
                y = 0.935
                for line in head:
                    fig.text(0.06, y, line, fontsize=7.5, va="top", color="#333333", wrap=True)
                    y -= 0.016
                if note:
                    fig.text(0.06, y, note, fontsize=7.5, va="top", color="#a0522d", fontweight="bold")
                    y -= 0.016
                ax = fig.add_axes((0.06, 0.04, 0.88, y - 0.05))
                ax.axis("off")
                if len(chunk):
                    table = ax.table(
                        cellText=chunk.to_numpy().tolist(),
                        colLabels=[str(c) for c in cols],
                        loc="upper center",
                        cellLoc="left",
                    )
                    table.auto_set_font_size(False)
                    table.set_fontsize(8.5)
                    table.auto_set_column_width(list(range(len(cols))))
                    for (r, _c), cell in table.get_celld().items():
                        cell.set_height(0.024)
                        cell.set_linewidth(0.4)
                        if r == 0:
                            cell.set_facecolor("#eeeeee")
                            cell.set_text_props(fontweight="bold")
                pdf.savefig(fig)
                plt.close(fig)
    return buf.getvalue()
