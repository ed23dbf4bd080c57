"""Which thresholds hold on each slice: the value and change checks of one validation run, slice by slice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from wit_tui.engine.analysis.group_fairness import group_confusion, kept_groups
from wit_tui.engine.analysis.metric_intervals import slice_metric_intervals
from wit_tui.engine.analysis.model_calibration import with_calibration
from wit_tui.engine.analysis.multiclass_groups import ovr_gap
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.metrics.fairness import gap, parse_gap
from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.metrics.multiclass_fairness import ovr_gap_metrics
from wit_tui.engine.metrics.row_thresholds import RowThresholds
from wit_tui.engine.metrics.slice_index import SliceMetrics
from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    PROPORTIONS,
    IntervalOptions,
    Intervals,
    gap_intervals,
)
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import FeatureSlices, SliceKey, Slicing, check_slice_count, cross
from wit_tui.engine.validation.result import Check, MetricKey, MissingSlice, SlicingDetails
from wit_tui.engine.validation.rules import change_warnings, check_change, check_gated
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
    #: how every interval is made (``--ci-level``, ``--resamples``)
    intervals: IntervalOptions = DEFAULT_INTERVALS
    #: per model: the threshold of each row when a decisions file gives per-slice ones (empty: ``thresholds``)
    decisions: tuple[float | RowThresholds | None, ...] = ()

    def threshold_of(self, i: int) -> float | RowThresholds | None:
        """Model ``i``'s decision as the metrics take it: per row with a decisions file's per-slice thresholds."""
        return self.decisions[i] if self.decisions else self.thresholds[i]

    @property
    def cand_name(self) -> str:
        return self.session.models[self.candidate].name

    @property
    def base_name(self) -> str | None:
        return None if self.baseline is None else self.session.models[self.baseline].name

    def slicing(self, spec: SlicingSpec) -> tuple[Slicing, str]:
        """The spec's slices of the labelled rows (refused when it has too many), and why it has none."""
        name = f"{self.config.source}: the slicing spec {spec.describe()}"
        slicing, why = spec_slicing(
            self.session.data,
            spec.feature_keys,
            spec.feature_values,
            self.config.buckets,
            rows=self.lab,
            where=spec.where,
            edges=spec.edges,
            name=name,
        )
        check_slice_count(slicing, name)
        return slicing, why


@dataclass(frozen=True)
class _GapValue:
    """A gap on one slice: its value (or why not), its bootstrap interval, and the groups left out."""

    value: float
    reason: str
    interval: Interval | None = None
    left_out: tuple[tuple[str, int], ...] = ()
    #: which class a multi-class gap is of, for the check's message
    note: str = ""


def _gap_interval(
    run: ValidationRun, model: int, m: MetricSpec, codes: np.ndarray, n_groups: int, t: float | RowThresholds | None
) -> Interval | None:
    """The gap's bootstrap interval (binary rates between groups; None for gaps without one, e.g. AUC's)."""
    parsed = parse_gap(m.name)
    if run.session.task.kind != "binary" or m.method != "between_groups" or parsed is None or n_groups < 2:
        return None
    if not all(b in PROPORTIONS for b in parsed[0]):
        return None
    confusion = group_confusion(run.session, model, codes, n_groups, t)
    return gap_intervals(confusion, parsed[0], run.intervals).get(m.name)


def _gap_value(run: ValidationRun, model: int, spec_codes: np.ndarray, k: int, m: MetricSpec) -> _GapValue:
    rows = (spec_codes == k) & run.lab
    groups = cross(run.by_parts[m.by], rows)
    names = [groups.name(g) for g in range(groups.n_slices)]
    keep, left = kept_groups(groups.counts, names, m.min_group_size)
    renumber = np.where(keep, np.cumsum(keep) - 1, -1)
    codes = np.where(groups.codes >= 0, renumber[np.maximum(groups.codes, 0)], -1)
    kept_names = [n for n, kk in zip(names, keep, strict=True) if kk]
    left_pairs = tuple((x.group, x.rows) for x in left)
    if run.session.task.kind == "multiclass" and ovr_gap_metrics(m.name) is not None:  # one class vs the rest
        og = ovr_gap(run.session, model, codes, kept_names, m.name, m.cls, m.method, run.intervals, "×".join(m.by))
        return _GapValue(og.value, og.reason, og.interval, left_pairs, og.note)
    whole_codes = np.where(codes >= 0, 0, -1)
    t = run.threshold_of(model)
    sm_groups = session_slice_metrics(run.session, model, codes, len(kept_names), t)
    sm_whole = session_slice_metrics(run.session, model, whole_codes, 1, t)
    g = gap(m.name, sm_groups, sm_whole, kept_names, m.method, by="×".join(m.by))
    interval = _gap_interval(run, model, m, codes, len(kept_names), t)
    return _GapValue(g.value, g.reason, interval, tuple((x.group, x.rows) for x in left))


