"""Writes Tests/Fixtures/mmpose_parity/: MMPose 1.3.2's own test-time predictions and metric
figures for one small model of each top-down family, from seeded random weights, on the real
samples in Tests/Fixtures (COCO, CrowdPose, MPII), flip test on.

For each family the script takes MMPose's config of that family, shrinks the network (same types,
same structure, few channels, so the weights are small enough to commit), builds it with
`torch.manual_seed`, randomizes the BatchNorm statistics and affine parameters (so no layer is
an identity), and runs MMPose's test loop (mmengine's Runner: MMPose's dataset, pipeline,
`cv2.warpAffine` crop, model, flip test, codec and CocoMetric / PCK metric). It writes:

  <family>/config.py     the config SwiftPose and MMPose both read (data paths relative to it)
  <family>/weights.pth   the random weights, as MMPose saves a checkpoint
  <family>/expected.json every instance's keypoints and scores before NMS, and every metric figure

Two more families, `rtmpose_s` and `rtmpose_m` (MMPose's `rtmpose-s/m_8xb256-420e_coco-256x192.py`,
COCO with the detections file, flip test on), keep MMPose's network at full size (mmdet's CSPNeXt
backbone, as MMPose builds it from `_scope_='mmdet'`, and the RTMCCHead; only the backbone's
pretrained `init_cfg` goes) and commit no weights: every state-dict entry is a formula of its key's
name (`formula_state_dict`, 'fnv1a-fmix32-v1') that the Swift test recomputes. Integer entries
(`num_batches_tracked`) stay as they are; for the others, seed = FNV-1a 32-bit of the key's UTF-8
bytes, and element i of the row-major flattened tensor takes
    h = fmix32((i * 0x9E3779B1 + seed) mod 2^32)      (murmur3's finalizer)
    u = float32(h >> 8) * 2^-24                       (exact, in [0, 1))
and, in float32 with each operation rounded once:
    key ends with running_mean           (2u - 1) * 0.1
    key ends with running_var            0.5 + 1.5u
    last component gamma or beta         u                 (the GAU's offsets)
    1-D, key ends with .bias             (2u - 1) * 0.1
    1-D, other (BN weight, ScaleNorm g, Scale)   0.5 + u
    else (conv, linear weights)          (2u - 1) * float32(gain * sqrt(3 / fan_in)),  fan_in = numel / shape[0]
with one global gain (`FORMULA_GAIN`). Their expected.json adds `weights`: the formula's name, the
gain and every non-integer key's checksum (the float64 sum of its float32 values, math.fsum); the
weights.pth the run needs lives only in a temporary folder. SyncBN layers (as the configs have them)
are BatchNorm in this one-process run: mmengine's Runner reverts them, same eps and momentum.

One bottom-up family, `ae` (MMPose's `ae_hrnet-w32_8xb24-300e_coco-512x512.py`: BottomupPoseEstimator,
HRNet shrunk as `hrnet`'s, AssociativeEmbeddingHead with tag_dim 1 per keypoint and no deconvolutions,
the AssociativeEmbedding codec at input 256 × 256 / heatmaps 64 × 64 and its decoder at the input
size, BottomupResize 'expand' to multiples of 64, flip test, restore_heatmap_size, CocoMetric with
nms_mode 'none' and score_mode 'bbox'), runs on the four whole COCO images (data_mode 'bottomup',
one image per batch). After the seeded draw, `calibrate_ae` rescales the head's final 1×1 conv on
those images so that a few heatmap peaks of each keypoint pass the decoder's threshold (0.1) and
the candidates' tags lie about AE_TAG_DISTANCE apart (drawing a keypoint pair's heatmap rows again,
seeded, where a candidate would tie with another: a random network's maxima on the border, which
the bilinear resize doubles, would make the grouping depend on how torch.topk orders ties): the
decoder then both matches candidates to groups through Munkres and starts new groups, and finds
6 to 16 people per image. Its expected.json has, per image in MMPose's order, img_id, the image's
file name, ori_shape, input_size (w, h), input_center, input_scale and `people` in the decoder's order: keypoints in image pixels as the
metric receives them (after `add_pred_to_datasample`), keypoint_scores and bbox_score (the mean of
the grouped keypoints' scores, 0 for missing ones), with, per person, which keypoints the grouping
placed (`grouped`) and, for those the missing-keypoint search filled, its margins (`fill_*`);
`decoder_inputs`: shape, float64 sum and per-channel sums of the flip-aggregated heatmaps and the
concatenated tags that the head passes to the codec's `batch_decode`; `grouping`: candidates per
keypoint, Munkres calls (and in how many another optimal assignment exists that scipy picks: the
rounded tag distances make many groups cost the same, so which one a keypoint joins is munkres
1.1.4's own choice), matches, new groups, and the smallest margins of the decoder's decisions
(see `ae_grouping`); `float64_people` and per keypoint `float64_offsets` (MMPose's float64 run),
and every metric figure. (The metric figures are all 0: random people match no annotation.)

plus `metric_ties/expected.json` and `metric_crowd/`: CocoMetric's figures for hand-made predictions
whose scores tie and whose results carry boxes (the ordering and area rules of MMPose's
evaluation), on COCO and on CrowdPose (`iou_type='keypoints_crowd'`, crowd indices 0.1 and 0.9);
and `warp/expected.json`: `cv2.warpAffine`'s 8-bit output for seven transforms of a 50 × 40 piece
of a sample image, and MMPose's `get_warp_matrix`/`get_udp_warp_matrix` for four boxes.

Run from the repository root in a venv with MMPose 1.3.2 (`bash tools/mmpose_venv.sh` makes one):
    /path/to/venv/bin/python tools/make_mmpose_parity_fixtures.py [family or metrics or warp ...]
(with names, only those: e.g. `... make_mmpose_parity_fixtures.py rtmpose_s rtmpose_m`)
"""
import contextlib
import copy
import json
import math
import os
import shutil
import sys
import tempfile
import types

import numpy as np
import torch

# torchvision's C++ ops may not load against a CPU-only torch wheel (mmengine's Runner imports it
# only to log its version); MMPose needs none of them
try:
    import torchvision  # noqa: F401
except Exception:
    for stub in ('torchvision._meta_registrations', 'torchvision._autograd_registrations'):
        sys.modules[stub] = types.ModuleType(stub)

