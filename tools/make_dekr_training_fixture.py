"""Writes Tests/Fixtures/dekr_training/dekr_step.safetensors: one training step of MMPose 1.3.2's
DEKR (BottomupPoseEstimator + HRNet + FeatureMapProcessor + DEKRHead, SPR targets) on a seeded batch.

The network is the `dekr` parity family's: built from Tests/Fixtures/mmpose_parity/dekr/config.py by
MMPose's registry, its weights loaded (strict) from the weights.pth beside it (the Swift test loads
the same two files; the state is not repeated here), then `model.train()`: every BatchNorm
(momentum 0.1, eps 1e-5, asserted) normalises with the batch's statistics and updates its running
ones (running_var with the unbiased batch variance). mmcv-lite has no compiled ops: the head's
`DeformConv2d` runs as tools/make_mmpose_parity_fixtures.py's PyTorch port of mmcv's CPU kernel
(`mmcv_deform_conv2d`: deformable_im2col, one addmm per group; autograd's gradients are mmcv's
backward formulas'), imported from that script, whose `deform_conv_self_check` this script asserts
first (as `run_dekr` does, with the groups = deform_groups = 3 case).

Batch: two inputs 3 x 64 x 64, seeded standard normal (already-normalised network inputs; the data
preprocessor is not run). Targets: MMPose's own SPR codec (`KEYPOINT_CODECS.build`, the config's
codec with input_size (64, 64), heatmap_size (16, 16), sigma (2, 1) (root, keypoints; the
displacement window's radius is the root's, 2) and minimal_diagonal_length 32 ** 0.5 / 4 = 2 ** 0.5
heatmap pixels (MMPose's 32 ** 0.5 at 128 x 128 heatmaps, scaled from the parity fixture's 64 x 64
to 16 x 16); generate_keypoint_heatmaps, root_type 'kpt_center', background_weight 0.1), encoding
made-up people: COCO's 17 keypoints, DEKR_TEMPLATE of the parity script scaled and moved plus
seeded noise, in input pixels, rounded to multiples of 1/16 (so that SPR's float32 arithmetic is
exact but for the root's mean and the diagonal's square root). Sample 0 has 2 people, sample 1 has
3, some keypoints invisible (the first of each person's at (0, 0), as COCO writes them), with
these edge cases of SPR.encode (the script asserts each on the codec's output):
  - sample 0, person 1's left wrist is visible left of the image at x = -5.625 input px
    (-1.40625 heatmap px): its Gaussian's centre is int(-1.40625 + 0.5) = 0 (truncation toward
    zero, not floor's -1), it has no displacement (x < 0), but counts in the root and the
    diagonal; its right ankle is visible below the image (y >= H: Gaussian clipped, no
    displacement);
  - sample 0, overlapping displacement windows (int(root - 2) <= x < int(root + 2), clipped),
    the smaller person (0, diagonal 7.40) first: SPR writes keypoint k's displacement at a pixel
    unless it is already non-zero there AND the new person's diagonal > `instance_size_map` at the
    pixel, a map per pixel SHARED by all keypoints and set by every write. So person 0 keeps the
    shared pixels for keypoints 0-10; its keypoint 11 sits exactly on a heatmap pixel, a (0, 0)
    displacement that SPR reads as empty, so person 1 overwrites it there, which sets the map to
    person 1's diagonal at that pixel, so person 1 takes keypoint 12 there too; person 0's
    keypoint 13 is invisible, so person 1 writes its whole window for 13 and with it the map, and
    then takes every shared pixel of keypoint 14 (15 is person 0's other invisible one, 16 is
    person 1's ankle below the image);
  - sample 1, the larger person first, then a smaller overlapping one, which takes every shared
    (keypoint, pixel); a third person whose diagonal (1.02) is below minimal_diagonal_length: no
    root heatmap, no displacements, but its keypoints' Gaussians are drawn.
Each sample also gets a heatmap_mask (16 x 16, ones with a seeded rectangle of zeros). The samples'
`gt_fields` are a PixelData (as PackPoseInputs makes it: the 2-D mask becomes 1 x 16 x 16) with
heatmaps, heatmap_weights, displacements, displacement_weights and heatmap_mask, which
DEKRHead.loss stacks.

NB: in MMPose's own DEKR training pipeline (GenerateTarget(SPR) -> BottomupGetHeatmapMask ->
PackPoseInputs) the heatmap_mask never reaches the head: GenerateTarget stores SPR's
`field_mapping_table` (heatmaps, heatmap_weights, displacements, displacement_weights) in the
results and PackPoseInputs packs only that table's keys, so DEKRHead.loss finds no 'heatmap_mask'
and KeypointMSELoss runs with mask=None. The script checks this on the real transforms (metadata
`pipeline_packs_heatmap_mask`: false) and records the heatmap loss without the mask too.

Loss: `model.loss(inputs, samples)` = BottomupPoseEstimator.loss -> DEKRHead.loss, the dict
{'loss/heatmap', 'loss/displacement'} (mmengine's parse_losses sums every key containing 'loss':
the total backpropagated here is their sum). B = 2, K = 17, H = W = 16, all in float32:
  loss/heatmap = KeypointMSELoss(use_target_weight=True, skip_empty_channel=False, loss_weight=1):
      P, T, Wh: predicted heatmaps, `heatmaps`, `heatmap_weights`, all B x (K+1) x H x W (the K
      keypoint channels, then the root); M: `heatmap_mask`, B x 1 x H x W (broadcast over channels).
      mask = M * Wh;  loss = mean((P - T)^2 * mask) over all B(K+1)HW elements, times 1.0,
      i.e. sum((P - T)^2 * M * Wh) / (B (K+1) H W): the divisor counts every element, masked or
      not, never the weights' sum. Wh = 1 where T > 0, 0.1 elsewhere (SPR's background_weight).
      With mask=None (MMPose's pipeline) mask = Wh.
  loss/displacement = SoftWeightSmoothL1Loss(use_target_weight=True, supervise_empty=False,
      beta=1/9, loss_weight=0.002):
      d = P_d - T_d (B x 2K x H x W; channel 2k is keypoint k's x, 2k + 1 its y, heatmap pixels);
      s(d) = d * d / float32(2/9) if |d| < float32(1/9) else |d| - float32(1/18)
             (the Python constants rounded to float32, a true float32 division; |d| = 1/9 takes
             the linear branch);
      Wd = `displacement_weights` (1 / the diagonal of the pixel's person, heatmap pixels, for
      both channels of a keypoint; 0 where no person's displacement is written);
      loss = float32(0.002) * sum(s(d) * Wd) / max(n, 1),  n = the number of ELEMENTS of Wd that
      are > 0 (x and y channels counted separately, over the whole batch), not the weights' sum.
      d s / d d = d / beta if |d| < beta else sign(d); elements with Wd = 0 get no gradient.
The script recomputes both from the recorded tensors in float64 and asserts the agreement. The
train-mode network's displacements are large (|d| ~ 37 px median, the calibration was done in
eval mode), so the step's smooth L1 sits almost only in its linear branch: `smoothl1.*` adds the
head's own SoftWeightSmoothL1Loss on a small case covering both branches.

It records (all float32):
  input                      B x 3 x 64 x 64
  keypoints.<b>, keypoints_visible.<b>   per sample, N_b x 17 x 2 (input pixels) and N_b x 17 (0/1)
  heatmaps, heatmap_weights  B x 18 x 16 x 16   (SPR.encode per sample, stacked)
  displacements, displacement_weights   B x 34 x 16 x 16
  heatmap_mask               B x 1 x 16 x 16
  out.heatmaps, out.displacements   the head's raw training outputs (the loss's own forward)
  loss.heatmap, loss.displacement   model.loss's values (shape [1])
  loss_without_mask.heatmap  KeypointMSELoss on the same outputs with mask=None (MMPose's pipeline)
  grad.<key>                 d(loss/heatmap + loss/displacement)/d parameter, for every parameter
                             that gets one: all but head.rescore_net.* (6 tensors), used only in
                             predict, whose grads stay None (metadata `no_grad`)
  after.<key>                every BatchNorm's running_mean / running_var after the step
  smoothl1.{output,target,weight,loss,grad}   the smooth L1 probe (2 x 6 x 4 x 4, grad = d loss /
                             d output)
and one metadata entry `fixture` (JSON: codec, seeds, formulas, no_grad, pipeline_packs_heatmap_mask,
the edge cases' figures; one entry because safetensors writes a map's entries in hash order).

Run from the repository root in the MMPose 1.3.2 venv (`bash tools/mmpose_venv.sh` makes one):
    /path/to/venv/bin/python tools/make_dekr_training_fixture.py
"""
import json
import os
import sys
import warnings

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_mmpose_parity_fixtures as parity  # noqa: E402  (the DeformConv2d port, DEKR_TEMPLATE)

