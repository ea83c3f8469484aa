"""The one table writer of xunzhen: CSV and XLSX for every export and form, with one notes convention.

* :func:`csv_bytes` / :func:`write_csv` — plain RFC 4180 (header first, no comment lines: ``pandas.read_csv``
  and QGIS read it as is), UTF-8 with BOM (Excel on Chinese Windows opens it correctly). Provenance goes in
  the XLSX 说明 sheet and in columns (``estimated``), never in lines above the header.
* :func:`xlsx_bytes` — a first sheet ``说明`` with the notes (sources, "estimated" labels, parameters), then
  one sheet per table; a :class:`Sheet` adds a merged title, lines under it, footnotes under the table and
  print setup (A4, landscape, header rows repeated, fit to width) for forms that are printed and handed in.
* Text cells are made safe for spreadsheets (OWASP CSV injection): a text starting with ``=``, ``+``, ``-``,
  ``@``, tab or carriage return is never a formula — in CSV it gets a leading ``'``, in XLSX it is written
  as text with Excel's quote prefix (shown unchanged, never evaluated). Numbers stay numbers.

Lives in ``geo/`` (the lowest layer) so that ``geo`` and ``routing`` write tables the same way.
"""

from __future__ import annotations

import datetime as dt
import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from geo._errors import InputValidationError

__all__ = [
    "NOTES_SHEET",
    "Sheet",
    "csv_bytes",
    "safe_text",
    "write_csv",
    "xlsx_bytes",
]

#: Name of the notes sheet, always first in a workbook that has notes.
NOTES_SHEET = "说明"
#: A text starting with one of these is read as a formula by spreadsheets (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_BAD_SHEET_CHARS = "[]:*?/\\"


def safe_text(value: str) -> str:
    """``value`` with a leading ``'`` when a spreadsheet would read it as a formula (else unchanged)."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _safe_frame(table: pd.DataFrame) -> pd.DataFrame:
    """Text cells made safe (:func:`safe_text`); numeric columns untouched."""
    out = table.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: safe_text(v) if isinstance(v, str) else v)
    out.columns = [safe_text(str(c)) for c in out.columns]
    return out


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as RFC 4180 CSV bytes (UTF-8 with BOM, header first, CRLF line ends); text cells made safe.

    Parameters
    ----------
    table
        The rows to write (index not written).
    """
    buf = io.StringIO()
    _safe_frame(table).to_csv(buf, index=False, lineterminator="\r\n")
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


def write_csv(table: pd.DataFrame, path: str | Path) -> Path:
    """Write :func:`csv_bytes` to ``path`` and return it.

    Raises
    ------
    OSError
        If the file cannot be written.
    """
    path = Path(path)
    path.write_bytes(csv_bytes(table))
    return path


@dataclass(frozen=True)
class Sheet:
    """One worksheet: a table with an optional merged title, lines under it, footnotes and print setup.

    Attributes
    ----------
    name
        Sheet name (1–31 characters, none of ``[]:*?/\\``).
    table
        The rows; its columns are the header row.
    title
        Row 1, bold, merged across the table's columns ("" = no title rows).
    lines
        Lines under the title (e.g. 填报单位：…　填报人：…), one row each.
    footnotes
        Lines under the table (notes about the layout, sources).
    landscape, fit_width, repeat_header
        Print setup: A4 landscape, fit all columns on the page width, header rows repeated on every page.
    header_height
        Height of the header row in points (for headers that wrap onto several lines); None = default.
    wrap_columns
        Columns whose text cells wrap within the column width (e.g. a list of dates on a printed form).
    """

    name: str
    table: pd.DataFrame
    title: str = ""
    lines: Sequence[str] = ()
    footnotes: Sequence[str] = ()
    landscape: bool = True
    fit_width: bool = True
    repeat_header: bool = True
    column_widths: Mapping[str, float] = field(default_factory=dict)
    header_height: float | None = None
    wrap_columns: Sequence[str] = ()