import mmpose  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.registry import HOOKS  # noqa: E402
from mmengine.runner import Runner  # noqa: E402

torch.set_num_threads(1)
ROOT = os.path.abspath('Tests/Fixtures')
OUT = os.path.join(ROOT, 'mmpose_parity')
CONFIGS = os.path.join(os.path.dirname(mmpose.__file__), '.mim', 'configs', 'body_2d_keypoint')

COCO = dict(root='coco', dataset='CocoDataset', ann='test_coco.json', bbox='test_coco_det_AP_H_56.json')
CROWDPOSE = dict(root='crowdpose', dataset='CrowdPoseDataset', ann='test_crowdpose.json',
                 bbox='test_crowdpose_det_AP_40.json')
MPII = dict(root='mpii', dataset='MpiiDataset', ann='test_mpii.json', headbox='test_mpii_headbox.mat')

# family → (MMPose config, data, codec changes)
FAMILIES = {
    'resnet': ('topdown_heatmap/coco/td-hm_res50_8xb64-210e_coco-256x192.py', COCO, {}),
    'hrnet': ('topdown_heatmap/coco/td-hm_hrnet-w32_8xb64-210e_coco-256x192.py', COCO, {}),
    'hrnet_dark': ('topdown_heatmap/coco/td-hm_hrnet-w32_dark-8xb64-210e_coco-256x192.py', COCO, {}),
    'hrnet_udp': ('topdown_heatmap/coco/td-hm_hrnet-w32_udp-8xb64-210e_coco-256x192.py', COCO, {}),
    'hrnet_udp_combined': ('topdown_heatmap/coco/td-hm_hrnet-w32_udp-regress-8xb64-210e_coco-256x192.py', COCO, {}),
    'rle': ('topdown_regression/coco/td-reg_res50_rle-8xb64-210e_coco-256x192.py', COCO, {}),
    'deeppose': ('topdown_regression/coco/td-reg_res50_8xb64-210e_coco-256x192.py', COCO, {}),
    'ipr': ('integral_regression/coco/ipr_res50_8xb64-210e_coco-256x256.py', COCO, {}),
    'ipr_debias': ('integral_regression/coco/ipr_res50_debias-8xb64-210e_coco-256x256.py', COCO, {}),
    'simcc': ('simcc/coco/simcc_res50_8xb64-210e_coco-256x192.py', COCO, {}),
    'simcc_dark': ('simcc/coco/simcc_res50_8xb64-210e_coco-256x192.py', COCO, {'use_dark': True}),
    'resnetv1d': ('topdown_heatmap/coco/td-hm_resnetv1d50_8xb64-210e_coco-256x192.py', COCO, {}),
    'resnext': ('topdown_heatmap/coco/td-hm_resnext50_8xb64-210e_coco-256x192.py', COCO, {}),
    'seresnet': ('topdown_heatmap/coco/td-hm_seresnet50_8xb64-210e_coco-256x192.py', COCO, {}),
    'resnest': ('topdown_heatmap/coco/td-hm_resnest50_8xb64-210e_coco-256x192.py', COCO, {}),
    'visibility': ('topdown_heatmap/coco/td-hm-vis_res50_8xb64-210e_coco-aic-256x192-merge.py', COCO, {}),
    'crowdpose': ('topdown_heatmap/crowdpose/td-hm_res50_8xb64-210e_crowdpose-256x192.py', CROWDPOSE, {}),
    'mpii': ('topdown_heatmap/mpii/td-hm_res50_8xb64-210e_mpii-256x256.py', MPII, {}),
    # full-size networks whose weights are `formula_state_dict`'s, not a committed .pth (appended
    # last: every family's seed is 1000 + its index here)
    'rtmpose_s': ('rtmpose/coco/rtmpose-s_8xb256-420e_coco-256x192.py', COCO, {}),
    'rtmpose_m': ('rtmpose/coco/rtmpose-m_8xb256-420e_coco-256x192.py', COCO, {}),
    # bottom-up (appended after the others, so their seeds stay): the codec at 256 × 256
    'ae': ('associative_embedding/coco/ae_hrnet-w32_8xb24-300e_coco-512x512.py', COCO,
           dict(input_size=(256, 256), heatmap_size=(64, 64))),
}

# bottom-up families (`run_bottomup`): whole images, one per batch, people grouped by the decoder
BOTTOMUP_FAMILIES = ['ae']
# the AE head's final 1×1 conv, rescaled after the seeded draw (`calibrate_ae`) so that per image
# about AE_PEAKS of each keypoint's heatmap peaks pass the decoder's keypoint threshold, none tied
# with another or within AE_VALUE_MARGIN of the threshold, peak values spread by AE_SCORE_SPREAD per
# standard deviation of the heatmap, and two candidates' tags lie AE_TAG_DISTANCE apart (the median)
AE_PEAKS = 2
AE_SCORE_SPREAD = 0.1
AE_VALUE_MARGIN = 1e-4
AE_TAG_DISTANCE = 0.7

# families kept at full size, with weights from `formula_state_dict` (see the module docstring)
FORMULA_FAMILIES = ['rtmpose_s', 'rtmpose_m']
FORMULA = 'fnv1a-fmix32-v1'
FORMULA_GAIN = 1.4  # below ~1.35 the signal dies in the backbone (outputs independent of the image)

# families whose float32 heatmap error is measured against MMPose's float64 run
PRECISION_FAMILIES = ['resnet', 'seresnet', 'resnest']

HRNET_EXTRA = dict(
    stage1=dict(num_modules=1, num_branches=1, block='BOTTLENECK', num_blocks=(1, ), num_channels=(8, )),
    stage2=dict(num_modules=1, num_branches=2, block='BASIC', num_blocks=(1, 1), num_channels=(8, 16)),
    stage3=dict(num_modules=1, num_branches=3, block='BASIC', num_blocks=(1, 1, 1), num_channels=(8, 16, 32)),
    stage4=dict(num_modules=1, num_branches=4, block='BASIC', num_blocks=(1, 1, 1, 1), num_channels=(8, 16, 32, 64)))


