"""xent_core — the cross-entropy math of xent, in numpy, exact to float64.

Conventions: target first, prediction second (``L(t, p)``), natural logarithms,
``reduction`` one of ``"mean"`` (default), ``"sum"``, ``"none"``. Inputs are never mutated.
"""

from .activations import (
    log_sigmoid,
    log_softmax,
    logit,
    sigmoid,
    softmax,
    softmax_jacobian,
    softplus,
)
from .binary import (
    binary_cross_entropy,
    binary_cross_entropy_grad,
    binary_cross_entropy_with_logits,
    binary_cross_entropy_with_logits_grad,
)
from .calibration import (
    EceCurve,
    TemperatureFit,
    calibrated_probabilities,
    ece_by_temperature,
    temperature_scale,
)
from .categorical import (
    categorical_cross_entropy,
    categorical_cross_entropy_grad,
    normalize_rows,
    one_hot,
    smoothed_targets,
    softmax_cross_entropy,
    softmax_cross_entropy_grad,
    softmax_cross_entropy_grad_from_probabilities,
)
from .datasets import DATASETS, MULTICLASS, grid, make_dataset, train_test_split
from .gradient_check import (
    GradientCase,
    GradientCheck,
    as_whole_numbers,
    check_gradient,
    naive_numerical_gradient,
    numerical_gradient,
    random_case,
    relative_error,
    step_sweep,
)
from .information import (
    Decomposition,
    cross_entropy,
    decomposition,
    entropy,
    kl_divergence,
    spread_distribution,
)
from .jacobian import (
    ChainRule,
    JacobianProperties,
    chain_rule,
    jacobian_properties,
    softmax_chain_rule,
)
from .metrics import Reliability, accuracy, expected_calibration_error, reliability_bins
from .mlp import ACTIVATIONS, MLP
from .neuron import (
    LOSSES,
    NeuronHistory,
    sigmoid_derivative,
    squared_error_with_logits,
    squared_error_with_logits_grad,
    steps_to_within,
    train_neuron,
)
from .squared import squared_error, squared_error_grad

__all__ = [
    "EceCurve",
    "TemperatureFit",
    "calibrated_probabilities",
    "ece_by_temperature",
    "temperature_scale",
    "GradientCase",
    "GradientCheck",
    "as_whole_numbers",
    "check_gradient",
    "naive_numerical_gradient",
    "random_case",
    "relative_error",
    "step_sweep",
    "Decomposition",
    "cross_entropy",
    "decomposition",
    "entropy",
    "kl_divergence",
    "spread_distribution",
    "LOSSES",
    "NeuronHistory",
    "sigmoid_derivative",
    "squared_error_with_logits",
    "squared_error_with_logits_grad",
    "steps_to_within",
    "train_neuron",
    "ChainRule",
    "JacobianProperties",
    "chain_rule",
    "jacobian_properties",
    "softmax_chain_rule",
    "ACTIVATIONS",
    "DATASETS",
    "MLP",
    "MULTICLASS",
    "Reliability",
    "accuracy",
    "binary_cross_entropy",
    "binary_cross_entropy_grad",
    "binary_cross_entropy_with_logits",
    "binary_cross_entropy_with_logits_grad",
    "categorical_cross_entropy",
    "categorical_cross_entropy_grad",
    "expected_calibration_error",
    "grid",
    "log_sigmoid",
    "log_softmax",
    "logit",
    "make_dataset",
    "normalize_rows",
    "numerical_gradient",
    "one_hot",
    "reliability_bins",
    "sigmoid",
    "softmax",
    "softmax_cross_entropy",
    "softmax_cross_entropy_grad",
    "softmax_cross_entropy_grad_from_probabilities",
    "smoothed_targets",
    "softmax_jacobian",
    "softplus",
    "squared_error",
    "squared_error_grad",
    "train_test_split",
]
