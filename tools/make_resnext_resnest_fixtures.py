"""Writes Tests/Fixtures/parity/resnext_resnest.safetensors: PyTorch references for ResNeXt, ResNeSt
and grouped convolution, computed with MMPose 1.3.2's own backbone code.

Models (random, deterministic weights and BN statistics, see randomize(): convs N(0, 2/fan_in), BN
weight U(0.5, 1.5) except each bottleneck's last BN `bn3` U(0.1, 0.3) to keep activations O(1)):
- `resnext`:    ResNeXt(depth=50, stem_channels=8, base_channels=4, groups=2, width_per_group=4, out_indices=(3,))
- `resnest`:    ResNeSt(depth=50, stem_channels=8, base_channels=4, radix=2, groups=1, reduction_factor=4, out_indices=(3,))
- `resnest_g2`: ResNeSt(depth=50, stem_channels=8, base_channels=4, radix=2, groups=2, width_per_group=4,
                reduction_factor=4, out_indices=(3,))
For each prefix P: `P.state.<state_dict key>` (every float entry, num_batches_tracked skipped), `P.input`
(2x3x64x48), `P.eval_out` (eval mode), `P.train_out` (train mode, batch statistics), `P.dy` (upstream
gradient), `P.dx` and `P.grad.<parameter name>` (gradients of sum(train_out * dy)), and
`P.after.<key>` for every running_mean / running_var after that one training forward (momentum 0.1).
Plus two standalone grouped convolutions, `gconv` (Conv2d(6, 9, 3, stride 2, padding 1, groups 3, bias))
and `gconv2` (Conv2d(4, 8, 3, stride 1, padding 2, dilation 2, groups 4, no bias)): `.weight`, `.bias`,
`.input`, `.output`, `.dy`, `.dx`, `.dweight`, `.dbias`. All tensors float32.

The model code is the text of mmpose/models/backbones/{base_backbone,resnet,resnext,resnest}.py read
from the MMPose 1.3.2 wheel (~/.cache/swiftpose-mmpose-wheel, or $MMPOSE_WHEEL_DIR; fetch it with
`pip download --no-deps mmpose==1.3.2`) and exec'd unmodified inside a fake `mmpose` package. mmcv is
not installed; its three imported pieces are stubbed after mmcv 2.x: `mmcv.cnn.build_conv_layer`
(None / Conv2d -> nn.Conv2d), `build_norm_layer` (BN -> ('bn' + postfix, nn.BatchNorm2d), requires_grad)
and `ConvModule` (conv -> bn -> activate(ReLU), bias='auto' -> no bias with a norm). `mmpose.registry.MODELS`
is a stub whose register_module() is an identity decorator. mmengine (BaseModule, constant_init,
_BatchNorm) is the real one.

Run from the repository root with the venv holding torch, mmengine and safetensors (not run in CI):
    /work/venv-mmengine/bin/python tools/make_resnext_resnest_fixtures.py
Made with PyTorch 2.13.0+cpu, mmengine 0.10.7, CPU, one thread. torch.manual_seed(0) first, then each
case reseeds after building its module (so the values do not depend on the constructors' RNG draws):
resnext 0, resnest 9, resnest_g2 2, gconv 3, gconv2 4.

Conditioning: in train mode, SplitAttentionConv2d's `bn1` normalizes a (2, C, 1, 1) tensor, i.e. over
two values per channel, so its output is ~+-1 and its exact input gradient ~0, computed by float32
cancellation; wherever the two values nearly coincide (variance ~ eps = 1e-5) it is steep instead.
The ResNeSt train-mode gradients are therefore float32-noise-limited. The script recomputes every
case in float64 (not saved) and prints max|float32 - float64| / max|float64| per output; the ResNeSt
seeds were picked (out of 1..12) for the smallest such error, and the printout is the floor a
float32 reimplementation's tolerance must sit above. `*.conv2.fc1.bias` gradients are exactly zero
in exact arithmetic (a bias feeding train-mode BN) and are pure float32 noise: compare them absolutely.
"""
import copy
import math
import os
import sys
import types
import zipfile

