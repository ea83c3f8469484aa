"""Static maps (PNG / PDF) for every analysis, drawn with matplotlib (tables: :mod:`geo.tables`).

* :func:`static_map` — a map without tiles (works offline, prints well): county and prefecture boundaries,
  polygon and point layers, a legend, a title and key-figure lines, in a CJK font (Noto Sans CJK from the
  Debian package ``fonts-noto-cjk`` when installed, else any CJK font matplotlib finds, else its default).

Nothing here imports Streamlit; matplotlib is imported lazily.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
from shapely.geometry.base import BaseGeometry

from geo._errors import InputValidationError
from geo.places import load_counties, load_prefectures
from routing.fonts import cjk_font_available, cjk_font_family, register_cjk_fonts

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.typing import ColorType, LineStyleType

__all__ = [
    "LegendEntry",
    "PointLayer",
    "PolygonLayer",
    "cjk_font_available",
    "cjk_font_family",
    "register_cjk_fonts",
    "static_map",
]

# ------------------------------------------------------------------------------------------------- static map


@dataclass(frozen=True)
class PointLayer:
    """Points to draw: WGS84 ``lon``/``lat`` arrays, one colour per point (or one for all), size in pt²."""

    lon: np.ndarray
    lat: np.ndarray
    color: ColorType | Sequence[ColorType] | np.ndarray = "#1f77b4"
    size: float | np.ndarray = 14.0
    edgecolor: ColorType = "white"
    linewidth: float = 0.4
    marker: str = "o"
    zorder: int = 4


@dataclass(frozen=True)
class PolygonLayer:
    """Polygons (shapely, WGS84) filled with ``facecolor`` at ``alpha``; ``edgecolor`` outline."""

    geometries: Sequence[BaseGeometry]
    facecolor: ColorType = "#9ecae1"
    edgecolor: ColorType = "#3182bd"
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


def _draw_geoms(ax: Axes, geoms: Sequence[BaseGeometry | None], **kw: Any) -> None:
    """Add polygons (and the polygons of multi-geometries) to ``ax`` as one patch collection."""
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

    paths: Sequence[np.ndarray | Sequence[tuple[float, float]]]
    color: ColorType = "#1f77b4"
    linewidth: float = 2.0
    linestyle: LineStyleType = "-"
    alpha: float = 0.9
    zorder: int = 5


@dataclass(frozen=True)
class LabelLayer:
    """Text labels at WGS84 ``lon``/``lat`` (e.g. stop numbers), in a rounded box of ``boxcolor`` if set."""

    lon: Sequence[float]
    lat: Sequence[float]
    texts: Sequence[str]
    color: str = "white"
    boxcolor: ColorType | None = None
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

    family = cjk_font_family()
    with plt.rc_context({"font.family": family, "pdf.fonttype": 42, "axes.unicode_minus": False}):
        fig = plt.figure(figsize=(11.69, 8.27))
        ax = fig.add_axes((0.03, 0.07, 0.64, 0.74 if note else 0.77))
        ax.set_facecolor("#ececec")
        _draw_areas(ax, polygons, boundaries)
        xs, ys = _draw_routes(ax, routes)
        _draw_points(ax, points, xs, ys)
        _draw_labels(ax, labels)
        _frame(ax, bounds or _extent(xs, ys))
        _page_text(fig, title, lines, note, footer, top_lines)
        _legend(fig, legend, legend_title)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi if fmt == "png" else None)
        plt.close(fig)
    return buf.getvalue()


def _draw_areas(ax: Axes, polygons: Sequence[PolygonLayer], boundaries: bool) -> None:
    """Fujian's prefectures (filled) and county lines under the polygon layers, prefecture lines over them."""
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
        _draw_geoms(ax, list(pref.geometry), facecolor="none", edgecolor="#4a4a4a", linewidth=0.9, zorder=3)
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


