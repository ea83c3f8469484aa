"""A file a page offers for download (made by the analyses' ``explore`` modules, offered by ``pages.ui``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Download"]


@dataclass(frozen=True)
class Download:
    """One file to offer: ``kind`` (csv, xlsx, html, png, pdf), its name, its bytes or how to make them."""
    kind: str
    file_name: str
    data: bytes | Callable[[], bytes]
