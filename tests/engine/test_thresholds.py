"""Cost-optimal thresholds and the fairness strategies against brute force on real data (the Adult test split).

Each constrained strategy must (1) keep its rate's gap within the tolerance, (2) report the gap it leaves
exactly, and (3) cost no more than any combination of per-slice thresholds whose gap is no larger — checked by
enumerating every combination of distinct-score thresholds on small samples sliced by sex and by race.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.binary import ThresholdIndex
from wit_tui.engine.metrics.operating_points import cost_optimal_threshold, operating_points
from wit_tui.engine.metrics.slice_index import SliceIndex
from wit_tui.engine.metrics.threshold_values import check_cost_ratio, check_threshold, check_tolerance
from wit_tui.engine.metrics.thresholds import CONSTRAINED, constrained_rates, optimise
from wit_tui.engine.slicing import slice_by

STRATEGIES = ("single", "group", "demographic_parity", "equal_opportunity", "equal_accuracy")
TOL = 1e-9


def _rate(pred: np.ndarray, y: np.ndarray, rate: str) -> float:
    if rate == "selection_rate":
        return float(pred.mean())
    if rate == "recall":
        return float(pred[y].mean()) if y.any() else float("nan")
    return float((pred == y).mean())


def brute_force(score, y, codes, K, strategy, ratio, upper=1.0):
    """Every combination of per-slice thresholds (each slice's distinct scores, plus ``upper``): list of
    (cost, gap) — sklearn-free but independent of the engine (plain ``score >= t`` per row)."""
    cands = [np.unique(np.r_[score[codes == k], upper]) for k in range(K)]
    rate = CONSTRAINED.get(strategy)
    out = []
    for combo in itertools.product(*cands):
        t_row = np.asarray(combo)[codes]
        pred = score >= t_row
        c = ratio * np.sum(pred & ~y) + np.sum(~pred & y)
        if rate:
            r = np.array([_rate(pred[codes == k], y[codes == k], rate) for k in range(K)])
            r = r[~np.isnan(r)]
            gap = float(r.max() - r.min()) if len(r) else 0.0
        else:
            gap = 0.0
        out.append((float(c), gap, combo))
    return out


def _check(result, score, y, codes, K, strategy, ratio, tolerance):
    # the reported thresholds give the reported costs and gap
    t_row = np.asarray(result.thresholds)[codes]
    pred = score >= t_row
    total = ratio * np.sum(pred & ~y) + np.sum(~pred & y)
    assert result.cost == pytest.approx(total, abs=TOL)
    rate = CONSTRAINED.get(strategy)
    if rate:
        r = np.array([_rate(pred[codes == k], y[codes == k], rate) for k in range(K)])
        r = r[~np.isnan(r)]
        if len(r) == 0:  # no slice has the rate (TPR without positives): nothing to constrain
            assert math.isnan(result.gap)
            return
        assert result.gap == pytest.approx(float(r.max() - r.min()), abs=1e-12)
        if result.tolerance is not None and not result.note.startswith("No thresholds"):
            assert result.gap <= tolerance + 1e-12, "the constraint holds within the tolerance"
    if strategy == "single":
        cands = np.unique(np.r_[score, 1.0])
        best = min(ratio * np.sum((score >= t) & ~y) + np.sum((score < t) & y) for t in cands)
        assert result.cost == pytest.approx(best, abs=TOL)
        assert len(set(result.thresholds)) == 1
        return
    combos = brute_force(score, y, codes, K, strategy, ratio)
    if strategy == "group":
        assert result.cost == pytest.approx(min(c for c, _, _ in combos), abs=TOL)
        return
    allowed = [c for c, g, _ in combos if g <= result.gap + 1e-12]
    assert result.cost == pytest.approx(min(allowed), abs=TOL), "no cheaper combination with a gap as small"
    within = [c for c, g, _ in combos if g <= tolerance + 1e-12]
    if within:
        assert result.cost == pytest.approx(min(within), abs=TOL), "the cheapest combination within the tolerance"


@pytest.fixture(scope="module")
def adult_small(adult_session):
    """Small real samples of the Adult test split (the hgb model's scores) sliced by sex and by race."""
    s = adult_session
    rng = np.random.default_rng(7)
    score = s.scores(1).score
    y = s.y_positive
    by_sex = slice_by(s.data, ["sex"])
    by_race = slice_by(s.data, ["race"])
    samples = {}
    rows = rng.choice(s.n_rows, size=36, replace=False)
    samples["sex"] = (score[rows], y[rows], by_sex.codes[rows])
    # race: keep three groups present in a sample of 24 (White, Black, and Asian-Pac-Islander)
    keep = np.isin(by_race.codes, [by_race.labels.index((v,)) for v in ("White", "Black", "Asian-Pac-Islander")])
    rows = rng.choice(np.flatnonzero(keep), size=21, replace=False)
    codes = np.unique(by_race.codes[rows], return_inverse=True)[1]
    samples["race"] = (score[rows], y[rows], codes)
    return samples


@pytest.mark.parametrize("sample", ["sex", "race"])
@pytest.mark.parametrize("strategy", STRATEGIES)
@pytest.mark.parametrize("ratio, tolerance", [(1.0, 0.05), (2.5, 0.0), (0.25, 0.2)])
def test_strategies_against_brute_force_on_adult(adult_small, sample, strategy, ratio, tolerance):
    score, y, codes = adult_small[sample]
    K = int(codes.max()) + 1
    index = SliceIndex(score, y, codes, K)
    result = optimise(index, strategy, ratio, tolerance=tolerance, upper=1.0)
    assert len(result.thresholds) == K and result.strategy == strategy
    _check(result, score, y, codes, K, strategy, ratio, tolerance)


def test_cost_optimal_threshold_equals_sklearn_roc_search(adult_session):
    """On all 16,281 rows: the minimum of ratio·FP + FN over sklearn's roc_curve thresholds, ties to the highest."""
    s = adult_session
    for model in (0, 1):
        score, y = s.scores(model).score, s.y_positive
        fpr, tpr, thr = skm.roc_curve(y, score, drop_intermediate=False)
        P, N = int(y.sum()), int((~y).sum())
        for ratio in (1.0, 2.5, 0.25, 7.0):
            costs = ratio * fpr * N + (P - tpr * P)
            costs = np.round(costs, 6)
            j = int(np.flatnonzero(costs == costs.min())[0])  # thresholds decrease: the first is the highest
            t = 1.0 if math.isinf(thr[j]) else thr[j]
            opt = cost_optimal_threshold(ThresholdIndex(score, y), ratio, upper=1.0)
            assert opt.cost == pytest.approx(costs.min(), abs=1e-6)
            assert opt.threshold == t
            cm = skm.confusion_matrix(y, score >= opt.threshold, labels=[False, True])
            assert (opt.metrics.tn, opt.metrics.fp, opt.metrics.fn, opt.metrics.tp) == tuple(cm.ravel())


def test_single_strategy_matches_cost_optimal_and_ties_go_high():
    # every threshold from 0.3 to 0.6 costs the same (one FP or one FN): the highest wins, as the What-If Tool
    score = np.array([0.1, 0.3, 0.6, 0.9])
    y = np.array([False, True, False, True])
    opt = cost_optimal_threshold(ThresholdIndex(score, y), 1.0, upper=1.0)
    assert opt.cost == 1.0 and opt.threshold == 0.9
    index = SliceIndex(score, y, np.zeros(4, np.int64), 1)
    assert optimise(index, "single", 1.0, upper=1.0).thresholds == (0.9,)
    # nothing positive is a choice too: at 1.0 while every score is below it, +inf for margins
    y_none = np.zeros(4, bool)
    assert cost_optimal_threshold(ThresholdIndex(score, y_none), 1.0, upper=1.0).threshold == 1.0
    assert cost_optimal_threshold(ThresholdIndex(score, y_none), 1.0).threshold == math.inf


def test_operating_points_are_threshold_index_at_each_threshold(adult_session):
    idx = ThresholdIndex(adult_session.scores(0).score[:2000], adult_session.y_positive[:2000])
    pts = operating_points(idx, upper=1.0)
    for j in range(0, len(pts.thresholds), 97):
        m = idx.at(pts.thresholds[j])
        assert (m.tp, m.fp) == (pts.tp[j], pts.fp[j])
    assert np.all(np.diff(pts.thresholds) > 0)


def test_constrained_strategy_reports_when_the_tolerance_cannot_be_met():
    # slice 0 can only reach accuracy 0, 1/3 or 2/3; slice 1 only 1/2 or 1: equal accuracy is impossible, and the
    # smallest gap any thresholds reach is 2/3 − 1/2
    score = np.array([0.2, 0.5, 0.8, 0.2, 0.8])
    y = np.array([1, 0, 0, 0, 1], dtype=bool)
    codes = np.array([0, 0, 0, 1, 1])
    r = optimise(SliceIndex(score, y, codes, 2), "equal_accuracy", 1.0, tolerance=0.0, upper=1.0)
    assert "smallest gap" in r.note and r.gap == pytest.approx(1 / 6)
    _check(r, score, y, codes, 2, "equal_accuracy", 1.0, 0.0)


def test_equal_opportunity_leaves_out_a_slice_without_positives():
    score = np.array([0.2, 0.4, 0.6, 0.8, 0.3, 0.7])
    y = np.array([False, True, False, True, False, False])
    codes = np.array([0, 0, 0, 0, 1, 1])
    r = optimise(SliceIndex(score, y, codes, 2), "equal_opportunity", 1.0, upper=1.0)
    assert "no positive label" in r.note and math.isnan(r.rates[1])
    assert r.thresholds[1] == 1.0  # its own cost-optimal threshold: nothing positive


@pytest.mark.bad_input
@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "x"])
def test_bad_cost_ratio_is_one_clear_message(bad):
    with pytest.raises(WitError, match="cost ratio"):
        check_cost_ratio(bad)


