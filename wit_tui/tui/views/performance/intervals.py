"""How sure is each number of the performance screen: the intervals it shows, inline or from a worker.

Wilson's interval and the multinomial F1 / gap bootstraps are functions of the confusion counts, so they follow a
threshold move inline (O(resamples), whatever the rows). DeLong's AUC interval and the row bootstraps (average
precision, log loss, Brier, multi-class and regression metrics) do not depend on the threshold: a worker computes
them once per ground truth (the overview) or per slicing (the slice table), and their cells read … until then.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np
from textual.widget import Widget

from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.metric_intervals import slice_metric_intervals
from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    PROPORTIONS,
    IntervalOptions,
    Intervals,
    TableIntervals,
    confusion_intervals,
    index_auc_intervals,
    table_intervals,
)
from wit_tui.engine.session.session import Session
from wit_tui.render.intervals import METHOD_COVERS, PENDING, interval_note, interval_text
from wit_tui.tui.jobs import JobDone, JobFailed, Jobs
from wit_tui.tui.views.base import SessionView

#: the metrics whose interval follows the threshold (computed inline from the confusion counts)
CONFUSION_KEYS = frozenset(PROPORTIONS) | {"f1"}
#: one model's intervals by metric name (one value per slice; the overview's have one slice)
ModelIntervals = dict[str, Intervals]


def view_of(widget: Widget) -> SessionView:
    """The view a panel sits in (its jobs and the run's options)."""
    return next(a for a in widget.ancestors if isinstance(a, SessionView))


def options_of(widget: Widget) -> IntervalOptions:
    """The level and resamples asked for on the command line (the defaults without)."""
    chosen = view_of(widget).options.intervals
    return DEFAULT_INTERVALS if chosen is None else chosen


def note_text(options: IntervalOptions, covers: dict[str, str] = METHOD_COVERS) -> str:
    return interval_note(options.level, options.resamples, options.seed, covers)


def inline_intervals(counts: np.ndarray, options: IntervalOptions) -> ModelIntervals:
    """The threshold-dependent intervals of every slice of ``counts`` (K × 4, ``tn, fp, fn, tp``)."""
    return confusion_intervals(np.asarray(counts).reshape(-1, 4), options)


#: the last few tables of intervals, by (counts, rates, options): the slice table and the fairness summary draw
#: from one multinomial per model and threshold, and a redraw at the same decisions draws nothing
_TABLES: OrderedDict[tuple, TableIntervals] = OrderedDict()
_TABLES_KEPT = 8


def table_at(counts: np.ndarray, rates: tuple[str, ...], options: IntervalOptions) -> TableIntervals:
    """Every slice's Wilson and F1 intervals, the overall row's and the gaps of ``rates`` at ``counts`` (K × 4)
    from one multinomial draw over all the slices' cells (:func:`table_intervals`), memoised: the numbers are
    those ``report`` and ``validate`` give for the same counts and options."""
    c = np.ascontiguousarray(counts, dtype=np.int64).reshape(-1, 4)
    key = (c.tobytes(), c.shape, rates, options)
    found = _TABLES.get(key)
    if found is None:
        found = _TABLES[key] = table_intervals(c, rates, options)
        while len(_TABLES) > _TABLES_KEPT:
            _TABLES.popitem(last=False)
    else:
        _TABLES.move_to_end(key)
    return found


def overall_intervals(session: Session, truth: GroundTruth, options: IntervalOptions) -> list[ModelIntervals]:
    """Each model's threshold-free intervals over every labelled row (one slice: codes all 0), for a worker."""
    codes = np.zeros(len(truth.labelled), dtype=np.int64)
    out = []
    for i in range(len(session.models)):
        found = slice_metric_intervals(session, i, codes, 1, truth=truth, options=options)
        binary = session.tasks[i].kind == "binary"
        out.append({k: v for k, v in found.items() if not (binary and k in CONFUSION_KEYS)})
    return out


def slicing_intervals(
    session: Session,
    truth: GroundTruth,
    codes: np.ndarray,
    n_slices: int,
    indexes: list | None,
    options: IntervalOptions,
) -> list[ModelIntervals]:
    """Each model's threshold-free intervals per slice, for a worker: DeLong's AUC from the slice index (binary),
    else whatever :func:`slice_metric_intervals` gives for the task."""
    out: list[ModelIntervals] = []
    for i in range(len(session.models)):
        if session.tasks[i].kind == "binary" and indexes is not None:
            out.append({"auc": index_auc_intervals(indexes[i], options)})
        else:
            out.append(dict(slice_metric_intervals(session, i, codes, n_slices, truth=truth, options=options)))
    return out


class WorkerIntervals:
    """The threshold-free intervals of one input (a ground truth, a slicing), computed once by a worker.

    :meth:`get` starts the job the first time an input is asked for and returns None until its result is in;
    a newer input makes the older result stale."""

    def __init__(self, group: str, label: str) -> None:
        self.group, self.label = group, label
        self._anchors: tuple = ()
        self._key: Any = None
        self._token: object = None
        self._values: list[ModelIntervals] | None = None
        self._jobs: Jobs | None = None

    def get(
        self, owner: Widget, anchors: tuple, key: Any, compute: Callable[[], list[ModelIntervals]]
    ) -> list[ModelIntervals] | None:
        """The result for ``anchors`` (the very objects computed from: a ground truth, a slicing; held, so
        compared by identity) and ``key`` (plain values: the options); None while computing."""
        same = len(anchors) == len(self._anchors) and all(a is b for a, b in zip(anchors, self._anchors, strict=True))
        if same and key == self._key:
            return self._values
        self._anchors, self._key, self._values = anchors, key, None
        self._jobs = view_of(owner).jobs
        token = object()
        self._token = token
        self._jobs.run(self.group, self.label, lambda _progress, _cancelled: (token, compute()), reply_to=owner)
        return None

    @property
    def values(self) -> list[ModelIntervals] | None:
        """The last result (None while computing or before any)."""
        return self._values

    def pending(self) -> bool:
        return self._values is None and self._jobs is not None and self._jobs.running(self.group)

    def done(self, message: JobDone | JobFailed) -> bool:
        """Take a job's result (or failure: no intervals, –); True when it was this one's (redraw)."""
        if message.group != self.group or self._jobs is None or not self._jobs.is_current(message):
            return False
        if isinstance(message, JobDone):
            token, values = message.result
            if token is not self._token:
                return False
            self._values = values
        else:
            self._values = []
        return True

    def cell(self, values: list[ModelIntervals] | None, i: int, name: str, k: int = 0, kind: str = "num") -> str:
        """Model ``i``'s interval of ``name`` on slice ``k``: … while computing, – when there is none."""
        if values is None:
            return PENDING if self.pending() else interval_text(None, None)
        found = values[i].get(name) if i < len(values) else None
        return interval_text(None, None) if found is None else cell_text(found, k, kind)


def cell_text(intervals: Intervals, k: int = 0, kind: str = "num") -> str:
    return interval_text(float(intervals.low[k]), float(intervals.high[k]), kind)


__all__ = [
    "CONFUSION_KEYS",
    "ModelIntervals",
    "WorkerIntervals",
    "cell_text",
    "inline_intervals",
    "note_text",
    "options_of",
    "overall_intervals",
    "slicing_intervals",
    "table_at",
    "view_of",
]
