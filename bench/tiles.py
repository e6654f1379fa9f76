"""Prints up to 500 z/x/y tiles (seeded sample) that hold sub-compartments of a GeoPackage
written by `linzhang sample`, reading the feature boxes from its R-tree."""
import math
import random
import sqlite3
import sys

zoom, path = int(sys.argv[1]), sys.argv[2]
rows = sqlite3.connect(path).execute(
    "SELECT (minx + maxx) / 2, (miny + maxy) / 2 FROM rtree_xiaoban_geom"
).fetchall()


def tile(lon, lat):
    n = 2**zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


tiles = sorted({tile(x, y) for x, y in rows})
random.seed(42)
if len(tiles) > 500:
    tiles = sorted(random.sample(tiles, 500))
for x, y in tiles:
    print(f"{zoom}/{x}/{y}")
