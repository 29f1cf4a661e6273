"""What a student takes away from Live training: the .npz network, the CSV data, the link."""

from __future__ import annotations

import io
import re
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

import xent_core
from ui.files.points import parse_points_csv
from ui.files.training_export import (
    SNIPPET_POINT,
    config_link,
    file_stem,
    link_query,
    points_csv,
    usage_snippet,
    weights_npz,
)
from ui.model import params
from ui.model.training import Setup, Training


@pytest.fixture(name="run")
def trained_run() -> Training:
    run = Training.start(Setup(dataset="blobs", n_classes=3, hidden=(6, 5), noise=0.3))
    run.train(3, lr=0.1, batch_size=10, l2=0.0)
    return run


def load(data: bytes):
    return np.load(io.BytesIO(data))  # allow_pickle=False: plain arrays only


def test_the_npz_holds_every_layer_and_how_to_use_it(run):
    """W0, b0, W1, b1, W2, b2 equal to the net's, plus sizes, activation, classes, epoch."""
    data = load(weights_npz(run.net, epoch=run.epoch, class_names=run.class_names))
    assert set(data.files) == {
        *(f"{kind}{k}" for kind in "Wb" for k in range(3)),
        "sizes",
        "activation",
        "features",
        "class_names",
        "input_center",
        "input_scale",
        "epoch",
        "README",
    }
    for k, (W, b) in enumerate(zip(run.net.weights, run.net.biases, strict=True)):
        np.testing.assert_array_equal(data[f"W{k}"], W)
        np.testing.assert_array_equal(data[f"b{k}"], b)
    assert data["W0"].shape == (2, 6) and data["b2"].shape == (3,)
    assert list(data["sizes"]) == [2, 6, 5, 3]
    assert str(data["activation"]) == "tanh"
    assert list(data["features"]) == ["x1", "x2"]
    assert list(data["class_names"]) == ["0", "1", "2"]
    assert int(data["epoch"]) == 3
    assert "softmax" in str(data["README"])


FEATURE_SETS = [
    ("x1^2", "x2^2"),
    ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"),
    ("sin(x2)", "x1*x2", "x1"),
]


@pytest.mark.parametrize("features", FEATURE_SETS)
def test_the_npz_records_the_input_features_the_network_was_trained_on(features):
    """Trained on features, exported, read back: the file names them in order, and they
    computed from the points and fed to the file's layers give the run's probabilities."""
    run = Training.start(Setup(dataset="circle", hidden=(3,), features=features))
    run.train(2, lr=0.1, batch_size=10, l2=0.0)
    data = load(
        weights_npz(
            run.net, epoch=run.epoch, class_names=run.class_names, features=run.setup.features
        )
    )
    assert data["features"].dtype.kind == "U"  # text: np.load needs no allow_pickle
    names = [str(name) for name in data["features"]]
    assert names == list(features)
    assert data["W0"].shape == (len(features), 3) and int(data["sizes"][0]) == len(features)
    h = xent_core.features(run.X_test, names)  # (N, len(features))
    h = np.tanh(h @ data["W0"] + data["b0"])
    z = h @ data["W1"] + data["b1"]
    np.testing.assert_allclose(xent_core.softmax(z), run.net.predict_proba(run.F_test), rtol=1e-13)


