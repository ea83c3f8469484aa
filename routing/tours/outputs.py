"""Outputs of a mobile-hospital tour: itinerary tables (dates, lunch, market days), summary lines, XLSX and
CSV.

No Streamlit. Every time and km from the estimated network carries 「估算」/"estimated" in headers, summary
lines and notes; dates from the rule-based holiday calendar carry its provisional label. The printable A4
itinerary is in :mod:`routing.tours.printing`, the maps in :mod:`routing.tours.map`. Tables are written
through :mod:`geo.tables` (formula-safe text cells).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from geo import tables
from geo.labels import text
from routing.calendar import PROVISIONAL_LABEL
from routing.tours._labels import REASONS, lab
from routing.tours._types import DayPlan, FujianTour, TourLike, TourPlan, as_plan, hhmm
from routing.tours.dates import weekday_label

__all__ = [
    "candidates_frame",
    "csv_bytes",
    "date_text",
    "day_summary_frame",
    "estimated_suffix",
    "itinerary_frame",
    "left_out_frame",
    "notes",
    "scenario_table",
    "summary_lines",
    "write_xlsx",
    "xlsx_bytes",
]


def estimated_suffix(plan: TourPlan, lang: str) -> str:
    """``（估算）`` / `` (estimated)`` when the plan's figures come from the estimated network, else ""."""
    return lab("est", lang) if plan.estimated else ""


def date_text(day: dt.date | None, lang: str = "zh") -> str:
    """``2026-12-03 周四`` (empty for an undated plan)."""
    return f"{day.isoformat()} {weekday_label(day, lang)}" if day is not None else ""


def _row(plan: TourPlan, d: DayPlan, lang: str, **cells: Any) -> dict[str, Any]:
    est = estimated_suffix(plan, lang)
    row: dict[str, Any] = {
        lab("team", lang): d.team,
        lab("day", lang): d.day,
        lab("date", lang): date_text(d.date, lang),
        lab("seq", lang): None,
        lab("kind", lang): "",
        lab("place", lang): "",
        lab("arrive", lang): "",
        lab("clinic", lang): "",
        lab("leave", lang): "",
        lab("drive", lang) + est: None,
        lab("km", lang) + est: None,
        lab("score", lang): None,
        lab("pop", lang): None,
        lab("note", lang): "",
    }
    keys = {
        "seq": lab("seq", lang),
        "kind": lab("kind", lang),
        "place": lab("place", lang),
        "arrive": lab("arrive", lang),
        "clinic": lab("clinic", lang),
        "leave": lab("leave", lang),
        "drive": lab("drive", lang) + est,
        "km": lab("km", lang) + est,
        "score": lab("score", lang),
        "pop": lab("pop", lang),
        "note": lab("note", lang),
    }
    row.update({keys[k]: v for k, v in cells.items()})
    return row


def _lunch_row(plan: TourPlan, d: DayPlan, lang: str) -> dict[str, Any]:
    assert d.lunch is not None
    lunch = d.lunch
    if lunch.where == "road":
        nxt = d.stops[lunch.after].name if lunch.after < len(d.stops) else plan.names[d.overnight_place]
        place, note = f"→ {nxt}", lab("lunch_road", lang)
    else:
        place = plan.names[lunch.place] if lunch.place >= 0 else ""
        note = lab("lunch_paused", lang) if lunch.where == "clinic" else ""
    return _row(
        plan,
        d,
        lang,
        kind=lab("lunch", lang),
        place=place,
        arrive=hhmm(lunch.start_minutes),
        leave=hhmm(lunch.end_minutes),
        note=note,
    )


def _day_rows(plan: TourPlan, d: DayPlan, lang: str) -> list[dict[str, Any]]:
    rows = [
        _row(
            plan,
            d,
            lang,
            kind=lab("start", lang),
            place=plan.names[d.start_place],
            leave=hhmm(d.start_minutes),
        )
    ]
    for seq, s in enumerate(d.stops, start=1):
        if d.lunch is not None and d.lunch.where != "clinic" and d.lunch.after == seq - 1:
            rows.append(_lunch_row(plan, d, lang))
        pop = plan.population[s.index]
        notes = [lab("market", lang)] if s.market_day else []
        if s.lunch_inside_minutes:
            notes.append(lab("lunch_paused", lang))
        rows.append(
            _row(
                plan,
                d,
                lang,
                seq=seq,
                kind=lab("stop", lang),
                place=s.name,
                arrive=hhmm(s.arrival_minutes),
                clinic=hhmm(s.clinic_start_minutes),
                leave=hhmm(s.departure_minutes),
                drive=round(s.drive_minutes),
                km=round(s.km, 1),
                score=round(float(plan.scores[s.index]), 3),
                pop=None if pd.isna(pop) else round(float(pop)),
                note="、".join(notes) if lang != "en" else "; ".join(notes),
            )
        )
        if d.lunch is not None and d.lunch.where == "clinic" and d.lunch.after == seq:
            rows.append(_lunch_row(plan, d, lang))
    if d.lunch is not None and d.lunch.where != "clinic" and d.lunch.after == len(d.stops):
        rows.append(_lunch_row(plan, d, lang))
    last = d.day == plan.params.days
    kind = (lab("home", lang) if d.overnight_place == 0 else lab("end", lang)) if last else lab("sleep", lang)
    rows.append(
        _row(
            plan,
            d,
            lang,
            kind=kind,
            place=plan.names[d.overnight_place],
            arrive=hhmm(d.end_minutes),
            drive=round(d.end_drive_minutes),
            km=round(d.end_km, 1),
        )
    )
    return rows


