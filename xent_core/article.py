"""The worked tables of the article xent is built around, as immutable data.

Bala Priya C, "Cross-Entropy Loss: Make Predictions with Confidence". The article works
out binary cross-entropy on 7 predictions and categorical cross-entropy on 4 predictions
over three classes, and reports the **sum** of the per-row losses (frameworks usually report
the mean). These are the inputs only: every loss shown in the app is computed from them by
xent_core. Natural logarithms throughout.

Binary table (7 rows), ``L_i = -(t_i log p_i + (1 - t_i) log(1 - p_i))``:

==  ==  =====  ===================
i   t   p      loss
==  ==  =====  ===================
0   0   0.07   0.0725706928348355
1   1   0.91   0.09431067947124129
2   1   0.74   0.3011050927839216
3   0   0.23   0.2613647641344075
4   0   0.85   1.897119984885881
5   1   0.17   1.7719568419318752
6   1   0.94   0.06187540371808753
==  ==  =====  ===================

``Σ_i L_i = 4.460303459760249``. Rows 4 and 5 are the confident mistakes.

Categorical table (4 rows, classes panda, seal, duck), ``L_i = -log p_{i, y_i}``:

==  ======  =====  =====  =====  ===================
i   target  panda  seal   duck   loss
==  ======  =====  =====  =====  ===================
0   panda   0.91   0.04   0.05   0.09431067947124129
1   seal    0.11   0.80   0.09   0.2231435513142097
2   duck    0.30   0.10   0.60   0.5108256237659907
3   panda   0.25   0.40   0.35   1.3862943611198906
==  ======  =====  =====  =====  ===================

``Σ_i L_i = 2.214574215671332``.
"""

from __future__ import annotations

ARTICLE_TITLE = "Cross-Entropy Loss: Make Predictions with Confidence"
ARTICLE_AUTHOR = "Bala Priya C"

# ------------------------------------------------------------------ binary (7 rows)
ARTICLE_BINARY_T: tuple[int, ...] = (0, 1, 1, 0, 0, 1, 1)  # (7,) targets
ARTICLE_BINARY_P: tuple[float, ...] = (0.07, 0.91, 0.74, 0.23, 0.85, 0.17, 0.94)  # (7,)
ARTICLE_BINARY_CONFIDENT_MISTAKES: tuple[int, ...] = (4, 5)  # p = 0.85 for a 0, 0.17 for a 1
ARTICLE_BINARY_SUM = 4.460303459760249  # Σ of the 7 losses, as the article reports it

# ------------------------------------------------------- categorical (4 rows, 3 classes)
ARTICLE_CATEGORICAL_CLASSES: tuple[str, ...] = ("panda", "seal", "duck")  # (C,) = (3,)
ARTICLE_CATEGORICAL_TARGETS: tuple[str, ...] = ("panda", "seal", "duck", "panda")  # (4,)
ARTICLE_CATEGORICAL_LABELS: tuple[int, ...] = (0, 1, 2, 0)  # (4,) the targets as indices
ARTICLE_CATEGORICAL_P: tuple[tuple[float, ...], ...] = (  # (4, 3), columns in class order
    (0.91, 0.04, 0.05),
    (0.11, 0.80, 0.09),
    (0.30, 0.10, 0.60),
    (0.25, 0.40, 0.35),
)
ARTICLE_CATEGORICAL_SUM = 2.214574215671332  # Σ of the 4 losses, as the article reports it
