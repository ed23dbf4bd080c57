"""How sure is the slice table as the threshold moves: its intervals at the cost of two binomial draws per slice.

Resampling the rows of the whole data splits in two steps. How many negatives and positives of each slice a
resample holds does not depend on the threshold: one multinomial over the ``2 × slices`` (slice, label) cells,
drawn once per slicing (:func:`label_draws`). Given those, each resampled negative of slice ``k`` is predicted
positive with probability ``fp / negatives`` at the threshold, so ``fp* ~ Binomial(negatives*, fp / negatives)``,
and likewise ``tp*`` for the positives: the same distribution as one multinomial over the four cells of every
slice, for half the draws on each move. The move's draws use a fixed seed, so the intervals change smoothly as
the threshold does instead of jittering from one seed to the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    IntervalOptions,
    TableIntervals,
    table_from_draws,
)


@dataclass(frozen=True)
class LabelDraws:
    """Each resample's negatives and positives per slice, ``(resamples, slices)`` each: threshold-free."""

    negatives: np.ndarray
    positives: np.ndarray
    options: IntervalOptions
    #: the slices' own negatives and positives (the same at every threshold)
    totals: np.ndarray


def label_draws(counts: np.ndarray, options: IntervalOptions = DEFAULT_INTERVALS) -> LabelDraws:
    """The threshold-free half of the table bootstrap, from any one threshold's counts (K × 4, ``tn, fp, fn, tp``):
    one multinomial over every slice's negatives and positives, as resampling the rows of the whole data."""
    c = np.asarray(counts, dtype=np.int64).reshape(-1, 4)
    cells = np.stack([c[:, 0] + c[:, 1], c[:, 2] + c[:, 3]], axis=1).ravel()  # neg_0, pos_0, neg_1, ...
    total = int(cells.sum())
    rng = np.random.default_rng(options.seed)
    if total == 0:
        flat = np.zeros((options.resamples, cells.size), dtype=np.int64)
    else:
        flat = rng.multinomial(total, cells / total, size=options.resamples)
    drawn = flat.reshape(options.resamples, -1, 2)
    totals = cells.reshape(-1, 2)
    return LabelDraws(np.ascontiguousarray(drawn[..., 0]), np.ascontiguousarray(drawn[..., 1]), options, totals)


def completed_draws(draws: LabelDraws, counts: np.ndarray) -> np.ndarray:
    """Every resample's cells at a threshold's ``counts`` (the same rows and slices as ``draws``), shape
    ``(resamples, slices, 4)`` in ``tn, fp, fn, tp`` order: two binomial draws per slice and resample."""
    c = np.asarray(counts, dtype=np.int64).reshape(-1, 4)
    neg, pos = c[:, 0] + c[:, 1], c[:, 2] + c[:, 3]
    if not np.array_equal(np.stack([neg, pos], axis=1), draws.totals):
        raise ValueError("counts do not match the rows and slices the label draws were made for")
    rng = np.random.default_rng([draws.options.seed, 1])
    p_fp = np.where(neg > 0, c[:, 1] / np.maximum(neg, 1), 0.0)
    p_tp = np.where(pos > 0, c[:, 3] / np.maximum(pos, 1), 0.0)
    fp = rng.binomial(draws.negatives, p_fp)
    tp = rng.binomial(draws.positives, p_tp)
    return np.stack([draws.negatives - fp, fp, draws.positives - tp, tp], axis=2)


def table_intervals_at(draws: LabelDraws, counts: np.ndarray, rates: Sequence[str]) -> TableIntervals:
    """:func:`~wit_tui.engine.metrics.slice_intervals.table_intervals` at a new threshold's ``counts``: Wilson
    overall and per slice, and each slice's F1, the overall F1 and the gaps of ``rates`` from the resamples
    completed at this threshold (:func:`completed_draws`)."""
    return table_from_draws(counts, completed_draws(draws, counts), rates, draws.options)


__all__ = ["LabelDraws", "completed_draws", "label_draws", "table_intervals_at"]
