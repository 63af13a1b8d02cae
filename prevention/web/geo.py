"""Country outlines for the map, from a vendored TopoJSON file, as GeoJSON keyed by ISO3.

Plotly's own choropleth fetches its outlines from cdn.plot.ly at view time; a deployment on a
closed network would show a blank map. This decodes the vendored file once instead.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pycountry

TOPOJSON = Path(__file__).resolve().parent / "assets" / "world-110m.topojson.json"
# Features the file leaves without a numeric ISO code, by their Natural Earth name.
BY_NAME = {"Kosovo": "XKX"}


def _arcs(topo: dict) -> list[list[tuple[float, float]]]:
    """Delta-decoded, dequantised arcs."""
    (sx, sy), (tx, ty) = topo["transform"]["scale"], topo["transform"]["translate"]
    out = []
    for arc in topo["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((round(x * sx + tx, 4), round(y * sy + ty, 4)))
        out.append(points)
    return out


def _ring(indexes: list[int], arcs: list) -> list[tuple[float, float]]:
    ring: list[tuple[float, float]] = []
    for i in indexes:
        pts = arcs[i] if i >= 0 else arcs[~i][::-1]
        ring.extend(pts if not ring else pts[1:])  # consecutive arcs share their end point
    return ring


def _alpha3(numeric: str | None, name: str) -> str | None:
    if numeric:
        c = pycountry.countries.get(numeric=numeric.zfill(3))
        if c:
            return c.alpha_3
    return BY_NAME.get(name)


@lru_cache(maxsize=1)
def world() -> dict:
    """GeoJSON FeatureCollection of countries, each with `id` = ISO3 and properties.name."""
    topo = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    arcs = _arcs(topo)
    features = []
    for g in topo["objects"]["countries"]["geometries"]:
        code = _alpha3(g.get("id"), g.get("properties", {}).get("name", ""))
        if code is None or g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        if g["type"] == "Polygon":
            coords = [_ring(r, arcs) for r in g["arcs"]]
        else:
            coords = [[_ring(r, arcs) for r in poly] for poly in g["arcs"]]
        features.append({"type": "Feature", "id": code,
                         "properties": {"name": g.get("properties", {}).get("name", code)},
                         "geometry": {"type": g["type"], "coordinates": coords}})
    return {"type": "FeatureCollection", "features": features}


@lru_cache(maxsize=1)
def world_ids() -> list[str]:
    return [f["id"] for f in world()["features"]]


STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
GEOJSON_NAME = "world_110m.geojson"
GEOJSON_URL = "app/static/" + GEOJSON_NAME
PLOTLY_TOPOJSON = "world_110m.json"
TOPOJSON_URL = "app/static/"  # Streamlit serves ./static there (server.enableStaticServing)


def plotly_topojson() -> dict:
    """The vendored outlines in the shape plotly.js loads for a world map (it fetches
    `world_110m.json` even when every outline comes from our GeoJSON): countries keyed by ISO3,
    land, and the empty layers it looks for."""
    topo = json.loads(TOPOJSON.read_text(encoding="utf-8"))
    for g in topo["objects"]["countries"]["geometries"]:
        code = _alpha3(g.get("id"), g.get("properties", {}).get("name", ""))
        g["id"] = code or ""
    for layer in ("coastlines", "ocean", "lakes", "rivers", "subunits"):
        topo["objects"][layer] = {"type": "GeometryCollection", "geometries": []}
    return topo


def write_static(folder: Path = STATIC_DIR) -> Path:
    """Write static/world_110m.json (run once; the file is committed)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / PLOTLY_TOPOJSON
    path.write_text(json.dumps(plotly_topojson(), separators=(",", ":")), encoding="utf-8")
    (folder / GEOJSON_NAME).write_text(json.dumps(world(), separators=(",", ":")), encoding="utf-8")
    return path


# ---------------------------------------------------------------- one point per State

LABEL_POINTS_CSV = Path(__file__).resolve().parents[2] / "data" / "reference" / "label_points.csv"


def _ring_centroid(ring) -> tuple[float, float, float]:
    """(area, x, y) of a closed ring (shoelace, planar degrees)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-12:
        xs, ys = zip(*ring)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


def _inside(ring, x: float, y: float) -> bool:
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def _interior_point(ring) -> tuple[float, float]:
    """The ring's centroid when it falls inside the ring; else (a crescent such as Croatia)
    the middle of the widest stretch of the ring along the centroid's latitude."""
    _, x, y = _ring_centroid(ring)
    if _inside(ring, x, y):
        return x, y
    crossings = sorted(x0 + (y - y0) * (x1 - x0) / (y1 - y0)
                       for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1])
                       if (y0 > y) != (y1 > y))
    spans = list(zip(crossings[::2], crossings[1::2]))
    if not spans:
        return x, y
    a, b = max(spans, key=lambda s: s[1] - s[0])
    return (a + b) / 2, y


def _unwrapped(ring):
    """A ring that crosses the antimeridian (Fiji, Russia's far east) with its western
    longitudes moved past 180, so that its centroid is not taken across the whole globe."""
    xs = [x for x, _ in ring]
    if max(xs) - min(xs) <= 180:
        return ring
    return [(x + 360 if x < 0 else x, y) for x, y in ring]


@lru_cache(maxsize=1)
def label_points() -> dict[str, tuple[float, float]]:
    """ISO3 -> (lon, lat) where the map puts a State's marker: inside its largest polygon of
    the 1:110m outlines, or, for the small States those outlines leave out, from
    data/reference/label_points.csv (Natural Earth 1:10m, see data/README.md)."""
    import csv

    points: dict[str, tuple[float, float]] = {}
    for f in world()["features"]:
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        outer = max((_unwrapped(p[0]) for p in polys), key=lambda r: _ring_centroid(r)[0])
        x, y = _interior_point(outer)
        points[f["id"]] = (round((x + 180) % 360 - 180, 2), round(y, 2))
    with LABEL_POINTS_CSV.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            points.setdefault(row["iso3"], (float(row["lon"]), float(row["lat"])))
    return points


def outlined(codes) -> list[bool]:
    """For each ISO3, whether the 1:110m outlines draw it (False: only its marker shows it)."""
    have = set(world_ids())
    return [c in have for c in codes]


def offline_assets_js() -> str:
    """A script that hands plotly.js the vendored outlines before it asks for them, so a
    figure rendered outside the app (kaleido's PNG/SVG export) fetches nothing either."""
    return ("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};\n"
            "window.PlotlyGeoAssets.topojson['world_110m'] = "
            + json.dumps(plotly_topojson(), separators=(",", ":")) + ";\n")
