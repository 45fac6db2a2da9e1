"""Writes Tests/Fixtures/blur/expected.json: OpenCV's own 8-bit `cv2.blur` and `cv2.medianBlur`, the
two functions albumentations 1.3's `Blur` and `MedianBlur` call (through `_maybe_process_in_chunks`,
which passes a 3-channel image straight through), for `Albumentation`'s blur steps in PoseData to
match to the bit.

Before writing, the script checks the algorithm the Swift port implements against cv2 itself
and refuses to write on any difference:

- box filter (`cv2.blur(img, (k, k))`, anchor k // 2, BORDER_REFLECT_101): the exact integer sum
  S of the k x k window, then for k * k <= 256 OpenCV's 16-bit path `ColumnSum<ushort, uchar>`
  (modules/imgproc/src/box_filter.simd.hpp), `((S + divDelta) * divScale) >> 23` with
  d = k * k, divScale = floor(2^23 / d), divDelta = d // 2, and then divDelta + 1 when the
  fraction of 2^23 / d is below 0.5, else divScale + 1 (so not always round-to-nearest: k = 2
  gives floor((S + 3) / 4)); k = 1 copies; for k * k > 256, `ColumnSum<int, uchar>`, S times
  1 / d rounded half to even (its vector lanes multiply in float32; for odd k that never
  differs from double, for some even k >= 22 it does, shown by the `large_even` count);
- median (`cv2.medianBlur(img, k)`, k odd): the true median (element k * k // 2 of the sorted
  window) with BORDER_REPLICATE.

The check covers seeded random images of 1..69 pixels a side (noise, few-level, crops of
`coco/000000000785.jpg`, flat with spikes) for k in 1..7, 9, 11, 15, 16, 17, 21 (box) and
1, 3, 5, 7, 9, 11, 15, 17 (median), the network crop sizes 192 x 256 and 288 x 384, with IPP
on and off, and every window sum 0..255 * k * k for k = 2..23 (box). It prints the counts.

The fixture holds three images (stored as RGB; each filter works channel by channel, so BGR or
RGB order does not matter): a 21 x 17 crop of `coco/000000000785.jpg` (read by cv2), a seeded
9 x 7 noise image, and a seeded 4 x 3 noise image on which k = 7 reaches past the image more
than once (BORDER_REFLECT_101 folds back repeatedly); for each, `blur` for k = 2, 3, 4, 5, 7
and `median` for k = 3, 5, 7, as base64 bytes, row by row, R, G, B per pixel.

Run from the repository root in the MMPose venv (`tools/mmpose_venv.sh`; opencv-python 4.10):
    /path/to/venv/bin/python tools/make_blur_fixture.py
"""
import base64
import json
import os
import sys

import cv2
import numpy as np

ROOT = os.path.join('Tests', 'Fixtures')
OUT = os.path.join(ROOT, 'blur', 'expected.json')
PHOTO = os.path.join(ROOT, 'coco', '000000000785.jpg')
BOX_SIZES = [2, 3, 4, 5, 7]
MEDIAN_SIZES = [3, 5, 7]


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype=np.uint8).tobytes()).decode()


def border(p, n, reflect101):
    """OpenCV's borderInterpolate for BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba) or
    BORDER_REPLICATE (aaaaaa|abcdefgh|hhhhhhh)."""
    if 0 <= p < n:
        return p
    if not reflect101:
        return 0 if p < 0 else n - 1
    if n == 1:
        return 0
    while not 0 <= p < n:
        p = -p if p < 0 else 2 * n - 2 - p
    return p


def box_params(k):
    d = k * k
    if d == 1:
        return None
    if d <= 256:
        d = int(round(1.0 / (1.0 / d)))  # cvRound(1. / scale)
        scalef = float(1 << 23) / d
        ds = int(np.floor(scalef))
        frac = scalef - ds
        dd = d // 2
        if frac < 0.5:
            dd += 1
        else:
            ds += 1
        return ('fixed', dd, ds)
    return ('double', 1.0 / d)


def finish_box(s, k):
    p = box_params(k)
    if p is None:
        return s.astype(np.uint8)
    if p[0] == 'fixed':
        return (((s + p[1]) * p[2]) >> 23).astype(np.uint8)
    return np.clip(np.rint(s * p[1]), 0, 255).astype(np.uint8)


def box(img, k):
    h, w, _ = img.shape
    a = k // 2
    ys = [[border(y - a + i, h, True) for i in range(k)] for y in range(h)]
    xs = [[border(x - a + i, w, True) for i in range(k)] for x in range(w)]
    im = img.astype(np.int64)
    rows = np.stack([im[:, xs[x], :].sum(axis=1) for x in range(w)], axis=1)
    s = np.stack([rows[ys[y], :, :].sum(axis=0) for y in range(h)], axis=0)
    return finish_box(s, k)


