#!/usr/bin/env python3
"""Generate torch_optimizers.json: reference optimizer steps and grad clipping from PyTorch.

Run with a Python that has torch installed, e.g.

    /work/venv-mmengine/bin/python Tests/Fixtures/recipe/make_optimizer_fixture.py

Everything is deterministic (no RNG).  Inputs are produced by closed-form
formulas, computed in float64 with ``math`` and then rounded to float32:

    initial[i] = sin(0.7*i + 0.3) * 0.5                          i = 0..6
    g_t[i]     = cos(1.3*i + 0.9*t) * 0.2 + 0.05*(t - 2)         t = 1..5

The flat 7-element parameter vector is split into two parameter groups, each
holding one float32 tensor: group 0 = indices 0..3, group 1 = indices 4..6.
Group 1 overrides lr (lr * 0.5) and weight_decay (0.0).

For every optimizer case the single-tensor reference implementation is used
(``foreach=False, fused=False``).  Before each of the 5 steps ``.grad`` of
each parameter tensor is set to that step's gradient slice and ``step()`` is
called; the flat parameter vector is recorded after every step, and the final
optimizer state tensors (exp_avg, exp_avg_sq, max_exp_avg_sq,
momentum_buffer) are flattened in the same parameter order.

The "clip_grad" section records ``torch.nn.utils.clip_grad_norm_`` (default
``foreach``) on the two tensors for a few gradient vectors / max_norm /
norm_type combinations: the returned total norm and the clipped gradients.
All stored floats are Python floats of the exact float32 values.
"""

import json
import math
import os

import torch

OUT_PATH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "torch_optimizers.json"
)

N = 7
STEPS = 5
GROUPS = [[0, 1, 2, 3], [4, 5, 6]]
GROUP1_LR_MULT = 0.5
GROUP1_WEIGHT_DECAY = 0.0


def f32_list(t):
    """Flatten a float32 tensor to a list of Python floats (exact float32 values)."""
    return [float(x) for x in t.detach().to(torch.float32).reshape(-1).tolist()]


def initial_params():
    return torch.tensor(
        [math.sin(0.7 * i + 0.3) * 0.5 for i in range(N)], dtype=torch.float32
    )


def gradient(t):
    return torch.tensor(
        [math.cos(1.3 * i + 0.9 * t) * 0.2 + 0.05 * (t - 2) for i in range(N)],
        dtype=torch.float32,
    )


def split(flat):
    return [flat[idx].clone() for idx in GROUPS]


def join(tensors):
    flat = torch.empty(N, dtype=torch.float32)
    for idx, t in zip(GROUPS, tensors):
        flat[idx] = t.detach()
    return flat


CASES = [
    (
        "adamw",
        torch.optim.AdamW,
        dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.05, amsgrad=False),
    ),
    (
        "adamw_amsgrad",
        torch.optim.AdamW,
        dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True),
    ),
    (
        "adam_amsgrad",
        torch.optim.Adam,
        dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01, amsgrad=True),
    ),
    (
        # beta2 = 0.5 lets the second moment fall, so AMSGrad's running maximum binds
        "adamw_amsgrad_binding",
        torch.optim.AdamW,
        dict(lr=0.01, betas=(0.8, 0.5), eps=1e-8, weight_decay=0.05, amsgrad=True),
    ),
    (
        "adam",
        torch.optim.Adam,
        dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, amsgrad=False),
    ),
    (
        "sgd_nesterov",
        torch.optim.SGD,
        dict(lr=0.1, momentum=0.9, dampening=0.0, nesterov=True, weight_decay=1e-4),
    ),
]

STATE_KEYS = ["exp_avg", "exp_avg_sq", "max_exp_avg_sq", "momentum_buffer"]


def run_case(name, cls, kwargs, init, grads):
    params = [torch.nn.Parameter(t) for t in split(init)]
    groups = [
        {"params": [params[0]]},
        {
            "params": [params[1]],
            "lr": kwargs["lr"] * GROUP1_LR_MULT,
            "weight_decay": GROUP1_WEIGHT_DECAY,
        },
    ]
    opt = cls(groups, foreach=False, fused=False, **kwargs)
    for g in opt.param_groups:
        assert g["foreach"] is False and g["fused"] is False

    history = []
    for t in range(STEPS):
        for p, gs in zip(params, split(grads[t])):
            p.grad = gs.clone()
        opt.step()
        history.append(f32_list(join(params)))

    state = {}
    for key in STATE_KEYS:
        tensors = [opt.state[p].get(key) for p in params]
        if all(x is not None for x in tensors):
            state[key] = f32_list(join(tensors))
        else:
            assert all(x is None for x in tensors), (name, key)
    steps = [opt.state[p].get("step") for p in params]
    if steps[0] is not None:
        state["step"] = [float(s) for s in steps]

    kw = dict(kwargs)
    if "betas" in kw:
        kw["betas"] = list(kw["betas"])
    kw["foreach"] = False
    kw["fused"] = False
    return {
        "name": name,
        "optimizer": cls.__name__,
        "kwargs": kw,
        "group1": {"lr_mult": GROUP1_LR_MULT, "weight_decay": GROUP1_WEIGHT_DECAY},
        "group_lrs": [g["lr"] for g in opt.param_groups],
        "params": history,
        "state": state,
    }


def run_clip(grad_flat, max_norm, norm_type):
    params = [torch.nn.Parameter(torch.zeros(len(idx))) for idx in GROUPS]
    for p, gs in zip(params, split(grad_flat)):
        p.grad = gs.clone()
    total = torch.nn.utils.clip_grad_norm_(params, max_norm=max_norm, norm_type=norm_type)
    return {
        "gradient": f32_list(grad_flat),
        "max_norm": max_norm,
        "norm_type": "inf" if math.isinf(norm_type) else float(norm_type),
        "total_norm": float(total.to(torch.float32).item()),
        "clipped": f32_list(join([p.grad for p in params])),
    }


def main():
    torch.set_num_threads(1)
    init = initial_params()
    grads = [gradient(t) for t in range(1, STEPS + 1)]

    cases = [run_case(n, c, kw, init, grads) for n, c, kw in CASES]

    g1x10 = grads[0] * 10.0  # float32 multiply
    clip = []
    for g in (g1x10, grads[2]):
        for m in (1.0, 0.1, 100.0):
            clip.append(run_clip(g, m, 2.0))
    for g in (g1x10, grads[2]):
        clip.append(run_clip(g, 0.5, float("inf")))

    out = {
        "torch": torch.__version__,
        "generator": "Tests/Fixtures/recipe/make_optimizer_fixture.py",
        "formulas": {
            "initial": "sin(0.7*i+0.3)*0.5 (float64 then float32)",
            "gradients": "g_t[i] = cos(1.3*i+0.9*t)*0.2 + 0.05*(t-2), t=1..5 (float64 then float32)",
            "clip_gradients": "step-1 gradient * 10 (float32 multiply), step-3 gradient",
        },
        "initial": f32_list(init),
        "gradients": [f32_list(g) for g in grads],
        "groups": [{"indices": idx} for idx in GROUPS],
        "cases": cases,
        "clip_grad": clip,
    }
    with open(OUT_PATH, "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print("wrote", OUT_PATH)


if __name__ == "__main__":
    main()
