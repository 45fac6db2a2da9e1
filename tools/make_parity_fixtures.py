"""Writes Tests/Fixtures/parity/: PyTorch reference outputs and gradients for SwiftPose's parity tests.

Two small models with MMPose's module structure and state_dict keys, written in plain PyTorch:
- a ResNet-18 SimpleBaseline (base width 8, 2 deconvolutions), weights saved with torch.save
  (`resnet18_sb.pth`, the real .pth fixture: {'meta': ..., 'state_dict': ...});
- a two-branch HRNet with a 1x1 heatmap head (`hrnet_small.safetensors`).
For each: an input batch, train-mode heatmaps, the KeypointMSELoss value for fixed targets and
weights and every parameter's gradient after backward, plus eval-mode heatmaps.

Run from the repository root with PyTorch and safetensors installed (not run in CI):
    python3 tools/make_parity_fixtures.py
"""
import torch
import torch.nn as nn
from safetensors.torch import save_file

torch.manual_seed(0)
torch.set_num_threads(1)
OUT = 'Tests/Fixtures/parity/'


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, c, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, c, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.relu = nn.ReLU()
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, c, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, c, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(c)
        self.conv2 = nn.Conv2d(c, c, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(c)
        self.conv3 = nn.Conv2d(c, c * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(c * 4)
        self.relu = nn.ReLU()
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


def make_layer(block, cin, c, blocks, stride):
    down = None
    if stride != 1 or cin != c * block.expansion:
        down = nn.Sequential(nn.Conv2d(cin, c * block.expansion, 1, stride, bias=False), nn.BatchNorm2d(c * block.expansion))
    layers = [block(cin, c, stride, down)]
    layers += [block(c * block.expansion, c) for _ in range(blocks - 1)]
    return nn.Sequential(*layers)


class ResNet(nn.Module):
    def __init__(self, base=8):
        super().__init__()
        self.conv1 = nn.Conv2d(3, base, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(base)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        cin = base
        for i, n in enumerate([2, 2, 2, 2]):
            setattr(self, f'layer{i + 1}', make_layer(BasicBlock, cin, base * 2 ** i, n, 1 if i == 0 else 2))
            cin = base * 2 ** i

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        for i in range(4):
            x = getattr(self, f'layer{i + 1}')(x)
        return x


class HeatmapHead(nn.Module):
    def __init__(self, cin, k, deconvs):
        super().__init__()
        layers = []
        for c in deconvs:
            layers += [nn.ConvTranspose2d(cin, c, 4, 2, 1, 0, bias=False), nn.BatchNorm2d(c), nn.ReLU()]
            cin = c
        self.deconv_layers = nn.Sequential(*layers) if layers else nn.Identity()
        self.final_layer = nn.Conv2d(cin, k, 1)

    def forward(self, x):
        return self.final_layer(self.deconv_layers(x))


class HRModule(nn.Module):
    def __init__(self, channels, blocks, multiscale):
        super().__init__()
        self.branches = nn.ModuleList([make_layer(BasicBlock, c, c, blocks, 1) for c in channels])
        n = len(channels)
        self.fuse_layers = nn.ModuleList()
        for i in range(n if multiscale else 1):
            row = nn.ModuleList()
            for j in range(n):
                if j > i:
                    row.append(nn.Sequential(nn.Conv2d(channels[j], channels[i], 1, bias=False), nn.BatchNorm2d(channels[i]),
                                             nn.Upsample(scale_factor=2 ** (j - i), mode='nearest')))
                elif j == i:
                    row.append(None)
                else:
                    chain = []
                    for k in range(i - j):
                        if k == i - j - 1:
                            chain.append(nn.Sequential(nn.Conv2d(channels[j], channels[i], 3, 2, 1, bias=False), nn.BatchNorm2d(channels[i])))
                        else:
                            chain.append(nn.Sequential(nn.Conv2d(channels[j], channels[j], 3, 2, 1, bias=False), nn.BatchNorm2d(channels[j]), nn.ReLU()))
                    row.append(nn.Sequential(*chain))
            self.fuse_layers.append(row)
        self.relu = nn.ReLU()

    def forward(self, xs):
        xs = [b(x) for b, x in zip(self.branches, xs)]
        out = []
        for i, row in enumerate(self.fuse_layers):
            y = xs[0] if i == 0 else row[0](xs[0])
            for j in range(1, len(xs)):
                y = y + (xs[j] if i == j else row[j](xs[j]))
            out.append(self.relu(y))
        return out


class SmallHRNet(nn.Module):
    """stage1: 1 Bottleneck (16 ch -> 64 out); stage2: 2 modules, 2 branches (8, 16), 1 block each."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 3, 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.conv2 = nn.Conv2d(64, 64, 3, 2, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.layer1 = make_layer(Bottleneck, 64, 16, 1, 1)
        self.transition1 = nn.ModuleList([
            nn.Sequential(nn.Conv2d(64, 8, 3, 1, 1, bias=False), nn.BatchNorm2d(8), nn.ReLU()),
            nn.Sequential(nn.Sequential(nn.Conv2d(64, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU())),
        ])
        self.stage2 = nn.Sequential(HRModule([8, 16], 1, True), HRModule([8, 16], 1, False))

    def forward(self, x):
        x = self.relu(self.bn2(self.conv2(self.relu(self.bn1(self.conv1(x))))))
        x = self.layer1(x)
        xs = [t(x) for t in self.transition1]
        for m in self.stage2:
            xs = m(xs)
        return xs[0]


class Estimator(nn.Module):
    def __init__(self, backbone, head):
        super().__init__()
        self.backbone = backbone
        self.head = head

    def forward(self, x):
        return self.head(self.backbone(x))


def randomize(model):
    g = torch.Generator().manual_seed(1)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.3 if p.dim() > 1 else 0.2) + (1.0 if name.endswith('bn1.weight') or '.bn' in name and name.endswith('weight') else 0.0))
        for name, b in model.named_buffers():
            if name.endswith('running_mean'):
                b.copy_(torch.randn(b.shape, generator=g) * 0.1)
            elif name.endswith('running_var'):
                b.copy_(torch.rand(b.shape, generator=g) + 0.5)


def reference(model, name, x, save_pth):
    randomize(model)
    state = {k: v.clone() for k, v in model.state_dict().items()}
    k, h, w = 17, None, None
    model.train()
    out = model(x)
    target = torch.rand(out.shape, generator=torch.Generator().manual_seed(2))
    weights = (torch.rand(out.shape[:2], generator=torch.Generator().manual_seed(3)) > 0.2).float()
    loss = ((out - target) ** 2 * weights[:, :, None, None]).mean()
    loss.backward()
    tensors = {'input': x, 'train_heatmaps': out.detach(), 'target': target, 'target_weights': weights,
               'loss': loss.detach().reshape(1)}
    for pname, p in model.named_parameters():
        tensors['grad.' + pname] = p.grad.detach().clone()
    model.eval()
    model.load_state_dict(state)
    with torch.no_grad():
        tensors['eval_heatmaps'] = model(x)
    if save_pth:
        torch.save({'meta': {'note': 'SwiftPose parity fixture'}, 'state_dict': state}, OUT + name + '.pth')
    else:
        tensors.update({k2: v for k2, v in state.items()})
    save_file({k2: v.contiguous() for k2, v in tensors.items()}, OUT + name + '.safetensors')
    print(name, 'loss', float(loss), 'params', sum(p.numel() for p in model.parameters()))


x = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(4))
reference(Estimator(ResNet(8), HeatmapHead(64, 17, [16, 16])), 'resnet18_sb', x, save_pth=True)
reference(Estimator(SmallHRNet(), HeatmapHead(8, 17, [])), 'hrnet_small', x, save_pth=False)


# RLELoss with its RealNVP flow (MMPose's rle_head / regression_loss / realnvp), with random flow
# weights so every coupling matters: output (2, 3, 4), labels (2, 3, 2), weights (2, 3, 1).
class RealNVP(nn.Module):
    def __init__(self):
        super().__init__()
        self.register_buffer('loc', torch.zeros(2))
        self.register_buffer('cov', torch.eye(2))
        self.register_buffer('mask', torch.tensor([[0, 1], [1, 0]] * 3, dtype=torch.float32))
        net = lambda tanh: nn.Sequential(nn.Linear(2, 64), nn.LeakyReLU(), nn.Linear(64, 64), nn.LeakyReLU(),
                                         nn.Linear(64, 2), *([nn.Tanh()] if tanh else []))
        self.s = nn.ModuleList([net(True) for _ in range(6)])
        self.t = nn.ModuleList([net(False) for _ in range(6)])

    def log_prob(self, x):
        log_det, z = x.new_zeros(x.shape[0]), x
        for i in reversed(range(6)):
            z_ = self.mask[i] * z
            s = self.s[i](z_) * (1 - self.mask[i])
            t = self.t[i](z_) * (1 - self.mask[i])
            z = (1 - self.mask[i]) * (z - t) * torch.exp(-s) + z_
            log_det -= s.sum(dim=1)
        prior = torch.distributions.MultivariateNormal(self.loc, self.cov)
        return prior.log_prob(z) + log_det


flow = RealNVP()
g = torch.Generator().manual_seed(5)
with torch.no_grad():
    for p in flow.parameters():
        p.copy_(torch.randn(p.shape, generator=g) * 0.3)
output = (torch.randn(2, 3, 4, generator=g) * 0.5).requires_grad_(True)
target = torch.rand(2, 3, 2, generator=g)
weight = (torch.rand(2, 3, 1, generator=g) > 0.3).float()
pred, sigma = output[:, :, :2], output[:, :, 2:4].sigmoid()
error = (pred - target) / (sigma + 1e-9)
log_phi = flow.log_prob(error.reshape(-1, 2)).reshape(2, 3, 1)
loss = ((torch.log(sigma) - log_phi + torch.log(sigma * 2) + torch.abs(error)) * weight / 2).sum()
loss.backward()
rle = {'output': output.detach(), 'target': target, 'weight': weight.reshape(2, 3), 'loss': loss.detach().reshape(1),
       'grad.output': output.grad}
for name, p in flow.named_parameters():
    rle['flow.' + name] = p.detach().clone()
    rle['grad.flow.' + name] = p.grad.clone()
save_file({k: v.contiguous() for k, v in rle.items()}, OUT + 'rle_loss.safetensors')
print('rle loss', float(loss))
