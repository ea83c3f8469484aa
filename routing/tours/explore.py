"""One interactive tour run, as the 巡诊路线 page shows it: the choices it offers (depots, scope, townships,
overnight places), the township rules table it edits, the request it plans, and every download.

The page reads its widgets, builds a :class:`TourRequest` and calls :func:`run_tour`; tables and files come
from :func:`downloads` and ``routing.tours.outputs``. The command line (``python -m routing.tours``) calls the
same library functions.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo._errors import InputValidationError
from geo.facilities import HOSPITAL_TYPES
from geo.facilities.upload import read_upload
from geo.places import load_prefectures, load_townships
from routing.calendar import CalendarOverrides
from routing.downloads import Download
from routing.tours import map as tmap
from routing.tours import outputs, printing
from routing.tours._types import FujianTour, TourParams, hhmm
from routing.tours.market import VisitRule, read_visit_rules, visit_rule
from routing.tours.places import depot_choices, township_code
from routing.tours.plan import plan_fujian_tours

__all__ = [
    "RULE_COLUMNS",
    "Download",
    "TourRequest",
    "depot_options",
    "downloads",
    "overnight_from_stored",
    "overnight_options",
    "read_overnight_places",
    "rules_frame",
    "rules_from_frame",
    "run_tour",
    "tour_scope",
    "township_options",
]

#: Columns of the township rules table the page edits (乡镇 holds a township code).
RULE_COLUMNS = ("乡镇", "圩日", "仅圩日", "开放", "结束")


def depot_options(facilities: pd.DataFrame, prefecture_codes: Sequence[str]) -> dict[str, str]:
    """Depot facility id → label, in the order offered (the default depot first when it is in scope)."""
    choices = depot_choices(facilities, prefecture_codes)
    return dict(zip(choices["facility_id"], choices["label"], strict=True))


def tour_scope(
    depot_id: str, facilities: pd.DataFrame, prefecture_codes: Sequence[str], whole_province: bool
) -> list[str]:
    """Prefecture names of the tour: those selected, or — when the whole province is selected, too large for
    one tour — the depot's prefecture."""
    prefs = load_prefectures()
    if whole_province:
        row = facilities[facilities["facility_id"].astype(str) == depot_id]
        prefecture_codes = row["prefecture_code"].astype(str).tolist()
    return prefs.loc[prefs["code"].isin(list(prefecture_codes)), "name"].tolist()


def township_options(scope: Sequence[str], include_streets: bool) -> dict[str, str]:
    """Township code → ``county + name`` for the placed townships of the scope's prefectures."""
    town = load_townships()
    town = town[town["prefecture_name"].isin(list(scope)) & town["lon"].notna()]
    if not include_streets:
        town = town[town["kind"] != "街道"]
    return dict(zip(town["code"], town["county_name"] + town["name"], strict=True))


def overnight_options(
    facilities: pd.DataFrame, scope: Sequence[str], townships: Mapping[str, str]
) -> dict[str, str]:
    """Places a planner may restrict overnight stays to: the depot, the hospitals in scope, the townships."""
    hosp = facilities[
        facilities["facility_type"].isin(list(HOSPITAL_TYPES))
        & facilities["lon"].notna()
        & facilities["prefecture_name"].isin(list(scope))
    ]
    out = {"驻地": "驻地 / depot"}
    out.update(
        dict(zip(hosp["facility_id"].astype(str), hosp["county_name"].fillna("") + hosp["name"], strict=True))
    )
    out.update(townships)
    return out


def rules_frame(rules: Mapping[str, VisitRule], names: Mapping[str, str]) -> pd.DataFrame:
    """The rules as the table the page edits (one row per township, shown by ``names[code]``)."""
    rows = [
        {
            "乡镇": names.get(code, code),
            "圩日": rule.market.text if rule.market else "",
            "仅圩日": rule.market_only,
            "开放": hhmm(rule.open_minutes) if rule.open_minutes is not None else "",
            "结束": hhmm(rule.close_minutes) if rule.close_minutes is not None else "",
        }
        for code, rule in rules.items()
    ]
    return pd.DataFrame(rows, columns=list(RULE_COLUMNS)).astype({"仅圩日": bool})


