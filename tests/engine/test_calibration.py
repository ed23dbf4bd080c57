"""Calibration (reliability diagram, ECE, Brier score, log loss): sklearn's numbers on Adult, the ECE against a
direct loop over bins, per slice equal to the slice's rows alone, and margins told apart."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.calibration import calibration_curve
from sklearn.metrics import brier_score_loss, log_loss

from wit_tui.engine import open_session
from wit_tui.engine.analysis.ground_truth import ground_truth, model_scores
from wit_tui.engine.analysis.model_calibration import session_calibration, with_calibration
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.calibration import (
    NOT_PROBABILITIES,
    calibration,
    expected_calibration_error,
    reliability_curve,
    slice_calibration,
)
from wit_tui.engine.slicing import slice_by
from wit_tui.engine.validation.config import check_config, parse_config
from wit_tui.engine.validation.run import validate_session

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def loop_ece(y: np.ndarray, p: np.ndarray, n_bins: int = 15) -> float:
    """ECE written out as its definition: bins (lo, hi] of equal width (the first one [0, hi]), each weighted by
    its share of the rows."""
    total = 0.0
    for b in range(n_bins):
        lo, hi = b / n_bins, (b + 1) / n_bins
        rows = [j for j in range(len(p)) if (p[j] > lo or b == 0) and (p[j] <= hi or b == n_bins - 1)]
        if rows:
            acc = sum(bool(y[j]) for j in rows) / len(rows)
            conf = sum(float(p[j]) for j in rows) / len(rows)
            total += len(rows) / len(p) * abs(acc - conf)
    return total


def _adult(adult_session, i=0):
    truth = ground_truth(adult_session)
    score = model_scores(adult_session, truth, i)
    keep = truth.labelled & ~np.isnan(score)
    return truth, truth.positives[keep], score[keep], keep


@pytest.mark.parametrize("strategy", ["uniform", "quantile"])
@pytest.mark.parametrize("n_bins", [10, 7])
def test_reliability_curve_is_sklearns_on_adult(adult_session, strategy, n_bins):
    _, y, p, _ = _adult(adult_session)
    curve = reliability_curve(y, p, n_bins=n_bins, strategy=strategy)
    want_true, want_pred = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    np.testing.assert_allclose(curve.prob_true, want_true, rtol=0, atol=1e-9)
    np.testing.assert_allclose(curve.prob_pred, want_pred, rtol=0, atol=1e-9)
    assert curve.bin_counts.sum() == len(p)
    # the counts are the bins' own: count-weighted prob_pred adds up to the sum of the probabilities
    assert math.isclose(float((curve.bin_counts * curve.prob_pred).sum()), float(p.sum()), rel_tol=1e-9)
    assert math.isclose(float((curve.bin_counts * curve.prob_true).sum()), float(y.sum()), rel_tol=1e-9)


def test_brier_log_loss_and_ece_on_adult(adult_session):
    for i in range(len(adult_session.models)):
        _, y, p, _ = _adult(adult_session, i)
        c = calibration(y, p)
        assert c.reason == "" and c.n == len(p)
        assert abs(c.brier_score - brier_score_loss(y, p)) <= 1e-9
        assert abs(c.log_loss - log_loss(y, p)) <= 1e-9
        # the ECE is the row-weighted gap of sklearn's 15-bin uniform diagram
        want_true, want_pred = calibration_curve(y, p, n_bins=15)
        curve15 = reliability_curve(y, p, n_bins=15)
        want = float((curve15.bin_counts / len(p) * np.abs(want_true - want_pred)).sum())
        assert abs(c.ece - want) <= 1e-9


def test_ece_equals_a_loop_over_bins_on_adult_rows(adult_session):
    _, y, p, _ = _adult(adult_session)
    y, p = y[:3000], p[:3000]
    assert abs(expected_calibration_error(y, p) - loop_ece(y, p)) <= 1e-9


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.booleans(), st.sampled_from([0.0, 1.0, 0.2, 1 / 15, 2 / 15, 0.5]) | st.floats(0, 1)),
        min_size=1,
        max_size=60,
    ),
    st.integers(1, 20),
)
def test_ece_equals_a_loop_over_bins(rows, n_bins):
    y = np.array([r[0] for r in rows])
    p = np.array([r[1] for r in rows])
    assert abs(expected_calibration_error(y, p, n_bins) - loop_ece(y, p, n_bins)) <= 1e-9


def test_a_perfectly_calibrated_constant_has_no_error():
    y = np.array([True, False, False, False])
    assert expected_calibration_error(y, np.full(4, 0.25)) == 0.0


def test_per_slice_is_each_slice_alone(adult_session):
    truth, y, p, keep = _adult(adult_session, 1)
    slicing = slice_by(adult_session.data, ["sex"], 4, rows=truth.labelled)
    per = session_calibration(adult_session, 1, slicing.codes, slicing.n_slices, strategy="quantile")
    codes = slicing.codes[keep]
    for k in range(slicing.n_slices):
        ys, ps = y[codes == k], p[codes == k]
        assert per[k].n == len(ps)
        assert abs(per[k].brier_score - brier_score_loss(ys, ps)) <= 1e-9
        assert abs(per[k].log_loss - log_loss(ys, ps, labels=[False, True])) <= 1e-9
        assert abs(per[k].ece - loop_ece(ys, ps)) <= 1e-9
        np.testing.assert_allclose(per[k].curve.prob_true, calibration_curve(ys, ps, n_bins=10, strategy="quantile")[0])


def test_an_empty_slice_says_so():
    out = slice_calibration(np.array([True, False]), np.array([0.9, 0.1]), np.array([0, 0]), 2)
    assert out[0].n == 2 and out[1].n == 0 and out[1].reason and math.isnan(out[1].ece)


def test_probabilities_off_the_unit_interval_are_refused():
    with pytest.raises(ValueError, match="outside"):
        calibration(np.array([True]), np.array([1.5]))


# -- margins ---------------------------------------------------------------------------------------------------
def _lr_svc(files):
    return open_session([files["lr"], files["svc"]], files["data"], files["label"], names=["lr", "svc"])


@pytest.mark.bad_input
def test_margins_have_no_calibration(lr_svc_files):
    s = _lr_svc(lr_svc_files)
    lr, svc = (session_calibration(s, i)[0] for i in range(2))
    assert lr.reason == "" and lr.ece >= 0
    assert svc.reason == NOT_PROBABILITIES and svc.curve is None and math.isnan(svc.ece)


@pytest.mark.bad_input
def test_validate_ece_of_a_margins_model_fails_with_the_reason(lr_svc_files):
    s = _lr_svc(lr_svc_files)
    config = parse_config({"metrics": [{"name": "ece", "value_threshold": {"upper_bound": 0.1}}]})
    result = validate_session(s, config, candidate=1, rubber_stamp=True)
    (check,) = result.checks
    assert not check.ok and "not probabilities" in check.message


# -- validate ---------------------------------------------------------------------------------------------------
def test_validate_gates_on_ece_per_slice(adult_session):
    config = parse_config(
        {
            "metrics": [{"name": "ece", "value_threshold": {"upper_bound": 0.5}}],
            "slicing_specs": [{}, {"feature_keys": ["sex"]}],
        }
    )
    result = validate_session(adult_session, config, candidate=0, rubber_stamp=True)
    truth = ground_truth(adult_session)
    slicing = slice_by(adult_session.data, ["sex"], 4, rows=truth.labelled)
    per = session_calibration(adult_session, 0, slicing.codes, slicing.n_slices)
    overall = session_calibration(adult_session, 0)[0]
    by_name = {c.slice: c for c in result.checks}
    assert by_name["Overall"].value == pytest.approx(overall.ece, abs=1e-12)
    for k in range(slicing.n_slices):
        assert by_name[slicing.name(k)].value == pytest.approx(per[k].ece, abs=1e-12)
    assert result.validation_ok
    strict = parse_config({"metrics": [{"name": "ece", "value_threshold": {"upper_bound": 1e-6}}]})
    assert not validate_session(adult_session, strict, candidate=0, rubber_stamp=True).validation_ok


@pytest.mark.bad_input
def test_ece_is_for_binary_tasks_in_a_config(wine_session):
    config = parse_config({"metrics": [{"name": "ece", "value_threshold": {"upper_bound": 0.1}}]})
    check_config(config, "binary", [])
    with pytest.raises(WitError, match="ece"):
        check_config(config, "multiclass", [])


def test_with_calibration_adds_ece_beside_the_slice_metrics(adult_session):
    truth = ground_truth(adult_session)
    slicing = slice_by(adult_session.data, ["race"], 4, rows=truth.labelled)
    sm = session_slice_metrics(adult_session, 0, slicing.codes, slicing.n_slices, 0.5)
    out = with_calibration(sm, adult_session, 0, slicing.codes, slicing.n_slices)
    per = session_calibration(adult_session, 0, slicing.codes, slicing.n_slices)
    assert [out.value("ece", k) for k in range(slicing.n_slices)] == [c.ece for c in per]
    # Brier score of the slice metrics and of the calibration are one number
    for k in range(slicing.n_slices):
        assert abs(out.value("brier_score", k) - per[k].brier_score) <= 1e-12


def test_multiclass_one_vs_rest_class(wine_session):
    truth = ground_truth(wine_session)
    proba = wine_session.scores(0).class_scores
    for c in range(len(truth.classes)):
        got = session_calibration(wine_session, 0, truth=truth, ovr_class=c)[0]
        keep = truth.labelled
        y = truth.y[keep] == truth.classes[c]
        assert abs(got.brier_score - brier_score_loss(y, proba[keep, c])) <= 1e-9


# -- report ------------------------------------------------------------------------------------------------------
def test_the_report_has_a_calibration_section_per_model_and_slice(adult_session):
    from wit_tui.engine.report import build_report
    from wit_tui.render.markdown import report_markdown

    report = build_report(adult_session, slice_features=["sex"])
    section = report.to_dict()["calibration"]
    truth = ground_truth(adult_session)
    slicing = slice_by(adult_session.data, ["sex"], 4, rows=truth.labelled)
    for i, model in enumerate(section["models"]):
        _, y, p, keep = _adult(adult_session, i)
        overall = model["overall"]
        assert model["name"] == adult_session.model_names[i] and overall["rows"] == len(p)
        assert abs(overall["brier_score"] - brier_score_loss(y, p)) <= 1e-9
        assert abs(overall["log_loss"] - log_loss(y, p)) <= 1e-9
        assert overall["ece"] == calibration(y, p).ece
        want_true, want_pred = calibration_curve(y, p, n_bins=10)
        np.testing.assert_allclose(overall["reliability"]["prob_true"], want_true, atol=1e-9, rtol=0)
        np.testing.assert_allclose(overall["reliability"]["prob_pred"], want_pred, atol=1e-9, rtol=0)
        codes = slicing.codes[keep]
        for k, row in enumerate(model["slices"]):
            assert row["slice"] == slicing.name(k)
            ys, ps = y[codes == k], p[codes == k]
            assert abs(row["brier_score"] - brier_score_loss(ys, ps)) <= 1e-9
            assert abs(row["ece"] - loop_ece(ys, ps)) <= 1e-9
    md = report_markdown(report)
    assert "## Calibration" in md and "| sex:Female |" in md.split("## Calibration", 1)[1]


def test_the_report_says_why_a_margins_model_has_no_calibration(lr_svc_files):
    from wit_tui.engine.report import build_report

    section = build_report(_lr_svc(lr_svc_files)).to_dict()["calibration"]
    svc = section["models"][1]["overall"]
    assert svc["undefined"] == NOT_PROBABILITIES and svc["ece"] is None and svc["reliability"] is None
    assert section["models"][0]["overall"]["ece"] is not None
