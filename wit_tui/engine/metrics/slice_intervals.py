"""How sure is each slice's number: intervals of every confusion-cell metric, the AUC, and the fairness gaps.

Everything here works from per-slice confusion counts (rows ``tn, fp, fn, tp``, as
``SliceIndex.counts_at``), so an interval follows a threshold move at the cost of a few array operations:

- proportions: Wilson, one vectorised call over every slice;
- F1 (and any other cell metric): the multinomial bootstrap, every slice drawn in one call;
- fairness gaps: resampling the rows of all groups together is one multinomial draw over the ``4 × groups``
  cells, so group sizes vary between resamples exactly as when rows are resampled;
- AUC: DeLong per slice from the slice index's sorted scores.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.metrics.intervals import AucVariance, Interval, auc_variance, sorted_auc_variance, wilson
from wit_tui.engine.metrics.intervals import _z as normal_quantile
from wit_tui.engine.metrics.slice_index import SliceIndex

#: each proportion as (successes, trials) of the cells ``tn, fp, fn, tp``
PROPORTIONS: dict[str, Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]]] = {
    "accuracy": lambda c: (c[:, 0] + c[:, 3], c.sum(axis=1)),
    "precision": lambda c: (c[:, 3], c[:, 3] + c[:, 1]),
    "recall": lambda c: (c[:, 3], c[:, 3] + c[:, 2]),
    "fpr": lambda c: (c[:, 1], c[:, 1] + c[:, 0]),
    "fnr": lambda c: (c[:, 2], c[:, 2] + c[:, 3]),
    "tnr": lambda c: (c[:, 0], c[:, 0] + c[:, 1]),
    "selection_rate": lambda c: (c[:, 1] + c[:, 3], c.sum(axis=1)),
    "base_rate": lambda c: (c[:, 2] + c[:, 3], c.sum(axis=1)),
}
#: the small-slice flag: fewer rows than this and a slice's interval is wide whatever the method
SMALL_SLICE_ROWS = 30


@dataclass(frozen=True)
class IntervalOptions:
    """The level, the bootstrap's resamples and seed (fixed: the same data gives the same interval), and the
    row cap of bootstraps that need rows (average precision, regression): above it they use a seeded subsample
    of that many rows, and say so."""

    level: float = 0.95
    resamples: int = 1000
    seed: int = 0
    subsample: int = 100_000

    def __post_init__(self) -> None:
        # a bad value here is a caller's bug (the command line checks its flags first): fail where it is made
        normal_quantile(self.level)
        if self.resamples < 1:
            raise ValueError(f"resamples must be at least 1, got {self.resamples!r}")
        if self.subsample < 2:
            raise ValueError(f"subsample must be at least 2 rows, got {self.subsample!r}")


DEFAULT_INTERVALS = IntervalOptions()


@dataclass(frozen=True)
class Intervals:
    """One metric's interval on each slice (``low[k]``, ``high[k]``; NaN where the metric is undefined)."""

    low: np.ndarray
    high: np.ndarray
    method: str
    level: float

    def at(self, k: int) -> Interval:
        return Interval(float(self.low[k]), float(self.high[k]), self.method, self.level)


def _cells(counts: np.ndarray) -> np.ndarray:
    c = np.asarray(counts, dtype=np.int64).reshape(-1, 4)
    if (c < 0).any():
        raise ValueError("confusion counts must be non-negative")
    return c


def _f1(c: np.ndarray) -> np.ndarray:
    """F1 of cells ``(..., 4)`` in ``tn, fp, fn, tp`` order, NaN where nobody is positive in truth or prediction
    (the resample is then left out, rather than counted as sklearn's 0)."""
    tp, fp, fn = c[..., 3], c[..., 1], c[..., 2]
    den = 2 * tp + fp + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 2 * tp / den, np.nan)


