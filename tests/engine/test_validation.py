"""TFMA's validation rules, one test per rule that fails when the rule is broken, on small real sklearn models."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from wit_tui.engine.core.errors import WitError
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.engine.slicing import feature_slices
from wit_tui.engine.validation.config import load_config, parse_config
from wit_tui.engine.validation.rules import change_warnings, check_change, check_value
from wit_tui.engine.validation.run import validate_session
from wit_tui.engine.validation.specs import ChangeThreshold, ValueThreshold

HIB, LIB = "higher_is_better", "lower_is_better"


# -- the rules, pure --------------------------------------------------------


def test_value_bounds_are_inclusive_at_the_edge():
    t = ValueThreshold(lower_bound=0.75, upper_bound=0.875)
    assert check_value(0.75, t)[0] and check_value(0.875, t)[0]
    assert not check_value(np.nextafter(0.75, 0), t)[0]
    assert not check_value(np.nextafter(0.875, 1), t)[0]
    ok, msg = check_value(0.5, t, "auc")
    assert not ok and "below lower_bound 0.75" in msg and "auc" in msg
    ok, msg = check_value(0.9, t, "auc")
    assert not ok and "above upper_bound 0.875" in msg


def test_unset_bounds_are_infinite_and_nan_always_fails():
    assert check_value(1e308, ValueThreshold())[0] and check_value(-1e308, ValueThreshold())[0]
    assert check_value(-5.0, ValueThreshold(upper_bound=0.1))[0]
    ok, msg = check_value(float("nan"), ValueThreshold())
    assert not ok and "NaN" in msg


def test_absolute_change_higher_is_better():
    # diff = v_c - v_b = 0.5 - 0.75 = -0.25, exactly representable
    assert check_change(0.5, 0.75, ChangeThreshold(HIB, absolute=-0.25))[0]  # diff >= absolute (edge)
    ok, msg = check_change(0.5, 0.75, ChangeThreshold(HIB, absolute=-0.125), "auc")  # a 0.25 drop > 0.125 slack
    assert not ok and "-0.25" in msg and "absolute -0.125" in msg
    assert not check_change(0.75, 0.5, ChangeThreshold(HIB, absolute=0.5))[0]  # improvement required, too small
    assert check_change(0.75, 0.5, ChangeThreshold(HIB, absolute=0.25))[0]


def test_absolute_change_lower_is_better():
    assert check_change(0.75, 0.5, ChangeThreshold(LIB, absolute=0.25))[0]  # loss grew by exactly the slack
    assert not check_change(0.75, 0.5, ChangeThreshold(LIB, absolute=0.125))[0]
    assert check_change(0.25, 0.5, ChangeThreshold(LIB, absolute=-0.25))[0]  # must drop by 0.25: it did
    assert not check_change(0.375, 0.5, ChangeThreshold(LIB, absolute=-0.25))[0]


def test_relative_change_is_candidate_over_baseline_in_both_directions():
    assert check_change(0.5, 0.25, ChangeThreshold(HIB, relative=2.0))[0]  # ratio 2 >= 2 (edge)
    assert not check_change(0.5, 0.25, ChangeThreshold(HIB, relative=2.5))[0]
    assert check_change(0.25, 0.5, ChangeThreshold(LIB, relative=0.5))[0]  # ratio 0.5 <= 0.5 (edge)
    assert not check_change(0.375, 0.5, ChangeThreshold(LIB, relative=0.5))[0]
    # our relative is v_c / v_b (TFMA's documentation): 0.99 of the baseline passes "relative = 0.99";
    # TFMA's code would compute (v_c - v_b) / v_b = -0.01 and fail it
    assert check_change(0.99, 1.0, ChangeThreshold(HIB, relative=0.99))[0]
    assert not check_change(0.98, 1.0, ChangeThreshold(HIB, relative=0.99))[0]


def test_both_absolute_and_relative_must_pass():
    t = ChangeThreshold(HIB, absolute=-0.25, relative=0.75)
    assert check_change(0.75, 1.0, t)[0]
    assert not check_change(0.5, 0.75, t)[0]  # absolute passes (-0.25), ratio 0.667 < 0.75 fails
    t2 = ChangeThreshold(HIB, absolute=-0.125, relative=0.5)
    assert not check_change(0.5, 0.75, t2)[0]  # ratio passes, absolute fails


def test_baseline_zero_fails_the_relative_check_with_a_message():
    ok, msg = check_change(0.5, 0.0, ChangeThreshold(HIB, relative=1.0), "recall")
    assert not ok and "baseline" in msg and "0" in msg and "divides by zero" in msg
    assert check_change(0.5, 0.0, ChangeThreshold(HIB, absolute=0.0))[0]  # absolute alone is fine


def test_a_failure_message_tells_the_value_from_the_bound():
    """A value a hair below its bound must not read "0.870892 is below lower_bound 0.870892"."""
    bound = 0.8708924513236289
    ok, msg = check_value(np.nextafter(bound, 0), ValueThreshold(lower_bound=bound), "accuracy")
    value_text, bound_text = msg.removeprefix("accuracy ").split(" is below lower_bound ")
    assert not ok and value_text != bound_text and float(bound_text) == bound
    ok, msg = check_value(0.5, ValueThreshold(upper_bound=0.25), "auc")
    assert msg == "auc 0.5 is above upper_bound 0.25"  # short numbers stay short
    # 0.9 - 0.91 is -0.010000000000000009 in floats, which fails absolute = -0.01 (as in TFMA): the message shows it
    ok, msg = check_change(0.9, 0.91, ChangeThreshold(HIB, absolute=-0.01), "auc")
    assert not ok and "changed by -0.010000000000000009" in msg and "absolute -0.01 " in msg
    ok, msg = check_change(0.99, 1.0 + 1e-12, ChangeThreshold(HIB, relative=0.99), "auc")
    ratio_text = msg.split("baseline = ")[1].split(" ")[0]
    assert not ok and ratio_text != "0.99" and float(ratio_text) < 0.99


def test_nan_in_a_change_check_fails():
    assert not check_change(float("nan"), 0.5, ChangeThreshold(HIB, absolute=-1.0))[0]
    assert not check_change(0.5, float("nan"), ChangeThreshold(HIB, relative=0.0))[0]
    assert check_change(0.5, 0.25, ChangeThreshold(HIB))[0]  # a direction alone always passes, as TFMA


# -- the config -------------------------------------------------------------


def _cfg(**top):
    return parse_config(top, source="c.toml")


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "data, needle",
    [
        ({"metrics": [{"name": "auc", "value_threshold": {"lower_bund": 0.7}}]}, "lower_bund"),
        ({"metrics": [{"name": "auc", "value_threshold": {"lower_bound": "high"}}]}, "must be a number"),
        (
            {"metrics": [{"name": "auc", "value_threshold": {"lower_bound": 0.9, "upper_bound": 0.1}}]},
            "above upper_bound",
        ),
        ({"metrics": [{"name": "auc", "change_threshold": {"absolute": -0.01}}]}, "direction"),
        (
            {"metrics": [{"name": "auc", "change_threshold": {"direction": "up", "absolute": -0.01}}]},
            "higher_is_better",
        ),
        ({"metrics": [{"value_threshold": {"lower_bound": 0.7}}]}, "needs a name"),
        ({"metrics": {"name": "auc"}}, "[[metrics]]"),
        ({"metrics": [{"name": "demographic_parity_difference", "value_threshold": {"upper_bound": 0.1}}]}, "by ="),
        ({"metrics": [{"name": "auc", "by": "sex"}]}, "not a fairness gap"),
        ({"metrics": [{"name": "auc", "method": "to_overall"}]}, "only applies to fairness gaps"),
        ({"slicing_specs": [{"feature_keys": ["sex"], "feature_values": {"sex": "Male"}}]}, "both"),
        ({"slicing_specs": [{"feature_key": ["sex"]}]}, "feature_key"),
        ({"threshold": True}, "threshold"),
        ({"buckets": 0}, "buckets"),
        ({"tresholds": 0.5}, "tresholds"),
    ],
)
def test_bad_configs_are_clear_errors(data, needle):
    with pytest.raises(WitError) as info:
        parse_config(data, source="c.toml")
    assert needle in str(info.value) and str(info.value).startswith("c.toml")


@pytest.mark.bad_input
def test_config_file_errors(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[metrics]]\nname = "auc\n')
    with pytest.raises(WitError, match="not valid TOML.*line 2"):
        load_config(bad)
    with pytest.raises(WitError, match="does not exist"):
        load_config(tmp_path / "missing.toml")
    good = tmp_path / "good.toml"
    good.write_text(
        'threshold = 0.4\n[[metrics]]\nname = "auc"\nvalue_threshold = { lower_bound = 0.7 }\n'
        '[[slicing_specs]]\n[[slicing_specs]]\nfeature_values = { race = "White" }\n'
    )
    cfg = load_config(good)
    assert cfg.threshold == 0.4 and cfg.metrics[0].value_threshold == ValueThreshold(0.7, None)
    assert [s.to_dict() for s in cfg.slicing_specs] == [{}, {"feature_values": {"race": "White"}}]


# -- over a session -----------------------------------------------------------


@pytest.fixture(scope="module")
def session():
    """Two logistic regressions on a real-valued feature; group C has only negative labels (AUC undefined there)."""
    rng = np.random.default_rng(0)
    n = 600
    frame = pd.DataFrame(
        {"x": rng.normal(size=n), "group": rng.choice(["A", "B"], size=n), "age": rng.integers(18, 80, size=n)}
    )
    frame["y"] = np.where(frame["x"] + rng.normal(scale=0.7, size=n) > 0, "yes", "no")
    c = pd.DataFrame({"x": rng.normal(-2, 0.3, size=30), "group": "C", "age": rng.integers(18, 80, size=30), "y": "no"})
    frame = pd.concat([frame, c], ignore_index=True)
    base = LogisticRegression(C=0.001).fit(frame[["x"]], frame["y"])
    cand = LogisticRegression().fit(frame[["x"]], frame["y"])
    models = [LoadedModel("base", base), LoadedModel("cand", cand)]
    return Session(frame, models, label="y", features=["x", "group", "age"], positive="yes")


def _run(session, text: str, **kw):
    import tomllib

    cfg = parse_config(tomllib.loads(text), source="t.toml")
    kw.setdefault("candidate", 1)
    kw.setdefault("baseline", 0)
    return validate_session(session, cfg, **kw)


def test_value_threshold_on_every_slice_and_the_json(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
value_threshold = { lower_bound = 0.5 }
[[slicing_specs]]
[[slicing_specs]]
feature_keys = ["group"]
""",
    )
    assert r.validation_ok and not r.missing_slices and not r.missing_thresholds
    assert [c.slice for c in r.checks] == ["Overall", "group:A", "group:B", "group:C"]
    assert [(d.slicing_spec.to_dict(), d.num_matching_slices) for d in r.validation_details] == [
        ({}, 1),
        ({"feature_keys": ["group"]}, 3),
    ]
    doc = json.loads(r.to_json())
    for field in (
        "validation_ok",
        "metric_validations_per_slice",
        "missing_slices",
        "missing_thresholds",
        "rubber_stamp",
        "validation_details",
    ):
        assert field in doc
    assert doc["validation_ok"] is True and doc["metric_validations_per_slice"] == []
    assert doc["checks"][1]["slice_key"] == {"group": "A"}


