"""Which thresholds hold on each slice: the value and change checks of one validation run, slice by slice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.metrics.fairness import gap
from wit_tui.engine.metrics.slice_index import SliceMetrics
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import FeatureSlices, SliceKey, Slicing, check_slice_count, cross
from wit_tui.engine.validation.result import Check, MetricKey, MissingSlice, SlicingDetails
from wit_tui.engine.validation.rules import change_warnings, check_change, check_value
from wit_tui.engine.validation.slicing_specs import spec_slicing
from wit_tui.engine.validation.specs import MetricSpec, SlicingSpec, ValidationConfig, ValueThreshold


@dataclass(frozen=True)
class ValidationRun:
    """What every check of one validation run shares."""

    session: Session
    config: ValidationConfig
    candidate: int
    baseline: int | None
    #: per model (by index): its decision threshold, binary only (None otherwise)
    thresholds: tuple[float | None, ...]
    lab: np.ndarray
    by_parts: dict[tuple[str, ...], list[FeatureSlices]] = field(default_factory=dict)

    @property
    def cand_name(self) -> str:
        return self.session.models[self.candidate].name

    @property
    def base_name(self) -> str | None:
        return None if self.baseline is None else self.session.models[self.baseline].name

    def slicing(self, spec: SlicingSpec) -> tuple[Slicing, str]:
        """The spec's slices of the labelled rows (refused when it has too many), and why it has none."""
        slicing, why = spec_slicing(
            self.session.data, spec.feature_keys, spec.feature_values, self.config.buckets, rows=self.lab
        )
        check_slice_count(slicing, f"{self.config.source}: the slicing spec {spec.describe()}")
        return slicing, why


def _gap_value(run: ValidationRun, model: int, spec_codes: np.ndarray, k: int, m: MetricSpec) -> tuple[float, str]:
    rows = (spec_codes == k) & run.lab
    groups = cross(run.by_parts[m.by], rows)
    whole_codes = np.where(rows, 0, -1)
    t = run.thresholds[model]
    sm_groups = session_slice_metrics(run.session, model, groups.codes, groups.n_slices, t)
    sm_whole = session_slice_metrics(run.session, model, whole_codes, 1, t)
    names = [groups.name(g) for g in range(groups.n_slices)]
    g = gap(m.name, sm_groups, sm_whole, names, m.method, by="×".join(m.by))
    return g.value, g.reason


def _value_check(
    m: MetricSpec, bound: ValueThreshold, name: str, key: SliceKey, mkey: MetricKey, value: tuple[float, str]
) -> Check:
    v_c, why_c = value
    if why_c:
        ok, msg = False, f"{m.name} is not computable on this slice: {why_c}"
    else:
        ok, msg = check_value(v_c, bound, m.name)
    return Check(name, key, mkey, "value", bound, None if why_c else v_c, None, None, ok, msg)


def _change_check(
    run: ValidationRun, m: MetricSpec, name: str, key: SliceKey, cand: tuple[float, str], base: tuple[float, str]
) -> Check:
    assert m.change_threshold is not None, "only metrics with a change threshold come here"
    (v_c, why_c), (v_b, why_b) = cand, base
    if why_c:
        ok, msg = False, f"{m.name} is not computable on this slice for {run.cand_name}: {why_c}"
    elif why_b:
        ok, msg = False, f"{m.name} is not computable on this slice for the baseline {run.base_name}: {why_b}"
    else:
        ok, msg = check_change(v_c, v_b, m.change_threshold, m.name)
    warnings = () if why_b else change_warnings(v_b, m.change_threshold, m.name)
    dkey = MetricKey(m.name, run.cand_name, True, m.by, m.method if m.by else "")
    return Check(
        name,
        key,
        dkey,
        "change",
        m.change_threshold,
        None if why_c else v_c,
        run.base_name,
        None if why_b else v_b,
        ok,
        msg,
        warnings=warnings,
    )


def _metric_checks(
    run: ValidationRun, m: MetricSpec, slicing: Slicing, k: int, per_model: dict[int, SliceMetrics]
) -> list[Check]:
    """The value and change checks of ``m`` on slice ``k``."""
    values: dict[int, tuple[float, str]] = {}
    for i, sm in per_model.items():
        if m.is_gap:
            values[i] = _gap_value(run, i, slicing.codes, k, m)
        else:
            values[i] = (sm.value(m.name, k), sm.reason(m.name, k))
    name, key = slicing.name(k), slicing.keys[k]
    out = []
    if m.value_threshold is not None:
        mkey = MetricKey(m.name, run.cand_name, False, m.by, m.method if m.by else "")
        out.append(_value_check(m, m.value_threshold, name, key, mkey, values[run.candidate]))
    if m.change_threshold is not None and run.baseline is not None:
        out.append(_change_check(run, m, name, key, values[run.candidate], values[run.baseline]))
    return out


@dataclass
class SliceChecks:
    checks: list[Check] = field(default_factory=list)
    details: list[SlicingDetails] = field(default_factory=list)
    missing: list[MissingSlice] = field(default_factory=list)
    n_not_applicable: int = 0


def slice_checks(run: ValidationRun, specs: Sequence[SlicingSpec], metrics: Sequence[MetricSpec]) -> SliceChecks:
    """The value and change checks of ``metrics`` on every slice of ``specs`` (each slice once)."""
    out = SliceChecks()
    seen: set[SliceKey] = set()
    need_baseline = run.baseline is not None and any(m.change_threshold for m in metrics)
    models = [run.candidate] + ([run.baseline] if need_baseline and run.baseline is not None else [])
    for spec in specs:
        slicing, why = run.slicing(spec)
        out.details.append(SlicingDetails(spec, slicing.n_slices))
        if slicing.n_slices == 0:
            out.missing.append(MissingSlice(spec, f"slicing spec {spec.describe()} matches no slice: {why}"))
            continue
        per_model = {
            i: session_slice_metrics(run.session, i, slicing.codes, slicing.n_slices, run.thresholds[i]) for i in models
        }
        for k in range(slicing.n_slices):
            key = slicing.keys[k]
            if key in seen:
                continue
            seen.add(key)
            fixed = {f for f, _ in key}
            for m in metrics:
                if m.is_gap and fixed & set(m.by):
                    out.n_not_applicable += 1  # a gap across sex means nothing on the slice sex:Female
                    continue
                out.checks += _metric_checks(run, m, slicing, k, per_model)
    return out


__all__ = ["SliceChecks", "ValidationRun", "slice_checks"]
