"""Equalized odds: the cheapest per-slice thresholds with TPR and FPR each within the tolerance, against a brute
force over every threshold combination on small real Adult slices; the grid's stated bound; randomized mixes
against the reference post-processing's equalized-odds optimum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from wit_tui.engine.metrics import equalized_odds as eo
from wit_tui.engine.metrics.randomized_thresholds import randomized_decisions
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.thresholds import optimise
from wit_tui.engine.slicing import slice_by


def _per_threshold(score, y, codes, K, upper=1.0):
    """Per slice: candidate thresholds (distinct scores + upper) with TP, FP, P, N by plain ``score >= t``."""
    out = []
    for k in range(K):
        s, t = score[codes == k], y[codes == k]
        cands = np.unique(np.r_[s, upper])
        pred = s[None, :] >= cands[:, None]
        out.append((cands, (pred & t).sum(1), (pred & ~t).sum(1), int(t.sum()), int((~t).sum())))
    return out


def brute_force(score, y, codes, K, ratio, tol):
    """The least cost over every combination of per-slice thresholds with both TPR and FPR gaps <= tol."""
    per = _per_threshold(score, y, codes, K)
    best = np.inf
    for combo in itertools.product(*[range(len(p[0])) for p in per]):
        tpr = [p[1][j] / p[3] for p, j in zip(per, combo, strict=False)]
        fpr = [p[2][j] / p[4] for p, j in zip(per, combo, strict=False)]
        if max(tpr) - min(tpr) <= tol + 1e-12 and max(fpr) - min(fpr) <= tol + 1e-12:
            best = min(best, sum(ratio * p[2][j] + (p[3] - p[1][j]) for p, j in zip(per, combo, strict=False)))
    return best


def brute_force_two(score, y, codes, ratio, tol):
    """Two slices, vectorised: every pair of thresholds at once."""
    (c0, tp0, fp0, p0, n0), (c1, tp1, fp1, p1, n1) = _per_threshold(score, y, codes, 2)
    ok = (np.abs(tp0[:, None] / p0 - tp1[None, :] / p1) <= tol + 1e-12) & (
        np.abs(fp0[:, None] / n0 - fp1[None, :] / n1) <= tol + 1e-12
    )
    total = (ratio * fp0 + p0 - tp0)[:, None] + (ratio * fp1 + p1 - tp1)[None, :]
    return float(total[ok].min())


def _holds(result, score, y, codes, K, tol, ratio):
    """The reported thresholds give the reported cost, and both gaps are within the tolerance."""
    t = np.asarray(result.thresholds)[codes]
    pred = score >= t
    assert result.cost == pytest.approx(ratio * np.sum(pred & ~y) + np.sum(~pred & y), abs=1e-9)
    tpr = [pred[(codes == k) & y].mean() for k in range(K)]
    fpr = [pred[(codes == k) & ~y].mean() for k in range(K)]
    assert max(tpr) - min(tpr) <= tol + 1e-12 and max(fpr) - min(fpr) <= tol + 1e-12
    assert dict(result.gaps)["recall"] == pytest.approx(max(tpr) - min(tpr), abs=1e-12)
    assert dict(result.gaps)["fpr"] == pytest.approx(max(fpr) - min(fpr), abs=1e-12)


@pytest.fixture(scope="module")
def adult_slices(adult_session):
    """Small real samples of the Adult test split (the hgb model's scores): 300 rows by sex, 60 by race (3 groups)."""
    s = adult_session
    rng = np.random.default_rng(15)
    score, y = s.scores(1).score, s.y_positive
    by_sex, by_race = slice_by(s.data, ["sex"]), slice_by(s.data, ["race"])
    rows = rng.choice(s.n_rows, size=300, replace=False)
    out = {"sex": (score[rows], y[rows], by_sex.codes[rows], 2)}
    keep = np.isin(by_race.codes, [by_race.labels.index((v,)) for v in ("White", "Black", "Asian-Pac-Islander")])
    groups = [by_race.codes == c for c in np.unique(by_race.codes[keep])]
    rows = np.concatenate(  # 6 positive and 14 negative rows per group: every group has a TPR and an FPR
        [rng.choice(np.flatnonzero(g & (y == pos)), n, replace=False) for g in groups for pos, n in ((1, 6), (0, 14))]
    )
    out["race"] = (score[rows], y[rows], np.unique(by_race.codes[rows], return_inverse=True)[1], 3)
    return out


@pytest.mark.parametrize("ratio, tol", [(1.0, 0.05), (2.5, 0.0), (0.25, 0.2), (1.0, 0.01)])
def test_equalized_odds_is_the_brute_force_optimum_by_sex(adult_slices, ratio, tol):
    score, y, codes, K = adult_slices["sex"]
    result = optimise(SliceIndex(score, y, codes, K), "equalized_odds", ratio, tolerance=tol, upper=1.0)
    assert result.note == "", "a search this small is exact"
    _holds(result, score, y, codes, K, tol, ratio)
    assert result.cost == pytest.approx(brute_force_two(score, y, codes, ratio, tol), abs=1e-9)


@pytest.mark.parametrize("ratio, tol", [(1.0, 0.1), (2.5, 0.0), (0.5, 0.3)])
def test_equalized_odds_is_the_brute_force_optimum_by_race(adult_slices, ratio, tol):
    score, y, codes, K = adult_slices["race"]
    result = optimise(SliceIndex(score, y, codes, K), "equalized_odds", ratio, tolerance=tol, upper=1.0)
    _holds(result, score, y, codes, K, tol, ratio)
    assert result.cost == pytest.approx(brute_force(score, y, codes, K, ratio, tol), abs=1e-9)


@pytest.mark.parametrize("tol", [0.02, 0.1, 0.0004])
def test_the_grid_search_states_a_bound_that_holds(adult_slices, monkeypatch, tol):
    """Forced onto the grid, the answer is feasible and its stated bound brackets the brute-force optimum."""
    score, y, codes, K = adult_slices["sex"]
    monkeypatch.setattr(eo, "PAIR_BUDGET", 0)
    result = optimise(SliceIndex(score, y, codes, K), "equalized_odds", 1.0, tolerance=tol, upper=1.0)
    _holds(result, score, y, codes, K, tol, 1.0)
    assert "grid" in result.note and "at most" in result.note
    found = eo.grid_search([eo.Chain.of(p, 1.0) for p in _points(score, y, codes, K)], tol, None)
    best = brute_force_two(score, y, codes, 1.0, tol)
    assert found.lower_bound <= best + 1e-9 <= result.cost + 2e-9


def _points(score, y, codes, K):
    from wit_tui.engine.metrics.operating_points import operating_points

    index = SliceIndex(score, y, codes, K)
    return [operating_points(index.index(k), 1.0) for k in range(K)]


def test_small_and_one_label_slices_are_left_out_and_named():
    score = np.array([0.1, 0.4, 0.6, 0.9, 0.2, 0.8, 0.3, 0.7, 0.5])
    y = np.array([0, 0, 1, 1, 0, 1, 0, 1, 1], dtype=bool)
    codes = np.array([0, 0, 0, 0, 1, 1, 1, 1, 2])
    index = SliceIndex(score, y, codes, 3)
    r = optimise(index, "equalized_odds", 1.0, tolerance=0.0, upper=1.0, min_group_size=2, labels=["a", "b", "c"])
    assert "fewer than 2 rows: c" in r.note
    assert np.isnan(r.rates[2]) and r.thresholds[2] == 0.5, "its own cost-optimal threshold"
    r = optimise(index, "equalized_odds", 1.0, tolerance=0.0, upper=1.0)
    assert "one label only (TPR or FPR undefined): slice 3" in r.note


def _reference_expected_accuracy(score, y, codes, labels):
    """The reference post-processing's equalized-odds optimum (accuracy objective, grid of 1,000) as expected
    accuracy over the rows."""
    from fairlearn.postprocessing import ThresholdOptimizer
    from sklearn.base import BaseEstimator, ClassifierMixin

    class Fixed(ClassifierMixin, BaseEstimator):
        def __init__(self, p=None):
            self.p = p

        def fit(self, X, yy):
            self.classes_ = np.array([0, 1])
            return self

        def predict_proba(self, X):
            v = self.p[np.asarray(X)[:, 0].astype(int)]
            return np.c_[1 - v, v]

    X = np.arange(len(score)).reshape(-1, 1)
    sf = np.array([labels[c] for c in codes])
    to = ThresholdOptimizer(
        estimator=Fixed(score).fit(X, y),
        constraints="equalized_odds",
        objective="accuracy_score",
        grid_size=1000,
        prefit=True,
        predict_method="predict_proba",
    )
    to.fit(X, y.astype(int), sensitive_features=sf)
    p = to._pmf_predict(X, sensitive_features=sf)[:, 1]
    return float(np.mean(np.where(y, p, 1 - p)))


@pytest.mark.parametrize("feature", ["sex", "race"])
def test_randomized_is_at_least_the_reference_optimum(adult_session, feature):
    s = adult_session
    sl = slice_by(s.data, [feature])
    rows = np.random.default_rng(3).choice(s.n_rows, size=6000, replace=False)
    score, y, codes = s.scores(1).score[rows], s.y_positive[rows], sl.codes[rows]
    codes = np.unique(codes, return_inverse=True)[1]
    labels = [str(v) for v in np.unique(sl.codes[rows])]
    K = int(codes.max()) + 1
    r = optimise(SliceIndex(score, y, codes, K), "equalized_odds_randomized", 1.0, tolerance=0.0, upper=1.0)
    ours = 1.0 - r.cost / len(rows)
    assert ours >= _reference_expected_accuracy(score, y, codes, labels) - 1e-9
    assert all(g <= 1e-9 for _, g in r.gaps), r.gaps
    # the expected rates are the mixes' own, and no deterministic thresholds do better
    for k, mix in enumerate(r.mixes):
        assert sum(mix.weights) == pytest.approx(1.0) and 1 <= len(mix.thresholds) <= 3
        sk, yk = score[codes == k], y[codes == k]
        tp = sum(w * np.sum((sk >= t) & yk) for t, w in zip(mix.thresholds, mix.weights, strict=False))
        assert tp == pytest.approx(r.confusion[k][3], abs=1e-6)
    det = optimise(SliceIndex(score, y, codes, K), "equalized_odds", 1.0, tolerance=0.0, upper=1.0)
    assert r.cost <= det.cost + 1e-9


def test_randomized_decisions_are_seeded(adult_slices):
    score, y, codes, K = adult_slices["sex"]
    r = optimise(SliceIndex(score, y, codes, K), "equalized_odds_randomized", 1.0, tolerance=0.05, upper=1.0)
    a = randomized_decisions(score, codes, list(r.mixes), seed=4)
    np.testing.assert_array_equal(a, randomized_decisions(score, codes, list(r.mixes), seed=4))
    many = np.mean([randomized_decisions(score, codes, list(r.mixes), seed=i) for i in range(400)], axis=0)
    for k in range(K):  # the mean decision over many seeds approaches the expected TP count
        assert many[(codes == k) & y].sum() == pytest.approx(r.confusion[k][3], rel=0.05)


@pytest.mark.parametrize("strategy", ["demographic_parity", "equal_opportunity", "equal_accuracy"])
def test_the_constrained_strategies_leave_groups_under_min_group_size_out(adult_session, strategy):
    """By race on the Adult test split, min_group_size = 200 leaves Amer-Indian-Eskimo (159 rows) and Other (135)
    out: each gets its own cost-optimal threshold (the group strategy's), the others are constrained exactly as
    if the small groups were not there, and the note names the two."""
    s = adult_session
    score, y = s.scores(0).score, s.y_positive
    by_race = slice_by(s.data, ["race"])
    names = [" × ".join(lab) for lab in by_race.labels]
    sizes = np.bincount(by_race.codes, minlength=by_race.n_slices)
    small = {k for k in range(by_race.n_slices) if sizes[k] < 200}
    assert {names[k] for k in small} == {"Amer-Indian-Eskimo", "Other"}
    index = SliceIndex(score, y, by_race.codes, by_race.n_slices)
    r = optimise(index, strategy, 1.0, tolerance=0.02, upper=1.0, min_group_size=200, labels=names)
    own = optimise(index, "group", 1.0, upper=1.0)
    for k in small:
        assert r.thresholds[k] == own.thresholds[k]
    big = np.array(sorted(set(range(by_race.n_slices)) - small))
    rows = np.isin(by_race.codes, big)
    codes = np.searchsorted(big, by_race.codes[rows])
    alone = optimise(SliceIndex(score[rows], y[rows], codes, len(big)), strategy, 1.0, tolerance=0.02, upper=1.0)
    assert [r.thresholds[k] for k in big] == list(alone.thresholds)
    assert r.gap == alone.gap <= 0.02 + 1e-12
    assert "Amer-Indian-Eskimo" in r.note and "Other" in r.note and "min_group_size" in r.note
    everyone = optimise(index, strategy, 1.0, tolerance=0.02, upper=1.0)
    assert everyone.thresholds != r.thresholds  # the small groups did constrain the others
