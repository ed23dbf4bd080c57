"""What kind of column this is, and how to build new columns that look like the loaded ones."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from wit_tui.engine.core.values import is_missing


def is_numeric(series: pd.Series) -> bool:
    """Numbers (not booleans) are numeric; strings, categories and booleans are categorical."""
    return pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype)


def column_like(reference: pd.Series, values: Sequence[Any] | np.ndarray) -> Any:
    """``values`` as an array of ``reference``'s dtype where possible (categories, ints), else float/object."""
    dtype = reference.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(list(values), dtype=dtype)
    if dtype.kind in "iuf":
        arr = np.array([np.nan if is_missing(v) else v for v in values], dtype=np.float64)
        if dtype.kind in "iu" and not np.isnan(arr).any() and np.all(arr == np.round(arr)):
            return pd.Series(arr).astype(dtype).array if not isinstance(dtype, np.dtype) else arr.astype(dtype)
        return arr
    if dtype.kind == "b" and isinstance(dtype, np.dtype):
        if any(is_missing(v) for v in values):
            return np.array(list(values), dtype=object)
        return np.array(list(values), dtype=bool)
    try:
        return pd.array(list(values), dtype=dtype)  # type: ignore[arg-type]  # pandas-stubs list only timedelta dtypes
    except (TypeError, ValueError):
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out


def frame_like(data: pd.DataFrame, columns: Mapping[str, Sequence[Any] | np.ndarray]) -> pd.DataFrame:
    """A DataFrame of the given columns with ``data``'s dtypes (see :func:`column_like`)."""
    return pd.DataFrame({c: column_like(data[c], v) for c, v in columns.items()})


__all__ = ["column_like", "frame_like", "is_numeric"]