def test_metric_not_computable_on_a_slice_fails_with_the_reason(session):
    r = _run(
        session,
        """
[[metrics]]
name = "auc"
value_threshold = { lower_bound = 0.5 }
[[slicing_specs]]
feature_keys = ["group"]
""",
    )
    assert not r.validation_ok
    (failed,) = r.metric_validations_per_slice
    assert failed.slice == "group:C"
    (f,) = failed.failures
    assert f.value is None and "not computable" in f.message and "only one class" in f.message
    doc = json.loads(r.to_json())
    assert doc["metric_validations_per_slice"][0]["failures"][0]["metric_value"] is None


def test_a_spec_that_matches_no_slice_is_missing_and_fails(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
value_threshold = { lower_bound = 0.0 }
[[slicing_specs]]
[[slicing_specs]]
feature_values = { group = "Z" }
[[slicing_specs]]
feature_keys = ["no_such_column"]
""",
    )
    assert not r.validation_ok and r.n_failed == 0
    assert [m.slicing_spec.to_dict() for m in r.missing_slices] == [
        {"feature_values": {"group": "Z"}},
        {"feature_keys": ["no_such_column"]},
    ]
    assert "no_such_column" in r.missing_slices[1].message
    assert json.loads(r.to_json())["missing_slices"][0]["feature_values"] == {"group": "Z"}


def test_no_thresholds_fails_unless_rubber_stamped(session):
    text = '[[metrics]]\nname = "auc"\n'
    r = _run(session, text)
    assert not r.validation_ok and r.missing_thresholds and not r.rubber_stamp
    r = _run(session, text, rubber_stamp=True)
    assert r.validation_ok and not r.missing_thresholds and r.rubber_stamp


@pytest.mark.bad_input
def test_change_thresholds_without_baseline_are_a_usage_error_unless_rubber_stamped(session):
    text = """
[[metrics]]
name = "auc"
value_threshold = { lower_bound = 0.99 }
change_threshold = { direction = "higher_is_better", absolute = -0.01 }
"""
    with pytest.raises(WitError, match="no baseline") as info:
        _run(session, text, baseline=None)
    assert "--rubber-stamp" in info.value.hint
    r = _run(session, text, baseline=None, rubber_stamp=True)
    assert r.rubber_stamp and r.skipped_change_thresholds == 1
    assert [c.kind for c in r.checks] == ["value"]  # value thresholds still apply ...
    assert not r.validation_ok  # ... and this one fails (AUC < 0.99)


def test_change_thresholds_compare_with_the_baseline_per_slice(session):
    r = _run(
        session,
        """
[[metrics]]
name = "log_loss"
change_threshold = { direction = "lower_is_better", absolute = 0.0 }
[[metrics]]
name = "auc"
change_threshold = { direction = "higher_is_better", relative = 1.0 }
""",
    )
    loss, auc = r.checks
    assert loss.kind == "change" and loss.baseline_model == "base" and loss.metric_key.is_diff
    assert loss.value < loss.baseline_value and loss.ok  # the regularised baseline has the worse loss
    assert auc.ok  # the same ranking feature, so AUCs are equal: ratio 1 >= 1
    assert auc.value == pytest.approx(auc.baseline_value)
    # the same config with the roles swapped fails the loss check
    swapped = _run(
        session,
        '[[metrics]]\nname = "log_loss"\nchange_threshold = { direction = "lower_is_better", absolute = 0.0 }\n',
        candidate=0,
        baseline=1,
    )
    assert not swapped.validation_ok and "log_loss" in swapped.checks[0].message


def test_fairness_gap_per_slice_and_not_applicable_where_the_slice_fixes_it(session):
    r = _run(
        session,
        """
[[metrics]]
name = "demographic_parity_difference"
by = "group"
value_threshold = { upper_bound = 1.0 }
[[slicing_specs]]
[[slicing_specs]]
feature_keys = ["group"]
[[slicing_specs]]
feature_keys = ["age"]
""",
    )
    ages = feature_slices(session.data["age"], 4).labels
    assert len(ages) == 4
    assert [c.slice for c in r.checks] == ["Overall"] + [f"age:{lab}" for lab in ages]  # none on group:A, B, C
    assert any("not applicable" in n for n in r.notes)
    assert all(c.ok for c in r.checks)
    # equalized odds by group: group C has no positive label, so its TPR is undefined: not computable, fails
    r = _run(
        session,
        '[[metrics]]\nname = "equalized_odds_difference"\nby = "group"\nvalue_threshold = { upper_bound = 1.0 }\n',
    )
    assert not r.validation_ok and "group:C" in r.checks[0].message and "no positive labels" in r.checks[0].message


def test_config_metrics_are_checked_against_the_task(session, diabetes_session):
    with pytest.raises(WitError, match="not a binary metric"):
        _run(session, '[[metrics]]\nname = "mae"\nvalue_threshold = { upper_bound = 1 }\n')
    with pytest.raises(WitError, match="unknown metric 'aucc'"):
        _run(session, '[[metrics]]\nname = "aucc"\nvalue_threshold = { upper_bound = 1 }\n')
    with pytest.raises(WitError, match="lacks: sexx"):
        _run(
            session,
            '[[metrics]]\nname = "demographic_parity_difference"\nby = "sexx"\nvalue_threshold = { upper_bound = 1 }\n',
        )
    with pytest.raises(WitError, match="binary classifiers"):
        _run(
            diabetes_session,
            '[[metrics]]\nname = "demographic_parity_difference"\nby = "sex"\nvalue_threshold = { upper_bound = 1 }\n',
        )
    r = _run(
        diabetes_session,
        'threshold = 0.3\n[[metrics]]\nname = "mae_ratio"\nby = "sex"\nvalue_threshold = { lower_bound = 0.5 }\n',
    )
    assert r.validation_ok and r.threshold is None and any("ignored" in n for n in r.notes)
    assert 0.5 <= r.checks[0].value <= 1.0


def test_slices_from_several_specs_are_checked_once(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
value_threshold = { lower_bound = 0.0 }
[[slicing_specs]]
feature_keys = ["group"]
[[slicing_specs]]
feature_values = { group = "A" }
""",
    )
    assert [c.slice for c in r.checks] == ["group:A", "group:B", "group:C"]
    assert [d.num_matching_slices for d in r.validation_details] == [3, 1]


