"""geo/maps.py, geo/_assets.py, geo/overview.py: offline assets, escaping, GCJ-02 shift, counts, quality."""

from __future__ import annotations

import json
import re

import folium
import numpy as np
import pandas as pd
import pytest

from geo import _assets, maps, overview
from geo.__main__ import main as geo_main
from geo._errors import AssetError, InputValidationError


def _script(m: folium.Map) -> str:
    return m.get_root().render()


# --- assets: nothing from a CDN
def test_vendor_files_come_from_the_installed_package():
    files = _assets.vendor_files()
    assert {"leaflet/leaflet.js", "leaflet/leaflet.css", "leaflet/images/layers.png"} <= set(files)
    assert f"Leaflet {_assets.LEAFLET_VERSION}" in files["leaflet/leaflet.js"].read_text("utf-8")[:300]


def test_sync_static_copies_once_and_repairs(tmp_path):
    written = _assets.sync_static(tmp_path)
    assert {p.relative_to(tmp_path / "vendor").as_posix() for p in written} == set(_assets.vendor_files())
    assert _assets.sync_static(tmp_path) == []
    js = tmp_path / "vendor" / "leaflet" / "leaflet.js"
    js.write_text("broken")
    assert _assets.sync_static(tmp_path) == [js]
    assert js.read_bytes() == _assets.vendor_files()["leaflet/leaflet.js"].read_bytes()


def test_static_url_respects_base_path():
    assert _assets.static_url("") == "/app/static/vendor"
    assert _assets.static_url("/xunzhen/") == "/xunzhen/app/static/vendor"


def test_localize_rewrites_every_cdn_link_and_rejects_unknown_assets():
    m = folium.Map(tiles=None)
    assert _assets.external_links(m)  # folium's defaults point at CDNs
    _assets.localize(m, "/app/static/vendor")
    assert _assets.external_links(m) == []
    assert m.default_js == [("leaflet", "/app/static/vendor/leaflet/leaflet.js")]
    assert folium.Map.default_js[0][1].startswith("https://")  # the class default is untouched

    from folium.plugins import MarkerCluster

    m2 = folium.Map(tiles=None)
    MarkerCluster().add_to(m2)
    with pytest.raises(AssetError, match="markercluster"):
        _assets.localize(m2, "/x")


def test_base_map_has_only_local_assets(embedded):
    prefectures, counties, _, _ = embedded
    m = maps.base_map(prefectures, counties)
    assert _assets.external_links(m) == []
    html = _script(m)
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
    assert "/app/static/vendor/leaflet/leaflet.js" in html


def test_standalone_html_is_self_contained(embedded):
    prefectures, counties, _, facilities = embedded
    m = maps.overview_map(prefectures, counties, facilities.head(40))
    html = maps.standalone_html(m)
    assert "Leaflet 1.9.4" in html
    assert "<script src=" not in html and 'rel="stylesheet"' not in html
    assert "data:image/png;base64," in html  # layer-control icons inlined from leaflet.css
    # nothing is loaded from another host (plain <a href> links in attributions are fine)
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=\"(https?:)?//", html)


def test_inline_assets_refuses_a_leftover_cdn_link():
    html = '<head><script src="https://cdn.example.org/x.js"></script></head>'
    with pytest.raises(AssetError, match=r"cdn\.example\.org"):
        _assets.inline_assets(html)


# --- boundaries, markers, popups
def test_boundaries_cover_every_county_and_prefecture(embedded):
    prefectures, counties, _, _ = embedded
    county_fc, pref_fc = maps.boundary_geojson(prefectures, counties)
    assert len(county_fc["features"]) == len(counties) == 84
    assert len(pref_fc["features"]) == len(prefectures) == 9
    assert sum(f["properties"]["focus"] for f in pref_fc["features"]) == 4
    assert maps.geojson_size_bytes(county_fc) < 600_000  # display weight, not survey weight


def test_gcj02_basemap_shifts_overlays_by_hundreds_of_metres(embedded):
    from geo.coords import haversine_km

    facilities = embedded[3]
    rows = facilities[facilities["lon"].notna()].head(5)
    plain = maps.facility_layers(rows, crs="wgs84")
    shifted = maps.facility_layers(rows, crs="gcj02")

    def coords(groups):
        out = []
        for g in groups:
            for child in g._children.values():
                out += [f["geometry"]["coordinates"] for f in child.data["features"]]
        return np.array(out)

    a, b = coords(plain), coords(shifted)
    d_km = haversine_km(a[:, 0], a[:, 1], b[:, 0], b[:, 1])
    assert np.all((d_km > 0.2) & (d_km < 1.0)), d_km
    assert maps.BASEMAPS["gaode"].overlay_crs == "gcj02" and maps.BASEMAPS["tianditu"].overlay_crs == "wgs84"