from mmengine.config import Config  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.structures import PixelData  # noqa: E402
from safetensors.torch import save_file  # noqa: E402

from mmpose.registry import KEYPOINT_CODECS, MODELS, TRANSFORMS  # noqa: E402
from mmpose.structures import PoseDataSample  # noqa: E402

FOLDER = 'Tests/Fixtures/mmpose_parity/dekr'
OUT = 'Tests/Fixtures/dekr_training/dekr_step.safetensors'
INPUT_SEED, PEOPLE_SEED = 5, 11
CODEC = dict(type='SPR', input_size=(64, 64), heatmap_size=(16, 16), sigma=(2, 1),
             minimal_diagonal_length=32 ** 0.5 / 4, generate_keypoint_heatmaps=True, decode_max_instances=30)
QUANTUM = 1 / 16  # keypoints in input pixels are multiples of this
# per sample and person: (x, y, height) of the template in heatmap pixels, and the invisible
# keypoints (the first one at (0, 0), as COCO writes unlabelled keypoints)
PEOPLE = [[(6.3, 8.2, 7.0, (13, 15)), (8.4, 7.4, 11.0, (3, 5))],
          [(9.5, 8.6, 12.0, (1, 8, 10, 14)), (11.2, 9.9, 8.0, (0, 6)), (3.2, 3.1, 1.0, (7,))]]