def shrink(model):
    """The family's network with few channels: same types and structure, small weights."""
    backbone, head = model['backbone'], model['head']
    backbone.pop('init_cfg', None)
    model.pop('init_cfg', None)
    if backbone['type'] == 'HRNet':
        backbone['extra'] = copy.deepcopy(HRNET_EXTRA)
        features = 8
    else:
        backbone.update(stem_channels=8, base_channels=4)
        if backbone['type'] == 'ResNeXt':
            backbone.update(groups=2, width_per_group=2)
        features = 4 * 8 * 4  # ResNet-50's last stage: base × 8 × expansion 4
    inner = head.get('pose_cfg', head)
    inner['in_channels'] = features
    if inner['type'] == 'SimCCHead':
        # MMPose's variant without deconvolutions (as its MobileNetV2 and MPII configs): the
        # flattened 48×64 map of the deconvolution variant makes 11 MB of linear weights
        inner['deconv_out_channels'] = None
    elif inner['type'] in ('HeatmapHead', 'DSNTHead', 'IntegralRegressionHead') and \
            inner.get('deconv_out_channels', (256, 256, 256)):
        count = len(inner.get('deconv_out_channels', (256, 256, 256)))
        inner['deconv_out_channels'] = (16, ) * count
        inner['deconv_kernel_sizes'] = inner.get('deconv_kernel_sizes', (4, ) * count)
    return model


def randomize(model, seed):
    """Random BatchNorm statistics and affine parameters, drawn from `seed`."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, torch.nn.modules.batchnorm._BatchNorm):
                n = m.num_features
                m.running_mean.copy_(torch.randn(n, generator=g) * 0.1)
                m.running_var.copy_(torch.rand(n, generator=g) * 1.5 + 0.5)
                if m.affine:
                    m.weight.copy_(torch.rand(n, generator=g) + 0.5)
                    m.bias.copy_(torch.randn(n, generator=g) * 0.1)


def fnv1a32(text):
    """FNV-1a, 32 bits, of the UTF-8 bytes of `text`."""
    h = 2166136261
    for byte in text.encode('utf-8'):
        h = ((h ^ byte) * 16777619) & 0xFFFFFFFF
    return h


def formula_uniforms(key, count):
    """`count` numbers in [0, 1), multiples of 2^-24, from the state-dict key's name: element i is
    murmur3's fmix32 of (i × 0x9E3779B1 + FNV-1a(key)) mod 2^32, top 24 bits."""
    mask = np.uint64(0xFFFFFFFF)
    h = (np.arange(count, dtype=np.uint64) * np.uint64(0x9E3779B1) + np.uint64(fnv1a32(key))) & mask
    h ^= h >> np.uint64(16)
    h = (h * np.uint64(0x85EBCA6B)) & mask
    h ^= h >> np.uint64(13)
    h = (h * np.uint64(0xC2B2AE35)) & mask
    h ^= h >> np.uint64(16)
    return (h >> np.uint64(8)).astype(np.float32) * np.float32(2 ** -24)


def formula_tensor(key, shape, gain):
    """The float32 value of state-dict entry `key` (see the module docstring): every operation
    in float32, rounded once, in the written order."""
    numel = int(np.prod(shape, dtype=np.int64))
    u = formula_uniforms(key, numel)
    one, two = np.float32(1), np.float32(2)
    if key.endswith('running_mean'):
        value = (two * u - one) * np.float32(0.1)
    elif key.endswith('running_var'):
        value = np.float32(0.5) + np.float32(1.5) * u
    elif key.rsplit('.', 1)[-1] in ('gamma', 'beta'):
        value = u
    elif len(shape) == 1:
        if key.endswith('.bias'):
            value = (two * u - one) * np.float32(0.1)
        else:
            value = np.float32(0.5) + u
    else:
        fan_in = numel // shape[0]
        bound = np.float32(gain * math.sqrt(3.0 / fan_in))
        value = (two * u - one) * bound
    assert value.dtype == np.float32
    return value.reshape(shape)


def formula_state_dict(model, gain):
    """Sets every non-integer entry of the model's state dict to `formula_tensor`'s values and
    returns {key: the float64 sum of its float32 values (math.fsum: exact, then rounded once)}."""
    state = model.state_dict()
    checksums = {}
    for key, tensor in state.items():
        if not tensor.is_floating_point():
            continue  # num_batches_tracked
        assert tensor.dim() >= 1, key
        value = formula_tensor(key, tuple(tensor.shape), gain)
        checksums[key] = math.fsum(value.ravel().astype(np.float64).tolist())
        state[key] = torch.from_numpy(value.copy())
    model.load_state_dict(state)
    return checksums


def to_float64(module, args):
    """Forward pre-hook: the backbone's input in float64 (the model was cast with .double())."""
    return tuple(a.double() if torch.is_tensor(a) else a for a in args)


@HOOKS.register_module()
class CapturePredictions(Hook):
    """Keeps every instance's prediction (image pixels) before the metric's rescoring and NMS."""
    captured = []

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        for sample in outputs:
            p = sample.pred_instances
            for i in range(len(p.keypoints)):
                CapturePredictions.captured.append(dict(
                    id=int(sample.id), img_id=int(sample.img_id),
                    keypoints=p.keypoints[i].astype(float).tolist(),
                    keypoint_scores=p.keypoint_scores[i].astype(float).tolist()))


