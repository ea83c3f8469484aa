"""Shared UI helpers for every page: language, sidebar filters kept in the URL, page header, cached data.

A page is thin::

    import streamlit as st

    view = ui.sidebar_filters()          # language, prefectures, facility types, basemap (all in the URL)
    ui.page_header("coverage")           # title + which road network is active (估算 when estimated)
    data = ui.embedded_data()            # cached frames from geo.places / geo.facilities
    minutes = ui.url_widget(st.slider, "minutes", 60, label=ui.t("coverage.minutes"), min_value=10, ...)
    ...call one library function, render the result...

Settings live in ``st.session_state`` under ``xz:<name>`` (so they survive reruns and page switches) and are
mirrored into the URL query string (``?lang=en&pref=350800,350400&types=…&basemap=osm``), so a copied link
reopens the same view. Only this module touches ``st.query_params``.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import streamlit as st

from geo._assets import static_url, sync_static
from geo.facilities import FACILITY_TYPES, load_facilities
from geo.maps import BASEMAPS, LOCATION_QUALITY_LABELS
from geo.network import active_network
from geo.places import load_counties, load_prefectures, load_townships
from pages.ui import i18n as _i18n

APP_DIR = Path(__file__).resolve().parents[2]
_PREFIX = "xz:"
_URL_KEYS = "xz:_url_keys"
_SEEDED = "xz:_seeded"


# --- language -------------------------------------------------------------------------------------
def lang() -> str:
    """The current language ("zh" or "en")."""
    return str(st.session_state.get(_PREFIX + "lang", _seed("lang", "zh", _i18n.LANGS.__contains__)))


def t(key: str, **values: object) -> str:
    """The UI string ``key`` in the current language (see ``pages/ui/i18n.py``)."""
    return _i18n.t(key, lang(), **values)


# --- URL-backed settings --------------------------------------------------------------------------
def _seed(
    name: str, default: Any, valid: Callable[[Any], bool] | None = None, parse: Callable[[str], Any] = str
) -> Any:
    """Canonical value of a setting: from the session, else (first run) from ``?name=``, else default."""
    key = _PREFIX + name
    if key in st.session_state:
        return st.session_state[key]
    value = default
    raw = st.query_params.get(name)
    if raw is not None:
        try:
            parsed = parse(raw)
            if valid is None or valid(parsed):
                value = parsed
        except (TypeError, ValueError):
            pass
    st.session_state[key] = value
    st.session_state.setdefault(_URL_KEYS, {})[name] = default
    return value


def _dump(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ",".join(str(v) for v in value)
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _parser_for(default: Any) -> Callable[[str], Any]:
    if isinstance(default, bool):
        return lambda s: s in ("1", "true", "True")
    if isinstance(default, (list, tuple)):
        return lambda s: [p for p in s.split(",") if p]
    if isinstance(default, int):
        return int
    if isinstance(default, float):
        return float
    return str


def _sync_url() -> None:
    """Mirror every registered setting into the URL (omitting those at their default)."""
    for name, default in st.session_state.get(_URL_KEYS, {}).items():
        value = st.session_state.get(_PREFIX + name, default)
        text, default_text = _dump(value), _dump(default)
        if text == default_text:
            if name in st.query_params:
                del st.query_params[name]
        elif st.query_params.get(name) != text:
            st.query_params[name] = text


def set_setting(name: str, value: Any) -> None:
    """Change a URL-backed setting programmatically (e.g. from a button callback)."""
    st.session_state[_PREFIX + name] = value
    st.session_state[_PREFIX + "w:" + name] = value


def url_widget(
    widget: Callable[..., Any],
    name: str,
    default: Any,
    *,
    valid: Callable[[Any], bool] | None = None,
    parse: Callable[[str], Any] | None = None,
    **widget_kwargs: Any,
) -> Any:
    """Render ``widget`` (e.g. ``st.slider``, ``st.sidebar.multiselect``) bound to the URL setting ``name``.

    The value survives reruns and page switches and is written to ``?name=`` (lists comma-joined). A value in
    the URL that fails ``parse``/``valid`` is ignored (the default is used).

    Parameters
    ----------
    widget
        A Streamlit widget function taking ``key=``.
    name
        Setting and query-parameter name (short, ASCII).
    default
        Default value; its type chooses the URL parser unless ``parse`` is given.
    valid
        Predicate on the parsed value.
    parse
        URL text → value.
    widget_kwargs
        Passed to the widget (label, options, format_func, …); not ``key``/``value``/``default``.

    Returns
    -------
    The widget's current value.
    """
    value = _seed(name, default, valid, parse or _parser_for(default))
    wkey = _PREFIX + "w:" + name
    # The canonical value (xz:<name>) drives the widget on every run: a page switch creates the sidebar
    # widgets anew (their state would be dropped, e.g. the prefecture filter reset to nothing); a user's
    # change reaches xz:<name> first through the on_change callback, so it is never overwritten here.
    st.session_state[wkey] = value
    result = widget(key=wkey, on_change=_widget_changed, args=(name,), **widget_kwargs)
    st.session_state[_PREFIX + name] = result
    _sync_url()
    return result


def _widget_changed(name: str) -> None:
    """on_change of a URL-backed widget: copy its new value to the canonical setting."""
    st.session_state[_PREFIX + name] = st.session_state[_PREFIX + "w:" + name]


# --- cached data ----------------------------------------------------------------------------------
class EmbeddedData(NamedTuple):
    """The embedded dataset (shared, read-only: ``.copy()`` before mutating)."""
    prefectures: Any
    counties: Any
    townships: Any
    facilities: Any


@st.cache_resource(show_spinner="正在加载内置数据… / Loading the embedded data…")
def embedded_data() -> EmbeddedData:
    """Prefectures, counties, townships and facilities from ``geo`` (loaded once per process)."""
    return EmbeddedData(load_prefectures(), load_counties(), load_townships(), load_facilities())


WORKING_FACILITIES = "xz:working_facilities"
RESULTS = "xz:results"
_WF_VERSION = "xz:_working_facilities_version"


def _frame_version(frame: Any) -> str:
    """Short content hash of a facility table (geometry left out: lon/lat carry the point)."""
    import hashlib

    import pandas as pd

    plain = pd.DataFrame(frame.drop(columns="geometry", errors="ignore"))
    digest = hashlib.sha1(pd.util.hash_pandas_object(plain, index=False).to_numpy().tobytes())
    digest.update(",".join(map(str, plain.columns)).encode())
    return digest.hexdigest()[:12]


@st.cache_resource(show_spinner=False)
def _embedded_version() -> str:
    return _frame_version(embedded_data().facilities)


def working_facilities() -> Any:
    """The facility table the analyses plan on: the 数据 page's working table, else the embedded one.

    The 数据 page keeps uploads and surveyed locations in ``st.session_state["xz:working_facilities"]``;
    until the planner changes anything this is the embedded table (shared, read-only: ``.copy()`` before
    mutating).
    """
    frame = st.session_state.get(WORKING_FACILITIES)
    return embedded_data().facilities if frame is None else frame


def facilities_version() -> str:
    """Content hash of :func:`working_facilities` (a cache key; recomputed when the table object changes)."""
    frame = working_facilities()
    cached = st.session_state.get(_WF_VERSION)
    if cached is not None and cached[0] is frame:
        return str(cached[1])
    version = _frame_version(frame)
    st.session_state[_WF_VERSION] = (frame, version)
    return version


def uses_planner_data() -> bool:
    """True when the working facility table differs from the embedded one (uploads, surveyed points)."""
    return facilities_version() != _embedded_version()


def data_source_line() -> str:
    """Markdown: which facility data the analyses use (embedded, or the planner's and what changed)."""
    frame = working_facilities()
    if not uses_planner_data():
        badge = f":blue-badge[{t('common.data_embedded_badge')}] "
        return badge + t("common.data_embedded", n=f"{len(frame):,}")
    embedded_ids = set(embedded_data().facilities["facility_id"])
    added = int((~frame["facility_id"].isin(embedded_ids)).sum())
    surveyed = int((frame["location_quality"] == "surveyed").sum())
    return f":violet-badge[{t('common.data_planner_badge')}] " + t(
        "common.data_planner", n=f"{len(frame):,}", added=added, surveyed=surveyed
    )


def store_result(kind: str, table: Any) -> None:
    """Offer a result table to the 数据 page's scenario store (``xz:results[kind]``, routing.scenarios)."""
    st.session_state[RESULTS] = {**st.session_state.get(RESULTS, {}), kind: table}


@st.cache_resource(show_spinner=False)
def static_assets_ready() -> int:
    """Copy the Leaflet files from their installed package into ``static/vendor/`` (once per process)."""
    try:
        return len(sync_static(APP_DIR / "static"))
    except OSError as err:  # read-only install: the files may already be there; say so once, keep going
        st.warning(f"static/vendor 无法写入 / cannot be written ({err}); "
                   "地图可能无法显示 / the map may stay blank.")
        return 0


def asset_base_url() -> str:
    """URL path of the locally served web assets (respects ``server.baseUrlPath``)."""
    static_assets_ready()
    return static_url(str(st.get_option("server.baseUrlPath") or ""))


# --- sidebar --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class View:
    """What the sidebar filters select (all codes, language-independent)."""
    lang: str
    prefectures: tuple[str, ...]
    types: tuple[str, ...]
    basemap: str
    tianditu_key: str

    @property
    def all_prefectures(self) -> bool:
        """True when every prefecture is selected."""
        return len(self.prefectures) == len(embedded_data().prefectures)


def language_switch() -> str:
    """The language radio (rendered by ``app.py`` at the top of the sidebar); returns "zh" or "en"."""
    return str(url_widget(
        st.sidebar.radio, "lang", "zh", valid=_i18n.LANGS.__contains__, label="语言 / Language",
        options=list(_i18n.LANGS), format_func=_i18n.LANGS.__getitem__, horizontal=True,
        label_visibility="collapsed",
    ))


_FRAMED = "xz:_framed"


def frame_started() -> None:
    """Record that this session runs inside ``app.py``'s frame (``app.py`` calls it on every run)."""
    st.session_state[_FRAMED] = True


def require_app_frame() -> None:
    """Make sure a page opened by a direct link runs inside ``app.py``'s frame (language, sidebar, pages).

    Streamlit treats a ``pages/`` folder next to the main script as an old-style multipage app until the
    first run that calls ``st.navigation``: on a fresh server, a link straight to ``/coverage`` would run
    ``pages/10_coverage.py`` alone and list every file in ``pages/`` (``i18n``, ``ui`` …) as a page. A session
    that has not been through ``app.py`` yet switches that mode off and reruns once, so ``app.py`` runs and
    opens the same page (same URL path) in its frame.
    """
    if st.session_state.get(_FRAMED):
        return
    try:
        from streamlit.runtime.pages_manager import PagesManager
    except ImportError:  # pragma: no cover - a Streamlit without this internal: nothing to fix
        return
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.session_state[_FRAMED] = True  # once: never loop
        st.rerun()


def sidebar_filters(*, types: bool = True, basemap: bool = True) -> View:
    """The shared sidebar: prefecture filter (focus marked), facility types, basemap; all kept in the URL.

    Parameters
    ----------
    types
        Show the facility-type filter.
    basemap
        Show the basemap choice (and the 天地图 key field when it is chosen).

    Returns
    -------
    View
        The selection; pages pass its codes to library functions.
    """
    require_app_frame()
    data = embedded_data()
    lg = lang()
    prefs = data.prefectures.sort_values(["is_focus", "code"], ascending=[False, True])
    codes = [str(c) for c in prefs["code"]]
    focus = [str(c) for c in prefs.loc[prefs["is_focus"].astype(bool), "code"]]
    names = {
        str(r.code): f"{r.short_name} ★" if r.is_focus else str(r.short_name) for r in prefs.itertuples()
    }

    sb = st.sidebar
    sb.markdown(f"**{t('common.filters')}**")
    c1, c2 = sb.columns(2)
    c1.button(t("common.all_prefectures"), on_click=set_setting, args=("pref", codes), width="stretch")
    c2.button(t("common.focus_prefectures"), on_click=set_setting, args=("pref", focus), width="stretch")
    chosen = url_widget(
        sb.pills, "pref", codes, valid=lambda v: set(v) <= set(codes), label=t("common.prefectures"),
        options=codes, format_func=names.__getitem__, selection_mode="multi",
        help=t("common.prefectures_help"),
    ) or []
    chosen_types: list[str] = list(FACILITY_TYPES)
    if types:
        chosen_types = url_widget(
            sb.pills, "types", list(FACILITY_TYPES), valid=lambda v: set(v) <= set(FACILITY_TYPES),
            label=t("common.facility_types"), options=list(FACILITY_TYPES), selection_mode="multi",
            format_func=lambda k: str(FACILITY_TYPES[k][lg]),
        ) or []
    bm, key = "none", ""
    if basemap:
        bm = url_widget(
            sb.selectbox, "basemap", "none", valid=BASEMAPS.__contains__, label=t("common.basemap"),
            options=list(BASEMAPS), format_func=lambda k: BASEMAPS[k].label(lg),
            help=t("common.basemap_help"),
        )
        if bm == "tianditu":
            key = sb.text_input(
                t("common.tianditu_key"), value=os.environ.get("XUNZHEN_TIANDITU_KEY", ""), type="password",
                key=_PREFIX + "tianditu_key", help=t("common.tianditu_key_help"),
            ).strip()
    order = {c: i for i, c in enumerate(codes)}
    return View(lg, tuple(sorted(chosen, key=order.__getitem__)), tuple(chosen_types), str(bm), key)


# --- header ---------------------------------------------------------------------------------------
def network_status() -> tuple[bool, str]:
    """(is_estimated, label) of the active road network, in the current language."""
    net = active_network()
    return bool(net.is_estimated), str(net.label(lang()))


def page_header(page: str, intro_key: str | None = None) -> None:
    """Page title, the active road network (estimated → 估算 badge), which facility data the page uses
    (embedded or the planner's working table), and an optional intro line."""
    require_app_frame()
    st.title(_i18n.page_title(page, lang()))
    estimated, label = network_status()
    network = f"**{t('common.network_label')}**{t('common.colon')}{label}"
    if estimated:
        st.markdown(
            f":orange-badge[{t('common.network_estimated_badge')}] {network}",
            help=t("common.network_estimated_note"),
        )
    else:
        st.markdown(f":green-badge[{t('common.network_osm_badge')}] {network}")
    st.markdown(data_source_line(), help=t("common.data_help"))
    if intro_key:
        st.caption(t(intro_key))


def show_error(err: Exception) -> None:
    """Show a library error to the user as a message (never a traceback)."""
    st.error(t("common.error", message=str(err)))


def column_label(column: str) -> str:
    """Header of a data column in the current language (``pages/_i18n.COLUMNS``)."""
    return _i18n.column_label(column, lang())


# --- tables -------------------------------------------------------------------------------------------
#: Columns holding travel times or distances: their headers say 估算/estimated on the estimated network.
ESTIMATED_COLUMNS = ("minutes", "km", "minutes_before", "minutes_after", "drive_km", "drive_minutes")
#: Columns holding facility-type keys: their values are shown as the type's name.
TYPE_COLUMNS = ("facility_type", "hospital_type")


def localize_table(
    frame: Any, *, estimated: bool = False, labels: dict[str, str] | None = None, drop: Sequence[str] = ()
) -> Any:
    """A copy of ``frame`` for display: headers in the current language (``pages/_i18n.COLUMNS``), 估算 on
    time/distance headers when ``estimated`` (rounded to 0.1), facility types and location qualities by
    name; ``labels`` overrides headers; ``drop`` (and ``geometry``) left out."""
    import pandas as pd

    lg = lang()
    out = frame.drop(columns=[c for c in (*drop, "geometry") if c in frame.columns])
    out = out.copy()
    for col in TYPE_COLUMNS:
        if col in out.columns:
            out[col] = out[col].map(lambda k: FACILITY_TYPES.get(k, {}).get(lg, k))
    if "location_quality" in out.columns:
        out["location_quality"] = out["location_quality"].map(
            lambda q: LOCATION_QUALITY_LABELS.get(q, {}).get(lg, q)
        )
    for col in ESTIMATED_COLUMNS:
        if col in out.columns and pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].round(1)
    names = {}
    for col in out.columns:
        label = (labels or {}).get(col) or _i18n.column_label(str(col), lg)
        if estimated and col in ESTIMATED_COLUMNS:
            label += t("common.est")
        names[col] = label
    return out.rename(columns=names)


