"""Prints the reference of SwiftPose's SimCCAccuracyTests: MMPose 1.3.2's own simcc_pck_accuracy
(SimCCHead's acc_pose; its source executed from the mmpose wheel, unrelated imports stubbed) on
fixed logits, threshold 0.2, as Swift literals. Run with a Python that has numpy and torch:
    python3 tools/make_simcc_accuracy_fixture.py
"""
import sys, types, zipfile, glob, os
import numpy as np
wheel = glob.glob(os.path.expanduser('~/.cache/swiftpose-mmpose-wheel/mmpose-1.3.2-*.whl'))[0]
src = zipfile.ZipFile(wheel)
for name in ('mmpose', 'mmpose.codecs', 'mmpose.evaluation', 'mmpose.evaluation.functional'):
    m = types.ModuleType(name); m.__path__ = []; sys.modules[name] = m
sys.modules['cv2'] = types.ModuleType('cv2')
pp = types.ModuleType('mmpose.codecs.utils.post_processing')
exec(compile(src.read('mmpose/codecs/utils/post_processing.py').decode(), 'pp', 'exec'), pp.__dict__)
utils = types.ModuleType('mmpose.codecs.utils'); utils.__dict__.update(pp.__dict__); sys.modules['mmpose.codecs.utils'] = utils
mesh = types.ModuleType('mmpose.evaluation.functional.mesh_eval'); mesh.compute_similarity_transform = None
sys.modules['mmpose.evaluation.functional.mesh_eval'] = mesh
ke = types.ModuleType('mmpose.evaluation.functional.keypoint_eval'); ke.__package__ = 'mmpose.evaluation.functional'
exec(compile(src.read('mmpose/evaluation/functional/keypoint_eval.py').decode(), 'ke', 'exec'), ke.__dict__)
rng = np.random.default_rng(0)
N, K, Wx, Hy = 3, 4, 24, 32   # input 12 x 16 at ratio 2
px = rng.normal(size=(N, K, Wx)).astype(np.float32); py = rng.normal(size=(N, K, Hy)).astype(np.float32)
gx = px + rng.normal(scale=0.7, size=px.shape).astype(np.float32); gy = py + rng.normal(scale=0.7, size=py.shape).astype(np.float32)
px[0, 1] = -1.0   # no location for this prediction
mask = np.array([[1, 1, 0, 1], [1, 1, 1, 1], [0, 1, 1, 1]], dtype=np.float32)
_, acc, _ = ke.simcc_pck_accuracy((px, py), (gx, gy), 2.0, mask > 0, thr=0.05 * 4)
f = lambda a: '[' + ', '.join(f'{v:.9g}' for v in a.flatten().tolist()) + ']'
print('x', f(px)); print('y', f(py)); print('tx', f(gx)); print('ty', f(gy)); print('w', f(mask)); print('acc %.17g' % acc)
