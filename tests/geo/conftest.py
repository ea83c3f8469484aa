"""Compiled road-engine kernels are cached across test runs (outside the repository and the user's cache):
each test's own ``XUNZHEN_CACHE_DIR`` would otherwise make every test process compile them again."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

_KERNELS = Path(tempfile.gettempdir()) / f"xunzhen-test-numba-{os.getuid()}"
os.environ.setdefault("NUMBA_CACHE_DIR", str(_KERNELS))
