#!/usr/bin/env python3
"""Generate mmengine_paramwise.json: per-parameter lr / weight decay computed
by MMEngine's ``DefaultOptimWrapperConstructor`` (paramwise_cfg handling).

Run with a Python that has torch + mmengine installed, e.g.

    /work/venv-mmengine/bin/python Tests/Fixtures/recipe/make_paramwise_fixture.py

The model is plain PyTorch, but its parameter names and module types mirror
MMPose's ``TopdownPoseEstimator`` with a tiny ResNet-18 backbone
(stem_channels=4, base_channels=4 -> stage channels 4, 8, 16, 32) and a
``HeatmapHead`` (3 deconv layers with 8 channels, 17 keypoints), plus one
depthwise conv ``head.dw`` (not used in forward) so that
``dwconv_decay_mult`` is exercised.

Every case is built the way ``mmengine.optim.build_optim_wrapper`` does it
(mmengine/optim/optimizer/builder.py):

    optim_wrapper_cfg = dict(type='OptimWrapper', optimizer=<optimizer>)
    constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(dict(
        type='DefaultOptimWrapperConstructor',
        optim_wrapper_cfg=optim_wrapper_cfg, paramwise_cfg=<paramwise_cfg>))
    optim_wrapper = constructor(model)

For every parameter (``model.named_parameters()`` order) the lr and the
effective weight decay of the param group holding it are recorded
(``group.get('weight_decay', optimizer.defaults['weight_decay'])``), together
with the parameter shape, plus the number of param groups.  A parameter that
is in no group (possible only with bypass_duplicate) gets lr = wd = null.
If MMEngine raises, the case records {"error": "<Type>: <message>"} instead.
"""

import copy
import json
import os

import torch
import torch.nn as nn

import mmengine
from mmengine.logging import MMLogger
# Importing mmengine.optim registers DefaultOptimWrapperConstructor,
# OptimWrapper and the torch optimizers (the Runner imports it too).
from mmengine.optim import DefaultOptimWrapperConstructor  # noqa: F401
from mmengine.registry import OPTIM_WRAPPER_CONSTRUCTORS

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'mmengine_paramwise.json')

# (name, optimizer, paramwise_cfg) -- the config strings are stored verbatim
# in the fixture and evaluated here with ``dict`` as the only global.
CASES = [
    ("adamw_norm_bias",
     "dict(type='AdamW', lr=5e-4, weight_decay=0.05)",
     "dict(norm_decay_mult=0, bias_decay_mult=0, bypass_duplicate=True)"),
    ("sgd_custom_keys",
     "dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)",
     "dict(custom_keys={'backbone': dict(lr_mult=0.1), "
     "'backbone.layer4': dict(lr_mult=0.5, decay_mult=2.0), "
     "'head.final_layer': dict(decay_mult=0.0)})"),
    ("adam_dwconv",
     "dict(type='Adam', lr=1e-3, weight_decay=1e-4)",
     "dict(dwconv_decay_mult=0.0, bias_lr_mult=2.0)"),
    ("adamw_flat_decay",
     "dict(type='AdamW', lr=1e-3, weight_decay=0.05)",
     "dict(flat_decay_mult=0.0)"),
    ("sgd_norm_custom",
     "dict(type='SGD', lr=0.01, weight_decay=5e-4)",
     "dict(norm_decay_mult=0.0, custom_keys={'.bn': dict(lr_mult=3.0), "
     "'head': dict(decay_mult=0.5)})"),
]


