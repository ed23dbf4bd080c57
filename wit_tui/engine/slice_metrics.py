"""How good is the model on each slice: every metric of the task, per slice, from the same engine as the screens.

Binary metrics come from one :class:`~wit_tui.engine.metrics.ThresholdIndex`
per slice (the rows grouped by one stable sort of the slice codes), so a
slice's numbers are exactly what the performance screen shows for those rows;
log loss and Brier score come from ``sklearn.metrics``. Multi-class and
regression metrics come from ``multiclass_metrics`` / ``regression_metrics``.

Values follow sklearn (``zero_division=0``: precision with no predicted
positive is 0.0; ROC AUC on one class is NaN). Where sklearn would warn that a
metric is ill-defined (``UndefinedMetricWarning``) or returns NaN, the slice's
``undefined`` entry says why, and validation treats the metric as not
computable on that slice rather than trusting the substituted 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from wit_tui.engine.metrics import BinaryMetrics, ThresholdIndex, multiclass_metrics, regression_metrics
from wit_tui.engine.slicing import group_rows

BINARY_METRICS = (
    "example_count", "base_rate", "selection_rate", "accuracy", "precision", "recall", "f1", "fpr", "fnr",
    "auc", "average_precision", "log_loss", "brier_score",
)
MULTICLASS_METRICS = ("example_count", "accuracy", "macro_f1", "weighted_f1", "log_loss")
REGRESSION_METRICS = ("example_count", "mae", "rmse", "r2")
TASK_METRICS = {"binary": BINARY_METRICS, "multiclass": MULTICLASS_METRICS, "regression": REGRESSION_METRICS}

#: What each metric is, for tables and help (lower is better for the losses and error rates).
DESCRIPTIONS = {
    "example_count": "labelled rows evaluated",
    "base_rate": "share of rows whose label is the positive class",
    "selection_rate": "share of rows predicted positive (score >= threshold)",
    "accuracy": "accuracy_score",
    "precision": "precision_score",
    "recall": "recall_score (TPR)",
    "f1": "f1_score",
    "fpr": "false positive rate FP / (FP + TN)",
    "fnr": "false negative rate FN / (FN + TP)",
    "auc": "roc_auc_score",
    "average_precision": "average_precision_score (step sum)",
    "log_loss": "log_loss",
    "brier_score": "brier_score_loss",
    "macro_f1": "f1_score(average='macro')",
    "weighted_f1": "f1_score(average='weighted')",
    "mae": "mean_absolute_error",
    "rmse": "root_mean_squared_error",
    "r2": "r2_score",
}
LOWER_IS_BETTER = {"fpr", "fnr", "log_loss", "brier_score", "mae", "rmse"}

NO_ROWS = "no labelled rows in this slice"


@dataclass(frozen=True)
class SliceMetrics:
    """One model's metrics on each slice: ``values[name][k]`` (float), ``undefined[name][k]`` ('' if defined).

    For binary tasks ``confusion`` has one row per slice: ``tn, fp, fn, tp``
    (sklearn's ``confusion_matrix(...).ravel()`` order) at ``threshold``.
    """

    kind: str
    threshold: float | None
    names: tuple[str, ...]
    values: dict[str, np.ndarray]
    undefined: dict[str, tuple[str, ...]]
    confusion: np.ndarray | None = None

    @property
    def n_slices(self) -> int:
        return len(self.values["example_count"])

    def value(self, name: str, k: int) -> float:
        return float(self.values[name][k])

    def reason(self, name: str, k: int) -> str:
        """Why ``name`` is not computable on slice ``k`` ('' when it is)."""
        return self.undefined[name][k]

    def defined(self, name: str, k: int) -> float | None:
        """The value, or None when it is not computable."""
        return None if self.undefined[name][k] else self.value(name, k)


def _pack(kind: str, threshold: float | None, names: Sequence[str], rows: list[dict[str, tuple[float, str]]],
          confusion: np.ndarray | None = None) -> SliceMetrics:
    values = {n: np.array([r[n][0] for r in rows], dtype=np.float64) for n in names}
    undefined = {n: tuple(r[n][1] for r in rows) for n in names}
    return SliceMetrics(kind, threshold, tuple(names), values, undefined, confusion)


def binary_slice_metrics(
    y_positive: np.ndarray, score: np.ndarray, codes: np.ndarray, n_slices: int, threshold: float,
    *, probabilities: bool = True,
) -> SliceMetrics:
    """Binary metrics per slice at ``threshold`` (predicted positive when ``score >= threshold``).

    ``codes[row]`` is the row's slice in ``[0, n_slices)`` or -1 to leave it
    out. ``probabilities`` is False for ``decision_function`` margins, on
    which log loss and Brier score are not computable.
    """
    from sklearn.metrics import brier_score_loss, log_loss

    y_positive = np.asarray(y_positive, dtype=bool)
    score = np.asarray(score, dtype=np.float64)
    rows: list[dict[str, tuple[float, str]]] = []
    confusion = np.zeros((n_slices, 4), dtype=np.int64)
    t = float(threshold)
    for k, idx in enumerate(group_rows(codes, n_slices)):
        ys, ss = y_positive[idx], score[idx]
        index = ThresholdIndex(ss, ys)
        b: BinaryMetrics = index.at(t)
        confusion[k] = (b.tn, b.fp, b.fn, b.tp)
        n, n_pos, n_neg = b.n, index.n_pos, index.n_neg
        if n == 0:
            r = {name: (float("nan"), NO_ROWS) for name in BINARY_METRICS}
            r["example_count"] = (0.0, "")
            rows.append(r)
            continue
        no_pos = "no positive labels" if n_pos == 0 else ""
        one_class = f"only one class ({n_pos:,} positive and {n_neg:,} negative labels)" if not (n_pos and n_neg) else ""
        not_proba = "" if probabilities else "the scores are decision_function margins, not probabilities"
        r = {
            "example_count": (float(n), ""),
            "base_rate": (n_pos / n, ""),
            "selection_rate": (b.selection_rate, ""),
            "accuracy": (b.accuracy, ""),
            "precision": (b.precision, "" if b.tp + b.fp else f"no predicted positives at threshold {t:g}"),
            "recall": (b.recall, no_pos),
            "f1": (b.f1, "" if 2 * b.tp + b.fp + b.fn else "no positive labels and no predicted positives"),
            "fpr": (b.fpr, "" if n_neg else "no negative labels"),
            "fnr": (b.fnr, no_pos),
            "auc": (index.roc_auc, one_class),
            "average_precision": (index.average_precision, no_pos),
        }
        if probabilities:
            r["log_loss"] = (float(log_loss(ys, ss, labels=[False, True])), "")
            r["brier_score"] = (float(brier_score_loss(ys, ss, pos_label=True, labels=[False, True])), "")
        else:
            r["log_loss"] = r["brier_score"] = (float("nan"), not_proba)
        rows.append(r)
    return _pack("binary", t, BINARY_METRICS, rows, confusion)


def multiclass_slice_metrics(
    y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None, classes: Sequence[Any], codes: np.ndarray,
    n_slices: int, *, probabilities: bool = True,
) -> SliceMetrics:
    """Accuracy, macro / weighted F1 (over the classes present in the slice, as sklearn's default) and log loss
    (over all the model's classes) per slice. On every row this is exactly the screen's numbers."""
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
        r = {"example_count": (float(len(idx)), ""), "accuracy": (m.accuracy, ""),
             "macro_f1": (m.f1_macro, ""), "weighted_f1": (m.f1_weighted, "")}
        if probabilities and proba is not None:
            try:
                r["log_loss"] = (float(log_loss(y[idx], proba[idx], labels=list(classes))), "")
            except ValueError as exc:
                r["log_loss"] = (float("nan"), str(exc).splitlines()[0])
        else:
            r["log_loss"] = (float("nan"), "the model has no predict_proba")
        rows.append(r)
    return _pack("multiclass", None, MULTICLASS_METRICS, rows)


def regression_slice_metrics(y: np.ndarray, pred: np.ndarray, codes: np.ndarray, n_slices: int) -> SliceMetrics:
    """MAE, RMSE and R² per slice."""
    y = np.asarray(y, dtype=np.float64)
    pred = np.asarray(pred, dtype=np.float64)
    rows = []
    for idx in group_rows(codes, n_slices):
        if len(idx) == 0:
            r = {name: (float("nan"), NO_ROWS) for name in REGRESSION_METRICS}
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
        rows.append({"example_count": (float(len(idx)), ""), "mae": (m.mae, ""), "rmse": (m.rmse, ""),
                     "r2": (m.r2, r2_reason)})
    return _pack("regression", None, REGRESSION_METRICS, rows)


def session_slice_metrics(session, i: int, codes: np.ndarray, n_slices: int, threshold: float | None = None) -> SliceMetrics:
    """Model ``i``'s metrics on each slice of the session's labelled rows (unlabelled rows are left out)."""
    from wit_tui.engine.performance import labelled_mask

    mask = labelled_mask(session)
    codes = np.where(mask, np.asarray(codes, dtype=np.int64), -1)
    task = session.task
    scores = session.scores(i)
    if task.kind == "binary":
        t = task.default_threshold if threshold is None else float(threshold)
        return binary_slice_metrics(session.y_positive, scores.score, codes, n_slices, t,
                                    probabilities=task.score_method == "predict_proba")
    y = session.y
    if task.kind == "multiclass":
        return multiclass_slice_metrics(y, scores.label, scores.proba, task.classes, codes, n_slices,
                                        probabilities=task.score_method == "predict_proba")
    return regression_slice_metrics(np.where(mask, y, 0.0), scores.score, codes, n_slices)


__all__ = [
    "BINARY_METRICS", "DESCRIPTIONS", "LOWER_IS_BETTER", "MULTICLASS_METRICS", "REGRESSION_METRICS",
    "SliceMetrics", "TASK_METRICS", "binary_slice_metrics", "multiclass_slice_metrics", "regression_slice_metrics",
    "session_slice_metrics",
]
