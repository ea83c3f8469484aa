"""``python -m routing.workspace``: create, list, show and delete workspaces; import a planner's files.

::

    python -m routing.workspace create "龙岩 2027" --prefecture 龙岩市
    python -m routing.workspace import "龙岩 2027" facilities 我的医院.xlsx --replace-placeholders
    python -m routing.workspace import "龙岩 2027" holidays 2027调休.csv
    python -m routing.workspace show "龙岩 2027"
    python -m routing.workspace export "龙岩 2027" facilities --csv out.csv
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from geo import cli
from geo.tables import write_csv
from routing.accounts.roles import cli_actor
from routing.database import connect
from routing.workspace.inputs import INPUT_KINDS, import_file
from routing.workspace.store import WorkspaceStore


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m routing.workspace",
        description="工作区：规划输入保存在数据库中 / workspaces: planner inputs kept in the database",
    )
    parser.add_argument(
        "--db", metavar="URL", default=None, help="数据库 URL（默认本机 SQLite）/ database URL"
    )
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="输出语言 / output language")
    sub = parser.add_subparsers(dest="command", required=True)
    create = sub.add_parser("create", help="新建工作区 / create a workspace")
    create.add_argument("name")
    create.add_argument(
        "--prefecture", default=None, help="地市，如 龙岩市 / prefecture (default: the province)"
    )
    create.add_argument("--county", default=None, help="县（市、区），如 长汀县 / county")
    create.add_argument("--notes", default="")
    sub.add_parser("list", help="列出工作区 / list workspaces")
    show = sub.add_parser("show", help="工作区内容与版本 / a workspace's tables and versions")
    show.add_argument("name")
    delete = sub.add_parser("delete", help="删除工作区（含全部版本和方案）/ delete a workspace")
    delete.add_argument("name")
    imp = sub.add_parser("import", help="导入文件 / import a file")
    imp.add_argument("name")
    imp.add_argument("kind", choices=[k.replace("_", "-") for k in INPUT_KINDS])
    imp.add_argument("file", type=Path)
    imp.add_argument(
        "--replace-placeholders",
        action="store_true",
        help="上传的医院替换同县同类型 2 公里内的占位医院 / replace the embedded placeholder hospitals",
    )
    imp.add_argument(
        "--crs", choices=("wgs84", "gcj02", "bd09"), default=None, help="facilities: coordinate system"
    )
    imp.add_argument("--fix-swapped", action="store_true", help="facilities: swap back swapped lat/lon")
    export = sub.add_parser("export", help="导出一张表为 CSV / write one table as CSV")
    export.add_argument("name")
    export.add_argument("kind")
    export.add_argument("--csv", type=Path, required=True)
    export.add_argument("--version", type=int, default=None)
    return parser


def run(args: argparse.Namespace) -> int:
    """Run one ``python -m routing.workspace`` command."""
    store = WorkspaceStore(connect(args.db), cli_actor())
    zh = args.lang == "zh"
    if args.command == "create":
        ws = store.create(args.name, prefecture=args.prefecture, county=args.county, notes=args.notes)
        print(
            f"已建立工作区 {ws.name}（{ws.scope_name}）"
            if zh
            else f"created workspace {ws.name} ({ws.scope_name})"
        )
    elif args.command == "list":
        table = store.list()
        print(
            f"{len(table)} 个工作区，数据库 {store.db.safe_url}"
            if zh
            else f"{len(table)} workspace(s) in {store.db.safe_url}"
        )
        if len(table):
            print(table.to_string(index=False))
    elif args.command == "show":
        ws = store.info(args.name)
        fac = store.facilities(ws.name)
        print(
            f"{ws.name}（{ws.scope_name}），建立者 {ws.created_by or '—'}，"
            f"更新于 {ws.updated_at:%Y-%m-%d %H:%M} UTC"
            if zh
            else f"{ws.name} ({ws.scope_name}), created by {ws.created_by or '—'}, "
            f"updated {ws.updated_at:%Y-%m-%d %H:%M} UTC"
        )
        surveyed = int((fac["location_quality"] == "surveyed").sum())
        print(
            f"  机构 {len(fac)} 个，其中实测位置 {surveyed} 个"
            if zh
            else f"  facilities: {len(fac)} ({surveyed} surveyed)"
        )
        history = store.history(ws.name)
        if len(history):
            print(history.to_string(index=False))
        else:
            print("  尚未保存任何表（使用内置数据）" if zh else "  no table saved yet (embedded data)")
    elif args.command == "delete":
        store.delete(args.name)
        print(f"已删除工作区 {args.name}" if zh else f"deleted workspace {args.name}")
    elif args.command == "import":
        options = {}
        if args.kind == "facilities":
            options = {
                "replace_placeholders": args.replace_placeholders,
                "crs": args.crs,
                "fix_swapped": args.fix_swapped,
            }
        report = import_file(store, args.name, args.kind, args.file, file_name=args.file.name, **options)
        for line in report.text(args.lang):
            print(line)
        return cli.EXIT_OK if report.version is not None else cli.EXIT_USER
    else:
        key = args.kind.replace("-", "_")
        frame = (
            store.facilities(args.name)
            if key == "facilities"
            else store.load_table(args.name, key, version=args.version)
        )
        if frame is None:
            print(f"工作区中没有 {args.kind} 表" if zh else f"no {args.kind} table in the workspace")
            return cli.EXIT_USER
        print(write_csv(frame.drop(columns="geometry", errors="ignore"), args.csv))
    return cli.EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (error boundary: ``geo.cli.run_parser``)."""
    return cli.run_parser(_parser(), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
