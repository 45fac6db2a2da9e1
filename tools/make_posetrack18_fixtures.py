"""Reference values for SwiftPose's PoseTrack18Metric tests, computed by MMPose 1.3.2's own
PoseTrack18Metric, which writes per-video prediction files and calls poseval's evaluateAP on them.

It writes a small synthetic PoseTrack18 validation set in PoseTrack's own format under
Tests/Fixtures/posetrack18/ (annotations/posetrack18_val.json, the merged file the dataset and
CocoMetric read, and annotations/val/<video>.json, the per-video files poseval reads), seeded noisy
predictions, and for several metric settings MMPose's reported values, poseval's 15 per-joint APs
and total, and the prediction files MMPose wrote. The set holds the cases poseval treats specially:
an unlabelled frame with predictions on it, ignore regions (a concave one, a self-intersecting one,
an empty one, a square with a predicted keypoint on its edge) with predictions and ground truth in
them, a ground-truth person without keypoints in frames with and without ignore regions, a labelled
keypoint with visibility 0, a predicted keypoint at (0, 0) with score 0, near-duplicate predictions
for OKS-NMS, false positives, and a video without predictions. Keypoint scores are distinct per
joint: poseval sorts them with numpy's unstable argsort, whose order of ties depends on the CPU.

Needs numpy, mmengine (torch for its imports), xtcocotools (CocoMetric's import; see
make_dataset_fixtures.py), shapely, click and tqdm in a venv outside the repository; MMPose 1.3.2's
wheel unpacked (mmcv stubbed, as make_dataset_fixtures.py does) and poseval's source (the
svenkreiss/poseval fork MMPose's requirements name, Python 3), neither of them in this repository:

    python3 -m venv /work/venv-pt        # plus a .pth naming venvs with torch, mmengine, xtcocotools
    /work/venv-pt/bin/pip install shapely click tqdm
    /work/venv-pt/bin/python tools/make_posetrack18_fixtures.py /path/to/unpacked/wheel /path/to/poseval-source

The fixture was made with numpy 2.4.6, shapely 2.2.0 (GEOS 3.14.1), mmengine 0.10.7.

With `--mmpose-tests DIR OUT` (DIR: MMPose's tests/data/posetrack18 from its repository), it also
evaluates the cases of MMPose's test_posetrack18_metric.py on MMPose's own test files and writes the
predictions and values to OUT (outside the repository; those files are not copied here).
"""
import json
import os
import sys
import tempfile
import types

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
out_dir = os.path.join(here, '..', 'Tests', 'Fixtures', 'posetrack18')
wheel, poseval_src = sys.argv[1], sys.argv[2]
sys.path.insert(0, poseval_src)
sys.path.insert(0, wheel)
mmcv = types.ModuleType('mmcv')
mmcv.__version__ = '2.1.0'
sys.modules['mmcv'] = mmcv
import mmpose  # noqa: E402


def stub_package(name):
    """Registers a package without running its __init__ (which imports every metric and codec,
    and with them mmcv, scipy, munkres)."""
    module = types.ModuleType(name)
    module.__path__ = [os.path.join(os.path.dirname(mmpose.__file__), *name.split('.')[1:])]
    sys.modules[name] = module


for package in ['datasets', 'datasets.datasets', 'evaluation', 'evaluation.metrics', 'codecs']:
    stub_package('mmpose.' + package)

from mmpose.datasets.datasets.utils import parse_pose_metainfo  # noqa: E402
from mmpose.evaluation.metrics.posetrack18_metric import PoseTrack18Metric, has_poseval  # noqa: E402
from poseval import eval_helpers  # noqa: E402
from poseval.evaluateAP import evaluateAP  # noqa: E402

assert has_poseval, 'poseval did not import'

NAMES = ['nose', 'head_bottom', 'head_top', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder', 'left_elbow',
         'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee', 'right_knee', 'left_ankle',
         'right_ankle']
SKELETON = [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8], [7, 9], [8, 10], [9, 11],
            [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]]
# keypoints of a person in a unit box (x right, y down), PoseTrack18's order; the ears are never labelled
TEMPLATE = np.array([[0.5, 0.12], [0.5, 0.2], [0.5, 0.02], [0.45, 0.1], [0.55, 0.1], [0.35, 0.25], [0.65, 0.25],
                     [0.3, 0.42], [0.7, 0.42], [0.28, 0.57], [0.72, 0.57], [0.4, 0.58], [0.6, 0.58], [0.4, 0.78],
                     [0.6, 0.78], [0.4, 0.97], [0.6, 0.97]])
