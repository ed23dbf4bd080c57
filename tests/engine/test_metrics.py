"""Every metric the performance screen shows equals sklearn.metrics on the real Adult test split."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from wit_tui.engine.analysis.performance import labelled_mask, model_performance, threshold_index
from wit_tui.engine.metrics.binary import ThresholdIndex, multiclass_metrics, regression_metrics

TOL = 1e-9


def _sk_binary(y: np.ndarray, score: np.ndarray, t: float) -> dict[str, float]:
    pred = score >= t
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[False, True]).ravel()
    return {
        "tp": tp,
        "fp": fp,
        "tn": tn,
        "fn": fn,
        "accuracy": skm.accuracy_score(y, pred),
        "precision": skm.precision_score(y, pred, zero_division=0.0),
        "recall": skm.recall_score(y, pred, zero_division=0.0),
        "f1": skm.f1_score(y, pred, zero_division=0.0),
        "fpr": fp / (fp + tn) if fp + tn else 0.0,
        "fnr": fn / (fn + tp) if fn + tp else 0.0,
    }


def _assert_binary_equal(m, ref: dict[str, float]) -> None:
    for key, value in ref.items():
        assert getattr(m, key) == pytest.approx(value, abs=TOL, rel=TOL), key


@pytest.mark.parametrize("model", [0, 1])
def test_adult_threshold_metrics_equal_sklearn(adult_session, model):
    s = adult_session
    y = s.y_positive
    score = s.scores(model).score
    idx = threshold_index(s, model)
    # grid thresholds, exact score values (ties at the threshold) and the extremes
    thresholds = [
        0.0,
        0.1,
        0.25,
        0.5,
        0.75,
        0.9,
        1.0,
        float(score[0]),
        float(score[123]),
        float(np.median(score)),
        float(score.min()),
        float(score.max()),
        float(np.nextafter(score.max(), 2)),
    ]
    for t in thresholds:
        _assert_binary_equal(idx.at(t), _sk_binary(y, score, t))


@pytest.mark.parametrize("model", [0, 1])
def test_adult_curves_and_areas_equal_sklearn(adult_session, model):
    s = adult_session
    y = s.y_positive
    score = s.scores(model).score
    idx = threshold_index(s, model)
    assert idx.roc_auc == pytest.approx(skm.roc_auc_score(y, score), abs=TOL)
    assert idx.average_precision == pytest.approx(skm.average_precision_score(y, score), abs=TOL)
    fpr, tpr, thr = skm.roc_curve(y, score, drop_intermediate=False)
    np.testing.assert_allclose(idx.roc_curve.fpr, fpr, atol=TOL)
    np.testing.assert_allclose(idx.roc_curve.tpr, tpr, atol=TOL)
    np.testing.assert_array_equal(idx.roc_curve.thresholds, thr)
    precision, recall, pthr = skm.precision_recall_curve(y, score)
    np.testing.assert_allclose(idx.pr_curve.precision, precision, atol=TOL)
    np.testing.assert_allclose(idx.pr_curve.recall, recall, atol=TOL)
    np.testing.assert_array_equal(idx.pr_curve.thresholds, pthr)


def test_adult_model_performance_summary(adult_session):
    """The numbers the screen shows come from one engine call; check them against sklearn at 0.5."""
    s = adult_session
    assert s.task.kind == "binary" and s.task.positive == ">50K"
    assert labelled_mask(s).all()
    for i in range(2):
        p = model_performance(s, i)
        score = s.scores(i).score
        ref = _sk_binary(s.y_positive, score, 0.5)
        _assert_binary_equal(p.binary, ref)
        assert p.roc_auc == pytest.approx(skm.roc_auc_score(s.y_positive, score), abs=TOL)
        # the sklearn Pipeline's own predict() agrees with thresholding its probability at 0.5
        pred = s.models[i].estimator.predict(s.model_input(i))
        agree = np.mean((pred == ">50K") == (score >= 0.5))
        assert agree > 0.999
    # the demo is a real model, not a coin: both models beat 0.85 AUC on held-out data
    assert model_performance(s, 0).roc_auc > 0.85 and model_performance(s, 1).roc_auc > 0.85


def test_wine_multiclass_equal_sklearn(wine_session):
    s = wine_session
    assert s.task.kind == "multiclass"
    for i in range(2):
        p = model_performance(s, i)
        pred = s.models[i].estimator.predict(s.model_input(i))
        y = s.data[s.label].astype(str).to_numpy()
        m = p.multiclass
        assert m.accuracy == pytest.approx(skm.accuracy_score(y, pred.astype(str)), abs=TOL)
        assert m.f1_macro == pytest.approx(skm.f1_score(y, pred.astype(str), average="macro"), abs=TOL)
        np.testing.assert_array_equal(
            m.confusion_matrix, skm.confusion_matrix(y, pred.astype(str), labels=[str(c) for c in s.task.classes])
        )


def test_diabetes_regression_equal_sklearn(diabetes_session):
    s = diabetes_session
    assert s.task.kind == "regression"
    for i in range(2):
        r = model_performance(s, i).regression
        pred = s.models[i].estimator.predict(s.model_input(i))
        y = s.data[s.label].to_numpy()
        assert r.mae == pytest.approx(skm.mean_absolute_error(y, pred), rel=TOL)
        assert r.rmse == pytest.approx(skm.root_mean_squared_error(y, pred), rel=TOL)
        assert r.r2 == pytest.approx(skm.r2_score(y, pred), rel=TOL)
        np.testing.assert_allclose(r.residuals, pred - y)


def test_one_class_gives_nan_auc_like_sklearn():
    idx = ThresholdIndex(np.array([0.1, 0.4, 0.7]), np.array([False, False, False]))
    assert np.isnan(idx.roc_auc)
    m = idx.at(0.5)
    assert (m.tp, m.fp, m.tn, m.fn) == (0, 1, 2, 0)
    assert m.precision == 0.0 and m.recall == 0.0 and m.f1 == 0.0


def test_multiclass_and_regression_helpers_on_toy_input():
    m = multiclass_metrics(np.array(["a", "b", "c", "a"]), np.array(["a", "c", "c", "b"]), ("a", "b", "c"))
    assert m.accuracy == 0.5
    np.testing.assert_array_equal(m.support, [2, 1, 1])
    r = regression_metrics(np.array([1.0, 2.0, 3.0]), np.array([1.0, 2.0, 5.0]))
    assert r.mae == pytest.approx(2 / 3) and r.rmse == pytest.approx(np.sqrt(4 / 3))


scores_st = st.lists(
    st.sampled_from([0.0, 0.1, 0.2, 0.25, 0.5, 0.7, 0.9, 1.0]) | st.floats(0, 1), min_size=2, max_size=60
)


@settings(max_examples=150, deadline=None)
@given(scores=scores_st, data=st.data())
def test_property_threshold_index_equals_sklearn(scores, data):
    """Random scores with many ties: counts, rates, AUC and AP equal sklearn's."""
    score = np.array(scores)
    y = np.array(data.draw(st.lists(st.booleans(), min_size=len(score), max_size=len(score))))
    idx = ThresholdIndex(score, y)
    for t in data.draw(st.lists(st.sampled_from(list(score)) | st.floats(-0.5, 1.5), min_size=1, max_size=5)):
        _assert_binary_equal(idx.at(t), _sk_binary(y, score, t))
    if y.any() and not y.all():
        assert idx.roc_auc == pytest.approx(skm.roc_auc_score(y, score), abs=TOL)
        assert idx.average_precision == pytest.approx(skm.average_precision_score(y, score), abs=TOL)
