"""Web assets (Leaflet JS/CSS) served by the app itself, and inlined into exported HTML.

Folium and streamlit-folium load Leaflet and plugins from jsDelivr/cdnjs (each element's ``default_js`` /
``default_css``); those hosts are unreachable offline and unreliable in mainland China. xunzhen never lets a
CDN link reach the browser:

* the files come from an installed PyPI package, ``django-js-lib-leaflet`` (the official Leaflet 1.9.4
  ``dist`` files, BSD-2; it has no dependencies and never imports Django here — we only read its package
  data);
* :func:`sync_static` copies them into the app's ``static/vendor/`` folder, which Streamlit serves at
  ``/app/static/vendor/…`` (``[server] enableStaticServing = true`` in ``.streamlit/config.toml``).
  ``app.py`` calls it once per process, so a fresh clone needs no separate build step and nothing is copied
  by hand;
* :func:`localize` rewrites every element of a folium map to those local URLs (and drops the CDN extras
  folium's ``Map`` asks for — jQuery, Bootstrap, Font Awesome, awesome-markers — which xunzhen's maps do not
  use);
* :func:`inline_assets` turns rendered map HTML into a self-contained file (scripts, styles and the CSS
  images as ``data:`` URIs), for exports that must open with no server and no internet.

An element that asks for an asset not listed in :data:`ASSETS` raises :class:`geo._errors.AssetError`, so a
new plugin cannot silently bring a CDN link back.
"""

from __future__ import annotations

import base64
import filecmp
import importlib.util
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from geo._errors import AssetError, OptionalDependencyError

#: Installed package that ships the Leaflet ``dist`` files (pinned in requirements.txt).
LEAFLET_PACKAGE = "js_lib_leaflet"
#: Leaflet version inside that package.
LEAFLET_VERSION = "1.9.4"

#: Asset name (as folium names them in ``default_js`` / ``default_css``) → path under the vendor folder.
ASSETS: dict[str, str] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
}
#: Assets folium's ``Map`` requests by default that xunzhen's maps do not need (no awesome-markers/Bootstrap
#: icons are used: facilities are drawn as SVG/CSS markers). :func:`localize` drops them.
UNUSED_FOLIUM_DEFAULTS = frozenset(
    {"jquery", "bootstrap", "awesome_markers", "bootstrap_css", "glyphicons_css", "awesome_markers_font_css",
     "awesome_markers_css", "awesome_rotate_css"}
)

#: URL path under which Streamlit serves ``static/`` (see Streamlit's static file serving).
STREAMLIT_STATIC_PATH = "app/static"
#: Folder (inside ``static/``) that :func:`sync_static` fills.
VENDOR_DIR = "vendor"


