#!/usr/bin/env python
"""The floor under ``MLP.train_step``: its numpy calls alone, beside the step and PyTorch.

Run from the repository root (torch optional)::

    python bench/train_step_floor.py                 # batch 32
    python bench/train_step_floor.py --batch 1000

``floor_step`` below makes exactly the numpy calls one ``MLP.train_step`` of the playground
net ``[2, 16, 16, 3]`` (tanh, plain SGD) makes, in the same order on the same arrays, written
out in one function: no methods, no loops over layers, no helper functions, the checks reduced
to their two reductions. The frozen-algorithm tests pin those calls (the same bits), so no
step with the same results can make fewer of them; the script asserts that 50 floor steps
leave the same weights as 50 ``train_step`` calls, bit for bit. What is left between the
floor and ``train_step`` is the Python around the calls; what is left between the floor and
numpy's fixed cost per call is arithmetic.

The floor, ``MLP.train_step`` and the torch steps of ``bench/train_step.py`` are timed in
the same interleaved repeats (its ``time_cases``); the last column is the faster torch
variant's time over each row's (medians, CPU medians, fastest repeats: on a shared machine
one burst of load in a torch repeat moves a median ratio by 30 %). Options: ``--batch N``
(32), ``--repeats R`` (5), ``--min-time S`` (0.1), ``--no-torch``.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
CALLS = 43  # numpy calls in floor_step (counted in its comments)


def make_floor_step(np, net, batch: int):
    """A function doing one SGD step of ``net`` on (X, y) with only the numpy calls."""
    theta, g, grads = net._flat_parameters()
    W1, W2, W3 = net.weights
    b1, b2, b3 = net.biases
    (dW1, db1), (dW2, db2), (dW3, db3) = grads
    starts = np.arange(0, batch * 3, 3)
    add_reduce, max_reduce = np.add.reduce, np.maximum.reduce

    @np.errstate(over="ignore")  # as MLP's _shifted
    def floor_step(X, y, lr):
        # checks: 3 calls
        X = np.asarray(X, dtype=np.float64)
        if not math.isfinite(add_reduce(X, axis=None)):
            raise ValueError("X holds nan or ±inf")
        if not max_reduce(y.view(np.uintp), axis=None) < 3:
            raise ValueError("a label is out of range")
        # forward: 8 calls
        h1 = X @ W1
        h1 += b1
        a1 = np.tanh(h1)
        h2 = a1 @ W2
        h2 += b2
        a2 = np.tanh(h2)
        z = a2 @ W3
        z += b3
        # softmax head: 16 calls
        true = starts + y
        m = z[:, 0].copy()
        np.maximum(m, z[:, 1], out=m)
        np.maximum(m, z[:, 2], out=m)
        s = z - m[:, None]
        e = np.exp(s)
        t = e[:, 0] + 0.0
        np.add(t, e[:, 1], out=t)
        np.add(t, e[:, 2], out=t)
        log_p = np.subtract(s, np.log(t)[:, None], out=s)
        loss = -(add_reduce(log_p.take(true)) / batch)
        d = np.exp(log_p, out=e)
        np.subtract.at(d.reshape(-1), true, 1.0)
        d /= float(batch)
        # backward: 14 calls
        np.matmul(a2.T, d, out=dW3)
        add_reduce(d, axis=0, out=db3)
        d = d @ W3.T
        g2 = a2 * a2
        np.subtract(1.0, g2, out=g2)
        d *= g2
        np.matmul(a1.T, d, out=dW2)
        add_reduce(d, axis=0, out=db2)
        d = d @ W2.T
        g1 = a1 * a1
        np.subtract(1.0, g1, out=g1)
        d *= g1
        np.matmul(X.T, d, out=dW1)
        add_reduce(d, axis=0, out=db1)
        # update: 2 calls
        theta.__isub__(np.multiply(g, lr, out=g))
        return float(loss)

    return floor_step


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--min-time", type=float, default=0.1)
    ap.add_argument("--no-torch", action="store_true")
    args = ap.parse_args(argv)
    for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(v, "1")
    sys.path[:0] = [str(HERE), str(HERE.parent)]
    import numpy as np
    import train_step as bench

    from xent_core import MLP, make_dataset

    X_all, y_all = make_dataset("spiral", n=max(args.batch, 1000), seed=0, n_classes=3)
    X, y = np.ascontiguousarray(X_all[: args.batch]), np.ascontiguousarray(y_all[: args.batch])
    floor_net, net = MLP(bench.SIZES, "tanh", seed=0), MLP(bench.SIZES, "tanh", seed=0)
    floor_step = make_floor_step(np, floor_net, args.batch)
    for _ in range(50):
        assert floor_step(X, y, bench.LR) == net.train_step(X, y, bench.LR)
    for p, q in zip(floor_net.weights + floor_net.biases, net.weights + net.biases, strict=True):
        assert np.array_equal(p, q), "the floor is not the same step"
    cases = {
        f"floor: {CALLS} numpy calls": lambda: floor_step(X, y, bench.LR),
        "MLP.train_step": lambda: net.train_step(X, y, bench.LR),
    }
    if not args.no_torch:
        try:
            import torch
        except ImportError:
            torch = None
        if torch is not None:
            torch.set_num_threads(1)
            steps = bench.build_torch_steps(torch, MLP(bench.SIZES, "tanh", seed=0), X, y)
            cases.update({name: v[0] for name, v in steps.items()})
    bench.warm_heap(np)
    res = bench.time_cases(cases, args.repeats, args.min_time)
    torch_rows = [r for name, r in res.items() if name.startswith("torch")]
    print(f"batch {args.batch}: 50 floor steps = 50 train_step calls, bit for bit")
    print(f"{'':34} {'µs/step':>8} {'min':>8} {'CPU µs':>8} {'cpu%':>5}  faster torch / this")
    for name, r in res.items():
        ratio = ""
        if torch_rows:
            wall = min(t["wall"] for t in torch_rows) / r["wall"]
            cpu = min(t["cpu"] for t in torch_rows) / r["cpu"]
            fastest = min(t["min"] for t in torch_rows) / r["min"]
            ratio = f"{wall:.2f}x ({cpu:.2f}x CPU, {fastest:.2f}x min)"
        print(
            f"{name:34} {r['wall']:8.1f} {r['min']:8.1f} {r['cpu']:8.1f} {r['share']:5.0%}  {ratio}"
        )
    floor = res[f"floor: {CALLS} numpy calls"]
    print(f"floor: {floor['cpu'] / CALLS:.2f} µs of CPU per numpy call")
    return 0


if __name__ == "__main__":
    sys.exit(main())
