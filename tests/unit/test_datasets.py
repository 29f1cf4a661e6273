"""make_dataset: shapes, dtypes, balance, determinism, class counts, the [-6, 6] square."""

import numpy as np
import pytest

import xent_core as xc

NAMES = ["circle", "xor", "gaussian", "spiral", "moons", "blobs"]


def test_the_names():
    assert set(NAMES) <= set(xc.DATASETS)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [2 * 3 * 5, 200, 201])
@pytest.mark.parametrize("noise", [0.0, 0.3, 1.0])
def test_shape_dtype_labels_balance_range(name, n, noise):
    X, y = xc.make_dataset(name, n=n, noise=noise, seed=1)
    k = 3 if name == "blobs" else 2  # blobs defaults to 3 classes
    assert X.shape == (n, 2) and X.dtype == np.float64
    assert y.shape == (n,) and np.issubdtype(y.dtype, np.integer)
    assert set(np.unique(y)) == set(range(k))
    counts = np.bincount(y, minlength=k)
    assert counts.max() - counts.min() <= 1
    assert np.all(np.isfinite(X))
    assert np.all((X >= -6) & (X <= 6))


@pytest.mark.parametrize("name", NAMES)
def test_default_n_is_200(name):
    X, y = xc.make_dataset(name)
    assert X.shape == (200, 2) and y.shape == (200,)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("noise", [0.0, 0.2])
def test_same_seed_same_data(name, noise):
    X1, y1 = xc.make_dataset(name, n=150, noise=noise, seed=3)
    X2, y2 = xc.make_dataset(name, n=150, noise=noise, seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)


@pytest.mark.parametrize("name", NAMES)
def test_different_seed_different_data(name):
    X1, y1 = xc.make_dataset(name, n=150, noise=0.2, seed=3)
    X2, y2 = xc.make_dataset(name, n=150, noise=0.2, seed=4)
    assert not np.array_equal(X1, X2)
    # not just another order: the sets of points differ
    assert not np.array_equal(np.sort(X1, axis=0), np.sort(X2, axis=0))


@pytest.mark.parametrize("name", NAMES)
def test_rows_are_shuffled(name):
    _, y = xc.make_dataset(name, n=200, seed=0)
    # a sorted label column would make the first rows a one-class training split
    assert np.any(np.diff(y) < 0)
    assert len(np.unique(y[:40])) >= 2


@pytest.mark.parametrize("name", ["spiral", "blobs"])
@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_n_classes(name, k):
    X, y = xc.make_dataset(name, n=100, n_classes=k, seed=0)
    assert set(np.unique(y)) == set(range(k))
    counts = np.bincount(y, minlength=k)
    assert counts.max() - counts.min() <= 1
    assert np.all((X >= -6) & (X <= 6))


@pytest.mark.parametrize("name", ["circle", "xor", "gaussian", "moons"])
def test_two_class_sets_accept_n_classes_2(name):
    X, y = xc.make_dataset(name, n=50, n_classes=2)
    assert set(np.unique(y)) == {0, 1}


def test_circle_geometry():
    X, y = xc.make_dataset("circle", n=400, noise=0.0, seed=0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r[y == 1].max() <= 2.5 + 1e-12  # inside
    assert r[y == 0].min() >= 3.5 - 1e-12  # ring


def test_xor_geometry():
    X, y = xc.make_dataset("xor", n=400, noise=0.0, seed=0)
    prod = X[:, 0] * X[:, 1]
    assert np.all(prod[y == 1] > 0) and np.all(prod[y == 0] < 0)


def test_gaussian_clouds_are_centred():
    X, y = xc.make_dataset("gaussian", n=2000, noise=0.0, seed=0)
    np.testing.assert_allclose(X[y == 0].mean(axis=0), [-2, -2], atol=0.15)
    np.testing.assert_allclose(X[y == 1].mean(axis=0), [2, 2], atol=0.15)


def test_noise_blurs():
    X0, y0 = xc.make_dataset("circle", n=400, noise=0.0, seed=0)
    X1, y1 = xc.make_dataset("circle", n=400, noise=1.0, seed=0)
    r0 = np.hypot(*X0[y0 == 1].T)
    r1 = np.hypot(*X1[y1 == 1].T)
    assert r1.max() > r0.max()


def test_train_test_split():
    X, y = xc.make_dataset("moons", n=10, seed=0)
    Xtr, ytr, Xte, yte = xc.train_test_split(X, y, 0.3)
    assert len(Xtr) == 7 and len(Xte) == 3
    np.testing.assert_array_equal(np.concatenate([Xtr, Xte]), X)
    np.testing.assert_array_equal(np.concatenate([ytr, yte]), y)


def test_grid():
    axis, pts = xc.grid(-6, 6, 5)
    np.testing.assert_array_equal(axis, np.linspace(-6, 6, 5))
    assert pts.shape == (25, 2)
    np.testing.assert_array_equal(pts[:5, 0], axis)  # first row: x varies, y = axis[0]
    np.testing.assert_array_equal(pts[:5, 1], -6.0)
