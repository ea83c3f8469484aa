"""``python -m routing.accounts``: accounts of a shared deployment, and the audit log.

::

    python -m routing.accounts add ly_officer --role prefecture --scope 龙岩市      # password asked, no echo
    python -m routing.accounts add prov --role province --password-file pw.txt
    python -m routing.accounts list
    python -m routing.accounts disable ly_officer
    python -m routing.accounts passwd ly_officer
    python -m routing.accounts audit --xlsx audit.xlsx

Run it on the server, against the shared database (``--db URL`` or ``$XUNZHEN_DATABASE_URL``); what it
changes is written to the audit log under ``cli:<system user>``.
"""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Sequence
from pathlib import Path

from geo import cli
from geo._errors import InputValidationError
from routing.accounts.audit import audit_csv, audit_log, audit_xlsx
from routing.accounts.roles import ROLES, cli_actor
from routing.accounts.store import AccountStore
from routing.database import bilingual, connect


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m routing.accounts", description="账号与审计日志 / accounts and audit log"
    )
    parser.add_argument("--db", metavar="URL", default=None, help="数据库 URL / database URL")
    sub = parser.add_subparsers(dest="command", required=True)
    add = sub.add_parser("add", help="新建账号 / add an account")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.add_argument("--scope", default=None, help="地市或县，如 龙岩市、长汀县 / prefecture or county")
    add.add_argument(
        "--password-file", type=Path, default=None, help="从文件读密码（首行）/ read the password from a file"
    )
    sub.add_parser("list", help="列出账号 / list accounts")
    for name, text in (("disable", "停用 / disable"), ("enable", "启用 / enable")):
        sub.add_parser(name, help=text).add_argument("name")
    pw = sub.add_parser("passwd", help="重设密码 / set a new password")
    pw.add_argument("name")
    pw.add_argument("--password-file", type=Path, default=None)
    audit = sub.add_parser("audit", help="审计日志 / the audit log")
    audit.add_argument("--workspace", default=None)
    audit.add_argument("--account", default=None)
    audit.add_argument("--csv", type=Path, default=None)
    audit.add_argument("--xlsx", type=Path, default=None)
    audit.add_argument("--limit", type=int, default=50, help="printed lines (default 50)")
    return parser


def _password(path: Path | None) -> str:
    """The password from the first line of ``path``, else typed twice without echo."""
    if path is not None:
        lines = path.read_text(encoding="utf-8").splitlines()
        return lines[0] if lines else ""
    first = getpass.getpass("密码 / password: ")
    if getpass.getpass("再输一次 / again: ") != first:
        raise bilingual(InputValidationError, zh="两次输入的密码不一致。", en="The two passwords differ.")
    return first


def run(args: argparse.Namespace) -> int:
    """Run one ``python -m routing.accounts`` command."""
    db = connect(args.db)
    store = AccountStore(db)
    admin = cli_actor()
    if args.command == "add":
        account = store.add(args.name, args.role, args.scope, _password(args.password_file), by=admin)
        print(f"已建立账号 / added {account.label('zh')}")
    elif args.command == "list":
        print(store.list().to_string(index=False))
    elif args.command in ("disable", "enable"):
        store.set_disabled(args.name, args.command == "disable", by=admin)
        print(f"{args.command}d {args.name}")
    elif args.command == "passwd":
        store.set_password(args.name, _password(args.password_file))
        print(f"已重设密码 / password set for {args.name}")
    else:
        log = audit_log(db, admin, workspace=args.workspace, account=args.account)
        if args.csv:
            args.csv.write_bytes(audit_csv(log))
            print(args.csv)
        if args.xlsx:
            args.xlsx.write_bytes(audit_xlsx(log))
            print(args.xlsx)
        if not (args.csv or args.xlsx):
            print(log.head(args.limit).to_string(index=False))
    return cli.EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point (error boundary: ``geo.cli.run_parser``)."""
    return cli.run_parser(_parser(), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
