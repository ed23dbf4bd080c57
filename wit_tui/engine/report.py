"""What a headless report says: the performance summary, the slice table and feature statistics, as data.

:func:`build_report` computes everything from the same engine functions as the
screens (``model_performance``, per-slice ``ThresholdIndex`` via
:mod:`~wit_tui.engine.metrics.slice_index`, ``dataset_stats``); ``Report.to_json``
writes the versioned JSON documented in ``docs/report-schema.md``
(``"schema_version": 1``). Rendering as text or Markdown lives outside the
engine (``wit_tui/render.py``).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from wit_tui import __version__
from wit_tui.engine.analysis.data_checks import scoring_notes, scoring_warnings
from wit_tui.engine.analysis.performance import labelled_mask, model_performance
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.analysis.stats import FeatureStats, dataset_stats
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import TaskInfo
from wit_tui.engine.metrics.slice_index import TASK_METRICS, SliceMetrics
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import DEFAULT_BUCKETS, SliceKey, check_slice_count, overall, slice_by

SCHEMA_VERSION = 1


def _clean(x: Any) -> Any:
    """JSON-safe values: NaN/inf -> None, numpy scalars -> Python."""
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float) and not math.isfinite(x):
        return None
    if isinstance(x, dict):
        return {str(k): _clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_clean(v) for v in x]
    if isinstance(x, np.ndarray):
        return [_clean(v) for v in x.tolist()]
    return x


def _metric_dicts(sm: SliceMetrics, k: int) -> tuple[dict[str, float | None], dict[str, str]]:
    values: dict[str, float | None] = {}
    undefined: dict[str, str] = {}
    for name in sm.names:
        reason = sm.reason(name, k)
        if reason:
            values[name] = None
            undefined[name] = reason
        else:
            v = sm.value(name, k)
            values[name] = int(v) if name == "example_count" else v
    return values, undefined


@dataclass(frozen=True)
class ModelSummary:
    """One model's metrics on every labelled row; ``undefined[name]`` says why a metric is None."""

    name: str
    metrics: dict[str, float | None]
    undefined: dict[str, str]
    confusion_labels: tuple[str, ...] = ()
    confusion_matrix: tuple[tuple[int, ...], ...] = ()
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "metrics": self.metrics, "undefined": self.undefined}
        if self.confusion_matrix:
            out["confusion_matrix"] = {
                "labels": list(self.confusion_labels),
                "matrix": [list(r) for r in self.confusion_matrix],
            }
        if self.per_class:
            out["per_class"] = self.per_class
        return out


@dataclass(frozen=True)
class SliceRow:
    """One slice: its key, its number of rows, and each model's metrics on its labelled rows."""

    slice: str
    slice_key: SliceKey
    labels: tuple[str, ...]
    row_count: int
    metrics: dict[str, dict[str, float | None]]
    undefined: dict[str, dict[str, str]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "slice": self.slice,
            "slice_key": dict(self.slice_key),
            "row_count": self.row_count,
            "metrics": self.metrics,
            "undefined": self.undefined,
        }


@dataclass(frozen=True)
class SliceTable:
    features: tuple[str, ...]
    buckets: int
    kinds: dict[str, str]
    edges: dict[str, tuple[float, ...]]
    rows: tuple[SliceRow, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "features": list(self.features),
            "buckets": self.buckets,
            "kinds": self.kinds,
            "edges": {f: list(e) for f, e in self.edges.items()},
            "slices": [r.to_dict() for r in self.rows],
        }


