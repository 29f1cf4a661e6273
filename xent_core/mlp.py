"""A small multilayer perceptron with a softmax cross-entropy output, trained by backprop.

Layer k computes ``h_k = act(h_{k-1} @ W_k + b_k)``; the last layer is linear and gives the
logits z, and ``p = softmax(z)``. The output gradient is the article's ``p - t``.
"""

from __future__ import annotations

import itertools
from typing import Literal

import numpy as np

from ._checks import as_finite_array, as_labels
from .activations import _log_softmax, _sigmoid, _softmax
from .categorical import _mean_nll

Activation = Literal["tanh", "relu", "sigmoid", "linear"]


def _tanh(h):
    return np.tanh(h)


def _tanh_grad(h, a):
    g = a * a
    return np.subtract(1.0, g, out=g)  # d tanh(h)/dh = 1 - tanh²(h), without a second array


def _relu(h):
    return np.maximum(h, 0.0)


def _relu_grad(h, a):
    return (h > 0).astype(np.float64)  # d max(h, 0)/dh = [h > 0]


def _sigmoid_grad(h, a):
    return a * (1.0 - a)  # σ'(h) = σ(h)(1 - σ(h))


def _linear(h):
    return h


def _linear_grad(h, a):
    return np.ones_like(h)


# name -> (forward, derivative given the pre-activation h and the activation a)
ACTIVATIONS = {
    "tanh": (_tanh, _tanh_grad),
    "relu": (_relu, _relu_grad),
    "sigmoid": (_sigmoid, _sigmoid_grad),
    "linear": (_linear, _linear_grad),
}


