"""Behaviour tests (issue 16) on Adult with planted behaviours: a model that reads sex fails "sex does not decide"
and one that never saw it passes; a capital-gain-monotone gradient boosting passes "more capital gain never
hurts" where an unconstrained one fails. Every count equals an independent pandas / sklearn computation."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import make_column_transformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.result import behavior_dict
from wit_tui.engine.validation.run import validate_session

NUMERIC = ["age", "education_num", "capital_gain", "capital_loss", "hours_per_week"]
CATEGORICAL = ["marital_status", "relationship", "sex"]
LABEL = "income"


def _lr(categorical: list[str]) -> object:
    pre = make_column_transformer((OneHotEncoder(handle_unknown="ignore"), categorical), (StandardScaler(), NUMERIC))
    return make_pipeline(pre, LogisticRegression(max_iter=500))


@pytest.fixture(scope="module")
def planted(adult_session) -> tuple[dict[str, Session], dict[str, object]]:
    """Four models fitted on 3,000 Adult rows, tested on the next 3,000: sessions of two models each (the one
    that reads sex and the one that does not; the monotone and the free gradient boosting)."""
    data = adult_session.data
    train, test = data.iloc[:3000], data.iloc[3000:6000].reset_index(drop=True)
    y = train[LABEL].astype(str)
    cst = [1 if f == "capital_gain" else 0 for f in NUMERIC]
    models = {
        "with_sex": _lr(CATEGORICAL).fit(train[NUMERIC + CATEGORICAL], y),
        "without_sex": _lr(CATEGORICAL[:-1]).fit(train[NUMERIC + CATEGORICAL[:-1]], y),
        "mono": HistGradientBoostingClassifier(max_iter=60, monotonic_cst=cst, random_state=0).fit(train[NUMERIC], y),
        "free": HistGradientBoostingClassifier(max_iter=60, random_state=0).fit(train[NUMERIC], y),
    }
    frame = test[NUMERIC + CATEGORICAL + [LABEL]]
    pairs = {"sex": ("with_sex", "without_sex"), "gain": ("mono", "free")}
    sessions = {
        k: Session(frame, [LoadedModel(n, models[n]) for n in names], label=LABEL, positive=">50K")
        for k, names in pairs.items()
    }
    return sessions, models


SEX = {
    "name": "sex does not decide",
    "kind": "invariance",
    "perturb": {"set": {"sex": ["Male", "Female"]}},
    "where": "age >= 25",
    "max_flip_rate": 0.0,
    "slicing_specs": [{"feature_keys": ["relationship"]}],
}
GAIN = {
    "name": "more capital gain never hurts",
    "kind": "directional",
    "perturb": {"shift": {"capital_gain": 1000}},
    "expect": "not_decrease",
    "tolerance": 1e-9,
    "max_fail_rate": 0.0,
}


def _run(session: Session, behaviors: list[dict], candidate: int, baseline: int | None = None, **kw):
    config = parse_config({"threshold": 0.5, "behaviors": behaviors}, source="t.toml")
    return validate_session(session, config, candidate=candidate, baseline=baseline, **kw)


def _proba(model, frame: pd.DataFrame) -> np.ndarray:
    return model.predict_proba(frame[list(model.feature_names_in_)])[:, list(model.classes_).index(">50K")]


def test_invariance_fails_on_the_model_that_reads_sex_and_passes_on_the_one_that_does_not(planted):
    sessions, models = planted
    session = sessions["sex"]
    with_sex = _run(session, [SEX], candidate=0)
    without = _run(session, [SEX], candidate=1)
    assert not with_sex.validation_ok and without.validation_ok
    overall = with_sex.behaviors[0]
    assert (overall.slice, overall.measure, overall.passed) == ("Overall", "flip_rate", False)
    assert without.behaviors[0].failures == 0
    # independently: each row with sex Male and with Female, predicted by the estimator itself
    frame = session.data[session.data["age"] >= 25]
    before = _proba(models["with_sex"], frame) >= 0.5
    flips = np.zeros(len(frame), bool)
    for value in ("Male", "Female"):
        after = _proba(models["with_sex"], frame.assign(sex=value)) >= 0.5
        flips |= after != before
    assert overall.rows == len(frame)
    assert overall.failures == int(flips.sum()) > 0
    assert set(overall.failing_rows) == set(frame.index[flips])
    assert math.isclose(overall.rate, flips.mean())
    # per slice: the same count within each relationship
    per = {o.slice: o.failures for o in with_sex.behaviors[1:] if o.model == "with_sex"}
    expected = pd.Series(flips, index=frame.index).groupby(frame["relationship"], observed=True).sum()
    assert per == {f"relationship:{k}": int(v) for k, v in expected.items()}
    worst = overall.examples[0]
    assert worst.row in overall.failing_rows and worst.before != worst.after
    assert worst.change.startswith("sex: ")


def test_directional_passes_on_the_monotone_model_and_fails_on_the_free_one(planted):
    sessions, models = planted
    session = sessions["gain"]
    mono = _run(session, [GAIN], candidate=0)
    free = _run(session, [GAIN], candidate=1)
    assert mono.validation_ok and mono.behaviors[0].failures == 0
    assert not free.validation_ok
    frame = session.data
    delta = _proba(models["free"], frame.assign(capital_gain=frame["capital_gain"] + 1000)) - _proba(
        models["free"], frame
    )
    out = free.behaviors[0]
    assert out.failures == int((delta < -1e-9).sum()) > 0
    assert set(out.failing_rows) == set(np.flatnonzero(delta < -1e-9))
    worst = out.examples[0]
    assert math.isclose(worst.score_after - worst.score_before, delta.min())


def test_wilson_interval_and_the_json_section(planted):
    session = planted[0]["sex"]
    o = _run(session, [SEX], candidate=0).behaviors[0]
    k, n, z = o.failures, o.rows, 1.959963984540054
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert math.isclose(o.interval.low, centre - half) and math.isclose(o.interval.high, centre + half)
    d = behavior_dict(o)
    assert d["name"] == "sex does not decide" and d["measure"] == "flip_rate" and d["ok"] is False
    assert d["failures"] == k and d["failing_rows"] == list(o.failing_rows) and len(d["examples"]) == 5


def test_cases_pass_rate_equals_a_direct_computation(planted, tmp_path):
    sessions, models = planted
    session = sessions["sex"]
    cases = session.data.iloc[:40].copy()
    cases["expected"] = cases.pop(LABEL).astype(str)
    cases.loc[cases.index[:3], "expected"] = "[0.0, 0.2]"
    cases.to_csv(tmp_path / "cases.csv", index=False)
    config = parse_config(
        {"behaviors": [{"name": "cases", "kind": "cases", "cases": "cases.csv", "min_pass_rate": 0.9}]},
        source=str(tmp_path / "c.toml"),
    )
    result = validate_session(session, config, candidate=0)
    p = _proba(models["with_sex"], session.data.iloc[:40])
    ok = np.where(p >= 0.5, ">50K", "<=50K") == cases["expected"].to_numpy()
    ok[:3] = p[:3] <= 0.2
    o = result.behaviors[0]
    assert (o.measure, o.rows, o.failures) == ("pass_rate", 40, int((~ok).sum()))
    assert math.isclose(o.rate, ok.mean()) and o.passed == (ok.mean() >= 0.9)


@pytest.mark.bad_input
def test_a_change_threshold_compares_with_the_baseline(planted):
    session = planted[0]["sex"]
    spec = {**SEX, "max_flip_rate": 1.0, "change_threshold": {"absolute": 0.005}, "slicing_specs": []}
    result = _run(session, [spec], candidate=0, baseline=1)
    cand = [o for o in result.behaviors if o.gates]
    assert len(cand) == 1 and cand[0].baseline_rate == 0.0 and not cand[0].passed
    assert "vs baseline without_sex" in cand[0].message
    with pytest.raises(WitError, match="need a baseline model"):
        _run(session, [spec], candidate=0)
    assert _run(session, [spec], candidate=0, rubber_stamp=True).behaviors[0].passed


@pytest.mark.bad_input
def test_bad_behaviour_configs_are_refused_naming_the_key(planted, tmp_path):
    session = planted[0]["sex"]
    bad_parse = [
        ({**SEX, "max_flips": 0.1}, r"behaviors\[1\] \(sex does not decide\): unknown key 'max_flips'"),
        ({**SEX, "kind": "fuzz"}, r"\.kind: must be one of"),
        ({**SEX, "perturb": {"jitter": {"age": 1}}}, r"\.perturb: unknown key 'jitter'"),
        ({**SEX, "max_flip_rate": 1.5}, r"\.max_flip_rate: must be a share of rows from 0 to 1"),
        ({**GAIN, "expect": "up"}, r"\.expect: must be one of"),
    ]
    for spec, message in bad_parse:
        with pytest.raises(WitError, match=message):
            parse_config({"behaviors": [spec]}, source="t.toml")
    (tmp_path / "few.csv").write_text("age,expected\n30,>50K\n")
    bad_data = [
        ({**SEX, "perturb": {"set": {"gender": ["Male"]}}}, r"perturb\.set\.gender: 'gender' is not a feature"),
        ({**SEX, "perturb": {"set": {"sex": ["Other"]}}}, r"perturb\.set\.sex: 'Other' is not a value of sex"),
        ({**GAIN, "perturb": {"shift": {"sex": 1}}}, r"perturb\.shift\.sex: sex is categorical"),
        ({**SEX, "where": "age >>= 3"}, r"behaviors\[1\] \(sex does not decide\)\.where: "),
        (
            {"name": "c", "kind": "cases", "cases": str(tmp_path / "few.csv")},
            r"behaviors\[1\] \(c\)\.cases: .* lacks columns the models need: education_num",
        ),
    ]
    for spec, message in bad_data:
        with pytest.raises(WitError, match=message):
            _run(session, [spec], candidate=0)


@pytest.mark.bad_input
def test_a_multiclass_directional_test_needs_a_class(wine_session):
    feature = next(c for c in wine_session.features if c != wine_session.label)
    spec = {**GAIN, "perturb": {"shift": {feature: 1}}}
    config = parse_config({"behaviors": [spec]}, source="t.toml")
    with pytest.raises(WitError, match=r"behaviors\[1\] \(more capital gain never hurts\)\.class: a multi-class"):
        validate_session(wine_session, config, candidate=0)
