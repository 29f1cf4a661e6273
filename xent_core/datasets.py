"""Two-dimensional toy datasets: TensorFlow Playground's four, plus moons and blobs.

Every dataset lives in the square [-6, 6]² (Playground's), labels are 0 .. k-1 with the
classes as equal in size as n allows, rows in random order (so the first rows are a fair
training split), and the same seed gives the same data.
"""

from __future__ import annotations

import numpy as np

DATASETS = ("circle", "xor", "gaussian", "spiral", "moons", "blobs")
MULTICLASS = ("spiral", "blobs")  # the ones that take n_classes 2..5
DEFAULT_CLASSES = {"blobs": 3}
MAX_CLASSES = 5


def _class_sizes(n: int, k: int) -> list[int]:
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _circle(rng, sizes, noise):
    """Class 1 inside radius 2.5, class 0 in the ring 3.5 .. 5 (Playground's circle)."""
    parts = []
    for (r_lo, r_hi), m in zip(((3.5, 5.0), (0.0, 2.5)), sizes, strict=True):
        r = rng.uniform(r_lo, r_hi, m)
        angle = rng.uniform(0, 2 * np.pi, m)
        parts.append(np.column_stack([r * np.cos(angle), r * np.sin(angle)]))
    return parts, 5.0 * noise / 2


def _xor(rng, sizes, noise):
    """Class 1 where x·y > 0 (quadrants I and III), class 0 where x·y < 0."""
    parts = []
    for label, m in zip((0, 1), sizes, strict=True):
        xy = rng.uniform(0.3, 5.0, (m, 2)) * rng.choice([-1.0, 1.0], (m, 1))  # same sign
        if label == 0:
            xy[:, 1] *= -1.0  # opposite signs: quadrants II and IV
        parts.append(xy)
    return parts, 5.0 * noise / 2


def _gaussian(rng, sizes, noise):
    """Two round Gaussian clouds centred at (-2, -2) (class 0) and (2, 2) (class 1)."""
    std = 0.8 + 1.5 * noise
    return [rng.normal(c, std, (m, 2)) for c, m in zip((-2.0, 2.0), sizes, strict=True)], 0.0


def _spiral(rng, sizes, noise):
    """k interleaved arms r = 5 s, θ = 1.75 · 2π s + 2π c / k, s ∈ [0, 1)."""
    k = len(sizes)
    parts = []
    for c, m in enumerate(sizes):
        s = np.arange(m) / m
        r = 5.0 * s
        theta = 1.75 * 2 * np.pi * s + 2 * np.pi * c / k
        parts.append(np.column_stack([r * np.sin(theta), r * np.cos(theta)]))
    return parts, noise


def _moons(rng, sizes, noise):
    """Two interleaving half circles (scikit-learn's moons), scaled by 3 and centred."""
    top = np.linspace(0, np.pi, sizes[0])
    bottom = np.linspace(0, np.pi, sizes[1])
    parts = [
        np.column_stack([np.cos(top), np.sin(top)]),
        np.column_stack([1 - np.cos(bottom), 0.5 - np.sin(bottom)]),
    ]
    return [3.0 * (xy - [0.5, 0.25]) for xy in parts], 1.5 * noise


def _blobs(rng, sizes, noise):
    """k Gaussian clouds with centres evenly spaced on a circle of radius 3.5."""
    k = len(sizes)
    angles = 2 * np.pi * np.arange(k) / k + np.pi / 2
    centres = 3.5 * np.column_stack([np.cos(angles), np.sin(angles)])
    std = 0.7 + 1.5 * noise
    return [rng.normal(c, std, (m, 2)) for c, m in zip(centres, sizes, strict=True)], 0.0


_GENERATORS = {
    "circle": _circle,
    "xor": _xor,
    "gaussian": _gaussian,
    "spiral": _spiral,
    "moons": _moons,
    "blobs": _blobs,
}


def make_dataset(
    name: str,
    n: int = 200,
    noise: float = 0.0,
    seed: int = 0,
    n_classes: int | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Points X (n, 2) float64 and labels y (n,) int of a named 2-D dataset.

    Parameters
    ----------
    name : one of ``"circle"``, ``"xor"``, ``"gaussian"``, ``"spiral"``, ``"moons"``,
        ``"blobs"``
    n : number of points, ≥ the number of classes
    noise : in [0, 1]; 0 is the clean shape, 1 blurs the classes into each other
        (Gaussian jitter, or wider clouds for gaussian/blobs)
    seed : the random seed; the same arguments always give the same data
    n_classes : 2 for circle, xor, gaussian and moons; 2..5 for spiral (default 2) and
        blobs (default 3)

    Returns
    -------
    (X, y): X (n, 2) float64 within about [-6, 6]², y (n,) int in 0 .. k-1, rows shuffled.
    """
    if name not in _GENERATORS:
        raise ValueError(f"name must be one of {', '.join(DATASETS)}; got {name!r}.")
    k = DEFAULT_CLASSES.get(name, 2) if n_classes is None else int(n_classes)
    if name in MULTICLASS:
        if not 2 <= k <= MAX_CLASSES:
            raise ValueError(f"n_classes for {name} must be 2 to {MAX_CLASSES}; got {n_classes!r}.")
    elif k != 2:
        raise ValueError(f"{name} has exactly 2 classes; got n_classes={n_classes!r}.")
    n = int(n)
    if n < k:
        raise ValueError(f"n = {n} is too small: need at least one point per class ({k}).")
    noise = float(noise)
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"noise must lie in [0, 1]; got {noise!r}.")
    rng = np.random.default_rng(seed)
    sizes = _class_sizes(n, k)
    parts, jitter = _GENERATORS[name](rng, sizes, noise)
    X = np.concatenate(parts)  # (n, 2)
    y = np.repeat(np.arange(k), sizes)  # (n,)
    if jitter:
        X = X + rng.normal(0.0, jitter, X.shape)
    order = rng.permutation(n)
    return np.clip(X[order], -6.0, 6.0), y[order]


def train_test_split(X, y, test_fraction: float = 0.5):
    """The first ``(1 - test_fraction)`` of the rows for training, the rest for testing.

    ``make_dataset`` shuffles its rows, so slicing is a random split. Both parts keep at
    least one point.
    """
    if not 0.0 < test_fraction < 1.0:
        raise ValueError(f"test_fraction must lie strictly between 0 and 1; got {test_fraction!r}.")
    n = len(X)
    n_train = min(max(1, round(n * (1.0 - test_fraction))), n - 1)
    return X[:n_train], y[:n_train], X[n_train:], y[n_train:]


def grid(lo: float = -6.0, hi: float = 6.0, resolution: int = 100):
    """A ``resolution × resolution`` grid over [lo, hi]²: (axis values, points (r², 2))."""
    axis = np.linspace(lo, hi, resolution)
    xx, yy = np.meshgrid(axis, axis)  # row i is y = axis[i]
    return axis, np.column_stack([xx.ravel(), yy.ravel()])
