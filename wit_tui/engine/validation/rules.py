"""Does one value pass one threshold: TFMA's rules for value and change thresholds, as pure functions.

The rules are TFMA's (``metrics_validator.py``), with the decisions in
``shared/reference/tfma-fairlearn-sklearn.md``:

- value threshold: unset ``lower_bound`` = -inf, unset ``upper_bound`` = +inf;
  passes when ``lower <= v <= upper`` (inclusive); NaN fails;
- change threshold: ``absolute`` checks ``v_c - v_b`` (``>= absolute`` when
  ``higher_is_better``, ``<= absolute`` when ``lower_is_better``);
  ``relative`` checks the ratio **v_c / v_b** the same way (TFMA's documented
  meaning; TFMA's code computes ``(v_c - v_b) / v_b``); a baseline of exactly
  0 fails the relative check with a message; both set = both must pass;
- a metric that cannot be computed on a slice fails, with the reason;
- no thresholds at all fails (``missing_thresholds``) unless rubber-stamped;
  change thresholds without a baseline are a usage error unless
  rubber-stamped, in which case they are skipped;
- thresholds apply to every slice the slicing specs produce (no specs = the
  Overall slice); a spec that produces no slice is a missing slice and fails;
- a fairness gap (``by = "sex"``) is not applicable on a slice that fixes one
  of its ``by`` features (``sex:Female``) and is skipped there, with a note; on
  any other slice with fewer than two groups it is not computable and fails;
- cross-slice threshold: on ``v(baseline slice) - v(comparison slice)`` of the
  candidate, checked like a value threshold, only on the cross slices of the
  ``[[cross_slicing_specs]]`` (value and change thresholds are not applied to
  cross slices); a cross spec whose baseline or a comparison spec matches no
  slice is a missing cross slice and fails (TFMA appears to always report
  cross specs missing; we do not copy that);
- (ours) a value threshold with ``on = "ci_lower"`` / ``"ci_upper"`` applies its bounds to that end of the
  candidate's interval of the metric instead of the value; an end that is not computable, or a metric without an
  interval, fails with the reason;
- (ours) a fairness gap's ``min_group_size`` leaves out the groups with fewer labelled rows, and says which.
"""

from __future__ import annotations

import math

from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.validation.specs import DIRECTIONS, ChangeThreshold, ValueThreshold, shown_number

# ---------------------------------------------------------------------------
# the rules (pure)
# ---------------------------------------------------------------------------


def _nums(a: float, b: float, signed: bool = False) -> tuple[str, str]:
    """Two numbers for a message, with enough digits to tell them apart (a value just below a bound must not
    read "0.870892 is below lower_bound 0.870892")."""
    for digits in (6, 9, 12, 17):
        fa, fb = (f"{x:{'+' if signed else ''}.{digits}g}" for x in (a, b))
        if fa != fb or a == b:
            return fa, fb
    return fa, fb


def check_value(value: float, threshold: ValueThreshold, metric: str = "value") -> tuple[bool, str]:
    """TFMA's value check: ``lower <= value <= upper`` with unset bounds infinite; NaN fails."""
    lo = -math.inf if threshold.lower_bound is None else threshold.lower_bound
    hi = math.inf if threshold.upper_bound is None else threshold.upper_bound
    v = float(value)
    if math.isnan(v):
        return False, f"{metric} is NaN, which never passes a threshold"
    if v < lo:
        shown, bound = _nums(v, lo)
        return False, f"{metric} {shown} is below lower_bound {bound}"
    if v > hi:
        shown, bound = _nums(v, hi)
        return False, f"{metric} {shown} is above upper_bound {bound}"
    return True, f"{metric} {shown_number(v)} is {threshold.describe()}"


def interval_words(interval: Interval) -> str:
    """``95% wilson interval [0.61, 0.69]``, as a check's message names it."""
    return (
        f"{100 * interval.level:g}% {interval.method} interval "
        f"[{shown_number(interval.low)}, {shown_number(interval.high)}]"
    )


