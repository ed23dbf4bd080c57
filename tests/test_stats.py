"""Feature statistics and histograms checked against pandas and numpy on the real Adult test split."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from wit_tui.engine.stats import dataset_stats, feature_stats, histogram, is_numeric


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
                assert dict(zip(h.labels, h.counts.tolist())) == {f"{v:g}": int(n) for v, n in ref.items()}
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
        got = dict(zip(h.labels[:shown], h.counts[:shown].tolist()))
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