def itinerary_frame(tour: TourLike, lang: str = "zh", *, as_text: bool = False) -> pd.DataFrame:
    """One row per start, clinic stop, lunch and overnight/end of every team-day, in order.

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
        Columns team, day, date (with weekday), stop number, type, place, arrive, clinic from, leave (HH:MM),
        drive minutes and km of the leg into the row (labelled estimated on the estimated network), priority,
        estimated population, note (market day, lunch).
    """
    plan = as_plan(tour)
    frame = pd.DataFrame([r for d in plan.days for r in _day_rows(plan, d, lang)])
    if frame.empty:
        return frame
    est = estimated_suffix(plan, lang)
    for col in (lab("seq", lang), lab("drive", lang) + est, lab("pop", lang)):
        frame[col] = frame[col].astype("Int64")
    if as_text:
        frame = frame.astype("string").fillna("")
    return frame


def day_summary_frame(tour: TourLike, lang: str = "zh") -> pd.DataFrame:
    """One row per team-day: date, clinics, route, drive minutes and km (estimated where so), lunch, end
    time, overnight place."""
    plan = as_plan(tour)
    est = estimated_suffix(plan, lang)
    return pd.DataFrame(
        [
            {
                lab("team", lang): d.team,
                lab("day", lang): d.day,
                lab("date", lang): date_text(d.date, lang),
                lab("stops_n", lang): len(d.stops),
                lab("route", lang): " → ".join(
                    [plan.names[d.start_place]] + [s.name for s in d.stops] + [plan.names[d.overnight_place]]
                ),
                lab("drive", lang) + est: round(d.drive_minutes),
                lab("km", lang) + est: round(d.km, 1),
                lab("lunch", lang): f"{hhmm(d.lunch.start_minutes)}–{hhmm(d.lunch.end_minutes)}"
                if d.lunch
                else "",
                lab("end", lang): hhmm(d.end_minutes),
                lab("sleep", lang): plan.names[d.overnight_place],
            }
            for d in plan.days
        ]
    )


def left_out_frame(tour: TourLike, lang: str = "zh") -> pd.DataFrame:
    """Candidates not scheduled, highest priority first, with the reason; then townships with no point."""
    plan = as_plan(tour)
    cols = [lab("township", lang), lab("score", lang), lab("reason", lang)]
    rows = sorted(
        (
            (lo.name, round(float(plan.scores[lo.index]), 3), text(REASONS, lo.reason, lang))
            for lo in plan.left_out
        ),
        key=lambda r: -r[1],
    )
    frame = pd.DataFrame(rows, columns=cols)
    if isinstance(tour, FujianTour) and tour.unplaced:
        extra = pd.DataFrame([(name, None, lab("no_place", lang)) for name in tour.unplaced], columns=cols)
        frame = pd.concat([frame, extra], ignore_index=True)
    return frame


def candidates_frame(tour: TourLike, lang: str = "zh") -> pd.DataFrame:
    """Every candidate township with its priority inputs and score, highest score first; served or not."""
    plan = as_plan(tour)
    est = estimated_suffix(plan, lang)
    cand = tour.candidates if isinstance(tour, FujianTour) else None
    served = set(plan.served)
    rows = []
    for i in range(len(plan.scores)):
        row: dict[str, Any] = {
            lab("township", lang): plan.names[i + 1],
            lab("score", lang): round(float(plan.scores[i]), 3),
        }
        if cand is not None:
            r = cand.iloc[i]
            row[lab("remote", lang) + est] = round(float(r["remoteness_minutes"]), 1)
            row[lab("pop", lang)] = (
                None if pd.isna(r["population_est"]) else round(float(r["population_est"]))
            )
            if "months_since_visit" in cand.columns:
                row[lab("months", lang)] = r["months_since_visit"]
        row[lab("sched", lang)] = i in served
        rows.append(row)
    frame = pd.DataFrame(rows).sort_values(lab("score", lang), ascending=False, kind="stable")
    if lab("pop", lang) in frame.columns:
        frame[lab("pop", lang)] = frame[lab("pop", lang)].astype("Int64")
    return frame


