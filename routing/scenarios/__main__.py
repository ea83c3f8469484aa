"""``python -m routing.scenarios``: list, show, save, export, rename, delete and compare saved scenarios.

A scenario is named by ``--id N`` or ``--name S`` — never guessed (a scenario named "1" is ``--name 1``)::

    python -m routing.scenarios --workspace "龙岩 2027" list
    python -m routing.scenarios --workspace "龙岩 2027" show --name 基线
    python -m routing.scenarios delete --id 3
    python -m routing.scenarios compare --name 基线 --name 实测
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Sequence
from pathlib import Path

from geo import cli
from geo._errors import InputValidationError
from geo.facilities.upload import apply_surveyed_locations, validate_file
from geo.tables import write_csv
from routing.accounts.roles import cli_actor
from routing.database import bilingual, connect
from routing.scenarios.model import Scenario, covered_population, drive_km
from routing.scenarios.store import ScenarioStore


def _fmt(x: object) -> str:
    if isinstance(x, float):
        return "—" if math.isnan(x) else f"{x:,.1f}"
    return str(x)


def _add_key(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """``--id N`` / ``--name S`` (exactly one; twice each for compare)."""
    action = "append" if many else "store"
    parser.add_argument(
        "--id", dest="ids", type=int, action=action, metavar="N", help="方案编号 / scenario id"
    )
    parser.add_argument("--name", dest="names", action=action, metavar="S", help="方案名称 / scenario name")


def _keys(args: argparse.Namespace, count: int) -> list[int | str]:
    ids = args.ids if isinstance(args.ids, list) else ([args.ids] if args.ids is not None else [])
    names = args.names if isinstance(args.names, list) else ([args.names] if args.names is not None else [])
    if (ids and names) or len(ids) + len(names) != count:
        want = "--id N 或 --name S" if count == 1 else "两个 --id 或两个 --name"
        want_en = "--id N or --name S" if count == 1 else "two --id or two --name"
        raise bilingual(
            InputValidationError, zh=f"请用 {want} 指定方案。", en=f"Name the scenario with {want_en}."
        )
    return [*ids, *names]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m routing.scenarios", description="保存的方案 / saved scenarios"
    )
    parser.add_argument("--db", default=None, help="数据库 URL（默认本机 SQLite）/ database URL")
    parser.add_argument("--workspace", default=None, help="工作区（默认“默认”）/ workspace (default 默认)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="列出方案 / list saved scenarios")
    _add_key(sub.add_parser("show", help="显示一个方案 / show one scenario"))
    ren = sub.add_parser("rename", help="重命名 / rename a scenario")
    _add_key(ren)
    ren.add_argument("--to", required=True, metavar="NEW", help="新名称 / new name")
    _add_key(sub.add_parser("delete", help="删除 / delete a scenario"))
    cmp_ = sub.add_parser("compare", help="对比两个方案（B − A）/ compare two scenarios")
    _add_key(cmp_, many=True)
    cmp_.add_argument("--lang", choices=("zh", "en"), default="zh")
    save = sub.add_parser(
        "save", help="把工作区的机构表保存为方案 / save the workspace's facilities as a scenario"
    )
    save.add_argument("scenario_name", metavar="NAME")
    save.add_argument(
        "--upload", default=None, help="先并入的机构清单 CSV/XLSX / a facility list merged in first"
    )
    save.add_argument("--crs", choices=("wgs84", "gcj02", "bd09"), default=None)
    save.add_argument("--fix-swapped", action="store_true")
    save.add_argument("--notes", default="")
    save.add_argument("--overwrite", action="store_true")
    export = sub.add_parser("export", help="把方案的表写成 CSV / write a scenario's tables as CSV")
    _add_key(export)
    export.add_argument("--dir", required=True, help="输出文件夹（自动建立）/ output folder (created)")
    return parser


def _save(store: ScenarioStore, args: argparse.Namespace) -> None:
    facilities = store.workspaces.facilities(store.workspace.name)
    notes = args.notes
    if args.upload:
        result = validate_file(args.upload, crs=args.crs, fix_swapped=args.fix_swapped)
        for line in result.report_lines("en"):
            print(line)
        facilities, report = apply_surveyed_locations(facilities, result.accepted)
        print(f"merged into the workspace's facilities: {report['action'].value_counts().to_dict()}")
        notes = notes or f"upload {Path(args.upload).name}"
    sid = store.save(
        Scenario(args.scenario_name, facilities=facilities, notes=notes), overwrite=args.overwrite
    )
    print(f"saved {args.scenario_name!r} (id {sid}) with {len(facilities)} facilities in {store.safe_url}")


def _export(scenario: Scenario, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for kind, frame in {"facilities": scenario.facilities, **scenario.results}.items():
        if frame is not None:
            paths.append(write_csv(frame.drop(columns="geometry", errors="ignore"), folder / f"{kind}.csv"))
    meta = {
        "name": scenario.name,
        "workspace": scenario.workspace,
        "notes": scenario.notes,
        "parameters": scenario.parameters,
        "metrics": scenario.metrics,
        "updated_at": str(scenario.updated_at),
    }
    (folder / "scenario.json").write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
    return [*paths, folder / "scenario.json"]


def run(args: argparse.Namespace) -> int:
    """Run one ``python -m routing.scenarios`` command."""
    store = ScenarioStore(db=connect(args.db), workspace=args.workspace, actor=cli_actor())
    if args.command == "list":
        table = store.list()
        print(f"{len(table)} scenario(s) in workspace {store.workspace.name} ({store.safe_url})")
        if len(table):
            print(table.drop(columns=["notes"]).to_string(index=False))
    elif args.command == "show":
        s = store.open(_keys(args, 1)[0])
        print(
            f"{s.name} (id {s.id}), saved {s.updated_at:%Y-%m-%d %H:%M} UTC"
            + ("  [figures estimated / 估算]" if s.estimated else "")
        )
        print(f"  facilities: {0 if s.facilities is None else len(s.facilities)}")
        for kind, frame in s.results.items():
            print(f"  {kind}: {len(frame)} rows")
        print(f"  covered population: {_fmt(covered_population(s))} persons; drive: {_fmt(drive_km(s))} km")
        print(f"  parameters: {json.dumps(s.parameters, ensure_ascii=False)}")
    elif args.command == "save":
        _save(store, args)
    elif args.command == "export":
        for path in _export(store.open(_keys(args, 1)[0]), Path(args.dir)):
            print(path)
    elif args.command == "rename":
        key = _keys(args, 1)[0]
        store.rename(key, args.to)
        print(f"renamed {key!r} → {args.to!r}")
    elif args.command == "delete":
        name = store.delete(_keys(args, 1)[0])
        print(f"deleted {name!r}")
    else:
        a, b = _keys(args, 2)
        comparison = store.compare(a, b)
        print(comparison.table(args.lang).to_string(index=False, float_format=_fmt))
        if len(comparison.changed_pairings):
            print(comparison.changes(args.lang).to_string(index=False))
    return cli.EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (error boundary: ``geo.cli.run_parser``)."""
    return cli.run_parser(_parser(), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
