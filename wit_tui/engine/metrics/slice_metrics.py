"""How good is the model on each slice, beyond binary: multi-class, one class against the rest, and regression.

Binary metrics come from :class:`~wit_tui.engine.metrics.slice_index.SliceIndex`; these come from
``multiclass_metrics`` / ``regression_metrics`` on each slice's rows, so a slice's numbers are the screen's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from wit_tui.engine.metrics.binary import multiclass_metrics, regression_metrics
from wit_tui.engine.metrics.slice_index import (
    MULTICLASS_METRICS,
    NO_ROWS,
    REGRESSION_METRICS,
    SliceIndex,
    SliceMetrics,
    binary_rates,
    pack_slice_rows,
)
from wit_tui.engine.slicing import group_rows

#: one-vs-rest metrics of one class of a multi-class model, per slice (the class's "positive" rates)
OVR_METRICS = ("example_count", "base_rate", "selection_rate", "precision", "recall", "f1", "auc")
#: regression extras on the screen: the mean label and the mean error (bias = prediction − label)
REGRESSION_EXTRAS = ("mean_label", "mean_error")


def multiclass_slice_metrics(
    y: np.ndarray,
    pred: np.ndarray,
    proba: np.ndarray | None,
    classes: Sequence[Any],
    codes: np.ndarray,
    n_slices: int,
    *,
    probabilities: bool = True,
) -> SliceMetrics:
    """Accuracy, macro / weighted F1 (over the classes present in the slice, as sklearn's default) and log loss
    (over all the model's classes) per slice. On every row this is exactly the screen's numbers."""
    # deferred: sklearn.metrics is heavy and only needed here
    from sklearn.metrics import log_loss

    rows = []
    for idx in group_rows(codes, n_slices):
        if len(idx) == 0:
            r = {name: (float("nan"), NO_ROWS) for name in MULTICLASS_METRICS}
            r["example_count"] = (0.0, "")
            rows.append(r)
            continue
        # F1 over the classes present in the slice's labels or predictions, as sklearn's f1_score(average="macro")
        # without labels=: a class absent from a slice would otherwise count as an F1 of 0.
        seen = set(y[idx].tolist()) | set(pred[idx].tolist())
        m = multiclass_metrics(y[idx], pred[idx], tuple(c for c in classes if c in seen) or tuple(classes))
        r = {
            "example_count": (float(len(idx)), ""),
            "accuracy": (m.accuracy, ""),
            "macro_f1": (m.f1_macro, ""),
            "weighted_f1": (m.f1_weighted, ""),
        }
        if probabilities and proba is not None:
            try:
                r["log_loss"] = (float(log_loss(y[idx], proba[idx], labels=list(classes))), "")
            except ValueError as exc:
                r["log_loss"] = (float("nan"), str(exc).splitlines()[0])
        else:
            r["log_loss"] = (float("nan"), "the model has no predict_proba")
        rows.append(r)
    return pack_slice_rows("multiclass", None, MULTICLASS_METRICS, rows)


def ovr_slice_metrics(
    y_is_class: np.ndarray, pred_is_class: np.ndarray, class_score: np.ndarray | None, codes: np.ndarray, n_slices: int
) -> SliceMetrics:
    """One class against the rest, per slice: the class's share of labels (base rate) and of predictions
    (argmax), precision, recall and F1 of "predicted this class" (sklearn's ``zero_division=0``), and the ROC AUC
    of the class's score (its probability column) — what the What-If Tool never offered for multi-class."""
    y_is_class = np.asarray(y_is_class, dtype=bool)
    pred_is_class = np.asarray(pred_is_class, dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    keep = codes >= 0
    cells = codes[keep] * 4 + 2 * y_is_class[keep] + pred_is_class[keep]
    counts = np.bincount(cells, minlength=4 * n_slices).reshape(n_slices, 4)
    rates = binary_rates(counts)
    auc = np.full(n_slices, np.nan)
    if class_score is not None:
        auc = SliceIndex(class_score, y_is_class, codes, n_slices).roc_auc()
    rows = []
    for k in range(n_slices):
        tn, fp, fn, tp = (int(v) for v in counts[k])
        n = tn + fp + fn + tp
        if n == 0:
            r = {name: (float("nan"), NO_ROWS) for name in OVR_METRICS}
            r["example_count"] = (0.0, "")
            rows.append(r)
            continue
        no_pos = "no label of this class" if tp + fn == 0 else ""
        r = {
            name: (float(rates[name][k]), "")
            for name in ("example_count", "base_rate", "selection_rate", "precision", "recall", "f1")
        }
        if tp + fp == 0:
            r["precision"] = (0.0, "the class is never predicted")
        r["recall"] = (r["recall"][0], no_pos)
        one_class = "" if (tp + fn) and (tn + fp) else "only one class"
        r["auc"] = (float(auc[k]), one_class if class_score is not None else "no class scores")
        rows.append(r)
    return pack_slice_rows("ovr", None, OVR_METRICS, rows, counts)


def regression_slice_metrics(
    y: np.ndarray, pred: np.ndarray, codes: np.ndarray, n_slices: int, *, extras: bool = False
) -> SliceMetrics:
    """MAE, RMSE and R² per slice (``extras``: also the mean label and the mean error, prediction − label)."""
    y = np.asarray(y, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    names = REGRESSION_METRICS + (REGRESSION_EXTRAS if extras else ())
    rows = []
    for idx in group_rows(codes, n_slices):
        if len(idx) == 0:
            r = {name: (float("nan"), NO_ROWS) for name in names}
            r["example_count"] = (0.0, "")
            rows.append(r)
            continue
        m = regression_metrics(y[idx], pred[idx])
        if len(idx) < 2:
            r2_reason = "R² needs at least two labelled rows"
        elif np.all(y[idx] == y[idx][0]):
            r2_reason = "the label is constant on this slice, so R² is undefined"
        else:
            r2_reason = ""
        r = {"example_count": (float(len(idx)), ""), "mae": (m.mae, ""), "rmse": (m.rmse, ""), "r2": (m.r2, r2_reason)}
        if extras:
            r["mean_label"] = (float(np.mean(y[idx])), "")
            r["mean_error"] = (m.mean_error, "")
        rows.append(r)
    return pack_slice_rows("regression", None, names, rows)


__all__ = [
    "OVR_METRICS",
    "REGRESSION_EXTRAS",
    "multiclass_slice_metrics",
    "ovr_slice_metrics",
    "regression_slice_metrics",
]
