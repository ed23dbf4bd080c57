"""ICE curves and partial dependence against sklearn.inspection.partial_dependence on the demo models, the grid
rules, and the What-If Tool's "sort by variation" score."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.inspection import partial_dependence as sk_partial_dependence

from wit_tui.engine.session.editing import edit_text
from wit_tui.engine.whatif.dependence import (
    Curves,
    Grid,
    feature_grid,
    ice,
    ice_many,
    make_grid,
    partial_dependence,
    rank_by_variation,
    variation,
)

pytestmark = pytest.mark.usefixtures("one_openmp_thread")


def sk_frame(session, rows, m):
    """sklearn's partial_dependence refuses integer columns: hand it floats of the same values."""
    X = session.data.iloc[rows][session.model_columns[m]].copy()
    for c in X.columns:
        if X[c].dtype.kind in "iu":
            X[c] = X[c].astype(np.float64)
    return X


def grid_array(grid: Grid):
    return np.array(grid.values, dtype=object if grid.kind == "categorical" else np.float64)


def test_numeric_grid_is_20_points_between_percentiles(adult_session, diabetes_session):
    bmi = diabetes_session.data["bmi"]
    g = make_grid(bmi, "bmi")
    lo, hi = np.percentile(bmi, [1, 99])
    assert g.kind == "numeric" and len(g.values) == 20
    assert g.values[0] == pytest.approx(lo) and g.values[-1] == pytest.approx(hi)
    age = feature_grid(adult_session, "age")
    assert all(isinstance(v, int) for v in age.values) and list(age.values) == sorted(set(age.values))
    a_lo, a_hi = np.percentile(adult_session.data["age"], [1, 99])
    assert age.values[0] == round(a_lo) and age.values[-1] == round(a_hi)
    # capital_loss: 1st and 99th percentiles can coincide; min..max is used then
    constantish = make_grid(pd.Series([0] * 200 + [5, 10]), "c")
    assert constantish.values[0] == 0 and constantish.values[-1] == 10


def test_categorical_grid_every_category_top_k(adult_session):
    g = feature_grid(adult_session, "native_country")
    counts = adult_session.data["native_country"].value_counts()
    counts = counts[counts > 0]
    assert g.kind == "categorical" and len(g.values) == 20 and g.n_other == len(counts) - 20
    assert list(g.values) == list(counts.index[:20])
    edu = feature_grid(adult_session, "education")
    assert set(edu.values) == set(adult_session.data["education"].dropna().unique()) and edu.n_other == 0


@pytest.mark.parametrize("feature", ["age", "education", "hours_per_week"])
def test_partial_dependence_equals_sklearn_on_adult(adult_session, feature):
    s = adult_session
    s.score_all()
    rows = np.arange(0, 16281, 97)  # 168 rows spread over the data
    ours = partial_dependence(s, feature, rows=rows)
    assert ours.kind == "pd" and ours.n_rows == len(rows)
    for m, model in enumerate(s.models):
        ref = sk_partial_dependence(
            model.estimator,
            sk_frame(s, rows, m),
            [feature],
            kind="average",
            method="brute",
            custom_values={feature: grid_array(ours.grid)},
        )
        np.testing.assert_allclose(ours.values[m], ref["average"][0], rtol=0, atol=1e-12)


@pytest.mark.parametrize("feature", ["age", "marital_status"])
def test_ice_equals_sklearn_individual_on_adult(adult_session, feature):
    s = adult_session
    curves = ice(s, 7, feature)
    assert curves.kind == "ice" and curves.current == s.row(7)[feature]
    for m, model in enumerate(s.models):
        ref = sk_partial_dependence(
            model.estimator,
            sk_frame(s, [7], m),
            [feature],
            kind="individual",
            method="brute",
            custom_values={feature: grid_array(curves.grid)},
        )
        np.testing.assert_allclose(curves.values[m], ref["individual"][0][0], rtol=0, atol=1e-12)
        assert curves.current_scores[m] == pytest.approx(s.scores(m).score[7])


def test_multiclass_pd_has_one_curve_per_class(wine_session):
    w = wine_session
    w.score_all()
    rows = np.arange(w.n_rows)
    pd_curves = partial_dependence(w, "proline", rows=rows)
    for m, model in enumerate(w.models):
        assert pd_curves.values[m].shape == (len(pd_curves.grid.values), 3)
        ref = sk_partial_dependence(
            model.estimator,
            sk_frame(w, rows, m),
            ["proline"],
            kind="average",
            method="brute",
            custom_values={"proline": grid_array(pd_curves.grid)},
        )
        np.testing.assert_allclose(pd_curves.values[m], ref["average"].T, atol=1e-12)


def test_regression_ice(diabetes_session):
    d = diabetes_session
    curves = ice(d, 0, "bmi")
    est = d.models[0].estimator
    frame = pd.DataFrame([d.row(0)] * len(curves.grid.values))
    frame["bmi"] = curves.grid.values
    np.testing.assert_allclose(curves.values[0], est.predict(frame[d.model_columns[0]]), atol=1e-9)


def test_ice_follows_edits(adult_session, fresh_session):
    s = fresh_session(adult_session)
    edit_text(s, 3, "education", "Doctorate")
    curves = ice(s, 3, "age")
    assert curves.current_scores[0] == pytest.approx(s.point_scores(3)[0].score[0])
    k = curves.grid.values.index(44) if 44 in curves.grid.values else None
    if k is not None:  # the point's own age on the grid gives its own (edited) score
        assert curves.values[0][k] == pytest.approx(s.point_scores(3)[0].score[0])


def test_variation_and_ranking(adult_session):
    g_num = Grid("x", "numeric", (0, 1, 2, 3))
    g_cat = Grid("c", "categorical", ("a", "b", "c"))
    up_down = Curves(g_num, ("m",), (np.array([0.1, 0.5, 0.2, 0.3]),), "ice")
    assert variation(up_down) == pytest.approx(0.4 + 0.3 + 0.1)  # total variation, not max − min
    bars = Curves(g_cat, ("m", "n"), (np.array([0.2, 0.9, 0.5]), np.array([0.4, 0.4, 0.45])), "ice")
    assert variation(bars) == pytest.approx(0.7)  # max − min, the larger over models
    multi = Curves(g_num, ("m",), (np.array([[0.1, 0.9], [0.6, 0.4], [0.1, 0.9], [0.1, 0.9]]),), "ice")
    assert variation(multi) == pytest.approx(1.0)  # the larger over classes
    ranked = rank_by_variation(ice_many(adult_session, 3))
    assert [f for f, _ in ranked][0] == "capital_gain"
    assert all(a[1] >= b[1] for a, b in zip(ranked, ranked[1:], strict=False))
    assert len(ranked) == len(adult_session.features)
