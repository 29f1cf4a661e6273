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
CALLS = 40  # numpy calls in floor_step (counted in its comments)


def make_floor_step(np, net, batch: int):
    """A function doing one SGD step of ``net`` on (X, y) with only the numpy calls."""
    theta, g, layers = net._flat_parameters()
    (W1t, _, G1), (W2t, W2, G2), (W3t, W3, G3) = layers
    p = net._pass(batch)
    (A0, A1, A2), (Z1, Z2, Z3) = p.inputs, p.pre
    A0v, A1v, A2v = p.acts
    (D1, D2), (F1, F2) = p.deltas, p.factors
    add_reduce, max_reduce = np.add.reduce, np.maximum.reduce
    dot, fortran = np.dot, np.asfortranarray

    @np.errstate(over="ignore")  # as MLP's _softmax_head
    def floor_step(X, y, lr):
        # checks: 3 calls
        X = np.asarray(X, dtype=np.float64)
        if not math.isfinite(add_reduce(X, axis=None)):
            raise ValueError("X holds nan or ±inf")
        if not max_reduce(y.view(np.uintp), axis=None) < 3:
            raise ValueError("a label is out of range")
        # forward: 6 calls
        np.copyto(A0v, X.T)
        dot(W1t, A0, Z1)
        np.tanh(Z1, A1v)
        dot(W2t, A1, Z2)
        np.tanh(Z2, A2v)
        dot(W3t, A2, Z3)
        # softmax head: 14 calls
        true = np.add(np.multiply(y, batch, p.true), p.columns, p.true)
        s = np.subtract(Z3, max_reduce(Z3, 0, None, p.row), p.s)
        e = np.exp(s, p.e)
        log_p = np.subtract(s, np.log(add_reduce(e, 0, None, p.row), p.row), s)
        log_p_true = log_p.take(true)
        loss = -float(add_reduce(log_p_true)) / batch
        d = np.exp(log_p, e)
        d.put(true, np.expm1(log_p_true))
        d /= float(batch)
        # backward: 15 calls
        dot(fortran(A2), d.T, G3)
        dot(fortran(W3), d, D2)
        np.multiply(A2v, A2v, F2)
        np.subtract(1.0, F2, F2)
        np.multiply(D2, F2, D2)
        dot(fortran(A1), D2.T, G2)
        dot(fortran(W2), D2, D1)
        np.multiply(A1v, A1v, F1)
        np.subtract(1.0, F1, F1)
        np.multiply(D1, F1, D1)
        dot(A0, D1.T, G1)
        # update: 2 calls
        theta.__isub__(np.multiply(g, lr, g))
        return loss

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
