"""Data that loads but would mislead: each case is said once, on the session, with what it means."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression

from wit_tui.engine import Session, open_session
from wit_tui.engine.analysis.data_checks import check_session, scoring_notes, scoring_warnings, text_in_numbers
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.report import build_report

bad_input = pytest.mark.bad_input


@pytest.fixture(scope="module")
def frame():
    rng = np.random.default_rng(7)
    X = pd.DataFrame({"a": rng.normal(size=300), "b": rng.normal(size=300)})
    X["y"] = (X.a + X.b > 0).astype(int)
    return X


@pytest.fixture(scope="module")
def logreg(frame):
    return LoadedModel("logreg", LogisticRegression().fit(frame[["a", "b"]], frame.y))


def checked(*args, **kwargs) -> Session:
    """A session opened as open_session and load_demo open one: its data checked."""
    return check_session(Session(*args, **kwargs))


def _warnings(session, needle):
    return [w for w in session.warnings if needle in w]


@bad_input
def test_constant_label_is_said(frame, logreg):
    s = checked(frame.assign(y=1), [logreg], label="y")
    (w,) = _warnings(s, "single value")
    assert "'y'" in w and "(1)" in w and "AUC" in w
    assert not _warnings(checked(frame, [logreg], label="y"), "single value")


@bad_input
def test_extra_columns_are_ignored_and_said_once(frame, logreg):
    s = checked(frame.assign(note="x", code=3), [logreg], label="y")
    (w,) = _warnings(s, "not used by any model")
    assert "note, code" in w
    assert len(s.warnings) == 1
    assert not _warnings(checked(frame, [logreg], label="y"), "not used")


@bad_input
def test_text_where_the_model_wants_numbers(frame, logreg):
    data = frame.astype({"a": object})
    data.loc[[4, 9], "a"] = ["hello", "n/a?"]
    s = checked(data, [logreg], label="y")
    (w,) = _warnings(s, "value(s) are text")
    assert "'a'" in w and "2 value(s)" in w and "row 4: 'hello'" in w and "row 9" in w
    # the rows with text are the ones the model cannot score; the rest are scored and said so
    s.score_all()
    (failed,) = scoring_warnings(s)
    assert "raised on 2 row(s) (4, 9)" in failed and "left out of every metric" in failed
    np.testing.assert_array_equal(s.scores(0).failed, [4, 9])


def test_text_columns_that_are_text_are_not_flagged():
    assert text_in_numbers(pd.Series(["red", "blue", "3"])) is None
    assert text_in_numbers(pd.Series([1.0, 2.0])) is None
    assert text_in_numbers(pd.Series(["1", "2", None])) is None


@bad_input
def test_nan_and_inf_in_features_say_how_many_rows_and_whether_each_model_takes_them(frame):
    data = frame.copy()
    data.loc[[1, 2], "a"] = np.nan
    data.loc[5, "b"] = np.inf
    lr = LoadedModel("logreg", LogisticRegression().fit(frame[["a", "b"]], frame.y))
    hgb = LoadedModel("hgb", HistGradientBoostingClassifier(max_iter=20).fit(frame[["a", "b"]], frame.y))
    s = checked(data, [lr, hgb], label="y")
    (w,) = _warnings(s, "missing or infinite")
    assert "3 of 300 rows" in w and "a (2 missing)" in w and "b (1 ±inf)" in w
    s.score_all()
    (lr_note,) = scoring_warnings(s)
    assert lr_note.startswith("logreg raised on 3 row(s) (1, 2, 5)") and "3 of them have missing or infinite" in lr_note
    assert scoring_notes(s) == ["hgb scored all 3 rows with missing or infinite values (it accepts them)."]


@bad_input
def test_report_carries_the_warnings(frame, tmp_path):
    data = frame.copy()
    data.loc[3, "a"] = np.nan
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame.y), tmp_path / "m.skops")
    data.assign(extra="z").to_csv(tmp_path / "d.csv", index=False)
    s = open_session(model=tmp_path / "m.skops", data=tmp_path / "d.csv", label="y")
    report = build_report(s)
    text = " ".join(report.warnings)
    assert "not used by any model" in text and "1 of 300 rows" in text and "raised on 1 row(s) (3)" in text


@bad_input
def test_classifier_without_predict_proba_is_said_in_the_header(frame):
    from sklearn.svm import LinearSVC

    from wit_tui.tui.app import describe_session

    s = checked(frame, [LoadedModel("svc", LinearSVC().fit(frame[["a", "b"]], frame.y))], label="y")
    assert s.tasks[0].score_method == "decision_function"
    assert "decision_function scores" in describe_session(s)