def _multinomial(cells: np.ndarray, resamples: int, rng: np.random.Generator) -> np.ndarray:
    """``resamples`` draws of ``Multinomial(n_k, cells_k / n_k)`` for every row ``k`` of ``cells`` (K × C), shape
    ``(resamples, K, C)``; an empty row draws zeros."""
    c = np.asarray(cells, dtype=np.int64)
    if c.size == 0:
        return np.zeros((resamples, *c.shape), dtype=np.int64)
    n = c.sum(axis=1)
    p = np.where(n[:, None] > 0, c / np.maximum(n, 1)[:, None], 1.0 / c.shape[1])
    return rng.multinomial(n, p, size=(resamples, len(c)))


def multinomial_draws(counts: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """``resamples`` bootstrap draws of each slice's cells, shape ``(resamples, slices, 4)``: resampling a slice's
    n rows only changes how many fall in each cell, i.e. ``Multinomial(n, cells / n)``."""
    return _multinomial(_cells(counts), resamples, np.random.default_rng(seed))


def _lerp(a: np.ndarray, b: np.ndarray, t: np.ndarray | float) -> np.ndarray:
    """numpy's quantile interpolation, written the way it is (so the bounds equal ``np.quantile``'s)."""
    return np.where(np.asarray(t) >= 0.5, b - (b - a) * (1 - np.asarray(t)), a + (b - a) * np.asarray(t))


def percentile(values: np.ndarray, level: float) -> tuple[np.ndarray, np.ndarray]:
    """The percentile interval over axis 0 (numpy's default linear interpolation), ignoring undefined (NaN or
    infinite) resamples; a column with none defined gives NaN bounds. When every resample is defined (the usual
    case) two partial sorts do, else one sort of every column at once."""
    v = np.asarray(values, dtype=np.float64)
    qs = (0.5 - 0.5 * level, 0.5 + 0.5 * level)
    if len(v) and np.isfinite(v).all():
        last = len(v) - 1
        pos = [q * last for q in qs]
        kth = sorted({int(np.floor(p)) for p in pos} | {min(int(np.floor(p)) + 1, last) for p in pos})
        part = np.partition(v, kth, axis=0)
        out = []
        for p in pos:
            below = int(np.floor(p))
            out.append(_lerp(part[below], part[min(below + 1, last)], p - below))
        return out[0], out[1]
    v = np.sort(np.where(np.isfinite(v), v, np.nan), axis=0)  # NaN sorts last
    defined = np.count_nonzero(~np.isnan(v), axis=0)
    bounds = []
    for q in qs:
        pos_k = q * np.maximum(defined - 1, 0)
        below_k = np.floor(pos_k).astype(np.int64)
        above_k = np.minimum(below_k + 1, np.maximum(defined - 1, 0))
        a = np.take_along_axis(v, below_k[None], axis=0)[0]
        b = np.take_along_axis(v, above_k[None], axis=0)[0]
        bounds.append(np.where(defined > 0, _lerp(a, b, pos_k - below_k), np.nan))
    return bounds[0], bounds[1]


def _wilson_all(c: np.ndarray, level: float) -> dict[str, Intervals]:
    """Every proportion's Wilson interval on every row of ``c``: one vectorised call for all of them."""
    parts = [p(c) for p in PROPORTIONS.values()]
    low, high = wilson(np.stack([k for k, _ in parts]), np.stack([n for _, n in parts]), level)
    return {
        name: Intervals(np.atleast_1d(low[j]), np.atleast_1d(high[j]), "wilson", level)
        for j, name in enumerate(PROPORTIONS)
    }


def _f1_intervals(draws: np.ndarray, level: float) -> Intervals:
    low, high = percentile(_f1(draws), level)
    return Intervals(np.atleast_1d(low), np.atleast_1d(high), "bootstrap", level)


def confusion_intervals(counts: np.ndarray, options: IntervalOptions = DEFAULT_INTERVALS) -> dict[str, Intervals]:
    """Every proportion's Wilson interval and F1's multinomial bootstrap (each slice's n rows resampled), per slice
    of ``counts`` (K × 4)."""
    c = _cells(counts)
    out = _wilson_all(c, options.level)
    out["f1"] = _f1_intervals(multinomial_draws(c, options.resamples, options.seed), options.level)
    return out


@dataclass(frozen=True)
class TableIntervals:
    """The intervals of a slice table at one threshold: the overall row, every slice's, and the gaps between
    slices, all from the same resamples."""

    overall: dict[str, Intervals]
    slices: dict[str, Intervals]
    gaps: dict[str, Interval]


def table_intervals(
    counts: np.ndarray, rates: Sequence[str], options: IntervalOptions = DEFAULT_INTERVALS
) -> TableIntervals:
    """What a threshold move needs, in one multinomial draw over every slice's cells: Wilson for every
    proportion (overall and per slice), and from the same resamples of all rows each slice's F1, the overall F1
    (the sum of the slices' cells) and the gaps of ``rates`` between slices.

    The slices must partition the rows (as a slicing's do), so that their cells add up to the overall ones;
    resampling the whole data lets slice sizes vary, which is how a by-group bootstrap of all rows behaves.
    """
    c = _cells(counts)
    return table_from_draws(c, group_rate_draws(c, options.resamples, options.seed), rates, options)


def table_from_draws(
    counts: np.ndarray, draws: np.ndarray, rates: Sequence[str], options: IntervalOptions
) -> TableIntervals:
    """:func:`table_intervals` from resamples of every slice's cells already drawn (resamples × slices × 4)."""
    c = _cells(counts)
    both = _wilson_all(np.concatenate([c.sum(axis=0, keepdims=True), c]), options.level)
    overall = {k: Intervals(v.low[:1], v.high[:1], v.method, v.level) for k, v in both.items()}
    slices = {k: Intervals(v.low[1:], v.high[1:], v.method, v.level) for k, v in both.items()}
    overall["f1"] = _f1_intervals(draws.sum(axis=1), options.level)
    slices["f1"] = _f1_intervals(draws, options.level)
    return TableIntervals(overall, slices, gaps_of_draws(draws, rates, options.level))


def _delong_bounds(estimates: Sequence[AucVariance], options: IntervalOptions) -> Intervals:
    z = normal_quantile(options.level)
    auc = np.array([e.auc for e in estimates], dtype=np.float64)
    half = z * np.sqrt(np.array([e.variance for e in estimates], dtype=np.float64))
    return Intervals(np.maximum(0.0, auc - half), np.minimum(1.0, auc + half), "delong", options.level)


def auc_intervals(
    scores: Sequence[np.ndarray], positives: Sequence[np.ndarray], options: IntervalOptions = DEFAULT_INTERVALS
) -> Intervals:
    """DeLong's interval of each slice's ROC AUC from its scores and boolean labels (clipped to [0, 1]; NaN on a
    slice without both classes)."""
    return _delong_bounds([auc_variance(y, s) for s, y in zip(scores, positives, strict=True)], options)


def index_auc_intervals(index: SliceIndex, options: IntervalOptions = DEFAULT_INTERVALS) -> Intervals:
    """DeLong's interval of each slice's AUC from a :class:`SliceIndex`: its rows are already grouped by slice and
    sorted by score, so each slice costs O(rows), no sort."""
    return _delong_bounds([sorted_auc_variance(*index.slice_arrays(k)) for k in range(index.n_slices)], options)


def ovr_intervals(
    y_is_class: np.ndarray,
    pred_is_class: np.ndarray,
    class_score: np.ndarray | None,
    codes: np.ndarray,
    n_slices: int,
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> dict[str, Intervals]:
    """One class against the rest, per slice: the intervals beside ``ovr_slice_metrics`` (same cells): Wilson for
    the rates, the multinomial bootstrap for F1, DeLong for the class's AUC (absent without class scores)."""
    y_is_class = np.asarray(y_is_class, dtype=bool)
    pred_is_class = np.asarray(pred_is_class, dtype=bool)
    codes = np.asarray(codes, dtype=np.int64)
    keep = codes >= 0
    cells = codes[keep] * 4 + 2 * y_is_class[keep] + pred_is_class[keep]
    counts = np.bincount(cells, minlength=4 * n_slices).reshape(n_slices, 4)
    out = confusion_intervals(counts, options)
    if class_score is not None:
        index = SliceIndex(np.asarray(class_score, dtype=np.float64), y_is_class, codes, n_slices)
        out["auc"] = index_auc_intervals(index, options)
    return out


def group_rate_draws(confusion: np.ndarray, resamples: int, seed: int) -> np.ndarray:
    """Bootstrap draws of every group's cells resampled together, shape ``(resamples, groups, 4)``: one multinomial
    over all ``4 × groups`` cells, as resampling the rows of the whole data (group sizes vary too)."""
    c = _cells(confusion)
    flat = _multinomial(c.reshape(1, -1), resamples, np.random.default_rng(seed))
    return flat.reshape(resamples, *c.shape)


#: the named gaps over the rates' differences (largest) and ratios (smallest), as the fairness summary
NAMED_GAPS = {
    "demographic_parity": ("selection_rate",),
    "equal_opportunity": ("recall",),
    "equalized_odds": ("recall", "fpr"),
}


def gaps_of_draws(draws: np.ndarray, rates: Sequence[str], level: float) -> dict[str, Interval]:
    """Each gap's percentile interval over ``draws`` (resamples × groups × 4, however they were resampled): every
    rate of every resample at once, then one sort for all the gaps."""
    if not rates:
        return {}
    cells = np.ascontiguousarray(draws.transpose(1, 2, 0))  # (groups, 4, resamples): reduce over groups fast
    parts = [PROPORTIONS[name](cells) for name in rates]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.stack([k for k, _ in parts]) / np.stack([n for _, n in parts])  # (rates, groups, resamples)
    bad = np.isnan(r).any(axis=1) | (r.shape[1] == 0)  # (rates, resamples)
    hi = np.max(r, axis=1, initial=-np.inf)
    lo = np.min(r, axis=1, initial=np.inf)
    diff = np.where(bad, np.nan, hi - lo)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(bad | (hi == 0), np.nan, lo / np.where(hi == 0, 1, hi))
    row = {name: j for j, name in enumerate(rates)}
    names = [f"{n}_difference" for n in rates] + [f"{n}_ratio" for n in rates]
    columns = [*diff, *ratio]
    for gap, used in NAMED_GAPS.items():
        if all(p in row for p in used):
            names += [f"{gap}_difference", f"{gap}_ratio"]
            columns += [diff[[row[p] for p in used]].max(axis=0), ratio[[row[p] for p in used]].min(axis=0)]
    low, high = percentile(np.stack(columns, axis=1), level)
    return {name: Interval(float(low[j]), float(high[j]), "bootstrap", level) for j, name in enumerate(names)}


def gap_intervals(
    confusion: np.ndarray,
    rates: Sequence[str],
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> dict[str, Interval]:
    """Bootstrap intervals of each rate's difference and ratio between groups (``<rate>_difference``,
    ``<rate>_ratio``) and of the named gaps over them (demographic parity, equalized odds, equal opportunity),
    from per-group confusion counts; a resample where a group's rate is undefined is left out for that gap, and
    a ratio whose largest rate is 0 (0/0) too."""
    draws = group_rate_draws(confusion, options.resamples, options.seed)
    return gaps_of_draws(draws, rates, options.level)


__all__ = [
    "DEFAULT_INTERVALS",
    "PROPORTIONS",
    "SMALL_SLICE_ROWS",
    "TableIntervals",
    "IntervalOptions",
    "NAMED_GAPS",
    "Intervals",
    "auc_intervals",
    "confusion_intervals",
    "gap_intervals",
    "gaps_of_draws",
    "index_auc_intervals",
    "group_rate_draws",
    "multinomial_draws",
    "ovr_intervals",
    "percentile",
    "table_from_draws",
    "table_intervals",
]