WIDTH, HEIGHT = 640, 360
# name, frames, labelled people per frame
VIDEOS = [('000001_bonn_test', 4, 3), ('000002_mpii_test', 3, 3), ('000003_mpiinew_test', 3, 2)]
SETTINGS = [
    dict(name='default', score_mode='bbox_keypoint', nms_mode='oks_nms', nms_thr=0.9),
    dict(name='bbox_none', score_mode='bbox', nms_mode='none', nms_thr=0.9),
    dict(name='soft_nms', score_mode='bbox_keypoint', nms_mode='soft_oks_nms', nms_thr=0.9),
    dict(name='keypoint_nms05', score_mode='keypoint', nms_mode='oks_nms', nms_thr=0.5),
]
METAINFO = os.path.join(wheel, 'mmpose', '.mim', 'configs', '_base_', 'datasets', 'posetrack18.py')


def seq_image_id(video, frame):
    """PoseTrack18's image id: type (1 mpii, 2 bonn, 3 mpiinew) · 10¹⁰ + sequence · 10⁴ + frame."""
    seq, kind = video.split('_')[:2]
    return {'mpii': 1, 'bonn': 2, 'mpiinew': 3}[kind] * 10_000_000_000 + int(seq) * 10_000 + frame


def pose(rng, cx, cy, height):
    """17 (x, y) of a person of `height` pixels centred at (cx, cy), slightly jittered."""
    points = (TEMPLATE - 0.5) * [height * 0.6, height] + [cx, cy]
    return points + rng.normal(0, height * 0.01, points.shape)


def make_ground_truth(rng):
    """The videos' images and annotations (PoseTrack18's format) and the people's true poses."""
    videos = []
    for video, frames, people in VIDEOS:
        tracks = [(rng.uniform(100, 540), rng.uniform(120, 240), rng.uniform(110, 220)) for _ in range(people)]
        images, annotations, truth = [], [], []
        for frame in range(frames):
            image_id = seq_image_id(video, frame)
            image = dict(file_name=f'images/val/{video}/{frame:06d}.jpg', id=image_id, frame_id=image_id,
                         vid_id=video.split('_')[0], nframes=frames, has_no_densepose=True, width=WIDTH, height=HEIGHT)
            labelled = not (video.startswith('000001') and frame == 1)
            image['is_labeled'] = labelled
            for track, (cx, cy, h) in enumerate(tracks):
                cx, cy = cx + 6 * frame, cy + 3 * frame * (-1) ** track
                points = pose(rng, cx, cy, h)
                truth.append(dict(image_id=image_id, track=track, points=points, height=h))
                if not labelled:
                    continue
                kp = np.zeros((17, 3))
                kp[:, :2] = np.round(points, 1)
                kp[:, 2] = 1
                unlabelled = rng.uniform(size=17) < 0.12
                unlabelled[[3, 4]] = True
                outside = (points[:, 0] < 0) | (points[:, 1] < 0) | (points[:, 0] >= WIDTH) | (points[:, 1] >= HEIGHT)
                kp[unlabelled | outside] = 0
                head = [round(cx - 0.1 * h), round(cy - 0.5 * h), round(0.2 * h), round(0.22 * h)]
                annotations.append(dict(keypoints=kp, bbox_head=head, track_id=track, image_id=image_id))
            images.append(image)
        videos.append(dict(name=video, images=images, annotations=annotations, truth=truth))
    # special cases (indices: video, frame)
    v1, v2 = videos[0], videos[1]
    # a labelled keypoint with visibility 0 (poseval still counts it)
    a = [a for a in v2['annotations'] if a['image_id'] == seq_image_id(v2['name'], 1)][0]
    a['keypoints'][7, 2] = 0
    # ground-truth people without keypoints, in a frame with ignore regions (v1 frame 2: dropped there)
    # and without (v2 frame 0: kept, a person nobody can match)
    for video, frame in [(v1, 2), (v2, 0)]:
        image_id = seq_image_id(video['name'], frame)
        video['annotations'].append(dict(keypoints=np.zeros((17, 3)), bbox_head=[20, 20, 30, 34], track_id=9,
                                         image_id=image_id))
    # ignore regions: v1 frame 2 a concave region over the third person's legs, a square in the top
    # right corner, an empty one; v2 frame 2 a self-intersecting (bowtie) one over the first person
    third = [t for t in v1['truth'] if t['image_id'] == seq_image_id(v1['name'], 2) and t['track'] == 2][0]['points']
    x0, x1 = float(third[:, 0].min()) - 10, float(third[:, 0].max()) + 10
    y0, y1 = float(third[11:, 1].min()) - 5, float(third[:, 1].max()) + 10
    concave = [[x0, y0], [x1, y0], [x1, y1], [(x0 + x1) / 2, (y0 + y1) / 2], [x0, y1]]
    square = [[560, 10], [630, 10], [630, 80], [560, 80]]
    set_ignore(v1['images'][2], [np.round(concave, 1).tolist(), square, []])
    first = [t for t in v2['truth'] if t['image_id'] == seq_image_id(v2['name'], 2) and t['track'] == 0][0]['points']
    bx0, bx1 = float(first[:, 0].min()) - 5, float(first[:, 0].max()) + 5
    by0, by1 = float(first[:, 1].min()) - 5, float(first[:, 1].max()) + 5
    set_ignore(v2['images'][2], [np.round([[bx0, by0], [bx1, by1], [bx1, by0], [bx0, by1]], 1).tolist()])
    return videos


