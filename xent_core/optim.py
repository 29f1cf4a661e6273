"""Optimisers for :class:`xent_core.MLP`: SGD with momentum, RMSprop and Adam.

Each holds a network and its own state (one buffer per parameter, in the order
``W_1, b_1, W_2, b_2, …``). ``step(X, y)`` computes the loss and gradients on the batch with
:meth:`MLP.loss_and_gradients`, updates the network's arrays in place and returns the loss
**before** the update (the mean over the batch plus the penalties), as
:meth:`MLP.train_step` does. ``epoch(X, y, batch_size)`` does one shuffled pass.

The update rules are PyTorch's (``torch.optim.SGD``, ``RMSprop``, ``Adam`` with their default
options), with the arithmetic in the same order, so the two agree to rounding step after
step. The penalties are xent's loss terms (``l2``: ``λ₂/2 Σ||W||²``, ``l1``: ``λ₁ Σ|W|``,
biases excluded), not PyTorch's ``weight_decay``: with Adam and RMSprop the two differ,
since the L2 penalty's gradient is rescaled by the adaptive step like any other gradient.

L1 is not a gradient term. Every optimiser updates with the gradient of the loss without
``λ₁ Σ|W|`` (momentum buffers and moment averages never see ``λ₁ sign(W)``), then takes the
L1 proximal step on every weight matrix (never the biases), one rule for all of them:

    ``w ← sign(w) · max(|w| − τ, 0)``  with  ``τ = η λ₁ / d``

(:func:`xent_core.soft_threshold`), where d is the divisor the optimiser applies to a
gradient, weight by weight: ``d = 1`` for SGD with or without momentum (``τ = η λ₁``),
``d = √v + ε`` for RMSprop and ``d = √v̂ + ε`` for Adam, from the averages just updated.
τ is the L1 part of the step, ``λ₁ sign(w)`` scaled as the optimiser scales a gradient, and
a weight that it would carry across 0 stops at exactly 0; a weight at 0 stays there while
the rest of its step is at most τ. For plain SGD this is proximal gradient descent (ISTA),
bit for bit :meth:`MLP.train_step`; for Adam and RMSprop it is the proximal step in the
optimiser's own metric ``diag(d) / η`` (as in ProxGen, Yun, Lozano and Yang 2021). Momentum
does not carry the L1 part (τ = η λ₁, not η λ₁ / (1 - μ)). With ``l1 = 0`` none of it runs.
"""

from __future__ import annotations

import math

import numpy as np

from .mlp import MLP, _batches, _non_negative
from .proximal import _soft_threshold_in_place


def _fraction(value: float, name: str) -> float:
    """A decay rate in [0, 1)."""
    v = float(value)
    if not (0.0 <= v < 1.0):
        raise ValueError(f"{name} must lie in [0, 1); got {value!r}.")
    return v


