"""``validate`` on the interval: a value threshold gating on ``ci_lower`` / ``ci_upper``, fairness gaps leaving out
groups under ``min_group_size`` (and saying which), every check carrying its interval — on the Adult test split."""

from __future__ import annotations

import json
import tomllib

import numpy as np
import pytest
from fairlearn.metrics import equalized_odds_difference

from wit_tui.engine.analysis.group_fairness import group_confusion
from wit_tui.engine.analysis.metric_intervals import slice_metric_intervals
from wit_tui.engine.core.errors import WitError
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, IntervalOptions, gap_intervals
from wit_tui.engine.slicing import overall, slice_by
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.rules import check_gated
from wit_tui.engine.validation.run import validate_session
from wit_tui.engine.validation.specs import ValueThreshold

CANDIDATE, BASELINE = 1, 0  # the demo's hgb against logreg
SMALL_RACES = {"Amer-Indian-Eskimo": 159, "Other": 135}


def _config(text: str):
    return parse_config(tomllib.loads(text), source="t.toml")


def _validate(session, text: str, **kw):
    return validate_session(session, _config(text), candidate=CANDIDATE, **kw)


def _one(result):
    (check,) = result.checks
    return check, json.loads(result.to_json())["checks"][0]


def test_ci_lower_fails_where_the_value_passes(adult_session):
    n = adult_session.n_rows
    iv = slice_metric_intervals(adult_session, CANDIDATE, overall(n).codes, 1, 0.5)["recall"].at(0)
    value_result = _validate(adult_session, '[[metrics]]\nname = "recall"\nvalue_threshold = { lower_bound = 0.6 }')
    value = value_result.checks[0].value
    assert iv.low < value  # the bound below goes between the interval's lower end and the point
    bound = (iv.low + value) / 2
    on_value = _validate(adult_session, f'[[metrics]]\nname = "recall"\nvalue_threshold = {{ lower_bound = {bound} }}')
    on_low = _validate(
        adult_session,
        f'[[metrics]]\nname = "recall"\nvalue_threshold = {{ lower_bound = {bound}, on = "ci_lower" }}',
    )
    assert on_value.validation_ok and not on_low.validation_ok
    check, doc = _one(on_low)
    assert doc["gated_on"] == "ci_lower" and doc["metric_value"] == pytest.approx(value)
    assert doc["intervals"]["recall"] == {k: pytest.approx(v) for k, v in iv.to_dict().items()}
    assert doc["metric_threshold"]["value_threshold"]["on"] == "ci_lower"
    assert "recall ci_lower" in check.message and "below lower_bound" in check.message
    assert "95% wilson interval" in check.message and "gated on its lower end" in check.message
    assert _one(on_value)[1]["gated_on"] == "value" and "wilson interval" in on_value.checks[0].message


def test_a_gap_gates_on_its_bootstrap_upper_end(adult_session):
    slicing = slice_by(adult_session.data, ["sex"], 4)
    confusion = group_confusion(adult_session, CANDIDATE, slicing.codes, slicing.n_slices, 0.5)
    iv = gap_intervals(confusion, ("recall", "fpr"), DEFAULT_INTERVALS)["equalized_odds_difference"]
    base = '[[metrics]]\nname = "equalized_odds_difference"\nby = "sex"\n'
    value = _validate(adult_session, base + "value_threshold = { upper_bound = 1 }").checks[0].value
    bound = (value + iv.high) / 2
    on_value = _validate(adult_session, base + f"value_threshold = {{ upper_bound = {bound} }}")
    on_high = _validate(adult_session, base + f'value_threshold = {{ upper_bound = {bound}, on = "ci_upper" }}')
    assert on_value.validation_ok and not on_high.validation_ok
    check, doc = _one(on_high)
    assert doc["intervals"]["equalized_odds_difference"]["high"] == pytest.approx(iv.high)
    assert doc["intervals"]["equalized_odds_difference"]["method"] == "bootstrap"
    assert doc["gated_on"] == "ci_upper" and "above upper_bound" in check.message and "upper end" in check.message
    assert doc["min_group_size"] == 1 and doc["left_out_groups"] == []