def summary_lines(tour: TourLike, lang: str = "zh") -> list[str]:
    """Key figures as text lines (each estimated figure labelled; dates, provisional calendar noted)."""
    plan = as_plan(tour)
    est = estimated_suffix(plan, lang)
    t = plan.totals
    p = plan.params
    lines = []
    if isinstance(tour, FujianTour):
        label = (tour.network_label_en or tour.network_label) if lang == "en" else tour.network_label
        lines.append(f"{lab('depot', lang)}: {tour.depot_name} · {lab('network', lang)}: {label}")
    market = f" · {lab('market', lang)}: {t['market_day_visits']}" if t["market_day_visits"] else ""
    lines.append(
        f"{lab('served', lang)}: {t['townships_served']}/{t['candidates']} · "
        f"{lab('pop_served', lang)}: {t['population_served_est']:,.0f}"
        f" · {lab('drive_h', lang)}{est}: {t['drive_hours']:.1f} · {lab('km', lang)}{est}: {t['km']:.0f} · "
        f"{lab('priority', lang)}: {t['priority_collected']:.2f}/{t['priority_total']:.2f}{market}"
    )
    when = ""
    if plan.dates:
        when = f"{date_text(plan.dates[0], lang)} – {date_text(plan.dates[-1], lang)} · "
        if isinstance(tour, FujianTour) and tour.provisional:
            when += f"（{PROVISIONAL_LABEL}）· "
    lunch = (
        (
            f" · {lab('lunch', lang)} {p.lunch_minutes:g} min {hhmm(p.lunch_earliest_minutes)}–"
            f"{hhmm(p.lunch_latest_minutes)}"
        )
        if p.lunch_minutes
        else ""
    )
    lines.append(
        f"{when}{p.days} {lab('days_unit', lang)} × {p.teams} {lab('teams_unit', lang)} · "
        f"{hhmm(p.day_start_minutes)}–{hhmm(p.day_end_minutes)}{lunch}"
    )
    if p.cover_minutes is not None:
        lines.append(
            f"{lab('covered', lang)} (≤ {p.cover_minutes:g} min{est}): {t['townships_covered']} · "
            f"{lab('pop_cov', lang)}: {t['population_covered_est']:,.0f}"
        )
    lines += [f"{lab('warn', lang)}: {w}" for w in plan.warnings]
    return lines


def notes(tour: TourLike, lang: str) -> list[str]:
    """Summary lines plus, on the estimated network, the sentence that every figure is estimated."""
    out = summary_lines(tour, lang)
    if as_plan(tour).estimated:
        out.append(lab("all_estimated", lang))
    return out


def xlsx_bytes(tour: TourLike, lang: str = "zh") -> bytes:
    """The itinerary workbook: notes (key figures, estimated label), itinerary, per day, left out,
    candidates."""
    sheets = {
        lab("title", lang)[:31]: itinerary_frame(tour, lang),
        lab("per_day", lang)[:31]: day_summary_frame(tour, lang),
        lab("left", lang)[:31]: left_out_frame(tour, lang),
        lab("candidates", lang)[:31]: candidates_frame(tour, lang),
    }
    return tables.xlsx_bytes(sheets, notes=notes(tour, lang))


def write_xlsx(tour: TourLike, path: str | Path, lang: str = "zh") -> Path:
    """Write :func:`xlsx_bytes` to ``path``.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    path = Path(path)
    path.write_bytes(xlsx_bytes(tour, lang))
    return path


def csv_bytes(tour: TourLike, lang: str = "zh") -> bytes:
    """The itinerary table as plain CSV (RFC 4180, header first) with an ``estimated`` column."""
    frame = itinerary_frame(tour, lang)
    frame["estimated"] = as_plan(tour).estimated
    return tables.csv_bytes(frame)


def scenario_table(tour: TourLike) -> pd.DataFrame:
    """One row per team-day with plain column names, the ``tours`` result of a saved scenario.

    Columns: ``team``, ``day``, ``date`` (ISO, "" when undated), ``stops`` (clinic stops), ``route`` (start →
    stops → overnight), ``drive_minutes``, ``km`` (``routing.scenarios`` sums it as drive km), ``end``
    (HH:MM), ``overnight``, ``estimated`` (True on the estimated network).
    """
    plan = as_plan(tour)
    columns = [
        "team",
        "day",
        "date",
        "stops",
        "route",
        "drive_minutes",
        "km",
        "end",
        "overnight",
        "estimated",
    ]
    return pd.DataFrame(
        [
            {
                "team": d.team,
                "day": d.day,
                "date": d.date.isoformat() if d.date else "",
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
