"""Feature statistics and histograms checked against pandas and numpy on the real Adult test split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from wit_tui.engine.analysis.stats import dataset_stats, feature_stats, histogram
from wit_tui.engine.core.columns import is_numeric


@pytest.fixture(scope="module")
def adult_demo(request):
    """conftest's ``adult_session``, trained (if not yet) with one OpenMP thread.

    The demo's gradient boosting uses every core through OpenMP; on a busy
    machine its spinning threads can make the first training ten times
    slower. The session is still the one conftest builds and shares.
    """
    import sklearn.ensemble  # noqa: F401  (loads the OpenMP runtime so the limit applies to it)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        return request.getfixturevalue("adult_session")


@pytest.fixture(scope="module")
def adult(adult_demo):
    return adult_demo.data, list(adult_demo.features)


@pytest.fixture(scope="module")
def adult_stats(adult):
    data, features = adult
    return {s.name: s for s in dataset_stats(data, features)}


def _numeric(data, features):
    return [c for c in features if is_numeric(data[c])]


def _categorical(data, features):
    return [c for c in features if not is_numeric(data[c])]


def test_columns_split_as_pandas_does(adult, adult_stats):
    data, features = adult
    assert list(adult_stats) == features
    numeric = _numeric(data, features)
    categorical = _categorical(data, features)
    assert numeric == list(data[features].describe().columns)
    assert set(categorical) == set(data[features].describe(include="category").columns)
    assert numeric and categorical
    for c in numeric:
        assert adult_stats[c].kind == "numeric"
    for c in categorical:
        assert adult_stats[c].kind == "categorical"


def test_numeric_stats_match_describe(adult, adult_stats):
    data, features = adult
    numeric = _numeric(data, features)
    ref = data[numeric].describe()
    for c in numeric:
        s = adult_stats[c]
        assert s.count == ref.loc["count", c]
        for field, row in [("mean", "mean"), ("std", "std"), ("min", "min"), ("median", "50%"), ("max", "max")]:
            np.testing.assert_allclose(getattr(s, field), ref.loc[row, c], rtol=1e-9, err_msg=f"{c}.{field}")
        np.testing.assert_allclose(s.zeros_pct, 100.0 * (data[c] == 0).sum() / len(data), rtol=1e-12)
        assert s.unique == data[c].nunique()


def test_categorical_stats_match_describe(adult, adult_stats):
    data, features = adult
    categorical = _categorical(data, features)
    ref = data[categorical].describe(include="all")
    for c in categorical:
        s = adult_stats[c]
        assert s.count == ref.loc["count", c], c
        assert s.unique == ref.loc["unique", c], c
        assert s.top == str(ref.loc["top", c]), c
        assert s.freq == ref.loc["freq", c], c


def test_missing_counts_match_isna(adult, adult_stats):
    data, features = adult
    missing = data[features].isna().sum()
    assert missing.sum() > 0  # the Adult test split has missing workclass/occupation/country
    for c in features:
        s = adult_stats[c]
        assert s.missing == missing[c], c
        assert s.count + s.missing == len(data)
        np.testing.assert_allclose(s.missing_pct, 100.0 * missing[c] / len(data), rtol=1e-12)


def test_numeric_histogram_matches_numpy(adult):
    data, features = adult
    checked = 0
    for c in _numeric(data, features):
        for bins in (10, 20):
            h = histogram(data[c], bins=bins)
            values = data[c].dropna().to_numpy(dtype=np.float64)
            if h.edges is None:  # few integer values: one bar per value
                ref = data[c].value_counts()
                assert dict(zip(h.labels, h.counts.tolist(), strict=True)) == {f"{v:g}": int(n) for v, n in ref.items()}
                continue
            counts, edges = np.histogram(values, bins=bins)
            np.testing.assert_array_equal(h.counts, counts, err_msg=c)
            np.testing.assert_allclose(h.edges, edges, rtol=1e-12)
            assert h.missing == 0
            checked += 1
    assert checked >= 8


def test_numeric_histogram_with_missing_values(adult):
    data, _ = adult
    age = data["age"].astype(np.float64).copy()
    age.iloc[::7] = np.nan
    h = histogram(age, bins=15)
    counts, edges = np.histogram(age.dropna().to_numpy(), bins=15)
    np.testing.assert_array_equal(h.counts, counts)
    np.testing.assert_allclose(h.edges, edges, rtol=1e-12)
    assert h.missing == age.isna().sum()


def test_few_integer_values_get_one_bar_each():
    series = pd.Series([3, 1, 3, 2, 3, None, 1], dtype="Int64")
    h = histogram(series)
    ref = series.value_counts().sort_index()
    assert h.labels == tuple(f"{v:g}" for v in ref.index)
    np.testing.assert_array_equal(h.counts, ref.to_numpy())
    assert h.missing == 1


@pytest.mark.parametrize("top", [5, 15])
def test_categorical_histogram_matches_value_counts(adult, top):
    data, features = adult
    saw_other = False
    for c in _categorical(data, features):
        h = histogram(data[c], top=top)
        ref = data[c].value_counts()
        ref = ref[ref > 0]
        shown = min(top, len(ref))
        got = dict(zip(h.labels[:shown], h.counts[:shown].tolist(), strict=True))
        assert got == {str(k): int(v) for k, v in ref.iloc[:shown].items()}, c
        # the bars shown are the most frequent values
        rest = ref.iloc[shown:]
        if len(rest):
            saw_other = True
            assert min(got.values()) >= rest.max()
            assert len(h.labels) == shown + 1
            assert h.labels[-1] == f"(other {len(rest)})"
            assert h.counts[-1] == rest.sum()
        else:
            assert len(h.labels) == shown
        assert h.counts.sum() == data[c].notna().sum()
        assert h.missing == data[c].isna().sum()
    assert saw_other  # native_country has 40 values, more than either `top`


def test_string_dtype_column_is_categorical():
    series = pd.Series(["a", "b", "a", None, "c", "a"])
    s = feature_stats(series, "s")
    ref = series.describe()
    assert s.kind == "categorical"
    assert (s.count, s.unique, s.top, s.freq) == (ref["count"], ref["unique"], ref["top"], ref["freq"])
    assert s.missing == 1


def test_boolean_column_is_categorical():
    s = feature_stats(pd.Series([True, False, True, True]), "b")
    assert s.kind == "categorical" and s.top == "True" and s.freq == 3


floats_with_nans = hnp.arrays(
    np.float64,
    st.integers(min_value=0, max_value=60),
    elements=st.one_of(
        st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False),
        st.just(np.nan),
    ),
)


@settings(max_examples=150, deadline=None, database=None)
@given(floats_with_nans)
def test_feature_stats_match_numpy_nan_functions(values):
    s = feature_stats(pd.Series(values), "x")
    n_valid = int(np.count_nonzero(~np.isnan(values)))
    assert s.kind == "numeric"
    assert s.count == n_valid
    assert s.count + s.missing == len(values)
    if n_valid == 0:
        for field in ("mean", "std", "min", "median", "max"):
            assert np.isnan(getattr(s, field))
        return
    tol = {"rtol": 1e-9, "atol": 1e-6}
    np.testing.assert_allclose(s.mean, np.nanmean(values), **tol)
    np.testing.assert_allclose(s.min, np.nanmin(values), rtol=0, atol=0)
    np.testing.assert_allclose(s.max, np.nanmax(values), rtol=0, atol=0)
    np.testing.assert_allclose(s.median, np.nanmedian(values), **tol)
    if n_valid > 1:
        np.testing.assert_allclose(s.std, np.nanstd(values, ddof=1), **tol)
    else:
        assert np.isnan(s.std)


# -- the Features table: entropy, non-uniformity, flags, one-pass profile, split histograms -------------------
from scipy.stats import entropy as scipy_entropy  # noqa: E402

from wit_tui.engine.analysis.split_histograms import split_groups, split_histogram  # noqa: E402
from wit_tui.engine.analysis.stats import dataset_profile, edited_frame, non_uniformity  # noqa: E402


def test_categorical_entropy_matches_scipy(adult, adult_stats):
    data, features = adult
    for c in _categorical(data, features):
        counts = data[c].value_counts()
        counts = counts[counts > 0].to_numpy()
        np.testing.assert_allclose(adult_stats[c].entropy, scipy_entropy(counts, base=2), rtol=1e-12)
        k = len(counts)
        expected = 1.0 - scipy_entropy(counts) / np.log(k) if k > 1 else 1.0
        np.testing.assert_allclose(adult_stats[c].non_uniformity, expected, rtol=1e-9, atol=1e-12)


def test_numeric_non_uniformity_uses_ten_equal_width_buckets(adult, adult_stats):
    data, features = adult
    for c in _numeric(data, features):
        counts, _ = np.histogram(data[c].dropna(), bins=10)
        p = counts[counts > 0] / counts.sum()
        np.testing.assert_allclose(
            adult_stats[c].non_uniformity, 1 + (p * np.log(p)).sum() / np.log(10), rtol=1e-9, atol=1e-12
        )


def test_non_uniformity_hand_checked():
    assert non_uniformity(np.array([5, 5, 5, 5])) == 0.0  # even spread
    assert non_uniformity(np.array([7])) == 1.0  # a single value
    assert non_uniformity(np.array([9, 0])) == 1.0  # everything in one of two buckets
    assert non_uniformity(np.array([3, 1])) == pytest.approx(
        1 - (0.75 * np.log(0.75) + 0.25 * np.log(0.25)) / -np.log(2)
    )
    assert np.isnan(non_uniformity(np.zeros(3)))


def test_red_flags_on_adult(adult_stats):
    assert adult_stats["workclass"].flags == ("missing 5.9%",)  # Facets: more than 2% missing
    assert adult_stats["native_country"].flags == ()  # 1.7% missing is under the bar
    assert adult_stats["capital_gain"].flags == (f"zeros {adult_stats['capital_gain'].zeros_pct:.0f}%",)
    assert adult_stats["age"].flags == ()


def test_flags_for_constant_missing_and_infinite_columns():
    frame = pd.DataFrame(
        {
            "const": [4.0] * 10,
            "empty": [np.nan] * 10,
            "cat1": ["x"] * 10,
            "inf": [1.0, np.inf, 2.0, 3.0, -np.inf, 1.0, 2.0, 5.0, 1.0, 0.5],
        }
    )
    p = dataset_profile(frame, list(frame.columns)).by_name()
    assert p["const"].flags == ("single value",) and p["const"].non_uniformity == 1.0
    assert p["empty"].flags == ("all missing",) and p["empty"].count == 0 and np.isnan(p["empty"].non_uniformity)
    assert p["cat1"].flags == ("single value",)
    assert p["inf"].flags == ("2 non-finite",)
    assert p["inf"].min == -np.inf and p["inf"].max == np.inf  # as pandas' describe


def test_profile_equals_stats_and_histograms(adult):
    data, features = adult
    profile = dataset_profile(data, features, bins=13)
    assert list(profile.stats) == dataset_stats(data, features)
    for c in features:
        ours, ref = profile.histograms[c], histogram(data[c], bins=13)
        np.testing.assert_array_equal(ours.counts, ref.counts)
        assert ours.labels == ref.labels and ours.missing == ref.missing
        if ref.edges is not None:
            np.testing.assert_array_equal(ours.edges, ref.edges)
            np.testing.assert_array_equal(ours.counts, np.histogram(data[c].dropna(), bins=13)[0])


@pytest.mark.parametrize("column", ["age", "education_num", "workclass", "native_country"])
def test_split_histogram_counts_each_group(adult, adult_demo, column):
    data, _ = adult
    y = adult_demo.y
    codes = np.where(y == ">50K", 1, 0)
    codes[::97] = -1  # rows in no group are left out
    hist = histogram(data[column], bins=12)
    split = split_histogram(data[column], hist, codes, ("<=50K", ">50K"))
    for g in (0, 1):
        part = data[column][codes == g]
        if hist.edges is not None:
            np.testing.assert_array_equal(split.counts[g], np.histogram(part.dropna(), bins=hist.edges)[0])
        elif hist.values is not None:
            np.testing.assert_array_equal(split.counts[g], [(part == v).sum() for v in hist.values])
        else:
            shown = {lab: k for k, lab in enumerate(hist.labels)}
            vc = part.astype(str)[part.notna()].value_counts()
            for value, n in vc.items():
                k = shown.get(value, len(hist.labels) - 1)
                assert split.counts[g, k] >= n if k == len(hist.labels) - 1 else split.counts[g, k] == n
            assert split.counts[g].sum() == part.notna().sum()
        assert split.missing[g] == part.isna().sum()
    np.testing.assert_allclose(split.shares().sum(axis=1), 1.0)


def test_split_groups_keeps_the_largest(adult):
    data, _ = adult
    codes, labels = split_groups(data["native_country"], max_groups=4)
    assert labels[-1].startswith("(other ") and len(labels) == 4
    assert "United-States" in labels and codes.max() == 3
    codes, labels = split_groups(data["age"])
    assert len(labels) == 4  # quartile buckets, as slicing makes them


def test_edited_frame_keeps_types(adult):
    data, features = adult
    rows = [dict(data.iloc[0][features]), {**dict(data.iloc[1][features]), "age": "41"}]
    frame = edited_frame(rows, data, features)
    assert isinstance(frame["workclass"].dtype, pd.CategoricalDtype)
    assert frame["age"].tolist() == [data["age"].iloc[0], 41]
    assert dataset_profile(frame, features).stats[0].count == 2


def test_a_span_too_narrow_for_ten_float_edges_still_gets_statistics_and_a_histogram():
    """0 and the smallest subnormal: numpy cannot cut 10 finite-sized bins there; the profile uses fewer."""
    values = np.array([0.0, 5e-324, 0.0])
    with pytest.raises(ValueError, match="Too many bins"):
        np.histogram(values, bins=10)
    s = feature_stats(pd.Series(values), "x")
    assert s.count == 3 and s.min == 0.0 and s.max == 5e-324
    assert 0.0 <= s.non_uniformity <= 1.0
