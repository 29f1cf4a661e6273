"""Every page's controls that a classroom link can hide, by page: the registry, as data.

``?hide=t,table`` names controls from here. A :class:`Control` covers widget keys (a key
ending in ``*`` is a prefix); tests/ui/test_classroom.py checks that every key named here
is still a key in that page's source, and that the README's table of names matches.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Control:
    """A control a teacher can hide: its name in ``?hide=``, what it is, the widgets it covers.

    ``keys`` are widget (or container) keys; a key ending in ``*`` covers every key that
    starts with the text before it (``z_*``: z_0, z_1, …). ``holder`` also hides the
    expander or the column that holds them, so no empty box or gap is left.
    """

    name: str
    label: str
    keys: tuple[str, ...]
    holder: Literal["", "expander", "column"] = ""

    def selectors(self) -> list[str]:
        """The CSS selectors of the elements hiding this control hides."""
        found = [key_selector(key) for key in self.keys]
        if self.holder:
            test_id = {"expander": "stExpander", "column": "stColumn"}[self.holder]
            found += [f'[data-testid="{test_id}"]:has({s})' for s in found]
        return found


def key_selector(key: str) -> str:
    """The CSS selector of the element Streamlit draws for widget ``key`` (``*``: a prefix)."""
    if key.endswith("*"):
        return f'[class*="st-key-{key[:-1]}"]'
    return f".st-key-{key}"


SIDEBAR_SELECTORS = (
    '[data-testid="stSidebar"]',
    '[data-testid="stSidebarCollapsedControl"]',
    '[data-testid="stExpandSidebarButton"]',
)

# The sidebar: hideable on every page (students stay on the exercise: no menu, no builder).
SIDEBAR = Control("sidebar", "the sidebar: menu, copy link, this builder", ())


# Each page's controls, by url path, in the order the page shows them.
CONTROLS: dict[str, tuple[Control, ...]] = {
    "overview": (Control("links", "the links to the other pages", ("ov_links",)),),
    "binary": (
        Control("p", "slider p (predicted probability)", ("p",)),
        Control("t", "slider t (target)", ("t",)),
        Control("scale", "loss axis: linear or log", ("yscale",)),
        Control("logits", "logits-mode switch of the table", ("logits",)),
        Control("table", "the table editor and its reset", ("bce_table_*", "bce_reset")),
        Control(
            "csv",
            "Download CSV and Upload a CSV",
            ("bce_download", "bce_upload"),
            holder="expander",
        ),
    ),
    "categorical": (
        Control("mode", "probabilities or logits", ("input",)),
        Control("smoothing", "label smoothing ε", ("smoothing",)),
        Control("weights", "class weights", ("cat_w_*",), holder="expander"),
        Control(
            "classes",
            "rename, add, remove classes",
            ("cat_name_*", "cat_add_class", "cat_remove_which", "cat_remove_class"),
            holder="expander",
        ),
        Control(
            "table",
            "the table editor, normalise, reset",
            ("cat_table", "cat_normalise", "cat_reset"),
        ),
        Control(
            "csv",
            "Download CSV and Upload a CSV",
            ("cat_download", "cat_upload"),
            holder="expander",
        ),
        Control("row", "the row picked for a close look", ("row",)),
    ),
    "softmax": (
        Control("classes", "number of classes C", ("n_classes",)),
        Control("temperature", "temperature τ", ("tau",)),
        Control("logits", "the logit sliders z", ("z_*",)),
        Control("target", "target class k", ("target",)),
    ),
    "backprop": (
        Control("network", "classic or your Live training network", ("bp_net",)),
        Control("data", "the classic network's data set", ("bp_data",)),
        Control("head", "softmax or one sigmoid per class", ("bp_head",)),
        Control("decay", "weight decay λ", ("bp_l2",)),
        Control(
            "batch",
            "the batch: N, seed, New batch, the point",
            ("bp_batch", "bp_n", "bp_seed", "bp_new", "bp_point"),
        ),
        Control("weight", "the output unit j and input unit i", ("bp_j", "bp_i")),
        Control("rate", "the step size η", ("bp_lr",)),
        Control("row", "the batch row of the Jacobians", ("bp_row",)),
        Control(
            "fading", "activation and depth of the fading chart", ("bp_fade_act", "bp_fade_depth")
        ),
    ),
    "training": (
        Control("play", "Play/Pause, Step, Reset", ("tr_play", "tr_step", "tr_reset")),
        Control("preset", "the classic-network button", ("tr_preset",)),
        Control("speed", "epochs per frame", ("tr_speed",)),
        Control(
            "settings", "the Data, Network and Training tabs", ("tr_settings",), holder="column"
        ),
        Control("features", "input features and the circle preset", ("tr_features", "tr_circle")),
        Control("init", "initialisation", ("tr_init",)),
        Control("optimizer", "optimiser", ("tr_opt",)),
        Control("l1", "L1 strength", ("tr_l1",)),
        Control(
            "race", "the race and its copy's settings", ("tr_race", "tr_race_opt", "tr_race_lr")
        ),
        Control("testpoints", "show-the-test-points box", ("tr_show_test",)),
        Control("view", "confidence or class colours", ("tr_view",)),
        Control("logscale", "log-scale loss axis", ("tr_log",)),
        Control("inspect", "the Inspect-this-network button", ("tr_inspect",)),
        Control("edit", "editing the network: clicks, -/+ and the editor", ("tr_edit_open",)),
        Control("calibration", "the calibration section", ("tr_calibration_open",)),
        Control("export", "the export-and-share section", ("tr_export_open",)),
    ),
    "versus": (
        Control("z", "slider z (the neuron's logit)", ("vs_z",)),
        Control("start", "the race's starting weight and bias", ("vs_w0", "vs_b0")),
        Control("rate", "the race's learning rate η", ("vs_lr",)),
        Control("steps", "the race's number of steps", ("vs_steps",)),
    ),
    "information": (
        Control(
            "table",
            "the table editor, normalise, reset",
            ("info_table", "info_normalise", "info_reset"),
        ),
        Control(
            "presets",
            "one-hot t, p = t, uniform p",
            ("info_one_hot", "info_p_is_t", "info_uniform"),
        ),
        Control("unit", "nats or bits", ("info_unit",)),
        Control("csv", "Download CSV", ("info_download",)),
    ),
    "smoothing": (
        Control("classes", "number of classes C", ("ls_classes",)),
        Control("epsilon", "the ε values", ("ls_eps",)),
        Control("logits", "the logits z", ("ls_z",)),
        Control("temperature", "temperature τ", ("ls_tau",)),
        Control("target", "target class", ("ls_target",)),
    ),
    "gradcheck": (
        Control("loss", "which loss", ("gc_loss",)),
        Control("inputs", "random or typed inputs", ("gc_src",)),
        Control("seed", "the random seed and New random inputs", ("gc_seed", "gc_new")),
        Control("step", "step h", ("gc_h",)),
        Control("integers", "the integer-inputs switch", ("gc_int",)),
        Control("table", "the typed table and its reset", ("gc_table_*", "gc_reset")),
        Control("csv", "Download CSV of the results", ("gc_download",)),
    ),
}


def controls(page: str) -> tuple[Control, ...]:
    """The controls ``?hide=`` can name on ``page`` (its url path): the page's and the sidebar."""
    return (*CONTROLS.get(page, ()), SIDEBAR)
