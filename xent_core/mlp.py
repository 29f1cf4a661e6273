"""A small multilayer perceptron with a softmax cross-entropy output, trained by backprop.

Layer k computes ``h_k = act(h_{k-1} @ W_k + b_k)``; the last layer is linear and gives the
logits z, and ``p = softmax(z)``. The output gradient is the article's ``p - t``.
:meth:`MLP.backprop_trace` keeps every intermediate of one pass (for the softmax head or
one sigmoid per class); the optimisers beyond plain SGD are in ``xent_core.optim``.
"""

from __future__ import annotations

import itertools
import math
import operator
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ._checks import as_finite_array, as_labels
from .activations import _sigmoid, _softmax, sigmoid_jacobian, softmax_jacobian
from .binary import _bce_with_logits, _bce_with_logits_grad
from .proximal import _soft_threshold_in_place

Activation = Literal["tanh", "relu", "sigmoid", "linear"]


# Each activation is a pair of functions writing into arrays given to them, so a training step
# allocates nothing: ``act(h, out)`` writes ``a = act(h)``; ``grad(h, a, out)`` writes
# ``act'(h)`` (from the pre-activation h or the activation a) and returns it, or returns None
# when ``act' = 1`` and there is nothing to multiply by.


def _tanh_grad(h, a, out):
    _multiply(a, a, out)
    return _subtract(1.0, out, out)  # d tanh(h)/dh = 1 - tanh²(h)


def _relu(h, out):
    np.maximum(h, 0.0, out=out)


def _relu_grad(h, a, out):
    return np.greater(h, 0.0, out=out)  # d max(h, 0)/dh = [h > 0], as 1.0 or 0.0


def _sigmoid_into(h, out):
    np.copyto(out, _sigmoid(h))


def _sigmoid_grad(h, a, out):
    np.subtract(1.0, a, out=out)
    return np.multiply(a, out, out=out)  # σ'(h) = σ(h)(1 - σ(h))


def _linear(h, out):
    np.copyto(out, h)


def _linear_grad(h, a, out):
    return None  # d h/dh = 1


# name -> (forward into out, derivative into out)
ACTIVATIONS = {
    "tanh": (np.tanh, _tanh_grad),  # the ufunc itself, np.tanh(h, out): one Python call fewer
    "relu": (_relu, _relu_grad),
    "sigmoid": (_sigmoid_into, _sigmoid_grad),
    "linear": (_linear, _linear_grad),
}


Init = Literal["glorot", "he", "small", "zeros"]
INITS: tuple[Init, ...] = ("glorot", "he", "small", "zeros")
SMALL_STD = 0.01  # the "small" initialisation: N(0, 0.01²) for every weight

Output = Literal["softmax", "sigmoid"]
OUTPUTS: tuple[Output, ...] = ("softmax", "sigmoid")


# numpy's functions as module names: a training step makes ~40 calls, and each `np.name` costs
# an attribute lookup (~30 ns).
_add, _subtract, _multiply = np.add, np.subtract, np.multiply
_exp, _expm1, _log, _copyto = np.exp, np.expm1, np.log, np.copyto

# The ufuncs' own reductions: ``a.sum(axis=…)`` and ``a.max(…)`` call them through numpy's Python
# wrappers (a few µs each, on every training step), for the same bits.
_add_reduce = np.add.reduce
_max_reduce = np.maximum.reduce


def _batches(X: np.ndarray, y: np.ndarray, batch_size: int, rng=None):
    """The mini-batches of one epoch: ``(X, y)`` shuffled by ``rng`` (None: in order), cut into
    consecutive slices of ``batch_size`` points (the last one may be smaller).

    Shuffled once, so each batch is a view: one fancy index an epoch instead of two a batch
    (~20 µs of a default epoch's ~1.2 ms), the same points in the same order.
    """
    if rng is not None:
        order = rng.permutation(len(X))
        X, y = X[order], y[order]
    batch_size = max(1, int(batch_size))
    for start in range(0, len(X), batch_size):
        yield X[start : start + batch_size], y[start : start + batch_size]


