"""PyTorch CPU throughput of one pose model in the variants ../shared/bench/bench_torch.py lacks,
2 threads, batch 32, channels-last (oneDNN's fast path in PyTorch):

  autocast-bf16 train   forward + MSE + backward + SGD(momentum) step under
                        torch.autocast('cpu', dtype=torch.bfloat16) (fp32 master weights)
  compile infer         torch.compile (inductor, CPU) of the eval-mode model, no_grad
  compile-bf16 infer    the same under autocast bf16

The models are bench_torch.py's (BENCH_DIR/models.py: MMPose's SimpleBaseline ResNet and
HRNet-W32 in plain PyTorch). 3 warm-up iterations (compilation happens in the first), then
`iters` timed ones; prints bench_torch.py's line format: median/min/max img/s.

Usage: BENCH_DIR=../shared/bench python tools/bench_torch_variants.py MODEL HxW VARIANT [iters]
"""
import os
import statistics
import sys
import time
import types

import torch
import torch.nn.functional as F

torch.set_num_threads(2)
name, size, variant = sys.argv[1], sys.argv[2], sys.argv[3]
iters = int(sys.argv[4]) if len(sys.argv) > 4 else 10
if variant not in ('autocast-bf16', 'compile', 'compile-bf16'):
    sys.exit(f"bench_torch_variants.py: unknown variant '{variant}': expected autocast-bf16, compile or compile-bf16")
H, W = map(int, size.split('x'))
B = 32
# torchvision's C++ ops may not load against a CPU-only torch wheel; the models need only its
# pure-Python ResNet definitions (as tools/bench_vs_pytorch.sh does for bench_torch.py)
for stub in ('torchvision._meta_registrations', 'torchvision._autograd_registrations'):
    sys.modules[stub] = types.ModuleType(stub)
sys.path.insert(0, os.environ.get('BENCH_DIR', '../shared/bench'))
import models  # noqa: E402

model = models.build(name).to(memory_format=torch.channels_last)
x = torch.randn(B, 3, H, W).contiguous(memory_format=torch.channels_last)
with torch.no_grad():
    out_shape = model.eval()(x[:1]).shape
target = torch.randn(B, *out_shape[1:])
train = variant == 'autocast-bf16'
model.train(train)
bf16 = variant.endswith('bf16')
opt = torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9)
forward = torch.compile(model) if variant.startswith('compile') else model


def step():
    with torch.autocast('cpu', dtype=torch.bfloat16, enabled=bf16):
        if train:
            out = forward(x)
            loss = F.mse_loss(out.float(), target)
        else:
            with torch.no_grad():
                forward(x)
            return
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


times = []
for i in range(3 + iters):
    t0 = time.perf_counter()
    step()
    if i >= 3:
        times.append(time.perf_counter() - t0)
ips = sorted(B / t for t in times)
mode = 'train' if train else 'infer'
print(f"{name}_{size}_nhwc_{variant} {mode} img_s {statistics.median(ips):.2f} img_s_min {ips[0]:.2f} "
      f"img_s_max {ips[-1]:.2f} torch {torch.__version__} bf16_cpu {torch.backends.mkldnn.is_available() and torch.ops.mkldnn._is_mkldnn_bf16_supported()}",
      flush=True)
