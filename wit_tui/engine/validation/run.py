"""Is the candidate model good enough to ship: TFMA-style validation of a session's models per slice,
and of cross-slice thresholds on the difference between two slices (the rules: :mod:`.rules`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from wit_tui.engine.analysis.data_checks import scoring_notes, scoring_warnings
from wit_tui.engine.analysis.decisions_file import DecisionsFile
from wit_tui.engine.analysis.model_calibration import with_calibration
from wit_tui.engine.analysis.performance import labelled_mask
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.decisions_rows import AppliedDecisions, apply_decisions
from wit_tui.engine.metrics.slice_index import SliceMetrics
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions
from wit_tui.engine.metrics.threshold_values import GivenThresholds, resolve_thresholds
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import SliceKey, Slicing, check_slice_count, cross, feature_slices
from wit_tui.engine.validation.behavior_config import check_behaviors
from wit_tui.engine.validation.behavior_run import with_behaviors
from wit_tui.engine.validation.config import check_config
from wit_tui.engine.validation.result import (
    Check,
    CrossSliceKey,
    MetricKey,
    MetricsValidationForSlice,
    MissingCrossSlice,
    SlicingDetails,
    ValidationResult,
)
from wit_tui.engine.validation.rules import check_value
from wit_tui.engine.validation.slice_checks import ValidationRun, slice_checks
from wit_tui.engine.validation.specs import MetricSpec, SlicingSpec, ValidationConfig, ValueThreshold, shown_number

# ---------------------------------------------------------------------------
# running it over a session
# ---------------------------------------------------------------------------


def _cross_check(
    m: MetricSpec,
    bound: ValueThreshold,
    xkey: CrossSliceKey,
    model_name: str,
    base: tuple[float, str],
    comp: tuple[float, str],
) -> Check:
    """The cross-slice check of ``m`` on one cross slice, from each side's (value, reason not computable)."""
    (v_b, why_b), (v_c, why_c) = base, comp
    diff = None
    if why_b:
        ok, msg = False, f"{m.name} is not computable on the baseline slice {xkey.baseline_slice}: {why_b}"
    elif why_c:
        ok, msg = False, f"{m.name} is not computable on the comparison slice {xkey.comparison_slice}: {why_c}"
    else:
        diff = float(v_b) - float(v_c)
        ok, msg = check_value(diff, bound, f"{m.name} difference")
        msg += f" ({xkey.baseline_slice} {shown_number(v_b)} - {xkey.comparison_slice} {shown_number(v_c)})"
    return Check(
        xkey.name,
        (),
        MetricKey(m.name, model_name),
        "cross_slice",
        bound,
        diff,
        None,
        None,
        ok,
        msg,
        xkey,
        (None if why_b else v_b, None if why_c else v_c),
    )


@dataclass(frozen=True)
class _Sliced:
    """One slicing spec's slices, why it has none, and the candidate's metrics on them."""

    slicing: Slicing
    why: str
    metrics: SliceMetrics | None


def _pair_checks(
    run: ValidationRun,
    metrics: Sequence[MetricSpec],
    base: _Sliced,
    comp: _Sliced,
    seen: set[tuple[SliceKey, SliceKey]],
    checks: list[Check],
) -> int:
    """Append the checks of every (baseline slice, comparison slice) pair not seen yet; the number of pairs."""
    n_matching = 0
    sb, sc = base.slicing, comp.slicing
    if sb.n_slices == 0 or sc.n_slices == 0:
        return 0
    assert base.metrics is not None and comp.metrics is not None, "a slicing with slices has metrics"
    for kb in range(sb.n_slices):
        for kc in range(sc.n_slices):
            pair = (sb.keys[kb], sc.keys[kc])
            if pair[0] == pair[1]:
                continue  # a slice against itself is always 0
            n_matching += 1
            if pair in seen:
                continue
            seen.add(pair)
            xkey = CrossSliceKey(pair[0], pair[1], sb.name(kb), sc.name(kc))
            for m in metrics:
                assert m.cross_slice_threshold is not None, "only metrics with a cross-slice threshold come here"
                b = (base.metrics.value(m.name, kb), base.metrics.reason(m.name, kb))
                c = (comp.metrics.value(m.name, kc), comp.metrics.reason(m.name, kc))
                checks.append(_cross_check(m, m.cross_slice_threshold, xkey, run.cand_name, b, c))
    return n_matching