def make_people(rng):
    """Seeded people (input pixels, multiples of QUANTUM) with the edge cases of the docstring."""
    scale = 64 / 16
    samples = []
    for b, people in enumerate(PEOPLE):
        keypoints = np.zeros((len(people), 17, 2), np.float32)
        visible = np.ones((len(people), 17), np.float32)
        for n, (x, y, height, hidden) in enumerate(people):
            template = np.array(parity.DEKR_TEMPLATE) * height + (x, y)
            points = (template + rng.normal(0, 0.03 * height, template.shape)) * scale
            keypoints[n] = np.round(points / QUANTUM) * QUANTUM
            visible[n, list(hidden)] = 0
            keypoints[n, hidden[0]] = 0
        samples.append([keypoints, visible])
    # sample 0: the larger person's left wrist left of the image (truncation, not floor), its
    # right ankle below it
    k0, v0 = samples[0]
    k0[1, 9] = (-5.625, k0[1, 9, 1])
    k0[1, 16] = (k0[1, 16, 0], 65.25)
    v0[:, (9, 11, 16)] = 1
    # sample 0: the smaller person's left hip (11) exactly on a heatmap pixel inside both people's
    # displacement windows (SPR's: int(root - 2) <= x < int(root + 2), radius sigma[0] = 2)
    for _ in range(3):
        r0, r1 = (k0[n][v0[n] > 0].mean(axis=0) / scale for n in (0, 1))
        low = np.maximum(np.trunc(r0 - 2), np.trunc(r1 - 2))
        high = np.minimum(np.trunc(r0 + 2), np.trunc(r1 + 2)) - 1
        assert (low <= high).all(), (r0, r1)
        k0[0, 11] = np.clip(np.round(r0), low, high) * scale
    return samples


def encode(codec, keypoints, visible):
    return {k: np.asarray(v, np.float32) for k, v in codec.encode(keypoints, visible).items()}