def median(img, k):
    h, w, c = img.shape
    if k == 1:
        return img.copy()
    a = k // 2
    yi = np.array([[border(y - a + i, h, False) for i in range(k)] for y in range(h)])
    xi = np.array([[border(x - a + i, w, False) for i in range(k)] for x in range(w)])
    win = img[yi[:, None, :, None], xi[None, :, None, :], :]
    return np.sort(win.reshape(h, w, k * k, c), axis=2)[:, :, (k * k) // 2, :].astype(np.uint8)


def verify(photo):
    stats = {'box': [0, 0], 'median': [0, 0], 'images': 0}

    def check(img, box_sizes, median_sizes):
        stats['images'] += 1
        for k in box_sizes:
            diff = int((cv2.blur(img, (k, k)) != box(img, k)).sum())
            stats['box'][0] += img.size
            stats['box'][1] += diff
        for k in median_sizes:
            diff = int((cv2.medianBlur(img, k) != median(img, k)).sum())
            stats['median'][0] += img.size
            stats['median'][1] += diff

    for ipp in (True, False):
        cv2.ipp.setUseIPP(ipp)
        rng = np.random.default_rng(11 if ipp else 12)
        for trial in range(120):
            h, w = int(rng.integers(1, 70)), int(rng.integers(1, 70))
            kind = trial % 4
            if kind == 0:
                img = rng.integers(0, 256, (h, w, 3), dtype=np.uint8)
            elif kind == 1:
                img = rng.choice(np.array([0, 1, 127, 128, 254, 255], np.uint8), (h, w, 3))
            elif kind == 2:
                y, x = int(rng.integers(0, photo.shape[0] - h)), int(rng.integers(0, photo.shape[1] - w))
                img = np.ascontiguousarray(photo[y:y + h, x:x + w])
            else:
                img = np.full((h, w, 3), int(rng.integers(0, 256)), np.uint8)
                img[rng.random((h, w)) < 0.1] = 255
            check(img, [1, 2, 3, 4, 5, 6, 7, 9, 11, 15, 16, 17, 21], [1, 3, 5, 7, 9, 11, 15, 17])
        for w, h in [(192, 256), (288, 384)]:
            y, x = int(rng.integers(0, photo.shape[0] - h)), int(rng.integers(0, photo.shape[1] - w))
            check(np.ascontiguousarray(photo[y:y + h, x:x + w]), [3, 5, 7], [3, 5, 7])
            check(rng.integers(0, 256, (h, w, 3), dtype=np.uint8), [3, 5, 7], [3, 5, 7])
    cv2.ipp.setUseIPP(True)

    # every window sum: k x k blocks side by side, each summing to one value, read at block centres
    sums_checked = sums_wrong = 0
    large_even = {}
    for k in range(2, 24):
        d = k * k
        sums = np.arange(0, 255 * d + 1)
        n, cols = len(sums), 256
        rows = (n + cols - 1) // cols
        blocks = np.zeros((rows * cols, d), np.int64)
        full, rem = sums // 255, sums % 255
        for i in range(d):
            blocks[:n, i] = np.where(i < full, 255, np.where(i == full, rem, 0))
        img = blocks.reshape(rows, cols, k, k).transpose(0, 2, 1, 3).reshape(rows * k, cols * k).astype(np.uint8)
        got = cv2.blur(img, (k, k))[k // 2::k, k // 2::k].reshape(-1)[:n]
        wrong = int((got != finish_box(sums, k)).sum())
        if k * k > 256 and k % 2 == 0:
            large_even[k] = wrong
        else:
            sums_wrong += wrong
        sums_checked += n
    return stats, sums_checked, sums_wrong, large_even


def entry(name, source, rgb):
    h, w, _ = rgb.shape
    return {
        'name': name, 'source': source, 'width': w, 'height': h, 'rgb': b64(rgb),
        'blur': {str(k): b64(cv2.blur(rgb, (k, k))) for k in BOX_SIZES},
        'median': {str(k): b64(cv2.medianBlur(rgb, k)) for k in MEDIAN_SIZES},
    }


def main():
    bgr = cv2.imread(PHOTO)
    if bgr is None:
        sys.exit(f'cannot read {PHOTO}; run from the repository root')
    stats, sums_checked, sums_wrong, large_even = verify(bgr)
    print(f"opencv {cv2.__version__}: {stats['images']} images; box filter {stats['box'][1]} of {stats['box'][0]} "
          f"values differ, median {stats['median'][1]} of {stats['median'][0]}; window sums (k = 2..23) "
          f"{sums_wrong} of {sums_checked} differ outside even k >= 18 (those: {large_even})")
    if stats['box'][1] or stats['median'][1] or sums_wrong:
        sys.exit('the reimplementation differs from cv2: not writing the fixture')

    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    rng = np.random.default_rng(5)
    images = [
        entry('coco_785', 'coco/000000000785.jpg, x 400..<421, y 296..<313 (read by cv2, stored RGB)',
              np.ascontiguousarray(rgb[296:313, 400:421])),
        entry('noise_9x7', 'numpy default_rng(5).integers(0, 256, (7, 9, 3))',
              rng.integers(0, 256, (7, 9, 3), dtype=np.uint8)),
        entry('noise_4x3', 'numpy default_rng(5), next draw: integers(0, 256, (3, 4, 3))',
              rng.integers(0, 256, (3, 4, 3), dtype=np.uint8)),
    ]
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'opencv': cv2.__version__, 'images': images}, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT} ({os.path.getsize(OUT)} bytes)')


if __name__ == '__main__':
    main()