def test_decision_threshold_from_the_config_is_used(session):
    high = _run(
        session, 'threshold = 0.9\n[[metrics]]\nname = "selection_rate"\nvalue_threshold = { upper_bound = 1 }\n'
    )
    low = _run(
        session, 'threshold = 0.1\n[[metrics]]\nname = "selection_rate"\nvalue_threshold = { upper_bound = 1 }\n'
    )
    score = session.scores(1).score
    assert high.checks[0].value == pytest.approx(np.mean(score >= 0.9))
    assert low.checks[0].value == pytest.approx(np.mean(score >= 0.1))
    assert high.threshold == 0.9 and not math.isclose(high.checks[0].value, low.checks[0].value)


# -- cross-slice thresholds ---------------------------------------------------

MALE_VS_FEMALE = [
    {"baseline_spec": {"feature_values": {"sex": "Male"}}, "slicing_specs": [{"feature_values": {"sex": "Female"}}]}
]


def _cross(lower=None, upper=None, metric="recall", cross=MALE_VS_FEMALE, **extra):
    bounds = {k: v for k, v in (("lower_bound", lower), ("upper_bound", upper)) if v is not None}
    return parse_config(
        {
            "threshold": 0.5,
            "metrics": [{"name": metric, "cross_slice_threshold": bounds}],
            "cross_slicing_specs": cross,
            **extra,
        },
        source="x.toml",
    )


