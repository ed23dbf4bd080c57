"""Multi-class questions about one chosen class: the attributions and ICE curves of class k are made of exactly
the class-k probabilities sklearn's ``predict_proba`` gives on the same perturbed rows, and the counterfactual of
class k is the nearest point predicted as k."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.whatif import point as point_questions
from wit_tui.engine.whatif.attribution import SEED, _coalitions, _perturbed_frame, local_attributions
from wit_tui.engine.whatif.counterfactual import nearest_counterfactual
from wit_tui.engine.whatif.dependence import feature_grid, ice
from wit_tui.engine.whatif.target_class import checked_class

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


def proba_of(session, m, frame):
    """sklearn's own class probabilities, columns in the session's class order."""
    est = session.models[m].estimator
    p = est.predict_proba(frame[session.model_columns[m]])
    order = [list(map(str, est.classes_)).index(str(c)) for c in session.task.classes]
    return p[:, order]


@pytest.mark.parametrize("k", [0, 1, 2])
def test_attributions_of_class_k_fit_sklearns_class_k_probabilities(wine_session, k):
    w = wine_session
    w.score_all()
    i, n_samples, n_background = 5, 64, 8
    got = local_attributions(w, i, n_samples=n_samples, n_background=n_background, target_class=k)
    assert got is not None
    # the same perturbed rows, scored by sklearn itself
    rng = np.random.default_rng(SEED)
    p = len(w.features)
    z = _coalitions(rng, n_samples, p)
    donors = rng.choice(w.n_rows, size=n_background, replace=False)
    frame = _perturbed_frame(w, w.model_row(i), z, donors)
    weights = np.exp(-(p - z.sum(axis=1)) / (0.75 * np.sqrt(p)) ** 2)
    own = proba_of(w, 0, w.data.iloc[[i]])
    for m, a in enumerate(got):
        y = proba_of(w, m, frame)[:, k].reshape(len(z), n_background).mean(axis=1)
        want = Ridge(alpha=0.01).fit(z, y, sample_weight=weights)
        np.testing.assert_allclose(a.weights, want.coef_, rtol=1e-6, atol=1e-9)
        assert a.target == f"P({w.task.classes[k]})"
        assert a.prediction == pytest.approx(proba_of(w, m, w.data.iloc[[i]])[0, k])
    assert got[0].prediction == pytest.approx(own[0, k])


def test_attributions_of_each_class_differ_and_default_to_the_predicted_class(wine_session):
    w = wine_session
    w.score_all()
    runs = [local_attributions(w, 0, n_samples=32, n_background=4, target_class=k) for k in range(3)]
    assert not np.allclose(runs[0][0].weights, runs[2][0].weights)
    predicted = int(np.argmax(w.scores(0).proba[0]))
    default = local_attributions(w, 0, n_samples=32, n_background=4)
    np.testing.assert_array_equal(default[0].weights, runs[predicted][0].weights)


@pytest.mark.parametrize("k", [0, 1, 2])
def test_ice_of_class_k_is_sklearns_class_k_probability_on_the_swept_rows(wine_session, k):
    w = wine_session
    w.score_all()
    i, f = 3, "flavanoids"
    curves = ice(w, i, f)
    grid = feature_grid(w, f)
    rows = w.data.iloc[[i] * len(grid.values)].reset_index(drop=True)
    rows[f] = np.array(grid.values, dtype=np.float64)
    for m, values in enumerate(curves.of_class(k)):
        np.testing.assert_allclose(values, proba_of(w, m, rows)[:, k], rtol=1e-9)


def test_ice_of_a_class_refuses_what_has_no_classes(adult_session, wine_session):
    adult_session.score_all()
    with pytest.raises(WitError, match="one output"):
        ice(adult_session, 0, "age").of_class(0)
    wine_session.score_all()
    with pytest.raises(WitError, match="no class number 3"):
        ice(wine_session, 0, "ash").of_class(3)


def test_counterfactual_of_class_k_is_the_nearest_point_predicted_k(wine_session):
    w = wine_session
    w.score_all()
    i = 0
    for m in range(len(w.models)):
        argmax = np.argmax(w.scores(m).proba, axis=1)
        for k in range(3):
            cf = nearest_counterfactual(w, i, m, target_class=k)
            if argmax[i] == k:  # it is predicted k already: nothing to flip to
                assert cf.index is None and "already predicts" in cf.rule
                continue
            assert argmax[cf.index] == k
            # the nearest of the points predicted k: the plain search restricted to them finds the same one
            among_k = nearest_counterfactual(w, i, m, restrict=argmax == k)
            assert (cf.index, cf.distance) == (among_k.index, among_k.distance)
            assert cf.n_candidates == int((argmax == k).sum())


def test_counterfactuals_of_every_model_pass_the_class_on(wine_session):
    w = wine_session
    w.score_all()
    k = int(np.argmax(w.scores(0).proba[1]) + 1) % 3
    got = point_questions.counterfactuals(w, 1, w.default_thresholds, target_class=k)
    assert [c.index for c in got] == [nearest_counterfactual(w, 1, m, target_class=k).index for m in range(2)]


def test_a_class_is_refused_where_there_are_no_classes(adult_session, wine_session):
    with pytest.raises(WitError, match="the task is binary"):
        checked_class(adult_session.task, 0)
    with pytest.raises(WitError, match="no class number 5"):
        checked_class(wine_session.task, 5)
    assert checked_class(wine_session.task, None) is None
