"""What the performance screen's slice table measures for each task, over the labelled rows of one slicing.

Binary tasks keep each model's :class:`SliceIndex` (per-slice metrics at any thresholds are then a binary
search, so moving a threshold stays instant) and the per-slice ROC AUC; multi-class and regression tasks have
no threshold, so their per-slice metrics are computed once, plus (multi-class) one class against the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.performance import slice_indexes
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.metrics.slice_index import SliceIndex, SliceMetrics
from wit_tui.engine.metrics.slice_metrics import ovr_slice_metrics
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import Slicing, check_slice_count, slice_by


@dataclass(frozen=True)
class SliceMetricsTable:
    """One slicing's per-slice numbers, one entry per model in each field the task fills (others ``None``).

    ``indexes`` and ``auc`` (binary): the models' slice indexes and per-slice ROC AUC; ``static``
    (multi-class, regression): every metric per slice; ``ovr`` (multi-class): ``ovr_class`` against the rest.
    """

    slicing: Slicing
    indexes: tuple[SliceIndex, ...] | None = None
    auc: tuple[np.ndarray, ...] | None = None
    static: tuple[SliceMetrics, ...] | None = None
    ovr: tuple[SliceMetrics, ...] | None = None


def ovr_slice_table(session: Session, truth: GroundTruth, slicing: Slicing, ovr_class: int) -> list[SliceMetrics]:
    """Each model's one-vs-rest metrics of class ``ovr_class`` per slice, over the labelled rows."""
    mask = truth.labelled
    cls = session.task.classes[ovr_class]
    codes = slicing.codes[mask]
    out = []
    for i in range(len(session.models)):
        sc = session.scores(i)
        col = None if sc.proba is None else sc.proba[mask, ovr_class]
        out.append(ovr_slice_metrics(truth.y[mask] == cls, sc.label[mask] == cls, col, codes, slicing.n_slices))
    return out


def slice_table(
    session: Session,
    truth: GroundTruth,
    features: Sequence[str],
    buckets: int,
    *,
    equal_width: bool = False,
    ovr_class: int = 0,
) -> SliceMetricsTable:
    """Slice the labelled rows by ``features`` and measure every model on each slice, the task's way."""
    slicing = slice_by(session.data, list(features), buckets, rows=truth.labelled, equal_width=equal_width)
    return slicing_table(session, truth, slicing, f"Slicing by {' × '.join(features)}", ovr_class=ovr_class)


def slicing_table(
    session: Session, truth: GroundTruth, slicing: Slicing, what: str, *, ovr_class: int = 0
) -> SliceMetricsTable:
    """Measure every model on each slice of ``slicing`` (of the labelled rows; any slicing: features, edges, a
    predicate), refusing one with too many slices (``what`` names it in the message)."""
    check_slice_count(slicing, what)
    K = slicing.n_slices
    if session.task.kind == "binary":
        indexes = slice_indexes(session, truth, slicing.codes, K)
        return SliceMetricsTable(slicing, indexes=tuple(indexes), auc=tuple(si.roc_auc() for si in indexes))
    static = tuple(
        session_slice_metrics(session, i, slicing.codes, K, truth=truth, extras=True)
        for i in range(len(session.models))
    )
    ovr = tuple(ovr_slice_table(session, truth, slicing, ovr_class)) if session.task.kind == "multiclass" else None
    return SliceMetricsTable(slicing, static=static, ovr=ovr)


__all__ = ["SliceMetricsTable", "ovr_slice_table", "slice_table", "slicing_table"]