def test_cross_slice_value_is_baseline_slice_minus_comparison_slice_as_sklearn(adult_session):
    from sklearn.metrics import recall_score

    s = adult_session
    r = validate_session(s, _cross(-1.0, 1.0), candidate=1, baseline=0)
    (c,) = r.checks
    y, pred, sex = s.y_positive, s.scores(1).score >= 0.5, s.data["sex"].to_numpy()
    expected = recall_score(y[sex == "Male"], pred[sex == "Male"]) - recall_score(
        y[sex == "Female"], pred[sex == "Female"]
    )
    assert c.kind == "cross_slice" and c.value == pytest.approx(expected, abs=1e-12) and c.ok
    assert c.slice == "sex:Male vs sex:Female" and c.metric_key.model_name == "hgb" and not c.metric_key.is_diff
    assert c.cross_slice_key.baseline_slice_key == (("sex", "Male"),)
    assert c.cross_slice_key.comparison_slice_key == (("sex", "Female"),)
    assert r.validation_ok and not r.missing_thresholds and not r.missing_cross_slices
    assert [(d.to_dict(), d.num_matching_slices) for d in r.validation_details] == [
        ({"cross_slicing_spec": MALE_VS_FEMALE[0], "num_matching_slices": 1}, 1)
    ]
    doc = json.loads(r.to_json())
    assert (
        doc["missing_cross_slices"] == []
        and doc["validation_details"]["slicing_details"][0]["num_matching_slices"] == 1
    )
    (check,) = doc["checks"]
    assert check["kind"] == "cross_slice" and "slice_key" not in check
    assert check["cross_slice_key"] == {
        "baseline_slice_key": {"sex": "Male"},
        "comparison_slice_key": {"sex": "Female"},
    }
    assert check["metric_threshold"] == {"cross_slice_threshold": {"lower_bound": -1.0, "upper_bound": 1.0}}
    assert check["baseline_slice_value"] - check["comparison_slice_value"] == check["metric_value"]

    # inclusive at both edges: the exact difference as a bound passes, the next float past it fails
    d = c.value
    assert validate_session(s, _cross(d, d), candidate=1).validation_ok
    below = validate_session(s, _cross(upper=float(np.nextafter(d, -1))), candidate=1)
    above = validate_session(s, _cross(lower=float(np.nextafter(d, 1))), candidate=1)
    assert not below.validation_ok and "above upper_bound" in below.checks[0].message
    assert not above.validation_ok and "below lower_bound" in above.checks[0].message
    (failed,) = json.loads(below.to_json())["metric_validations_per_slice"]
    assert "slice_key" not in failed and failed["slice"] == "sex:Male vs sex:Female"
    assert failed["cross_slice_key"]["comparison_slice_key"] == {"sex": "Female"}
    assert failed["failures"][0]["metric_value"] == d


