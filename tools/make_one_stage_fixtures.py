"""Writes Tests/Fixtures/one_stage/simota.json and Tests/Fixtures/one_stage/losses.json: MMPose
1.3.2's own SimOTAAssigner and the losses of its one-stage heads (RTMOHead, YOLOXPoseHead), set up
as MMPose's RTMO and YOLOX-Pose configs set them up, on seeded made-up inputs, for SwiftPose's
one-stage training code to compare with. Everything runs in float32 on the CPU.

simota.json: `SimOTAAssigner.assign` built by MMPose's TASK_UTILS registry with RTMO's settings
(`dynamic_k_indicator='oks'`, `oks_calculator=dict(type='PoseOKS', metainfo=<coco>)`,
`use_keypoints_for_center=True`; priors of `MlvlPointGenerator(strides=[16, 32],
centralize_points=True)` for an 80 x 80 input: 5 x 5 + 3 x 3 = 34) and with YOLOX-Pose's
(`dynamic_k_indicator='oks'`, everything else the assigner's defaults; priors of
`MlvlPointGenerator(strides=[8, 16, 32], offset=0)` for a 40 x 40 input: 5 x 5 + 3 x 3 + 2 x 2 = 38,
the feature sizes stride-2 convolutions give), six cases each; the two where `assign` returns before
it looks at the predictions carry only the first 8 priors, to keep the file small. Boxes and
keypoints are made-up values on coarse binary grids (short decimals, exact in float32). The
predicted scores are made as `_get_targets` / `_get_targets_single` make them: sqrt(sigmoid(cls) *
sigmoid(obj)), the logits clipped to +-1e4 (RTMO's objectness logit is a constant 1e4: sqrt(sigmoid(cls))).
Each case has the inputs, what `assign` returns, and what the assigner computed on the way
(recorded by wrapping its iou/oks calculators and `dynamic_k_matching`): the candidate priors, the
boxes-and-centres mask, the centres used, the pairwise IoU and OKS, the cost matrix, the dynamic k,
each person's picks before conflicts are resolved, the conflicts, whether a pick or a conflict was
decided by a tie and by how much each decision was won (margins: cost gaps at the top-k
boundary and between a conflicted prior's two cheapest people, the top-k OKS sum's distance to the
nearest integer). `topk_tie_probes`: what `torch.topk(largest=False)` and `torch.min(dim=1)` return
on ties.

losses.json: IoULoss, OKSLoss (RTMO's; YOLOX-Pose's with norm_target_weight), VariFocalLoss,
BCELoss (loss_vis, YOLOX-Pose's loss_cls, loss_obj), MLECCLoss and L1Loss built by MMPose's MODELS
registry from the configs' dicts, each on two or three seeded inputs shaped as the heads call
them: the inputs, the returned loss and the autograd gradient of it (of its sum when it is a
vector) for every input the head lets gradients flow into.

Run from the repository root in the MMPose 1.3.2 venv (`bash tools/mmpose_venv.sh` makes one):
    /work/mmpose-venv/bin/python tools/make_one_stage_fixtures.py
"""
import json
import os
import types
import warnings

import numpy as np
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

import mmpose
import mmpose.models  # noqa: F401  (registers the losses and task modules)
from mmpose.models.heads.hybrid_heads.rtmo_head import DCC
from mmpose.registry import MODELS, TASK_UTILS
from mmpose.structures.bbox import bbox_xyxy2cs

assert mmpose.__version__ == '1.3.2', mmpose.__version__
warnings.filterwarnings('ignore')  # the metainfo path resolves to the wheel's .mim copy
torch.set_num_threads(1)
init_default_scope('mmpose')
OUT = 'Tests/Fixtures/one_stage'
COCO = 'configs/_base_/datasets/coco.py'
K = 17


def f32(a):
    """Nested lists of float32 values, each the shortest decimal that reads back as the same
    float32 (also through float64)."""
    if torch.is_tensor(a):
        a = a.detach().cpu().numpy()
    a = np.asarray(a, dtype=np.float32)

    def one(v):
        assert np.isfinite(v), v
        text = float(str(v))
        assert np.float32(text) == v
        return text
    if a.ndim == 0:
        return one(a[()])
    return np.array([one(v) for v in a.ravel()], dtype=object).reshape(a.shape).tolist()


def plain(t):
    """Integer or boolean tensor as nested lists."""
    return t.tolist() if torch.is_tensor(t) else t


def q(a, step):
    """float32 values rounded to multiples of `step` (a power of two: exact, short decimals)."""
    return (np.round(np.asarray(a, np.float64) / step) * step).astype(np.float32)


# --------------------------------------------------------------------------------------------
# SimOTA
# --------------------------------------------------------------------------------------------
ASSIGNERS = {
    'rtmo': dict(type='SimOTAAssigner', dynamic_k_indicator='oks',
                 oks_calculator=dict(type='PoseOKS', metainfo=COCO), use_keypoints_for_center=True),
    'yoloxpose': dict(type='SimOTAAssigner', dynamic_k_indicator='oks'),
}
PRIORS = {
    'rtmo': (dict(type='MlvlPointGenerator', centralize_points=True, strides=[16, 32]), 80, [(5, 5), (3, 3)]),
    'yoloxpose': (dict(type='MlvlPointGenerator', offset=0, strides=[8, 16, 32]), 40, [(5, 5), (3, 3), (2, 2)]),
}
COCO_SIGMAS = TASK_UTILS.build(dict(type='PoseOKS', metainfo=COCO)).sigmas.numpy()


