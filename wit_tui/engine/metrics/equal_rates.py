"""Which per-slice thresholds bring a rate within a tolerance across slices at the least total cost, searched exactly.

Rates are integer counts over a slice's size (q / D), so for every candidate
lower end ``L`` of the window (every achievable rate of every slice) each slice
takes its cheapest operating point with a rate in ``[L, L + tolerance]`` (a
sliding-window minimum over the slice's points sorted by rate), and the best
``L`` wins. The full reasoning is in ``thresholds``' docstring, which names
the strategies that use this search.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from wit_tui.engine.core.progress import IsCancelled, check_cancelled
from wit_tui.engine.metrics.operating_points import TIE, OperatingPoints, argmin_highest, operating_points
from wit_tui.engine.metrics.slice_index import SliceIndex


def _rate_points(pts: OperatingPoints, rate: str) -> tuple[np.ndarray, int]:
    """Each point's constrained rate as an integer numerator q over one denominator D (rate = q / D)."""
    n = pts.n_pos + pts.n_neg
    if rate == "selection_rate":
        return pts.tp + pts.fp, n
    if rate == "recall":
        return pts.tp.copy(), pts.n_pos
    if rate == "accuracy":
        return pts.tp + (pts.n_neg - pts.fp), n
    raise ValueError(f"unknown rate {rate!r}")


@dataclass
class _Slice:
    """One constrained slice: its cheapest point per achievable rate numerator q (dense over 0..D)."""

    D: int
    q: np.ndarray  # achievable numerators, increasing
    best: np.ndarray  # dense (D + 1,) cheapest cost at each numerator (inf where none)
    point: np.ndarray  # dense (D + 1,) the point achieving it (highest threshold among equal costs), -1 if none
    thr: np.ndarray  # dense (D + 1,) that point's threshold (-inf if none)


def _prepare(pts: OperatingPoints, rate: str, ratio: float) -> _Slice:
    q, D = _rate_points(pts, rate)
    c = pts.cost(ratio)
    if rate in ("selection_rate", "recall"):
        # selection rate and TPR fall as the threshold rises; within equal q (same TP) FP falls too, so the
        # last point of each run is the cheapest and has the highest threshold
        pick = np.flatnonzero(np.r_[q[1:] != q[:-1], True])
    else:
        j = np.arange(len(q))
        order = np.lexsort((-j, c, q))  # by q, then cost, then the highest threshold first
        qs = q[order]
        pick = order[np.r_[True, qs[1:] != qs[:-1]]]
    best = np.full(D + 1, np.inf)
    point = np.full(D + 1, -1, dtype=np.int64)
    thr = np.full(D + 1, -np.inf)
    best[q[pick]] = c[pick]
    point[q[pick]] = pick
    thr[q[pick]] = pts.thresholds[pick]
    return _Slice(D, np.sort(q[pick]), best, point, thr)


def _sliding_min(a: np.ndarray, w: int) -> np.ndarray:
    """``out[i] = min(a[i:i+w])`` for every full window (van Herk / Gil-Werman: O(n) for any w)."""
    n = len(a)
    if w <= 1:
        return a.copy()
    pad = (-n) % w
    b = np.concatenate([a, np.full(pad, np.inf)]).reshape(-1, w)
    prefix = np.minimum.accumulate(b, axis=1).ravel()
    suffix = np.minimum.accumulate(b[:, ::-1], axis=1)[:, ::-1].ravel()
    return np.minimum(suffix[: n - w + 1], prefix[w - 1 : n])


def _windows(Lq: np.ndarray, LD: np.ndarray, D: int, tol: float) -> tuple[np.ndarray, np.ndarray]:
    """For window starts L = Lq / LD: the numerators q with L <= q / D <= L + tol, as [lo, hi] (hi may exceed
    D, meaning "up to the top").

    ``L · D`` is either an integer or at least ``1 / LD`` away from one, so rounding it to the nearest multiple
    of ``1 / (2 · LD)`` first makes the ceiling exact.
    """
    x = Lq * (D / LD)
    lo = np.ceil(x - 0.5 / LD).astype(np.int64)
    hi = np.floor(x + (tol * D + 1e-9)).astype(np.int64)
    return lo, hi


