"""``python -m geo``: the data and road-network commands of xunzhen.

Commands
--------
``info``
    Counts per prefecture and county type, facilities per type, the active network, data sources and dates.
``network --osm FILE | --download fujian | --download-prefecture 龙岩 | --status | --clear``
    Build (and cache) the OSM road network, show it, or remove it (the estimated network becomes active).
``prepare``
    Compile the road engine's kernels into the user cache (``tasks.py run`` does it at every start: about
    25 s after installing or updating, 1 s after), so the app's first road query takes under a second.
``travel --from NAME|--from-lonlat LON,LAT --to NAME|--to-lonlat LON,LAT [--crs CRS] [--estimated]``
    Minutes and km between two places, saying whether road-routed or 估算/estimated.
``geocode QUERY… [--provider offline|nominatim|amap|baidu --key K]``
    Points (WGS84) for addresses or facility names; offline gazetteer first.
``overview [--prefecture 龙岩] [--csv FILE]``
    Facility counts and data-quality findings.
``validate FILE [--map HEADER=FIELD] [--crs C] [--fix-swapped] [--out CSV]``
    Check a facility list (CSV/XLSX): one line per problem and a summary.

Exit codes: 0 done, 1 the command ran and found problems (rejected rows, places not found), 2 bad input
(unknown or ambiguous name, point outside Fujian, missing/corrupt file). Messages, never tracebacks
(the error boundary is :func:`geo.cli.run`).
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Sequence

import numpy as np

from geo import cli
from geo import network as gn
from geo._errors import (
    AmbiguousPlaceError,
    InputValidationError,
    NetworkError,
    OutsideFujianError,
    UnknownPlaceError,
    XunzhenError,
)
from geo.cli import EXIT_FAILED, EXIT_OK
from geo.coords import FUJIAN_BBOX, in_fujian, to_wgs84
from geo.facilities import FACILITY_TYPES, load_facilities
from geo.facilities._read import FIELDS
from geo.facilities.upload import read_upload, validate_upload
from geo.geocoding import PROVIDERS, geocode
from geo.network import EstimatedNetwork, active_network
from geo.overview import quality_csv, quality_report, select_facilities, summary_counts
from geo.places import (
    dataset_info,
    load_counties,
    load_prefectures,
    load_townships,
    resolve_place,
)
from geo.scope import prefecture_code
from geo.tables import write_csv


def _print(*lines: str) -> None:
    for line in lines:
        print(line)


# --------------------------------------------------------------------------------------------------- info


def cmd_info(args: argparse.Namespace) -> int:
    """Print what is loaded."""
    info = dataset_info()
    counties = load_counties()
    _print(f"xunzhen 数据 / dataset: {info.get('name', '')}", f"  坐标 / CRS: {info.get('crs', 'WGS84')}")
    _print(
        f"  乡级单位 / township-level units: {info['townships']}"
        f"（有坐标 / placed {info['townships_placed']}）",
        f"  县级 / counties: {info['counties']}   地级市 / prefectures: {info['prefectures']}",
        f"  2020 年人口普查 / census population: {info['population_2020']:,}",
    )
    kinds = sorted(set(counties["kind"]))
    _print("", "各地市 / per prefecture: 乡级单位 townships | " + " | ".join(kinds))
    per_kind = counties.groupby(["prefecture_name", "kind"]).size()
    for pref, n_town in sorted(info["townships_per_prefecture"].items()):
        cells = " | ".join(f"{kind} {int(per_kind.get((pref, kind), 0))}" for kind in kinds)
        _print(f"  {pref:<5} {n_town:>4} | {cells}")
    _print(
        "  县级类型 / county types: " + "，".join(f"{k} {v}" for k, v in info["counties_per_kind"].items())
    )

    facilities = load_facilities()
    _print("", "机构 / facilities (位置为近似：乡镇/县/街道驻地 · locations approximate: seats):")
    counts = facilities["facility_type"].value_counts()
    for key, labels in FACILITY_TYPES.items():
        _print(f"  {labels['zh']} / {labels['en']}: {int(counts.get(key, 0))}")
    unplaced = int(facilities["lon"].isna().sum())
    if unplaced:
        _print(f"  无坐标 / without a location: {unplaced}")

    net = active_network()
    _print("", f"路网 / network: {net.kind}", f"  {net.label('zh')}", f"  {net.label('en')}")
    if net.is_estimated:
        _print("  所有行驶时间与距离均为估算值 / every travel time and distance is an estimate.")
        _print("  建立真实路网 / to build the road network: python -m geo network --download fujian")
    else:
        meta = getattr(net, "meta", {})
        _print(
            f"  节点 / nodes {meta.get('n_nodes')}, 有向边 / directed edges {meta.get('n_edges')}, "
            f"built {meta.get('built_at', '?')}"
        )

    _print("", "数据来源与日期 / sources and dates:")
    for src in info.get("sources", []):
        _print(f"  - {src.get('name')}: {src.get('date')} ({src.get('licence')})")
    return EXIT_OK


# --------------------------------------------------------------------------------------------------- network


def cmd_network(args: argparse.Namespace) -> int:
    """Build, show or clear the cached road network."""
    if args.clear:
        removed = gn.clear_network_cache()
        _print(
            "已删除缓存路网，改用估算路网 / cached network removed; the estimated network is active."
            if removed
            else "没有缓存路网 / no cached network; the estimated network is active."
        )
        return EXIT_OK
    net: gn.Network
    if args.osm:
        _print(f"读取 / reading {args.osm} …")
        net = gn.build_network_from_file(args.osm)
    elif args.download:
        _print("下载 Geofabrik 福建 OSM 数据（约 40 MB）/ downloading Geofabrik's Fujian extract (≈ 40 MB) …")
        net = gn.build_network_from_download(args.download)
    elif args.download_prefecture:
        _print(f"通过 osmnx 下载 {args.download_prefecture} 的道路 / downloading roads through osmnx …")
        net = gn.build_prefecture_network(args.download_prefecture)
    else:
        net = gn.active_network()
    _describe_network(net)
    return EXIT_OK


def cmd_prepare(args: argparse.Namespace) -> int:
    """Compile (or load) the road engine's kernels."""
    _print("准备路网计算内核 / preparing the road engine's kernels …")
    t0 = time.perf_counter()
    where = gn.prepare_engine()
    if where is None:
        _print("未使用编译内核（无 numba），改用 scipy / no compiled kernels (numba missing): scipy is used.")
    else:
        _print(f"完成，用时 {time.perf_counter() - t0:.1f} 秒 / done in {time.perf_counter() - t0:.1f} s "
               f"(cache: {where})")
    return EXIT_OK


