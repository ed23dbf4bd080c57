"""Which thresholds the user asked for: typed numbers, the allowed range, and the steps of ``[ ] { }``.

One place decides what a typed threshold, cost ratio or tolerance means, so the
TUI's forms and the headless commands reject the same input with the same
message. A row is predicted positive when ``score >= threshold``; probability
scores take thresholds in [0, 1], ``decision_function`` margins any number
(+∞ = nothing positive).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from wit_tui.engine.core.errors import WitError

#: one press of ``[`` / ``]`` (``{`` / ``}`` move ten of them)
THRESHOLD_STEP = 0.01


def parse_number(text: str, what: str) -> float:
    """A typed number (``0.5``, ``2.5``, ``1e-3``), or a WitError naming ``what``."""
    try:
        value = float(str(text).strip())
    except ValueError:
        raise WitError(f"{what} must be a number, not {text!r}.", "Type e.g. 0.5.") from None
    if math.isnan(value):
        raise WitError(f"{what} must be a number, not {text!r}.", "Type e.g. 0.5.")
    return value


def _shown(value: object) -> str:
    """A rejected number as the user typed it (``2``, not ``2.0``); anything else as its repr."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return repr(value)


def check_cost_ratio(ratio: float) -> float:
    """The cost ratio FP:FN as a positive finite float, or a WitError."""
    try:
        r = float(ratio)
    except (TypeError, ValueError):
        raise WitError(f"The cost ratio must be a number, not {ratio!r}.", "Type e.g. 1, 2.5 or 0.25.") from None
    if not math.isfinite(r) or r <= 0:
        raise WitError(
            f"The cost ratio FP:FN must be a number above 0, not {_shown(ratio)}.",
            "1 = a false positive costs as much as a false negative; 4 = four times as much; 0.25 = a quarter.",
        )
    return r


def check_tolerance(tolerance: float) -> float:
    try:
        t = float(tolerance)
    except (TypeError, ValueError):
        raise WitError(f"The fairness tolerance must be a number, not {tolerance!r}.", "Type e.g. 0.01.") from None
    if not math.isfinite(t) or not 0 <= t <= 1:
        raise WitError(
            f"The fairness tolerance must be from 0 to 1, not {_shown(tolerance)}.",
            "It is the largest gap allowed between the slices' rates, e.g. 0.01 (one point).",
        )
    return t


def threshold_range(probabilities: bool) -> tuple[float, float]:
    """Allowed thresholds: [0, 1] for probabilities, any finite number (and +∞ = nothing positive) for margins."""
    return (0.0, 1.0) if probabilities else (-math.inf, math.inf)


def check_threshold(threshold: float, probabilities: bool) -> float:
    """A threshold inside the allowed range, or a WitError (nothing changes)."""
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise WitError(f"The threshold must be a number, not {threshold!r}.", "Type e.g. 0.5.") from None
    lo, hi = threshold_range(probabilities)
    if math.isnan(t) or (probabilities and not lo <= t <= hi) or (not probabilities and t == -math.inf):
        if probabilities:
            raise WitError(
                f"The threshold must be from 0 to 1 for probability scores, not {_shown(threshold)}.", "Type e.g. 0.5."
            )
        raise WitError(f"The threshold must be a number, not {_shown(threshold)}.", "Type e.g. 0.")
    return t


def clamp_threshold(threshold: float, probabilities: bool) -> float:
    """A threshold pulled into [0, 1] for probability scores; margins are left as they are."""
    if probabilities:
        return min(1.0, max(0.0, threshold))
    return threshold


def nudge_threshold(threshold: float, steps: int, probabilities: bool) -> float:
    """``threshold`` moved by ``steps`` × :data:`THRESHOLD_STEP`, rounded so steps add up exactly, then clamped.

    A non-finite threshold (+∞, "nothing positive") stays where it is.
    """
    if not math.isfinite(threshold):
        return threshold
    return clamp_threshold(round(threshold + steps * THRESHOLD_STEP, 10), probabilities)


def nudge_thresholds(thresholds: Sequence[float], steps: int, probabilities: bool) -> list[float]:
    """Every threshold of ``thresholds`` nudged by ``steps`` (see :func:`nudge_threshold`)."""
    return [nudge_threshold(float(t), steps, probabilities) for t in thresholds]


def default_thresholds(default: float, n_models: int) -> list[float]:
    """What a reset goes back to: the task's default threshold for every model."""
    return [float(default)] * n_models


def parse_thresholds(text: str, n_models: int, probabilities: bool) -> list[float]:
    """Typed thresholds: one for every model, or one per model (``0.4, 0.6``; ``;`` works too).

    Returns one threshold per model, or a WitError saying what to type.
    """
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise WitError("Type a threshold.", "e.g. 0.4, or one per model: 0.4, 0.6." if n_models > 1 else "e.g. 0.4.")
    if len(parts) not in (1, n_models):
        raise WitError(f"Give one threshold, or one per model ({n_models}), not {len(parts)}.", "e.g. 0.4 or 0.4, 0.6.")
    values = [check_threshold(parse_number(p, "The threshold"), probabilities) for p in parts]
    return values * n_models if len(values) == 1 else values


__all__ = [
    "THRESHOLD_STEP",
    "check_cost_ratio",
    "check_threshold",
    "check_tolerance",
    "clamp_threshold",
    "default_thresholds",
    "nudge_threshold",
    "nudge_thresholds",
    "parse_number",
    "parse_thresholds",
    "threshold_range",
]
