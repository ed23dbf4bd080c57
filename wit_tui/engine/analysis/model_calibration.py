"""How well calibrated each model is on the labelled rows, overall and per slice: the one recipe the screen,
``report`` and ``validate`` share (same rows, same truth as the other metrics).

Binary: the positive class's probability (turned around when the ground truth's positive class is the other
one). Multi-class: the one-vs-rest class ``ovr_class`` (its ``predict_proba`` column against "the label is this
class"). Rows without a label, and rows the model raised on, are left out, as in every metric.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from wit_tui.engine.analysis.ground_truth import GroundTruth, ground_truth, model_scores
from wit_tui.engine.metrics.calibration import (
    ECE_BINS,
    N_BINS,
    NOT_PROBABILITIES,
    Calibration,
    Strategy,
    slice_calibration,
    undefined_slices,
)
from wit_tui.engine.metrics.slice_index import SliceMetrics
from wit_tui.engine.session.session import Session

NOT_CLASSIFIER = "calibration is of class probabilities; a regression has none"


def calibration_inputs(
    session: Session, truth: GroundTruth, i: int, ovr_class: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """Model ``i``'s rows that count (labelled, scored) as a mask over the session's rows, their positives and
    their probabilities; or why the model has no calibration (then the arrays are empty)."""
    task = session.tasks[i]
    empty = np.zeros(0, dtype=bool)
    if task.kind == "regression":
        return empty, empty, np.zeros(0), NOT_CLASSIFIER
    if not task.probabilities:
        return empty, empty, np.zeros(0), NOT_PROBABILITIES
    if task.kind == "binary":
        score = model_scores(session, truth, i)
        positives = truth.positives
    else:
        proba = session.scores(i).class_scores
        score = proba[:, ovr_class]
        positives = np.asarray(truth.y == truth.classes[ovr_class], dtype=bool)
    keep = truth.labelled & ~np.isnan(score)
    # a probability may be off [0, 1] by a rounding error of the model's arithmetic
    return keep, positives[keep], np.clip(score[keep], 0.0, 1.0), ""


def session_calibration(
    session: Session,
    i: int,
    codes: np.ndarray | None = None,
    n_slices: int = 1,
    *,
    truth: GroundTruth | None = None,
    ovr_class: int = 0,
    n_bins: int = N_BINS,
    strategy: Strategy = "uniform",
    ece_bins: int = ECE_BINS,
) -> tuple[Calibration, ...]:
    """Model ``i``'s calibration on each slice of the labelled rows (``codes`` per session row, -1 left out; no
    codes: one slice of every row)."""
    truth = ground_truth(session) if truth is None else truth
    all_codes = np.zeros(len(truth.labelled), np.int64) if codes is None else np.asarray(codes, dtype=np.int64)
    keep, positives, prob, reason = calibration_inputs(session, truth, i, ovr_class)
    if reason:
        sizes = np.bincount(all_codes[truth.labelled & (all_codes >= 0)], minlength=n_slices)
        return undefined_slices(n_slices, sizes, reason)
    return slice_calibration(
        positives, prob, all_codes[keep], n_slices, n_bins=n_bins, strategy=strategy, ece_bins=ece_bins
    )


@dataclass(frozen=True)
class ModelsCalibration:
    """Every model's calibration overall and, with a slicing, on each slice (``slices[i][k]``)."""

    names: tuple[str, ...]
    overall: tuple[Calibration, ...]
    slices: tuple[tuple[Calibration, ...], ...] | None = None
    strategy: Strategy = "uniform"
    n_bins: int = N_BINS


def models_calibration(
    session: Session,
    truth: GroundTruth | None = None,
    codes: np.ndarray | None = None,
    n_slices: int = 0,
    *,
    ovr_class: int = 0,
    n_bins: int = N_BINS,
    strategy: Strategy = "uniform",
) -> ModelsCalibration:
    """:func:`session_calibration` of every model overall and, given ``codes``, per slice: the screen's one call."""
    truth = ground_truth(session) if truth is None else truth

    def of(i: int, slice_codes: np.ndarray | None, n: int) -> tuple[Calibration, ...]:
        return session_calibration(
            session, i, slice_codes, n, truth=truth, ovr_class=ovr_class, n_bins=n_bins, strategy=strategy
        )

    models = range(len(session.models))
    overall = tuple(of(i, None, 1)[0] for i in models)
    per_slice = None if codes is None else tuple(of(i, codes, n_slices) for i in models)
    return ModelsCalibration(tuple(session.model_names), overall, per_slice, strategy, n_bins)


def with_calibration(
    sm: SliceMetrics,
    session: Session,
    i: int,
    codes: np.ndarray,
    n_slices: int,
    truth: GroundTruth | None = None,
) -> SliceMetrics:
    """``sm`` with each slice's ``ece`` added (its reason where it has none), so validation gates on it like on
    any slice metric; Brier score and log loss are already there."""
    if "ece" in sm.values or sm.kind != "binary":
        return sm
    found = session_calibration(session, i, codes, n_slices, truth=truth)
    values = {**sm.values, "ece": np.array([c.ece for c in found], dtype=np.float64)}
    undefined = {**sm.undefined, "ece": tuple(c.reason for c in found)}
    return replace(sm, values=values, undefined=undefined)


__all__ = [
    "ModelsCalibration",
    "models_calibration",
    "NOT_CLASSIFIER",
    "calibration_inputs",
    "session_calibration",
    "with_calibration",
]
