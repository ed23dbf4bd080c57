"""Intervals equal their references (scipy's Wilson, sklearn's AUC, a direct DeLong) and cover what they claim."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest, norm
from sklearn.metrics import roc_auc_score

from wit_tui.engine.metrics.intervals import (
    Interval,
    auc_variance,
    confusion_bootstrap,
    delong_auc,
    wilson,
    wilson_interval,
)

TOL = 1e-12


def _f1(tp: np.ndarray, fp: np.ndarray, tn: np.ndarray, fn: np.ndarray) -> np.ndarray:
    den = 2 * tp + fp + fn
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, 2 * tp / den, np.nan)


# ---- Wilson ---------------------------------------------------------------------------------------------------


@st.composite
def _k_n(draw: st.DrawFn) -> tuple[int, int]:
    n = draw(st.integers(1, 10**6))
    k = draw(st.one_of(st.sampled_from([0, n]), st.integers(0, n)))
    return k, n


@settings(max_examples=300, deadline=None)
@given(_k_n(), st.floats(0.5, 0.999))
def test_wilson_equals_scipy_without_continuity_correction(kn, level):
    k, n = kn
    ref = binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
    got = wilson_interval(k, n, level)
    assert got.low == pytest.approx(ref.low, abs=TOL)
    assert got.high == pytest.approx(ref.high, abs=TOL)
    assert (got.method, got.level) == ("wilson", level)


@settings(max_examples=50, deadline=None)
@given(st.lists(_k_n(), min_size=1, max_size=20), st.floats(0.5, 0.999))
def test_wilson_is_vectorised_elementwise(pairs, level):
    k = np.array([p[0] for p in pairs])
    n = np.array([p[1] for p in pairs])
    low, high = wilson(k, n, level)
    assert low.shape == high.shape == k.shape
    for i, (ki, ni) in enumerate(pairs):
        one = wilson_interval(ki, ni, level)
        assert (low[i], high[i]) == (one.low, one.high)


def test_wilson_empty_slice_gives_nan_bounds_without_warning():
    with np.errstate(all="raise"):
        low, high = wilson(np.array([0, 3, 0]), np.array([0, 10, 5]))
    assert np.isnan(low[0]) and np.isnan(high[0])
    assert np.isfinite(low[1:]).all() and low[2] == 0.0


def test_wilson_rejects_impossible_counts_and_levels():
    with pytest.raises(ValueError):
        wilson(6, 5)
    with pytest.raises(ValueError):
        wilson(1, 5, level=1.0)


def test_wilson_covers_the_true_rate_by_simulation():
    rng = np.random.default_rng(15)
    trials = 1000
    for n, p in [(500, 0.2), (800, 0.5), (2000, 0.8)]:
        k = rng.binomial(n, p, size=trials)
        low, high = wilson(k, np.full(trials, n))
        coverage = np.mean((low <= p) & (p <= high))
        assert abs(coverage - 0.95) <= 0.03, (n, p, coverage)


# ---- DeLong ---------------------------------------------------------------------------------------------------


def _delong_direct(y: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    """DeLong's formula written out: structural components from every positive-negative pair, O(n·m)."""
    pos, neg = s[y == 1], s[y == 0]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    v10, v01 = psi.mean(axis=1), psi.mean(axis=0)
    return float(psi.mean()), float(v10.var(ddof=1) / pos.size + v01.var(ddof=1) / neg.size)


@st.composite
def _labelled_scores(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(4, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    ties = draw(st.booleans())
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=n)
    y[:4] = [0, 1, 0, 1]  # both classes, two rows each, so both sample variances exist
    s = rng.normal(size=n) + y * draw(st.floats(0.0, 2.0))
    if ties:
        s = np.round(s, 0)  # few distinct values: many ties, within and across classes
    return y, s


@settings(max_examples=200, deadline=None)
@given(_labelled_scores())
def test_delong_equals_the_direct_formula_and_sklearn_auc(data):
    y, s = data
    got = auc_variance(y, s)
    auc, var = _delong_direct(y, s)
    assert got.auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert got.auc == pytest.approx(auc, abs=1e-12)
    assert got.variance == pytest.approx(var, abs=1e-12, rel=1e-9)


def test_delong_handles_ties_across_classes():
    y = np.array([0, 0, 1, 1, 0, 1])
    s = np.array([0.5, 0.5, 0.5, 0.9, 0.1, 0.5])
    got = auc_variance(y, s)
    auc, var = _delong_direct(y, s)
    assert got.auc == pytest.approx(roc_auc_score(y, s), abs=1e-12)
    assert got.variance == pytest.approx(var, abs=1e-12)


def test_delong_interval_is_centred_on_the_auc_and_clipped():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=400)
    s = rng.normal(size=400) + y
    est = auc_variance(y, s)
    iv = delong_auc(y, s, level=0.9)
    assert (iv.method, iv.level) == ("delong", 0.9)
    assert iv.low < est.auc < iv.high
    assert (iv.low + iv.high) / 2 == pytest.approx(est.auc, abs=1e-12)
    perfect = delong_auc(np.array([0, 0, 1, 1]), np.array([0.1, 0.2, 0.8, 0.9]))
    assert (perfect.low, perfect.high) == (1.0, 1.0)