@np.errstate(over="ignore")  # z - max is -inf only past ±1.8e308, as _log_softmax
def _softmax_head(p: _Pass, y: np.ndarray):
    """Softmax output on the pass's logits Zᵀ = ``p.pre[-1]`` (C, N), one row per class:
    ``(L, log Pᵀ, δᵀ)`` with ``L = -(1/N) Σ_n log P_{n, y_n}`` (a float),
    ``log P = log_softmax(Z)`` and ``δ = ∂L/∂Z = (P - T) / N`` (both (C, N), as Zᵀ).

    Written out for speed, the same operations as ``_log_softmax`` and ``_mean_nll``:
    ``s = Z - max_c Z``, ``log P = s - log Σ_c e^s``, ``L = -(Σ_n log P_{n, y_n}) / N``; at
    each true class ``p - 1 = e^{log p} - 1`` is ``expm1(log p)``, exact even when p is
    within a rounding of 1. With the classes as rows, a max or sum over c is C - 1
    operations on rows of N values, written into the pass's arrays. (errstate as a
    decorator costs ~0.4 µs a call, a ``with`` block ~1.2 µs.)
    """
    zt = p.pre[-1]
    n = zt.shape[1]
    true = _add(_multiply(y, n, p.true), p.columns, p.true)  # flat index of (y_n, n)
    s = _subtract(zt, _max_reduce(zt, 0, None, p.row), p.s)  # (C, N), every entry ≤ 0
    e = _exp(s, p.e)  # (C, N)
    log_p = _subtract(s, _log(_add_reduce(e, 0, None, p.row), p.row), s)  # in place of s
    log_p_true = log_p.take(true)  # (N,): log P_{n, y_n}
    loss = -float(_add_reduce(log_p_true)) / n  # the mean NLL, as _mean_nll
    delta = _exp(log_p, e)  # P, in place of e^s
    delta.put(true, _expm1(log_p_true))  # P - T: the true classes' p - 1
    delta /= float(n)  # ∂L/∂z for the mean over N points, (C, N)
    return loss, log_p, delta


def _sigmoid_head(logits: np.ndarray, y: np.ndarray):
    """One sigmoid per class: ``(L, P, δ)`` with ``P = σ(Z)`` (N, C),
    ``L = (1/N) Σ_n Σ_c BCE(T_nc, P_nc)`` from the logits and ``δ = (P - T) / N`` (N, C)."""
    n, c = logits.shape
    t = np.eye(c)[y]  # (N, C) one-hot
    loss = _bce_with_logits(t, logits).sum() / n  # (N, C) -> (): sum over classes, mean over N
    delta = _bce_with_logits_grad(t, logits) / n  # σ(Z) - T, exact near σ = 1
    return np.float64(loss), _sigmoid(logits), delta


_by_columns = np.asfortranarray  # a column-major copy (or the array, when it is one)
_dot = np.dot  # with out=, ~0.4 µs less a product than np.matmul (both call OpenBLAS's dgemm)


class _Pass:
    """The arrays of one forward and backward pass over N points, one row per unit.

    Layer k's activations are kept transposed, with a row of ones under them:
    ``Ãₖᵀ = [Aₖᵀ; 1]`` (fan + 1, N), ``A₀ = X``. With ``W̃ₖ = [Wₖ; bₖ]`` (fan_in + 1, fan_out),
    the weights with the bias as one more row, the layer ``Zₖ = Aₖ₋₁ Wₖ + bₖ`` is one product
    ``Zₖᵀ = W̃ₖᵀ Ãₖ₋₁ᵀ``: the bias is the weight of an input that is always 1. The gradient
    ``[∂L/∂Wₖ; ∂L/∂bₖ] = Ãₖ₋₁ δₖ`` is one product too (the ones row gives ``Σ_n δₖ``).
    With a row per unit, every elementwise operation and every max or sum over the classes
    runs along rows of N contiguous values.

    Each array is written in place by every pass: a training step allocates (almost) nothing.
    """

    def __init__(self, shapes: list[tuple[int, int]], n: int, backward: bool = True):
        fans = [fan_in for fan_in, _ in shapes]
        self.inputs = [np.ones((fan + 1, n)) for fan in fans]  # Ã₀ᵀ … Ãᴸ⁻¹ᵀ
        self.inputs[0] = np.ones((fans[0] + 1, n), order="F")  # Xᵀ by columns: see _backward
        self.acts = [a[:-1] for a in self.inputs]  # A₀ᵀ = Xᵀ, A₁ᵀ, …: the rows above the ones
        self.pre = [np.empty((fan_out, n)) for _, fan_out in shapes]  # Z₁ᵀ … Zᴸᵀ
        hidden = fans[1:] if backward else []
        self.deltas = [np.empty((fan, n)) for fan in hidden]  # δ₁ᵀ … δᴸ⁻¹ᵀ
        self.factors = [np.empty((fan, n)) for fan in hidden]  # act'(Z₁)ᵀ … act'(Zᴸ⁻¹)ᵀ
        c = shapes[-1][1]  # the softmax head's arrays (_softmax_head)
        self.columns = np.arange(n)  # [0, 1, …, N-1]
        self.true = np.empty(n, dtype=np.intp)  # flat index y_n·N + n of each true class
        self.row, self.s, self.e = np.empty(n), np.empty((c, n)), np.empty((c, n))


