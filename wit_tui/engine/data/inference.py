"""Score a handful of rows at once: an edited point, an ICE grid, a batch of perturbations.

What-if questions ask the model about a few rows built by hand, not about the
dataset. Two things make that fast and correct:

- the rows are built as a DataFrame with the loaded data's dtypes (categories
  stay categorical, integer columns stay integer when the values allow it), so
  pipelines see exactly what they saw when the dataset was scored;
- OpenMP is held to one thread for these small calls (per calling thread, via
  threadpoolctl): spinning up threads costs more than a few rows take, and on a
  busy machine an over-subscribed pool can turn a 20 ms call into a second.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from wit_tui.engine.data.scoring import Scores, score_frame

if TYPE_CHECKING:
    from collections.abc import Iterator

    from wit_tui.engine.session.session import Session

_CONTROLLER: Any = None


@contextmanager
def one_thread() -> Iterator[None]:
    """OpenMP limited to one thread in the calling thread (a no-op if threadpoolctl is missing)."""
    global _CONTROLLER
    try:
        if _CONTROLLER is None:
            from threadpoolctl import ThreadpoolController

            _CONTROLLER = ThreadpoolController()
        ctx = _CONTROLLER.limit(limits=1, user_api="openmp")
    except Exception:  # pragma: no cover - threadpoolctl absent or unusable
        yield
        return
    with ctx:
        yield


def _is_missing(value: Any) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def column_like(reference: pd.Series, values: Sequence[Any] | np.ndarray) -> Any:
    """``values`` as an array of ``reference``'s dtype where possible (categories, ints), else float/object."""
    dtype = reference.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Categorical(list(values), dtype=dtype)
    if dtype.kind in "iuf":
        arr = np.array([np.nan if _is_missing(v) else v for v in values], dtype=np.float64)
        if dtype.kind in "iu" and not np.isnan(arr).any() and np.all(arr == np.round(arr)):
            return pd.Series(arr).astype(dtype).array if not isinstance(dtype, np.dtype) else arr.astype(dtype)
        return arr
    if dtype.kind == "b" and isinstance(dtype, np.dtype):
        if any(_is_missing(v) for v in values):
            return np.array(list(values), dtype=object)
        return np.array(list(values), dtype=bool)
    try:
        return pd.array(list(values), dtype=dtype)
    except (TypeError, ValueError):
        out = np.empty(len(values), dtype=object)
        out[:] = list(values)
        return out


def frame_like(data: pd.DataFrame, columns: Mapping[str, Sequence[Any] | np.ndarray]) -> pd.DataFrame:
    """A DataFrame of the given columns with ``data``'s dtypes (see :func:`column_like`)."""
    return pd.DataFrame({c: column_like(data[c], v) for c, v in columns.items()})


def rows_frame(session: Session, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Feature dicts (one per row) as a frame over every column any model needs."""
    needed: list[str] = []
    for cols in session.model_columns:
        needed.extend(c for c in cols if c not in needed)
    return frame_like(session.data, {c: [r.get(c) for r in rows] for c in needed})


def score_rows(session: Session, frame: pd.DataFrame) -> list[Scores]:
    """Every model's scores on a small frame (one OpenMP thread); bad input raises WitError."""
    out = []
    with one_thread():
        for i, m in enumerate(session.models):
            out.append(score_frame(m.estimator, frame[session.model_columns[i]], session.task, model_name=m.name))
    return out


def score_dicts(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[Scores]:
    """Every model's scores on rows given as feature dicts."""
    return score_rows(session, rows_frame(session, rows))


__all__ = ["column_like", "frame_like", "one_thread", "rows_frame", "score_dicts", "score_rows"]
