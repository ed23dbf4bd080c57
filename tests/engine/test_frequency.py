"""The frequency table of a column (the datapoints screen's F): counts as pandas counts them, accuracy per value as
sklearn scores it, bins on round edges that hold every value, and the filter that selects each row."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import accuracy_score

from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.frequency import MAX_VALUES, Bin, nice_edges, value_frequencies
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.whatif.filter_tokens import value_filter
from wit_tui.engine.whatif.filtering import evaluate


@pytest.fixture(scope="module")
def adult(adult_session):
    adult_session.score_all()
    return adult_session


def test_category_counts_and_accuracy_match_pandas_and_sklearn(adult):
    freq = value_frequencies(adult, "native_country")
    expected = adult.data["native_country"].value_counts(dropna=False)
    got = {r.value: r.count for r in freq.rows}
    assert got == {(None if pd.isna(k) else k): int(v) for k, v in expected.items() if v}  # categories held
    assert [r.count for r in freq.rows] == sorted(got.values(), reverse=True)  # most frequent first
    assert math.isclose(sum(r.share for r in freq.rows), 1.0)
    assert freq.metric == "accuracy" and not freq.binned
    missing = next(r for r in freq.rows if r.value is None)
    assert missing.count == int(adult.data["native_country"].isna().sum()) > 0
    for row in freq.rows[:5]:
        mask = (
            adult.data["native_country"].isna().to_numpy()
            if row.value is None
            else (adult.data["native_country"] == row.value).to_numpy()
        )
        for m in range(2):
            sc = adult.scores(m)
            assert row.metrics[m] == pytest.approx(
                accuracy_score(adult.y[mask].astype(str), sc.label[mask].astype(str))
            )


def test_accuracy_follows_the_decisions_and_only_the_given_rows(adult):
    rows = np.flatnonzero((adult.data["age"] > 40).to_numpy())
    strict = Decisions.initial(adult.default_thresholds).with_thresholds((0.9, 0.9))
    freq = value_frequencies(adult, "sex", rows=rows, decisions=strict)
    assert freq.n_rows == len(rows)
    sub = adult.data.iloc[rows]
    assert {r.value: r.count for r in freq.rows} == sub["sex"].value_counts().to_dict()
    female = next(r for r in freq.rows if r.value == "Female")
    mask = (sub["sex"] == "Female").to_numpy()
    score = adult.scores(0).score[rows][mask]
    pred = np.where(score >= 0.9, adult.task.positive, "<=50K" if adult.task.positive == ">50K" else ">50K")
    assert female.metrics[0] == pytest.approx(accuracy_score(adult.y[rows][mask].astype(str), pred.astype(str)))
    default = value_frequencies(adult, "sex", rows=rows)
    assert next(r for r in default.rows if r.value == "Female").metrics[0] != female.metrics[0]


def test_numeric_column_with_many_values_is_binned_on_round_edges(adult):
    freq = value_frequencies(adult, "age")
    assert freq.binned and all(isinstance(r.value, Bin) for r in freq.rows)
    assert sum(r.count for r in freq.rows) == adult.n_rows
    for row in freq.rows:
        b = row.value
        assert b.low < b.high and (b.low, b.high) == (round(b.low), round(b.high))  # ages bin on whole numbers
        ages = adult.data["age"]
        assert row.count == int(((ages >= b.low) & (ages < b.high)).sum())
        expression = value_filter("age", b.low, b.high)
        assert int(evaluate(expression, adult.data).sum()) == row.count
    few = value_frequencies(adult, "education_num")  # 16 distinct values: one row each
    assert not few.binned and len(few.rows) == adult.data["education_num"].nunique() <= MAX_VALUES


def test_regression_shows_each_models_mean_score(diabetes_session):
    s = diabetes_session
    s.score_all()
    column = s.features[1]
    freq = value_frequencies(s, column)
    assert freq.metric == "mean score"
    for row in freq.rows:
        mask = (s.data[column] == row.value).to_numpy()
        for m in range(len(s.models)):
            assert row.metrics[m] == pytest.approx(float(np.mean(s.scores(m).score[mask])))


def test_edited_points_count_with_their_current_values(adult, fresh_session):
    s = fresh_session(adult)
    before = {r.value: r.count for r in value_frequencies(s, "sex").rows}
    first = s.data["sex"].iloc[0]
    other = "Female" if first == "Male" else "Male"
    s.set_value(0, "sex", other)
    after = {r.value: r.count for r in value_frequencies(s, "sex").rows}
    assert after[first] == before[first] - 1 and after[other] == before[other] + 1


@pytest.mark.bad_input
def test_unknown_column_is_refused_in_words(adult):
    with pytest.raises(WitError, match="no data column 'nope'"):
        value_frequencies(adult, "nope")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=200))
def test_nice_edges_hold_every_value_in_a_bin(values):
    arr = np.array(values)
    edges = nice_edges(arr)
    assert np.all(np.diff(edges) > 0)
    assert edges[0] <= arr.min() and arr.max() < edges[-1]
    assert len(edges) <= 13


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", 'say "hi"', "x\\y"])), min_size=1, max_size=60),
)
def test_every_value_row_is_selected_by_its_filter(values):
    """On random text columns (missing included): counts are pandas' and each row's filter picks exactly it."""
    frame = pd.DataFrame({"my col": pd.Series(values, dtype=object)})
    for value, count in frame["my col"].value_counts(dropna=False).items():
        v = None if pd.isna(value) else value
        assert int(evaluate(value_filter("my col", v), frame).sum()) == int(count)


def _model_on_x() -> object:
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    from wit_tui.engine.data.loading import LoadedModel

    rng = np.random.default_rng(0)
    train = pd.DataFrame({"x": rng.normal(size=200), "c": rng.choice(["p", "q"], size=200)})
    y = np.where(train["x"] + rng.normal(scale=0.5, size=200) > 0, "yes", "no")
    pipe = make_pipeline(ColumnTransformer([("x", "passthrough", ["x"])]), LogisticRegression())
    return LoadedModel("lr", pipe.fit(train, y))


MODEL_ON_X = _model_on_x()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-50, 50, allow_nan=False),
            st.one_of(st.none(), st.sampled_from(["p", "q", "r"])),
            st.sampled_from(["yes", "no"]),
        ),
        min_size=2,
        max_size=80,
    )
)
def test_random_frames_count_as_pandas_and_score_as_sklearn(rows):
    from wit_tui.engine.session.session import Session

    frame = pd.DataFrame(rows, columns=["x", "c", "y"])
    frame["c"] = frame["c"].astype(object)
    s = Session(frame, [MODEL_ON_X], label="y", features=["x", "c"], positive="yes")
    s.score_all()
    freq = value_frequencies(s, "c")
    counts = frame["c"].value_counts(dropna=False)
    assert {r.value: r.count for r in freq.rows} == {(None if pd.isna(k) else k): int(v) for k, v in counts.items()}
    labels = s.scores(0).label
    for row in freq.rows:
        mask = frame["c"].isna().to_numpy() if row.value is None else (frame["c"] == row.value).to_numpy()
        want = accuracy_score(frame["y"][mask].astype(str), labels[mask].astype(str))
        assert row.metrics[0] == pytest.approx(want)
    xs = value_frequencies(s, "x")
    assert sum(r.count for r in xs.rows) == len(frame)
    if frame["x"].nunique() > MAX_VALUES:
        for row in xs.rows:
            assert int(evaluate(value_filter("x", row.value.low, row.value.high), frame).sum()) == row.count