@pytest.mark.bad_input
def test_bad_threshold_and_tolerance_are_refused():
    with pytest.raises(WitError, match="from 0 to 1"):
        check_threshold(1.5, probabilities=True)
    with pytest.raises(WitError, match="from 0 to 1"):
        check_threshold(-0.01, probabilities=True)
    assert check_threshold(-3.5, probabilities=False) == -3.5
    with pytest.raises(WitError):
        check_tolerance(-0.1)
    # the rejected number as typed: "not 2", not "not 2.0"
    with pytest.raises(WitError) as err:
        check_threshold(2.0, probabilities=True)
    assert err.value.message.endswith("not 2.")
    with pytest.raises(WitError) as err:
        check_cost_ratio(-1.0)
    assert err.value.message.endswith("not -1.")
    with pytest.raises(WitError, match="Unknown strategy"):
        optimise(SliceIndex(np.array([0.5]), np.array([True]), np.zeros(1, np.int64), 1), "fastest", 1.0)


scores_st = st.lists(st.sampled_from([0.0, 0.1, 0.25, 0.5, 0.75, 0.9, 1.0]), min_size=2, max_size=9)


@settings(max_examples=60, deadline=None)
@given(scores=scores_st, data=st.data())
def test_property_every_strategy_is_optimal_within_its_gap(scores, data):
    """Random scores with ties (and scores of exactly 0 and 1), labels and 1–3 groups: brute force agrees."""
    score = np.array(scores)
    n = len(score)
    y = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    raw = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    codes = np.unique(raw, return_inverse=True)[1]
    K = int(codes.max()) + 1
    ratio = data.draw(st.sampled_from([0.25, 1.0, 2.5]))
    tolerance = data.draw(st.sampled_from([0.0, 0.1, 0.34]))
    strategy = data.draw(st.sampled_from(STRATEGIES))
    index = SliceIndex(score, y, codes, K)
    result = optimise(index, strategy, ratio, tolerance=tolerance, upper=1.0)
    _check(result, score, y, codes, K, strategy, ratio, tolerance)
    np.testing.assert_array_equal(result.confusion, index.counts_at(result.thresholds))
    if strategy in CONSTRAINED:
        rates = constrained_rates(result.confusion, CONSTRAINED[strategy])
        finite = rates[~np.isnan(rates)]
        if len(finite):
            assert result.gap == pytest.approx(float(finite.max() - finite.min()), abs=1e-12)