import torch
import torch.nn as nn
from safetensors.torch import save_file

torch.manual_seed(0)
torch.set_num_threads(1)
torch.use_deterministic_algorithms(True)
OUT = 'Tests/Fixtures/parity/resnext_resnest.safetensors'
WHEEL_DIR = os.environ.get('MMPOSE_WHEEL_DIR', os.path.expanduser('~/.cache/swiftpose-mmpose-wheel'))


# ---- mmcv 2.x stubs -------------------------------------------------------------------------
def build_conv_layer(cfg, *args, **kwargs):
    if cfg is not None and cfg.get('type', 'Conv2d') not in ('Conv', 'Conv2d'):
        raise NotImplementedError(f'conv type {cfg}')
    return nn.Conv2d(*args, **kwargs)


def build_norm_layer(cfg, num_features, postfix=''):
    cfg = dict(cfg)
    layer_type = cfg.pop('type')
    if layer_type not in ('BN', 'BN2d'):
        raise NotImplementedError(f'norm type {layer_type}')
    requires_grad = cfg.pop('requires_grad', True)
    cfg.setdefault('eps', 1e-5)
    layer = nn.BatchNorm2d(num_features, **cfg)
    for p in layer.parameters():
        p.requires_grad = requires_grad
    return 'bn' + str(postfix), layer


class ConvModule(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, dilation=1, groups=1,
                 bias='auto', conv_cfg=None, norm_cfg=None, act_cfg=dict(type='ReLU'), inplace=True):
        super().__init__()
        assert act_cfg is None or act_cfg['type'] == 'ReLU'
        self.with_norm = norm_cfg is not None
        self.with_activation = act_cfg is not None
        if bias == 'auto':
            bias = not self.with_norm
        self.conv = build_conv_layer(conv_cfg, in_channels, out_channels, kernel_size, stride=stride,
                                     padding=padding, dilation=dilation, groups=groups, bias=bias)
        if self.with_norm:
            self.norm_name, norm = build_norm_layer(norm_cfg, out_channels)
            self.add_module(self.norm_name, norm)
        else:
            self.norm_name = None
        if self.with_activation:
            self.activate = nn.ReLU(inplace=inplace)

    @property
    def norm(self):
        return getattr(self, self.norm_name) if self.norm_name else None

    def forward(self, x, activate=True, norm=True):
        x = self.conv(x)
        if norm and self.with_norm:
            x = self.norm(x)
        if activate and self.with_activation:
            x = self.activate(x)
        return x


def load_mmpose_backbones():
    wheel = os.path.join(WHEEL_DIR, 'mmpose-1.3.2-py2.py3-none-any.whl')
    z = zipfile.ZipFile(wheel)
    mmcv = types.ModuleType('mmcv')
    cnn = types.ModuleType('mmcv.cnn')
    cnn.build_conv_layer, cnn.build_norm_layer, cnn.ConvModule = build_conv_layer, build_norm_layer, ConvModule
    mmcv.cnn = cnn
    sys.modules.update({'mmcv': mmcv, 'mmcv.cnn': cnn})

    class Registry:
        def register_module(self, *args, **kwargs):
            return lambda cls: cls

    for name in ('mmpose', 'mmpose.models', 'mmpose.models.backbones'):
        pkg = types.ModuleType(name)
        pkg.__path__ = []
        sys.modules[name] = pkg
    registry = types.ModuleType('mmpose.registry')
    registry.MODELS = Registry()
    sys.modules['mmpose.registry'] = registry
    mods = {}
    for name in ('base_backbone', 'resnet', 'resnext', 'resnest'):
        full = 'mmpose.models.backbones.' + name
        path = f'mmpose/models/backbones/{name}.py'
        mod = types.ModuleType(full)
        mod.__file__ = path
        mod.__package__ = 'mmpose.models.backbones'
        sys.modules[full] = mod
        exec(compile(z.read(path).decode(), path, 'exec'), mod.__dict__)
        mods[name] = mod
    return mods