def set_ignore(image, polygons):
    image['ignore_regions_x'] = [[p[0] for p in poly] for poly in polygons]
    image['ignore_regions_y'] = [[p[1] for p in poly] for poly in polygons]


def write_ground_truth(videos):
    categories = [dict(supercategory='person', id=1, name='person', keypoints=NAMES, skeleton=SKELETON)]
    os.makedirs(os.path.join(out_dir, 'annotations', 'val'), exist_ok=True)
    merged_images, merged_annotations = [], []
    for video in videos:
        annotations = []
        for n, a in enumerate(video['annotations']):
            kp = a['keypoints']
            labelled = kp[:, 2] > 0
            if (kp[:, :2] != 0).any():
                xy = kp[(kp[:, 0] != 0) | (kp[:, 1] != 0), :2]
                bbox = [float(xy[:, 0].min()) - 8, float(xy[:, 1].min()) - 8,
                        float(xy[:, 0].max() - xy[:, 0].min()) + 16, float(xy[:, 1].max() - xy[:, 1].min()) + 16]
            else:
                bbox = [float(v) for v in a['bbox_head']]
            annotations.append(dict(
                id=a['image_id'] * 100 + n, image_id=a['image_id'], category_id=1, track_id=a['track_id'],
                keypoints=[float(v) if i % 3 < 2 else int(v) for i, v in enumerate(kp.reshape(-1))],
                num_keypoints=int(labelled.sum()), bbox=[round(v, 2) for v in bbox], bbox_head=a['bbox_head'],
                scores=[], iscrowd=False))
        content = dict(images=video['images'], annotations=annotations, categories=categories)
        with open(os.path.join(out_dir, 'annotations', 'val', video['name'] + '.json'), 'w') as f:
            json.dump(content, f, indent=1)
        merged_images += video['images']
        merged_annotations += annotations
    with open(os.path.join(out_dir, 'annotations', 'posetrack18_val.json'), 'w') as f:
        json.dump(dict(images=merged_images, annotations=merged_annotations, categories=categories), f, indent=1)


def make_predictions(videos, rng):
    """Top-down predictions: noisy ground truth (some people missed, some with a near-duplicate),
    false positives, predictions on the unlabelled frame and inside ignore regions; none for the
    third video."""
    preds = []

    def add(image_id, points, bbox_score, height):
        scores = rng.uniform(0.02, 1.0, 17)
        preds.append(dict(id=len(preds) + 1, img_id=image_id, keypoints=np.round(points, 2),
                          keypoint_scores=np.round(scores, 6), bbox_score=round(float(bbox_score), 6),
                          area=round(float(height * 0.6 * 1.25 * height * 1.25), 2)))

    for video in videos[:2]:
        for t in video['truth']:
            if rng.uniform() < 0.12:
                continue
            head = 0.6 * np.hypot(0.2 * t['height'], 0.22 * t['height'])
            sigma = np.where(rng.uniform(size=(17, 1)) < 0.2, 0.7, 0.15) * head
            points = t['points'] + rng.normal(0, 1, (17, 2)) * sigma
            add(t['image_id'], points, rng.uniform(0.5, 1.0), t['height'])
            if rng.uniform() < 0.3:
                add(t['image_id'], points + rng.normal(0, 0.5, (17, 2)), rng.uniform(0.3, 0.5), t['height'])
        for image in video['images']:
            if rng.uniform() < 0.6:
                h = rng.uniform(80, 160)
                add(image['id'], pose(rng, rng.uniform(80, 560), rng.uniform(100, 260), h), rng.uniform(0.2, 0.9), h)
    # a false positive inside the square ignore region (one keypoint on its left edge: kept), and one
    # with a keypoint at (0, 0) scored 0 (poseval's conversion drops it)
    v1_frame2 = seq_image_id(videos[0]['name'], 2)
    small = pose(rng, 595, 45, 50)
    small[9] = [560, 50]
    add(v1_frame2, small, 0.8, 50)
    add(v1_frame2, pose(rng, 300, 200, 150), 0.7, 150)
    preds[-1]['keypoints'][16] = [0, 0]
    preds[-1]['keypoint_scores'][16] = 0
    # distinct keypoint scores per joint (poseval's sort order of ties is numpy's, CPU-dependent)
    scores = np.array([p['keypoint_scores'] for p in preds])
    for j in range(17):
        nonzero = scores[:, j][scores[:, j] > 0]
        assert len(np.unique(nonzero)) == len(nonzero), f'tied scores for joint {j}; change the seed'
    assert len({p['bbox_score'] for p in preds}) == len(preds), 'tied box scores; change the seed'
    return preds


