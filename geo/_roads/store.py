"""The cached road network on disk: ``road_network.npz`` + ``.json`` + ``.hierarchy.npz`` in one directory.

* :func:`write_network` writes the graph and edge shapes (compressed npz), the metadata (JSON) and the
  shortest-path hierarchies of the graph (:func:`geo._roads.shortest.hierarchy_state`), each atomically
  (temporary file + rename), so a reader never sees half a file.
* :func:`read_network` reads them back, raising :class:`NetworkError` (naming the file) when they are missing
  or unreadable.
* :func:`read_hierarchy` adopts the cached hierarchies when they belong to this exact graph (by fingerprint);
  anything else is logged and the hierarchy is rebuilt on first use.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import numpy as np

from geo._errors import NetworkError
from geo._roads.graph import RoadGraph
from geo._roads.osm import EdgeGeometry
from geo._roads.shortest import adopt_hierarchy_state, hierarchy_state

__all__ = [
    "CACHE_FORMAT", "HIERARCHY_SUFFIX", "NETWORK_STEM", "Meta", "network_files", "read_hierarchy",
    "read_meta", "read_network", "write_network",
]

logger = logging.getLogger(__name__)

#: Metadata of a cached network (JSON object: source, data date, counts, fingerprint …).
Meta = dict[str, object]

CACHE_FORMAT = 1
NETWORK_STEM = "road_network"
#: Beside the network: the shortest-path hierarchies (geo._roads.ch) of its graph, tied to its fingerprint.
HIERARCHY_SUFFIX = ".hierarchy.npz"
_GRAPH_FIELDS = ("node_lon", "node_lat", "node_osm_id", "indptr", "indices", "edge_minutes", "edge_km")
_GEOM_FIELDS = ("edge_seg", "edge_rev", "seg_ptr", "lon", "lat")


def network_files(directory: Path) -> tuple[Path, Path, Path]:
    """The three files of a cached network: arrays (``.npz``), metadata (``.json``), hierarchies."""
    return (
        directory / f"{NETWORK_STEM}.npz",
        directory / f"{NETWORK_STEM}.json",
        directory / f"{NETWORK_STEM}{HIERARCHY_SUFFIX}",
    )


def _write_npz(target: Path, arrays: Mapping[str, np.ndarray], *, compressed: bool) -> None:
    """Write ``arrays`` to ``target`` through a temporary file in the same directory, then rename."""
    savez: Callable[..., None] = np.savez_compressed if compressed else np.savez
    with tempfile.NamedTemporaryFile(dir=target.parent, suffix=".npz", delete=False) as tmp:
        savez(tmp, **arrays)
    os.replace(tmp.name, target)


def write_network(
    directory: Path, graph: RoadGraph, geometry: EdgeGeometry, meta: Meta, fingerprint: str
) -> Path:
    """Write a network (and its hierarchies, built now if needed) to ``directory``; returns the ``.npz``."""
    directory.mkdir(parents=True, exist_ok=True)
    npz, js, hier = network_files(directory)
    arrays = {f"graph_{k}": getattr(graph, k) for k in _GRAPH_FIELDS}
    arrays |= {f"geom_{k}": getattr(geometry, k) for k in _GEOM_FIELDS}
    _write_npz(npz, arrays, compressed=True)
    tmp_js = js.with_suffix(".json.tmp")
    tmp_js.write_text(json.dumps(meta, ensure_ascii=False, indent=1), "utf-8")
    os.replace(tmp_js, js)
    state = hierarchy_state(graph)
    if not state:  # small graph: queries never use a hierarchy
        hier.unlink(missing_ok=True)
    else:
        state["fingerprint"] = np.array(fingerprint)
        _write_npz(hier, state, compressed=False)
    return npz


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
        If the files are missing, unreadable or of another format (the message names the file).
    """
    npz, js, _ = network_files(directory)
    try:
        meta = json.loads(js.read_text("utf-8"))
        with np.load(npz) as data:
            graph = RoadGraph(**{k: data[f"graph_{k}"] for k in _GRAPH_FIELDS})
            geometry = EdgeGeometry(**{k: data[f"geom_{k}"] for k in _GEOM_FIELDS})
    except (OSError, ValueError, KeyError, TypeError) as err:
        msg = f"Cached road network {str(npz)!r} cannot be read ({err}); rebuild: `python -m geo network`."
        raise NetworkError(msg) from err
    if not isinstance(meta, dict) or meta.get("format") != CACHE_FORMAT:
        fmt = meta.get("format") if isinstance(meta, dict) else None
        msg = f"Cached road network {str(js)!r} has format {fmt!r}, expected {CACHE_FORMAT}."
        raise NetworkError(msg)
    return graph, geometry, meta


def read_hierarchy(directory: Path, graph: RoadGraph, fingerprint: str) -> None:
    """Adopt the cached hierarchies if they belong to this exact graph; else log (built on first use)."""
    path = network_files(directory)[2]
    if not path.is_file():
        return
    try:
        with np.load(path) as data:
            arrays = {k: data[k] for k in data.files}
        if str(arrays.get("fingerprint")) != fingerprint:
            logger.warning("Hierarchy %s is for another road graph; rebuilding on first use.", path)
            return
        adopt_hierarchy_state(graph, arrays)
    except (OSError, ValueError, KeyError, TypeError, EOFError) as err:
        logger.warning("Cached hierarchy %s cannot be read (%s); rebuilding on first use.", path, err)