@pytest.mark.parametrize("label", [0, 1])
def test_delong_single_class_gives_nan_bounds(label):
    y = np.full(10, label)
    iv = delong_auc(y, np.linspace(0, 1, 10))
    assert isinstance(iv, Interval)
    assert np.isnan(iv.low) and np.isnan(iv.high)
    assert np.isnan(auc_variance(y, np.linspace(0, 1, 10)).auc)


def test_delong_covers_the_true_auc_by_simulation():
    # binormal scores with unit variances and mean gap d: true AUC = Phi(d / sqrt(2))
    rng = np.random.default_rng(15)
    d, n, trials = 1.0, 500, 1000
    truth = norm.cdf(d / np.sqrt(2))
    hits = 0
    for _ in range(trials):
        y = rng.random(n) < 0.4
        s = rng.normal(size=n) + d * y
        iv = delong_auc(y, s)
        hits += iv.low <= truth <= iv.high
    assert abs(hits / trials - 0.95) <= 0.03


def test_delong_rejects_mismatched_lengths():
    with pytest.raises(ValueError):
        delong_auc(np.array([0, 1, 1]), np.array([0.1, 0.2]))


# ---- multinomial bootstrap ------------------------------------------------------------------------------------


def _row_bootstrap(y: np.ndarray, pred: np.ndarray, resamples: int, level: float, seed: int) -> tuple[float, float]:
    """Resample rows themselves: the slow scheme the multinomial draw replaces."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, y.size, size=(resamples, y.size))
    yy, pp = y[idx], pred[idx]
    tp = (yy & pp).sum(axis=1)
    fp = (~yy & pp).sum(axis=1)
    tn = (~yy & ~pp).sum(axis=1)
    fn = (yy & ~pp).sum(axis=1)
    low, high = np.nanquantile(_f1(tp, fp, tn, fn), [0.5 - level / 2, 0.5 + level / 2])
    return float(low), float(high)


def test_multinomial_bootstrap_agrees_with_resampling_rows():
    rng = np.random.default_rng(7)
    n = 2000
    y = rng.random(n) < 0.4
    pred = np.where(rng.random(n) < 0.8, y, ~y)
    tp, fp = int((y & pred).sum()), int((~y & pred).sum())
    tn, fn = int((~y & ~pred).sum()), int((y & ~pred).sum())
    iv = confusion_bootstrap(tp, fp, tn, fn, _f1, resamples=2000, seed=1)
    low, high = _row_bootstrap(y, pred, resamples=2000, level=0.95, seed=2)
    width = high - low
    assert iv.low == pytest.approx(low, abs=0.1 * width)
    assert iv.high == pytest.approx(high, abs=0.1 * width)
    point = float(_f1(np.array(tp), np.array(fp), np.array(tn), np.array(fn)))
    assert iv.low < point < iv.high
    assert (iv.method, iv.level) == ("bootstrap", 0.95)


def test_multinomial_bootstrap_is_seeded():
    a = confusion_bootstrap(300, 80, 500, 120, _f1, seed=5)
    b = confusion_bootstrap(300, 80, 500, 120, _f1, seed=5)
    c = confusion_bootstrap(300, 80, 500, 120, _f1, seed=6)
    assert a == b
    assert a != c


def test_multinomial_bootstrap_never_builds_rows():
    # four billion rows: any per-row array would not fit; the metric only ever sees one value per resample
    seen: list[tuple[int, ...]] = []

    def spy(tp, fp, tn, fn):
        seen.append(tp.shape)
        return _f1(tp, fp, tn, fn)

    iv = confusion_bootstrap(10**9, 10**9, 10**9, 10**9, spy, resamples=500)
    assert seen == [(500,)]
    assert iv.low <= 0.5 <= iv.high and iv.high - iv.low < 1e-3


def test_multinomial_bootstrap_covers_the_true_f1_by_simulation():
    rng = np.random.default_rng(15)
    probs = np.array([0.3, 0.1, 0.45, 0.15])  # tp, fp, tn, fn shares
    truth = 2 * probs[0] / (2 * probs[0] + probs[1] + probs[3])
    trials, hits = 1000, 0
    for seed, cells in enumerate(rng.multinomial(600, probs, size=trials)):
        iv = confusion_bootstrap(*map(int, cells), _f1, resamples=1000, seed=seed)
        hits += iv.low <= truth <= iv.high
    assert abs(hits / trials - 0.95) <= 0.03


def test_multinomial_bootstrap_undefined_metric_and_bad_arguments():
    nan = confusion_bootstrap(0, 0, 10, 0, _f1)
    assert np.isnan(nan.low) and np.isnan(nan.high)
    empty = confusion_bootstrap(0, 0, 0, 0, _f1)
    assert np.isnan(empty.low) and np.isnan(empty.high)
    with pytest.raises(ValueError):
        confusion_bootstrap(1, 1, 1, 1, _f1, resamples=0)
    with pytest.raises(ValueError):
        confusion_bootstrap(-1, 1, 1, 1, _f1)
