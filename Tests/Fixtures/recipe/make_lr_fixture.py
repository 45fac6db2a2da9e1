#!/usr/bin/env python3
"""Generate mmengine_lr.json: per-iteration learning rates computed by MMEngine.

Run with a Python that has torch + mmengine installed, e.g.

    /work/venv-mmengine/bin/python Tests/Fixtures/recipe/make_lr_fixture.py

For every case a tiny model (nn.Linear(2, 2)) and an SGD optimizer
(lr=0.1, momentum=0.9) are wrapped in ``mmengine.optim.OptimWrapper`` and the
schedulers are built exactly like ``Runner._build_param_scheduler`` does:

    _scheduler = copy.deepcopy(cfg)
    _scheduler.setdefault('end', max_epochs if by_epoch else max_iters)
    PARAM_SCHEDULERS.build(_scheduler, default_args=dict(
        optimizer=optim_wrapper, epoch_length=len(train_dataloader)))

(``PARAM_SCHEDULERS``'s build function, ``build_scheduler_from_cfg``, pops
``convert_to_iter_based`` and, when it is true, calls
``SchedulerClass.build_iter_from_epoch(**args)``.)

Training is then simulated the way ``EpochBasedTrainLoop`` +
``ParamSchedulerHook`` drive the schedulers: for each iteration the lr of
param group 0 is recorded *before* the optimizer step (the lr the iteration
trains with), a real forward/backward/``optim_wrapper.update_params`` is run,
then ``step()`` is called on every scheduler with ``by_epoch == False``
(``after_train_iter``); after an epoch's last iteration ``step()`` is called on
every scheduler with ``by_epoch == True`` (``after_train_epoch``).

``QuadraticWarmupLR`` is not part of MMEngine (it lives in MMDetection,
``mmdet/engine/schedulers/quadratic_warmup.py``), so the "quadratic_warmup"
case records the MMEngine build error.  An extra case
"quadratic_warmup_mmdet" computes the same config with MMDetection's own
scheduler source, read verbatim from an mmdet wheel (default
/work/mmdet_src/mmdet-3.3.0-py3-none-any.whl, override with $MMDET_WHEEL) and
registered in a child registry of MMEngine's PARAM_SCHEDULERS (as
``mmdet.registry`` does); importing the real ``mmdet`` package would require
mmcv.
"""

import copy
import importlib.util
import json
import os
import sys
import types
import zipfile

import torch
import torch.nn as nn

import mmengine
from mmengine.optim import OptimWrapper
from mmengine.registry import PARAM_SCHEDULERS, Registry

EPOCH_LENGTH = 5
MAX_EPOCHS = 12
MAX_ITERS = EPOCH_LENGTH * MAX_EPOCHS
BASE_LR = 0.1

OUT_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        'mmengine_lr.json')
MMDET_WHEEL = os.environ.get(
    'MMDET_WHEEL', '/work/mmdet_src/mmdet-3.3.0-py3-none-any.whl')
MMDET_QW_PATH = 'mmdet/engine/schedulers/quadratic_warmup.py'

# name -> param_scheduler list literal (kept as a string so it can be stored
# verbatim in the fixture; evaluated with eval()).
CASES = [
    ("linear_multistep",
     "[dict(type='LinearLR', begin=0, end=7, start_factor=0.001, by_epoch=False), dict(type='MultiStepLR', begin=0, end=12, milestones=[6, 9], gamma=0.1, by_epoch=True)]"),
    ("cosine_epoch",
     "[dict(type='CosineAnnealingLR', T_max=12, eta_min=0.001, begin=0, end=12, by_epoch=True)]"),
    ("cosine_iter_converted",
     "[dict(type='LinearLR', start_factor=1e-5, by_epoch=False, begin=0, end=10), dict(type='CosineAnnealingLR', eta_min=0.1*0.05, begin=6, end=12, T_max=6, by_epoch=True, convert_to_iter_based=True)]"),
    ("cosine_eta_min_ratio",
     "[dict(type='CosineAnnealingLR', T_max=8, eta_min_ratio=0.01, begin=2, end=10, by_epoch=True)]"),
    ("exponential",
     "[dict(type='ExponentialLR', gamma=0.8, begin=1, end=10, by_epoch=True)]"),
    ("step",
     "[dict(type='StepLR', step_size=3, gamma=0.5, begin=0, end=12, by_epoch=True)]"),
    ("step_converted",
     "[dict(type='StepLR', step_size=2, gamma=0.5, begin=0, end=12, by_epoch=True, convert_to_iter_based=True)]"),
    ("poly",
     "[dict(type='PolyLR', power=0.9, eta_min=1e-4, begin=0, end=12, by_epoch=True)]"),
    ("poly_iter",
     "[dict(type='PolyLR', power=1.0, eta_min=0.0, begin=5, end=50, by_epoch=False)]"),
    ("quadratic_warmup",
     "[dict(type='QuadraticWarmupLR', by_epoch=False, begin=0, end=20), dict(type='CosineAnnealingLR', eta_min=0.0005, begin=4, T_max=8, end=12, by_epoch=True, convert_to_iter_based=True)]"),
    ("constant_linear",
     "[dict(type='ConstantLR', factor=0.5, begin=0, end=4, by_epoch=True), dict(type='LinearLR', start_factor=0.2, end_factor=1.0, begin=2, end=8, by_epoch=True)]"),
    ("onecycle",
     "[dict(type='OneCycleLR', eta_max=0.5, total_steps=60, pct_start=0.3, anneal_strategy='cos', div_factor=25, final_div_factor=1e4, three_phase=False, by_epoch=False)]"),
    ("onecycle_linear3",
     "[dict(type='OneCycleLR', eta_max=0.5, total_steps=60, pct_start=0.25, anneal_strategy='linear', div_factor=10, final_div_factor=100, three_phase=True, by_epoch=False)]"),
]


