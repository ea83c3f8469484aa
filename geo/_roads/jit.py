"""The compiled kernels (optional numba), with numba's compile cache in the user cache dir — never in the
source tree — checked before use and healed when damaged.

:func:`kernels` returns the kernel modules (:mod:`geo._roads.kernels_build`, :mod:`geo._roads.kernels_query`)
or ``None`` when numba cannot be imported, the backend asked for is scipy, or compiled code failed once in
this process (then every query uses scipy, with a logged warning). The compile cache lives in
``<cache root>/numba`` (``geo.settings.cache_root()``); when that is not writable (read-only cache dir), in a
per-user temporary directory, else nowhere (compiled in memory each run). A manifest of the cache files'
SHA-256 (written by :func:`seal` after the kernels ran) lets :func:`kernels` remove files that were
truncated, emptied or changed since numba wrote them, before numba reads them; anything numba still fails
to load is logged, the cache is removed and the query falls back to scipy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
from pathlib import Path
from types import ModuleType

from geo._errors import InputValidationError, OptionalDependencyError
from geo.settings import cache_root

__all__ = ["BACKEND_ENV", "Kernels", "backend_choice", "disable", "kernel_cache_dir", "kernels", "seal"]

logger = logging.getLogger(__name__)

#: Environment variable choosing the query kernel: "auto" (compiled if numba is installed), "numba", "scipy".
BACKEND_ENV = "XUNZHEN_SHORTEST_BACKEND"
_MANIFEST = "xunzhen-manifest.json"


class Kernels:
    """The compiled kernel modules: ``query`` (loaded with numba), ``build`` (loaded on first use: a query
    in a new process with a stored hierarchy never pays for it)."""

    def __init__(self, query: ModuleType) -> None:
        self.query = query
        self._build: ModuleType | None = None

    @property
    def build(self) -> ModuleType:
        """:mod:`geo._roads.kernels_build`."""
        if self._build is None:
            from geo._roads import kernels_build  # numba module: import only with numba present

            self._build = kernels_build
        return self._build


_STATE: dict[str, Kernels | Path | str | None] = {}


def backend_choice() -> str:
    """The kernel asked for in :data:`BACKEND_ENV` ("auto" when unset).

    Raises
    ------
    InputValidationError
        On an unknown value.
    OptionalDependencyError
        When "numba" is asked for but cannot be imported.
    """
    choice = os.environ.get(BACKEND_ENV, "auto").strip().lower() or "auto"
    if choice not in {"auto", "numba", "scipy"}:
        msg = f"{BACKEND_ENV}={choice!r}: use auto, numba or scipy."
        raise InputValidationError(msg)
    if choice == "numba" and _import_numba() is None:
        msg = (
            f"{BACKEND_ENV}=numba asks for the compiled shortest-path kernel, but numba cannot be imported: "
            "pip install numba==0.68.1 (or unset the variable to use scipy)."
        )
        raise OptionalDependencyError(msg)
    return choice


def _import_numba() -> ModuleType | None:
    try:
        import numba  # optional heavy dependency, imported on first use only
    except Exception:  # absent, or broken install: scipy it is
        return None
    return numba


def _writable(path: Path) -> bool:
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError:
        return False
    return True


def kernel_cache_dir() -> Path | None:
    """Where numba keeps the compiled kernels: ``$NUMBA_CACHE_DIR`` when set (numba's own setting), else
    ``<cache root>/numba``; when that is not writable a per-user temporary dir, else None (no writable place:
    compiled in memory every run)."""
    first = os.environ.get("NUMBA_CACHE_DIR") or str(cache_root() / "numba")
    for path in (Path(first), Path(tempfile.gettempdir()) / f"xunzhen-numba-{os.getuid()}"):
        if _writable(path):
            return path
    return None


def _file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _cache_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.name != _MANIFEST)


def _verify(root: Path) -> None:
    """Remove cache files that differ from the manifest (damaged since numba wrote them), with their index."""
    manifest = root / _MANIFEST
    try:
        known = json.loads(manifest.read_text("utf-8")) if manifest.is_file() else {}
        if not isinstance(known, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as err:
        logger.warning("Kernel cache manifest %s is unreadable (%s); clearing the cache.", manifest, err)
        _purge(root)
        return
    for rel, digest in known.items():
        path = root / str(rel)
        try:
            ok = not path.is_file() or _file_hash(path) == digest
        except OSError:
            ok = False
        if not ok:
            logger.warning("Kernel cache file %s is damaged; removing it (recompiled on first use).", path)
            for sibling in path.parent.glob(path.name.split(".")[0] + "*"):
                sibling.unlink(missing_ok=True)


def _purge(root: Path) -> None:
    """Remove everything in the kernel cache dir (it is rebuilt on demand)."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True, exist_ok=True)


def kernels() -> Kernels | None:
    """The compiled kernels, or None (scipy fallback): see the module docstring."""
    if backend_choice() == "scipy":
        return None
    if "kernels" in _STATE:
        k = _STATE["kernels"]
        return k if isinstance(k, Kernels) else None
    numba = _import_numba()
    if numba is None:
        _STATE["kernels"] = None
        return None
    root = kernel_cache_dir()
    if root is not None:
        _verify(root)
    numba.config.CACHE_DIR = str(root) if root is not None else ""
    _STATE["root"] = root
    try:
        from geo._roads import kernels_query  # numba module: import only with numba present
    except Exception as err:  # a broken numba install must not stop the analyses
        disable(err)
        return None
    loaded = Kernels(kernels_query)
    _STATE["kernels"] = loaded
    return loaded


def disable(err: BaseException) -> None:
    """Stop using compiled code in this process after ``err`` (logged); clear the kernel cache."""
    logger.warning(
        "The compiled shortest-path kernels failed (%s: %s); using scipy instead. Their cache is cleared and "
        "rebuilt on the next run.", type(err).__name__, err,
    )
    _STATE["kernels"] = None
    root = _STATE.get("root")
    if isinstance(root, Path):
        _purge(root)


def seal() -> None:
    """Record the SHA-256 of every kernel cache file numba wrote (after the kernels ran, if files changed)."""
    root = _STATE.get("root")
    if not isinstance(root, Path):
        return
    try:
        files = _cache_files(root)
        listing = repr([(str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files])
        if _STATE.get("sealed") == listing:
            return
        digests = {str(p.relative_to(root)): _file_hash(p) for p in files}
        tmp = root / (_MANIFEST + ".tmp")
        tmp.write_text(json.dumps(digests, indent=0), "utf-8")
        os.replace(tmp, root / _MANIFEST)
        _STATE["sealed"] = listing
    except OSError as err:  # a read-only or vanished cache: the kernels still work
        logger.info("Kernel cache manifest not written (%s).", err)