def test_cross_slices_get_only_cross_thresholds_and_value_thresholds_only_single_slices(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
value_threshold = { lower_bound = 0.0 }
change_threshold = { direction = "higher_is_better", absolute = -1.0 }
cross_slice_threshold = { lower_bound = -1.0, upper_bound = 1.0 }
[[slicing_specs]]
[[cross_slicing_specs]]
baseline_spec = { feature_values = { group = "A" } }
slicing_specs = [ { feature_keys = ["group"] } ]   # group:A itself is left out: B and C
""",
    )
    assert [(c.slice, c.kind) for c in r.checks] == [
        ("Overall", "value"),
        ("Overall", "change"),
        ("group:A vs group:B", "cross_slice"),
        ("group:A vs group:C", "cross_slice"),
    ]
    assert r.validation_ok and [d.num_matching_slices for d in r.validation_details] == [1, 2]


def test_a_config_with_only_cross_slice_thresholds_has_thresholds(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
cross_slice_threshold = { upper_bound = 1.0 }
[[cross_slicing_specs]]
baseline_spec = {}
slicing_specs = [ { feature_values = { group = "B" } } ]
""",
        baseline=None,
    )
    assert r.validation_ok and not r.missing_thresholds and [c.slice for c in r.checks] == ["Overall vs group:B"]


