"""How good is the model: exact metrics at any threshold, plus multi-class and regression summaries.

Binary metrics use the "sort once" trick: the scores are sorted once with the
cumulative count of positives, so the confusion matrix at any threshold is a
binary search (O(log n)) instead of a pass over the data, and ROC / PR curves
come from the same arrays in one O(n) pass. A row is predicted positive when
``score >= threshold`` (sklearn's ``roc_curve`` convention). Every number is
tested against ``sklearn.metrics`` on the Adult data.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.metrics.undefined import Metric, curve_reasons, metric, rate_reasons


def _div(num: float, den: float) -> float:
    """sklearn's ``zero_division`` default: 0.0 when the denominator is 0 (the arrays keep it; a screen asks
    :meth:`BinaryMetrics.value`, which says when the rate is undefined)."""
    return float(num) / float(den) if den else 0.0


@dataclass(frozen=True)
class BinaryMetrics:
    """Confusion counts and rates at one threshold (names as in sklearn / Fairlearn)."""

    threshold: float
    tp: int
    fp: int
    tn: int
    fn: int

    @property
    def n(self) -> int:
        return self.tp + self.fp + self.tn + self.fn

    @property
    def accuracy(self) -> float:
        return _div(self.tp + self.tn, self.n)

    @property
    def precision(self) -> float:
        return _div(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _div(self.tp, self.tp + self.fn)

    tpr = recall

    @property
    def f1(self) -> float:
        return _div(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    @property
    def fpr(self) -> float:
        return _div(self.fp, self.fp + self.tn)

    @property
    def fnr(self) -> float:
        return _div(self.fn, self.fn + self.tp)

    @property
    def tnr(self) -> float:
        return _div(self.tn, self.tn + self.fp)

    @property
    def selection_rate(self) -> float:
        return _div(self.tp + self.fp, self.n)

    @property
    def confusion_matrix(self) -> np.ndarray:
        """sklearn layout: rows = true (negative, positive), columns = predicted."""
        return np.array([[self.tn, self.fp], [self.fn, self.tp]], dtype=np.int64)

    def reason(self, name: str) -> str:
        """Why the rate ``name`` is undefined on these rows ('' when it is defined)."""
        return rate_reasons(self.tn, self.fp, self.fn, self.tp, self.threshold).get(name, "")

    def value(self, name: str) -> Metric:
        """The rate ``name`` as a screen shows it: the number, or undefined with the reason (never the 0 that
        stands in for a division by zero)."""
        return metric(getattr(self, name), self.reason(name))

    def as_dict(self) -> dict[str, float]:
        names = ("accuracy", "precision", "recall", "f1", "fpr", "fnr", "selection_rate")
        out: dict[str, float] = {
            "threshold": self.threshold,
            "tp": self.tp,
            "fp": self.fp,
            "tn": self.tn,
            "fn": self.fn,
        }
        out.update({k: getattr(self, k) for k in names})
        return out


@dataclass(frozen=True)
class RocCurve:
    """As ``sklearn.metrics.roc_curve(..., drop_intermediate=False)``: thresholds decreasing, ``thresholds[0]`` inf."""

    fpr: np.ndarray
    tpr: np.ndarray
    thresholds: np.ndarray


@dataclass(frozen=True)
class PrecisionRecallCurve:
    """As ``sklearn.metrics.precision_recall_curve``: thresholds increasing, last point precision 1, recall 0."""

    precision: np.ndarray
    recall: np.ndarray
    thresholds: np.ndarray


class ThresholdIndex:
    """Scores sorted once with cumulative positives: exact binary metrics at any threshold."""

    def __init__(self, score: np.ndarray, y_positive: np.ndarray) -> None:
        score = np.asarray(score, dtype=np.float64)
        y_positive = np.asarray(y_positive, dtype=bool)
        if score.shape != y_positive.shape:
            raise ValueError(f"score and y_positive differ in shape: {score.shape} vs {y_positive.shape}")
        scored = ~np.isnan(score)
        #: rows left out because the model gave them no score (it raised on them)
        self.n_unscored = int(len(score) - scored.sum())
        if self.n_unscored:
            score, y_positive = score[scored], y_positive[scored]
        order = np.argsort(score, kind="stable")
        #: the stable sort of the scores (row positions, lowest score first): per-slice indexes reuse it
        self.order: np.ndarray | None = order
        self._set(score[order], y_positive[order])

    def _set(self, sorted_scores: np.ndarray, pos_sorted: np.ndarray, cum_pos: np.ndarray | None = None) -> None:
        self.sorted_scores = sorted_scores
        self._pos_sorted = pos_sorted
        if cum_pos is None:
            # cum_pos[k] = positives among the k lowest scores
            cum_pos = np.zeros(len(sorted_scores) + 1, dtype=np.int64)
            np.cumsum(pos_sorted, out=cum_pos[1:])
        self.cum_pos = cum_pos
        self.n = len(sorted_scores)
        self.n_pos = int(cum_pos[-1])
        self.n_neg = self.n - self.n_pos

    @classmethod
    def from_sorted(
        cls, sorted_scores: np.ndarray, pos_sorted: np.ndarray, cum_pos: np.ndarray | None = None
    ) -> ThresholdIndex:
        """An index over scores already sorted ascending (no second sort): a slice of a
        :class:`~wit_tui.engine.metrics.slice_index.SliceIndex`. ``cum_pos`` may be given (it must start at 0)."""
        index = cls.__new__(cls)
        index.order = None
        index._set(sorted_scores, np.asarray(pos_sorted, dtype=bool), cum_pos)
        return index

    def at(self, threshold: float) -> BinaryMetrics:
        """Confusion counts at ``threshold`` (predicted positive when score >= threshold), O(log n)."""
        k = int(np.searchsorted(self.sorted_scores, threshold, side="left"))
        fn = int(self.cum_pos[k])
        tn = k - fn
        return BinaryMetrics(float(threshold), tp=self.n_pos - fn, fp=self.n_neg - tn, tn=tn, fn=fn)

    @cached_property
    def _distinct(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(thresholds, tps, fps) at each distinct score, in decreasing threshold order."""
        desc = self.sorted_scores[::-1]
        if self.n == 0:
            return np.empty(0), np.empty(0, np.int64), np.empty(0, np.int64)
        idx = np.r_[np.flatnonzero(np.diff(desc)), self.n - 1]
        tps = np.cumsum(self._pos_sorted[::-1], dtype=np.int64)[idx]
        fps = 1 + idx - tps
        return desc[idx], tps, fps

    @cached_property
    def roc_curve(self) -> RocCurve:
        thr, tps, fps = self._distinct
        with np.errstate(invalid="ignore", divide="ignore"):
            fpr = np.r_[0, fps] / (self.n_neg if self.n_neg else np.nan)
            tpr = np.r_[0, tps] / (self.n_pos if self.n_pos else np.nan)
        return RocCurve(fpr=fpr, tpr=tpr, thresholds=np.r_[np.inf, thr])

    @cached_property
    def roc_auc(self) -> float:
        """Area under the ROC curve; NaN when only one class is present (as sklearn 1.9)."""
        if self.n_pos == 0 or self.n_neg == 0:
            return float("nan")
        roc = self.roc_curve
        return float(np.trapezoid(roc.tpr, roc.fpr))

    def value(self, name: str) -> Metric:
        """``auc`` or ``average_precision`` as a screen shows it: undefined on one class / with no positive."""
        number = self.roc_auc if name == "auc" else self.average_precision
        return metric(number, curve_reasons(self.n_pos, self.n_neg)[name])

    @cached_property
    def pr_curve(self) -> PrecisionRecallCurve:
        thr, tps, fps = self._distinct
        with np.errstate(invalid="ignore", divide="ignore"):
            precision = tps / (tps + fps)
            recall = tps / self.n_pos if self.n_pos else np.ones_like(tps, dtype=np.float64)
        return PrecisionRecallCurve(
            precision=np.r_[precision[::-1], 1.0], recall=np.r_[recall[::-1], 0.0], thresholds=thr[::-1]
        )

    @cached_property
    def average_precision(self) -> float:
        """AP = Σ (R_n − R_{n−1}) P_n, sklearn's step sum (not the trapezoid area)."""
        if self.n_pos == 0:
            return 0.0
        _, tps, fps = self._distinct
        precision = tps / (tps + fps)
        recall = tps / self.n_pos
        return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