def check_edge_cases(samples, encoded, codec):
    """Asserts the edge cases of the docstring on the codec's output and returns their figures:
    which person owns each (keypoint, pixel) where two people's displacement windows overlap (by
    its weight, 1 / diagonal), the zero displacement overwritten, the dropped tiny person, the
    Gaussian centre of the keypoint left of the image."""
    from mmpose.codecs.utils import get_diagonal_lengths, get_instance_root
    figures = []
    for b, ((k, v), e) in enumerate(zip(samples, encoded)):
        hm = k / codec.scale_factor
        roots, _ = get_instance_root(hm, v)
        diag = get_diagonal_lengths(hm, v)
        owner = {}
        for n in range(len(k)):
            if diag[n] < codec.minimal_diagonal_length:
                continue
            for kk in range(17):
                x, y = hm[n, kk]
                if v[n, kk] < 1 or x < 0 or y < 0 or x >= 16 or y >= 16:
                    continue
                for px in range(max(int(roots[n, 0] - 2), 0), min(int(roots[n, 0] + 2), 16)):
                    for py in range(max(int(roots[n, 1] - 2), 0), min(int(roots[n, 1] + 2), 16)):
                        owner.setdefault((kk, px, py), []).append(n)
        shared = {key: ns for key, ns in owner.items() if len(ns) > 1}
        won = {}
        for (kk, px, py), ns in shared.items():
            w = e['displacement_weights'][2 * kk, py, px]
            winner = [n for n in ns if w == np.float32(1) / diag[n]]
            assert len(winner) == 1, ((kk, px, py), ns, w, diag)
            won.setdefault(int(winner[0]), []).append((kk, px, py))
        figures.append(dict(diagonals=[float(d) for d in diag], shared=len(shared),
                            won={n: len(c) for n, c in won.items()}))
        if b == 0:
            # the smaller person (0) keeps every shared (keypoint, pixel) up to keypoint 11, whose
            # zero displacement the larger one (1) overwrites; there the shared size map now says
            # diagonal 1, so person 1 also takes keypoint 12 at that pixel; person 0 has no keypoint
            # 13, so person 1 writes its whole window, and then takes all of keypoint 14
            xz, yz = (int(c) for c in hm[0, 11])
            overlap = sum(1 for (kk, _, _) in shared if kk == 14)
            expected = [(11, xz, yz), (12, xz, yz)] + sorted(key for key in shared if key[0] == 14)
            assert diag[0] < diag[1] and sorted(won[1]) == expected and overlap > 4, (diag, won)
            assert len(won[0]) > 8 * overlap, won
            assert np.array_equal(e['displacements'][22:24, yz, xz], hm[1, 11] - (xz, yz))
            figures[-1]['zero_displacement_overwritten'] = [11, xz, yz]
            x, y = hm[1, 9]  # the wrist left of the image: Gaussian centre int(x + 0.5) = 0
            assert x < -1 and int(x + 0.5) == 0 and e['heatmaps'][9, int(y + 0.5), 0] == 1, (x, y)
        else:  # the later, smaller person (1) wins; the tiny one (2) has no root and no displacement
            assert diag[1] < diag[0] and set(won) == {1} and len(won[1]) > 10, (diag, won)
            assert diag[2] < codec.minimal_diagonal_length
            assert not np.isin(e['displacement_weights'], np.float32(1) / diag[2]).any()
            assert e['heatmaps'][17].max() == 1 and (e['heatmaps'][17] == 1).sum() == 2
    return figures


def pipeline_packs_heatmap_mask(codec_cfg, keypoints, visible):
    """MMPose's DEKR training transforms after the affine (GenerateTarget(SPR),
    BottomupGetHeatmapMask, PackPoseInputs) on one sample: is heatmap_mask in gt_fields?"""
    results = dict(img=np.zeros((64, 64, 3), np.uint8), img_shape=(64, 64), input_size=(64, 64),
                   keypoints=keypoints.copy(), keypoints_visible=visible.copy(), invalid_segs=[],
                   warp_mat=np.eye(2, 3, dtype=np.float32))  # BottomupRandomAffine's, here the identity
    for cfg in (dict(type='GenerateTarget', encoder=codec_cfg), dict(type='BottomupGetHeatmapMask'),
                dict(type='PackPoseInputs')):
        results = TRANSFORMS.build(cfg)(results)
    fields = results['data_samples'].gt_fields
    assert 'heatmaps' in fields and 'displacements' in fields
    return 'heatmap_mask' in fields


def reference_losses(out_h, out_d, t):
    """The documented formulas in float64."""
    p, target = out_h.double(), t['heatmaps'].double()
    mask = t['heatmap_mask'].double() * t['heatmap_weights'].double()
    heatmap = ((p - target) ** 2 * mask).mean()
    beta = 1 / 9
    d = out_d.double() - t['displacements'].double()
    s = torch.where(d.abs() < beta, d * d / (2 * beta), d.abs() - beta / 2)
    w = t['displacement_weights'].double()
    displacement = 0.002 * (s * w).sum() / max(int((w > 0).sum()), 1)
    return float(heatmap), float(displacement)


