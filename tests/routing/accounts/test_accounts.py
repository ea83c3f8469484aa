"""Accounts: Argon2 hashes, one message for a wrong name or password, lock after repeated failures, session
timeout, scopes that must be a prefecture/county; the CLI reads the password from a file or without echo."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select, update

from geo._errors import AccessDeniedError, AuthenticationError, InputValidationError
from routing.accounts import AccountStore, audit_log
from routing.accounts.__main__ import main
from routing.accounts.roles import Account
from routing.database import Database, connect
from routing.database.schema import ACCOUNTS, SESSIONS
from routing.workspace.store import WorkspaceStore

PW = "龙岩-correct horse"


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("XUNZHEN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("XUNZHEN_DATABASE_URL", raising=False)
    database = connect()
    yield database
    database.close()


def test_add_and_authenticate(db: Database) -> None:
    store = AccountStore(db)
    ly = store.add("ly_officer", "prefecture", "龙岩", PW)
    assert ly == Account("ly_officer", "prefecture", "350800") and ly.scope_name == "龙岩市"
    with db.engine.connect() as conn:
        stored = conn.execute(select(ACCOUNTS.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and PW not in stored
    assert store.authenticate("ly_officer", PW) == ly
    wrong_user = pytest.raises(AuthenticationError, match="Wrong user name or password")
    with wrong_user:
        store.authenticate("nobody", PW)
    with pytest.raises(AuthenticationError, match="Wrong user name or password") as err:
        store.authenticate("ly_officer", "nope")
    assert err.value.zh == "用户名或密码错误。"  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("role", "scope", "message"),
    [
        ("admin", "龙岩", "Unknown role"),
        ("prefecture", "", "needs a scope"),
        ("prefecture", "长汀县", "not a prefecture"),
        ("county", "龙岩市", "not a county"),
        ("county", "火星县", "not a county"),
        ("province", "龙岩", "has no scope"),
    ],
)
def test_bad_roles_and_scopes(db: Database, role: str, scope: str, message: str) -> None:
    with pytest.raises(InputValidationError, match=message):
        AccountStore(db).add("x", role, scope, PW)


def test_names_and_passwords(db: Database) -> None:
    store = AccountStore(db)
    store.add("a", "province", None, PW)
    with pytest.raises(InputValidationError, match="taken"):
        store.add("a", "province", None, PW)
    with pytest.raises(InputValidationError, match="at least 10"):
        store.add("b", "province", None, "short")


def test_wrong_passwords_lock_the_account(db: Database) -> None:
    store = AccountStore(db)
    store.add("np", "prefecture", "南平市", PW)
    for _ in range(5):
        with pytest.raises(AuthenticationError, match="Wrong"):
            store.authenticate("np", "guess")
    with pytest.raises(AuthenticationError, match=r"locked; try again in [56] minutes"):
        store.authenticate("np", PW)  # even the right password waits
    with db.begin() as conn:  # five minutes later
        conn.execute(update(ACCOUNTS).values(locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert store.authenticate("np", PW).name == "np"


def test_sessions_time_out(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    store = AccountStore(db)
    account = store.add("p", "province", None, PW)
    token = store.start_session(account)
    assert store.resume(token) == account
    with db.begin() as conn:
        conn.execute(update(SESSIONS).values(last_seen=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=31)))
    with pytest.raises(AuthenticationError, match="timed out"):
        store.resume(token)
    with pytest.raises(AuthenticationError, match="sign in"):
        store.resume(token)  # ended
    token = store.start_session(account)
    store.end_session(token)
    with pytest.raises(AuthenticationError):
        store.resume(token)
    store.set_disabled("p")
    with pytest.raises(AuthenticationError, match="disabled"):
        store.authenticate("p", PW)


def test_redaction_of_personal_columns() -> None:
    doctors = pd.DataFrame(
        {"name": ["王医生", "李医生"], "phone": ["1", "2"], "prefecture_code": ["350800", "350100"]}
    )
    shown = Account("ly", "prefecture", "350800").redact(doctors, ("name", "phone"))
    assert (
        list(shown["name"]) == ["王医生", "（不在权限范围内）"] and shown["phone"][1] == "（不在权限范围内）"
    )
    assert Account("p", "province").redact(doctors, ("name",)) is doctors
    register = pd.DataFrame(
        {
            "name": ["甲", "乙", "丙"],
            "prefecture": ["龙岩市", "龙岩市", "福州市"],
            "county": ["长汀县", "漳平市", "鼓楼区"],
        }
    )  # a doctor register names its places
    assert list(Account("ly", "prefecture", "350800").redact(register, ("name",))["name"])[:2] == ["甲", "乙"]
    by_county = Account("ct", "county", "350821").redact(register, ("name",))
    assert list(by_county["name"]) == ["甲", "（不在权限范围内）", "（不在权限范围内）"]


def test_cli(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "pw.txt"
    secret.write_text(PW + "\n", encoding="utf-8")
    assert (
        main(["add", "ly", "--role", "prefecture", "--scope", "龙岩市", "--password-file", str(secret)]) == 0
    )
    assert "ly" in capsys.readouterr().out
    assert AccountStore(db).authenticate("ly", PW).scope_code == "350800"
    answers = iter([PW, PW])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    assert main(["add", "prov", "--role", "province"]) == 0
    assert main(["add", "x", "--role", "county", "--scope", "龙岩市", "--password-file", str(secret)]) == 2
    assert "不是福建省的县" in capsys.readouterr().err
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "ly" in out and "prov" in out and PW not in out
    assert main(["audit", "--csv", str(tmp_path / "audit.csv")]) == 0
    assert "account added" in (tmp_path / "audit.csv").read_text(encoding="utf-8-sig")


def test_refused_attempts_and_logouts_are_audited(db: Database) -> None:
    """A 龙岩 officer opening (or guessing the link of) a 南平 workspace, or creating one there, is refused
    and the attempt is in the audit log; so is a logout."""
    accounts = AccountStore(db)
    province = Account("cli", "province", "")
    WorkspaceStore(db, province).create("南平 2027", prefecture="南平市")
    ly = accounts.add("ly_officer", "prefecture", "龙岩", PW)
    store = WorkspaceStore(db, ly)
    with pytest.raises(AccessDeniedError):
        store.info("南平 2027")
    assert not store.exists("南平 2027")  # the app's check of a link
    with pytest.raises(AccessDeniedError):
        store.create("南平 2028", prefecture="南平市")
    accounts.end_session(accounts.start_session(accounts.authenticate("ly_officer", PW)))
    log = audit_log(db, province)
    mine = log[log["account"] == "ly_officer"]
    refused = mine[mine["action"] == "access refused"]
    assert list(refused["workspace"]) == ["南平 2028", "南平 2027", "南平 2027"]  # newest first
    assert '"attempt": "create"' in refused["detail"].iloc[0] and "南平市" in refused["detail"].iloc[1]
    assert list(mine["action"])[:2] == ["logout", "login"]
    with pytest.raises(AccessDeniedError):  # a missing workspace says the same words, and is not logged
        store.info("没有这个")
    assert len(audit_log(db, province)) == len(log)