def mmdet_registry():
    """Child registry of MMEngine's PARAM_SCHEDULERS holding MMDetection's
    QuadraticWarmup* schedulers (source read verbatim from the mmdet wheel)."""
    with zipfile.ZipFile(MMDET_WHEEL) as zf:
        source = zf.read(MMDET_QW_PATH).decode('utf-8')
    registry = Registry('parameter scheduler', parent=PARAM_SCHEDULERS,
                        scope='mmdet_fixture')
    # Stub just enough of the `mmdet` package for the module's imports.
    saved = {k: sys.modules.get(k) for k in ('mmdet', 'mmdet.registry')}
    pkg = types.ModuleType('mmdet')
    pkg.__path__ = []
    reg_mod = types.ModuleType('mmdet.registry')
    reg_mod.PARAM_SCHEDULERS = registry
    sys.modules['mmdet'] = pkg
    sys.modules['mmdet.registry'] = reg_mod
    try:
        mod = types.ModuleType('mmdet_quadratic_warmup')
        mod.__file__ = f'{MMDET_WHEEL}/{MMDET_QW_PATH}'
        exec(compile(source, mod.__file__, 'exec'), mod.__dict__)
    finally:
        for k, v in saved.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
    return registry


def build_schedulers(cfgs, optim_wrapper, registry):
    """Mirror of mmengine Runner._build_param_scheduler (single optimizer,
    train loop built)."""
    schedulers = []
    for cfg in cfgs:
        _scheduler = copy.deepcopy(cfg)
        default_end = MAX_EPOCHS if _scheduler.get('by_epoch', True) \
            else MAX_ITERS
        _scheduler.setdefault('end', default_end)
        schedulers.append(
            registry.build(
                _scheduler,
                default_args=dict(
                    optimizer=optim_wrapper, epoch_length=EPOCH_LENGTH)))
    return schedulers


def run_case(param_scheduler_src, registry=PARAM_SCHEDULERS):
    torch.manual_seed(0)
    model = nn.Linear(2, 2)
    optimizer = torch.optim.SGD(model.parameters(), lr=BASE_LR, momentum=0.9)
    optim_wrapper = OptimWrapper(optimizer)
    cfgs = eval(param_scheduler_src, {'dict': dict})
    schedulers = build_schedulers(cfgs, optim_wrapper, registry)

    x = torch.ones(4, 2)
    lrs = []
    for _epoch in range(MAX_EPOCHS):
        for _idx in range(EPOCH_LENGTH):
            lrs.append(float(optimizer.param_groups[0]['lr']))
            loss = model(x).pow(2).mean()
            optim_wrapper.update_params(loss)
            # ParamSchedulerHook.after_train_iter
            for s in schedulers:
                if not s.by_epoch:
                    s.step()
        # ParamSchedulerHook.after_train_epoch
        for s in schedulers:
            if s.by_epoch:
                s.step()
    assert len(lrs) == MAX_ITERS
    return lrs


def main():
    results = []
    for name, src in CASES:
        entry = {'name': name, 'param_scheduler': src}
        try:
            entry['lr'] = run_case(src)
        except Exception as e:  # noqa: BLE001
            entry['error'] = f'{type(e).__name__}: {e}'
        results.append(entry)

        if name == 'quadratic_warmup':
            extra = {
                'name': 'quadratic_warmup_mmdet',
                'param_scheduler': src,
                'source': ('QuadraticWarmupLR from MMDetection '
                           f'({os.path.basename(MMDET_WHEEL)}:{MMDET_QW_PATH}) '
                           'in a child registry of MMEngine PARAM_SCHEDULERS; '
                           'all other schedulers are MMEngine\'s'),
            }
            try:
                extra['lr'] = run_case(src, mmdet_registry())
            except Exception as e:  # noqa: BLE001
                extra['error'] = f'{type(e).__name__}: {e}'
            results.append(extra)

    head = {
        'mmengine': mmengine.__version__,
        'torch': torch.__version__,
        'epoch_length': EPOCH_LENGTH,
        'max_epochs': MAX_EPOCHS,
        'base_lr': BASE_LR,
    }
    lines = ['{']
    for k, v in head.items():
        lines.append(f'  {json.dumps(k)}: {json.dumps(v)},')
    lines.append('  "cases": [')
    for i, entry in enumerate(results):
        sep = ',' if i < len(results) - 1 else ''
        lines.append('    ' + json.dumps(entry) + sep)
    lines.append('  ]')
    lines.append('}')
    text = '\n'.join(lines) + '\n'
    json.loads(text)  # sanity check
    with open(OUT_PATH, 'w') as f:
        f.write(text)
    for entry in results:
        status = 'error: ' + entry['error'] if 'error' in entry \
            else f"{len(entry['lr'])} values"
        print(f"{entry['name']}: {status}")
    print(f'wrote {OUT_PATH}')


if __name__ == '__main__':
    main()
