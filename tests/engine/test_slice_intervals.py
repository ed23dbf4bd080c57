"""Per-slice intervals: edge cases (empty and one-class slices, per-slice thresholds, bad options), the one-vs-rest
intervals, the threshold move's table intervals, and the fast percentile and DeLong paths against their references."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binomtest
from sklearn.metrics import confusion_matrix, roc_auc_score

from wit_tui.engine.metrics.intervals import auc_variance, sorted_auc_variance
from wit_tui.engine.metrics.move_intervals import completed_draws, label_draws, table_intervals_at
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.slice_intervals import (
    PROPORTIONS,
    IntervalOptions,
    auc_intervals,
    confusion_intervals,
    gap_intervals,
    index_auc_intervals,
    ovr_intervals,
    percentile,
    table_intervals,
)

RATES = ("selection_rate", "recall", "fpr", "fnr", "accuracy", "precision")


@pytest.mark.parametrize(
    "bad",
    [{"level": 0.0}, {"level": 1.0}, {"level": 1.5}, {"level": -0.2}, {"resamples": 0}, {"subsample": 1}],
)
def test_bad_options_are_refused_where_they_are_made(bad):
    with pytest.raises(ValueError):
        IntervalOptions(**bad)


def test_empty_and_one_class_slices_give_nan_bounds_without_warnings():
    # empty; no positive label; both classes; nobody positive in truth or prediction
    counts = np.array([[0, 0, 0, 0], [30, 5, 0, 0], [40, 10, 5, 20], [35, 0, 0, 0]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        iv = confusion_intervals(counts, IntervalOptions(resamples=200))
    for name in (*PROPORTIONS, "f1"):
        assert np.isnan(iv[name].low[0]) and np.isnan(iv[name].high[0]), name
    assert np.isnan(iv["recall"].low[1]) and np.isnan(iv["fnr"].low[1])
    assert np.isnan(iv["f1"].low[3]) and np.isnan(iv["precision"].high[3])  # F1 undefined in every resample
    assert iv["fpr"].low[1] < 5 / 35 < iv["fpr"].high[1]
    assert all(np.isfinite(iv[name].low[2]) for name in (*PROPORTIONS, "f1"))


def test_gaps_of_no_group_or_an_empty_group_are_undefined_not_an_error():
    none = gap_intervals(np.zeros((0, 4), dtype=int), RATES, IntervalOptions(resamples=50))
    assert np.isnan(none["demographic_parity_difference"].low)
    empty = gap_intervals(np.array([[10, 5, 3, 8], [0, 0, 0, 0]]), RATES, IntervalOptions(resamples=50))
    assert np.isnan(empty["equalized_odds_difference"].high)
    assert empty["equalized_odds_difference"].method == "bootstrap"


def test_gap_bootstrap_refuses_no_rates_quietly_and_names_every_gap():
    assert gap_intervals(np.array([[10, 5, 3, 8], [7, 2, 9, 4]]), ()) == {}
    got = gap_intervals(np.array([[10, 5, 3, 8], [7, 2, 9, 4]]), RATES, IntervalOptions(resamples=100))
    named = {
        f"{g}_{a}"
        for g in ("demographic_parity", "equal_opportunity", "equalized_odds")
        for a in ("difference", "ratio")
    }
    assert named | {f"{r}_{a}" for r in RATES for a in ("difference", "ratio")} == set(got)
    assert all(0 <= got[k].low <= got[k].high <= 1 for k in got)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.floats(0.5, 0.99), st.integers(1, 6))
def test_percentile_equals_numpy_nanquantile(seed, level, cols):
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(rng.integers(1, 40), cols))
    v[rng.random(v.shape) < 0.3] = np.nan
    v[:, 0] = np.nan if cols > 1 else v[:, 0]
    low, high = percentile(v, level)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ref = np.nanquantile(v, [0.5 - level / 2, 0.5 + level / 2], axis=0)
    np.testing.assert_allclose(low, ref[0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(high, ref[1], rtol=0, atol=1e-12)


def test_per_slice_thresholds_give_each_slice_its_own_wilson_interval():
    rng = np.random.default_rng(4)
    n = 3000
    score, y, codes = rng.random(n), rng.random(n) < 0.4, rng.integers(0, 3, n)
    t = np.array([0.2, 0.5, 0.8])
    iv = confusion_intervals(SliceIndex(score, y, codes, 3).counts_at(t), IntervalOptions(resamples=100))
    for k in range(3):
        tn, fp, fn, tp = confusion_matrix(y[codes == k], score[codes == k] >= t[k], labels=[False, True]).ravel()
        ref = binomtest(int(tp), int(tp + fn)).proportion_ci(method="wilson")
        assert iv["recall"].at(k).low == pytest.approx(ref.low, abs=1e-12)
        assert iv["recall"].at(k).high == pytest.approx(ref.high, abs=1e-12)


def _direct_variance(y: np.ndarray, s: np.ndarray) -> float:
    pos, neg = s[y], s[~y]
    psi = (pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])
    return float(psi.mean(axis=1).var(ddof=1) / pos.size + psi.mean(axis=0).var(ddof=1) / neg.size)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 2**32 - 1), st.booleans())
def test_delong_per_slice_from_the_index_equals_the_direct_formula(seed, ties):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(12, 80))
    y = rng.random(n) < 0.5
    s = rng.normal(size=n) + y
    s = np.round(s) if ties else s
    codes = rng.integers(0, 3, n)
    index = SliceIndex(s, y, codes, 3)
    fast = index_auc_intervals(index)
    slow = auc_intervals([s[codes == k] for k in range(3)], [y[codes == k] for k in range(3)])
    np.testing.assert_allclose(fast.low, slow.low, atol=1e-12)
    np.testing.assert_allclose(fast.high, slow.high, atol=1e-12)
    for k in range(3):
        yk, sk = y[codes == k], s[codes == k]
        est = sorted_auc_variance(*index.slice_arrays(k))
        if yk.sum() >= 2 and (~yk).sum() >= 2:
            assert est.auc == pytest.approx(roc_auc_score(yk, sk), abs=1e-12)
            assert est.variance == pytest.approx(_direct_variance(yk, sk), abs=1e-12, rel=1e-9)
        elif yk.all() or not yk.any():
            assert np.isnan(fast.low[k]) and np.isnan(est.auc)


def test_one_vs_rest_intervals_use_the_class_cells_and_scores():
    rng = np.random.default_rng(8)
    n = 2000
    y_is, pred_is, score, codes = rng.random(n) < 0.3, rng.random(n) < 0.35, rng.random(n), rng.integers(-1, 4, n)
    got = ovr_intervals(y_is, pred_is, score, codes, 4, IntervalOptions(resamples=200))
    assert {"base_rate", "selection_rate", "precision", "recall", "f1", "auc"} <= set(got)
    for k in range(4):
        rows = codes == k
        ref = binomtest(int((y_is & pred_is)[rows].sum()), int(pred_is[rows].sum())).proportion_ci(method="wilson")
        assert got["precision"].at(k).low == pytest.approx(ref.low, abs=1e-12)
        est = auc_variance(y_is[rows], score[rows])
        assert got["auc"].low[k] < est.auc < got["auc"].high[k]
        assert got["auc"].method == "delong"
    assert "auc" not in ovr_intervals(y_is, pred_is, None, codes, 4, IntervalOptions(resamples=20))


def test_table_intervals_share_one_draw_for_slices_overall_and_gaps():
    counts = np.array([[400, 60, 50, 90], [300, 80, 40, 120], [500, 20, 70, 30]])
    options = IntervalOptions(resamples=400, seed=3)
    table = table_intervals(counts, RATES, options)
    alone = confusion_intervals(counts, options)
    whole = confusion_intervals(counts.sum(axis=0, keepdims=True), options)
    for name in PROPORTIONS:
        np.testing.assert_array_equal(table.slices[name].low, alone[name].low)
        np.testing.assert_array_equal(table.overall[name].high, whole[name].high)
    assert table.gaps == gap_intervals(counts, RATES, options)  # the same resamples as the gap bootstrap
    for k in range(3):
        tn, fp, fn, tp = counts[k]
        assert table.slices["f1"].low[k] < 2 * tp / (2 * tp + fp + fn) < table.slices["f1"].high[k]
    f1_all = 2 * counts[:, 3].sum() / (2 * counts[:, 3].sum() + counts[:, 1].sum() + counts[:, 2].sum())
    assert table.overall["f1"].low[0] < f1_all < table.overall["f1"].high[0]


def test_move_draws_have_the_multinomial_distribution_of_every_slices_cells():
    counts = np.array([[40, 10, 5, 25], [20, 15, 10, 5]])
    total = counts.sum()
    options = IntervalOptions(resamples=40_000, seed=2)
    cells = completed_draws(label_draws(counts, options), counts).reshape(options.resamples, -1)
    p = counts.ravel() / total
    np.testing.assert_allclose(cells.mean(axis=0), total * p, atol=0.15)
    expected = total * (np.diag(p) - np.outer(p, p))  # Multinomial(total, p) over all eight cells
    np.testing.assert_allclose(np.cov(cells, rowvar=False), expected, atol=0.35)


def test_move_intervals_follow_a_threshold_from_draws_made_once():
    rng = np.random.default_rng(12)
    n = 5000
    score, y, codes = rng.random(n), rng.random(n) < 0.4, rng.integers(0, 4, n)
    score = np.clip(score + 0.2 * y, 0, 1)
    index = SliceIndex(score, y, codes, 4)
    draws = label_draws(index.counts_at(0.5), IntervalOptions(resamples=2000))
    for t in (0.3, 0.6):
        counts = index.counts_at(t)
        moved = table_intervals_at(draws, counts, RATES)
        fresh = table_intervals(counts, RATES, IntervalOptions(resamples=2000, seed=9))
        for name in PROPORTIONS:
            np.testing.assert_array_equal(moved.slices[name].low, fresh.slices[name].low)
        for name, iv in fresh.gaps.items():
            width = iv.high - iv.low
            assert moved.gaps[name].low == pytest.approx(iv.low, abs=0.2 * width), name
            assert moved.gaps[name].high == pytest.approx(iv.high, abs=0.2 * width), name
        again = table_intervals_at(draws, counts, RATES)  # the same seed at every move
        assert again.gaps == moved.gaps
        np.testing.assert_array_equal(again.slices["f1"].low, moved.slices["f1"].low)
    with pytest.raises(ValueError):
        table_intervals_at(draws, index.counts_at(0.5)[:3], RATES)
