"""The planner's input tables a workspace keeps, and how a file becomes one.

Each kind has a name in both languages and, once its reader has landed, a function that reads a planner's
file (CSV/XLSX, path or bytes) into the table to store — checking it row by row, so a bad file gives a clear
message and stores nothing. Other analyses register their kinds with :func:`register_input`::

    register_input("doctors", "医师名册", "doctor register", read_doctor_register)

:func:`import_file` reads a file and saves it as the newest version of that kind in a workspace; facility
lists go through validation, the placeholder check and the merge (see :func:`import_facilities`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from geo._errors import InputValidationError
from geo.facilities.upload import read_upload, validate_file
from routing.calendar import holidays_from_table, overrides_table, read_overrides
from routing.database import bilingual
from routing.pairing.capacity import capacities_frame, capacities_from_table, read_capacities
from routing.programme.needs import read_center_needs
from routing.programme.register import read_register
from routing.tours.explore import read_overnight_places, read_rules_upload, rules_frame
from routing.workspace.edits import merge_upload
from routing.workspace.placeholders import apply_replacements, find_placeholders, mark_replacements
from routing.workspace.store import FACILITIES, WorkspaceStore, check_kind

__all__ = [
    "INPUT_KINDS",
    "ImportReport",
    "InputKind",
    "capacities_from_table",
    "holidays_from_table",
    "import_facilities",
    "import_file",
    "register_input",
]

#: Merge report actions in both languages.
_ACTIONS = {
    "moved": ("移到实测位置", "moved"),
    "updated": ("更新", "updated"),
    "added": ("新增", "added"),
    "not matched": ("未匹配", "not matched"),
    "replaced placeholder": ("替换占位医院", "replaced a placeholder"),
}
#: A reader: (file path or bytes, file name, the workspace's facility table) → (the table to store, report
#: lines in both languages).
Reader = Callable[[Path | bytes, str, pd.DataFrame], tuple[pd.DataFrame, list[tuple[str, str]]]]


@dataclass(frozen=True)
class InputKind:
    """A kind of input table: its key, names, and the reader of a planner's file (None: not available yet)."""

    kind: str
    zh: str
    en: str
    read: Reader | None = None


@dataclass
class ImportReport:
    """What an import did: the version saved (None when nothing was saved), report lines in both languages,
    a per-row table (facilities: the merge report) and the placeholder replacements proposed or applied."""

    kind: str
    version: int | None
    lines: list[tuple[str, str]] = field(default_factory=list)
    table: pd.DataFrame | None = None
    placeholders: pd.DataFrame | None = None

    def text(self, lang: str = "zh") -> list[str]:
        """The report lines in ``lang``."""
        return [zh if lang == "zh" else en for zh, en in self.lines]


