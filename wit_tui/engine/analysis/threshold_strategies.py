"""Which thresholds each model gets under a strategy: over the current slices, or overall when there are none.

Without slices only the single cost-optimal threshold is defined; it is reported in the same
:class:`StrategyResult` shape (one "slice": every labelled row), so the screen and the report read one type.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth
from wit_tui.engine.analysis.performance import truth_index
from wit_tui.engine.core.progress import IsCancelled
from wit_tui.engine.metrics.operating_points import cost_optimal_threshold
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.thresholds import StrategyResult, optimise
from wit_tui.engine.metrics.undefined import NOBODY_POSITIVE
from wit_tui.engine.session.session import Session


def nobody_note(result: StrategyResult) -> str:
    """What to say when the result predicts nobody positive (on every slice or some): its threshold there is the
    top of the range, not a cut through the scores, and must not read as one ('' when someone is positive)."""
    nobody = result.nobody_positive
    if not nobody:
        return ""
    cheapest = (
        "flagging no one is cheapest"
        if result.rate is None
        else f"flagging no one is the cheapest way to keep the {result.rate} gap within the tolerance"
    )
    where = "" if len(nobody) == len(result.thresholds) else f" on {len(nobody)} of {len(result.thresholds)} slices"
    return (
        f"{NOBODY_POSITIVE.capitalize()}{where}: at cost ratio {result.cost_ratio:g} {cheapest}; the threshold "
        "there is the top of the range, above every score, and precision is undefined."
    )


def _with_nobody_note(result: StrategyResult) -> StrategyResult:
    note = nobody_note(result)
    return replace(result, note=f"{result.note} {note}".strip()) if note else result


def overall_optimum(
    session: Session, truth: GroundTruth, i: int, strategy: str, ratio: float, upper: float
) -> StrategyResult:
    """Model ``i``'s cost-optimal threshold over every labelled row, as a one-slice :class:`StrategyResult`."""
    opt = cost_optimal_threshold(truth_index(session, truth, i), ratio, upper)
    b = opt.metrics
    confusion = np.array([[b.tn, b.fp, b.fn, b.tp]])
    return _with_nobody_note(
        StrategyResult(strategy, ratio, (opt.threshold,), opt.threshold, opt.cost, (opt.cost,), confusion)
    )


def model_strategies(
    session: Session,
    truth: GroundTruth,
    strategy: str,
    ratio: float,
    tolerance: float,
    indexes: Sequence[SliceIndex] | None,
    upper: float | Sequence[float],
    *,
    is_cancelled: IsCancelled | None = None,
    labels: Sequence[str] | None = None,
    min_group_size: int = 0,
) -> list[StrategyResult]:
    """Every model's thresholds under ``strategy`` on the slices of ``indexes`` (binary; ``None``: no slices);
    ``upper`` is the highest threshold ("nobody positive"), one for all or one per model (1 for probabilities,
    +inf for margins). ``labels`` name the slices in notes; equalized odds leaves out slices of fewer than
    ``min_group_size`` rows."""
    uppers = [float(upper)] * len(session.models) if isinstance(upper, (int, float)) else list(upper)
    results = []
    for i in range(len(session.models)):
        upper_i = uppers[i]
        if indexes is None:
            results.append(overall_optimum(session, truth, i, strategy, ratio, upper_i))
            continue
        overall = truth_index(session, truth, i)
        found = optimise(
            indexes[i],
            strategy,
            ratio,
            overall=overall,
            tolerance=tolerance,
            upper=upper_i,
            is_cancelled=is_cancelled,
            min_group_size=min_group_size,
            labels=labels,
        )
        results.append(_with_nobody_note(found))
    return results


__all__ = ["model_strategies", "nobody_note", "overall_optimum"]
