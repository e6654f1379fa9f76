#!/usr/bin/env python3
"""A before/after pair of 4-band (blue, green, red, NIR) UInt16 GeoTIFF scenes for the raster
benchmark: vegetated ground with texture and noise, and in the after scene N clearings
(squares of 20-80 px where NIR falls and red rises, as after felling). Written by row blocks,
so memory stays small whatever the size.

    make_scene.py SIZE CLEARINGS BEFORE.tif AFTER.tif
"""
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()

size, clearings = int(sys.argv[1]), int(sys.argv[2])
before_path, after_path = sys.argv[3], sys.argv[4]
rng = np.random.default_rng(7)

# Clearings as (row, col, side).
sides = rng.integers(20, 81, clearings)
rows = rng.integers(0, size - 81, clearings)
cols = rng.integers(0, size - 81, clearings)

srs = osr.SpatialReference()
srs.ImportFromEPSG(32650)  # UTM 50N: Wuxi
opts = ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "BIGTIFF=IF_SAFER"]
drv = gdal.GetDriverByName("GTiff")
out = []
for path in (before_path, after_path):
    ds = drv.Create(path, size, size, 4, gdal.GDT_UInt16, opts)
    ds.SetGeoTransform((200000.0, 10.0, 0.0, 3500000.0, 0.0, -10.0))
    ds.SetProjection(srs.ExportToWkt())
    for b in range(1, 5):
        ds.GetRasterBand(b).SetNoDataValue(0)
    out.append(ds)

block = 512
x = np.arange(size)
for y0 in range(0, size, block):
    n = min(block, size - y0)
    yy = np.arange(y0, y0 + n)[:, None]
    # Smooth texture (stands of different density) plus sensor noise.
    texture = 0.5 + 0.25 * np.sin(x[None, :] / 97.0) * np.cos(yy / 131.0)
    noise = rng.normal(0.0, 0.03, (n, size))
    density = np.clip(texture + noise, 0.1, 1.0)
    blue = 300 + 200 * (1 - density)
    green = 600 + 300 * (1 - density)
    red = 400 + 900 * (1 - density)
    nir = 1800 + 2200 * density
    bands_before = [blue, green, red, nir]
    cleared = np.zeros((n, size), dtype=bool)
    for r, c, s in zip(rows, cols, sides):
        if r + s <= y0 or r >= y0 + n:
            continue
        cleared[max(r - y0, 0):min(r + s - y0, n), c:c + s] = True
    bands_after = [
        np.where(cleared, 900.0, blue),
        np.where(cleared, 1100.0, green),
        np.where(cleared, 1700.0, red),
        np.where(cleared, 1900.0, nir),
    ]
    for ds, bands in ((out[0], bands_before), (out[1], bands_after)):
        for i, values in enumerate(bands, start=1):
            ds.GetRasterBand(i).WriteArray(values.astype(np.uint16), 0, y0)
for ds in out:
    ds.FlushCache()
print(f"{size} x {size} px, {clearings} clearings")