class _Optimizer:
    """What every optimiser shares: the network, the learning rate, step and epoch."""

    def __init__(self, net: MLP, lr: float):
        if not isinstance(net, MLP):
            raise TypeError(f"net must be an xent_core.MLP; got {type(net).__name__}.")
        self.net = net
        self.lr = _non_negative(lr, "lr")
        self.steps = 0  # updates made so far (Adam's t)

    def _parameters(self) -> list[np.ndarray]:
        """``[W_1, b_1, W_2, b_2, …]``: the network's own arrays, updated in place."""
        return [p for pair in zip(self.net.weights, self.net.biases, strict=True) for p in pair]

    def step(self, X, y, l2: float = 0.0, l1: float = 0.0) -> float:
        """One update on the batch (X (N, sizes[0]), y (N,)); returns the loss before it.

        With ``l1 = λ₁ > 0`` the update is followed by the L1 proximal step
        ``w ← sign(w) · max(|w| − η λ₁ / d, 0)`` on every weight (see the module's notes).
        """
        X, y = self.net._check_batch(X, y)
        return self._step(X, y, _non_negative(l2, "l2"), _non_negative(l1, "l1"))

    def _step(self, X: np.ndarray, y: np.ndarray, l2: float, l1: float) -> float:
        loss, grads = self.net._loss_and_gradients(X, y, l2, l1, l1_grad=False, training=True)
        self.steps += 1
        gs = [g for pair in grads for g in pair]
        for i, (p, g) in enumerate(zip(self._parameters(), gs, strict=True)):
            self._update(i, p, g)
        if l1:
            for k, W in enumerate(self.net.weights):  # W_k is parameter 2k; biases untouched
                tau = (self.lr * l1) / self._divisor(2 * k)  # the L1 part of W_k's step
                _soft_threshold_in_place(W, tau)  # W ← sign(W) · max(|W| − τ, 0)
        return loss

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def _divisor(self, i: int) -> float | np.ndarray:
        """d: this optimiser divides parameter i's gradient by d in its step (1 for SGD)."""
        return 1.0

    def epoch(self, X, y, batch_size: int, l2: float = 0.0, l1: float = 0.0, rng=None) -> float:
        """One pass over (X, y) in mini-batches of ``batch_size``, one :meth:`step` each.

        ``rng`` (a ``numpy.random.Generator``) shuffles the points; None keeps their order.
        Returns the mean of the batch losses, as :meth:`MLP.train_epoch` does.
        """
        X, y = self.net._check_batch(X, y)
        l2, l1 = _non_negative(l2, "l2"), _non_negative(l1, "l1")
        losses = [self._step(Xb, yb, l2, l1) for Xb, yb in _batches(X, y, batch_size, rng)]
        return float(np.mean(losses))


class SGD(_Optimizer):
    """Stochastic gradient descent, with optional (Nesterov) momentum.

    Parameters
    ----------
    net : the :class:`MLP` to train (its arrays are updated in place)
    lr : learning rate η ≥ 0
    momentum : μ in [0, 1); 0 is plain SGD
    nesterov : use Nesterov's look-ahead form (needs μ > 0)

    Notes
    -----
    With g the gradient of a parameter θ: plain SGD ``θ ← θ - η g`` (bit for bit
    :meth:`MLP.train_step`). With momentum (PyTorch's form, no dampening) a buffer
    ``b ← μ b + g`` (on the first step ``b = g``), then ``θ ← θ - η b``; Nesterov
    steps along ``g + μ b`` instead. A constant gradient makes the step grow to
    ``η g / (1 - μ)``: μ = 0.9 goes ten times as fast along a steady slope, while gradients
    that flip sign from step to step cancel in b.
    """

    def __init__(self, net: MLP, lr: float, momentum: float = 0.0, nesterov: bool = False):
        super().__init__(net, lr)
        self.momentum = _fraction(momentum, "momentum")
        self.nesterov = bool(nesterov)
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("nesterov=True needs a momentum > 0; got momentum=0.")
        self.momentum_buffers: list[np.ndarray | None] = [None] * len(self._parameters())

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        if self.momentum == 0.0:
            p -= self.lr * g  # in place, as MLP.train_step
            return
        b = self.momentum_buffers[i]
        if b is None:
            b = self.momentum_buffers[i] = g.copy()  # b = g on the first step
        else:
            b *= self.momentum
            b += g  # b = μ b + g
        direction = g + self.momentum * b if self.nesterov else b
        p -= self.lr * direction


