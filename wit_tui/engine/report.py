"""What a headless report says: the performance summary, the slice table and feature statistics, as data.

:func:`build_report` computes everything from the same engine functions as the
screens (``model_performance``, per-slice ``ThresholdIndex`` via
:mod:`~wit_tui.engine.metrics.slice_index`, ``dataset_stats``); ``Report.to_json``
writes the versioned JSON documented in ``docs/report-schema.md``
(``"schema_version": 2``: every metric's interval beside it, and the extra sections of
:mod:`~wit_tui.engine.report_sections`). Rendering as text or Markdown lives outside the
engine (``wit_tui/render``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np

from wit_tui import __version__
from wit_tui.engine.analysis.decisions_file import DecisionsFile
from wit_tui.engine.analysis.metric_intervals import slice_metric_intervals
from wit_tui.engine.analysis.performance import model_performance
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.analysis.stats import FeatureStats, dataset_stats
from wit_tui.engine.decisions_rows import apply_decisions
from wit_tui.engine.metrics.row_thresholds import RowThresholds
from wit_tui.engine.metrics.slice_index import SliceMetrics
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions, Intervals
from wit_tui.engine.metrics.threshold_values import GivenThresholds
from wit_tui.engine.report_inputs import (
    check_options,
    dataset_info,
    given_thresholds,
    report_thresholds,
    report_warnings,
    task_info,
)
from wit_tui.engine.report_json import TERMINAL_CONTROLS, json_safe
from wit_tui.engine.report_sections import ReportContext, build_sections
from wit_tui.engine.report_worst import WORST_TOP
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import DEFAULT_BUCKETS, SliceKey, Slicing, check_slice_count, overall, slice_by

SCHEMA_VERSION = 2
#: one metric's interval in the JSON form (``{"low", "high", "method", "level"}``), by metric name
IntervalMap = dict[str, dict[str, Any]]


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


def interval_map(intervals: Mapping[str, Intervals], k: int, defined: Mapping[str, float | None]) -> IntervalMap:
    """Slice ``k``'s interval of each metric that has a value (an undefined metric has no interval either)."""
    return {name: iv.at(k).to_dict() for name, iv in intervals.items() if defined.get(name) is not None}


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
    intervals: IntervalMap = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "name": self.name,
            "score_method": self.score_method,
            "threshold": self.threshold,
            "metrics": self.metrics,
            "undefined": self.undefined,
            "intervals": self.intervals,
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
    #: per model name, each metric's interval on this slice
    intervals: dict[str, IntervalMap] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "slice": self.slice,
            "slice_key": dict(self.slice_key),
            "row_count": self.row_count,
            "metrics": self.metrics,
            "undefined": self.undefined,
            "intervals": self.intervals,
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
    """Everything ``wit-tui report`` prints, in the shape of the JSON schema (version 2); ``sections`` holds the
    extra sections by JSON key (:data:`~wit_tui.engine.report_sections.SECTIONS`), None where one does not apply."""

    dataset: dict[str, Any]
    task: dict[str, Any]
    models: tuple[ModelSummary, ...]
    slices: SliceTable | None
    feature_statistics: tuple[FeatureStats, ...]
    warnings: tuple[str, ...] = ()
    schema_version: int = SCHEMA_VERSION
    sections: dict[str, Any] = field(default_factory=dict)
    intervals: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return json_safe(
            {
                "schema_version": self.schema_version,
                "tool": {"name": "wit-tui", "version": __version__},
                "dataset": self.dataset,
                "task": self.task,
                "models": [m.to_dict() for m in self.models],
                "slices": None if self.slices is None else self.slices.to_dict(),
                "feature_statistics": [asdict(f) for f in self.feature_statistics],
                "warnings": list(self.warnings),
                "interval_options": self.intervals,
                **self.sections,
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
        return TERMINAL_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _summary(
    session: Session, i: int, threshold: float | RowThresholds | None, options: IntervalOptions = DEFAULT_INTERVALS
) -> ModelSummary:
    """Model ``i``'s summary, with how it scores, the threshold it was measured at and each metric's interval."""
    summary = _metrics_summary(session, i, threshold)
    codes = overall(session.n_rows).codes
    intervals = interval_map(
        slice_metric_intervals(session, i, codes, 1, threshold, options=options), 0, summary.metrics
    )
    shown = None if threshold is None else float(threshold)  # per-row thresholds: the model's own is shown
    return replace(summary, score_method=session.tasks[i].score_method, threshold=shown, intervals=intervals)


def _metrics_summary(session: Session, i: int, threshold: float | RowThresholds | None) -> ModelSummary:
    sm = session_slice_metrics(session, i, overall(session.n_rows).codes, 1, threshold)
    metrics, undefined = _metric_dicts(sm, 0)
    perf = model_performance(session, i, None if threshold is None else float(threshold))
    name = session.models[i].name
    if perf.binary is not None:
        cm = perf.binary.confusion_matrix
        if isinstance(threshold, RowThresholds) and sm.confusion is not None:  # each row at its slice's threshold
            tn, fp, fn, tp = (int(v) for v in sm.confusion[0])
            cm = np.array([[tn, fp], [fn, tp]])
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


def _slice_table(
    session: Session,
    slicing: Slicing,
    buckets: int,
    thresholds: Sequence[float | RowThresholds | None],
    options: IntervalOptions = DEFAULT_INTERVALS,
) -> SliceTable:
    """Every model's metrics and their intervals per slice (none without a label), each at its own threshold."""
    n, codes = slicing.n_slices, slicing.codes
    labelled = session.has_label
    per_model = [session_slice_metrics(session, i, codes, n, t) for i, t in enumerate(thresholds)] if labelled else []
    per_model_iv = (
        [slice_metric_intervals(session, i, codes, n, t, options=options) for i, t in enumerate(thresholds)]
        if labelled
        else []
    )
    rows = []
    for k in range(n):
        metrics, undefined, intervals = {}, {}, {}
        for m, sm, iv in zip(session.models, per_model, per_model_iv, strict=False):
            metrics[m.name], undefined[m.name] = _metric_dicts(sm, k)
            intervals[m.name] = interval_map(iv, k, metrics[m.name])
        row = SliceRow(slicing.name(k), slicing.keys[k], slicing.labels[k], int(slicing.counts[k]), metrics, undefined)
        rows.append(replace(row, intervals=intervals))
    return SliceTable(tuple(slicing.features), buckets, dict(slicing.kinds), dict(slicing.edges), tuple(rows))


def _report_slicing(session: Session, slice_features: Sequence[str], buckets: int) -> Slicing | None:
    """The slicing of ``--slice`` (None without it): the slice table's rows and the fairness section's groups."""
    if not slice_features:
        return None
    slicing = slice_by(session.data, slice_features, buckets)
    check_slice_count(slicing, f"--slice {','.join(slice_features)}")
    return slicing


def build_report(
    session: Session,
    *,
    threshold: float | GivenThresholds | None = None,
    slice_features: Sequence[str] = (),
    buckets: int = DEFAULT_BUCKETS,
    intervals: IntervalOptions = DEFAULT_INTERVALS,
    worst: int = WORST_TOP,
    decisions: DecisionsFile | None = None,
) -> Report:
    """The report's data for every model of ``session``; binary metrics at ``threshold`` (a number for every
    model, or per model name; default: each model's own default), each with its interval made as ``intervals``
    says; the fairness section over the ``slice_features`` groups; the ``worst`` worst slices per model.
    ``decisions`` (``--decisions``): its thresholds (per slice too) under ``threshold``, over the models' own."""
    if session.label_problem is not None:
        raise session.label_problem  # metrics against a label of none of the classes would mean nothing
    given = given_thresholds(threshold)
    check_options(session.task, given, slice_features, buckets)
    thresholds: Sequence[float | None] = report_thresholds(session, given)
    applied = None if decisions is None else apply_decisions(session, decisions, given=given)
    decided = thresholds if applied is None else applied.decisions()  # per row with per-slice thresholds
    if applied is not None:
        thresholds = applied.thresholds
    dataset = dataset_info(session)
    n_labelled = dataset["n_labelled"]
    models = (
        tuple(_summary(session, i, t, intervals) for i, t in enumerate(decided))
        if session.has_label
        else tuple(
            ModelSummary(m.name, {}, {}, score_method=mt.score_method, threshold=t)
            for m, mt, t in zip(session.models, session.tasks, thresholds, strict=True)
        )
    )
    slicing = _report_slicing(session, slice_features, buckets)
    table = _slice_table(session, slicing, buckets, decided, intervals) if slicing is not None else None
    stats = tuple(dataset_stats(session.data, list(session.features)))
    context = ReportContext(session, tuple(thresholds), slicing, buckets, intervals, worst, decisions=applied)
    sections = build_sections(context)
    return Report(
        dataset,
        task_info(session, thresholds),
        models,
        table,
        stats,
        report_warnings(session, n_labelled),
        sections=sections,
        intervals={"level": intervals.level, "resamples": intervals.resamples, "seed": intervals.seed},
    )


__all__ = ["SCHEMA_VERSION", "ModelSummary", "Report", "SliceRow", "SliceTable", "build_report", "report_thresholds"]
