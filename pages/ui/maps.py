"""Folium maps in the app: the rendered base map and layers are cached, so a rerun redraws nothing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import folium
import streamlit_folium as sf

_MAP_LOCK = threading.Lock()
_MAP_CACHE: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
_MAP_CACHE_SIZE = 48


def _cache_get(key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
    with _MAP_LOCK:
        if key in _MAP_CACHE:
            _MAP_CACHE.move_to_end(key)
            return _MAP_CACHE[key]
        value = make()
        _MAP_CACHE[key] = value
        while len(_MAP_CACHE) > _MAP_CACHE_SIZE:
            _MAP_CACHE.popitem(last=False)
        return value


def folium_map(
    build_base: Callable[[], folium.Map],
    base_key: tuple[Any, ...],
    build_layers: Callable[[], list[Any]],
    layers_key: tuple[Any, ...],
    *,
    key: str,
    height: int = 640,
    center: tuple[float, float] | None = None,
    zoom: float | None = None,
    returned_objects: Sequence[str] = (),
) -> dict[str, Any]:
    """Show a folium map whose base (boundaries, tiles, legend) stays put while its layers change.

    Does what ``streamlit_folium.st_folium(base, feature_group_to_add=layers, layer_control=…)`` does, but the
    rendered base map is cached per ``base_key`` and the rendered layers per ``(base_key, layers_key)``, so a
    rerun that changes nothing costs nothing and a filter change renders only the layers; the map in the
    browser is not reloaded (its script, hence the component key, is unchanged), only its layers are swapped.

    Parameters
    ----------
    build_base
        Builds the ``folium.Map`` (e.g. ``lambda: maps.base_map(...)``); called on a cache miss only.
    base_key
        Everything ``build_base`` depends on (basemap, language, asset URL, …).
    build_layers
        Builds the ``folium.FeatureGroup`` list shown on top (``lambda: []`` for a map drawn whole: then the
        rendered map is cached per ``base_key`` and shown again at no cost, e.g. the same coverage result).
    layers_key
        Everything ``build_layers`` depends on (filters, …).
    key
        Streamlit key of the map.
    height
        Pixels.
    center, zoom
        View to move to when they change (the user's own panning is kept otherwise).
    returned_objects
        What the browser sends back (e.g. ``["last_clicked"]``: the point of the last map click).

    Returns
    -------
    dict
        The ``returned_objects`` the browser sent (None until it sends them).
    """
    def render_base() -> dict[str, Any]:
        m = build_base()
        m.get_root().render()
        m.render()
        html, header = sf._get_html(m), sf._get_header(m)
        script = sf._get_map_string(m)  # renames element ids deterministically ("div", "div_0", …)
        css: list[str] = []
        js: list[str] = []
        for elem in _walk_folium(m):
            css += [href for _, href in getattr(elem, "default_css", [])]
            js += [src for _, src in getattr(elem, "default_js", [])]
        return {
            "map": m, "script": script, "header": header, "html": html, "id": sf.get_full_id(m),
            "css": list(dict.fromkeys(css)), "js": list(dict.fromkeys(js)),
            "hash": sf.generate_js_hash(script, key, False),
            "children": list(m._children), "figure_script": list(m.get_root().script._children),
        }

    base = _cache_get(("base", key, *base_key), render_base)

    def render_layers() -> tuple[str, str | None]:
        m = base["map"]
        figure_script = m.get_root().script._children
        try:
            groups = build_layers()
            fg_string = "".join(sf._get_feature_group_string(fg, map=m, idx=i) for i, fg in enumerate(groups))
            # a map drawn whole as its base (no swappable layers) keeps its own layer control
            control = folium.LayerControl(collapsed=False)
            lc_string = sf._get_layer_control_string(control, m) if groups else None
            return fg_string, lc_string
        finally:  # put the cached base map back exactly as it was
            for name in [n for n in m._children if n not in base["children"]]:
                del m._children[name]
            for name in [n for n in figure_script if n not in base["figure_script"]]:
                del figure_script[name]

    fg_string, lc_string = _cache_get(("layers", key, *base_key, *layers_key), render_layers)
    value = sf._component_func(
        script=base["script"], header=base["header"], html=base["html"], id=base["id"], key=base["hash"],
        height=height, width=None, returned_objects=list(returned_objects),
        default=dict.fromkeys(returned_objects), zoom=zoom,
        center=list(center) if center else None, feature_group=fg_string, return_on_hover=False,
        layer_control=lc_string, pixelated=False, css_links=base["css"], js_links=base["js"],
        on_change=None, wrap_longitude=False,
    )
    return dict(value or {})


def _walk_folium(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk_folium(child)
