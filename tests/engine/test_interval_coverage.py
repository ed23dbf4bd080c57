"""Each interval covers the truth as often as it claims: simulations from a known-truth generator (fixed seed,
n >= 500 rows per trial, rates in [0.2, 0.8], 1,000 trials), coverage within ±3% of the 95% level.

Trials run side by side: every trial is one slice of the per-slice functions (each slice gets its own Wilson
interval, F1 bootstrap and DeLong interval), so a thousand trials cost one call. The gap bootstrap resamples the
rows of the whole data (two groups together), so there one call is one trial, at the full 1,000 resamples.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import norm

from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.slice_intervals import (
    DEFAULT_INTERVALS,
    IntervalOptions,
    confusion_intervals,
    gap_intervals,
    index_auc_intervals,
    table_intervals,
)

TRIALS = 1000
LEVEL = DEFAULT_INTERVALS.level
#: shares of the cells tn, fp, fn, tp: recall = precision = accuracy = 0.7, FPR = 0.3, selection rate = 0.5
CELLS = np.array([0.35, 0.15, 0.15, 0.35])
TRUTH = {"recall": 0.7, "precision": 0.7, "accuracy": 0.7, "fpr": 0.3, "selection_rate": 0.5, "f1": 0.7}


def _coverage(low: np.ndarray, high: np.ndarray, truth: float) -> float:
    return float(np.mean((low <= truth) & (truth <= high)))


def test_wilson_and_the_f1_bootstrap_cover_their_truth():
    trials = np.random.default_rng(15).multinomial(600, CELLS, size=TRIALS)  # one slice per trial
    got = confusion_intervals(trials, DEFAULT_INTERVALS)
    for name, truth in TRUTH.items():
        coverage = _coverage(got[name].low, got[name].high, truth)
        assert abs(coverage - LEVEL) <= 0.03, (name, coverage)
    assert got["f1"].method == "bootstrap" and got["recall"].method == "wilson"


def test_the_screens_joint_draw_covers_each_slices_f1():
    """The slice table's F1 intervals come from one multinomial over every slice's cells (slice sizes vary with
    the resample, as when the rows of the whole data are resampled): each slice's still covers its truth."""
    trials = np.random.default_rng(16).multinomial(600, CELLS, size=TRIALS)  # one slice per trial
    got = table_intervals(trials, (), DEFAULT_INTERVALS).slices["f1"]
    assert abs(_coverage(got.low, got.high, TRUTH["f1"]) - LEVEL) <= 0.03


def test_the_demographic_parity_gap_bootstrap_covers_the_true_gap():
    # rows of two groups (40% / 60%) with selection rates 0.3 and 0.6: the true difference is 0.3, ratio 0.5
    share, selected = np.array([0.4, 0.6]), np.array([0.3, 0.6])
    cells = np.stack(
        [share * (1 - selected) / 2, share * selected / 2, share * (1 - selected) / 2, share * selected / 2], 1
    )
    rng = np.random.default_rng(15)
    hits = {"demographic_parity_difference": 0, "demographic_parity_ratio": 0}
    truth = {"demographic_parity_difference": 0.3, "demographic_parity_ratio": 0.5}
    for seed in range(TRIALS):
        data = rng.multinomial(800, cells.ravel()).reshape(2, 4)
        found = gap_intervals(data, ("selection_rate",), IntervalOptions(seed=seed))
        for name in hits:
            hits[name] += found[name].low <= truth[name] <= found[name].high
    for name, h in hits.items():
        assert abs(h / TRIALS - LEVEL) <= 0.03, (name, h / TRIALS)


def test_delong_covers_the_binormal_auc():
    # unit-variance normal scores, the positives shifted by d: the true AUC is Phi(d / sqrt(2)) ~ 0.76
    d, n = 1.0, 500
    rng = np.random.default_rng(15)
    y = rng.random(n * TRIALS) < 0.4
    score = rng.normal(size=n * TRIALS) + d * y
    codes = np.repeat(np.arange(TRIALS), n)
    iv = index_auc_intervals(SliceIndex(score, y, codes, TRIALS))
    coverage = _coverage(iv.low, iv.high, float(norm.cdf(d / np.sqrt(2))))
    assert abs(coverage - LEVEL) <= 0.03, coverage