def test_one_layer_per_type_and_one_marker_per_placed_facility(embedded):
    _, _, _, facilities = embedded
    groups = maps.facility_layers(facilities)
    n = sum(len(child.data["features"]) for g in groups for child in g._children.values())
    assert n == int(facilities["lon"].notna().sum())
    assert len(groups) == facilities["facility_type"].nunique() == 5
    names = [g.layer_name for g in groups]
    assert names[0].startswith("乡镇卫生院") and names[-1].startswith("三级医院")  # hospitals drawn on top


def test_an_empty_type_gives_an_empty_layer(embedded):
    facilities = embedded[3]
    groups = maps.facility_layers(facilities.head(0), types=["tertiary_hospital"])
    assert [g.layer_name for g in groups] == ["三级医院（0）"] and not groups[0]._children


def test_popups_and_labels_escape_data_text(embedded):
    _, _, _, facilities = embedded
    row = facilities[facilities["lon"].notna()].head(1).copy()
    row["name"] = '<img src=x onerror="alert(1)">卫生院'
    row["county_name"] = "<b>县</b>"
    row["address"] = "路 & 街"
    groups = maps.facility_layers(row, lang="en")
    props = next(iter(groups[0]._children.values())).data["features"][0]["properties"]
    assert props["n"] == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;卫生院"
    assert "&lt;b&gt;县&lt;/b&gt;" in props["c"] and props["a"] == "路 &amp; 街"
    assert props["q"].startswith("approximate")
    assert "<img" not in json.dumps(props)


def test_bad_arguments_get_clear_messages(embedded):
    prefectures, counties, _, _ = embedded
    with pytest.raises(InputValidationError, match="basemap 'bing'"):
        maps.base_map(prefectures, counties, basemap="bing")
    with pytest.raises(InputValidationError, match="key"):
        maps.base_map(prefectures, counties, basemap="tianditu", tianditu_key="")
    with pytest.raises(InputValidationError, match="language 'fr'"):
        maps.base_map(prefectures, counties, lang="fr")


def test_online_basemaps_add_their_tiles(embedded):
    prefectures, counties, _, _ = embedded
    assert "tile.openstreetmap.org" in _script(maps.base_map(prefectures, counties, basemap="osm"))
    html = _script(maps.base_map(prefectures, counties, basemap="tianditu", tianditu_key="abc123"))
    assert "tianditu.gov.cn/vec_w" in html and "tk=abc123" in html
    assert "autonavi.com" in _script(maps.base_map(prefectures, counties, basemap="gaode"))
    assert "openstreetmap" not in _script(maps.base_map(prefectures, counties))  # offline default


def test_view_fits_the_selection(embedded):
    prefectures = embedded[0]
    (lat_all, lon_all), z_all = maps.view_for_prefectures(prefectures, [])
    (lat, lon), z = maps.view_for_prefectures(prefectures, ["350800"])  # 龙岩
    assert 25.5 < lat_all < 26.5 and 117.5 < lon_all < 119
    assert z > z_all and 24.5 < lat < 25.8 and 116 < lon < 117.5


# --- overview: selection, counts, data quality
def test_selection_and_counts(embedded):
    prefectures, _, townships, facilities = embedded
    shown = overview.select_facilities(facilities, ["350800"], ["township_health_center", "county_hospital"])
    assert set(shown["prefecture_code"]) == {"350800"}
    table = overview.summary_counts(shown, prefectures)
    assert table.loc["合计", "合计"] == len(shown)
    assert list(table.index) == ["龙岩市 ★", "合计"]
    head = overview.headline_counts(shown, townships, ["350800"])
    assert head["shown"] == head["primary_care"] + head["hospitals"] == len(shown)
    assert head["townships"] == int((townships["prefecture_code"] == "350800").sum())
    with pytest.raises(InputValidationError, match="hospitalz"):
        overview.select_facilities(facilities, None, ["hospitalz"])


def test_quality_report_counts_and_csv(embedded):
    _, _, townships, facilities = embedded
    report = overview.quality_report(townships, facilities)
    counts = report.counts()
    assert counts["townships_without_point"] == int(townships["lon"].isna().sum()) == 28
    assert counts["facilities_without_location"] == int(facilities["lon"].isna().sum())
    approx = facilities["location_quality"].str.startswith("approx")
    assert counts["facilities_approximate"] == int(approx.sum())
    raw = overview.quality_csv(report)
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel opens the Chinese text correctly
    table = pd.read_csv(__import__("io").BytesIO(raw), encoding="utf-8-sig")
    assert len(table) == sum(counts.values())
    assert set(table["issue_label"]) >= {"乡镇无坐标", "机构位置为近似值"}


def test_overview_cli(tmp_path, capsys):
    out = tmp_path / "q.csv"
    assert geo_main(["overview", "--prefecture", "龙岩", "--csv", str(out)]) == 0
    assert "龙岩市 ★" in capsys.readouterr().out and out.stat().st_size > 100
    assert geo_main(["overview", "--prefecture", "火星"]) == 2
    assert "Unknown prefecture '火星'" in capsys.readouterr().err