def package_root() -> Path:
    """Folder of the installed Leaflet ``dist`` files.

    Raises
    ------
    OptionalDependencyError
        If ``django-js-lib-leaflet`` is not installed.
    """
    spec = importlib.util.find_spec(LEAFLET_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        msg = (
            "The Leaflet web files are missing: install the package 'django-js-lib-leaflet' "
            "(pip install -r requirements.txt)."
        )
        raise OptionalDependencyError(msg)
    return Path(next(iter(spec.submodule_search_locations))) / "static" / LEAFLET_PACKAGE


def vendor_files() -> dict[str, Path]:
    """Every file to serve, as ``relative path under vendor/ → source file`` in the installed package.

    Raises
    ------
    OptionalDependencyError
        If the package is missing or does not hold the expected files.
    """
    root = package_root()
    files = {"leaflet/leaflet.js": root / "leaflet.js", "leaflet/leaflet.css": root / "leaflet.css"}
    files.update({f"leaflet/images/{p.name}": p for p in sorted((root / "images").glob("*.png"))})
    missing = [str(p) for p in files.values() if not p.is_file()]
    if missing or len(files) < 3:
        msg = f"The installed 'django-js-lib-leaflet' package lacks Leaflet files: {missing or 'images/'}."
        raise OptionalDependencyError(msg)
    return files


def sync_static(static_dir: str | Path) -> list[Path]:
    """Copy the vendor files into ``static_dir/vendor/`` where they are missing or differ.

    Parameters
    ----------
    static_dir
        The app's ``static/`` folder (next to ``app.py``).

    Returns
    -------
    list of Path
        Files written (empty when everything was already up to date).

    Raises
    ------
    OptionalDependencyError
        If the Leaflet package is missing.
    """
    target_root = Path(static_dir) / VENDOR_DIR
    written = []
    for rel, src in vendor_files().items():
        dst = target_root / rel
        if dst.is_file() and filecmp.cmp(src, dst, shallow=False):
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_suffix(dst.suffix + ".tmp")
        shutil.copyfile(src, tmp)
        tmp.replace(dst)  # atomic: a browser never sees half a file
        written.append(dst)
    return written


def static_url(base_url_path: str = "") -> str:
    """Absolute URL path of the vendor folder as served by Streamlit, e.g. ``/app/static/vendor``.

    Parameters
    ----------
    base_url_path
        Streamlit's ``server.baseUrlPath`` ("" when the app is served at the root).
    """
    base = base_url_path.strip("/")
    return "/" + "/".join(p for p in (base, STREAMLIT_STATIC_PATH, VENDOR_DIR) if p)


def _walk(element: Any) -> Iterator[Any]:
    yield element
    for child in getattr(element, "_children", {}).values():
        yield from _walk(child)


def localize(fig: Any, base_url: str) -> Any:
    """Point every asset link of a folium map (or figure) at ``base_url`` instead of a CDN, in place.

    Parameters
    ----------
    fig
        A ``folium.Map`` (or any branca element tree).
    base_url
        Where the vendor folder is served: :func:`static_url` in the app; any placeholder before
        :func:`inline_assets`.

    Returns
    -------
    The same object, for chaining.

    Raises
    ------
    AssetError
        If an element asks for a JS/CSS asset that xunzhen does not ship.
    """
    base = base_url.rstrip("/")
    for element in _walk(fig):
        for attr in ("default_js", "default_css"):
            links = getattr(element, attr, None)
            if not links:
                continue
            local = []
            for name, url in links:
                if name in ASSETS:
                    local.append((name, f"{base}/{ASSETS[name]}"))
                elif name in UNUSED_FOLIUM_DEFAULTS and type(element).__name__ == "Map":
                    continue
                else:
                    msg = (
                        f"Map element {type(element).__name__!r} needs the web asset {name!r} ({url}), which "
                        "xunzhen does not serve locally; add it to geo/_assets.py ASSETS from an installed "
                        "package."
                    )
                    raise AssetError(msg)
            setattr(element, attr, local)  # instance attribute: the class default stays untouched
    return fig


def external_links(fig: Any) -> list[str]:
    """Every ``default_js``/``default_css`` URL in a map's tree that is not a local path (should be empty)."""
    urls = []
    for element in _walk(fig):
        for attr in ("default_js", "default_css"):
            urls += [u for _, u in getattr(element, attr, None) or [] if re.match(r"(https?:)?//", u)]
    return urls


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def _inline_css(text: str, files: dict[str, Path], css_rel: str) -> str:
    css_dir = css_rel.rsplit("/", 1)[0]

    def repl(match: re.Match[str]) -> str:
        ref = match.group(1).strip("'\"")
        rel = f"{css_dir}/{ref}"
        return f"url({_data_uri(files[rel])})" if rel in files else match.group(0)

    return re.sub(r"url\(([^)]+)\)", repl, text)


def inline_assets(html: str) -> str:
    """Make rendered map HTML self-contained: inline every vendor ``<script src>`` and stylesheet ``<link>``.

    Links are recognised by their path ending in a vendor file (whatever base URL :func:`localize` used).
    The file contents are read from the installed package, not from ``static/``.

    Parameters
    ----------
    html
        A full HTML document, e.g. ``folium.Map.get_root().render()`` after :func:`localize`.

    Returns
    -------
    str
        The same document with the assets inlined (CSS images as ``data:`` URIs).

    Raises
    ------
    AssetError
        If the document still loads a script or stylesheet from another host.
    """
    files = vendor_files()

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        rel = next((r for r in files if url.endswith("/" + r) or url == r), None)
        if rel is None:
            return match.group(0)
        code = files[rel].read_text(encoding="utf-8").replace("</script", "<\\/script")
        return f"<script>/* {rel} (Leaflet {LEAFLET_VERSION}, inlined) */\n{code}\n</script>"

    def style(match: re.Match[str]) -> str:
        url = match.group(1)
        rel = next((r for r in files if url.endswith("/" + r) or url == r), None)
        if rel is None:
            return match.group(0)
        css = _inline_css(files[rel].read_text(encoding="utf-8"), files, rel)
        return f"<style>/* {rel} (inlined) */\n{css}\n</style>"

    out = re.sub(r'<script\s+src="([^"]+)"\s*>\s*</script>', script, html)
    out = re.sub(r'<link\s+rel="stylesheet"\s+href="([^"]+)"\s*/?>', style, out)
    leftover = re.findall(r'<(?:script\s+src|link\s+rel="stylesheet"\s+href)="((?:https?:)?//[^"]+)"', out)
    if leftover:
        msg = f"Exported HTML would still load assets from the internet: {leftover}."
        raise AssetError(msg)
    return out
