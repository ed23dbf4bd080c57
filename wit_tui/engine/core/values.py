"""One cell value as the user means it: a plain Python scalar, missing or not, equal or not.

Values reach the engine as numpy scalars, pandas ``NA``/``NaT``, floats that are
NaN or plain Python objects. Editing, diffs and counterfactuals all need the same
three answers about them, so they are given here once.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


def is_missing(value: Any) -> bool:
    """None, NaN, ``pd.NA`` and ``NaT`` are missing; strings and containers never are."""
    if value is None:
        return True
    if isinstance(value, str) or not pd.api.types.is_scalar(value):
        return False
    return bool(pd.isna(value))


def py(value: Any) -> Any:
    """A plain Python scalar for display and editing: numpy scalars unwrapped, every missing value None."""
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def same(a: Any, b: Any) -> bool:
    """Equal as the user means it: 40 == 40.0, missing == missing, incomparable values differ."""
    a, b = py(a), py(b)
    if a is None or b is None:
        return a is None and b is None
    try:
        return bool(a == b)
    except Exception:
        return False


__all__ = ["is_missing", "py", "same"]