def _check_names(names: Sequence[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if not name or len(name) > 31 or any(c in name for c in _BAD_SHEET_CHARS):
            msg = f"Sheet name {name!r} is not valid in Excel (1–31 characters, none of []:*?/\\)."
            raise InputValidationError(msg)
        if name.lower() in seen:
            msg = f"Sheet name {name!r} is used twice."
            raise InputValidationError(msg)
        seen.add(name.lower())


def _text_width(value: object) -> int:
    """Width of a cell's text in Excel units (CJK counted double; empty for None/NaN)."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _width(values: pd.Series, header: str) -> float:
    """Column width in Excel units: the longest of header and first 200 cells (CJK counted double)."""
    longest = max([_text_width(header), *(_text_width(v) for v in values.head(200))])
    return float(min(48, max(6, longest + 2)))


def _cell_value(value: object) -> object:
    """A cell value xlsxwriter writes as itself: NaN/NA → None, numpy scalars → Python, dates kept."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and math.isnan(float(value)):
        return None
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    return value


_STYLES: dict[str, dict[str, object]] = {
    "title": {"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"},
    "line": {"font_size": 10},
    "header": {"bold": True, "text_wrap": True, "valign": "vcenter", "align": "center", "border": 1},
    "text": {"border": 1},
    "wrapped": {"border": 1, "text_wrap": True},
    "date": {"border": 1, "num_format": "yyyy-mm-dd"},
    "footnote": {"italic": True, "font_size": 9},
    "note": {"text_wrap": True, "valign": "top"},
}


class _Formats:
    """The workbook's cell formats by style name, each also with Excel's quote prefix (text that looks like a
    formula is shown as typed and never evaluated, even after the user edits the cell)."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self._plain = {k: book.add_format(dict(v)) for k, v in _STYLES.items()}
        self._quoted = {k: book.add_format({**v, "quote_prefix": True}) for k, v in _STYLES.items()}
        self.date = self._plain["date"]

    def of(self, style: str, text: str = "") -> Format:
        """The format ``style``, quote-prefixed when ``text`` starts like a formula."""
        return (self._quoted if text.startswith(FORMULA_STARTS) else self._plain)[style]


def _write_text(ws: Worksheet, row: int, col: int, text: str, fmt: _Formats, style: str) -> None:
    """Write ``text`` as a string cell (never a formula) in ``style``."""
    ws.write_string(row, col, text, fmt.of(style, text))


def _write_cell(ws: Worksheet, row: int, col: int, value: object, fmt: _Formats, style: str = "text") -> None:
    value = _cell_value(value)
    text_fmt = fmt.of("text")
    if value is None:
        ws.write_blank(row, col, None, text_fmt)
    elif isinstance(value, str):
        _write_text(ws, row, col, value, fmt, style)
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value, text_fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, text_fmt)
    elif isinstance(value, dt.date | dt.datetime | dt.time):
        ws.write_datetime(row, col, value, fmt.date)
    else:
        _write_text(ws, row, col, str(value), fmt, "text")


def _write_sheet(book: xlsxwriter.Workbook, sheet: Sheet, fmt: _Formats) -> None:
    ws = book.add_worksheet(sheet.name)
    table = sheet.table
    n_cols = max(1, len(table.columns))
    row = 0
    if sheet.title:
        if n_cols > 1:
            ws.merge_range(0, 0, 0, n_cols - 1, "", fmt.of("title", sheet.title))
        _write_text(ws, 0, 0, sheet.title, fmt, "title")
        ws.set_row(0, 28)
        row = 1
    for line in sheet.lines:
        _write_text(ws, row, 0, str(line), fmt, "line")
        row += 1
    header_row = row
    for j, col in enumerate(table.columns):
        name = str(col)
        _write_text(ws, header_row, j, name, fmt, "header")
        width = sheet.column_widths.get(name) or _width(table[col], name)
        ws.set_column(j, j, width)
    styles = ["wrapped" if str(c) in sheet.wrap_columns else "text" for c in table.columns]
    widths = [sheet.column_widths.get(str(c)) or _width(table[c], str(c)) for c in table.columns]
    for i, values in enumerate(table.itertuples(index=False), start=header_row + 1):
        lines = 1
        for j, value in enumerate(values):
            _write_cell(ws, i, j, value, fmt, styles[j])
            if styles[j] == "wrapped" and isinstance(value, str):
                lines = max(lines, math.ceil(_text_width(value) / max(widths[j], 1)))
        if lines > 1:
            ws.set_row(i, 15 * lines)  # spreadsheets do not grow a row for wrapped text by themselves
    if sheet.header_height:
        ws.set_row(header_row, sheet.header_height)
    row = header_row + 1 + len(table)
    for k, line in enumerate(sheet.footnotes):
        _write_text(ws, row + 1 + k, 0, str(line), fmt, "footnote")
    ws.freeze_panes(header_row + 1, 0)
    ws.set_paper(9)  # A4
    if sheet.landscape:
        ws.set_landscape()
    if sheet.fit_width:
        ws.fit_to_pages(1, 0)
    if sheet.repeat_header:
        ws.repeat_rows(0, header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)


def xlsx_bytes(
    sheets: Mapping[str, pd.DataFrame] | Sequence[Sheet], notes: Sequence[str] = ()
) -> bytes:
    """An XLSX workbook: a first sheet ``说明`` with ``notes`` (when any), then one sheet per table.

    Parameters
    ----------
    sheets
        Sheet name → table (plain sheets), or :class:`Sheet` objects (titles, lines, footnotes, print setup).
    notes
        Lines for the 说明 sheet (data sources, "estimated" labels, parameters, assumptions).

    Raises
    ------
    InputValidationError
        If a sheet name is empty, too long, has a character Excel refuses, or is repeated.
    """
    items = (
        [Sheet(name, table, landscape=False, repeat_header=False) for name, table in sheets.items()]
        if isinstance(sheets, Mapping)
        else list(sheets)
    )
    _check_names([NOTES_SHEET] * bool(notes) + [s.name for s in items])
    buf = io.BytesIO()
    options = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(buf, options)
    fmt = _Formats(book)
    if notes:
        ws = book.add_worksheet(NOTES_SHEET)
        ws.set_column(0, 0, 120)
        for i, line in enumerate(notes):
            _write_text(ws, i, 0, str(line), fmt, "note")
    for sheet in items:
        _write_sheet(book, sheet, fmt)
    book.close()
    return buf.getvalue()
