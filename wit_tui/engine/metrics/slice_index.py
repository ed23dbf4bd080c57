"""How good is the model on each slice: every metric of the task, per slice, from the same engine as the screens.

Binary metrics come from one :class:`SliceIndex`: the rows sorted once by
(slice, score) — a stable sort of the slice codes over the scores' own sort
order — with cumulative positive counts, so the confusion counts of every
slice at any per-slice thresholds are one binary search per slice
(O(slices · log n)), and each slice's ROC / PR / AUC come from a
:class:`~wit_tui.engine.metrics.binary.ThresholdIndex` over its contiguous run of the
same arrays. A slice's numbers are therefore exactly what the performance
screen shows for those rows; log loss and Brier score come from
``sklearn.metrics``. Multi-class and regression metrics per slice live in
:mod:`~wit_tui.engine.metrics.slice_metrics`.

Values follow sklearn (``zero_division=0``: precision with no predicted
positive is 0.0; ROC AUC on one class is NaN). Where sklearn would warn that a
metric is ill-defined (``UndefinedMetricWarning``) or returns NaN, the slice's
``undefined`` entry says why, and validation treats the metric as not
computable on that slice rather than trusting the substituted 0.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.metrics.binary import BinaryMetrics, ThresholdIndex
from wit_tui.engine.metrics.row_thresholds import RowThresholds, row_confusion
from wit_tui.engine.metrics.undefined import NO_ROWS, Metric, curve_reasons, metric, rate_reasons, shown
from wit_tui.engine.slicing import group_rows

BINARY_METRICS = (
    "example_count",
    "base_rate",
    "selection_rate",
    "accuracy",
    "precision",
    "recall",
    "f1",
    "fpr",
    "fnr",
    "auc",
    "average_precision",
    "log_loss",
    "brier_score",
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
    "mean_label": "mean of the label",
    "mean_error": "mean of prediction − label (bias)",
    "rmse": "root_mean_squared_error",
    "r2": "r2_score",
}
LOWER_IS_BETTER = {"fpr", "fnr", "log_loss", "brier_score", "mae", "rmse"}


@dataclass(frozen=True)
class SliceMetrics:
    """One model's metrics on each slice: ``values[name][k]`` (float), ``undefined[name][k]`` ('' if defined).

    For binary tasks ``confusion`` has one row per slice: ``tn, fp, fn, tp``
    (sklearn's ``confusion_matrix(...).ravel()`` order) at ``threshold``.
    """

    kind: str
    threshold: float | tuple[float, ...] | None
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

    def metric(self, name: str, k: int) -> Metric:
        """Slice ``k``'s ``name`` as a screen shows it: the number, or undefined with the reason."""
        return metric(self.value(name, k), self.reason(name, k))

    def shown(self, name: str) -> np.ndarray:
        """Every slice's ``name`` with NaN where it is undefined (for sorting and drawing; never a stand-in 0)."""
        return shown(self.values[name], self.undefined[name])


def pack_slice_rows(
    kind: str,
    threshold: float | tuple[float, ...] | None,
    names: Sequence[str],
    rows: list[dict[str, tuple[float, str]]],
    confusion: np.ndarray | None = None,
) -> SliceMetrics:
    values = {n: np.array([r[n][0] for r in rows], dtype=np.float64) for n in names}
    undefined = {n: tuple(r[n][1] for r in rows) for n in names}
    return SliceMetrics(kind, threshold, tuple(names), values, undefined, confusion)


class SliceIndex:
    """Rows sorted once by (slice, score) with cumulative positives: exact binary metrics of every slice.

    ``codes[row]`` is the row's slice in ``[0, n_slices)`` or -1 (left out).
    ``order``, when given, is the stable argsort of ``score`` (a
    :class:`ThresholdIndex` keeps it): the (slice, score) order is then one
    stable sort of the small integer codes (a radix sort), not a second sort
    of the scores. :meth:`counts_at` gives every slice's confusion counts at
    its own threshold with one binary search per slice; :meth:`index` a
    slice's :class:`ThresholdIndex` (curves, AUC) without sorting again.
    """

    def __init__(
        self,
        score: np.ndarray,
        y_positive: np.ndarray,
        codes: np.ndarray,
        n_slices: int,
        *,
        order: np.ndarray | None = None,
    ) -> None:
        score = np.asarray(score, dtype=np.float64)
        y_positive = np.asarray(y_positive, dtype=bool)
        codes = np.asarray(codes, dtype=np.int64)
        if not score.shape == y_positive.shape == codes.shape:
            raise ValueError(
                f"score, y_positive and codes differ in shape: {score.shape}, {y_positive.shape}, {codes.shape}"
            )
        if order is None:
            order = np.argsort(score, kind="stable")
        small = np.int16 if n_slices < 2**15 - 1 else np.int32 if n_slices < 2**31 - 1 else np.int64
        by_code = codes[order].astype(small)
        regroup = np.argsort(by_code, kind="stable")  # radix sort of small ints: O(n)
        rows = order[regroup]
        skip = int(np.count_nonzero(codes < 0))
        #: row positions, by slice then by increasing score (rows with code -1 dropped)
        self.rows = rows[skip:]
        self.n_slices = int(n_slices)
        self.sorted_scores = score[self.rows]
        self._pos_sorted = y_positive[self.rows]
        self.cum_pos = np.zeros(len(self.rows) + 1, dtype=np.int64)
        np.cumsum(self._pos_sorted, out=self.cum_pos[1:])
        kept = codes[codes >= 0]
        self.counts = (
            np.bincount(kept, minlength=n_slices).astype(np.int64) if len(kept) else np.zeros(n_slices, np.int64)
        )
        #: slice k occupies positions bounds[k]:bounds[k+1] of the sorted arrays
        self.bounds = np.r_[0, np.cumsum(self.counts)].astype(np.int64)
        self.n_pos = self.cum_pos[self.bounds[1:]] - self.cum_pos[self.bounds[:-1]]
        self.n_neg = self.counts - self.n_pos
        self._indexes: dict[int, ThresholdIndex] = {}

    def positions(self, thresholds: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """Per slice, how many of its rows score below its threshold (one binary search each)."""
        t = np.broadcast_to(np.asarray(thresholds, dtype=np.float64), (self.n_slices,))
        below = np.empty(self.n_slices, dtype=np.int64)
        scores, bounds = self.sorted_scores, self.bounds
        for k in range(self.n_slices):
            below[k] = np.searchsorted(scores[bounds[k] : bounds[k + 1]], t[k], side="left")
        return below

    def counts_at(self, thresholds: float | Sequence[float] | np.ndarray) -> np.ndarray:
        """Confusion counts ``(n_slices, 4)`` as ``tn, fp, fn, tp`` (sklearn's ravel order), slice ``k`` at
        ``thresholds[k]`` (or one threshold for all); a row is positive when its score >= the threshold."""
        start = self.bounds[:-1]
        below = self.positions(thresholds)
        fn = self.cum_pos[start + below] - self.cum_pos[start]
        tn = below - fn
        out = np.empty((self.n_slices, 4), dtype=np.int64)
        out[:, 0], out[:, 1], out[:, 2], out[:, 3] = tn, self.n_neg - tn, fn, self.n_pos - fn
        return out

    def at(self, thresholds: float | Sequence[float] | np.ndarray) -> BinaryMetrics:
        """Every slice's rows together, each slice at its own threshold: the decisions actually made."""
        tn, fp, fn, tp = (int(v) for v in self.counts_at(thresholds).sum(axis=0))
        t = np.asarray(thresholds, dtype=np.float64)
        return BinaryMetrics(float(t) if t.ndim == 0 else float("nan"), tp=tp, fp=fp, tn=tn, fn=fn)

    def index(self, k: int) -> ThresholdIndex:
        """Slice ``k``'s :class:`ThresholdIndex` (a view of the sorted arrays; cached)."""
        cached = self._indexes.get(k)
        if cached is None:
            a, b = int(self.bounds[k]), int(self.bounds[k + 1])
            cached = ThresholdIndex.from_sorted(
                self.sorted_scores[a:b], self._pos_sorted[a:b], self.cum_pos[a : b + 1] - self.cum_pos[a]
            )
            self._indexes[k] = cached
        return cached

    def slice_arrays(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Slice ``k``'s scores (increasing) and whether each row is positive: views, no copy."""
        a, b = int(self.bounds[k]), int(self.bounds[k + 1])
        return self.sorted_scores[a:b], self._pos_sorted[a:b]

    def roc_auc(self) -> np.ndarray:
        """Each slice's ROC AUC (NaN on a one-class slice, as sklearn)."""
        return np.array([self.index(k).roc_auc for k in range(self.n_slices)], dtype=np.float64)

    def average_precision(self) -> np.ndarray:
        return np.array([self.index(k).average_precision for k in range(self.n_slices)], dtype=np.float64)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """Elementwise num / den with sklearn's zero_division=0."""
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.zeros(np.broadcast(num, den).shape, dtype=np.float64)
    np.divide(num, den, out=out, where=den != 0)
    return out


def binary_rates(counts: np.ndarray) -> dict[str, np.ndarray]:
    """The rates of :class:`BinaryMetrics` for many confusion rows at once (``tn, fp, fn, tp`` columns), with
    sklearn's ``zero_division=0``: example_count, base_rate, selection_rate, accuracy, precision, recall, f1,
    fpr, fnr."""
    counts = np.asarray(counts, dtype=np.int64).reshape(-1, 4)
    tn, fp, fn, tp = counts.T
    n = tn + fp + fn + tp
    return {
        "example_count": n.astype(np.float64),
        "base_rate": _ratio(tp + fn, n),
        "selection_rate": _ratio(tp + fp, n),
        "accuracy": _ratio(tp + tn, n),
        "precision": _ratio(tp, tp + fp),
        "recall": _ratio(tp, tp + fn),
        "f1": _ratio(2 * tp, 2 * tp + fp + fn),
        "fpr": _ratio(fp, fp + tn),
        "fnr": _ratio(fn, fn + tp),
    }


def binary_slice_rates(counts: np.ndarray, thresholds: float | Sequence[float] | np.ndarray) -> SliceMetrics:
    """The rates of many confusion rows (``tn, fp, fn, tp``; row ``k`` at ``thresholds[k]``) with why each is
    undefined, as :class:`SliceMetrics`: what the slice table shows at any thresholds, without the curves."""
    counts = np.asarray(counts, dtype=np.int64).reshape(-1, 4)
    per_row = np.broadcast_to(np.asarray(thresholds, dtype=np.float64), (len(counts),))
    names = ("example_count", "base_rate", "selection_rate", "accuracy", "precision", "recall", "f1", "fpr", "fnr")
    rates = binary_rates(counts)
    rows = []
    for k, (tn, fp, fn, tp) in enumerate(counts.tolist()):
        why = rate_reasons(tn, fp, fn, tp, float(per_row[k]))
        rows.append({n: (float(rates[n][k]), why.get(n, "")) for n in names})
    return pack_slice_rows("binary", _threshold_shown(thresholds, per_row), names, rows, counts)


def _binary_slice_row(b: BinaryMetrics, sub: ThresholdIndex) -> dict[str, tuple[float, str]]:
    """One non-empty slice's rates at its threshold, each with why it is undefined ('' when it is not)."""
    n, n_pos = b.n, b.tp + b.fn
    why = rate_reasons(b.tn, b.fp, b.fn, b.tp, b.threshold) | curve_reasons(n_pos, b.tn + b.fp)
    return {
        "example_count": (float(n), ""),
        "base_rate": (n_pos / n, ""),
        "selection_rate": (b.selection_rate, ""),
        "accuracy": (b.accuracy, ""),
        "precision": (b.precision, why["precision"]),
        "recall": (b.recall, why["recall"]),
        "f1": (b.f1, why["f1"]),
        "fpr": (b.fpr, why["fpr"]),
        "fnr": (b.fnr, why["fnr"]),
        "auc": (sub.roc_auc, why["auc"]),
        "average_precision": (sub.average_precision, why["average_precision"]),
    }


def _binary_losses(
    y_positive: np.ndarray, score: np.ndarray, idx: np.ndarray | None, probabilities: bool
) -> dict[str, tuple[float, str]]:
    """Log loss and Brier score of one slice's rows (sklearn's), or why they are not computed."""
    # deferred: sklearn.metrics is heavy and only needed when losses are asked for
    from sklearn.metrics import brier_score_loss, log_loss

    if probabilities and idx is not None:
        ys, ss = y_positive[idx], score[idx]
        return {
            "log_loss": (float(log_loss(ys, ss, labels=[False, True])), ""),
            "brier_score": (float(brier_score_loss(ys, ss, pos_label=True, labels=[False, True])), ""),
        }
    reason = "not computed" if probabilities else "the scores are decision_function margins, not probabilities"
    return {"log_loss": (float("nan"), reason), "brier_score": (float("nan"), reason)}


def _threshold_shown(
    threshold: float | Sequence[float] | np.ndarray, per_slice: np.ndarray
) -> float | tuple[float, ...]:
    """The threshold as the result reports it: one number, or one per slice."""
    if np.ndim(threshold) == 0:
        return float(per_slice[0]) if len(per_slice) else float(np.asarray(threshold, dtype=np.float64))
    return tuple(float(v) for v in per_slice)


def binary_slice_metrics(
    y_positive: np.ndarray,
    score: np.ndarray,
    codes: np.ndarray,
    n_slices: int,
    threshold: float | Sequence[float] | np.ndarray | RowThresholds,
    *,
    probabilities: bool = True,
    index: SliceIndex | None = None,
    losses: bool = True,
) -> SliceMetrics:
    """Binary metrics per slice at ``threshold`` (predicted positive when ``score >= threshold``); one threshold
    for every slice, one per slice, or one per row (:class:`RowThresholds`: a decisions file's per-slice
    thresholds on the rows of another slicing).

    ``codes[row]`` is the row's slice in ``[0, n_slices)`` or -1 to leave it
    out. ``probabilities`` is False for ``decision_function`` margins, on
    which log loss and Brier score are not computable. ``index`` is a
    :class:`SliceIndex` of these arrays already built (the screen's);
    ``losses=False`` skips log loss and Brier score (the O(n) part).
    """
    y_positive = np.asarray(y_positive, dtype=bool)
    score = np.asarray(score, dtype=np.float64)
    if index is None:
        index = SliceIndex(score, y_positive, codes, n_slices)
    rows: list[dict[str, tuple[float, str]]] = []
    if isinstance(threshold, RowThresholds):  # per-slice thresholds of another slicing: each row at its own
        confusion = row_confusion(y_positive, score, codes, n_slices, threshold)
        per_slice = threshold.per_slice(codes, n_slices)
        threshold = per_slice if n_slices != 1 else float(per_slice[0])
    else:
        confusion = index.counts_at(threshold)
        per_slice = np.broadcast_to(np.asarray(threshold, dtype=np.float64), (n_slices,))
    groups: Sequence[np.ndarray | None] = group_rows(codes, n_slices) if losses and probabilities else [None] * n_slices
    for k, idx in enumerate(groups):
        tn, fp, fn, tp = (int(v) for v in confusion[k])
        b = BinaryMetrics(float(per_slice[k]), tp=tp, fp=fp, tn=tn, fn=fn)
        if b.n == 0:
            r = {name: (float("nan"), NO_ROWS) for name in BINARY_METRICS}
            r["example_count"] = (0.0, "")
        else:
            r = _binary_slice_row(b, index.index(k)) | _binary_losses(y_positive, score, idx, probabilities)
        rows.append(r)
    return pack_slice_rows("binary", _threshold_shown(threshold, per_slice), BINARY_METRICS, rows, confusion)


__all__ = [
    "BINARY_METRICS",
    "DESCRIPTIONS",
    "LOWER_IS_BETTER",
    "MULTICLASS_METRICS",
    "REGRESSION_METRICS",
    "SliceIndex",
    "SliceMetrics",
    "TASK_METRICS",
    "NO_ROWS",
    "binary_rates",
    "binary_slice_metrics",
    "binary_slice_rates",
    "pack_slice_rows",
]
