"""What is in the data: per-feature statistics (Facets Overview style), histograms and red flags.

Numeric columns get count, missing, zeros, mean, sample std (n−1, as Facets and
pandas), min, median and max; categorical ones get unique values, the top value,
its frequency and the entropy of their values. Both get a non-uniformity score
and red flags, so a user can sort the table by what deserves a look first.

It has to be fast: the whole table plus every histogram, on 1,000,000 rows, must
cost no more than ``DataFrame.describe(include="all")``. So each column is read
once. A numeric column is sorted once (``np.sort``), and every order statistic
(min, median, max), the distinct count, the zero count and both histograms (the
displayed one and the 10-bucket one behind non-uniformity) are binary searches
in the sorted values. A categorical column is counted once, with ``np.bincount``
over its category codes. Results are cached by the caller (the Session).

Definitions:

- **non-uniformity** = 1 − H / ln(k), where H = −Σ pₖ ln pₖ over the feature's
  standard histogram: 10 equal-width buckets for a numeric feature, one bucket
  per distinct value for a categorical one (Facets' normalised entropy, turned
  around so that larger means *less* uniform: 1 for a single value, 0 for a
  perfectly even spread; NaN when the feature has no values at all).
- **entropy** (categorical): −Σ pₖ log₂ pₖ over the distinct values, in bits.
- **flags** (Facets' red flags plus the constant case): all values missing,
  more than 2% missing, a single distinct value, more than 10% zeros, and
  non-finite numbers (±inf).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import IsCancelled, Progress, check_cancelled

MISSING_FLAG_PCT = 2.0  # Facets: "missing % > 2%"
ZEROS_FLAG_PCT = 10.0  # Facets: "zeros % > 10%"
UNIFORMITY_BUCKETS = 10  # Facets' standard numeric histogram
DEFAULT_BINS = 20
DEFAULT_TOP = 15
VALUE_BARS_MAX = 12  # a numeric column with at most this many integer values gets one bar per value


@dataclass(frozen=True)
class FeatureStats:
    """Statistics of one column; numeric fields are NaN for categorical columns and vice versa."""

    name: str
    kind: str  # "numeric" | "categorical"
    count: int
    missing: int
    missing_pct: float
    mean: float = float("nan")
    std: float = float("nan")
    min: float = float("nan")
    median: float = float("nan")
    max: float = float("nan")
    zeros_pct: float = float("nan")
    unique: int = 0
    top: str | None = None
    freq: int = 0
    entropy: float = float("nan")  # categorical: bits
    non_uniformity: float = float("nan")  # 1 − normalised entropy of the standard histogram
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Histogram:
    """Counts per bin (numeric: ``edges`` has one more entry than ``counts``) or per category (``labels``).

    ``values`` holds the numbers behind ``labels`` when a numeric column with few
    integer values is drawn as one bar per value (None otherwise).
    """

    counts: np.ndarray
    edges: np.ndarray | None = None
    labels: tuple[str, ...] = ()
    missing: int = 0
    values: np.ndarray | None = None


@dataclass(frozen=True)
class DatasetProfile:
    """The statistics table and every feature's histogram (at ``bins`` bins), computed in one pass per column."""

    stats: tuple[FeatureStats, ...]
    histograms: dict[str, Histogram] = field(compare=False)
    bins: int
    n_rows: int

    def by_name(self) -> dict[str, FeatureStats]:
        return {s.name: s for s in self.stats}


# -- helpers over counts --------------------------------------------------------
def _entropy(counts: np.ndarray, log=np.log) -> float:
    counts = counts[counts > 0]
    total = counts.sum()
    if total == 0:
        return float("nan")
    p = counts / total
    return float(-(p * log(p)).sum()) + 0.0  # + 0.0: never -0.0


def non_uniformity(counts: np.ndarray) -> float:
    """1 − H/ln(k) over ``counts`` (k buckets): Facets' normalised entropy, larger = less uniform."""
    counts = np.asarray(counts, dtype=np.float64)
    k = len(counts)
    if k == 0 or counts.sum() == 0:
        return float("nan")
    if k == 1:
        return 1.0
    return float(min(1.0, max(0.0, 1.0 - _entropy(counts) / np.log(k))))


def _flags(
    kind: str, n: int, count: int, missing_pct: float, unique: int, zeros_pct: float, non_finite: int
) -> tuple[str, ...]:
    flags = []
    if n and count == 0:
        return ("all missing",)
    if missing_pct > MISSING_FLAG_PCT:
        flags.append(f"missing {missing_pct:.1f}%")
    if unique == 1:
        flags.append("single value")
    if kind == "numeric" and zeros_pct > ZEROS_FLAG_PCT:
        flags.append(f"zeros {zeros_pct:.0f}%")
    if non_finite:
        flags.append(f"{non_finite:,} non-finite")
    return tuple(flags)