@dataclass(frozen=True)
class MulticlassMetrics:
    """Accuracy, F1 and the confusion matrix of the argmax prediction."""

    labels: tuple[Any, ...]
    accuracy: float
    f1_macro: float
    f1_weighted: float
    confusion_matrix: np.ndarray
    precision: np.ndarray
    recall: np.ndarray
    f1: np.ndarray
    support: np.ndarray

    @property
    def confusion_normalized(self) -> np.ndarray:
        """Row-normalised confusion matrix, as ``confusion_matrix(..., normalize="true")`` (a class with no
        true rows gives a row of zeros, as sklearn)."""
        cm = self.confusion_matrix.astype(np.float64)
        rows = cm.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nan_to_num(cm / rows)

    def per_class(self, name: str) -> list[Metric]:
        """Each class's ``precision``, ``recall`` or ``f1`` as a screen shows it: undefined exactly where sklearn
        with ``zero_division=np.nan`` gives NaN (a class never predicted has no precision)."""
        predicted = self.confusion_matrix.sum(axis=0)
        out: list[Metric] = []
        for j, v in enumerate(getattr(self, name)):
            p, s = int(predicted[j]), int(self.support[j])
            reason = {
                "precision": "" if p else "the class is never predicted",
                "recall": "" if s else "no label of this class",
                "f1": "" if p + s else "the class is never predicted and has no label",
            }[name]
            out.append(metric(float(v), reason))
        return out

    @property
    def precision_macro(self) -> float:
        return float(np.mean(self.precision)) if len(self.precision) else 0.0

    @property
    def recall_macro(self) -> float:
        return float(np.mean(self.recall)) if len(self.recall) else 0.0

    def _weighted(self, values: np.ndarray) -> float:
        total = self.support.sum()
        return float(np.sum(values * self.support) / total) if total else 0.0

    @property
    def precision_weighted(self) -> float:
        return self._weighted(self.precision)

    @property
    def recall_weighted(self) -> float:
        return self._weighted(self.recall)


