"""Number formatting shared by every table, so one value always reads the same."""

from __future__ import annotations

import math
from typing import Any

import numpy as np


def fmt(value: Any, digits: int = 4) -> str:
    """Compact display of a cell: ints with separators, floats to ``digits`` significant decimals, NaN as '–'."""
    if value is None:
        return "–"
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


def pct(value: float | None) -> str:
    """A share as a percentage with one decimal."""
    return "–" if value is None or math.isnan(value) else f"{100 * value:.1f}%"


def num(value: float | None, digits: int = 4) -> str:
    """A metric: rates (|v| ≤ 1, down to 5e-5) always with ``digits`` decimals, so a column reads 0.0000, 0.0005,
    1.0000 rather than 0, 5.000e-04, 1; other values (MAE, RMSE, tiny rates) as :func:`fmt`."""
    if value is None:
        return "–"
    v = float(value)
    if math.isfinite(v) and (v == 0 or 5e-5 <= abs(v) <= 1):
        return f"{v:.{digits}f}"
    return fmt(v, digits)


def thr(value: float | None) -> str:
    """A threshold: 4 decimals, or ∞ (nothing positive)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if math.isinf(value):
        return "∞" if value > 0 else "-∞"
    return f"{value:.4f}"


def signed(value: float | None, digits: int = 4, kind: str = "num") -> str:
    """A difference with its sign (``+0.0123``, ``−12``); – when not computable."""
    if value is None or not math.isfinite(value):
        return "–"
    if kind == "int":
        return f"{value:+,.0f}".replace("-", "−")
    if kind == "pct":
        return f"{100 * value:+.1f}pt".replace("-", "−")
    if kind == "cost":
        return f"{value:+,.4g}".replace("-", "−") if abs(value) < 1e4 else f"{value:+,.0f}".replace("-", "−")
    return f"{value:+.{digits}f}".replace("-", "−")


def show(value: float | None, kind: str) -> str:
    """A table cell of ``kind``: num (a metric), pct, int (a count), thr (a threshold) or cost."""
    if value is None:
        return "–"
    if kind == "pct":
        return pct(value)
    if kind == "int":
        return fmt(int(value)) if math.isfinite(value) else "–"
    if kind == "thr":
        return thr(value)
    if kind == "cost":
        return fmt(float(value), 4) if math.isfinite(value) else "–"
    return num(value)


__all__ = ["fmt", "num", "pct", "show", "signed", "thr"]