class RMSprop(_Optimizer):
    """RMSprop: each parameter's step divided by a running root mean square of its gradients.

    Parameters
    ----------
    net : the :class:`MLP` to train
    lr : learning rate η ≥ 0
    alpha : α in [0, 1), the decay of the running average of g²
    eps : ε > 0, added to the root mean square so the division is safe

    Notes
    -----
    ``v ← α v + (1 - α) g²`` (v starts at 0), then ``θ ← θ - η g / (√v + ε)`` (PyTorch's
    ``RMSprop``, not centred, no momentum). Every parameter gets a step of about η whatever
    the size of its gradient: v has just (1 - α) g² on the first step, so the first step is
    ``η g / (√(1 - α) |g| + ε) ≈ η / √(1 - α)`` (10 η for α = 0.99) in the direction of −g.
    """

    def __init__(self, net: MLP, lr: float, alpha: float = 0.99, eps: float = 1e-8):
        super().__init__(net, lr)
        self.alpha = _fraction(alpha, "alpha")
        self.eps = _positive_eps(eps)
        self.square_avg = [np.zeros_like(p) for p in self._parameters()]

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        v = self.square_avg[i]
        v *= self.alpha
        v += (1.0 - self.alpha) * (g * g)  # v = α v + (1 - α) g²
        denom = np.sqrt(v)  # (same shape as p)
        denom += self.eps
        p -= self.lr * (g / denom)

    def _divisor(self, i: int) -> np.ndarray:
        return np.sqrt(self.square_avg[i]) + self.eps  # √v + ε, as in the step


class Adam(_Optimizer):
    """Adam: momentum on the gradient, RMSprop's scaling, both bias-corrected.

    Parameters
    ----------
    net : the :class:`MLP` to train
    lr : learning rate η ≥ 0
    betas : (β₁, β₂), each in [0, 1): the decays of the first and second moment averages
    eps : ε > 0

    Notes
    -----
    At step t = 1, 2, …: ``m ← β₁ m + (1 - β₁) g``, ``v ← β₂ v + (1 - β₂) g²`` (both start
    at 0), ``m̂ = m / (1 - β₁ᵗ)``, ``v̂ = v / (1 - β₂ᵗ)`` and ``θ ← θ - η m̂ / (√v̂ + ε)``.
    The corrections undo the pull towards the zero start: on the first step ``m̂ = g`` and
    ``v̂ = g²``, so every parameter with a gradient moves by about η. The arithmetic follows
    ``torch.optim.Adam``: m by ``lerp`` (``m + (1 - β₁)(g - m)``) and
    ``θ ← θ - (η / (1 - β₁ᵗ)) · m / (√v / √(1 - β₂ᵗ) + ε)``.
    """

    def __init__(self, net: MLP, lr: float, betas=(0.9, 0.999), eps: float = 1e-8):
        super().__init__(net, lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError) as err:
            raise ValueError(f"betas must be a pair (β₁, β₂); got {betas!r}.") from err
        self.betas = (_fraction(beta1, "betas[0]"), _fraction(beta2, "betas[1]"))
        self.eps = _positive_eps(eps)
        self.exp_avg = [np.zeros_like(p) for p in self._parameters()]
        self.exp_avg_sq = [np.zeros_like(p) for p in self._parameters()]

    def _update(self, i: int, p: np.ndarray, g: np.ndarray) -> None:
        beta1, beta2 = self.betas
        m, v = self.exp_avg[i], self.exp_avg_sq[i]
        weight = 1.0 - beta1
        if weight < 0.5:  # torch.lerp's two branches
            m += weight * (g - m)
        else:
            m[...] = g - (g - m) * (1.0 - weight)
        v *= beta2
        v += (1.0 - beta2) * (g * g)  # v = β₂ v + (1 - β₂) g²
        step_size = self.lr / (1.0 - beta1**self.steps)
        denom = np.sqrt(v) / math.sqrt(1.0 - beta2**self.steps)  # √v̂
        denom += self.eps
        p -= step_size * (m / denom)

    def _divisor(self, i: int) -> np.ndarray:
        v_hat_sqrt = np.sqrt(self.exp_avg_sq[i]) / math.sqrt(1.0 - self.betas[1] ** self.steps)
        return v_hat_sqrt + self.eps  # √v̂ + ε, as in the step


def _positive_eps(eps: float) -> float:
    v = float(eps)
    if not (np.isfinite(v) and v > 0):
        raise ValueError(f"eps must be a small positive number, e.g. 1e-8; got {eps!r}.")
    return v
