"""``validate --junit``: every check as a JUnit testcase, so CI (GitLab, GitHub, Jenkins) shows what failed.

One ``<testsuites>`` holds a ``<testsuite>`` for the metric checks and one for the behaviour tests. Each metric
threshold checked on each slice (and cross slice) is a testcase, and so is each behaviour on each model and slice;
a failing one carries a ``<failure>`` whose message has the numbers and whose text the details. Why validation
failed without a failing threshold (a slicing spec that matches no slice, a config without thresholds) is a
failing testcase too, so the CI page never shows "all passed" beside a red job.

Names come from the user's data and config: ElementTree escapes them, and characters XML 1.0 cannot hold at all
(NUL, ESC and the other controls, lone surrogates) are replaced by visible ones as on screen (ESC as ``␛``).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from wit_tui import __version__
from wit_tui.engine.validation.behavior_spec import BehaviorOutcome
from wit_tui.engine.validation.result import Check, ValidationResult
from wit_tui.engine.validation.specs import shown_number

#: classname roots; the model's name follows (a dot in it would read as a package level, so it becomes "_")
METRICS_CLASS = "wit-tui.validate.metrics"
BEHAVIORS_CLASS = "wit-tui.validate.behaviors"
CONFIG_CLASS = "wit-tui.validate.config"
#: the failing rows a behaviour's failure text lists by id (every one is in the JSON result)
MAX_ROW_IDS = 50

# C0 controls by their control pictures, DEL as ␡, C1 controls, bidi overrides / isolates, lone surrogates and
# the two non-characters XML 1.0 forbids (U+FFFE, U+FFFF) as U+FFFD: the same pictures as the screens show
_PICTURES: dict[int, str] = {
    **{c: chr(0x2400 + c) for c in range(0x20)},
    0x7F: "\u2421",
    **dict.fromkeys((*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)), "\ufffd"),
    **dict.fromkeys((*range(0xD800, 0xE000), 0xFFFE, 0xFFFF), "\ufffd"),
}
_PICTURES_KEEP_LINES = {c: r for c, r in _PICTURES.items() if c not in (0x09, 0x0A)}


def xml_text(value: object, *, lines: bool = False) -> str:
    """``str(value)`` that XML 1.0 can hold and a CI page shows safely: controls replaced by visible characters.

    ``lines=True`` keeps newlines and tabs (a failure's text); a name or a message stays on one line."""
    return str(value).translate(_PICTURES_KEEP_LINES if lines else _PICTURES)


@dataclass(frozen=True)
class _Case:
    """One testcase: who it belongs to, its name, and (failing) the message and text, or (skipped) why."""

    classname: str
    name: str
    failure: str | None = None
    details: str = ""
    skipped: str | None = None


def junit_xml(result: ValidationResult, *, name: str = "wit-tui validate") -> str:
    """The validation ``result`` as JUnit XML (UTF-8, with its declaration), in the result's own order."""
    suites = [
        ("metrics", [*_config_cases(result), *_metric_cases(result.checks)]),
        ("behaviors", list(_behavior_cases(result.behaviors))),
    ]
    if not result.validation_ok and not any(c.failure for _, cases in suites for c in cases):
        # a gate this writer does not know of yet: CI must not show a red job with every test green
        suites[0][1].append(_Case(CONFIG_CLASS, "validation", "Validation failed (see wit-tui's output)."))
    root = ET.Element("testsuites", name=xml_text(name))
    for title, cases in suites:
        notes = result.notes if title == "metrics" else ()
        root.append(_suite(f"{name}: {title}", _unique(cases), result, notes))
    _counts(root, [c for _, cases in suites for c in cases])
    root.set("time", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _counts(element: ET.Element, cases: Sequence[_Case]) -> None:
    element.set("tests", str(len(cases)))
    element.set("failures", str(sum(c.failure is not None for c in cases)))
    element.set("errors", "0")


def _suite(title: str, cases: Sequence[_Case], result: ValidationResult, notes: Sequence[str]) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_text(title))
    _counts(suite, cases)
    suite.set("skipped", str(sum(c.skipped is not None for c in cases)))
    suite.set("time", "0")
    props = ET.SubElement(suite, "properties")
    for key, value in _properties(result):
        ET.SubElement(props, "property", name=key, value=xml_text(value))
    for case in cases:
        suite.append(_testcase(case))
    if notes:
        ET.SubElement(suite, "system-out").text = xml_text("\n".join(notes), lines=True)
    return suite


def _properties(result: ValidationResult) -> list[tuple[str, str]]:
    """What the run was: the models, the verdict, and whether it was rubber-stamped (a first run)."""
    out = [
        ("wit_tui.version", __version__),
        ("validation_ok", _bool(result.validation_ok)),
        ("candidate", result.candidate),
        ("baseline", result.baseline or ""),
        ("rubber_stamp", _bool(result.rubber_stamp)),
        ("missing_thresholds", _bool(result.missing_thresholds)),
    ]
    if result.threshold is not None:
        out.append(("decision_threshold", shown_number(result.threshold)))
    if result.skipped_change_thresholds:
        out.append(("skipped_change_thresholds", str(result.skipped_change_thresholds)))
    return out


def _bool(flag: bool) -> str:
    return "true" if flag else "false"


def _testcase(case: _Case) -> ET.Element:
    el = ET.Element("testcase", classname=xml_text(case.classname), name=xml_text(case.name), time="0")
    if case.failure is not None:
        failure = ET.SubElement(el, "failure", message=xml_text(case.failure), type="threshold")
        failure.text = xml_text(case.details, lines=True) or None
    elif case.skipped is not None:
        ET.SubElement(el, "skipped", message=xml_text(case.skipped))
    return el


def _unique(cases: Iterable[_Case]) -> list[_Case]:
    """Each (classname, name) once: a repeat (two gaps on one metric, of two classes) gets " (2)", " (3)"."""
    seen: dict[tuple[str, str], int] = {}
    out = []
    for case in cases:
        n = seen[case.classname, case.name] = seen.get((case.classname, case.name), 0) + 1
        out.append(case if n == 1 else replace(case, name=f"{case.name} ({n})"))
    return out


def _classname(root: str, model: str) -> str:
    return f"{root}.{model.replace('.', '_')}" if model else root


# ---------------------------------------------------------------------------
# what the config asked that found nothing to check
# ---------------------------------------------------------------------------


def _config_cases(result: ValidationResult) -> list[_Case]:
    """Missing thresholds, slices and cross slices as failing testcases; change thresholds skipped as skipped."""
    cases = []
    if result.missing_thresholds:
        cases.append(
            _Case(
                CONFIG_CLASS,
                "thresholds",
                "The config sets no thresholds, so nothing was checked.",
                "Add value_threshold / change_threshold to a [[metrics]] entry, or pass --rubber-stamp "
                "for a first run.",
            )
        )
    for m in result.missing_slices:
        spec = m.slicing_spec.to_dict() or "the Overall slice"
        cases.append(_Case(CONFIG_CLASS, f"slicing spec {spec}", f"No slice matches: {m.message}"))
    for x in result.missing_cross_slices:
        spec = x.cross_slicing_spec.to_dict()
        cases.append(_Case(CONFIG_CLASS, f"cross slicing spec {spec}", f"No cross slice matches: {x.message}"))
    if result.skipped_change_thresholds:
        n = result.skipped_change_thresholds
        why = f"{n} change threshold(s) skipped: no baseline to compare with (--rubber-stamp)."
        cases.append(_Case(CONFIG_CLASS, "change thresholds", skipped=why))
    return cases


# ---------------------------------------------------------------------------
# metric checks
# ---------------------------------------------------------------------------


def check_name(check: Check) -> str:
    """``auc on sex:Male``, ``auc change vs logreg on sex:Male``, ``recall difference on A vs B``; a gap says
    its grouping (``demographic_parity_difference by sex on Overall``), a gate on an interval end says so."""
    key = check.metric_key
    metric = key.name + (f" by {' × '.join(key.by)}" if key.by else "")
    on = getattr(check.threshold, "on", "value")
    if check.kind == "change":
        metric += f" change vs {check.baseline_model}" if check.baseline_model else " change"
    elif check.kind == "cross_slice":
        metric += " difference"
    elif on != "value":
        metric += f" ({on})"
    return f"{metric} on {check.slice}"


def _metric_cases(checks: Sequence[Check]) -> list[_Case]:
    out = []
    for c in checks:
        classname = _classname(METRICS_CLASS, c.metric_key.model_name)
        out.append(_Case(classname, check_name(c)) if c.ok else _Case(classname, check_name(c), *_failure(c)))
    return out


def _failure(c: Check) -> tuple[str, str]:
    """The message (the check's own sentence, then value, threshold and baseline) and the details."""
    numbers = [f"value {shown_number(c.value)}", f"threshold {c.threshold.describe()}"]
    if c.baseline_model is not None:
        numbers.append(f"baseline {c.baseline_model} {shown_number(c.baseline_value)}")
    if c.cross_slice_key is not None:
        x = c.cross_slice_key
        numbers.append(f"{x.baseline_slice} {shown_number(c.slice_values[0])}")
        numbers.append(f"{x.comparison_slice} {shown_number(c.slice_values[1])}")
    details = [
        f"metric: {c.metric_key.name}",
        f"model: {c.metric_key.model_name}",
        f"slice: {c.slice}",
        f"{c.kind}_threshold: {json.dumps(c.threshold.to_dict())}",
        f"value: {shown_number(c.value)}",
    ]
    if c.baseline_model is not None:
        details.append(f"baseline ({c.baseline_model}): {shown_number(c.baseline_value)}")
    for metric, iv in c.intervals.items():
        details.append(
            f"{metric}: {iv.level:.0%} {iv.method} interval [{shown_number(iv.low)}, {shown_number(iv.high)}]"
        )
    details += [f"left out (under min_group_size {c.min_group_size}): {g} ({n} rows)" for g, n in c.left_out]
    details += [f"warning: {w}" for w in c.warnings]
    return f"{c.message} [{'; '.join(numbers)}]", "\n".join(details)


# ---------------------------------------------------------------------------
# behaviour tests
# ---------------------------------------------------------------------------


def _behavior_cases(outcomes: Sequence[BehaviorOutcome]) -> list[_Case]:
    """A testcase per outcome; a failing outcome that does not gate (the baseline's, shown for comparison) is
    skipped with its numbers, so the report stays green exactly when validation passed."""
    out = []
    for o in outcomes:
        classname, name = _classname(BEHAVIORS_CLASS, o.model), f"{o.behavior} on {o.slice}"
        if o.passed:
            out.append(_Case(classname, name))
        elif not o.gates:
            message, _ = _behavior_failure(o)
            out.append(_Case(classname, name, skipped=f"not gated ({o.model}'s outcome is for comparison): {message}"))
        else:
            out.append(_Case(classname, name, *_behavior_failure(o)))
    return out


def _behavior_failure(o: BehaviorOutcome) -> tuple[str, str]:
    """The message (the outcome's sentence, then rate, interval, limit and counts) and the worst examples."""
    iv = o.interval
    bound = "at least" if o.measure == "pass_rate" else "at most"
    numbers = (
        f"{o.measure} {shown_number(o.rate)} ({iv.level:.0%} {iv.method} interval "
        f"[{shown_number(iv.low)}, {shown_number(iv.high)}]); limit {bound} {shown_number(o.limit)}; "
        f"{o.failures:,} of {o.rows:,} rows failed"
    )
    if o.baseline_rate is not None:
        numbers += f"; baseline {o.measure} {shown_number(o.baseline_rate)}"
    details = [f"behavior: {o.behavior} ({o.kind})", f"model: {o.model}", f"slice: {o.slice}"]
    if o.examples:
        details.append("worst examples:")
    for e in o.examples:
        details.append(
            f"  row {e.row}: {e.change}; score {shown_number(e.score_before)} → {shown_number(e.score_after)}; "
            f"decision {e.before} → {e.after}"
        )
    if o.failing_rows:
        shown = ", ".join(str(r) for r in o.failing_rows[:MAX_ROW_IDS])
        more = f" (first {MAX_ROW_IDS} of {len(o.failing_rows):,})" if len(o.failing_rows) > MAX_ROW_IDS else ""
        details.append(f"failing rows{more}: {shown}")
    return f"{o.message} [{numbers}]", "\n".join(details)


__all__ = ["BEHAVIORS_CLASS", "CONFIG_CLASS", "METRICS_CLASS", "check_name", "junit_xml", "xml_text"]
