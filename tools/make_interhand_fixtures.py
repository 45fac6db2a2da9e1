"""Writes a tiny InterHand2.6M-format dataset (Tests/Fixtures/interhand: InterHand2.6M_data.json,
_camera.json, _joint_3d.json; made up: two captures, two cameras, five images) and what MMPose
1.3.2's own InterHand2DDoubleDataset reads from it (expected.json: per sample_interval 1 and 2,
each instance's id, img_id, img_path, bbox, keypoints and keypoints_visible), for
InterHandDatasetTests.

The set covers a left wrist marked invalid (its hand's joints become invisible), an image with
two annotations (only the first is read), and a zero-width box (dropped by
`_is_valid_instance`). Run from the repository root in the MMPose 1.3.2 venv:
    /path/to/venv/bin/python tools/make_interhand_fixtures.py
"""
import json
import math
import os

import numpy as np
from mmengine.registry import init_default_scope

from mmpose.datasets import InterHand2DDoubleDataset

init_default_scope('mmpose')
root = 'Tests/Fixtures/interhand'
rng = np.random.default_rng(0)


def rotation(yaw, pitch):
    cy, sy, cp, sp = math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch)
    ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    rx = np.array([[1, 0, 0], [0, cp, -sp], [0, sp, cp]])
    return (rx @ ry).round(6).tolist()


cameras = {}
for capture, shift in [('0', 0.0), ('1', 40.0)]:
    cameras[capture] = dict(
        campos={'400002': [shift, -20.0, -900.0], '400004': [-120.0 + shift, 10.0, -850.0]},
        camrot={'400002': rotation(0.02, -0.03), '400004': rotation(0.15, 0.05)},
        focal={'400002': [1240.5, 1238.25], '400004': [1210.0, 1215.75]},
        princpt={'400002': [167.5, 256.25], '400004': [170.0, 250.5]})
joints = {}
for capture in ['0', '1']:
    joints[capture] = {}
    for frame in ['100', '101']:
        centre = rng.uniform([-60, -60, 80], [60, 60, 160])
        joints[capture][frame] = dict(world_coord=(centre + rng.normal(0, 35, (42, 3))).round(3).tolist())
images, annotations = [], []
layout = [('0', '400002', '100'), ('0', '400004', '101'), ('1', '400002', '100'), ('1', '400004', '101'), ('0', '400002', '101')]
for i, (capture, camera, frame) in enumerate(layout):
    image_id = 10 + i
    images.append(dict(id=image_id, file_name=f'Capture{capture}/cam{camera}/image{frame}.jpg', width=334, height=512,
                       capture=int(capture), camera=camera, frame_idx=int(frame), seq_name='ROM', subject=0))
    valid = [[1] for _ in range(42)]
    valid[5] = [0]
    if i == 1:
        valid[41] = [0]  # the left wrist: the whole left hand becomes invisible
    box = [40.0 + i, 60.5, 0.0 if i == 3 else 180.25, 200.0]
    annotations.append(dict(id=100 + i, image_id=image_id, bbox=box, joint_valid=valid,
                            hand_type=['right', 'left', 'interacting', 'right', 'interacting'][i], hand_type_valid=1,
                            category_id=1, iscrowd=0))
    if i == 2:  # a second annotation of the same image is never read
        annotations.append(dict(id=200, image_id=image_id, bbox=[0.0, 0.0, 10.0, 10.0], joint_valid=[[1]] * 42,
                                hand_type='left', hand_type_valid=1, category_id=1, iscrowd=0))
data = dict(images=images, annotations=annotations, categories=[dict(id=1, name='hand')])
os.makedirs(root, exist_ok=True)
for name, content in [('InterHand2.6M_data.json', data), ('InterHand2.6M_camera.json', cameras),
                      ('InterHand2.6M_joint_3d.json', joints)]:
    with open(os.path.join(root, name), 'w') as f:
        json.dump(content, f)
expected = {}
for interval in [1, 2]:
    ds = InterHand2DDoubleDataset(ann_file='InterHand2.6M_data.json', camera_param_file='InterHand2.6M_camera.json',
                                  joint_file='InterHand2.6M_joint_3d.json', data_root=root, data_prefix=dict(img='images/'),
                                  sample_interval=interval, test_mode=False, lazy_init=False)
    expected[str(interval)] = [dict(id=int(d['id']), img_id=int(d['img_id']), img_path=d['img_path'],
                                    bbox=[float(v) for v in d['bbox'][0]],
                                    keypoints=[float(v) for v in d['keypoints'][0].reshape(-1)],
                                    keypoints_visible=[float(v) for v in d['keypoints_visible'][0]])
                               for d in (ds.get_data_info(i) for i in range(len(ds)))]
    print(interval, [e['id'] for e in expected[str(interval)]])
with open(os.path.join(root, 'expected.json'), 'w') as f:
    json.dump(expected, f)
