#!/usr/bin/env python
"""xent_core's SGD / RMSprop / Adam against torch.optim, step after step, in float64.

Run from the repository root (PyTorch is not a dependency; install it by hand, e.g.
``python3 -m pip install torch==2.13.0``)::

    python3 bench/optim_vs_torch.py            # 50 steps per optimiser
    python3 bench/optim_vs_torch.py --steps 200

For each optimiser setting the numpy net ``MLP([2, 16, 16, 3], "tanh", seed=0)`` and a torch
copy of its initial weights (leaf tensors, W as (fan_in, fan_out)) take the same steps on the
same mini-batches of 32 points of the 3-class spiral. The torch loss is the same as xent's:
``F.cross_entropy`` (mean) plus ``l2/2 Σ||W||² + l1 Σ|W|`` on the weights only — xent's
penalties, not torch's ``weight_decay``. L1 is xent's proximal step, which torch.optim does
not have: the torch side backpropagates the loss without ``l1 Σ|W|``, lets ``opt.step()``
update, then sets every W to ``sign(W) · max(|W| − lr · l1 / d, 0)`` with d from torch's own
optimiser state (1 for SGD, ``√square_avg + eps`` for RMSprop,
``√exp_avg_sq / √(1 − β₂ᵗ) + eps`` for Adam), the rule in ``xent_core.optim``'s notes. The
table gives, after each step, the largest
absolute difference between the two nets' parameters (every W and b); the target is
≤ 1e-12. The last lines give the largest difference of the returned losses and the verdict.
Exit status 1 if a setting misses the target, 2 if torch is not installed.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

TOL = 1e-12
SIZES = [2, 16, 16, 3]
BATCH = 32

# name -> (xent constructor kwargs, torch constructor kwargs, l2, l1)
SETTINGS = {
    "SGD": ("SGD", dict(lr=0.1), 0.0, 0.0),
    "SGD mom 0.9": ("SGD", dict(lr=0.1, momentum=0.9), 0.0, 0.0),
    "SGD nesterov": ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True), 0.0, 0.0),
    "RMSprop": ("RMSprop", dict(lr=0.01, alpha=0.99, eps=1e-8), 0.0, 0.0),
    "RMSprop a.9": ("RMSprop", dict(lr=0.003, alpha=0.9, eps=1e-6), 0.0, 0.0),
    "Adam": ("Adam", dict(lr=0.01, betas=(0.9, 0.999), eps=1e-8), 0.0, 0.0),
    "Adam b.5,.9": ("Adam", dict(lr=0.005, betas=(0.5, 0.9), eps=1e-8), 0.0, 0.0),
    "Adam L2+L1": ("Adam", dict(lr=0.01), 1e-3, 1e-4),
    "SGD mom L2+L1": ("SGD", dict(lr=0.1, momentum=0.9), 1e-3, 1e-4),
    "RMSprop L1": ("RMSprop", dict(lr=0.01), 0.0, 1e-3),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=50)
    return parser.parse_args(argv)


def torch_net(torch, net):
    Ws = [torch.tensor(W, requires_grad=True) for W in net.weights]
    bs = [torch.tensor(b, requires_grad=True) for b in net.biases]
    return Ws, bs


def torch_loss(torch, Ws, bs, X, y, l2, l1):
    import torch.nn.functional as F

    h = X
    last = len(Ws) - 1
    for k, (W, b) in enumerate(zip(Ws, bs, strict=True)):
        h = h @ W + b
        if k < last:
            h = torch.tanh(h)
    loss = F.cross_entropy(h, y)
    if l2:
        loss = loss + 0.5 * l2 * sum((W * W).sum() for W in Ws)
    if l1:
        loss = loss + l1 * sum(W.abs().sum() for W in Ws)
    return loss


def torch_l1_step(torch, opt, Ws, lr, l1):
    """W ← sign(W) · max(|W| − lr · l1 / d, 0) in place, d from the optimiser's state."""
    with torch.no_grad():
        for W in Ws:
            state, group = opt.state[W], opt.param_groups[0]
            if "exp_avg_sq" in state:  # Adam
                bias2 = 1.0 - group["betas"][1] ** float(state["step"])
                d = state["exp_avg_sq"].sqrt() / bias2**0.5 + group["eps"]
            elif "square_avg" in state:  # RMSprop
                d = state["square_avg"].sqrt() + group["eps"]
            else:  # SGD, with or without momentum
                d = 1.0
            tau = (lr * l1) / d
            W.copy_(torch.sign(W) * torch.clamp(W.abs() - tau, min=0.0))