def _number_text(value: float) -> str:
    """A number as text with thousands separators and at most 3 decimals; blank when missing."""
    if value != value:  # NaN
        return ""
    return f"{value:,.3f}".rstrip("0").rstrip(".")


def show_table(
    frame: Any,
    *,
    where: Any = None,
    estimated: bool = False,
    labels: dict[str, str] | None = None,
    drop: Sequence[str] = (),
    localize: bool = True,
) -> None:
    """Show a table to planners: headers through :func:`localize_table` (unless ``localize=False``), numbers
    with thousands separators, no index, full width; ``where`` is a container (default ``st``)."""
    import pandas as pd

    shown = localize_table(frame, estimated=estimated, labels=labels, drop=drop) if localize else frame
    gaps = [c for c in shown.columns if pd.api.types.is_float_dtype(shown[c]) and shown[c].isna().any()]
    if gaps:  # a missing number shows blank, not "None": such columns become formatted text
        shown = shown.assign(**{str(c): shown[c].map(_number_text) for c in gaps})
    config = {
        str(c): st.column_config.NumberColumn(format="localized")
        for c in shown.columns
        if pd.api.types.is_numeric_dtype(shown[c]) and not pd.api.types.is_bool_dtype(shown[c])
    }
    (where or st).dataframe(shown, hide_index=True, width="stretch", column_config=config)


