"""Accounts, roles and the audit log of a shared deployment (``XUNZHEN_AUTH=on``).

Rooms: ``roles`` (province / prefecture / county and what each reaches; :data:`~roles.LOCAL` for a laptop),
``store`` (accounts with Argon2 password hashes, rate-limited logins, idle-timed sessions), ``audit`` (who
changed what, when; read and exported by the province), ``__main__`` (``python -m routing.accounts``).
"""

from routing.accounts.audit import audit_csv, audit_log, audit_xlsx, record
from routing.accounts.roles import LOCAL, ROLES, Account, resolve_role_scope, scope_name
from routing.accounts.store import AccountStore, session_minutes

__all__ = [
    "LOCAL",
    "ROLES",
    "Account",
    "AccountStore",
    "audit_csv",
    "audit_log",
    "audit_xlsx",
    "record",
    "resolve_role_scope",
    "scope_name",
    "session_minutes",
]
