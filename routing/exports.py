"""Static maps (PNG / PDF) for every analysis, drawn with matplotlib (tables: :mod:`geo.tables`).

* :func:`static_map` — a map without tiles (works offline, prints well): county and prefecture boundaries,
  polygon and point layers, a legend, a title and key-figure lines, in a CJK font (Noto Sans CJK from the
  Debian package ``fonts-noto-cjk`` when installed, else any CJK font matplotlib finds, else its default).

Nothing here imports Streamlit; matplotlib is imported lazily.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from geo._errors import InputValidationError
from geo.places import load_counties, load_prefectures

__all__ = [
    "LegendEntry",
    "PointLayer",
    "PolygonLayer",
    "cjk_font_available",
    "cjk_font_family",
    "register_cjk_fonts",
    "static_map",
]

logger = logging.getLogger(__name__)

_CJK_PREFERENCE = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
)


# ------------------------------------------------------------------------------------------------- static map


@dataclass(frozen=True)
class PointLayer:
    """Points to draw: WGS84 ``lon``/``lat`` arrays, one colour per point (or one for all), size in pt²."""
    lon: np.ndarray
    lat: np.ndarray
    color: Any = "#1f77b4"
    size: float | np.ndarray = 14.0
    edgecolor: Any = "white"
    linewidth: float = 0.4
    marker: str = "o"
    zorder: int = 4


@dataclass(frozen=True)
class PolygonLayer:
    """Polygons (shapely, WGS84) filled with ``facecolor`` at ``alpha``; ``edgecolor`` outline."""
    geometries: Sequence[Any]
    facecolor: Any = "#9ecae1"
    edgecolor: Any = "#3182bd"
    alpha: float = 0.35
    linewidth: float = 0.6
    zorder: int = 2


@dataclass(frozen=True)
class LegendEntry:
    """One legend row: a ``label`` with a marker (``kind`` "point", "patch" or "line") of ``color``."""
    label: str
    color: str
    kind: str = "point"
    edgecolor: str = "white"


@dataclass(frozen=True)
class _Frame:
    bounds: tuple[float, float, float, float]
    extras: list[str] = field(default_factory=list)


#: File-name patterns of CJK fonts looked for on the system (Noto CJK from fonts-noto-cjk first).
_CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy", "msyh", "simhei", "pingfang")


@functools.lru_cache(maxsize=1)
def register_cjk_fonts() -> tuple[str, ...]:
    """Register the system's CJK font files with matplotlib directly; return their paths.

    Matplotlib's font cache is built once per user and does not see fonts installed later (the static maps
    then print boxes for every Chinese character), so the files are found afresh and added by path.
    """
    from matplotlib import font_manager

    paths = tuple(
        sorted(
            p
            for p in font_manager.findSystemFonts(fontext="ttf")  # .ttf, .otf and .ttc files
            if any(hint in Path(p).name.lower() for hint in _CJK_FILE_HINTS)
        )
    )
    for path in paths:
        try:
            font_manager.fontManager.addfont(path)
        except (OSError, RuntimeError, ValueError) as err:  # a broken font file: skip it, say so
            logger.warning("Cannot register the font file %s: %s", path, err)
    return paths


def cjk_font_available() -> bool:
    """True when a CJK font is available for static maps and PDFs (else Chinese text shows as boxes)."""
    return cjk_font_family()[0] != "DejaVu Sans"


def cjk_font_family() -> list[str]:
    """Font families for matplotlib with a CJK font first (Noto Sans CJK SC when installed)."""
    from matplotlib import font_manager

    register_cjk_fonts()
    available = {f.name for f in font_manager.fontManager.ttflist}
    for name in _CJK_PREFERENCE:
        if name in available:
            return [name, "DejaVu Sans"]
    cjk = sorted(n for n in available if "CJK" in n or "Hei" in n or "Han" in n)
    if cjk:
        return [cjk[0], "DejaVu Sans"]
    logger.warning(
        "No CJK font found for static maps; Chinese text may show as boxes. "
        "Install the Debian package fonts-noto-cjk."
    )
    return ["DejaVu Sans"]


def _draw_geoms(ax: Any, geoms: Sequence[Any], **kw: Any) -> None:
    from matplotlib.collections import PatchCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    patches = []
    for g in geoms:
        if g is None or g.is_empty:
            continue
        polys = list(g.geoms) if hasattr(g, "geoms") else [g]
        for poly in polys:
            if poly.geom_type != "Polygon":
                continue
            rings = [np.asarray(poly.exterior.coords)] + [np.asarray(r.coords) for r in poly.interiors]
            verts = np.concatenate(rings)
            codes = np.concatenate(
                [[MplPath.MOVETO] + [MplPath.LINETO] * (len(r) - 2) + [MplPath.CLOSEPOLY] for r in rings]
            )
            patches.append(PathPatch(MplPath(verts, codes)))
    if patches:
        ax.add_collection(PatchCollection(patches, **kw))


@dataclass(frozen=True)
class LineLayer:
    """Polylines to draw: each a sequence of WGS84 ``(lon, lat)`` pairs; ``linestyle`` "-" or "--"."""
    paths: Sequence[Any]
    color: Any = "#1f77b4"
    linewidth: float = 2.0
    linestyle: Any = "-"
    alpha: float = 0.9
    zorder: int = 5


@dataclass(frozen=True)
class LabelLayer:
    """Text labels at WGS84 ``lon``/``lat`` (e.g. stop numbers), in a rounded box of ``boxcolor`` if set."""
    lon: Sequence[float]
    lat: Sequence[float]
    texts: Sequence[str]
    color: str = "white"
    boxcolor: Any = None
    fontsize: float = 7.5
    zorder: int = 7


def static_map(
    *,
    title: str,
    lines: Sequence[str] = (),
    points: Sequence[PointLayer] = (),
    polygons: Sequence[PolygonLayer] = (),
    legend: Sequence[LegendEntry] = (),
    legend_title: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    footer: str = "",
    fmt: str = "png",
    dpi: int = 200,
    boundaries: bool = True,
) -> bytes:
    """A static map (no tiles) as PNG or PDF bytes, A4 landscape proportions.

    Parameters
    ----------
    title
        Title line at the top (Chinese welcome).
    lines
        Key figures printed under the title (one per line).
    points, polygons
        Layers in WGS84, drawn over the county/prefecture boundaries of Fujian.
    legend, legend_title
        Legend rows (drawn in the order given).
    bounds
        (lon_min, lat_min, lon_max, lat_max) to show; default: the drawn points, else Fujian.
    footer
        Small print at the bottom (sources, "estimated", date).
    fmt
        "png" or "pdf".
    dpi
        Resolution of the PNG.
    boundaries
        Draw the embedded county and prefecture boundaries.

    Returns
    -------
    bytes
        The image or PDF document.

    Raises
    ------
    InputValidationError
        If ``fmt`` is not "png" or "pdf".
    """
    return _render_static_map(
        title=title,
        lines=lines,
        routes=(),
        labels=(),
        points=points,
        polygons=polygons,
        legend=legend,
        legend_title=legend_title,
        bounds=bounds,
        footer=footer,
        note="",
        fmt=fmt,
        dpi=dpi,
        boundaries=boundaries,
        top_lines=4,
    )


def static_map_with_lines(
    *,
    title: str,
    lines: Sequence[str] = (),
    routes: Sequence[LineLayer] = (),
    labels: Sequence[LabelLayer] = (),
    points: Sequence[PointLayer] = (),
    polygons: Sequence[PolygonLayer] = (),
    legend: Sequence[LegendEntry] = (),
    legend_title: str = "",
    bounds: tuple[float, float, float, float] | None = None,
    footer: str = "",
    note: str = "",
    fmt: str = "png",
    dpi: int = 200,
    boundaries: bool = True,
) -> bytes:
    """:func:`static_map` plus line layers (routes) and text labels; legend kind "dashed" draws a dashed line.

    Same page (A4 landscape, no tiles, Fujian boundaries, CJK font) and arguments as :func:`static_map`;
    ``routes`` are drawn over the polygons, ``labels`` on top; ``note`` is printed in bold under the
    key figures (e.g. "straight lines, estimated"). Bounds default to the routes' and points' extent.

    Returns
    -------
    bytes
        The PNG image or PDF document.

    Raises
    ------
    InputValidationError
        If ``fmt`` is not "png" or "pdf".
    """
    return _render_static_map(
        title=title,
        lines=lines,
        routes=routes,
        labels=labels,
        points=points,
        polygons=polygons,
        legend=legend,
        legend_title=legend_title,
        bounds=bounds,
        footer=footer,
        note=note,
        fmt=fmt,
        dpi=dpi,
        boundaries=boundaries,
        top_lines=3,
    )


def _render_static_map(
    *,
    title: str,
    lines: Sequence[str],
    routes: Sequence[LineLayer],
    labels: Sequence[LabelLayer],
    points: Sequence[PointLayer],
    polygons: Sequence[PolygonLayer],
    legend: Sequence[LegendEntry],
    legend_title: str,
    bounds: tuple[float, float, float, float] | None,
    footer: str,
    note: str,
    fmt: str,
    dpi: int,
    boundaries: bool,
    top_lines: int,
) -> bytes:
    """Draw the static map page shared by :func:`static_map` and :func:`static_map_with_lines`.

    ``top_lines`` key-figure lines go under the title; the rest are printed beside the legend.
    """
    if fmt not in ("png", "pdf"):
        msg = f"Static map format must be 'png' or 'pdf', got {fmt!r}."
        raise InputValidationError(msg)
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    family = cjk_font_family()
    with plt.rc_context({"font.family": family, "pdf.fonttype": 42, "axes.unicode_minus": False}):
        fig = plt.figure(figsize=(11.69, 8.27))
        ax = fig.add_axes((0.03, 0.07, 0.64, 0.74 if note else 0.77))
        ax.set_facecolor("#ececec")
        if boundaries:
            pref = load_prefectures()
            _draw_geoms(ax, list(pref.geometry), facecolor="#fbfaf6", edgecolor="none", zorder=0)
            _draw_geoms(
                ax,
                list(load_counties().geometry),
                facecolor="none",
                edgecolor="#9a9a9a",
                linewidth=0.35,
                linestyle=(0, (3, 2)),
                zorder=1,
            )
            _draw_geoms(
                ax, list(pref.geometry), facecolor="none", edgecolor="#4a4a4a", linewidth=0.9, zorder=3
            )
        for layer in polygons:
            _draw_geoms(
                ax,
                list(layer.geometries),
                facecolor=layer.facecolor,
                edgecolor=layer.edgecolor,
                alpha=layer.alpha,
                linewidth=layer.linewidth,
                zorder=layer.zorder,
            )
        xs: list[np.ndarray] = []
        ys: list[np.ndarray] = []
        for route in routes:
            for path in route.paths:
                arr = np.asarray(path, dtype=float).reshape(-1, 2)
                if len(arr) < 2:
                    continue
                xs.append(arr[:, 0])
                ys.append(arr[:, 1])
                ax.plot(
                    arr[:, 0],
                    arr[:, 1],
                    color=route.color,
                    lw=route.linewidth,
                    ls=route.linestyle,
                    alpha=route.alpha,
                    zorder=route.zorder,
                    solid_capstyle="round",
                )
        for point_layer in points:
            xs.append(np.asarray(point_layer.lon, float))
            ys.append(np.asarray(point_layer.lat, float))
            ax.scatter(
                np.asarray(point_layer.lon),
                np.asarray(point_layer.lat),
                s=point_layer.size,
                c=point_layer.color,
                edgecolors=point_layer.edgecolor,
                linewidths=point_layer.linewidth,
                marker=point_layer.marker,
                zorder=point_layer.zorder,
            )
        for lab in labels:
            for x, y, text in zip(lab.lon, lab.lat, lab.texts, strict=True):
                box = (
                    {"boxstyle": "round,pad=0.22", "fc": lab.boxcolor, "ec": "white", "lw": 0.6}
                    if lab.boxcolor is not None
                    else None
                )
                ax.text(
                    x,
                    y,
                    str(text),
                    fontsize=lab.fontsize,
                    color=lab.color,
                    ha="center",
                    va="center",
                    fontweight="bold",
                    bbox=box,
                    zorder=lab.zorder,
                )
        if bounds is None:
            lons = np.concatenate(xs) if xs else np.array([])
            lats = np.concatenate(ys) if ys else np.array([])
            ok = np.isfinite(lons) & np.isfinite(lats)
            if ok.sum() >= 2:
                pad = 0.15
                bounds = (
                    lons[ok].min() - pad,
                    lats[ok].min() - pad,
                    lons[ok].max() + pad,
                    lats[ok].max() + pad,
                )
            else:
                bounds = (115.8, 23.5, 120.7, 28.35)
        lon0, lat0, lon1, lat1 = bounds
        ax.set_xlim(lon0, lon1)
        ax.set_ylim(lat0, lat1)
        ax.set_aspect(1.0 / np.cos(np.radians((lat0 + lat1) / 2)))
        ax.tick_params(labelsize=7, colors="#666666")
        fig.text(0.03, 0.955, title, fontsize=16, fontweight="bold", va="top")
        y = 0.915
        for line in lines[:top_lines]:
            fig.text(0.03, y, line, fontsize=9.5, va="top", color="#333333")
            y -= 0.022
        if note:
            fig.text(0.03, y, note, fontsize=9.5, va="top", color="#a0522d", fontweight="bold")
        handles: list[Any] = []
        for e in legend:
            if e.kind == "patch":
                handles.append(Patch(facecolor=e.color, edgecolor=e.edgecolor, label=e.label))
            elif e.kind in ("line", "dashed"):
                ls = "--" if e.kind == "dashed" else "-"
                handles.append(Line2D([0], [0], color=e.color, lw=2, ls=ls, label=e.label))
            else:
                handles.append(
                    Line2D(
                        [0],
                        [0],
                        marker="*" if e.kind == "star" else "o",
                        color="none",
                        markerfacecolor=e.color,
                        markeredgecolor=e.edgecolor,
                        markersize=12 if e.kind == "star" else 8,
                        label=e.label,
                    )
                )
        if handles:
            fig.legend(
                handles=handles,
                title=legend_title or None,
                loc="upper left",
                bbox_to_anchor=(0.69, 0.84),
                fontsize=9,
                title_fontsize=10,
                frameon=True,
            )
        if len(lines) > top_lines:
            rest = "\n".join(lines[top_lines:])
            fig.text(0.69, 0.30, rest, fontsize=8.5, va="top", color="#333333", wrap=True)
        if footer:
            fig.text(0.03, 0.012, footer, fontsize=7.5, color="#666666", va="bottom")
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi if fmt == "png" else None)
        plt.close(fig)
    return buf.getvalue()


__all__ += ["LabelLayer", "LineLayer", "static_map_with_lines"]
