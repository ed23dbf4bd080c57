"""How sure is each slice's multi-class number: accuracy, macro / weighted F1 and log loss, per slice.

- accuracy is a proportion of correct rows: Wilson;
- F1 depends on the rows only through the slice's confusion matrix, so resampling the slice's n rows is one
  multinomial draw over its cells (the binary trick, with ``(classes + 1) × classes`` cells: the extra row
  holds labels the model does not know, which are errors); each resample's F1 is sklearn's default, averaged
  over the classes present in that resample's labels or predictions;
- log loss is a mean over rows: the row bootstrap of :mod:`~wit_tui.engine.metrics.row_bootstrap`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.metrics.intervals import wilson
from wit_tui.engine.metrics.row_bootstrap import mean_loss_intervals
from wit_tui.engine.metrics.slice_intervals import IntervalOptions, Intervals, percentile


def class_codes(values: np.ndarray, classes: Sequence[Any]) -> np.ndarray:
    """Each value's position in ``classes``, ``len(classes)`` for a value the model does not know."""
    lookup = pd.Index(list(classes))
    codes = lookup.get_indexer(pd.Index(np.asarray(values, dtype=object)))
    return np.where(codes < 0, len(classes), codes)


def f1_of_matrices(cm: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Macro and weighted F1 of confusion matrices ``(..., classes + 1, classes)`` (true × predicted; the last
    true row is the unknown labels), over the classes present in each matrix's labels or predictions, with
    sklearn's ``zero_division=0``; NaN where no class is present."""
    known = cm[..., :-1, :]
    tp = np.diagonal(known, axis1=-2, axis2=-1)
    support = known.sum(axis=-1)
    predicted = cm.sum(axis=-2)
    den = support + predicted
    present = den > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(present, 2 * tp / np.where(present, den, 1), 0.0)
        n_present = present.sum(axis=-1)
        macro = np.where(n_present > 0, f1.sum(axis=-1) / np.maximum(n_present, 1), np.nan)
        total = support.sum(axis=-1)
        weighted = np.where(total > 0, (f1 * support).sum(axis=-1) / np.maximum(total, 1), np.nan)
    return macro, weighted


def _f1_intervals(matrices: np.ndarray, options: IntervalOptions) -> tuple[Intervals, Intervals]:
    """Each slice's F1 bootstrap from its confusion matrix (one multinomial per slice over its cells)."""
    k, rows, cols = matrices.shape
    rng = np.random.default_rng(options.seed)
    flat = matrices.reshape(k, -1)
    n = flat.sum(axis=1)
    p = np.where(n[:, None] > 0, flat / np.maximum(n, 1)[:, None], 1.0 / flat.shape[1])
    draws = rng.multinomial(n, p, size=(options.resamples, k)).reshape(options.resamples, k, rows, cols)
    macro, weighted = f1_of_matrices(draws)
    empty = n == 0
    out = []
    for values in (macro, weighted):
        low, high = percentile(values, options.level)
        out.append(Intervals(np.where(empty, np.nan, low), np.where(empty, np.nan, high), "bootstrap", options.level))
    return out[0], out[1]


def row_log_losses(y_code: np.ndarray, proba: np.ndarray) -> np.ndarray | None:
    """Each row's log loss over the model's classes as sklearn's ``log_loss`` averages it (the probability of
    the true class clipped to ``[eps, 1 - eps]``); None when it is not computable (an unknown label, a missing
    probability), as sklearn refuses."""
    if len(y_code) == 0 or (y_code >= proba.shape[1]).any():
        return None
    p = proba[np.arange(len(y_code)), y_code].astype(np.float64)
    if np.isnan(p).any():
        return None
    eps = np.finfo(np.float64).eps
    return -np.log(np.clip(p, eps, 1 - eps))


def multiclass_intervals(
    y: np.ndarray,
    pred: np.ndarray,
    proba: np.ndarray | None,
    classes: Sequence[Any],
    groups: Sequence[np.ndarray],
    options: IntervalOptions,
    *,
    probabilities: bool = True,
) -> dict[str, Intervals]:
    """Each slice's interval of accuracy (Wilson), macro / weighted F1 (multinomial bootstrap of its confusion
    matrix) and, with probabilities, log loss (row bootstrap); ``groups[k]`` are slice ``k``'s row indices.
    Rows without a prediction are left out of accuracy and F1, as in the metrics."""
    c = len(classes)
    matrices = np.zeros((len(groups), c + 1, c), dtype=np.int64)
    losses: list[np.ndarray | None] = []
    for k, idx in enumerate(groups):
        scored = idx[np.asarray(pd.notna(pred[idx]), dtype=bool)]
        t, p = class_codes(y[scored], classes), class_codes(pred[scored], classes)
        ok = p < c  # a prediction is always one of the model's classes
        np.add.at(matrices[k], (t[ok], p[ok]), 1)
        if probabilities and proba is not None:
            losses.append(row_log_losses(class_codes(y[idx], classes), np.asarray(proba)[idx]))
    n = matrices.sum(axis=(1, 2))
    correct = np.trace(matrices[:, :c, :], axis1=1, axis2=2)
    low, high = wilson(correct, n, options.level)
    out = {"accuracy": Intervals(np.atleast_1d(low), np.atleast_1d(high), "wilson", options.level)}
    out["macro_f1"], out["weighted_f1"] = _f1_intervals(matrices, options)
    if losses:
        out |= mean_loss_intervals(losses, options)
    return out


__all__ = ["class_codes", "f1_of_matrices", "multiclass_intervals", "row_log_losses"]
