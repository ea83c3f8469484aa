"""Read a planner's facility list (CSV or XLSX) into rows of text, and map its headers to facility fields.

Private plumbing of :mod:`geo.facilities.upload`. Nothing is interpreted here beyond
the file format: every cell
stays the text the planner typed (numbers in XLSX are rendered back to text), so the validator can quote it.

Row numbers are the ones a spreadsheet shows: the first line or row of the file is row 1 (usually the header),
blank rows keep their numbers.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from geo._errors import DataFileError

__all__ = [
    "FIELDS",
    "FIELD_ALIASES",
    "FIELD_LABELS",
    "UploadTable",
    "map_headers",
    "normalise_header",
    "read_upload",
]

#: Facility fields an upload can fill, in display order.
FIELDS: tuple[str, ...] = (
    "facility_id",
    "name",
    "facility_type",
    "address",
    "lon",
    "lat",
    "crs",
    "doctors_per_month",
    "prefecture_name",
    "county_name",
    "township_name",
)

#: Chinese and English label of each field (for reports and the mapping step).
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "facility_id": ("编号", "id"),
    "name": ("名称", "name"),
    "facility_type": ("类型", "type"),
    "address": ("地址", "address"),
    "lon": ("经度", "longitude"),
    "lat": ("纬度", "latitude"),
    "crs": ("坐标系", "coordinate system"),
    "doctors_per_month": ("医生数", "doctors per month"),
    "prefecture_name": ("设区市", "prefecture"),
    "county_name": ("县（市、区）", "county"),
    "township_name": ("乡镇（街道）", "township"),
}

#: Header spellings recognised for each field, after :func:`normalise_header` (lower case, no spaces,
#: no brackets, half-width).
FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "facility_id": ("编号", "机构编号", "机构代码", "代码", "序号编码", "id", "facilityid", "code"),
    "name": (
        "名称",
        "机构名称",
        "医院名称",
        "医疗机构名称",
        "单位名称",
        "卫生院名称",
        "机构",
        "单位",
        "name",
        "facilityname",
        "facility",
    ),
    "facility_type": ("类型", "机构类型", "类别", "机构类别", "医院类型", "type", "facilitytype", "kind"),
    "address": ("地址", "详细地址", "机构地址", "单位地址", "address", "addr"),
    "lon": ("经度", "lon", "lng", "long", "longitude", "x"),
    "lat": ("纬度", "lat", "latitude", "y"),
    "crs": ("坐标系", "坐标系统", "坐标类型", "crs", "coordinatesystem", "coordsystem", "srs", "datum"),
    "doctors_per_month": (
        "医生数",
        "每月医生数",
        "下派医生数",
        "医生人数",
        "派驻医生数",
        "doctors",
        "doctorspermonth",
        "doctorsmonth",
    ),
    "prefecture_name": ("设区市", "地市", "市", "所属地市", "所属设区市", "prefecture", "city"),
    "county_name": ("县", "县区", "区县", "县市区", "县(市、区)", "所属县区", "county", "district"),
    "township_name": ("乡镇", "乡镇街道", "乡镇名称", "所属乡镇", "乡镇(街道)", "township", "town"),
}

_ALIAS_INDEX: dict[str, str] = {}
for _field, _aliases in FIELD_ALIASES.items():
    for _alias in _aliases:
        _ALIAS_INDEX[_alias] = _field

_CRS_HINTS: tuple[tuple[str, str], ...] = (
    ("gcj", "gcj02"),
    ("火星", "gcj02"),
    ("高德", "gcj02"),
    ("bd", "bd09"),
    ("百度", "bd09"),
    ("wgs", "wgs84"),
    ("gps", "wgs84"),
    ("cgcs", "wgs84"),
)

#: Largest file read, in bytes (an upload of every facility of Fujian is well under 1 MB).
MAX_BYTES = 20 * 1024 * 1024
#: At most this many leading rows are searched for the header row (a title row above it is common).
HEADER_SEARCH_ROWS = 10


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
        File-level remarks (other sheets ignored, rows padded …).
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

    def column(self, header: str) -> list[str]:
        """Return the cells of one column, by its header as written in the file."""
        i = self.headers.index(header)
        return [row[i] for row in self.rows]


def normalise_header(text: str) -> str:
    """Return a header reduced for matching: NFKC (full-width → half-width), lower case, no spaces/marks.

    Bracketed parts are removed (``经度（GCJ-02）`` → ``经度``) except in the few aliases that contain them.
    """
    t = unicodedata.normalize("NFKC", str(text)).strip().lower()
    t = re.sub(r"[\s_\-*:：.·/]", "", t)
    if t in _ALIAS_INDEX:
        return t
    t = re.sub(r"\(.*?\)|\[.*?\]|【.*?】", "", t)
    return re.sub(r"(wgs84|gcj02|bd09ll|bd09|cgcs2000|gps)$", "", t)


def _crs_hint(header: str) -> str | None:
    t = unicodedata.normalize("NFKC", header).lower()
    for key, crs in _CRS_HINTS:
        if key in t:
            return crs
    return None


def map_headers(headers: tuple[str, ...] | list[str]) -> tuple[dict[str, str], tuple[str, ...]]:
    """Map file headers to facility fields.

    Parameters
    ----------
    headers
        Column headers as written in the file (Chinese or English).

    Returns
    -------
    mapping, unmapped
        ``{header: field}`` for recognised headers (each field at most once: the first header wins) and the
        headers left unrecognised, in file order.
    """
    mapping: dict[str, str] = {}
    used: set[str] = set()
    unmapped: list[str] = []
    for header in headers:
        fieldname = _ALIAS_INDEX.get(normalise_header(header))
        if fieldname is None or fieldname in used:
            unmapped.append(header)
            continue
        mapping[header] = fieldname
        used.add(fieldname)
    return mapping, tuple(unmapped)


# --------------------------------------------------------------------------------------------------- decoding


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode CSV bytes: BOMs first, then strict UTF-8, then GB18030 (a superset of GBK/GB2312)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
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
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        msg = (
            f"{source}: the text is neither UTF-8 nor GBK/GB18030 "
            f"(undecodable byte at position {exc.start}). "
            "Save it as 'CSV UTF-8' and upload it again."
        )
        raise DataFileError(msg) from exc


def _sniff_delimiter(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        counts = {d: sample.count(d) for d in ",\t;|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _csv_rows(text: str) -> list[list[str]]:
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return [list(r) for r in reader]
    except csv.Error as exc:  # e.g. a NUL inside a field after decoding
        msg = f"line {reader.line_num}: the CSV text cannot be parsed ({exc})."
        raise DataFileError(msg) from exc


def _cell_text(value: object) -> str:
    """Render an XLSX cell as the text a planner sees (117.0 → "117", dates ISO)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _xlsx_rows(data: bytes, source: str, sheet: str | None) -> tuple[list[list[str]], str, list[str]]:
    import zipfile

    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        msg = (
            f"{source}: the XLSX file is damaged or not an Excel workbook ({type(exc).__name__}: {exc})."
        )
        raise DataFileError(msg) from exc
    try:
        names = list(book.sheetnames)
        if not names:
            msg = f"{source}: the workbook has no worksheet."
            raise DataFileError(msg)
        if sheet is None:
            chosen = names[0]
        elif sheet in names:
            chosen = sheet
        else:
            msg = f"{source}: no worksheet named {sheet!r}; the workbook has {names}."
            raise DataFileError(msg)
        rows = [[_cell_text(v) for v in r] for r in book[chosen].iter_rows(values_only=True)]
    finally:
        book.close()
    notes = []
    if len(names) > 1:
        notes.append(
            f"read worksheet {chosen!r}; other worksheets ignored: {[n for n in names if n != chosen]}"
        )
    return rows, chosen, notes


