"""The cached road network on disk: ``road_network.npz`` + ``.json`` + ``.hierarchy.npz`` in one directory.

* :func:`write_network` writes the graph and edge shapes (compressed npz), the metadata (JSON) and the
  contraction hierarchy of the graph (:func:`geo._roads.shortest.hierarchy_state`), each atomically
  (temporary file + rename), so a reader never sees half a file.
* :func:`read_network` reads them back and checks every array the engine will index; a file that is
  missing, truncated, emptied or changed (zip CRC, JSON, shapes, ranges) raises :class:`NetworkError` naming
  it — never a traceback. :func:`set_aside` then moves the damaged files out of the way (``*.damaged``, with
  the reason) so the estimated network is used, with a warning each run, until the network is rebuilt.
* :func:`read_hierarchy` adopts the cached hierarchy when it belongs to this exact graph (by fingerprint);
  a damaged or foreign one is logged and removed, and :func:`write_hierarchy` stores the rebuilt one.

A read-only cache directory keeps working: reading needs no write, and every write failure is logged only.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from geo._errors import NetworkError
from geo._roads.graph import RoadGraph
from geo._roads.osm import EdgeGeometry
from geo._roads.shortest import adopt_hierarchy_state, hierarchy_state

__all__ = [
    "CACHE_FORMAT", "HIERARCHY_SUFFIX", "NETWORK_STEM", "Meta", "damaged_note", "network_files",
    "read_hierarchy", "read_meta", "read_network", "set_aside", "write_hierarchy", "write_network",
]

logger = logging.getLogger(__name__)

#: Metadata of a cached network (JSON object: source, data date, counts, fingerprint …).
Meta = dict[str, object]

CACHE_FORMAT = 1
NETWORK_STEM = "road_network"
#: Beside the network: the contraction hierarchy (geo._roads.ch) of its graph, tied to its fingerprint.
HIERARCHY_SUFFIX = ".hierarchy.npz"
_DAMAGED = ".damaged"
_GRAPH_FIELDS = ("node_lon", "node_lat", "node_osm_id", "indptr", "indices", "edge_minutes", "edge_km")
_GEOM_FIELDS = ("edge_seg", "edge_rev", "seg_ptr", "lon", "lat")


def network_files(directory: Path) -> tuple[Path, Path, Path]:
    """The three files of a cached network: arrays (``.npz``), metadata (``.json``), hierarchy."""
    return (
        directory / f"{NETWORK_STEM}.npz",
        directory / f"{NETWORK_STEM}.json",
        directory / f"{NETWORK_STEM}{HIERARCHY_SUFFIX}",
    )


def _write_npz(target: Path, arrays: Mapping[str, np.ndarray], *, compressed: bool) -> None:
    """Write ``arrays`` to ``target`` through a temporary file in the same directory, then rename."""
    savez: Callable[..., None] = np.savez_compressed if compressed else np.savez
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".npz", delete=False) as tmp:
        name = tmp.name
        try:
            savez(tmp, **arrays)
        except BaseException:
            os.unlink(name)
            raise
    try:
        os.replace(name, target)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise


def write_network(
    directory: Path, graph: RoadGraph, geometry: EdgeGeometry, meta: Meta, fingerprint: str
) -> Path:
    """Write a network (and its hierarchy, built now if needed) to ``directory``; returns the ``.npz``."""
    directory.mkdir(parents=True, exist_ok=True)
    npz, js, _ = network_files(directory)
    arrays = {f"graph_{k}": getattr(graph, k) for k in _GRAPH_FIELDS}
    arrays |= {f"geom_{k}": getattr(geometry, k) for k in _GEOM_FIELDS}
    _write_npz(npz, arrays, compressed=True)
    tmp_js = js.with_suffix(".json.tmp")
    tmp_js.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp_js, js)
    for stale in directory.glob(f"{NETWORK_STEM}{_DAMAGED}*"):
        stale.unlink(missing_ok=True)
    write_hierarchy(directory, graph, fingerprint)
    return npz


def write_hierarchy(directory: Path, graph: RoadGraph, fingerprint: str) -> bool:
    """Store the hierarchy of ``graph`` (built now if needed); False when there is none or no write."""
    target = network_files(directory)[2]
    state = hierarchy_state(graph)
    try:
        if not state:  # no compiled kernels: queries use scipy, nothing to store
            target.unlink(missing_ok=True)
            return False
        state["fingerprint"] = np.array(fingerprint)
        _write_npz(target, state, compressed=False)
    except OSError as err:  # read-only cache: the hierarchy is rebuilt in memory when needed
        logger.warning("Hierarchy not stored in %s (%s); it is rebuilt when needed.", directory, err)
        return False
    return True


def read_meta(directory: Path) -> Meta | None:
    """The metadata of the cached network, or None when there is none or it cannot be read."""
    js = network_files(directory)[1]
    if not js.is_file():
        return None
    try:
        meta = json.loads(js.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) else None


def read_network(directory: Path) -> tuple[RoadGraph, EdgeGeometry, Meta]:
    """Read the graph, edge shapes and metadata written by :func:`write_network`.

    Raises
    ------
    NetworkError
        If a file is missing, unreadable, damaged or of another format (the message names the file).
    """
    npz, js, _ = network_files(directory)
    try:
        meta = json.loads(js.read_text("utf-8"))
        with np.load(npz, allow_pickle=False) as data:
            graph = RoadGraph(**{k: data[f"graph_{k}"] for k in _GRAPH_FIELDS})
            geometry = EdgeGeometry(**{k: data[f"geom_{k}"] for k in _GEOM_FIELDS})
    except Exception as err:  # zip/CRC/zlib/EOF/JSON/key errors: all mean "damaged", none is a bug here
        msg = f"Cached road network {str(npz)!r} cannot be read ({type(err).__name__}: {err})."
        raise NetworkError(msg) from err
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT:
        fmt = meta.get("format") if isinstance(meta, dict) else None
        msg = f"Cached road network {str(js)!r} has format {fmt!r}, expected {CACHE_FORMAT}."
        raise NetworkError(msg)
    problem = _check(graph, geometry)
    if problem:
        msg = f"Cached road network {str(npz)!r} is damaged: {problem}."
        raise NetworkError(msg)
    return graph, geometry, meta


def _check(graph: RoadGraph, geometry: EdgeGeometry) -> str:
    """What is inconsistent in a loaded graph ("" when nothing): shapes, offsets, node indices, weights."""
    n, m = graph.node_lon.shape[0], graph.indices.shape[0]
    ptr = graph.indptr
    if any(np.ndim(getattr(graph, k)) != 1 for k in _GRAPH_FIELDS) or n == 0:
        return "graph arrays are not 1-D or empty"
    if graph.node_lat.shape != (n,) or graph.node_osm_id.shape != (n,) or ptr.shape != (n + 1,):
        return "node arrays differ in length"
    if ptr[0] != 0 or ptr[-1] != m or np.any(np.diff(ptr) < 0) or not np.issubdtype(ptr.dtype, np.integer):
        return "edge offsets are not monotone"
    if not np.issubdtype(graph.indices.dtype, np.integer) or (m and (graph.indices.min() < 0 or
                                                                     graph.indices.max() >= n)):
        return "an edge leads outside the graph"
    for w in (graph.edge_minutes, graph.edge_km):
        if w.shape != (m,) or not np.all(np.isfinite(w)) or (m and w.min() < 0):
            return "edge minutes or km are not finite and non-negative"
    seg = geometry.seg_ptr
    if geometry.edge_seg.shape != (m,) or geometry.edge_rev.shape != (m,) or seg.ndim != 1 or len(seg) < 1:
        return "edge shapes do not match the edges"
    if seg[0] != 0 or np.any(np.diff(seg) < 0) or not (seg[-1] == len(geometry.lon) == len(geometry.lat)):
        return "edge shape offsets are not monotone"
    if m and (geometry.edge_seg.min() < 0 or geometry.edge_seg.max() >= len(seg) - 1):
        return "an edge points to a missing shape"
    return ""


def set_aside(directory: Path, reason: str) -> None:
    """Move a damaged cached network out of the way (``road_network.damaged.*`` + the reason), so the
    estimated network is used until it is rebuilt; logs only when the directory is read-only."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    try:
        for f in network_files(directory):
            if f.is_file():
                os.replace(f, f.with_name(f.name.replace(NETWORK_STEM, NETWORK_STEM + _DAMAGED, 1)))
        note = directory / f"{NETWORK_STEM}{_DAMAGED}.txt"
        note.write_text(f"{stamp} {reason}\n", "utf-8")
    except OSError as err:
        logger.warning("Damaged road network in %s not moved aside (%s).", directory, err)