def smooth_l1_probe(loss_module, rng):
    """MMPose's SoftWeightSmoothL1Loss (the head's own module) on a small made-up case whose
    differences cover both branches (the training step's sit almost all in the linear one):
    2 x 6 x 4 x 4, differences uniform in (-0.3, 0.3) plus exactly 0 and +-float32(1/9) (the
    linear branch: |d| < beta is false), weights 1/diagonal per pixel shared by x and y, a third
    of the pixels 0. Returns output, target, weight, loss and d loss / d output."""
    target = torch.from_numpy(rng.normal(0, 2, (2, 6, 4, 4)).astype(np.float32))
    d = rng.uniform(-0.3, 0.3, (2, 6, 4, 4)).astype(np.float32)
    target[0, 0, 0, :3] = 0
    d[0, 0, 0, :3] = (0, np.float32(1 / 9), -np.float32(1 / 9))
    output = (target + torch.from_numpy(d)).requires_grad_()
    w = (1 / rng.uniform(4, 20, (2, 3, 1, 4, 4))) * (rng.uniform(size=(2, 3, 1, 4, 4)) > 1 / 3)
    w[0, 0, 0, 0, :3] = 1 / 8  # the three exact differences above count
    weight = torch.from_numpy(np.repeat(w, 2, axis=2).reshape(2, 6, 4, 4).astype(np.float32))
    loss = loss_module(output, target, weight)
    loss.backward()
    return {'smoothl1.output': output.detach(), 'smoothl1.target': target, 'smoothl1.weight': weight,
            'smoothl1.loss': loss.detach().reshape(1), 'smoothl1.grad': output.grad}


