"""A streaming reader of the one worksheet of a planner's XLSX facility list, as the text a planner sees.

Private to :mod:`geo.facilities._read`. Read straight from the workbook's XML (``zipfile`` + expat
``iterparse``; each row is dropped once read), so a large sheet costs neither openpyxl's per-cell objects nor
memory that grows with the file. On top of the cell texts it reports what openpyxl's fast mode hides: hidden
worksheets (skipped unless named), hidden rows, and formula cells that have no saved value.

Limits (:data:`MAX_EXPANDED_BYTES`, :data:`MAX_COLUMNS` and the caller's row cap) refuse zip bombs and
absurd sheets with a message instead of filling the memory. Expat ≥ 2.4 refuses entity-expansion bombs.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO
from xml.etree.ElementTree import Element, ParseError, iterparse

from geo._errors import DataFileError

__all__ = ["MAX_COLUMNS", "MAX_EXPANDED_BYTES", "XlsxSheet", "read_xlsx"]

#: Largest total size of a workbook's unpacked parts, bytes (200,000 rows of a facility list are ≈ 70 MB).
MAX_EXPANDED_BYTES = 256 * 1024 * 1024
#: Widest sheet read (a facility list has about 10 columns).
MAX_COLUMNS = 500
#: Rows allowed beyond the caller's cap: the header row and title rows above it.
_TITLE_ROWS = 10

_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
#: Built-in number formats that show a date or time.
_DATE_FORMAT_IDS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
#: What a damaged part can raise while being read.
_UNREADABLE = (
    ParseError, zipfile.BadZipFile, zlib.error, KeyError, IndexError, ValueError, EOFError, OSError
)


@dataclass
class XlsxSheet:
    """The cell texts of one worksheet.

    Attributes
    ----------
    name
        The worksheet read.
    rows
        ``(row number, cell texts)`` for every row with a cell (row numbers as Excel shows them).
    hidden_rows
        Row numbers hidden in Excel.
    formulas
        ``(row number, column index) → "=formula"`` for formula cells without a saved value.
    notes
        Other, hidden or chosen worksheets, in the user's words.
    """

    name: str
    rows: list[tuple[int, list[str]]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _damaged(source: str, err: Exception) -> DataFileError:
    return DataFileError(
        f"{source}: the XLSX file is damaged or not an Excel workbook ({type(err).__name__}: {err})."
    )


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + (ord(ch) - 64)
    return index - 1


def _elements(stream: IO[bytes], tag: str) -> Iterator[Element]:
    """Every ``tag`` element of an XML stream, each dropped from its parent once the caller is done."""
    parents: list[Element] = []
    for event, el in iterparse(stream, events=("start", "end")):
        if event == "start":
            parents.append(el)
            continue
        parents.pop()
        if el.tag == tag:
            yield el
            if parents:
                parents[-1].remove(el)


#: Excel's escape of a character in a string (ST_Xstring): ``_x000D_`` = carriage return, ``_x005F_`` = "_".
_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    """``text`` with Excel's ``_xHHHH_`` escapes decoded (one pass: ``_x005F_x000D_`` stays literal text)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


def _text(el: Element) -> str:
    """The text of a rich-text string (``<si>``/``<is>``): its runs, without phonetic guides."""
    parts = []
    for child in el:
        if child.tag == _NS + "t":
            parts.append(child.text or "")
        elif child.tag == _NS + "r":
            parts.extend(t.text or "" for t in child.iter(_NS + "t"))
    return _unescape("".join(parts))