# --------------------------------------------------------------------------
# Model (names mirror mmpose TopdownPoseEstimator + ResNet(depth=18) +
# HeatmapHead)
# --------------------------------------------------------------------------
class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, in_channels, out_channels, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=stride,
                               padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1,
                               padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        identity = x
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet18(nn.Module):

    def __init__(self, in_channels=3, stem_channels=4, base_channels=4):
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, stem_channels, 7, stride=2,
                               padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(stem_channels)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        inplanes = stem_channels
        for i, stride in enumerate((1, 2, 2, 2)):
            planes = base_channels * 2**i
            downsample = None
            if stride != 1 or inplanes != planes:
                downsample = nn.Sequential(
                    nn.Conv2d(inplanes, planes, 1, stride=stride, bias=False),
                    nn.BatchNorm2d(planes))
            blocks = [BasicBlock(inplanes, planes, stride, downsample),
                      BasicBlock(planes, planes, 1, None)]
            inplanes = planes
            self.add_module(f'layer{i + 1}', nn.Sequential(*blocks))

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(1, 5):
            x = getattr(self, f'layer{i}')(x)
        return (x, )


class HeatmapHead(nn.Module):

    def __init__(self, in_channels=32, deconv_channels=8, out_channels=17):
        super().__init__()
        layers = []
        c = in_channels
        for _ in range(3):
            layers += [
                nn.ConvTranspose2d(c, deconv_channels, 4, stride=2,
                                   padding=1, output_padding=0, bias=False),
                nn.BatchNorm2d(deconv_channels),
                nn.ReLU(inplace=True)
            ]
            c = deconv_channels
        self.deconv_layers = nn.Sequential(*layers)
        self.final_layer = nn.Conv2d(deconv_channels, out_channels, 1)
        # extra depthwise conv (unused in forward) for dwconv_decay_mult
        self.dw = nn.Conv2d(deconv_channels, deconv_channels, 3, padding=1,
                            groups=deconv_channels, bias=True)

    def forward(self, feats):
        return self.final_layer(self.deconv_layers(feats[-1]))


class TopdownPoseEstimator(nn.Module):

    def __init__(self):
        super().__init__()
        self.backbone = ResNet18()
        self.head = HeatmapHead()

    def forward(self, x):
        return self.head(self.backbone(x))


# --------------------------------------------------------------------------
def run_case(name, optimizer_str, paramwise_str):
    env = {'__builtins__': {}, 'dict': dict}
    optimizer_cfg = eval(optimizer_str, env)
    paramwise_cfg = eval(paramwise_str, env)
    entry = dict(name=name, optimizer=optimizer_str,
                 paramwise_cfg=paramwise_str)

    torch.manual_seed(0)
    model = TopdownPoseEstimator()
    try:
        optim_wrapper_cfg = dict(type='OptimWrapper',
                                 optimizer=copy.deepcopy(optimizer_cfg))
        constructor = OPTIM_WRAPPER_CONSTRUCTORS.build(
            dict(type='DefaultOptimWrapperConstructor',
                 optim_wrapper_cfg=optim_wrapper_cfg,
                 paramwise_cfg=copy.deepcopy(paramwise_cfg)))
        optim_wrapper = constructor(model)
    except Exception as e:  # record MMEngine's error instead
        entry['error'] = f'{type(e).__name__}: {e}'
        return entry

    optimizer = optim_wrapper.optimizer
    default_wd = optimizer.defaults.get('weight_decay')
    by_id = {}
    for group in optimizer.param_groups:
        for p in group['params']:
            by_id.setdefault(id(p), group)
    params = []
    for pname, p in model.named_parameters():
        group = by_id.get(id(p))
        if group is None:
            params.append([pname, None, None, list(p.shape)])
        else:
            params.append([
                pname,
                float(group['lr']),
                float(group.get('weight_decay', default_wd)),
                list(p.shape)
            ])
    entry['groups'] = len(optimizer.param_groups)
    entry['params'] = params
    return entry


def main():
    # MMEngine logs every paramwise option via print_log(logger='current');
    # keep the output quiet.
    MMLogger.get_instance('mmengine', log_level='ERROR')
    out = dict(mmengine=mmengine.__version__,
               torch=torch.__version__,
               cases=[run_case(*c) for c in CASES])
    with open(OUT_PATH, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')


if __name__ == '__main__':
    main()
