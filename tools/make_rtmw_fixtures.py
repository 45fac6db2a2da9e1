"""Writes Tests/Fixtures/parity/rtmw.safetensors: MMPose 1.3.2's own RTMW parts (CSPNeXtPAFPN,
RTMWHead with PixelShuffle, KLDiscretLoss with mask, SimCCLabel with decode_visibility) on the
tiny model of Tests/Fixtures/rtmw/rtmw_tiny.py, for RTMWTests.

The script builds the config's model with MMPose's registry and initialises it (`init_weights`),
then records:
  state.<key>        every parameter and buffer;
  input, target_x, target_y, weights   a seeded batch of two 64x64 inputs and SimCC targets;
  eval_x, eval_y     the logits in eval mode;
  visibility         SimCCLabel.decode's visibility (decode_visibility=True) of the eval logits;
  loss.<name>        `model.loss` in train mode (loss_kpt, acc_pose);
  grad.<key>         the gradient of loss_kpt for every parameter;
  after.<key>        the BatchNorm running statistics after that step.

Run from the repository root in the MMPose 1.3.2 venv (`bash tools/mmpose_venv.sh` makes one):
    /path/to/venv/bin/python tools/make_rtmw_fixtures.py
"""
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData
from safetensors.torch import save_file

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

torch.set_num_threads(1)
init_default_scope('mmpose')
torch.manual_seed(0)
cfg = Config.fromfile('Tests/Fixtures/rtmw/rtmw_tiny.py')
model = MODELS.build(cfg.model)
model.init_weights()
out = {}
for k, v in model.state_dict().items():
    if v.dtype.is_floating_point:
        out[f'state.{k}'] = v.detach().clone()
g = torch.Generator().manual_seed(1)
n, k, bins = 2, 20, 128
inputs = torch.randn(n, 3, 64, 64, generator=g)
tx = torch.softmax(3 * torch.randn(n, k, bins, generator=g), dim=-1)
ty = torch.softmax(3 * torch.randn(n, k, bins, generator=g), dim=-1)
w = torch.ones(n, k)
w[0, 3] = w[1, 18] = 0
out['input'], out['target_x'], out['target_y'], out['weights'] = inputs, tx, ty, w
model.eval()
with torch.no_grad():
    ex, ey = model.head(model.extract_feat(inputs))
out['eval_x'], out['eval_y'] = ex, ey
_, (_, visibility) = model.head.decoder.decode(ex.numpy(), ey.numpy())
out['visibility'] = torch.as_tensor(visibility, dtype=torch.float32)
model.train()
samples = []
for i in range(n):
    s = PoseDataSample()
    s.gt_instance_labels = InstanceData(keypoint_x_labels=tx[i:i + 1], keypoint_y_labels=ty[i:i + 1], keypoint_weights=w[i:i + 1])
    samples.append(s)
losses = model.loss(inputs, samples)
losses['loss_kpt'].backward()
for name, v in losses.items():
    out[f'loss.{name}'] = torch.as_tensor(v, dtype=torch.float32).reshape(1)
for name, p in model.named_parameters():
    out[f'grad.{name}'] = p.grad.detach().clone()
for name, b in model.named_buffers():
    if 'running' in name:
        out[f'after.{name}'] = b.detach().clone()
save_file({key: v.contiguous().float() for key, v in out.items()}, 'Tests/Fixtures/parity/rtmw.safetensors')
print({key: float(v) for key, v in losses.items()}, len(out), 'tensors')