class _Book:
    """The workbook parts needed to read one sheet: sheet list, shared strings, date styles."""

    def __init__(self, zf: zipfile.ZipFile, source: str) -> None:
        self.zf, self.source = zf, source
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            raise DataFileError(f"{source}: the XLSX file has no workbook part; is it really an Excel file?")
        rels = {}
        if "xl/_rels/workbook.xml.rels" in names:
            with zf.open("xl/_rels/workbook.xml.rels") as fh:
                for rel in _elements(fh, _PKG_REL):
                    target = rel.get("Target", "")
                    path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                    rels[rel.get("Id", "")] = posixpath.normpath(path)
        self.sheets: list[tuple[str, str, str]] = []  # (name, state, part)
        self.date1904 = False
        with zf.open("xl/workbook.xml") as fh:
            for _event, el in iterparse(fh):
                if el.tag == _NS + "sheet":
                    part = rels.get(el.get(_REL_NS + "id", ""), "")
                    self.sheets.append((el.get("name", ""), el.get("state", "visible"), part))
                elif el.tag == _NS + "workbookPr":
                    self.date1904 = el.get("date1904", "0") in ("1", "true")
        self.strings: list[str] = []
        if "xl/sharedStrings.xml" in names:
            with zf.open("xl/sharedStrings.xml") as fh:
                self.strings = [_text(si) for si in _elements(fh, _NS + "si")]
        self.date_styles = self._date_styles() if "xl/styles.xml" in names else frozenset()

    def _date_styles(self) -> frozenset[int]:
        custom: dict[int, str] = {}
        xfs: list[int] = []
        with self.zf.open("xl/styles.xml") as fh:
            in_cell_xfs = False
            for event, el in iterparse(fh, events=("start", "end")):
                if el.tag == _NS + "cellXfs":
                    in_cell_xfs = event == "start"
                elif event == "end" and el.tag == _NS + "numFmt":
                    custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
                elif event == "end" and el.tag == _NS + "xf" and in_cell_xfs:
                    xfs.append(int(el.get("numFmtId", "0")))

        def is_date(fmt_id: int) -> bool:
            if fmt_id in custom:
                code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", custom[fmt_id]).lower()
                return bool(re.search(r"[ymdhs]", code)) and "general" not in code
            return fmt_id in _DATE_FORMAT_IDS

        return frozenset(i for i, fmt_id in enumerate(xfs) if is_date(fmt_id))

    def choose(self, sheet: str | None) -> tuple[str, str, list[str]]:
        """(name, part, notes) of the sheet to read: ``sheet`` if named, else the first visible one."""
        if not self.sheets:
            raise DataFileError(f"{self.source}: the workbook has no worksheet.")
        names = [name for name, _, _ in self.sheets]
        hidden = [name for name, state, _ in self.sheets if state != "visible"]
        if sheet is not None:
            if sheet not in names:
                msg = f"{self.source}: no worksheet named {sheet!r}; the workbook has {names}."
                raise DataFileError(msg)
            chosen = sheet
        else:
            visible = [name for name, state, _ in self.sheets if state == "visible"]
            if not visible:
                msg = f"{self.source}: every worksheet is hidden {names}; name the one to read."
                raise DataFileError(msg)
            chosen = visible[0]
        notes = []
        skipped = [n for n in hidden if n != chosen]
        if skipped:
            notes.append(f"隐藏的工作表未读取 / hidden worksheets not read: {skipped}")
        others = [n for n in names if n != chosen and n not in hidden]
        if others:
            notes.append(f"read worksheet {chosen!r}; other worksheets ignored: {others}")
        part = next(p for name, _, p in self.sheets if name == chosen)
        if part not in set(self.zf.namelist()):
            raise DataFileError(f"{self.source}: worksheet {chosen!r} is missing from the file (damaged?).")
        return chosen, part, notes

    def cell_text(self, c: Element) -> tuple[str, str | None]:
        """(text shown, formula without a saved value or None) of one ``<c>`` element."""
        kind = c.get("t", "n")
        v = c.find(_NS + "v")
        raw = v.text if v is not None else None
        f = c.find(_NS + "f")
        if kind == "inlineStr":
            node = c.find(_NS + "is")
            return (_text(node) if node is not None else ""), None
        if raw is None or raw == "":
            if f is not None:
                return "", "=" + (f.text or "(shared formula)")
            return "", None
        if kind == "s":
            return self.strings[int(raw)], None
        if kind in ("str", "e", "d"):
            return _unescape(raw), None
        if kind == "b":
            return ("True" if raw in ("1", "true") else "False"), None
        return self.number(float(raw), int(c.get("s", "0"))), None

    def number(self, value: float, style: int = 0) -> str:
        """A number cell as the planner sees it: a date (ISO) in a date style, else 117 or 117.41."""
        if not math.isfinite(value):
            return ""
        if style in self.date_styles:
            base = dt.datetime(1904, 1, 1) if self.date1904 else dt.datetime(1899, 12, 30)
            try:
                return (base + dt.timedelta(days=value)).isoformat()
            except OverflowError:
                return repr(value)
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)


