"""Which optimiser trains the network, and a second copy of it for a race.

The Live training page offers plain SGD (today's behaviour, bit for bit), SGD with momentum,
Nesterov momentum, RMSprop and Adam, all from :mod:`xent_core.optim`. An optimiser holds
state between steps (momentum, running averages), so it lives with its network; its state is
copied and restored with the network when a frame is undone. A :class:`Lane` is one network
training with one optimiser: the race runs two lanes from the same initial weights on the
same mini-batches.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import xent_core

# name -> (label, xent_core class, keyword arguments)
OPTIMIZERS: dict[str, tuple[str, type, dict[str, Any]]] = {
    "sgd": ("SGD", xent_core.SGD, {}),
    "momentum": ("SGD + momentum 0.9", xent_core.SGD, {"momentum": 0.9}),
    "nesterov": ("Nesterov momentum 0.9", xent_core.SGD, {"momentum": 0.9, "nesterov": True}),
    "rmsprop": ("RMSprop", xent_core.RMSprop, {}),
    "adam": ("Adam", xent_core.Adam, {}),
}
OPTIMIZER_NAMES = tuple(OPTIMIZERS)
DEFAULT = "sgd"


def optimizer_label(name: str) -> str:
    """``"adam"`` -> ``"Adam"``: the optimiser as the page names it."""
    return OPTIMIZERS[name][0]


def make_optimizer(name: str, net: xent_core.MLP, lr: float):
    """A fresh optimiser ``name`` for ``net`` (its buffers start empty)."""
    if name not in OPTIMIZERS:
        raise ValueError(f"optimizer {name!r} is not one of {', '.join(OPTIMIZER_NAMES)}.")
    _, cls, kwargs = OPTIMIZERS[name]
    return cls(net, lr, **kwargs)


def state_of(optimizer) -> dict[str, Any]:
    """A copy of the optimiser's own state (buffers, step count), not its network."""
    return {k: copy.deepcopy(v) for k, v in vars(optimizer).items() if k != "net"}


def restore(optimizer, state: dict[str, Any]) -> None:
    """Put back a state taken by :func:`state_of` (the network is restored by its owner)."""
    vars(optimizer).update(copy.deepcopy(state))


@dataclass
class Lane:
    """One network training with one optimiser: its rng shuffles the mini-batches.

    :meth:`epoch` with ``optimizer == "sgd"`` calls :meth:`xent_core.MLP.train_epoch`
    itself, so the default run is today's code path, bit for bit.
    """

    net: xent_core.MLP
    optimizer: str = DEFAULT
    rng: np.random.Generator = field(default_factory=lambda: np.random.default_rng(0))
    _opt: Any = None

    def epoch(self, X, y, *, lr: float, batch_size: int, l2: float, l1: float = 0.0) -> float:
        """One shuffled pass over (X, y); the learning rate applies from this step on."""
        if self.optimizer == DEFAULT:
            self._opt = None
            return self.net.train_epoch(
                X, y, lr=lr, batch_size=batch_size, l2=l2, rng=self.rng, l1=l1
            )
        if self._opt is None or self._opt.net is not self.net:
            self._opt = make_optimizer(self.optimizer, self.net, lr)
        self._opt.lr = float(lr)
        return self._opt.epoch(X, y, batch_size, l2=l2, l1=l1, rng=self.rng)

    def switch(self, optimizer: str) -> None:
        """Train on with another optimiser (its state starts empty); the weights stay."""
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer {optimizer!r} is not one of {', '.join(OPTIMIZER_NAMES)}.")
        if optimizer != self.optimizer:
            self.optimizer, self._opt = optimizer, None

    def replace_net(self, net: xent_core.MLP) -> None:
        """Carry on with an edited network (new shapes: the optimiser's state starts empty)."""
        same_shapes = [W.shape for W in net.weights] == [W.shape for W in self.net.weights]
        self.net = net
        if self._opt is not None:
            if same_shapes:
                self._opt.net = net  # keep momentum: the buffers still fit
            else:
                self._opt = None

    def snapshot(self) -> tuple:
        """Everything :meth:`restore` needs to undo the next epochs."""
        return (
            [W.copy() for W in self.net.weights],
            [b.copy() for b in self.net.biases],
            self.rng.bit_generator.state,
            self.optimizer,
            None if self._opt is None else state_of(self._opt),
        )

    def restore(self, snap: tuple) -> None:
        weights, biases, rng_state, optimizer, opt_state = snap
        self.net.weights[:], self.net.biases[:] = weights, biases
        self.rng.bit_generator.state = rng_state
        self.optimizer = optimizer
        if opt_state is None:
            self._opt = None
            return
        if self._opt is None or self._opt.net is not self.net:
            self._opt = make_optimizer(optimizer, self.net, opt_state["lr"])
        restore(self._opt, opt_state)