@dataclass(frozen=True)
class Report:
    """Everything ``wit-tui report`` prints, in the shape of the JSON schema (version 1)."""

    dataset: dict[str, Any]
    task: dict[str, Any]
    models: tuple[ModelSummary, ...]
    slices: SliceTable | None
    feature_statistics: tuple[FeatureStats, ...]
    warnings: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        return _clean(
            {
                "schema_version": self.schema_version,
                "tool": {"name": "wit-tui", "version": __version__},
                "dataset": self.dataset,
                "task": self.task,
                "models": [m.to_dict() for m in self.models],
                "slices": None if self.slices is None else self.slices.to_dict(),
                "feature_statistics": [asdict(f) for f in self.feature_statistics],
                "warnings": list(self.warnings),
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False, default=str)


def _summary(session: Session, i: int, threshold: float | None) -> ModelSummary:
    sm = session_slice_metrics(session, i, overall(session.n_rows).codes, 1, threshold)
    metrics, undefined = _metric_dicts(sm, 0)
    perf = model_performance(session, i, threshold)
    name = session.models[i].name
    if perf.binary is not None:
        cm = perf.binary.confusion_matrix
        negative = [c for c in session.task.classes if c != session.task.positive][0]
        return ModelSummary(
            name,
            metrics,
            undefined,
            (str(negative), str(session.task.positive)),
            tuple(tuple(int(v) for v in r) for r in cm),
        )
    if perf.multiclass is not None:
        m = perf.multiclass
        per_class = {
            str(lab): {
                "precision": float(m.precision[j]),
                "recall": float(m.recall[j]),
                "f1": float(m.f1[j]),
                "support": int(m.support[j]),
            }
            for j, lab in enumerate(m.labels)
        }
        return ModelSummary(
            name,
            metrics,
            undefined,
            tuple(str(c) for c in m.labels),
            tuple(tuple(int(v) for v in r) for r in m.confusion_matrix),
            per_class,
        )
    return ModelSummary(name, metrics, undefined)


def _check_options(task: TaskInfo, threshold: float | None, slice_features: Sequence[str], buckets: int) -> None:
    """A WitError naming the command-line option that cannot apply, before any work is done."""
    if threshold is not None and task.kind != "binary":
        raise WitError(
            f"--threshold applies to binary classifiers, but the task is {task.kind}.", "Leave --threshold out."
        )
    if threshold is not None and not math.isfinite(threshold):
        raise WitError(f"--threshold must be a finite number, not {threshold}.", "Pass e.g. --threshold 0.4.")
    if len(slice_features) > 2:
        raise WitError(
            f"--slice takes one feature or two (a cross), not {len(slice_features)}.", "Pass --slice A or --slice A,B."
        )
    if not 1 <= buckets <= 1000:
        raise WitError(f"--buckets must be from 1 to 1000, not {buckets}.", "Pass e.g. --buckets 4.")


def _task_info(session: Session, t: float | None) -> dict[str, Any]:
    """The report's ``task`` block: kind, classes, positive class, score method, threshold, metrics."""
    task = session.task
    return {
        "kind": task.kind,
        "classes": [str(c) for c in task.classes] if task.classes else [],
        "positive": None if task.positive is None else str(task.positive),
        "score_method": task.score_method,
        "threshold": t,
        "metrics": list(TASK_METRICS[task.kind]) if session.has_label else [],
    }


def _slice_table(session: Session, slice_features: Sequence[str], buckets: int, t: float | None) -> SliceTable:
    """Every model's metrics per slice of ``slice_features`` (none without a label)."""
    slicing = slice_by(session.data, slice_features, buckets)
    check_slice_count(slicing, f"--slice {','.join(slice_features)}")
    per_model = (
        [session_slice_metrics(session, i, slicing.codes, slicing.n_slices, t) for i in range(len(session.models))]
        if session.has_label
        else []
    )
    rows = []
    for k in range(slicing.n_slices):
        metrics, undefined = {}, {}
        for m, sm in zip(session.models, per_model, strict=False):
            metrics[m.name], undefined[m.name] = _metric_dicts(sm, k)
        rows.append(
            SliceRow(slicing.name(k), slicing.keys[k], slicing.labels[k], int(slicing.counts[k]), metrics, undefined)
        )
    return SliceTable(tuple(slicing.features), buckets, dict(slicing.kinds), dict(slicing.edges), tuple(rows))


def _report_warnings(session: Session, n_labelled: int) -> tuple[str, ...]:
    """The session's and the scoring's warnings, and what a missing or partial label leaves out."""
    warnings = list(session.warnings) + scoring_warnings(session) + scoring_notes(session)
    if not session.has_label:
        warnings.append("No label column was given, so there are no metrics: pass --label COLUMN.")
    elif n_labelled < session.n_rows:
        warnings.append(f"{session.n_rows - n_labelled:,} rows have no label and are left out of every metric.")
    return tuple(warnings)


def build_report(
    session: Session,
    *,
    threshold: float | None = None,
    slice_features: Sequence[str] = (),
    buckets: int = DEFAULT_BUCKETS,
) -> Report:
    """The report's data for every model of ``session``; binary metrics at ``threshold`` (default: the task's)."""
    task = session.task
    _check_options(task, threshold, slice_features, buckets)
    t = (task.default_threshold if threshold is None else float(threshold)) if task.kind == "binary" else None
    n_labelled = int(labelled_mask(session).sum()) if session.has_label else 0
    if session.has_label and n_labelled == 0:
        raise WitError(
            f"No row has a value in the label column {session.label!r}.", "Pick the column that holds the ground truth."
        )
    dataset = {
        "name": session.name,
        "n_rows": session.n_rows,
        "n_labelled": n_labelled,
        "label": session.label,
        "features": list(session.features),
    }
    models = (
        tuple(_summary(session, i, t) for i in range(len(session.models)))
        if session.has_label
        else tuple(ModelSummary(m.name, {}, {}) for m in session.models)
    )
    table = _slice_table(session, slice_features, buckets, t) if slice_features else None
    stats = tuple(dataset_stats(session.data, list(session.features)))
    return Report(dataset, _task_info(session, t), models, table, stats, _report_warnings(session, n_labelled))


__all__ = ["ModelSummary", "Report", "SCHEMA_VERSION", "SliceRow", "SliceTable", "build_report"]