def _read_rows(book: _Book, out: XlsxSheet, part: str, max_rows: int) -> None:
    """Stream the rows of sheet ``part`` into ``out`` (hot loop: plain cells inline, the rest via
    :meth:`_Book.cell_text`)."""
    row_tag, c_tag, v_tag = _NS + "row", _NS + "c", _NS + "v"
    columns: dict[str, int] = {}
    strings = book.strings
    date_styles = {str(i) for i in book.date_styles}
    with book.zf.open(part) as fh:
        counter = 0
        for _event, row in iterparse(fh):
            if row.tag != row_tag:
                continue
            counter = int(row.get("r", counter + 1))
            cells: list[str] = []
            for c in row:
                if c.tag != c_tag:
                    continue
                ref = c.get("r")
                if ref is None:
                    col = len(cells)
                else:
                    letters = ref.rstrip("0123456789")
                    col = columns.get(letters, -1)
                    if col < 0:
                        col = columns[letters] = _column_index(letters)
                if col >= MAX_COLUMNS:
                    msg = f"{book.source}: more than {MAX_COLUMNS} columns; is it really a facility list?"
                    raise DataFileError(msg)
                kind = c.get("t")
                formula = None
                if kind == "inlineStr":
                    text = _unescape("".join(c.itertext()))
                else:
                    v = c.find(v_tag)
                    raw = v.text if v is not None else None
                    if raw and kind == "s":
                        text = strings[int(raw)]
                    elif raw and kind is None and c.get("s", "0") not in date_styles:
                        value = float(raw)
                        whole = value.is_integer() and abs(value) < 1e15
                        text = str(int(value)) if whole else book.number(value)
                    else:
                        text, formula = book.cell_text(c)
                if col >= len(cells):
                    cells.extend([""] * (col + 1 - len(cells)))
                cells[col] = text
                if formula is not None:
                    out.formulas[(counter, col)] = formula
            if row.get("hidden", "0") in ("1", "true"):
                out.hidden_rows.add(counter)
            row.clear()  # the emptied element stays in the tree: about 70 bytes a row
            if any(cells):
                out.rows.append((counter, cells))
                if len(out.rows) > max_rows + _TITLE_ROWS:
                    msg = (
                        f"{book.source}: 超过 {max_rows:,} 行 / more than {max_rows:,} rows; "
                        "split the list (e.g. by prefecture) and upload the parts."
                    )
                    raise DataFileError(msg)


def read_xlsx(data: bytes, source: str, sheet: str | None, max_rows: int) -> XlsxSheet:
    """Read the cell texts of one worksheet of an XLSX file.

    Parameters
    ----------
    data
        The file's bytes.
    source
        File name for messages.
    sheet
        Worksheet to read (default: the first visible one; hidden ones are skipped and noted).
    max_rows
        Refuse the file once it has more data rows than this (plus up to 10 title and header rows).

    Raises
    ------
    DataFileError
        Not a workbook or damaged, unpacks to more than :data:`MAX_EXPANDED_BYTES`, more than
        :data:`MAX_COLUMNS` columns or ``max_rows`` rows, no such or no visible worksheet.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise _damaged(source, exc) from exc
    with zf:
        expanded = sum(info.file_size for info in zf.infolist())
        if expanded > MAX_EXPANDED_BYTES:
            msg = (
                f"{source}: the workbook unpacks to {expanded / 2**20:,.0f} MB (limit "
                f"{MAX_EXPANDED_BYTES / 2**20:,.0f} MB); is it really a facility list?"
            )
            raise DataFileError(msg)
        try:
            book = _Book(zf, source)
            name, part, notes = book.choose(sheet)
            out = XlsxSheet(name, notes=notes)
            _read_rows(book, out, part, max_rows)
        except _UNREADABLE as exc:
            if isinstance(exc, DataFileError):
                raise
            raise _damaged(source, exc) from exc
    return out
