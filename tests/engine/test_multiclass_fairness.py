"""Multi-class fairness, one class against the rest: every number equals Fairlearn's MetricFrame on the labels
``y_true == c`` / ``y_pred == c`` and sklearn's ``roc_auc_score`` of the class's probability column, by group."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from fairlearn.metrics import (
    MetricFrame,
    demographic_parity_difference,
    demographic_parity_ratio,
    equalized_odds_difference,
    selection_rate,
)
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import precision_score, recall_score, roc_auc_score

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.multiclass_groups import session_multiclass_fairness
from wit_tui.engine.metrics.multiclass_fairness import OVR_GAPS, multiclass_fairness, ovr_gap_metrics
from wit_tui.engine.metrics.undefined import Undefined
from wit_tui.engine.slicing import slice_by

TOL = 1e-9


def _fairlearn_frame(y_is, pred_is, groups):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # sklearn's zero_division warnings: the value is its 0, as ours
        return MetricFrame(
            metrics={"recall": recall_score, "precision": precision_score, "selection_rate": selection_rate},
            y_true=y_is,
            y_pred=pred_is,
            sensitive_features=groups,
        )


@pytest.mark.parametrize("features", [["alcohol"], ["alcohol", "hue"], ["proline"]])
@pytest.mark.parametrize("model", [0, 1])
def test_every_number_equals_fairlearn_and_sklearn_on_the_wine_demo(wine_session, features, model):
    session = wine_session
    session.score_all()
    truth = ground_truth(session)
    slicing = slice_by(session.data, features, 2 if len(features) == 2 else 4, rows=truth.labelled)
    mf = session_multiclass_fairness(session, model, slicing, truth=truth)
    rows = np.flatnonzero(truth.labelled & (slicing.codes >= 0))
    groups = np.array([slicing.name(int(k)) for k in slicing.codes[rows]], dtype=object)
    scores = session.scores(model)
    assert mf.classes == tuple(str(c) for c in session.task.classes)
    dpd = {}
    for j, c in enumerate(session.task.classes):
        cf = mf.of(c)
        y_is, pred_is = truth.y[rows] == c, scores.label[rows] == c
        frame = _fairlearn_frame(y_is, pred_is, groups)
        for metric in ("recall", "precision", "selection_rate"):
            ours = cf.frames[metric]
            assert ours.overall == pytest.approx(frame.overall[metric], abs=TOL)
            for g, v in frame.by_group[metric].items():
                assert ours.by_group[g] == pytest.approx(v, abs=TOL), (c, metric, g)
        dpd[str(c)] = demographic_parity_difference(y_is, pred_is, sensitive_features=groups)
        assert cf.gaps["demographic_parity_difference"] == pytest.approx(dpd[str(c)], abs=TOL)
        assert cf.gaps["demographic_parity_ratio"] == pytest.approx(
            demographic_parity_ratio(y_is, pred_is, sensitive_features=groups), abs=TOL
        )
        if "equalized_odds_difference" not in cf.undefined:
            eod = equalized_odds_difference(y_is, pred_is, sensitive_features=groups)
            assert cf.gaps["equalized_odds_difference"] == pytest.approx(eod, abs=TOL)
        if "recall_difference" not in cf.undefined:
            assert cf.gaps["recall_difference"] == pytest.approx(frame.difference()["recall"], abs=TOL)
            assert cf.gaps["equal_opportunity_difference"] == cf.gaps["recall_difference"]
        proba = scores.proba[rows, j]
        auc = cf.frames["auc"]
        assert auc.overall == pytest.approx(roc_auc_score(y_is, proba), abs=TOL)
        for g in np.unique(groups):
            in_g = groups == g
            if len(set(y_is[in_g].tolist())) == 2:
                assert auc.by_group[g] == pytest.approx(roc_auc_score(y_is[in_g], proba[in_g]), abs=TOL)
            else:
                assert math.isnan(auc.by_group[g]) and auc.undefined[g] == "only one class"
        assert cf.sizes == tuple(int(np.sum(groups == slicing.name(k))) for k in range(slicing.n_slices))
    top = mf.largest("demographic_parity_difference")
    assert top.value == pytest.approx(max(dpd.values()), abs=TOL)
    assert dpd[top.cls] == pytest.approx(top.value, abs=TOL)


def test_intervals_beside_every_number_bracket_it(wine_session):
    """Wilson for the rates, DeLong for the AUC (by group and overall), a bootstrap for the gaps."""
    session = wine_session
    session.score_all()
    truth = ground_truth(session)
    slicing = slice_by(session.data, ["alcohol"], 2, rows=truth.labelled)
    mf = session_multiclass_fairness(session, 0, slicing, truth=truth)
    for cf in mf.per_class:
        assert {iv.method for m, iv in cf.group_intervals.items() if m != "auc"} == {"wilson"}
        assert cf.group_intervals["auc"].method == cf.overall_intervals["auc"].method == "delong"
        for metric in ("selection_rate", "recall", "precision", "fpr"):
            for k, g in enumerate(cf.groups):
                iv = cf.group_intervals[metric].at(k)
                v = cf.frames[metric].by_group[g]
                if g not in cf.frames[metric].undefined:
                    assert iv.low - TOL <= v <= iv.high + TOL
            o = cf.overall_intervals[metric]
            assert o.low - TOL <= cf.frames[metric].overall <= o.high + TOL
        iv = cf.gap_intervals["demographic_parity_difference"]
        assert iv.method == "bootstrap" and 0.0 <= iv.low <= iv.high <= 1.0
        assert set(cf.gap_intervals) <= set(cf.gaps)


def test_the_largest_over_classes_is_the_worst_class_and_names_undefined_ones():
    """A difference's largest, a ratio's smallest; a class where the gap is undefined is named, not counted."""
    y = np.array(["a", "a", "b", "b", "c", "c", "a", "b"], dtype=object)
    pred = np.array(["a", "b", "b", "b", "c", "a", "a", "c"], dtype=object)
    codes = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    mf = multiclass_fairness(y, pred, None, ["a", "b", "c"], codes, ["g0", "g1"], options=None)
    sr = {c: mf.of(c).gaps["selection_rate_difference"] for c in "abc"}
    top = mf.largest("selection_rate_difference")
    assert top.value == max(sr.values()) and sr[top.cls] == top.value
    ratio = mf.largest("demographic_parity_ratio")
    assert ratio.value == min(mf.of(c).gaps["demographic_parity_ratio"] for c in "abc")
    # class c has no label in g0: its recall there is undefined, so its recall gap is too
    assert isinstance(mf.of("c").gap("recall_difference"), Undefined)
    assert "c" in mf.largest("recall_difference").undefined
    assert "auc" not in mf.of("a").frames and "auc_difference" not in mf.of("a").gaps  # no class scores
    with pytest.raises(ValueError, match="not a one-vs-rest gap"):
        mf.largest("accuracy_difference")


def test_gap_names():
    assert ovr_gap_metrics("demographic_parity_difference") == (("selection_rate",), "difference")
    assert ovr_gap_metrics("equal_opportunity_ratio") == (("recall",), "ratio")
    assert ovr_gap_metrics("auc_difference") == (("auc",), "difference")
    assert ovr_gap_metrics("macro_f1_difference") is None and ovr_gap_metrics("auc") is None
    assert "precision_ratio" in OVR_GAPS


@settings(max_examples=25, deadline=None)
@given(
    data=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2)), min_size=6, max_size=60),
)
def test_property_equals_fairlearn_on_any_labels(data):
    """Any labels, predictions and groups: each class's rates by group and its demographic parity gaps are
    Fairlearn's MetricFrame on the one-vs-rest labels."""
    y = np.array([f"k{a}" for a, _, _ in data], dtype=object)
    pred = np.array([f"k{b}" for _, b, _ in data], dtype=object)
    group_of = np.array([g for _, _, g in data])
    present = sorted(set(group_of.tolist()))
    codes = np.array([present.index(g) for g in group_of])
    names = [f"g{g}" for g in present]
    mf = multiclass_fairness(y, pred, None, ["k0", "k1", "k2"], codes, names, options=None)
    groups = np.array([names[k] for k in codes], dtype=object)
    for c in ("k0", "k1", "k2"):
        frame = _fairlearn_frame(y == c, pred == c, groups)
        cf = mf.of(c)
        for metric in ("recall", "precision", "selection_rate"):
            for g, v in frame.by_group[metric].items():
                assert cf.frames[metric].by_group[g] == pytest.approx(v, abs=TOL)
        dpd = demographic_parity_difference(y == c, pred == c, sensitive_features=groups)
        assert cf.gaps["demographic_parity_difference"] == pytest.approx(dpd, abs=TOL)