def _is_xlsx(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _is_old_xls(data: bytes) -> bool:
    return data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _find_header(rows: list[list[str]]) -> int:
    """Index of the header row: the first of the leading
    rows with ≥ 2 recognised headers, else the first non-blank.
    """
    first_nonblank = None
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        cells = [c for c in row if c.strip()]
        if not cells:
            continue
        if first_nonblank is None:
            first_nonblank = i
        mapping, _ = map_headers([c.strip() for c in row])
        if len(mapping) >= 2:
            return i
    return first_nonblank if first_nonblank is not None else 0


def read_upload(
    file: str | Path | bytes,
    *,
    name: str | None = None,
    sheet: str | None = None,
) -> UploadTable:
    """Read a facility list from a CSV or XLSX file (path or the uploaded bytes).

    CSV text may be UTF-8 (with or without BOM), UTF-16 with BOM, or GBK/GB18030; the delimiter (comma, tab,
    semicolon, bar) is detected. The header row may sit below a title row. Headers may be Chinese or English.

    Parameters
    ----------
    file
        Path of the file, or its content.
    name
        File name used in messages (default: the path's name, or ``"upload"``).
    sheet
        Worksheet of an XLSX file (default: the first).

    Returns
    -------
    UploadTable
        Text rows plus the automatic header mapping; nothing is validated yet.

    Raises
    ------
    DataFileError
        The file is missing, empty, too large, binary, old ``.xls``, a damaged workbook, or not decodable.
    """
    if isinstance(file, bytes | bytearray):
        data = bytes(file)
        source = name or "upload"
    else:
        path = Path(file)
        source = name or path.name
        if not path.exists():
            msg = f"{path}: file not found."
            raise DataFileError(msg)
        if path.is_dir():
            msg = f"{path}: is a folder, not a CSV or XLSX file."
            raise DataFileError(msg)
        if path.stat().st_size > MAX_BYTES:
            size_mb = MAX_BYTES // (1024 * 1024)
            msg = f"{path}: file is larger than {size_mb} MB; is it really a facility list?"
            raise DataFileError(msg)
        try:
            data = path.read_bytes()
        except OSError as exc:
            msg = f"{path}: cannot be read ({exc.strerror})."
            raise DataFileError(msg) from exc
    if len(data) > MAX_BYTES:
        msg = f"{source}: file is larger than {MAX_BYTES // (1024 * 1024)} MB; is it really a facility list?"
        raise DataFileError(msg)
    if not data.strip():
        msg = f"{source}: the file is empty."
        raise DataFileError(msg)

    notes: list[str] = []
    chosen_sheet = None
    if _is_xlsx(data):
        raw_rows, chosen_sheet, notes = _xlsx_rows(data, source, sheet)
        encoding = "xlsx"
    elif _is_old_xls(data):
        msg = (
            f"{source}: old Excel .xls files are not read; in Excel choose 另存为 → .xlsx (or CSV UTF-8)."
        )
        raise DataFileError(msg)
    else:
        text, encoding = _decode(data, source)
        try:
            raw_rows = _csv_rows(text)
        except DataFileError as exc:
            raise DataFileError(f"{source}: {exc}") from exc

    rows = [[unicodedata.normalize("NFC", c).strip() for c in r] for r in raw_rows]
    if not any(any(c for c in r) for r in rows):
        msg = f"{source}: the file has no rows with text."
        raise DataFileError(msg)
    h = _find_header(rows)
    width = max(len(r) for r in rows[h:])
    header_cells = rows[h] + [""] * (width - len(rows[h]))
    headers: list[str] = []
    for j, cell in enumerate(header_cells):
        label = cell or f"列{j + 1}"
        while label in headers:  # duplicate header text: keep both, distinguishable
            label = f"{label}#{j + 1}"
        headers.append(label)
    data_rows: list[tuple[str, ...]] = []
    numbers: list[int] = []
    for i in range(h + 1, len(rows)):
        r = rows[i]
        if not any(r):
            continue
        data_rows.append(tuple(r + [""] * (width - len(r))))
        numbers.append(i + 1)
    mapping, unmapped = map_headers(headers)
    unmapped = tuple(
        u
        for u in unmapped
        if not (re.fullmatch(r"列\d+", u) and not any(row[headers.index(u)] for row in data_rows))
    )
    hint = None
    for header, fieldname in mapping.items():
        if fieldname in ("lon", "lat"):
            hint = hint or _crs_hint(header)
    if h > 0:
        notes.append(f"header found on row {h + 1}; rows above it ignored")
    return UploadTable(
        source=source,
        headers=tuple(headers),
        rows=tuple(data_rows),
        row_numbers=tuple(numbers),
        header_row=h + 1,
        encoding=encoding,
        sheet=chosen_sheet,
        mapping=mapping,
        unmapped=unmapped,
        crs_hint=hint,
        notes=tuple(notes),
    )