def make_person(rng, box, vis_prob=0.8, region=None, all_invisible=False):
    """A made-up person: box (x1, y1, x2, y2), keypoints in `region` (default the box) in
    quarter pixels, visibility 0/1, half the invisible keypoints at (0, 0) as COCO stores them,
    segmentation area 0.45-0.75 of the box's."""
    box = np.asarray(box, np.float32)
    rx1, ry1, rx2, ry2 = region if region is not None else box
    kpts = np.stack([rng.uniform(rx1, rx2, K), rng.uniform(ry1, ry2, K)], -1)
    kpts = q(kpts, 0.25)
    vis = (rng.random(K) < vis_prob).astype(np.float32)
    if all_invisible:
        vis[:] = 0
    zero = (vis == 0) & (rng.random(K) < 0.5)
    kpts[zero] = 0
    area = np.float32((box[2] - box[0]) * (box[3] - box[1]) * rng.uniform(0.45, 0.75))
    return dict(box=box, kpts=kpts, vis=vis, area=area)


def make_predictions(rng, priors, people, near_prob=0.85):
    """Predictions of every prior as a trained-ish head makes them: near a person (the prior in
    its box grown by a stride) mostly that person's box and keypoints with noise (OKS from high to
    low), elsewhere a random box around the prior and keypoints in it; logits to match."""
    n = priors.shape[0]
    boxes = np.zeros((n, 4), np.float64)
    kpts = np.zeros((n, K, 2), np.float64)
    cls_logit = np.zeros(n)
    obj_logit = np.zeros(n)
    for i, (x, y, sw, sh) in enumerate(priors.tolist()):
        near = []
        for p in people:
            b = p['box']
            if b[0] - sw <= x <= b[2] + sw and b[1] - sh <= y <= b[3] + sh:
                c = ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)
                near.append(((c[0] - x) ** 2 + (c[1] - y) ** 2, p))
        if near and rng.random() < near_prob:
            p = min(near, key=lambda t: t[0])[1]
            b = p['box'].astype(np.float64)
            w, h = b[2] - b[0], b[3] - b[1]
            boxes[i] = b + rng.normal(0, 0.08, 4) * [w, h, w, h]
            scale = rng.uniform(0.3, 2.5) * 2 * COCO_SIGMAS * np.sqrt(p['area'])
            base = p['kpts'].astype(np.float64).copy()
            hidden = (base[:, 0] == 0) & (base[:, 1] == 0)
            base[hidden] = np.stack([rng.uniform(b[0], b[2], hidden.sum()), rng.uniform(b[1], b[3], hidden.sum())], -1)
            kpts[i] = base + rng.normal(0, 1, (K, 2)) * scale[:, None]
            cls_logit[i], obj_logit[i] = rng.normal(1.0, 1.5), rng.normal(1.0, 1.5)
        else:
            cx, cy = x + rng.normal(0, sw), y + rng.normal(0, sh)
            w, h = rng.uniform(0.5, 4) * sw, rng.uniform(0.5, 4) * sh
            boxes[i] = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2]
            kpts[i] = np.stack([rng.uniform(cx - w / 2, cx + w / 2, K), rng.uniform(cy - h / 2, cy + h / 2, K)], -1)
            cls_logit[i], obj_logit[i] = rng.normal(-3.0, 2.0), rng.normal(-3.0, 2.0)
        boxes[i, 2] = max(boxes[i, 2], boxes[i, 0] + 1)
        boxes[i, 3] = max(boxes[i, 3], boxes[i, 1] + 1)
    vis = q(rng.uniform(0, 1, (n, K)), 1 / 2)  # unused by the cost at vis_weight=0
    return dict(bboxes=q(boxes, 0.125), keypoints=q(kpts, 0.5), keypoints_visible=vis,
                cls_logits=q(cls_logit, 1 / 64), obj_logits=q(obj_logit, 1 / 64))


def head_scores(kind, cls_logits, obj_logits):
    """`_get_targets` / `_get_targets_single`: clip, sigmoid, NaN -> 0, product, sqrt."""
    cls = torch.tensor(cls_logits).view(-1, 1)
    obj = torch.tensor(obj_logits).view(-1, 1) if kind == 'yoloxpose' else torch.ones_like(cls) * 1e4
    cls = cls.clip(min=-1e4, max=1e4).sigmoid()
    obj = obj.clip(min=-1e4, max=1e4).sigmoid()
    cls[torch.isnan(cls)] = 0
    obj[torch.isnan(obj)] = 0
    return (cls * obj).sqrt_()