# -- validate: one-vs-rest gaps with class = "X", or the largest over the classes ------------------------------------
def _validate(session, metric: dict):
    from wit_tui.engine.validation.config import parse_config
    from wit_tui.engine.validation.run import validate_session

    config = parse_config({"metrics": [metric]}, source="checks.toml")
    return validate_session(session, config, candidate=0, rubber_stamp=True)


def _alcohol_fairness(session):
    session.score_all()
    truth = ground_truth(session)
    slicing = slice_by(session.data, ["alcohol"], 4, rows=truth.labelled)
    return session_multiclass_fairness(session, 0, slicing, truth=truth)


def test_validate_gates_one_class_against_the_rest(wine_session):
    mf = _alcohol_fairness(wine_session)
    dpd = mf.of("class_2").gaps["demographic_parity_difference"]
    bound = {"upper_bound": dpd + 0.01}
    ok = _validate(
        wine_session,
        {"name": "demographic_parity_difference", "by": "alcohol", "class": "class_2", "value_threshold": bound},
    )
    (check,) = ok.checks
    assert check.ok and check.value == pytest.approx(dpd, abs=TOL)
    assert "class class_2 against the rest" in check.message
    bad = _validate(
        wine_session,
        {
            "name": "demographic_parity_difference",
            "by": "alcohol",
            "class": "class_2",
            "value_threshold": {"upper_bound": dpd - 0.01},
        },
    )
    assert not bad.validation_ok and not bad.checks[0].ok


