"""Does each model behave as the ``[[behaviors]]`` say: every test on the candidate (and the baseline, for
comparison and change thresholds), overall and per slice, as :class:`BehaviorOutcome` values that gate ``validate``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.intervals import Interval, wilson_interval
from wit_tui.engine.slicing import check_slice_count
from wit_tui.engine.validation.behavior_cases import cases_tested, read_cases
from wit_tui.engine.validation.behavior_rows import Measure, Reader, Tested, chosen_rows, perturbed
from wit_tui.engine.validation.behavior_spec import BehaviorOutcome, BehaviorSpec, Example
from wit_tui.engine.validation.result import ValidationResult
from wit_tui.engine.validation.slice_checks import ValidationRun
from wit_tui.engine.validation.slicing_specs import spec_slicing

#: how many of the worst failing rows an outcome shows
N_EXAMPLES = 5
_WORDS = {"flip_rate": "flip rate", "fail_rate": "fail rate", "pass_rate": "pass rate"}


def _slices(run: ValidationRun, spec: BehaviorSpec, where: str, tested: Tested) -> list[tuple[str, np.ndarray]]:
    """Overall, then each slice of the test's ``slicing_specs``: its name and which tested rows are in it."""
    out = [("Overall", np.ones(len(tested.rows), bool))]
    keep = np.zeros(len(tested.frame), bool)
    keep[tested.rows] = True
    for j, s in enumerate(spec.slicing_specs):
        name = f"{where}.slicing_specs[{j + 1}] {s.describe()}"
        slicing, _ = spec_slicing(
            tested.frame,
            s.feature_keys,
            s.feature_values,
            run.config.buckets,
            keep,
            where=s.where,
            edges=s.edges,
            name=name,
        )
        check_slice_count(slicing, name)
        codes = slicing.codes[tested.rows]
        out += [(slicing.name(k), codes == k) for k in range(slicing.n_slices)]
    return out


def _examples(tested: Tested, m: Measure, failing: np.ndarray) -> tuple[Example, ...]:
    worst = failing[np.argsort(-m.severity[failing], kind="stable")[:N_EXAMPLES]]
    names = tested.decision_names
    return tuple(
        Example(
            row=int(tested.rows[j]),
            change=tested.example_change(int(j), int(m.variant[j])),
            score_before=float(tested.before_score[j]),
            score_after=float(m.after_score[j]),
            before=names[tested.before_dec[j]],
            after=names[m.after_dec[j]],
        )
        for j in worst
    )


def _outcome(
    spec: BehaviorSpec, model: str, tested: Tested, m: Measure, slice_name: str, sel: np.ndarray
) -> BehaviorOutcome:
    """One measure on one slice: the rate, its Wilson interval, the verdict and the worst rows."""
    idx = np.flatnonzero(sel)
    n = len(idx)
    failing = idx[m.fail[idx]]
    f = len(failing)
    count = n - f if m.name == "pass_rate" else f
    rate = count / n if n else float("nan")
    iv = wilson_interval(count, n) if n else Interval(float("nan"), float("nan"), "wilson", 0.95)
    if n == 0:
        passed, msg = False, "no row to test (the where predicate matches none)"
    else:
        passed = rate >= m.limit if m.name == "pass_rate" else rate <= m.limit
        op = (">=" if passed else "<") if m.name == "pass_rate" else ("<=" if passed else ">")
        bound = "min" if m.name == "pass_rate" else "max"
        msg = (
            f"{_WORDS[m.name]} {rate:.4g} ({count} of {n} rows) [{iv.low:.4g}, {iv.high:.4g}] {op} {bound} {m.limit:g}"
        )
    return BehaviorOutcome(
        behavior=spec.name,
        kind=spec.kind,
        model=model,
        slice=slice_name,
        rows=n,
        failures=f,
        rate=rate,
        interval=iv,
        measure=m.name,
        limit=m.limit,
        passed=bool(passed),
        message=msg,
        examples=_examples(tested, m, failing),
        failing_rows=tuple(int(r) for r in tested.rows[failing]),
    )