def _read_only(a: np.ndarray) -> np.ndarray:
    """A read-only view: the trace cannot be edited, and the caller's X keeps its flags."""
    v = a.view()
    v.flags.writeable = False
    return v


def _frozen_rows(arrays) -> tuple[np.ndarray, ...]:
    """A pass's arrays (one row per unit, (fan, N)) as read-only arrays of their own, one row
    per point (N, fan), as :class:`BackpropTrace` shows them."""
    return tuple(_read_only(np.ascontiguousarray(a.T)) for a in arrays)


@dataclass(frozen=True)
class BackpropTrace:
    """One forward and backward pass of an :class:`MLP` on a batch, every array kept.

    For a network of L layers (``len(sizes) - 1``) on N points with C classes:

    ``pre_activations``: ``(Z_1, …, Z_L)``, ``Z_k = A_{k-1} W_k + b_k`` shaped (N, sizes[k]).
    ``activations``: ``(X, A_1, …, A_{L-1}, Z_L)``, ``A_k = act(Z_k)``; the last entry is the
    logits (the output layer is linear).
    ``deltas``: ``(∂L/∂Z_1, …, ∂L/∂Z_L)``, each shaped like its Z; ``deltas[-1] = (P - T)/N``.
    ``grads``: ``((dW_1, db_1), …, (dW_L, db_L))``, as :meth:`MLP.loss_and_gradients` gives.
    ``probabilities``: P (N, C), ``softmax(Z_L)`` (rows sum to 1) or ``σ(Z_L)`` (they need not).
    ``targets``: T (N, C), the one-hot labels. ``loss``: L, including the L2 term.
    ``output``: ``"softmax"`` or ``"sigmoid"``, the head the loss was computed with.
    """

    pre_activations: tuple[np.ndarray, ...]
    activations: tuple[np.ndarray, ...]
    deltas: tuple[np.ndarray, ...]
    grads: tuple[tuple[np.ndarray, np.ndarray], ...]
    probabilities: np.ndarray
    targets: np.ndarray
    loss: float
    output: Output

    def output_jacobians(self) -> np.ndarray:
        """``∂P_n/∂Z_n`` for every row n, (N, C, C): see :func:`output_jacobians`."""
        return output_jacobians(self.activations[-1], self.output)


def output_jacobians(logits, output: Output = "softmax") -> np.ndarray:
    """The Jacobian ``J_n = ∂P_n/∂Z_n`` of the output layer, row by row, (N, C, C).

    Parameters
    ----------
    logits : finite logits Z (N, C) (or one row (C,), giving (C, C))
    output : ``"softmax"``: ``J = diag(p) - p pᵀ`` (:func:`softmax_jacobian`); ``"sigmoid"``:
        ``J = diag(σ(z)(1 - σ(z)))`` (:func:`sigmoid_jacobian`), each class on its own

    Returns
    -------
    ndarray (N, C, C); the chain rule ``δ_n = J_nᵀ ∂L/∂P_n`` gives the output delta.
    """
    if output not in OUTPUTS:
        raise ValueError(f"output must be one of {', '.join(map(repr, OUTPUTS))}; got {output!r}.")
    return softmax_jacobian(logits) if output == "softmax" else sigmoid_jacobian(logits)


def init_std(init: Init, fan_in: int, fan_out: int) -> float:
    """The standard deviation σ of a layer's initial weights, ``W ~ N(0, σ²)``.

    Parameters
    ----------
    init : ``"glorot"``: ``σ = √(2 / (fan_in + fan_out))``; ``"he"``: ``σ = √(2 / fan_in)``;
        ``"small"``: ``σ = 0.01`` (``SMALL_STD``) whatever the width; ``"zeros"``: ``σ = 0``
        (every weight 0)
    fan_in, fan_out : the layer's input and output widths, each ≥ 1

    Returns
    -------
    float σ ≥ 0, as :class:`MLP` draws each ``W_k`` (fan_in, fan_out) with it.

    Notes
    -----
    Glorot keeps the variance of the signal about the same going up (``fan_in σ² ≈ 1``)
    and of the gradient going down (``fan_out σ² ≈ 1``) by averaging the two fans; He
    doubles ``1 / fan_in`` because relu zeroes half of its inputs. E.g. a 2 → 8 tanh layer
    (Glorot) has ``σ = √(2 / 10) = 0.4472…``; a 2 → 8 relu layer (He) ``σ = 1``.
    """
    if init not in INITS:
        raise ValueError(f"init must be one of {', '.join(map(repr, INITS))}; got {init!r}.")
    fan_in, fan_out = int(fan_in), int(fan_out)
    if fan_in < 1 or fan_out < 1:
        raise ValueError(f"fan_in and fan_out must be ≥ 1; got fan_in={fan_in}, fan_out={fan_out}.")
    if init == "zeros":
        return 0.0
    if init == "small":
        return SMALL_STD
    var = 2.0 / fan_in if init == "he" else 2.0 / (fan_in + fan_out)
    return float(np.sqrt(var))


