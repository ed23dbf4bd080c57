"""Which thresholds the user asked for: typed numbers, the allowed range, and the steps of ``[ ] { }``.

One place decides what a typed threshold, cost ratio or tolerance means, so the
TUI's forms and the headless commands reject the same input with the same
message. A row is predicted positive when ``score >= threshold``; each model's
threshold is checked for its own scores: probabilities take thresholds in
[0, 1], ``decision_function`` margins any finite number (a strategy may still
pick +∞ = nothing positive, but nobody types it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from wit_tui.engine.core.errors import WitError

#: one value for every model, or per model name
GivenThresholds = Mapping[str | None, float]

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
    """Allowed thresholds: [0, 1] for probabilities, any finite number for margins (the bounds themselves are
    the range's ends for probabilities only)."""
    return (0.0, 1.0) if probabilities else (-math.inf, math.inf)


def check_threshold(threshold: float, probabilities: bool, what: str = "The threshold") -> float:
    """A threshold inside the allowed range for its kind of score, or a WitError naming ``what`` (nothing changes).

    The one check behind the TUI's threshold form, ``--threshold`` and the validate config's ``threshold``.
    """
    try:
        t = float(threshold)
    except (TypeError, ValueError):
        raise WitError(f"{what} must be a number, not {threshold!r}.", "Type e.g. 0.5.") from None
    if probabilities and not 0.0 <= t <= 1.0:  # NaN fails this too
        raise WitError(f"{what} must be from 0 to 1 for probability scores, not {_shown(threshold)}.", "Type e.g. 0.5.")
    if not math.isfinite(t):
        raise WitError(
            f"{what} must be a finite number for decision_function margins, not {_shown(threshold)}.",
            "Type e.g. 0 (margins above it are predicted positive).",
        )
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


def _per_model(probabilities: bool | Sequence[bool], n: int) -> list[bool]:
    return [probabilities] * n if isinstance(probabilities, bool) else [bool(p) for p in probabilities]


def nudge_thresholds(thresholds: Sequence[float], steps: int, probabilities: bool | Sequence[bool]) -> list[float]:
    """Every threshold of ``thresholds`` nudged by ``steps`` (see :func:`nudge_threshold`), each clamped for its
    model's kind of score (``probabilities``: one for all, or one per threshold)."""
    kinds = _per_model(probabilities, len(thresholds))
    return [nudge_threshold(float(t), steps, p) for t, p in zip(thresholds, kinds, strict=True)]


def default_thresholds(default: float, n_models: int) -> list[float]:
    """What a reset goes back to: the task's default threshold for every model."""
    return [float(default)] * n_models


def parse_thresholds(text: str, n_models: int, probabilities: bool | Sequence[bool]) -> list[float]:
    """Typed thresholds: one for every model, or one per model (``0.4, 0.6``; ``;`` works too), each checked for
    its model's kind of score (``probabilities``: one for all, or one per model).

    Returns one threshold per model, or a WitError saying what to type.
    """
    kinds = _per_model(probabilities, n_models)
    parts = [p for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise WitError("Type a threshold.", "e.g. 0.4, or one per model: 0.4, 0.6." if n_models > 1 else "e.g. 0.4.")
    if len(parts) not in (1, n_models):
        raise WitError(f"Give one threshold, or one per model ({n_models}), not {len(parts)}.", "e.g. 0.4 or 0.4, 0.6.")
    values = [parse_number(p, "The threshold") for p in parts]
    values = values * n_models if len(values) == 1 else values
    return [check_threshold(v, p) for v, p in zip(values, kinds, strict=True)]


def parse_threshold_options(texts: Sequence[str], flag: str = "--threshold") -> dict[str | None, float]:
    """``--threshold T`` (every model) and ``--threshold NAME=T`` (one model), as given; later ones win.

    Only the numbers are checked here; :func:`resolve_thresholds` checks names and ranges once the models are known.
    """
    given: dict[str | None, float] = {}
    for text in texts:
        name, sep, value = str(text).rpartition("=")
        key = name.strip() if sep else None
        if sep and not key:
            raise WitError(f"{flag} {text!r} names no model.", f"Write {flag} NAME=T, or {flag} T for every model.")
        if key is None:
            given.clear()  # a bare value sets every model, so it replaces earlier per-model ones
        given[key] = parse_number(value, f"{flag} {text}")
    return given


def resolve_thresholds(
    given: GivenThresholds,
    names: Sequence[str],
    probabilities: Sequence[bool],
    defaults: Sequence[float],
    what: str = "--threshold",
) -> tuple[float, ...]:
    """One threshold per model: ``given[None]`` for every model, ``given[name]`` for that one, else its default;
    each checked for its model's kind of score. A name that is no model's is a WitError listing the models."""
    unknown = [k for k in given if k is not None and k not in names]
    if unknown:
        raise WitError(
            f"{what} names {unknown[0]!r}, which is not a model here; the models are {', '.join(map(repr, names))}.",
            f"Write {what} NAME=T with one of those names, or a bare number for every model.",
        )
    out = []
    for name, p, default in zip(names, probabilities, defaults, strict=True):
        label = f"{what} for {name}" if len(names) > 1 or name in given else what
        if name in given:
            out.append(check_threshold(given[name], p, label))
        elif None in given:
            out.append(check_threshold(given[None], p, label))
        else:
            out.append(float(default))
    return tuple(out)


__all__ = [
    "THRESHOLD_STEP",
    "check_cost_ratio",
    "check_threshold",
    "check_tolerance",
    "GivenThresholds",
    "clamp_threshold",
    "default_thresholds",
    "nudge_threshold",
    "nudge_thresholds",
    "parse_number",
    "parse_threshold_options",
    "parse_thresholds",
    "resolve_thresholds",
    "threshold_range",
]
