"""PyTorch CPU throughput of MMPose 1.3.2's own RTMPose model (CSPNeXt + RTMCCHead), built from
MMPose's config, 2 threads, the counterpart of `pose-bench model <rtmpose config>`.

train: backbone + head forward, MMPose's own `RTMCCHead.loss` (KLDiscretLoss on SimCC targets,
       plus its simcc_pck_accuracy, as pose-bench's step also computes acc_pose), backward and an
       AdamW step built from the config's optim_wrapper (lr 4e-3, weight_decay 0.05,
       norm/bias decay 0)
infer: eval mode, torch.no_grad() backbone + head forward (no flip, no decoding)
The targets are random but valid: softmax of random values, [B, K, W*split] and [B, K, H*split],
keypoint_weights ones. Inputs are random normal (already normalised: the data preprocessor is
not run, as pose-bench feeds normalised tensors). SyncBN becomes BN (norm_cfg and
revert_sync_batchnorm); the backbone's pretrained init_cfg is removed (nothing is downloaded).
`warmup` untimed iterations, then `iters` timed ones; prints, in bench_torch.py's format,
    <model>_<H>x<W>[_nhwc] <mode> img_s <median> img_s_min <min> img_s_max <max> params_M <M> torch <version>

Usage (the MMPose 1.3.2 venv, e.g. /work/mmpose-venv/bin/python):
    [LAYOUT=nhwc|nchw] python tools/bench_rtmpose_torch.py train|infer [iters] [--batch 32]
        [--warmup 3] [--config rtmpose-m_8xb256-420e_coco-256x192.py]
LAYOUT defaults to nhwc (channels-last model and input, oneDNN's fast path). --config is a path,
or a file name looked up in the installed MMPose's configs/body_2d_keypoint/rtmpose/coco/.
"""
import argparse
import os
import statistics
import time
import warnings

import torch

torch.set_num_threads(2)
warnings.filterwarnings('ignore')

import mmpose  # noqa: E402
from mmengine.config import Config  # noqa: E402
from mmengine.logging import MMLogger  # noqa: E402
from mmengine.model import revert_sync_batchnorm  # noqa: E402
from mmengine.optim import build_optim_wrapper  # noqa: E402
from mmengine.registry import init_default_scope  # noqa: E402
from mmengine.structures import InstanceData  # noqa: E402

MMLogger.get_current_instance().setLevel('ERROR')
RTMPOSE_COCO = os.path.join(os.path.dirname(mmpose.__file__), '.mim', 'configs', 'body_2d_keypoint', 'rtmpose', 'coco')

parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
parser.add_argument('mode', choices=['train', 'infer'])
parser.add_argument('iters', type=int, nargs='?', default=10, help='timed iterations (median reported)')
parser.add_argument('--batch', type=int, default=32)
parser.add_argument('--warmup', type=int, default=3, help='untimed warm-up iterations')
parser.add_argument('--config', default='rtmpose-m_8xb256-420e_coco-256x192.py')
args = parser.parse_args()
if args.iters < 1 or args.warmup < 0 or args.batch < 1:
    parser.error('expected iters >= 1, --warmup >= 0 and --batch >= 1')
layout = os.environ.get('LAYOUT', 'nhwc')
if layout not in ('nhwc', 'nchw'):
    parser.error(f'LAYOUT={layout}: expected nhwc or nchw')
nhwc = layout == 'nhwc'
config = args.config if os.path.exists(args.config) else os.path.join(RTMPOSE_COCO, args.config)

import mmdet.models  # noqa: E402,F401  (registers CSPNeXt in the mmdet scope the backbone names)
from mmpose.registry import MODELS  # noqa: E402
from mmpose.structures import PoseDataSample  # noqa: E402

init_default_scope('mmpose')
cfg = Config.fromfile(config)
cfg.model.backbone.pop('init_cfg', None)
cfg.model.backbone.norm_cfg = dict(type='BN')
model = revert_sync_batchnorm(MODELS.build(cfg.model))
head = model.head
B = args.batch
W, H = cfg.codec.input_size
split = cfg.codec.simcc_split_ratio
K = cfg.model.head.out_channels
x = torch.randn(B, 3, H, W)
if nhwc:
    model = model.to(memory_format=torch.channels_last)
    x = x.contiguous(memory_format=torch.channels_last)

# one data sample per image, as PackPoseInputs makes them, with SimCC targets of the codec's sizes
gen = torch.Generator().manual_seed(0)
samples = []
for _ in range(B):
    s = PoseDataSample()
    s.gt_instance_labels = InstanceData(
        keypoint_x_labels=torch.softmax(torch.randn(1, K, int(W * split), generator=gen), -1),
        keypoint_y_labels=torch.softmax(torch.randn(1, K, int(H * split), generator=gen), -1),
        keypoint_weights=torch.ones(1, K))
    samples.append(s)
params = sum(p.numel() for p in model.parameters())
optimizer = build_optim_wrapper(model, cfg.optim_wrapper).optimizer if args.mode == 'train' else None


def step():
    if args.mode == 'train':
        losses = head.loss(model.extract_feat(x), samples, train_cfg=cfg.model.get('train_cfg', {}))
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    else:
        with torch.no_grad():
            head.forward(model.extract_feat(x))


model.train(args.mode == 'train')
times = []
for i in range(args.warmup + args.iters):
    t0 = time.perf_counter()
    step()
    if i >= args.warmup:
        times.append(time.perf_counter() - t0)
ips = sorted(B / t for t in times)
name = os.path.basename(config).split('_')[0]
print(f"{name}_{H}x{W}{'_nhwc' if nhwc else ''} {args.mode} img_s {statistics.median(ips):.2f} img_s_min {ips[0]:.2f} "
      f"img_s_max {ips[-1]:.2f} params_M {params / 1e6:.3f} torch {torch.__version__}", flush=True)