def _draw_routes(ax: Axes, routes: Sequence[LineLayer]) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Draw the polylines; return their longitudes and latitudes (for the default extent)."""
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
    return xs, ys


def _draw_points(ax: Axes, points: Sequence[PointLayer], xs: list[np.ndarray], ys: list[np.ndarray]) -> None:
    """Draw the point layers; add their coordinates to ``xs``/``ys``."""
    for layer in points:
        xs.append(np.asarray(layer.lon, float))
        ys.append(np.asarray(layer.lat, float))
        ax.scatter(
            np.asarray(layer.lon),
            np.asarray(layer.lat),
            s=layer.size,
            c=layer.color,
            edgecolors=layer.edgecolor,
            linewidths=layer.linewidth,
            marker=layer.marker,
            zorder=layer.zorder,
        )


def _draw_labels(ax: Axes, labels: Sequence[LabelLayer]) -> None:
    for lab in labels:
        box = (
            {"boxstyle": "round,pad=0.22", "fc": lab.boxcolor, "ec": "white", "lw": 0.6}
            if lab.boxcolor is not None
            else None
        )
        for x, y, text in zip(lab.lon, lab.lat, lab.texts, strict=True):
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


def _extent(xs: list[np.ndarray], ys: list[np.ndarray]) -> tuple[float, float, float, float]:
    """The drawn coordinates' box padded by 0.15°, else Fujian's."""
    lons = np.concatenate(xs) if xs else np.array([])
    lats = np.concatenate(ys) if ys else np.array([])
    ok = np.isfinite(lons) & np.isfinite(lats)
    if ok.sum() < 2:
        return (115.8, 23.5, 120.7, 28.35)
    pad = 0.15
    return (lons[ok].min() - pad, lats[ok].min() - pad, lons[ok].max() + pad, lats[ok].max() + pad)


def _frame(ax: Axes, bounds: tuple[float, float, float, float]) -> None:
    lon0, lat0, lon1, lat1 = bounds
    ax.set_xlim(lon0, lon1)
    ax.set_ylim(lat0, lat1)
    ax.set_aspect(1.0 / np.cos(np.radians((lat0 + lat1) / 2)))
    ax.tick_params(labelsize=7, colors="#666666")


def _page_text(fig: Figure, title: str, lines: Sequence[str], note: str, footer: str, top_lines: int) -> None:
    """Title, key figures (``top_lines`` under the title, the rest beside the legend), note and footer."""
    fig.text(0.03, 0.955, title, fontsize=16, fontweight="bold", va="top")
    y = 0.915
    for line in lines[:top_lines]:
        fig.text(0.03, y, line, fontsize=9.5, va="top", color="#333333")
        y -= 0.022
    if note:
        fig.text(0.03, y, note, fontsize=9.5, va="top", color="#a0522d", fontweight="bold")
    if len(lines) > top_lines:
        rest = "\n".join(lines[top_lines:])
        fig.text(0.69, 0.30, rest, fontsize=8.5, va="top", color="#333333", wrap=True)
    if footer:
        fig.text(0.03, 0.012, footer, fontsize=7.5, color="#666666", va="bottom")


def _legend(fig: Figure, legend: Sequence[LegendEntry], legend_title: str) -> None:
    """The legend beside the map: patches, lines (solid or dashed), points and stars."""
    from matplotlib.artist import Artist
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles: list[Artist] = []
    for e in legend:
        if e.kind == "patch":
            handles.append(Patch(facecolor=e.color, edgecolor=e.edgecolor, label=e.label))
        elif e.kind in ("line", "dashed"):
            ls = "--" if e.kind == "dashed" else "-"
            handles.append(Line2D([0], [0], color=e.color, lw=2, ls=ls, label=e.label))
        else:
            star = e.kind == "star"
            handles.append(
                Line2D(
                    [0],
                    [0],
                    marker="*" if star else "o",
                    color="none",
                    markerfacecolor=e.color,
                    markeredgecolor=e.edgecolor,
                    markersize=12 if star else 8,
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


__all__ += ["LabelLayer", "LineLayer", "static_map_with_lines"]