def people_for(kind, name, rng):
    """The ground truth of each case (coordinates for a 128 x 128 input, scaled to RTMO's 80 x 80
    and YOLOX-Pose's 40 x 40)."""
    s = 0.625 if kind == 'rtmo' else 0.3125

    def box(x1, y1, x2, y2):
        return [x1 * s, y1 * s, x2 * s, y2 * s]
    if name == 'two_people':
        return [make_person(rng, box(8, 12, 52, 116)), make_person(rng, box(70, 20, 122, 108))]
    if name == 'crowd':
        # four overlapping people: 0 and 1 nearly coincide (one's keypoints a few pixels from the
        # other's), so that priors are picked by both; the last one smaller than a stride, between
        # the priors
        small = [48.5, 56.5, 54.5, 70.5] if kind == 'rtmo' else [16.5, 17.5, 21.5, 23.5]
        a = make_person(rng, box(10, 10, 70, 120))
        b = dict(box=a['box'] + np.float32(4 * s), kpts=q(a['kpts'] + rng.normal(0, 5 * s, (K, 2)), 0.25),
                 vis=a['vis'].copy(), area=np.float32(a['area'] * 0.9))
        b['kpts'][a['vis'] == 0] = a['kpts'][a['vis'] == 0]
        return [a, b, make_person(rng, box(64, 4, 124, 96), vis_prob=0.5), make_person(rng, small)]
    if name == 'invisible_and_off_centre':
        # one person without visible keypoints (PoseOKS 0; box centre used), one whose visible
        # keypoints are all in the top fifth of the box (keypoint centre far from box centre)
        return [make_person(rng, box(6, 6, 60, 120), all_invisible=True),
                make_person(rng, box(62, 8, 126, 124), vis_prob=1.0, region=box(62, 8, 126, 31)),
                make_person(rng, box(30, 40, 90, 100))]
    if name == 'duplicate_gt':
        p = make_person(rng, box(20, 10, 84, 118))
        return [p, dict(p), make_person(rng, box(88, 30, 124, 110))]
    if name == 'no_valid_prior':
        return [make_person(rng, box(400, 400, 440, 470))]
    if name == 'no_gt':
        return []
    raise KeyError(name)


CASES = [
    ('two_people', 'two separated people'),
    ('crowd', 'four overlapping people, 0 and 1 nearly coincide (conflicts), the last smaller than a '
              'stride and between priors (no prior in its box: every cost of its column carries the 1e5)'),
    ('invisible_and_off_centre', 'person 0 has no visible keypoint (OKS 0 -> dynamic k 1; centre = '
                                 'box centre), person 1 has all keypoints in the top of its box'),
    ('duplicate_gt', 'persons 0 and 1 identical: every conflict between them goes to person 0 '
                     '(torch.min takes the first of equal costs), person 1 gets nothing'),
    ('no_valid_prior', 'one person far outside the image: no prior in its box or centre region '
                       '(assign returns early)'),
    ('no_gt', 'no ground truth (assign returns early; the heads never call it so)'),
]


def centres(assigner, gt_bboxes, gt_keypoints, gt_keypoints_visible):
    """The centres `get_in_gt_and_in_center_info` measures the centre region from (its expressions)."""
    gt_cxs = (gt_bboxes[:, 0] + gt_bboxes[:, 2]) / 2.0
    gt_cys = (gt_bboxes[:, 1] + gt_bboxes[:, 3]) / 2.0
    if assigner.use_keypoints_for_center and gt_keypoints_visible is not None:
        cts = (gt_keypoints * gt_keypoints_visible.unsqueeze(-1)).sum(dim=-2) / \
            gt_keypoints_visible.sum(dim=-1, keepdims=True).clip(min=0)
        valid = gt_keypoints_visible.sum(-1) > 0
        gt_cxs[valid] = cts[valid][..., 0]
        gt_cys[valid] = cts[valid][..., 1]
    return torch.stack([gt_cxs, gt_cys], -1)


def run_assigner(assigner, pred, gt):
    """`assign` with its calculators and `dynamic_k_matching` wrapped to record what they see."""
    rec = {}
    iou_calc, oks_calc = assigner.iou_calculator, assigner.oks_calculator
    matching = assigner.dynamic_k_matching

    def iou(*args, **kwargs):
        rec['pairwise_ious'] = iou_calc(*args, **kwargs)
        return rec['pairwise_ious']

    def oks(*args, **kwargs):
        rec['pairwise_oks'] = oks_calc(*args, **kwargs)
        return rec['pairwise_oks']

    def dynamic_k(cost, pairwise, num_gt, valid_mask):
        rec['valid_mask'] = valid_mask.clone()
        rec['cost'] = cost.clone()
        k = min(assigner.candidate_topk, pairwise.size(0))
        topk, _ = torch.topk(pairwise, k, dim=0)
        ks = torch.clamp(topk.sum(0).int(), min=1)
        rec.update(candidate_topk=k, topk_sum=topk.sum(0), dynamic_ks=ks)
        picks, ties, margins = [], [], []
        for g in range(num_gt):
            _, idx = torch.topk(cost[:, g], k=ks[g], largest=False)
            picks.append(sorted(idx.tolist()))
            ordered = cost[:, g].sort().values
            kk = int(ks[g])
            ties.append(bool(kk < len(ordered) and ordered[kk - 1] == ordered[kk]))
            margins.append(float(ordered[kk] - ordered[kk - 1]) if kk < len(ordered) else None)
        total = topk.sum(0).double()
        rec.update(picks=picks, topk_boundary_tie=ties, topk_margin=margins,
                   dynamic_k_margin=[float(min(t - np.floor(t), np.floor(t) + 1 - t)) if t >= 1 else float(1 - t)
                                     for t in total.tolist()])
        out = matching(cost, pairwise, num_gt, valid_mask)
        rec['fg_mask'] = valid_mask.clone()
        return out

    assigner.iou_calculator, assigner.oks_calculator, assigner.dynamic_k_matching = iou, oks, dynamic_k
    try:
        result = assigner.assign(pred_instances=pred, gt_instances=gt)
    finally:
        assigner.iou_calculator, assigner.oks_calculator = iou_calc, oks_calc
        del assigner.dynamic_k_matching
    return result, rec