def check_gated(
    value: float, interval: Interval | None, threshold: ValueThreshold, metric: str = "value"
) -> tuple[bool, str]:
    """A value threshold on what its ``on`` names: the value itself, or the lower / upper end of ``interval``
    (an end that is not computable fails, as a NaN value does). The message names the bound that gated and the
    interval, so a reader sees how far the point was from failing."""
    if threshold.on == "value":
        ok, msg = check_value(value, threshold, metric)
        return ok, msg + (f" ({interval_words(interval)})" if interval is not None else "")
    end = "lower" if threshold.on == "ci_lower" else "upper"
    if interval is None:
        return False, f"{metric} has no interval, so on = {threshold.on!r} cannot gate it; gate on the value"
    x = interval.low if end == "lower" else interval.high
    if math.isnan(x):
        return False, f"the {end} end of the {metric} interval is not computable ({interval_words(interval)})"
    ok, msg = check_value(x, threshold, f"{metric} {threshold.on}")
    return ok, msg + f" ({metric} {shown_number(value)}, {interval_words(interval)}; gated on its {end} end)"


def check_change(value: float, baseline: float, threshold: ChangeThreshold, metric: str = "value") -> tuple[bool, str]:
    """TFMA's change check: absolute on ``value - baseline``, relative on ``value / baseline``; both must pass."""
    v_c, v_b = float(value), float(baseline)
    higher = threshold.direction == "higher_is_better"
    if threshold.direction not in DIRECTIONS:
        return False, f"invalid change threshold direction {threshold.direction!r}"
    op, bad_op = (">=", "<") if higher else ("<=", ">")
    ok, parts = True, []
    if threshold.absolute is not None:
        diff = v_c - v_b
        passed = (diff >= threshold.absolute) if higher else (diff <= threshold.absolute)
        if math.isnan(diff):
            parts.append(f"{metric} change is NaN (candidate {shown_number(v_c)}, baseline {shown_number(v_b)})")
        elif passed:
            parts.append(
                f"change {shown_number(diff, signed=True)} {op} "
                f"absolute {shown_number(threshold.absolute, signed=True)}"
            )
        else:
            shown, bound = _nums(diff, threshold.absolute, signed=True)
            parts.append(
                f"{metric} changed by {shown} ({shown_number(v_b)} -> {shown_number(v_c)}), "
                f"{bad_op} absolute {bound} ({threshold.direction})"
            )
        ok &= bool(passed)
    if threshold.relative is not None:
        if v_b == 0.0:  # TFMA: math.isclose(v_b, 0.0), i.e. exactly zero
            parts.append(
                f"relative change undefined: the baseline {metric} is 0, so candidate / baseline divides by zero"
            )
            ok = False
        else:
            ratio = v_c / v_b
            passed = (ratio >= threshold.relative) if higher else (ratio <= threshold.relative)
            if math.isnan(ratio):
                parts.append(f"{metric} ratio is NaN (candidate {shown_number(v_c)}, baseline {shown_number(v_b)})")
            elif passed:
                parts.append(f"ratio {shown_number(ratio)} {op} relative {shown_number(threshold.relative)}")
            else:
                shown, bound = _nums(ratio, threshold.relative)
                parts.append(
                    f"{metric} ratio candidate / baseline = {shown} ({shown_number(v_c)} / {shown_number(v_b)}), "
                    f"{bad_op} relative {bound} ({threshold.direction})"
                )
            ok &= bool(passed)
    if not parts:
        parts.append(f"{threshold.direction} with no bound")
    return ok, "; ".join(parts)


def change_warnings(baseline: float, threshold: ChangeThreshold, metric: str = "value") -> tuple[str, ...]:
    """What a change check's verdict may hide: a relative change against a negative baseline (an R² below 0)
    flips the ratio's meaning — a worse candidate can pass — so the check says so (the arithmetic stays TFMA's)."""
    v_b = float(baseline)
    if threshold.relative is None or not v_b < 0:
        return ()
    return (
        f"the baseline {metric} {shown_number(v_b)} is negative, so candidate / baseline reads backwards "
        f"(a more negative candidate gives a larger ratio): the relative {threshold.direction} check may pass a "
        "worse model; prefer an absolute change threshold here",
    )


__all__ = ["change_warnings", "check_change", "check_gated", "check_value", "interval_words"]
