"""Drift checked against scipy on the real Adult data (train split as the reference, test split as current),
PSI on hand-checkable cases, PSI/JS properties with hypothesis, and bad input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp

from wit_tui.engine.analysis.distribution_distance import PSI_EPSILON, psi, psi_band
from wit_tui.engine.analysis.drift import (
    MISSING_BIN,
    column_drift,
    common_columns,
    compare_histogram,
    dataset_drift,
    load_reference,
    prediction_series,
    split_by_value,
)
from wit_tui.engine.analysis.reference_drift import reference_drift, session_drift, split_drift
from wit_tui.engine.core.columns import is_numeric
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.scoring import score_frame
from wit_tui.sample_models.recipes import adult_data


@pytest.fixture(scope="module")
def adult():
    return adult_data()


@pytest.fixture(scope="module")
def report(adult):
    return dataset_drift(adult.train, adult.test, adult.features, reference_name="train", current_name="test")


def _psi_by_hand(ref: pd.Series, cur: pd.Series) -> float:
    """PSI written independently: pd.cut at the reference deciles, or one bin per value; missing as a bin."""
    if is_numeric(ref):
        cuts = np.unique(np.quantile(ref.dropna().to_numpy(dtype=float), np.arange(1, 10) / 10))
        bins = [-np.inf, *cuts, np.inf]
        r = pd.cut(ref, bins, right=True).value_counts(sort=False).to_numpy()
        c = pd.cut(cur, bins, right=True).value_counts(sort=False).to_numpy()
    else:
        keys = sorted(set(ref.dropna().astype(str)) | set(cur.dropna().astype(str)))
        r = ref.dropna().astype(str).value_counts().reindex(keys, fill_value=0).to_numpy()
        c = cur.dropna().astype(str).value_counts().reindex(keys, fill_value=0).to_numpy()
    if ref.isna().any() or cur.isna().any():
        r, c = np.r_[r, ref.isna().sum()], np.r_[c, cur.isna().sum()]
    p, q = np.maximum(r / r.sum(), 1e-4), np.maximum(c / c.sum(), 1e-4)
    return float(np.sum((q - p) * np.log(q / p)))


def test_numeric_drift_equals_scipy_ks(adult, report):
    got = report.by_name()
    checked = 0
    for c in adult.features:
        if not is_numeric(adult.train[c]):
            continue
        ref = ks_2samp(adult.train[c].dropna(), adult.test[c].dropna())
        d = got[c]
        assert d.kind == "numeric" and d.test == "KS"
        assert d.ks_statistic == ref.statistic and d.ks_pvalue == ref.pvalue, c
        np.testing.assert_allclose(d.psi, _psi_by_hand(adult.train[c], adult.test[c]), rtol=1e-12, atol=1e-15)
        checked += 1
    assert checked == 6


def test_categorical_drift_equals_scipy_chi2_and_js(adult, report):
    got = report.by_name()
    checked = 0
    for c in adult.features:
        if is_numeric(adult.train[c]):
            continue
        both = pd.concat([adult.train[c].astype(object), adult.test[c].astype(object)], ignore_index=True)
        side = np.r_[np.zeros(len(adult.train)), np.ones(len(adult.test))]
        table = pd.crosstab(side, both.fillna(MISSING_BIN).astype(str)).to_numpy()
        chi2, p, dof, _ = chi2_contingency(table)
        d = got[c]
        assert d.kind == "categorical" and d.test == "χ²"
        np.testing.assert_allclose([d.chi2, d.chi2_pvalue], [chi2, p], rtol=1e-10)
        assert d.chi2_dof == dof
        js = jensenshannon(table[0] / table[0].sum(), table[1] / table[1].sum(), base=2)
        np.testing.assert_allclose(d.js_distance, js, rtol=1e-10)
        np.testing.assert_allclose(d.psi, _psi_by_hand(adult.train[c], adult.test[c]), rtol=1e-10)
        checked += 1
    assert checked == 8
    # train and test come from one census: nothing drifts
    assert {d.band for d in report.features} == {"stable"}


def test_prediction_drift_equals_scipy(adult, adult_session):
    s = adult_session
    model = s.models[0]
    ref_scores = score_frame(model.estimator, adult.train[s.model_columns[0]], s.tasks[0])
    cur_scores = s.scores(0)
    ref = prediction_series(ref_scores.score, ref_scores.label, s.task.kind)
    cur = prediction_series(cur_scores.score, cur_scores.label, s.task.kind)
    r = dataset_drift(
        adult.train, adult.test, ["age"], reference_predictions={model.name: ref}, current_predictions={model.name: cur}
    )
    (d,) = r.predictions
    assert d.name == f"prediction: {model.name}"
    expected = ks_2samp(ref_scores.score, cur_scores.score)
    assert (d.ks_statistic, d.ks_pvalue) == (expected.statistic, expected.pvalue)


def test_psi_hand_checked():
    # shares 0.5/0.5 → 0.25/0.75: (0.25−0.5)·ln(0.5) + (0.75−0.5)·ln(1.5)
    assert psi([50, 50], [25, 75]) == pytest.approx(0.25 * np.log(2) + 0.25 * np.log(1.5), rel=1e-12)
    assert psi([50, 50], [25, 75]) == pytest.approx(0.27465, abs=1e-5)
    # an empty reference bin: its share is floored at ε = 1e-4
    expected = (0.1 - PSI_EPSILON) * np.log(0.1 / PSI_EPSILON) + (0.9 - 1.0) * np.log(0.9)
    assert psi([0, 100], [10, 90]) == pytest.approx(expected, rel=1e-12)
    assert psi([3, 7], [30, 70]) == pytest.approx(0.0, abs=1e-15)


@pytest.mark.parametrize(
    ("value", "band"),
    [
        (0.0, "stable"),
        (0.0999, "stable"),
        (0.1, "moderate"),
        (0.2499, "moderate"),
        (0.25, "significant"),
        (3.0, "significant"),
        (float("nan"), ""),
    ],
)
def test_psi_bands(value, band):
    assert psi_band(value) == band


counts = st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=12)


@settings(max_examples=200, deadline=None, database=None)
@given(st.data())
def test_psi_and_js_properties(data):
    r = data.draw(counts.filter(lambda v: sum(v) > 0))
    c = data.draw(
        st.lists(st.integers(min_value=0, max_value=1000), min_size=len(r), max_size=len(r)).filter(
            lambda v: sum(v) > 0
        )
    )
    value = psi(r, c)
    assert value >= 0
    assert value == pytest.approx(psi(c, r), rel=1e-9, abs=1e-12)  # PSI is symmetric
    assert psi(r, r) == pytest.approx(0.0, abs=1e-12)
    assert psi(np.array(r) * 3, c) == pytest.approx(value, rel=1e-9, abs=1e-12)  # only shares matter
    d = column_drift(
        pd.Series(np.repeat(np.arange(len(r)), r).astype(str)),
        pd.Series(np.repeat(np.arange(len(c)), c).astype(str)),
        "x",
    )
    assert 0.0 <= d.js_distance <= 1.0
    np.testing.assert_allclose(
        d.js_distance, jensenshannon(np.array(r) / sum(r), np.array(c) / sum(c), base=2), atol=1e-12
    )


def test_bad_counts_are_refused():
    with pytest.raises(WitError, match="bins"):
        psi([1, 2], [1, 2, 3])
    with pytest.raises(WitError, match="all zero"):
        psi([0, 0], [1, 2])
    with pytest.raises(WitError, match="non-negative"):
        psi([-1, 2], [1, 2])


@pytest.mark.bad_input
def test_constant_and_all_missing_features_give_a_row_not_an_error():
    ref = pd.DataFrame({"const": [1.0] * 50, "empty": [np.nan] * 50, "cat": ["a"] * 50})
    cur = pd.DataFrame({"const": [1.0] * 30 + [2.0] * 10, "empty": [np.nan] * 40, "cat": ["a"] * 20 + ["b"] * 20})
    r = dataset_drift(ref, cur, ["const", "empty", "cat"]).by_name()
    assert r["const"].note == "a single value in the reference"
    assert r["const"].band == "significant"  # a quarter of the rows left the reference's single value
    assert r["empty"].note == "all missing in the reference" and np.isnan(r["empty"].ks_statistic)
    assert r["empty"].psi == pytest.approx(0.0)  # missing in both: the same distribution
    assert "1 value(s) new" in r["cat"].note and r["cat"].band == "significant"


@pytest.mark.bad_input
def test_reference_with_other_columns(adult):
    ref = adult.train.drop(columns=["fnlwgt", "age"]).assign(extra=1)
    present, missing = common_columns(ref, adult.features)
    assert missing == ["age", "fnlwgt"] and "extra" not in present
    r = dataset_drift(ref, adult.test, adult.features)
    assert r.missing_in_reference == ("age", "fnlwgt")
    assert len(r.features) == len(adult.features) - 2
    with pytest.raises(WitError, match="none of the feature columns"):
        common_columns(pd.DataFrame({"x": [1]}), adult.features)


def test_split_by_value(adult):
    mask, label = split_by_value(adult.test, "sex", "Female")
    np.testing.assert_array_equal(mask, (adult.test["sex"] == "Female").to_numpy())
    assert label == "sex = Female"
    with pytest.raises(WitError, match="no row"):
        split_by_value(adult.test, "sex", "Martian")
    with pytest.raises(WitError, match="no column"):
        split_by_value(adult.test, "nope", "x")


def test_compare_histogram_counts_each_side(adult):
    h = compare_histogram(adult.train["age"], adult.test["age"], bins=10)
    edges = h.histogram.edges
    np.testing.assert_array_equal(h.counts[0], np.histogram(adult.train["age"], bins=edges)[0])
    np.testing.assert_array_equal(h.counts[1], np.histogram(adult.test["age"], bins=edges)[0])
    h = compare_histogram(adult.train["workclass"], adult.test["workclass"])
    assert h.counts[0].sum() == adult.train["workclass"].notna().sum()
    assert h.missing.tolist() == [adult.train["workclass"].isna().sum(), adult.test["workclass"].isna().sum()]


# -- --reference on the command line: bad input fails before any screen opens ----------------------------
@pytest.fixture(scope="module")
def cli_files(tmp_path_factory):
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    root = tmp_path_factory.mktemp("ref")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    frame["y"] = (frame["a"] > 0).astype(int)
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["y"]), root / "m.skops")
    frame.to_csv(root / "d.csv", index=False)
    pd.DataFrame({"zzz": [1, 2]}).to_csv(root / "other.csv", index=False)
    return root


def test_load_reference_speaks_of_the_reference_file(cli_files):
    frame = load_reference(cli_files / "d.csv", ["a", "b"])
    assert list(frame.columns) == ["a", "b", "y"]
    with pytest.raises(WitError, match=r"^The reference file .*missing\.csv does not exist\. Check the path"):
        load_reference(cli_files / "missing.csv", ["a", "b"])
    with pytest.raises(WitError, match="^The reference path .* is a folder"):
        load_reference(cli_files, ["a", "b"])
    (cli_files / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(WitError, match="^The reference file .*empty.csv is empty"):
        load_reference(cli_files / "empty.csv", ["a", "b"])
    with pytest.raises(WitError, match="^The reference file other.csv has none of the feature columns"):
        load_reference(cli_files / "other.csv", ["a", "b"])


# -- the session's drift: which columns, which predictions -------------------------------------------------------
def test_reference_drift_scores_the_reference_with_each_model(adult, adult_session, fresh_session):
    s = fresh_session(adult_session)
    reference = adult.train.iloc[:1500]
    ticks: list[str] = []

    def progress_for(label: str):
        return lambda done, total: ticks.append(label)

    drift = reference_drift(s, reference, "train-sample", progress_for=progress_for)
    r = drift.report
    assert (r.reference, r.current, r.n_reference, r.n_current) == ("train-sample", s.name, 1500, s.n_rows)
    assert [d.name for d in r.features] == [*s.features, s.label]  # the label's prior shift too
    for i, m in enumerate(s.models):
        ref = score_frame(m.estimator, adult.train.iloc[:1500][s.model_columns[i]], s.tasks[i])
        d = r.by_name()[f"prediction: {m.name}"]
        expected = ks_2samp(ref.score, s.scores(i).score)
        assert (d.ks_statistic, d.ks_pvalue) == (expected.statistic, expected.pvalue)
        assert f"Scoring the reference with {m.name}" in ticks
    assert ticks[-1] == "Drift per feature"
    ticks.clear()
    again = reference_drift(
        s, reference, "train-sample", progress_for=progress_for
    )  # the reference is scored once per session
    assert set(ticks) == {"Drift per feature"}
    assert [d.psi for d in again.report.predictions] == [d.psi for d in r.predictions]


def test_reference_lacking_a_model_column_skips_its_prediction_drift(adult, adult_session, fresh_session):
    s = fresh_session(adult_session)
    r = reference_drift(s, adult.train.iloc[:500].drop(columns=["age", adult.label])).report
    assert r.predictions == ()
    assert r.missing_in_reference == ("age",)
    assert s.label not in [d.name for d in r.features]
    names = ", ".join(m.name for m in s.models)
    assert r.notes == (f"No prediction drift for {names}: the reference lacks age.",)


def test_split_drift_leaves_the_split_column_out(adult_session):
    s = adult_session
    drift = split_drift(s, "sex", "Female")
    r = drift.report
    mask = (s.data["sex"] == "Female").to_numpy()
    assert (r.reference, r.current, r.n_reference) == ("sex = Female", "the other rows", int(mask.sum()))
    assert [d.name for d in r.features] == [f for f in s.features if f != "sex"] + [s.label]
    assert r.notes == ("sex itself is left out (it defines the split).",)
    score = s.scores(0).score
    d = r.by_name()[f"prediction: {s.models[0].name}"]
    expected = ks_2samp(score[mask], score[~mask])
    assert (d.ks_statistic, d.ks_pvalue) == (expected.statistic, expected.pvalue)
    same = session_drift(s, ("split", "sex", "Female")).report
    assert [(d.name, d.psi) for d in same.features] == [(d.name, d.psi) for d in r.features]


def test_session_drift_without_a_reference_says_so(adult_session, fresh_session):
    with pytest.raises(WitError, match="no reference"):
        session_drift(fresh_session(adult_session), ("file",))
