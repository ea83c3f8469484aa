"""What reading and validating a facility list produce: :class:`UploadTable`, :class:`Problem`,
:class:`UploadResult`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pandas as pd

from geo import tables

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["SEVERITIES", "Problem", "UploadResult", "UploadTable"]

#: Problem severities: ``error`` rejects the row; ``fixed`` kept after a correction; ``warning`` kept but
#: worth checking (e.g. a point far from the place its name names); ``note`` only informs.
SEVERITIES = ("error", "fixed", "warning", "note")
_SEVERITY_WORDS = {
    "zh": {"error": "未采用", "fixed": "已修正", "warning": "请核对", "note": "提示"},
    "en": {"error": "rejected", "fixed": "corrected", "warning": "check", "note": "note"},
}


@dataclass(frozen=True)
class UploadTable:
    """The text of an uploaded facility list, before validation.

    Attributes
    ----------
    source
        File name shown in messages.
    headers
        Column headers as written in the file (blank ones become ``列N``/column N).
    rows
        Data rows as text cells, one tuple per non-blank row, padded to ``len(headers)``.
    row_numbers
        Spreadsheet row number of each data row (row 1 is the file's first row).
    header_row
        Spreadsheet row number of the header row.
    encoding
        ``"utf-8"``, ``"utf-8-sig"``, ``"gb18030"``, ``"utf-16"`` for CSV, or ``"xlsx"``.
    sheet
        Worksheet read from an XLSX file (``None`` for CSV).
    mapping
        Header → field, for the headers recognised automatically.
    unmapped
        Headers not recognised (the mapping step offers them to the user).
    crs_hint
        Coordinate system named in a coordinate header, e.g. ``经度(GCJ-02)`` → ``"gcj02"``.
    notes
        File-level remarks (other or hidden sheets skipped, header row below a title, encoding hints …).
    hidden_rows
        Row numbers of data rows hidden in Excel (imported; the validator notes each).
    formulas
        ``(row number, column index) → formula`` of XLSX cells holding a formula with no saved value (the
        cell reads as empty; the validator reports it when the column is used).
    """

    source: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    row_numbers: tuple[int, ...]
    header_row: int
    encoding: str
    sheet: str | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    unmapped: tuple[str, ...] = ()
    crs_hint: str | None = None
    notes: tuple[str, ...] = ()
    hidden_rows: tuple[int, ...] = ()
    formulas: Mapping[tuple[int, int], str] = field(default_factory=dict)

    def column(self, header: str) -> list[str]:
        """Return the cells of one column, by its header as written in the file."""
        i = self.headers.index(header)
        return [row[i] for row in self.rows]


@dataclass(frozen=True)
class Problem:
    """One problem in an upload.

    Attributes
    ----------
    row
        Spreadsheet row number (``None`` for a problem with the whole file).
    column
        Column as named in the file (``None`` when the problem is not tied to one column).
    value
        The offending cell text ("" when empty or not applicable).
    code
        Machine-readable kind (a key of :data:`geo.facilities.messages.MESSAGES`).
    severity
        One of :data:`SEVERITIES`.
    message, message_zh
        The explanation in English and Chinese.
    """

    row: int | None
    column: str | None
    value: str
    code: str
    severity: str
    message: str
    message_zh: str

    def text(self, lang: str = "en") -> str:
        """Return ``row N, column C: message`` (``第N行，列“C”：…`` in Chinese)."""
        if lang == "zh":
            where = "文件" if self.row is None else f"第{self.row}行"
            if self.column:
                where += f"，列“{self.column}”"
            return f"{where}：{self.message_zh}"
        where = "file" if self.row is None else f"row {self.row}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def __str__(self) -> str:
        return self.text("en")


@dataclass
class UploadResult:
    """What validation made of an upload.

    Attributes
    ----------
    accepted
        Facility table (columns of :data:`geo.facilities.FACILITY_COLUMNS` + ``geometry``, EPSG:4326, WGS84)
        of the rows kept.
    rejected
        The rejected rows as written (the file's columns) plus ``row`` and ``problems`` (the reasons).
    problems
        Every problem, in row order (file-level ones first).
    table
        The :class:`UploadTable` validated.
    mapping
        Header → field mapping used.
    """

    accepted: gpd.GeoDataFrame
    rejected: pd.DataFrame
    problems: list[Problem]
    table: UploadTable
    mapping: dict[str, str] = field(default_factory=dict)

    @property
    def n_rows(self) -> int:
        """Number of data rows read."""
        return len(self.table.rows)

    @property
    def all_accepted(self) -> bool:
        """True when every row was kept and the file had no problem of its own."""
        return (
            self.n_rows > 0
            and len(self.rejected) == 0
            and not any(p.row is None and p.severity == "error" for p in self.problems)
        )

    def summary(self, lang: str = "en") -> str:
        """One line: rows read, accepted (of which corrected, to check), rejected."""
        fixed = len({p.row for p in self.problems if p.severity == "fixed" and p.row is not None})
        check = len({p.row for p in self.problems if p.severity == "warning" and p.row is not None})
        if lang == "zh":
            extra = f"，{check} 行请核对" if check else ""
            return (
                f"{self.table.source}：共 {self.n_rows} 行，采用 {len(self.accepted)} 行"
                f"（其中 {fixed} 行已修正{extra}），"
                f"未采用 {len(self.rejected)} 行。"
            )
        extra = f", {check} to check" if check else ""
        return (
            f"{self.table.source}: {self.n_rows} rows, {len(self.accepted)} accepted "
            f"({fixed} corrected{extra}), {len(self.rejected)} rejected."
        )

    def problems_table(self, lang: str = "zh") -> pd.DataFrame:
        """Problems as a table: row, column, value, severity, message (headers and messages in ``lang``)."""
        zh = lang == "zh"
        words = _SEVERITY_WORDS["zh" if zh else "en"]
        columns = (
            ["行", "列", "值", "处理", "说明"] if zh else ["row", "column", "value", "outcome", "message"]
        )
        rows = [
            [p.row, p.column or "", p.value, words[p.severity], p.message_zh if zh else p.message]
            for p in self.problems
        ]
        return pd.DataFrame(rows, columns=columns).astype({columns[0]: "Int64"})

    def rejected_csv(self, lang: str = "zh") -> bytes:
        """The rejected rows as written plus ``row`` and the reasons (in ``lang``), CSV in UTF-8 with BOM.

        Fix the cells and upload this file again: the two extra columns are ignored on reading. Written
        through :func:`geo.tables.csv_bytes` (cells that look like formulas get a leading ``'``).
        """
        out = self.rejected.copy()
        if lang == "zh":
            reasons: dict[int | None, list[str]] = {}
            for p in self.problems:
                if p.severity == "error":
                    reasons.setdefault(p.row, []).append(p.message_zh)
            file_level = reasons.get(None, [])
            out["problems"] = ["；".join(file_level + reasons.get(int(r), [])) for r in out["row"]]
            out = out.rename(columns={"row": "原行号", "problems": "问题"})
        return tables.csv_bytes(out)

    def report_lines(self, lang: str = "en") -> list[str]:
        """Every problem as one line, then the summary."""
        return [p.text(lang) for p in self.problems] + [self.summary(lang)]
