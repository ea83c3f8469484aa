"""The one exception module of xunzhen (used by both ``geo`` and ``routing``).

Every error raised on purpose derives from :class:`XunzhenError`, and also from the built-in that
matches it, so callers may catch either. Messages name the bad input (file, row, column, value) and
say what was expected; the app shows ``str(error)`` to the user, never a traceback.
"""

from __future__ import annotations


class XunzhenError(Exception):
    """Base class of every error xunzhen raises on purpose."""


class DataFileError(XunzhenError, ValueError):
    """A data file is missing, unreadable, corrupt or has the wrong columns (message names the file)."""


class InputValidationError(XunzhenError, ValueError):
    """User input (an upload row, a parameter) is invalid; the message names the row/column and value."""


class OutsideFujianError(InputValidationError):
    """A coordinate lies outside Fujian's bounding box (message names the row and the point)."""


class UnknownPlaceError(XunzhenError, LookupError):
    """A place name matches nothing in the gazetteer."""


class AmbiguousPlaceError(XunzhenError, LookupError):
    """A place name matches several places; ``candidates`` lists them so the user can qualify the name."""
    def __init__(self, message: str, candidates: list[str]) -> None:
        super().__init__(message)
        self.candidates = candidates


class NetworkError(XunzhenError, RuntimeError):
    """A road network cannot be built, loaded or downloaded."""


class UnreachableError(XunzhenError, ValueError):
    """No road connects two places (or a place is too far from any road)."""


class InfeasibleError(XunzhenError, ValueError):
    """An optimisation problem has no solution; the message names the binding constraint and the shortfall."""


class AuthenticationError(XunzhenError, PermissionError):
    """A login failed: wrong name or password, a locked or disabled account, an expired session."""


class AccessDeniedError(XunzhenError, PermissionError):
    """The signed-in account may not see or change this (outside its role's scope)."""


class OptionalDependencyError(XunzhenError, ImportError):
    """An optional package is needed for this feature; the message names it and how to install it."""


class AssetError(XunzhenError, LookupError):
    """A map element needs a web asset (JS/CSS) that xunzhen does not serve locally (message names it)."""


class UnknownScopeError(UnknownPlaceError, InputValidationError):
    """A prefecture or county name (an analysis' scope) matches nothing, or a county name is ambiguous."""
