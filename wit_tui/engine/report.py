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
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from wit_tui import __version__
from wit_tui.engine.analysis.data_checks import scoring_notes, scoring_warnings
from wit_tui.engine.analysis.decisions import starting_thresholds
from wit_tui.engine.analysis.performance import labelled_mask, model_performance
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.analysis.stats import FeatureStats, dataset_stats
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import TaskInfo
from wit_tui.engine.metrics.slice_index import TASK_METRICS, SliceMetrics
from wit_tui.engine.metrics.threshold_values import GivenThresholds
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
    """One model's metrics on every labelled row; ``undefined[name]`` says why a metric is None.

    ``score_method`` and ``threshold`` are this model's own: two models of a report may score differently
    (probabilities and margins), so each is thresholded on its own scale."""

    name: str
    metrics: dict[str, float | None]
    undefined: dict[str, str]
    confusion_labels: tuple[str, ...] = ()
    confusion_matrix: tuple[tuple[int, ...], ...] = ()
    per_class: dict[str, dict[str, float]] = field(default_factory=dict)
    score_method: str = "predict"
    threshold: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "score_method": self.score_method,
            "threshold": self.threshold,
            "metrics": self.metrics,
            "undefined": self.undefined,
        }
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

    @property
    def threshold_text(self) -> str:
        """How the binary scores were thresholded, for the report's heading: one threshold when every model
        shares it, else each model's, and which models' scores are margins."""
        margins = [m.name for m in self.models if m.score_method == "decision_function"]
        if self.task.get("threshold") is not None and (not margins or len(margins) == len(self.models)):
            text = f"threshold {self.task['threshold']:g}"
            return text + (" (decision_function margins)" if margins else "")
        parts = [f"{m.name} {m.threshold:g}" for m in self.models if m.threshold is not None]
        text = "thresholds " + ", ".join(parts)
        return text + (f" ({', '.join(margins)}: decision_function margins)" if margins else "")

    def to_json(self, indent: int | None = 2) -> str:
        """JSON, non-ASCII text kept readable; DEL, C1 controls and bidi overrides escaped (``\\u009b``), which
        json leaves raw outside ASCII mode and a terminal would obey. Parsed, the values are the same."""
        text = json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False, default=str)
        return _TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


#: characters json.dumps(ensure_ascii=False) leaves raw that a terminal acts on (only ever inside JSON strings)
_TERMINAL_CONTROLS = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _summary(session: Session, i: int, threshold: float | None) -> ModelSummary:
    """Model ``i``'s summary, with how it scores and the threshold it was measured at."""
    summary = _metrics_summary(session, i, threshold)
    return replace(summary, score_method=session.tasks[i].score_method, threshold=threshold)


def _metrics_summary(session: Session, i: int, threshold: float | None) -> ModelSummary:
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


def _check_options(task: TaskInfo, given: GivenThresholds, slice_features: Sequence[str], buckets: int) -> None:
    """A WitError naming the command-line option that cannot apply, before any work is done."""
    if given and task.kind != "binary":
        raise WitError(
            f"--threshold applies to binary classifiers, but the task is {task.kind}.", "Leave --threshold out."
        )
    if len(slice_features) > 2:
        raise WitError(
            f"--slice takes one feature or two (a cross), not {len(slice_features)}.", "Pass --slice A or --slice A,B."
        )
    if not 1 <= buckets <= 1000:
        raise WitError(f"--buckets must be from 1 to 1000, not {buckets}.", "Pass e.g. --buckets 4.")


def report_thresholds(session: Session, threshold: float | GivenThresholds | None = None) -> tuple[float | None, ...]:
    """Each model's decision threshold (binary; None otherwise): ``--threshold T`` for every model, ``NAME=T``
    for one, else the model's default (0.5 for probabilities, 0 for margins), checked for its kind of score."""
    given = _given(threshold)
    if session.task.kind != "binary" and not given:
        return tuple(None for _ in session.models)
    return starting_thresholds(session, given)


def _given(threshold: float | GivenThresholds | None) -> GivenThresholds:
    if threshold is None:
        return {}
    return threshold if isinstance(threshold, Mapping) else {None: float(threshold)}


def _one(values: Sequence[Any]) -> Any:
    """The value every model shares, else None (each model's own is in its summary)."""
    return values[0] if values and all(v == values[0] for v in values) else None


def _task_info(session: Session, thresholds: Sequence[float | None]) -> dict[str, Any]:
    """The report's ``task`` block: kind, classes, positive class, score method and threshold (when every model
    shares them; each model's own are in ``models``), metrics."""
    task = session.task
    return {
        "kind": task.kind,
        "classes": [str(c) for c in task.classes] if task.classes else [],
        "positive": None if task.positive is None else str(task.positive),
        "score_method": _one([t.score_method for t in session.tasks]),
        "threshold": _one(list(thresholds)),
        "thresholds": dict(zip(session.model_names, thresholds, strict=True)) if task.kind == "binary" else None,
        "metrics": list(TASK_METRICS[task.kind]) if session.has_label else [],
    }


def _slice_table(
    session: Session, slice_features: Sequence[str], buckets: int, thresholds: Sequence[float | None]
) -> SliceTable:
    """Every model's metrics per slice of ``slice_features`` (none without a label), each at its own threshold."""
    slicing = slice_by(session.data, slice_features, buckets)
    check_slice_count(slicing, f"--slice {','.join(slice_features)}")
    per_model = (
        [session_slice_metrics(session, i, slicing.codes, slicing.n_slices, t) for i, t in enumerate(thresholds)]
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
    threshold: float | GivenThresholds | None = None,
    slice_features: Sequence[str] = (),
    buckets: int = DEFAULT_BUCKETS,
) -> Report:
    """The report's data for every model of ``session``; binary metrics at ``threshold`` (a number for every
    model, or per model name; default: each model's own default)."""
    if session.label_problem is not None:
        raise session.label_problem  # metrics against a label of none of the classes would mean nothing
    given = _given(threshold)
    _check_options(session.task, given, slice_features, buckets)
    thresholds = report_thresholds(session, given)
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
        tuple(_summary(session, i, t) for i, t in enumerate(thresholds))
        if session.has_label
        else tuple(
            ModelSummary(m.name, {}, {}, score_method=mt.score_method, threshold=t)
            for m, mt, t in zip(session.models, session.tasks, thresholds, strict=True)
        )
    )
    table = _slice_table(session, slice_features, buckets, thresholds) if slice_features else None
    stats = tuple(dataset_stats(session.data, list(session.features)))
    return Report(dataset, _task_info(session, thresholds), models, table, stats, _report_warnings(session, n_labelled))


__all__ = ["SCHEMA_VERSION", "ModelSummary", "Report", "SliceRow", "SliceTable", "build_report", "report_thresholds"]
