"""What one slice looks like to each model, as the What-If Tool shows it per slice: its ROC / PR curves, its
confusion counts at the threshold the decisions give it, and its reliability diagram — from the slice table's
own indexes, so every number equals the slice table's."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.metrics.binary import ThresholdIndex
from wit_tui.engine.metrics.calibration import NOT_PROBABILITIES, Calibration, Strategy, calibration
from wit_tui.engine.metrics.slice_index import SliceIndex


@dataclass(frozen=True)
class ModelSlice:
    """One model on one slice: its sorted scores (curves), threshold, ``tn, fp, fn, tp`` there and calibration."""

    index: ThresholdIndex
    threshold: float
    counts: tuple[int, int, int, int]
    calibration: Calibration


def slice_detail(
    indexes: Sequence[SliceIndex],
    k: int,
    thresholds: Sequence[np.ndarray],
    probabilities: Sequence[bool],
    strategy: Strategy = "uniform",
) -> tuple[ModelSlice, ...]:
    """Slice ``k`` of each model's :class:`SliceIndex`; ``thresholds[i]`` holds model ``i``'s threshold on every
    slice (one value repeated without per-slice thresholds); ``probabilities[i]``: are its scores probabilities."""
    out = []
    for sidx, t, proba in zip(indexes, thresholds, probabilities, strict=True):
        tn, fp, fn, tp = (int(v) for v in sidx.counts_at(t)[k])
        scores, positives = sidx.slice_arrays(k)
        cal = (
            calibration(positives, np.clip(scores, 0.0, 1.0), strategy=strategy)
            if proba
            else Calibration.undefined(len(scores), NOT_PROBABILITIES)
        )
        out.append(ModelSlice(sidx.index(k), float(np.asarray(t)[k]), (tn, fp, fn, tp), cal))
    return tuple(out)


__all__ = ["ModelSlice", "slice_detail"]
