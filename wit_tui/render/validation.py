"""The validation result as rich text: every check in a table, then failures, missing slices, notes, verdict.

Shared by ``wit-tui validate`` and the performance screen's v key; the numbers
all come from :mod:`wit_tui.engine.validation.result`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from wit_tui.engine.validation.behavior_spec import BehaviorOutcome
from wit_tui.engine.validation.result import Check, ValidationResult
from wit_tui.render.console import plain
from wit_tui.render.format import fmt
from wit_tui.render.intervals import interval_text
from wit_tui.render.palette import FAIL, GOOD, PASS, WARNING
from wit_tui.render.text import literal

NO_THRESHOLDS = (
    "The config has no thresholds, so nothing was validated; pass --rubber-stamp to accept that on a first run."
)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n != 1 else ''}"


def _heading(result: ValidationResult, config: str) -> str:
    head = f"wit-tui validate · candidate {result.candidate}"
    head += f" vs baseline {result.baseline}" if result.baseline else " (no baseline)"
    shown = {t for _, t in result.thresholds}
    if len(shown) > 1:  # the models score differently (probabilities and margins): each its own threshold
        head += " · thresholds " + ", ".join(f"{name} {t:g}" for name, t in result.thresholds if t is not None)
    elif result.threshold is not None:
        head += f" · threshold {result.threshold:g}"
    if config:
        head += f" · {config}"
    return head


def _check_row(c: Check) -> list[Text | str]:
    """One check: slice, metric, model, rule, value, baseline value and PASS / FAIL."""
    key = c.metric_key
    metric = key.name + (f" by {'×'.join(key.by)}" if key.by else "")
    if key.method and key.method != "between_groups":
        metric += f" ({key.method})"
    model = key.model_name + (f" vs {c.baseline_model}" if c.kind == "change" else "")
    rule = c.threshold.describe()
    if c.kind == "cross_slice":
        metric += " difference"
        rule = f"b-c {rule}"  # baseline slice minus comparison slice
    return [
        plain(c.slice),
        plain(metric),
        plain(model),
        plain(rule),
        fmt(c.value),
        _interval(c),
        fmt(c.baseline_value) if c.kind == "change" else "",
        Text("PASS", style=PASS) if c.ok else Text("FAIL", style=FAIL),
    ]


def _interval(c: Check) -> str:
    """The candidate's interval of the metric checked, ``0.6317–0.6619`` (blank without one)."""
    iv = c.intervals.get(c.metric_key.name)
    return "" if iv is None else f"{fmt(iv.low)}–{fmt(iv.high)}"


def _checks_table(checks: Sequence[Check]) -> Table:
    t = Table(header_style="bold", box=None, padding=(0, 1))
    for name in ("slice", "metric", "model", "threshold"):
        t.add_column(name, overflow="fold")
    for name in ("value", "interval", "baseline"):
        t.add_column(name, justify="right", no_wrap=True)
    t.add_column("result", no_wrap=True)
    for check in checks:
        t.add_row(*_check_row(check))
    return t


_MEASURES = {"flip_rate": "flip rate", "fail_rate": "fail rate", "pass_rate": "pass rate"}


def _rate(rate: float) -> str:
    """A rate to 4 decimals like its interval (0.0000 and 1.0000 too, not 0 and 1)."""
    return fmt(rate) if math.isnan(rate) else f"{rate:.4f}"


def _behavior_row(o: BehaviorOutcome) -> list[Text | str]:
    """One outcome: model, slice, rows, failures, rate, its interval and PASS / FAIL (the baseline's in
    parentheses: shown for comparison, it does not gate)."""
    interval = "" if o.rows == 0 else interval_text(o.interval.low, o.interval.high, decimals=4)
    word = "PASS" if o.passed else "FAIL"
    result = Text(word, style=PASS if o.passed else FAIL) if o.gates else Text(f"({word.lower()})", style="dim")
    return [plain(o.model), plain(o.slice), f"{o.rows:,}", f"{o.failures:,}", _rate(o.rate), interval, result]


