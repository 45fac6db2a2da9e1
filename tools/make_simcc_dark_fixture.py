"""Prints the reference of SwiftPose's SimCCDarkTests: MMPose 1.3.2's SimCCLabel.decode with
use_dark=True (get_simcc_maximum and refine_simcc_dark executed from the mmpose wheel's source
with OpenCV, the decode steps of simcc_label.py repeated here) on fixed logits, as Swift
literals. Run with a Python that has numpy, torch and opencv-python:
    python3 tools/make_simcc_dark_fixture.py
"""
import glob
import os
import sys
import types
import zipfile

import numpy as np

wheel = glob.glob(os.path.expanduser('~/.cache/swiftpose-mmpose-wheel/mmpose-1.3.2-*.whl'))[0]
source = zipfile.ZipFile(wheel)
for name in ('mmpose', 'mmpose.codecs', 'mmpose.codecs.utils'):
    package = types.ModuleType(name)
    package.__path__ = []
    sys.modules[name] = package
pp = types.ModuleType('mmpose.codecs.utils.post_processing')
exec(compile(source.read('mmpose/codecs/utils/post_processing.py').decode(), 'post_processing.py', 'exec'), pp.__dict__)
sys.modules['mmpose.codecs.utils.post_processing'] = pp
refinement = types.ModuleType('mmpose.codecs.utils.refinement')
refinement.__package__ = 'mmpose.codecs.utils'
exec(compile(source.read('mmpose/codecs/utils/refinement.py').decode(), 'refinement.py', 'exec'), refinement.__dict__)

rng = np.random.default_rng(1)
K, Wx, Hy, ratio, sigma = 4, 96, 128, 2.0, (5.66, 5.66)   # input 48 x 64
bx, by = np.arange(Wx), np.arange(Hy)
x = np.stack([np.exp(-(bx - c) ** 2 / (2 * 11.0 ** 2)) for c in (20.3, 47.8, 3.1, 90.0)]).astype(np.float32)
y = np.stack([np.exp(-(by - c) ** 2 / (2 * 11.0 ** 2)) for c in (60.6, 1.2, 100.4, 30.0)]).astype(np.float32)
x += rng.normal(scale=0.02, size=x.shape).astype(np.float32)
y += rng.normal(scale=0.02, size=y.shape).astype(np.float32)
x[3] = -np.abs(x[3])   # no location: the smaller maximum is not positive
x, y = x[None], y[None]
print('x', '[' + ', '.join(f'{v:.9g}' for v in x.flatten()) + ']')
print('y', '[' + ', '.join(f'{v:.9g}' for v in y.flatten()) + ']')
# SimCCLabel.decode (mmpose/codecs/simcc_label.py, use_dark=True)
keypoints, scores = pp.get_simcc_maximum(x.copy(), y.copy())
x_blur = int((sigma[0] * 20 - 7) // 3)
y_blur = int((sigma[1] * 20 - 7) // 3)
x_blur -= int((x_blur % 2) == 0)
y_blur -= int((y_blur % 2) == 0)
keypoints[:, :, 0] = refinement.refine_simcc_dark(keypoints[:, :, 0], x.copy(), x_blur)
keypoints[:, :, 1] = refinement.refine_simcc_dark(keypoints[:, :, 1], y.copy(), y_blur)
keypoints /= ratio
print('keypoints', '[' + ', '.join(f'{v:.9g}' for v in keypoints.flatten()) + ']')
print('scores', '[' + ', '.join(f'{v:.9g}' for v in scores.flatten()) + ']')
