"""Models that raise on some rows, models from another sklearn, data too big for memory: keep going, say so."""

from __future__ import annotations

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm
from sklearn.linear_model import LinearRegression, LogisticRegression

from wit_tui.engine import Session, WitError, load_data, load_model
from wit_tui.engine.analysis.performance import model_performance
from wit_tui.engine.core.memory import MemoryBudget
from wit_tui.engine.data import loading
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.data.scoring import MAX_FAILED_ROWS, score_frame
from wit_tui.engine.data.tasks import detect_task


class FlakyClassifier(LogisticRegression):
    """Raises on any batch holding a row with a > 2.5, like a model with a validation step."""

    def predict_proba(self, X):
        if (np.asarray(X, dtype=float)[:, 0] > 2.5).any():
            raise ValueError("a out of range")
        return super().predict_proba(X)


class FlakyRegressor(LinearRegression):
    def predict(self, X):
        if (np.asarray(X, dtype=float)[:, 0] > 2.5).any():
            raise ValueError("a out of range")
        return super().predict(X)


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"a": rng.normal(size=6000), "b": rng.normal(size=6000)})
    X["y"] = (X.a + X.b + rng.normal(scale=0.5, size=len(X)) > 0).astype(int)
    X["target"] = 2 * X.a - X.b
    return X


@pytest.mark.bad_input
def test_rows_the_model_raises_on_are_reported_and_the_rest_scored(frame):
    model = FlakyClassifier().fit(frame[["a", "b"]], frame.y)
    scores = score_frame(model, frame[["a", "b"]], detect_task(model), chunk_size=1000)
    bad = np.flatnonzero(frame.a > 2.5)
    assert 0 < len(bad) <= MAX_FAILED_ROWS
    np.testing.assert_array_equal(scores.failed, bad)
    assert "a out of range" in scores.error
    assert np.isnan(scores.score[bad]).all() and all(v is None for v in scores.label[bad])
    good = np.setdiff1d(np.arange(len(frame)), bad)
    np.testing.assert_allclose(scores.score[good], model.predict_proba(frame[["a", "b"]].iloc[good])[:, 1])


def test_metrics_leave_unscored_rows_out_and_equal_sklearn_on_the_rest(frame):
    model = FlakyClassifier().fit(frame[["a", "b"]], frame.y)
    s = Session(frame[["a", "b", "y"]], [LoadedModel("flaky", model)], label="y")
    p = model_performance(s, 0, 0.5)
    good = frame.a <= 2.5
    score = model.predict_proba(frame.loc[good, ["a", "b"]])[:, 1]
    y = frame.y[good].to_numpy() == 1
    tn, fp, fn, tp = skm.confusion_matrix(y, score >= 0.5).ravel()
    assert (p.binary.tp, p.binary.fp, p.binary.tn, p.binary.fn) == (tp, fp, tn, fn)
    assert p.roc_auc == pytest.approx(skm.roc_auc_score(y, score), abs=1e-12)


def test_regression_metrics_leave_unscored_rows_out(frame):
    model = FlakyRegressor().fit(frame[["a", "b"]], frame.target)
    s = Session(frame[["a", "b", "target"]], [LoadedModel("flaky", model)], label="target")
    r = model_performance(s, 0).regression
    good = frame.a <= 2.5
    pred = model.predict(frame.loc[good, ["a", "b"]])
    assert r.mae == pytest.approx(skm.mean_absolute_error(frame.target[good], pred), rel=1e-12)


@pytest.mark.bad_input
def test_systematic_failure_stops_early_with_one_message(frame):
    model = FlakyClassifier().fit(frame[["a", "b"]], frame.y)
    X = frame[["a", "b"]].assign(a=9.0)
    with pytest.raises(WitError) as err:
        score_frame(model, X, detect_task(model), chunk_size=1000, model_name="flaky")
    assert f"more than {MAX_FAILED_ROWS} rows" in err.value.message and "a out of range" in err.value.message


@pytest.mark.bad_input
def test_model_from_another_sklearn_loads_with_a_warning(tmp_path, monkeypatch, frame):
    import sklearn.base

    model = LogisticRegression().fit(frame[["a", "b"]], frame.y)
    monkeypatch.setattr(sklearn.base, "__version__", "0.24.2")  # what the pickle records as its version
    joblib.dump(model, tmp_path / "old.joblib")
    monkeypatch.undo()
    loaded = load_model(tmp_path / "old.joblib", trust=True)
    assert len(loaded.warnings) == 1 and "0.24.2" in loaded.warnings[0] and "re-save" in loaded.warnings[0]
    fresh = tmp_path / "new.joblib"
    joblib.dump(model, fresh)
    assert load_model(fresh, trust=True).warnings == ()


@pytest.mark.bad_input
def test_data_larger_than_memory_is_refused_before_loading(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("a,b\n" + "1,2\n" * 1000)
    monkeypatch.setattr(loading, "memory_budget", lambda: MemoryBudget(100, "free memory"))
    with pytest.raises(WitError) as err:
        load_data(path)
    assert "would need about" in err.value.message and "sample" in err.value.hint
    monkeypatch.setattr(loading, "memory_budget", lambda: None)  # unknown: load as usual
    assert len(load_data(path)) == 1000