@pytest.mark.parametrize(
    "features, match",
    [
        (("x1", "x2"), r"2 features \(x1, x2\) for a network of 4 inputs: give the features"),
        (("x1", "x2", "x1^2", "x3"), r"features x3 unknown: choose from x1, x2, x1\^2"),
    ],
)
def test_features_that_cannot_be_the_networks_inputs_are_refused(features, match):
    net = xent_core.MLP([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match=match):
        weights_npz(net, epoch=0, class_names=["a", "b"], features=features)


def test_the_npz_is_a_copy_not_a_view_of_the_live_weights(run):
    """Training on after the download does not change what was downloaded."""
    data = weights_npz(run.net, epoch=run.epoch, class_names=run.class_names)
    before = load(data)["W0"].copy()
    run.train(2, lr=0.5, batch_size=5, l2=0.0)
    np.testing.assert_array_equal(load(data)["W0"], before)


@pytest.mark.parametrize("features", [("x1", "x2"), *FEATURE_SETS])
@pytest.mark.parametrize("activation", list(xent_core.ACTIVATIONS))
def test_the_shown_numpy_code_reproduces_the_networks_probabilities(activation, features):
    """Run the page's snippet on the downloaded file: it computes the file's features of the
    placed point, and p equals MLP.predict_proba of those features to 1e-13."""
    net = xent_core.MLP([len(features), 4, 3, 2], activation=activation, seed=3)
    raw = np.array(SNIPPET_POINT)
    center, scale = (10.0, 1.0), 0.5
    path = "net.npz"
    files = {path: weights_npz(net, epoch=7, class_names=["a", "b"], input_center=center,
                               input_scale=scale, features=features)}  # fmt: skip
    namespace = {"np": _NumpyReadingFrom(files)}
    exec(usage_snippet(path, activation).replace("import numpy as np\n", ""), namespace)
    placed = ((raw - center) * scale)[None, :]  # (1, 2)
    expected = net.predict_proba(xent_core.features(placed, features))[0]
    np.testing.assert_allclose(namespace["p"], expected, rtol=1e-13)


class _NumpyReadingFrom:
    """numpy, except that ``load(name)`` reads from an in-memory file."""

    def __init__(self, files: dict[str, bytes]) -> None:
        self._files = files

    def load(self, name: str):
        return load(self._files[name])

    def __getattr__(self, name: str):
        return getattr(np, name)


def test_the_data_csv_has_every_point_and_digit_and_uploads_back(run):
    """x1,x2,label,split rows, train then test; reading it back gives the same points."""
    text = points_csv(
        X_train=run.X_train,
        y_train=run.y_train,
        X_test=run.X_test,
        y_test=run.y_test,
        class_names=run.class_names,
    )
    lines = text.splitlines()
    assert lines[0] == "x1,x2,label,split"
    assert len(lines) == 1 + len(run.X_train) + len(run.X_test)
    assert lines[1].endswith(",train") and lines[-1].endswith(",test")
    x1, x2, label, _ = lines[1].split(",")
    assert float(x1) == run.X_train[0, 0] and float(x2) == run.X_train[0, 1]  # every digit
    assert int(label) == run.y_train[0]
    back = parse_points_csv(text.encode())
    np.testing.assert_array_equal(back.raw, np.vstack([run.X_train, run.X_test]))
    np.testing.assert_array_equal(back.y, np.concatenate([run.y_train, run.y_test]))
    assert back.ignored_columns == ("split",)


def test_file_labels_are_written_as_named_quoted_when_needed_and_never_as_formulas():
    """'a, b' is quoted; '=cmd' becomes ''=cmd' so a spreadsheet shows it; -1 stays -1."""
    X = np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])
    text = points_csv(
        X_train=X,
        y_train=np.array([0, 1, 2]),
        X_test=X[:1],
        y_test=np.array([2]),
        class_names=["a, b", "=cmd|' /C calc'!A0", "-1"],
    )
    rows = text.splitlines()[1:]
    assert rows[0] == '0.0,1.0,"a, b",train'
    assert rows[1] == "1.0,0.0,'=cmd|' /C calc'!A0,train"
    assert rows[2] == "0.5,0.5,-1,train"


def test_the_link_names_only_the_settings_away_from_their_default():
    """Defaults are left out; values are written as the URL writes them."""
    settings = [
        params.Param("tr_data", "circle", params.choice(("circle", "xor"))),
        params.Param("tr_noise", 0.1, params.number(0, 1), lambda v: f"{v:g}"),
        params.Param("tr_log", False, params.boolean, params.format_bool),
    ]
    values = {"tr_data": "xor", "tr_noise": 0.1, "tr_log": True, "unrelated": 3}
    assert link_query(settings, values) == {"tr_data": "xor", "tr_log": "1"}
    assert link_query(settings, {"tr_data": "circle"}) == {}


def test_the_link_is_the_page_address_with_the_settings():
    """The browser's address without its old query, plus the settings; relative without it."""
    query = {"tr_data": "xor", "tr_lr": "0.1"}
    url = config_link("https://xent.example/training?tr_data=circle", query, path="training")
    assert url == "https://xent.example/training?tr_data=xor&tr_lr=0.1"
    parts = urlsplit(url)
    assert parse_qs(parts.query) == {"tr_data": ["xor"], "tr_lr": ["0.1"]}
    assert config_link(None, query, path="training") == "/training?tr_data=xor&tr_lr=0.1"
    assert config_link("http://h:1/training", {}, path="training") == "http://h:1/training"
    assert config_link(None, {"k": "a b&c"}, path="/x/") == "/x?k=a+b%26c"


def test_a_download_is_named_after_data_network_and_epoch():
    """xent-circle-2-8-4-2-epoch-120; odd dataset names become a safe slug."""
    assert file_stem(dataset="circle", sizes=[2, 8, 4, 2], epoch=120) == (
        "xent-circle-2-8-4-2-epoch-120"
    )
    stem = file_stem(dataset="Upload ../x", sizes=[2, 2], epoch=0)
    assert re.fullmatch(r"[a-z0-9-]+", stem) and stem == "xent-upload-x-2-2-epoch-0"
