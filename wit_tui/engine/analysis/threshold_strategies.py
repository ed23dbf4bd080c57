"""Which thresholds each model gets under a strategy: over the current slices, or overall when there are none.

Without slices only the single cost-optimal threshold is defined; it is reported in the same
:class:`StrategyResult` shape (one "slice": every labelled row), so the screen and the report read one type.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.performance import truth_index
from wit_tui.engine.core.progress import IsCancelled
from wit_tui.engine.metrics.operating_points import cost_optimal_threshold
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.thresholds import StrategyResult, optimise
from wit_tui.engine.session.session import Session


def overall_optimum(
    session: Session, truth: GroundTruth, i: int, strategy: str, ratio: float, upper: float
) -> StrategyResult:
    """Model ``i``'s cost-optimal threshold over every labelled row, as a one-slice :class:`StrategyResult`."""
    opt = cost_optimal_threshold(truth_index(session, truth, i), ratio, upper)
    b = opt.metrics
    confusion = np.array([[b.tn, b.fp, b.fn, b.tp]])
    return StrategyResult(strategy, ratio, (opt.threshold,), opt.threshold, opt.cost, (opt.cost,), confusion)


def model_strategies(
    session: Session,
    truth: GroundTruth,
    strategy: str,
    ratio: float,
    tolerance: float,
    indexes: Sequence[SliceIndex] | None,
    upper: float,
    *,
    is_cancelled: IsCancelled | None = None,
) -> list[StrategyResult]:
    """Every model's thresholds under ``strategy`` on the slices of ``indexes`` (binary; ``None``: no slices)."""
    results = []
    for i in range(len(session.models)):
        if indexes is None:
            results.append(overall_optimum(session, truth, i, strategy, ratio, upper))
            continue
        overall = truth_index(session, truth, i)
        results.append(
            optimise(
                indexes[i],
                strategy,
                ratio,
                overall=overall,
                tolerance=tolerance,
                upper=upper,
                is_cancelled=is_cancelled,
            )
        )
    return results


__all__ = ["model_strategies", "overall_optimum"]