def simota_case(kind, name, about, seed):
    rng = np.random.default_rng(seed)
    gen_cfg, _, featmap_sizes = PRIORS[kind]
    gen = TASK_UTILS.build(gen_cfg)
    priors = torch.cat(gen.grid_priors(featmap_sizes, dtype=torch.float32, device='cpu', with_stride=True))
    if name in ('no_valid_prior', 'no_gt'):
        priors = priors[:8]
    people = people_for(kind, name, rng)
    p = make_predictions(rng, priors.numpy(), people)
    scores = head_scores(kind, p['cls_logits'], p['obj_logits'])
    pred = InstanceData(bboxes=torch.tensor(p['bboxes']), scores=scores, priors=priors,
                        keypoints=torch.tensor(p['keypoints']),
                        keypoints_visible=torch.tensor(p['keypoints_visible']))
    g = len(people)
    gt = InstanceData(
        bboxes=torch.tensor(np.array([x['box'] for x in people], np.float32).reshape(g, 4)),
        labels=torch.zeros(g, dtype=torch.long),
        keypoints=torch.tensor(np.array([x['kpts'] for x in people], np.float32).reshape(g, K, 2)),
        keypoints_visible=torch.tensor(np.array([x['vis'] for x in people], np.float32).reshape(g, K)),
        areas=torch.tensor(np.array([x['area'] for x in people], np.float32).reshape(g)))
    assigner = TASK_UTILS.build(ASSIGNERS[kind])
    result, rec = run_assigner(assigner, pred, gt)
    case = dict(name=name, about=about, seed=seed, num_priors=int(priors.shape[0]), num_gt=g,
                inputs=dict(priors=f32(priors), bboxes=f32(pred.bboxes), cls_logits=f32(p['cls_logits'])))
    if kind == 'yoloxpose':
        case['inputs']['obj_logits'] = f32(p['obj_logits'])
    case['inputs'].update(scores=f32(scores), keypoints=f32(pred.keypoints),
                          keypoints_visible=f32(pred.keypoints_visible),
                          gt_bboxes=f32(gt.bboxes), gt_labels=plain(gt.labels), gt_keypoints=f32(gt.keypoints),
                          gt_keypoints_visible=f32(gt.keypoints_visible), gt_areas=f32(gt.areas))
    case['result'] = dict(num_gts=int(result['num_gts']), gt_inds=plain(result['gt_inds']),
                          max_overlaps=f32(result['max_overlaps']), labels=plain(result['labels']))
    debug = {}
    if g > 0:
        valid, in_both = assigner.get_in_gt_and_in_center_info(priors, gt.bboxes, gt.keypoints,
                                                                gt.keypoints_visible)
        debug.update(valid_indices=plain(torch.nonzero(valid).flatten()),
                     centers=f32(centres(assigner, gt.bboxes.clone(), gt.keypoints, gt.keypoints_visible)),
                     is_in_boxes_and_centers=plain(in_both.to(torch.uint8)))
    if 'cost' in rec:
        assert torch.equal(rec['valid_mask'], valid)
        cost = rec['cost']
        fg_valid = rec['fg_mask'][valid]   # which candidates ended up foreground
        picked = torch.zeros_like(cost, dtype=torch.int64)
        for gi, idx in enumerate(rec['picks']):
            picked[idx, gi] = 1
        conflicts = torch.nonzero(picked.sum(1) > 1).flatten()
        argmin_ties = [bool((cost[r] == cost[r].min()).sum() > 1) for r in conflicts.tolist()]
        argmin_margin = [float(cost[r].sort().values[1] - cost[r].min()) for r in conflicts.tolist()]
        conflict_argmin = cost[conflicts].min(dim=1).indices
        # the picks, resolved, are the result
        resolved = picked.clone()
        resolved[conflicts] = 0
        resolved[conflicts, conflict_argmin] = 1
        expect = torch.zeros(len(priors), dtype=torch.long)
        expect[torch.nonzero(valid).flatten()] = (resolved.argmax(1) + 1) * (resolved.sum(1) > 0)
        assert torch.equal(expect, result['gt_inds'])
        debug.update(pairwise_ious=f32(rec['pairwise_ious']), pairwise_oks=f32(rec['pairwise_oks']),
                     cost_matrix=f32(cost), candidate_topk=rec['candidate_topk'], topk_sum=f32(rec['topk_sum']),
                     dynamic_ks=plain(rec['dynamic_ks']), picks_before_conflicts=rec['picks'],
                     conflicts=plain(conflicts), conflict_argmin=plain(conflict_argmin),
                     topk_boundary_tie=rec['topk_boundary_tie'], argmin_tie=argmin_ties,
                     topk_margin=rec['topk_margin'], dynamic_k_margin=rec['dynamic_k_margin'],
                     argmin_margin=argmin_margin,
                     foreground_of_valid=plain(fg_valid.to(torch.uint8)))
    case['debug'] = debug
    return case


