"""Writes Tests/Fixtures/parity/dwpose.safetensors: MMPose 1.3.2's own DWPoseDistiller on the tiny
configs of Tests/Fixtures/dwpose (teacher.py, student.py, distill_s1.py, distill_s2.py), for
DWPoseTests to compare SwiftPose's distiller with.

For each stage (`s1`: FeaLoss + KDLoss with decay; `s2`: two_dis=True, KDLoss only) the script
builds the distiller from the config with MMPose's MODELS registry, initialises it
(`init_weights`: the student's own init; no teacher checkpoint), puts it in training mode as
MMEngine's runner does (the teacher too), sets the message hub's epoch=1 and max_epochs=4 (the
first stage's losses are then scaled by 0.75), and runs `model.loss` on a seeded batch of two
64x64 inputs with SimCC targets and keypoint weights (three weights zero). It records, under
`<stage>.`:
  state.<key>      every parameter and buffer before the step (the weights SwiftPose loads);
  input, target_x, target_y, weights;
  loss.<name>      each returned loss (acc_pose too);
  grad.<key>       the gradient of the summed losses (names containing 'loss') for every
                   parameter that requires one;
  after.<key>      every BatchNorm running statistic after the step (the teacher's move too);
  predict_x/_y     the SimCC logits of predict's network (stage 1: the student; stage 2: the
                   teacher's backbone with the student's head) in eval mode on the input.

Run from the repository root in the MMPose 1.3.2 venv (`bash tools/mmpose_venv.sh` makes one):
    /path/to/venv/bin/python tools/make_dwpose_fixtures.py
"""
import torch
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData
from safetensors.torch import save_file

from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

torch.set_num_threads(1)
init_default_scope('mmpose')
out = {}
for stage in ['s1', 's2']:
    torch.manual_seed(0)
    cfg = Config.fromfile(f'Tests/Fixtures/dwpose/distill_{stage}.py')
    model = MODELS.build(cfg.model)
    model.init_weights()
    model.train()
    for k, v in model.state_dict().items():
        if v.dtype.is_floating_point:
            out[f'{stage}.state.{k}'] = v.detach().clone().contiguous()
    g = torch.Generator().manual_seed(1)
    n, k, wx = 2, 17, 128
    inputs = torch.randn(n, 3, 64, 64, generator=g)
    tx = torch.softmax(3 * torch.randn(n, k, wx, generator=g), dim=-1)
    ty = torch.softmax(3 * torch.randn(n, k, wx, generator=g), dim=-1)
    w = torch.ones(n, k)
    w[0, 3] = w[1, 0] = w[1, 16] = 0
    samples = []
    for i in range(n):
        s = PoseDataSample()
        s.gt_instance_labels = InstanceData(keypoint_x_labels=tx[i:i + 1], keypoint_y_labels=ty[i:i + 1],
                                            keypoint_weights=w[i:i + 1])
        samples.append(s)
    hub = MessageHub.get_current_instance()
    hub.update_info('epoch', 1)
    hub.update_info('max_epochs', 4)
    losses = model.loss(inputs, samples)
    total = sum(v for name, v in losses.items() if 'loss' in name)
    total.backward()
    out[f'{stage}.input'] = inputs
    out[f'{stage}.target_x'], out[f'{stage}.target_y'], out[f'{stage}.weights'] = tx, ty, w
    for name, v in losses.items():
        out[f'{stage}.loss.{name}'] = torch.as_tensor(v, dtype=torch.float32).reshape(1)
    for name, p in model.named_parameters():
        if p.grad is not None:
            out[f'{stage}.grad.{name}'] = p.grad.detach().clone()
    for name, b in model.named_buffers():
        if 'running' in name:
            out[f'{stage}.after.{name}'] = b.detach().clone()
    model.eval()
    with torch.no_grad():
        feats = model.student.extract_feat(inputs) if stage == 's1' else model.teacher.extract_feat(inputs)
        px, py = model.student.head(feats)
    out[f'{stage}.predict_x'], out[f'{stage}.predict_y'] = px, py
    print(stage, {k: float(v) for k, v in losses.items()})
save_file({k: v.contiguous().float() for k, v in out.items()}, 'Tests/Fixtures/parity/dwpose.safetensors')
print(len(out), 'tensors')
