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

A second bottom-up family, `dekr` (MMPose's `dekr_hrnet-w32_8xb10-140e_coco-512x512.py`:
BottomupPoseEstimator, the HRNet shrunk as `hrnet`'s with multiscale_output, FeatureMapProcessor
concatenating its four branches (8+16+32+64 = 120 channels), DEKRHead with 16 heatmap filters and 5
displacement filters per keypoint (MMPose's 32 and 15 would make weights.pth 2.1 MB) and its
AdaptiveActivationBlocks, the rescore net with random weights (its pretrained init_cfg goes), the
SPR codec at input 256 × 256 / heatmaps 64 × 64, BottomupResize 'expand' to multiples of 32, flip
test with shift_heatmap, nms_dist_thr 0.05, CocoMetric with nms_mode 'none' and score_mode
'keypoint'), runs on the four whole COCO images. mmcv-lite has no compiled ops, so for this family
(and only inside its run) `mmcv.ops.DeformConv2d.forward` is `mmcv_deform_conv2d_forward`: the
DEKR family's deformable convolution is this script's port of mmcv's CPU kernel
(`deformable_im2col` sampling, then one matrix product per group), not mmcv's compiled kernel;
`deform_conv_self_check` holds the port to a scalar Python transcription of mmcv's C++ kernels
(forward and backward; the float32 columns bit for bit), and the run asserts it. After the seeded
draw, `calibrate_dekr` rescales the head's layers on those images (the offsets of the deformable
convolutions to an RMS of 1 px, the keypoint and root heatmaps, the displacements around a
person-shaped template, the rescore net's output; a root row drawn again, seeded, while the
random network's root peaks sit at the zero padding) so that the decoder finds 3 to 19 people per
image, none tied. Its expected.json has, per image in MMPose's order, img_id, img_path,
ori_shape, input_size, input_center, input_scale and `people` in MMPose's final order
(nearby_joints_nms's): keypoints in image pixels and keypoint_scores (root score × rescore ×
keypoint heatmap score) as the metric receives them, the decoded instance each one is
(`instance`) and the metric's score (`score`, their mean); `decoder_inputs`: shape, float64 sum
and per-channel sums of the flip-merged heatmaps (K keypoints, then the root) and displacements
the head passes to the codec's `decode`; `decoder` (`dekr_decoding`): each decoded instance's root
(heatmap pixels), root score, keypoints (input pixels), keypoint scores and the positions
grid_sample reads them at, with the root peaks' margins; `rescore`: the rescore net's instance
scores and the rescored root scores; `nms`: nearby_joints_nms's scores, order, kept indices and
margins; `float64_people` and per keypoint `float64_offsets`. The top level adds the calibration's
figures, how the deformable convolutions sampled (taps outside the map or partly), COCO's
skeleton links (the rescore net's features), `nms_cases` (nearby_joints_nms on made-up people:
near-duplicates, a far joint, max_dets 3, a chain where a passed-over instance is kept later) and
every metric figure (all 0).

A third bottom-up family, `cid` (MMPose's `cid_hrnet-w32_8xb20-140e_coco-512x512.py`:
BottomupPoseEstimator, the HRNet shrunk as `dekr`'s with multiscale_output, FeatureMapProcessor
concatenating its four branches (120 channels), CIDHead with its IIAModule and GFDModule at
gfd_channels 32 as the config has it (weights.pth 1.2 MB), the DecoupledHeatmap codec at input
256 × 256 / heatmaps 64 × 64, BottomupResize 'expand' to multiples of 64, flip test, CocoMetric as
the config has it: nms_thr 0.8 with nms_mode 'oks_nms' (the default) and score_mode 'keypoint'),
runs on the four whole COCO images. After the seeded draw, `calibrate_cid` sets the head's layers
on those images (see the CID_* constants): the root row of the IIA module's conv (a generalized
eigenvector of the features, image content against the random network's position pattern and
the border, and a bias) so that 3 to 15 roots pass the threshold in every image, none near the
border, tied or near the threshold or a neighbour; the GFD module's conv_down and the spatial
attention's linear layer (one projection of the whitened features, so that the spatial
attention's channel sum is a similarity to the root's features), the channel attention's scale,
the spatial attention's 5 × 5 conv (channel sum and relative-coordinate parts) and the heatmap conv
(least squares towards a person-shaped set of Gaussians around each root, seeded noise drawn again
where a map's maximum or a refinement would be close) so that the instances' heatmaps differ,
with clear maxima. Its expected.json has, per image in MMPose's order, img_id, img_path, ori_shape,
input_size, input_center, input_scale and `people` in MMPose's order (the instances' root scores,
descending): keypoints in image pixels and keypoint_scores (heatmap maximum × root score) as the
metric receives them (no bbox_scores), with the metric's `score` (their mean) and `area` (the
keypoints' extent, image pixels) and `float64_offsets`; `instances`; checksums (shape, float64 sum,
per-entry sums; `channel_checksums`) of the two branches' features (`features`: the image's, the
flipped image's mirrored back), the flip-averaged root heatmap before and after smoothing
(`root_merged`, `root_smoothed`), the GFD's global features, the spatial attention's input sums
and logits, the GFD output before merging (`gfd_heatmaps`, the image's instances then the
flipped-back branch's), the merged instance heatmaps before and after smoothing
(`instance_merged`, `instance_smoothed` with per instance and keypoint sums); `roots`
(`cid_root_figures`: pool kernel, local maxima, margins), `instance_coords` (x, y; heatmap pixels)
and `instance_scores`; `decoded` per instance (the maxima, their values, the refinement steps, the
keypoints in input pixels after the head's half-stride shift, the scores); `keypoint_figures`
(the decisions' margins); `clamped` (values the truncated sigmoids clamped); `nms` (the metric's
oks_nms: scores, areas, kept indices, OKS margins; `oks_nms_retrace`); `float64_people` and
`float64_error` (MMPose's float32 maps against its float64 run). The top level adds the
calibration's figures, test_cfg's defaults the head used, `pool_cases` (the hierarchical max-pool's
kernel at the size bounds, on `formula_uniforms` maps) and every metric figure (all 0).

A fourth bottom-up family, `rtmo` (MMPose's `rtmo-s_8xb32-600e_coco-640x640.py`: BottomupPoseEstimator,
PoseDataPreprocessor with mean 0, std 1, no BGR → RGB, pad_size_divisor 32; CSPDarknet (P5, SPP,
Swish) at widen_factor 0.0625 and deepen_factor 0.33 (its outputs 16, 32, 64 channels at strides
8, 16, 32; MMPose's 0.5, and 0.125 would make weights.pth 1.5 MB); HybridEncoder at widen_factor
0.125, deepen_factor 0.33, in_channels [16, 32, 64], hidden_dim 32, one DetrTransformerEncoder layer
on the last level (8 heads of 4 channels, feed-forward 64, GELU), output_indices [1, 2] and its
ChannelMapper projector (BN, no activation) at 32 channels in and out; RTMOHead with RTMOHeadModule
at widen_factor 0.125: in_channels 128 (× 0.125 = 16, half the projector's 32: each level splits into
a classification half and a pose half), cls_feat_channels 128 (16), channels_per_group 36 (4, in 8
groups: 32 pose channels), stacked_convs 2, pose_vec_channels 32, and its DCC at in_channels 32,
feat_channels 16, spe_channels 16, num_bins (48, 64) (MMPose's (192, 256)), GAUEncoder s 16; the
backbone's pretrained init_cfg goes; input_size 320 × 320 (test_cfg and BottomupResize, 'fit' with
pad_val 114), test_cfg score_thr 0.1 and nms_thr 0.65, no flip test (as the config has it), CocoMetric
with score_mode 'bbox' and nms_mode 'none'; 150731 parameters, weights.pth 0.8 MB), runs on the four
whole COCO images. After the seeded draw, `calibrate_rtmo` sets the head module's final 1×1 convs and
the DCC's bin encodings on those images (see the RTMO_* constants): the classification logits
(an affine map per level, one common shift into the widest gap) so that 13 to 43 priors per image
pass score_thr, none within 2e-3 of it, the candidates' scores distinct; the boxes (centre offsets
and log sizes, an affine map per row and level, rows drawn again, seeded, until every IoU the NMS
compares lies 1e-3 or more from nms_thr) so that 9 to 27 people per image survive the NMS; the
keypoint visibilities (logits of standard deviation 1.5); x_fc and y_fc (one factor each) so that
the DCC's 1-D heatmap logits vary by 3 over the bins. Its expected.json has, per image in MMPose's
order, img_id, img_path, ori_shape, input_size, input_center, input_scale and `people` in MMPose's
order (the NMS's: box scores, descending) as the metric receives them: `bbox` (xyxy, image pixels:
clamped to the input canvas in input pixels, then mapped as the keypoints), `bbox_score` (the
classification sigmoid), `keypoints` (image pixels, `add_pred_to_datasample`'s float64),
`keypoint_scores` (the visibility sigmoid), the flattened prior index (`prior`: level 16 then 32,
row-major), `float64_offsets` and `float64_bbox_offset`; `dtypes` of MMPose's arrays; `decisions`
(`rtmo_decisions`: the candidates' prior indices and scores in filter_scores_and_topk's order, the
NMS's kept positions, the score and IoU margins); `float64_people`; and for the first image `trace`:
checksums (shape, float64 sum, sum of absolute values, per-channel sums, first 8 values) of the
preprocessed input, the backbone's and the neck's outputs and the head module's cls_scores,
bbox_preds, kpt_vis and pose_feats per level, and the DCC's inputs and outputs (pose vectors'
checksums; the kept boxes as centre and padded scale, unclamped; their priors; the keypoints in
input pixels). The top level adds the shrunk sizes, the parameter count, test_cfg, the
calibration's figures and every metric figure (all 0).

A fifth bottom-up family, `yoloxpose` (MMPose's `yoloxpose_s_8xb32-300e_coco-640.py`: BottomupPoseEstimator,
the data preprocessor as `rtmo`'s; CSPDarknet (P5, SPP, Swish, out_indices (2, 3, 4)) at widen_factor
0.0625 and deepen_factor 0.33 as `rtmo`'s (outputs 16, 32, 64 channels at strides 8, 16, 32);
YOLOXPAFPN with in_channels [16, 32, 64], out_channels 16 (the config's 128 at its widen_factor 0.5,
scaled as the rest) and num_csp_blocks 1 as the config has it; YOLOXPoseHead with YOLOXPoseHeadModule
at widen_factor 0.0625: in_channels 256 as the config has it (16, the neck's output), feat_channels
128 (8; the config's 256 would make weights.pth 0.9 MB), stacked_convs 2; the backbone's pretrained
init_cfg and the model's Kaiming init_cfg go (weights: the seeded default draw, then `randomize`);
input_size 320 × 320 (BottomupResize, 'fit' with pad_val 114, and test_cfg's input_size, which
YOLOXPoseHead does not read: it clamps the boxes to the sample's input_size); test_cfg score_thr 0.01
and nms_thr 0.65 as the config has them, no flip test, CocoMetric with score_mode 'bbox' and nms_mode
'none'; 135419 parameters, weights.pth 0.7 MB), runs on the four whole COCO images. After the seeded
draw, `calibrate_yoloxpose` sets the head module's final 1×1 convs on those images (see the
YOLOXPOSE_* constants): `out_cls` and `out_obj` rows drawn (seeded) as combinations of two
`content_directions` of their branch's features (the zero padding makes a random direction's largest
logits lie on the maps' border), an affine map per level, then one common shift of both biases into
the widest gap of the shifts at which a prior's score sigmoid(cls) × sigmoid(obj) crosses score_thr
(`score_shift`) so that 10 to 60 priors per image pass score_thr, at most a quarter of them on their
level's outermost rows and columns, none within 1e-4 of it, the candidates' scores distinct; the boxes
as `rtmo`'s (`calibrate_one_stage_boxes`, sizes per level YOLOXPOSE_BOX_SIZES) so that 3 to 30 people
per image survive the NMS, every IoU it compares 1e-3 or more from nms_thr; the keypoint offsets
(`out_kpt`: per row an affine map around DEKR_TEMPLATE × the level's box height, standard deviation
YOLOXPOSE_KPT_SPREAD × that height) and the visibilities (`out_kpt_vis`, logits of standard deviation
1.5). Its expected.json has `rtmo`'s structure (`run_rtmo` runs both families): per image the people
in MMPose's order (the NMS's: scores descending) with bbox (clamped to the input canvas in input
pixels, then mapped to the image as the keypoints), bbox_score (sigmoid(cls) × sigmoid(obj)),
keypoints (regressed: offset × stride + prior, not clamped, then `add_pred_to_datasample`'s mapping),
keypoint_scores (the visibility sigmoid), prior, float64_offsets, float64_bbox_offset; dtypes,
decisions, float64_people; for the first image `trace` with input, backbone, neck and the head
module's cls_scores, objectnesses, bbox_preds, kpt_offsets and kpt_vis per level and, in place of
`dcc`, `decoded` (the kept priors' positions and strides, their keypoints in input pixels and their
boxes unclamped); the top level as `rtmo`'s (test_cfg without bbox_padding; the calibration's
figures add border_candidates and the logit shift).

`deform_conv` writes Tests/Fixtures/deform_conv/deform_conv.json: for four seeded small cases
(groups and deform_groups 1 or 2, stride 1 or 2, padding 1, offsets with fractional, integer,
border and outside positions) the port's float32 output and the autograd gradients of
sum(output · R) for input, offset and weight (`deform_conv_fixture`).

plus `metric_ties/expected.json` and `metric_crowd/`: CocoMetric's figures for hand-made predictions
whose scores tie and whose results carry boxes (the ordering and area rules of MMPose's
evaluation), on COCO and on CrowdPose (`iou_type='keypoints_crowd'`, crowd indices 0.1 and 0.9);
and `warp/expected.json`: `cv2.warpAffine`'s 8-bit output for seven transforms of a 50 × 40 piece
of a sample image, and MMPose's `get_warp_matrix`/`get_udp_warp_matrix` for four boxes.

Run from the repository root in a venv with MMPose 1.3.2 (`bash tools/mmpose_venv.sh` makes one):
    /path/to/venv/bin/python tools/make_mmpose_parity_fixtures.py [family or metrics or warp or deform_conv ...]
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
from torch.nn.modules.utils import _pair

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
    'dekr': ('dekr/coco/dekr_hrnet-w32_8xb10-140e_coco-512x512.py', COCO,
             dict(input_size=(256, 256), heatmap_size=(64, 64))),
    'cid': ('cid/coco/cid_hrnet-w32_8xb20-140e_coco-512x512.py', COCO,
            dict(input_size=(256, 256), heatmap_size=(64, 64))),
    # (RTMO has no decoder: its input size is test_cfg's and BottomupResize's, at 320 × 320)
    'rtmo': ('rtmo/coco/rtmo-s_8xb32-600e_coco-640x640.py', COCO, dict(input_size=(320, 320))),
    # (YOLOX-Pose, also without a decoder: BottomupResize's and test_cfg's input size)
    'yoloxpose': ('yoloxpose/coco/yoloxpose_s_8xb32-300e_coco-640.py', COCO, dict(input_size=(320, 320))),
}

# bottom-up families (`run_bottomup`): whole images, one per batch, people grouped by the decoder
BOTTOMUP_FAMILIES = ['ae', 'dekr', 'cid', 'rtmo', 'yoloxpose']
# one-stage families (`run_rtmo`): boxes, scores and keypoints per prior, then score_thr and the NMS
ONE_STAGE_HEADS = {'RTMOHead': 'rtmo', 'YOLOXPoseHead': 'yoloxpose'}
# the AE head's final 1×1 conv, rescaled after the seeded draw (`calibrate_ae`) so that per image
# about AE_PEAKS of each keypoint's heatmap peaks pass the decoder's keypoint threshold, none tied
# with another or within AE_VALUE_MARGIN of the threshold, peak values spread by AE_SCORE_SPREAD per
# standard deviation of the heatmap, and two candidates' tags lie AE_TAG_DISTANCE apart (the median)
AE_PEAKS = 2
AE_SCORE_SPREAD = 0.1
AE_VALUE_MARGIN = 1e-4
AE_TAG_DISTANCE = 0.7

# DEKR (`calibrate_dekr`): the head's sizes, shrunk so that weights.pth stays small (MMPose's are
# 32 heatmap filters and 15 displacement filters per keypoint), and the calibration's targets: the
# deformable convolutions' offsets' RMS (heatmap pixels), the keypoint heatmaps' mean and standard
# deviation, the root heatmap's spread (per standard deviation) and how many of its peaks pass the
# decoder's threshold per image (the median), the displacements' spread around a person-shaped
# template (DEKR_TEMPLATE × DEKR_PERSON_HEIGHT, heatmap pixels, relative to the root), and the
# rescore net's output's mean and standard deviation
DEKR_HEATMAP_FILTERS = 16
DEKR_DISPLACEMENT_FILTERS = 5
DEKR_OFFSET_RMS = 1.0
DEKR_KEYPOINT_LEVEL, DEKR_KEYPOINT_SPREAD = 0.3, 0.1
DEKR_ROOT_SPREAD = 0.05
DEKR_ROOTS = 9
DEKR_ROOT_BORDER = 6
DEKR_DISPLACEMENT_SPREAD = 1.0
DEKR_PERSON_HEIGHT = 12.0
DEKR_RESCORE_LEVEL, DEKR_RESCORE_SPREAD, DEKR_RESCORE_MIN = 0.6, 0.15, 0.1
# COCO's keypoints on a person one unit tall, facing the camera (x right, y down, from the root)
DEKR_TEMPLATE = [(0, -0.42), (0.03, -0.45), (-0.03, -0.45), (0.07, -0.43), (-0.07, -0.43), (0.13, -0.3),
                 (-0.13, -0.3), (0.17, -0.12), (-0.17, -0.12), (0.19, 0.04), (-0.19, 0.04), (0.09, 0.05),
                 (-0.09, 0.05), (0.1, 0.27), (-0.1, 0.27), (0.11, 0.48), (-0.11, 0.48)]

# CID (`calibrate_cid`): the IIA module's root row (the last of keypoint_root_conv) is a
# generalized eigenvector of the neck's features: what differs between the images (pixels
# CID_ROOT_EDGE or more inside) against what they share (the random network's position pattern)
# plus the CID_ROOT_EDGE-pixel border band (weight CID_ROOT_BORDER_WEIGHT) plus a ridge of
# CID_ROOT_RIDGE × the mean eigenvalue (a small ridge makes large weights, and the backbone's
# float32 noise grows with them); scaled to logits of standard deviation CID_ROOT_SPREAD, its bias
# (steps of 0.01) puts the instance threshold (score_threshold 0.01) where CID_ROOTS root peaks pass
# in every image (median within CID_ROOTS_MEDIAN), none within CID_ROOT_BORDER pixels of the border,
# every local maximum at least CID_VALUE_MARGIN from the threshold, the passing scores
# CID_SCORE_GAP apart and every pixel above the threshold CID_ROOT_CLARITY from its largest
# neighbour (the max-pool equality test). The GFD module: conv_down and the spatial attention's
# linear layer are one projection of the whitened features (ridge CID_WHITEN_RIDGE × the mean
# eigenvalue), so that the spatial attention's channel sum is a similarity to the root's features;
# the channel attention's output has RMS CID_CHANNEL_RMS; the spatial attention's 5 × 5 conv has
# logits whose channel-sum part (the drawn kernel's magnitudes) and relative-coordinate part (as
# drawn) have standard deviations CID_SPATIAL_FSUM_SPREAD and CID_SPATIAL_COORD_SPREAD, mean
# CID_SPATIAL_LEVEL; the heatmap conv is a least-squares fit to Gaussians (CID_TARGET_SIGMA) at the
# root + DEKR_TEMPLATE × CID_PERSON_HEIGHT, plus seeded noise (CID_HEATMAP_NOISE), mapped per flip
# pair to logits of mean CID_HEATMAP_LEVEL and maximum CID_HEATMAP_PEAK; a pair's noise is drawn
# again where a map's maximum would lead the next value by less than CID_ARGMAX_MARGIN or a
# refinement neighbour pair would differ by less than CID_REFINE_MARGIN
CID_ROOT_SPREAD = 2.0
CID_ROOT_EDGE = 6
CID_ROOT_BORDER_WEIGHT = 1.0
CID_ROOT_RIDGE = 3e-3
CID_ROOT_CLARITY = 1e-4
CID_ROOT_BORDER = 4
CID_ROOTS = (3, 15)
CID_ROOTS_MEDIAN = (5, 11)
CID_VALUE_MARGIN = 1e-4
CID_WHITEN_RIDGE = 1e-3
CID_SPATIAL_FSUM_SPREAD, CID_SPATIAL_COORD_SPREAD, CID_SPATIAL_LEVEL = 2.0, 0.5, -3.0
CID_CHANNEL_RMS = 0.5
CID_PERSON_HEIGHT, CID_TARGET_SIGMA = 8.0, 2.0
CID_HEATMAP_NOISE = 0.05
CID_HEATMAP_LEVEL, CID_HEATMAP_PEAK = -8.0, 3.0
CID_SCORE_GAP = 1e-5
CID_ARGMAX_MARGIN = 5e-5
CID_REFINE_MARGIN = 5e-5

# RTMO (`shrink_rtmo`): the network's sizes. CSPDarknet at widen 0.0625 (its outputs 16, 32, 64
# channels; 0.125 alone would make weights.pth 1.5 MB), HybridEncoder, ChannelMapper and head at
# widen 0.125 with a 32-channel hidden dimension (8 attention heads of 4), a 64-channel feed-forward
# layer and a 32-channel projector: the head module's in_channels 128 × 0.125 = 16, half the
# projector's 32 (each level splits into a classification half and a pose half); cls_feat_channels
# 128 × 0.125 = 16, channels_per_group 36 × 0.125 = 4 (8 groups: 32 pose channels), pose vectors
# of 32; the DCC at 16 feature and 16 sine-encoding channels, GAU s 16, 48 × 64 bins.
RTMO_BACKBONE_WIDEN, RTMO_WIDEN, RTMO_DEEPEN = 0.0625, 0.125, 0.33
RTMO_HIDDEN, RTMO_FEEDFORWARD = 32, 64
RTMO_HEAD_IN, RTMO_CLS_FEAT, RTMO_POSE_VEC = 128, 128, 32
RTMO_DCC_FEAT, RTMO_SPE, RTMO_GAU_S, RTMO_BINS = 16, 16, 16, (48, 64)
RTMO_PARAMETERS = 150731  # the shrunk model's parameter count (`run_rtmo` asserts it)
# RTMO (`calibrate_rtmo`): each level's classification logits get standard deviation
# RTMO_CLS_SPREAD over the images, one common shift puts score_thr in the widest gap between the
# logits that leaves RTMO_CANDIDATES candidates in every image (median RTMO_CANDIDATES_MEDIAN ±
# 10), every prior's score at least RTMO_SCORE_MARGIN from score_thr and the candidates' scores
# RTMO_SCORE_GAP apart (the 114-grey padding makes equal scores); the boxes' centre offsets (in
# strides) have standard deviation RTMO_BOX_SHIFT and mean 0, their log sizes RTMO_BOX_LOG_SPREAD
# around RTMO_BOX_SIZES (w, h; input pixels, per level), every IoU the NMS compares at least
# RTMO_IOU_MARGIN from nms_thr and RTMO_PEOPLE people per image after it; the visibility logits
# standard deviation RTMO_VIS_SPREAD, mean 0; the DCC's 1-D heatmap logits standard deviation
# RTMO_BIN_SPREAD over the bins (x_fc and y_fc scaled). Rows that miss are drawn again (normal,
# from a generator seeded with the family's seed + 1).
RTMO_CLS_SPREAD = 1.5
RTMO_CANDIDATES, RTMO_CANDIDATES_MEDIAN = (10, 60), 30
RTMO_SCORE_MARGIN, RTMO_SCORE_GAP = 1e-4, 1e-5
RTMO_BOX_SHIFT, RTMO_BOX_LOG_SPREAD = 0.2, 0.2
RTMO_BOX_SIZES = ((96, 192), (128, 256))
RTMO_IOU_MARGIN = 1e-3
RTMO_PEOPLE = (3, 30)
RTMO_VIS_SPREAD = 1.5
RTMO_BIN_SPREAD = 3.0

# YOLOX-Pose (`shrink_yoloxpose`): the config's widen_factor (0.5 for the backbone, the neck's
# out_channels 128 = 256 × 0.5 and the head module) at 0.0625 throughout, deepen_factor 0.33 as the
# config has it: CSPDarknet's outputs 16, 32, 64 channels, YOLOXPAFPN at in_channels [16, 32, 64],
# out_channels 16 and num_csp_blocks 1 (as the config), the head module's in_channels 256 × 0.0625
# = 16 and feat_channels 128 × 0.0625 = 8 (the config's 256 would make weights.pth 0.9 MB;
# stacked_convs 2: two 3×3 ConvModules per classification and box branch, four per pose branch)
YOLOXPOSE_WIDEN, YOLOXPOSE_DEEPEN = 0.0625, 0.33
YOLOXPOSE_NECK_OUT = 16
YOLOXPOSE_HEAD_IN, YOLOXPOSE_FEAT = 256, 128
YOLOXPOSE_PARAMETERS = 135419  # the shrunk model's parameter count (`run_rtmo` asserts it)
# YOLOX-Pose (`calibrate_yoloxpose`): out_cls's and out_obj's rows are random combinations of the
# first YOLOXPOSE_CONTENT_DIRECTIONS `content_directions` of their branch's features (ridge
# YOLOXPOSE_CONTENT_RIDGE), at most YOLOXPOSE_BORDER_SHARE of an image's candidates on their level's
# outermost rows and columns; the classification and objectness logits get standard deviations
# YOLOXPOSE_CLS_SPREAD and YOLOXPOSE_OBJ_SPREAD per level over the images (mean 0), then both
# biases one common shift (the candidate rules of RTMO: RTMO_CANDIDATES,
# RTMO_CANDIDATES_MEDIAN, RTMO_SCORE_MARGIN, RTMO_SCORE_GAP, on the score sigmoid(cls) ×
# sigmoid(obj)); the boxes as RTMO's (RTMO_BOX_SHIFT, RTMO_BOX_LOG_SPREAD, RTMO_IOU_MARGIN,
# RTMO_PEOPLE) around YOLOXPOSE_BOX_SIZES (w, h; input pixels, per level: strides 8, 16, 32); the
# keypoint offsets (in strides) around DEKR_TEMPLATE × the level's box height, standard deviation
# YOLOXPOSE_KPT_SPREAD × that height per row; the visibility logits RTMO_VIS_SPREAD, mean 0
YOLOXPOSE_CLS_SPREAD, YOLOXPOSE_OBJ_SPREAD = 2.5, 2.5
YOLOXPOSE_CONTENT_DIRECTIONS, YOLOXPOSE_CONTENT_RIDGE, YOLOXPOSE_BORDER_SHARE = 2, 1e-3, 0.25
YOLOXPOSE_BOX_SIZES = ((64, 128), (96, 192), (128, 256))
YOLOXPOSE_KPT_SPREAD = 0.05

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
    if backbone['type'] == 'CSPDarknet':
        return shrink_yoloxpose(model) if model['neck']['type'] == 'YOLOXPAFPN' else shrink_rtmo(model)
    if backbone['type'] == 'HRNet':
        multiscale = backbone['extra']['stage4'].get('multiscale_output', False)
        backbone['extra'] = copy.deepcopy(HRNET_EXTRA)
        features = 8
        if multiscale:
            # every branch's output (DEKR: FeatureMapProcessor concatenates them, 8+16+32+64)
            backbone['extra']['stage4']['multiscale_output'] = True
            features = sum(HRNET_EXTRA['stage4']['num_channels'])
    else:
        backbone.update(stem_channels=8, base_channels=4)
        if backbone['type'] == 'ResNeXt':
            backbone.update(groups=2, width_per_group=2)
        features = 4 * 8 * 4  # ResNet-50's last stage: base × 8 × expansion 4
    inner = head.get('pose_cfg', head)
    inner['in_channels'] = features
    if inner['type'] == 'DEKRHead':
        # the rescore net keeps its size (hidden 256) with random weights: no pretrained download
        inner['rescore_cfg'].pop('init_cfg', None)
        inner['num_heatmap_filters'] = DEKR_HEATMAP_FILTERS
        inner['num_displacement_filters_per_keypoint'] = DEKR_DISPLACEMENT_FILTERS
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


def shrink_rtmo(model):
    """RTMO's network at the RTMO_* sizes (see them): CSPDarknet, HybridEncoder (its
    DetrTransformerEncoder and ChannelMapper projector), RTMOHead (RTMOHeadModule, DCC with its
    GAUEncoder) as MMPose's config has them, with few channels."""
    backbone, neck, head = model['backbone'], model['neck'], model['head']
    backbone.update(widen_factor=RTMO_BACKBONE_WIDEN, deepen_factor=RTMO_DEEPEN)
    # CSPDarknet P5's stages 2..4 end at 256, 512, 1024 channels before the widen factor
    neck.update(in_channels=[int(c * RTMO_BACKBONE_WIDEN) for c in (256, 512, 1024)], widen_factor=RTMO_WIDEN,
                deepen_factor=RTMO_DEEPEN, hidden_dim=RTMO_HIDDEN)
    neck['encoder_cfg']['self_attn_cfg']['embed_dims'] = RTMO_HIDDEN
    neck['encoder_cfg']['ffn_cfg'].update(embed_dims=RTMO_HIDDEN, feedforward_channels=RTMO_FEEDFORWARD)
    neck['projector'].update(in_channels=[RTMO_HIDDEN] * len(neck['output_indices']), out_channels=RTMO_HIDDEN)
    assert RTMO_HIDDEN % neck['encoder_cfg']['self_attn_cfg']['num_heads'] == 0
    assert int(RTMO_HEAD_IN * RTMO_WIDEN) * 2 == RTMO_HIDDEN  # the head's classification and pose halves
    head['head_module_cfg'].update(in_channels=RTMO_HEAD_IN, widen_factor=RTMO_WIDEN, cls_feat_channels=RTMO_CLS_FEAT,
                                   pose_vec_channels=RTMO_POSE_VEC)
    head['dcc_cfg'].update(in_channels=RTMO_POSE_VEC, feat_channels=RTMO_DCC_FEAT, num_bins=RTMO_BINS,
                           spe_channels=RTMO_SPE)
    head['dcc_cfg']['gau_cfg']['s'] = RTMO_GAU_S
    return model


def shrink_yoloxpose(model):
    """YOLOX-Pose's network at the YOLOXPOSE_* sizes (see them): CSPDarknet, YOLOXPAFPN and
    YOLOXPoseHead (YOLOXPoseHeadModule) as MMPose's config has them, with few channels."""
    backbone, neck, head = model['backbone'], model['neck'], model['head']
    backbone.update(widen_factor=YOLOXPOSE_WIDEN, deepen_factor=YOLOXPOSE_DEEPEN)
    # CSPDarknet P5's stages 2..4 end at 256, 512, 1024 channels before the widen factor
    neck.update(in_channels=[int(c * YOLOXPOSE_WIDEN) for c in (256, 512, 1024)], out_channels=YOLOXPOSE_NECK_OUT)
    head['head_module_cfg'].update(in_channels=YOLOXPOSE_HEAD_IN, feat_channels=YOLOXPOSE_FEAT,
                                   widen_factor=YOLOXPOSE_WIDEN)
    assert int(YOLOXPOSE_HEAD_IN * YOLOXPOSE_WIDEN) == YOLOXPOSE_NECK_OUT
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
    rtmo = model['head']['type'] in ONE_STAGE_HEADS
    if codec_changes:
        codec = dict(cfg.codec.to_dict(), **codec_changes)
        head = model['head'].get('pose_cfg', model['head'])
        if rtmo:
            # RTMO's and YOLOX-Pose's heads have no decoder (their codecs only make training targets)
            model['test_cfg']['input_size'] = codec['input_size']
        else:
            # (AE with restore_heatmap_size: the decoder's heatmaps are at the input size, as MMPose's
            # AE configs have it; DEKR's SPR decodes at the heatmap size)
            head['decoder'] = dict(codec, heatmap_size=codec['input_size']) \
                if bottomup and codec['type'] == 'AssociativeEmbedding' else codec
    if not rtmo:
        # (RTMO's and YOLOX-Pose's configs have no flip test: their heads' predict takes one
        # image's features)
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
                             **(dict(bbox_score=float(p.bbox_scores[i])) if 'bbox_scores' in p else {}))
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


def deform_columns(x, offset, weight_shape, stride=1, padding=0, dilation=1, groups=1, deform_groups=1):
    """mmcv's `deformable_im2col` (CPU kernel `deformable_im2col_cpu_kernel` with
    `deformable_im2col_bilinear_cpu`) in PyTorch ops, differentiable by autograd: for output
    (ho, wo), kernel tap t = i·kw + j and deform group g, the tap reads channel c of group g at
    h = ho·sh − ph + i·dh + offset[g·2·kh·kw + 2t], w = wo·sw − pw + j·dw + offset[g·2·kh·kw + 2t + 1]
    (the integer part exact, one float rounding); 0 if h ≤ −1, w ≤ −1, h ≥ H or w ≥ W; else
    bilinear from the corners (h_low, w_low) = floor(h, w) with lh = h − h_low, lw = w − w_low,
    weights (1−lh)(1−lw), (1−lh)lw, lh(1−lw), lh·lw (each product rounded) and the four products
    summed left to right, a corner outside the map reading 0. Returns the columns,
    (C·kh·kw) × (N·Ho·Wo) (row c·kh·kw + t, column (n·Ho + ho)·Wo + wo), Ho and Wo."""
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    dh, dw = _pair(dilation)
    N, C, H, W = x.shape
    kh, kw = weight_shape[2:]
    G, T = deform_groups, kh * kw
    Ho = (H + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    Wo = (W + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    assert C % G == 0 and tuple(offset.shape) == (N, G * 2 * T, Ho, Wo), offset.shape
    off = offset.reshape(N, G, T, 2, Ho, Wo)
    i = torch.arange(kh).repeat_interleave(kw)
    j = torch.arange(kw).repeat(kh)
    base_h = (torch.arange(Ho) * sh - ph)[None, :, None] + (i * dh)[:, None, None]  # T × Ho × 1
    base_w = (torch.arange(Wo) * sw - pw)[None, None, :] + (j * dw)[:, None, None]  # T × 1 × Wo
    h = base_h.to(x.dtype) + off[:, :, :, 0]  # N × G × T × Ho × Wo
    w = base_w.to(x.dtype) + off[:, :, :, 1]
    valid = (h > -1) & (w > -1) & (h < H) & (w < W)
    h_low, w_low = torch.floor(h), torch.floor(w)
    lh, lw = h - h_low, w - w_low
    hh, hw = 1 - lh, 1 - lw
    hl, wl = h_low.long(), w_low.long()
    planes = x.reshape(N, G, C // G, H * W)

    def corner(yy, xx, inside):
        index = (yy.clamp(0, H - 1) * W + xx.clamp(0, W - 1)).reshape(N, G, 1, T * Ho * Wo)
        v = torch.gather(planes, 3, index.expand(N, G, C // G, T * Ho * Wo)).reshape(N, G, C // G, T, Ho, Wo)
        return torch.where(inside[:, :, None], v, torch.zeros((), dtype=v.dtype))

    v1 = corner(hl, wl, (hl >= 0) & (wl >= 0))
    v2 = corner(hl, wl + 1, (hl >= 0) & (wl + 1 <= W - 1))
    v3 = corner(hl + 1, wl, (hl + 1 <= H - 1) & (wl >= 0))
    v4 = corner(hl + 1, wl + 1, (hl + 1 <= H - 1) & (wl + 1 <= W - 1))
    w1, w2, w3, w4 = ((a * b)[:, :, None] for a, b in ((hh, hw), (hh, lw), (lh, hw), (lh, lw)))
    val = w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4
    val = torch.where(valid[:, :, None], val, torch.zeros((), dtype=val.dtype))
    columns = val.reshape(N, C * T, Ho * Wo).permute(1, 0, 2).reshape(C * T, N * Ho * Wo)
    return columns, Ho, Wo


def mmcv_deform_conv2d(x, offset, weight, stride=1, padding=0, dilation=1, groups=1, deform_groups=1):
    """mmcv's `deform_conv2d` (DeformConv2dFunction.forward on the CPU, batch ≤ im2col_step 32):
    x and weight cast to offset's type, the columns of the whole batch (`deform_columns`), then per
    group g output_g = 0 + weight_g (flattened to Og × Cg·kh·kw) @ columns_g (`addmm`, as mmcv's
    `addmm_` on a zero buffer); differentiable by autograd (the gradients are mmcv's backward's:
    see `deform_conv_self_check`)."""
    x = x.type_as(offset)
    weight = weight.type_as(x)
    N, C = x.shape[:2]
    O, Cg = weight.shape[:2]
    assert C == Cg * groups and O % groups == 0
    columns, Ho, Wo = deform_columns(x, offset, weight.shape, stride, padding, dilation, groups, deform_groups)
    Og, rows = O // groups, Cg * weight.shape[2] * weight.shape[3]
    outputs = [torch.addmm(torch.zeros(Og, N * Ho * Wo, dtype=x.dtype), weight[g * Og:(g + 1) * Og].reshape(Og, rows),
                           columns[g * rows:(g + 1) * rows]) for g in range(groups)]
    return torch.cat(outputs).reshape(O, N, Ho, Wo).transpose(0, 1).contiguous()


def mmcv_deform_conv2d_forward(self, x, offset):
    """`mmcv.ops.DeformConv2d.forward` with `mmcv_deform_conv2d` for the compiled op (the same
    zero padding of an input smaller than the kernel)."""
    import torch.nn.functional as F
    input_pad = x.size(2) < self.kernel_size[0] or x.size(3) < self.kernel_size[1]
    if input_pad:
        pad_h = max(self.kernel_size[0] - x.size(2), 0)
        pad_w = max(self.kernel_size[1] - x.size(3), 0)
        x = F.pad(x, (0, pad_w, 0, pad_h), 'constant', 0).contiguous()
        offset = F.pad(offset, (0, pad_w, 0, pad_h), 'constant', 0).contiguous()
    out = mmcv_deform_conv2d(x, offset, self.weight, self.stride, self.padding, self.dilation, self.groups,
                             self.deform_groups)
    if input_pad:
        out = out[:, :, :out.size(2) - pad_h, :out.size(3) - pad_w].contiguous()
    return out


@contextlib.contextmanager
def mmcv_deform_conv_port():
    """mmcv-lite has no compiled ops: DeformConv2d runs `mmcv_deform_conv2d` inside this block."""
    from mmcv.ops import DeformConv2d
    original = DeformConv2d.forward
    DeformConv2d.forward = mmcv_deform_conv2d_forward
    try:
        yield
    finally:
        DeformConv2d.forward = original


def deform_conv_loops(x, offset, weight, stride, padding, dilation, groups, deform_groups, grad_output=None):
    """An independent transcription of mmcv's CPU kernels with Python loops over scalars (numpy
    scalars of x's dtype, so every operation rounds as the C++ code's): `deformable_im2col` (and
    `deformable_im2col_bilinear`), the per-group product, and with `grad_output` the backward:
    `deformable_col2im` (truncation `(int)h`, the 5 × 5 neighbourhood, `get_gradient_weight`),
    `deformable_col2im_coord` (`get_coordinate_weight`) and grad_weight = grad_output_g @
    columns_gᵀ. Returns columns, output and (grad_input, grad_offset, grad_weight)."""
    x, offset, weight = (np.asarray(a) for a in (x, offset, weight))
    T_ = x.dtype.type
    N, C, H, W = x.shape
    O, Cg, kh, kw = weight.shape
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    Ho = (H + 2 * ph - (dh * (kh - 1) + 1)) // sh + 1
    Wo = (W + 2 * pw - (dw * (kw - 1) + 1)) // sw + 1
    per_group = C // deform_groups

    def position(n, c, i, j, ho, wo):
        g = c // per_group
        t = i * kw + j
        oh = offset[n, g * 2 * kh * kw + 2 * t, ho, wo]
        ow = offset[n, g * 2 * kh * kw + 2 * t + 1, ho, wo]
        return T_(ho * sh - ph + i * dh) + oh, T_(wo * sw - pw + j * dw) + ow

    def bilinear(plane, h, w):
        if h <= -1 or H <= h or w <= -1 or W <= w:
            return T_(0)
        h_low, w_low = int(math.floor(h)), int(math.floor(w))
        h_high, w_high = h_low + 1, w_low + 1
        lh, lw = h - T_(h_low), w - T_(w_low)
        hh, hw = T_(1) - lh, T_(1) - lw
        v1 = plane[h_low, w_low] if h_low >= 0 and w_low >= 0 else T_(0)
        v2 = plane[h_low, w_high] if h_low >= 0 and w_high <= W - 1 else T_(0)
        v3 = plane[h_high, w_low] if h_high <= H - 1 and w_low >= 0 else T_(0)
        v4 = plane[h_high, w_high] if h_high <= H - 1 and w_high <= W - 1 else T_(0)
        w1, w2, w3, w4 = hh * hw, hh * lw, lh * hw, lh * lw
        return w1 * v1 + w2 * v2 + w3 * v3 + w4 * v4

    columns = np.zeros((C * kh * kw, N * Ho * Wo), x.dtype)
    for n in range(N):
        for c in range(C):
            for i in range(kh):
                for j in range(kw):
                    for ho in range(Ho):
                        for wo in range(Wo):
                            h, w = position(n, c, i, j, ho, wo)
                            val = T_(0)
                            if h > -1 and w > -1 and h < H and w < W:
                                val = bilinear(x[n, c], h, w)
                            columns[(c * kh + i) * kw + j, (n * Ho + ho) * Wo + wo] = val
    Og, rows = O // groups, Cg * kh * kw
    output = np.zeros((N, O, Ho, Wo), np.float64)
    for g in range(groups):
        for o in range(Og):
            for col in range(N * Ho * Wo):
                n, rest = divmod(col, Ho * Wo)
                output[n, g * Og + o].flat[rest] = math.fsum(
                    float(weight[g * Og + o].flat[r]) * float(columns[g * rows + r, col]) for r in range(rows))
    if grad_output is None:
        return columns, output, None
    go = np.asarray(grad_output, np.float64)
    # gradient of the columns: weight_gᵀ @ grad_output_g
    grad_columns = np.zeros(columns.shape, np.float64)
    for g in range(groups):
        for r in range(rows):
            for col in range(N * Ho * Wo):
                n, rest = divmod(col, Ho * Wo)
                grad_columns[g * rows + r, col] = math.fsum(
                    float(weight[g * Og + o].flat[r]) * go[n, g * Og + o].flat[rest] for o in range(Og))
    xd, offd = x.astype(np.float64), offset.astype(np.float64)

    def gradient_weight(ah, aw, hh_, ww_):  # get_gradient_weight_cpu
        if ah <= -1 or ah >= H or aw <= -1 or aw >= W:
            return 0.0
        hl, wl = math.floor(ah), math.floor(aw)
        weight_ = 0.0
        if hh_ == hl and ww_ == wl:
            weight_ = (hh_ + 1 - ah) * (ww_ + 1 - aw)
        if hh_ == hl and ww_ == wl + 1:
            weight_ = (hh_ + 1 - ah) * (aw + 1 - ww_)
        if hh_ == hl + 1 and ww_ == wl:
            weight_ = (ah + 1 - hh_) * (ww_ + 1 - aw)
        if hh_ == hl + 1 and ww_ == wl + 1:
            weight_ = (ah + 1 - hh_) * (aw + 1 - ww_)
        return weight_

    def coordinate_weight(ah, aw, plane, direction):  # get_coordinate_weight_cpu
        if ah <= -1 or ah >= H or aw <= -1 or aw >= W:
            return 0.0
        hl, wl = math.floor(ah), math.floor(aw)
        hh_, wh_ = hl + 1, wl + 1
        weight_ = 0.0
        if direction == 0:
            if hl >= 0 and wl >= 0: weight_ += -1 * (wl + 1 - aw) * plane[hl, wl]
            if hl >= 0 and wh_ <= W - 1: weight_ += -1 * (aw - wl) * plane[hl, wh_]
            if hh_ <= H - 1 and wl >= 0: weight_ += (wl + 1 - aw) * plane[hh_, wl]
            if hh_ <= H - 1 and wh_ <= W - 1: weight_ += (aw - wl) * plane[hh_, wh_]
        else:
            if hl >= 0 and wl >= 0: weight_ += -1 * (hl + 1 - ah) * plane[hl, wl]
            if hl >= 0 and wh_ <= W - 1: weight_ += (hl + 1 - ah) * plane[hl, wh_]
            if hh_ <= H - 1 and wl >= 0: weight_ += -1 * (ah - hl) * plane[hh_, wl]
            if hh_ <= H - 1 and wh_ <= W - 1: weight_ += (ah - hl) * plane[hh_, wh_]
        return weight_

    grad_input = np.zeros(x.shape, np.float64)
    grad_offset = np.zeros(offset.shape, np.float64)
    for n in range(N):
        for c in range(C):
            g = c // per_group
            for i in range(kh):
                for j in range(kw):
                    t = i * kw + j
                    for ho in range(Ho):
                        for wo in range(Wo):
                            ah = float(ho * sh - ph + i * dh) + offd[n, g * 2 * kh * kw + 2 * t, ho, wo]
                            aw = float(wo * sw - pw + j * dw) + offd[n, g * 2 * kh * kw + 2 * t + 1, ho, wo]
                            top = grad_columns[c * kh * kw + t, (n * Ho + ho) * Wo + wo]
                            # deformable_col2im
                            ch, cw = int(ah), int(aw)  # C's truncation
                            for dy in range(-2, 3):
                                for dx in range(-2, 3):
                                    if 0 <= ch + dy < H and 0 <= cw + dx < W and abs(ah - (ch + dy)) < 1 and \
                                            abs(aw - (cw + dx)) < 1:
                                        grad_input[n, c, ch + dy, cw + dx] += \
                                            gradient_weight(ah, aw, ch + dy, cw + dx) * top
                            # deformable_col2im_coord
                            if ah <= -1 or aw <= -1 or ah >= H or aw >= W:
                                ah = aw = -2.0
                            for direction in (0, 1):
                                grad_offset[n, g * 2 * kh * kw + 2 * t + direction, ho, wo] += \
                                    coordinate_weight(ah, aw, xd[n, c], direction) * top
    grad_weight = np.zeros(weight.shape, np.float64)
    for g in range(groups):
        for o in range(Og):
            for r in range(rows):
                grad_weight[g * Og + o].flat[r] = math.fsum(
                    go[col // (Ho * Wo), g * Og + o].flat[col % (Ho * Wo)] * float(columns[g * rows + r, col])
                    for col in range(N * Ho * Wo))
    return columns, output, (grad_input, grad_offset, grad_weight)


# the deformable convolution's cases (`deform_conv_fixture`): batch, channels, height, width, output
# channels, groups, deform groups, stride (kernel 3, padding 1, dilation 1)
DEFORM_CASES = [(1, 4, 5, 6, 4, 1, 1, 1), (2, 4, 6, 5, 6, 2, 2, 1), (1, 4, 7, 6, 4, 1, 2, 2), (2, 6, 5, 7, 4, 2, 1, 2)]


def deform_conv_case(rng, batch, channels, height, width, out_channels, groups, deform_groups, stride):
    """One seeded case: float32 input, weights, a gradient weighting R, and offsets in multiples
    of 1/256 in (−2.5, 2.5) (fractional, some positions outside the map), with, in deform group
    0 of the first image, positions set exactly on h = −1 (reads 0), at h = −0.75 (the upper
    corners outside), on an integer inside the map, on h = H − 1 (the lower corners outside), on
    h = H (reads 0) and at w = W − 0.5 (the right corners outside)."""
    x = rng.normal(0, 1, (batch, channels, height, width)).astype(np.float32)
    weight = rng.normal(0, 0.3, (out_channels, channels // groups, 3, 3)).astype(np.float32)
    ho = (height + 2 - 3) // stride + 1
    wo = (width + 2 - 3) // stride + 1
    offset = (rng.integers(-640, 641, (batch, deform_groups * 18, ho, wo)) / 256).astype(np.float32)
    base_h = lambda oy, i: oy * stride - 1 + i  # noqa: E731
    base_w = lambda ox, j: ox * stride - 1 + j  # noqa: E731
    offset[0, 0, 0, 0], offset[0, 1, 0, 0] = -1 - base_h(0, 0), 0.5            # tap 0 at h = −1
    offset[0, 0, 0, 1], offset[0, 1, 0, 1] = -0.75 - base_h(0, 0), 0.25        # tap 0 at h = −0.75
    offset[0, 8, 1, 1], offset[0, 9, 1, 1] = 1.0, -1.0                          # tap 4 on integers
    offset[0, 16, ho - 1, 0] = height - 1 - base_h(ho - 1, 2)                   # tap 8 at h = H − 1
    offset[0, 16, ho - 1, 1] = height - base_h(ho - 1, 2)                       # tap 8 at h = H
    offset[0, 10, 0, wo - 1] = 0.125
    offset[0, 11, 0, wo - 1] = width - 0.5 - base_w(wo - 1, 2)                  # tap 5 at w = W − 0.5
    r = rng.normal(0, 1, (batch, out_channels, ho, wo)).astype(np.float32)
    return x, offset, weight, r


def deform_conv_self_check(cases=DEFORM_CASES, seed=23):
    """`mmcv_deform_conv2d` against `deform_conv_loops` (an independent scalar transcription of
    mmcv's CPU kernels) on the seeded cases: the float32 columns bit for bit, the float32 and
    float64 outputs (relative to the largest magnitude), and the float64 autograd gradients of
    sum(output · R) against mmcv's own backward formulas (col2im, col2im_coord, columns for the
    weights). Returns the cases' tensors and the figures."""
    rng = np.random.default_rng(seed)
    results, figures = [], dict(columns_bitwise=True, output_float32=0.0, output_float64=0.0, gradients_float64=0.0)
    for spec in cases:
        groups, deform_groups, stride = spec[5:]
        x, offset, weight, r = deform_conv_case(rng, *spec)
        args = dict(stride=stride, padding=1, dilation=1, groups=groups, deform_groups=deform_groups)
        # float32: the port's columns are the loops' bit for bit
        columns, reference, _ = deform_conv_loops(x, offset, weight, grad_output=None, **args)
        tensors = [torch.from_numpy(a).requires_grad_() for a in (x, offset, weight)]
        out = mmcv_deform_conv2d(*tensors, **args)
        (out * torch.from_numpy(r)).sum().backward()
        port_columns = deform_columns(*(t.detach() for t in tensors[:2]), weight.shape, **args)[0]
        figures['columns_bitwise'] &= bool(np.array_equal(port_columns.numpy(), columns))
        scale = np.abs(reference).max()
        error = np.abs(out.detach().double().numpy() - reference).max() / scale
        figures['output_float32'] = max(figures['output_float32'], float(error))
        # float64: output and the gradients against mmcv's backward formulas
        _, reference64, grads = deform_conv_loops(x.astype(np.float64), offset.astype(np.float64),
                                                          weight.astype(np.float64), grad_output=r, **args)
        doubles = [torch.from_numpy(a.astype(np.float64)).requires_grad_() for a in (x, offset, weight)]
        out64 = mmcv_deform_conv2d(*doubles, **args)
        (out64 * torch.from_numpy(r.astype(np.float64))).sum().backward()
        error = np.abs(out64.detach().numpy() - reference64).max() / scale
        figures['output_float64'] = max(figures['output_float64'], float(error))
        for t, g in zip(doubles, grads):
            figures['gradients_float64'] = max(figures['gradients_float64'],
                                               float(np.abs(t.grad.numpy() - g).max() / np.abs(g).max()))
        results.append(dict(spec=spec, args=args, x=x, offset=offset, weight=weight, r=r, output=out.detach().numpy(),
                            grads=[t.grad.numpy() for t in tensors]))
    return results, figures


def float32_values(a):
    """A float32 array as {shape, data}: row-major values, each the shortest decimal that reads
    back as the same float32 (also through float64)."""
    a = np.asarray(a, np.float32)
    data = []
    for v in a.ravel():
        text = float(str(v))
        assert np.float32(text) == v
        data.append(text)
    return dict(shape=list(a.shape), data=data)


def deform_conv_fixture():
    """Tests/Fixtures/deform_conv/deform_conv.json: `mmcv_deform_conv2d`'s float32 output and the
    autograd gradients of sum(output · R) for the seeded DEFORM_CASES, with the self-check's figures."""
    results, figures = deform_conv_self_check()
    assert figures['columns_bitwise'] and figures['output_float64'] < 1e-13 and \
        figures['gradients_float64'] < 1e-13, figures
    cases = []
    for res in results:
        cases.append(dict(kernel=3, out_channels=res['spec'][4], **res['args'],
                          input=float32_values(res['x']), offset=float32_values(res['offset']),
                          weight=float32_values(res['weight']), r=float32_values(res['r']),
                          output=float32_values(res['output']), grad_input=float32_values(res['grads'][0]),
                          grad_offset=float32_values(res['grads'][1]), grad_weight=float32_values(res['grads'][2])))
    folder = os.path.join(ROOT, 'deform_conv')
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'deform_conv.json'), 'w') as f:
        json.dump(dict(torch=torch.__version__, seed=23, self_check=figures, cases=cases), f)
    print('deform_conv', len(cases), 'cases; self-check', figures)


@contextlib.contextmanager
def dekr_trace(store):
    """Records, per decoded image, what DEKRHead.decode hands on: the SPR codec's inputs (the
    flip-merged heatmaps and displacements) and outputs, the rescore net's inputs and instance
    scores, and nearby_joints_nms's inputs and kept indices (one dict per `SPR.decode` call)."""
    import mmpose.models.heads.hybrid_heads.dekr_head as dekr_module
    from mmpose.codecs import SPR
    original_decode, original_rescore = SPR.decode, dekr_module.RescoreNet.forward
    original_nms = dekr_module.nearby_joints_nms

    def decode(self, heatmaps, displacements):
        entry = dict(codec=self, heatmaps=heatmaps.detach().clone(), displacements=displacements.detach().clone())
        store.append(entry)
        keypoints, (root_scores, keypoint_scores) = original_decode(self, heatmaps, displacements)
        entry['decoded'] = (keypoints.detach().clone(), root_scores.detach().clone(), keypoint_scores.detach().clone())
        return keypoints, (root_scores, keypoint_scores)

    def rescore(self, keypoints, keypoint_scores, skeleton):
        out = original_rescore(self, keypoints, keypoint_scores, skeleton)
        store[-1]['rescore'] = dict(scores=out.detach().clone())
        return out

    def nms(kpts_db, dist_thr, num_nearby_joints_thr=None, score_per_joint=False, max_dets=30):
        keep = original_nms(kpts_db, dist_thr, num_nearby_joints_thr, score_per_joint, max_dets)
        store[-1]['nms'] = dict(keypoints=np.array([k['keypoints'] for k in kpts_db]),
                                scores=np.array([k['score'] for k in kpts_db]), dist_thr=dist_thr,
                                joints_thr=num_nearby_joints_thr, score_per_joint=score_per_joint, max_dets=max_dets,
                                keep=[int(k) for k in keep])
        return keep

    SPR.decode, dekr_module.RescoreNet.forward, dekr_module.nearby_joints_nms = decode, rescore, nms
    try:
        yield
    finally:
        SPR.decode, dekr_module.RescoreNet.forward = original_decode, original_rescore
        dekr_module.nearby_joints_nms = original_nms


def calibrate_dekr(model, cfg, seed):
    """Rescales layers of the DEKR head on the fixture's images (and their flips), in this order:
    each AdaptiveActivationBlock's transform_matrix_conv (weights and bias by one factor) so that
    its deformable offsets have an RMS of DEKR_OFFSET_RMS pixels; the heatmap branch's final conv
    (`heatmap_conv_layers.2`): the keypoint channels 0..K-1 by an affine map per flip pair so that
    the flip-merged keypoint heatmaps have mean DEKR_KEYPOINT_LEVEL and standard deviation
    DEKR_KEYPOINT_SPREAD (DEKR_ROOT_BORDER pixels from the border), the root channel K (the last)
    so that the merged root heatmap's standard deviation there is DEKR_ROOT_SPREAD and the
    decoder's threshold lies in the widest gap between the root peaks (the NMS's local maxima) that
    leaves 3 to 20 above it in every image, DEKR_ROOTS ± 2 in the median; where the peaks above
    the threshold would include one within DEKR_ROOT_BORDER pixels of the map's border (a random
    network's maps peak at the zero padding) the root row is drawn again (normal, from a generator
    seeded with `seed` + 1); the displacement branch's final grouped conv
    (`displacement_conv_layers.3`): one common factor on the weights so that the merged
    displacements vary by DEKR_DISPLACEMENT_SPREAD pixels inside the map (the standard deviation
    per channel, pooled, DEKR_ROOT_BORDER pixels from the border) and biases that centre keypoint
    k at DEKR_TEMPLATE[k] × DEKR_PERSON_HEIGHT pixels from its root; and the rescore net's last
    linear layer (`rescore_net.l3`) by an affine map so that the decoded people's instance scores
    have mean DEKR_RESCORE_LEVEL and standard deviation DEKR_RESCORE_SPREAD, or less where the
    lowest would fall below DEKR_RESCORE_MIN. Every map is an affine image of the drawn network's,
    so the draw (`seed`) still decides everything else. Returns the calibration's figures."""
    from mmengine.dataset import pseudo_collate
    from mmpose.codecs.utils import batch_heatmap_nms
    from mmpose.registry import DATASETS
    head = model.head
    K, codec = head.num_keypoints, head.decoder
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    generator = torch.Generator().manual_seed(seed + 1)  # (`randomize` draws from `seed`)
    model.eval()
    figures = {}
    with torch.no_grad():
        features = []  # per image: the data samples and the neck's features of it and its flip
        for i in range(len(dataset)):
            data = model.data_preprocessor(pseudo_collate([dataset[i]]), False)
            features.append((data['data_samples'], [model.extract_feat(data['inputs']),
                                                    model.extract_feat(data['inputs'].flip(-1))]))
        maps = [f[-1] for _, pair in features for f in pair]

        def decoded_now():
            store = []
            with dekr_trace(store):
                for samples, feats in features:
                    head.predict(feats, samples, test_cfg=model.test_cfg)
            return store

        # the deformable convolutions' offsets (as AdaptiveActivationBlock.forward makes them)
        for index in (1, 2):
            block = head.displacement_conv_layers[index]
            offsets = torch.cat([dekr_offsets(block, head.displacement_conv_layers[:index](x)).flatten() for x in maps])
            scale = DEKR_OFFSET_RMS / offsets.double().pow(2).mean().sqrt().item()
            block.transform_matrix_conv.weight *= scale
            block.transform_matrix_conv.bias *= scale
        # the keypoint heatmaps, a keypoint and its flip partner alike (so that the merged maps
        # stay an affine image of the drawn ones), on their values DEKR_ROOT_BORDER pixels from
        # the border
        conv = head.heatmap_conv_layers[2]
        store = decoded_now()
        b = DEKR_ROOT_BORDER
        flip = dataset.metainfo['flip_indices']
        for pair in sorted({tuple(sorted({k, flip[k]})) for k in range(K)}):
            values = torch.cat([e['heatmaps'][list(pair), b:-b, b:-b].flatten() for e in store]).double()
            scale = DEKR_KEYPOINT_SPREAD / values.std().item()
            for k in pair:
                conv.weight[k] *= scale
                conv.bias[k] = conv.bias[k] * scale + (DEKR_KEYPOINT_LEVEL - scale * values.mean().item())
        # the root heatmap
        redrawn = 0
        while True:
            roots = [e['heatmaps'][K] for e in decoded_now()]
            peaks, inner = [], []
            for r in roots:
                kept = batch_heatmap_nms(r[None, None], codec.decode_nms_kernel)[0, 0]
                at = (kept == r) & (kept != 0)
                ys, xs = at.nonzero(as_tuple=True)
                b = DEKR_ROOT_BORDER
                inside = (ys >= b) & (ys < r.shape[0] - b) & (xs >= b) & (xs < r.shape[1] - b)
                values = r[at].double().numpy()
                peaks.append(values)
                inner.append(values[inside.numpy()])
            levels = np.unique(np.concatenate(peaks))
            best = None
            for low, high in zip(levels[:-1], levels[1:]):
                level = (low + high) / 2
                counts = [int((p > level).sum()) for p in peaks]
                if min(counts) < 3 or max(counts) > 20 or abs(np.median(counts) - DEKR_ROOTS) > 2 or \
                        any((p > level).sum() != (q > level).sum() for p, q in zip(peaks, inner)):
                    continue
                gap = min(np.abs(p - level).min() for p in peaks)
                if best is None or gap > best[0]:
                    best = (gap, level, counts)
            if best is not None:
                break
            conv.weight[K] = torch.randn(conv.weight[K].shape, generator=generator)
            redrawn += 1
            assert redrawn < 100, 'no root heatmap with inner peaks'
        b = DEKR_ROOT_BORDER
        scale = DEKR_ROOT_SPREAD / torch.cat([r[b:-b, b:-b].flatten() for r in roots]).double().std().item()
        conv.weight[K] *= scale
        conv.bias[K] = conv.bias[K] * scale + (codec.decode_thr - scale * best[1])
        figures.update(root_rows_redrawn=redrawn, root_peaks=best[2], root_gap=best[0] * scale)
        # the displacements: the merged field of keypoint k is ((d_k + flip(−d'_f) + 0.75) / 2,
        # (d_k + flip(d'_f)) / 2) on x and y (f = the flip partner of k, d' the flipped image's),
        # so one factor on every channel's weights keeps it an affine image of the drawn one; the
        # biases b move its mean by (b_xk − b_xf) / 2 and (b_yk + b_yf) / 2: the least-squares b
        # (minimum norm) brings the mean inside the map to the template's offset
        conv = head.displacement_conv_layers[3]
        conv.bias.zero_()
        fields = [e['displacements'][:, b:-b, b:-b].double() for e in decoded_now()]
        spread = np.sqrt(np.mean([f.var(dim=(1, 2)).mean().item() for f in fields]))
        scale = DEKR_DISPLACEMENT_SPREAD / spread
        conv.weight *= scale
        mean = scale * torch.stack([f.mean(dim=(1, 2)) for f in fields]).mean(0).numpy()
        effect = np.zeros((2 * K, 2 * K))
        for k in range(K):
            f = dataset.metainfo['flip_indices'][k]
            effect[2 * k, 2 * k] += 0.5
            effect[2 * k, 2 * f] -= 0.5
            effect[2 * k + 1, 2 * k + 1] += 0.5
            effect[2 * k + 1, 2 * f + 1] += 0.5
        target = (np.array(DEKR_TEMPLATE) * DEKR_PERSON_HEIGHT).ravel()
        bias = np.linalg.lstsq(effect, target - mean, rcond=None)[0]
        conv.bias.copy_(torch.from_numpy(bias))
        # the rescore net's output
        scores = torch.cat([e['rescore']['scores'] for e in decoded_now() if 'rescore' in e]).double()
        linear = head.rescore_net.l3
        mean = scores.mean().item()
        scale = min(DEKR_RESCORE_SPREAD / scores.std().item(),
                    (DEKR_RESCORE_LEVEL - DEKR_RESCORE_MIN) / (mean - scores.min().item()))
        linear.weight *= scale
        linear.bias.copy_(linear.bias * scale + (DEKR_RESCORE_LEVEL - scale * mean))
    return figures


def dekr_offsets(block, x):
    """An AdaptiveActivationBlock's offsets for the deformable convolution (its forward's)."""
    B, _, H, W = x.shape
    affine = block.transform_matrix_conv(x).permute(0, 2, 3, 1).contiguous().view(B, H, W, block.groups, 2, 3)
    offset = torch.matmul(affine, block.regular_matrix).transpose(4, 5).reshape(B, H, W, block.groups * 18)
    return offset.permute(0, 3, 1, 2).contiguous()


def fma32(a, b, c):
    """float32 fused multiply-add, a · b + c rounded once (the product is exact in float64; the
    sum's float64 rounding error, from TwoSum, settles a tie of the float32 rounding)."""
    a, b, c = float(a), float(b), float(c)
    p = a * b
    s = p + c
    t = s - p
    err = (p - (s - t)) + (c - t)
    r = np.float32(s)
    if err != 0:
        if float(r) <= s:
            lo, hi = r, np.nextafter(r, np.float32(np.inf))
        else:
            lo, hi = np.nextafter(r, np.float32(-np.inf)), r
        if s == (float(lo) + float(hi)) / 2:
            r = hi if err > 0 else lo
    return np.float32(r)


def spr_keypoint_scores(heatmaps, keypoints):
    """SPR.get_keypoint_scores retraced in numpy float32, every operation as PyTorch's CPU
    grid_sample kernel (this wheel's AVX512 build, whose compiler fused a multiply and the add that
    follows into one FMA) rounds it, bilinear, padding 'border', align_corners=False: the grid
    coordinate g = x / (w − 1) · 2 − 1 (three roundings, PyTorch's elementwise ops), the sampling
    position clamp(fma(g + 1, w / 2, −0.5), 0, w − 1) (so x · w / (w − 1) − 0.5, not x), the
    corner weights (1 − ty)(1 − tx), (1 − ty)tx, ty(1 − tx), ty·tx, a corner beyond the last row
    or column reading 0, and the value fma(se, w_se, fma(sw, w_sw, fma(ne, w_ne, nw · w_nw))).
    heatmaps K × h × w, keypoints N × K × 2 (heatmap pixels). Returns the scores and positions."""
    f = np.float32
    K, h, w = heatmaps.shape
    out = np.zeros(keypoints.shape[:2], np.float32)
    positions = np.zeros(keypoints.shape, np.float32)
    for n in range(keypoints.shape[0]):
        for k in range(K):
            gx = keypoints[n, k, 0] / f(w - 1) * f(2) - f(1)
            gy = keypoints[n, k, 1] / f(h - 1) * f(2) - f(1)
            x = min(max(fma32(gx + f(1), f(w / 2), f(-0.5)), f(0)), f(w - 1))
            y = min(max(fma32(gy + f(1), f(h / 2), f(-0.5)), f(0)), f(h - 1))
            positions[n, k] = x, y
            x0, y0 = np.floor(x), np.floor(y)
            tx, ty = x - x0, y - y0
            ex, sy = f(1) - tx, f(1) - ty
            ix, iy = int(x0), int(y0)
            nw = heatmaps[k, iy, ix]
            ne = heatmaps[k, iy, ix + 1] if ix + 1 < w else f(0)
            sw = heatmaps[k, iy + 1, ix] if iy + 1 < h else f(0)
            se = heatmaps[k, iy + 1, ix + 1] if ix + 1 < w and iy + 1 < h else f(0)
            value = fma32(ne, sy * tx, nw * (sy * ex))
            value = fma32(sw, ty * ex, value)
            out[n, k] = fma32(se, ty * tx, value)
    return out, positions


def nearby_nms_retrace(keypoints, joint_scores, dist_thr, joints_thr=None, max_dets=30):
    """nearby_joints_nms (score_per_joint=True) retraced step by step in numpy as MMPose computes
    it (float32 keypoints and scores), with its decisions' margins: returns the kept indices and
    figures (the instances' scores and processing order, close pairs, how often an instance's best
    close neighbour was another or was already suppressed, the smallest gap between two scores and
    the smallest distance change that would flip a pair's closeness)."""
    scores = np.array([s.mean() for s in joint_scores])
    kpts = np.asarray(keypoints)
    num_people, num_joints, _ = kpts.shape
    if joints_thr is None:
        joints_thr = num_joints // 2
    area = kpts.max(axis=1) - kpts.min(axis=1)
    area = np.sqrt(np.power(area, 2).sum(axis=1))
    thr = np.tile(area.reshape(num_people, 1, 1), (num_people, num_joints)) * dist_thr
    dist = np.sqrt(np.power(kpts[:, None] - kpts, 2).sum(axis=3))
    close = (dist < thr).sum(2) > joints_thr
    margin = math.inf
    for i in range(num_people):
        for j in range(num_people):
            if i == j:
                continue
            diff = (thr[i, j] - dist[i, j]).astype(np.float64)
            count = int((diff > 0).sum())
            if count > joints_thr:
                margin = min(margin, float(np.sort(diff[diff > 0])[count - joints_thr - 1]))
            else:
                margin = min(margin, float(np.sort(-diff[diff <= 0])[joints_thr - count]))
    order = np.argsort(scores)[::-1]
    ignored, keep = set(), []
    other_best = already_ignored = 0
    for i in order:
        if i in ignored:
            continue
        inds = close[i].nonzero()[0]
        best = inds[np.argmax(scores[inds])]
        other_best += int(best != i)
        if best not in ignored:
            keep.append(best)
            ignored = ignored.union(set(inds))
        else:
            already_ignored += 1
    limited = max_dets > 0 and len(keep) > max_dets
    if limited:
        keep = [keep[i] for i in np.argsort(scores[keep])[-1:-max_dets - 1:-1]]
    sorted_scores = np.sort(scores.astype(np.float64))
    figures = dict(scores=scores.astype(float).tolist(), order=order.tolist(),
                   close_pairs=int(close.sum() - np.trace(close)), other_best=other_best,
                   best_already_suppressed=already_ignored, limited=bool(limited),
                   score_gap=float(np.diff(sorted_scores).min()) if num_people > 1 else None,
                   closeness_margin=margin if margin < math.inf else None)
    return [int(k) for k in keep], figures


def dekr_decoding(entry):
    """One image's decoding by DEKRHead and the SPR codec, retraced and checked against what
    MMPose computed: the decoder's inputs' checksums; the root peaks (NMS kernel, threshold,
    top-k) with their margins; every decoded instance (root position, root score, keypoints in
    input pixels, keypoint scores and the positions grid_sample reads them at); the rescore net's
    instance scores; nearby_joints_nms's scores, kept indices and margins."""
    from mmpose.codecs.utils import batch_heatmap_nms
    codec = entry['codec']
    heatmaps, displacements = entry['heatmaps'], entry['displacements']
    K = displacements.shape[0] // 2
    h, w = heatmaps.shape[1:]
    keypoints, root_scores, keypoint_scores = entry['decoded']
    # the roots: 5 × 5 max-pool NMS on the last (root) channel, top decode_max_instances, > decode_thr
    root = heatmaps[-1]
    maximum = torch.nn.functional.max_pool2d(root[None, None], codec.decode_nms_kernel, stride=1,
                                             padding=(codec.decode_nms_kernel - 1) // 2)[0, 0]
    peaks = batch_heatmap_nms(root[None, None], codec.decode_nms_kernel)[0, 0]
    values, index = peaks.flatten().topk(codec.decode_max_instances)
    mask = values > codec.decode_thr
    assert torch.equal(values[mask], root_scores)
    index = index[mask]
    maxima = root[root == maximum].double()
    candidates = maxima[maxima > codec.decode_thr]
    # the keypoints: regular grid + displacement at the root, times the codec's scale factor
    field = displacements.view(K, 2, h, w)
    ys, xs = index // w, index % w
    grid = torch.stack([xs, ys]).to(field)[None]
    raw = (grid + field[:, :, ys, xs]).permute(2, 0, 1)
    scaled = torch.cat([raw[..., i:i + 1] * codec.scale_factor[i] for i in range(2)], dim=-1)
    assert torch.equal(scaled, keypoints)
    scores, positions = spr_keypoint_scores(heatmaps[:K].numpy(), raw.numpy())
    assert np.array_equal(scores, keypoint_scores.numpy()), 'grid_sample retraced differs'
    decoder = dict(roots=torch.stack([xs, ys], 1).tolist(), root_scores=root_scores.tolist(),
                   keypoints=keypoints.double().tolist(), keypoint_scores=keypoint_scores.double().tolist(),
                   sample_positions=positions.astype(float).tolist(),
                   candidates=len(candidates), candidate_ties=len(candidates) - len(candidates.unique()),
                   value_margin=float((maxima - codec.decode_thr).abs().min()),
                   candidate_gap=float(candidates.sort().values.diff().min()) if len(candidates) > 1 else None)
    out = dict(decoder_inputs=dict(heatmaps=tensor_checksums(heatmaps[None]),
                                   displacements=tensor_checksums(displacements[None])),
               decoder=decoder)
    if 'rescore' in entry:
        r = entry['rescore']
        instance = r['scores']
        out['rescore'] = dict(instance_scores=instance.double().tolist(), nan=int(torch.isnan(instance).sum()),
                              root_scores=(root_scores * torch.nan_to_num(instance, nan=0.0)).double().tolist())
    if 'nms' in entry:
        n = entry['nms']
        keep, figures = nearby_nms_retrace(n['keypoints'], n['scores'], n['dist_thr'], n['joints_thr'], n['max_dets'])
        assert keep == n['keep'], 'nearby_joints_nms retraced differs'
        out['nms'] = dict(keep=keep, **figures)
    return out


def nearby_nms_cases():
    """MMPose's nearby_joints_nms (as DEKRHead calls it: per-joint scores, dist_thr 0.05, at most
    30) on made-up people, for what the fixture's images do not reach (there no two decoded
    people are close): seeded near-duplicates of person-shaped poses (input pixels), one with a
    far joint (its larger pose area makes it close to its original but not the reverse), one case
    with max_dets 3, and a chain: k, j (k moved by 1.5 of k's distance thresholds, with a far
    joint: close to k by its own larger threshold, not k to it) and i (j moved by 0.75 more, no far
    joint: close to j, not to k), scores k > j > i, among two others; k is kept, j passed over
    (its best close neighbour, k, is already suppressed), and i's best close neighbour j is kept
    when i comes (after i's own turn, in the order of the kept list)."""
    from mmpose.evaluation.functional.nms import nearby_joints_nms
    rng = np.random.default_rng(17)
    template = np.array(DEKR_TEMPLATE)
    cases = []
    for people, max_dets in [(5, 30), (6, 30), (7, 3)]:
        poses = []
        for _ in range(people):
            centre, height = rng.uniform(40, 200, 2), rng.uniform(40, 120)
            base = centre + template * height + rng.normal(0, 0.02 * height, template.shape)
            poses.append(base)
            for kind in rng.permutation(['near', 'near', 'far_joint', 'apart'])[:rng.integers(1, 4)]:
                thr = 0.05 * np.hypot(*(base.max(0) - base.min(0)))
                if kind == 'near':  # every joint well within the distance threshold
                    poses.append(base + rng.normal(0, 0.15 * thr, base.shape))
                elif kind == 'far_joint':  # moved by 1.5 × its original's threshold, one joint far away
                    moved = base + 1.5 * thr * np.array([0.6, 0.8])
                    moved[16] += [0, 3 * height]
                    poses.append(moved)
                else:  # moved by 3 thresholds: not close
                    poses.append(base + 3 * thr * np.array([0.8, -0.6]))
        kpts = np.array(poses, np.float32)
        joint_scores = rng.uniform(0.1, 0.9, kpts.shape[:2]).astype(np.float32)
        db = [dict(keypoints=k, score=s) for k, s in zip(kpts, joint_scores)]
        keep = [int(k) for k in nearby_joints_nms(db, 0.05, None, score_per_joint=True, max_dets=max_dets)]
        retraced, figures = nearby_nms_retrace(kpts, joint_scores, 0.05, None, max_dets)
        assert retraced == keep, 'nearby_joints_nms retraced differs'
        cases.append(dict(keypoints=kpts.astype(float).tolist(), keypoint_scores=joint_scores.astype(float).tolist(),
                          dist_thr=0.05, num_nearby_joints_thr=None, max_dets=max_dets, keep=keep, **figures))
    # the chain
    poses, levels = [], []
    centre, height = rng.uniform(60, 180, 2), 80.0
    base = centre + template * height + rng.normal(0, 0.02 * height, template.shape)
    thr = 0.05 * np.hypot(*(base.max(0) - base.min(0)))
    j = base + 1.5 * thr * np.array([0.6, 0.8])
    j[16] += [0, 3 * height]
    poses += [base + 2.25 * thr * np.array([0.6, 0.8]), j, base]  # i, j, k
    levels += [0.3, 0.5, 0.7]
    for _ in range(2):
        poses.append(rng.uniform(20, 240, 2) + template * rng.uniform(40, 120))
        levels.append(rng.uniform(0.2, 0.8))
    kpts = np.array(poses, np.float32)
    joint_scores = (np.array(levels)[:, None] + rng.uniform(-0.05, 0.05, kpts.shape[:2])).astype(np.float32)
    db = [dict(keypoints=k, score=s) for k, s in zip(kpts, joint_scores)]
    keep = [int(k) for k in nearby_joints_nms(db, 0.05, None, score_per_joint=True, max_dets=30)]
    retraced, figures = nearby_nms_retrace(kpts, joint_scores, 0.05, None, 30)
    assert retraced == keep and {1, 2} <= set(keep) and 0 not in keep, keep
    cases.append(dict(keypoints=kpts.astype(float).tolist(), keypoint_scores=joint_scores.astype(float).tolist(),
                      dist_thr=0.05, num_nearby_joints_thr=None, max_dets=30, keep=keep, **figures))
    return cases


def deform_sampling_hook(store):
    """A forward pre-hook for a DeformConv2d: counts where its taps read (see `run_dekr`)."""
    def hook(module, args):
        x, offset = args
        N, _, H, W = x.shape
        kh, kw = module.kernel_size
        Ho, Wo = offset.shape[2:]
        off = offset.double().reshape(N, -1, kh * kw, 2, Ho, Wo)
        i = torch.arange(kh).repeat_interleave(kw)
        j = torch.arange(kw).repeat(kh)
        h = (torch.arange(Ho) * module.stride[0] - module.padding[0])[None, :, None] + \
            (i * module.dilation[0])[:, None, None] + off[:, :, :, 0]
        w = (torch.arange(Wo) * module.stride[1] - module.padding[1])[None, None, :] + \
            (j * module.dilation[1])[:, None, None] + off[:, :, :, 1]
        valid = (h > -1) & (w > -1) & (h < H) & (w < W)
        whole = (h >= 0) & (w >= 0) & (h <= H - 1) & (w <= W - 1)
        s = store.setdefault(id(module), dict(taps=0, outside=0, partly_outside=0, integer=0, squares=0.0, max=0.0))
        s['taps'] += h.numel()
        s['outside'] += int((~valid).sum())
        s['partly_outside'] += int((valid & ~whole).sum())
        s['integer'] += int(((h == h.floor()) | (w == w.floor())).sum())
        s['squares'] += float(offset.double().pow(2).sum())
        s['max'] = max(s['max'], float(offset.abs().max()))
    return hook


def run_dekr(name, source, data, codec_changes, seed):
    """The DEKR family: the shrunk network with seeded weights and `calibrate_dekr`'s layers,
    mmcv's deformable convolution as `mmcv_deform_conv2d` (mmcv-lite has no compiled ops),
    MMPose's test loop on whole images (one per batch), each image's people in MMPose's order
    (nearby_joints_nms's) as the metric receives them, the decoding's details (`dekr_decoding`),
    the float64 run's people, and the metric's figures."""
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    # the port against the scalar transcription of mmcv's kernels (also groups = deform groups = 3)
    _, deform_check = deform_conv_self_check(DEFORM_CASES + [(1, 6, 5, 5, 6, 3, 3, 1)])
    assert deform_check['columns_bitwise'] and deform_check['output_float64'] < 1e-13 and \
        deform_check['gradients_float64'] < 1e-13, deform_check
    cfg = Config(fixture_config(source, data, codec_changes))
    with mmcv_deform_conv_port():
        torch.manual_seed(seed)
        init_default_scope('mmpose')
        model = MODELS.build(cfg.model)
        randomize(model, seed)
        calibration = calibrate_dekr(model, cfg, seed)
        weights = os.path.join(folder, 'weights.pth')
        torch.save(dict(meta=dict(mmpose_version=mmpose.__version__, seed=seed, family=name),
                        state_dict=model.state_dict()), weights)
        work = tempfile.mkdtemp()
        runner = Runner(model=cfg.model, work_dir=work, test_dataloader=cfg.test_dataloader,
                        test_evaluator=cfg.test_evaluator, test_cfg=dict(), load_from=weights,
                        default_scope='mmpose', custom_hooks=[dict(type='CaptureBottomup')],
                        log_level='WARNING')
        sampling = {}
        blocks = [runner.model.head.displacement_conv_layers[i].adapt_conv for i in (1, 2)]
        handles = [b.register_forward_pre_hook(deform_sampling_hook(sampling)) for b in blocks]
        CaptureBottomup.captured, trace = [], []
        with dekr_trace(trace):
            metrics = runner.test()
        for handle in handles:
            handle.remove()
        images = CaptureBottomup.captured
        assert len(images) == len(trace)
        for image, entry in zip(images, trace):
            image.update(dekr_decoding(entry))
            decoder, keep = image['decoder'], image.get('nms', {}).get('keep', [])
            assert len(keep) == len(image['people'])
            root = np.array(image['rescore']['root_scores'], np.float32) if keep else None
            for person, n in zip(image['people'], keep):
                scores = np.array(person['keypoint_scores'], np.float32)
                assert np.array_equal(scores, root[n] * np.array(decoder['keypoint_scores'][n], np.float32))
                person['instance'] = n
                person['score'] = float(np.mean(scores))  # CocoMetric's, score_mode 'keypoint'
        # the same test in float64 (the rescore net stays float32: its make_feature casts to float)
        runner.model.double()
        runner.model.head.rescore_net.float()
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
                f'tools/make_mmpose_parity_fixtures.py\n# (DeformConv2d ran as the script\'s port of '
                f'mmcv\'s deformable_im2col: mmcv-lite has no compiled ops)\n')
        f.write(text)
    deform = []
    for block in blocks:
        s = sampling[id(block)]
        deform.append(dict(taps=s['taps'], outside=s['outside'], partly_outside=s['partly_outside'],
                           on_integer=s['integer'], offset_rms=math.sqrt(s['squares'] / (2 * s['taps'])),
                           offset_max=s['max']))
    from mmpose.datasets.datasets.utils import parse_pose_metainfo
    meta = parse_pose_metainfo(dict(from_file=os.path.join(os.path.dirname(mmpose.__file__), '.mim', 'configs',
                                                           '_base_', 'datasets', 'coco.py')))
    expected = dict(source=source, seed=seed, mmpose=mmpose.__version__,
                    deform_conv=dict(port='mmcv_deform_conv2d (this script): deformable_im2col, addmm per group',
                                     self_check=deform_check),
                    calibration=dict(offset_rms=DEKR_OFFSET_RMS, keypoint_level=DEKR_KEYPOINT_LEVEL,
                                     keypoint_spread=DEKR_KEYPOINT_SPREAD, root_spread=DEKR_ROOT_SPREAD,
                                     roots=DEKR_ROOTS, root_border=DEKR_ROOT_BORDER,
                                     displacement_spread=DEKR_DISPLACEMENT_SPREAD, person_height=DEKR_PERSON_HEIGHT,
                                     rescore_level=DEKR_RESCORE_LEVEL, rescore_spread=DEKR_RESCORE_SPREAD,
                                     rescore_min=DEKR_RESCORE_MIN, **calibration),
                    deform_sampling=deform, skeleton_links=[list(map(int, l)) for l in meta['skeleton_links']],
                    images=images, nms_cases=nearby_nms_cases(), metrics={k: float(v) for k, v in metrics.items()})
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    for image in images:
        d, n = image['decoder'], image.get('nms', {})
        print(name, image['img_path'], image['input_size'], len(d['root_scores']), 'decoded,',
              len(image['people']), 'people (float64:', image['float64_people'], ') root margin %.2g gap %s,' % (
                  d['value_margin'], d['candidate_gap']),
              'nms score gap %s closeness margin %s close pairs %s' % (
                  n.get('score_gap'), n.get('closeness_margin'), n.get('close_pairs')))
    for case in expected['nms_cases']:
        print(name, 'nms case', len(case['keypoints']), 'people, kept', case['keep'], 'other best', case['other_best'],
              'already suppressed', case['best_already_suppressed'], 'limited', case['limited'],
              'margin %.3g score gap %.3g' % (case['closeness_margin'], case['score_gap']))
    print(name, 'deformable convolution self-check', deform_check)
    print(name, 'deformable sampling', deform)
    print(name, {k: round(v, 6) for k, v in expected['metrics'].items()})


@contextlib.contextmanager
def cid_trace(store):
    """Records, per CIDHead.predict call (one image, one dict appended to `store`), what the head
    computes on the way: the two branches' features the IIA module reads, the flip-averaged root
    heatmap before and after smoothing, the instances (root coordinates, scores, feature vectors),
    the GFD module's global features (conv_down), the spatial attention's conv input (channel sum,
    then the two relative-coordinate channels) and logits, the heatmap conv's input, the GFD
    output before flip merging, the merged instance heatmaps before and after smoothing, the
    codec's decoded keypoints and scores per instance, and how many values each truncated sigmoid
    clamped (`clamped`: IIA's root channel, then GFD's; low and high)."""
    import mmpose.models.heads.heatmap_heads.cid_head as cid
    from mmpose.codecs import DecoupledHeatmap
    original = dict(predict=cid.CIDHead.predict, smooth=cid.smooth_heatmaps, iia=cid.IIAModule.forward_test,
                    gfd=cid.GFDModule.forward, spatial=cid.SpatialAttention.forward,
                    sigmoid=cid.TruncSigmoid.forward, decode=DecoupledHeatmap.decode)

    def clone(x):
        return x.detach().clone()

    def predict(self, feats, batch_data_samples, test_cfg={}):
        store.append(dict(clamped={}, decoded=[],
                          flip_indices=list(batch_data_samples[0].metainfo['flip_indices'])))
        return original['predict'](self, feats, batch_data_samples, test_cfg)

    def smooth(heatmaps, blur_kernel_size):
        out = original['smooth'](heatmaps, blur_kernel_size)
        which = 'root' if heatmaps.shape[1] == 1 else 'instance'
        store[-1].update({which + '_merged': clone(heatmaps), which + '_smoothed': clone(out)})
        return out

    def iia(self, feats, test_cfg):
        out = original['iia'](self, feats, test_cfg)
        store[-1].update(feats=clone(feats), instance_feats=clone(out[0]), coords=clone(out[1]), scores=clone(out[2]))
        return out

    def gfd(self, feats, instance_feats, instance_coords, instance_imgids):
        captured = {}
        handle = self.heatmap_conv.register_forward_hook(lambda m, a, o: captured.update(heatmap_input=clone(a[0])))
        try:
            out = original['gfd'](self, feats, instance_feats, instance_coords, instance_imgids)
        finally:
            handle.remove()
        store[-1].update(global_feats=clone(self.conv_down(feats)), gfd_coords=clone(instance_coords),
                         gfd_imgids=clone(instance_imgids), gfd_heatmaps=clone(out), **captured)
        return out

    def spatial(self, global_feats, instance_feats, instance_coords):
        captured = {}
        handle = self.conv.register_forward_hook(
            lambda m, a, o: captured.update(spatial_input=clone(a[0]), spatial_logits=clone(o)))
        try:
            out = original['spatial'](self, global_feats, instance_feats, instance_coords)
        finally:
            handle.remove()
        store[-1].update(captured)
        return out

    def sigmoid(self, input):
        out = original['sigmoid'](self, input)
        clamped = store[-1]['clamped']
        which = 'iia' if 'iia' not in clamped else 'gfd'
        raw = torch.sigmoid(input)
        if which == 'iia':
            raw = raw[:, -1]  # the root channel (forward_test keeps only it)
        clamped[which] = dict(low=int((raw < self.min).sum()), high=int((raw > self.max).sum()), total=raw.numel())
        return out

    def decode(self, instance_heatmaps, instance_scores):
        keypoints, scores = original['decode'](self, instance_heatmaps, instance_scores)
        store[-1]['decoded'].append((instance_heatmaps.copy(), instance_scores.copy(), keypoints.copy(), scores.copy()))
        return keypoints, scores

    cid.CIDHead.predict, cid.smooth_heatmaps, cid.IIAModule.forward_test = predict, smooth, iia
    cid.GFDModule.forward, cid.SpatialAttention.forward, cid.TruncSigmoid.forward = gfd, spatial, sigmoid
    DecoupledHeatmap.decode = decode
    try:
        yield
    finally:
        cid.CIDHead.predict, cid.smooth_heatmaps = original['predict'], original['smooth']
        cid.IIAModule.forward_test, cid.GFDModule.forward = original['iia'], original['gfd']
        cid.SpatialAttention.forward, cid.TruncSigmoid.forward = original['spatial'], original['sigmoid']
        DecoupledHeatmap.decode = original['decode']


def cid_pool_kernel(height, width):
    """IIAModule._hierarchical_pool's max-pool kernel for a map of height × width (stride 1,
    padding (kernel − 1) / 2): 7 if (width + height) / 2 > 300, 5 if > 200, else 3."""
    size = (width + height) / 2.0
    return 7 if size > 300 else 5 if size > 200 else 3


def neighbour_maximum(x):
    """Each pixel's largest 8-neighbour (3 × 3 window without the centre; −inf outside the map),
    for (..., H, W) float tensors."""
    H, W = x.shape[-2:]
    padded = torch.nn.functional.pad(x.reshape(-1, 1, H, W), (1, 1, 1, 1), value=-math.inf)
    windows = torch.nn.functional.unfold(padded, 3).reshape(-1, 9, H * W)
    windows[:, 4] = -math.inf
    return windows.max(dim=1).values.reshape(x.shape)


def cid_root_peaks(smoothed, thr, border=0):
    """The root map's local maxima as IIAModule.forward_test finds them (the hierarchical max-pool,
    equality), in float64: values, positions, and which lie `border` or more pixels inside."""
    H, W = smoothed.shape[-2:]
    kernel = cid_pool_kernel(H, W)
    maximum = torch.nn.functional.max_pool2d(smoothed.reshape(1, 1, H, W), kernel, 1, (kernel - 1) // 2)[0, 0]
    at = maximum == smoothed.reshape(H, W)
    ys, xs = at.nonzero(as_tuple=True)
    inside = (ys >= border) & (xs >= border) & (ys < H - border) & (xs < W - border)
    return smoothed.reshape(H, W)[at].double(), ys, xs, inside


def cid_root_search(raws, spread, thr, max_instances):
    """The bias b (steps of 0.01) for root logits `spread` · raw + b that passes CID_ROOTS root
    peaks in every image (the median within CID_ROOTS_MEDIAN), none within CID_ROOT_BORDER pixels
    of the border, no two tied, with the widest margin between any peak and the threshold; float64,
    MMPose's own ops (trunc sigmoid, mean of the two branches, smoothing, hierarchical pool). raws:
    per image the two branches' root logits without bias (2, H, W). Returns (margin, b, counts)."""
    import mmpose.models.heads.heatmap_heads.cid_head as cid
    best = None
    for b in np.arange(-14.0, 0.0, 0.01):
        counts, margin, clear = [], math.inf, True
        for r in raws:
            h = torch.sigmoid(r * spread + b).clamp(1e-4, 1 - 1e-4).mean(dim=0, keepdim=True)[None]
            smoothed = cid.smooth_heatmaps(h, 3)
            values, _, _, inside = cid_root_peaks(smoothed, thr, CID_ROOT_BORDER)
            selected = values > thr
            counts.append(int(selected.sum()))
            margin = min(margin, float((values - thr).abs().min()))
            steps = (smoothed - neighbour_maximum(smoothed)).abs()[smoothed > thr]
            clear = clear and bool(inside[selected].all()) and \
                (counts[-1] < 2 or float(values[selected].sort().values.diff().min()) >= 2 * CID_SCORE_GAP) and \
                (steps.numel() == 0 or float(steps.min()) >= 2 * CID_ROOT_CLARITY)
            if not clear:
                break
        if not clear or min(counts) < CID_ROOTS[0] or max(counts) > min(CID_ROOTS[1], max_instances) \
                or not CID_ROOTS_MEDIAN[0] <= np.median(counts) <= CID_ROOTS_MEDIAN[1]:
            continue
        if best is None or margin > best[0]:
            best = (margin, float(b), counts)
    return best


def cid_root_figures(entry, thr, max_instances):
    """One image's root decision, from the traced float32 maps, checked against the instances
    IIAModule.forward_test returned (order: descending score, torch.topk's): the pool kernel, the
    local maxima, those above the threshold, the smallest distance of any local maximum to the
    threshold, of two selected scores, of a pixel above the threshold to its largest neighbour
    (`clarity`: an equality test a port's rounding could flip), and of a selected root to the
    border."""
    smoothed = entry['root_smoothed'][0, 0]
    H, W = smoothed.shape
    values, ys, xs, _ = cid_root_peaks(smoothed, thr)
    order = values.argsort(descending=True)
    chosen = order[values[order] > thr][:max_instances]
    coords = torch.stack([xs[chosen], ys[chosen]], 1)
    assert torch.equal(coords, entry['coords']) and torch.equal(values[chosen].float(), entry['scores']), \
        'the retraced roots differ from MMPose\'s'
    above = smoothed > thr
    clarity = (smoothed.double() - neighbour_maximum(smoothed).double()).abs()[above]
    scores = values[chosen].sort().values
    return dict(pool_kernel=cid_pool_kernel(H, W), local_maxima=len(values), candidates=int((values > thr).sum()),
                instances=len(chosen), value_margin=float((values - thr).abs().min()),
                score_gap=float(scores.diff().min()) if len(scores) > 1 else None,
                clarity=float(clarity.min()) if clarity.numel() else None,
                border_distance=int(torch.stack([xs[chosen], ys[chosen], W - 1 - xs[chosen], H - 1 - ys[chosen]]).min())
                if len(chosen) else None)


def cid_keypoint_figures(heatmaps):
    """The codec's decision per instance heatmap (N × K × H × W, float32 numpy): the maximum's
    lead over the next value (0 for a tie: np.argmax takes the first), and refine_keypoints'
    neighbour differences (x: needs 1 < x < W − 1, y: 1 < y < H − 1; 0 < the other < its size)."""
    N, K, H, W = heatmaps.shape
    flat = heatmaps.reshape(N, K, -1).astype(np.float64)
    top = np.sort(flat, axis=-1)[..., -2:]
    lead = top[..., 1] - top[..., 0]
    at = flat.argmax(axis=-1)
    ys, xs = at // W, at % W
    dx, dy, skipped_x, skipped_y = [], [], 0, 0
    for n in range(N):
        for k in range(K):
            x, y = xs[n, k], ys[n, k]
            if 1 < x < W - 1 and 0 < y < H:
                dx.append(abs(float(heatmaps[n, k, y, x + 1] - heatmaps[n, k, y, x - 1])))
            else:
                skipped_x += 1
            if 1 < y < H - 1 and 0 < x < W:
                dy.append(abs(float(heatmaps[n, k, y + 1, x] - heatmaps[n, k, y - 1, x])))
            else:
                skipped_y += 1
    return dict(argmax_margin=float(lead.min()) if lead.size else None,
                refine_margin=min(dx + dy) if dx + dy else None, refine_x_skipped=skipped_x,
                refine_y_skipped=skipped_y, maximum=float(top[..., 1].max()) if lead.size else None)


def calibrate_cid(model, cfg, seed):
    """Sets layers of the CID head on the fixture's images (and their flips), in this order (see
    the CID_* constants): the IIA module's root channel (the last row of keypoint_root_conv; the
    other rows, the coupled keypoint heatmaps, are not used at test time), the channel attention's
    linear layer, the spatial attention's 5 × 5 conv, and the GFD module's heatmap conv. Returns
    the calibration's figures."""
    from mmengine.dataset import pseudo_collate
    from mmpose.registry import DATASETS
    import mmpose.models.heads.heatmap_heads.cid_head as cid
    head = model.head
    K, test_cfg = head.num_keypoints, model.test_cfg
    thr, max_instances = test_cfg.get('score_threshold', 0.01), test_cfg.get('max_instances', 30)
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    flip = dataset.metainfo['flip_indices']
    generator = torch.Generator().manual_seed(seed + 1)  # (`randomize` draws from `seed`)
    model.eval()
    figures = {}
    with torch.no_grad():
        features = []  # per image: the data samples and the neck's features of it and its flip
        for i in range(len(dataset)):
            data = model.data_preprocessor(pseudo_collate([dataset[i]]), False)
            features.append((data['data_samples'], [model.extract_feat(data['inputs']),
                                                    model.extract_feat(data['inputs'].flip(-1))]))

        def traced():
            store = []
            with cid_trace(store):
                for samples, feats in features:
                    head.predict(feats, samples, test_cfg=test_cfg)
            return store

        # the root row: what CIDHead.predict reads (the image's features and the flipped image's
        # mirrored back), per channel; A: the spread between images of one size (the pixels
        # CID_ROOT_EDGE or more inside), S: their shared pattern, E: the border band (all images)
        maps = [torch.cat((f[0][-1], f[1][-1].flip(-1))).double() for _, f in features]
        C = maps[0].shape[1]

        def covariance(x):
            x = x.movedim(-3, 0).reshape(C, -1)
            x = x - x.mean(dim=1, keepdim=True)
            return x @ x.T / x.shape[1]

        e = CID_ROOT_EDGE
        sizes = [tuple(m.shape[-2:]) for m in maps]
        common = max(set(sizes), key=sizes.count)
        same = torch.stack([m for m, s in zip(maps, sizes) if s == common])[..., e:-e, e:-e]
        shared = same.mean(dim=0, keepdim=True)
        band = []
        for m in maps:
            outside = torch.ones(m.shape[-2:], dtype=torch.bool)
            outside[e:-e, e:-e] = False
            band.append(m[..., outside].movedim(-2, 0).reshape(C, -1))
        band = torch.cat(band, 1)
        mean = torch.cat([m.movedim(-3, 0).reshape(C, -1) for m in maps], 1).mean(dim=1, keepdim=True)
        spread = covariance(same - shared)
        denominator = covariance(shared.expand_as(same)) + CID_ROOT_BORDER_WEIGHT * (band - mean) @ (band - mean).T \
            / band.shape[1]
        denominator += CID_ROOT_RIDGE * denominator.trace() / C * torch.eye(C, dtype=torch.float64)
        inverse = torch.linalg.inv(torch.linalg.cholesky(denominator))
        _, vectors = torch.linalg.eigh(inverse @ spread @ inverse.T)
        candidates = []
        for j in range(1, 9):
            for sign in (1, -1):
                w = sign * inverse.T @ vectors[:, -j]
                raws = [torch.einsum('c,bchw->bhw', w, m) for m in maps]
                pooled = torch.cat([r.flatten() for r in raws])
                raws = [(r - pooled.mean()) / pooled.std() for r in raws]
                found = cid_root_search(raws, CID_ROOT_SPREAD, thr, max_instances)
                if found is not None:
                    candidates.append((found[0], j, sign, found[1], found[2], w / pooled.std(),
                                       pooled.mean() / pooled.std()))
        assert candidates, 'no root row passes'
        conv = head.iia_module.keypoint_root_conv
        for _, j, sign, b, _, w, offset in sorted(candidates, key=lambda c: -c[0]):
            conv.weight[-1, :, 0, 0] = (CID_ROOT_SPREAD * w).float()
            conv.bias[-1] = float(b - CID_ROOT_SPREAD * offset)
            roots = [cid_root_figures(entry, thr, max_instances) for entry in traced()]
            if all(r['value_margin'] >= CID_VALUE_MARGIN and (r['score_gap'] is None or r['score_gap'] >= CID_SCORE_GAP) and
                   r['clarity'] >= CID_ROOT_CLARITY and r['border_distance'] >= CID_ROOT_BORDER and
                   CID_ROOTS[0] <= r['instances'] <= CID_ROOTS[1] for r in roots):
                break
        else:
            raise AssertionError('no root row passes in float32')
        figures.update(root_eigenvector=j, root_sign=sign, root_bias=b, root_counts=[r['instances'] for r in roots],
                       root_margin=min(r['value_margin'] for r in roots), root_candidates=len(candidates))
        # the GFD module's global features (conv_down) and the spatial attention's instance
        # vectors (its linear layer) are one projection g = P (f − mean) of the neck's features f:
        # P = the drawn conv_down weights × (Σ + CID_WHITEN_RIDGE · mean eigenvalue · I)^(-1/2)
        # (Σ the features' covariance over every pixel of the images and their flips), scaled to
        # an RMS of 1; the spatial attention's channel sum at pixel p is then Σ_c d_c g_c(p) g_c(root)
        # (d_c > 0 the linear layer's row factors), a similarity that peaks near the root
        gfd = head.gfd_module
        pixels = torch.cat([m.movedim(1, 0).reshape(C, -1) for m in maps], 1)
        centre = pixels.mean(dim=1)
        centred = pixels - centre[:, None]
        eigenvalues, eigenvectors = torch.linalg.eigh(centred @ centred.T / centred.shape[1])
        whiten = eigenvectors @ torch.diag((eigenvalues.clamp(min=0) + CID_WHITEN_RIDGE * eigenvalues.mean()) ** -0.5) \
            @ eigenvectors.T
        projection = gfd.conv_down.weight[:, :, 0, 0].double() @ whiten
        projection /= (projection @ centred).pow(2).mean().sqrt()
        # (the linear layer's rows scaled apart, by seeded factors in [0.5, 1.5): the similarity
        # stays one, the two layers' weights differ)
        weights = torch.rand(projection.shape[0], 1, generator=generator, dtype=torch.float64) + 0.5
        for layer, weight, factor in ((gfd.conv_down, gfd.conv_down.weight[:, :, 0, 0], 1.0),
                                      (gfd.spatial_attention.atn, gfd.spatial_attention.atn.weight, weights)):
            weight.copy_((factor * projection).float())
            layer.bias.copy_((-(factor * projection) @ centre).float())
        # the channel attention: one factor on the linear layer's weights and bias
        store = traced()
        linear = gfd.channel_attention.atn
        out = torch.cat([linear(entry['instance_feats']).flatten() for entry in store]).double()
        scale = CID_CHANNEL_RMS / out.pow(2).mean().sqrt().item()
        linear.weight *= scale
        linear.bias *= scale
        # the spatial attention's 5 × 5 conv: channel 0 (the channel sum) with the drawn weights'
        # magnitudes (a blur that keeps the similarity's peak), channels 1, 2 (the relative
        # coordinates) as drawn, each part scaled to its spread, the bias to the logits' mean
        sconv = gfd.spatial_attention.conv
        sconv.weight[:, 0] = sconv.weight[:, 0].abs()
        store = traced()
        inputs = [entry['spatial_input'].double() for entry in store]
        w = sconv.weight.double()
        fsum = torch.cat([torch.nn.functional.conv2d(x[:, :1], w[:, :1], padding=2).flatten() for x in inputs])
        coords = torch.cat([torch.nn.functional.conv2d(x[:, 1:], w[:, 1:], padding=2).flatten() for x in inputs])
        a, c = CID_SPATIAL_FSUM_SPREAD / fsum.std().item(), CID_SPATIAL_COORD_SPREAD / coords.std().item()
        sconv.weight[:, :1] *= a
        sconv.weight[:, 1:] *= c
        sconv.bias.fill_(CID_SPATIAL_LEVEL - (a * fsum.mean().item() + c * coords.mean().item()))
        # the heatmap conv: least squares (every pixel of every instance, both branches) towards
        # a Gaussian of CID_TARGET_SIGMA pixels at the instance's root + DEKR_TEMPLATE[k] ×
        # CID_PERSON_HEIGHT, k = r for row r on the image's instances and k = flip[r] on the
        # flipped-back branch's (the merge averages channel k of the one with channel flip[k] of
        # the other), plus seeded noise (CID_HEATMAP_NOISE of each row's spread); then per flip
        # pair one affine map to logits of mean CID_HEATMAP_LEVEL and maximum CID_HEATMAP_PEAK
        # (no value reaches the sigmoid's upper clamp). Float64 stand-ins of the merged, smoothed
        # maps pick the noise, the traced float32 run confirms it
        hconv = gfd.heatmap_conv
        store = traced()
        template = np.array(DEKR_TEMPLATE) * CID_PERSON_HEIGHT
        inputs = [(entry['heatmap_input'].double(), len(entry['scores'])) for entry in store]
        D = inputs[0][0].shape[1] + 1
        gram, moments = torch.zeros(D, D, dtype=torch.float64), torch.zeros(K, D, dtype=torch.float64)
        for (x, n), entry in zip(inputs, store):
            H, W = x.shape[-2:]
            design = torch.cat([x, torch.ones_like(x[:, :1])], 1).movedim(1, -1).reshape(2 * n, H * W, D)
            gram += torch.einsum('npa,npb->ab', design, design)
            ys, xs = torch.meshgrid(torch.arange(H, dtype=torch.float64), torch.arange(W, dtype=torch.float64),
                                    indexing='ij')
            for i in range(2 * n):
                cx, cy = entry['coords'][i % n].double()
                for r in range(K):
                    k = r if i < n else flip[r]
                    d2 = (xs - cx - template[k][0]) ** 2 + (ys - cy - template[k][1]) ** 2
                    moments[r] += design[i].T @ torch.exp(-d2 / (2 * CID_TARGET_SIGMA ** 2)).flatten()
        fitted = torch.linalg.solve(gram + 1e-9 * gram.trace() * torch.eye(D, dtype=torch.float64), moments.T).T
        pairs = sorted({tuple(sorted({k, flip[k]})) for k in range(K)})
        redrawn = 0

        def fit(pair):
            """Draws the pair's noise, sets its rows; True if the float64 stand-ins are clear."""
            rows = fitted[list(pair)]
            rows = rows + CID_HEATMAP_NOISE * rows.std(dim=1, keepdim=True) * \
                torch.randn(rows.shape, generator=generator, dtype=torch.float64)
            logits = [torch.einsum('oc,nchw->nohw', rows[:, :-1], x) + rows[:, -1, None, None] for x, _ in inputs]
            pooled = torch.cat([l.flatten() for l in logits])
            scale = (CID_HEATMAP_PEAK - CID_HEATMAP_LEVEL) / (pooled.max() - pooled.mean()).item()
            shift = CID_HEATMAP_LEVEL - scale * pooled.mean().item()
            hconv.weight[list(pair), :, 0, 0] = (scale * rows[:, :-1]).float()
            hconv.bias[list(pair)] = (scale * rows[:, -1] + shift).float()
            for l, (_, n) in zip(logits, inputs):
                maps = torch.sigmoid(scale * l + shift).clamp(1e-4, 1 - 1e-4)
                for k in pair:
                    merged = (maps[:n, pair.index(k)] + maps[n:, pair.index(flip[k])]) / 2
                    f = cid_keypoint_figures(cid.smooth_heatmaps(merged[:, None], 3).numpy())
                    if f['argmax_margin'] < 2 * CID_ARGMAX_MARGIN or \
                            (f['refine_margin'] is not None and f['refine_margin'] < 2 * CID_REFINE_MARGIN):
                        return False
            return True

        def clear(store, pair):
            for entry in store:
                f = cid_keypoint_figures(entry['instance_smoothed'][:, list(pair)].numpy())
                if f['argmax_margin'] < CID_ARGMAX_MARGIN or \
                        (f['refine_margin'] is not None and f['refine_margin'] < CID_REFINE_MARGIN):
                    return False
            return True

        todo = pairs
        while todo:
            for pair in todo:
                while not fit(pair):
                    redrawn += 1
                    assert redrawn < 1000, 'no clear instance heatmaps'
            store = traced()
            todo = [pair for pair in pairs if not clear(store, pair)]
            # the metric's person scores (the mean keypoint score) order its OKS NMS: none tied
            gaps = [np.diff(np.sort([float(np.mean(d[3][0])) for d in entry['decoded']])) for entry in store]
            if not todo and min(g.min() for g in gaps if g.size) < CID_SCORE_GAP:
                todo = [pairs[0]]
            redrawn += len(todo)
        figures.update(heatmap_pairs_redrawn=redrawn)
    return figures


def channel_checksums(x):
    """Shape, float64 sum and per-entry (first axis) float64 sums of a tensor."""
    x = x.double()
    return dict(shape=list(x.shape), sum=float(x.sum()), sums=x.flatten(1).sum(dim=1).tolist())


def smooth_retrace(x):
    """cid_head.smooth_heatmaps (kernel 3) in numpy float32 as PyTorch's CPU avg_pool2d computes
    it: per output pixel the 3 × 3 window's taps inside the map summed one by one in row-major
    order (taps in the zero padding skipped), divided by 9 (count_include_pad), then
    (x + average) / 2. x: (..., H, W) float32."""
    f = np.float32
    H, W = x.shape[-2:]
    padded = np.zeros(x.shape[:-2] + (H + 2, W + 2), np.float32)
    padded[..., 1:-1, 1:-1] = x
    total = np.zeros_like(x)
    for i in range(3):
        for j in range(3):
            total = (total + padded[..., i:i + H, j:j + W]).astype(np.float32)
    return ((x + total / f(9)) / f(2)).astype(np.float32)


def cid_decoding(entry, codec, metainfo, thr, max_instances):
    """One image's CID decoding, retraced from the trace (`cid_trace`) and checked against what
    MMPose computed: checksums of every stage, the roots' figures (`cid_root_figures`), the
    instances, and per instance the codec's maxima, refinements and scores."""
    from mmpose.codecs.utils import get_heatmap_maximum, refine_keypoints
    feats = entry['feats']
    N = len(entry['scores'])
    out = dict(instances=N,
               features=[dict(channel_checksums(feats[b]), branch=name)
                         for b, name in enumerate(('image', 'flipped back'))],
               root_merged=channel_checksums(entry['root_merged'][0]),
               root_smoothed=channel_checksums(entry['root_smoothed'][0]),
               roots=cid_root_figures(entry, thr, max_instances), clamped=entry['clamped'],
               instance_coords=entry['coords'].tolist(), instance_scores=entry['scores'].double().tolist())
    if N == 0:
        return out
    smoothed = entry['instance_smoothed']
    H, W = smoothed.shape[-2:]
    out.update(
        global_feats=channel_checksums(entry['global_feats']),
        spatial_input=dict(shape=list(entry['spatial_input'].shape),
                           sums=entry['spatial_input'].double().sum(dim=(2, 3)).tolist()),
        spatial_logits=channel_checksums(entry['spatial_logits']),
        spatial_mask=dict(mean=float(torch.sigmoid(entry['spatial_logits']).double().mean()),
                          min=float(torch.sigmoid(entry['spatial_logits']).min()),
                          max=float(torch.sigmoid(entry['spatial_logits']).max())),
        gfd_heatmaps=channel_checksums(entry['gfd_heatmaps']),
        instance_merged=channel_checksums(entry['instance_merged']),
        instance_smoothed=dict(channel_checksums(smoothed), keypoint_sums=smoothed.double().sum(dim=(2, 3)).tolist()))
    assert torch.equal(entry['gfd_coords'], torch.cat((entry['coords'], entry['coords']))) and \
        entry['gfd_imgids'].tolist() == [0] * N + [1] * N
    # retraced: the smoothing, the flip merge (the flipped branch's channels permuted, no spatial
    # flip), the instance vectors (the image's N, then the flipped-back features' N, at the same
    # roots) and the spatial attention's relative coordinates ((root − (pixel + 0.5)) / 32, x first)
    assert np.array_equal(smooth_retrace(entry['root_merged'].numpy()), entry['root_smoothed'].numpy())
    assert np.array_equal(smooth_retrace(entry['instance_merged'].numpy()), smoothed.numpy())
    gfd_maps = entry['gfd_heatmaps']
    assert torch.equal((gfd_maps[:N] + gfd_maps[N:][:, entry['flip_indices']]) / 2.0, entry['instance_merged'])
    xs, ys = entry['coords'][:, 0], entry['coords'][:, 1]
    assert torch.equal(entry['instance_feats'], torch.cat((feats[0][:, ys, xs].T, feats[1][:, ys, xs].T)))
    pixel_y, pixel_x = torch.meshgrid(torch.arange(H, dtype=torch.float32), torch.arange(W, dtype=torch.float32),
                                      indexing='ij')
    relative = entry['spatial_input'][:, 1:]
    coords2 = torch.cat((entry['coords'], entry['coords'])).float()
    assert torch.equal(relative[:, 0], (coords2[:, 0, None, None] - (pixel_x + 0.5)) / 32.0) and \
        torch.equal(relative[:, 1], (coords2[:, 1, None, None] - (pixel_y + 0.5)) / 32.0)
    # the codec: per instance get_heatmap_maximum, refine_keypoints (±0.25 towards the higher
    # neighbour), × scale_factor; scores × the instance's score; then the head adds
    # input_size / heatmap_size / 2 (the real input size over the map's, per axis)
    decoded, keypoints_input = [], []
    for n, (heatmaps, instance_score, keypoints, scores) in enumerate(entry['decoded']):
        assert np.array_equal(heatmaps[0], smoothed[n].numpy())
        locations, values = get_heatmap_maximum(heatmaps[0].copy())
        refined = refine_keypoints(locations[None].copy(), heatmaps[0])
        assert np.array_equal(refined * codec.scale_factor, keypoints) and \
            np.array_equal(values[None] * instance_score, scores), 'the retraced decoding differs'
        shift = np.array([metainfo['input_size'][0] / W / 2.0, metainfo['input_size'][1] / H / 2.0])
        keypoints_input.append(keypoints[0] + shift.astype(np.float32))
        decoded.append(dict(maxima=locations.astype(int).tolist(), maximum_values=values.astype(float).tolist(),
                            refinement=(refined[0] - locations).astype(float).tolist(),
                            keypoints_input=keypoints_input[-1].astype(float).tolist(),
                            keypoint_scores=scores[0].astype(float).tolist()))
    out['decoded'] = decoded
    out['keypoint_figures'] = cid_keypoint_figures(smoothed.numpy())
    out['_keypoints_input'] = np.stack(keypoints_input)
    return out


def cid_nms_trace(store):
    """Wraps CocoMetric's oks_nms: keeps, per image, the instances it is given (image-space
    keypoints with scores, the metric's score and area) and the kept indices."""
    import mmpose.evaluation.metrics.coco_metric as coco_metric
    original = coco_metric.oks_nms

    def nms(kpts_db, thr, sigmas=None, vis_thr=None, score_per_joint=False):
        keep = original(kpts_db, thr, sigmas, vis_thr, score_per_joint)
        store.append(dict(img_id=int(kpts_db[0]['img_id']) if kpts_db else None,
                          keypoints=[np.array(k['keypoints']) for k in kpts_db],
                          scores=[k['score'] for k in kpts_db], areas=[k['area'] for k in kpts_db],
                          thr=thr, sigmas=sigmas, keep=[int(i) for i in keep]))
        return keep

    @contextlib.contextmanager
    def patched():
        coco_metric.oks_nms = nms
        try:
            yield
        finally:
            coco_metric.oks_nms = original
    return patched()


def oks_nms_retrace(entry):
    """CocoMetric's oks_nms (score order, oks_iou with the dataset's sigmas, suppress above thr)
    retraced with its margins: how close any compared OKS (float32, as oks_iou stores it) came to
    the threshold, and the smallest gap between two scores."""
    from mmpose.evaluation.functional.nms import oks_iou
    scores = np.array(entry['scores'])
    kpts = np.array([k.flatten() for k in entry['keypoints']])
    areas = np.array(entry['areas'])
    order = scores.argsort()[::-1]
    keep, compared, margin, suppressed = [], 0, math.inf, 0
    oks_all = []
    while len(order) > 0:
        i = order[0]
        keep.append(int(i))
        oks = oks_iou(kpts[i], kpts[order[1:]], areas[i], areas[order[1:]], entry['sigmas'], None)
        compared += len(oks)
        oks_all.extend(oks.astype(float).tolist())
        if len(oks):
            margin = min(margin, float(np.abs(oks.astype(np.float64) - entry['thr']).min()))
        inds = np.where(oks <= entry['thr'])[0]
        suppressed += len(order) - 1 - len(inds)
        order = order[inds + 1]
    assert keep == entry['keep'], 'oks_nms retraced differs'
    ordered = np.sort(scores.astype(np.float64))
    return dict(thr=entry['thr'], scores=scores.astype(float).tolist(), areas=areas.astype(float).tolist(),
                keep=keep, compared=compared, suppressed=suppressed,
                oks_max=max(oks_all) if oks_all else None, oks_margin=margin if margin < math.inf else None,
                score_gap=float(np.diff(ordered).min()) if len(ordered) > 1 else None)


def cid_pool_cases():
    """IIAModule._hierarchical_pool on maps of four sizes around its kernel bounds ((w + h) / 2 of
    200, 200.5, 300, 300.5: kernels 3, 5, 5, 7), values from `formula_uniforms` (key
    'cid_pool_<h>x<w>', row-major, float32): the local maxima (max-pool value == map value) as
    their count, the float64 sum of their flattened indices and of their values."""
    import mmpose.models.heads.heatmap_heads.cid_head as cid
    cases = []
    for h, w in [(200, 200), (200, 201), (300, 300), (300, 301)]:
        key = f'cid_pool_{h}x{w}'
        x = torch.from_numpy(formula_uniforms(key, h * w).reshape(1, 1, h, w))
        maximum = cid.IIAModule._hierarchical_pool(None, x)
        kernel = cid_pool_kernel(h, w)
        assert torch.equal(maximum, torch.nn.functional.max_pool2d(x, kernel, 1, (kernel - 1) // 2))
        at = (maximum == x).flatten()
        index = at.nonzero()[:, 0]
        cases.append(dict(key=key, height=h, width=w, kernel=kernel, local_maxima=int(at.sum()),
                          index_sum=int(index.sum()), value_sum=math.fsum(x.flatten()[index].double().tolist())))
    return cases


def run_cid(name, source, data, codec_changes, seed):
    """The CID family: the shrunk network with seeded weights and `calibrate_cid`'s layers,
    MMPose's test loop on whole images (one per batch), each image's people in MMPose's order
    (the instances' root scores, descending) as the metric receives them, the decoding's details
    (`cid_decoding`), the metric's OKS NMS (`oks_nms_retrace`), the float64 run's people, and the
    metric's figures."""
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    cfg = Config(fixture_config(source, data, codec_changes))
    torch.manual_seed(seed)
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    randomize(model, seed)
    calibration = calibrate_cid(model, cfg, seed)
    weights = os.path.join(folder, 'weights.pth')
    torch.save(dict(meta=dict(mmpose_version=mmpose.__version__, seed=seed, family=name),
                    state_dict=model.state_dict()), weights)
    work = tempfile.mkdtemp()
    runner = Runner(model=cfg.model, work_dir=work, test_dataloader=cfg.test_dataloader,
                    test_evaluator=cfg.test_evaluator, test_cfg=dict(), load_from=weights,
                    default_scope='mmpose', custom_hooks=[dict(type='CaptureBottomup')],
                    log_level='WARNING')
    CaptureBottomup.captured, trace, nms = [], [], []
    with cid_trace(trace), cid_nms_trace(nms):
        metrics = runner.test()
    images = CaptureBottomup.captured
    assert len(images) == len(trace) == len(nms)
    test_cfg = runner.model.test_cfg
    thr, max_instances = test_cfg.get('score_threshold', 0.01), test_cfg.get('max_instances', 30)
    codec = runner.model.head.decoder
    for image, entry, n in zip(images, trace, nms):
        figures = cid_decoding(entry, codec, image, thr, max_instances)
        keypoints_input = figures.pop('_keypoints_input', np.zeros((0, 17, 2), np.float32))
        image.update(figures)
        assert len(image['people']) == figures['instances'] and n['img_id'] == image['img_id']
        image['nms'] = oks_nms_retrace(n)
        # add_pred_to_datasample: input pixels → image pixels
        size, scale = np.array(image['input_size']), np.array(image['input_scale'], np.float32)
        center = np.array(image['input_center'], np.float32)
        for i, person in enumerate(image['people']):
            expected = keypoints_input[i] / size * scale + center - 0.5 * scale
            assert np.array_equal(np.array(person['keypoints']), expected), 'input → image pixels differs'
            assert np.array_equal(np.array(person['keypoint_scores'], np.float32),
                                  np.array(figures['decoded'][i]['keypoint_scores'], np.float32))
            person['score'] = float(n['scores'][i])  # CocoMetric's (score_mode 'keypoint': the mean)
            person['area'] = float(n['areas'][i])
            assert np.array_equal(n['keypoints'][i][:, :2], np.array(person['keypoints']))
    # the same test in float64: how far MMPose's float32 maps lie from it (the noise a float32
    # port's different rounding adds is of this order; compare the decisions' margins)
    runner.model.double()
    runner.model.backbone.register_forward_pre_hook(to_float64)
    CaptureBottomup.captured, trace64 = [], []
    with cid_trace(trace64):
        runner.test()
    for image, other, entry, entry64 in zip(images, CaptureBottomup.captured, trace, trace64):
        image['float64_people'] = len(other['people'])
        image['float64_error'] = dict(
            root_smoothed=float((entry['root_smoothed'].double() - entry64['root_smoothed']).abs().max()),
            instance_smoothed=float((entry['instance_smoothed'].double() - entry64['instance_smoothed']).abs().max())
            if len(entry64['scores']) == len(entry['scores']) and len(entry['scores']) else None)
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
    expected = dict(source=source, seed=seed, mmpose=mmpose.__version__,
                    calibration=dict(root_spread=CID_ROOT_SPREAD, root_edge=CID_ROOT_EDGE,
                                     root_border_weight=CID_ROOT_BORDER_WEIGHT, root_border=CID_ROOT_BORDER,
                                     roots=list(CID_ROOTS), roots_median=list(CID_ROOTS_MEDIAN),
                                     value_margin=CID_VALUE_MARGIN, spatial_fsum_spread=CID_SPATIAL_FSUM_SPREAD,
                                     spatial_coord_spread=CID_SPATIAL_COORD_SPREAD, channel_rms=CID_CHANNEL_RMS,
                                     whiten_ridge=CID_WHITEN_RIDGE, spatial_level=CID_SPATIAL_LEVEL,
                                     person_height=CID_PERSON_HEIGHT, target_sigma=CID_TARGET_SIGMA,
                                     heatmap_noise=CID_HEATMAP_NOISE, score_gap=CID_SCORE_GAP,
                                     heatmap_level=CID_HEATMAP_LEVEL, heatmap_peak=CID_HEATMAP_PEAK,
                                     argmax_margin=CID_ARGMAX_MARGIN, refine_margin=CID_REFINE_MARGIN, **calibration),
                    test_cfg=dict(score_threshold=thr, max_instances=max_instances,
                                  blur_kernel_size=test_cfg.get('blur_kernel_size', 3)),
                    images=images, pool_cases=cid_pool_cases(), metrics={k: float(v) for k, v in metrics.items()})
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    for image in images:
        r, k, n = image['roots'], image.get('keypoint_figures', {}), image['nms']
        print(name, image['img_path'], image['input_size'], image['instances'], 'instances (float64 people:',
              image['float64_people'], ') roots: kernel %d maxima %d margin %.2g gap %.2g clarity %.2g border %s' % (
                  r['pool_kernel'], r['local_maxima'], r['value_margin'], r['score_gap'] or 0, r['clarity'] or 0,
                  r['border_distance']),
              'keypoints: argmax margin %.2g refine margin %.2g skipped x %s y %s max %.3f' % (
                  k.get('argmax_margin') or 0, k.get('refine_margin') or 0, k.get('refine_x_skipped'),
                  k.get('refine_y_skipped'), k.get('maximum') or 0),
              'nms: kept %d of %d, oks max %.3f margin %.2g score gap %.2g' % (
                  len(n['keep']), len(n['scores']), n['oks_max'] or 0, n['oks_margin'] or 0, n['score_gap'] or 0),
              'clamped', image['clamped'], 'float64 error', image['float64_error'],
              'float64 offsets max', max((max(p.get('float64_offsets', [0])) for p in image['people']), default=None))
    print(name, 'calibration', calibration)
    print(name, 'pool cases', expected['pool_cases'])
    print(name, {k: round(v, 6) for k, v in expected['metrics'].items()})


@HOOKS.register_module()
class CaptureRTMO(Hook):
    """Keeps each image's people as the metric receives them (image pixels, MMPose's order), with
    their boxes (xyxy) and box scores."""
    captured = []

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        for sample in outputs:
            p, meta = sample.pred_instances, sample.metainfo
            CaptureRTMO.captured.append(dict(
                img_id=int(sample.img_id), img_path=os.path.basename(meta['img_path']),
                ori_shape=[int(v) for v in meta['ori_shape']], input_size=[int(v) for v in meta['input_size']],
                input_center=np.asarray(meta['input_center']).astype(float).tolist(),
                input_scale=np.asarray(meta['input_scale']).astype(float).tolist(),
                people=[dict(bbox=np.asarray(p.bboxes[i]).astype(float).tolist(), bbox_score=float(p.bbox_scores[i]),
                             keypoints=np.asarray(p.keypoints[i]).astype(float).tolist(),
                             keypoint_scores=np.asarray(p.keypoint_scores[i]).astype(float).tolist())
                        for i in range(len(p.keypoints))],
                dtypes=dict(bboxes=str(np.asarray(p.bboxes).dtype), keypoints=str(np.asarray(p.keypoints).dtype),
                            keypoint_scores=str(np.asarray(p.keypoint_scores).dtype))))


@contextlib.contextmanager
def rtmo_trace(store, family='rtmo'):
    """Records, per RTMOHead.predict call (one image, one dict appended to `store`), the inputs
    and outputs of its steps: filter_scores_and_topk (every prior's sigmoid score; the kept prior
    indices, highest score first), nms_torch (the candidates' boxes in input pixels, unclamped,
    their scores, the kept positions) and DCC.forward_test (pose vectors, boxes as centre and
    padded scale, the priors, the keypoints in input pixels). With family 'yoloxpose', the same
    of YOLOXPoseHead.predict (its scores sigmoid(cls) × sigmoid(obj); no DCC)."""
    import importlib
    rtmo_module = importlib.import_module(f'mmpose.models.heads.hybrid_heads.{family}_head')
    original_filter, original_nms = rtmo_module.filter_scores_and_topk, rtmo_module.nms_torch
    dcc_class = getattr(rtmo_module, 'DCC', None)
    original_dcc = dcc_class.forward_test if dcc_class is not None else None

    def filter_scores(scores, score_thr, topk, results=None):
        out = original_filter(scores, score_thr, topk, results)
        store.append(dict(scores=scores.detach().clone(), score_thr=score_thr, topk=topk,
                          keep=out[2].detach().clone(), kept_scores=out[0].detach().clone()))
        return out

    def nms(bboxes, scores, threshold=0.65, **kwargs):
        keep = original_nms(bboxes, scores, threshold, **kwargs)
        store[-1]['nms'] = dict(bboxes=bboxes.detach().clone(), scores=scores.detach().clone(), thr=threshold,
                                keep=keep.detach().clone())
        return keep

    def dcc_forward_test(self, pose_feats, bbox_cs, grids):
        keypoints = original_dcc(self, pose_feats, bbox_cs, grids)
        store[-1]['dcc'] = dict(pose_feats=pose_feats.detach().clone(), bbox_cs=bbox_cs.detach().clone(),
                                grids=grids.detach().clone(), keypoints=keypoints.detach().clone())
        return keypoints

    rtmo_module.filter_scores_and_topk, rtmo_module.nms_torch = filter_scores, nms
    if dcc_class is not None:
        dcc_class.forward_test = dcc_forward_test
    try:
        yield
    finally:
        rtmo_module.filter_scores_and_topk, rtmo_module.nms_torch = original_filter, original_nms
        if dcc_class is not None:
            dcc_class.forward_test = original_dcc


def rtmo_checksums(x):
    """Shape, float64 sum, sum of absolute values, per-channel sums and the first 8 values
    (row-major) of one image's (1, C, H, W) tensor (or (N, C) rows: per-column sums)."""
    x = x.detach().double()
    figures = tensor_checksums(x) if x.dim() == 4 else dict(shape=list(x.shape), sum=float(x.sum()),
                                                             channel_sums=x.sum(dim=0).tolist())
    figures.update(abs_sum=float(x.abs().sum()), first=x.flatten()[:8].tolist())
    return figures


def rtmo_nms_retrace(bboxes, scores, thr):
    """nms_torch retraced: the kept positions and the smallest |IoU - thr| over the IoUs it
    compares (a box against every box not yet kept or suppressed when it is kept)."""
    from mmpose.structures.bbox import bbox_overlaps
    order = scores.sort(descending=True).indices.tolist()
    keep, margin, compared = [], math.inf, 0
    while order:
        first, order = order[0], order[1:]
        keep.append(first)
        if not order:
            break
        ious = bbox_overlaps(bboxes[first][None], bboxes[order])[0]
        margin = min(margin, float((ious.double() - thr).abs().min()))
        compared += len(order)
        order = [i for i, iou in zip(order, ious.tolist()) if not iou > thr]
    return keep, margin, compared


def rtmo_decisions(entry):
    """One image's decisions from `rtmo_trace`'s entry: candidates (prior indices and scores,
    MMPose's order), the smallest |score - score_thr| over all priors, the smallest gap between
    two candidates' scores, the NMS's kept candidates and IoU margin (checked against nms_torch)."""
    scores = entry['scores'][:, 0].double()
    thr = entry['score_thr']
    kept = entry['kept_scores'].double()
    figures = dict(priors=int(scores.numel()), candidates=int(kept.numel()),
                   candidate_priors=[int(i) for i in entry['keep']],
                   candidate_scores=entry['kept_scores'].tolist(),
                   score_margin=float((scores - thr).abs().min()),
                   score_gap=float((kept[:-1] - kept[1:]).min()) if kept.numel() > 1 else None)
    if 'nms' in entry:
        n = entry['nms']
        keep, margin, compared = rtmo_nms_retrace(n['bboxes'], n['scores'], n['thr'])
        assert keep == n['keep'].tolist(), 'the retraced NMS differs from nms_torch'
        figures.update(nms_keep=keep, iou_margin=margin, ious_compared=compared)
    else:
        figures.update(nms_keep=[], iou_margin=None, ious_compared=0)
    return figures


def one_stage_inputs(model, cfg):
    """The fixture's images through the data preprocessor and the model's backbone and neck (eval
    mode, no gradients): per image the neck's features and the data samples."""
    from mmengine.dataset import pseudo_collate
    from mmpose.registry import DATASETS
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    features, samples = [], []
    for i in range(len(dataset)):
        data = model.data_preprocessor(pseudo_collate([dataset[i]]), False)
        features.append(model.extract_feat(data['inputs']))
        samples.append(data['data_samples'])
    return features, samples


def affine_rows(conv, rows, values, spread, mean):
    """Rows of the 1×1 conv so that their outputs (`values`: images, rows, positions) have the
    standard deviation `spread` and the mean `mean` (per row: a number, or a list indexed by row)."""
    for r, v in zip(rows, values.transpose(0, 1)):
        v = v.double()
        scale = spread / v.std().item()
        conv.weight[r] *= scale
        conv.bias[r] = conv.bias[r] * scale + (mean[r] if isinstance(mean, (list, tuple)) else mean) \
            - scale * v.mean().item()


def calibrate_one_stage_boxes(module, outputs, part, sizes, predict_now, generator, figures):
    """The head module's `out_bbox` per level (RTMO and YOLOX-Pose): centre offsets (in strides)
    of standard deviation RTMO_BOX_SHIFT and mean 0, log sizes of standard deviation
    RTMO_BOX_LOG_SPREAD around log(`sizes` / stride); the levels' rows drawn again until every IoU
    the NMS compares lies RTMO_IOU_MARGIN or more from nms_thr and RTMO_PEOPLE people per image
    remain. `outputs(conv, level, part)` gives the conv's outputs on the fixture's features.
    Returns every image's `rtmo_decisions` and people."""
    while True:
        for level, (stride, size) in enumerate(zip(module.featmap_strides, sizes)):
            conv = module.out_bbox[level]
            means = [0.0, 0.0, math.log(size[0] / stride), math.log(size[1] / stride)]
            values = outputs(conv, level, part)
            affine_rows(conv, [0, 1], values[:, :2], RTMO_BOX_SHIFT, means)
            affine_rows(conv, [2, 3], values[:, 2:], RTMO_BOX_LOG_SPREAD, means)
        decisions = [rtmo_decisions(e) for e in predict_now()]
        people = [len(d['nms_keep']) for d in decisions]
        if min(d['iou_margin'] for d in decisions) >= RTMO_IOU_MARGIN and \
                RTMO_PEOPLE[0] <= min(people) and max(people) <= RTMO_PEOPLE[1]:
            return decisions, people
        for level in range(len(module.featmap_strides)):
            conv = module.out_bbox[level]
            conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator))
        figures['bbox_redrawn'] += 1
        assert figures['bbox_redrawn'] < 100, 'no boxes with clear NMS decisions'


def calibrate_rtmo(model, cfg, seed):
    """Sets the RTMO head module's final 1×1 convs and the DCC's bin encodings on the fixture's
    images (see the RTMO_* constants): `out_cls` (per level an affine map of the drawn logits;
    one common shift), `out_bbox` (per level and row an affine map), `out_kpt_vis` (per level
    and row), and the DCC's `x_fc` and `y_fc` (one factor each, weights and bias: the 1-D
    heatmaps' logits scale with it). Every map stays an affine image of the drawn network's;
    where no shift meets the candidate rules, or the NMS's IoUs or people miss theirs, the level's
    rows are drawn again (normal, from a generator seeded with `seed` + 1). Returns the figures."""
    head = model.head
    module, dcc = head.head_module, head.dcc
    generator = torch.Generator().manual_seed(seed + 1)  # (`randomize` draws from `seed`)
    thr = model.test_cfg['score_thr']
    model.eval()
    figures = dict(cls_redrawn=0, bbox_redrawn=0)
    with torch.no_grad():
        features, samples = one_stage_inputs(model, cfg)  # per image: the neck's features, the data samples
        # the head module's features before its final convs, per level: (classification, pose)
        branches = []
        for feats in features:
            levels = []
            for i, x in enumerate(feats):
                cls_feat, reg_feat = x.split(x.size(1) // 2, 1)
                levels.append((module.conv_cls[i](cls_feat), module.conv_pose[i](reg_feat)))
            branches.append(levels)
        L = len(module.featmap_strides)

        def outputs(conv, level, part):
            """The conv's outputs on the level's features of every image: (images, C, H·W)."""
            return torch.stack([conv(b[level][part]).flatten(2)[0] for b in branches])

        def predict_now():
            store = []
            with rtmo_trace(store):
                for feats, s in zip(features, samples):
                    head.predict(feats, s, test_cfg=model.test_cfg)
            return store

        # classification: standard deviation, then the common shift (in the widest gap)
        level_thr = math.log(thr / (1 - thr))
        while True:
            for level in range(L):
                affine_rows(module.out_cls[level], [0], outputs(module.out_cls[level], level, 0), RTMO_CLS_SPREAD,
                            0.0)
            logits = [torch.cat([module.out_cls[level](b[level][0]).flatten() for level in range(L)]).double()
                      for b in branches]
            values = torch.cat(logits).unique().numpy()
            best = None
            for low, high in zip(values[:-1], values[1:]):
                level = (low + high) / 2
                counts = [int((l > level).sum()) for l in logits]
                if min(counts) < RTMO_CANDIDATES[0] or max(counts) > RTMO_CANDIDATES[1] or \
                        abs(np.median(counts) - RTMO_CANDIDATES_MEDIAN) > 10:
                    continue
                above = [np.sort(l[l > level].numpy()) for l in logits]
                if min(np.diff(a).min() for a in above) <= 0:
                    continue  # tied candidates (the padding)
                if best is None or high - low > best[0]:
                    best = (high - low, level, counts)
            if best is not None:
                for level in range(L):
                    module.out_cls[level].bias += level_thr - best[1]
                entries = predict_now()
                decisions = [rtmo_decisions(e) for e in entries]
                if min(d['score_margin'] for d in decisions) >= RTMO_SCORE_MARGIN and \
                        min(d['score_gap'] for d in decisions) >= RTMO_SCORE_GAP:
                    break
            for level in range(L):
                conv = module.out_cls[level]
                conv.weight.copy_(torch.randn(conv.weight.shape, generator=generator))
            figures['cls_redrawn'] += 1
            assert figures['cls_redrawn'] < 100, 'no classification logits with clear candidates'
        figures.update(cls_logit_gap=float(best[0]), candidates=[d['candidates'] for d in decisions])
        # boxes: centre offsets and log sizes per level (affine per row), then the NMS's figures
        decisions, people = calibrate_one_stage_boxes(module, outputs, 1, RTMO_BOX_SIZES, predict_now, generator,
                                                      figures)
        figures.update(people=people, iou_margin=min(d['iou_margin'] for d in decisions),
                       score_margin=min(d['score_margin'] for d in decisions),
                       score_gap=min(d['score_gap'] for d in decisions))
        # keypoint visibilities
        K = head.num_keypoints
        for level in range(L):
            conv = module.out_kpt_vis[level]
            affine_rows(conv, list(range(K)), outputs(conv, level, 1), RTMO_VIS_SPREAD, 0.0)
        # the DCC's 1-D heatmaps (their logits are linear in x_fc's and y_fc's outputs)
        entries = [e['dcc'] for e in predict_now() if 'dcc' in e]
        pose_feats = torch.cat([e['pose_feats'] for e in entries])
        bbox_cs = torch.cat([e['bbox_cs'] for e in entries])
        grids = torch.cat([e['grids'] for e in entries])
        x_hms, y_hms = dcc._pose_feats_to_heatmaps(pose_feats, *dcc._get_bin_enc(bbox_cs, grids))
        for fc, hms, name in ((dcc.x_fc, x_hms, 'x'), (dcc.y_fc, y_hms, 'y')):
            scale = RTMO_BIN_SPREAD / hms.double().std(dim=-1).mean().item()
            fc.weight *= scale
            fc.bias *= scale
            figures[f'{name}_bin_scale'] = scale
        # the keypoints' spread inside their padded boxes (relative standard deviation)
        entries = [e['dcc'] for e in predict_now() if 'dcc' in e]
        spread = torch.cat([((e['keypoints'] - e['bbox_cs'][:, None, :2]) / e['bbox_cs'][:, None, 2:]).std(dim=1)
                            for e in entries]).mean(0)
        figures['keypoint_spread'] = spread.tolist()
    return figures


def score_shift(cls, obj, thr):
    """Per prior (float64 logits), the shift δ at which sigmoid(cls + δ) × sigmoid(obj + δ) (rising
    with δ) crosses `thr`: bisection, 200 steps from [-60, 60]."""
    low, high = torch.full_like(cls, -60.0), torch.full_like(cls, 60.0)
    for _ in range(200):
        middle = (low + high) / 2
        above = (cls + middle).sigmoid() * (obj + middle).sigmoid() > thr
        high = torch.where(above, middle, high)
        low = torch.where(above, low, middle)
    return (low + high) / 2


def content_directions(maps, count):
    """The `count` directions (columns, float64) of a branch's feature space along which the
    fixture's images vary most against the border of their maps: generalized eigenvectors (largest
    first) of the features' covariance over the positions off the map's outermost rows and columns
    (all images) against the border positions' second moment about the inner positions' mean plus a
    ridge of YOLOXPOSE_CONTENT_RIDGE × its mean eigenvalue. (The zero padding makes the random
    network's features on the border outliers: along a random direction the largest logits lie
    there.) `maps`: per image the (1, C, H, W) features."""
    x = torch.cat([m[0].double().flatten(1) for m in maps], 1)
    C, (H, W) = x.shape[0], maps[0].shape[-2:]
    edge = torch.zeros(H, W, dtype=torch.bool)
    edge[0] = edge[-1] = True
    edge[:, 0] = edge[:, -1] = True
    edge = edge.flatten().repeat(len(maps))
    inner, border = x[:, ~edge], x[:, edge]
    mean = inner.mean(dim=1, keepdim=True)
    spread = (inner - mean) @ (inner - mean).T / inner.shape[1]
    denominator = (border - mean) @ (border - mean).T / border.shape[1]
    denominator += YOLOXPOSE_CONTENT_RIDGE * denominator.trace() / C * torch.eye(C, dtype=torch.float64)
    inverse = torch.linalg.inv(torch.linalg.cholesky(denominator))
    _, vectors = torch.linalg.eigh(inverse @ spread @ inverse.T)
    return inverse.T @ vectors[:, -count:].flip(-1)


def calibrate_yoloxpose(model, cfg, seed):
    """Sets the YOLOX-Pose head module's final 1×1 convs on the fixture's images (see the
    YOLOXPOSE_* constants): `out_cls` and `out_obj` (rows drawn as random combinations of their
    branch's `content_directions`, per level an affine map of their logits, then one common shift of
    both biases: a prior passes score_thr iff sigmoid(cls + shift) × sigmoid(obj + shift) >
    score_thr, i.e. iff the shift exceeds the prior's `score_shift`, and the shift goes into the
    widest gap between those thresholds that meets RTMO's candidate rules and leaves at most
    YOLOXPOSE_BORDER_SHARE of each image's candidates on their level's outermost rows and columns),
    `out_bbox` (`calibrate_one_stage_boxes`), `out_kpt` (per level and row an affine map: the
    keypoints around a person-shaped template centred on the prior) and `out_kpt_vis` (per level
    and row). Where no shift meets the candidate rules, out_cls's and out_obj's rows are drawn
    again, where the NMS's IoUs or people miss theirs the out_bbox rows (normal, from a generator
    seeded with `seed` + 1); the box, keypoint and visibility maps stay affine images of the drawn
    network's. Returns the figures."""
    head = model.head
    module = head.head_module
    generator = torch.Generator().manual_seed(seed + 1)  # (`randomize` draws from `seed`)
    thr = model.test_cfg['score_thr']
    model.eval()
    figures = dict(cls_redrawn=0, bbox_redrawn=0)
    with torch.no_grad():
        features, samples = one_stage_inputs(model, cfg)
        # the head module's features before its final convs, per level: (classification, box and
        # objectness, pose)
        branches = [[(module.conv_cls[i](x), module.conv_reg[i](x), module.conv_pose[i](x)) for i, x in enumerate(feats)]
                    for feats in features]
        L = len(module.featmap_strides)

        def outputs(conv, level, part):
            """The conv's outputs on the level's features of every image: (images, C, H·W)."""
            return torch.stack([conv(b[level][part]).flatten(2)[0] for b in branches])

        def predict_now():
            store = []
            with rtmo_trace(store, 'yoloxpose'):
                for feats, s in zip(features, samples):
                    head.predict(feats, s, test_cfg=model.test_cfg)
            return store

        # the priors on their level's border (the outermost rows and columns), flattened as the head
        edges = []
        for level in range(L):
            H, W = branches[0][level][0].shape[-2:]
            edge = torch.zeros(H, W, dtype=torch.bool)
            edge[0] = edge[-1] = True
            edge[:, 0] = edge[:, -1] = True
            edges.append(edge.flatten())
        edges = torch.cat(edges)
        # out_cls's and out_obj's weights: random (normal, seeded) combinations of their branch's
        # YOLOXPOSE_CONTENT_DIRECTIONS content directions
        directions = [[content_directions([b[level][part] for b in branches], YOLOXPOSE_CONTENT_DIRECTIONS)
                       for part in (0, 1)] for level in range(L)]

        def draw_scores():
            for level in range(L):
                for conv, basis in zip((module.out_cls[level], module.out_obj[level]), directions[level]):
                    z = torch.randn(basis.shape[1], generator=generator, dtype=torch.float64)
                    conv.weight.copy_((basis @ z).reshape(conv.weight.shape))

        # classification and objectness: standard deviations, then the common shift of both biases
        draw_scores()
        while True:
            for level in range(L):
                affine_rows(module.out_cls[level], [0], outputs(module.out_cls[level], level, 0), YOLOXPOSE_CLS_SPREAD,
                            0.0)
                affine_rows(module.out_obj[level], [0], outputs(module.out_obj[level], level, 1), YOLOXPOSE_OBJ_SPREAD,
                            0.0)
            shifts = []  # per image and prior: the shift above which the prior passes score_thr
            for b in branches:
                cls = torch.cat([module.out_cls[level](b[level][0]).flatten() for level in range(L)]).double()
                obj = torch.cat([module.out_obj[level](b[level][1]).flatten() for level in range(L)]).double()
                shifts.append(score_shift(cls, obj, thr))
            values = torch.cat(shifts).unique().numpy()
            best = None
            for low, high in zip(values[:-1], values[1:]):
                shift = (low + high) / 2
                counts = [int((s < shift).sum()) for s in shifts]
                if min(counts) < RTMO_CANDIDATES[0] or max(counts) > RTMO_CANDIDATES[1] or \
                        abs(np.median(counts) - RTMO_CANDIDATES_MEDIAN) > 10:
                    continue
                passing = [np.sort(s[s < shift].numpy()) for s in shifts]
                if min(np.diff(a).min() for a in passing) <= 0:
                    continue  # tied candidates (the padding)
                if max(edges[s < shift].double().mean().item() for s in shifts) > YOLOXPOSE_BORDER_SHARE:
                    continue
                if best is None or high - low > best[0]:
                    best = (high - low, shift, counts)
            if best is not None:
                for level in range(L):
                    module.out_cls[level].bias += best[1]
                    module.out_obj[level].bias += best[1]
                decisions = [rtmo_decisions(e) for e in predict_now()]
                if min(d['score_margin'] for d in decisions) >= RTMO_SCORE_MARGIN and \
                        min(d['score_gap'] for d in decisions) >= RTMO_SCORE_GAP:
                    break
            draw_scores()
            figures['cls_redrawn'] += 1
            assert figures['cls_redrawn'] < 100, 'no classification logits with clear candidates'
        figures.update(logit_shift=float(best[1]), logit_shift_gap=float(best[0]),
                       candidates=[d['candidates'] for d in decisions],
                       border_candidates=[int(edges[d['candidate_priors']].sum()) for d in decisions])
        # boxes: centre offsets and log sizes per level (affine per row), then the NMS's figures
        decisions, people = calibrate_one_stage_boxes(module, outputs, 1, YOLOXPOSE_BOX_SIZES, predict_now,
                                                      generator, figures)
        figures.update(people=people, iou_margin=min(d['iou_margin'] for d in decisions),
                       score_margin=min(d['score_margin'] for d in decisions),
                       score_gap=min(d['score_gap'] for d in decisions))
        # keypoint offsets (in strides; row 2k + 0 is keypoint k's x, 2k + 1 its y) around the
        # template at the level's box height, and the visibilities
        K = head.num_keypoints
        template = np.array(DEKR_TEMPLATE, np.float64)
        assert template.shape == (K, 2)
        for level, (stride, size) in enumerate(zip(module.featmap_strides, YOLOXPOSE_BOX_SIZES)):
            height = size[1] / stride
            conv = module.out_kpt[level]
            affine_rows(conv, list(range(2 * K)), outputs(conv, level, 2), YOLOXPOSE_KPT_SPREAD * height,
                        (template * height).ravel().tolist())
            conv = module.out_kpt_vis[level]
            affine_rows(conv, list(range(K)), outputs(conv, level, 2), RTMO_VIS_SPREAD, 0.0)
    return figures


def run_rtmo(name, source, data, codec_changes, seed):
    """The RTMO family (and the YOLOX-Pose family, `name` 'yoloxpose'): the shrunk network
    (`shrink_rtmo`, `shrink_yoloxpose`) with seeded weights and `calibrate_rtmo`'s
    (`calibrate_yoloxpose`'s) layers, MMPose's test loop on whole images (one per batch), each
    image's people in MMPose's order (the NMS's: box scores, descending) as the metric receives
    them, the decisions' figures (`rtmo_decisions`), checksums of the first image's tensors, the
    float64 run's people, and the metric's figures."""
    from mmengine.registry import init_default_scope
    from mmpose.registry import MODELS
    yoloxpose = name == 'yoloxpose'
    folder = os.path.join(OUT, name)
    os.makedirs(folder, exist_ok=True)
    cfg = Config(fixture_config(source, data, codec_changes))
    torch.manual_seed(seed)
    init_default_scope('mmpose')
    model = MODELS.build(cfg.model)
    parameters = sum(p.numel() for p in model.parameters())
    print(name, 'parameters', parameters)
    expected_parameters = YOLOXPOSE_PARAMETERS if yoloxpose else RTMO_PARAMETERS
    assert expected_parameters is None or parameters == expected_parameters, parameters
    randomize(model, seed)
    calibration = (calibrate_yoloxpose if yoloxpose else calibrate_rtmo)(model, cfg, seed)
    weights = os.path.join(folder, 'weights.pth')
    torch.save(dict(meta=dict(mmpose_version=mmpose.__version__, seed=seed, family=name),
                    state_dict=model.state_dict()), weights)
    work = tempfile.mkdtemp()
    runner = Runner(model=cfg.model, work_dir=work, test_dataloader=cfg.test_dataloader,
                    test_evaluator=cfg.test_evaluator, test_cfg=dict(), load_from=weights,
                    default_scope='mmpose', custom_hooks=[dict(type='CaptureRTMO')],
                    log_level='WARNING')
    # the first image's tensors: the preprocessed input, the backbone's and the neck's outputs,
    # the head module's (cls_scores, bbox_preds, kpt_offsets (empty in eval), kpt_vis, pose_feats)
    tensors = []
    net = runner.model
    modules = dict(data_preprocessor=net.data_preprocessor, backbone=net.backbone, neck=net.neck,
                   head_module=net.head.head_module)
    handles = [m.register_forward_hook(lambda module, args, output, key=key: tensors.append((key, output)))
               for key, m in modules.items()]
    CaptureRTMO.captured, trace = [], []
    with rtmo_trace(trace, 'yoloxpose' if yoloxpose else 'rtmo'):
        metrics = runner.test()
    for handle in handles:
        handle.remove()
    images = CaptureRTMO.captured
    assert len(images) == len(trace)
    head_runs = [output for key, output in tensors if key == 'head_module']
    assert len(head_runs) == len(images)
    for index, (image, entry) in enumerate(zip(images, trace)):
        decisions = rtmo_decisions(entry)
        image['decisions'] = decisions
        assert len(image['people']) == len(decisions['nms_keep'])
        if not image['people']:
            continue
        kept = entry['keep'][entry['nms']['keep']]
        if yoloxpose:
            # YOLOXPoseHead's keypoints: every prior's offsets × stride + prior (its own decode_kpt_reg,
            # float32), at the kept priors; their scores the visibility sigmoid
            head = runner.model.head
            priors = torch.cat(head.mlvl_priors)
            strides = torch.cat([priors.new_full((size.numel(), ), stride)
                                 for size, stride in zip(head.featmap_sizes, head.featmap_strides)])
            cls_scores, objectnesses, bbox_preds, kpt_offsets, kpt_vis = head_runs[index]
            decoded = head.decode_kpt_reg(head._flatten_predictions(kpt_offsets), priors, strides)[0][kept]
            visibility = head._flatten_predictions(kpt_vis).sigmoid()[0][kept]
            entry['decoded'] = dict(priors=priors[kept], strides=strides[kept], keypoints=decoded)
            for i, person in enumerate(image['people']):
                assert person['keypoint_scores'] == visibility[i].tolist(), 'keypoint scores differ'
        dcc = entry['decoded'] if yoloxpose else entry['dcc']
        size = np.array(image['input_size'])
        scale, center = np.array(image['input_scale'], np.float32), np.array(image['input_center'], np.float32)
        bboxes = entry['nms']['bboxes'][entry['nms']['keep']].clone()
        bboxes[:, 0::2].clamp_(0, int(size[0]))
        bboxes[:, 1::2].clamp_(0, int(size[1]))
        for i, person in enumerate(image['people']):
            person['prior'] = int(kept[i])
            # add_pred_to_datasample: input pixels → image pixels (numpy, float32 / int64 → float64)
            keypoints = dcc['keypoints'][i].numpy() / size * scale + center - 0.5 * scale
            assert np.array_equal(np.array(person['keypoints']), keypoints), 'input → image pixels differs'
            box = bboxes[i].numpy().reshape(2, 2) / size * scale + center - 0.5 * scale
            assert np.array_equal(np.array(person['bbox']), box.reshape(4)), 'box input → image pixels differs'
            assert person['bbox_score'] == float(entry['nms']['scores'][entry['nms']['keep'][i]])
    first = {}
    for key, output in tensors:
        first.setdefault(key, output)
    head_outputs = first['head_module']
    images[0]['trace'] = dict(
        input=rtmo_checksums(first['data_preprocessor']['inputs']),
        backbone=[rtmo_checksums(x) for x in first['backbone']],
        neck=[rtmo_checksums(x) for x in first['neck']])
    if yoloxpose:
        images[0]['trace'].update(
            head_module={k: [rtmo_checksums(x) for x in v]
                         for k, v in zip(('cls_scores', 'objectnesses', 'bbox_preds', 'kpt_offsets', 'kpt_vis'),
                                         head_outputs)},
            decoded=dict(priors=trace[0]['decoded']['priors'].tolist(),
                         strides=trace[0]['decoded']['strides'].tolist(),
                         keypoints_input=trace[0]['decoded']['keypoints'].tolist(),
                         bboxes_input_unclamped=trace[0]['nms']['bboxes'][trace[0]['nms']['keep']].tolist()))
    else:
        images[0]['trace'].update(
            head_module={k: [rtmo_checksums(x) for x in v]
                         for k, v in zip(('cls_scores', 'bbox_preds', 'kpt_offsets', 'kpt_vis', 'pose_feats'),
                                         head_outputs)
                         if k != 'kpt_offsets'},
            dcc=dict(pose_feats=rtmo_checksums(trace[0]['dcc']['pose_feats']),
                     bbox_cs=trace[0]['dcc']['bbox_cs'].tolist(), grids=trace[0]['dcc']['grids'].tolist(),
                     keypoints_input=trace[0]['dcc']['keypoints'].tolist(),
                     bboxes_input_unclamped=trace[0]['nms']['bboxes'][trace[0]['nms']['keep']].tolist()))
    # the same test in float64: where the people or their keypoints move, MMPose's own float32
    # rounding decided it (see `float64_people` and each person's `float64_offsets`)
    runner.model.double()
    runner.model.backbone.register_forward_pre_hook(to_float64)
    CaptureRTMO.captured = []
    runner.test()
    for image, other in zip(images, CaptureRTMO.captured):
        image['float64_people'] = len(other['people'])
        if len(other['people']) == len(image['people']):
            for p, q in zip(image['people'], other['people']):
                p['float64_offsets'] = [float(np.hypot(a[0] - b[0], a[1] - b[1]))
                                        for a, b in zip(p['keypoints'], q['keypoints'])]
                p['float64_bbox_offset'] = float(np.abs(np.array(p['bbox']) - np.array(q['bbox'])).max())
    shutil.rmtree(work, ignore_errors=True)
    text = cfg.pretty_text.replace(os.path.join(ROOT, ''), '{{ fileDirname }}/../../')
    with open(os.path.join(folder, 'config.py'), 'w') as f:
        f.write(f'# MMPose 1.3.2 `{source}` with a small network and a 320 × 320 input; made by '
                f'tools/make_mmpose_parity_fixtures.py\n')
        f.write(text)
    test_cfg = runner.model.test_cfg
    if yoloxpose:
        expected = dict(source=source, seed=seed, mmpose=mmpose.__version__, parameters=parameters,
                        shrink=dict(widen_factor=YOLOXPOSE_WIDEN, deepen_factor=YOLOXPOSE_DEEPEN,
                                    neck_in_channels=list(cfg.model.neck.in_channels), neck_out_channels=YOLOXPOSE_NECK_OUT,
                                    num_csp_blocks=cfg.model.neck.num_csp_blocks,
                                    head_in_channels=YOLOXPOSE_HEAD_IN, feat_channels=YOLOXPOSE_FEAT),
                        calibration=dict(cls_spread=YOLOXPOSE_CLS_SPREAD, obj_spread=YOLOXPOSE_OBJ_SPREAD,
                                         candidates_range=list(RTMO_CANDIDATES),
                                         candidates_median=RTMO_CANDIDATES_MEDIAN, score_margin_min=RTMO_SCORE_MARGIN,
                                         score_gap_min=RTMO_SCORE_GAP, box_shift=RTMO_BOX_SHIFT,
                                         box_log_spread=RTMO_BOX_LOG_SPREAD,
                                         box_sizes=[list(s) for s in YOLOXPOSE_BOX_SIZES],
                                         iou_margin_min=RTMO_IOU_MARGIN, people_range=list(RTMO_PEOPLE),
                                         keypoint_spread=YOLOXPOSE_KPT_SPREAD, vis_spread=RTMO_VIS_SPREAD,
                                         content_directions=YOLOXPOSE_CONTENT_DIRECTIONS,
                                         content_ridge=YOLOXPOSE_CONTENT_RIDGE,
                                         border_share_max=YOLOXPOSE_BORDER_SHARE, **calibration),
                        test_cfg=dict(input_size=list(test_cfg['input_size']), score_thr=test_cfg['score_thr'],
                                      nms_thr=test_cfg['nms_thr'], nms_pre=test_cfg.get('nms_pre', 100000)),
                        images=images, metrics={k: float(v) for k, v in metrics.items()})
    else:
        expected = dict(source=source, seed=seed, mmpose=mmpose.__version__, parameters=parameters,
                        shrink=dict(backbone_widen_factor=RTMO_BACKBONE_WIDEN, widen_factor=RTMO_WIDEN,
                                    deepen_factor=RTMO_DEEPEN, hidden_dim=RTMO_HIDDEN,
                                    feedforward_channels=RTMO_FEEDFORWARD, head_in_channels=RTMO_HEAD_IN,
                                    cls_feat_channels=RTMO_CLS_FEAT, pose_vec_channels=RTMO_POSE_VEC,
                                    dcc_feat_channels=RTMO_DCC_FEAT, spe_channels=RTMO_SPE, gau_s=RTMO_GAU_S,
                                    num_bins=list(RTMO_BINS)),
                        calibration=dict(cls_spread=RTMO_CLS_SPREAD, candidates_range=list(RTMO_CANDIDATES),
                                         candidates_median=RTMO_CANDIDATES_MEDIAN, score_margin_min=RTMO_SCORE_MARGIN,
                                         score_gap_min=RTMO_SCORE_GAP, box_shift=RTMO_BOX_SHIFT,
                                         box_log_spread=RTMO_BOX_LOG_SPREAD, box_sizes=[list(s) for s in RTMO_BOX_SIZES],
                                         iou_margin_min=RTMO_IOU_MARGIN, people_range=list(RTMO_PEOPLE),
                                         vis_spread=RTMO_VIS_SPREAD, bin_spread=RTMO_BIN_SPREAD, **calibration),
                        test_cfg=dict(input_size=list(test_cfg['input_size']), score_thr=test_cfg['score_thr'],
                                      nms_thr=test_cfg['nms_thr'], nms_pre=test_cfg.get('nms_pre', 100000),
                                      bbox_padding=runner.model.head.bbox_padding),
                        images=images, metrics={k: float(v) for k, v in metrics.items()})
    with open(os.path.join(folder, 'expected.json'), 'w') as f:
        json.dump(expected, f)
    for image in images:
        d = image['decisions']
        people = image['people']
        print(name, image['img_path'], image['input_size'], d['candidates'], 'candidates,', len(people),
              'people (float64:', image['float64_people'], ') score margin %.2g gap %.2g, iou margin %s' % (
                  d['score_margin'], d['score_gap'] or 0, d['iou_margin']),
              'box scores %.3f..%.3f' % (min(p['bbox_score'] for p in people), max(p['bbox_score'] for p in people)),
              'keypoint scores %.3f..%.3f' % (min(min(p['keypoint_scores']) for p in people),
                                              max(max(p['keypoint_scores']) for p in people)),
              'float64 offsets max', max((max(p.get('float64_offsets', [0])) for p in people), default=None))
    print(name, 'calibration', calibration)
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
            (run_dekr if name == 'dekr' else run_cid if name == 'cid' else run_rtmo if name in ('rtmo', 'yoloxpose') else
             run_bottomup if name in BOTTOMUP_FAMILIES else run)(
                name, *FAMILIES[name], seed=1000 + i)
    for name in PRECISION_FAMILIES:
        if name in names:
            precision_fixture(name)
    if not sys.argv[1:] or 'metrics' in names:
        metric_fixtures()
    if not sys.argv[1:] or 'warp' in names:
        warp_fixture()
    if not sys.argv[1:] or 'deform_conv' in names:
        deform_conv_fixture()
