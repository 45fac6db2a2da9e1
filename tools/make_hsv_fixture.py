"""Writes Tests/Fixtures/hsv/expected.json: OpenCV's own 8-bit RGB <-> HSV conversions and mmdet
3.3.0's own `YOLOXHSVRandomAug` output, for `OpenCVHSV` and `YOLOXHSVRandomAug` in PoseData to
match to the bit.

- `rgb_to_hsv`: `cv2.COLOR_RGB2HSV` of a few thousand pixels: every grey (s = 0, black and white
  among them), pure primaries and secondaries at several levels, two-channel ties of the maximum
  or the minimum (which channel "wins" decides the hue formula), each of the six hue sectors,
  max - min = 1 and 255, and seeded random colours.
- `hsv_to_rgb`: `cv2.COLOR_HSV2RGB` of the HSV values above plus seeded random (h < 180, s, v) and
  sector edges, converted twice, because OpenCV's result depends on where a pixel sits in its row:
  `rgb_scalar` from a 1-pixel-wide image (OpenCV's scalar loop, which rounds to nearest) and
  `rgb_vector` from rows 32 pixels wide (its AVX2 loop, 4 x 8 float lanes, which truncates).
  `vector_block` is that lane count, measured here; the script refuses to write unless it is 32
  (the AVX2 dispatch of opencv-python on any recent x86-64 CPU, which is what the Swift port
  reproduces, fused multiply-adds included).
- `crops`: pieces of `coco/000000000785.jpg` (read by cv2, BGR, stored as RGB) of 24, 40 and 72
  pixels per row (all scalar, 32 vector + 8 scalar, 64 vector + 8 scalar per row), each through
  mmdet's `YOLOXHSVRandomAug` (its real `transform`, on BGR as mmdet runs it) with
  `_get_hsv_gains` replaced by six fixed int16 gain triples: zero gains (not the identity: the
  round trip through 8-bit HSV loses precision), negative hue that wraps, gains that clip.

Run from the repository root in the MMPose venv (`tools/mmpose_venv.sh`; opencv-python 4.10, mmdet 3.3.0):
    /path/to/venv/bin/python tools/make_hsv_fixture.py
"""
import base64
import json
import os
import sys

import cv2
import mmdet
import numpy as np
from mmdet.datasets.transforms import YOLOXHSVRandomAug

ROOT = os.path.join('Tests', 'Fixtures')
OUT = os.path.join(ROOT, 'hsv', 'expected.json')
GAINS = [(0, 0, 0), (-5, 0, 0), (4, -29, 29), (-3, 29, -29), (5, 120, -90), (-90, -200, 200)]
CROPS = [(250, 100, 24, 16), (300, 200, 40, 16), (150, 260, 72, 4)]  # x, y, width, height


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()


def vector_block():
    """The smallest row width at which cv2 converts a row's first pixel with its vector loop (which
    truncates where the scalar loop rounds): found with a pixel where the two differ."""
    probe = np.array([10, 200, 150], np.uint8)
    single = cv2.cvtColor(probe.reshape(1, 1, 3), cv2.COLOR_HSV2RGB).reshape(3)
    for width in range(1, 257):
        row = cv2.cvtColor(np.tile(probe, (1, width, 1)), cv2.COLOR_HSV2RGB).reshape(-1, 3)
        if (row[0] != single).any():
            return width
    return 0