def rules_from_frame(
    frame: pd.DataFrame | None, names: Mapping[str, str]
) -> tuple[tuple[str, VisitRule], ...]:
    """Check the edited rules table (乡镇 holds a name of ``names`` or a code; the workspace keeps the table
    with codes, ``names={}``); rows without a township are ignored; None → no rules.

    Raises
    ------
    InputValidationError
        Every bad row, named by its township (an unparseable market rule, a window closing before it opens,
        "market day only" without a rule, a township given twice).
    """
    if frame is None:
        return ()
    codes = {label: code for code, label in names.items()}
    out: dict[str, VisitRule] = {}
    problems: list[str] = []
    for row in frame.fillna("").to_dict("records"):
        town = str(row.get("乡镇", "")).strip()
        if not town:
            continue
        code = codes.get(town, town)
        where = f"乡镇 {town}"
        if code in out:
            problems.append(f"{where}：重复 / listed twice")
            continue
        try:
            out[code] = visit_rule(
                str(row.get("圩日", "")),
                bool(row.get("仅圩日") or False),
                str(row.get("开放", "")),
                str(row.get("结束", "")),
                where,
            )
        except InputValidationError as err:
            problems.append(str(err))
    if problems:
        raise InputValidationError("；".join(problems))
    return tuple(sorted(out.items()))


def overnight_from_stored(frame: pd.DataFrame | None, offered: Mapping[str, str]) -> list[str]:
    """The allowed overnight places of a stored ``overnight_places`` table (column ``place``) that are among
    the ``offered`` ones."""
    return [] if frame is None or frame.empty else [str(x) for x in frame["place"] if str(x) in offered]


def read_overnight_places(
    source: Path | bytes, name: str, _facilities: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """A planner's list of allowed overnight places (CSV/XLSX, first column: 驻地, a township or a hospital
    name or code) as the ``overnight_places`` table a workspace keeps (column ``place``), with a report line
    (``python -m routing.workspace import NAME overnight_places FILE``)."""
    table = read_upload(source, name=name or None)
    places = [row[0].strip() for row in table.rows if row and row[0].strip()]
    if not places:
        raise InputValidationError(f"{table.source}：没有住宿地点 / no overnight places in the file")
    return pd.DataFrame({"place": places}), [
        (f"{len(places)} 处住宿地点。", f"{len(places)} overnight places.")
    ]


def read_rules_upload(data: bytes, name: str) -> dict[str, VisitRule]:
    """Township rules from an uploaded CSV/XLSX (see :func:`routing.tours.market.read_visit_rules`)."""
    return read_visit_rules(data, name=name, resolve=lambda text: township_code(text, name))


@dataclass(frozen=True)
class TourRequest:
    """Everything the page plans from (hashable: the page caches plans by it)."""

    depot_id: str
    scope: tuple[str, ...]
    params: TourParams
    start_date: dt.date
    weekends: bool = False
    min_remoteness: float = 0.0
    include_streets: bool = False
    visits: tuple[tuple[str, float], ...] | None = None
    required: tuple[str, ...] = ()
    rules: tuple[tuple[str, VisitRule], ...] = ()
    overnight: tuple[str, ...] | None = None
    overrides: CalendarOverrides | None = None
    facilities_version: str = ""


def run_tour(request: TourRequest, facilities: pd.DataFrame) -> FujianTour:
    """Plan the request on the planner's facility table."""
    return plan_fujian_tours(
        request.depot_id,
        facilities=facilities,
        prefectures=list(request.scope),
        params=request.params,
        min_remoteness_minutes=request.min_remoteness,
        include_streets=request.include_streets,
        months_since_visit=dict(request.visits) if request.visits is not None else None,
        required=list(request.required),
        start_date=request.start_date,
        weekends=request.weekends,
        calendar_overrides=request.overrides,
        visit_rules=dict(request.rules),
        overnight=list(request.overnight) if request.overnight else None,
    )


def downloads(tour: FujianTour, lang: str) -> list[Download]:
    """XLSX, CSV, printable HTML, offline map HTML, static PNG and PDF maps, printable PDF; costly files are
    functions, made when the planner clicks."""
    stem = "xunzhen-tour"
    return [
        Download("xlsx", f"{stem}.xlsx", outputs.xlsx_bytes(tour, lang)),
        Download("csv", f"{stem}.csv", outputs.csv_bytes(tour, lang)),
        Download("print", f"{stem}-print.html", printing.itinerary_print_html(tour, lang).encode("utf-8")),
        Download("map", f"{stem}-map.html", lambda: tmap.tour_map_html(tour, lang=lang).encode("utf-8")),
        Download("png", f"{stem}-map.png", lambda: tmap.tour_static_map(tour, lang=lang, fmt="png", dpi=150)),
        Download("pdf", f"{stem}-map.pdf", lambda: tmap.tour_static_map(tour, lang=lang, fmt="pdf")),
        Download("print_pdf", f"{stem}-print.pdf", lambda: printing.itinerary_print_pdf(tour, lang)),
    ]
