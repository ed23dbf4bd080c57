"""Which per-slice thresholds keep both TPR and FPR within a tolerance across slices at the least total cost.

Each slice's operating points (every distinct score, plus "nobody positive")
form a chain on which TPR and FPR both rise as the threshold falls. For a
window ``[Lt, Lt + tol] × [Lf, Lf + tol]`` of (TPR, FPR) the points of a slice
inside it are therefore one contiguous run of its chain, and its cheapest
point there is a range-minimum query. In an optimum the smallest chosen TPR is
some slice's achievable TPR and the smallest FPR some slice's achievable FPR,
so trying every such pair ``(Lt, Lf)`` is exact.

When the pairs are too many (large slices), the windows are taken on a grid
of step ``δ = tol / m`` instead: every window ``[iδ, iδ + tol)`` gives a
feasible answer, and windows widened by one step give a lower bound (the
optimum's window lies inside one of them), so the cost is reported with how
far above the optimum it can be at most. ``tol = 0`` is always exact: the
slices must share one (TPR, FPR) point, and equal fractions are equal floats.
"Nobody positive" (0, 0) and "everybody positive" (1, 1) are points of every
slice, so a feasible answer always exists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from wit_tui.engine.core.progress import IsCancelled, check_cancelled
from wit_tui.engine.metrics.operating_points import TIE, OperatingPoints

EPS = 1e-12  # rates are count ratios: distinct ones differ by far more than this
PAIR_BUDGET = 4_000_000  # (Lt, Lf) pairs × slices searched exactly before the grid is used
GRID_CELLS = 1000  # grid cells per axis at most when the grid is used


@dataclass(frozen=True)
class Chain:
    """One slice's operating points ordered by decreasing threshold: TPR and FPR non-decreasing."""

    thresholds: np.ndarray
    tpr: np.ndarray
    fpr: np.ndarray
    cost: np.ndarray

    @classmethod
    def of(cls, pts: OperatingPoints, ratio: float) -> Chain:
        r = slice(None, None, -1)
        return cls(
            pts.thresholds[r],
            (pts.tp / pts.n_pos)[r].astype(np.float64),
            (pts.fp / pts.n_neg)[r].astype(np.float64),
            pts.cost(ratio)[r],
        )

    def run(self, lt: float, lf: float, tol: float) -> tuple[int, int]:
        """The chain positions ``[a, b)`` inside the window (empty when a >= b)."""
        a = max(np.searchsorted(self.tpr, lt - EPS), np.searchsorted(self.fpr, lf - EPS))
        b = min(np.searchsorted(self.tpr, lt + tol + EPS, "right"), np.searchsorted(self.fpr, lf + tol + EPS, "right"))
        return int(a), int(b)

    def cheapest(self, a: int, b: int) -> int:
        """The cheapest position in ``[a, b)``, ties to the highest threshold (the first)."""
        c = self.cost[a:b]
        m = float(c.min())
        return a + int(np.flatnonzero(c <= m + TIE * max(1.0, abs(m)))[0])


def _sparse_table(values: np.ndarray) -> list[np.ndarray]:
    """Range-minimum table: ``table[j][i] = min(values[i : i + 2**j])``."""
    table = [values]
    j = 1
    while (1 << j) <= len(values):
        prev, half = table[-1], 1 << (j - 1)
        table.append(np.minimum(prev[:-half], prev[half:]))
        j += 1
    return table


