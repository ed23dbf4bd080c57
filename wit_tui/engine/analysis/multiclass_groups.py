"""How differently does a multi-class model treat the groups of a slicing, class by class: the one recipe the
screen's fairness summary, the report's section and ``validate``'s one-vs-rest gaps share.

The rows are those of ``session_slice_metrics`` for a multi-class model (the labelled rows; the model's
argmax prediction and its probability columns), so a group's one-vs-rest numbers are the slice table's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth
from wit_tui.engine.data.tasks import match_class
from wit_tui.engine.metrics.fairness import Method
from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.metrics.multiclass_fairness import MulticlassFairness, multiclass_fairness
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions
from wit_tui.engine.metrics.undefined import Undefined
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import Slicing


def session_multiclass_fairness(
    session: Session,
    i: int,
    slicing: Slicing,
    *,
    truth: GroundTruth | None = None,
    options: IntervalOptions | None = DEFAULT_INTERVALS,
    method: Method = "between_groups",
) -> MulticlassFairness:
    """Model ``i``'s one-vs-rest fairness of every class over the slices of ``slicing`` (the groups), on the
    labelled rows; ``options`` None: the points without intervals."""
    groups = [slicing.name(k) for k in range(slicing.n_slices)]
    return group_multiclass_fairness(session, i, slicing.codes, groups, truth=truth, options=options, method=method)


def group_multiclass_fairness(
    session: Session,
    i: int,
    codes: np.ndarray,
    groups: Sequence[str],
    *,
    truth: GroundTruth | None = None,
    options: IntervalOptions | None = DEFAULT_INTERVALS,
    method: Method = "between_groups",
) -> MulticlassFairness:
    """As :func:`session_multiclass_fairness` for any grouping of the rows (``codes``, -1 left out)."""
    truth = ground_truth(session) if truth is None else truth
    task = session.tasks[i]
    if task.kind != "multiclass":
        raise ValueError(f"one-vs-rest fairness is for multi-class models, not {task.kind}")
    scores = session.scores(i)
    codes = np.where(truth.labelled, np.asarray(codes, dtype=np.int64), -1)
    return multiclass_fairness(truth.y, scores.label, scores.proba, task.classes, codes, groups, options, method)


@dataclass(frozen=True)
class OvrGap:
    """A one-vs-rest gap as ``validate`` gates it: the value (NaN with the reason when not computable), its
    interval, and which class it is of (``note`` says so in the check's message)."""

    value: float
    reason: str
    interval: Interval | None
    note: str


def ovr_gap(
    session: Session,
    i: int,
    codes: np.ndarray,
    groups: Sequence[str],
    name: str,
    cls: str | None,
    method: Method = "between_groups",
    options: IntervalOptions = DEFAULT_INTERVALS,
    by: str = "",
) -> OvrGap:
    """Gap ``name`` of class ``cls`` against the rest, or (``cls`` None) the largest over the classes — which
    fails, naming them, when it is undefined for some class (the largest cannot then be known)."""
    if len(groups) < 2:
        return OvrGap(float("nan"), f"needs at least two groups of {by}, found {len(groups)}", None, "")
    mf = group_multiclass_fairness(session, i, codes, groups, options=options, method=method)
    if cls is not None:
        chosen = str(match_class(cls, session.task.classes))
        cf = mf.of(chosen)
        shown = cf.gap(name)
        why = shown.reason if isinstance(shown, Undefined) else ""
        return OvrGap(cf.gaps[name], why, cf.gap_intervals.get(name), f"class {chosen} against the rest")
    top = mf.largest(name)
    if top.undefined:
        whys = "; ".join(f"class {c}: {mf.of(c).undefined.get(name, 'undefined')}" for c in top.undefined)
        return OvrGap(float("nan"), f"the largest over classes is unknown: {whys}", None, "")
    interval = mf.of(top.cls).gap_intervals.get(name)
    return OvrGap(top.value, "", interval, f"the largest over classes: class {top.cls}")


__all__ = ["OvrGap", "group_multiclass_fairness", "ovr_gap", "session_multiclass_fairness"]
