"""Accounts in the database: passwords hashed with Argon2 (argon2-cffi), wrong passwords rate-limited,
login sessions that time out when idle.

* :meth:`AccountStore.add` — a new account (name, role, scope, password ≥ 10 characters);
* :meth:`AccountStore.authenticate` — the account, or :class:`AuthenticationError` with one message for a
  wrong name or password; after :data:`MAX_FAILURES` wrong passwords in a row the account is locked for
  :data:`LOCK_MINUTES` (doubling with each further failure, at most a day);
* :meth:`AccountStore.start_session` / :meth:`resume` / :meth:`end_session` — a random token (only its SHA-256
  is stored) that expires after ``$XUNZHEN_SESSION_MINUTES`` (default 30) minutes without use.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import secrets

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, insert, select, update

from geo._errors import AuthenticationError, InputValidationError
from routing.accounts.audit import record
from routing.accounts.roles import ROLES, Account, resolve_role_scope
from routing.database import Database, bilingual
from routing.database.schema import ACCOUNTS, SESSIONS

__all__ = ["LOCK_MINUTES", "MAX_FAILURES", "MIN_PASSWORD", "AccountStore", "session_minutes"]

MAX_FAILURES = 5
LOCK_MINUTES = 5
MIN_PASSWORD = 10
_HASHER = PasswordHasher()
_DUMMY = _HASHER.hash("xunzhen-no-such-account")
_WRONG = {"zh": "用户名或密码错误。", "en": "Wrong user name or password."}


def session_minutes() -> float:
    """Idle minutes before a login session ends (``$XUNZHEN_SESSION_MINUTES``, default 30)."""
    try:
        return max(1.0, float(os.environ.get("XUNZHEN_SESSION_MINUTES", "30")))
    except ValueError:
        return 30.0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountStore:
    """Accounts, logins and sessions in ``db`` (see the module docstring)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self, name: str, role: str, scope: str | None, password: str, *, by: Account | None = None
    ) -> Account:
        """Create an account; return it.

        Raises
        ------
        InputValidationError
            Empty or taken name, bad role or scope, a password shorter than :data:`MIN_PASSWORD`.
        """
        clean = name.strip()
        if not clean or len(clean) > 100:
            raise bilingual(
                InputValidationError,
                zh="用户名不能为空，最长 100 个字符。",
                en="A user name must be 1 to 100 characters.",
            )
        code = resolve_role_scope(role, scope)
        if len(password) < MIN_PASSWORD:
            raise bilingual(
                InputValidationError,
                zh=f"密码至少 {MIN_PASSWORD} 个字符。",
                en=f"A password needs at least {MIN_PASSWORD} characters.",
            )
        with self.db.begin() as conn:
            if conn.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.name == clean)).first():
                raise bilingual(
                    InputValidationError,
                    zh=f"用户名“{clean}”已被使用。",
                    en=f"The user name {clean!r} is taken.",
                )
            conn.execute(
                insert(ACCOUNTS).values(
                    name=clean,
                    role=role,
                    scope_code=code,
                    password_hash=_HASHER.hash(password),
                    created_at=_now(),
                    disabled=False,
                    failed_logins=0,
                )
            )
        account = Account(clean, role, code)
        if by is not None:
            record(
                self.db,
                by,
                "account added",
                detail={"account": clean, "role": role, "scope": account.scope_name},
            )
        return account

    def get(self, name: str) -> Account | None:
        """The account named ``name`` (None when there is none or it is disabled)."""
        with self.db.engine.connect() as conn:
            row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.name == name.strip())).mappings().first()
        if row is None or row["disabled"]:
            return None
        return Account(row["name"], row["role"], row["scope_code"])

    def list(self) -> pd.DataFrame:
        """Every account: name, role, scope, created_at, last_login, disabled, locked_until (UTC)."""
        with self.db.engine.connect() as conn:
            rows = conn.execute(select(ACCOUNTS).order_by(ACCOUNTS.c.name)).mappings().all()
        return pd.DataFrame(
            [
                {
                    "name": r["name"],
                    "role": r["role"],
                    "scope": Account(r["name"], r["role"], r["scope_code"]).scope_name,
                    "created_at": _utc(r["created_at"]),
                    "last_login": _utc(r["last_login"]),
                    "disabled": bool(r["disabled"]),
                    "locked_until": _utc(r["locked_until"]),
                }
                for r in rows
            ],
            columns=["name", "role", "scope", "created_at", "last_login", "disabled", "locked_until"],
        )

    def set_disabled(self, name: str, disabled: bool = True, *, by: Account | None = None) -> None:
        """Disable (or enable again) an account; its sessions end."""
        with self.db.begin() as conn:
            row = conn.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.name == name)).first()
            if row is None:
                raise bilingual(InputValidationError, zh=f"没有用户“{name}”。", en=f"No user {name!r}.")
            conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == row[0]).values(disabled=disabled))
            conn.execute(delete(SESSIONS).where(SESSIONS.c.account_id == row[0]))
        if by is not None:
            record(
                self.db, by, "account disabled" if disabled else "account enabled", detail={"account": name}
            )

    def set_password(self, name: str, password: str) -> None:
        """Set a new password (≥ :data:`MIN_PASSWORD` characters); unlocks the account, ends its sessions."""
        if len(password) < MIN_PASSWORD:
            raise bilingual(
                InputValidationError,
                zh=f"密码至少 {MIN_PASSWORD} 个字符。",
                en=f"A password needs at least {MIN_PASSWORD} characters.",
            )
        with self.db.begin() as conn:
            row = conn.execute(select(ACCOUNTS.c.id).where(ACCOUNTS.c.name == name)).first()
            if row is None:
                raise bilingual(InputValidationError, zh=f"没有用户“{name}”。", en=f"No user {name!r}.")
            conn.execute(
                update(ACCOUNTS)
                .where(ACCOUNTS.c.id == row[0])
                .values(password_hash=_HASHER.hash(password), failed_logins=0, locked_until=None)
            )
            conn.execute(delete(SESSIONS).where(SESSIONS.c.account_id == row[0]))

    def authenticate(self, name: str, password: str) -> Account:
        """The account when ``password`` is right.

        Raises
        ------
        AuthenticationError
            Unknown user or wrong password (one message for both), a disabled account, or a locked one (the
            message says until when).
        """
        now = _now()
        with self.db.engine.connect() as conn:
            row = conn.execute(select(ACCOUNTS).where(ACCOUNTS.c.name == name.strip())).mappings().first()
        if row is None:
            # the same work as for a real account: a wrong name takes as long as a wrong password
            with contextlib.suppress(VerificationError):
                _HASHER.verify(_DUMMY, password or "-")
            who = Account(name.strip()[:100] or "?", "unknown")
            record(self.db, who, "login failed", detail="unknown user")
            raise bilingual(AuthenticationError, **_WRONG)
        locked = _utc(row["locked_until"])
        if locked is not None and locked > now:
            wait = max(1, int((locked - now).total_seconds() // 60) + 1)
            raise bilingual(
                AuthenticationError,
                zh=f"密码错误次数过多，账号已锁定，请 {wait} 分钟后再试。",
                en=f"Too many wrong passwords: the account is locked; try again in {wait} minutes.",
            )
        try:
            ok: bool = _HASHER.verify(row["password_hash"], password or "-")
        except (VerificationError, InvalidHashError):
            ok = False
        with self.db.begin() as conn:
            if not ok:
                failures = int(row["failed_logins"] or 0) + 1
                lock = None
                if failures >= MAX_FAILURES:
                    minutes = min(24 * 60, LOCK_MINUTES * 2 ** (failures - MAX_FAILURES))
                    lock = now + dt.timedelta(minutes=minutes)
                conn.execute(
                    update(ACCOUNTS)
                    .where(ACCOUNTS.c.id == row["id"])
                    .values(failed_logins=failures, locked_until=lock)
                )
            else:
                values: dict[str, object] = {"failed_logins": 0, "locked_until": None, "last_login": now}
                if _HASHER.check_needs_rehash(row["password_hash"]):
                    values["password_hash"] = _HASHER.hash(password)
                conn.execute(update(ACCOUNTS).where(ACCOUNTS.c.id == row["id"]).values(**values))
        if not ok:
            record(self.db, Account(row["name"], row["role"], row["scope_code"]), "login failed",
                   detail="wrong password")
            raise bilingual(AuthenticationError, **_WRONG)
        if row["disabled"]:
            raise bilingual(
                AuthenticationError,
                zh="此账号已停用，请联系省级管理员。",
                en="This account is disabled; ask the province administrator.",
            )
        account = Account(row["name"], row["role"], row["scope_code"])
        record(self.db, account, "login")
        return account

    # ---------------------------------------------------------------------------------------- sessions
    def start_session(self, account: Account) -> str:
        """A new session token for a signed-in account (keep it secret: it stands for the password)."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self.db.begin() as conn:
            account_id = conn.execute(
                select(ACCOUNTS.c.id).where(ACCOUNTS.c.name == account.name)
            ).scalar_one()
            conn.execute(
                insert(SESSIONS).values(
                    token_hash=_token_hash(token), account_id=account_id, created_at=now, last_seen=now
                )
            )
        return token

    def resume(self, token: str) -> Account:
        """The account of a live session (its idle clock restarts).

        Raises
        ------
        AuthenticationError
            Unknown or ended session, or idle for more than :func:`session_minutes`.
        """
        now = _now()
        key = _token_hash(token or "")
        with self.db.begin() as conn:
            row = conn.execute(
                select(
                    SESSIONS.c.last_seen,
                    ACCOUNTS.c.name,
                    ACCOUNTS.c.role,
                    ACCOUNTS.c.scope_code,
                    ACCOUNTS.c.disabled,
                )
                .join(ACCOUNTS, ACCOUNTS.c.id == SESSIONS.c.account_id)
                .where(SESSIONS.c.token_hash == key)
            ).first()
            if row is None or row.disabled:
                raise bilingual(AuthenticationError, zh="请先登录。", en="Please sign in.")
            last = _utc(row.last_seen) or now
            if now - last > dt.timedelta(minutes=session_minutes()):
                conn.execute(delete(SESSIONS).where(SESSIONS.c.token_hash == key))
                raise bilingual(
                    AuthenticationError,
                    zh="长时间未操作，已自动退出，请重新登录。",
                    en="Your session timed out; please sign in again.",
                )
            if now - last > dt.timedelta(seconds=30):
                conn.execute(update(SESSIONS).where(SESSIONS.c.token_hash == key).values(last_seen=now))
        return Account(row.name, row.role, row.scope_code)

    def end_session(self, token: str) -> None:
        """End a session (logout), written to the audit log."""
        key = _token_hash(token or "")
        with self.db.begin() as conn:
            row = conn.execute(
                select(ACCOUNTS.c.name, ACCOUNTS.c.role, ACCOUNTS.c.scope_code)
                .join(SESSIONS, ACCOUNTS.c.id == SESSIONS.c.account_id)
                .where(SESSIONS.c.token_hash == key)
            ).first()
            conn.execute(delete(SESSIONS).where(SESSIONS.c.token_hash == key))
        if row is not None:
            record(self.db, Account(row.name, row.role, row.scope_code), "logout")


def role_label(role: str, lang: str) -> str:
    """Name of a role in ``lang``."""
    return ROLES.get(role, {}).get(lang, role)
