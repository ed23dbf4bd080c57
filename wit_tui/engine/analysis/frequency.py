"""How often does each value of a column occur among these rows, and how well does each model do on it?

A frequency table of one column: per value (a category, a bool, or a bin of a numeric column with many
distinct values) the count, the share of the rows, and per model the accuracy against the label at the
decisions of the moment (classification) or the mean score (regression, or no label). Missing values are a
row of their own.

Edited and added datapoints count with their current values and scores.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.values import py
from wit_tui.engine.data.scoring import labels_from
from wit_tui.engine.metrics.undefined import NO_ROWS, Metric, Undefined
from wit_tui.engine.session.session import Session

#: a numeric column with more distinct values than this is grouped in bins
MAX_VALUES = 20
#: about how many bins a numeric column is cut into
BINS = 10

MetricKind = Literal["accuracy", "mean score"]


@dataclass(frozen=True)
class ValueRow:
    """One value (or bin) of the column: how many rows hold it, their share, and each model's metric on them.

    ``value`` is the value itself (None: missing; a :class:`Bin` for a bin of a numeric column)."""

    value: Any
    count: int
    share: float
    metrics: tuple[Metric, ...]


@dataclass(frozen=True)
class Bin:
    """The numbers from ``low`` (included) to ``high`` (excluded)."""

    low: float
    high: float


@dataclass(frozen=True)
class Frequencies:
    """The frequency table of ``column`` over ``n_rows`` rows, most frequent value first."""

    column: str
    n_rows: int
    binned: bool
    metric: MetricKind
    models: tuple[str, ...]
    rows: tuple[ValueRow, ...]


def value_frequencies(
    session: Session,
    column: str,
    rows: Sequence[int] | np.ndarray | None = None,
    decisions: Decisions | None = None,
) -> Frequencies:
    """The frequency table of data column ``column`` over datapoint ids ``rows`` (None: every datapoint).

    Classification with a label: each model's accuracy per value, with predictions at ``decisions``' thresholds
    (binary; None: each model's default threshold). Otherwise each model's mean score per value."""
    if column not in session.data.columns:
        raise WitError(
            f"There is no data column {column!r} to count.", "Pick a feature or the label column of the data."
        )
    ids = np.arange(session.n_total, dtype=np.int64) if rows is None else np.asarray(rows, dtype=np.int64)
    values = _current_values(session, column, ids)
    scores, labels = _current_predictions(session, ids, decisions)
    truth = _current_truth(session, ids)
    metric: MetricKind = "accuracy" if truth is not None and session.task.is_classification else "mean score"
    groups, binned = _groups(values)
    n = len(ids)
    out = []
    for value, members in groups:
        metrics = tuple(
            _accuracy(labels[m][members], truth[members])
            if metric == "accuracy" and truth is not None
            else _mean(scores[m][members])
            for m in range(len(session.models))
        )
        count = int(members.sum())
        out.append(ValueRow(value, count, count / n if n else math.nan, metrics))
    out.sort(key=lambda r: -r.count)  # stable: equal counts keep the value order
    return Frequencies(column, n, binned, metric, tuple(m.name for m in session.models), tuple(out))


# -- the rows' current values ------------------------------------------------------------------------------
def _current_values(session: Session, column: str, ids: np.ndarray) -> pd.Series:
    base = session.data[column]
    loaded = ids < session.n_rows
    values = pd.Series(base.to_numpy(dtype=object)[ids[loaded]] if loaded.any() else [], dtype=object)
    out = np.empty(len(ids), dtype=object)
    out[loaded] = values.to_numpy()
    changed = set(session.changed_ids())
    for k in np.flatnonzero(~loaded | np.isin(ids, list(changed))):
        out[k] = session.record(int(ids[k])).get(column)
    series = pd.Series(out, dtype=object)
    if is_numeric(base):
        return pd.to_numeric(series, errors="coerce").astype(np.float64)
    return series.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else py(v))


def _current_predictions(
    session: Session, ids: np.ndarray, decisions: Decisions | None
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Each model's score and label of each row (labels at the decisions' thresholds)."""
    defaults = session.default_thresholds
    thresholds = decisions.point_thresholds(defaults) if decisions is not None and decisions.thresholds else defaults
    loaded = ids < session.n_rows
    changed = np.isin(ids, np.asarray(session.changed_ids(), dtype=np.int64)) | ~loaded
    scores, labels = [], []
    for m in range(len(session.models)):
        full = session.scores(m)
        score = np.full(len(ids), np.nan)
        score[loaded] = full.score[ids[loaded]]
        proba = None
        if full.proba is not None:
            proba = np.full((len(ids), full.proba.shape[1]), np.nan)
            proba[loaded] = full.proba[ids[loaded]]
        for k in np.flatnonzero(changed):
            sc = session.point_scores(int(ids[k]))[m]
            score[k] = sc.score[0]
            if proba is not None and sc.proba is not None:
                proba[k] = sc.proba[0]
        t = thresholds[m] if session.task.kind == "binary" else None
        scores.append(score)
        labels.append(np.asarray(labels_from(score, proba, session.tasks[m], t), dtype=object))
    return scores, labels


def _current_truth(session: Session, ids: np.ndarray) -> np.ndarray | None:
    if session.y is None:
        return None
    loaded = ids < session.n_rows
    out = np.empty(len(ids), dtype=object)
    out[loaded] = np.asarray(session.y, dtype=object)[ids[loaded]]
    for k in np.flatnonzero(~loaded):
        out[k] = session.truth(int(ids[k]))
    return out


# -- grouping --------------------------------------------------------------------------------------------
Group = tuple[Any, np.ndarray]


def _groups(values: pd.Series) -> tuple[list[Group], bool]:
    """(value, member mask) per value; bins for a numeric column with many values."""
    missing = values.isna().to_numpy()
    groups: list[Group] = []
    numeric = values.dtype.kind == "f"
    binned = numeric and values[~missing].nunique() > MAX_VALUES
    if binned:
        edges = nice_edges(values[~missing].to_numpy(dtype=np.float64))
        codes = np.asarray(pd.cut(values.to_numpy(dtype=np.float64), list(edges), right=False, labels=False))
        for k in range(len(edges) - 1):
            members = codes == k
            if members.any():
                low, high = float(edges[k]), float(edges[k + 1])
                groups.append((Bin(low, high), members))
    else:
        present = values[~missing]
        uniques = pd.unique(present)
        ordered = sorted(uniques, key=lambda v: (isinstance(v, str), v)) if _sortable(uniques) else list(uniques)
        for value in ordered:
            members = (values == value).to_numpy() & ~missing
            groups.append((py(value), members))
    if missing.any():
        groups.append((None, missing))
    return groups, binned


def nice_edges(values: np.ndarray, bins: int = BINS) -> np.ndarray:
    """Bin edges on round numbers (a step of 1, 2, 2.5 or 5 times a power of ten) covering every value, the
    largest one inside the last bin (bins include their low edge only)."""
    low, high = float(np.min(values)), float(np.max(values))
    if high <= low:
        return np.array([low, low + 1.0])
    raw = (high - low) / bins
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    n = int(math.floor((high - start) / step)) + 1  # the max falls inside the last bin [.., start + n*step)
    edges = np.array([float(f"{e:.12g}") for e in start + step * np.arange(n + 1)])  # 0.3, not 0.30000000000000004
    if edges[0] > low:
        edges = np.concatenate([[edges[0] - step], edges])
    if edges[-1] <= high:
        edges = np.append(edges, edges[-1] + step)
    if not np.all(np.diff(edges) > 0):  # a spread too small for the numbers' precision: one bin
        return np.array([low, np.nextafter(high, math.inf)])
    return edges


def _sortable(uniques: Any) -> bool:
    try:
        sorted(uniques, key=lambda v: (isinstance(v, str), v))
    except TypeError:
        return False
    return True


# -- metrics -------------------------------------------------------------------------------------------------
def _accuracy(pred: np.ndarray, truth: np.ndarray) -> Metric:
    known = ~(pd.isna(pred) | pd.isna(truth))
    if not known.any():
        return Undefined(NO_ROWS)
    return float(np.mean(pred[known] == truth[known]))


def _mean(score: np.ndarray) -> Metric:
    finite = score[np.isfinite(score)]
    return float(finite.mean()) if len(finite) else Undefined(NO_ROWS)


__all__ = ["BINS", "MAX_VALUES", "Bin", "Frequencies", "MetricKind", "ValueRow", "nice_edges", "value_frequencies"]
