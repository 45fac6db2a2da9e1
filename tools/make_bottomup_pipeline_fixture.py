"""Writes Tests/Fixtures/bottomup_pipeline/expected.json: MMPose 1.3.2's own DEKR training
pipeline (LoadImage, BottomupRandomAffine, RandomFlip, GenerateTarget(SPR), BottomupGetHeatmapMask)
on the four COCO samples of Tests/Fixtures/coco in data_mode='bottomup', with the randomness
switched off (shift_prob=scale_prob=rotate_prob=0, RandomFlip prob=1) so that the warp is
the deterministic whole-image fit and SwiftPose's pipeline must give the same targets. Input
128 x 128, heatmaps 32 x 32, SPR sigma (4, 2), minimal_diagonal_length 32**0.5 (DEKR's values
scaled to this input). For each image it records the per-channel float64 sums and sums of
squares of the input (after the warp and flip, 0-255 RGB), heatmaps, heatmap_weights,
displacements and displacement_weights, and the heatmap_mask as a '0'/'1' string, row by row.

Run from the repository root in the MMPose 1.3.2 venv:
    /path/to/venv/bin/python tools/make_bottomup_pipeline_fixture.py
"""
import json
import sys
import types

import numpy as np

# the venv's torchvision is a CUDA build that does not import; MMPose only logs its version
sys.modules.setdefault('torchvision', types.ModuleType('torchvision'))
from mmengine.registry import init_default_scope  # noqa: E402

from mmpose.datasets import CocoDataset  # noqa: E402

init_default_scope('mmpose')
codec = dict(type='SPR', input_size=(128, 128), heatmap_size=(32, 32), sigma=(4, 2), minimal_diagonal_length=32**0.5,
             generate_keypoint_heatmaps=True, decode_max_instances=30)
pipeline = [
    dict(type='LoadImage'),
    dict(type='BottomupRandomAffine', input_size=(128, 128), shift_prob=0, scale_prob=0, rotate_prob=0),
    dict(type='RandomFlip', prob=1.0, direction='horizontal'),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='BottomupGetHeatmapMask'),
]
ds = CocoDataset(ann_file='test_coco.json', data_root='Tests/Fixtures/coco/', data_prefix=dict(img=''), data_mode='bottomup',
                 pipeline=pipeline, test_mode=False)
images = []
for i in range(len(ds)):
    r = ds[i]

    def sums(a):
        a = np.asarray(a, dtype=np.float64)
        return {'shape': list(a.shape), 'sum': a.reshape(a.shape[0], -1).sum(1).tolist(),
                'squares': (a.reshape(a.shape[0], -1) ** 2).sum(1).tolist()}

    img = np.asarray(r['img'])[..., ::-1].transpose(2, 0, 1)  # BGR HWC -> RGB CHW
    images.append({'img_id': int(r['img_id']), 'persons': int(r['keypoints'].shape[0]),
                   'input': sums(img), 'heatmaps': sums(r['heatmaps']), 'heatmap_weights': sums(r['heatmap_weights']),
                   'displacements': sums(r['displacements']), 'displacement_weights': sums(r['displacement_weights']),
                   'heatmap_mask': ''.join('1' if v else '0' for v in np.asarray(r['heatmap_mask']).reshape(-1))})
with open('Tests/Fixtures/bottomup_pipeline/expected.json', 'w') as f:
    json.dump({'mmpose': '1.3.2', 'images': images}, f)
print([(im['img_id'], im['persons'], im['heatmap_mask'].count('0')) for im in images])