def _behavior_tables(outcomes: Sequence[BehaviorOutcome]) -> list[RenderableType]:
    """Per test: a heading (name, kind, the rate and its limit), then a row per model and slice — narrow
    enough for 80 columns."""
    out: list[RenderableType] = [Text("Behaviour tests:", style="bold")]
    groups: dict[tuple[str, str], list[BehaviorOutcome]] = {}
    for o in outcomes:
        groups.setdefault((o.behavior, o.measure), []).append(o)
    for (name, measure), rows in groups.items():
        bound = ">=" if measure == "pass_rate" else "<="
        out.append(Text(f"  {name} ({rows[0].kind}): {_MEASURES.get(measure, measure)} {bound} {rows[0].limit:g}"))
        t = Table(header_style="bold", box=None, padding=(0, 1))
        t.add_column("model", overflow="fold")
        t.add_column("slice", overflow="fold")
        for col in ("rows", "fail", "rate", "95% interval"):
            t.add_column(col, justify="right", no_wrap=True)
        t.add_column("result", no_wrap=True)
        for o in rows:
            t.add_row(*_behavior_row(o))
        out.append(t)
    if any(not o.gates for o in outcomes):
        out.append(Text("  (pass) / (fail): the baseline's, shown for comparison; the candidate's gate.", style="dim"))
    return [*out, Text("")]


def _behavior_failures(outcomes: Sequence[BehaviorOutcome]) -> list[str]:
    """Each failing test of the candidate with its numbers, then its worst rows (before → after)."""
    lines = []
    for o in outcomes:
        if o.passed or not o.gates:
            continue
        lines.append(f"{o.behavior} · {o.model} · {o.slice}: {o.message}")
        for e in o.examples:
            lines.append(
                f"    row {e.row}: {e.change}; score {fmt(e.score_before)} → {fmt(e.score_after)}, "
                f"{e.before} → {e.after}"
            )
    return lines


def _listed(title: str, lines: Sequence[str]) -> list[RenderableType]:
    """A red heading and one indented line per item, or nothing when there are none."""
    if not lines:
        return []
    return [Text(title, style=FAIL), *(Text(f"  {line}") for line in lines), Text("")]


def validation_renderables(result: ValidationResult, *, config: str = "") -> list[RenderableType]:
    """Every check as a table, then the failures with their reasons, missing slices, notes and the verdict."""
    out: list[RenderableType] = [Text(_heading(result, config), style="bold"), Text("")]
    if result.checks:
        out += [_checks_table(result.checks), Text("")]
    if result.behaviors:
        out += _behavior_tables(result.behaviors)
    failures = [c for s in result.metric_validations_per_slice for c in s.failures]
    out += _listed(
        "Failures:",
        [f"{c.slice} · {c.metric_key.name} ({c.kind.replace('_', '-')} threshold): {c.message}" for c in failures],
    )
    out += [
        Text(f"warning: {c.slice} · {c.metric_key.name} ({c.kind.replace('_', '-')} threshold): {w}", style=WARNING)
        for c in result.checks
        for w in c.warnings
    ]
    out += _listed("Failing behaviour tests (the worst rows):", _behavior_failures(result.behaviors))
    out += _listed("Missing slices:", [m.message for m in result.missing_slices])
    out += _listed("Missing cross slices:", [m.message for m in result.missing_cross_slices])
    out += [Text(f"note: {n}", style=WARNING) for n in result.notes]
    if result.missing_thresholds:
        out.append(Text(NO_THRESHOLDS, style=FAIL))
    out.append(verdict(result))
    return [literal(r) for r in out]  # slices, models and messages quote the data: literal and printable


def verdict(result: ValidationResult) -> Text:
    """One line: PASSED / FAILED and why, as rich Text."""
    n_slices = len({c.slice_key for c in result.checks if c.cross_slice_key is None})
    n_cross = len({c.cross_slice_key for c in result.checks if c.cross_slice_key is not None})
    if result.validation_ok:
        where = [_plural(n_slices, "slice")] if n_slices or not n_cross else []
        where += [_plural(n_cross, "cross slice")] if n_cross else []
        tested = _plural(sum(o.gates for o in result.behaviors), "behaviour outcome")
        line = f"PASSED: {len(result.checks)} checks on {' and '.join(where)}"
        if result.behaviors:
            line = f"{line}, {tested}" if result.checks else f"PASSED: {tested}"
        if result.rubber_stamp:
            line += " (rubber stamp)"
        return Text(line, style=GOOD)
    parts = []
    if result.n_failed:
        parts.append(f"{result.n_failed} of {len(result.checks)} checks failed")
    n_behaviors = sum(o.gates for o in result.behaviors)
    bad_behaviors = sum(o.gates and not o.passed for o in result.behaviors)
    if bad_behaviors:
        parts.append(f"{bad_behaviors} of {n_behaviors} behaviour outcomes failed")
    if result.missing_slices:
        parts.append(_plural(len(result.missing_slices), "missing slice"))
    if result.missing_cross_slices:
        parts.append(_plural(len(result.missing_cross_slices), "missing cross slice"))
    if result.missing_thresholds:
        parts.append("no thresholds")
    return Text("FAILED: " + ", ".join(parts), style=FAIL)


__all__ = ["validation_renderables", "verdict"]