def _non_negative(value: float, name: str) -> float:
    """A hyper-parameter that must be a finite number ≥ 0 (a nan would fill the net with nan)."""
    v = float(value)
    if not (math.isfinite(v) and v >= 0):  # math's test on a float: ~0.4 µs less than numpy's
        raise ValueError(f"{name} must be a finite number ≥ 0; got {value!r}.")
    return v


class MLP:
    """A fully connected network ``sizes[0] → … → sizes[-1]`` with a softmax output.

    Parameters
    ----------
    sizes : layer widths, e.g. ``[2, 16, 3]`` (the classic 16-unit numpy network: 2 inputs,
        one hidden layer of 16 units, 3 classes); ``sizes[-1] ≥ 2`` classes
    activation : hidden-layer activation, ``"tanh"``, ``"relu"``, ``"sigmoid"`` or
        ``"linear"``
    seed : seeds the initial weights; same sizes, activation, seed and init, same weights
    init : how the weights start (biases always start at 0), each ``W_k`` drawn from
        ``N(0, σ_k²)``: ``"glorot"`` ``σ² = 2 / (fan_in + fan_out)``; ``"he"``
        ``σ² = 2 / fan_in``; ``"small"`` ``σ = 0.01`` whatever the width; ``"zeros"`` every
        weight 0 (no random draw). None (the default) picks He for relu and Glorot otherwise.

    Attributes
    ----------
    sizes, activation : as given
    init : the initialisation used, ``"he"`` or ``"glorot"`` when None was given
    weights : list of (fan_in, fan_out) arrays, so a layer is ``h @ W + b``
    biases : list of (fan_out,) arrays, initialised to 0

    Notes
    -----
    By default weights start from ``N(0, σ²)`` with ``σ² = 2 / fan_in`` for relu (He) and
    ``σ² = 2 / (fan_in + fan_out)`` otherwise (Glorot), so signals neither explode nor die
    from layer to layer. ``"small"`` (σ = 0.01) shrinks the signal by about
    ``0.01 · √fan_in`` per layer, so a deep net starts with vanishing gradients. ``"zeros"``
    makes every hidden unit of a layer compute the same function with the same gradient,
    so they stay identical however long the net trains: the symmetry is never broken.
    """

    def __init__(
        self, sizes, activation: Activation = "tanh", seed: int = 0, init: Init | None = None
    ):
        sizes = [int(s) for s in sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(
                f"sizes must list at least an input and an output width, all ≥ 1; got {sizes}."
            )
        if sizes[-1] < 2:
            raise ValueError(
                f"sizes[-1] = {sizes[-1]}: the softmax output needs at least 2 classes."
            )
        if activation not in ACTIVATIONS:
            raise ValueError(
                f"activation must be one of {', '.join(map(repr, ACTIVATIONS))}; "
                f"got {activation!r}."
            )
        if init is not None and init not in INITS:
            raise ValueError(
                f"init must be None or one of {', '.join(map(repr, INITS))}; got {init!r}."
            )
        self.sizes = sizes
        self.activation = activation
        self.init = init if init is not None else ("he" if activation == "relu" else "glorot")
        self._act, self._act_grad = ACTIVATIONS[activation]
        rng = np.random.default_rng(seed)
        self.weights = []
        self.biases = []
        for fan_in, fan_out in itertools.pairwise(sizes):
            if self.init == "zeros":
                self.weights.append(np.zeros((fan_in, fan_out)))
            else:
                std = init_std(self.init, fan_in, fan_out)
                self.weights.append(rng.normal(0.0, std, size=(fan_in, fan_out)))
            self.biases.append(np.zeros(fan_out))
        self._flat = None  # θ and ∂L/∂θ as flat arrays, made by _flat_parameters
        self._passes: dict[int, _Pass] = {}  # a training pass's arrays, by batch size
        self._flat_parameters()

    @property
    def n_classes(self) -> int:
        return self.sizes[-1]

    def _check_X(self, X) -> np.ndarray:
        X = as_finite_array(X, "X")
        if X.ndim != 2 or X.shape[1] != self.sizes[0]:
            raise ValueError(
                f"X must have shape (N, {self.sizes[0]}), one row per point; got {X.shape}."
            )
        return X

    def __getstate__(self):
        state = self.__dict__.copy()
        state["_passes"] = {}  # a copy (deepcopy, pickle) makes its own pass arrays
        return state

    def _pass(self, n: int) -> _Pass:
        """The arrays of a training pass over n points, kept for the next batch of that size."""
        p = self._passes.get(n)
        if p is None:
            if len(self._passes) >= 4:  # an epoch has at most two batch sizes
                self._passes.clear()
            p = self._passes[n] = _Pass([W.shape for W in self.weights], n)
        return p

    def _forward(self, X: np.ndarray, p: _Pass, layers) -> None:
        """Fill ``p``: ``A₀ᵀ = Xᵀ``, then ``Zₖᵀ = W̃ₖᵀ Ãₖ₋₁ᵀ`` and ``Aₖᵀ = act(Zₖᵀ)`` layer by
        layer; the last layer is linear, its ``Zᴸᵀ`` the logits (C, N)."""
        inputs, pre, acts = p.inputs, p.pre, p.acts
        _copyto(acts[0], X.T)
        act, last = self._act, len(layers) - 1
        for k, (Wt, _, _) in enumerate(layers):
            # (fan_out, fan_in + 1) @ (fan_in + 1, N) -> (fan_out, N): A W + b, transposed
            _dot(Wt, inputs[k], pre[k])
            if k < last:
                act(pre[k], acts[k + 1])

    def _forward_pass(self, X) -> _Pass:
        """A new pass of checked X through the network (forward only)."""
        X = self._check_X(X)
        p = _Pass([W.shape for W in self.weights], X.shape[0], backward=False)
        self._forward(X, p, self._layers())
        return p

    def forward(self, X) -> np.ndarray:
        """The logits ``z`` (N, C) for the points X (N, sizes[0])."""
        return np.ascontiguousarray(self._forward_pass(X).pre[-1].T)

    def predict_proba(self, X) -> np.ndarray:
        """``p = softmax(z)``, (N, C): each row a distribution over the classes."""
        return _softmax(self.forward(X))

    def hidden_activations(self, X) -> list[np.ndarray]:
        """The activation of every hidden layer, ``[(N, sizes[1]), (N, sizes[2]), …]``."""
        return [np.ascontiguousarray(a.T) for a in self._forward_pass(X).acts[1:]]

    def loss_and_gradients(self, X, y, l2: float = 0.0, l1: float = 0.0):
        """``L = mean_i CE(y_i, softmax(z_i)) + λ₂/2 Σ_k ||W_k||² + λ₁ Σ_k Σ|W_k|`` and its
        gradients ``∂L/∂(W_k, b_k)``.

        Parameters
        ----------
        X : points (N, sizes[0])
        y : integer class labels (N,)
        l2 : L2 strength λ₂ ≥ 0 (biases are not regularised)
        l1 : L1 strength λ₁ ≥ 0 (biases are not regularised)

        Returns
        -------
        (loss, [(dW_1, db_1), …]) with each dW shaped like its W and db like its b.

        Notes
        -----
        Backpropagation: at the output ``∂L/∂z = (p - T) / N`` (T one-hot). Going down a
        layer ``h_k = a_{k-1} @ W_k + b_k``: ``∂L/∂W_k = a_{k-1}ᵀ @ δ_k + λ W_k``,
        ``∂L/∂b_k = Σ_rows δ_k``, and ``δ_{k-1} = (δ_k @ W_kᵀ) * act'(h_{k-1})``.
        The penalties add ``λ₂ W_k`` (weight decay) and ``λ₁ sign(W_k)`` to ``∂L/∂W_k``;
        ``sign(0) = 0`` is the subgradient of ``|w|`` at 0 (PyTorch's autograd picks it too).
        Training does not step along ``λ₁ sign(W_k)`` (a small weight would jump across 0
        forever): :meth:`train_step` and the optimisers take the step without it and then
        the L1 proximal step (:func:`xent_core.soft_threshold`), which moves every weight
        ``η λ₁`` towards 0 (divided by Adam's or RMSprop's ``√v + ε``: ``xent_core.optim``)
        and stops it at exactly 0 (sparse weights); L2 shrinks each weight in proportion to
        its size.
        """
        X, y = self._check_batch(X, y)
        return self._loss_and_gradients(X, y, _non_negative(l2, "l2"), _non_negative(l1, "l1"))

    def _check_batch(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X = self._check_X(X)
        y = as_labels(y, "y", self.n_classes)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must hold one label per row of X ({X.shape[0]}); got {y.shape}.")
        return X, y

    def _penalty(self, l2: float, l1: float) -> float:
        """``λ₂/2 Σ_k ||W_k||² + λ₁ Σ_k Σ|W_k|``, the penalty of the loss (no biases)."""
        penalty = 0.0
        if l2:
            penalty += 0.5 * l2 * sum(float((W * W).sum()) for W in self.weights)
        if l1:
            penalty += l1 * sum(float(np.abs(W).sum()) for W in self.weights)
        return penalty

    def _loss_and_gradients(
        self,
        X: np.ndarray,
        y: np.ndarray,
        l2: float,
        l1: float = 0.0,
        l1_grad: bool = True,
        training: bool = False,
    ):
        """The loss (with both penalties) and its gradients ``[(dW_1, db_1), …]``, new arrays;
        ``l1_grad=False`` leaves the L1 term ``λ₁ sign(W)`` out of the gradients, for a step
        followed by :meth:`_l1_step`. ``training``: the pass reuses this network's arrays
        (:meth:`_pass`) — only for a step that changes the network anyway, never for a
        reading, which two sessions could take of one network at the same time."""
        n = X.shape[0]
        if training:
            layers, p = self._flat_parameters()[2], self._pass(n)
        else:
            layers, p = self._layers(), _Pass([W.shape for W in self.weights], n)
        self._forward(X, p, layers)
        loss, _, delta = _softmax_head(p, y)
        if l2 or l1:
            loss += self._penalty(l2, l1)
        grads = self._backward(p, layers, delta, l2, l1 if l1_grad else 0.0)
        return float(loss), [(G[:-1], G[-1]) for G in grads]

    def _l1_step(self, threshold: float) -> None:
        """The L1 proximal step on every weight matrix, in place (biases untouched):
        ``W ← sign(W) · max(|W| − τ, 0)`` with ``τ = η λ₁``."""
        for W in self.weights:
            _soft_threshold_in_place(W, threshold)

    def _backward(
        self, p: _Pass, layers, delta, l2: float, l1: float = 0.0, deltas=None, write=False
    ):
        """``[G̃₁, …, G̃ᴸ]``, ``G̃ₖ = [∂L/∂Wₖ; ∂L/∂bₖ]`` (fan_in + 1, fan_out), from the output
        delta ``δᴸᵀ = (∂L/∂Zᴸ)ᵀ`` (C, N), layer by layer down.

        ``deltas``, when a list, receives ``δᴸᵀ``, ``δᴸ⁻¹ᵀ``, … ``δ₁ᵀ`` (top first). ``write``:
        the G̃ₖ are the network's gradient buffer g (``layers``' views), else new arrays.
        """
        grads = [None] * len(layers)
        act_grad, inputs, pre, acts = self._act_grad, p.inputs, p.pre, p.acts
        for k in range(len(layers) - 1, -1, -1):
            if deltas is not None:
                deltas.append(delta)
            _, W, G = layers[k]
            # (fan_in + 1, N) @ (N, fan_out) -> (fan_in + 1, fan_out): Aᵀ δ over the ones row's
            # Σ δ. Both products take their left operand column by column (Fortran order): so
            # OpenBLAS rounds every unit's column alike, and identical units (zeros init) keep
            # identical gradients, bit for bit; a row-major left operand rounds edge columns
            # differently (tests/unit/test_levers.py).
            A = _by_columns(inputs[k]) if k else inputs[0]  # Ã₀ᵀ is kept by columns
            G = grads[k] = _dot(A, delta.T, G) if write else _dot(A, delta.T)
            if l2:
                G[:-1] += l2 * W
            if l1:
                G[:-1] += l1 * np.sign(W)  # sign(0) = 0
            if k:
                # (fan_in, fan_out) @ (fan_out, N) -> (fan_in, N): (δ Wᵀ)ᵀ, then ⊙ act'(Z)ᵀ
                delta = _dot(_by_columns(W), delta, p.deltas[k - 1])
                factor = act_grad(pre[k - 1], acts[k], p.factors[k - 1])
                if factor is not None:
                    _multiply(delta, factor, delta)
        return grads

    def backprop_trace(
        self, X, y, l2: float = 0.0, output: Output = "softmax", l1: float = 0.0
    ) -> BackpropTrace:
        """Every intermediate of one forward and backward pass, for showing backpropagation.

        Parameters
        ----------
        X : points (N, sizes[0])
        y : integer class labels (N,); ``T`` is their one-hot matrix (N, C)
        l2, l1 : penalty strengths ≥ 0, as in :meth:`loss_and_gradients`
        output : ``"softmax"``, the network's own head: ``P = softmax(Z_L)`` and
            ``L = (1/N) Σ_n -log P_{n, y_n}`` (:meth:`loss_and_gradients`'s loss); or
            ``"sigmoid"``, one sigmoid per class with binary cross-entropy (multi-label):
            ``P = σ(Z_L)`` elementwise and ``L = (1/N) Σ_n Σ_c BCE(T_nc, P_nc)``, the
            **sum over the C classes, mean over the N rows**. Both add the penalties.

        Returns
        -------
        :class:`BackpropTrace`, its arrays read-only. For ``"softmax"`` its ``loss`` and
        ``grads`` are bit for bit those of :meth:`loss_and_gradients`.

        Notes
        -----
        With ``A_0 = X``, ``Z_k = A_{k-1} W_k + b_k`` and ``A_k = act(Z_k)`` (``A_L = Z_L``):
        both heads give the same output delta, ``δ_L = ∂L/∂Z_L = (P - T) / N``. Softmax:
        ``Jᵀ(-t/p) = p - t`` per row through ``J = diag(p) - p pᵀ``. Sigmoid:
        ``∂BCE/∂p = -t/p + (1-t)/(1-p)`` times ``σ'(z) = p(1 - p)`` gives ``p - t`` for each
        class on its own (``J = diag(p(1 - p))``; see :meth:`BackpropTrace.output_jacobians`).
        Then ``δ_{k-1} = (δ_k W_kᵀ) ⊙ act'(Z_{k-1})``,
        ``∂L/∂W_k = A_{k-1}ᵀ δ_k + λ₂ W_k + λ₁ sign(W_k)`` and ``∂L/∂b_k = Σ_rows δ_k``;
        element by element for the last layer (without penalties),
        ``∂L/∂W_L[i, j] = (1/N) Σ_n (p_nj - t_nj) a_ni``.
        """
        if output not in OUTPUTS:
            raise ValueError(
                f"output must be one of {', '.join(map(repr, OUTPUTS))}; got {output!r}."
            )
        X, y = self._check_batch(X, y)
        l2, l1 = _non_negative(l2, "l2"), _non_negative(l1, "l1")
        layers = self._layers()
        p = _Pass([W.shape for W in self.weights], X.shape[0])
        self._forward(X, p, layers)
        if output == "softmax":
            loss, log_p, delta = _softmax_head(p, y)
            probabilities = np.exp(log_p).T  # (N, C)
        else:
            loss, probabilities, delta = _sigmoid_head(p.pre[-1].T, y)
            delta = delta.T  # (C, N), as the backward pass takes it
        if l2 or l1:
            loss += self._penalty(l2, l1)
        deltas = []
        grads = self._backward(p, layers, delta, l2, l1, deltas)
        deltas.reverse()
        return BackpropTrace(
            pre_activations=_frozen_rows(p.pre),
            activations=(_read_only(X), *_frozen_rows([*p.acts[1:], p.pre[-1]])),
            deltas=_frozen_rows(deltas),
            grads=tuple((_read_only(G[:-1]), _read_only(G[-1])) for G in grads),
            probabilities=_read_only(np.ascontiguousarray(probabilities)),
            targets=_read_only(np.eye(self.n_classes)[y]),
            loss=float(loss),
            output=output,
        )

    def train_step(self, X, y, lr: float, l2: float = 0.0, l1: float = 0.0) -> float:
        """One SGD step on this batch, ``θ ← θ - η · ∂L/∂θ``; returns L before the update.

        With ``l1 = λ₁ > 0`` the step is proximal for the L1 term: ``θ ← θ - η ∂L₀/∂θ``
        with ``L₀`` the loss without ``λ₁ Σ|W|`` (the mean cross-entropy plus the L2 term),
        then every weight (not the biases) ``w ← sign(w) · max(|w| − η λ₁, 0)``
        (:func:`xent_core.soft_threshold`): a weight that the L1 part of the step would
        carry across 0 stops at exactly 0. The returned L includes ``λ₁ Σ|W|``. With
        ``λ₁ = 0`` it is ``θ ← θ - η ∂L/∂θ`` exactly.

        Plain SGD; :class:`xent_core.SGD`, :class:`xent_core.RMSprop` and
        :class:`xent_core.Adam` give momentum and adaptive steps.
        """
        lr = _non_negative(lr, "lr")
        X, y = self._check_batch(X, y)
        return self._sgd_step(X, y, lr, _non_negative(l2, "l2"), _non_negative(l1, "l1"))

    def _flat_parameters(self) -> tuple[np.ndarray, np.ndarray, list]:
        """``(θ, g, layers)``: θ = (W_1, b_1, W_2, b_2, …) as one flat array whose views are
        this network's own ``weights`` and ``biases``, a gradient buffer g laid out as θ, and
        for each layer ``(W̃ₖᵀ, Wₖ, G̃ₖ)``: ``W̃ₖ = [Wₖ; bₖ]`` (fan_in + 1, fan_out) is Wₖ with
        bₖ as one more row, the layer's part of θ as it lies there (see :class:`_Pass`), and
        G̃ₖ the same part of g.

        Then an SGD step is ``θ -= lr · g``: two ufunc calls for the whole network instead
        of two per array, with the same bits, element by element. Made when the network is
        built, and again (the values copied over) after any W or b was replaced by another
        array: an edited or copied network, an undo.
        """
        if self._packed():
            return self._flat[:3]
        params = [p for pair in zip(self.weights, self.biases, strict=True) for p in pair]
        theta = np.concatenate([np.ravel(p) for p in params]).astype(np.float64, copy=False)
        g = np.empty_like(theta)
        layers, weights, biases, start = [], [], [], 0
        for W in self.weights:
            fan_in, fan_out = np.shape(W)
            stop = start + (fan_in + 1) * fan_out
            Wa = theta[start:stop].reshape(fan_in + 1, fan_out)  # [W; b]
            layers.append((Wa.T, Wa[:-1], g[start:stop].reshape(fan_in + 1, fan_out)))
            weights.append(Wa[:-1])
            biases.append(Wa[-1])
            start = stop
        self.weights[:], self.biases[:] = weights, biases  # the same lists
        self._flat = (theta, g, layers, (*self.weights, *self.biases))
        self._passes = {}  # the layers' sizes may have changed
        return theta, g, layers

    def _packed(self) -> bool:
        """True when ``weights`` and ``biases`` are still the views of θ that
        :meth:`_flat_parameters` made (not replaced, not copies)."""
        if self._flat is None:
            return False
        theta, _, _, packed = self._flat
        now = (*self.weights, *self.biases)
        return (
            packed[0].base is theta  # a copied network's views are arrays of their own
            and len(now) == len(packed)
            and all(map(operator.is_, now, packed))
        )

    def _layers(self) -> list:
        """Each layer's ``(W̃ₖᵀ, Wₖ, G̃ₖ)`` for a pass that only reads the network: the views
        of θ when they are current, else ``W̃ₖ`` stacked from the arrays as they are (and no
        G̃ₖ), so a reading never replaces an array someone holds (an editor, a check)."""
        if self._packed():
            return self._flat[2]
        pairs = zip(self.weights, self.biases, strict=True)
        return [(np.vstack([W, b]).T, W, None) for W, b in pairs]

    def _sgd_update(self, grads, lr: float) -> None:
        """``θ ← θ - lr · grads`` array by array, in place; consumes ``grads`` (scaled in
        place). For gradients from elsewhere (e.g. a test's subgradient step)."""
        for W, b, (dW, db) in zip(self.weights, self.biases, grads, strict=True):
            W -= np.multiply(dW, lr, out=dW)  # lr · dW (the same bits), no temporary
            b -= np.multiply(db, lr, out=db)

    def _sgd_step(self, X: np.ndarray, y: np.ndarray, lr: float, l2: float, l1: float) -> float:
        """One SGD step on checked inputs (with the L1 proximal step when l1 > 0); returns
        the loss before it. ``θ ← θ - lr · ∂L/∂θ`` on the flat θ, in place."""
        theta, g, layers = self._flat_parameters()
        p = self._pass(X.shape[0])
        self._forward(X, p, layers)
        loss, _, delta = _softmax_head(p, y)
        if l2 or l1:
            loss += self._penalty(l2, l1)
        self._backward(p, layers, delta, l2, 0.0, write=True)  # ∂L/∂θ into g
        theta -= _multiply(g, lr, g)  # lr · g (the same bits), no temporary
        if l1:
            self._l1_step(lr * l1)
        return float(loss)

    def train_epoch(
        self, X, y, lr: float, batch_size: int, l2: float = 0.0, rng=None, l1: float = 0.0
    ) -> float:
        """One pass over (X, y) in shuffled mini-batches; returns the mean of the batch losses.

        Each mini-batch is one :meth:`train_step` (with its L1 proximal step when l1 > 0).
        ``rng`` (a ``numpy.random.Generator``) shuffles the points; None keeps their order.
        """
        X, y = self._check_batch(X, y)
        lr, l2 = _non_negative(lr, "lr"), _non_negative(l2, "l2")
        l1 = _non_negative(l1, "l1")
        losses = [self._sgd_step(Xb, yb, lr, l2, l1) for Xb, yb in _batches(X, y, batch_size, rng)]
        return float(np.mean(losses))
