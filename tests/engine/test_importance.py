"""Permutation importance equal to sklearn's with the same seed, raw and engineered, on the demo models (samples)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.inspection import permutation_importance

from wit_tui.engine.analysis.engineered_columns import engineered_view, own_importance
from wit_tui.engine.analysis.importance import (
    Cancelled,
    check_repeats,
    check_sample_size,
    model_importance,
    sample_rows,
)
from wit_tui.engine.analysis.session_importance import (
    OWN_PREDICTIONS,
    importance_rows,
    importance_target,
    session_importance,
)
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.session import Session

SAMPLE, REPEATS, SEED = 200, 2, 7


@pytest.fixture(scope="module", autouse=True)
def one_openmp_thread():
    """Hundreds of small predict calls: HistGradientBoosting's OpenMP threads would only spin (and crawl on a busy
    machine), so this module predicts with one thread, as the app's importance worker does."""
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime so the limit applies to it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        yield


@pytest.fixture(scope="module")
def adult(adult_session):
    return adult_session, sample_rows(np.arange(adult_session.n_rows), SAMPLE, SEED)


@pytest.fixture(scope="module")
def adult_results(adult):
    s, rows = adult
    ticks: list[list[tuple[int, int]]] = []
    out = []
    for i, m in enumerate(s.models):
        ticks.append([])
        out.append(
            model_importance(
                m.estimator,
                s.model_input(i).iloc[rows],
                s.y[rows],
                s.task,
                model=m.name,
                n_repeats=REPEATS,
                random_state=SEED,
                progress=lambda d, t, k=ticks[-1]: k.append((d, t)),
            )
        )
    return out, ticks


def test_raw_importance_equals_sklearn(adult, adult_results):
    s, rows = adult
    results, _ = adult_results
    for i, r in enumerate(results):
        X = s.model_input(i).iloc[rows]
        ref = permutation_importance(
            s.models[i].estimator, X, s.y[rows], scoring="roc_auc", n_repeats=REPEATS, random_state=SEED
        )
        assert r.scoring == "roc_auc" and r.target == "ground truth"
        assert r.raw.names == tuple(X.columns)
        np.testing.assert_array_equal(r.raw.importances, ref.importances)
        np.testing.assert_array_equal(r.raw.mean, ref.importances_mean)
        np.testing.assert_array_equal(r.raw.std, ref.importances_std)
        assert r.n_rows == SAMPLE and r.n_repeats == REPEATS


def test_engineered_importance_permutes_the_transformed_matrix(adult, adult_results):
    s, rows = adult
    results, _ = adult_results
    for i, r in enumerate(results):
        pipe = s.models[i].estimator
        X = s.model_input(i).iloc[rows]
        Z = pipe[:-1].transform(X)
        Z = Z.toarray() if hasattr(Z, "toarray") else np.asarray(Z, dtype=float)
        ref = permutation_importance(pipe[-1], Z, s.y[rows], scoring="roc_auc", n_repeats=REPEATS, random_state=SEED)
        assert r.engineered is not None
        assert r.engineered.names == tuple(pipe[:-1].get_feature_names_out())
        np.testing.assert_array_equal(r.engineered.importances, ref.importances)
        assert "get_feature_names_out" in r.engineered_note
    # logistic regression on one-hot columns: more engineered columns than raw ones, each one-hot level named
    logreg = results[0]
    assert len(logreg.engineered.names) > len(logreg.raw.names)
    assert "cat__sex_Female" in logreg.engineered.names


def test_models_own_weights_are_labelled(adult, adult_results):
    s, _ = adult
    logreg, hgb = adult_results[0]
    assert logreg.own is not None and logreg.own.attribute == "coef_"
    np.testing.assert_array_equal(logreg.own.values, s.models[0].estimator[-1].coef_[0])
    assert logreg.own.names == logreg.engineered.names and "signed" in logreg.own.description
    assert hgb.own is None  # HistGradientBoosting has no feature_importances_


def test_progress_reaches_the_total(adult_results):
    _, ticks = adult_results
    for t in ticks:
        done, total = t[-1]
        assert done == total
        assert [d for d, _ in t] == list(range(1, total + 1))


def test_cancel_stops_inside_sklearns_loop(adult):
    s, rows = adult
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        model_importance(
            s.models[0].estimator,
            s.model_input(0).iloc[rows[:50]],
            s.y[rows[:50]],
            s.task,
            n_repeats=1,
            is_cancelled=cancelled,
        )
    assert len(calls) == 4


