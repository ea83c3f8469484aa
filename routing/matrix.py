"""Many-to-many travel times (minutes) and distances (km) on the active road network, cached on disk.

:func:`travel_matrix` asks a :class:`geo.network.Network` for every origin × destination pair and adds
what the network alone does not say: *why* a pair has no time. Reasons (``REASONS``, codes in
``MatrixResult.reason``):

* ``no_point_origin`` / ``no_point_destination`` — the place has no coordinates (NaN lon/lat);
* ``no_road_origin`` / ``no_road_destination`` — on an OSM network, the place is more than 2 km from any road
  (``geo.network.FAR_FROM_ROAD_M``); its time is not trusted, so the pair is ``inf``;
* ``not_connected`` — both ends are on roads but no road path joins them.

Results are cached in ``<cache>/matrix/`` (``$XUNZHEN_CACHE_DIR`` or the platformdirs user cache dir),
keyed by the network's :meth:`~geo.network.Network.fingerprint` and a hash of the points, plus a small
in-process cache.

Figures from the estimated network carry ``estimated=True``: show them as 估算/estimated (the CSV of the
command line says so in its ``estimated`` column; the CSV is plain, header first).

Command line::

    python -m routing.matrix --from 长汀县新桥镇,连城县 --to 龙岩市第一医院 --csv out.csv
    python -m routing.matrix --from-type county_hospital --to-type township_health_center --prefecture 龙岩
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import os
import tempfile
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from geo import cli
from geo._errors import InputValidationError
from geo.facilities import FACILITY_TYPES, load_facilities
from geo.labels import Labels, text
from geo.network import FAR_FROM_ROAD_M, Network, TravelResult, active_network, cache_root
from geo.places import load_prefectures, resolve_place
from geo.scope import check_county_code, check_in_fujian
from geo.tables import write_csv

__all__ = ["REASONS", "MatrixResult", "matrix_cache_dir", "reason_label", "travel_matrix"]

logger = logging.getLogger(__name__)

#: Unreachable-pair reasons by code (index into this tuple); code 0 = reachable.
REASONS: tuple[str, ...] = (
    "",
    "no_point_origin",
    "no_point_destination",
    "no_road_origin",
    "no_road_destination",
    "not_connected",
)
#: User-facing text of every reason (:mod:`geo.labels` shape).
REASON_LABELS: Labels = {
    "": {"zh": "", "en": ""},
    "no_point_origin": {"zh": "起点无坐标", "en": "origin has no point"},
    "no_point_destination": {"zh": "终点无坐标", "en": "destination has no point"},
    "no_road_origin": {"zh": "起点 2 公里内无道路", "en": "no road within 2 km of the origin"},
    "no_road_destination": {"zh": "终点 2 公里内无道路", "en": "no road within 2 km of the destination"},
    "not_connected": {"zh": "道路不连通", "en": "not connected by road"},
}
_CACHE_VERSION = "matrix-v1"
_MEMORY: OrderedDict[str, MatrixResult] = OrderedDict()
_MEMORY_MAX = 8


@dataclass(frozen=True, eq=False)
class MatrixResult(TravelResult):
    """A :class:`geo.network.TravelResult` with the reason for every unreachable pair.

    Attributes
    ----------
    minutes, km
        Shape (n_origins, n_destinations); ``inf`` where unreachable.
    estimated
        True on the estimated network (label every figure 估算/estimated).
    reason
        int8 codes into :data:`REASONS`, same shape; 0 where reachable.
    network_kind, network_label, network_label_en
        ``"osm"`` or ``"estimated"`` and the network's one-line label in Chinese and English.
    """
    reason: np.ndarray | None = None
    network_kind: str = ""
    network_label: str = ""
    network_label_en: str = ""

    def reason_text(self, i: int, j: int, lang: str = "zh") -> str:
        """The reason pair (i, j) has no time ("" when it has one)."""
        assert self.reason is not None
        return reason_label(REASONS[int(self.reason[i, j])], lang)


def reason_label(code: str, lang: str = "zh") -> str:
    """User-facing text of a reason key (``lang`` "zh" or "en")."""
    return text(REASON_LABELS, code, lang)


def matrix_cache_dir() -> Path:
    """Directory of cached matrices: ``<xunzhen cache>/matrix``."""
    return cache_root() / "matrix"


def _as_points(points: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(points, dtype=float)
    if arr.ndim == 1 and arr.shape[0] == 2:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != 2:
        msg = f"{name} must be an array of (lon, lat) pairs with shape (n, 2), got shape {arr.shape}."
        raise InputValidationError(msg)
    return arr


def _key(network: Network, origins: np.ndarray, destinations: np.ndarray) -> str:
    h = hashlib.sha256(f"{_CACHE_VERSION}|{network.fingerprint()}|{FAR_FROM_ROAD_M}".encode())
    for arr in (origins, destinations):
        h.update(str(arr.shape).encode())
        h.update(np.ascontiguousarray(arr, dtype=np.float64).tobytes())
    return h.hexdigest()[:32]


def _compute(network: Network, origins: np.ndarray, destinations: np.ndarray) -> MatrixResult:
    n, m = len(origins), len(destinations)
    minutes = np.full((n, m), np.inf)
    km = np.full((n, m), np.inf)
    reason = np.zeros((n, m), dtype=np.int8)
    o_ok = np.isfinite(origins).all(axis=1)
    d_ok = np.isfinite(destinations).all(axis=1)
    o_snap = np.full(n, np.nan)
    d_snap = np.full(m, np.nan)
    if o_ok.any() and d_ok.any():
        res = network.travel(origins[o_ok], destinations[d_ok])
        idx = np.ix_(np.flatnonzero(o_ok), np.flatnonzero(d_ok))
        minutes[idx] = res.minutes
        km[idx] = res.km
        if res.origin_snap_m is not None:
            o_snap[o_ok] = res.origin_snap_m
        if res.destination_snap_m is not None:
            d_snap[d_ok] = res.destination_snap_m
        sub = np.where(np.isfinite(res.minutes), 0, REASONS.index("not_connected")).astype(np.int8)
        reason[idx] = sub
    # the most specific reason wins: no point > no road (origin first)
    far_o = o_snap > FAR_FROM_ROAD_M
    far_d = d_snap > FAR_FROM_ROAD_M
    reason[:, far_d] = REASONS.index("no_road_destination")
    reason[far_o, :] = REASONS.index("no_road_origin")
    reason[:, ~d_ok] = REASONS.index("no_point_destination")
    reason[~o_ok, :] = REASONS.index("no_point_origin")
    bad = reason > 0
    minutes[bad] = np.inf
    km[bad] = np.inf
    return MatrixResult(
        minutes=minutes,
        km=km,
        estimated=bool(network.is_estimated),
        origin_snap_m=o_snap,
        destination_snap_m=d_snap,
        reason=reason,
        network_kind=network.kind,
        network_label=network.label("zh"),
        network_label_en=network.label("en"),
    )


def _array(values: np.ndarray | None) -> np.ndarray:
    """``values``, or an empty array for a missing optional one (``np.savez`` cannot store None)."""
    return np.zeros(0) if values is None else values


def _save(path: Path, res: MatrixResult) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp.npz")
    os.close(fd)
    try:
        np.savez(
            tmp,
            minutes=res.minutes,
            km=res.km,
            reason=_array(res.reason),
            origin_snap_m=_array(res.origin_snap_m),
            destination_snap_m=_array(res.destination_snap_m),
            meta=np.array([str(res.estimated), res.network_kind, res.network_label, res.network_label_en]),
        )
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


#: What reading a damaged ``.npz`` can raise: truncated/empty (EOFError, BadZipFile), flipped bytes
#: (BadZipFile "Bad CRC-32", zlib.error), a missing or mis-shaped array (KeyError, ValueError, IndexError),
#: I/O (OSError).
_UNREADABLE = (OSError, EOFError, ValueError, KeyError, IndexError, zipfile.BadZipFile, zlib.error)


def _load(path: Path, shape: tuple[int, int]) -> MatrixResult | None:
    """The cached matrix at ``path``, or ``None`` when it is missing or damaged (then logged and removed)."""
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = [str(x) for x in z["meta"]]
            res = MatrixResult(
                minutes=z["minutes"],
                km=z["km"],
                estimated=meta[0] == "True",
                origin_snap_m=z["origin_snap_m"],
                destination_snap_m=z["destination_snap_m"],
                reason=z["reason"],
                network_kind=meta[1],
                network_label=meta[2],
                network_label_en=meta[3] if len(meta) > 3 else meta[2],  # caches written before: Chinese
            )
        shapes = (res.minutes.shape, res.km.shape, getattr(res.reason, "shape", None))
        if any(s != shape for s in shapes) or len(meta) not in (3, 4):
            msg = f"arrays of shape {shapes}, expected {shape}"
            raise ValueError(msg)
        return res
    except FileNotFoundError:
        return None
    except _UNREADABLE as err:
        logger.warning(
            "Removing unreadable matrix cache %s (%s: %s); recomputing.", path, type(err).__name__, err
        )
        try:
            path.unlink()
        except OSError as unlink_err:  # a read-only cache: leave it, recompute every time
            logger.warning("Could not remove %s: %s", path, unlink_err)
        return None


def travel_matrix(
    network: Network, origins: ArrayLike, destinations: ArrayLike, *, cache: bool = True
) -> MatrixResult:
    """Travel time (minutes) and distance (km) from every origin to every destination, with reasons.

    Parameters
    ----------
    network
        The road network (``geo.network.active_network()`` in the app).
    origins, destinations
        WGS84 (lon, lat) arrays of shape (n, 2) and (m, 2); a row of NaN means "no point" (kept, unreachable).
    cache
        Read and write the disk cache (keyed by the network fingerprint and the points).

    Returns
    -------
    MatrixResult
        ``minutes`` and ``km`` (n, m) with ``inf`` where unreachable, ``reason`` codes, ``estimated`` flag.

    Raises
    ------
    InputValidationError
        If the arrays are not (n, 2) or a point is not a valid WGS84 coordinate.
    """
    o = _as_points(origins, "origins")
    d = _as_points(destinations, "destinations")
    key = _key(network, o, d)
    if cache and key in _MEMORY:
        _MEMORY.move_to_end(key)
        return _MEMORY[key]
    path = matrix_cache_dir() / f"{key}.npz"
    res = _load(path, (len(o), len(d))) if cache else None
    if res is None:
        res = _compute(network, o, d)
        if cache:
            try:
                _save(path, res)
            except OSError as err:  # read-only or full cache: the result is still returned
                logger.warning("Could not write the matrix cache %s: %s", path, err)
    for arr in (res.minutes, res.km, res.reason):
        if arr is not None:
            arr.setflags(write=False)
    if cache:
        _MEMORY[key] = res
        while len(_MEMORY) > _MEMORY_MAX:
            _MEMORY.popitem(last=False)
    return res


def clear_memory_cache() -> None:
    """Forget the in-process cache (the disk cache stays)."""
    _MEMORY.clear()


# ---------------------------------------------------------------------------------------------- command line


@dataclass(frozen=True)
class _Place:
    name: str
    lon: float
    lat: float


def _split_names(names: str) -> list[str]:
    parts = [p.strip() for p in names.replace("，", ",").replace("、", ",").replace(";", ",").split(",")]
    return [p for p in parts if p]


def _places_by_name(names: str, option: str) -> list[_Place]:
    """Resolve comma-separated names; refuse an empty list and places outside Fujian or in 金门县."""
    split = _split_names(names)
    if not split:
        msg = (
            f"{option} 为空 / {option} is empty: give one or more place names, comma-separated "
            "(连城县,长汀县新桥镇)."
        )
        raise InputValidationError(msg)
    out = []
    for name in split:
        match = resolve_place(name)
        label = f"{option} {match.display_name}"
        check_county_code(match.county_code, label)
        lon = np.nan if match.lon is None else match.lon
        lat = np.nan if match.lat is None else match.lat
        if match.lon is not None and match.lat is not None:
            check_in_fujian(lon, lat, label)
        out.append(_Place(match.display_name, lon, lat))
    return out


def _places_by_type(facility_type: str, prefecture: str | None) -> list[_Place]:
    if facility_type not in FACILITY_TYPES:
        msg = f"Unknown facility type {facility_type!r}; choose one of: {', '.join(FACILITY_TYPES)}."
        raise InputValidationError(msg)
    fac = load_facilities()
    fac = fac[fac["facility_type"] == facility_type]
    if prefecture:
        fac = fac[_prefecture_mask(fac, prefecture)]
    return [
        _Place(f"{r.prefecture_name}{r.county_name}{r.name}", r.lon, r.lat)
        for r in fac.sort_values("facility_id").itertuples()
    ]


def _prefecture_mask(frame: pd.DataFrame, prefecture: str) -> pd.Series:
    pref = load_prefectures()
    hit = pref[(pref["name"] == prefecture) | (pref["short_name"] == prefecture)]
    if hit.empty:
        names = "、".join(pref["short_name"])
        msg = f"Unknown prefecture {prefecture!r}; choose one of: {names}."
        raise InputValidationError(msg)
    return frame["prefecture_code"] == hit["code"].iloc[0]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m routing.matrix",
        description="Travel times (minutes) and distances (km) between places on the active road network. "
        "Figures from the estimated network are labelled 估算/estimated.",
    )
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--from", dest="from_names", help="origin names, comma-separated (长汀县新桥镇,连城县)")
    src.add_argument("--from-type", help="all facilities of one type as origins, e.g. county_hospital")
    dst = p.add_mutually_exclusive_group(required=True)
    dst.add_argument("--to", dest="to_names", help="destination names, comma-separated")
    dst.add_argument("--to-type", help="all facilities of one type as destinations")
    p.add_argument("--prefecture", help="with --from-type/--to-type: only this prefecture (e.g. 龙岩)")
    p.add_argument("--csv", help="write the long table (one row per pair) to this CSV file (UTF-8 with BOM)")
    p.add_argument("--no-cache", action="store_true", help="neither read nor write the matrix cache")
    return p


def matrix_table(res: MatrixResult, origin_names: list[str], destination_names: list[str]) -> pd.DataFrame:
    """Long table: one row per (origin, destination) with minutes, km, estimated flag and reason.

    Parameters
    ----------
    res
        The matrix.
    origin_names, destination_names
        Labels of the rows and columns.

    Returns
    -------
    pandas.DataFrame
        Columns ``from``, ``to``, ``minutes``, ``km`` (rounded to 0.1, empty if unreachable), ``estimated``,
        ``network``, ``reason``.
    """
    n, m = res.minutes.shape
    mins = np.where(np.isfinite(res.minutes), np.round(res.minutes, 1), np.nan)
    kms = np.where(np.isfinite(res.km), np.round(res.km, 1), np.nan)
    assert res.reason is not None
    reasons = np.array([reason_label(r, "en") for r in REASONS])[res.reason]
    return pd.DataFrame(
        {
            "from": np.repeat(origin_names, m),
            "to": np.tile(destination_names, n),
            "minutes": mins.ravel(),
            "km": kms.ravel(),
            "estimated": res.estimated,
            "network": res.network_kind,
            "reason": reasons.ravel(),
        }
    )


def run(args: argparse.Namespace) -> int:
    """Resolve the places, compute the matrix, print it or write the CSV."""
    if args.prefecture and not (args.from_type or args.to_type):
        msg = "--prefecture only applies with --from-type or --to-type."
        raise InputValidationError(msg)
    if args.from_names is not None:
        origins = _places_by_name(args.from_names, "--from")
    else:
        origins = _places_by_type(args.from_type, args.prefecture)
    if args.to_names is not None:
        dests = _places_by_name(args.to_names, "--to")
    else:
        dests = _places_by_type(args.to_type, args.prefecture)
    if not origins or not dests:
        msg = "No places selected (check --from/--to, the facility type and --prefecture)."
        raise InputValidationError(msg)
    network = active_network()
    res = travel_matrix(
        network,
        [(p.lon, p.lat) for p in origins],
        [(p.lon, p.lat) for p in dests],
        cache=not args.no_cache,
    )
    table = matrix_table(res, [p.name for p in origins], [p.name for p in dests])
    est_zh = "估算（直线距离×绕行系数，非道路实测）" if res.estimated else "道路路径计算（OpenStreetMap）"
    est_en = "ESTIMATED (great-circle × circuity, not road-routed)" if res.estimated else "road-routed (OSM)"
    header = [
        f"network: {network.label('en')}",
        f"路网：{network.label('zh')}",
        f"figures: {est_en} / {est_zh}",
    ]
    if args.csv:
        write_csv(table, args.csv)
        print(f"wrote {len(table)} rows to {args.csv} ({est_en})")
    else:
        for line in header:
            print(f"# {line}")
        shown = table.copy()
        shown["minutes"] = shown["minutes"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        shown["km"] = shown["km"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
        if res.estimated:
            shown["minutes"] = shown["minutes"].map(lambda v: f"{v} (估算)" if v else v)
        print(shown.to_string(index=False, max_rows=200))
    return cli.EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m routing.matrix``; returns the exit status (2 on bad input, with a one-line message)."""
    return cli.run_parser(_parser(), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
