"""``--ci-level`` / ``--resamples`` on every command, and the JSON of ``report`` and ``validate`` at schema
version 2 with the intervals they asked for, run in-process on the real command line."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression

from wit_tui.cli.main import main


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "g": rng.choice(["x", "y", "z"], size=300, p=[0.45, 0.5, 0.05])})
    frame["y"] = (frame["a"] + rng.normal(size=300) > 0).astype(int)
    sio.dump(LogisticRegression().fit(frame[["a"]], frame["y"]), tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "ok.toml").write_text('[[metrics]]\nname = "recall"\nvalue_threshold = { lower_bound = 0.1 }\n')
    return tmp_path


def _own(files) -> list[str]:
    return ["--model", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"]


BAD_VALUES = [
    ("--ci-level", "1", "--ci-level must be a number strictly between 0 and 1, not '1'."),
    ("--ci-level", "0", "strictly between 0 and 1, not '0'"),
    ("--ci-level", "nan", "strictly between 0 and 1, not 'nan'"),
    ("--ci-level", "95%", "strictly between 0 and 1, not '95%'"),
    ("--resamples", "0", "--resamples must be a whole number from 1 to 100,000, not '0'."),
    ("--resamples", "2.5", "whole number from 1 to 100,000, not '2.5'"),
    ("--resamples", "1000000", "not '1000000'"),
]


@pytest.mark.bad_input
@pytest.mark.parametrize(("option", "value", "words"), BAD_VALUES)
@pytest.mark.parametrize("command", ["run", "report", "validate"])
def test_bad_interval_options_exit_2_with_one_message(files, capsys, command, option, value, words):
    if command == "validate":
        argv = ["validate", "--candidate", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"]
        argv += ["--config", str(files / "ok.toml")]
    else:
        argv = [command, *_own(files)]
    code = main([*argv, option, value])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("wit-tui: error: ") and err.count("wit-tui: error:") == 1 and "Traceback" not in err
    assert words in err and "usage:" not in err


def test_run_hands_the_interval_options_to_the_app(files, monkeypatch):
    from wit_tui.tui.app import WitApp

    seen = {}

    def fake_run(self):
        seen["options"] = self.options

    monkeypatch.setattr(WitApp, "run", fake_run)
    assert main([*_own(files), "--ci-level", "0.9", "--resamples", "250"]) == 0
    intervals = seen["options"].intervals
    assert intervals.level == 0.9 and intervals.resamples == 250 and intervals.seed == 0


def test_report_json_is_schema_2_with_the_asked_for_intervals_and_a_fairness_section(files, capsys):
    code = main(["report", *_own(files), "--slice", "g", "--format", "json", "--ci-level", "0.8", "--resamples", "50"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0 and doc["schema_version"] == 2
    assert doc["interval_options"] == {"level": 0.8, "resamples": 50, "seed": 0}
    model = doc["models"][0]
    assert model["intervals"]["recall"]["level"] == 0.8 and model["intervals"]["auc"]["method"] == "delong"
    assert doc["slices"]["slices"][0]["intervals"]["m"]["f1"]["method"] == "bootstrap"
    fairness = doc["fairness"]
    assert fairness["by"] == ["g"] and fairness["resamples"] == 50
    assert [g["slice"] for g in fairness["models"][0]["groups"]] == ["g:x", "g:y", "g:z"]
    assert fairness["models"][0]["intervals"]["demographic_parity_difference"]["level"] == 0.8


def test_validate_gates_on_the_interval_and_writes_it(files, capsys, tmp_path):
    (files / "gate.toml").write_text(
        '[[metrics]]\nname = "demographic_parity_difference"\nby = "g"\nmin_group_size = 40\n'
        'value_threshold = { upper_bound = 0.99, on = "ci_upper" }\n'
    )
    out = tmp_path / "r.json"
    argv = ["validate", "--candidate", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"]
    code = main([*argv, "--config", str(files / "gate.toml"), "-o", str(out), "--ci-level", "0.9"])
    printed = capsys.readouterr().out
    doc = json.loads(out.read_text())
    assert doc["schema_version"] == 2
    (check,) = doc["checks"]
    assert code == (0 if check["ok"] else 1)
    assert check["gated_on"] == "ci_upper" and check["intervals"]["demographic_parity_difference"]["level"] == 0.9
    small = int((pd.read_csv(files / "d.csv")["g"] == "z").sum())
    assert check["left_out_groups"] == [{"group": "g:z", "rows": small}] and small < 40
    assert f"g:z ({small} rows)" in printed  # named on screen, passing or not
    assert "ci_upper in [-inf, 0.99]" in printed


@pytest.mark.bad_input
@pytest.mark.parametrize("value", ["0", "-3", "2.5", "many"])
def test_a_bad_min_group_size_of_the_app_exits_2_with_one_message(files, capsys, value):
    code = main(["run", *_own(files), "--min-group-size", value])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("wit-tui: error: ") and err.count("wit-tui: error:") == 1 and "Traceback" not in err
    assert f"--min-group-size must be a whole number of at least 1, not {value!r}." in err


def test_run_hands_min_group_size_to_the_app(files, monkeypatch):
    from wit_tui.tui.app import WitApp

    seen = {}
    monkeypatch.setattr(WitApp, "run", lambda self, *a, **k: seen.setdefault("options", self.options))
    assert main(["run", *_own(files), "--min-group-size", "30"]) == 0
    assert seen["options"].min_group_size == 30