def _sorted_counts(sorted_values: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``np.histogram`` counts (bins ``[e_i, e_i+1)``, the last one closed) of already sorted finite values."""
    pos = np.searchsorted(sorted_values, edges, side="left")
    counts = np.diff(pos)
    counts[-1] += len(sorted_values) - pos[-1]  # values equal to the last edge
    return counts.astype(np.int64)


def _edges(first: float, last: float, bins: int) -> np.ndarray:
    """The edges ``np.histogram(x, bins)`` uses for data spanning [first, last] (±0.5 around a constant).

    A span too narrow for ``bins`` distinct float edges (``0`` and ``5e-324``: numpy raises "Too many bins for
    data range") gets as many bins as it can hold, down to one, rather than no statistics at all."""
    while True:
        try:
            return np.histogram_bin_edges(np.empty(0), bins=bins, range=(first, last))
        except ValueError:
            if bins <= 1:
                raise
            bins = max(1, bins // 2)


# -- numeric columns ------------------------------------------------------------
def _moments(valid: np.ndarray) -> tuple[float, float, float]:
    """Mean, sample std (n−1) and median of sorted non-missing values, as pandas' ``describe``."""
    count = len(valid)
    with np.errstate(invalid="ignore", over="ignore"):  # ±inf values give inf/NaN, as in pandas
        mean = float(valid.mean())
        if count > 1:
            dev = valid - mean
            std = float(np.sqrt(np.dot(dev, dev) / (count - 1)))
        else:
            std = float("nan")
    k = (count - 1) // 2
    if count % 2:
        median = float(valid[k])
    else:  # numpy's linear interpolation (what pandas' describe uses), at t = 0.5
        a, b = valid[k], valid[k + 1]
        median = float(b - (b - a) * 0.5)
    return mean, std, median


def _numeric_profile(series: pd.Series, name: str, bins: int) -> tuple[FeatureStats, Histogram]:
    values = series.to_numpy(dtype=np.float64, na_value=np.nan)
    n = len(values)
    s = np.sort(values)  # NaN sorts last: one sort gives every order statistic and every histogram
    count = int(np.searchsorted(s, np.nan, side="left"))
    valid = s[:count]
    missing = n - count
    missing_pct = 100.0 * missing / n if n else 0.0
    if count == 0:
        flags = _flags("numeric", n, 0, missing_pct, 0, 0.0, 0)
        stats = FeatureStats(name, "numeric", 0, missing, missing_pct, flags=flags)
        return stats, Histogram(np.zeros(0, np.int64), np.zeros(1), missing=missing)
    lo = int(np.searchsorted(valid, -np.inf, side="right"))
    hi = int(np.searchsorted(valid, np.inf, side="left"))
    finite = valid[lo:hi]
    non_finite = count - len(finite)
    mean, std, median = _moments(valid)
    zeros = int(np.searchsorted(valid, 0.0, side="right") - np.searchsorted(valid, 0.0, side="left"))
    zeros_pct = 100.0 * zeros / n
    unique = int(np.count_nonzero(valid[1:] != valid[:-1])) + 1

    if len(finite):
        nu = non_uniformity(_sorted_counts(finite, _edges(finite[0], finite[-1], UNIFORMITY_BUCKETS)))
        hist = _numeric_histogram(finite, bins, missing=n - len(finite))
    else:
        nu = float("nan")
        hist = Histogram(np.zeros(0, np.int64), np.zeros(1), missing=n)
    stats = FeatureStats(
        name,
        "numeric",
        count,
        missing,
        missing_pct,
        mean=mean,
        std=std,
        min=float(valid[0]),
        median=median,
        max=float(valid[-1]),
        zeros_pct=zeros_pct,
        unique=unique,
        non_uniformity=nu,
        flags=_flags("numeric", n, count, missing_pct, unique, zeros_pct, non_finite),
    )
    return stats, hist


def _numeric_histogram(finite: np.ndarray, bins: int, missing: int) -> Histogram:
    """Histogram of sorted finite values: ``np.histogram(bins)`` or, for a few integer values, one bar per value."""
    if len(finite) == 0:
        return Histogram(np.zeros(0, np.int64), np.zeros(1), missing=missing)
    change = np.flatnonzero(finite[1:] != finite[:-1]) + 1
    if len(change) + 1 <= min(bins, VALUE_BARS_MAX):
        starts = np.r_[0, change]
        uniq = finite[starts]
        if np.all(uniq == np.round(uniq)):
            counts = np.diff(np.r_[starts, len(finite)]).astype(np.int64)
            return Histogram(counts, labels=tuple(f"{u:g}" for u in uniq), missing=missing, values=uniq)
    edges = _edges(finite[0], finite[-1], bins)
    return Histogram(_sorted_counts(finite, edges), edges, missing=missing)


# -- categorical columns --------------------------------------------------------
def category_counts(series: pd.Series) -> tuple[np.ndarray, list[Any], int]:
    """Counts per distinct value (in category / first-seen order), the values, and the number missing."""
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy()
        uniques = list(series.cat.categories)
    else:
        codes, uniq = pd.factorize(series, use_na_sentinel=True)
        uniques = list(uniq)
    both = np.bincount(codes.astype(np.intp) + 1, minlength=len(uniques) + 1)
    return both[1:].astype(np.int64), uniques, int(both[0])


def _categorical_profile(series: pd.Series, name: str, top: int) -> tuple[FeatureStats, Histogram]:
    counts, uniques, missing = category_counts(series)
    n = len(series)
    count = n - missing
    missing_pct = 100.0 * missing / n if n else 0.0
    present = np.flatnonzero(counts > 0)
    unique = len(present)
    if unique:
        # most frequent first; ties keep category (or first-seen) order, as value_counts does
        order = present[np.argsort(-counts[present], kind="stable")]
        top_value, freq = str(uniques[order[0]]), int(counts[order[0]])
    else:
        order, top_value, freq = present, None, 0
    stats = FeatureStats(
        name,
        "categorical",
        count,
        missing,
        missing_pct,
        unique=unique,
        top=top_value,
        freq=freq,
        entropy=_entropy(counts[present], np.log2) if unique else float("nan"),
        non_uniformity=non_uniformity(counts[present]),
        flags=_flags("categorical", n, count, missing_pct, unique, float("nan"), 0),
    )
    head = order[:top]
    labels = tuple(str(uniques[i]) for i in head)
    values = counts[head]
    if len(order) > top:
        labels += (f"(other {len(order) - top})",)
        values = np.r_[values, counts[order[top:]].sum()]
    return stats, Histogram(values.astype(np.int64), labels=labels, missing=missing)


# -- public API -----------------------------------------------------------------
def _check_bins(bins: int) -> None:
    if not isinstance(bins, (int, np.integer)) or bins < 1:
        raise WitError(f"A histogram needs at least 1 bin, not {bins!r}.", "Pass bins=1 or more.")


def feature_profile(
    series: pd.Series, name: str | None = None, bins: int = DEFAULT_BINS, top: int = DEFAULT_TOP
) -> tuple[FeatureStats, Histogram]:
    """The statistics and the histogram of one column, from one pass over it."""
    _check_bins(bins)
    name = str(series.name if name is None else name)
    if is_numeric(series):
        return _numeric_profile(series, name, bins)
    return _categorical_profile(series, name, top)


def feature_stats(series: pd.Series, name: str | None = None) -> FeatureStats:
    return feature_profile(series, name)[0]


def session_profile(
    session: Any, *, progress: Progress | None = None, is_cancelled: IsCancelled | None = None
) -> DatasetProfile:
    """The loaded data's profile over the session's features, computed once per session."""
    return session.memo.get(
        ("stats.profile",),
        lambda: dataset_profile(session.data, session.features, progress=progress, is_cancelled=is_cancelled),
    )


def dataset_profile(
    frame: pd.DataFrame,
    columns: Sequence[str],
    bins: int = DEFAULT_BINS,
    top: int = DEFAULT_TOP,
    *,
    progress: Progress | None = None,
    is_cancelled: IsCancelled | None = None,
) -> DatasetProfile:
    """Every column's statistics and histogram: the whole Features table in one pass per column."""
    stats, hists = [], {}
    for k, c in enumerate(columns):
        check_cancelled(is_cancelled)
        st, h = feature_profile(frame[c], c, bins, top)
        stats.append(st)
        hists[str(c)] = h
        if progress is not None:
            progress(k + 1, len(columns))
    return DatasetProfile(tuple(stats), hists, bins, len(frame))


def dataset_stats(frame: pd.DataFrame, columns: list[str]) -> list[FeatureStats]:
    return [feature_stats(frame[c], c) for c in columns]


def histogram(series: pd.Series, bins: int = DEFAULT_BINS, top: int = DEFAULT_TOP) -> Histogram:
    """Equal-width histogram of a numeric column (as ``np.histogram``) or the top categories' counts."""
    _check_bins(bins)
    if is_numeric(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = np.sort(values[np.isfinite(values)])
        return _numeric_histogram(finite, bins, missing=len(values) - len(finite))
    return _categorical_profile(series, str(series.name), top)[1]


# -- the user's edited and added datapoints ---------------------------------------
def edited_frame(rows: Sequence[dict[str, Any]], like: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """A frame of datapoints given as dicts (edited or added ones), with ``like``'s column types where they fit,
    so their statistics read like the dataset's (a categorical stays categorical, a number numeric)."""
    frame = pd.DataFrame(list(rows), columns=list(columns))
    for c in columns:
        dtype = like[c].dtype
        try:
            if isinstance(dtype, pd.CategoricalDtype):
                frame[c] = frame[c].astype(dtype)
            elif is_numeric(like[c]):
                frame[c] = pd.to_numeric(frame[c], errors="coerce")
        except (TypeError, ValueError):
            pass  # an edited value of another type: keep it as given
    return frame


__all__ = [
    "DatasetProfile",
    "FeatureStats",
    "Histogram",
    "dataset_profile",
    "session_profile",
    "dataset_stats",
    "category_counts",
    "edited_frame",
    "feature_profile",
    "feature_stats",
    "histogram",
    "non_uniformity",
]
