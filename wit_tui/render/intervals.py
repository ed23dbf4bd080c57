"""How an interval reads: one compact ``low–high`` form for every table, and the note that names the methods.

Tables are narrow (80 columns), so an interval is its own cell beside the point, never ``0.853 [0.841, 0.864]``
in one. The bounds are rounded outwards (the low end down, the high end up) to three decimals: the interval
shown always contains the one computed, so it still brackets the point printed beside it.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from wit_tui.render.format import UNDEFINED

#: a cell whose interval a worker is still computing
PENDING = "…"
#: how each method is named in the note under a table
METHOD_NAMES = {"wilson": "Wilson", "delong": "DeLong", "bootstrap": "bootstrap"}
#: what each method covers, in the note's order
METHOD_COVERS = {"wilson": "rates", "bootstrap": "F1 and gaps", "delong": "AUC"}
_EPS = 1e-9  # float noise never moves a bound to the next step


def _down(value: float, scale: float) -> float:
    return math.floor(value * scale + _EPS) / scale


def _up(value: float, scale: float) -> float:
    return math.ceil(value * scale - _EPS) / scale


def _bound(value: float, decimals: int) -> str:
    text = f"{value:,.{decimals}f}"
    return text.replace("-", "−")  # a minus sign, never a hyphen beside the en dash


def interval_text(low: float | None, high: float | None, kind: str = "num", decimals: int = 3) -> str:
    """``0.841–0.864`` (``kind`` "pct": ``18.8–20.1%``; values of 1,000 and more without decimals); – when a
    bound is undefined (NaN or None)."""
    if low is None or high is None or not (math.isfinite(low) and math.isfinite(high)):
        return UNDEFINED
    if kind == "pct":
        low, high, decimals = 100 * low, 100 * high, max(decimals - 2, 0)
    elif max(abs(low), abs(high)) >= 1000:
        decimals = 0
    scale = 10.0**decimals
    text = f"{_bound(_down(low, scale), decimals)}–{_bound(_up(high, scale), decimals)}"
    return text + "%" if kind == "pct" else text


def level_text(level: float) -> str:
    """``95%`` (``99.9%`` when the level needs a decimal)."""
    return f"{100 * level:.10g}%"


def interval_note(level: float, resamples: int, seed: int, covers: Mapping[str, str] = METHOD_COVERS) -> str:
    """The one line that names how the intervals of a table were made, e.g. ``95% intervals: Wilson for rates,
    bootstrap (1,000 resamples, seed 0) for F1 and gaps, DeLong for AUC``; ``covers``: method -> what it is for."""
    parts = []
    for method, what in covers.items():
        name = METHOD_NAMES.get(method, method)
        if method == "bootstrap":
            name += f" ({resamples:,} resamples, seed {seed})"
        parts.append(f"{name} for {what}")
    return f"{level_text(level)} intervals: " + ", ".join(parts)


__all__ = ["METHOD_COVERS", "PENDING", "interval_note", "interval_text", "level_text"]