def evaluate(preds, setting, tmp, ann_file):
    """MMPose's PoseTrack18Metric on `preds` (top-down samples, batch size 1); also poseval's
    per-joint APs on the prediction files it wrote."""
    metric = PoseTrack18Metric(ann_file=ann_file, outfile_prefix=os.path.join(tmp, 'results'),
                               score_mode=setting['score_mode'], nms_mode=setting['nms_mode'], nms_thr=setting['nms_thr'])
    metric.dataset_meta = parse_pose_metainfo(dict(from_file=METAINFO))
    for p in preds:
        sample = dict(id=p['id'], img_id=p['img_id'],
                      gt_instances=dict(bbox_scores=np.array([p['bbox_score']]), bbox_scales=np.array([[p['area'], 1.0]])),
                      pred_instances=dict(keypoints=np.asarray(p['keypoints'])[None],
                                          keypoint_scores=np.asarray(p['keypoint_scores'])[None]))
        metric.process([dict(inputs=None)], [sample])
    values = metric.evaluate(size=len(preds))
    gt_folder = os.path.join(os.path.dirname(ann_file), 'val')
    gt_frames, pr_frames = eval_helpers.load_data_dir(['', gt_folder + '/', tmp + '/'])
    ap_all, _, _ = evaluateAP(gt_frames, pr_frames, None, False, False)
    written = {}
    for name in sorted(os.listdir(gt_folder)):
        with open(os.path.join(tmp, name)) as f:
            data = json.load(f)
        written[name] = [[a['image_id'], a['track_id'], a['keypoints'], a['scores']] for a in data['annotations']]
    return dict(values=[[k, float(v)] for k, v in values.items()], per_joint_ap=[float(v) for v in ap_all[:, 0]],
                gt_frames=len(gt_frames), written=written)


def ignore_region_cases(rng):
    """shapely's Polygon(vertices).contains(Point(x, y)), as poseval tests joints against ignore
    regions: for a few polygons (concave, self-intersecting, closed by hand, degenerate, off-grid)
    on a grid through their vertices and edges, and at random points."""
    from shapely import geometry
    polygons = [[[0, 0], [10, 0], [10, 10], [0, 10]], [[0, 0], [10, 0], [10, 10], [5, 5], [0, 10]],
                [[0, 0], [10, 10], [10, 0], [0, 10]], [[0, 0], [10, 0], [0, 10], [0, 0]], [[0, 0], [5, 5], [10, 10]],
                [[0.1, 0.2], [9.7, 0.3], [5.3, 8.9]], [[2, 2], [8, 2], [8, 8], [2, 8], [2, 2], [5, 0]]]
    points = [[x / 2, y / 2] for x in range(-2, 23) for y in range(-2, 23)]
    points += np.round(rng.uniform(-1, 11, (200, 2)), 3).tolist()
    return dict(points=points, polygons=[dict(vertices=poly, contains=''.join(
        '1' if geometry.Polygon(poly).contains(geometry.Point(x, y)) else '0' for x, y in points)) for poly in polygons])


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64).reshape(-1)]