def multiclass_metrics(y_true: np.ndarray, y_pred: np.ndarray, labels: tuple[Any, ...]) -> MulticlassMetrics:
    # deferred: scikit-learn is heavy, only needed here
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    lab = list(labels)
    scored = np.asarray(pd.notna(y_pred), dtype=bool)  # rows the model raised on have no prediction
    y_true, y_pred = np.asarray(y_true)[scored], np.asarray(y_pred)[scored]
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=lab, zero_division=0.0)
    return MulticlassMetrics(
        labels=tuple(labels),
        accuracy=float(accuracy_score(y_true, y_pred)),
        f1_macro=float(f1_score(y_true, y_pred, labels=lab, average="macro", zero_division=0.0)),
        f1_weighted=float(f1_score(y_true, y_pred, labels=lab, average="weighted", zero_division=0.0)),
        confusion_matrix=confusion_matrix(y_true, y_pred, labels=lab),
        precision=p,
        recall=r,
        f1=f,
        support=s,
    )


@dataclass(frozen=True)
class RegressionMetrics:
    """MAE, RMSE and R² of the predictions; residual = prediction − label (as the What-If Tool)."""

    mae: float
    rmse: float
    r2: float
    residuals: np.ndarray

    @property
    def mean_error(self) -> float:
        """Mean of prediction − label: the bias (positive = the model over-predicts)."""
        return float(np.mean(self.residuals)) if len(self.residuals) else float("nan")


def regression_metrics(y_true: np.ndarray, y_pred: np.ndarray) -> RegressionMetrics:
    # deferred: scikit-learn is heavy, only needed here
    from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error

    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    scored = ~np.isnan(y_pred)  # rows the model raised on have no prediction
    y_true, y_pred = y_true[scored], y_pred[scored]
    return RegressionMetrics(
        mae=float(mean_absolute_error(y_true, y_pred)),
        rmse=float(root_mean_squared_error(y_true, y_pred)),
        r2=float(r2_score(y_true, y_pred)) if len(y_true) > 1 else float("nan"),
        residuals=y_pred - y_true,
    )


__all__ = [
    "BinaryMetrics",
    "ThresholdIndex",
    "RocCurve",
    "PrecisionRecallCurve",
    "MulticlassMetrics",
    "multiclass_metrics",
    "RegressionMetrics",
    "regression_metrics",
]