def test_a_cross_spec_with_a_side_that_matches_no_slice_is_missing_and_fails(session):
    r = _run(
        session,
        """
[[metrics]]
name = "accuracy"
cross_slice_threshold = { lower_bound = -1.0, upper_bound = 1.0 }
[[cross_slicing_specs]]
baseline_spec = { feature_values = { group = "Z" } }
slicing_specs = [ { feature_values = { group = "B" } } ]
[[cross_slicing_specs]]
baseline_spec = { feature_values = { group = "A" } }
slicing_specs = [ { feature_values = { group = "B" } }, { feature_keys = ["no_such_column"] } ]
[[cross_slicing_specs]]
baseline_spec = { feature_values = { group = "A" } }
slicing_specs = [ { feature_values = { group = "A" } } ]
""",
    )
    assert not r.validation_ok and r.n_failed == 0 and len(r.missing_cross_slices) == 3
    z, col, itself = (m.message for m in r.missing_cross_slices)
    assert "baseline_spec" in z and "no row has group = 'Z'" in z
    assert "comparison spec" in col and "no_such_column" in col
    assert "itself" in itself
    assert [c.slice for c in r.checks] == ["group:A vs group:B"]  # the comparison that exists is still checked
    assert [d.num_matching_slices for d in r.validation_details] == [0, 1, 0]
    doc = json.loads(r.to_json())
    assert doc["missing_cross_slices"][0] == {
        "baseline_spec": {"feature_values": {"group": "Z"}},
        "slicing_specs": [{"feature_values": {"group": "B"}}],
        "message": z,
    }
    from wit_tui.render.validation import verdict

    assert "3 missing cross slices" in verdict(r).plain


