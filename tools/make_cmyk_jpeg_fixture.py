"""Writes the CMYK JPEG fixture of SwiftPose's ImageFormatTests and what OpenCV reads from it.

A 24 x 16 Adobe CMYK JPEG (Pillow writes four-component JPEGs with an Adobe APP14 marker, as
print workflows and many scanners do) and `cv2.imread(path, IMREAD_COLOR)` of it, converted to
RGB: OpenCV decodes every four-component JPEG as CMYK and converts it with its own formula,
which SwiftPose follows. Run in a venv outside the repository with pillow,
opencv-python-headless and numpy:
    python3 tools/make_cmyk_jpeg_fixture.py Tests/Fixtures/cmyk
"""
import sys

import cv2
import numpy as np
from PIL import Image

out = sys.argv[1]
w, h = 24, 16
y, x = np.mgrid[0:h, 0:w]
cmyk = np.stack([x * 255 // (w - 1), y * 255 // (h - 1), (x + y) * 255 // (w + h - 2),
                 ((x // 6 + y // 4) % 3) * 100], axis=-1).astype(np.uint8)
Image.fromarray(cmyk, mode='CMYK').save(f'{out}/cmyk.jpg', quality=95)
bgr = cv2.imread(f'{out}/cmyk.jpg', cv2.IMREAD_COLOR)
assert bgr is not None and bgr.shape == (h, w, 3), bgr
rgb = np.ascontiguousarray(bgr[:, :, ::-1])
rgb.tofile(f'{out}/cmyk_opencv_rgb.bin')
print(f'{out}/cmyk.jpg: {w}x{h} CMYK; OpenCV {cv2.__version__} RGB written, mean {rgb.mean():.2f}')
