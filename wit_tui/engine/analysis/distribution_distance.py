"""How far apart are two distributions counted over the same bins: PSI, its bands, the Jensen–Shannon distance.

**PSI** = Σ (cᵢ − rᵢ) · ln(cᵢ / rᵢ) over the bins' shares rᵢ (reference) and
cᵢ (current). An empty bin would make the log infinite, so each share is
floored at ε = 1e-4 (0.01%) before the sum, without renormalising — the usual
convention, and small enough to leave non-empty bins alone. Bands: below 0.1
stable, 0.1 to 0.25 moderate, 0.25 and above significant.

**Jensen–Shannon distance**: ``jensenshannon(r, c, base=2)``, the square root of
the JS divergence, between 0 (same distribution) and 1 (disjoint).

**Bins** of a numeric feature are the reference's deciles (``decile_cuts``).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from wit_tui.engine.core.errors import WitError

PSI_BINS = 10
PSI_EPSILON = 1e-4
PSI_BANDS = (0.1, 0.25)
Counts = Sequence[float] | np.ndarray  # counts over the same bins, as a list or an array


def _shares(counts: np.ndarray, what: str) -> np.ndarray:
    counts = np.asarray(counts, dtype=np.float64)
    if counts.ndim != 1 or (counts < 0).any() or not np.isfinite(counts).all():
        raise WitError(f"The {what} counts must be a list of non-negative numbers.", "Pass one count per bin.")
    total = counts.sum()
    if total <= 0:
        raise WitError(f"The {what} counts are all zero.", "Each side needs at least one value.")
    return counts / total


def psi(reference_counts: Counts, current_counts: Counts, epsilon: float = PSI_EPSILON) -> float:
    """Population Stability Index between two count vectors over the same bins (shares floored at ``epsilon``)."""
    r = _shares(np.asarray(reference_counts), "reference")
    c = _shares(np.asarray(current_counts), "current")
    if len(r) != len(c):
        raise WitError(
            f"The reference has {len(r)} bins and the current data {len(c)}.", "Count both over the same bins."
        )
    r = np.maximum(r, epsilon)
    c = np.maximum(c, epsilon)
    return float(np.sum((c - r) * np.log(c / r)))


def psi_band(value: float) -> str:
    """``stable`` (< 0.1), ``moderate`` (0.1 to < 0.25) or ``significant`` (≥ 0.25); empty for NaN."""
    if value is None or np.isnan(value):
        return ""
    if value < PSI_BANDS[0]:
        return "stable"
    return "moderate" if value < PSI_BANDS[1] else "significant"


def js_distance(reference_counts: Counts, current_counts: Counts) -> float:
    """Jensen–Shannon distance (base 2, in [0, 1]) between two count vectors over the same bins."""
    # deferred: scipy is heavy, only needed once drift is computed
    from scipy.spatial.distance import jensenshannon

    r = _shares(np.asarray(reference_counts), "reference")
    c = _shares(np.asarray(current_counts), "current")
    return float(jensenshannon(r, c, base=2))


def decile_cuts(reference: np.ndarray) -> np.ndarray:
    """PSI cut points: the reference's finite values' deciles, repeated ones merged."""
    finite = reference[np.isfinite(reference)]
    if len(finite) == 0:
        return np.zeros(0)
    return np.unique(np.quantile(finite, np.linspace(0.1, 0.9, PSI_BINS - 1)))


__all__ = ["PSI_BANDS", "PSI_BINS", "PSI_EPSILON", "Counts", "decile_cuts", "js_distance", "psi", "psi_band"]