def test_a_metric_not_computable_on_either_side_fails_with_the_reason(session):
    # group C has only negative labels: its AUC is undefined
    for base, comp, side in (("A", "C", "comparison"), ("C", "A", "baseline")):
        r = _run(
            session,
            f"""
[[metrics]]
name = "auc"
cross_slice_threshold = {{ lower_bound = -1.0, upper_bound = 1.0 }}
[[cross_slicing_specs]]
baseline_spec = {{ feature_values = {{ group = "{base}" }} }}
slicing_specs = [ {{ feature_values = {{ group = "{comp}" }} }} ]
""",
        )
        (c,) = r.checks
        assert not r.validation_ok and not c.ok and c.value is None
        assert f"not computable on the {side} slice group:C" in c.message and "only one class" in c.message
        failure = json.loads(r.to_json())["metric_validations_per_slice"][0]["failures"][0]
        assert failure["metric_value"] is None
        assert (failure["baseline_slice_value"] is None) == (side == "baseline")
        assert (failure["comparison_slice_value"] is None) == (side == "comparison")


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "data, needle",
    [
        (
            {"metrics": [{"name": "recall", "cross_slice_threshold": {"upper_bound": 0.1}}]},
            "metrics[1] (recall).cross_slice_threshold: needs [[cross_slicing_specs]]",
        ),
        (
            {
                "metrics": [
                    {
                        "name": "demographic_parity_difference",
                        "by": "sex",
                        "cross_slice_threshold": {"upper_bound": 0.1},
                    }
                ],
                "cross_slicing_specs": MALE_VS_FEMALE,
            },
            "fairness gap, which has no cross-slice threshold",
        ),
        (
            {
                "metrics": [{"name": "recall", "cross_slice_threshold": {"lower_bound": 0.1, "upper_bound": -0.1}}],
                "cross_slicing_specs": MALE_VS_FEMALE,
            },
            "above upper_bound",
        ),
        (
            {
                "metrics": [{"name": "recall", "cross_slice_threshold": {"uper_bound": 0.1}}],
                "cross_slicing_specs": MALE_VS_FEMALE,
            },
            "uper_bound",
        ),
        ({"cross_slicing_specs": [{"slicing_specs": [{}]}]}, "needs a baseline_spec"),
        ({"cross_slicing_specs": [{"baseline_spec": {}}]}, "cross_slicing_specs[1].slicing_specs: needs a list"),
        ({"cross_slicing_specs": [{"baseline_spec": {}, "slicing_specs": []}]}, "one or more comparison"),
        ({"cross_slicing_specs": [{"baseline_spec": {"feature_key": ["sex"]}, "slicing_specs": [{}]}]}, "feature_key"),
        (
            {"cross_slicing_specs": [{"baseline_spec": {}, "slicing_specs": [{"feature_values": {"sex": ["a"]}}]}]},
            "cross_slicing_specs[1].slicing_specs[1].feature_values.sex",
        ),
        ({"cross_slicing_specs": [{"baseline_spec": {}, "slicing_specs": [{}], "comparison": 1}]}, "comparison"),
        ({"cross_slicing_specs": {"baseline_spec": {}}}, "[[cross_slicing_specs]]"),
    ],
)
def test_cross_slice_config_errors(data, needle):
    with pytest.raises(WitError) as info:
        parse_config(data, source="c.toml")
    assert needle in str(info.value) and str(info.value).startswith("c.toml")


def test_a_relative_change_against_a_negative_baseline_keeps_tfmas_verdict_and_warns():
    rel = ChangeThreshold("higher_is_better", relative=1.0)
    ok, _ = check_change(-3.0, -0.8, rel, "r2")
    assert ok  # candidate / baseline = 3.75 >= 1: TFMA's arithmetic passes a worse model
    assert change_warnings(-0.8, rel, "r2") and "is negative" in change_warnings(-0.8, rel, "r2")[0]
    assert change_warnings(0.8, rel, "r2") == ()
    assert change_warnings(-0.8, ChangeThreshold("higher_is_better", absolute=0.0), "r2") == ()
