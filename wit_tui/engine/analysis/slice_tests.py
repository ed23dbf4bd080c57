"""How surely is a slice worse than the rest: simultaneous intervals and one-sided tests, vectorised over slices.

Proportions: Newcombe's hybrid score interval for a difference of proportions (from two Wilson intervals;
Newcombe 1998, method 10) and a one-sided two-proportion z-test with the pooled proportion. Means: the Welch
interval and one-sided Welch t-test (``scipy.stats.t``). Benjamini–Hochberg q-values for the many p-values.
"""

from __future__ import annotations

import numpy as np


def wilson(x: np.ndarray, n: np.ndarray, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of x / n (vectorised); n > 0."""
    x = np.asarray(x, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    p = x / n
    z2 = z * z
    centre = (x + z2 / 2) / (n + z2)
    half = z * np.sqrt(np.maximum(p * (1 - p) / n + z2 / (4 * n * n), 0.0)) / (1 + z2 / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)


def newcombe(x1, n1, x2, n2, z: float) -> tuple[np.ndarray, np.ndarray]:
    """Newcombe's hybrid score interval for p1 − p2 (method 10 of Newcombe 1998)."""
    p1, p2 = np.asarray(x1, float) / n1, np.asarray(x2, float) / n2
    l1, u1 = wilson(x1, n1, z)
    l2, u2 = wilson(x2, n2, z)
    d = p1 - p2
    return d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def proportion_tests(x1, n1, x2, n2, alpha_each: float):
    # deferred: scipy.stats is heavy and only needed once slices are tested
    from scipy.stats import norm

    p1, p2 = x1 / n1, x2 / n2
    pooled = (x1 + x2) / (n1 + n2)
    se = np.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2))
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(se > 0, (p1 - p2) / se, 0.0)
    p = norm.sf(z)
    lo, hi = newcombe(x1, n1, x2, n2, float(norm.isf(alpha_each / 2)))
    return p1 - p2, lo, hi, p


def welch_tests(s1, ss1, n1, s2, ss2, n2, alpha_each: float):
    # deferred: scipy.stats is heavy and only needed once slices are tested
    from scipy.stats import t as student

    m1, m2 = s1 / n1, s2 / n2
    with np.errstate(invalid="ignore", divide="ignore"):
        v1 = np.maximum(ss1 - n1 * m1 * m1, 0.0) / np.maximum(n1 - 1, 1)
        v2 = np.maximum(ss2 - n2 * m2 * m2, 0.0) / np.maximum(n2 - 1, 1)
        a, b = v1 / n1, v2 / n2
        se = np.sqrt(a + b)
        dof = (a + b) ** 2 / (
            np.where(n1 > 1, a * a / np.maximum(n1 - 1, 1), 0) + np.where(n2 > 1, b * b / np.maximum(n2 - 1, 1), 0)
        )
        dof = np.where(np.isfinite(dof) & (dof > 0), dof, 1.0)
        d = m1 - m2
        tstat = np.where(se > 0, d / se, np.where(d > 0, np.inf, 0.0))
    p = student.sf(tstat, dof)
    q = student.isf(alpha_each / 2, dof)
    half = np.where(se > 0, q * se, 0.0)
    # one row in the slice (or in the rest): no variance estimate, an interval that says so
    unknown = (n1 < 2) | (n2 < 2)
    lo = np.where(unknown, -np.inf, d - half)
    hi = np.where(unknown, np.inf, d + half)
    p = np.where(unknown, 1.0, p)
    return d, lo, hi, p


def benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg q-values (adjusted p-values) of ``p``."""
    p = np.asarray(p, dtype=np.float64)
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    ranked = p[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(ranked[::-1])[::-1]
    out = np.empty(m)
    out[order] = np.minimum(q, 1.0)
    return out


__all__ = ["benjamini_hochberg", "newcombe", "proportion_tests", "welch_tests", "wilson"]
