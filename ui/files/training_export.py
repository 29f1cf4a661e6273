"""What the Live training page lets a student take away: the network, the data, the link.

Pure Python (no Streamlit): bytes and text for ``st.download_button`` and the URL of the
page's current settings, each a function of its inputs.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import numpy as np

import xent_core
from ui.model.params import Param

NPZ_README = (
    "A fully connected network from xent's Live training page. Layer k: h_k = act(h_(k-1) "
    "@ W_k + b_k), with h_0 the input features named in 'features', in that order (x1, x2, "
    "x1^2 = x1*x1, x2^2, x1*x2, sin(x1), sin(x2); sin in radians), computed from the point "
    "(x1, x2) placed in the page's plane as (x - input_center) * input_scale; the last layer "
    "is linear and gives the logits z; p = softmax(z) over the classes in class_names. act "
    "is the activation named in 'activation'; sizes lists the layer widths, inputs first "
    "(sizes[0] = len(features))."
)

# How the snippet computes each feature from the point (x1, x2): xent_core.features' formulas.
_FEATURE_CODE = {
    "x1": "x1",
    "x2": "x2",
    "x1^2": "x1 * x1",
    "x2^2": "x2 * x2",
    "x1*x2": "x1 * x2",
    "sin(x1)": "np.sin(x1)",
    "sin(x2)": "np.sin(x2)",
}


def _check_features(features: Sequence[str], n_inputs: int) -> list[str]:
    """The feature names as a list: each one of xent_core.FEATURES, one per network input."""
    names = [str(name) for name in features]
    unknown = [name for name in names if name not in xent_core.FEATURES]
    if unknown:
        raise ValueError(
            f"features {', '.join(unknown)} unknown: choose from {', '.join(xent_core.FEATURES)}."
        )
    if len(names) != n_inputs:
        raise ValueError(
            f"{len(names)} features ({', '.join(names)}) for a network of {n_inputs} inputs: "
            "give the features it was trained on, one per input."
        )
    return names


def weights_npz(
    net: xent_core.MLP,
    *,
    epoch: int,
    class_names: Sequence[str],
    input_center: tuple[float, float] = (0.0, 0.0),
    input_scale: float = 1.0,
    features: Sequence[str] = ("x1", "x2"),
) -> bytes:
    """The network as a ``.npz``: ``W0, b0, W1, b1, …``, ``sizes``, ``activation``, and how to
    use it (``features``, ``class_names``, ``input_center``, ``input_scale``, ``epoch``,
    ``README``).

    ``features`` names the network's inputs in order (from ``xent_core.FEATURES``), the
    columns of ``xent_core.features(X, features)`` it was trained on; there must be one per
    input (``net.sizes[0]``), or a ``ValueError`` says so. Every array is numeric or text,
    so ``np.load(file)`` reads it without ``allow_pickle``.
    """
    names = _check_features(features, net.sizes[0])
    arrays: dict[str, np.ndarray] = {}
    for k, (W, b) in enumerate(zip(net.weights, net.biases, strict=True)):
        arrays[f"W{k}"] = np.array(W, dtype=np.float64)  # (fan_in, fan_out), a copy
        arrays[f"b{k}"] = np.array(b, dtype=np.float64)  # (fan_out,)
    arrays.update(
        sizes=np.array(net.sizes, dtype=np.int64),
        activation=np.array(net.activation),
        features=np.array(names, dtype=str),
        class_names=np.array(list(class_names), dtype=str),
        input_center=np.array(input_center, dtype=np.float64),
        input_scale=np.array(input_scale, dtype=np.float64),
        epoch=np.array(epoch, dtype=np.int64),
        README=np.array(NPZ_README),
    )
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


_FORMULA_START = re.compile(r"^[=+\-@\t\r]")


def _safe_cell(text: str) -> str:
    """A label as a CSV cell that a spreadsheet will not run as a formula (``=…`` -> ``'=…``);
    numbers such as ``-1`` stay as they are."""
    try:
        float(text)
        return text
    except ValueError:
        return "'" + text if _FORMULA_START.match(text) else text


def _cell(text: str) -> str:
    """Quote a cell when it holds a comma, quote or line break (RFC 4180)."""
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def points_csv(
    *,
    X_train: np.ndarray,
    y_train: np.ndarray,
    X_test: np.ndarray,
    y_test: np.ndarray,
    class_names: Sequence[str],
) -> str:
    """The data as the page trains on it: ``x1,x2,label,split`` with every float64 digit.

    Labels are the class names; ``split`` says ``train`` or ``test``. The file uploads back
    as it is (the extra column is ignored).
    """
    lines = ["x1,x2,label,split"]
    names = [_cell(_safe_cell(str(name))) for name in class_names]
    for split, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        for (x1, x2), label in zip(np.asarray(X).tolist(), np.asarray(y).tolist(), strict=True):
            lines.append(f"{x1!r},{x2!r},{names[label]},{split}")
    return "\n".join(lines) + "\n"


def link_query(params: Sequence[Param], values: Mapping[str, Any]) -> dict[str, str]:
    """The query string of a link to these settings: the ones away from their default,
    written as :func:`ui.url_state.publish` writes them."""
    return {
        p.key: p.format(values[p.key])
        for p in params
        if p.key in values and values[p.key] != p.default
    }


def config_link(page_url: str | None, query: Mapping[str, str], *, path: str) -> str:
    """The full link: the page's address (without its old query) plus ``query``.

    ``page_url`` is what the browser shows (``st.context.url``); without it (no browser, as
    in a test) the link is relative: ``/training?...``.
    """
    if page_url:
        scheme, netloc, url_path, _, _ = urlsplit(page_url)
        base = urlunsplit((scheme, netloc, url_path, "", ""))
    else:
        base = "/" + path.strip("/")
    return base + ("?" + urlencode(query) if query else "")


def file_stem(*, dataset: str, sizes: Sequence[int], epoch: int) -> str:
    """``xent-circle-2-8-4-2-epoch-120``: a download's name says what it holds."""
    slug = re.sub(r"[^a-z0-9]+", "-", dataset.lower()).strip("-") or "data"
    return f"xent-{slug}-{'-'.join(str(s) for s in sizes)}-epoch-{epoch}"


SNIPPET_POINT = (1.5, -2.0)


def usage_snippet(file_name: str, activation: str) -> str:
    """Python that loads the ``.npz`` and computes p = softmax(z) for one point (x1, x2),
    the network's input features (the file's ``features``) included."""
    act = {
        "tanh": "np.tanh(h)",
        "relu": "np.maximum(h, 0)",
        "sigmoid": "1 / (1 + np.exp(-h))",
        "linear": "h",
    }.get(activation, "h")
    formulas = ",\n".join(
        f'    "{name}": lambda x1, x2: {code}' for name, code in _FEATURE_CODE.items()
    )
    return f"""import numpy as np

net = np.load("{file_name}")
x1, x2 = {SNIPPET_POINT[0]!r}, {SNIPPET_POINT[1]!r}  # a point, in your data's units
x1, x2 = (np.array([x1, x2]) - net["input_center"]) * net["input_scale"]
FEATURES = {{  # the network's inputs: net["features"], in that order
{formulas},
}}
h = np.array([FEATURES[name](x1, x2) for name in net["features"]])
layers = len(net["sizes"]) - 1
for k in range(layers):
    h = h @ net[f"W{{k}}"] + net[f"b{{k}}"]
    if k < layers - 1:
        h = {act}  # hidden layers: {activation}
z = h  # the logits
p = np.exp(z - z.max()) / np.exp(z - z.max()).sum()  # softmax
"""