def rgb_pixels(rng):
    px = []
    px += [(g, g, g) for g in range(256)]                                  # greys, black, white
    for level in (1, 64, 127, 128, 200, 254, 255):                         # primaries, secondaries
        for pattern in ((1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (1, 0, 1), (0, 1, 1)):
            px.append(tuple(level * c for c in pattern))
    for h in (int(x) for x in rng.integers(1, 256, 120)):                 # ties of the max or the min
        low = int(rng.integers(0, h))
        px += [(h, h, low), (h, low, h), (low, h, h), (low, low, h), (low, h, low), (h, low, low)]
    for order in ((0, 1, 2), (1, 0, 2), (1, 2, 0), (2, 1, 0), (2, 0, 1), (0, 2, 1)):  # the six sectors
        for _ in range(100):
            v = np.sort(rng.integers(0, 256, 3))[::-1]                     # v[0] >= v[1] >= v[2]
            c = [0, 0, 0]
            for rank, channel in enumerate(order):
                c[channel] = int(v[rank])
            px.append(tuple(c))
    for v in rng.integers(1, 256, 60):                                     # max - min = 1, and 255
        m = int(v) - 1
        px += [(int(v), m, m), (m, int(v), m), (m, m, int(v)), (int(v), int(rng.integers(m, v + 1)), m)]
    px += [(255, 0, int(x)) for x in rng.integers(0, 256, 30)] + [(int(x), 255, 0) for x in rng.integers(0, 256, 30)]
    px += [tuple(int(x) for x in rng.integers(0, 256, 3)) for _ in range(600)]  # random
    return np.array(px, np.uint8)


def hsv_pixels(rng, from_rgb):
    px = [tuple(p) for p in from_rgb]
    for h in (0, 1, 14, 15, 29, 30, 31, 59, 60, 61, 89, 90, 91, 119, 120, 121, 149, 150, 151, 178, 179):
        for s in (0, 1, 127, 254, 255):
            for v in (0, 1, 128, 254, 255):
                px.append((h, s, v))
    px += [(int(rng.integers(0, 180)), int(rng.integers(0, 256)), int(rng.integers(0, 256))) for _ in range(800)]
    return np.array(px, np.uint8)


def convert_vector(hsv):
    """cv2.COLOR_HSV2RGB with every pixel in the vector loop: rows of 32, the last one padded."""
    pad = (-len(hsv)) % 32
    padded = np.concatenate([hsv, np.zeros((pad, 3), np.uint8)])
    return cv2.cvtColor(padded.reshape(-1, 32, 3), cv2.COLOR_HSV2RGB).reshape(-1, 3)[:len(hsv)]


def main():
    block = vector_block()
    if block != 32:
        sys.exit(f'cv2 {cv2.__version__} converts HSV->RGB in vector blocks of {block} pixels here, not 32 '
                 '(its AVX2 build): run this on an x86-64 CPU with AVX2')
    rng = np.random.default_rng(20240613)
    rgb = rgb_pixels(rng)
    hsv_of_rgb = cv2.cvtColor(rgb.reshape(-1, 1, 3), cv2.COLOR_RGB2HSV).reshape(-1, 3)
    # the vector RGB->HSV loop is integer arithmetic equal to the scalar one; check it is so here
    wide = cv2.cvtColor(np.concatenate([rgb, rgb[:(-len(rgb)) % 64]]).reshape(-1, 64, 3), cv2.COLOR_RGB2HSV)
    assert (wide.reshape(-1, 3)[:len(rgb)] == hsv_of_rgb).all()
    hsv = hsv_pixels(rng, hsv_of_rgb)
    scalar = cv2.cvtColor(hsv.reshape(-1, 1, 3), cv2.COLOR_HSV2RGB).reshape(-1, 3)
    vector = convert_vector(hsv)

    image = cv2.imread(os.path.join(ROOT, 'coco', '000000000785.jpg'))  # BGR
    crops = []
    for x, y, w, h in CROPS:
        piece = np.ascontiguousarray(image[y:y + h, x:x + w])
        outputs = []
        for gains in GAINS:
            aug = YOLOXHSVRandomAug()
            aug._get_hsv_gains = lambda g=gains: np.array(g, np.int16)  # mmdet's own transform, fixed gains
            result = aug.transform({'img': piece.copy()})
            outputs.append(dict(gains=list(gains), rgb=b64(result['img'][..., ::-1])))
        crops.append(dict(x=x, y=y, width=w, height=h, rgb=b64(piece[..., ::-1]), augmented=outputs))

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(dict(opencv=cv2.__version__, mmdet=mmdet.__version__, numpy=np.__version__, vector_block=block,
                       rgb_to_hsv=dict(count=len(rgb), rgb=b64(rgb), hsv=b64(hsv_of_rgb)),
                       hsv_to_rgb=dict(count=len(hsv), hsv=b64(hsv), rgb_scalar=b64(scalar), rgb_vector=b64(vector),
                                       paths_differ=int((scalar != vector).any(1).sum())),
                       crops=crops), f, indent=1)
    print(f'{OUT}: cv2 {cv2.__version__}, mmdet {mmdet.__version__}, vector block {block}; '
          f'{len(rgb)} RGB->HSV pixels, {len(hsv)} HSV->RGB pixels x 2 paths '
          f'({int((scalar != vector).any(1).sum())} differ between them), '
          f'{len(crops)} crops x {len(GAINS)} gains ({sum(w * h for _, _, w, h in CROPS) * len(GAINS)} pixels)')


if __name__ == '__main__':
    main()
