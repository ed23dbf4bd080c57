"""How many decimals does a column's data use? So a computed value (a minimal edit's new value) is shown to the
precision the column itself is written in, not to the search's 6 digits: ``2.6 → 2.19``, not ``2.6 → 2.19323``.
Display only: the value applied and exported keeps every digit."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

#: never more decimals than this for display
MAX_DECIMALS = 4


def decimals_used(values: Iterable[Any], *, limit: int = MAX_DECIMALS) -> int:
    """The fewest decimals (0..``limit``) that write every finite number of ``values`` exactly (to 1e-9)."""
    finite = [float(v) for v in values if _is_number(v) and math.isfinite(float(v))]
    for d in range(limit + 1):
        if all(abs(round(v, d) - v) <= 1e-9 * max(1.0, abs(v)) for v in finite):
            return d
    return limit


def rounded(value: Any, decimals: int, *, unlike: Any = None) -> str:
    """``value`` to ``decimals`` places (trailing zeros dropped), or as it is when it is not a number; one digit
    more (up to 6) while it would read the same as ``unlike`` (an edit must not look like no change)."""
    if not _is_number(value) or not math.isfinite(float(value)):
        return str(value)
    text = _places(float(value), decimals)
    while _is_number(unlike) and decimals < 6 and float(value) != float(unlike):
        if text != _places(float(unlike), decimals):
            break
        decimals += 1
        text = _places(float(value), decimals)
    return text


def _is_number(v: Any) -> bool:
    return isinstance(v, numbers.Real) and not isinstance(v, bool)


def _places(v: float, decimals: int) -> str:
    if decimals <= 0:
        return str(int(round(v)))
    text = f"{v:.{decimals}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


__all__ = ["MAX_DECIMALS", "decimals_used", "rounded"]
