"""Slices equal pandas' own grouping on the real Adult test split: pd.qcut buckets, categories, crosses, missing."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.slicing import (
    MISSING_LABEL,
    feature_slices,
    group_rows,
    slice_by,
    slice_name,
    value_mask,
)
from wit_tui.engine.validation.slicing_specs import spec_slicing


@pytest.mark.parametrize(
    ("feature", "buckets"),
    [(f, b) for f in ["age", "fnlwgt", "hours_per_week"] for b in [2, 4, 5, 10]]
    + [("education_num", 2), ("education_num", 4)],
)
def test_numeric_buckets_are_pd_qcut(adult_session, feature, buckets):
    series = adult_session.data[feature]
    fs = feature_slices(series, buckets)
    expected, bins = pd.qcut(series, q=buckets, duplicates="drop", retbins=True)
    assert fs.kind == "quantile"
    np.testing.assert_array_equal(fs.codes, expected.cat.codes.to_numpy())
    np.testing.assert_allclose(fs.edges, bins, rtol=1e-15, atol=0)  # numpy vs pandas interpolation: last bit
    np.testing.assert_array_equal(fs.counts, expected.value_counts(sort=False).to_numpy())
    assert fs.labels[0].startswith("[") and all(lab.startswith("(") for lab in fs.labels[1:])


def test_age_quartile_labels_show_exact_edges(adult_session):
    fs = feature_slices(adult_session.data["age"], 4)
    assert fs.labels == ("[17, 28]", "(28, 37]", "(37, 48]", "(48, 90]")
    assert fs.counts.sum() == adult_session.n_rows


def test_a_tie_that_leaves_one_quantile_bucket_is_split_around_the_tied_value(adult_session):
    """capital_gain is 0 for ~92% of people: qcut(duplicates='drop') gives one bucket, which says nothing; the
    tied value is a slice of its own and the rest another, with the rows pandas puts at and above it."""
    series = adult_session.data["capital_gain"]
    assert pd.qcut(series, 4, duplicates="drop").cat.categories.size == 1
    fs = feature_slices(series, 4)
    assert fs.kind == "tie"
    assert fs.labels == ("0", "(0, 99999]")
    assert fs.values == (0, "(0, 99999]")
    np.testing.assert_array_equal(fs.counts, [(series == 0).sum(), (series > 0).sum()])
    np.testing.assert_array_equal(fs.codes, (series > 0).to_numpy().astype(int))
    mask, _, _ = value_mask(series, "(0, 99999]")
    np.testing.assert_array_equal(mask, (series > 0).to_numpy())


def test_numeric_with_few_values_gets_one_slice_per_value():
    series = pd.Series([0, 1, 1, 0, 1, np.nan, 1], name="flag")
    fs = feature_slices(series, 4)
    assert fs.kind == "discrete"
    assert fs.labels == ("0", "1", MISSING_LABEL)
    assert fs.values == (0, 1, None)
    np.testing.assert_array_equal(fs.codes, [0, 1, 1, 0, 1, 2, 1])
    np.testing.assert_array_equal(fs.counts, [2, 4, 1])
    # five distinct values and 4 buckets: quantile buckets again
    assert feature_slices(pd.Series([1.0, 2, 3, 4, 5]), 4).kind == "quantile"


def test_categorical_slices_follow_category_order_and_missing_is_last(adult_session):
    series = adult_session.data["workclass"]
    fs = feature_slices(series, 4)
    present = [c for c in series.cat.categories if (series == c).any()]
    assert fs.labels == (*present, MISSING_LABEL)
    expected = series.value_counts(dropna=False)
    for label, count in zip(fs.labels, fs.counts, strict=True):
        assert count == (expected[np.nan] if label == MISSING_LABEL else expected[label])
    assert fs.counts.sum() == len(series)


def test_object_and_bool_columns_sorted():
    fs = feature_slices(pd.Series(["b", "a", None, "b"]), 4)
    assert fs.labels == ("a", "b", MISSING_LABEL)
    np.testing.assert_array_equal(fs.codes, [1, 0, 2, 1])
    fb = feature_slices(pd.Series([True, False, True]), 4)
    assert fb.kind == "categorical" and fb.labels == ("False", "True")


def test_cross_of_two_features_equals_groupby(adult_session):
    data = adult_session.data
    s = slice_by(data, ["sex", "race"])
    sizes = data.groupby(["race", "sex"], observed=True).size()
    assert s.n_slices == len(sizes)
    for k in range(s.n_slices):
        key = dict(s.keys[k])
        assert [f for f, _ in s.keys[k]] == ["race", "sex"]  # TFMA: sorted by feature name
        assert s.counts[k] == sizes[(key["race"], key["sex"])]
        assert (s.codes == k).sum() == s.counts[k]
    assert s.name(0).startswith("race_X_sex:") and "_X_" in s.name(0).split(":")[1]
    np.testing.assert_array_equal(np.bincount(s.codes, minlength=s.n_slices), s.counts)


def test_cross_with_a_bucketed_numeric_feature_and_a_row_mask(adult_session):
    data = adult_session.data
    rows = (data["sex"] == "Female").to_numpy()
    s = slice_by(data, ["age", "sex"], buckets=4, rows=rows)
    assert s.n_slices == 4  # Female only: the four age quartiles (edges from every row)
    assert (s.codes[~rows] == -1).all()
    assert s.edges["age"] == (17.0, 28.0, 37.0, 48.0, 90.0)
    expected = pd.qcut(data["age"], 4)[rows].value_counts(sort=False).to_numpy()
    np.testing.assert_array_equal(s.counts, expected)


def test_overall_and_names():
    s = slice_by(pd.DataFrame({"a": [1, 2, 3]}), [])
    assert s.n_slices == 1 and s.keys == ((),) and s.name(0) == "Overall"
    assert slice_name((("sex", "Female"),)) == "sex:Female"
    assert slice_name((("race", "White"), ("sex", None))) == f"race_X_sex:White_X_{MISSING_LABEL}"


@pytest.mark.bad_input
def test_bad_slicing_is_a_clear_error(adult_session):
    with pytest.raises(WitError, match="sexx"):
        slice_by(adult_session.data, ["sexx"])
    with pytest.raises(WitError, match="twice"):
        slice_by(adult_session.data, ["sex", "sex"])
    with pytest.raises(WitError, match="buckets"):
        feature_slices(adult_session.data["age"], 0)


def test_spec_slicing_feature_values_and_keys(adult_session):
    data = adult_session.data
    white, why = spec_slicing(data, feature_values=[("race", "White")])
    assert why == "" and white.keys == ((("race", "White"),),)
    assert white.counts[0] == (data["race"] == "White").sum()
    both, _ = spec_slicing(data, feature_keys=["sex"], feature_values=[("race", "White")])
    assert both.keys == ((("race", "White"), ("sex", "Female")), (("race", "White"), ("sex", "Male")))
    assert both.counts.sum() == white.counts[0]
    # a numeric value matches numerically, whether written as a number or as text
    for value in (13, "13", 13.0):
        s, why = spec_slicing(data, feature_values=[("education_num", value)])
        assert s.counts[0] == (data["education_num"] == 13).sum() and s.keys[0] == (("education_num", 13),)
    # a bucket label of a quantile-bucketed feature picks that bucket
    s, _ = spec_slicing(data, feature_values=[("age", "(28, 37]")])
    assert s.counts[0] == ((data["age"] > 28) & (data["age"] <= 37)).sum()


def test_spec_slicing_that_matches_nothing_says_why(adult_session):
    data = adult_session.data
    s, why = spec_slicing(data, feature_values=[("race", "Martian")])
    assert s.n_slices == 0 and "Martian" in why
    s, why = spec_slicing(data, feature_keys=["planet"])
    assert s.n_slices == 0 and "planet" in why
    with pytest.raises(WitError, match="both"):
        spec_slicing(data, feature_keys=["sex"], feature_values=[("sex", "Male")])


def test_value_mask_missing_and_bool():
    series = pd.Series(["x", None, "y"])
    mask, key, label = value_mask(series, MISSING_LABEL)
    np.testing.assert_array_equal(mask, [False, True, False])
    assert key is None and label == MISSING_LABEL
    mask, key, _ = value_mask(pd.Series([True, False, True]), "true")
    np.testing.assert_array_equal(mask, [True, False, True])


def test_group_rows_is_one_stable_sort():
    codes = np.array([2, 0, -1, 2, 1, 0, 2])
    groups = group_rows(codes, 3)
    assert [g.tolist() for g in groups] == [[1, 5], [4], [0, 3, 6]]


def test_an_identifier_column_is_refused_not_sliced(adult_session):
    from wit_tui.engine.slicing import MAX_SLICES, check_slice_count

    frame = pd.DataFrame({"id": [f"row{i}" for i in range(MAX_SLICES + 1)]})
    s = slice_by(frame, ["id"])
    assert s.n_slices == MAX_SLICES + 1
    with pytest.raises(WitError, match="identifier"):
        check_slice_count(s, "--slice id")
    check_slice_count(slice_by(adult_session.data, ["native_country", "occupation"]), "--slice")  # ~400: fine
