"""The row bootstraps compute, on each resample, exactly sklearn's metric of the resampled rows (a resample is a
row weight: how many times each row is drawn), seeded, and on a stated subsample above the row cap."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import (
    average_precision_score,
    brier_score_loss,
    f1_score,
    log_loss,
    mean_absolute_error,
    r2_score,
    root_mean_squared_error,
)

from wit_tui.engine.metrics.multiclass_intervals import class_codes, f1_of_matrices, multiclass_intervals
from wit_tui.engine.metrics.row_bootstrap import (
    binary_losses,
    binary_row_intervals,
    regression_intervals,
    resample_counts,
    weighted_average_precision,
)
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.slice_intervals import IntervalOptions


@st.composite
def _scored(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray, np.random.Generator]:
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n = draw(st.integers(2, 60))
    s = np.sort(rng.random(n))
    if draw(st.booleans()):
        s = np.round(s, 1)  # many ties
    y = rng.random(n) < draw(st.floats(0.1, 0.9))
    y[0] = True  # at least one positive
    return s, y, rng


@settings(max_examples=150, deadline=None)
@given(_scored())
def test_weighted_average_precision_equals_sklearn_on_the_resampled_rows(data):
    s, y, rng = data
    counts = resample_counts(rng, len(s), 4)
    got = weighted_average_precision(counts, s, y)
    for b, w in enumerate(counts):
        if (w * y).sum() == 0:
            assert np.isnan(got[b])
        else:
            assert got[b] == pytest.approx(average_precision_score(y, s, sample_weight=w), abs=1e-12)
    assert weighted_average_precision(np.ones((1, len(s))), s, y)[0] == pytest.approx(
        average_precision_score(y, s), abs=1e-12
    )


def test_row_losses_average_to_sklearns_log_loss_and_brier_score():
    rng = np.random.default_rng(2)
    s = np.r_[rng.random(300), 0.0, 1.0]  # the clipped ends included
    y = np.r_[rng.random(300) < 0.4, True, False]
    loss, sq = binary_losses(s, y)
    assert loss.mean() == pytest.approx(log_loss(y, s, labels=[False, True]), abs=1e-12)
    assert sq.mean() == pytest.approx(brier_score_loss(y, s, pos_label=True), abs=1e-12)


def test_binary_row_intervals_are_seeded_and_bracket_the_slice_numbers():
    rng = np.random.default_rng(5)
    n = 3000
    s, y, codes = rng.random(n), rng.random(n) < 0.35, rng.integers(0, 3, n)
    s = np.clip(s + 0.3 * y, 0, 1)
    index = SliceIndex(s, y, codes, 3)
    options = IntervalOptions(resamples=300, seed=4)
    a = binary_row_intervals(index, options)
    b = binary_row_intervals(index, options)
    assert set(a) == {"average_precision", "log_loss", "brier_score"}
    for name in a:
        np.testing.assert_array_equal(a[name].low, b[name].low)
        assert a[name].method == "bootstrap"
    for k in range(3):
        yk, sk = y[codes == k], s[codes == k]
        assert a["average_precision"].low[k] < average_precision_score(yk, sk) < a["average_precision"].high[k]
        assert a["log_loss"].low[k] < log_loss(yk, sk) < a["log_loss"].high[k]
        assert a["brier_score"].low[k] < brier_score_loss(yk, sk) < a["brier_score"].high[k]
    assert set(binary_row_intervals(index, options, probabilities=False)) == {"average_precision"}


def test_a_slice_above_the_row_cap_is_bootstrapped_on_a_subsample_and_says_so():
    rng = np.random.default_rng(6)
    n = 20_000
    s = rng.random(n)
    y = rng.random(n) < s  # calibrated scores
    index = SliceIndex(s, y, np.zeros(n, dtype=int), 1)
    full = binary_row_intervals(index, IntervalOptions(resamples=400))
    sub = binary_row_intervals(index, IntervalOptions(resamples=400, subsample=4_000))
    assert full["brier_score"].method == "bootstrap"
    assert sub["brier_score"].method == "bootstrap (subsample of 4,000 rows)"
    for name in full:  # rescaled to all rows: about the same width, around the number on all rows
        w_full = full[name].high[0] - full[name].low[0]
        w_sub = sub[name].high[0] - sub[name].low[0]
        assert w_sub == pytest.approx(w_full, rel=0.35), name
    _, sq = binary_losses(s, y)
    assert sub["brier_score"].low[0] < sq.mean() < sub["brier_score"].high[0]


def test_regression_intervals_equal_sklearn_on_weighted_rows_and_skip_constant_labels():
    rng = np.random.default_rng(9)
    y = rng.normal(100, 20, 800)
    pred = y + rng.normal(0, 8, 800)
    pred[5] = np.nan  # an unscored row is left out, as in the metrics
    groups = [np.arange(0, 400), np.arange(400, 800), np.arange(0)]
    got = regression_intervals(y, pred, groups, IntervalOptions(resamples=300))
    for k, idx in enumerate(groups[:2]):
        ok = idx[~np.isnan(pred[idx])]
        for name, fn in (("mae", mean_absolute_error), ("rmse", root_mean_squared_error), ("r2", r2_score)):
            assert got[name].low[k] < fn(y[ok], pred[ok]) < got[name].high[k], (name, k)
    assert all(np.isnan(got[name].low[2]) for name in got)
    const = regression_intervals(np.full(50, 3.0), np.linspace(2, 4, 50), [np.arange(50)], IntervalOptions())
    assert np.isnan(const["r2"].low[0]) and np.isfinite(const["mae"].low[0])


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_f1_of_a_confusion_matrix_equals_sklearn_default_f1(seed, c):
    rng = np.random.default_rng(seed)
    classes = list(range(c))
    n = int(rng.integers(1, 40))
    y = rng.integers(0, c + 1, n)  # c is a label the model does not know
    pred = rng.integers(0, c, n)
    cm = np.zeros((c + 1, c), dtype=int)
    np.add.at(cm, (class_codes(y, classes), pred), 1)
    macro, weighted = f1_of_matrices(cm)
    labels = [k for k in classes if k in set(y) | set(pred)]
    assert macro == pytest.approx(f1_score(y, pred, labels=labels, average="macro", zero_division=0), abs=1e-12)
    if (y < c).any():
        ref = f1_score(y, pred, labels=labels, average="weighted", zero_division=0)
        assert weighted == pytest.approx(ref, abs=1e-12)


def test_multiclass_intervals_bracket_sklearn_on_each_slice():
    rng = np.random.default_rng(10)
    n, classes = 1500, ["a", "b", "c"]
    y = rng.choice(classes, n)
    proba = rng.dirichlet([1, 1, 1], n)
    proba[np.arange(n), [classes.index(v) for v in y]] += 0.4
    proba /= proba.sum(axis=1, keepdims=True)
    pred = np.array(classes, dtype=object)[proba.argmax(axis=1)]
    groups = [np.arange(0, 700), np.arange(700, 1500)]
    got = multiclass_intervals(y.astype(object), pred, proba, classes, groups, IntervalOptions(resamples=300))
    for k, idx in enumerate(groups):
        acc = float(np.mean(y[idx] == pred[idx]))
        assert got["accuracy"].low[k] < acc < got["accuracy"].high[k]
        for name, avg in (("macro_f1", "macro"), ("weighted_f1", "weighted")):
            assert got[name].low[k] < f1_score(y[idx], pred[idx], average=avg) < got[name].high[k]
        assert got["log_loss"].low[k] < log_loss(y[idx], proba[idx], labels=classes) < got["log_loss"].high[k]
    assert got["accuracy"].method == "wilson" and got["macro_f1"].method == "bootstrap"
