"""Online paths to real OpenStreetMap data (for users with internet; never called by the tests).

* :func:`download_fujian` — Geofabrik's Fujian extract (``asia/china/fujian-latest.osm.pbf``, ≈ 40 MB,
  ODbL 1.0) into ``<cache>/downloads/``, with a tqdm progress bar and an MD5 check against the ``.md5`` file.
* :func:`prefecture_graph` — one prefecture's drivable roads through osmnx (Overpass), e.g. ``"龙岩"``.

The HTTP transport is a ``requests.Session`` passed in (or created here), so tests can hand in a fake one.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from geo._errors import NetworkError, OptionalDependencyError

GEOFABRIK_FUJIAN_URL = "https://download.geofabrik.de/asia/china/fujian-latest.osm.pbf"
TIMEOUT_S = 60
CHUNK_BYTES = 1 << 20

#: Short names of Fujian's prefectures → the query osmnx geocodes (Nominatim).
PREFECTURE_QUERIES = {
    short: f"{short}市, 福建省, 中国"
    for short in ("福州", "厦门", "莆田", "三明", "泉州", "漳州", "南平", "龙岩", "宁德")
}


def _session(session: Any | None) -> Any:
    if session is not None:
        return session
    import requests

    return requests.Session()


def download_file(
    url: str,
    dest: str | Path,
    *,
    session: Any | None = None,
    expected_md5: str | None = None,
    progress: bool = True,
) -> Path:
    """Stream ``url`` to ``dest`` (via ``dest.part``, renamed when complete) with a progress bar.

    Parameters
    ----------
    url
        What to download.
    dest
        Where to write it; parent directories are created.
    session
        An object with ``get(url, stream=True, timeout=…)`` returning a requests-like response; default a new
        ``requests.Session``.
    expected_md5
        Hex MD5 the file must have; checked before the rename.
    progress
        Show a tqdm progress bar.

    Raises
    ------
    NetworkError
        If the request fails, the transfer is incomplete, or the checksum differs (the message names the URL).
    """
    from tqdm import tqdm  # type: ignore[import-untyped]

    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    md5 = hashlib.md5()
    written = 0
    try:
        response = _session(session).get(url, stream=True, timeout=TIMEOUT_S)
        response.raise_for_status()
        total = int(response.headers.get("content-length") or 0) or None
        with (
            open(part, "wb") as out,
            tqdm(total=total, unit="B", unit_scale=True, desc=dest.name, disable=not progress) as bar,
        ):
            for chunk in response.iter_content(chunk_size=CHUNK_BYTES):
                if not chunk:
                    continue
                out.write(chunk)
                md5.update(chunk)
                written += len(chunk)
                bar.update(len(chunk))
    except NetworkError:
        raise
    except Exception as err:  # requests/urllib3/OSError: all mean the download failed
        part.unlink(missing_ok=True)
        msg = f"Download of {url!r} failed: {err}. Check the internet connection and try again."
        raise NetworkError(msg) from err
    if total is not None and written != total:
        part.unlink(missing_ok=True)
        msg = f"Download of {url!r} is incomplete: got {written} of {total} bytes. Try again."
        raise NetworkError(msg)
    if expected_md5 is not None and md5.hexdigest() != expected_md5.lower():
        part.unlink(missing_ok=True)
        msg = f"Download of {url!r} is corrupt: MD5 {md5.hexdigest()} is not the published {expected_md5}."
        raise NetworkError(msg)
    os.replace(part, dest)
    return dest


def fetch_md5(url: str, *, session: Any | None = None) -> str:
    """The MD5 Geofabrik publishes next to a file (``<url>.md5``, first word of the text).

    Raises
    ------
    NetworkError
        If it cannot be fetched or does not look like an MD5.
    """
    try:
        response = _session(session).get(url + ".md5", timeout=TIMEOUT_S)
        response.raise_for_status()
        text = response.text
    except Exception as err:
        msg = f"Checksum {url + '.md5'!r} could not be fetched: {err}."
        raise NetworkError(msg) from err
    word = text.split()[0].lower() if text.split() else ""
    if len(word) != 32 or any(c not in "0123456789abcdef" for c in word):
        msg = f"Checksum file {url + '.md5'!r} does not hold an MD5 (got {text[:60]!r})."
        raise NetworkError(msg)
    return word


def download_fujian(
    directory: str | Path, *, session: Any | None = None, force: bool = False, progress: bool = True
) -> Path:
    """Download Geofabrik's Fujian extract into ``directory`` (reused unless ``force``), MD5-checked.

    Raises
    ------
    NetworkError
        If the download fails or is corrupt.
    """
    dest = Path(directory) / "fujian-latest.osm.pbf"
    if dest.is_file() and not force:
        return dest
    session = _session(session)
    md5 = fetch_md5(GEOFABRIK_FUJIAN_URL, session=session)
    return download_file(GEOFABRIK_FUJIAN_URL, dest, session=session, expected_md5=md5, progress=progress)


def prefecture_graph(short_name: str) -> Any:
    """Download one Fujian prefecture's drivable roads with osmnx (``network_type="drive_service"``).

    Raises
    ------
    NetworkError
        If the name is not a Fujian prefecture or the download fails.
    OptionalDependencyError
        If osmnx is not installed.
    """
    name = short_name.removesuffix("市")
    if name not in PREFECTURE_QUERIES:
        msg = (
            f"{short_name!r} is not a prefecture of Fujian; expected one of {', '.join(PREFECTURE_QUERIES)}."
        )
        raise NetworkError(msg)
    try:
        import osmnx as ox
    except ImportError as err:
        msg = "Downloading a prefecture needs the package osmnx: pip install osmnx"
        raise OptionalDependencyError(msg) from err
    try:
        return ox.graph_from_place(PREFECTURE_QUERIES[name], network_type="drive_service", simplify=True)
    except Exception as err:  # Nominatim/Overpass failures come in many types
        msg = f"Downloading the roads of {PREFECTURE_QUERIES[name]!r} through osmnx failed: {err}."
        raise NetworkError(msg) from err