def compare(torch, np, xc, name, steps, batches):
    kind, kwargs, l2, l1 = SETTINGS[name]
    net = xc.MLP(SIZES, "tanh", seed=0)
    Ws, bs = torch_net(torch, net)
    params = [p for pair in zip(Ws, bs, strict=True) for p in pair]
    opt_np = getattr(xc, kind)(net, **kwargs)
    opt_t = getattr(torch.optim, kind)(params, **kwargs)
    param_diffs, loss_diff = [], 0.0
    for step in range(steps):
        X, y = batches[step % len(batches)]
        loss_np = opt_np.step(X, y, l2=l2, l1=l1)
        opt_t.zero_grad()
        loss_t = torch_loss(torch, Ws, bs, torch.from_numpy(X), torch.from_numpy(y), l2, 0.0)
        loss_t.backward()  # the gradient without the L1 term
        if l1:
            loss_t = loss_t + l1 * sum(W.abs().sum() for W in Ws)  # the loss reported
        opt_t.step()
        if l1:
            torch_l1_step(torch, opt_t, Ws, kwargs["lr"], l1)
        loss_diff = max(loss_diff, abs(loss_t.item() - loss_np))
        d = 0.0
        for W, b, tW, tb in zip(net.weights, net.biases, Ws, bs, strict=True):
            d = max(d, float(np.abs(W - tW.detach().numpy()).max()))
            d = max(d, float(np.abs(b - tb.detach().numpy()).max()))
        param_diffs.append(d)
    moved = float(np.abs(net.weights[0] - xc.MLP(SIZES, "tanh", seed=0).weights[0]).max())
    return param_diffs, loss_diff, moved


def main(argv=None) -> int:
    args = parse_args(argv)
    for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(v, "1")
    try:
        import torch
    except ImportError as err:
        print(f"PyTorch not found ({err}): pip install torch to run this comparison.")
        return 2
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    import xent_core as xc

    torch.set_num_threads(1)
    X_all, y_all = xc.make_dataset("spiral", n=1000, seed=0, n_classes=3)
    order = np.random.default_rng(0).permutation(len(X_all))
    batches = [
        (np.ascontiguousarray(X_all[idx]), y_all[idx].astype(np.int64))
        for idx in (order[s : s + BATCH] for s in range(0, len(order) - BATCH + 1, BATCH))
    ]

    results = {name: compare(torch, np, xc, name, args.steps, batches) for name in SETTINGS}
    print(
        f"xent_core optimisers vs torch.optim {torch.__version__}, float64, "
        f"MLP({SIZES}, 'tanh'), batches of {BATCH} spiral points, {args.steps} steps"
    )
    print("max |θ_xent - θ_torch| over every W and b, after each step:")
    names = list(SETTINGS)
    print(f"{'step':>4} " + " ".join(f"{n:>13}" for n in names))
    for step in range(args.steps):
        row = " ".join(f"{results[n][0][step]:>13.2e}" for n in names)
        print(f"{step + 1:>4} {row}")
    print(f"{'max':>4} " + " ".join(f"{max(results[n][0]):>13.2e}" for n in names))
    print(f"{'loss':>4} " + " ".join(f"{results[n][1]:>13.2e}" for n in names))
    print(f"{'W1 Δ':>4} " + " ".join(f"{results[n][2]:>13.2e}" for n in names))
    print(
        "loss: max |L_xent - L_torch| of the returned losses; W1 Δ: how far the first "
        "layer's weights moved (the steps were not trivial)."
    )
    failed = [n for n in names if max(results[n][0]) > TOL or results[n][1] > TOL]
    for n in names:
        kind, kwargs, l2, l1 = SETTINGS[n]
        verdict = "met" if n not in failed else "MISSED"
        print(
            f"{n:<14} {kind}({', '.join(f'{k}={v}' for k, v in kwargs.items())}), "
            f"l2={l2:g}, l1={l1:g}: max |Δθ| = {max(results[n][0]):.2e} "
            f"≤ {TOL:g}: {verdict}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