def test_validate_without_class_gates_the_largest_over_classes_and_names_it(wine_session):
    mf = _alcohol_fairness(wine_session)
    top = mf.largest("demographic_parity_difference")
    result = _validate(
        wine_session,
        {
            "name": "demographic_parity_difference",
            "by": "alcohol",
            "value_threshold": {"upper_bound": top.value - 1e-6},
        },
    )
    (check,) = result.checks
    assert not check.ok and check.value == pytest.approx(top.value, abs=TOL)
    assert f"the largest over classes: class {top.cls}" in check.message
    # a gap undefined for some class: the largest is unknown, so the check fails and names the class
    recall = _validate(
        wine_session, {"name": "equal_opportunity_difference", "by": "alcohol", "value_threshold": {"upper_bound": 1}}
    )
    assert not recall.checks[0].ok and "class class_0" in recall.checks[0].message


@pytest.mark.bad_input
def test_validate_refuses_a_class_the_model_lacks_or_class_where_it_means_nothing(wine_session, adult_session):
    from wit_tui.engine.core.errors import WitError

    gate = {"upper_bound": 0.5}
    with pytest.raises(WitError, match="class 'class_9' is not one of the model's classes"):
        _validate(
            wine_session, {"name": "recall_difference", "by": "alcohol", "class": "class_9", "value_threshold": gate}
        )
    with pytest.raises(WitError, match="class applies to one-vs-rest gaps"):
        _validate(
            wine_session, {"name": "accuracy_difference", "by": "alcohol", "class": "class_0", "value_threshold": gate}
        )
    with pytest.raises(WitError, match="class applies to multi-class models, but the models are binary"):
        _validate(
            adult_session,
            {"name": "demographic_parity_difference", "by": "sex", "class": ">50K", "value_threshold": gate},
        )
    with pytest.raises(WitError, match="class: only applies to fairness gaps"):
        _validate(wine_session, {"name": "accuracy", "class": "class_0", "value_threshold": gate})


def test_the_report_has_a_multiclass_fairness_section_for_its_slicing(wine_session):
    import json

    from wit_tui.engine.report import build_report

    report = json.loads(build_report(wine_session, slice_features=["alcohol"]).to_json())
    section = report["multiclass_fairness"]
    mf = _alcohol_fairness(wine_session)
    model = section["models"][0]
    cls = next(c for c in model["classes"] if c["class"] == "class_2")
    assert cls["gaps"]["demographic_parity_difference"] == pytest.approx(
        mf.of("class_2").gaps["demographic_parity_difference"], abs=TOL
    )
    assert cls["intervals"]["demographic_parity_difference"]["method"] == "bootstrap"
    assert cls["groups"][0]["intervals"]["recall"]["method"] == "wilson"
    top = model["largest_over_classes"]["demographic_parity_difference"]
    assert top["class"] == mf.largest("demographic_parity_difference").cls
    assert json.loads(build_report(wine_session).to_json())["multiclass_fairness"] is None
