"""Fairness summaries equal Fairlearn's MetricFrame and fairness functions on the real Adult test split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from sklearn import metrics as skm

from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.metrics import fairness as ours
from wit_tui.engine.metrics.fairness import MetricFrame, binary_metric_frame, gap
from wit_tui.engine.metrics.slice_index import binary_slice_metrics
from wit_tui.engine.slicing import overall, slice_by

TOL = 1e-12
METHODS = ["between_groups", "to_overall"]

FAIRLEARN_RATES = {
    "selection_rate": flm.selection_rate,
    "accuracy": skm.accuracy_score,
    "precision": lambda y, p: skm.precision_score(y, p, zero_division=0.0),
    "recall": flm.true_positive_rate,
    "fpr": flm.false_positive_rate,
    "f1": lambda y, p: skm.f1_score(y, p, zero_division=0.0),
}


def _predictions(session, model: int, threshold: float):
    return session.y_positive, session.scores(model).score >= threshold


@pytest.mark.parametrize("sensitive", [["sex"], ["race"], ["sex", "race"]])
def test_metric_frame_equals_fairlearn(adult_session, sensitive):
    y, pred = _predictions(adult_session, 1, 0.5)
    features = adult_session.data[sensitive].astype(str)
    sf = features if len(sensitive) > 1 else features[sensitive[0]]
    ref = flm.MetricFrame(metrics=FAIRLEARN_RATES, y_true=y, y_pred=pred, sensitive_features=sf)
    for metric in FAIRLEARN_RATES:
        mf = binary_metric_frame(metric, y, pred, sf)
        assert mf.overall == pytest.approx(ref.overall[metric], abs=TOL), metric
        ref_groups = ref.by_group[metric].dropna()
        assert len(mf.by_group) == len(ref_groups)
        for key, value in ref_groups.items():
            name = ", ".join(map(str, key)) if isinstance(key, tuple) else str(key)
            assert mf.by_group[name] == pytest.approx(value, abs=TOL), (metric, name)
        assert mf.group_min() == pytest.approx(ref.group_min()[metric], abs=TOL), metric
        assert mf.group_max() == pytest.approx(ref.group_max()[metric], abs=TOL), metric
        for method in METHODS:
            assert mf.difference(method) == pytest.approx(ref.difference(method=method)[metric], abs=TOL), (
                metric,
                method,
            )
            assert mf.ratio(method) == pytest.approx(ref.ratio(method=method)[metric], abs=TOL), (metric, method)


@pytest.mark.parametrize("model, threshold, feature", [(0, 0.3, "sex"), (1, 0.6, "race")])
def test_fairness_functions_equal_fairlearn(adult_session, model, threshold, feature):
    y, pred = _predictions(adult_session, model, threshold)
    sf = adult_session.data[feature].astype(str)
    for method in METHODS:
        kw = {"sensitive_features": sf, "method": method}
        assert ours.demographic_parity_difference(y, pred, **kw) == pytest.approx(
            flm.demographic_parity_difference(y, pred, **kw), abs=TOL
        )
        assert ours.demographic_parity_ratio(y, pred, **kw) == pytest.approx(
            flm.demographic_parity_ratio(y, pred, **kw), abs=TOL
        )
        assert ours.equalized_odds_difference(y, pred, **kw) == pytest.approx(
            flm.equalized_odds_difference(y, pred, **kw), abs=TOL
        )
        assert ours.equalized_odds_ratio(y, pred, **kw) == pytest.approx(
            flm.equalized_odds_ratio(y, pred, **kw), abs=TOL
        )
    assert ours.equalized_odds_difference(y, pred, sensitive_features=sf, agg="mean") == pytest.approx(
        flm.equalized_odds_difference(y, pred, sensitive_features=sf, agg="mean"), abs=TOL
    )
    assert ours.equalized_odds_ratio(y, pred, sensitive_features=sf, agg="mean") == pytest.approx(
        flm.equalized_odds_ratio(y, pred, sensitive_features=sf, agg="mean"), abs=TOL
    )


GAP_REFERENCES = {
    "demographic_parity_difference": lambda y, p, sf, m: flm.demographic_parity_difference(
        y, p, sensitive_features=sf, method=m
    ),
    "demographic_parity_ratio": lambda y, p, sf, m: flm.demographic_parity_ratio(y, p, sensitive_features=sf, method=m),
    "equalized_odds_difference": lambda y, p, sf, m: flm.equalized_odds_difference(
        y, p, sensitive_features=sf, method=m
    ),
    "equalized_odds_ratio": lambda y, p, sf, m: flm.equalized_odds_ratio(y, p, sensitive_features=sf, method=m),
    "equal_opportunity_difference": lambda y, p, sf, m: flm.equal_opportunity_difference(
        y, p, sensitive_features=sf, method=m
    ),
    "accuracy_difference": lambda y, p, sf, m: flm.MetricFrame(
        metrics=skm.accuracy_score, y_true=y, y_pred=p, sensitive_features=sf
    ).difference(method=m),
    "f1_ratio": lambda y, p, sf, m: flm.MetricFrame(
        metrics=skm.f1_score, y_true=y, y_pred=p, sensitive_features=sf
    ).ratio(method=m),
}


@pytest.mark.parametrize("method", METHODS)
def test_validation_gaps_from_engine_slices_equal_fairlearn(adult_session, method):
    """The path `wit-tui validate` takes: per-group ThresholdIndex metrics, then the gap."""
    s = adult_session
    threshold = 0.4
    groups = slice_by(s.data, ["race"])
    sm_groups = session_slice_metrics(s, 1, groups.codes, groups.n_slices, threshold)
    sm_whole = session_slice_metrics(s, 1, overall(s.n_rows).codes, 1, threshold)
    names = [groups.name(k) for k in range(groups.n_slices)]
    y, pred = _predictions(s, 1, threshold)
    for name, reference in GAP_REFERENCES.items():
        g = gap(name, sm_groups, sm_whole, names, method, by="race")
        assert g.reason == ""
        assert g.value == pytest.approx(reference(y, pred, s.data["race"].astype(str), method), abs=TOL), name


def test_score_metric_gaps_equal_fairlearn_with_sklearn_scorers(adult_session):
    """AUC and log loss need scores, not predictions: Fairlearn's MetricFrame passes the scores as y_pred."""
    s = adult_session
    groups = slice_by(s.data, ["sex"])
    sm = session_slice_metrics(s, 0, groups.codes, groups.n_slices, 0.5)
    whole = session_slice_metrics(s, 0, overall(s.n_rows).codes, 1, 0.5)
    names = [groups.name(k) for k in range(groups.n_slices)]
    score = s.scores(0).score
    sf = s.data["sex"].astype(str)
    auc = flm.MetricFrame(metrics=skm.roc_auc_score, y_true=s.y_positive, y_pred=score, sensitive_features=sf)
    assert gap("auc_difference", sm, whole, names).value == pytest.approx(auc.difference(), abs=TOL)
    assert gap("auc_ratio", sm, whole, names, "to_overall").value == pytest.approx(
        auc.ratio(method="to_overall"), abs=TOL
    )
    ll = flm.MetricFrame(metrics=skm.log_loss, y_true=s.y_positive, y_pred=score, sensitive_features=sf)
    assert gap("log_loss_difference", sm, whole, names).value == pytest.approx(ll.difference(), abs=TOL)