def main():
    torch.set_num_threads(1)
    warnings.filterwarnings('ignore', message='The shape of value will convert')  # PixelData's 2-D mask
    _, check = parity.deform_conv_self_check(parity.DEFORM_CASES + [(1, 6, 5, 5, 6, 3, 3, 1)])
    assert check['columns_bitwise'] and check['output_float64'] < 1e-13 and check['gradients_float64'] < 1e-13, check
    init_default_scope('mmpose')
    cfg = Config.fromfile(os.path.join(FOLDER, 'config.py'))
    codec_cfg = dict(cfg.model.head.decoder, **CODEC)
    codec = KEYPOINT_CODECS.build(codec_cfg)
    samples = make_people(np.random.default_rng(PEOPLE_SEED))
    encoded = [encode(codec, k, v) for k, v in samples]
    edge_cases = check_edge_cases(samples, encoded, codec)
    rng = np.random.default_rng(PEOPLE_SEED + 1)
    masks = []
    for _ in samples:
        m = np.ones((16, 16), np.float32)
        h, w = rng.integers(3, 7, 2)
        y, x = rng.integers(0, 16 - h + 1), rng.integers(0, 16 - w + 1)
        m[y:y + h, x:x + w] = 0
        masks.append(m)
    packs_mask = pipeline_packs_heatmap_mask(codec_cfg, *samples[0])

    inputs = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(INPUT_SEED))
    data_samples = []
    for e, m in zip(encoded, masks):
        fields = PixelData()
        for key in ('heatmaps', 'heatmap_weights', 'displacements', 'displacement_weights'):
            fields.set_field(e[key], key)
        fields.set_field(m, 'heatmap_mask')  # 2-D: PixelData makes it 1 x H x W
        s = PoseDataSample()
        s.gt_fields = fields.to_tensor()
        data_samples.append(s)
    targets = {key: torch.stack([s.gt_fields.get(key) for s in data_samples])
               for key in ('heatmaps', 'heatmap_weights', 'displacements', 'displacement_weights', 'heatmap_mask')}
    assert targets['heatmap_mask'].shape == (2, 1, 16, 16)

    with parity.mmcv_deform_conv_port():
        model = MODELS.build(cfg.model)
        checkpoint = torch.load(os.path.join(FOLDER, 'weights.pth'), map_location='cpu', weights_only=True)
        model.load_state_dict(checkpoint['state_dict'], strict=True)
        model.train()
        norms = {(m.momentum, m.eps) for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)}
        assert norms == {(0.1, 1e-5)}, norms
        captured = {}
        head = model.head
        # DEKRHead.loss calls self.forward, not the head's __call__: hook its two branches
        branches = (('heatmaps', head.heatmap_conv_layers), ('displacements', head.displacement_conv_layers))
        hooks = [layer.register_forward_hook(lambda mod, args, output, name=name: captured.__setitem__(name, output))
                 for name, layer in branches]
        losses = model.loss(inputs, data_samples)
        for hook in hooks:
            hook.remove()
        total = sum(v for k, v in losses.items() if 'loss' in k)
        total.backward()

    assert set(losses) == {'loss/heatmap', 'loss/displacement'}, losses.keys()
    out_h, out_d = captured['heatmaps'].detach(), captured['displacements'].detach()
    ref_h, ref_d = reference_losses(out_h, out_d, targets)
    lh, ld = losses['loss/heatmap'].item(), losses['loss/displacement'].item()
    assert abs(ref_h - lh) <= 1e-6 * abs(ref_h) and abs(ref_d - ld) <= 1e-6 * abs(ref_d), (ref_h, lh, ref_d, ld)
    no_mask = head.loss_module['heatmap'](out_h, targets['heatmaps'], targets['heatmap_weights'], None)

    out = {'input': inputs}
    for b, (k, v) in enumerate(samples):
        out[f'keypoints.{b}'], out[f'keypoints_visible.{b}'] = torch.from_numpy(k), torch.from_numpy(v)
    out.update(targets)
    out['out.heatmaps'], out['out.displacements'] = out_h, out_d
    out['loss.heatmap'] = losses['loss/heatmap'].detach().reshape(1)
    out['loss.displacement'] = losses['loss/displacement'].detach().reshape(1)
    out['loss_without_mask.heatmap'] = no_mask.detach().reshape(1)
    out.update(smooth_l1_probe(head.loss_module['displacement'], np.random.default_rng(PEOPLE_SEED + 2)))
    no_grad = []
    for name, p in model.named_parameters():
        if p.grad is None:
            no_grad.append(name)
        else:
            out[f'grad.{name}'] = p.grad.detach().clone()
    assert no_grad and all(n.startswith('head.rescore_net.') for n in no_grad), no_grad
    for name, b in model.named_buffers():
        if 'running' in name:
            out[f'after.{name}'] = b.detach().clone()
    metadata = dict(
        mmpose='1.3.2', torch=torch.__version__, config=f'{FOLDER}/config.py', weights=f'{FOLDER}/weights.pth',
        codec=codec_cfg, input_seed=INPUT_SEED, people_seed=PEOPLE_SEED,
        heatmap_loss='mean((P - T)^2 * (heatmap_mask * heatmap_weights)) over all B*(K+1)*H*W elements',
        displacement_loss='0.002 * sum(s(P - T) * W) / max(count(W > 0), 1), s(d) = d*d / (2/9) if |d| < 1/9 '
                          'else |d| - 1/18 (constants as float32)',
        no_grad=no_grad, pipeline_packs_heatmap_mask=packs_mask, edge_cases=edge_cases,
        deform_conv='tools/make_mmpose_parity_fixtures.py mmcv_deform_conv2d (mmcv-lite has no compiled ops)')
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    # one metadata entry: safetensors writes a map's entries in a random (hash) order
    save_file({k: v.detach().contiguous().float() for k, v in out.items()}, OUT,
              metadata={'fixture': json.dumps(metadata, sort_keys=True)})
    print('loss/heatmap %.9g loss/displacement %.9g (float64 formulas %.9g %.9g); without mask %.9g' % (
        lh, ld, ref_h, ref_d, float(no_mask)))
    print('pipeline packs heatmap_mask:', packs_mask, '| no grad:', len(no_grad), 'rescore_net parameters')
    print('edge cases', edge_cases, '| deform self-check', check)
    diff = (out_d - targets['displacements']).abs()[targets['displacement_weights'] > 0]
    print('displacement weights > 0:', diff.numel(), '(|d| < 1/9: %d, median |d| %.3g px)' % (
        int((diff < 1 / 9).sum()), float(diff.median())), '| smoothl1 probe loss %.9g' % float(out['smoothl1.loss']))
    print('out.heatmaps mean %.3g std %.3g, out.displacements std %.3g' % (
        float(out_h.mean()), float(out_h.std()), float(out_d.std())))
    print(len(out), 'tensors,', os.path.getsize(OUT), 'bytes ->', OUT)


if __name__ == '__main__':
    main()
