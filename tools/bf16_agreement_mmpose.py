"""How far MMPose's own test-time predictions move when MMPose runs inference under PyTorch's CPU
bf16 autocast (`torch.autocast('cpu', dtype=torch.bfloat16)`) instead of fp32, with the same
weights: the PyTorch/MMPose reference for SwiftPose's `pose-test --bf16` agreement figure.

The script builds MMPose's model and test loop from CONFIG (mmengine's Runner: MMPose's dataset
with the config's `bbox_file` detections, pipeline, flip test as configured, CocoMetric), loads a
SwiftPose CHECKPOINT (`.safetensors`: MMPose's state-dict keys plus `optimizer.`, `hooks.`,
`rank_buffers.` entries, which are dropped), and runs the test loop twice: in fp32, then with the
model's `test_step` under autocast. Every instance's keypoints (image pixels) are captured before
the metric's rescoring and NMS, and the runs are matched instance by instance. It prints the
instance and keypoint counts, how many bf16 keypoints lie within 1 px (Euclidean) of the fp32
ones, the worst distance, both runs' coco/AP, and whether oneDNN has native bf16 here (without
AVX512_BF16/AMX PyTorch emulates bf16: slower, numerically the same).

Under CPU autocast only convolutions (and matmuls) switch to bf16, and their outputs are bf16, so
BatchNorm, ReLU and the heatmaps are bf16 too; the head's heatmaps are cast to fp32 for flip
averaging and decoding (numpy has no bf16).

Run from the repository root (data paths in the config are relative to it):
    /path/to/mmpose-venv/bin/python tools/bf16_agreement_mmpose.py CONFIG CHECKPOINT   (tools/mmpose_venv.sh makes one)
e.g. CONFIG configs/quickstart/td-hm_res18-tiny_synthetic-128x96.py,
     CHECKPOINT work_dirs/quickstart/epoch_16.safetensors
"""
import functools
import shutil
import sys
import tempfile
import types

import numpy as np
import torch

# torchvision's C++ ops may not load against a CPU-only torch wheel; MMPose needs none of them
try:
    import torchvision  # noqa: F401
except Exception:
    for stub in ('torchvision._meta_registrations', 'torchvision._autograd_registrations'):
        sys.modules[stub] = types.ModuleType(stub)

from mmengine.config import Config  # noqa: E402
from mmengine.hooks import Hook  # noqa: E402
from mmengine.runner import Runner  # noqa: E402
from safetensors.torch import load_file  # noqa: E402

DROPPED = ('optimizer.', 'hooks.', 'rank_buffers.')


class Capture(Hook):
    """Every instance's prediction (image pixels) before the metric's rescoring and NMS."""
    priority = 'LOWEST'

    def __init__(self):
        self.captured = []

    def after_test_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        for sample in outputs:
            p = sample.pred_instances
            for i in range(len(p.keypoints)):
                self.captured.append((int(sample.id), int(sample.img_id), i,
                                      np.asarray(p.keypoints[i], dtype=np.float64),
                                      np.asarray(p.keypoint_scores[i], dtype=np.float64)))


def cpu_info():
    """The CPU's model name and whether /proc/cpuinfo lists avx512_bf16 or amx_bf16."""
    name, flags = 'unknown', set()
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('model name') and name == 'unknown':
                    name = line.split(':', 1)[1].strip()
                elif line.startswith('flags') and not flags:
                    flags = set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return name, sorted(flags & {'avx512_bf16', 'amx_bf16'}) or 'neither (bf16 emulated)'


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    config, checkpoint = sys.argv[1], sys.argv[2]
    torch.set_num_threads(2)
    cfg = Config.fromfile(config)
    work = tempfile.mkdtemp(prefix='bf16_agreement_')
    cfg.work_dir, cfg.load_from, cfg.resume, cfg.log_level = work, None, False, 'WARNING'
    cfg.test_dataloader.num_workers, cfg.test_dataloader.persistent_workers = 0, False
    runner = Runner.from_cfg(cfg)
    capture = Capture()
    runner.register_hook(capture, priority='LOWEST')

    state = {k: v for k, v in load_file(checkpoint).items() if not k.startswith(DROPPED)}
    model = runner.model.module if hasattr(runner.model, 'module') else runner.model
    missing, unexpected = model.load_state_dict(state, strict=False)
    print(f'loaded {len(state)} tensors from {checkpoint}; missing: {list(missing)}; unexpected: {list(unexpected)}')
    if missing or unexpected:
        sys.exit('the checkpoint does not match the config\'s model')
    model.eval()

    runs = {}
    for mode in ('fp32', 'bf16'):
        capture.captured = []
        metrics = runner.test()
        runs[mode] = (metrics, capture.captured)
        if mode == 'fp32':
            # the second run: the whole test step (preprocessing, both flips, head) under autocast;
            # the heatmaps come back to fp32 for flip averaging and decoding
            plain = model.test_step

            @functools.wraps(plain)
            def bf16_test_step(*args, **kwargs):
                with torch.autocast('cpu', dtype=torch.bfloat16):
                    return plain(*args, **kwargs)
            model.test_step = bf16_test_step
            head_forward = model.head.forward  # (head.predict calls forward, not the module)
            model.head.forward = lambda feats: head_forward(feats).float()
    shutil.rmtree(work, ignore_errors=True)

    (m32, p32), (m16, p16) = runs['fp32'], runs['bf16']
    if len(p32) != len(p16) or any(a[:3] != b[:3] for a, b in zip(p32, p16)):
        sys.exit(f'the runs differ in instances: {len(p32)} fp32, {len(p16)} bf16')
    dist = np.concatenate([np.hypot(*(a[3][:, :2] - b[3][:, :2]).T) for a, b in zip(p32, p16)])
    dscore = np.concatenate([np.abs(a[4] - b[4]) for a, b in zip(p32, p16)])
    within = int((dist <= 1.0).sum())
    name, native = cpu_info()
    print(f'CPU: {name}; avx512_bf16/amx_bf16 in /proc/cpuinfo: {native}')
    print(f'torch {torch.__version__}; oneDNN native bf16 (torch.ops.mkldnn._is_mkldnn_bf16_supported): '
          f'{torch.ops.mkldnn._is_mkldnn_bf16_supported()}')
    print(f'instances: {len(p32)}; keypoints: {dist.size}')
    print(f'bf16 keypoints within 1 px of fp32: {within} / {dist.size} ({100.0 * within / dist.size:.2f}%)')
    print(f'worst distance: {dist.max():.4f} px; mean {dist.mean():.4f} px; median {np.median(dist):.4f} px; '
          f'> 0 px: {int((dist > 0).sum())}')
    print(f'keypoint score |bf16 - fp32|: max {dscore.max():.6f}, mean {dscore.mean():.6f}')
    print(f'coco/AP fp32: {m32["coco/AP"]:.6f}; bf16: {m16["coco/AP"]:.6f}')


if __name__ == '__main__':
    main()