def _window_min(s: _Slice, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """min(best[lo:hi+1]) for every window: windows reaching the top are suffix minima, the others (of a few
    distinct lengths) sliding-window minima."""
    out = np.full(len(lo), np.inf)
    top = hi >= s.D
    if top.any():
        suffix = np.minimum.accumulate(s.best[::-1])[::-1]
        inside = top & (lo <= s.D)
        out[inside] = suffix[lo[inside]]
    length = np.where(top, 0, hi - lo + 1)
    positive = length[length > 0]
    if len(positive) == 0:
        return out
    a, b = int(positive.min()), int(positive.max())
    widths = range(a, b + 1) if b - a < 8 else np.unique(positive)
    for w in widths:
        sel = length == w
        if sel.any():
            out[sel] = _sliding_min(s.best, int(w))[lo[sel]]
    return out


def _choose(s: _Slice, lo: int, hi: int) -> int:
    """The numerator chosen in [lo, hi]: the cheapest, ties to the highest threshold."""
    window = s.best[lo : hi + 1]
    m = float(window.min())
    ties = np.flatnonzero(window <= m + TIE * max(1.0, abs(m)))
    return int(lo + ties[np.argmax(s.thr[lo + ties])])


def _smallest_gap(slices: list[_Slice]) -> float:
    """The smallest max − min of rates any combination of points can reach (one point per slice)."""
    Lq = np.concatenate([s.q for s in slices])
    LD = np.concatenate([np.full(len(s.q), s.D, dtype=np.int64) for s in slices])
    top = np.zeros(len(Lq))
    for s in slices:
        lo = -((-(Lq * s.D)) // LD)
        pos = np.searchsorted(s.q, lo, side="left")
        ok = pos < len(s.q)
        nxt = np.full(len(Lq), np.inf)
        nxt[ok] = s.q[pos[ok]] / s.D
        top = np.maximum(top, nxt)
    return float(np.min(top - Lq / LD))


def _starts(s: _Slice, tol: float) -> np.ndarray:
    """The numerators of ``s`` that can be the lowest rate of an optimal combination.

    In an optimum every slice's point is its cheapest within the window [L, L + tol], L the lowest chosen rate,
    and the slice that sets L does so with a point no dearer than any of its own points up to L + tol: keeping
    only those points as window starts prunes nothing that can win (and most points of a long slice).
    """
    lo = s.q
    hi = s.q + int(np.floor(tol * s.D + 1e-9))
    own = _window_min(s, lo, hi)
    cost = s.best[s.q]
    return s.q[cost <= own + TIE * np.maximum(1.0, np.abs(own))]


def _constrained(slices: list[_Slice], tol: float, is_cancelled: IsCancelled | None) -> tuple[list[int], float]:
    """Numerators per slice minimising the total cost with all rates within ``tol``; returns (q per slice, tol used)."""
    starts = [_starts(s, tol) for s in slices]
    Lq = np.concatenate(starts)
    LD = np.concatenate([np.full(len(q), s.D, dtype=np.int64) for q, s in zip(starts, slices, strict=True)])
    total = np.zeros(len(Lq))
    bounds = []
    for s in slices:
        check_cancelled(is_cancelled)
        lo, hi = _windows(Lq, LD, s.D, tol)
        bounds.append((lo, hi))
        total += _window_min(s, lo, hi)
    if not np.isfinite(total).any():
        return [], tol
    m = float(total.min())
    tied = np.flatnonzero(total <= m + TIE * max(1.0, abs(m)))[:64]
    best_key, best_q = None, []
    for li in tied:
        qs = [_choose(s, int(b[0][li]), min(int(b[1][li]), s.D)) for s, b in zip(slices, bounds, strict=True)]
        rates = [q / s.D for q, s in zip(qs, slices, strict=True)]
        key = (
            max(rates) - min(rates),
            -sum(float(s.thr[q]) if np.isfinite(s.thr[q]) else 1e300 for q, s in zip(qs, slices, strict=True)),
        )
        if best_key is None or key < best_key:
            best_key, best_q = key, qs
    return best_q, tol


def _points_for(index: SliceIndex, k: int, upper: float) -> OperatingPoints:
    return operating_points(index.index(k), upper)


@dataclass(frozen=True)
class EqualisedThresholds:
    """What a constrained strategy found: thresholds and rates per slice, the rate's gap, the tolerance used."""

    thresholds: np.ndarray
    rates: tuple[float, ...]
    gap: float
    tolerance: float | None
    note: str


def _own_cost_optimal(
    pts: list[OperatingPoints], left_out: list[int], ratio: float, thresholds: np.ndarray, small: list[str]
) -> str:
    """Give each slice left out of the constraint its own cost-optimal threshold; the note that says so (``small``:
    the groups left out for their size, named; the others have no positive label, so no TPR)."""
    for k in left_out:
        j = argmin_highest(pts[k].cost(ratio))
        thresholds[k] = pts[k].thresholds[j]
    notes = []
    if small:
        notes.append(f"Left out for having too few rows (min_group_size): {', '.join(small)}.")
    if len(left_out) > len(small):
        notes.append(f"{len(left_out) - len(small)} slice(s) with no positive label have no TPR.")
    if not notes:
        return ""
    return " ".join(notes) + " Each slice left out of the constraint gets its own cost-optimal threshold."


def _within_tolerance(
    prepared: list[_Slice], rate: str, tolerance: float, is_cancelled: IsCancelled | None
) -> tuple[list[int], float, str]:
    """(numerator per slice, tolerance used, note): the tolerance asked for, or the smallest gap reachable."""
    qs, tol_used = _constrained(prepared, tolerance, is_cancelled)
    if qs:
        return qs, tol_used, ""
    smallest = _smallest_gap(prepared)
    tol_used = smallest + 1e-12
    qs, _ = _constrained(prepared, tol_used, is_cancelled)
    note = (
        f"No thresholds bring the {rate} gap within {tolerance:g}; the smallest gap any thresholds "
        f"reach is {smallest:.4g}, used instead. "
    )
    return qs, tol_used, note


def equalised_thresholds(
    index: SliceIndex,
    rate: str,
    ratio: float,
    tolerance: float,
    upper: float,
    is_cancelled: IsCancelled | None,
    min_group_size: int = 0,
    labels: Sequence[str] | None = None,
) -> EqualisedThresholds:
    """The cheapest thresholds per slice whose ``rate`` values lie within ``tolerance`` of each other; slices of
    fewer than ``min_group_size`` labelled rows (named by ``labels``) are left out of the constraint."""
    K = index.n_slices
    pts = []
    for k in range(K):
        check_cancelled(is_cancelled)
        pts.append(_points_for(index, k, upper))
    thresholds = np.empty(K)
    small = [k for k in range(K) if pts[k].n_pos + pts[k].n_neg < min_group_size]
    constrained = [k for k in range(K) if k not in small and not (rate == "recall" and pts[k].n_pos == 0)]
    names = [labels[k] if labels is not None else f"slice {k}" for k in small]
    note = _own_cost_optimal(pts, [k for k in range(K) if k not in constrained], ratio, thresholds, names)
    prepared = [_prepare(pts[k], rate, ratio) for k in constrained]
    rate_values = np.full(K, np.nan)
    gap = float("nan")
    tol_used: float | None = None
    if prepared:
        qs, tol_used, missed = _within_tolerance(prepared, rate, tolerance, is_cancelled)
        note = (missed + note).strip() if missed else note
        for k, sl, q in zip(constrained, prepared, qs, strict=True):
            thresholds[k] = pts[k].thresholds[sl.point[q]]
            rate_values[k] = q / sl.D
        values = rate_values[~np.isnan(rate_values)]
        gap = float(values.max() - values.min()) if len(values) else float("nan")
    return EqualisedThresholds(thresholds, tuple(float(v) for v in rate_values), gap, tol_used, note)


__all__ = ["EqualisedThresholds", "equalised_thresholds"]