def _range_min(table: list[np.ndarray], a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """min(values[a:b]) for every pair (inf where empty)."""
    out = np.full(a.shape, np.inf)
    ok = b > a
    if not ok.any():
        return out
    a, b = a[ok], b[ok]
    level = np.floor(np.log2(b - a)).astype(np.int64)
    res = np.empty(len(a))
    for j in np.unique(level):
        sel = level == j
        t = table[j]
        res[sel] = np.minimum(t[a[sel]], t[b[sel] - (1 << j)])
    out[ok] = res
    return out


def _exact_pairs(chains: list[Chain], tol: float, is_cancelled: IsCancelled | None) -> tuple[float, list]:
    """(min total cost, the tied (Lt, Lf) windows) over every pair of achievable TPR and FPR values."""
    lts = np.unique(np.concatenate([c.tpr for c in chains]))
    lfs = np.unique(np.concatenate([c.fpr for c in chains]))
    per_chain = []
    for c in chains:
        ta = np.searchsorted(c.tpr, lts - EPS)
        tb = np.searchsorted(c.tpr, lts + tol + EPS, "right")
        fa = np.searchsorted(c.fpr, lfs - EPS)
        fb = np.searchsorted(c.fpr, lfs + tol + EPS, "right")
        per_chain.append((_sparse_table(c.cost), ta, tb, fa, fb))
    step = max(1, 2_000_000 // max(1, len(lfs)))
    totals = np.empty((len(lts), len(lfs)))
    for start in range(0, len(lts), step):
        check_cancelled(is_cancelled)
        rows = slice(start, start + step)
        total = np.zeros((len(lts[rows]), len(lfs)))
        for table, ta, tb, fa, fb in per_chain:
            a = np.maximum(ta[rows, None], fa[None, :])
            b = np.minimum(tb[rows, None], fb[None, :])
            total += _range_min(table, a, b)
        totals[rows] = total
    m = float(totals.min())
    tied = np.argwhere(totals <= m + TIE * max(1.0, abs(m)))[:64]
    return m, [(float(lts[i]), float(lfs[j])) for i, j in tied]


def _cell_minima(c: Chain, delta: float, cells: int) -> np.ndarray:
    """The cheapest cost in each (TPR, FPR) cell ``[iδ, (i+1)δ) × [jδ, (j+1)δ)`` of the grid (inf if none)."""
    i = np.minimum((c.tpr / delta + EPS).astype(np.int64), cells - 1)
    j = np.minimum((c.fpr / delta + EPS).astype(np.int64), cells - 1)
    out = np.full(cells * cells, np.inf)
    np.minimum.at(out, i * cells + j, c.cost)
    return out.reshape(cells, cells)


def _shifted(a: np.ndarray, s: int, axis: int) -> np.ndarray:
    """``a`` moved ``s`` cells towards the start along ``axis`` (inf coming in at the end)."""
    out = np.full_like(a, np.inf)
    src = [slice(None)] * a.ndim
    dst = [slice(None)] * a.ndim
    src[axis], dst[axis] = slice(s, None), slice(None, a.shape[axis] - s)
    out[tuple(dst)] = a[tuple(src)]
    return out


def _forward_min(a: np.ndarray, w: int, axis: int) -> np.ndarray:
    """``out[i] = min(a[i : i + w])`` along ``axis`` in O(log w) passes (windows cut at the edge)."""
    m, p = a, 1
    while 2 * p <= w:
        m = np.minimum(m, _shifted(m, p, axis))
        p *= 2
    return m if p == w else np.minimum(m, _shifted(m, w - p, axis))


def _window_min_2d(grid: np.ndarray, w: int) -> np.ndarray:
    """``out[i, j] = min(grid[i:i+w, j:j+w])`` (windows cut at the edge)."""
    return _forward_min(_forward_min(grid, w, 0), w, 1)


@dataclass(frozen=True)
class GridSearch:
    """What the grid search found: the tied windows' corners, the cost found, the lower bound, the grid."""

    cost: float
    windows: list
    lower_bound: float
    delta: float
    cells: int


def grid_search(chains: list[Chain], tol: float, is_cancelled: IsCancelled | None) -> GridSearch:
    """Windows of width ``tol`` on a grid of step ``δ = tol / m``: the cheapest feasible one and a lower bound.

    A tolerance below half a cell takes the shared points (tolerance 0, exact) as the feasible answer and the
    grid only for the bound."""
    m = max(1, int(np.ceil(tol * GRID_CELLS)))
    tiny = tol / m < 0.5 / GRID_CELLS
    delta = 0.5 / GRID_CELLS if tiny else tol / m
    cells = int(np.floor(1.0 / delta + EPS)) + 1
    feasible = np.zeros((cells, cells))
    relaxed = np.zeros((cells, cells))
    for c in chains:
        check_cancelled(is_cancelled)
        grid = _cell_minima(c, delta, cells)
        if not tiny:
            feasible += _window_min_2d(grid, m)  # cells i..i+m-1: rates in [iδ, iδ + tol)
        relaxed += _window_min_2d(grid, 2 if tiny else m + 1)  # holds every [L, L + tol] with L in cell i
    if tiny:
        best, windows = exact_common_point(chains)
    else:
        best = float(feasible.min())
        tied = np.argwhere(feasible <= best + TIE * max(1.0, abs(best)))[:64]
        windows = [(float(i * delta), float(j * delta)) for i, j in tied]
    return GridSearch(best, windows, float(relaxed.min()), delta, cells)


def exact_common_point(chains: list[Chain]) -> tuple[float, list]:
    """Tolerance 0: the cheapest (TPR, FPR) point every slice has (equal fractions are equal floats)."""
    keys = np.concatenate([np.stack([c.tpr, c.fpr], axis=1) for c in chains])
    costs = np.concatenate([c.cost for c in chains])
    uniq, inverse, counts = np.unique(keys, axis=0, return_inverse=True, return_counts=True)
    total = np.zeros(len(uniq))
    np.add.at(total, inverse.ravel(), costs)
    total[counts < len(chains)] = np.inf
    m = float(total.min())
    tied = np.flatnonzero(total <= m + TIE * max(1.0, abs(m)))[:64]
    return m, [(float(uniq[i, 0]), float(uniq[i, 1])) for i in tied]


def choose(chains: list[Chain], windows: list, tol: float) -> list[int]:
    """Per chain, its chosen position: the windows' cheapest points; ties to the smaller gap, then higher
    thresholds."""
    best_key, best = None, []
    for lt, lf in windows:
        picks = []
        for c in chains:
            a, b = c.run(lt, lf, tol)
            picks.append(c.cheapest(a, b) if b > a else -1)
        if min(picks) < 0:
            continue
        tprs = [c.tpr[p] for c, p in zip(chains, picks, strict=True)]
        fprs = [c.fpr[p] for c, p in zip(chains, picks, strict=True)]
        total = sum(float(c.cost[p]) for c, p in zip(chains, picks, strict=True))
        gap = max(max(tprs) - min(tprs), max(fprs) - min(fprs))
        high = sum(
            float(c.thresholds[p]) if np.isfinite(c.thresholds[p]) else 1e300
            for c, p in zip(chains, picks, strict=False)
        )
        key = (round(total, 9), gap, -high)
        if best_key is None or key < best_key:
            best_key, best = key, picks
    return best


def search(chains: list[Chain], tol: float, is_cancelled: IsCancelled | None) -> tuple[list[int], str]:
    """(chosen chain position per slice, a note on the search: '' when exact)."""
    if tol <= 0:
        _, windows = exact_common_point(chains)
        return choose(chains, windows, 0.0), ""
    n_t = len(np.unique(np.concatenate([c.tpr for c in chains])))
    n_f = len(np.unique(np.concatenate([c.fpr for c in chains])))
    if n_t * n_f * len(chains) <= PAIR_BUDGET:
        _, windows = _exact_pairs(chains, tol, is_cancelled)
        return choose(chains, windows, tol), ""
    found = grid_search(chains, tol, is_cancelled)
    picks = choose(chains, found.windows, tol)
    total = sum(float(c.cost[p]) for c, p in zip(chains, picks, strict=True))
    slack = max(0.0, total - found.lower_bound)
    note = (
        f"Equalized odds searched TPR/FPR windows on a {found.cells}×{found.cells} grid (step {found.delta:.3g}) "
        f"over every distinct score, not every pair of rates: no thresholds within the tolerance cost less than "
        f"{found.lower_bound:.6g}, so this cost is at most {slack:.6g} above the optimum."
    )
    return picks, note


__all__ = ["Chain", "GridSearch", "choose", "exact_common_point", "grid_search", "search"]
