"""How a histogram's bars divide among groups (e.g. the classes of the ground truth, or reference vs current).

The bars are the overall histogram's, so the groups are comparable; each row's bar is found the way
:func:`~wit_tui.engine.analysis.stats.histogram` counted it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.stats import Histogram, category_counts
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.slicing import feature_slices


@dataclass(frozen=True)
class SplitHistogram:
    """One histogram's bins counted per group (``counts[g, b]``), e.g. per class of the ground truth.

    The bins are the overall histogram's (``histogram``), so the groups are
    comparable and ``counts.sum(axis=0)`` is the overall count of rows that
    belong to a group. ``missing[g]`` counts group ``g``'s rows without a value.
    """

    histogram: Histogram
    groups: tuple[str, ...]
    counts: np.ndarray
    missing: np.ndarray

    def shares(self) -> np.ndarray:
        """Each group's counts as a share of that group's binned rows (rows of a group sum to 1)."""
        totals = self.counts.sum(axis=1, keepdims=True).astype(np.float64)
        return np.divide(self.counts, totals, out=np.zeros(self.counts.shape), where=totals > 0)


def bin_index(series: pd.Series, hist: Histogram) -> np.ndarray:
    """Each row's bar in ``hist`` (as the histogram counts it), or -1 when the row is not counted (missing)."""
    if is_numeric(series):
        x = series.to_numpy(dtype=np.float64, na_value=np.nan)
        out = np.full(len(x), -1, dtype=np.int64)
        ok = np.isfinite(x)
        if hist.edges is not None:
            edges = hist.edges
            nb = len(edges) - 1
            if nb < 1:
                return out
            ok &= (x >= edges[0]) & (x <= edges[-1])
            idx = np.searchsorted(edges, x[ok], side="right") - 1
            out[ok] = np.minimum(idx, nb - 1)  # the last bin includes its right edge
        elif hist.values is not None:
            idx = np.searchsorted(hist.values, x[ok])
            idx = np.minimum(idx, len(hist.values) - 1)
            hit = hist.values[idx] == x[ok]
            tmp = np.full(int(ok.sum()), -1, dtype=np.int64)
            tmp[hit] = idx[hit]
            out[ok] = tmp
        return out
    # categorical: the bar of each shown value; every other value goes to "(other …)" when there is one
    counts, uniques, _ = category_counts(series)
    position = {lab: k for k, lab in enumerate(hist.labels)}
    other = len(hist.labels) - 1 if hist.labels and hist.labels[-1].startswith("(other ") else -1
    mapping = np.array([position.get(str(u), other) for u in uniques] or [-1], dtype=np.int64)
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes = series.cat.codes.to_numpy().astype(np.intp)
    else:
        codes = pd.factorize(series, use_na_sentinel=True)[0].astype(np.intp)
    out = np.where(codes >= 0, mapping[np.maximum(codes, 0)], -1)
    return out.astype(np.int64)


def split_histogram(series: pd.Series, hist: Histogram, codes: np.ndarray, groups: Sequence[str]) -> SplitHistogram:
    """Counts of ``hist``'s bars per group; ``codes[row]`` is the row's group (``-1``: in no group)."""
    codes = np.asarray(codes, dtype=np.int64)
    if len(codes) != len(series):
        raise WitError(f"The split has {len(codes):,} codes for {len(series):,} rows.", "Give one group code per row.")
    g, nb = len(groups), len(hist.counts)
    bars = bin_index(series, hist)
    in_group = codes >= 0
    counted = in_group & (bars >= 0)
    flat = np.bincount(codes[counted] * nb + bars[counted], minlength=g * nb) if nb else np.zeros(0, np.int64)
    missing = np.bincount(codes[in_group & (bars < 0)], minlength=g)
    return SplitHistogram(hist, tuple(groups), flat.reshape(g, nb).astype(np.int64), missing.astype(np.int64))


def split_groups(series: pd.Series, max_groups: int = 6, buckets: int = 4) -> tuple[np.ndarray, tuple[str, ...]]:
    """Group codes to split a histogram by: the slices of ``series`` (see ``slicing.feature_slices``),
    the largest ``max_groups − 1`` kept and the rest merged into ``(other)`` when there are more."""
    fs = feature_slices(series, buckets)
    if fs.n_slices <= max_groups:
        return fs.codes.astype(np.int64), fs.labels
    keep = np.argsort(-fs.counts, kind="stable")[: max_groups - 1]
    keep.sort()
    remap = np.full(fs.n_slices, max_groups - 1, dtype=np.int64)
    remap[keep] = np.arange(len(keep))
    labels = tuple(fs.labels[k] for k in keep) + (f"(other {fs.n_slices - len(keep)})",)
    return remap[fs.codes], labels


__all__ = ["SplitHistogram", "bin_index", "split_groups", "split_histogram"]