def test_multiclass_and_regression_scoring(wine_session, diabetes_session):
    w = wine_session
    r = model_importance(w.models[1].estimator, w.model_input(1), w.y, w.task, n_repeats=2, random_state=0)
    ref = permutation_importance(
        w.models[1].estimator, w.model_input(1), w.y, scoring="accuracy", n_repeats=2, random_state=0
    )
    assert r.scoring == "accuracy"
    np.testing.assert_array_equal(r.raw.importances, ref.importances)
    assert r.engineered is None and "not a Pipeline" in r.engineered_note  # a bare HistGradientBoostingClassifier
    # wine's logreg: scaler + LogisticRegression over 3 classes: the own weights are mean |coef| over classes
    r0 = model_importance(w.models[0].estimator, w.model_input(0), w.y, w.task, n_repeats=1)
    np.testing.assert_allclose(r0.own.values, np.abs(w.models[0].estimator[-1].coef_).mean(axis=0))
    d = diabetes_session
    r = model_importance(d.models[0].estimator, d.model_input(0), d.y, d.task, n_repeats=2, random_state=1)
    ref = permutation_importance(
        d.models[0].estimator, d.model_input(0), d.y, scoring="r2", n_repeats=2, random_state=1
    )
    assert r.scoring_label == "R²"
    np.testing.assert_array_equal(r.raw.importances, ref.importances)


def test_without_label_the_models_predictions_stand_in(diabetes_session):
    d = diabetes_session
    own = d.scores(1).score
    r = model_importance(
        d.models[1].estimator, d.model_input(1), own, d.task, target="the model's own predictions", n_repeats=1
    )
    assert r.raw.baseline == pytest.approx(1.0)  # R² of the model against itself
    assert own_importance(d.models[1].estimator, r.raw.names) is None


@pytest.mark.bad_input
@pytest.mark.parametrize("size", [0, -3, 10_001, "abc", 2.5, ""])
def test_bad_sample_sizes(size):
    with pytest.raises(WitError) as err:
        check_sample_size(size, 10_000)
    assert "1 to 10,000" in err.value.hint


def test_good_sample_sizes():
    assert check_sample_size("1,000", 10_000) == 1_000
    assert check_sample_size(10_000, 10_000) == 10_000
    rows = sample_rows(np.arange(100), 10, 0)
    assert len(set(rows)) == 10 and np.all(np.diff(rows) > 0)
    np.testing.assert_array_equal(rows, sample_rows(np.arange(100), 10, 0))


@pytest.mark.parametrize("repeats", [0, 101, "x"])
def test_bad_repeats(repeats):
    with pytest.raises(WitError):
        check_repeats(repeats)


def test_engineered_view_of_a_bare_estimator(wine_session):
    assert isinstance(engineered_view(wine_session.models[1].estimator, wine_session.model_input(1)), str)


def test_integer_classes_held_as_objects():
    """The Session keeps labels as Python objects; 0/1 ints must still score as a binary target."""
    import pandas as pd
    from sklearn.linear_model import LogisticRegression

    from wit_tui.engine import Session
    from wit_tui.engine.data.loading import LoadedModel

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
    frame["y"] = (frame["a"] > 0).astype(int)
    s = Session(frame, [LoadedModel("lr", LogisticRegression().fit(frame[["a", "b"]], frame["y"]))], label="y")
    assert s.y.dtype == object
    r = model_importance(s.models[0].estimator, s.model_input(0), s.y, s.task, n_repeats=2, random_state=0)
    ref = permutation_importance(
        s.models[0].estimator, s.model_input(0), frame["y"], scoring="roc_auc", n_repeats=2, random_state=0
    )
    np.testing.assert_array_equal(r.raw.importances, ref.importances)


# -- the session's importance: which rows, which target -----------------------------------------------------------
def test_session_importance_equals_model_importance_on_the_same_sample(diabetes_session):
    d = diabetes_session
    rows = sample_rows(importance_rows(d), 60, SEED)
    got = session_importance(d, 60, 1, SEED)
    assert got.settings == (60, 1, SEED)
    for i, m in enumerate(d.models):
        ref = permutation_importance(
            m.estimator, d.model_input(i).iloc[rows], d.y[rows], scoring="r2", n_repeats=1, random_state=SEED
        )
        np.testing.assert_array_equal(got.results[i].raw.importances, ref.importances)
        assert got.results[i].target == "ground truth"


def test_session_importance_caps_the_sample_at_the_rows_there_are(diabetes_session):
    got = session_importance(diabetes_session, 10_000, 1, SEED)
    assert got.n_rows == diabetes_session.n_rows


def test_without_a_label_the_target_is_the_models_own_prediction(wine_session, diabetes_session):
    for src in (wine_session, diabetes_session):
        s = Session(src.data, src.models, label=None, features=src.features, name=src.name)
        assert not s.has_label
        np.testing.assert_array_equal(importance_rows(s), np.arange(s.n_rows))
        rows = np.arange(5)
        y, target = importance_target(s, 0, rows)
        sc = s.scores(0)
        np.testing.assert_array_equal(y, sc.label[rows] if s.task.is_classification else sc.score[rows])
        assert target == OWN_PREDICTIONS


def test_importance_rows_are_the_labelled_ones(adult_session, fresh_session):
    s = fresh_session(adult_session)
    labelled = importance_rows(s)
    assert len(labelled) == int(pd.notna(pd.Series(s.y, dtype=object)).sum())
    y, target = importance_target(s, 1, labelled[:3])
    np.testing.assert_array_equal(y, s.y[labelled[:3]])
    assert target == "ground truth"
