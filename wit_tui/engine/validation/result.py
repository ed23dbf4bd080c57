"""What validation found, in the shape of TFMA's ``ValidationResult``, and its JSON."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from wit_tui import __version__
from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.slicing import SliceKey
from wit_tui.engine.validation.behavior_spec import BehaviorOutcome
from wit_tui.engine.validation.specs import ChangeThreshold, CrossSlicingSpec, SlicingSpec, ValueThreshold

SCHEMA_VERSION = 2

# ---------------------------------------------------------------------------
# the result (mirrors TFMA's ValidationResult)
# ---------------------------------------------------------------------------


def _key_dict(key: SliceKey) -> dict[str, Any]:
    return dict(key)


def _json_num(x: float | None) -> float | None:
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return float(x)


@dataclass(frozen=True)
class MetricKey:
    """TFMA's ``MetricKey``: the metric's name, the model it is measured on, and (ours) the gap's grouping."""

    name: str
    model_name: str
    is_diff: bool = False
    by: tuple[str, ...] = ()
    method: str = ""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "model_name": self.model_name, "is_diff": self.is_diff}
        if self.by:
            out["by"] = list(self.by)
            out["method"] = self.method
        return out


@dataclass(frozen=True)
class CrossSliceKey:
    """TFMA's ``CrossSliceKey`` (the two slice keys), with the slices' names."""

    baseline_slice_key: SliceKey
    comparison_slice_key: SliceKey
    baseline_slice: str
    comparison_slice: str

    @property
    def name(self) -> str:
        return f"{self.baseline_slice} vs {self.comparison_slice}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "baseline_slice_key": _key_dict(self.baseline_slice_key),
            "comparison_slice_key": _key_dict(self.comparison_slice_key),
        }


@dataclass(frozen=True)
class Check:
    """One threshold checked on one slice or cross slice (passing or not): a row of the check table.

    A cross-slice check (``kind == "cross_slice"``) has ``cross_slice_key`` set, ``slice_key == ()``, ``value`` =
    baseline slice value - comparison slice value, and both slices' values in ``slice_values``."""

    slice: str
    slice_key: SliceKey
    metric_key: MetricKey
    kind: str  # "value" | "change" | "cross_slice"
    threshold: ValueThreshold | ChangeThreshold
    value: float | None
    baseline_model: str | None
    baseline_value: float | None
    ok: bool
    message: str
    cross_slice_key: CrossSliceKey | None = None
    slice_values: tuple[float | None, float | None] = (None, None)
    #: what the verdict may hide (a relative change against a negative baseline)
    warnings: tuple[str, ...] = ()
    #: the candidate's interval of the metric checked, by metric name (empty when it has none)
    intervals: dict[str, Interval] = field(default_factory=dict)
    #: fairness gaps: the groups left out for having fewer than ``min_group_size`` rows, with their sizes
    left_out: tuple[tuple[str, int], ...] = ()
    min_group_size: int = 1

    def threshold_dict(self) -> dict[str, Any]:
        return {f"{self.kind}_threshold": self.threshold.to_dict()}

    def _extras(self) -> dict[str, Any]:
        """What schema version 2 adds: the intervals, what a value threshold gated, the groups left out."""
        out: dict[str, Any] = {"intervals": {k: _interval_dict(v) for k, v in self.intervals.items()}}
        if isinstance(self.threshold, ValueThreshold) and self.kind == "value":
            out["gated_on"] = self.threshold.on
        if self.metric_key.by:
            out["min_group_size"] = self.min_group_size
            out["left_out_groups"] = [{"group": g, "rows": n} for g, n in self.left_out]
        return out

    def _where(self) -> dict[str, Any]:
        if self.cross_slice_key is not None:
            return {"cross_slice_key": self.cross_slice_key.to_dict()}
        return {"slice_key": _key_dict(self.slice_key)}

    def _slice_values(self) -> dict[str, Any]:
        if self.cross_slice_key is None:
            return {}
        return {
            "baseline_slice_value": _json_num(self.slice_values[0]),
            "comparison_slice_value": _json_num(self.slice_values[1]),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "slice": self.slice,
            **self._where(),
            "kind": self.kind,
            "metric_key": self.metric_key.to_dict(),
            "metric_threshold": self.threshold_dict(),
            "metric_value": _json_num(self.value),
            "baseline_model_name": self.baseline_model,
            "baseline_value": _json_num(self.baseline_value),
            **self._slice_values(),
            "ok": self.ok,
            "message": self.message,
            "warnings": list(self.warnings),
            **self._extras(),
        }

    def failure_dict(self) -> dict[str, Any]:
        return {
            "metric_key": self.metric_key.to_dict(),
            "metric_threshold": self.threshold_dict(),
            "metric_value": _json_num(self.value),
            "baseline_value": _json_num(self.baseline_value),
            **self._slice_values(),
            "message": self.message,
            "warnings": list(self.warnings),
            **self._extras(),
        }


