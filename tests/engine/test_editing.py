"""Editing a datapoint: parsing and validating values, the overlay (edit, revert, duplicate, add, delete),
live re-inference with history, and saving edits to CSV."""

from __future__ import annotations

import math
import os

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.session.editing import (
    FeatureSpec,
    add_point,
    apply_edits,
    default_record,
    delete_point,
    duplicate_point,
    edit_text,
    feature_spec,
    nice_step,
    parse_value,
    range_note,
    revert_feature,
    revert_point,
    step_feature,
    step_value,
)

pytestmark = pytest.mark.usefixtures("one_openmp_thread")

AGE = FeatureSpec("age", "numeric", integer=True, low=17, high=90, median=37, std=13.8, step=1.0)
INCOME = FeatureSpec("income", "numeric", integer=False, low=0.0, high=1e5, median=5e4, std=2e4, step=2000.0)
SEX = FeatureSpec("sex", "categorical", categories=("Female", "Male"), counts=(5, 10))


# -- parsing --------------------------------------------------------------------
@pytest.mark.parametrize(
    "text,value",
    [
        ("42", 42),
        (" 42 ", 42),
        ("1,000", 1000),
        ("1_000", 1000),
        ("1e2", 100),
        ("37.5", 37.5),
        ("-3", -3),
        ("", None),
        ("?", None),
        ("NA", None),
        ("missing", None),
    ],
)
def test_parse_numeric(text, value):
    got = parse_value(AGE, text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("text", ["abc", "4 2", "inf", "nan1", "1.2.3"])
def test_parse_numeric_rejects_text(text):
    with pytest.raises(WitError) as err:
        parse_value(AGE, text)
    assert "age" in str(err.value) or "finite" in str(err.value)


def test_parse_categorical_exact_case_and_unseen():
    assert parse_value(SEX, "Male") == "Male"
    assert parse_value(SEX, "female") == "Female"
    assert parse_value(SEX, "") is None
    with pytest.raises(WitError) as err:
        parse_value(SEX, "Femle")
    assert "not a value of sex" in err.value.message and "Female" in err.value.hint
    with pytest.raises(WitError):
        parse_value(SEX, "Other")


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
@settings(max_examples=60, deadline=None)
def test_parse_numeric_round_trips(x):
    assert parse_value(INCOME, repr(x)) == pytest.approx(x)


def test_nice_step_and_stepping():
    assert nice_step(13.8, integer=True) == 1
    assert nice_step(105_000, integer=True) == 10_000
    assert nice_step(0.8, integer=False) == pytest.approx(0.05)
    assert nice_step(float("nan"), integer=False) == 1.0
    assert step_value(AGE, 40, 2) == 42 and isinstance(step_value(AGE, 40, 2), int)
    assert step_value(AGE, None, 1) == 37  # a missing value steps from the median
    assert step_value(INCOME, 0.1, 1) == pytest.approx(2000.1)
    assert step_value(SEX, "Female", 1) == "Male"
    assert step_value(SEX, "Male", 1) == "Male"  # clamped at the last category
    assert step_value(SEX, "Male", -5) == "Female"


def test_range_note():
    assert "outside the data's range" in range_note(AGE, 120)
    assert range_note(AGE, 40) == ""


def test_feature_specs_from_data(adult_session):
    age = feature_spec(adult_session, "age")
    assert age.kind == "numeric" and age.integer and age.step == 1
    assert age.low == adult_session.data["age"].min() and age.high == adult_session.data["age"].max()
    wc = feature_spec(adult_session, "workclass")
    assert wc.kind == "categorical" and wc.missing == 963 and "Private" in wc.categories
    assert wc.mode == "Private"
    assert wc.categories == tuple(
        c for c in adult_session.data["workclass"].cat.categories if (adult_session.data["workclass"] == c).any()
    )


# -- overlay + live re-inference ------------------------------------------------
def _model_score(session, record: dict, m: int) -> float:
    frame = session.data.iloc[[0]].copy()
    for c, v in record.items():
        if c in frame.columns:
            frame[c] = pd.Series([v], dtype=session.data[c].dtype) if v is not None else np.nan
    est = session.models[m].estimator
    proba = est.predict_proba(frame[session.model_columns[m]])
    return float(proba[0, list(est.classes_).index(session.task.positive)])


def test_edit_reinfers_every_model_and_keeps_history(adult_session, fresh_session):
    s = fresh_session(adult_session)
    before = [float(s.scores(m).score[3]) for m in range(2)]
    e1 = edit_text(s, 3, "age", "60")
    assert e1.changes == (("age", 44, 60),)
    e2 = edit_text(s, 3, "education", "masters")
    assert s.row(3)["education"] == "Masters" and s.is_edited(3) and s.has_unsaved_edits
    for m in range(2):  # the one-row re-inference is the model's own predict_proba on the edited row
        assert s.point_scores(3)[m].score[0] == pytest.approx(_model_score(s, s.record(3), m), abs=1e-12)
    runs = s.history(3)
    assert [r.number for r in runs] == [0, 1, 2]
    assert runs[0].change == "original" and runs[0].scores == pytest.approx(before)
    assert runs[1].change == "age 44 → 60" and runs[2] == e2.run
    # the cached whole-dataset scores are untouched
    assert [float(s.scores(m).score[3]) for m in range(2)] == before


@pytest.mark.bad_input
def test_invalid_or_unscorable_edits_change_nothing(adult_session, fresh_session):
    s = fresh_session(adult_session)
    with pytest.raises(WitError):
        edit_text(s, 0, "age", "old")
    with pytest.raises(WitError):
        edit_text(s, 0, "education", "Hogwarts")
    # logreg's pipeline cannot take a missing age: the edit is undone and says so
    with pytest.raises(WitError) as err:
        edit_text(s, 0, "age", "")
    assert "not applied" in err.value.hint
    assert not s.is_edited(0) and s.changed_ids() == [] and s.history(0) == []


def test_step_revert_and_back_to_original(adult_session, fresh_session):
    s = fresh_session(adult_session)
    step_feature(s, 1, "age", 3)
    assert s.row(1)["age"] == 41
    step_feature(s, 1, "sex", -1)
    assert s.row(1)["sex"] == "Female"
    assert revert_feature(s, 1, "age") is not None
    assert s.row(1)["age"] == 38 and s.is_edited(1)
    assert revert_feature(s, 1, "age") is None  # nothing left to revert there
    run = revert_point(s, 1)
    assert run.change == "reverted all" and not s.is_edited(1)
    assert run.scores == pytest.approx(tuple(float(s.scores(m).score[1]) for m in range(2)))
    # typing the original value back drops the edit
    edit_text(s, 1, "age", "50")
    edit_text(s, 1, "age", "38")
    assert not s.is_edited(1)


def test_duplicate_add_delete(adult_session, fresh_session):
    s = fresh_session(adult_session)
    n = s.n_rows
    edit_text(s, 2, "age", "50")
    d = duplicate_point(s, 2)
    assert d == n and s.n_total == n + 1 and s.row(d)["age"] == 50 and s.truth(d) == s.truth(2)
    assert s.point_scores(d)[0].score[0] == s.point_scores(2)[0].score[0]
    assert s.history(d)[0].change == "copy of #2"
    new = add_point(s)
    rec = default_record(s)
    assert new == n + 1 and s.truth(new) is None
    assert s.row(new)["age"] == int(round(s.data["age"].median())) and s.row(new)["workclass"] == "Private"
    assert rec["education"] == s.data["education"].mode()[0]
    edit_text(s, new, "age", "33")
    assert len(s.history(new)) == 2
    with pytest.raises(WitError):
        delete_point(s, 5)  # loaded rows cannot be deleted
    delete_point(s, d)
    assert s.n_total == n + 1 and s.row(n)["age"] == 33  # the later added point moved down one id
    assert [r.change for r in s.history(n)] == ["new (medians/modes)", "age 37 → 33"]
    apply_edits(s, n, {"age": 40, "sex": "Female"})
    assert s.history(n)[-1].change == "age 33 → 40; sex Male → Female"


def test_save_edits_atomically_and_read_back(adult_session, tmp_path, fresh_session):
    s = fresh_session(adult_session)
    with pytest.raises(WitError):
        s.save_edits(tmp_path / "none.csv")  # nothing to save yet
    edit_text(s, 4, "age", "61")
    edit_text(s, 4, "occupation", "Sales")
    new = duplicate_point(s, 4)
    path = tmp_path / "edits.csv"
    assert s.save_edits(path, thresholds=[0.5, 0.5]) == 2
    assert not s.has_unsaved_edits
    assert sorted(os.listdir(tmp_path)) == ["edits.csv"]  # the temp file was renamed, not left behind
    back = pd.read_csv(path)
    assert list(back.columns[: len(s.data.columns)]) == list(s.data.columns)
    assert back["wit_id"].tolist() == [4, new]
    assert back["wit_status"].tolist() == ["edited", "added"]
    assert back["age"].tolist() == [61, 61] and back["occupation"].tolist() == ["Sales", "Sales"]
    assert back["income"].tolist() == [s.truth(4)] * 2
    score = float(s.point_scores(4)[0].score[0])
    assert back["wit_logreg_score"].iloc[0] == pytest.approx(score)
    assert back["wit_logreg_prediction"].iloc[0] == (">50K" if score >= 0.5 else "<=50K")
    with pytest.raises(WitError):
        s.save_edits(tmp_path / "no-such-dir" / "x.csv")
    with pytest.raises(WitError):
        s.save_edits(tmp_path)


def test_multiclass_and_regression_edits(wine_session, diabetes_session, fresh_session):
    w = fresh_session(wine_session)
    e = edit_text(w, 0, "proline", "1500")
    assert len(e.run.probas[0]) == 3 and math.isclose(sum(e.run.probas[0]), 1.0)
    d = fresh_session(diabetes_session)
    e = step_feature(d, 0, "bmi", 5)
    spec = feature_spec(d, "bmi")
    assert d.row(0)["bmi"] == pytest.approx(diabetes_session.data["bmi"][0] + 5 * spec.step)
    est = d.models[0].estimator
    expect = est.predict(pd.DataFrame([d.row(0)])[d.model_columns[0]])[0]
    assert e.run.scores[0] == pytest.approx(expect)
