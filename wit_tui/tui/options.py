"""How the app was asked to run: the `wit-tui run` options that are not the session's data or models."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # typing only: pandas and the validation config load with the engine
    import pandas as pd

    from wit_tui.engine.decisions_rows import AppliedDecisions
    from wit_tui.engine.metrics.slice_intervals import IntervalOptions
    from wit_tui.engine.validation.config import ValidationConfig


@dataclass(frozen=True)
class RunOptions:
    """``validation_config``: the ``--config`` the v key validates with; ``reference``: the ``--reference`` frame
    drift compares the data with, named ``reference_name``; ``autosave``: keep (and offer) an autosave of edits;
    ``thresholds``: each model's starting threshold (``--threshold``, checked), empty for the models' defaults;
    ``cf_features``: the features the counterfactual distance counts (``--cf-features``, checked), None for the
    models' inputs; ``intervals``: the level and resamples of every interval shown."""

    validation_config: ValidationConfig | None = None
    reference: pd.DataFrame | None = None
    reference_name: str = "reference"
    autosave: bool = True
    thresholds: tuple[float, ...] = ()
    cf_features: tuple[str, ...] | None = None
    #: ``--ci-level`` / ``--resamples``: how every interval on screen is made (None: the engine's defaults)
    intervals: IntervalOptions | None = None
    #: ``--decisions``: the file applied (thresholds above; its slicing and per-slice thresholds, strategy, cost
    #: ratio and tolerance are set by the performance screen once the ground truth is ready)
    decisions: AppliedDecisions | None = None
    #: ``--min-group-size``: the fairness strategies leave slices of fewer labelled rows out (0: none)
    min_group_size: int = 0


__all__ = ["RunOptions"]
