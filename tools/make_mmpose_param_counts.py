"""Writes Tests/Fixtures/mmpose_param_counts.json: MMPose 1.3.2's own parameter count for every
config in its config tree, to compare with `pose-analyze check-configs` config by config
(tools/compare_param_counts.py does the comparison).

For every `.py` under the installed mmpose's `.mim/configs` (paths with a `_base_` folder are
skipped) the script loads the config with mmengine's Config, removes every `init_cfg` from
`cfg.model` (recursively), builds `cfg.model` with MMPose's MODELS registry (default scope
mmpose) and records sum(p.numel() for p in model.parameters()): every parameter, frozen or not;
buffers (BatchNorm running statistics) are not parameters. Weights are never initialized
(`init_weights` is not called) and nothing is downloaded.

DWPose's distillers (type='DWPoseDistiller') name their teacher and student by config file path
relative to MMPose's repository root ('configs/...'); the script points these at the installed
tree, strips `init_cfg` from those two configs as well (each is loaded, stripped and dumped to a
temporary file the distiller then reads) and sets `teacher_pretrained=None` (the distiller only
loads it in `init_weights`, which building does not call, so this changes no count). For a
distiller the record is {"total": N, "student": S, "teacher": T}; N also counts the distillation
losses' own parameters (FeaLoss's 1x1 alignment convolution).

A config MMPose itself cannot load or build here (e.g. a backbone from mmpretrain, which is not
installed, or a layer needing mmcv's compiled ops, absent from mmcv-lite) is recorded as
{"error": "<exception type>: <first line of its message>"} (the installed mmpose folder written
`<mmpose>`). EDPose's config is in MMEngine's new Python-module format and imports
`mmpose.configs._base_...`, a folder only a source checkout of MMPose has (the wheel ships the
configs under `.mim/configs`), so it fails to load here.

Run from the repository root in the MMPose 1.3.2 venv (`bash tools/mmpose_venv.sh` makes one):
    /path/to/venv/bin/python tools/make_mmpose_param_counts.py [OUT_JSON]
"""
import gc
import json
import os
import sys
import tempfile
import time
import warnings

import mmpose
import torch
from mmengine.config import Config
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

torch.set_num_threads(1)
warnings.filterwarnings('ignore')
MMLogger.get_current_instance().setLevel('ERROR')

MIM = os.path.join(os.path.dirname(mmpose.__file__), '.mim')
CONFIGS = os.path.join(MIM, 'configs')
OUT = sys.argv[1] if len(sys.argv) > 1 else 'Tests/Fixtures/mmpose_param_counts.json'


def strip_init_cfg(node):
    """Removes every `init_cfg` key from nested dicts/lists in place."""
    if isinstance(node, dict):
        node.pop('init_cfg', None)
        for value in node.values():
            strip_init_cfg(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            strip_init_cfg(value)


def stripped_config_file(path, tmpdir):
    """`path` (relative to MMPose's repository root, as distillers name it) loaded, its model's
    init_cfg removed, dumped to a file in tmpdir; returns that file's path."""
    full = path if os.path.isabs(path) else os.path.join(MIM, path)
    cfg = Config.fromfile(full)
    strip_init_cfg(cfg.model)
    out = os.path.join(tmpdir, f'{len(os.listdir(tmpdir))}_{os.path.basename(full)}')
    cfg.dump(out)
    return out


def count(module):
    return sum(p.numel() for p in module.parameters())


def first_line(error):
    """`<type>: <first line>`, with this machine's mmpose folder written `<mmpose>`."""
    lines = str(error).strip().splitlines()
    text = f'{type(error).__name__}: {lines[0] if lines else ""}'.rstrip(': ')
    return text.replace(os.path.dirname(mmpose.__file__), '<mmpose>')


def record(path, tmpdir):
    from mmpose.registry import MODELS
    cfg = Config.fromfile(path)
    model_cfg = cfg.model
    strip_init_cfg(model_cfg)
    for key in ('teacher_cfg', 'student_cfg'):
        if isinstance(model_cfg.get(key), str):
            model_cfg[key] = stripped_config_file(model_cfg[key], tmpdir)
    if 'teacher_pretrained' in model_cfg:
        model_cfg['teacher_pretrained'] = None
    model = MODELS.build(model_cfg)
    total = count(model)
    if hasattr(model, 'student') and hasattr(model, 'teacher'):
        result = {'total': total, 'student': count(model.student), 'teacher': count(model.teacher)}
    else:
        result = total
    del model
    return result


def main():
    init_default_scope('mmpose')
    paths = []
    for root, dirs, files in os.walk(CONFIGS):
        dirs[:] = sorted(d for d in dirs if d != '_base_' and d != '__pycache__')
        paths += [os.path.join(root, f) for f in sorted(files) if f.endswith('.py')]
    rels = sorted(os.path.relpath(p, CONFIGS) for p in paths)
    rels = [r for r in rels if '_base_' not in r.split(os.sep)]
    counts = {}
    start = time.time()
    with tempfile.TemporaryDirectory() as tmpdir:
        for i, rel in enumerate(rels, 1):
            t0 = time.time()
            try:
                counts[rel] = record(os.path.join(CONFIGS, rel), tmpdir)
            except Exception as error:  # noqa: BLE001 - MMPose's own failure is the record
                counts[rel] = {'error': first_line(error)}
            gc.collect()
            shown = counts[rel] if not isinstance(counts[rel], int) else f'{counts[rel]:,}'
            print(f'[{i}/{len(rels)} {time.time() - t0:5.1f}s] {rel}: {shown}', flush=True)
    os.makedirs(os.path.dirname(os.path.abspath(OUT)), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump({'mmpose': mmpose.__version__, 'counts': counts}, f, indent=1, sort_keys=True)
        f.write('\n')
    errors = sum(isinstance(v, dict) and 'error' in v for v in counts.values())
    print(f'{len(counts)} configs: {len(counts) - errors} build in MMPose, {errors} do not '
          f'({time.time() - start:.0f}s); wrote {OUT}')


if __name__ == '__main__':
    main()