def _describe_network(net: gn.Network) -> None:
    _print(f"路网 / network: {net.label('zh')}", f"               {net.label('en')}")
    if not isinstance(net, gn.OSMNetwork):
        _print(net.speed_table_doc("zh"), net.speed_table_doc("en"))
        return
    g = net.graph
    total_km = float(g.edge_km.sum())
    _print(
        f"  节点 / nodes: {g.n_nodes:,}   有向边 / directed edges: {g.n_edges:,}   "
        f"道路长度（双向计两次）/ edge km: {total_km:,.1f}",
        f"  指纹 / fingerprint: {net.fingerprint()}",
        f"  缓存 / cached in: {gn.network_dir()}",
        net.speed_table_doc("zh"),
    )
    try:
        snaps = gn.snap_facilities(net, load_facilities())
    except XunzhenError as err:
        _print(f"  (机构未能吸附 / facilities not snapped: {err})")
        return
    placed = snaps["snap_m"].notna()
    far = int(snaps["far_from_road"].sum())
    _print(
        f"  机构吸附到最近道路节点 / facilities snapped: {int(placed.sum())}，中位距离 / median "
        f"{float(np.nanmedian(snaps['snap_m'])) if placed.any() else float('nan'):,.0f} m",
        f"  距道路超过 2 公里 / more than 2 km from any road: {far}",
    )
    if placed.any() and far == int(placed.sum()):
        _print("  注意：此路网不覆盖福建的机构 / note: this network does not cover Fujian's facilities.")
    out = gn.network_dir() / "facility_snaps.csv"
    out.parent.mkdir(parents=True, exist_ok=True)
    write_csv(snaps.round({"snap_m": 1}), out)
    _print(f"  吸附明细 / snap table (facility_id, node, snap_m, far_from_road): {out}")