def test_min_group_size_leaves_out_the_small_groups_and_names_them(adult_session):
    base = '[[metrics]]\nname = "equalized_odds_difference"\nby = "race"\nvalue_threshold = { upper_bound = 1 }\n'
    every = _validate(adult_session, base)
    kept = _validate(adult_session, base + "min_group_size = 160")
    race = adult_session.data["race"].astype(str)
    assert {g: int((race == g).sum()) for g in SMALL_RACES} == SMALL_RACES  # the two groups under 160 rows
    y = np.asarray(adult_session.y) == adult_session.task.positive
    pred = adult_session.scores(CANDIDATE).score >= 0.5
    keep = ~race.isin(list(SMALL_RACES)).to_numpy()
    want = equalized_odds_difference(y[keep], pred[keep], sensitive_features=race[keep])
    want_all = equalized_odds_difference(y, pred, sensitive_features=race)
    assert kept.checks[0].value == pytest.approx(want, abs=1e-9)
    assert every.checks[0].value == pytest.approx(want_all, abs=1e-9) and want != pytest.approx(want_all)
    check, doc = _one(kept)
    assert doc["min_group_size"] == 160
    assert doc["left_out_groups"] == [
        {"group": "race:Amer-Indian-Eskimo", "rows": 159},
        {"group": "race:Other", "rows": 135},
    ]
    words = "left out, under min_group_size 160: race:Amer-Indian-Eskimo (159 rows), race:Other (135 rows)"
    assert words in check.message
    assert any(words in note for note in kept.notes)  # shown on a passing run too
    assert not any("left out" in note for note in every.notes)


def test_min_group_size_leaving_one_group_makes_the_gap_not_computable_and_says_why(adult_session):
    text = (
        '[[metrics]]\nname = "demographic_parity_difference"\nby = "race"\nmin_group_size = 10000\n'
        "value_threshold = { upper_bound = 1 }\n"
    )
    result = _validate(adult_session, text)
    assert not result.validation_ok
    msg = result.checks[0].message
    assert "needs at least two groups" in msg and "race:Black (1,561 rows)" in msg


def test_the_level_and_resamples_asked_for_make_the_intervals(adult_session):
    text = '[[metrics]]\nname = "f1"\nvalue_threshold = { lower_bound = 0.5 }'
    wide = _one(_validate(adult_session, text))[1]["intervals"]["f1"]
    narrow = _one(_validate(adult_session, text, intervals=IntervalOptions(level=0.8, resamples=200)))[1]
    iv = narrow["intervals"]["f1"]
    assert iv["level"] == 0.8 and wide["level"] == 0.95 and iv["method"] == "bootstrap"
    assert wide["low"] < iv["low"] < iv["high"] < wide["high"]


def test_a_metric_without_an_interval_cannot_gate_on_one():
    ok, msg = check_gated(0.7, None, ValueThreshold(lower_bound=0.5, on="ci_lower"), "log_loss")
    assert not ok and "has no interval" in msg and "gate on the value" in msg


BAD = [
    ('name = "recall"\nvalue_threshold = { lower_bound = 0.6, on = "median" }', "value_threshold.on", "'median'"),
    ('name = "recall"\nvalue_threshold = { lower_bound = 0.6, on = 1 }', "value_threshold.on", "not 1"),
    (
        'name = "demographic_parity_difference"\nby = "sex"\nmin_group_size = 0\nvalue_threshold = { upper_bound = 1 }',
        "min_group_size",
        "at least 1, not 0",
    ),
    (
        'name = "demographic_parity_difference"\nby = "sex"\nmin_group_size = 2.5\n'
        "value_threshold = { upper_bound = 1 }",
        "min_group_size",
        "not 2.5",
    ),
    (
        'name = "demographic_parity_difference"\nby = "sex"\nmin_group_size = true\n'
        "value_threshold = { upper_bound = 1 }",
        "min_group_size",
        "not True",
    ),
    ('name = "recall"\nmin_group_size = 30\nvalue_threshold = { lower_bound = 0.5 }', "min_group_size", "only applies"),
    (
        'name = "recall"\ncross_slice_threshold = { upper_bound = 0.1, on = "ci_upper" }',
        "cross_slice_threshold",
        "unknown key 'on'",
    ),
]


@pytest.mark.bad_input
@pytest.mark.parametrize(("body", "key", "words"), BAD)
def test_bad_on_and_min_group_size_are_refused_naming_the_key(body, key, words):
    with pytest.raises(WitError) as exc:
        _config("[[metrics]]\n" + body + "\n")
    assert "metrics[1] (" in exc.value.message and key in exc.value.message and words in exc.value.message
