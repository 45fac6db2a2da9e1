#!/usr/bin/env python3
"""Generate mmengine_momentum.json: momentum schedulers as MMEngine steps them.

Run with a Python that has torch + mmengine installed, e.g.

    /work/venv-mmengine/bin/python Tests/Fixtures/recipe/make_momentum_fixture.py

Every case builds its optimizer (SGD's ``momentum`` or Adam/AdamW's ``betas[0]``
is what MMEngine's momentum schedulers set) over one parameter of 4 values,
wraps it in ``OptimWrapper`` and builds the ``param_scheduler`` list as
``Runner._build_param_scheduler`` does (missing ``end`` = max_epochs, or
max_iters when counted in iterations; ``convert_to_iter_based`` through
``build_iter_from_epoch``). Training is simulated as ``EpochBasedTrainLoop`` +
``ParamSchedulerHook`` drive it: each iteration records group 0's lr and
momentum before the step (the values the iteration trains with), sets the
gradient to ``sin(0.7 * t + i) + 0.1 * i`` (t the iteration, i the element),
calls ``optimizer.step()``, then steps the iteration-based schedulers; after an
epoch the epoch-based ones. The parameter after the last step is recorded too,
so the optimizers' use of a changing momentum is checked with the schedules.
"""

import copy
import json
import math
import os

import torch

import mmengine
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS

EPOCH_LENGTH = 5
MAX_EPOCHS = 12
MAX_ITERS = EPOCH_LENGTH * MAX_EPOCHS
INITIAL = [0.5, -0.25, 1.0, 0.0]

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'mmengine_momentum.json')

# (name, optimizer, param_scheduler list): kept as strings, stored verbatim.
CASES = [
    ("sgd_linear_cosine",
     "dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4)",
     "[dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=10), "
     "dict(type='LinearMomentum', start_factor=0.5, by_epoch=False, begin=0, end=10), "
     "dict(type='CosineAnnealingMomentum', eta_min=0.8, T_max=12, begin=0, end=12, by_epoch=True)]"),
    ("sgd_nesterov_multistep_constant",
     "dict(type='SGD', lr=0.05, momentum=0.95, nesterov=True)",
     "[dict(type='ConstantMomentum', factor=0.5, begin=0, end=3, by_epoch=True), "
     "dict(type='MultiStepMomentum', milestones=[5, 9], gamma=0.9, by_epoch=True)]"),
    ("adam_step_converted",
     "dict(type='Adam', lr=0.01, betas=(0.9, 0.999))",
     "[dict(type='StepMomentum', step_size=3, gamma=0.95, begin=0, end=12, by_epoch=True, convert_to_iter_based=True)]"),
    ("adamw_poly_exponential",
     "dict(type='AdamW', lr=0.01, betas=(0.95, 0.99), weight_decay=0.05)",
     "[dict(type='CosineAnnealingLR', eta_min_ratio=0.1, T_max=12, by_epoch=True, convert_to_iter_based=True), "
     "dict(type='PolyMomentum', power=2.0, eta_min=0.6, begin=0, end=30, by_epoch=False), "
     "dict(type='ExponentialMomentum', gamma=1.01, begin=8, end=12, by_epoch=True)]"),
]


def make_optimizer(src, param):
    cfg = eval(src, {'dict': dict})
    kind = cfg.pop('type')
    return getattr(torch.optim, kind)([param], **cfg)


def run_case(optimizer_src, scheduler_src):
    param = torch.nn.Parameter(torch.tensor(INITIAL))
    optimizer = make_optimizer(optimizer_src, param)
    optim_wrapper = OptimWrapper(optimizer)
    schedulers = []
    for cfg in eval(scheduler_src, {'dict': dict}):
        s = copy.deepcopy(cfg)
        s.setdefault('end', MAX_EPOCHS if s.get('by_epoch', True) else MAX_ITERS)
        schedulers.append(PARAM_SCHEDULERS.build(
            s, default_args=dict(optimizer=optim_wrapper, epoch_length=EPOCH_LENGTH)))
    lrs, momenta = [], []
    t = 0
    for _epoch in range(MAX_EPOCHS):
        for _idx in range(EPOCH_LENGTH):
            group = optimizer.param_groups[0]
            lrs.append(float(group['lr']))
            momenta.append(float(group['momentum'] if 'momentum' in group and 'betas' not in group else group['betas'][0]))
            param.grad = torch.tensor([math.sin(0.7 * t + i) + 0.1 * i for i in range(4)])
            optimizer.step()
            t += 1
            for s in schedulers:
                if not s.by_epoch:
                    s.step()
        for s in schedulers:
            if s.by_epoch:
                s.step()
    return lrs, momenta, [float(v) for v in param.detach()]


def main():
    cases = []
    for name, optimizer_src, scheduler_src in CASES:
        lrs, momenta, final = run_case(optimizer_src, scheduler_src)
        cases.append({'name': name, 'optimizer': optimizer_src, 'param_scheduler': scheduler_src,
                      'lr': lrs, 'momentum': momenta, 'final': final})
        print(f'{name}: momentum {momenta[0]:.4f} -> {momenta[-1]:.4f}, final {final}')
    out = {'mmengine': mmengine.__version__, 'torch': torch.__version__, 'epoch_length': EPOCH_LENGTH,
           'max_epochs': MAX_EPOCHS, 'initial': INITIAL, 'cases': cases}
    with open(OUT_PATH, 'w') as f:
        json.dump(out, f, indent=1)
        f.write('\n')
    print(f'wrote {OUT_PATH}')


if __name__ == '__main__':
    main()
