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
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd

from wit_tui.engine.core.columns import frame_like
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.data.scoring import Scores, score_frame
from wit_tui.engine.data.tasks import ModelTask

if TYPE_CHECKING:
    from collections.abc import Iterator


class ModelsAndData(Protocol):
    """What scoring a few rows needs: the loaded data (for dtypes), the models, their columns, each model's task."""

    @property
    def data(self) -> pd.DataFrame: ...
    @property
    def models(self) -> Sequence[LoadedModel]: ...
    @property
    def model_columns(self) -> Sequence[Sequence[str]]: ...
    @property
    def tasks(self) -> Sequence[ModelTask]: ...


_CONTROLLER: Any = None


@contextmanager
def one_thread() -> Iterator[None]:
    """OpenMP limited to one thread in the calling thread (a no-op if threadpoolctl is missing)."""
    global _CONTROLLER
    try:
        if _CONTROLLER is None:
            from threadpoolctl import ThreadpoolController  # deferred: only small what-if calls need it

            _CONTROLLER = ThreadpoolController()
        ctx = _CONTROLLER.limit(limits=1, user_api="openmp")
    except Exception:  # pragma: no cover - threadpoolctl absent or unusable
        yield
        return
    with ctx:
        yield


def rows_frame(session: ModelsAndData, rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    """Feature dicts (one per row) as a frame over every column any model needs."""
    needed: list[str] = []
    for cols in session.model_columns:
        needed.extend(c for c in cols if c not in needed)
    return frame_like(session.data, {c: [r.get(c) for r in rows] for c in needed})


def score_rows(session: ModelsAndData, frame: pd.DataFrame) -> list[Scores]:
    """Every model's scores on a small frame (one OpenMP thread); bad input raises WitError."""
    out = []
    with one_thread():
        for i, m in enumerate(session.models):
            out.append(score_frame(m.estimator, frame[session.model_columns[i]], session.tasks[i], model_name=m.name))
    return out


def score_dicts(session: ModelsAndData, rows: Sequence[Mapping[str, Any]]) -> list[Scores]:
    """Every model's scores on rows given as feature dicts."""
    return score_rows(session, rows_frame(session, rows))


__all__ = ["ModelsAndData", "one_thread", "rows_frame", "score_dicts", "score_rows"]
