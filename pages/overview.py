"""Overview: what cross-entropy is, where each page goes, and the article's worked results.

Every number on this page is computed live by xent_core from the article's data
(xent_core.article: "Cross-Entropy Loss: Make Predictions with Confidence", Bala Priya C).
"""

import streamlit as st

import xent_core
from deep_links import ensure_router
from ui.text.numbers import full, short
from ui.widgets import url_state

ensure_router()  # first: a cold shared link is handed to app.py (docs/deep-links.md)

# The article's worked tables live in xent_core.article (data, not math).
BCE_T = tuple(float(t) for t in xent_core.ARTICLE_BINARY_T)
BCE_P = xent_core.ARTICLE_BINARY_P
CONFIDENT_MISTAKES = xent_core.ARTICLE_BINARY_CONFIDENT_MISTAKES  # p = 0.85 for a 0, 0.17 for a 1
OTHER_ROWS = tuple(i for i in range(len(BCE_T)) if i not in CONFIDENT_MISTAKES)
CAT_LABELS = xent_core.ARTICLE_CATEGORICAL_LABELS
CAT_P = xent_core.ARTICLE_CATEGORICAL_P
Z_EXAMPLE = (2.0, 3.0, 4.0)
P_SATURATED = 0.01  # a sigmoid neuron that is confidently wrong about a positive


def _rows(values, rows):
    return [values[i] for i in rows]


def vector(values, digits: int = 4) -> str:
    """``[0.09, 0.2447, …]`` with ``digits`` significant digits."""
    return "[" + ", ".join(short(v, digits) for v in values) + "]"


# ---------------------------------------------------------------- numbers, all from xent_core
bce_sum = xent_core.binary_cross_entropy(BCE_T, BCE_P, reduction="sum")
bce_mean = xent_core.binary_cross_entropy(BCE_T, BCE_P, reduction="mean")
bce_rows = xent_core.binary_cross_entropy(BCE_T, BCE_P, reduction="none")
rest_sum = xent_core.binary_cross_entropy(
    _rows(BCE_T, OTHER_ROWS), _rows(BCE_P, OTHER_ROWS), reduction="sum"
)
cat_sum = xent_core.categorical_cross_entropy(CAT_LABELS, CAT_P, reduction="sum")
cat_mean = xent_core.categorical_cross_entropy(CAT_LABELS, CAT_P, reduction="mean")
right = xent_core.binary_cross_entropy(1.0, 0.91, reduction="sum")
zero_elsewhere = xent_core.categorical_cross_entropy([0, 1, 0], [0.0, 0.5, 0.5], reduction="sum")
zero_on_target = xent_core.categorical_cross_entropy([0, 1, 0], [0.5, 0.0, 0.5], reduction="sum")
p_example = xent_core.softmax(Z_EXAMPLE)
grad_example = xent_core.softmax_cross_entropy_grad(0, Z_EXAMPLE, reduction="sum")[0]
grad_numeric = xent_core.numerical_gradient(
    lambda z: xent_core.softmax_cross_entropy(0, z, reduction="sum"), Z_EXAMPLE
)
z_saturated = xent_core.logit([P_SATURATED])
ce_slope = xent_core.binary_cross_entropy_with_logits_grad([1.0], z_saturated, reduction="sum")
se_slope = xent_core.numerical_gradient(
    lambda z: xent_core.squared_error([1.0], xent_core.sigmoid(z), reduction="sum"), z_saturated
)

# ---------------------------------------------------------------- what it is
st.title("Cross-entropy, seen")
url_state.show_notes()  # e.g. a classroom link naming a control this page does not have
intro, formula = st.columns([3, 2], gap="large")
with intro:
    st.markdown(
        f"""
A classifier does not just answer, it says **how sure** it is: “cat, with probability
0.91”. Cross-entropy scores that answer by the probability it gave to what actually
happened — its *surprise*, $-\\log p$. A confident right answer costs almost nothing
({short(right, 3)} for p = 0.91), a hesitant one costs a little, a confident wrong one costs
a lot, and a certain wrong one costs infinitely much.

Added up (or averaged) over the data, that surprise is the loss a classifier is trained to
make small. Its gradient is remarkably simple — the predicted minus the true probabilities,
**p − t** — so every mistake pushes the model back in proportion to how wrong it was.
These pages let you move every piece and watch the numbers change.
"""
    )
with formula:
    st.markdown("**Binary** (one probability p that the answer is 1):")
    # two lines: on one it broke after the + at 820-1024 px
    st.latex(r"\begin{aligned} L(t, p) = &-t \log p \\ &-(1 - t) \log(1 - p) \end{aligned}")
    st.markdown("**Categorical** (a probability $p_j$ for each class $j$):")
    st.latex(r"L(t, p) = -\sum_j t_j \log p_j")
    st.markdown("With a one-hot target on the true class $k$ this is just $-\\log p_k$.")
    st.caption("Natural logarithms throughout, so losses are in nats.")