def _read_holidays(source: Path | bytes, name: str, _facilities: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    table = overrides_table(read_overrides(source, name=name))
    off, on = int((table["类型"] == "休息").sum()), int((table["类型"] == "上班").sum())
    return table, [(f"节假日 {off} 天，调休上班 {on} 天。", f"{off} days off, {on} make-up workdays.")]


def _read_capacities(source: Path | bytes, name: str, _facilities: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    table = read_upload(source, name=name)
    caps = read_capacities(pd.DataFrame(table.rows, columns=table.headers), source=name)
    return capacities_frame(caps), []


def _read_doctors(source: Path | bytes, name: str, facilities: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    register = read_register(source, facilities, name=name)
    lines = [
        (
            f"采用 {len(register.doctors)} 名医师，未采用 {len(register.rejected)} 行。",
            f"{len(register.doctors)} doctors accepted, {len(register.rejected)} rows rejected.",
        )
    ]
    lines += [(p.text(), p.text()) for p in register.problems[:20]]
    return register.doctors, lines


def _read_needs(source: Path | bytes, name: str, facilities: pd.DataFrame) -> tuple[pd.DataFrame, list]:
    needs = read_center_needs(source, facilities, name=name)
    n = len(needs.table)
    lines = [(f"{n} 个卫生院/中心的专科需求。", f"specialty needs of {n} centers.")]
    return needs.table, lines + [(p, p) for p in needs.problems[:20]]


def _read_market_days(
    source: Path | bytes, name: str, _facilities: pd.DataFrame
) -> tuple[pd.DataFrame, list]:
    data = source.read_bytes() if isinstance(source, Path) else source
    rules = read_rules_upload(data, name)
    return rules_frame(rules, {}), [
        (f"{len(rules)} 个乡镇的集市日与开放时间。", f"rules of {len(rules)} townships.")
    ]


INPUT_KINDS: dict[str, InputKind] = {
    FACILITIES: InputKind(FACILITIES, "机构清单", "facility list"),
    "capacities": InputKind("capacities", "医院派出能力", "hospital capacities", _read_capacities),
    "holidays": InputKind("holidays", "节假日与调休", "holidays and make-up workdays", _read_holidays),
    "doctors": InputKind("doctors", "医师名册", "doctor register", _read_doctors),
    "market_days": InputKind(
        "market_days", "集市日与开放时间", "market days and opening hours", _read_market_days
    ),
    "overnight_places": InputKind("overnight_places", "住宿地点", "overnight places", read_overnight_places),
    "specialty_needs": InputKind(
        "specialty_needs", "卫生院专科需求", "centers' specialty needs", _read_needs
    ),
}


def register_input(kind: str, zh: str, en: str, read: Reader) -> None:
    """Make ``kind`` importable (``python -m routing.workspace import NAME KIND FILE`` and the 数据 page)."""
    INPUT_KINDS[check_kind(kind)] = InputKind(kind, zh, en, read)


def import_facilities(
    store: WorkspaceStore,
    name: str,
    source: Path | bytes,
    *,
    file_name: str = "",
    replace_placeholders: bool = False,
    crs: str | None = None,
    fix_swapped: bool = False,
) -> ImportReport:
    """Validate a facility list, merge it into the workspace's working table and save a new version.

    Uploaded hospitals that stand for an embedded placeholder are reported; with ``replace_placeholders``
    they replace it (see :mod:`routing.workspace.placeholders`), else they are added beside it.
    """
    path = source if isinstance(source, Path) else None
    if path is None:
        raise bilingual(
            InputValidationError, zh="请给出机构清单文件。", en="Give the facility list as a file."
        )
    result = validate_file(path, crs=crs, fix_swapped=fix_swapped)
    working = store.facilities(name)
    proposals = find_placeholders(working, result.accepted)
    lines = list(zip(result.report_lines("zh"), result.report_lines("en"), strict=True))
    report = ImportReport(FACILITIES, None, lines, placeholders=proposals)
    if replace_placeholders:
        accepted = apply_replacements(result.accepted, proposals)
    else:  # never two hospitals: rows standing for a placeholder wait for the planner's decision
        keep = ~pd.Series(range(len(result.accepted))).isin(proposals["upload_row"]).to_numpy()
        accepted = result.accepted[keep]
    for p in proposals.itertuples():
        if replace_placeholders:
            report.lines.append(
                (
                    f"{p.upload_name} 替换占位医院 {p.placeholder_name}（相距 {p.distance_km:.2f} 公里）",
                    f"{p.upload_name} replaces the placeholder {p.placeholder_name} ({p.distance_km:.2f} km)",
                )
            )
        else:
            report.lines.append(
                (
                    f"{p.upload_name} 距占位医院 {p.placeholder_name} {p.distance_km:.2f} 公里，"
                    "应是同一家医院：未导入此行；加 --replace-placeholders 以它替换占位医院。",
                    f"{p.upload_name} is {p.distance_km:.2f} km from the placeholder "
                    f"{p.placeholder_name}, likely the same hospital: row held back; add "
                    "--replace-placeholders to replace the placeholder with it.",
                )
            )
    if accepted.empty:
        report.lines.append(("没有可并入的行，未保存新版本。", "No row to merge; no new version saved."))
        return report
    merged, table = merge_upload(working, accepted)
    if replace_placeholders:
        table = mark_replacements(table, proposals)
    report.table = table
    report.version = store.save_facilities(name, merged, note=f"import {file_name or path.name}")
    counts = {str(k): int(n) for k, n in table["action"].value_counts().items()}
    zh = "，".join(f"{_ACTIONS.get(k, (k, k))[0]} {n} 个" for k, n in counts.items())
    en = ", ".join(f"{n} {_ACTIONS.get(k, (k, k))[1]}" for k, n in counts.items())
    report.lines.append(
        (
            f"已保存为机构表第 {report.version} 版：{zh}。",
            f"saved as version {report.version} of the facility table: {en}.",
        )
    )
    return report


def import_file(
    store: WorkspaceStore,
    name: str,
    kind: str,
    source: Path | bytes,
    *,
    file_name: str = "",
    **options: object,
) -> ImportReport:
    """Read a planner's file of ``kind`` and save it as the newest version in workspace ``name``.

    Raises
    ------
    InputValidationError
        Unknown kind, a kind whose reader is not available yet, or a file with bad rows (nothing saved).
    """
    key = kind.replace("-", "_")
    entry = INPUT_KINDS.get(key)
    if entry is None:
        known = "、".join(k.replace("_", "-") for k in INPUT_KINDS)
        raise bilingual(
            InputValidationError,
            zh=f"未知的输入类别“{kind}”，可选：{known}。",
            en=f"Unknown input kind {kind!r}; one of: {known}.",
        )
    if key == FACILITIES:
        return import_facilities(store, name, source, file_name=file_name, **options)  # type: ignore[arg-type]
    if entry.read is None:
        raise bilingual(
            InputValidationError,
            zh=f"{entry.zh}的导入尚未提供（由相应功能模块提供后即可使用）。",
            en=f"Importing the {entry.en} is not available yet (its module has not provided a reader).",
        )
    label = file_name or (source.name if isinstance(source, Path) else kind)
    frame, lines = entry.read(source, label, store.facilities(name))
    version = store.save_table(name, key, frame, note=f"import {label}")
    lines.append(
        (
            f"已保存为{entry.zh}第 {version} 版（{len(frame)} 行）。",
            f"saved as version {version} of the {entry.en} ({len(frame)} rows).",
        )
    )
    return ImportReport(key, version, lines, frame)