def _left_out_words(m: MetricSpec, left: tuple[tuple[str, int], ...]) -> str:
    if not left:
        return ""
    groups = ", ".join(f"{g} ({n:,} row{'s' if n != 1 else ''})" for g, n in left)
    return f"left out, under min_group_size {m.min_group_size}: {groups}"


def _value_check(
    m: MetricSpec,
    bound: ValueThreshold,
    name: str,
    key: SliceKey,
    mkey: MetricKey,
    value: tuple[float, str],
    interval: Interval | None = None,
    left: tuple[tuple[str, int], ...] = (),
) -> Check:
    v_c, why_c = value
    if why_c:
        ok, msg = False, f"{m.name} is not computable on this slice: {why_c}"
    else:
        ok, msg = check_gated(v_c, interval, bound, m.name)
    msg += f"; {_left_out_words(m, left)}" if left else ""
    intervals = {m.name: interval} if interval is not None else {}
    return Check(
        name,
        key,
        mkey,
        "value",
        bound,
        None if why_c else v_c,
        None,
        None,
        ok,
        msg,
        intervals=intervals,
        left_out=left,
        min_group_size=m.min_group_size,
    )


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
    run: ValidationRun,
    m: MetricSpec,
    slicing: Slicing,
    k: int,
    per_model: dict[int, SliceMetrics],
    cand_intervals: dict[str, Intervals],
) -> list[Check]:
    """The value and change checks of ``m`` on slice ``k`` (the candidate's interval beside its value)."""
    values: dict[int, tuple[float, str]] = {}
    interval: Interval | None = None
    left: tuple[tuple[str, int], ...] = ()
    note = ""
    for i, sm in per_model.items():
        if m.is_gap:
            gv = _gap_value(run, i, slicing.codes, k, m)
            values[i] = (gv.value, gv.reason)
            if i == run.candidate:
                interval, left, note = gv.interval, gv.left_out, gv.note
        else:
            values[i] = (sm.value(m.name, k), sm.reason(m.name, k))
    if not m.is_gap and m.name in cand_intervals:
        interval = cand_intervals[m.name].at(k)
    name, key = slicing.name(k), slicing.keys[k]
    out = []
    if m.value_threshold is not None:
        mkey = MetricKey(m.name, run.cand_name, False, m.by, m.method if m.by else "")
        out.append(_value_check(m, m.value_threshold, name, key, mkey, values[run.candidate], interval, left))
    if m.change_threshold is not None and run.baseline is not None:
        check = _change_check(run, m, name, key, values[run.candidate], values[run.baseline])
        out.append(replace(check, intervals={m.name: interval} if interval is not None else {}))
    return [replace(c, message=f"{c.message} ({note})") for c in out] if note else out


@dataclass
class SliceChecks:
    checks: list[Check] = field(default_factory=list)
    details: list[SlicingDetails] = field(default_factory=list)
    missing: list[MissingSlice] = field(default_factory=list)
    n_not_applicable: int = 0
    #: which groups each fairness gap left out (min_group_size), said once per gap and slice
    notes: list[str] = field(default_factory=list)


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
            i: session_slice_metrics(run.session, i, slicing.codes, slicing.n_slices, run.threshold_of(i))
            for i in models
        }
        if any(m.name == "ece" for m in metrics):  # a calibration number beside the slice metrics
            per_model = {
                i: with_calibration(sm, run.session, i, slicing.codes, slicing.n_slices) for i, sm in per_model.items()
            }
        t = run.threshold_of(run.candidate)
        cand_intervals = (
            slice_metric_intervals(
                run.session, run.candidate, slicing.codes, slicing.n_slices, t, options=run.intervals
            )
            if any(not m.is_gap for m in metrics)
            else {}
        )
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
                checks = _metric_checks(run, m, slicing, k, per_model, cand_intervals)
                out.checks += checks
                left = next((c.left_out for c in checks if c.left_out), ())
                if left:
                    out.notes.append(f"{m.label} on {slicing.name(k)}: {_left_out_words(m, left)}")
    return out


__all__ = ["SliceChecks", "ValidationRun", "slice_checks"]