def randomize(model):
    """Every conv weight ~ N(0, 2/fan_in), conv bias ~ N(0, 0.1^2); BN weight ~ U(0.5, 1.5),
    bias ~ N(0, 0.1^2), running_mean ~ N(0, 0.1^2), running_var ~ U(0.5, 1.5); except the last BN of
    each bottleneck's residual branch (`norm3`, i.e. `bn3`), weight ~ U(0.1, 0.3): a milder form of
    MMPose's zero_init_residual, without which eval activations and train-mode gradients grow about
    sqrt(2) per block (eval_out ~ 1e2-1e3, dx ~ 1e2-1e3 after 16 blocks)."""
    done = set()
    last_bns = {id(m.norm3) for m in model.modules() if hasattr(m, 'norm3_name')}
    with torch.no_grad():
        for _, m in model.named_modules():
            if isinstance(m, nn.Conv2d):
                fan_in = m.weight.shape[1] * m.weight.shape[2] * m.weight.shape[3]
                m.weight.normal_(0, math.sqrt(2.0 / fan_in))
                done.add(id(m.weight))
                if m.bias is not None:
                    m.bias.normal_(0, 0.1)
                    done.add(id(m.bias))
            elif isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.1, 0.3) if id(m) in last_bns else m.weight.uniform_(0.5, 1.5)
                m.bias.normal_(0, 0.1)
                m.running_mean.normal_(0, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                done.update({id(m.weight), id(m.bias)})
    assert all(id(p) in done for p in model.parameters()), 'a parameter was not randomized'


def run(model, x, dy=None):
    """eval output, train output, dy, dx, parameter grads, BN running stats after the train forward."""
    model.eval()
    with torch.no_grad():
        out = model(x)
    assert isinstance(out, tuple) and len(out) == 1
    model.train()
    x = x.clone().requires_grad_()
    y = model(x)[0]
    if dy is None:
        dy = torch.randn_like(y)
    (y * dy).sum().backward()
    grads = {name: p.grad.clone() for name, p in model.named_parameters()}
    after = {k: v.detach().clone() for k, v in model.state_dict().items()
             if k.endswith('running_mean') or k.endswith('running_var')}
    return out[0].clone(), y.detach().clone(), dy, x.grad.clone(), grads, after


def rel_err(a, ref):
    return ((a.double() - ref).abs().max() / ref.abs().max().clamp_min(1e-30)).item()


def model_case(prefix, model, seed, tensors):
    torch.manual_seed(seed)
    randomize(model)
    model64 = copy.deepcopy(model).double()
    state = {k: v.detach().clone() for k, v in model.state_dict().items() if not k.endswith('num_batches_tracked')}
    assert all(v.dtype == torch.float32 for v in state.values())
    for k, v in state.items():
        tensors[f'{prefix}.state.{k}'] = v
    x = torch.randn(2, 3, 64, 48)
    tensors[f'{prefix}.input'] = x.clone()
    out, y, dy, dx, grads, after = run(model, x)
    tensors[f'{prefix}.eval_out'] = out
    tensors[f'{prefix}.train_out'] = y
    tensors[f'{prefix}.dy'] = dy
    tensors[f'{prefix}.dx'] = dx
    for name, g in grads.items():
        tensors[f'{prefix}.grad.{name}'] = g
    for k, v in after.items():
        tensors[f'{prefix}.after.{k}'] = v
    # The same computation in float64 (not saved): how far float32 itself is from exact, i.e. the
    # least tolerance a float32 reimplementation can be held to on this fixture.
    out64, y64, _, dx64, grads64, after64 = run(model64, x.double(), dy.double())
    worst = max((n for n in grads if not n.endswith('fc1.bias')), key=lambda n: rel_err(grads[n], grads64[n]))
    fc1b = max([grads[n].abs().max().item() for n in grads if n.endswith('fc1.bias')], default=0.0)

    nparams = sum(p.numel() for p in model.parameters())
    keys = list(state.items())
    print(f'== {prefix}: {nparams} parameters, {len(keys)} float state_dict entries, '
          f'input {tuple(x.shape)}, out {tuple(y.shape)}, '
          f'|eval_out| mean {out.abs().mean():.3f} max {out.abs().max():.3f}, '
          f'|train_out| mean {y.abs().mean():.3f}, |dx| mean {dx.abs().mean():.3g} max {dx.abs().max():.3g}')
    print(f'  float32 vs float64, max|err|/max|ref|: eval_out {rel_err(out, out64):.2e}, '
          f'train_out {rel_err(y, y64):.2e}, dx {rel_err(dx, dx64):.2e}, '
          f'worst grad {worst} {rel_err(grads[worst], grads64[worst]):.2e}, '
          f'after {max(rel_err(after[k], after64[k]) for k in after):.2e}'
          + (f', max|grad fc1.bias| (exactly 0) {fc1b:.2e}' if fc1b else ''))
    for k, v in keys[:12]:
        print(f'  {k} {tuple(v.shape)}')
    print('  ...')
    for k, v in keys[-6:]:
        print(f'  {k} {tuple(v.shape)}')


def gconv_case(prefix, conv, in_shape, seed, tensors):
    torch.manual_seed(seed)
    with torch.no_grad():
        conv.weight.normal_(0, math.sqrt(2.0 / (conv.weight[0].numel())))
        if conv.bias is not None:
            conv.bias.normal_(0, 0.1)
    x = torch.randn(*in_shape, requires_grad=True)
    y = conv(x)
    dy = torch.randn_like(y)
    (y * dy).sum().backward()
    tensors[f'{prefix}.weight'] = conv.weight.detach().clone()
    tensors[f'{prefix}.input'] = x.detach().clone()
    tensors[f'{prefix}.output'] = y.detach().clone()
    tensors[f'{prefix}.dy'] = dy
    tensors[f'{prefix}.dx'] = x.grad.clone()
    tensors[f'{prefix}.dweight'] = conv.weight.grad.clone()
    if conv.bias is not None:
        tensors[f'{prefix}.bias'] = conv.bias.detach().clone()
        tensors[f'{prefix}.dbias'] = conv.bias.grad.clone()
    print(f'== {prefix}: weight {tuple(conv.weight.shape)}, input {tuple(x.shape)}, output {tuple(y.shape)}')


def main():
    mods = load_mmpose_backbones()
    ResNeXt, ResNeSt = mods['resnext'].ResNeXt, mods['resnest'].ResNeSt
    tensors = {}
    model_case('resnext', ResNeXt(depth=50, stem_channels=8, base_channels=4, groups=2, width_per_group=4,
                                  out_indices=(3,)), 0, tensors)
    model_case('resnest', ResNeSt(depth=50, stem_channels=8, base_channels=4, radix=2, groups=1,
                                  reduction_factor=4, out_indices=(3,)), 9, tensors)
    model_case('resnest_g2', ResNeSt(depth=50, stem_channels=8, base_channels=4, radix=2, groups=2,
                                     width_per_group=4, reduction_factor=4, out_indices=(3,)), 2, tensors)
    gconv_case('gconv', nn.Conv2d(6, 9, kernel_size=3, stride=2, padding=1, dilation=1, groups=3, bias=True),
               (2, 6, 7, 9), 3, tensors)
    gconv_case('gconv2', nn.Conv2d(4, 8, kernel_size=3, stride=1, padding=2, dilation=2, groups=4, bias=False),
               (2, 4, 5, 6), 4, tensors)
    assert all(v.dtype == torch.float32 for v in tensors.values())
    save_file({k: v.contiguous() for k, v in tensors.items()}, OUT)
    os.chmod(OUT, 0o644)
    print(f'wrote {OUT}: {len(tensors)} tensors, {os.path.getsize(OUT)} bytes, torch {torch.__version__}')


if __name__ == '__main__':
    main()