def main():
    rng = np.random.default_rng(18)
    videos = make_ground_truth(rng)
    write_ground_truth(videos)
    preds = make_predictions(videos, rng)
    ann_file = os.path.abspath(os.path.join(out_dir, 'annotations', 'posetrack18_val.json'))
    out = dict(source='MMPose 1.3.2 PoseTrack18Metric with poseval (svenkreiss/poseval) evaluateAP',
               predictions=[dict(id=p['id'], img_id=p['img_id'], keypoints=floats(p['keypoints']),
                                 keypoint_scores=floats(p['keypoint_scores']), bbox_score=p['bbox_score'], area=p['area'])
                            for p in preds],
               settings=[])
    for setting in SETTINGS:
        with tempfile.TemporaryDirectory() as tmp:
            result = evaluate(preds, setting, tmp, ann_file)
        if setting['name'] != 'default':
            del result['written']
        out['settings'].append(dict(setting, **result))
        print(setting['name'], [round(v, 4) for _, v in result['values']])
    # the ground truth as predictions (scores: visibilities), as MMPose's own test does: 100 everywhere
    gt_preds = []
    for video in videos:
        for n, a in enumerate(video['annotations']):
            gt_preds.append(dict(id=a['image_id'] * 100 + n, img_id=a['image_id'], keypoints=a['keypoints'][:, :2],
                                 keypoint_scores=a['keypoints'][:, 2].astype(float), bbox_score=1.0, area=10000.0))
    with tempfile.TemporaryDirectory() as tmp:
        result = evaluate(gt_preds, SETTINGS[1], tmp, ann_file)
    out['ground_truth_as_predictions'] = dict(values=result['values'], per_joint_ap=result['per_joint_ap'])
    print('ground truth', [round(v, 4) for _, v in result['values']])
    out['ignore_regions'] = ignore_region_cases(rng)
    with open(os.path.join(out_dir, 'reference.json'), 'w') as f:
        json.dump(out, f, separators=(',', ':'))
    if len(sys.argv) > 3 and sys.argv[3] == '--mmpose-tests':
        mmpose_test_cases(sys.argv[4], sys.argv[5])


def mmpose_test_cases(data_dir, out_path):
    """The cases of MMPose's test_posetrack18_metric.py on its own test files (the ground truth as
    top-down and bottom-up predictions; the two skipped alignment cases)."""
    ann_file = os.path.join(data_dir, 'annotations', 'test_posetrack18_val.json')
    with open(ann_file) as f:
        db = json.load(f)
    cases = {}
    exact = [dict(id=a['id'], img_id=a['image_id'], keypoints=np.array(a['keypoints'], float).reshape(-1, 3)[:, :2],
                  keypoint_scores=np.array(a['keypoints'], float).reshape(-1, 3)[:, 2], bbox_score=1.0,
                  area=a['bbox'][2] * 1.25 * a['bbox'][3] * 1.25) for a in db['annotations']]
    for setting in SETTINGS[:3]:
        cases['gt_' + setting['name']] = (exact, setting)
    aligned = []
    for a in db['annotations']:
        kp = np.array(a['keypoints'], dtype=np.float32).reshape(17, 3)
        kp[:, 0] *= 0.98
        kp[:, 1] *= 1.02
        kp[:, 2] *= 0.8
        aligned.append(dict(id=a['id'], img_id=a['image_id'], keypoints=kp[:, :2], keypoint_scores=kp[:, 2],
                            bbox_score=float(np.float32(0.98)), area=a['bbox'][2] * 1.25 * a['bbox'][3] * 1.25))
    cases['alignment_1'] = (aligned, SETTINGS[0])
    pairs = []
    for i, a in enumerate(db['annotations']):
        for sign, offset in [(1, 0), (-1, 1)]:
            kp = np.array(a['keypoints'], dtype=np.float32).reshape(17, 3)
            kp[:, 0] *= 1 - sign * i / 100
            kp[:, 1] *= 1 + sign * i / 100
            kp[:, 2] *= 1 - (1 + offset) * i / 100
            score = float(np.float32(1)) if offset == 0 else float(np.float32(1) * (1 - 2 * i / 100))
            pairs.append(dict(id=a['id'] + offset, img_id=a['image_id'], keypoints=kp[:, :2], keypoint_scores=kp[:, 2],
                              bbox_score=score, area=a['bbox'][2] * 1.25 * a['bbox'][3] * 1.25))
    cases['alignment_3'] = (pairs, SETTINGS[2])
    out = {}
    for name, (preds, setting) in cases.items():
        with tempfile.TemporaryDirectory() as tmp:
            result = evaluate(preds, setting, tmp, ann_file)
        del result['written']
        out[name] = dict(result, setting=setting, predictions=[
            dict(id=p['id'], img_id=p['img_id'], keypoints=floats(p['keypoints']), keypoint_scores=floats(p['keypoint_scores']),
                 bbox_score=p['bbox_score'], area=p['area']) for p in preds])
        print(name, [round(v, 4) for _, v in result['values']])
    with open(out_path, 'w') as f:
        json.dump(out, f)


if __name__ == '__main__':
    main()