def _non_negative(value: float, name: str) -> float:
    """A hyper-parameter that must be a finite number ≥ 0 (a nan would fill the net with nan)."""
    v = float(value)
    if not (np.isfinite(v) and v >= 0):
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
    seed : seeds the initial weights; same sizes, activation and seed, same weights

    Attributes
    ----------
    weights : list of (fan_in, fan_out) arrays, so a layer is ``h @ W + b``
    biases : list of (fan_out,) arrays, initialised to 0

    Notes
    -----
    Weights start from ``N(0, σ²)`` with ``σ² = 2 / fan_in`` for relu (He) and
    ``σ² = 2 / (fan_in + fan_out)`` otherwise (Glorot), so signals neither explode nor die.
    """

    def __init__(self, sizes, activation: Activation = "tanh", seed: int = 0):
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
        self.sizes = sizes
        self.activation = activation
        self._act, self._act_grad = ACTIVATIONS[activation]
        rng = np.random.default_rng(seed)
        self.weights = []
        self.biases = []
        for fan_in, fan_out in itertools.pairwise(sizes):
            var = 2.0 / fan_in if activation == "relu" else 2.0 / (fan_in + fan_out)
            self.weights.append(rng.normal(0.0, np.sqrt(var), size=(fan_in, fan_out)))
            self.biases.append(np.zeros(fan_out))

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

    def _forward(self, X: np.ndarray) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Pre-activations ``hs`` and activations ``acts`` (``acts[0] = X``, last = logits)."""
        acts, hs = [X], []
        last = len(self.weights) - 1
        for k, (W, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = acts[-1] @ W  # (N, fan_in) @ (fan_in, fan_out) -> (N, fan_out)
            h += b  # in place: one (N, fan_out) temporary fewer
            hs.append(h)
            acts.append(h if k == last else self._act(h))  # the output layer is linear
        return hs, acts

    def forward(self, X) -> np.ndarray:
        """The logits ``z`` (N, C) for the points X (N, sizes[0])."""
        return self._forward(self._check_X(X))[1][-1]

    def predict_proba(self, X) -> np.ndarray:
        """``p = softmax(z)``, (N, C): each row a distribution over the classes."""
        return _softmax(self.forward(X))

    def hidden_activations(self, X) -> list[np.ndarray]:
        """The activation of every hidden layer, ``[(N, sizes[1]), (N, sizes[2]), …]``."""
        return self._forward(self._check_X(X))[1][1:-1]

    def loss_and_gradients(self, X, y, l2: float = 0.0):
        """``L = mean_i CE(y_i, softmax(z_i)) + l2/2 · Σ_k ||W_k||²`` and ``∂L/∂(W_k, b_k)``.

        Parameters
        ----------
        X : points (N, sizes[0])
        y : integer class labels (N,)
        l2 : L2 strength λ ≥ 0 (biases are not regularised)

        Returns
        -------
        (loss, [(dW_1, db_1), …]) with each dW shaped like its W and db like its b.

        Notes
        -----
        Backpropagation: at the output ``∂L/∂z = (p - T) / N`` (T one-hot). Going down a
        layer ``h_k = a_{k-1} @ W_k + b_k``: ``∂L/∂W_k = a_{k-1}ᵀ @ δ_k + λ W_k``,
        ``∂L/∂b_k = Σ_rows δ_k``, and ``δ_{k-1} = (δ_k @ W_kᵀ) * act'(h_{k-1})``.
        """
        X, y = self._check_batch(X, y)
        return self._loss_and_gradients(X, y, _non_negative(l2, "l2"))

    def _check_batch(self, X, y) -> tuple[np.ndarray, np.ndarray]:
        X = self._check_X(X)
        y = as_labels(y, "y", self.n_classes)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must hold one label per row of X ({X.shape[0]}); got {y.shape}.")
        return X, y

    def _loss_and_gradients(self, X: np.ndarray, y: np.ndarray, l2: float):
        n = X.shape[0]
        hs, acts = self._forward(X)
        logits = acts[-1]
        rows = np.arange(n)
        log_p = _log_softmax(logits)  # (N, C)
        loss = _mean_nll(log_p, y)
        if l2:
            loss += 0.5 * l2 * sum(float((W * W).sum()) for W in self.weights)
        delta = np.exp(log_p)  # p
        delta[rows, y] -= 1.0  # p - T
        delta /= n  # ∂L/∂z for the mean over N points, (N, C)
        grads = []
        for k in range(len(self.weights) - 1, -1, -1):
            W = self.weights[k]
            dW = acts[k].T @ delta  # (fan_in, N) @ (N, fan_out) -> (fan_in, fan_out)
            if l2:
                dW += l2 * W
            grads.append((dW, delta.sum(axis=0)))
            if k:
                delta = delta @ W.T  # (N, fan_out) @ (fan_out, fan_in) -> (N, fan_in)
                delta *= self._act_grad(hs[k - 1], acts[k])  # in place
        grads.reverse()
        return float(loss), grads

    def train_step(self, X, y, lr: float, l2: float = 0.0) -> float:
        """One SGD step on this batch, ``θ ← θ - lr · ∂L/∂θ``; returns L before the update."""
        lr = _non_negative(lr, "lr")
        loss, grads = self.loss_and_gradients(X, y, l2)
        self._sgd_update(grads, lr)
        return loss

    def _sgd_update(self, grads, lr: float) -> None:
        for W, b, (dW, db) in zip(self.weights, self.biases, grads, strict=True):
            W -= lr * dW  # in place: the net owns its parameters
            b -= lr * db

    def train_epoch(self, X, y, lr: float, batch_size: int, l2: float = 0.0, rng=None) -> float:
        """One pass over (X, y) in shuffled mini-batches; returns the mean of the batch losses.

        ``rng`` (a ``numpy.random.Generator``) shuffles the points; None keeps their order.
        """
        X, y = self._check_batch(X, y)
        lr, l2 = _non_negative(lr, "lr"), _non_negative(l2, "l2")
        order = rng.permutation(len(X)) if rng is not None else np.arange(len(X))
        batch_size = max(1, int(batch_size))
        losses = []
        for start in range(0, len(X), batch_size):
            idx = order[start : start + batch_size]
            loss, grads = self._loss_and_gradients(X[idx], y[idx], l2)
            self._sgd_update(grads, lr)
            losses.append(loss)
        return float(np.mean(losses))