def _model_outcomes(
    run: ValidationRun, spec: BehaviorSpec, where: str, i: int, cases: tuple | None
) -> list[BehaviorOutcome]:
    reader = Reader(run.session, i, run.thresholds[i], spec.cls)
    if cases is not None:
        tested = cases_tested(reader, spec, *cases)
    else:
        tested = perturbed(reader, spec, chosen_rows(run.session, spec))
    name = run.session.models[i].name
    slices = _slices(run, spec, where, tested)
    return [_outcome(spec, name, tested, m, s, sel) for m in tested.measures for s, sel in slices]


def _with_change(spec: BehaviorSpec, cand: list[BehaviorOutcome], base: list[BehaviorOutcome]) -> list[BehaviorOutcome]:
    """The change threshold: the candidate's rate no worse than the baseline's on the same slice, by ``absolute``."""
    assert spec.change is not None, "only tests with a change threshold come here"
    by_key = {(b.measure, b.slice): b for b in base}
    out = []
    for o in cand:
        b = by_key.get((o.measure, o.slice))
        if b is None or o.rows == 0 or b.rows == 0:
            out.append(o)
            continue
        a = spec.change.absolute
        if o.measure == "pass_rate":
            bound, ok, op = b.rate - a, o.rate >= b.rate - a, ">="
        else:
            bound, ok, op = b.rate + a, o.rate <= b.rate + a, "<="
        verdict = "holds" if ok else "fails"
        sign = "-" if op == ">=" else "+"
        msg = f"{o.message}; vs baseline {b.model} {b.rate:.4g} {sign} {a:g}: {op} {bound:.4g} {verdict}"
        out.append(replace(o, passed=o.passed and ok, baseline_rate=b.rate, message=msg))
    return out


def run_behaviors(run: ValidationRun, rubber_stamp: bool, notes: list[str]) -> tuple[BehaviorOutcome, ...]:
    """Every ``[[behaviors]]`` test on the candidate (gating) and the baseline (shown, and the reference of a
    change threshold). A change threshold without a baseline is refused, or skipped with ``rubber_stamp``."""
    out: list[BehaviorOutcome] = []
    source = run.config.source
    changes = [s.name for s in run.config.behaviors if s.change is not None]
    if changes and run.baseline is None:
        if not rubber_stamp:
            raise WitError(
                f"{source}: behaviour tests with a change_threshold ({', '.join(changes)}) need a baseline model.",
                "Pass --baseline MODEL, or --rubber-stamp to skip those change thresholds on a first run.",
            )
        notes.append(f"No baseline: {len(changes)} behaviour change threshold(s) skipped (rubber stamp).")
    for k, spec in enumerate(run.config.behaviors):
        where = f"{source}: behaviors[{k + 1}] ({spec.name})"
        cases = read_cases(run.session, spec, where) if spec.kind == "cases" else None
        cand = _model_outcomes(run, spec, where, run.candidate, cases)
        base: list[BehaviorOutcome] = []
        if run.baseline is not None:
            base = [replace(o, gates=False) for o in _model_outcomes(run, spec, where, run.baseline, cases)]
            if spec.change is not None:
                cand = _with_change(spec, cand, base)
        out += cand + base
    return tuple(out)


def behaviors_ok(outcomes: Sequence[BehaviorOutcome]) -> bool:
    """Do all the gating outcomes pass (the candidate's)?"""
    return all(o.passed for o in outcomes if o.gates)


def with_behaviors(
    run: ValidationRun, result: ValidationResult, rubber_stamp: bool, notes: list[str]
) -> ValidationResult:
    """``result`` with the behaviour tests' outcomes; a failing one fails the validation."""
    if not run.config.behaviors:
        return result
    outcomes = run_behaviors(run, rubber_stamp, notes)
    return replace(result, behaviors=outcomes, validation_ok=result.validation_ok and behaviors_ok(outcomes))


__all__ = ["N_EXAMPLES", "behaviors_ok", "run_behaviors", "with_behaviors"]
