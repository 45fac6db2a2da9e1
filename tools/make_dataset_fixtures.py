"""Reference values for SwiftPose's dataset-type and metric tests, computed by MMPose 1.3.2's own
dataset classes and metrics (and xtcocotools for COCO-WholeBody's per-part evaluation).

For each of MMPose's test annotation files copied under Tests/Fixtures (tests/data/... in MMPose's
repository) it loads the file with the MMPose dataset type, records every instance (id, image, box,
keypoints, visibility), draws noisy predictions with a fixed seed, and evaluates them with the
metrics the type's configs use. Writes Tests/Fixtures/mmpose_datasets/reference.json.

Needs mmengine, torch (CPU) and xtcocotools (built from source against the numpy in use: its
binary wheels are built for numpy 1 and fail under numpy 2) in a venv outside the repository, and
MMPose 1.3.2's wheel unpacked (mmcv is stubbed: nothing here uses it). The fixture was made with

    python3 -m venv /work/venv-helper      # plus a .pth naming a venv that has torch and mmengine 0.10.7
    /work/venv-helper/bin/pip install cython setuptools wheel
    /work/venv-helper/bin/pip install --no-build-isolation --no-binary xtcocotools xtcocotools
    /work/venv-helper/bin/python tools/make_dataset_fixtures.py /path/to/unpacked/mmpose-1.3.2-wheel

Predictions are drawn with a fixed seed and rounded, so the output is the same on every run.
"""
import json
import os
import sys
import tempfile
import types

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, '..', 'Tests', 'Fixtures')
sys.path.insert(0, sys.argv[1])
mmcv = types.ModuleType('mmcv')
mmcv.__version__ = '2.1.0'
sys.modules['mmcv'] = mmcv
import mmpose  # noqa: E402


def stub_package(name):
    """Registers a package without running its __init__ (which imports every dataset and
    transform, and with them mmcv, scipy, munkres)."""
    module = types.ModuleType(name)
    module.__path__ = [os.path.join(os.path.dirname(mmpose.__file__), *name.split('.')[1:])]
    sys.modules[name] = module


for package in ['datasets', 'datasets.datasets', 'datasets.datasets.body', 'datasets.datasets.wholebody',
                'datasets.datasets.face', 'datasets.datasets.hand', 'datasets.datasets.animal', 'evaluation',
                'evaluation.metrics', 'codecs']:
    stub_package('mmpose.' + package)

from xtcocotools.coco import COCO  # noqa: E402
from xtcocotools.cocoeval import COCOeval  # noqa: E402
from mmpose.datasets.datasets.animal.locust_dataset import LocustDataset  # noqa: E402
from mmpose.datasets.datasets.animal.zebra_dataset import ZebraDataset  # noqa: E402
from mmpose.datasets.datasets.body.jhmdb_dataset import JhmdbDataset  # noqa: E402
from mmpose.datasets.datasets.face.aflw_dataset import AFLWDataset  # noqa: E402
from mmpose.datasets.datasets.face.coco_wholebody_face_dataset import CocoWholeBodyFaceDataset  # noqa: E402
from mmpose.datasets.datasets.face.face_300w_dataset import Face300WDataset  # noqa: E402
from mmpose.datasets.datasets.face.wflw_dataset import WFLWDataset  # noqa: E402
from mmpose.datasets.datasets.hand.coco_wholebody_hand_dataset import CocoWholeBodyHandDataset  # noqa: E402
from mmpose.datasets.datasets.hand.freihand_dataset import FreiHandDataset  # noqa: E402
from mmpose.datasets.datasets.wholebody.coco_wholebody_dataset import CocoWholeBodyDataset  # noqa: E402
from mmpose.evaluation.metrics.coco_wholebody_metric import CocoWholeBodyMetric  # noqa: E402
from mmpose.evaluation.metrics.keypoint_2d_metrics import (AUC, EPE, NME, JhmdbPCKAccuracy,  # noqa: E402,F401
                                                           PCKAccuracy)

