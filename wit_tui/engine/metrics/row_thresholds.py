"""Which threshold each row is decided at when slices have their own: the confusion counts of any slicing.

Per-slice thresholds belong to one slicing (the screen's); a check on another slicing (the overall rows, or
``validate``'s slicing specs) holds rows decided at different thresholds. :class:`RowThresholds` carries one
threshold per row, and :func:`row_confusion` counts each slice's cells from the rows themselves, so every
slicing sees the decisions actually made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class RowThresholds:
    """One threshold per row (of the rows it is given with); ``base`` is the model's own threshold, shown where
    a single number is wanted."""

    values: np.ndarray
    base: float

    def take(self, mask: np.ndarray) -> RowThresholds:
        return RowThresholds(np.asarray(self.values, dtype=np.float64)[mask], self.base)

    def __float__(self) -> float:
        return float(self.base)

    def per_slice(self, codes: np.ndarray, n_slices: int) -> np.ndarray:
        """Each slice's threshold where all its rows share one, else NaN (a slice of mixed thresholds)."""
        codes = np.asarray(codes)
        inside = codes >= 0
        c, v = codes[inside], np.asarray(self.values, dtype=np.float64)[inside]
        low = np.full(n_slices, np.inf)
        high = np.full(n_slices, -np.inf)
        np.minimum.at(low, c, v)
        np.maximum.at(high, c, v)
        return np.where(low == high, low, np.nan)


def row_confusion(y_positive: np.ndarray, score: np.ndarray, codes: np.ndarray, n_slices: int, t: RowThresholds):
    """Confusion counts ``(n_slices, 4)`` as ``tn, fp, fn, tp`` with each row at its own threshold (positive when
    its score >= its threshold); rows with code -1 are left out."""
    codes = np.asarray(codes, dtype=np.int64)
    inside = codes >= 0
    predicted = np.asarray(score, dtype=np.float64)[inside] >= np.asarray(t.values, dtype=np.float64)[inside]
    cell = 2 * np.asarray(y_positive, dtype=bool)[inside].astype(np.int64) + predicted.astype(np.int64)
    counts = np.bincount(codes[inside] * 4 + cell, minlength=4 * n_slices)
    return counts.reshape(n_slices, 4).astype(np.int64)


__all__ = ["RowThresholds", "row_confusion"]
