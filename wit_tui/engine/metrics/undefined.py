"""When a metric has no value, and why: precision with nobody predicted positive is undefined, not 0.

sklearn substitutes 0 for a division by zero (``zero_division``) and warns; wit-tui keeps that 0 in the
arrays (Fairlearn's rate functions, and the threshold searches, rely on it) but never shows it as a result:
every metric handed to a screen or the report is either a number or :class:`Undefined` with the reason, and
it is undefined exactly where ``sklearn.metrics.precision_score(..., zero_division=np.nan)`` (recall, F1, …)
gives NaN. :func:`rate_reasons` is the one place that decides it, for one confusion row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypeAlias

import numpy as np

#: why a rate cannot be computed on these rows (the words the screens and the report show)
NOBODY_POSITIVE = "nobody predicted positive"
NO_POSITIVE_LABELS = "no positive labels"
NO_NEGATIVE_LABELS = "no negative labels"
NO_ROWS = "no labelled rows in this slice"
F1_UNDEFINED = "no positive labels and nobody predicted positive"

#: what each rate divides by, so a table can say why it is empty without the counts (the worst-slices table)
UNDEFINED_WHEN = {
    "precision": NOBODY_POSITIVE,
    "recall": NO_POSITIVE_LABELS,
    "tpr": NO_POSITIVE_LABELS,
    "fnr": NO_POSITIVE_LABELS,
    "fpr": NO_NEGATIVE_LABELS,
    "tnr": NO_NEGATIVE_LABELS,
    "f1": F1_UNDEFINED,
}


@dataclass(frozen=True)
class Undefined:
    """A metric that has no value on these rows, and why (shown as "–" with the reason, never as 0)."""

    reason: str


#: a metric as the engine hands it to a screen or the report
Metric: TypeAlias = float | Undefined


def at_threshold(threshold: float) -> str:
    """`` at threshold 0.5`` to add to a reason ('' when the threshold is not one number, e.g. per slice)."""
    if threshold is None or math.isnan(threshold):
        return ""
    return f" at threshold {'∞' if threshold == math.inf else f'{threshold:g}'}"


def rate_reasons(tn: int, fp: int, fn: int, tp: int, threshold: float = math.nan) -> dict[str, str]:
    """Why each rate of one confusion row is undefined ('' when it is defined): the denominator is 0.

    Exactly sklearn's NaN with ``zero_division=np.nan``: precision when TP + FP = 0, recall (TPR) and FNR when
    TP + FN = 0, FPR and TNR when FP + TN = 0, F1 when TP + FP + FN = 0, every rate when there are no rows."""
    if tn + fp + fn + tp == 0:
        return dict.fromkeys(("base_rate", "selection_rate", "accuracy", *UNDEFINED_WHEN), NO_ROWS)
    no_pos = "" if tp + fn else NO_POSITIVE_LABELS
    no_neg = "" if fp + tn else NO_NEGATIVE_LABELS
    return {
        "base_rate": "",
        "selection_rate": "",
        "accuracy": "",
        "precision": "" if tp + fp else NOBODY_POSITIVE + at_threshold(threshold),
        "recall": no_pos,
        "tpr": no_pos,
        "fnr": no_pos,
        "fpr": no_neg,
        "tnr": no_neg,
        "f1": "" if tp + fp + fn else F1_UNDEFINED,
    }


def curve_reasons(n_pos: int, n_neg: int) -> dict[str, str]:
    """Why ROC AUC (one class only) and average precision (no positive label) are undefined ('' when not)."""
    one_class = "" if n_pos and n_neg else f"only one class ({n_pos:,} positive and {n_neg:,} negative labels)"
    return {"auc": one_class, "average_precision": "" if n_pos else NO_POSITIVE_LABELS}


def metric(value: float, reason: str = "") -> Metric:
    """The value, or :class:`Undefined` when there is a reason (a NaN without one is undefined too)."""
    if reason:
        return Undefined(reason)
    v = float(value)
    return Undefined("not computable") if math.isnan(v) else v


def as_float(value: Metric | float | None) -> float:
    """NaN for an undefined metric (sorting, plotting), else the number."""
    return math.nan if value is None or isinstance(value, Undefined) else float(value)


def shown(values: np.ndarray, reasons: Sequence[str]) -> np.ndarray:
    """``values`` with NaN wherever ``reasons`` names why the value is undefined (the substituted 0s gone)."""
    out = np.asarray(values, dtype=np.float64).copy()
    bad = np.fromiter((bool(r) for r in reasons), dtype=bool, count=len(reasons))
    out[bad] = np.nan
    return out


__all__ = [
    "F1_UNDEFINED",
    "Metric",
    "NOBODY_POSITIVE",
    "NO_NEGATIVE_LABELS",
    "NO_POSITIVE_LABELS",
    "NO_ROWS",
    "UNDEFINED_WHEN",
    "Undefined",
    "as_float",
    "at_threshold",
    "curve_reasons",
    "metric",
    "rate_reasons",
    "shown",
]