hand_metrics = ["dict(type='PCKAccuracy', thr=0.2)", "dict(type='AUC')", "dict(type='EPE')"]
# name, dataset class, annotation file, metric configs (as the type's MMPose configs write them)
cases = [
    ('wholebody', CocoWholeBodyDataset, 'coco/test_coco_wholebody.json',
     ["dict(type='CocoWholeBodyMetric', ann_file='coco/test_coco_wholebody.json')"]),
    ('wholebody_hand', CocoWholeBodyHandDataset, 'coco/test_coco_wholebody.json', hand_metrics),
    ('wholebody_face', CocoWholeBodyFaceDataset, 'coco/test_coco_wholebody.json',
     ["dict(type='NME', norm_mode='keypoint_distance')"]),
    ('jhmdb', JhmdbDataset, 'jhmdb/test_jhmdb_sub1.json',
     ["dict(type='JhmdbPCKAccuracy', thr=0.2, norm_item=['bbox', 'torso'])",
      "dict(type='PCKAccuracy', thr=0.2, norm_item=['bbox', 'torso'])"]),
    ('locust', LocustDataset, 'locust/test_locust.json', hand_metrics),
    ('zebra', ZebraDataset, 'zebra/test_zebra.json', hand_metrics),
    ('wflw', WFLWDataset, 'wflw/test_wflw.json', ["dict(type='NME', norm_mode='keypoint_distance')"]),
    ('300w', Face300WDataset, '300w/test_300w.json', ["dict(type='NME', norm_mode='keypoint_distance')"]),
    ('aflw', AFLWDataset, 'aflw/test_aflw.json', ["dict(type='NME', norm_mode='use_norm_item', norm_item='bbox_size')"]),
    ('freihand', FreiHandDataset, 'freihand/test_freihand.json', hand_metrics),
]


def build_metric(config, tmp):
    spec = eval(config)
    kind = globals()[spec.pop('type')]
    if 'ann_file' in spec:
        spec['ann_file'] = os.path.join(fixtures, spec['ann_file'])
        spec['outfile_prefix'] = os.path.join(tmp, 'results')
    return kind(**spec)


def floats(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64).reshape(-1)]


def predictions_for(name, infos, rng):
    """Ground truth plus Gaussian noise (a few keypoints far off), random scores; for
    COCO-WholeBody also a near-duplicate per image (for OKS-NMS), a false positive, and instances
    whose face or hand scores are all zero (xtcocotools drops them from that part)."""
    preds = []
    for n, info in enumerate(infos):
        gt = np.asarray(info['keypoints'][0], dtype=np.float64)
        bbox = np.asarray(info['bbox'][0], dtype=np.float64)
        size = max(bbox[2] - bbox[0], bbox[3] - bbox[1], 1.0)
        # COCO-WholeBody's face and hand keypoints are small in the person's box
        noise = rng.normal(0, (0.006 if name == 'wholebody' else 0.04) * size, gt.shape)
        noise[rng.uniform(size=len(gt)) < 0.15] *= 6
        scores = np.round(rng.uniform(0.05, 1.0, len(gt)), 4)
        if name == 'wholebody' and n % 3 == 1:
            scores[23:91] = 0
        if name == 'wholebody' and n % 4 == 2:
            scores[91:112] = 0
        # rounded so that the json holds exactly what MMPose evaluated
        preds.append(dict(id=int(info['id']), img_id=int(info['img_id']), keypoints=np.round(gt + noise, 2), keypoint_scores=scores,
                          bbox_score=round(float(rng.uniform(0.5, 1.0)), 4),
                          area=round(float((bbox[2] - bbox[0]) * 1.25 * (bbox[3] - bbox[1]) * 1.25), 2)))
    if name == 'wholebody':
        seen = set()
        for p in list(preds):
            if p['img_id'] in seen:
                continue
            seen.add(p['img_id'])
            preds.append(dict(p, id=p['id'] + 10_000_000, keypoints=np.round(p['keypoints'] + rng.normal(0, 1.0, p['keypoints'].shape), 2),
                              bbox_score=round(p['bbox_score'] * 0.9, 4)))
            preds.append(dict(p, id=p['id'] + 20_000_000, keypoints=p['keypoints'] + np.array([120.0, 40.0]),
                              keypoint_scores=np.round(rng.uniform(0.05, 0.6, len(p['keypoint_scores'])), 4), bbox_score=0.4))
    return preds


