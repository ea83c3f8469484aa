"""Read a planner's facility list (CSV or XLSX) into rows of text.

Private plumbing of :mod:`geo.facilities.upload`. Nothing is interpreted here beyond the file format: every
cell stays the text the planner typed (numbers in XLSX are rendered back to text), so the validator can quote
it. Header mapping lives in :mod:`geo.facilities.fields`, the XLSX reader in :mod:`geo.facilities._xlsx`.

Row numbers are the ones a spreadsheet shows: the first line or row of the file is row 1 (usually the header),
blank rows keep their numbers.

Limits: files up to :data:`MAX_BYTES`, at most :data:`MAX_ROWS` rows with text (a list of every facility of
Fujian has about 1,300), XLSX unpacked size and width as in :mod:`geo.facilities._xlsx`.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import unicodedata
from pathlib import Path
from typing import BinaryIO

from geo._errors import DataFileError, InputValidationError
from geo.facilities._xlsx import XlsxSheet, read_xlsx
from geo.facilities.fields import FIELD_ALIASES, FIELD_LABELS, FIELDS, crs_hint, map_headers, normalise_header
from geo.facilities.types import UploadTable

__all__ = [
    "FIELDS",
    "FIELD_ALIASES",
    "FIELD_LABELS",
    "MAX_BYTES",
    "MAX_ROWS",
    "UploadTable",
    "map_headers",
    "normalise_header",
    "read_upload",
]

#: Largest file read, in bytes (200,000 rows of CSV are about 22 MB).
MAX_BYTES = 64 * 1024 * 1024
#: Most rows with text read from one file (Fujian has about 1,300 health facilities of the listed types).
MAX_ROWS = 200_000
#: At most this many leading rows are searched for the header row (a title row above it is common).
HEADER_SEARCH_ROWS = 10
#: Delimiters tried on CSV text (the full-width comma only when nothing else separates the header).
_DELIMITERS = ",\t;|"
_FULL_WIDTH_COMMA = "，"
#: A cell our own exports wrote with a leading ' so that spreadsheets never read it as a formula.
_QUOTED_FORMULA = re.compile(r"^'(?=[=+\-@\t\r])")

Upload = str | os.PathLike[str] | bytes | bytearray | memoryview | BinaryIO
NumberedRows = list[tuple[int, list[str]]]


# --------------------------------------------------------------------------------------------------- decoding


def _decode(data: bytes, source: str) -> tuple[str, str, list[str]]:
    """Decode CSV bytes: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK/GB2312).

    Returns the text, the encoding and notes (a UTF-8 BOM in front of GBK text is read as GBK and noted).
    """
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), "utf-8-sig", []
        except UnicodeDecodeError:
            pass
        try:
            text = body.decode("gb18030")
        except UnicodeDecodeError:
            text = body.decode("utf-8", errors="replace")
            bad = text.count("\ufffd")
            note = (
                f"文件有 {bad} 处无法解码的字节（显示为 �），请另存为“CSV UTF-8”后重新上传 / {bad} bytes "
                "could not be decoded (shown as �); save the file as 'CSV UTF-8' and upload it again"
            )
            return text, "utf-8-sig", [note]
        note = (
            "文件开头有 UTF-8 标记，但内容是 GBK 编码：已按 GBK 读取，请核对文字 / the file starts with a "
            "UTF-8 mark (BOM) but its text is GBK: read as GBK — check the names"
        )
        return text, "gb18030", [note]
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16", []
        except UnicodeDecodeError as exc:
            msg = f"{source}: starts like UTF-16 text but cannot be decoded ({exc.reason})."
            raise DataFileError(msg) from exc
    if b"\x00" in data[:4096]:
        msg = (
            f"{source}: this is not a CSV or XLSX file (it contains binary data). "
            "Save the list as .xlsx or .csv and upload it again."
        )
        raise DataFileError(msg)
    try:
        return data.decode("utf-8"), "utf-8", []
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030", []
    except UnicodeDecodeError as exc:
        msg = (
            f"{source}: the text is neither UTF-8 nor GBK/GB18030 "
            f"(undecodable byte at position {exc.start}). "
            "Save it as 'CSV UTF-8' and upload it again."
        )
        raise DataFileError(msg) from exc


def _sniff_delimiter(text: str) -> str:
    lines = text.splitlines()[:20]
    first = next((line for line in lines if line.strip()), "")
    if _FULL_WIDTH_COMMA in first and not any(d in first for d in _DELIMITERS):
        return _FULL_WIDTH_COMMA
    sample = "\n".join(lines)
    try:
        return csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in _DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _csv_rows(text: str, source: str) -> tuple[NumberedRows, list[str]]:
    delimiter = _sniff_delimiter(text)
    notes = []
    if delimiter == _FULL_WIDTH_COMMA:
        notes.append("各列以全角逗号“，”分隔 / columns are separated by full-width commas (，)")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: NumberedRows = []
    try:
        for number, record in enumerate(reader, start=1):
            if any(c.strip() for c in record):
                rows.append((number, record))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:  # the exact data-row count is checked later
                    raise DataFileError(_too_many_rows(source))
    except csv.Error as exc:  # e.g. a NUL inside a field after decoding, a cell over 128 kB
        msg = f"{source}: line {reader.line_num}: the CSV text cannot be parsed ({exc})."
        raise DataFileError(msg) from exc
    return rows, notes


def _too_many_rows(source: str) -> str:
    return (
        f"{source}: 超过 {MAX_ROWS:,} 行 / more than {MAX_ROWS:,} rows; "
        "split the list (e.g. by prefecture) and upload the parts."
    )


def _is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _is_old_xls(data: bytes) -> bool:
    return data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _find_header(rows: NumberedRows) -> int:
    """Index of the header row: the first of the leading rows with ≥ 2 recognised headers, else the first."""
    for i, (_, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        mapping, _ = map_headers([c.strip() for c in row])
        if len(mapping) >= 2:
            return i
    return 0


# ------------------------------------------------------------------------------------------------- reading


def _load(file: Upload, name: str | None) -> tuple[bytes, str]:
    """The bytes of ``file`` and the name used in messages."""
    if isinstance(file, bytes | bytearray | memoryview):
        return bytes(file), name or "upload"
    if isinstance(file, str | os.PathLike):
        path = Path(file)
        source = name or path.name
        if not path.exists():
            raise DataFileError(f"{path}: file not found.")
        if path.is_dir():
            raise DataFileError(f"{path}: is a folder, not a CSV or XLSX file.")
        if path.stat().st_size > MAX_BYTES:
            raise DataFileError(_too_large(str(path)))
        try:
            return path.read_bytes(), source
        except OSError as exc:
            raise DataFileError(f"{path}: cannot be read ({exc.strerror}).") from exc
    read = getattr(file, "read", None)
    if callable(read):  # an open binary file, io.BytesIO, a Streamlit upload
        data = read(MAX_BYTES + 1)
        if isinstance(data, bytes | bytearray):
            return bytes(data), name or str(getattr(file, "name", "") or "upload")
    msg = (
        f"read_upload needs a file path or the file's bytes (or an open binary file), "
        f"not {type(file).__name__}."
    )
    raise InputValidationError(msg)


def _too_large(source: str) -> str:
    return f"{source}: file is larger than {MAX_BYTES // (1024 * 1024)} MB; is it really a facility list?"


def _raw_rows(data: bytes, source: str, sheet: str | None) -> tuple[str, XlsxSheet]:
    """The encoding and the numbered rows of text (as an :class:`XlsxSheet`, also for CSV: no sheet name,
    no hidden rows, no formulas)."""
    if _is_xlsx(data):
        return "xlsx", read_xlsx(data, source, sheet, MAX_ROWS)
    if _is_old_xls(data):
        msg = f"{source}: old Excel .xls files are not read; in Excel choose 另存为 → .xlsx (or CSV UTF-8)."
        raise DataFileError(msg)
    text, encoding, notes = _decode(data, source)
    rows, csv_notes = _csv_rows(text, source)
    return encoding, XlsxSheet("", rows, notes=notes + csv_notes)


def _clean(rows: NumberedRows) -> tuple[NumberedRows, int]:
    """Cells NFC-normalised and stripped; a leading ' before = + - @ (our exports' text mark) removed."""
    out: NumberedRows = []
    unquoted = 0
    nfc = unicodedata.normalize
    for number, row in rows:
        cells = [c.strip() if c.isascii() else nfc("NFC", c).strip() for c in row]
        for j, c in enumerate(cells):
            if c[:1] == "'" and _QUOTED_FORMULA.match(c):
                cells[j], unquoted = c[1:], unquoted + 1
        if any(cells):
            out.append((number, cells))
    return out, unquoted


def read_upload(file: Upload, *, name: str | None = None, sheet: str | None = None) -> UploadTable:
    """Read a facility list from a CSV or XLSX file (path, the uploaded bytes, or an open binary file).

    CSV text may be UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030 (also behind a stray UTF-8
    BOM, noted); the delimiter (comma, tab, semicolon, bar, full-width comma) is detected. XLSX: the first
    visible worksheet (hidden ones are skipped and noted), read as a stream; hidden rows are read and listed;
    formula cells without a saved value are listed. The header row may sit below a title row. Headers may be
    Chinese or English.

    Parameters
    ----------
    file
        Path of the file, its content, or an open binary file.
    name
        File name used in messages (default: the path's name, or ``"upload"``).
    sheet
        Worksheet of an XLSX file (default: the first visible one).

    Returns
    -------
    UploadTable
        Text rows plus the automatic header mapping; nothing is validated yet.

    Raises
    ------
    InputValidationError
        ``file`` is neither a path, bytes nor an open binary file (e.g. ``None``).
    DataFileError
        The file is missing, empty, too large (:data:`MAX_BYTES`, :data:`MAX_ROWS` rows), binary, old
        ``.xls``, a damaged workbook, or not decodable.
    """
    for label, value in (("name", name), ("sheet", sheet)):
        if value is not None and not isinstance(value, str):
            raise InputValidationError(f"read_upload: {label} must be text, not {type(value).__name__}.")
    data, source = _load(file, name)
    if len(data) > MAX_BYTES:
        raise DataFileError(_too_large(source))
    if not data.strip():
        raise DataFileError(f"{source}: the file is empty.")
    encoding, raw = _raw_rows(data, source, sheet)
    rows, unquoted = _clean(raw.rows)
    raw.rows = []  # the cleaned copy replaces it (halves the peak memory of a large file)
    if not rows:
        raise DataFileError(f"{source}: the file has no rows with text.")
    notes = list(raw.notes)
    if unquoted:
        notes.append(f"{unquoted} 个单元格开头的 ' 已去掉 / a leading ' removed from {unquoted} cells")
    return _table(rows, source, encoding, raw, notes)


def _table(rows: NumberedRows, source: str, encoding: str, raw: XlsxSheet, notes: list[str]) -> UploadTable:
    """The :class:`UploadTable` of numbered rows: header found, cells padded, headers mapped."""
    h = _find_header(rows)
    header_number, header_cells = rows[h]
    data = rows[h + 1 :]
    if len(data) > MAX_ROWS:
        raise DataFileError(_too_many_rows(source))
    width = max(len(r) for _, r in rows[h:])
    headers: list[str] = []
    for j, cell in enumerate(header_cells + [""] * (width - len(header_cells))):
        label = cell or f"列{j + 1}"
        while label in headers:  # duplicate header text: keep both, distinguishable
            label = f"{label}#{j + 1}"
        headers.append(label)
    data_rows = tuple(tuple(r + [""] * (width - len(r))) for _, r in data)
    numbers = tuple(n for n, _ in data)
    mapping, unmapped = map_headers(headers)
    unmapped = tuple(
        u
        for u in unmapped
        if not (re.fullmatch(r"列\d+", u) and not any(row[headers.index(u)] for row in data_rows))
    )
    hint = next((crs_hint(hd) for hd, f in mapping.items() if f in ("lon", "lat") and crs_hint(hd)), None)
    if header_number > 1:
        notes.append(f"header found on row {header_number}; rows above it ignored")
    kept = set(numbers)
    return UploadTable(
        source=source,
        headers=tuple(headers),
        rows=data_rows,
        row_numbers=numbers,
        header_row=header_number,
        encoding=encoding,
        sheet=raw.name or None,
        mapping=mapping,
        unmapped=unmapped,
        crs_hint=hint,
        notes=tuple(notes),
        hidden_rows=tuple(n for n in numbers if n in raw.hidden_rows),
        formulas={k: v for k, v in raw.formulas.items() if k[0] in kept},
    )
