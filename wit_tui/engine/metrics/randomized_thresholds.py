"""Which randomized per-slice thresholds keep TPR and FPR within a tolerance across slices at the least expected cost.

Mixing a slice's thresholds at random (each row of the slice uses threshold
``t_a`` with probability ``w_a``) reaches, in expectation, every (FPR, TPR)
point of the convex hull of its ROC points. Expected cost is linear in the
mixing weights, so the cheapest mix per slice with every slice's expected TPR
and FPR inside a common window ``[Lt, Lt + tol] × [Lf, Lf + tol]`` is one
linear programme over the hull vertices of every slice (built from every
distinct score) and the window's two corners: exact, not a grid. A vertex
solution puts weight on at most three thresholds per slice, usually two.

Applying it to rows needs a coin per row: :func:`randomized_decisions` draws
them from a seeded generator, so the same seed gives the same decisions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linprog
from scipy.spatial import ConvexHull, QhullError

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.core.progress import IsCancelled, check_cancelled
from wit_tui.engine.metrics.equalized_odds import Chain
from wit_tui.engine.metrics.operating_points import OperatingPoints

WEIGHT_FLOOR = 1e-12  # mixing weights below this are rounding in the solver, not a threshold in use


def hull_vertices(chain: Chain) -> np.ndarray:
    """Positions of the chain's points that are vertices of the convex hull of its (FPR, TPR) points."""
    xy = np.stack([chain.fpr, chain.tpr], axis=1)
    if len(xy) <= 3:
        return np.arange(len(xy))
    try:
        return np.sort(ConvexHull(xy).vertices)
    except QhullError:  # every point on one line: its two ends span it
        return np.array([0, len(xy) - 1])


@dataclass(frozen=True)
class Mix:
    """One slice's randomized thresholds: row uses ``thresholds[a]`` with probability ``weights[a]``; and the
    expected counts this gives."""

    thresholds: tuple[float, ...]
    weights: tuple[float, ...]
    tp: float
    fp: float
    n_pos: int
    n_neg: int

    @property
    def tpr(self) -> float:
        return self.tp / self.n_pos

    @property
    def fpr(self) -> float:
        return self.fp / self.n_neg

    @property
    def likeliest(self) -> float:
        return self.thresholds[int(np.argmax(self.weights))]


def _programme(chains: list[Chain], hulls: list[np.ndarray], tol: float) -> tuple:
    """(c, A_ub, b_ub, A_eq, b_eq, bounds) of the linear programme; variables: each hull's weights, Lt, Lf."""
    sizes = [len(h) for h in hulls]
    n = sum(sizes) + 2
    scale = max(1.0, max(float(np.abs(c.cost).max()) for c in chains))
    cost = np.zeros(n)
    a_eq = np.zeros((len(chains), n))
    a_ub = np.zeros((4 * len(chains), n))
    b_ub = np.zeros(4 * len(chains))
    start = 0
    for g, (c, h) in enumerate(zip(chains, hulls, strict=True)):
        cols = slice(start, start + len(h))
        cost[cols] = c.cost[h] / scale
        a_eq[g, cols] = 1.0
        for r, (rate, corner) in enumerate(((c.tpr[h], n - 2), (c.fpr[h], n - 1))):
            a_ub[4 * g + 2 * r, cols], a_ub[4 * g + 2 * r, corner] = -rate, 1.0  # corner <= rate
            a_ub[4 * g + 2 * r + 1, cols], a_ub[4 * g + 2 * r + 1, corner] = rate, -1.0  # rate <= corner + tol
            b_ub[4 * g + 2 * r + 1] = tol
        start += len(h)
    bounds = [(0.0, None)] * (n - 2) + [(0.0, 1.0), (0.0, 1.0)]
    return cost, a_ub, b_ub, a_eq, np.ones(len(chains)), bounds


def randomized_mixes(
    pts: list[OperatingPoints], ratio: float, tol: float, is_cancelled: IsCancelled | None = None
) -> list[Mix]:
    """Per slice, the mix of thresholds of least total expected cost with TPR and FPR within ``tol``."""
    chains = [Chain.of(p, ratio) for p in pts]
    hulls = []
    for c in chains:
        check_cancelled(is_cancelled)
        hulls.append(hull_vertices(c))
    c, a_ub, b_ub, a_eq, b_eq, bounds = _programme(chains, hulls, tol)
    check_cancelled(is_cancelled)
    options = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
    res = linprog(c, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs", options=options)
    if res.status != 0:
        raise WitError(f"The randomized equalized-odds search failed: {res.message}", "Try another tolerance.")
    mixes, start = [], 0
    for p, ch, h in zip(pts, chains, hulls, strict=True):
        w = np.clip(res.x[start : start + len(h)], 0.0, None)
        start += len(h)
        keep = w > WEIGHT_FLOOR
        w = w[keep] / w[keep].sum()
        pos = np.asarray(h)[keep]
        j = len(p.thresholds) - 1 - pos  # chain positions back to the points' (increasing threshold) order
        mixes.append(
            Mix(
                tuple(float(t) for t in ch.thresholds[pos]),
                tuple(float(v) for v in w),
                float(w @ p.tp[j]),
                float(w @ p.fp[j]),
                p.n_pos,
                p.n_neg,
            )
        )
    return mixes


def randomized_decisions(scores: np.ndarray, codes: np.ndarray, mixes: list[Mix], seed: int = 0) -> np.ndarray:
    """Each row's decision under its slice's mix (rows with code -1 are negative): one seeded uniform draw per
    row picks its threshold, so the same seed, rows and mixes give the same decisions."""
    scores = np.asarray(scores, dtype=np.float64)
    codes = np.asarray(codes, dtype=np.int64)
    u = np.random.default_rng(seed).random(len(scores))
    chosen = np.full(len(scores), np.inf)
    for k, mix in enumerate(mixes):
        rows = np.flatnonzero(codes == k)
        edges = np.cumsum(mix.weights)
        pick = np.minimum(np.searchsorted(edges, u[rows], side="right"), len(edges) - 1)
        chosen[rows] = np.asarray(mix.thresholds)[pick]
    return scores >= chosen


__all__ = ["Mix", "hull_vertices", "randomized_decisions", "randomized_mixes"]
