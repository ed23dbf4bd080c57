"""Equalized odds as a strategy: which slices take part (big enough, with both labels), the deterministic search
or the randomized mixes over them, and the rates and gaps that result."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wit_tui.engine.core.progress import IsCancelled
from wit_tui.engine.metrics.equalized_odds import Chain, search
from wit_tui.engine.metrics.operating_points import OperatingPoints, argmin_highest
from wit_tui.engine.metrics.randomized_thresholds import randomized_mixes


@dataclass(frozen=True)
class EqualizedOdds:
    """What the strategy found per slice: thresholds, confusion ``tn, fp, fn, tp`` (expected counts when
    randomized), TPR and FPR (NaN when left out), their gaps, the mixes (randomized) and a note."""

    thresholds: np.ndarray
    confusion: np.ndarray
    tpr: tuple[float, ...]
    fpr: tuple[float, ...]
    gaps: tuple[tuple[str, float], ...]
    note: str
    mixes: tuple = ()


def _left_out(pts: list[OperatingPoints], min_group_size: int, labels: list[str]) -> tuple[list[int], str]:
    """Slices left out of the constraint (too small, or TPR/FPR undefined) and the note naming them."""
    small = [k for k, p in enumerate(pts) if p.n_pos + p.n_neg < min_group_size]
    one_class = [k for k, p in enumerate(pts) if k not in small and (p.n_pos == 0 or p.n_neg == 0)]
    notes = []
    if small:
        notes.append(f"fewer than {min_group_size} rows: {', '.join(labels[k] for k in small)}")
    if one_class:
        notes.append(f"one label only (TPR or FPR undefined): {', '.join(labels[k] for k in one_class)}")
    note = (
        "Left out of the equalized-odds constraint, each at its own cost-optimal threshold — " + "; ".join(notes) + "."
        if notes
        else ""
    )
    return small + one_class, note


def _gaps(tpr: np.ndarray, fpr: np.ndarray) -> tuple[tuple[str, float], ...]:
    def gap(v: np.ndarray) -> float:
        v = v[~np.isnan(v)]
        return float(v.max() - v.min()) if len(v) else float("nan")

    return (("recall", gap(tpr)), ("fpr", gap(fpr)))


def equalized_odds_thresholds(
    pts: list[OperatingPoints],
    ratio: float,
    tolerance: float,
    *,
    min_group_size: int = 0,
    labels: list[str] | None = None,
    randomized: bool = False,
    is_cancelled: IsCancelled | None = None,
) -> EqualizedOdds:
    """The cheapest per-slice thresholds (or randomized mixes) with TPR and FPR each within ``tolerance``."""
    K = len(pts)
    names = labels if labels is not None else [f"slice {k + 1}" for k in range(K)]
    out, note = _left_out(pts, min_group_size, names)
    inside = [k for k in range(K) if k not in out]
    thresholds, confusion = np.empty(K), np.zeros((K, 4))
    for k in out:
        j = argmin_highest(pts[k].cost(ratio))
        thresholds[k] = pts[k].thresholds[j]
        confusion[k] = _cells(pts[k], float(pts[k].tp[j]), float(pts[k].fp[j]))
    tpr, fpr, search_note = np.full(K, np.nan), np.full(K, np.nan), ""
    mixes: list[object] = [None] * K
    if inside and randomized:
        for k, mix in zip(
            inside, randomized_mixes([pts[k] for k in inside], ratio, tolerance, is_cancelled), strict=True
        ):
            thresholds[k], confusion[k], mixes[k] = mix.likeliest, _cells(pts[k], mix.tp, mix.fp), mix
    elif inside:
        chains = [Chain.of(pts[k], ratio) for k in inside]
        picks, search_note = search(chains, tolerance, is_cancelled)
        for k, c, p in zip(inside, chains, picks, strict=True):
            j = len(c.thresholds) - 1 - p
            thresholds[k], confusion[k] = c.thresholds[p], _cells(pts[k], float(pts[k].tp[j]), float(pts[k].fp[j]))
    for k in inside:
        tn, fp, fn, tp = confusion[k]
        tpr[k], fpr[k] = tp / (tp + fn), fp / (fp + tn)
    if not randomized:
        confusion = confusion.astype(np.int64)
    if randomized and inside:
        search_note = (
            "Randomized: each slice mixes its thresholds at random; cost, rates and gaps are expected values, and "
            "the slice table shows each slice's likeliest threshold as its deterministic stand-in."
        )
    text = " ".join(t for t in (search_note, note) if t)
    return EqualizedOdds(thresholds, confusion, tuple(tpr), tuple(fpr), _gaps(tpr, fpr), text, tuple(mixes))


def _cells(p: OperatingPoints, tp: float, fp: float) -> np.ndarray:
    return np.array([p.n_neg - fp, fp, p.n_pos - tp, tp], dtype=np.float64)


__all__ = ["EqualizedOdds", "equalized_odds_thresholds"]
