"""Rebuild label_points.csv: a point for every country or territory that the map's 1:110m
outlines leave out (small States: Andorra, Tuvalu, Nauru, ...), so the map can draw it as a
marker instead of not at all.

Input: `countries-10m.json` of the npm package world-atlas 2.0.2 (ISC licence, Copyright
2013-2019 Michael Bostock; the shapes are Natural Earth 1:10m admin-0 countries, public
domain), e.g. from `npm pack world-atlas@2.0.2`. For each feature whose ISO3 is not in
prevention/web/assets/world-110m.topojson.json, the point is the area-weighted centroid of its
largest polygon (the main island of an archipelago), in degrees, rounded to 0.01.

    .venv/bin/python data/reference/label_points.py PATH/TO/countries-10m.json
"""

import csv
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from prevention.web import geo  # noqa: E402

OUT = HERE / "label_points.csv"


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float, float]:
    """(area, x, y) of a closed ring by the shoelace formula (planar, in degrees)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    a /= 2
    if abs(a) < 1e-12:
        xs, ys = zip(*ring)
        return 0.0, sum(xs) / len(xs), sum(ys) / len(ys)
    return abs(a), cx / (6 * a), cy / (6 * a)


def main(path: str) -> None:
    topo = json.loads(Path(path).read_text(encoding="utf-8"))
    arcs = geo._arcs(topo)
    have = set(geo.world_ids())
    rows = []
    for g in topo["objects"]["countries"]["geometries"]:
        name = g.get("properties", {}).get("name", "")
        code = geo._alpha3(g.get("id"), name)
        if code is None or code in have or g.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = [g["arcs"]] if g["type"] == "Polygon" else g["arcs"]
        # The outer ring of each polygon; the largest one carries the label.
        best = max((_centroid(geo._ring(p[0], arcs)) for p in polys), key=lambda t: t[0])
        rows.append((code, name, round(best[1], 2), round(best[2], 2)))
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["iso3", "name", "lon", "lat"])
        w.writerows(sorted(rows))
    print(f"wrote {len(rows)} points to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