@dataclass(frozen=True)
class MetricsValidationForSlice:
    """The failures on one slice, or on one cross slice (``cross_slice_key`` set, ``slice_key == ()``)."""

    slice_key: SliceKey
    slice: str
    failures: tuple[Check, ...]
    cross_slice_key: CrossSliceKey | None = None

    def to_dict(self) -> dict[str, Any]:
        where = (
            {"cross_slice_key": self.cross_slice_key.to_dict()}
            if self.cross_slice_key is not None
            else {"slice_key": _key_dict(self.slice_key)}
        )
        return {**where, "slice": self.slice, "failures": [c.failure_dict() for c in self.failures]}


@dataclass(frozen=True)
class SlicingDetails:
    """How many slices a slicing spec matched, or how many cross slices a cross-slicing spec did."""

    slicing_spec: SlicingSpec | CrossSlicingSpec
    num_matching_slices: int

    def to_dict(self) -> dict[str, Any]:
        key = "cross_slicing_spec" if isinstance(self.slicing_spec, CrossSlicingSpec) else "slicing_spec"
        return {key: self.slicing_spec.to_dict(), "num_matching_slices": self.num_matching_slices}


@dataclass(frozen=True)
class MissingSlice:
    slicing_spec: SlicingSpec
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.slicing_spec.to_dict(), "message": self.message}


@dataclass(frozen=True)
class MissingCrossSlice:
    """A cross-slicing spec whose baseline spec or one of whose comparison specs matches no slice."""

    cross_slicing_spec: CrossSlicingSpec
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {**self.cross_slicing_spec.to_dict(), "message": self.message}


@dataclass(frozen=True)
class ValidationResult:
    """TFMA's ``ValidationResult`` plus every check made (``checks``) and what was compared."""

    validation_ok: bool
    metric_validations_per_slice: tuple[MetricsValidationForSlice, ...] = ()
    missing_slices: tuple[MissingSlice, ...] = ()
    missing_thresholds: bool = False
    rubber_stamp: bool = False
    validation_details: tuple[SlicingDetails, ...] = ()
    checks: tuple[Check, ...] = ()
    candidate: str = ""
    baseline: str | None = None
    threshold: float | None = None
    #: each model's decision threshold (binary), by name: models may score differently (probabilities, margins)
    thresholds: tuple[tuple[str, float | None], ...] = ()
    skipped_change_thresholds: int = 0
    notes: tuple[str, ...] = field(default_factory=tuple)
    missing_cross_slices: tuple[MissingCrossSlice, ...] = ()
    #: every behaviour test's outcome per model and slice (``[[behaviors]]``), gated with the checks
    behaviors: tuple[BehaviorOutcome, ...] = ()

    @property
    def n_failed(self) -> int:
        return sum(not c.ok for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "wit-tui", "version": __version__},
            "validation_ok": self.validation_ok,
            "metric_validations_per_slice": [s.to_dict() for s in self.metric_validations_per_slice],
            "missing_slices": [m.to_dict() for m in self.missing_slices],
            "missing_cross_slices": [m.to_dict() for m in self.missing_cross_slices],
            "missing_thresholds": self.missing_thresholds,
            "rubber_stamp": self.rubber_stamp,
            "validation_details": {"slicing_details": [d.to_dict() for d in self.validation_details]},
            "candidate_model_name": self.candidate,
            "baseline_model_name": self.baseline,
            "decision_threshold": self.threshold,
            "decision_thresholds": dict(self.thresholds) or None,
            "skipped_change_thresholds": self.skipped_change_thresholds,
            "notes": list(self.notes),
            "checks": [c.to_dict() for c in self.checks],
            "behaviors": [behavior_dict(o) for o in self.behaviors],
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, default=_json_default)


def behavior_dict(o: BehaviorOutcome) -> dict[str, Any]:
    """One behaviour outcome's JSON form (docs/report-schema.md, ``behaviors``)."""
    examples = [
        {
            "row": e.row,
            "change": e.change,
            "score_before": _json_num(e.score_before),
            "score_after": _json_num(e.score_after),
            "decision_before": _json_default(e.before),
            "decision_after": _json_default(e.after),
        }
        for e in o.examples
    ]
    return {
        "name": o.behavior,
        "kind": o.kind,
        "model_name": o.model,
        "slice": o.slice,
        "measure": o.measure,
        "rows": o.rows,
        "failures": o.failures,
        "rate": _json_num(o.rate),
        "interval": _interval_dict(o.interval),
        "limit": o.limit,
        "baseline_rate": _json_num(o.baseline_rate),
        "gates": o.gates,
        "ok": o.passed,
        "message": o.message,
        "examples": examples,
        "failing_rows": list(o.failing_rows),
    }


def _interval_dict(iv: Interval) -> dict[str, Any]:
    """An interval's JSON form, an infinite bound as null too (JSON has no infinity)."""
    low, high = (_json_num(x) for x in (iv.low, iv.high))
    return {"low": low, "high": high, "method": iv.method, "level": iv.level}


def _json_default(obj: Any) -> Any:
    if isinstance(obj, np.generic):
        return obj.item()
    return str(obj)


__all__ = [
    "SCHEMA_VERSION",
    "behavior_dict",
    "Check",
    "CrossSliceKey",
    "MetricKey",
    "MetricsValidationForSlice",
    "MissingCrossSlice",
    "MissingSlice",
    "SlicingDetails",
    "ValidationResult",
]