def topk_tie_probes():
    """torch.topk(largest=False) on vectors with ties (the CPU kernel's std::nth_element or, when
    k * 64 <= n, std::partial_sort over (value, index) pairs comparing values only), and
    torch.min(dim=1)'s index on equal minima."""
    probes = []
    vectors = [[0.0] * 5, [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [2.0, 1.0, 1.0, 1.0, 3.0, 1.0, 0.5, 1.0],
               [100000.0 + v for v in [0.0, 0.001, 0.002, 0.003, 1.0, 0.004, 0.0, 2.0]],
               [float(v % 3) for v in range(70)], [float(v % 5) for v in range(130)]]
    for v in vectors:
        t = torch.tensor(v, dtype=torch.float32)
        for k in (1, 2, 3):
            values, indices = torch.topk(t, k, largest=False)
            probes.append(dict(input=f32(t), k=k, indices=plain(indices), values=f32(values)))
    rows = torch.tensor([[2.0, 1.0, 1.0], [1.0, 1.0, 1.0], [3.0, 0.5, 0.5]])
    return dict(topk=probes, min_dim1=dict(input=f32(rows), indices=plain(rows.min(dim=1).indices)))


def simota():
    cases = {}
    for kind, base in (('rtmo', 100), ('yoloxpose', 200)):
        cases[kind] = [simota_case(kind, name, about, base + i) for i, (name, about) in enumerate(CASES)]
    resolved = {}
    for kind, cfg in ASSIGNERS.items():
        a = TASK_UTILS.build(cfg)
        resolved[kind] = dict(center_radius=a.center_radius, candidate_topk=a.candidate_topk, iou_weight=a.iou_weight,
                              cls_weight=a.cls_weight, oks_weight=a.oks_weight, vis_weight=a.vis_weight,
                              dynamic_k_indicator=a.dynamic_k_indicator,
                              use_keypoints_for_center=a.use_keypoints_for_center,
                              iou_calculator=repr(a.iou_calculator), oks_sigmas=f32(a.oks_calculator.sigmas))
    return dict(mmpose=mmpose.__version__, torch=torch.__version__, INF=100000.0, EPS=1e-7,
                configs=ASSIGNERS, resolved=resolved,
                prior_generators={k: dict(config=v[0], input_size=[v[1], v[1]], featmap_sizes=v[2]) for k, v in PRIORS.items()},
                cases=cases, topk_tie_probes=topk_tie_probes())


# --------------------------------------------------------------------------------------------
# Losses
# --------------------------------------------------------------------------------------------
def boxes_xyxy(rng, n, lo=0, hi=500, wmin=20, wmax=200):
    xy = rng.uniform(lo, hi, (n, 2))
    wh = rng.uniform(wmin, wmax, (n, 2))
    return np.concatenate([xy, xy + wh], -1)


def run(module, call, leaves):
    """Calls `call(module, *leaves)` with the leaves requiring gradients; the loss and the
    gradient of it (its sum when it is not a scalar) for each leaf."""
    tensors = {k: torch.tensor(v, dtype=torch.float32).requires_grad_() for k, v in leaves.items()}
    loss = call(module, **tensors)
    (loss if loss.ndim == 0 else loss.sum()).backward()
    return loss, {k: t.grad for k, t in tensors.items()}


def iou_cases():
    cfg = dict(type='IoULoss', mode='square', eps=1e-16, reduction='sum', loss_weight=5.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n in ((300, 8), (301, 13), (302, 20)):
        rng = np.random.default_rng(seed)
        target = q(boxes_xyxy(rng, n), 1 / 16)
        wh = np.concatenate([target[:, 2:] - target[:, :2]] * 2, -1)
        pred = target + rng.normal(0, 0.15, (n, 4)) * wh
        pred[:, 2:] = np.maximum(pred[:, 2:], pred[:, :2] + 1)
        if seed == 300:
            pred[2] = target[2] + [wh[2, 0] * 1.5, 0, wh[2, 0] * 1.5, 0]   # no overlap: IoU 0 -> clamp(1e-16)
            pred[3, 0], pred[3, 3] = target[3, 0], target[3, 3]            # equal edges: max/min ties
            pred[4] = target[4]                                              # identical boxes
        pred = q(pred, 1 / 16)
        loss, grads = run(m, lambda mod, output: mod(output, torch.tensor(target)), dict(output=pred))
        cases.append(dict(seed=seed, output=f32(pred), target=f32(target), loss=f32(loss),
                          grad_output=f32(grads['output'])))
    return dict(name='IoULoss', head='RTMOHead and YOLOXPoseHead loss_bbox: self.loss_bbox(decoded '
                'positive boxes [P, 4] xyxy, assigned gt boxes [P, 4]) / num_total_samples',
                config=cfg, resolved=dict(reduction=m.reduction, mode=m.mode, eps=m.eps, loss_weight=m.loss_weight,
                                          bbox_overlaps_eps=1e-6),
                call='loss = module(output, target)', cases=cases)


def oks_inputs(seed, n):
    rng = np.random.default_rng(seed)
    boxes = boxes_xyxy(rng, n, 0, 400, 30, 220)
    target = np.stack([rng.uniform(boxes[:, None, 0], boxes[:, None, 2], (n, K)),
                       rng.uniform(boxes[:, None, 1], boxes[:, None, 3], (n, K))], -1)
    areas = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) * rng.uniform(0.4, 0.8, n)
    vis = (rng.random((n, K)) < 0.75).astype(np.float32)
    scale = rng.uniform(0.2, 3.0, (n, 1)) * 2 * COCO_SIGMAS[None] * np.sqrt(areas)[:, None]
    pred, target = q(target + rng.normal(0, 1, (n, K, 2)) * scale[..., None], 1 / 16), q(target, 1 / 4)
    if seed == 310:
        pred[1, 5] = target[1, 5]    # zero distance: torch.norm's gradient there is 0
        vis[2] = 0                   # no visible keypoint
    return pred, target, vis, areas.astype(np.float32)


def oks_cases(norm):
    cfg = dict(type='OKSLoss', reduction='none', metainfo=COCO, loss_weight=30.0)
    if norm:
        cfg = dict(type='OKSLoss', reduction='none', metainfo=COCO, norm_target_weight=True, loss_weight=30.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n in ((310, 6), (311, 10)):
        pred, target, vis, areas = oks_inputs(seed, n)
        loss, grads = run(m, lambda mod, output: mod(output, torch.tensor(target), torch.tensor(vis),
                                                     torch.tensor(areas)), dict(output=pred))
        cases.append(dict(seed=seed, output=f32(pred), target=f32(target), target_weight=f32(vis), areas=f32(areas),
                          loss=f32(loss), grad_output=f32(grads['output'])))
    return dict(name='OKSLoss' + (' (norm_target_weight)' if norm else ''),
                head=('YOLOXPoseHead' if norm else 'RTMOHead') + ' loss_kpt / loss_oks: self.loss_oks(decoded positive '
                'keypoints [P, 17, 2], assigned gt keypoints [P, 17, 2], vis_targets = gt keypoints_visible [P, 17], '
                'pos_areas = gt areas [P]); not divided by num_total_samples; the [P] vector is averaged by '
                "mmengine's parse_losses" + ('' if norm else '. RTMO from epoch 280 (proxy_target_cc): target = the '
                                             'DCC keypoints (detached), target_weight = vis * (reg error > cc error), '
                                             'loss_weight 10'),
                config=cfg, resolved=dict(reduction=m.reduction, mode=m.mode, eps=m.eps,
                                          norm_target_weight=m.norm_target_weight, loss_weight=m.loss_weight,
                                          sigmas=f32(m.sigmas)),
                call='loss = module(output, target, target_weight, areas)', backward='sum of the [P] loss vector',
                cases=cases)


def vfl_cases():
    cfg = dict(type='VariFocalLoss', reduction='sum', use_target_weight=True, loss_weight=1.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n in ((320, 40), (321, 64)):
        rng = np.random.default_rng(seed)
        logits = rng.normal(-2, 3, (n, 1))
        target = np.zeros((n, 1))
        pos = rng.choice(n, n // 5, replace=False)
        target[pos, 0] = np.sqrt(rng.uniform(0.01, 1.0, len(pos)))   # OKS ** overlaps_power (0.5)
        logits[pos, 0] = rng.normal(0.5, 2, len(pos))
        weight = np.ones((n, 1))
        if seed == 320:
            logits[:4, 0] = [12.5, -12.5, 10.0, -10.0]   # beyond and on the BCE clip at +-10
            target[:4, 0] = [0.0, 0.0, 0.0, 0.0]
            target[4, 0], target[5, 0] = 5e-5, 1.0       # under the 1e-4 label threshold; exactly 1
            logits[4, 0], logits[5, 0] = 11.0, -11.0
            weight[6:9, 0] = [0.0, 0.25, 0.625]          # 1 - grid_sample(heatmap_mask) weights
        logits, target, weight = q(logits, 1 / 256), target.astype(np.float32), weight.astype(np.float32)
        loss, grads = run(m, lambda mod, output: mod(output, torch.tensor(target), torch.tensor(weight)),
                          dict(output=logits))
        cases.append(dict(seed=seed, output=f32(logits), target=f32(target), target_weight=f32(weight), loss=f32(loss),
                          grad_output=f32(grads['output'])))
    return dict(name='VariFocalLoss', head='RTMOHead loss_cls: self.loss_cls(cls logits of ALL priors [B*N, 1], '
                'obj_targets [B*N, 1] (0, and at the positives max_overlaps ** 0.5: the assigner\'s OKS of the '
                'prior\'s regressed keypoints with its person; from epoch 280 (proxy_target_cc) the OKS of the DCC '
                'keypoints instead), obj_weights [B*N, 1] (ones, or 1 - heatmap_mask sampled at the predicted '
                'keypoints\' mean)) / num_total_samples',
                config=cfg, resolved=dict(reduction=m.reduction, use_target_weight=m.use_target_weight,
                                          loss_weight=m.loss_weight, alpha=m.alpha, gamma=m.gamma),
                call='loss = module(output, target, target_weight)', cases=cases)


def bce_cases():
    out = []
    # loss_vis
    cfg = dict(type='BCELoss', use_target_weight=True, reduction='mean', loss_weight=1.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n in ((330, 8), (331, 15)):
        rng = np.random.default_rng(seed)
        logits = q(rng.normal(0.5, 2.5, (n, K)), 1 / 256)
        target = (rng.random((n, K)) < 0.7).astype(np.float32)
        weight = np.ones((n, K), np.float32) if seed == 330 else q(rng.uniform(0, 1, (n, K)), 1 / 64)
        loss, grads = run(m, lambda mod, output: mod(output, torch.tensor(target), torch.tensor(weight)),
                          dict(output=logits))
        cases.append(dict(seed=seed, output=f32(logits), target=f32(target), target_weight=f32(weight),
                          loss=f32(loss), grad_output=f32(grads['output'])))
    out.append(dict(name='BCELoss (loss_vis)', head='RTMOHead and YOLOXPoseHead loss_vis: self.loss_vis(keypoint '
                    'visibility logits of the positives [P, 17], vis_targets [P, 17], vis_weights [P, 17] (ones, or '
                    'gt keypoints_visible_weights)); not divided by num_total_samples',
                    config=cfg, resolved=dict(reduction=m.reduction, use_target_weight=m.use_target_weight,
                                              loss_weight=m.loss_weight, use_sigmoid=m.use_sigmoid),
                    call='loss = module(output, target, target_weight)', cases=cases))
    # YOLOX-Pose loss_cls
    cfg = dict(type='BCELoss', reduction='sum', loss_weight=1.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n in ((340, 8), (341, 20)):
        rng = np.random.default_rng(seed)
        logits = q(rng.normal(0.0, 2.5, (n, 1)), 1 / 256)
        target = np.sqrt(rng.uniform(0.0, 1.0, (n, 1))).astype(np.float32)
        loss, grads = run(m, lambda mod, output: mod(output, torch.tensor(target)), dict(output=logits))
        cases.append(dict(seed=seed, output=f32(logits), target=f32(target), loss=f32(loss),
                          grad_output=f32(grads['output'])))
    out.append(dict(name='BCELoss (YOLOX-Pose loss_cls)', head='YOLOXPoseHead loss_cls: self.loss_cls(cls logits of '
                    'the positives [P, 1], (one_hot(label) * max_overlaps) ** 0.5 [P, 1]) / num_total_samples',
                    config=cfg, resolved=dict(reduction=m.reduction, use_target_weight=m.use_target_weight,
                                              loss_weight=m.loss_weight, use_sigmoid=m.use_sigmoid),
                    call='loss = module(output, target)', cases=cases))
    # YOLOX-Pose loss_obj
    cfg = dict(type='BCELoss', use_target_weight=True, reduction='sum', loss_weight=1.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n in ((350, 48), (351, 84)):
        rng = np.random.default_rng(seed)
        logits = q(rng.normal(-3.0, 3.0, (n, 1)), 1 / 256)
        target = (rng.random((n, 1)) < 0.15).astype(np.float32)
        weight = np.ones((n, 1), np.float32)
        if seed == 351:
            weight[::7] = q(rng.uniform(0, 1, (len(weight[::7]), 1)), 1 / 64)
        loss, grads = run(m, lambda mod, output: mod(output, torch.tensor(target), torch.tensor(weight)),
                          dict(output=logits))
        cases.append(dict(seed=seed, output=f32(logits), target=f32(target), target_weight=f32(weight),
                          loss=f32(loss), grad_output=f32(grads['output'])))
    out.append(dict(name='BCELoss (YOLOX-Pose loss_obj)', head='YOLOXPoseHead loss_obj: self.loss_obj(objectness '
                    'logits of ALL priors [B*N, 1], obj_targets [B*N, 1] (1 at positives), obj_weights [B*N, 1]) / '
                    'num_total_samples',
                    config=cfg, resolved=dict(reduction=m.reduction, use_target_weight=m.use_target_weight,
                                              loss_weight=m.loss_weight, use_sigmoid=m.use_sigmoid),
                    call='loss = module(output, target, target_weight)', cases=cases))
    return out


def mle_cases():
    cfg = dict(type='MLECCLoss', use_target_weight=True, loss_weight=1.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n, bins in ((360, 2, (8, 12)), (361, 3, (6, 8))):
        rng = np.random.default_rng(seed)
        dcc = types.SimpleNamespace(x_bins=torch.linspace(-0.5, 0.5, bins[0]),
                                    y_bins=torch.linspace(-0.5, 0.5, bins[1]))
        boxes = q(boxes_xyxy(rng, n, 0, 400, 40, 200), 1 / 16)
        center, scale = bbox_xyxy2cs(torch.tensor(boxes), 1.25)
        bbox_cs = torch.cat([center, scale], dim=1)
        kpts = torch.tensor(q(np.stack([rng.uniform(boxes[:, None, 0], boxes[:, None, 2], (n, K)),
                                        rng.uniform(boxes[:, None, 1], boxes[:, None, 3], (n, K))], -1), 1 / 16))
        areas = torch.tensor(((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1]) *
                              rng.uniform(0.4, 0.8, n)).astype(np.float32))
        sigmas = torch.tensor(q(rng.uniform(0.005, 0.1, (n, K)), 1 / 4096)).requires_grad_()
        hm_x, hm_y = DCC.generate_target_heatmap(dcc, kpts, bbox_cs, sigmas, areas)
        # predictions: logits peaked near the keypoint (with noise), normalized as DCC does
        xb = dcc.x_bins.view(1, 1, -1) * scale[:, None, 0:1] + center[:, None, 0:1]
        yb = dcc.y_bins.view(1, 1, -1) * scale[:, None, 1:2] + center[:, None, 1:2]
        shift = torch.tensor(rng.normal(0, 8, (n, K, 2)), dtype=torch.float32)
        lx = -torch.abs(xb - (kpts[..., 0:1] + shift[..., 0:1])) / 6 + torch.tensor(rng.normal(0, 1, (n, K, bins[0])),
                                                                                    dtype=torch.float32)
        ly = -torch.abs(yb - (kpts[..., 1:2] + shift[..., 1:2])) / 6 + torch.tensor(rng.normal(0, 1, (n, K, bins[1])),
                                                                                    dtype=torch.float32)
        px, py = DCC._apply_softmax(None, lx, ly)
        px = px.detach().requires_grad_()
        py = py.detach().requires_grad_()
        hm_x.retain_grad()
        hm_y.retain_grad()
        vis = torch.tensor((rng.random((n, K)) < 0.75).astype(np.float32))
        loss = m((px, py), (hm_x, hm_y), vis)
        loss.sum().backward()
        cases.append(dict(seed=seed, num_bins=list(bins), outputs=[f32(px), f32(py)], targets=[f32(hm_x), f32(hm_y)],
                          target_weight=f32(vis), loss=f32(loss), grad_outputs=[f32(px.grad), f32(py.grad)],
                          grad_targets=[f32(hm_x.grad), f32(hm_y.grad)],
                          targets_from=dict(kpt_targets=f32(kpts), bbox_cs=f32(bbox_cs), sigmas=f32(sigmas),
                                            areas=f32(areas), grad_sigmas=f32(sigmas.grad))))
    return dict(name='MLECCLoss', head='RTMOHead loss_mle: self.loss_mle((x_hms [P, 17, Wx], y_hms [P, 17, Wy]) '
                'softmax-normalized DCC predictions, (hm_x, hm_y) = DCC.generate_target_heatmap(kpt_targets, bbox_cs, '
                'sigmas, pos_areas) (NOT detached: gradients reach sigma_fc), vis_targets [P, 17]); the [P] vector is '
                "averaged by mmengine's parse_losses; loss_weight 5 from epoch 280. Real bins (192, 256); here fewer",
                config=cfg, resolved=dict(reduction=m.reduction, mode=m.mode, use_target_weight=m.use_target_weight,
                                          loss_weight=m.loss_weight, log_eps=1e-4),
                call='loss = module((outputs[0], outputs[1]), (targets[0], targets[1]), target_weight)',
                backward='sum of the [P] loss vector; grad_sigmas: through targets_from (hm = '
                'DCC.generate_target_heatmap(kpt_targets, bbox_cs, sigmas, areas), bins linspace(-0.5, 0.5, Wx|Wy))',
                cases=cases)


def l1_cases():
    cfg = dict(type='L1Loss', reduction='sum', loss_weight=1.0)
    m = MODELS.build(cfg)
    cases = []
    for seed, n in ((370, 8), (371, 16)):
        rng = np.random.default_rng(seed)
        target = np.concatenate([rng.uniform(-0.5, 0.5, (n, 2)), np.log(rng.uniform(1, 12, (n, 2)))], -1)
        pred = target + rng.normal(0, 0.3, (n, 4))
        target = target.astype(np.float32)
        pred = q(pred, 1 / 1024)
        if seed == 370:
            pred[0, 1] = target[0, 1]    # zero difference: sign(0) = 0
        loss, grads = run(m, lambda mod, output: mod(output, torch.tensor(target)), dict(output=pred))
        cases.append(dict(seed=seed, output=f32(pred), target=f32(target), loss=f32(loss),
                          grad_output=f32(grads['output'])))
    return dict(name='L1Loss', head='RTMOHead and YOLOXPoseHead loss_bbox_aux (use_aux_loss, switched on for the '
                'last 20 epochs): self.loss_bbox_aux(raw box outputs of the positives [P, 4] (dx, dy, log w, log h), '
                'bbox_aux_targets [P, 4] = ((gt centre - prior xy) / stride, log(gt wh / stride + 1e-8))) / '
                'num_total_samples',
                config=cfg, resolved=dict(use_target_weight=m.use_target_weight, loss_weight=m.loss_weight,
                                          reduction='sum'),
                call='loss = module(output, target)', cases=cases)


def losses():
    entries = [iou_cases(), oks_cases(False), oks_cases(True), vfl_cases(), *bce_cases(), mle_cases(), l1_cases()]
    return dict(mmpose=mmpose.__version__, torch=torch.__version__, dtype='float32', losses=entries)


def main():
    os.makedirs(OUT, exist_ok=True)
    s = simota()
    with open(os.path.join(OUT, 'simota.json'), 'w') as f:
        json.dump(s, f)
    for kind, cases in s['cases'].items():
        for c in cases:
            d = c['debug']
            pos = sum(1 for v in c['result']['gt_inds'] if v > 0)
            print(f"simota {kind:9s} {c['name']:26s} priors {c['num_priors']:3d} gt {c['num_gt']} "
                  f"valid {len(d.get('valid_indices', []))} k {d.get('dynamic_ks', '-')} positives {pos} "
                  f"conflicts {len(d.get('conflicts', []))} ties topk {sum(d.get('topk_boundary_tie', []))} "
                  f"argmin {sum(d.get('argmin_tie', []))}; smallest margins: top-k "
                  f"{min([m for m in d.get('topk_margin', []) if m is not None], default=float('nan')):.3g}, "
                  f"dynamic k {min(d.get('dynamic_k_margin', []), default=float('nan')):.3g}, argmin "
                  f"{min([m for m in d.get('argmin_margin', []) if m > 0], default=float('nan')):.3g}")
    l_ = losses()
    with open(os.path.join(OUT, 'losses.json'), 'w') as f:
        json.dump(l_, f)
    for e in l_['losses']:
        print(f"loss {e['name']:32s}", ', '.join(str(c['loss'] if not isinstance(c['loss'], list)
                                                     else f"[{len(c['loss'])}] sum {sum(c['loss']):.6g}")
                                                 for c in e['cases']))
    for name in ('simota.json', 'losses.json'):
        print(name, os.path.getsize(os.path.join(OUT, name)), 'bytes')


if __name__ == '__main__':
    main()
