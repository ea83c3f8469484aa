"""Large uploads: 200,000 facility rows (the cap) read and validated, time and peak memory; the streaming XLSX
reader side by side with openpyxl's read-only mode (the reader it replaced).

    PYTHONPATH=. .venv/bin/python bench/upload_rows.py [--rows 200000]

Synthetic rows: every placed township seat of Fujian in turn, jittered by up to ±0.005° (≈ 500 m), named
``<county><township>卫生院第k分院`` with the township in the address, so that every row is checked against
the place it names. Each measurement runs in a fresh child process (peak RSS includes the loaded libraries).
The machine is shared: the load average is printed, and CPU time is shown beside wall time.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]

_CHILD = """
import json, resource, sys, time
from geo.facilities.upload import read_upload, validate_upload
path, what = sys.argv[1], sys.argv[2]
wall, cpu = time.perf_counter(), time.process_time()
if what == "openpyxl":
    import io
    from openpyxl import load_workbook
    book = load_workbook(io.BytesIO(open(path, "rb").read()), read_only=True, data_only=True)
    n = sum(1 for _ in book.worksheets[0].iter_rows(values_only=True))
    result = {"rows": n}
else:
    table = read_upload(path)
    read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    out = validate_upload(table)
    result = {"rows": len(table.rows), "accepted": len(out.accepted)}
    result.update(read_wall=read_wall, read_cpu=read_cpu)
result["wall"] = time.perf_counter() - wall
result["cpu"] = time.process_time() - cpu
result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(result))
"""


def make_rows(n: int) -> list[list[str]]:
    from geo.places import load_townships

    t = load_townships()
    t = t[t["lon"].notna()].reset_index(drop=True)
    rng = np.random.default_rng(0)
    idx = np.arange(n) % len(t)
    jitter = rng.uniform(-0.005, 0.005, size=(n, 2))
    rows = [["名称", "类型", "地址", "经度", "纬度", "医生数"]]
    for k, (i, (dx, dy)) in enumerate(zip(idx, jitter, strict=True)):
        r = t.iloc[int(i)]
        place = f"{r.county_name}{r['name']}"
        rows.append([
            f"{place}卫生院第{k}分院", "乡镇卫生院", f"{r.prefecture_name}{place}",
            f"{r.lon + dx:.6f}", f"{r.lat + dy:.6f}", str(k % 5),
        ])  # fmt: skip
    return rows


def write_files(rows: list[list[str]], folder: Path) -> tuple[Path, Path]:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(rows)
    csv_path = folder / "rows.csv"
    csv_path.write_text(buf.getvalue(), encoding="utf-8")
    xlsx_path = folder / "rows.xlsx"
    book = xlsxwriter.Workbook(str(xlsx_path), {"constant_memory": True})
    sheet = book.add_worksheet("卫生院")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if r and c in (3, 4, 5):
                sheet.write_number(r, c, float(value))
            else:
                sheet.write_string(r, c, value)
    book.close()
    return csv_path, xlsx_path


def measure(path: Path, what: str) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), what], capture_output=True, text=True, env=env, check=True
    )
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        csv_path, xlsx_path = write_files(make_rows(args.rows), Path(tmp))
        took = time.perf_counter() - t0
        print(f"{args.rows:,} rows written in {took:.0f} s; load average {os.getloadavg()}")
        for label, path in (("CSV", csv_path), ("XLSX", xlsx_path)):
            r = measure(path, "validate")
            print(
                f"{label:4} read+validate: wall {r['wall']:.1f} s (read {r['read_wall']:.1f} s), "
                f"CPU {r['cpu']:.1f} s (read {r['read_cpu']:.1f} s), peak RSS {r['peak_mb']:.0f} MB, "
                f"{r['accepted']:,}/{r['rows']:,} accepted"
            )
        peer = measure(xlsx_path, "openpyxl")
        ours = measure(xlsx_path, "validate")
        print(
            f"XLSX read only: streaming reader CPU {ours['read_cpu']:.1f} s vs openpyxl read-only iteration "
            f"CPU {peer['cpu']:.1f} s (ratio {peer['cpu'] / ours['read_cpu']:.2f}×; openpyxl peak RSS "
            f"{peer['peak_mb']:.0f} MB)"
        )
        print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
