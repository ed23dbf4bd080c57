"""The one scalar helper, missing check and equality the engine and the UI share."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wit_tui.engine.core.columns import frame_like, is_numeric
from wit_tui.engine.core.values import is_missing, py, same

MISSING = [None, float("nan"), np.float64("nan"), np.float32("nan"), pd.NA, pd.NaT]


@pytest.mark.parametrize("value", MISSING)
def test_every_missing_value_is_missing_and_becomes_none(value) -> None:
    assert is_missing(value)
    assert py(value) is None


@pytest.mark.parametrize("value", ["", "nan", "NA", 0, 0.0, False, [None], (float("nan"),), np.array([np.nan])])
def test_strings_numbers_and_containers_are_not_missing(value) -> None:
    assert not is_missing(value)


@given(st.one_of(st.integers(-(2**62), 2**62), st.floats(allow_nan=False), st.booleans()))
def test_py_unwraps_numpy_scalars_to_equal_python_values(value) -> None:
    wrapped = np.asarray(value)[()]
    out = py(wrapped)
    assert not isinstance(out, np.generic)
    assert out == value and type(out) is type(value)


@given(st.one_of(st.integers(), st.floats(allow_nan=False), st.text(), st.none()))
def test_same_is_reflexive_and_symmetric(value) -> None:
    assert same(value, value)
    assert same(value, "x") == same("x", value)


@given(st.integers(-(2**31), 2**31))
def test_same_treats_numpy_and_python_numbers_alike(value) -> None:
    assert same(np.int64(value), float(value))
    assert same(value, np.float64(value))


def test_same_missing_values_are_equal_to_each_other_only() -> None:
    for a in MISSING:
        for b in MISSING:
            assert same(a, b)
        assert not same(a, 0)
        assert not same("missing", a)


def test_same_incomparable_values_differ_instead_of_raising() -> None:
    class Boom:
        def __eq__(self, other):
            raise TypeError("no")

    assert not same(Boom(), 1)
    assert not same("40", 40)


def test_is_numeric_counts_numbers_not_booleans_or_text() -> None:
    assert is_numeric(pd.Series([1, 2]))
    assert is_numeric(pd.Series([1.5, math.nan]))
    assert is_numeric(pd.Series([1, None], dtype="Int64"))
    assert not is_numeric(pd.Series([True, False]))
    assert not is_numeric(pd.Series(["a", "b"]))
    assert not is_numeric(pd.Series(["a", "b"], dtype="category"))


def test_frame_like_keeps_the_loaded_dtypes() -> None:
    data = pd.DataFrame(
        {
            "age": np.array([30, 40], dtype=np.int64),
            "job": pd.Categorical(["a", "b"]),
            "ok": [True, False],
            "score": [0.5, 1.5],
        }
    )
    out = frame_like(data, {"age": [41, 42.0], "job": ["b", None], "ok": [True, None], "score": [None, 2]})
    assert out["age"].dtype == np.int64
    assert isinstance(out["job"].dtype, pd.CategoricalDtype) and out["job"].isna().tolist() == [False, True]
    assert out["ok"].dtype == object
    assert out["score"].isna().tolist() == [True, False]
    ages = frame_like(data, {"age": [41, None]})["age"]
    assert ages.dtype == np.float64 and math.isnan(ages.iloc[1])
