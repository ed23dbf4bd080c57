"""Two models that score differently (probabilities and margins) in one session: each is scored, thresholded and
measured its own way, and the numbers are sklearn's."""

from __future__ import annotations

import json
import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from wit_tui.engine import open_session
from wit_tui.engine.analysis.decisions import Decisions, starting_thresholds
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.tasks import LabelNotClasses
from wit_tui.engine.metrics.threshold_values import check_threshold, parse_threshold_options, resolve_thresholds
from wit_tui.engine.report import build_report
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.run import validate_session

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _session(files, order=("lr", "svc")) -> Session:
    return open_session([files[n] for n in order], files["data"], files["label"], names=list(order))


def _truth(files) -> np.ndarray:
    return (files["frame"][files["label"]] == files["positive"]).to_numpy()


@pytest.mark.parametrize("order", [("lr", "svc"), ("svc", "lr")])
def test_each_model_is_scored_its_own_way_in_either_order(lr_svc_files, order):
    s = _session(lr_svc_files, order)
    X = lr_svc_files["frame"][lr_svc_files["features"]]
    lr, svc = lr_svc_files["lr_model"], lr_svc_files["svc_model"]
    i_lr, i_svc = order.index("lr"), order.index("svc")
    assert s.tasks[i_lr].score_method == "predict_proba" and s.tasks[i_svc].score_method == "decision_function"
    assert s.default_thresholds[i_lr] == 0.5 and s.default_thresholds[i_svc] == 0.0
    np.testing.assert_allclose(s.scores(i_lr).score, lr.predict_proba(X)[:, 1], rtol=1e-12)
    np.testing.assert_allclose(s.scores(i_svc).score, svc.decision_function(X), rtol=1e-12)
    np.testing.assert_array_equal(s.scores(i_svc).label, svc.predict(X))


@pytest.mark.parametrize("order", [("lr", "svc"), ("svc", "lr")])
def test_the_report_measures_each_model_on_its_own_scale(lr_svc_files, order):
    s = _session(lr_svc_files, order)
    X = lr_svc_files["frame"][lr_svc_files["features"]]
    y = _truth(lr_svc_files)
    report = build_report(s)
    by_name = {m.name: m for m in report.models}
    p = lr_svc_files["lr_model"].predict_proba(X)[:, 1]
    margin = lr_svc_files["svc_model"].decision_function(X)
    lr, svc = by_name["lr"], by_name["svc"]
    assert lr.metrics["log_loss"] == pytest.approx(log_loss(y, p))
    assert lr.metrics["brier_score"] == pytest.approx(brier_score_loss(y, p))
    assert lr.metrics["auc"] == pytest.approx(roc_auc_score(y, p))
    assert svc.metrics["auc"] == pytest.approx(roc_auc_score(y, margin))
    assert svc.metrics["log_loss"] is None and "margins" in svc.undefined["log_loss"]
    assert svc.metrics["brier_score"] is None and "margins" in svc.undefined["brier_score"]
    assert (lr.threshold, svc.threshold) == (0.5, 0.0)
    assert svc.metrics["selection_rate"] == pytest.approx(np.mean(margin >= 0))
    assert lr.metrics["selection_rate"] == pytest.approx(np.mean(p >= 0.5))
    d = report.to_dict()
    assert d["task"]["thresholds"] == {"lr": 0.5, "svc": 0.0} and d["task"]["score_method"] is None
    assert "svc: decision_function margins" in report.threshold_text


def test_per_model_thresholds_reach_each_model(lr_svc_files):
    s = _session(lr_svc_files)
    report = build_report(s, threshold={"svc": -0.25, "lr": 0.3})
    X = lr_svc_files["frame"][lr_svc_files["features"]]
    margin = lr_svc_files["svc_model"].decision_function(X)
    p = lr_svc_files["lr_model"].predict_proba(X)[:, 1]
    by_name = {m.name: m for m in report.models}
    assert by_name["svc"].metrics["selection_rate"] == pytest.approx(np.mean(margin >= -0.25))
    assert by_name["lr"].metrics["selection_rate"] == pytest.approx(np.mean(p >= 0.3))


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("given", "needle"),
    [
        ({None: 1.5}, "--threshold for lr must be from 0 to 1 for probability scores, not 1.5"),
        ({"lr": -1.0}, "--threshold for lr must be from 0 to 1"),
        ({"svc": math.inf}, "--threshold for svc must be a finite number"),
        ({"nope": 0.5}, "'nope', which is not a model here; the models are 'lr', 'svc'"),
    ],
)
def test_thresholds_out_of_their_models_range_are_refused(lr_svc_files, given, needle):
    s = _session(lr_svc_files)
    with pytest.raises(WitError, match=needle.replace("(", r"\(").replace(")", r"\)")):
        build_report(s, threshold=given)
    with pytest.raises(WitError):
        starting_thresholds(s, given)


