"""Command line for facility lists: ``python -m geo.facilities validate FILE``.

Prints one line per problem (``row N, column C: …``) and a summary; exit status 0 when every row is accepted,
1 otherwise (also when the file cannot be read). Never prints a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from geo._errors import XunzhenError
from geo.facilities._read import FIELDS
from geo.facilities.upload import read_upload, validate_upload


def _mapping(pairs: Sequence[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pair in pairs:
        header, sep, fieldname = pair.partition("=")
        if not sep:
            msg = f"--map {pair!r}: expected HEADER=FIELD (FIELD empty to ignore the column)."
            raise argparse.ArgumentTypeError(msg)
        out[header.strip()] = fieldname.strip() or None
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the CLI; return the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m geo.facilities", description="Facility lists (设施清单)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check a CSV/XLSX facility list; one line per problem")
    v.add_argument("file", help="CSV or XLSX file (UTF-8, UTF-8 with BOM, GBK/GB18030)")
    v.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help=f"map an unrecognised column to a field ({', '.join(FIELDS)}); repeatable",
    )
    v.add_argument(
        "--crs",
        choices=("wgs84", "gcj02", "bd09"),
        default=None,
        help="coordinate system of rows with no 坐标系 value (default: from headers, else detected)",
    )
    v.add_argument(
        "--fix-swapped", action="store_true", help="swap back latitude/longitude that are swapped"
    )
    v.add_argument("--sheet", default=None, help="worksheet of an XLSX file (default: the first)")
    v.add_argument("--lang", choices=("en", "zh"), default="en", help="message language")
    v.add_argument(
        "--out", default=None, help="write the accepted rows (facility table, WGS84) to this CSV"
    )
    args = parser.parse_args(argv)
    try:
        table = read_upload(args.file, sheet=args.sheet)
        result = validate_upload(table, _mapping(args.map), crs=args.crs, fix_swapped=args.fix_swapped)
    except (XunzhenError, argparse.ArgumentTypeError) as exc:
        print(exc)
        return 1
    for note in table.notes:
        print(f"note: {note}")
    ignored = [h for h in table.unmapped if h not in result.mapping]
    if ignored:
        label = "未识别的列（已忽略）" if args.lang == "zh" else "unrecognised columns (ignored)"
        print(f"{label}: {', '.join(ignored)}")
    for line in result.report_lines(args.lang):
        print(line)
    if args.out:
        try:
            result.accepted.drop(columns="geometry").to_csv(args.out, index=False, encoding="utf-8-sig")
        except OSError as exc:
            print(f"{args.out}: cannot write ({exc.strerror})")
            return 1
    return 0 if result.all_accepted else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # last resort: one line, never a traceback (please report it)
        print(f"internal error: {type(exc).__name__}: {exc} (please report this with the file)")
        sys.exit(2)