def damaged_note(directory: Path) -> str | None:
    """The reason a cached network was set aside (:func:`set_aside`), or None."""
    note = directory / f"{NETWORK_STEM}{_DAMAGED}.txt"
    try:
        return note.read_text("utf-8").strip() if note.is_file() else None
    except OSError:
        return "(reason unreadable)"


def remove_damaged(directory: Path) -> bool:
    """Remove set-aside files; True when there were some."""
    found = False
    for f in directory.glob(f"{NETWORK_STEM}{_DAMAGED}*"):
        f.unlink(missing_ok=True)
        found = True
    return found


def read_hierarchy(directory: Path, graph: RoadGraph, fingerprint: str) -> bool:
    """Adopt the cached hierarchy if it belongs to this exact graph; True when adopted.

    A damaged or foreign file is logged and removed (it is rebuilt on first use, and stored again by
    :func:`write_hierarchy`).
    """
    path = network_files(directory)[2]
    if not path.is_file():
        return False
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
        if str(arrays.get("fingerprint")) != fingerprint:
            logger.warning("Hierarchy %s is for another road graph; removed, rebuilt on first use.", path)
        else:
            adopt_hierarchy_state(graph, arrays)
            return True
    except Exception as err:  # zip/CRC/zlib/EOF/shape errors: all mean "damaged", none is a bug here
        logger.warning("Cached hierarchy %s is damaged (%s: %s); removed, rebuilt on first use.",
                       path, type(err).__name__, err)
    with contextlib.suppress(OSError):  # read-only cache: it stays, checked (and passed over) at each load
        path.unlink(missing_ok=True)
    return False
