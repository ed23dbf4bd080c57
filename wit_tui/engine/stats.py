"""What is in the data: per-feature statistics (Facets Overview style) and histograms.

Numeric columns get count, missing, zeros, mean, sample std (n−1, as Facets and
pandas), min, median and max; categorical ones get unique values, the top value
and its frequency. Results are computed once per dataset and cached by the
caller (the Session).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


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


def is_numeric(series: pd.Series) -> bool:
    """Numbers (not booleans) are numeric; strings, categories and booleans are categorical."""
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def feature_stats(series: pd.Series, name: str | None = None) -> FeatureStats:
    name = str(series.name if name is None else name)
    n = len(series)
    if is_numeric(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = values[~np.isnan(values)]
        count = len(finite)
        missing = n - count
        if count:
            return FeatureStats(
                name, "numeric", count, missing, 100.0 * missing / n if n else 0.0,
                mean=float(finite.mean()), std=float(finite.std(ddof=1)) if count > 1 else float("nan"),
                min=float(finite.min()), median=float(np.median(finite)), max=float(finite.max()),
                zeros_pct=100.0 * float(np.count_nonzero(finite == 0)) / n,
                unique=int(len(np.unique(finite))),
            )
        return FeatureStats(name, "numeric", 0, missing, 100.0 if n else 0.0)
    counts = series.value_counts(dropna=True, sort=True)
    count = int(counts.sum())
    missing = n - count
    top = str(counts.index[0]) if len(counts) else None
    return FeatureStats(
        name, "categorical", count, missing, 100.0 * missing / n if n else 0.0,
        unique=int((counts > 0).sum()), top=top, freq=int(counts.iloc[0]) if len(counts) else 0,
    )


def dataset_stats(frame: pd.DataFrame, columns: list[str]) -> list[FeatureStats]:
    return [feature_stats(frame[c], c) for c in columns]


@dataclass(frozen=True)
class Histogram:
    """Counts per bin (numeric: ``edges`` has one more entry than ``counts``) or per category (``labels``)."""

    counts: np.ndarray
    edges: np.ndarray | None = None
    labels: tuple[str, ...] = ()
    missing: int = 0


def histogram(series: pd.Series, bins: int = 20, top: int = 15) -> Histogram:
    """Equal-width histogram of a numeric column (as ``np.histogram``) or the top categories' counts."""
    if is_numeric(series):
        values = series.to_numpy(dtype=np.float64, na_value=np.nan)
        finite = values[np.isfinite(values)]
        missing = len(values) - len(finite)
        if len(finite) == 0:
            return Histogram(np.zeros(0, np.int64), np.zeros(1), missing=missing)
        uniq = np.unique(finite)
        if len(uniq) <= min(bins, 12) and np.all(uniq == np.round(uniq)):
            # few integer values: one bar per value reads better than empty bins
            counts = np.array([np.count_nonzero(finite == u) for u in uniq], dtype=np.int64)
            return Histogram(counts, labels=tuple(f"{u:g}" for u in uniq), missing=missing)
        counts, edges = np.histogram(finite, bins=bins)
        return Histogram(counts.astype(np.int64), edges, missing=missing)
    counts = series.value_counts(dropna=True, sort=True)
    counts = counts[counts > 0]
    head = counts.iloc[:top]
    labels = tuple(str(i) for i in head.index)
    values = head.to_numpy(dtype=np.int64)
    if len(counts) > top:
        labels += (f"(other {len(counts) - top})",)
        values = np.r_[values, counts.iloc[top:].sum()]
    return Histogram(values, labels=labels, missing=int(series.isna().sum()))


__all__ = ["FeatureStats", "Histogram", "feature_stats", "dataset_stats", "histogram", "is_numeric"]
