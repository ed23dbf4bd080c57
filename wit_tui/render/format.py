"""Number formatting shared by every table, so one value always reads the same.

A metric the engine says is undefined (:class:`~wit_tui.engine.metrics.undefined.Undefined`: precision with
nobody predicted positive, …) reads :data:`UNDEFINED` ("–") everywhere, on the screens and in the report, and its
reason goes in a footnote (:func:`undefined_notes`): never the 0 sklearn substitutes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from wit_tui.engine.metrics.undefined import Metric, Undefined

#: how an undefined metric (or a value not computable) reads in a cell
UNDEFINED = "–"


def fmt(value: Any, digits: int = 4) -> str:
    """Compact display of a cell: ints with separators, floats to ``digits`` significant decimals, NaN as '–'."""
    if value is None or isinstance(value, Undefined):
        return UNDEFINED
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if math.isinf(value):
            return "∞" if value > 0 else "-∞"
        if value == int(value) and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1e6 or abs(value) < 1e-3:
            return f"{value:.{digits - 1}e}"
        if abs(value) >= 1000:
            return f"{value:,.1f}"
        return f"{value:.{digits}f}"
    if isinstance(value, np.generic):
        return fmt(value.item(), digits)
    return str(value)


def fitted(value: float, width: int, decimals: int = 3) -> str:
    """A number (a score, a margin) in at most ``width`` characters, for a fixed-width column: as many of
    ``decimals`` as fit, the sign always kept (``-0.01``, never ``-0.0…``). A value that would round to 0 or
    has too many digits shows in e-notation (``-4e-4``, ``1.2e5``) when that fits (else a tiny one reads ``-0.00``);
    a large one that cannot fit even so is returned whole, wider than asked (never cut)."""
    v = float(value)
    if not math.isfinite(v):
        return fmt(v)
    if v == 0:
        return f"{0:.{decimals}f}"[:width] if width >= 1 else "0"
    rounded = None  # the value to the most decimals that fit, when that reads 0 (e-notation may say more)
    for d in range(decimals, -1, -1):
        s = f"{v:.{d}f}"
        if len(s) <= width:
            if float(s) != 0:
                return s
            rounded = rounded or s
    e = _e_notation(v, width)
    return rounded if rounded is not None and len(e) > width else e


def _e_notation(v: float, width: int) -> str:
    """``v`` as ``1.2e5`` / ``-4e-4`` with the most mantissa digits that fit ``width`` (at least one)."""
    shortest = ""
    for d in range(max(width - 3, 0), -1, -1):
        mantissa, exponent = f"{v:.{d}e}".split("e")
        shortest = f"{mantissa}e{int(exponent)}"
        if len(shortest) <= width:
            break
    return shortest


def pct(value: Metric | None) -> str:
    """A share as a percentage with one decimal."""
    if value is None or isinstance(value, Undefined) or math.isnan(value):
        return UNDEFINED
    return f"{100 * value:.1f}%"


def num(value: Metric | None, digits: int = 4) -> str:
    """A metric: rates (|v| ≤ 1, down to 5e-5) always with ``digits`` decimals, so a column reads 0.0000, 0.0005,
    1.0000 rather than 0, 5.000e-04, 1; other values (MAE, RMSE, tiny rates) as :func:`fmt`."""
    if value is None or isinstance(value, Undefined):
        return UNDEFINED
    v = float(value)
    if math.isfinite(v) and (v == 0 or 5e-5 <= abs(v) <= 1):
        return f"{v:.{digits}f}"
    return fmt(v, digits)


def thr(value: float | None) -> str:
    """A threshold: 4 decimals, or ∞ (nothing positive)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return UNDEFINED
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.4f}"


def signed(value: Metric | None, digits: int = 4, kind: str = "num") -> str:
    """A difference with its sign (``+0.0123``, ``−12``); – when not computable."""
    if value is None or isinstance(value, Undefined) or not math.isfinite(value):
        return UNDEFINED
    if kind == "int":
        return f"{value:+,.0f}".replace("-", "−")
    if kind == "pct":
        return f"{100 * value:+.1f}pt".replace("-", "−")
    if kind == "cost":
        return f"{value:+,.4g}".replace("-", "−") if abs(value) < 1e4 else f"{value:+,.0f}".replace("-", "−")
    return f"{value:+.{digits}f}".replace("-", "−")


def difference(a: Metric | None, b: Metric | None) -> Metric | None:
    """``b − a``, undefined when either is (a gap over an undefined value is itself undefined)."""
    if a is None or b is None:
        return None
    if isinstance(a, Undefined):
        return a
    if isinstance(b, Undefined):
        return b
    return float(b) - float(a)


def show(value: Metric | None, kind: str = "num") -> str:
    """The one way a metric reads, on every screen and in the report: a cell of ``kind`` — num (a metric), pct,
    int (a count), thr (a threshold) or cost — and – when the value is undefined or not computable."""
    if value is None or isinstance(value, Undefined):
        return UNDEFINED
    if kind == "pct":
        return pct(value)
    if kind == "int":
        return fmt(int(value)) if math.isfinite(value) else "–"
    if kind == "thr":
        return thr(value)
    if kind == "cost":
        return fmt(float(value), 4) if math.isfinite(value) else "–"
    return num(value)


def undefined_notes(entries: Iterable[tuple[str, str, str]]) -> list[str]:
    """The footnotes under a table with – cells, from ``(metric, model or slice, reason)``: one line per metric
    and reason, naming who it applies to (``– precision (logreg, hgb): nobody predicted positive at threshold
    1``), in the order first met. Short enough for 80 columns, and the same words on the screens and the report."""
    grouped: dict[tuple[str, str], list[str]] = {}
    for name, who, reason in entries:
        whom = grouped.setdefault((name, reason), [])
        if who and who not in whom:
            whom.append(who)
    lines = []
    for (name, reason), whom in grouped.items():
        shown = ", ".join(whom[:3]) + (f" and {len(whom) - 3} more" if len(whom) > 3 else "")
        lines.append(f"{UNDEFINED} {name}" + (f" ({shown})" if shown else "") + f": {reason}")
    return lines


def fixed(value: float | None, digits: int = 4) -> str:
    """A score with ``digits`` decimals, one format for a whole column: its sign kept (a negative margin reads
    ``-1.2346``), never ``-0.0000`` for a value that rounds to zero; – when missing."""
    if value is None or not math.isfinite(value):
        return UNDEFINED if value is None or math.isnan(value) else ("∞" if value > 0 else "-∞")
    text = f"{value:,.{digits}f}"
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


__all__ = ["UNDEFINED", "difference", "fixed", "fmt", "num", "pct", "show", "signed", "thr", "undefined_notes"]
