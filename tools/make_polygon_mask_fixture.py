"""Writes Tests/Fixtures/polygon_mask/masks.json: xtcocotools' rasterisation (the one MMPose's
BottomupGetHeatmapMask calls: frPyObjects, merge, decode) of 40 seeded segmentations on a
37 x 29 image: one to three random polygons each (3-8 vertices, fractional coordinates, some
past the image's border). (A list whose first polygon has four numbers makes xtcocotools'
frPyObjects fail, so MMPose cannot train on such an annotation; SwiftPose reads it as a polygon.)
Each mask is a string of '0'/'1', row by row.

Run in the MMPose 1.3.2 venv (xtcocotools is an MMPose dependency):
    /path/to/venv/bin/python tools/make_polygon_mask_fixture.py
"""
import json
import random

import numpy as np
import xtcocotools.mask as cocomask

rng = random.Random(5)
h, w = 29, 37
cases = []
for i in range(40):
    if True:
        segs = []
        for _ in range(rng.randint(1, 3)):
            n = rng.randint(3, 8)
            cx, cy, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(2, 15)
            poly = []
            for k in range(n):
                a = 2 * np.pi * k / n + rng.uniform(-0.3, 0.3)
                rr = r * rng.uniform(0.5, 1.2)
                poly += [round(cx + rr * np.cos(a), 3), round(cy + rr * np.sin(a), 3)]
            segs.append(poly)
    rles = cocomask.frPyObjects(segs, h, w)
    rles = rles if isinstance(rles, list) else [rles]
    mask = cocomask.decode(cocomask.merge(rles))
    cases.append({'segmentation': segs, 'mask': ''.join(str(int(v)) for v in mask.reshape(-1))})
with open('Tests/Fixtures/polygon_mask/masks.json', 'w') as f:
    json.dump({'height': h, 'width': w, 'cases': cases}, f)
print(len(cases), 'cases;', sum(c['mask'].count('1') for c in cases), 'pixels set')