def main():
    rng = np.random.default_rng(7)
    out = dict(source='MMPose 1.3.2 dataset classes and metrics; xtcocotools COCOeval per COCO-WholeBody part', cases={})
    for name, kind, ann_file, metric_configs in cases:
        dataset = kind(ann_file=os.path.join(fixtures, ann_file), data_root='', data_prefix=dict(img=''), test_mode=True,
                       pipeline=[])
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        preds = predictions_for(name, infos, rng)
        case = dict(type=kind.__name__, ann_file=ann_file, instances=[dict(
            id=int(i['id']), img_id=int(i['img_id']), bbox=floats(i['bbox']), keypoints=floats(i['keypoints']),
            visible=floats(i['keypoints_visible']), num_keypoints=int(i['num_keypoints'])) for i in infos],
            predictions=[dict(id=p['id'], img_id=p['img_id'], keypoints=floats(p['keypoints']),
                              keypoint_scores=floats(p['keypoint_scores']), bbox_score=p['bbox_score'], area=p['area'])
                         for p in preds], metrics=[])
        by_id = {int(i['id']): i for i in infos}
        for config in metric_configs:
            with tempfile.TemporaryDirectory() as tmp:
                metric = build_metric(config, tmp)
                metric.dataset_meta = dataset.metainfo
                samples = []
                for p in preds:
                    info = by_id.get(p['id'], by_id[preds[0]['id']])
                    gt = dict(keypoints=info['keypoints'], keypoints_visible=info['keypoints_visible'], bboxes=info['bbox'],
                              bbox_scales=np.array([[p['area'], 1.0]]))
                    samples.append(dict(id=p['id'], img_id=p['img_id'], category_id=1, gt_instances=gt,
                                        pred_instances=dict(keypoints=p['keypoints'][None], keypoint_scores=p['keypoint_scores'][None],
                                                            bbox_scores=np.array([p['bbox_score']]))))
                metric.process([], samples)
                values = metric.evaluate(len(samples))
                case['metrics'].append(dict(config=config, values=[[k, float(v)] for k, v in values.items()]))
                if name == 'wholebody':
                    out['wholebody_parts'] = per_part_stats(os.path.join(fixtures, ann_file), os.path.join(tmp, 'results.keypoints.json'),
                                                            dataset.metainfo['sigmas'])
        out['cases'][name] = case
        print(name, len(infos), 'instances', [m['values'][:3] for m in case['metrics']])
    path = os.path.join(fixtures, 'mmpose_datasets', 'reference.json')
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w') as f:
        json.dump(out, f, separators=(',', ':'))


def per_part_stats(gt_file, results_file, sigmas):
    """xtcocotools' COCOeval per part on the results CocoWholeBodyMetric kept (after rescoring and
    OKS-NMS), as its _do_python_keypoint_eval runs them; MMPose reports only the last."""
    with open(results_file) as f:
        kept = json.load(f)
    gt = COCO(gt_file)
    cuts = np.cumsum([0, 17, 6, 68, 21, 21])
    parts = ['body', 'foot', 'face', 'lefthand', 'righthand', 'wholebody']
    stats = {}
    for n, part in enumerate(parts):
        part_sigmas = sigmas if part == 'wholebody' else sigmas[cuts[n]:cuts[n + 1]]
        evaluation = COCOeval(gt, gt.loadRes(results_file), 'keypoints_' + part, part_sigmas, use_area=True)
        evaluation.params.useSegm = None
        evaluation.evaluate()
        evaluation.accumulate()
        evaluation.summarize()
        stats[part] = [float(s) for s in evaluation.stats]
    fields = ['keypoints', 'foot_kpts', 'face_kpts', 'lefthand_kpts', 'righthand_kpts']
    return dict(kept=[dict(image_id=r['image_id'], score=r['score'], keypoints=sum((r[f] for f in fields), []))
                      for r in kept], stats=stats)


if __name__ == '__main__':
    main()