def fixture_config(source, data, codec_changes, full_size=False):
    cfg = Config.fromfile(os.path.join(CONFIGS, source))
    model = copy.deepcopy(cfg.model.to_dict())
    if full_size:
        # MMPose's network as it is; only the pretrained backbone's download goes
        model['backbone'].pop('init_cfg', None)
        model.pop('init_cfg', None)
    else:
        model = shrink(model)
    bottomup = model['type'] == 'BottomupPoseEstimator'
    codec = None
    if codec_changes:
        codec = dict(cfg.codec.to_dict(), **codec_changes)
        head = model['head'].get('pose_cfg', model['head'])
        # (bottom-up with restore_heatmap_size: the decoder's heatmaps are at the input size, as
        # MMPose's AE configs have it)
        head['decoder'] = dict(codec, heatmap_size=codec['input_size']) if bottomup else codec
    model['test_cfg']['flip_test'] = True
    dataset = copy.deepcopy(cfg.test_dataloader.dataset.to_dict())
    data_root = os.path.join(ROOT, data['root']) + '/'
    dataset.update(data_root=data_root, ann_file=data['ann'], data_prefix=dict(img=''))
    if bottomup and codec is not None:
        for step in dataset['pipeline']:
            if step['type'] == 'BottomupResize':
                step['input_size'] = codec['input_size']
    if 'bbox' in data and not bottomup:
        dataset['bbox_file'] = data_root + data['bbox']
    if 'headbox' in data:
        dataset['headbox_file'] = data_root + data['headbox']
    evaluator = copy.deepcopy(cfg.test_evaluator.to_dict())
    if 'ann_file' in evaluator:
        evaluator['ann_file'] = data_root + data['ann']
    loader = dict(batch_size=1 if bottomup else 4, num_workers=0, persistent_workers=False, drop_last=False,
                  sampler=dict(type='DefaultSampler', shuffle=False, round_up=False), dataset=dataset)
    return dict(default_scope='mmpose', model=model, test_dataloader=loader, test_evaluator=evaluator,
                val_dataloader=loader, val_evaluator=evaluator, test_cfg=dict())


def run(name, source, data, codec_changes, seed):
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    formula = name in FORMULA_FAMILIES
    cfg = Config(fixture_config(source, data, codec_changes, full_size=formula))
    torch.manual_seed(seed)
    from mmpose.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmpose')
    # (the RTMPose backbone's `_scope_='mmdet'` builds mmdet's CSPNeXt; its SyncBN layers are
    # the Runner's BatchNorm in this one non-distributed process: mmengine's
    # `revert_sync_batchnorm`, same eps and momentum)
    model = MODELS.build(cfg.model)
    work = tempfile.mkdtemp()
    if formula:
        checksums = formula_state_dict(model, FORMULA_GAIN)
        weights = os.path.join(work, 'weights.pth')  # not committed: the test recomputes them
        print(name, 'parameters', sum(p.numel() for p in model.parameters()))
    else:
        randomize(model, seed)
        weights = os.path.join(folder, 'weights.pth')
    torch.save(dict(meta=dict(mmpose_version=mmpose.__version__, seed=seed, family=name),
                    state_dict=model.state_dict()), weights)
    runner = Runner(model=cfg.model, work_dir=work, test_dataloader=cfg.test_dataloader,
                    test_evaluator=cfg.test_evaluator, test_cfg=dict(), load_from=weights,
                    default_scope='mmpose', custom_hooks=[dict(type='CapturePredictions')],
                    log_level='WARNING')
    CapturePredictions.captured = []
    metrics = runner.test()
    float32 = CapturePredictions.captured
    # the same test in float64: where MMPose's own float32 rounding moves a keypoint by more
    # than 0.1 px, that keypoint is ill-conditioned (a near tie, a near-0 DARK denominator) and
    # no float32 implementation can be held to MMPose's value there
    runner.model.double()
    runner.model.backbone.register_forward_pre_hook(to_float64)
    CapturePredictions.captured = []
    runner.test()
    float64 = {p['id']: p for p in CapturePredictions.captured}
    for p in float32:
        q = float64[p['id']]
        p['float64_offsets'] = [float(np.hypot(a[0] - b[0], a[1] - b[1])) for a, b in zip(p['keypoints'], q['keypoints'])]
    CapturePredictions.captured = float32
    shutil.rmtree(work, ignore_errors=True)
    # the config as committed: data paths relative to the config's own folder
    text = cfg.pretty_text.replace(os.path.join(ROOT, ''), '{{ fileDirname }}/../../')
    with open(os.path.join(folder, 'config.py'), 'w') as f:
        if formula:
            f.write(f'# MMPose 1.3.2 `{source}` at full size, without the pretrained backbone; made by '
                    f'tools/make_mmpose_parity_fixtures.py\n# weights: no .pth; every state-dict entry is the '
                    f'formula {FORMULA} of its key (gain {FORMULA_GAIN}), see expected.json and the script\n')
        else:
            f.write(f'# MMPose 1.3.2 `{source}` with a small network; made by tools/make_mmpose_parity_fixtures.py\n')
        f.write(text)
    expected = dict(source=source, seed=seed, mmpose=mmpose.__version__,
                    instances=sorted(CapturePredictions.captured, key=lambda p: p['id']),
                    metrics={k: float(v) for k, v in metrics.items()})
    if formula:
        expected['weights'] = dict(formula=FORMULA, gain=FORMULA_GAIN, checksums=checksums)
        offsets = np.array([o for p in float32 for o in p['float64_offsets']])
        print(name, len(float32), 'instances,', offsets.size, 'keypoints;', int((offsets > 0.01).sum()),
              'with float64 offsets > 0.01 px,', int((offsets > 0.1).sum()), '> 0.1 px; max', offsets.max())
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    print(name, {k: round(v, 6) for k, v in expected['metrics'].items()})


@HOOKS.register_module()
class CaptureBottomup(Hook):
    """Keeps each image's people as the metric receives them (image pixels, the decoder's order)."""
    captured = []

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        for sample in outputs:
            p, meta = sample.pred_instances, sample.metainfo
            CaptureBottomup.captured.append(dict(
                img_id=int(sample.img_id), img_path=os.path.basename(meta['img_path']),
                ori_shape=[int(v) for v in meta['ori_shape']], input_size=[int(v) for v in meta['input_size']],
                input_center=np.asarray(meta['input_center']).astype(float).tolist(),
                input_scale=np.asarray(meta['input_scale']).astype(float).tolist(),
                people=[dict(keypoints=np.asarray(p.keypoints[i]).astype(float).tolist(),
                             keypoint_scores=np.asarray(p.keypoint_scores[i]).astype(float).tolist(),
                             bbox_score=float(p.bbox_scores[i]))
                        for i in range(len(p.keypoints))]))


