"""The audit log: every change to a workspace — who, when, what — in the database; the province reads and
exports it (:func:`audit_log`, :func:`audit_xlsx`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd
from sqlalchemy import insert, select

from geo._errors import AccessDeniedError
from geo.tables import csv_bytes, xlsx_bytes
from routing.accounts.roles import Account
from routing.database import Database, bilingual, jsonable
from routing.database.schema import AUDIT

__all__ = ["AUDIT_COLUMNS", "audit_csv", "audit_log", "audit_xlsx", "readable_detail", "record"]

AUDIT_COLUMNS = ["at", "account", "role", "workspace", "action", "detail"]


def record(db: Database, actor: Account, action: str, *, workspace: str = "", detail: Any = "") -> None:
    """Write one audit line (``detail``: text, or a dict written as JSON)."""
    text = (
        detail
        if isinstance(detail, str)
        else json.dumps(jsonable(detail), ensure_ascii=False, sort_keys=True)
    )
    with db.begin() as conn:
        conn.execute(
            insert(AUDIT).values(
                at=dt.datetime.now(dt.UTC),
                account=actor.name,
                role=actor.role,
                workspace=workspace,
                action=action,
                detail=text,
            )
        )


def audit_log(
    db: Database,
    viewer: Account,
    *,
    workspace: str | None = None,
    account: str | None = None,
    since: dt.datetime | None = None,
    limit: int = 5000,
) -> pd.DataFrame:
    """Audit lines, newest first (``at`` UTC, account, role, workspace, action, detail).

    Raises
    ------
    AccessDeniedError
        ``viewer`` is not a province account.
    """
    if viewer.role != "province":
        raise bilingual(
            AccessDeniedError,
            zh="只有省级账号可以查看审计日志。",
            en="Only province accounts may read the audit log.",
        )
    query = select(*[AUDIT.c[c] for c in AUDIT_COLUMNS]).order_by(AUDIT.c.id.desc()).limit(limit)
    if workspace:
        query = query.where(AUDIT.c.workspace == workspace)
    if account:
        query = query.where(AUDIT.c.account == account)
    if since is not None:
        query = query.where(AUDIT.c.at >= since)
    with db.engine.connect() as conn:
        rows = conn.execute(query).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=AUDIT_COLUMNS)
    frame["at"] = pd.to_datetime(frame["at"], utc=True)
    return frame


_DETAIL_KEYS = {
    "kind": "表",
    "version": "版本",
    "rows": "行数",
    "note": "说明",
    "scope": "范围",
    "scenario": "方案",
    "name": "名称",
    "id": "编号",
    "results": "结果",
    "account": "账号",
    "role": "角色",
}


def readable_detail(text: str, lang: str = "zh") -> str:
    """An audit detail for people: ``表 facilities；版本 2；行数 1213`` (JSON details), else as written."""
    try:
        value = json.loads(text) if text.startswith("{") else None
    except ValueError:
        value = None
    if not isinstance(value, dict):
        return text
    parts = []
    for key, item in value.items():
        shown = "、".join(map(str, item)) if isinstance(item, list) else str(item)
        label = _DETAIL_KEYS.get(key, key) if lang == "zh" else key
        parts.append(f"{label} {shown}" if lang == "zh" else f"{label}: {shown}")
    return ("；" if lang == "zh" else "; ").join(parts)


def _export_frame(log: pd.DataFrame) -> pd.DataFrame:
    out = log.copy()
    out["at"] = out["at"].dt.strftime("%Y-%m-%d %H:%M:%S UTC")
    return out


def audit_csv(log: pd.DataFrame) -> bytes:
    """The log as CSV (RFC 4180, text cells made formula-safe)."""
    return csv_bytes(_export_frame(log))


def audit_xlsx(log: pd.DataFrame) -> bytes:
    """The log as an XLSX workbook (说明 sheet first)."""
    notes = [
        "审计日志 audit log — xunzhen",
        "时间为 UTC / times are UTC",
        f"导出于 exported {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
    ]
    return xlsx_bytes({"审计 audit": _export_frame(log)}, notes)