def test_gap_is_not_computable_with_one_group_or_an_undefined_group_metric():
    y = np.array([True, False, True, False, False, False])
    score = np.array([0.9, 0.2, 0.8, 0.6, 0.1, 0.3])
    codes = np.array([0, 0, 0, 1, 1, 1])  # group 1 has no positive label: its TPR is 0/0
    sm = binary_slice_metrics(y, score, codes, 2, 0.5)
    whole = binary_slice_metrics(y, score, np.zeros(6, np.int64), 1, 0.5)
    g = gap("equalized_odds_difference", sm, whole, ["g:a", "g:b"], by="g")
    assert np.isnan(g.value) and "recall" in g.reason and "g:b" in g.reason and "no positive labels" in g.reason
    # Fairlearn would have used TPR = 0 for that group: the frames still hold its numbers
    assert g.frames[0].by_group["g:b"] == 0.0
    g1 = gap(
        "demographic_parity_difference",
        binary_slice_metrics(y, score, np.zeros(6, np.int64), 1, 0.5),
        whole,
        ["g:a"],
        by="g",
    )
    assert np.isnan(g1.value) and "at least two groups" in g1.reason
    ok = gap("demographic_parity_difference", sm, whole, ["g:a", "g:b"])
    assert ok.value == pytest.approx(2 / 3 - 1 / 3) and ok.reason == ""


def test_metric_frame_edge_cases_follow_fairlearn():
    zero = MetricFrame("selection_rate", 0.0, {"a": 0.0, "b": 0.0})
    assert np.isnan(zero.ratio())  # 0 / 0, as pandas
    ref = flm.MetricFrame(
        metrics=flm.selection_rate, y_true=[0, 1, 0, 1], y_pred=[0, 0, 0, 0], sensitive_features=["a", "a", "b", "b"]
    )
    assert np.isnan(ref.ratio())
    assert zero.difference() == ref.difference() == 0.0
    nan_group = MetricFrame("auc", 0.8, {"a": 0.9, "b": float("nan"), "c": 0.6})
    assert nan_group.difference() == pytest.approx(0.3)  # NaN groups are skipped, as pandas' min / max
    assert nan_group.ratio("to_overall") == pytest.approx(0.75)
    assert nan_group.difference("to_overall") == pytest.approx(0.2)
    with pytest.raises(ValueError):
        nan_group.difference("nope")


def test_sensitive_features_as_a_dataframe_cross(adult_session):
    y, pred = _predictions(adult_session, 0, 0.5)
    sf = adult_session.data[["sex", "race"]].astype(str)
    assert ours.demographic_parity_difference(y, pred, sensitive_features=sf) == pytest.approx(
        flm.demographic_parity_difference(y, pred, sensitive_features=sf), abs=TOL
    )
    assert ours.equalized_odds_difference(y, pred, sensitive_features=pd.DataFrame(sf)) == pytest.approx(
        flm.equalized_odds_difference(y, pred, sensitive_features=sf), abs=TOL
    )