def test_a_bare_threshold_sets_every_model_and_names_override_it():
    assert parse_threshold_options(["0.3", "svc=-1.5"]) == {None: 0.3, "svc": -1.5}
    assert parse_threshold_options(["svc=-1.5", "0.3"]) == {None: 0.3}  # a later bare value sets every model
    assert parse_threshold_options(["my model (b)=0.2"]) == {"my model (b)": 0.2}
    assert resolve_thresholds({None: 0.3, "svc": -1.5}, ["lr", "svc"], [True, False], [0.5, 0.0]) == (0.3, -1.5)
    assert resolve_thresholds({}, ["lr", "svc"], [True, False], [0.5, 0.0]) == (0.5, 0.0)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_one_rule_per_kind_of_score(t):
    """Probabilities: exactly [0, 1]; margins: exactly the finite numbers — for the TUI, --threshold and config."""
    for probabilities, allowed in ((True, 0.0 <= t <= 1.0), (False, math.isfinite(t))):
        try:
            check_threshold(t, probabilities)
            ok = True
        except WitError:
            ok = False
        assert ok == allowed


def test_decisions_nudge_each_model_on_its_own_scale():
    d = Decisions.initial((1.0, 1.0)).nudged(3, (True, False))
    assert d.thresholds == (1.0, 1.03)  # a probability stays at 1, a margin moves on
    assert d.reset().thresholds == (1.0, 1.0)


def test_validate_uses_each_models_threshold_and_checks_the_config_per_kind(lr_svc_files):
    s = _session(lr_svc_files)
    metric = '[[metrics]]\nname = "selection_rate"\nvalue_threshold = { upper_bound = 1 }\n'
    per_model = parse_config(tomllib.loads("threshold = { svc = -0.5, lr = 0.4 }\n" + metric), "c.toml")
    r = validate_session(s, per_model, candidate=1, baseline=0)
    margin = s.scores(1).score
    assert r.threshold == -0.5 and dict(r.thresholds) == {"lr": 0.4, "svc": -0.5}
    assert r.checks[0].value == pytest.approx(np.mean(margin >= -0.5))
    assert r.to_dict()["decision_thresholds"] == {"lr": 0.4, "svc": -0.5}
    default = validate_session(s, parse_config(tomllib.loads(metric), "c.toml"), candidate=1)
    assert dict(default.thresholds) == {"lr": 0.5, "svc": 0.0}
    too_high = parse_config(tomllib.loads("threshold = 1.7\n" + metric), "c.toml")
    with pytest.raises(WitError, match=r"c.toml: threshold for lr must be from 0 to 1"):
        validate_session(s, too_high, candidate=1, baseline=0)


def _mismatched(session: Session, values) -> Session:
    frame = session.data.copy()
    frame["wrong"] = values
    return Session(frame, session.models, label="wrong", features=session.features)


@pytest.mark.bad_input
def test_a_label_of_none_of_the_classes_is_one_clear_error(wine_session, adult_session):
    for base in (wine_session, adult_session):
        s = _mismatched(base, np.arange(base.n_rows) % 2)
        assert isinstance(s.label_problem, LabelNotClasses) and not s.has_label
        message = str(s.label_problem)
        assert "its values are 0, 1 (2 distinct)" in message
        assert ", ".join(map(str, base.task.classes)) in message
        with pytest.raises(LabelNotClasses):
            build_report(s)
        cfg = parse_config({"metrics": [{"name": "accuracy", "value_threshold": {"lower_bound": 0.1}}]}, "c.toml")
        with pytest.raises(LabelNotClasses):
            validate_session(s, cfg, candidate=0)
        assert s.scores(0).score.shape == (base.n_rows,)  # the models still score: the editor works


def test_a_label_with_some_unknown_values_still_warns_and_measures(wine_session):
    labels = wine_session.data[wine_session.label].astype(str).to_numpy().copy()
    labels[::5] = "zzz"
    s = _mismatched(wine_session, pd.Series(labels))
    assert s.label_problem is None and any("zzz" in w for w in s.warnings)
    assert build_report(s).models[0].metrics["accuracy"] is not None


BOUNDS = st.one_of(st.none(), st.floats(allow_nan=False, allow_infinity=True), st.sampled_from([math.inf, -math.inf]))


@pytest.mark.bad_input
@given(BOUNDS, BOUNDS)
def test_every_value_bound_is_refused_or_written_as_json(lo, hi):
    """A bound that gates nothing ({} or only open ends) or that nothing can pass is refused with its key named;
    every other one (±inf as open ends included) is written as JSON — infinities as null."""
    bound = {k: v for k, v in (("lower_bound", lo), ("upper_bound", hi)) if v is not None}
    try:
        cfg = parse_config({"metrics": [{"name": "auc", "value_threshold": bound}]}, "c.toml")
    except WitError as exc:
        assert str(exc).startswith("c.toml: metrics[1] (auc).value_threshold")
        finite = [v for v in (lo, hi) if v is not None and math.isfinite(v)]
        assert not finite or lo == math.inf or hi == -math.inf or (lo is not None and hi is not None and lo > hi)
        return
    vt = cfg.metrics[0].value_threshold
    assert vt is not None
    written = json.loads(json.dumps(vt.to_dict(), allow_nan=False))
    assert any(v is not None for v in written.values())