def _cross_checks(
    run: ValidationRun, metrics: Sequence[MetricSpec]
) -> tuple[list[Check], list[SlicingDetails], list[MissingCrossSlice]]:
    """The cross-slice checks of ``metrics`` on every cross slice of ``config.cross_slicing_specs``, each spec's
    number of cross slices, and the cross specs that are missing (a side that matches no slice)."""
    computed: dict[SlicingSpec, _Sliced] = {}

    def sliced(spec: SlicingSpec) -> _Sliced:
        if spec not in computed:
            slicing, why = run.slicing(spec)
            sm = None
            if slicing.n_slices:
                t = run.threshold_of(run.candidate)
                sm = session_slice_metrics(run.session, run.candidate, slicing.codes, slicing.n_slices, t)
                if any(m.name == "ece" for m in metrics):  # a calibration number beside the slice metrics
                    sm = with_calibration(sm, run.session, run.candidate, slicing.codes, slicing.n_slices)
            computed[spec] = _Sliced(slicing, why, sm)
        return computed[spec]

    checks: list[Check] = []
    details: list[SlicingDetails] = []
    missing: list[MissingCrossSlice] = []
    seen: set[tuple[SliceKey, SliceKey]] = set()
    for cspec in run.config.cross_slicing_specs:
        base = sliced(cspec.baseline_spec)
        reasons = []
        if base.slicing.n_slices == 0:
            reasons.append(f"its baseline_spec {cspec.baseline_spec.describe()} matches no slice: {base.why}")
        n_matching = 0
        for comp_spec in cspec.slicing_specs:
            comp = sliced(comp_spec)
            if comp.slicing.n_slices == 0:
                reasons.append(f"its comparison spec {comp_spec.describe()} matches no slice: {comp.why}")
                continue
            n_matching += _pair_checks(run, metrics, base, comp, seen, checks)
        if n_matching == 0 and not reasons:
            reasons.append("every comparison slice is the baseline slice itself")
        details.append(SlicingDetails(cspec, n_matching))
        if reasons:
            missing.append(MissingCrossSlice(cspec, f"cross slicing spec {cspec.describe()}: " + "; ".join(reasons)))
    return checks, details, missing


def _without_baseline(config: ValidationConfig, rubber_stamp: bool, notes: list[str]) -> tuple[ValidationConfig, int]:
    """Change thresholds need a baseline: refuse, or (rubber stamp) drop them; how many were skipped."""
    if not rubber_stamp:
        names = ", ".join(dict.fromkeys(m.label for m in config.metrics if m.change_threshold))
        raise WitError(
            f"The config has change thresholds ({names}) but no baseline model was given.",
            "Pass --baseline MODEL to compare against, or --rubber-stamp for a first run "
            "(change thresholds are then skipped and value thresholds still apply).",
        )
    skipped = sum(1 for m in config.metrics if m.change_threshold)
    notes.append(f"No baseline: {skipped} change threshold(s) skipped (rubber stamp).")
    return config.without_change_thresholds(), skipped


def _decision_thresholds(
    session: Session, config: ValidationConfig, given: GivenThresholds | None, notes: list[str]
) -> tuple[float | None, ...]:
    """Each model's binary decision threshold: ``--threshold`` (``given``) over the config's ``threshold``, else
    the model's default (0.5 for probabilities, 0 for margins), each checked for its kind of score; None for
    other tasks."""
    from_config, from_cli = config.given_thresholds, dict(given or {})
    if session.task.kind != "binary":
        if from_cli:
            raise WitError(
                f"--threshold applies to binary classifiers, but the task is {session.task.kind}.",
                "Leave --threshold out.",
            )
        if from_config:
            notes.append(f"threshold ignored: the task is {session.task.kind}, not binary.")
        return tuple(None for _ in session.models)
    names, kinds, defaults = session.model_names, session.probabilities, session.default_thresholds
    # the config's are checked as the config's (its key named), then the command line's override them
    base = resolve_thresholds(from_config, names, kinds, defaults, f"{config.source}: threshold")
    return resolve_thresholds(from_cli, names, kinds, base, "--threshold")


def _decided(applied: AppliedDecisions) -> str:
    """The thresholds a decisions file set, in words: one per model, or per slice on its slicing."""
    parts = []
    for name, t, per in zip(applied.names, applied.thresholds, applied.slice_thresholds, strict=True):
        parts.append(f"{name} {t:g}" if per is None else f"{name} per slice of {applied.slicing_name}")
    return ", ".join(parts)


def _unused_spec_notes(
    config: ValidationConfig, checked: Sequence[MetricSpec], crossed: Sequence[MetricSpec]
) -> list[str]:
    notes = []
    if not checked and config.slicing_specs:
        notes.append(
            "The [[slicing_specs]] are not used: no metric has a value or change threshold "
            "(cross-slice thresholds apply to the [[cross_slicing_specs]] only)."
        )
    if config.cross_slicing_specs and not crossed:
        notes.append("The [[cross_slicing_specs]] are not used: no metric has a cross_slice_threshold.")
    return notes


def _failures(checks: Sequence[Check]) -> tuple[MetricsValidationForSlice, ...]:
    """The failed checks grouped by slice (or cross slice), in the order they were made."""
    per_slice: dict[tuple[SliceKey, CrossSliceKey | None], list[Check]] = {}
    for c in checks:
        if not c.ok:
            per_slice.setdefault((c.slice_key, c.cross_slice_key), []).append(c)
    return tuple(MetricsValidationForSlice(k, v[0].slice, tuple(v), x) for (k, x), v in per_slice.items())


