"""How differently does a model treat the groups of a slicing, and how sure is each gap: the one recipe the
report's fairness section and ``validate``'s fairness gaps share.

Per group (a slice of the labelled, scored rows): the confusion counts at the model's threshold, Fairlearn's
MetricFrame of every summary rate (:func:`~wit_tui.engine.metrics.fairness.fairness_summary`), Wilson intervals
per group and overall, and the bootstrap intervals of every difference, ratio and named gap
(:func:`~wit_tui.engine.metrics.slice_intervals.gap_intervals`: rows of all groups resampled together).
Groups with fewer rows than ``min_group_size`` are left out of all of it — and named, with their sizes — since a
7-row group can make a gap of 1.0 that means nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth, model_scores
from wit_tui.engine.metrics.fairness import SUMMARY_RATES, FairnessSummary, fairness_summary
from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.metrics.row_thresholds import RowThresholds, row_confusion
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions, Intervals, confusion_intervals
from wit_tui.engine.metrics.slice_intervals import gap_intervals as bootstrap_gaps
from wit_tui.engine.session.session import Session


@dataclass(frozen=True)
class LeftOut:
    """A group left out of the gaps for having fewer rows than ``min_group_size``."""

    group: str
    rows: int


@dataclass(frozen=True)
class GroupFairness:
    """One model's rates by group (kept groups only), their intervals, the gaps and the gaps' intervals."""

    groups: tuple[str, ...]
    sizes: tuple[int, ...]
    confusion: np.ndarray
    summary: FairnessSummary
    group_intervals: dict[str, Intervals]
    overall_intervals: dict[str, Intervals]
    gap_intervals: dict[str, Interval]
    left_out: tuple[LeftOut, ...] = ()
    min_group_size: int = 1


def group_confusion(
    session: Session,
    i: int,
    codes: np.ndarray,
    n_groups: int,
    threshold: float | RowThresholds | None,
    *,
    truth: GroundTruth | None = None,
) -> np.ndarray:
    """Model ``i``'s confusion counts per group (``n_groups × 4``, ``tn, fp, fn, tp``) over the labelled rows it
    scored, at ``threshold`` (default: its own) — the same rows as ``session_slice_metrics``."""
    truth = ground_truth(session) if truth is None else truth
    mask = truth.labelled
    task = session.tasks[i]
    t = task.default_threshold if threshold is None else threshold
    score = model_scores(session, truth, i)
    codes_l = np.where(np.isnan(score[mask]), -1, np.asarray(codes, dtype=np.int64)[mask])
    if isinstance(t, RowThresholds):  # each row at its own threshold (a decisions file's per-slice ones)
        return row_confusion(truth.positives[mask], score[mask], codes_l, n_groups, t.take(mask))
    index = SliceIndex(score[mask], truth.positives[mask], codes_l, n_groups)
    return np.asarray(index.counts_at(t), dtype=np.int64).reshape(n_groups, 4)


def kept_groups(
    sizes: Sequence[int] | np.ndarray, names: Sequence[str], min_group_size: int = 1
) -> tuple[np.ndarray, tuple[LeftOut, ...]]:
    """Which groups are at least ``min_group_size`` rows (a boolean mask) and the ones left out (empty groups are
    dropped silently: they are no group of the data)."""
    size = np.asarray(sizes, dtype=np.int64)
    keep = size >= max(1, min_group_size)
    left = tuple(LeftOut(str(names[int(g)]), int(size[g])) for g in np.flatnonzero(~keep) if size[g] > 0)
    return keep, left


def fairness_of_confusion(
    confusion: np.ndarray,
    names: Sequence[str],
    *,
    min_group_size: int = 1,
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> GroupFairness:
    """The fairness summary and its intervals from per-group confusion counts (groups under ``min_group_size``
    rows left out)."""
    c = np.asarray(confusion, dtype=np.int64).reshape(-1, 4)
    keep, left = kept_groups(c.sum(axis=1), names, min_group_size)
    c = c[keep]
    groups = tuple(str(n) for n, k in zip(names, keep, strict=True) if k)
    summary = fairness_summary(c, groups)
    overall = confusion_intervals(c.sum(axis=0, keepdims=True), options) if len(c) else {}
    return GroupFairness(
        groups,
        tuple(int(v) for v in c.sum(axis=1)),
        c,
        summary,
        confusion_intervals(c, options) if len(c) else {},
        overall,
        bootstrap_gaps(c, SUMMARY_RATES, options) if len(c) else {},
        left,
        min_group_size,
    )


def session_group_fairness(
    session: Session,
    i: int,
    codes: np.ndarray,
    names: Sequence[str],
    threshold: float | RowThresholds | None,
    *,
    min_group_size: int = 1,
    options: IntervalOptions = DEFAULT_INTERVALS,
    truth: GroundTruth | None = None,
) -> GroupFairness:
    """Model ``i``'s fairness over the groups ``codes`` (one per name; -1: no group) of the session's labelled rows,
    equal to Fairlearn's ``MetricFrame`` with the groups as sensitive feature and ``y_pred = score >= threshold``."""
    confusion = group_confusion(session, i, codes, len(names), threshold, truth=truth)
    return fairness_of_confusion(confusion, names, min_group_size=min_group_size, options=options)


__all__ = [
    "GroupFairness",
    "LeftOut",
    "fairness_of_confusion",
    "group_confusion",
    "kept_groups",
    "session_group_fairness",
]
