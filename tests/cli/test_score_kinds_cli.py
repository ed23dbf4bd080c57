"""`report`, `validate` and the app's command line with two models that score differently, per-model thresholds,
the config's bounds, and a label of none of the model's classes: one rule each, exit 2 with the option named."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

from wit_tui.cli.main import main

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _models(files, order=("lr", "svc")) -> list[str]:
    out = []
    for name in order:
        out += ["--model", str(files[name]), "--name", name]
    return [*out, "--data", str(files["data"]), "--label", files["label"]]


def _usage_error(capsys, code: int, *needles: str) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.count("wit-tui: error:") == 1 and "Traceback" not in err
    for needle in needles:
        assert needle in err, err
    return err


@pytest.mark.parametrize("order", [("lr", "svc"), ("svc", "lr")])
def test_report_scores_each_model_its_own_way(lr_svc_files, capsys, order):
    code = main(["report", *_models(lr_svc_files, order), "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0
    report = json.loads(out)
    models = {m["name"]: m for m in report["models"]}
    X = lr_svc_files["frame"][lr_svc_files["features"]]
    y = (lr_svc_files["frame"][lr_svc_files["label"]] == lr_svc_files["positive"]).to_numpy()
    p = lr_svc_files["lr_model"].predict_proba(X)[:, 1]
    margin = lr_svc_files["svc_model"].decision_function(X)
    assert models["lr"]["score_method"] == "predict_proba" and models["lr"]["threshold"] == 0.5
    assert models["svc"]["score_method"] == "decision_function" and models["svc"]["threshold"] == 0.0
    assert models["lr"]["metrics"]["log_loss"] == pytest.approx(log_loss(y, p))
    assert models["lr"]["metrics"]["brier_score"] == pytest.approx(brier_score_loss(y, p))
    assert models["svc"]["metrics"]["auc"] == pytest.approx(roc_auc_score(y, margin))
    assert models["svc"]["metrics"]["log_loss"] is None and "margins" in models["svc"]["undefined"]["log_loss"]


def test_report_text_says_which_model_uses_margins(lr_svc_files, capsys):
    assert main(["report", *_models(lr_svc_files), "--threshold", "svc=-0.2"]) == 0
    out = capsys.readouterr().out
    assert "thresholds lr 0.5, svc -0.2 (svc: decision_function margins)" in out


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("flags", "needles"),
    [
        (["--threshold", "1.5"], ["--threshold for lr must be from 0 to 1 for probability scores, not 1.5"]),
        (["--threshold", "-1"], ["--threshold for lr must be from 0 to 1", "not -1"]),
        (["--threshold", "svc=1e400"], ["--threshold for svc must be a finite number"]),
        (["--threshold", "nope=0.3"], ["--threshold names 'nope'", "the models are 'lr', 'svc'"]),
        (["--threshold", "lr=abc"], ["--threshold lr=abc must be a number"]),
    ],
)
def test_report_refuses_thresholds_out_of_each_models_range(lr_svc_files, capsys, flags, needles):
    _usage_error(capsys, main(["report", *_models(lr_svc_files), *flags]), *needles)


@pytest.mark.bad_input
def test_report_refuses_a_threshold_above_one_for_one_probability_model(files, capsys):
    code = main(["report", "--model", str(files["model"]), "--data", str(files["data"]), "--label", "y",
                 "--threshold", "1.5"])  # fmt: skip
    _usage_error(capsys, code, "--threshold must be from 0 to 1 for probability scores, not 1.5")


@pytest.mark.bad_input
def test_the_app_refuses_an_unknown_model_in_threshold_before_it_opens(lr_svc_files, capsys):
    _usage_error(capsys, main([*_models(lr_svc_files), "--threshold", "nope=0.3"]), "the models are 'lr', 'svc'")


def _validate(files, tmp_path, config: str, *flags: str) -> list[str]:
    path = tmp_path / "c.toml"
    path.write_text(config)
    return [
        "validate",
        "--baseline",
        str(files["lr"]),
        "--candidate",
        str(files["svc"]),
        "--data",
        str(files["data"]),
        "--label",
        files["label"],
        "--config",
        str(path),
        *flags,
    ]


SELECTION = '[[metrics]]\nname = "selection_rate"\nvalue_threshold = { lower_bound = 0, upper_bound = 1 }\n'


def test_validate_thresholds_per_model_from_the_config_and_the_command_line(lr_svc_files, tmp_path, capsys):
    out = tmp_path / "r.json"
    args = _validate(lr_svc_files, tmp_path, "threshold = { svc = 0.0, lr = 0.5 }\n" + SELECTION)
    assert main([*args, "--threshold", "svc=0.25", "-o", str(out)]) == 0
    result = json.loads(out.read_text())
    assert result["decision_thresholds"] == {"lr": 0.5, "svc": 0.25} and result["decision_threshold"] == 0.25
    assert "thresholds lr 0.5, svc 0.25" in capsys.readouterr().out


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("config", "needles"),
    [
        ("threshold = 1.7\n", ["c.toml: threshold for lr must be from 0 to 1", "not 1.7"]),
        ("threshold = 1e400\n", ["threshold: must be a finite number, not inf"]),
        ("threshold = { svc = 0.0, nope = 0.5 }\n", ["threshold names 'nope'", "'lr'", "'svc'"]),
        ("threshold = {}\n", ["threshold: is an empty table"]),
    ],
)
def test_validate_refuses_config_thresholds_out_of_range(lr_svc_files, tmp_path, capsys, config, needles):
    _usage_error(capsys, main(_validate(lr_svc_files, tmp_path, config + SELECTION)), *needles)


@pytest.mark.bad_input
def test_validate_refuses_a_threshold_flag_out_of_range(lr_svc_files, tmp_path, capsys):
    code = main([*_validate(lr_svc_files, tmp_path, SELECTION), "--threshold", "1.5"])
    _usage_error(capsys, code, "--threshold for lr must be from 0 to 1")


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("bound", "needle"),
    [
        ("{}", "value_threshold: is empty, so it gates nothing"),
        ("{ lower_bound = -inf }", "value_threshold: has no finite bound, so it gates nothing"),
        ("{ lower_bound = inf }", "lower_bound +inf means nothing can pass"),
        ("{ upper_bound = -inf }", "upper_bound -inf means nothing can pass"),
    ],
)
def test_validate_refuses_bounds_that_gate_nothing_or_pass_nothing(lr_svc_files, tmp_path, capsys, bound, needle):
    config = f'[[metrics]]\nname = "auc"\nvalue_threshold = {bound}\n'
    _usage_error(capsys, main(_validate(lr_svc_files, tmp_path, config)), "metrics[1] (auc)", needle)


@pytest.mark.bad_input
def test_infinite_open_bounds_are_written_as_null_and_shown_as_inf(lr_svc_files, tmp_path, capsys):
    out = tmp_path / "r.json"
    config = '[[metrics]]\nname = "auc"\nvalue_threshold = { lower_bound = 0.5, upper_bound = inf }\n'
    code = main([*_validate(lr_svc_files, tmp_path, config), "-o", str(out)])
    text = capsys.readouterr().out
    assert code == 0, text
    check = json.loads(out.read_text())["checks"][0]
    assert check["metric_threshold"] == {"value_threshold": {"lower_bound": 0.5, "upper_bound": None}}
    assert "in [0.5, inf]" in text


@pytest.mark.bad_input
def test_a_relative_change_against_a_negative_baseline_warns(tmp_path, capsys):
    rng = np.random.default_rng(5)
    frame = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    frame["y"] = frame["a"] + 0.1 * rng.normal(size=200)
    # fitted on a flipped feature, both have an R² below 0 on the real one; the candidate is the worse
    baseline = Ridge().fit(frame[["b"]].assign(a=-3 * frame["a"])[["a", "b"]], frame["y"])
    candidate = Ridge().fit(frame[["b"]].assign(a=-frame["a"])[["a", "b"]], frame["y"])
    sio.dump(baseline, tmp_path / "base.skops")
    sio.dump(candidate, tmp_path / "cand.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[[metrics]]\nname = "r2"\nchange_threshold = { direction = "higher_is_better", relative = 1.0 }\n')
    out = tmp_path / "r.json"
    args = ["validate", "--baseline", str(tmp_path / "base.skops"), "--candidate", str(tmp_path / "cand.skops")]
    code = main([*args, "--data", str(tmp_path / "d.csv"), "--label", "y", "--config", str(cfg), "-o", str(out)])
    text = capsys.readouterr().out
    check = json.loads(out.read_text())["checks"][0]
    assert check["baseline_value"] < 0 and check["metric_value"] < check["baseline_value"]  # the candidate is worse
    assert code == 0 and check["ok"]  # TFMA's arithmetic: the ratio passes
    assert check["warnings"] and "is negative" in check["warnings"][0]
    assert "warning: Overall · r2 (change threshold): the baseline r2" in text


@pytest.fixture
def mismatched_files(tmp_path):
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"a": rng.normal(size=120), "b": rng.normal(size=120)})
    frame["kind"] = np.select([frame.a < -0.5, frame.a > 0.5], ["low", "high"], "mid")
    frame["side"] = np.where(frame.b > 0, "left", "right")
    frame["flag"] = rng.integers(0, 2, 120)
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["kind"]), tmp_path / "three.skops")
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["side"]), tmp_path / "two.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    cfg = tmp_path / "c.toml"
    cfg.write_text('[[metrics]]\nname = "accuracy"\nvalue_threshold = { lower_bound = 0.1 }\n')
    return tmp_path


@pytest.mark.bad_input
@pytest.mark.parametrize(("model", "classes"), [("three", "high, low, mid"), ("two", "left, right")])
def test_a_label_of_none_of_the_models_classes_is_a_usage_error(mismatched_files, capsys, model, classes):
    path, data = str(mismatched_files / f"{model}.skops"), str(mismatched_files / "d.csv")
    needles = ["The label column 'flag' holds none of the model's classes: its values are 0, 1 (2 distinct)", classes]
    _usage_error(capsys, main(["report", "--model", path, "--data", data, "--label", "flag"]), *needles)
    cfg = str(mismatched_files / "c.toml")
    code = main(["validate", "--candidate", path, "--data", data, "--label", "flag", "--config", cfg])
    _usage_error(capsys, code, *needles)
