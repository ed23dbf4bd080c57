"""Local attributions: tests that can fail — a feature the model ignores gets ~0, on a linear model the signs
follow the coefficients, fidelity is reported, results reproduce with the seed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LinearRegression, LogisticRegression

from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.engine.whatif.attribution import local_attributions

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


@pytest.fixture(scope="module")
def linear():
    rng = np.random.default_rng(3)
    n = 600
    X = pd.DataFrame(
        {
            "a": rng.normal(size=n),
            "b": rng.normal(size=n),
            "c": rng.normal(size=n),
            "ignored": rng.normal(size=n),
            "colour": rng.choice(["red", "blue"], size=n),
        }
    )
    y = 3 * X.a - 2 * X.b + 0.5 * X.c
    reg = LinearRegression().fit(X[["a", "b", "c"]], y)
    clf = LogisticRegression().fit(X[["a", "b", "c"]], (y > 0).astype(int))
    frame = X.assign(y=y, yc=(y > 0).astype(int))
    return frame, reg, clf


def _row_above_mean(frame):
    ok = (frame.a > 0.8) & (frame.b > 0.8) & (frame.c > 0.8)
    return int(np.flatnonzero(ok)[0])


def test_linear_regression_signs_and_ignored_feature(linear):
    frame, reg, _ = linear
    s = Session(
        frame.drop(columns="yc"), [LoadedModel("lin", reg)], label="y", features=["a", "b", "c", "ignored", "colour"]
    )
    s.score_all()
    i = _row_above_mean(frame)
    (att,) = local_attributions(s, i)
    w = dict(zip(att.features, att.weights, strict=True))
    assert np.sign(w["a"]) == np.sign(reg.coef_[0]) and np.sign(w["b"]) == np.sign(reg.coef_[1])
    assert np.sign(w["c"]) == np.sign(reg.coef_[2])
    # exactly additive: only the ridge penalty (α = 0.01) leaks a trace onto the ignored features
    assert abs(w["ignored"]) < 1e-3 * abs(w["b"]) and abs(w["colour"]) < 1e-3 * abs(w["b"])
    assert att.fidelity_r2 > 0.99  # a linear model is exactly additive
    assert att.prediction == pytest.approx(reg.predict(frame[["a", "b", "c"]].iloc[[i]])[0])
    assert [f for f, _ in att.top(2)] == ["b", "a"] or [f for f, _ in att.top(2)] == ["a", "b"]


def test_logistic_model_ignored_feature_and_signs(linear):
    frame, _, clf = linear
    s = Session(
        frame.drop(columns="y"), [LoadedModel("logit", clf)], label="yc", features=["a", "b", "c", "ignored", "colour"]
    )
    s.score_all()
    i = _row_above_mean(frame)
    (att,) = local_attributions(s, i, n_samples=300)
    w = dict(zip(att.features, att.weights, strict=True))
    assert w["a"] > 0 and w["b"] < 0
    top = max(abs(w["a"]), abs(w["b"]))
    # the sigmoid is not additive, so a sliver of interaction lands on every feature; still ~0 beside a and b
    assert abs(w["ignored"]) < 0.05 * top and abs(w["colour"]) < 0.05 * top
    assert 0.0 < att.fidelity_r2 <= 1.0


def test_seeded_reproducible_and_reported(adult_session):
    s = adult_session
    s.score_all()
    a1 = local_attributions(s, 3, n_samples=64, n_background=8)
    a2 = local_attributions(s, 3, n_samples=64, n_background=8)
    a3 = local_attributions(s, 3, n_samples=64, n_background=8, seed=1)
    assert len(a1) == 2 and [a.model for a in a1] == ["logreg", "hgb"]
    for x, y in zip(a1, a2, strict=True):
        np.testing.assert_array_equal(x.weights, y.weights)
    assert not np.array_equal(a1[1].weights, a3[1].weights)
    for a in a1:
        assert np.isfinite(a.fidelity_r2) and a.fidelity_r2 <= 1.0
        assert a.prediction == pytest.approx(s.scores(a.model_index).score[3])
    # capital_gain (7,688 for this person, 0 for most) dominates both models' explanations
    assert a1[0].top(1)[0][0] == "capital_gain" and a1[1].top(1)[0][0] == "capital_gain"


def test_multiclass_target_is_the_predicted_class(wine_session):
    w = wine_session
    w.score_all()
    (a0, a1) = local_attributions(w, 0, n_samples=64, n_background=8)
    cls = w.task.classes[int(np.argmax(w.scores(0).proba[0]))]
    assert a0.target == f"P({cls})"
    assert a0.prediction == pytest.approx(w.scores(0).proba[0].max())
