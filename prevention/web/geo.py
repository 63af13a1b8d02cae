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
