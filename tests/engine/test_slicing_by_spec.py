"""Slices people mean: explicit bucket edges (equal to pd.cut), count-like features by value, filter expressions
as slices (equal to the filter's rows), and one SliceSpec naming any of them, round-tripped as a plain dict."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wit_tui.engine.analysis.worst_slices import feature_parts
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.edge_slices import check_edges, edge_slices, parse_buckets
from wit_tui.engine.predicate_slices import predicate_slices
from wit_tui.engine.slice_spec import SliceSpec
from wit_tui.engine.slicing import feature_slices, slice_by
from wit_tui.engine.spec_slicing import spec_slicing_of
from wit_tui.engine.whatif.filtering import evaluate

# -- edges ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feature", "edges"),
    [("age", (17, 25, 45, 65, 90)), ("hours_per_week", (1, 20, 40, 60, 99)), ("capital_gain", (0, 1, 5000, 99999))],
)
def test_edges_slicing_is_pd_cut_with_the_same_bins(adult_session, feature, edges):
    series = adult_session.data[feature]
    fs = edge_slices(series, edges)
    expected = pd.cut(series, bins=list(edges), right=True, include_lowest=True)
    assert fs.kind == "edges"
    assert not expected.isna().any()  # the edges span the column: every row is in a bucket
    np.testing.assert_array_equal(fs.codes, expected.cat.codes.to_numpy())
    np.testing.assert_array_equal(fs.counts, expected.value_counts(sort=False).to_numpy())
    np.testing.assert_array_equal(fs.edges, edges)


def test_values_outside_the_edges_get_their_own_slices_where_pd_cut_drops_them(adult_session):
    series = adult_session.data["age"]
    fs = edge_slices(series, (0, 1, 3, 10, 30, 60))
    expected = pd.cut(series, bins=[0, 1, 3, 10, 30, 60], right=True, include_lowest=True)
    inside = expected.notna().to_numpy()
    # inside the edges the codes are pd.cut's; the buckets no age falls in stay listed (a saved slicing keeps them)
    np.testing.assert_array_equal(fs.codes[inside], expected.cat.codes.to_numpy()[inside])
    assert fs.labels == ("[0, 1]", "(1, 3]", "(3, 10]", "(10, 30]", "(30, 60]", "(60, inf)")
    assert fs.counts[-1] == (series > 60).sum() == (~inside).sum()
    below = edge_slices(series, (30, 60))
    assert below.labels == ("(-inf, 30)", "[30, 60]", "(60, inf)")
    np.testing.assert_array_equal(
        below.counts, [(series < 30).sum(), series.between(30, 60).sum(), (series > 60).sum()]
    )


def test_edges_keep_missing_values_apart():
    fs = edge_slices(pd.Series([0.0, 0.5, np.nan, 3.0, 12.0], name="x"), (0, 1, 3, 10))
    assert fs.labels == ("[0, 1]", "(1, 3]", "(3, 10]", "(10, inf)", "(missing)")
    np.testing.assert_array_equal(fs.codes, [0, 0, 4, 1, 3])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4", 4),
        (" 10 ", 10),
        ("0, 1, 3, 10", (0.0, 1.0, 3.0, 10.0)),
        ("0 1.5 2", (0.0, 1.5, 2.0)),
        ("-1,0", (-1.0, 0.0)),
    ],
)
def test_n_reads_a_count_or_edges(text, expected):
    assert parse_buckets(text) == expected


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("", "bucket count or bucket edges"),
        ("four", "neither a bucket count"),
        ("0", "whole number from 1 to 1000"),
        ("0, 3, 1", "must increase: 3 is followed by 1"),
        ("0, 1, 1", "must increase"),
        ("0, x", "'x' is not a number"),
        ("0, inf", "finite"),
    ],
)
def test_bad_bucket_text_says_what_is_wrong(text, says):
    with pytest.raises(WitError, match=says):
        parse_buckets(text)


@pytest.mark.bad_input
def test_edges_on_a_text_feature_are_refused(adult_session):
    with pytest.raises(WitError, match="sex is not numeric"):
        edge_slices(adult_session.data["sex"], (0, 1))
    with pytest.raises(WitError, match="at least two"):
        check_edges([3])


# -- count-like features -------------------------------------------------------------------------------------


def compas_like_juv_fel_count(n: int = 6000, seed: int = 0) -> pd.Series:
    """Mostly 0, a handful of small counts and a rare 20, as a juvenile felony count looks (11 distinct values)."""
    rng = np.random.default_rng(seed)
    values = np.array([0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 20])
    p = np.array([0.94, 0.035, 0.012, 0.005, 0.003, 0.002, 0.001, 0.0007, 0.0006, 0.0004, 0.0003])
    x = rng.choice(values, size=n, p=p / p.sum())
    x[: len(values)] = values  # every value present
    return pd.Series(x, name="juv_fel_count")


def test_a_count_like_feature_is_sliced_by_value_not_collapsed():
    series = compas_like_juv_fel_count()
    assert pd.qcut(series, 4, duplicates="drop").cat.categories.size == 1  # what quantiles would do
    fs = feature_slices(series, 4)
    assert fs.kind == "discrete"
    assert fs.values == (0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 20)
    np.testing.assert_array_equal(fs.counts, series.value_counts().sort_index().to_numpy())
    # a count whose quartiles tie but not into one bucket is still split by value (0 and 1 are not merged)
    mostly_small = pd.Series([0] * 60 + [1] * 30 + [2] * 5 + [3] * 3 + [4, 5], name="n")
    assert pd.qcut(mostly_small, 4, duplicates="drop").cat.categories.size == 2
    assert feature_slices(mostly_small, 4).labels == ("0", "1", "2", "3", "4", "5")


def test_whole_numbers_with_many_values_or_untied_quantiles_keep_quantile_buckets(adult_session):
    assert feature_slices(adult_session.data["education_num"], 4).kind == "quantile"  # 16 values, edges distinct
    assert feature_slices(adult_session.data["hours_per_week"], 4).kind == "quantile"  # 89 values
    assert feature_slices(pd.Series(np.arange(30) % 7 + 0.5), 4).kind == "quantile"  # not whole numbers
    # education_num in deciles ties (many people at 9 and 10): 16 values, one slice each
    ed = adult_session.data["education_num"]
    assert pd.qcut(ed, 10, duplicates="drop").cat.categories.size < 10
    fs = feature_slices(ed, 10)
    assert fs.kind == "discrete" and fs.values == tuple(range(1, 17))


def test_worst_slices_no_longer_skip_count_like_and_tied_features(adult_session):
    frame = pd.DataFrame({"juv_fel_count": compas_like_juv_fel_count(len(adult_session.data))})
    frame["capital_gain"] = adult_session.data["capital_gain"].to_numpy()
    frame["capital_loss"] = adult_session.data["capital_loss"].to_numpy()
    parts, skipped = feature_parts(frame, list(frame.columns), 4)
    assert skipped == []
    assert [p.n_slices for p in parts] == [11, 2, 2]


# -- predicates ----------------------------------------------------------------------------------------------

EXPRESSIONS = [
    "age >= 65",
    'age >= 65 and sex == "Female"',
    'workclass is missing or education in ["Bachelors", "Masters"]',
    "capital_gain > 0",
    "18 <= age < 30",
    'not (race == "White")',
    "hours_per_week != 40 and education_num > 12",
]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.sampled_from(EXPRESSIONS), rows=st.integers(0, 2**32 - 1), cross_with=st.sampled_from([(), ("sex",)]))
def test_predicate_slices_are_the_filters_rows(adult_session, text, rows, cross_with):
    data = adult_session.data
    keep = np.random.default_rng(rows).random(len(data)) < 0.7
    slicing = spec_slicing_of(data, SliceSpec(cross_with, where=text), rows=keep)
    match, rest = evaluate(text, data), evaluate(f"not ({text})", data)
    assert not (match & rest).any() and (match | rest).all()
    for k in range(slicing.n_slices):
        key = dict(slicing.keys[k])
        want = match if key["where"] == text else rest
        assert key["where"] in (text, f"not ({text})")
        for f in cross_with:
            want = want & (data[f] == key[f]).to_numpy()
        np.testing.assert_array_equal(slicing.codes == k, want & keep)
    assert slicing.counts.sum() == keep.sum()


def test_predicate_slice_names_and_keys(adult_session):
    fs = predicate_slices(adult_session.data, ' age >= 65 and sex == "Female" ')
    assert fs.kind == "predicate"
    assert fs.labels == ('age >= 65 and sex == "Female"', 'not (age >= 65 and sex == "Female")')
    slicing = spec_slicing_of(adult_session.data, SliceSpec(where="age >= 65"))
    assert slicing.keys == ((("where", "age >= 65"),), (("where", "not (age >= 65)"),))
    assert slicing.name(0) == "where:age >= 65"
    assert slicing.counts.tolist() == [(adult_session.data["age"] >= 65).sum(), (adult_session.data["age"] < 65).sum()]
    nobody = spec_slicing_of(adult_session.data, SliceSpec(where="age > 200"))
    assert nobody.keys == ((("where", "not (age > 200)"),),)  # an empty slice is not listed


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "says"),
    [("agee > 3", "agee"), ("age > ", "Bad filter"), ('sex > "F"', "only ==, !=, in"), ("  ", "empty")],
)
def test_a_bad_expression_gives_the_filters_message(adult_session, text, says):
    with pytest.raises(WitError, match=says) as got:
        spec_slicing_of(adult_session.data, SliceSpec(where=text))
    if text.strip():
        with pytest.raises(WitError) as filt:
            evaluate(text, adult_session.data)
        assert got.value.message == filt.value.message


# -- the spec ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "spec",
    [
        SliceSpec(),
        SliceSpec(("sex",)),
        SliceSpec(("age", "race"), 5, True),
        SliceSpec(("age",), edges={"age": (0.0, 30.0, 60.0)}, where="sex == 'Male'"),
    ],
)
def test_a_spec_round_trips_as_a_plain_dict(spec):
    d = spec.to_dict()
    assert all(isinstance(v, (list, dict, str, int, bool)) for v in d.values())
    assert SliceSpec.from_dict(d) == spec
    assert SliceSpec.from_dict(d).key() == spec.key()


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("d", "says"),
    [
        ({"featurs": []}, "unknown key 'featurs'"),
        ({"features": "sex"}, "slicing.features must be a list"),
        ({"buckets": 0}, "slicing.buckets must be a whole number"),
        ({"edges": {"age": [3, 1]}}, "slicing.edges.age: Bucket edges must increase"),
        ({"where": 3}, "slicing.where must be a filter expression"),
    ],
)
def test_a_bad_spec_dict_names_the_key(d, says):
    with pytest.raises(WitError, match=says):
        SliceSpec.from_dict(d)


@pytest.mark.parametrize("features", [(), ("sex",), ("age", "race"), ("capital_gain", "sex")])
@pytest.mark.parametrize("equal_width", [False, True])
def test_spec_slicing_without_edges_or_predicate_is_slice_by(adult_session, features, equal_width):
    data = adult_session.data
    rows = (data["age"] > 30).to_numpy()
    got = spec_slicing_of(data, SliceSpec(features, 5, equal_width), rows=rows)
    want = slice_by(data, features, 5, rows=rows, equal_width=equal_width)
    np.testing.assert_array_equal(got.codes, want.codes)
    assert got.keys == want.keys and got.labels == want.labels


def test_a_pinned_spec_gives_the_same_slices_on_the_same_data_and_places_new_values(adult_session):
    data = adult_session.data
    spec = SliceSpec(("age", "sex"))
    first = spec_slicing_of(data, spec)
    pinned = spec.pinned(first.edges)
    assert pinned.edges == {"age": first.edges["age"]}
    again = spec_slicing_of(data, pinned)
    np.testing.assert_array_equal(again.codes, first.codes)
    assert again.keys == first.keys
    other = pd.DataFrame({"age": [5, 17, 50, 95], "sex": ["Male"] * 4})
    names = [spec_slicing_of(other, pinned).name(k) for k in range(4)]
    assert names == [
        "age_X_sex:(-inf, 17)_X_Male",
        "age_X_sex:[17, 28]_X_Male",
        "age_X_sex:(48, 90]_X_Male",
        "age_X_sex:(90, inf)_X_Male",
    ]


@pytest.mark.bad_input
def test_edges_for_a_feature_the_spec_does_not_slice_by_are_refused(adult_session):
    with pytest.raises(WitError, match="does not use"):
        spec_slicing_of(adult_session.data, SliceSpec(("sex",), edges={"age": (0.0, 1.0)}))