def _run_checks(run: ValidationRun, notes: list[str]) -> ValidationResult:
    """Every check the config asks for, as a result (the run's names and threshold filled in by the caller)."""
    config, frame = run.config, run.session.data
    notes.extend(scoring_warnings(run.session) + scoring_notes(run.session))  # unscored rows are left out
    checked = [m for m in config.metrics if m.value_threshold or m.change_threshold]
    crossed = [m for m in config.metrics if m.cross_slice_threshold]
    # only cross-slice thresholds: the single slices have nothing to check
    specs = (config.slicing_specs or (SlicingSpec(),)) if checked else ()
    notes.extend(_unused_spec_notes(config, checked, crossed))
    for m in checked:
        if m.by:
            run.by_parts[m.by] = [feature_slices(frame[f], config.buckets, f) for f in m.by]
    for by, parts in run.by_parts.items():
        check_slice_count(cross(parts, run.lab), f"{config.source}: by = {list(by)}")
    done = slice_checks(run, specs, checked)
    notes.extend(done.notes)
    if done.n_not_applicable:
        notes.append(
            f"{done.n_not_applicable} fairness-gap check(s) not applicable: the slice fixes the feature the gap "
            "compares across (e.g. a gap by sex on the slice sex:Female)."
        )
    missing_cross: list[MissingCrossSlice] = []
    if crossed:
        x_checks, x_details, missing_cross = _cross_checks(run, crossed)
        done.checks += x_checks
        done.details += x_details
    failures = _failures(done.checks)
    return ValidationResult(
        validation_ok=not failures and not done.missing and not missing_cross,
        metric_validations_per_slice=failures,
        missing_slices=tuple(done.missing),
        missing_thresholds=False,
        validation_details=tuple(done.details),
        checks=tuple(done.checks),
        missing_cross_slices=tuple(missing_cross),
    )


def _thresholds_and_decisions(
    session: Session,
    config: ValidationConfig,
    given: GivenThresholds | None,
    decisions: DecisionsFile | None,
    notes: list[str],
) -> tuple[tuple[float | None, ...], AppliedDecisions | None]:
    """Each model's threshold and the decisions file applied (None without one): ``--threshold`` over the file
    over the config's ``threshold``."""
    if decisions is None:
        return _decision_thresholds(session, config, given, notes), None
    base = _decision_thresholds(session, config, None, notes)
    applied = apply_decisions(session, decisions, [float(t) for t in base if t is not None], given)
    notes.append(f"Decisions from {decisions.source}: {decisions.strategy_title}, {_decided(applied)}.")
    notes.extend(applied.notes)
    return applied.thresholds, applied


def validate_session(
    session: Session,
    config: ValidationConfig,
    *,
    candidate: int,
    baseline: int | None = None,
    rubber_stamp: bool = False,
    thresholds: GivenThresholds | None = None,
    intervals: IntervalOptions = DEFAULT_INTERVALS,
    decisions: DecisionsFile | None = None,
) -> ValidationResult:
    """Validate model ``candidate`` of ``session`` (against model ``baseline``) with ``config``; each check
    carries the candidate's interval of its metric, made as ``intervals`` says (and may gate on it).

    Raises WitError for usage errors: no label, metrics the task lacks, change
    thresholds without a baseline (unless ``rubber_stamp``), a decision threshold
    out of its model's range. ``thresholds`` (``--threshold``) override ``decisions`` (``--decisions``: per
    model and per slice), which override the config's ``threshold``.
    """
    if session.label is None:
        raise WitError("Validation needs ground truth, but no label column was given.", "Pass --label COLUMN.")
    if session.label_problem is not None:
        raise session.label_problem  # a label of none of the model's classes: every check would be meaningless
    check_config(config, session.task.kind, list(session.data.columns), session.task.classes)
    check_behaviors(config.behaviors, session, config.source)
    skipped = 0
    notes: list[str] = list(session.warnings)
    if config.has_change_thresholds and baseline is None:
        config, skipped = _without_baseline(config, rubber_stamp, notes)
    per_model, applied = _thresholds_and_decisions(session, config, thresholds, decisions, notes)
    if not config.has_thresholds and not config.behaviors:
        result = ValidationResult(validation_ok=rubber_stamp, missing_thresholds=not rubber_stamp)
    else:
        decided = () if applied is None else tuple(applied.decisions())
        lab = labelled_mask(session)
        run = ValidationRun(
            session, config, candidate, baseline, per_model, lab, intervals=intervals, decisions=decided
        )
        result = with_behaviors(run, _run_checks(run, notes), rubber_stamp, notes)
    return replace(
        result,
        candidate=session.models[candidate].name,
        baseline=None if baseline is None else session.models[baseline].name,
        threshold=per_model[candidate],
        thresholds=tuple(zip(session.model_names, per_model, strict=True)) if session.task.kind == "binary" else (),
        rubber_stamp=rubber_stamp,
        skipped_change_thresholds=skipped,
        notes=tuple(notes),
    )


__all__ = ["validate_session"]
