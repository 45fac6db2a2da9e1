"""Prints the reference values of SwiftPose's WingLossTests and KLDiscretLossTests: MMPose
1.3.2's own WingLoss, SoftWingLoss, AdaptiveWingLoss, KLDiscretLoss and CombinedTargetMSELoss (their classes executed
from the mmpose wheel's source, with the registry and the unrelated imports of those files
stubbed) on small fixed inputs, the loss and its gradient by autograd, as Swift literals to
paste into Tests/PoseModelsTests/WingLossTests.swift (the wing losses, first part of the output)
Tests/PoseModelsTests/KLDiscretLossTests.swift (the part after "// KLDiscretLoss") and
Tests/PoseModelsTests/CombinedTargetMSELossTests.swift (after "// CombinedTargetMSELoss").

Run from the repository root with a Python that has torch (not run in CI):
    python3 tools/make_loss_fixtures.py [path/to/mmpose-1.3.2-py2.py3-none-any.whl]
"""
import glob
import os
import sys
import types
import zipfile

import torch

wheel = sys.argv[1] if len(sys.argv) > 1 else glob.glob(os.path.expanduser('~/.cache/swiftpose-mmpose-wheel/mmpose-1.3.2-*.whl'))[0]
source = zipfile.ZipFile(wheel)


class Registry:
    def register_module(self, *args, **kwargs):
        return lambda cls: cls


for name in ('mmpose', 'mmpose.models', 'mmpose.models.losses', 'mmpose.models.utils', 'mmpose.datasets',
             'mmpose.datasets.datasets'):
    module = types.ModuleType(name)
    module.__path__ = []
    sys.modules[name] = module
stubs = {'mmpose.registry': {'MODELS': Registry()},
         'mmpose.datasets.datasets.utils': {'parse_pose_metainfo': None},
         'mmpose.models.utils.realnvp': {'RealNVP': None}}
for name, attributes in stubs.items():
    module = types.ModuleType(name)
    module.__dict__.update(attributes)
    sys.modules[name] = module
losses = {}
for name in ('regression_loss', 'heatmap_loss', 'classification_loss'):
    path = f'mmpose/models/losses/{name}.py'
    module = types.ModuleType('mmpose.models.losses.' + name)
    module.__package__ = 'mmpose.models.losses'
    exec(compile(source.read(path).decode(), path, 'exec'), module.__dict__)
    losses[name] = module


def swift(values):
    return '[' + ', '.join(f'{v:.9g}' for v in values.flatten().tolist()) + ']'


torch.manual_seed(0)
pred = (torch.rand(2, 3, 2) * 30 - 15).double()
target = (torch.rand(2, 3, 2) * 30 - 15).double()
weights = torch.tensor([[1.0, 0.0, 0.5], [1.0, 1.0, 0.25]], dtype=torch.float64)
print('// coordinates N × K × D = 2 × 3 × 2')
print('let prediction:', swift(pred))
print('let target:', swift(target))
print('let weights:', swift(weights))
for cls, kwargs in (('WingLoss', dict(omega=10.0, epsilon=2.0)), ('SoftWingLoss', dict(omega1=2.0, omega2=20.0, epsilon=0.5))):
    for use_weight in (False, True):
        loss_fn = getattr(losses['regression_loss'], cls)(use_target_weight=use_weight, loss_weight=1.5, **kwargs)
        p = pred.clone().requires_grad_()
        loss = loss_fn(p, target, weights.unsqueeze(-1) if use_weight else None)
        loss.backward()
        print(f'// {cls}(use_target_weight={use_weight}, loss_weight=1.5): loss {loss.item():.9g}')
        print('gradient:', swift(p.grad))

heat_pred = torch.rand(2, 2, 3, 4).double()
heat_target = torch.rand(2, 2, 3, 4).double()
heat_target[0, 0] = 0
heat_pred[0, 1, 0, 0] = heat_target[0, 1, 0, 0] + 0.8   # beyond theta
print('// heatmaps N × K × H × W = 2 × 2 × 3 × 4')
print('let heatPrediction:', swift(heat_pred))
print('let heatTarget:', swift(heat_target))
for use_weight in (False, True):
    loss_fn = losses['heatmap_loss'].AdaptiveWingLoss(use_target_weight=use_weight, loss_weight=2.0)
    p = heat_pred.clone().requires_grad_()
    loss = loss_fn(p, heat_target, torch.tensor([[1.0, 0.5], [0.0, 1.0]], dtype=torch.float64) if use_weight else None)
    loss.backward()
    print(f'// AdaptiveWingLoss(use_target_weight={use_weight}, loss_weight=2): loss {loss.item():.9g}')
    print('gradient:', swift(p.grad))

print('// KLDiscretLoss on SimCC logits N × K × Wx and N × K × Hy = 2 × 3 × 8 and 2 × 3 × 6')
logits_x = (torch.randn(2, 3, 8) * 2).double()
logits_y = (torch.randn(2, 3, 6) * 2).double()
target_x = torch.rand(2, 3, 8).double()
target_y = torch.rand(2, 3, 6).double()
target_x[0, 1] = 0
target_x[0, 1, 3] = 1
kl_weights = torch.tensor([[1.0, 0.5, 0.0], [1.0, 1.0, 2.0]], dtype=torch.float64)
print('let logitsX:', swift(logits_x))
print('let logitsY:', swift(logits_y))
print('let targetX:', swift(target_x))
print('let targetY:', swift(target_y))
print('let weights:', swift(kl_weights))
for kwargs in (dict(use_target_weight=True), dict(use_target_weight=False, beta=10.0, label_softmax=True),
               dict(use_target_weight=True, beta=2.0, label_softmax=True, label_beta=5.0)):
    loss_fn = losses['classification_loss'].KLDiscretLoss(**kwargs)
    px, py = logits_x.clone().requires_grad_(), logits_y.clone().requires_grad_()
    loss = loss_fn((px, py), (target_x, target_y), kl_weights)
    loss.backward()
    print(f'// KLDiscretLoss({kwargs}): loss {loss.item():.9g}')
    print('gradientX:', swift(px.grad))
    print('gradientY:', swift(py.grad))

print('// CombinedTargetMSELoss on UDP combined targets N × 3K × H × W = 2 × 6 × 3 × 4 (K = 2)')
combined_pred = torch.randn(2, 6, 3, 4).double()
combined_target = torch.randn(2, 6, 3, 4).double()
combined_weights = torch.tensor([[1.0, 0.5], [0.0, 2.0]], dtype=torch.float64)
print('let combinedPrediction:', swift(combined_pred))
print('let combinedTarget:', swift(combined_target))
print('let combinedWeights:', swift(combined_weights))
for use_weight in (False, True):
    loss_fn = losses['heatmap_loss'].CombinedTargetMSELoss(use_target_weight=use_weight, loss_weight=1.5)
    p = combined_pred.clone().requires_grad_()
    loss = loss_fn(p, combined_target, combined_weights)
    loss.backward()
    print(f'// CombinedTargetMSELoss(use_target_weight={use_weight}, loss_weight=1.5): loss {loss.item():.9g}')
    print('gradient:', swift(p.grad))