# ---------------------------------------------------------------- the pages
st.divider()
links = st.container(key="ov_links")  # ?hide=links (ui/classroom.py)
links.header("Explore")
PAGES = [
    (
        "pages/binary.py",
        "Binary cross-entropy",
        ":material/balance:",
        "the curves −log p and −log(1 − p), a slider for p, and the article's seven "
        "predictions in a table you can edit.",
    ),
    (
        "pages/categorical.py",
        "Categorical cross-entropy",
        ":material/category:",
        "several classes at once: an editable probability table with class weights, "
        "label smoothing and the gradient p − t of any row.",
    ),
    (
        "pages/softmax.py",
        "Softmax & its Jacobian",
        ":material/grid_on:",
        "how logits become probabilities, the matrix ∂p/∂z, and why the gradient "
        "through it comes out as p − t.",
    ),
    (
        "pages/backprop.py",
        "Backpropagation",
        ":material/account_tree:",
        "one batch followed from the input to every weight's gradient, each array a heatmap, "
        "each gradient checked numerically.",
    ),
    (
        "pages/training.py",
        "Live training",
        ":material/trending_down:",
        "a small network learning to separate points, its loss falling as you watch.",
    ),
    (
        "pages/versus.py",
        "Cross-entropy vs squared error",
        ":material/compare_arrows:",
        "why a confidently wrong neuron learns fast with cross-entropy and stalls with "
        "squared error, and a race between the two.",
    ),
    (
        "pages/information.py",
        "Entropy, cross-entropy & KL",
        ":material/stacked_bar_chart:",
        "two distributions you edit, and H(t, p) = H(t) + KL(t ‖ p) checked digit by digit.",
    ),
    (
        "pages/smoothing.py",
        "Label smoothing & temperature",
        ":material/blur_on:",
        "how ε moves the best prediction away from 1, and how τ flattens or sharpens softmax.",
    ),
    (
        "pages/gradcheck.py",
        "Gradient check",
        ":material/rule:",
        "every analytic gradient against central differences, and the integer-input pitfall.",
    ),
]
for path, label, icon, what in PAGES:
    # [1, 2]: at 1024 px (menu open) a quarter of the width was ~130 px, under "Backpropagation"
    link, text = links.columns([1, 2], vertical_alignment="center")
    with link:
        st.page_link(path, label=label, icon=icon)
    with text:
        st.markdown(what)

# ---------------------------------------------------------------- the article's results
st.divider()
st.header("What the article shows — computed live")
st.markdown(
    f"The worked examples of *“{xent_core.ARTICLE_TITLE}”* by {xent_core.ARTICLE_AUTHOR}, "
    "recomputed here. Numbers show every digit of **float64**, the 64-bit numbers computers "
    "calculate with (about 16 significant digits), so you can check them against any other tool."
)
m1, m2 = st.columns(2)
m1.metric(
    "Binary table: sum of the 7 losses",
    full(bce_sum),
    help=f"Mean over the 7 rows: {full(bce_mean)}",
    border=True,
)
m2.metric(
    "Categorical table: sum of the 4 losses",
    full(cat_sum),
    help=f"Mean over the 4 rows: {full(cat_mean)}",
    border=True,
)
st.caption(
    f"Sums, as the article reports them; most frameworks report the mean instead "
    f"({short(bce_mean, 6)} and {short(cat_mean, 6)})."
)

mistake_a, mistake_b = (bce_rows[i] for i in CONFIDENT_MISTAKES)
st.markdown(
    f"""
- **Confident mistakes cost the most.** In the binary table, p = 0.85 for a negative and
  p = 0.17 for a positive cost {short(mistake_a, 4)} and {short(mistake_b, 4)} nats — more
  than the other five rows together ({short(rest_sum, 4)}).
- **0 · log 0 = 0.** A class the target rules out may get probability 0 at no cost:
  t = [0, 1, 0], p = [0, 0.5, 0.5] gives {short(zero_elsewhere, 4)} (= log 2). Probability 0
  on the *true* class gives {full(zero_on_target)}.
- **Softmax turns logits into probabilities.** softmax([2, 3, 4]) =
  [{", ".join(full(v) for v in p_example)}]; subtracting max(z) first keeps it finite for
  any logits.
- **The gradient is p − t.** With softmax and cross-entropy together, ∂L/∂z = p − t: for
  z = [2, 3, 4] and true class 0 it is {vector(grad_example)} — the chain rule through the
  softmax Jacobian gives exactly this.
- **Cross-entropy beats squared error for learning.** A sigmoid neuron that says
  p = {P_SATURATED:g} when the answer is 1 gets a logit gradient of {short(ce_slope[0], 3)}
  from cross-entropy but only {short(se_slope[0], 3)} from squared error, whose factor
  σ′(z) ≤ 0.25 vanishes when the neuron is saturated.
- **Check gradients numerically.** Central differences (f(x + h) − f(x − h)) / 2h with
  h = 1e−5 give {vector(grad_numeric, 10)}, matching p − t above to about 10 digits —
  provided x is a float array (with integer inputs the step h is lost and the check
  fails: see *Gradient check*).
- **A small network learns with it.** The classic 16-unit numpy network — one hidden layer
  of 16 units and a softmax output over 3 classes — is trained by backpropagation starting
  from p − t at the output: see *Live training*.
"""
)