# --------------------------------------------------------------------------------------------------- travel


def _parse_lonlat(text: str, crs: str, which: str) -> tuple[float, float]:
    """``"LON,LAT"`` in ``crs`` → WGS84 (lon, lat) inside Fujian."""
    parts = text.replace("，", ",").split(",")
    try:
        lon, lat = (float(p) for p in parts)
    except ValueError as err:
        msg = f"--{which}-lonlat {text!r} is not 'LON,LAT' in decimal degrees (e.g. 116.36,25.84)."
        raise InputValidationError(msg) from err
    swapped = bool(np.asarray(in_fujian(lat, lon)).ravel()[0])
    hint = " It looks like LAT,LON: give longitude first." if swapped else ""
    if not (np.isfinite(lon) and np.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
        msg = f"--{which}-lonlat {text!r} is not a valid longitude,latitude pair.{hint}"
        raise InputValidationError(msg)
    wlon, wlat = (float(np.asarray(v).ravel()[0]) for v in to_wgs84(lon, lat, crs))
    if not bool(np.asarray(in_fujian(wlon, wlat)).ravel()[0]):
        lo0, la0, lo1, la1 = FUJIAN_BBOX
        msg = (
            f"--{which}-lonlat {text!r} lies outside Fujian (lon {lo0}–{lo1}, lat {la0}–{la1}, WGS84)."
            f"{hint or ' '}"
            "Check the longitude,latitude order and the coordinate system (--crs)."
        )
        raise OutsideFujianError(msg)
    return wlon, wlat


def _resolve(name: str, which: str) -> tuple[str, tuple[float, float]]:
    match = resolve_place(name)
    if match.lon is None or match.lat is None:
        reason = match.no_point_reason or "no coordinates"
        msg = f"--{which} {name!r} ({match.display_name}) has no location ({reason}); use --{which}-lonlat."
        raise InputValidationError(msg)
    return match.display_name, (match.lon, match.lat)


def cmd_travel(args: argparse.Namespace) -> int:
    """Travel time and distance between two places."""
    ends = {}
    for which in ("from", "to"):
        name, lonlat = getattr(args, which.replace("from", "from_")), getattr(args, f"{which}_lonlat")
        if (name is None) == (lonlat is None):
            msg = f"Give exactly one of --{which} NAME or --{which}-lonlat LON,LAT."
            raise InputValidationError(msg)
        if name is not None:
            ends[which] = _resolve(name, which)
        else:
            ends[which] = (f"({lonlat}, {args.crs})", _parse_lonlat(lonlat, args.crs, which))
    net = EstimatedNetwork() if args.estimated else active_network()
    res = net.travel([ends["from"][1]], [ends["to"][1]])
    minutes, km = float(res.minutes[0, 0]), float(res.km[0, 0])
    (fname, (flon, flat)), (tname, (tlon, tlat)) = ends["from"], ends["to"]
    _print(
        f"从 / from: {fname}  [{flon:.5f}, {flat:.5f} WGS84]",
        f"到 / to:   {tname}  [{tlon:.5f}, {tlat:.5f} WGS84]",
    )
    _print(f"路网 / network: {net.label('zh')}")
    if not np.isfinite(minutes):
        _print("两地之间没有道路连通 / no road connects these two places.")
        return EXIT_OK
    if res.estimated:
        _print(
            f"估算行驶时间 / estimated travel time: 约 {minutes:.0f} 分钟 (≈ {minutes:.0f} min, estimated)",
            f"估算道路距离 / estimated road distance: 约 {km:.1f} 公里 (≈ {km:.1f} km, estimated)",
            "（估算：直线距离 × 绕行系数，按假定车速；不是道路实测）",
            "(estimated: straight line × circuity at assumed speeds, not road-routed)",
        )
    else:
        _print(
            f"行驶时间（道路路径）/ road-routed travel time: {minutes:.0f} 分钟 ({minutes:.1f} min)",
            f"道路距离 / road distance: {km:.1f} 公里 ({km:.1f} km)",
        )
        far = False
        snaps = (res.origin_snap_m, res.destination_snap_m)
        for label, snap in zip(("起点 / origin", "终点 / destination"), snaps, strict=True):
            snap_m = float(snap[0]) if snap is not None else 0.0
            if snap_m > 2000:
                far = True
                _print(
                    f"  注意 / note: {label} 距最近道路 {snap_m / 1000:,.1f} km (> 2 km from any road; "
                    "a straight access leg is included)"
                )
        if far:
            est = EstimatedNetwork().travel([ends["from"][1]], [ends["to"][1]])
            est_min, est_km = float(est.minutes[0, 0]), float(est.km[0, 0])
            _print(
                f"  对照 / for comparison: 估算 约 {est_min:.0f} 分钟、{est_km:.1f} 公里"
                f" (estimated ≈ {est_min:.0f} min, {est_km:.1f} km)"
            )
    return EXIT_OK


# --------------------------------------------------------------------------------------------------- geocode


def cmd_geocode(args: argparse.Namespace) -> int:
    """Geocode each query; exit 1 when one is not found or ambiguous."""
    status = EXIT_OK
    for q in args.query:
        try:
            r = geocode(q, args.provider, api_key=args.key)
        except AmbiguousPlaceError as exc:
            print(f"{q}: ambiguous — {exc}")
            status = EXIT_FAILED
            continue
        except (UnknownPlaceError, InputValidationError, NetworkError) as exc:
            print(f"{q}: not found — {exc}")
            status = EXIT_FAILED
            continue
        print(
            f"{q}\n  → {r.matched}\n  lon {r.lon:.6f}, lat {r.lat:.6f} (WGS84)  [{r.location_quality}; "
            f"{r.provider}]"
        )
        for note in r.notes:
            print(f"  note: {note}")
    return status


# -------------------------------------------------------------------------------------------------- overview


def cmd_overview(args: argparse.Namespace) -> int:
    """Facility counts per prefecture and type, and the data-quality findings."""
    prefs = load_prefectures()
    codes = None
    if args.prefecture:
        codes = [prefecture_code(p) for p in args.prefecture]
    fac = load_facilities()
    print(summary_counts(select_facilities(fac, codes), prefs, args.lang).to_string())
    report = quality_report(load_townships(), fac, codes)
    print()
    for key, n in report.counts().items():
        print(f"{key}: {n}")
    if args.csv:
        with open(args.csv, "wb") as fh:
            fh.write(quality_csv(report, args.lang))
        print(f"wrote {args.csv}")
    return EXIT_OK


# -------------------------------------------------------------------------------------------------- validate


def _mapping(pairs: Sequence[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for pair in pairs:
        header, sep, fieldname = pair.partition("=")
        if not sep:
            msg = f"--map {pair!r}: expected HEADER=FIELD (FIELD empty to ignore the column)."
            raise InputValidationError(msg)
        out[header.strip()] = fieldname.strip() or None
    return out


def cmd_validate(args: argparse.Namespace) -> int:
    """One line per problem and a summary; exit 0 when every row is accepted, 1 otherwise."""
    table = read_upload(args.file, sheet=args.sheet)
    result = validate_upload(table, _mapping(args.map), crs=args.crs, fix_swapped=args.fix_swapped)
    for note in table.notes:
        print(f"note: {note}")
    ignored = [h for h in table.unmapped if h not in result.mapping]
    if ignored:
        label = "未识别的列（已忽略）" if args.lang == "zh" else "unrecognised columns (ignored)"
        print(f"{label}: {', '.join(ignored)}")
    for line in result.report_lines(args.lang):
        print(line)
    if args.out:
        write_csv(result.accepted.drop(columns="geometry"), args.out)
    return EXIT_OK if result.all_accepted else EXIT_FAILED


# --------------------------------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser of ``python -m geo``."""
    parser = argparse.ArgumentParser(
        prog="python -m geo", description="xunzhen 巡诊: places, facilities and road network of Fujian."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("info", help="what is loaded: counts, network, data dates / 数据概况")

    net = sub.add_parser("network", help="build, show or clear the road network / 路网")
    group = net.add_mutually_exclusive_group()
    group.add_argument("--osm", metavar="FILE", help="build from a .osm, .osm.bz2 or .osm.pbf file")
    group.add_argument(
        "--download", metavar="REGION", help="download Geofabrik's extract (only: fujian) and build"
    )
    group.add_argument(
        "--download-prefecture", metavar="NAME", help="download one prefecture via osmnx, e.g. 龙岩"
    )
    group.add_argument("--status", action="store_true", help="show the active network (default)")
    group.add_argument(
        "--clear", action="store_true", help="remove the cached network (estimated becomes active)"
    )

    sub.add_parser("prepare", help="compile the road engine's kernels ahead of time / 预编译路网内核")

    travel = sub.add_parser("travel", help="minutes and km between two places / 两地行驶时间")
    travel.add_argument(
        "--from", dest="from_", metavar="NAME", help="township, county or facility, e.g. 长汀县新桥镇"
    )
    travel.add_argument("--to", metavar="NAME", help="township, county or facility name")
    travel.add_argument("--from-lonlat", metavar="LON,LAT", help="origin point instead of a name")
    travel.add_argument("--to-lonlat", metavar="LON,LAT", help="destination point instead of a name")
    travel.add_argument(
        "--crs", choices=("wgs84", "gcj02", "bd09"), default="wgs84", help="CRS of --*-lonlat"
    )
    travel.add_argument(
        "--estimated", action="store_true", help="use the estimated network even if OSM is built"
    )
    geocode = sub.add_parser("geocode", help="points (WGS84) for addresses or facility names / 地址匹配")
    geocode.add_argument(
        "query", nargs="+", help="address or facility name, e.g. 福建省龙岩市漳平市双洋镇卫生院"
    )
    geocode.add_argument("--provider", choices=PROVIDERS, default="offline")
    geocode.add_argument("--key", default=None, help="AMap key or Baidu ak (online providers)")

    overview = sub.add_parser("overview", help="facility counts and data-quality findings / 数据质量")
    overview.add_argument(
        "--prefecture",
        action="append",
        default=None,
        help="prefecture short name or code (repeatable), e.g. 龙岩 or 350800; default all",
    )
    overview.add_argument("--lang", choices=["zh", "en"], default="zh")
    overview.add_argument("--csv", help="write the data-quality findings to this CSV file")

    v = sub.add_parser("validate", help="check a CSV/XLSX facility list; one line per problem / 检查机构清单")
    v.add_argument("file", help="CSV or XLSX file (UTF-8, UTF-8 with BOM, GBK/GB18030)")
    v.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help=f"map an unrecognised column to a field ({', '.join(FIELDS)}); repeatable",
    )
    v.add_argument(
        "--crs",
        choices=("wgs84", "gcj02", "bd09"),
        default=None,
        help="coordinate system of rows with no 坐标系 value (default: from headers, else detected)",
    )
    v.add_argument(
        "--fix-swapped", action="store_true", help="swap back latitude/longitude that are swapped"
    )
    v.add_argument("--sheet", default=None, help="worksheet of an XLSX file (default: the first)")
    v.add_argument("--lang", choices=("en", "zh"), default="en", help="message language")
    v.add_argument("--out", default=None, help="write the accepted rows (facility table, WGS84) to this CSV")
    return parser




COMMANDS = {
    "info": cmd_info,
    "network": cmd_network,
    "prepare": cmd_prepare,
    "travel": cmd_travel,
    "geocode": cmd_geocode,
    "overview": cmd_overview,
    "validate": cmd_validate,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m geo``; returns the exit code (0 done, 1 problems found, 2 bad input)."""
    args = build_parser().parse_args(argv)
    return cli.run(COMMANDS[args.command], args)


if __name__ == "__main__":
    raise SystemExit(main())
