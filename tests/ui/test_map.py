"""The Overview map tells the truth: every State once (small ones as markers), each status its
own class with its shape, the legend under the map, and PNG/SVG exports that fetch nothing."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from prevention.web import charts, exports, geo

ROOT = Path(__file__).resolve().parents[2]
MEMBERS = [r["iso3"] for r in csv.DictReader((ROOT / "data/reference/countries.csv").open())
           if r["un_group"]]


def _table(rows):
    return pd.DataFrame(rows, columns=["State", "ISO3", "Status", "Criteria met"])


TABLE = _table([("Russian Federation", "RUS", "▲ triggered", 2), ("Tuvalu", "TUV", "◆ watch", 1),
                ("France", "FRA", "? undetermined", 0), ("Andorra", "AND", "○ clear", 0),
                ("Nauru", "NRU", "? undetermined", 0)])


def test_every_member_state_has_a_place_on_the_map():
    points = geo.label_points()
    assert len(MEMBERS) == 193
    assert not [c for c in MEMBERS if c not in points]
    small = [c for c, drawn in zip(MEMBERS, geo.outlined(MEMBERS)) if not drawn]
    # The 1:110m outlines leave out 28 Member States: they are markers only.
    assert {"AND", "TUV", "NRU", "MCO", "SMR", "LIE", "MLT", "SGP", "BHR", "MDV"} <= set(small)
    lon, lat = points["TUV"]
    assert 176 < lon < 180 and -11 < lat < -5


def test_a_marker_sits_inside_its_own_outline():
    features = {f["id"]: f for f in geo.world()["features"]}
    for code in ("HRV", "CHL", "NOR", "IDN", "USA", "FJI", "RUS", "ITA", "VNM"):
        geom = features[code]["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        x, y = geo.label_points()[code]
        rings = [geo._unwrapped(p[0]) for p in polys]
        # A ring across the antimeridian is unwrapped to longitudes past 180: so is the point.
        assert any(geo._inside(r, x + 360 if x < 0 and max(p[0] for p in r) > 180 else x, y)
                   for r in rings), code


def test_each_state_weighs_one_marker_and_each_status_is_its_own_class():
    fig = charts.status_map(TABLE)
    markers = {t.name: t for t in fig.data if t.type == "scattergeo"}
    assert list(sorted(markers, key=lambda n: markers[n].legendrank)) == [
        "▲ triggered (1)", "◆ watch (1)", "? undetermined (2)", "○ clear (1)", charts.NOT_ASSESSED]
    # One marker per State, the small ones included (Nauru, Tuvalu and Andorra have no outline).
    placed = {n: len([x for x in t.lon if x is not None]) for n, t in markers.items()}
    assert placed == {"▲ triggered (1)": 1, "◆ watch (1)": 1, "? undetermined (2)": 2,
                      "○ clear (1)": 1, charts.NOT_ASSESSED: 0}
    symbols = {n: t.marker.symbol for n, t in markers.items()}
    assert symbols["▲ triggered (1)"] == "triangle-up" and symbols["◆ watch (1)"] == "diamond"
    assert symbols["○ clear (1)"] == "circle-open"
    assert len(set(symbols.values())) == 5  # undetermined looks like neither clear nor the rest
    # Area weighs less: the outlines are tinted, the markers carry the full colour.
    fills = [t for t in fig.data if t.type == "choropleth" and t.showlegend is False and t.z[0] == 1]
    assert fills and all(t.marker.opacity < 0.6 for t in fills)


def test_a_status_with_no_state_keeps_its_legend_entry():
    fig = charts.status_map(TABLE[TABLE["ISO3"] == "RUS"])
    names = [t.name for t in fig.data if t.type == "scattergeo"]
    assert "○ clear (0)" in names and "? undetermined (0)" in names


def test_the_legend_sits_under_the_map_away_from_the_toolbar():
    legend = charts.status_map(TABLE).layout.legend
    # plotly's toolbar is at the top right; the legend starts at the bottom left, below the
    # map, and wraps downwards on a narrow screen.
    assert legend.orientation == "h" and legend.yanchor == "top" and legend.y <= 0
    assert legend.xanchor == "left" and legend.x == 0


def test_the_export_page_loads_nothing_from_the_network():
    page = exports.offline_page().generate_index()
    scripts = [line for line in page.splitlines() if "<script" in line]
    assert len(scripts) == 3  # plotly.js, the outlines, kaleido's own
    assert not any("http://" in s or "https://" in s for s in scripts), scripts
    js = geo.offline_assets_js()
    assert "PlotlyGeoAssets.topojson['world_110m']" in js and '"RUS"' in js


OFFLINE_EXPORT = """
import sys
sys.path.insert(0, {root!r})
import pandas as pd
from prevention.web import charts, exports
table = pd.read_json({table!r})
for fmt in ("png", "svg"):
    out = exports.figure_image(charts.status_map(table), fmt)
    open({folder!r} + "/map." + fmt, "wb").write(out)
"""


def test_the_map_exports_with_the_network_cut(tmp_path):
    """PNG and SVG rendered in a network namespace with no interface: a request to any host
    (plotly's CDN for outlines, MathJax's) fails there, so this passes only if none is made."""
    reasons = []
    if exports.chromium_path() is None:
        reasons.append("no Chromium")
    if shutil.which("unshare") is None:
        reasons.append("no unshare")
    elif subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode != 0:
        reasons.append("unshare -n is not permitted here (needs root)")
    if reasons:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the offline export test cannot run: " + ", ".join(reasons))
        pytest.skip("the offline export test needs " + ", ".join(reasons))
    table_json = tmp_path / "table.json"
    TABLE.to_json(table_json)
    script = OFFLINE_EXPORT.format(root=str(ROOT), table=str(table_json), folder=str(tmp_path))
    run = subprocess.run(["unshare", "-n", "--", sys.executable, "-c", script],
                         capture_output=True, text=True, timeout=240)
    assert run.returncode == 0, run.stderr[-2000:]
    png = (tmp_path / "map.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    from PIL import Image

    with Image.open(tmp_path / "map.png") as im:
        rgb = im.convert("RGB")
        colours = {c for _, c in rgb.getcolors(maxcolors=1 << 20)}
    # The triggered marker's orange and the watch diamond's yellow are drawn.
    assert (0xD5, 0x5E, 0x00) in colours and (0xE6, 0x9F, 0x00) in colours
    svg = (tmp_path / "map.svg").read_text()
    assert svg.lstrip().startswith("<svg") and "triggered" in svg