@contextlib.contextmanager
def decoder_inputs(store, decode=True):
    """Wraps the AE codec's `batch_decode` (all instances): keeps the flip-aggregated heatmaps and
    the concatenated tags the head passes it; with `decode=False` it decodes no one."""
    from mmpose.codecs import AssociativeEmbedding
    original = AssociativeEmbedding.batch_decode

    def batch_decode(self, batch_heatmaps, batch_tags):
        store.append((self, batch_heatmaps.detach().clone(), batch_tags.detach().clone()))
        if decode:
            return original(self, batch_heatmaps, batch_tags)
        B, K = batch_heatmaps.shape[:2]
        return ([np.zeros((0, K, 2), np.float32)] * B, [np.zeros((0, K), np.float32)] * B,
                [np.zeros(0, np.float32)] * B)

    AssociativeEmbedding.batch_decode = batch_decode
    try:
        yield
    finally:
        AssociativeEmbedding.batch_decode = original


def calibrate_ae(model, cfg, seed):
    """Rescales the AE head's final 1×1 conv (weights and bias, per channel) on the fixture's
    images. Heatmaps (a keypoint and its flip partner alike, so that the flip-aggregated maps stay
    an affine image of the drawn ones): each one's AE_PEAKS-th highest local maximum (the median
    over images and partners) lands on the decoder's keypoint threshold, with AE_SCORE_SPREAD per
    standard deviation. Where that leaves a candidate (a local maximum above the threshold) tied
    with another of its heatmap, as a maximum on the border always is (the bilinear resize to the
    input size repeats the outer rows and columns), or within AE_VALUE_MARGIN of the threshold, or
    more than decode_topk candidates, the pair's two weight rows are drawn again (normal, from a
    generator seeded with `seed` + 1) and calibrated again: the decoder's candidates never depend on
    how torch.topk orders ties. Tags: every channel gets mean 0 over the images and their flips,
    and one common factor makes the median distance between two candidates' tags in an image
    AE_TAG_DISTANCE. Returns how many pairs were drawn again."""
    from mmengine.dataset import pseudo_collate
    from mmpose.codecs.utils import batch_heatmap_nms
    from mmpose.registry import DATASETS
    from scipy.spatial.distance import pdist
    head, conv = model.head, model.head.final_layer
    K, codec = head.num_keypoints, head.decoder
    thr, size = codec.decode_keypoint_thr, codec.decode_nms_kernel
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    flip = dataset.metainfo['flip_indices']
    generator = torch.Generator().manual_seed(seed + 1)  # (`randomize` draws from `seed`)
    model.eval()

    with torch.no_grad():
        features = []  # per image: the data samples and the backbone's features of it and its flip
        for i in range(len(dataset)):
            data = model.data_preprocessor(pseudo_collate([dataset[i]]), False)
            features.append((data['data_samples'], [model.extract_feat(data['inputs']),
                                                    model.extract_feat(data['inputs'].flip(-1))]))

        def decoder_inputs_now():
            store = []
            with decoder_inputs(store, decode=False):
                for samples, feats in features:
                    head.predict(feats, samples, test_cfg=model.test_cfg)
            return store

        def local_maxima(heatmap):
            """A heatmap's local maxima as the decoder's NMS keeps them, highest first."""
            maximum = torch.nn.functional.max_pool2d(heatmap[None, None], size, stride=1, padding=(size - 1) // 2)[0, 0]
            return heatmap[heatmap == maximum].sort(descending=True).values

        def fit(pair):
            """Scales the pair's heatmap rows (biases 0) so that AE_PEAKS peaks pass; True if the
            candidates are then clear (distinct, off the threshold, at most decode_topk)."""
            conv.bias[pair] = 0
            store = decoder_inputs_now()
            heat = torch.cat([h[0, pair].flatten() for _, h, _ in store]).double()
            scale = AE_SCORE_SPREAD / heat.std().item()
            level = float(np.median([local_maxima(h[0, k])[AE_PEAKS - 1].item() for _, h, _ in store for k in pair]))
            conv.weight[pair] *= scale
            conv.bias[pair] = thr - scale * level
            for _, h, _ in decoder_inputs_now():
                for k in pair:
                    peaks = local_maxima(h[0, k])
                    candidates = peaks[peaks > thr]
                    if len(candidates) > codec.decode_topk or len(candidates.unique()) < len(candidates) or \
                            (peaks - thr).abs().min().item() < AE_VALUE_MARGIN:
                        return False
            return True

        redrawn = 0
        for pair in sorted({tuple(sorted({k, flip[k]})) for k in range(K)}):
            pair = list(pair)
            while not fit(pair):
                conv.weight[pair] = torch.randn(conv.weight[pair].shape, generator=generator)
                redrawn += 1
                assert redrawn < 1000, 'no clear heatmaps'
        for k in range(K):
            # conv channel K + k: the concatenated tags' channel k (the image's tag k) and channel
            # K + flip[k] (the flipped image's tag k, flipped back)
            tags = torch.cat([t[0, [k, K + flip[k]]].flatten() for _, _, t in decoder_inputs_now()]).double()
            scale = 1 / tags.std().item()
            conv.weight[K + k] *= scale
            conv.bias[K + k] = -scale * tags.mean().item()
        distances = []
        for _, h, t in decoder_inputs_now():
            vals, tags, _ = codec._get_batch_topk(batch_heatmap_nms(h, size), t, k=codec.decode_topk)
            distances.append(pdist(tags[0][vals[0] > thr].double().numpy()))
        scale = AE_TAG_DISTANCE / float(np.median(np.concatenate(distances)))
        conv.weight[K:] *= scale
        conv.bias[K:] *= scale
    return redrawn


def tensor_checksums(x):
    """Shape, float64 sum and per-channel float64 sums of one image's (1, C, H, W) tensor."""
    x = x[0].double()
    return dict(shape=list(x.shape), sum=float(x.sum()), channel_sums=x.sum(dim=(1, 2)).tolist())


def ae_grouping(codec, heatmaps, tags):
    """MMPose's decoding of one image, retraced (`_group_keypoints_by_tags` and
    `_fill_missing_keypoints` step by step, checked against them): candidates above the threshold
    per keypoint, how many join a group through Munkres and how many start one, how many keypoints
    the search for missing ones fills, and the margins of the decisions (how close a candidate's
    value is to the threshold, a matched tag distance to decode_tag_thr, any grouping tag distance
    to a rounding boundary k + 0.5; a filled keypoint's best cost to its second, a tag distance to
    a rounding boundary where the other rounding would change the winner): decisions a float32
    reimplementation could flip."""
    from mmpose.codecs.associative_embedding import _group_keypoints_by_tags, _py_max_match
    from scipy.optimize import linear_sum_assignment
    from mmpose.codecs.utils import batch_heatmap_nms
    from mmpose.utils.tensor_utils import to_numpy
    peaks = batch_heatmap_nms(heatmaps, codec.decode_nms_kernel)
    vals, tag_k, loc_k = (a[0] for a in to_numpy(codec._get_batch_topk(peaks, tags, k=codec.decode_topk)))
    K = vals.shape[0]
    thr, tag_thr = codec.decode_keypoint_thr, codec.decode_tag_thr
    default_ = np.zeros((K, 3 + tag_k.shape[2]), dtype=np.float32)
    joint_dict, tag_dict = {}, {}
    matched = new_groups = other_optimum = munkres_calls = 0
    tag_thr_margin = round_margin = math.inf
    for i, idx in enumerate(codec.decode_keypoint_order):
        t = tag_k[idx]
        joints = np.concatenate((loc_k[idx], vals[idx, :, None], t), 1)
        mask = joints[:, 2] > thr
        t, joints = t[mask], joints[mask]
        if joints.shape[0] == 0:
            continue
        if i == 0 or len(joint_dict) == 0:
            for tag, joint in zip(t, joints):
                joint_dict.setdefault(tag[0], np.copy(default_))[idx] = joint
                tag_dict[tag[0]] = [tag]
                new_groups += 1
            continue
        keys = list(joint_dict.keys())
        grouped = [np.mean(tag_dict[k], axis=0) for k in keys]
        diff = joints[:, None, 3:] - np.array(grouped)[None, :, :]
        dist = np.linalg.norm(diff, ord=2, axis=2)
        round_margin = min(round_margin, float(np.abs(dist - np.floor(dist) - 0.5).min()))
        cost = np.round(dist) * 100 - joints[:, 2:3]
        added, grouped_count = diff.shape[0], diff.shape[1]
        if added > grouped_count:
            cost = np.concatenate((cost, np.zeros((added, added - grouped_count), dtype=np.float32) + 1e10), axis=1)
        # a second optimal assignment (ties in the total cost) would let another Munkres differ
        # (which extra candidate takes which of the 1e10 padding columns aside); munkres works on
        # the rows of a numpy matrix in place (`row[:]` is a view), so scipy sees a copy
        rows, cols = linear_sum_assignment(cost.copy())
        pairs = _py_max_match(cost)
        other_optimum += int(sorted((r, c) for r, c in pairs.tolist() if c < diff.shape[1]) !=
                             sorted((r, c) for r, c in zip(rows.tolist(), cols.tolist()) if c < diff.shape[1]))
        munkres_calls += 1
        for row, col in pairs:
            if row < added and col < grouped_count:
                tag_thr_margin = min(tag_thr_margin, abs(float(dist[row][col]) - tag_thr))
            if row < added and col < grouped_count and dist[row][col] < tag_thr:
                joint_dict[keys[col]][idx] = joints[row]
                tag_dict[keys[col]].append(t[row])
                matched += 1
            else:
                joint_dict.setdefault(t[row][0], np.copy(default_))[idx] = joints[row]
                tag_dict[t[row][0]] = [t[row]]
                new_groups += 1
    groups = np.array([joint_dict[k] for k in joint_dict]).astype(np.float32)[..., :3] if joint_dict else \
        np.empty((0, K, 3), np.float32)
    reference = _group_keypoints_by_tags(vals, tag_k, loc_k, keypoint_order=codec.decode_keypoint_order,
                                         val_thr=thr, tag_thr=tag_thr, max_groups=None)
    assert np.array_equal(groups, reference), 'the retraced grouping differs from MMPose\'s'
    # the missing keypoints' search (`_fill_missing_keypoints`), retraced on the first
    # decode_max_instances groups: for each keypoint it fills, the gap between the best cost and
    # the next different one (exact ties, as the bilinear resize makes at the borders, go to the
    # first pixel in row-major order, as np.argmin), and how close a tag distance is to a rounding
    # boundary where the other rounding would change the winner
    from mmpose.codecs.utils import refine_keypoints
    groups = groups[:codec.decode_max_instances]
    heatmaps_np, tags_np = to_numpy(heatmaps)[0], to_numpy(tags)[0]
    keypoints, scores = groups[..., :-1], groups[..., -1]
    keypoints = refine_keypoints(keypoints, heatmaps_np)
    keypoints += codec.decode_center_shift * (scores > 0).astype(keypoints.dtype)[..., None]
    H, W = heatmaps_np.shape[1:]
    keypoint_tags = [tags_np[k::K] for k in range(K)]
    people = []
    for n in range(len(groups)):
        person = dict(grouped=(scores[n] > 0).tolist(), fill_cost_gaps=[None] * K, fill_round_margins=[None] * K,
                      fill_ties=[None] * K)
        _tag = []
        for k in range(K):
            if scores[n, k] > 0:
                x, y = keypoints[n, k, :2].astype(np.int64)
                _tag.append(keypoint_tags[k][:, np.clip(y, 0, H - 1), np.clip(x, 0, W - 1)])
        tag = np.mean(_tag, axis=0).reshape(-1, 1, 1)
        for k in range(K):
            if scores[n, k] > 0:
                continue
            dist = np.linalg.norm(keypoint_tags[k] - tag, ord=2, axis=0)
            cost = (np.round(dist) * 100 - heatmaps_np[k]).ravel()
            best_at = int(np.argmin(cost))
            best = cost[best_at]
            person['fill_ties'][k] = int((cost == best).sum()) - 1
            person['fill_cost_gaps'][k] = float(cost[cost > best].min() - best)
            d = dist.ravel().astype(np.float64)
            boundary = np.floor(d) + 0.5
            other = np.where(d >= boundary, np.floor(d), np.floor(d) + 1) * 100 - heatmaps_np[k].ravel()
            risky = other <= best
            risky[cost == best] = other[cost == best] >= best + person['fill_cost_gaps'][k]
            if risky.any():
                person['fill_round_margins'][k] = float(np.abs(d - boundary)[risky].min())
            y, x = np.unravel_index(best_at, (H, W))
            keypoints[n, k] = [x, y]
            scores[n, k] = heatmaps_np[k, y, x]
        people.append(person)
    decoded, decoded_scores, _ = codec.batch_decode(heatmaps, tags)
    assert np.array_equal(keypoints * codec.scale_factor, decoded[0]) and np.array_equal(scores, decoded_scores[0]), \
        'the retraced missing keypoints differ from MMPose\'s'
    gaps = [g for p in people for g in p['fill_cost_gaps'] if g is not None]
    margins = [g for p in people for g in p['fill_round_margins'] if g is not None]
    figures = dict(candidates=[int((vals[k] > thr).sum()) for k in range(K)], munkres_calls=munkres_calls,
                   munkres_other_optimum=other_optimum, munkres_matches=matched,
                   new_groups=new_groups, groups=len(reference),
                   filled=len(gaps), filled_with_ties=sum(1 for p in people for t in p['fill_ties'] if t),
                   value_margin=float(np.abs(vals.astype(np.float64) - thr).min()),
                   tag_thr_margin=tag_thr_margin, round_margin=round_margin,
                   fill_cost_gap=min(gaps, default=None), fill_round_margin=min(margins, default=None))
    return figures, people


def run_bottomup(name, source, data, codec_changes, seed):
    """A bottom-up family: the shrunk network with seeded weights and `calibrate_ae`'s final conv,
    MMPose's test loop on whole images (one per batch), each image's people in the decoder's order
    as the metric receives them, the decoder's inputs' checksums and grouping figures, and the
    metric's figures."""
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    import munkres
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    cfg = Config(fixture_config(source, data, codec_changes))
    torch.manual_seed(seed)
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    randomize(model, seed)
    redrawn = calibrate_ae(model, cfg, seed)
    weights = os.path.join(folder, 'weights.pth')
    torch.save(dict(meta=dict(mmpose_version=mmpose.__version__, seed=seed, family=name),
                    state_dict=model.state_dict()), weights)
    work = tempfile.mkdtemp()
    runner = Runner(model=cfg.model, work_dir=work, test_dataloader=cfg.test_dataloader,
                    test_evaluator=cfg.test_evaluator, test_cfg=dict(), load_from=weights,
                    default_scope='mmpose', custom_hooks=[dict(type='CaptureBottomup')],
                    log_level='WARNING')
    CaptureBottomup.captured, inputs = [], []
    with decoder_inputs(inputs):
        metrics = runner.test()
    images = CaptureBottomup.captured
    assert len(images) == len(inputs)
    for image, (codec, heatmaps, tags) in zip(images, inputs):
        image['decoder_inputs'] = dict(heatmaps=tensor_checksums(heatmaps), tags=tensor_checksums(tags))
        image['grouping'], people = ae_grouping(codec, heatmaps, tags)
        assert len(people) == len(image['people'])
        for person, figures in zip(image['people'], people):
            person.update(figures)
    # the same test in float64: where the people or their keypoints move, MMPose's own float32
    # rounding decided it (see `float64_people` and each person's `float64_offsets`)
    runner.model.double()
    runner.model.backbone.register_forward_pre_hook(to_float64)
    CaptureBottomup.captured = []
    runner.test()
    for image, other in zip(images, CaptureBottomup.captured):
        image['float64_people'] = len(other['people'])
        if len(other['people']) == len(image['people']):
            for p, q in zip(image['people'], other['people']):
                p['float64_offsets'] = [float(np.hypot(a[0] - b[0], a[1] - b[1]))
                                        for a, b in zip(p['keypoints'], q['keypoints'])]
    shutil.rmtree(work, ignore_errors=True)
    text = cfg.pretty_text.replace(os.path.join(ROOT, ''), '{{ fileDirname }}/../../')
    with open(os.path.join(folder, 'config.py'), 'w') as f:
        f.write(f'# MMPose 1.3.2 `{source}` with a small network and a 256 × 256 codec; made by '
                f'tools/make_mmpose_parity_fixtures.py\n')
        f.write(text)
    expected = dict(source=source, seed=seed, mmpose=mmpose.__version__, munkres=munkres.__version__,
                    calibration=dict(peaks=AE_PEAKS, score_spread=AE_SCORE_SPREAD, value_margin=AE_VALUE_MARGIN,
                                     tag_distance=AE_TAG_DISTANCE, heatmap_pairs_redrawn=redrawn),
                    images=images, metrics={k: float(v) for k, v in metrics.items()})
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    for image in images:
        g = image['grouping']
        print(name, image['img_path'], image['input_size'], len(image['people']), 'people (float64:',
              image['float64_people'], ')', 'candidates', sum(g['candidates']), 'Munkres', g['munkres_calls'],
              '(scipy differs %d)' % g['munkres_other_optimum'], 'matches', g['munkres_matches'],
              'new groups', g['new_groups'], 'filled', g['filled'], '(tied %d)' % g['filled_with_ties'],
              'margins value %.2g tag_thr %.2g round %.2g fill gap %.2g fill round %.2g' % (
                  g['value_margin'], g['tag_thr_margin'], g['round_margin'], g['fill_cost_gap'],
                  g['fill_round_margin']))
    print(name, {k: round(v, 6) for k, v in expected['metrics'].items()})


def precision_fixture(name):
    """One instance's network input and MMPose's heatmaps for it in float32 and in float64
    (stored as float32), for the float32 error of the family's network."""
    from safetensors.torch import save_file
    from mmengine.dataset import pseudo_collate
    from mmengine.registry import init_default_scope
    from mmengine.runner.checkpoint import load_checkpoint
    from mmpose.registry import DATASETS, MODELS
    folder = os.path.join(OUT, name)
    init_default_scope('mmpose')
    cfg = Config.fromfile(os.path.join(folder, 'config.py'))
    model = MODELS.build(cfg.model)
    load_checkpoint(model, os.path.join(folder, 'weights.pth'), logger='silent')
    model.eval()
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    data = model.data_preprocessor(pseudo_collate([dataset[0]]), False)
    inputs = data['inputs']
    with torch.no_grad():
        single = model.head.forward(model.extract_feat(inputs))
        model.double()
        double = model.head.forward(model.extract_feat(inputs.double()))
    save_file(dict(input=inputs.float().contiguous(), float32=single.float().contiguous(),
                   float64=double.float().contiguous()), os.path.join(folder, 'heatmaps.safetensors'))
    error = ((single.double() - double).pow(2).mean() / double.pow(2).mean()).sqrt().item()
    print(name, 'float32 heatmaps vs float64: relative RMS', error)


def warp_fixture():
    """cv2.warpAffine's 8-bit output for transforms of one sample image (scaled up and down,
    rotated, half and wholly outside, flipped), and MMPose's warp matrices for real boxes."""
    import base64
    import cv2
    from mmpose.structures.bbox import get_udp_warp_matrix, get_warp_matrix
    image = cv2.imread(os.path.join(ROOT, 'coco', '000000000785.jpg'))[100:140, 250:300]  # 50 × 40 BGR
    rng = np.random.default_rng(11)
    cases = []
    for angle, scale, shift in [(0, 1, (0, 0)), (0, 0.37, (3.3, -2.1)), (17.5, 1.9, (-10, 4)), (-63, 2.7, (20, 18)),
                                (90, 1, (-40, 0)), (0, 1, (400, 0)), (180, 0.8, (30.5, 25.25))]:
        m = cv2.getRotationMatrix2D((25.0, 20.0), angle, scale)
        m[:, 2] += shift
        m += rng.normal(0, 1e-3, m.shape)  # off the exact grid
        out = cv2.warpAffine(image, m, (24, 32), flags=cv2.INTER_LINEAR)
        cases.append(dict(matrix=m.ravel().tolist(), width=24, height=32,
                          rgb=base64.b64encode(out[..., ::-1].tobytes()).decode()))
    boxes = []
    for center, scale, rot in [((351.3, 210.7), (280.1, 373.46), 0), ((120.25, 66.5), (48.75, 65.0), 0),
                               ((400.0, 300.0), (150.0, 200.0), 30), ((10.5, 500.125), (800.0, 1066.0), -45)]:
        c, s = np.array(center, np.float32), np.array(scale, np.float32)
        boxes.append(dict(center=c.astype(float).tolist(), scale=s.astype(float).tolist(), rotation=rot,
                          matrix=get_warp_matrix(c, s, rot, (192, 256)).ravel().tolist(),
                          udp_matrix=get_udp_warp_matrix(c, s, rot, (192, 256)).astype(float).ravel().tolist()))
    os.makedirs(os.path.join(OUT, 'warp'), exist_ok=True)
    with open(os.path.join(OUT, 'warp', 'expected.json'), 'w') as f:
        json.dump(dict(opencv=cv2.__version__, image=base64.b64encode(image[..., ::-1].tobytes()).decode(),
                       image_width=50, image_height=40, warps=cases, matrices=boxes), f)
    print('warp', cv2.__version__, len(cases), 'warps', len(boxes), 'matrices')


def metric_fixture(name, ann, metainfo, **metric_args):
    """CocoMetric on ground truth moved by seeded noise: two copies of each person, every score 1
    (ties), boxes in the results (xtcocotools' areas), MMPose's NMS areas from the box scales."""
    from mmpose.evaluation import CocoMetric
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    gt = json.load(open(ann))
    meta = parse_pose_metainfo(dict(from_file=os.path.join(os.path.dirname(mmpose.__file__), '.mim', 'configs',
                                                           '_base_', 'datasets', metainfo)))
    rng = np.random.default_rng(7)
    samples = []
    for a in gt['annotations']:
        if a['num_keypoints'] == 0:
            continue
        kp = np.array(a['keypoints'], dtype=np.float32).reshape(-1, 3)
        x, y, w, h = a['bbox']
        for copy_index in range(2):  # a near-duplicate of each person, for NMS and the matching
            moved = kp[:, :2] + rng.normal(0, 2 + 6 * copy_index, kp[:, :2].shape).astype(np.float32)
            samples.append(dict(
                id=a['id'] * 10 + copy_index, img_id=a['image_id'], category_id=1, ori_shape=(0, 0),
                pred_instances=dict(keypoints=moved[None], keypoint_scores=np.ones((1, len(kp)), np.float32),
                                    bboxes=np.array([[x, y, x + w, y + h]], np.float32),
                                    bbox_scores=np.ones(1, np.float32)),
                gt_instances=dict(bbox_scales=np.array([[w * 1.25, h * 1.25]], np.float32))))
    metric = CocoMetric(ann_file=ann, **metric_args)
    metric.dataset_meta = meta
    metric.process([], samples)
    figures = metric.evaluate(len(samples))
    predictions = [dict(id=s['id'], img_id=s['img_id'], keypoints=s['pred_instances']['keypoints'][0].astype(float).tolist(),
                        bbox=s['pred_instances']['bboxes'][0].astype(float).tolist(),
                        area=float(np.prod(s['gt_instances']['bbox_scales'][0])))
                   for s in samples]
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(dict(predictions=predictions, metrics={k: float(v) for k, v in figures.items()}), f)
    print(name, figures)


def metric_fixtures():
    metric_fixture('metric_ties', os.path.join(ROOT, 'coco', 'test_coco.json'), 'coco.py')
    # CrowdPose's two sample images are both 'medium' (crowdIndex 0.33, 0.39): a copy whose
    # indices are 0.1 and 0.9 makes the easy and hard splits non-empty
    gt = json.load(open(os.path.join(ROOT, 'crowdpose', 'test_crowdpose.json')))
    for image, index in zip(gt['images'], [0.1, 0.9]):
        image['crowdIndex'] = index
    os.makedirs(os.path.join(OUT, 'metric_crowd'), exist_ok=True)
    split = os.path.join(OUT, 'metric_crowd', 'crowdpose_split.json')
    with open(split, 'w') as f:
        json.dump(gt, f)
    metric_fixture('metric_crowd', split, 'crowdpose.py', use_area=False, iou_type='keypoints_crowd',
                   prefix='crowdpose')


if __name__ == '__main__':
    names = sys.argv[1:] or list(FAMILIES)
    for i, name in enumerate(FAMILIES):
        if name in names:
            (run_bottomup if name in BOTTOMUP_FAMILIES else run)(name, *FAMILIES[name], seed=1000 + i)
    for name in PRECISION_FAMILIES:
        if name in names:
            precision_fixture(name)
    if not sys.argv[1:] or 'metrics' in names:
        metric_fixtures()
    if not sys.argv[1:] or 'warp' in names:
        warp_fixture()
