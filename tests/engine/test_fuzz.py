"""Fuzzing with hypothesis: on valid random input our answers equal the reference library's and never raise;
on invalid input only our own WitError is raised, with a message. Covers the CSV loader, the edit parser, the
filter parser and the metric engine."""

from __future__ import annotations

import math
import string

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm

from wit_tui.engine import WitError, load_data
from wit_tui.engine.metrics.binary import ThresholdIndex
from wit_tui.engine.session.editing import FeatureSpec, parse_value
from wit_tui.engine.whatif.filtering import evaluate

FUZZ = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fails_cleanly(fn, *args):
    """Run fn; the only exception allowed is WitError, and it must say something."""
    try:
        return fn(*args)
    except WitError as exc:
        assert exc.message.strip(), "a WitError without a message"
        return exc


# -- the CSV loader -----------------------------------------------------------------
@pytest.mark.bad_input
@FUZZ
@given(st.binary(max_size=600))
def test_csv_loader_on_random_bytes_returns_a_frame_or_our_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(raw)
    got = _fails_cleanly(load_data, path)
    if isinstance(got, pd.DataFrame):
        assert len(got) >= 1 and all(isinstance(c, str) for c in got.columns)


cell = st.one_of(
    st.integers(-(10**6), 10**6).map(str),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: f"{x:.4g}"),
    st.text(alphabet=string.ascii_letters + " -_", min_size=0, max_size=6),
    st.sampled_from(["", "NA", "?", '"a,b"', '"quoted ""x"""', "é", "ü"]),
)


@pytest.mark.bad_input
@FUZZ
@given(
    header=st.lists(
        st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=5), min_size=1, max_size=5, unique=True
    ),
    rows=st.lists(st.lists(cell, min_size=0, max_size=7), min_size=0, max_size=8),
    sep=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "latin-1"]),
)
def test_csv_loader_on_random_tables(tmp_path_factory, header, rows, sep, encoding):
    """Rectangular tables read as pandas reads them; ragged or empty ones give one WitError."""
    body = [sep.join(header)] + [sep.join(r) for r in rows]
    text = "\n".join(body) + "\n"
    path = tmp_path_factory.mktemp("fuzz") / "data.csv"
    path.write_bytes(text.encode(encoding))
    got = _fails_cleanly(load_data, path)
    rectangular = rows and all(len(r) == len(header) for r in rows)
    if rectangular and sep == "," and encoding == "utf-8" and not any("\n" in c for r in rows for c in r):
        try:
            expected = pd.read_csv(path)
        except Exception:
            assert isinstance(got, WitError)
            return
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, expected.set_axis([str(c) for c in expected.columns], axis=1))


# -- the edit parser ----------------------------------------------------------------
AGE = FeatureSpec("age", "numeric", integer=True, low=17, high=90, median=37, std=13.8, step=1.0)
HOURS = FeatureSpec("hours", "numeric", low=1.0, high=99.0, median=40.0, std=12.0, step=1.0)
SEX = FeatureSpec("sex", "categorical", categories=("Female", "Male"), counts=(5, 9))


@pytest.mark.bad_input
@FUZZ
@given(text=st.text(max_size=30), spec=st.sampled_from([AGE, HOURS, SEX]))
def test_edit_parser_on_any_text(text, spec):
    got = _fails_cleanly(parse_value, spec, text)
    if isinstance(got, WitError):
        return
    if got is None:
        return  # an explicit "missing"
    if spec.kind == "numeric":
        assert isinstance(got, (int, float)) and math.isfinite(got)
        assert float(got) == pytest.approx(float(text.strip().replace(",", "").replace("_", "")))
    else:
        assert got in spec.categories


@FUZZ
@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9))
def test_edit_parser_reads_back_every_number_it_shows(x):
    from wit_tui.engine.session.editing import show

    assert parse_value(HOURS, show(x)) == pytest.approx(x, rel=1e-5)


# -- the filter parser --------------------------------------------------------------
FRAME = pd.DataFrame(
    {
        "age": [25, 40, 61, None],
        "sex": ["Male", "Female", "Female", None],
        "score": [0.1, 0.5, 0.9, 0.3],
    }
)

filter_text = st.one_of(
    st.text(max_size=40),
    st.lists(
        st.sampled_from(
            [
                "age",
                "sex",
                "score",
                "==",
                "!=",
                "<",
                ">=",
                "and",
                "or",
                "not",
                "(",
                ")",
                "in",
                "[",
                "]",
                ",",
                "'Male'",
                '"Female"',
                "40",
                "-1.5e2",
                "is",
                "missing",
                "@x",
                "`a`",
                "__import__('os')",
                ".",
                "lambda",
                "True",
            ]
        ),
        max_size=12,
    ).map(" ".join),
)


@pytest.mark.bad_input
@FUZZ
@given(filter_text)
def test_filter_parser_on_any_text(text):
    got = _fails_cleanly(evaluate, text, FRAME)
    if not isinstance(got, WitError):
        assert got.dtype == bool and got.shape == (len(FRAME),)


# -- the metric engine -----------------------------------------------------------
@pytest.mark.bad_input
@FUZZ
@given(
    data=st.lists(
        st.tuples(st.sampled_from([0.0, 0.2, 0.5, 0.5, 0.7, 1.0]) | st.floats(0, 1), st.booleans()),
        min_size=1,
        max_size=60,
    ),
    threshold=st.floats(0, 1),
)
def test_metrics_at_any_threshold_equal_sklearn(data, threshold):
    score = np.array([s for s, _ in data])
    y = np.array([t for _, t in data])
    m = ThresholdIndex(score, y).at(threshold)
    pred = score >= threshold
    tn, fp, fn, tp = skm.confusion_matrix(y, pred, labels=[False, True]).ravel()
    assert (m.tp, m.fp, m.tn, m.fn) == (tp, fp, tn, fn)
    assert m.accuracy == pytest.approx(skm.accuracy_score(y, pred), abs=1e-12)
    if tp + fp:
        assert m.precision == pytest.approx(skm.precision_score(y, pred, zero_division=0), abs=1e-12)
    if tp + fn:
        assert m.recall == pytest.approx(skm.recall_score(y, pred, zero_division=0), abs=1e-12)
    if 2 * tp + fp + fn:
        assert m.f1 == pytest.approx(skm.f1_score(y, pred, zero_division=0), abs=1e-12)


@pytest.mark.bad_input
@FUZZ
@given(
    score=st.lists(
        st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.just(float("nan"))), min_size=0, max_size=20
    ),
    threshold=st.one_of(st.floats(allow_nan=True, allow_infinity=True)),
)
def test_metric_engine_on_invalid_scores_raises_only_our_error(score, threshold):
    assume(not score or not all(math.isfinite(s) for s in score) or not math.isfinite(threshold))
    y = np.arange(len(score)) % 2 == 0

    def run():
        return ThresholdIndex(np.array(score, dtype=np.float64), y).at(threshold)

    _fails_cleanly(run)