# --- pages ----------------------------------------------------------------------------------------
def page_files() -> list[Path]:
    """Page scripts ``pages/NN_name.py`` in ``NN`` order (files starting with ``_`` are helpers)."""
    return sorted(p for p in (APP_DIR / "pages").glob("*.py") if not p.name.startswith("_"))


def page_name(path: Path) -> str:
    """``pages/10_coverage.py`` → ``coverage`` (the key in ``pages/_i18n.PAGES`` and the URL path)."""
    stem = path.stem
    head, _, tail = stem.partition("_")
    return tail if head.isdigit() and tail else stem


def page_links(exclude: Sequence[str] = ("home",)) -> None:
    """Links to every page except ``exclude`` (used on the home page)."""
    for path in page_files():
        name = page_name(path)
        if name in exclude:
            continue
        st.page_link(str(path.relative_to(APP_DIR)), label=_i18n.page_title(name, lang()),
                     icon=_i18n.page_icon(name))


# --- maps ---------------------------------------------------------------------------------------------
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
    build_base: Callable[[], Any],
    base_key: tuple[Any, ...],
    build_layers: Callable[[], list[Any]],
    layers_key: tuple[Any, ...],
    *,
    key: str,
    height: int = 640,
    center: tuple[float, float] | None = None,
    zoom: float | None = None,
) -> None:
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
        Builds the ``folium.FeatureGroup`` list shown on top.
    layers_key
        Everything ``build_layers`` depends on (filters, …).
    key
        Streamlit key of the map.
    height
        Pixels.
    center, zoom
        View to move to when they change (the user's own panning is kept otherwise).
    """
    import folium
    import streamlit_folium as sf

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

    def render_layers() -> tuple[str, str]:
        m = base["map"]
        figure_script = m.get_root().script._children
        try:
            fg_string = "".join(
                sf._get_feature_group_string(fg, map=m, idx=i) for i, fg in enumerate(build_layers())
            )
            lc_string = sf._get_layer_control_string(folium.LayerControl(collapsed=False), m)
            return fg_string, lc_string
        finally:  # put the cached base map back exactly as it was
            for name in [n for n in m._children if n not in base["children"]]:
                del m._children[name]
            for name in [n for n in figure_script if n not in base["figure_script"]]:
                del figure_script[name]

    fg_string, lc_string = _cache_get(("layers", key, *base_key, *layers_key), render_layers)
    sf._component_func(
        script=base["script"], header=base["header"], html=base["html"], id=base["id"], key=base["hash"],
        height=height, width=None, returned_objects=[], default={}, zoom=zoom,
        center=list(center) if center else None, feature_group=fg_string, return_on_hover=False,
        layer_control=lc_string, pixelated=False, css_links=base["css"], js_links=base["js"],
        on_change=None, wrap_longitude=False,
    )


def _walk_folium(element: Any) -> Any:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk_folium(child)
