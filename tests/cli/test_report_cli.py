"""`wit-tui report` and `wit-tui validate` end to end, in subprocesses with no TTY (as in CI).

Exit codes, JSON, and numbers equal to sklearn's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn import metrics as skm
from sklearn.linear_model import LogisticRegression

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TOL = 1e-12


def start(args, cwd):
    env = dict(os.environ, CI="true")  # WIT_TUI_CACHE_DIR comes from conftest: the demo models are already trained
    env.pop("FORCE_COLOR", None)
    return subprocess.Popen(
        [sys.executable, "-m", "wit_tui", *map(str, args)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


def finish(p, timeout=120):
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.communicate()
        raise
    return subprocess.CompletedProcess(p.args, p.returncode, out, err)


@pytest.fixture(scope="module")
def runs(adult_session, tmp_path_factory):
    """Every command, started at once (each pays Python + sklearn start-up), then collected."""
    root = tmp_path_factory.mktemp("headless")
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)})
    frame["y"] = np.where(frame["a"] > 0, "pos", "neg")
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["y"]), root / "model.skops")
    frame.to_csv(root / "data.csv", index=False)
    (root / "bad.toml").write_text(
        '[[metrics]]\nname = "auc"\nvalue_threshold = { lower_bound = 0.7, uper_bound = 1 }\n'
    )
    (root / "broken.toml").write_text('[[metrics]\nname = "auc"\n')
    (root / "cross_no_specs.toml").write_text(
        '[[metrics]]\nname = "recall"\ncross_slice_threshold = { lower_bound = -0.1, upper_bound = 0.1 }\n'
    )
    (root / "cross_gap.toml").write_text(
        '[[metrics]]\nname = "demographic_parity_difference"\nby = "sex"\n'
        "cross_slice_threshold = { upper_bound = 0.1 }\n"
        '[[cross_slicing_specs]]\nbaseline_spec = { feature_values = { race = "White" } }\n'
        'slicing_specs = [ { feature_values = { race = "Black" } } ]\n'
    )
    (root / "change.toml").write_text(
        '[[metrics]]\nname = "auc"\nvalue_threshold = { lower_bound = 0.6 }\n'
        'change_threshold = { direction = "higher_is_better", absolute = -0.01 }\n'
    )
    own = ["--candidate", root / "model.skops", "--data", root / "data.csv", "--label", "y"]
    commands = {
        "pass": ["validate", "--demo", "adult", "--config", EXAMPLES / "validate-adult.toml", "-o", root / "pass.json"],
        "fail": [
            "validate",
            "--demo",
            "adult",
            "--config",
            EXAMPLES / "validate-adult-strict.toml",
            "-o",
            root / "fail.json",
        ],
        "bad_config": ["validate", "--demo", "adult", "--config", root / "bad.toml", "-o", root / "bad.json"],
        "broken_config": ["validate", "--demo", "adult", "--config", root / "broken.toml"],
        "cross_no_specs": [
            "validate",
            "--demo",
            "adult",
            "--config",
            root / "cross_no_specs.toml",
            "-o",
            root / "x.json",
        ],
        "cross_gap": ["validate", "--demo", "adult", "--config", root / "cross_gap.toml"],
        "no_config": ["validate", "--demo", "adult"],
        "bad_option": ["validate", "--demo", "adult", "--config", root / "bad.toml", "--frobnicate"],
        "no_baseline": [*["validate"], *own, "--config", root / "change.toml"],
        "rubber_stamp": [
            *["validate"],
            *own,
            "--config",
            root / "change.toml",
            "--rubber-stamp",
            "-o",
            root / "stamp.json",
        ],
        "report_json": ["report", "--demo", "adult", "--slice", "sex", "--threshold", "0.4", "--format", "json"],
        "report_text": [
            "report",
            "--model",
            root / "model.skops",
            "--data",
            root / "data.csv",
            "--label",
            "y",
            "--slice",
            "a,b",
            "--buckets",
            "2",
        ],
        "report_md": [
            "report",
            "--model",
            root / "model.skops",
            "--data",
            root / "data.csv",
            "--label",
            "y",
            "--slice",
            "a",
            "-o",
            root / "report.md",
        ],
        "report_bad_slice": ["report", "--model", root / "model.skops", "--data", root / "data.csv", "--slice", "zzz"],
    }
    running = {name: start(args, root) for name, args in commands.items()}
    try:
        results = {name: finish(p) for name, p in running.items()}
    finally:
        for p in running.values():
            if p.poll() is None:
                p.kill()
                p.communicate()
    results["root"] = root
    return results


def assert_usage_error(proc, *needles):
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("wit-tui: error:"), proc.stderr
    assert proc.stderr.count("wit-tui: error:") == 1, proc.stderr
    for needle in needles:
        assert needle in proc.stderr, (needle, proc.stderr)


def test_passing_config_exits_0_with_a_tfma_result(runs, adult_session):
    proc = runs["pass"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "PASSED" in proc.stdout and "\x1b[" not in proc.stdout  # plain text off a terminal
    doc = json.loads((runs["root"] / "pass.json").read_text())
    assert doc["schema_version"] == 2
    assert doc["validation_ok"] is True and doc["missing_thresholds"] is False and doc["rubber_stamp"] is False
    assert doc["metric_validations_per_slice"] == [] and doc["missing_slices"] == []
    assert doc["candidate_model_name"] == "hgb" and doc["baseline_model_name"] == "logreg"
    details = {
        json.dumps(d.get("slicing_spec", d.get("cross_slicing_spec")), sort_keys=True): d["num_matching_slices"]
        for d in doc["validation_details"]["slicing_details"]
    }
    assert details == {
        "{}": 1,
        '{"feature_keys": ["sex"]}': 2,
        '{"feature_values": {"race": "White"}}': 1,
        '{"feature_keys": ["age"]}': 4,
        '{"baseline_spec": {"feature_values": {"sex": "Male"}}, '
        '"slicing_specs": [{"feature_values": {"sex": "Female"}}]}': 1,
    }
    assert all(c["ok"] for c in doc["checks"]) and len(doc["checks"]) > 40
    assert doc["missing_cross_slices"] == []
    # the cross-slice check: recall(Male) - recall(Female) of the candidate at 0.5, as sklearn computes it
    (cross,) = [c for c in doc["checks"] if c["kind"] == "cross_slice"]
    assert cross["slice"] == "sex:Male vs sex:Female" and "slice_key" not in cross
    assert cross["cross_slice_key"] == {
        "baseline_slice_key": {"sex": "Male"},
        "comparison_slice_key": {"sex": "Female"},
    }
    assert cross["metric_key"] == {"name": "recall", "model_name": "hgb", "is_diff": False}
    y, pred = adult_session.y_positive, adult_session.scores(1).score >= 0.5
    sex = adult_session.data["sex"].to_numpy()
    male, female = (skm.recall_score(y[sex == g], pred[sex == g]) for g in ("Male", "Female"))
    assert cross["baseline_slice_value"] == pytest.approx(male, abs=TOL)
    assert cross["comparison_slice_value"] == pytest.approx(female, abs=TOL)
    assert cross["metric_value"] == pytest.approx(male - female, abs=TOL)
    assert "sex:Male vs sex:Female" in proc.stdout and "1 cross slice" in proc.stdout


def test_failing_config_exits_1_and_names_each_failure(runs, adult_session):
    proc = runs["fail"]
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAILED" in proc.stdout and "Traceback" not in proc.stderr
    doc = json.loads((runs["root"] / "fail.json").read_text())
    assert doc["validation_ok"] is False
    by_slice = {s["slice"]: s for s in doc["metric_validations_per_slice"]}
    overall = {(f["metric_key"]["name"], f["metric_key"]["is_diff"]): f for f in by_slice["Overall"]["failures"]}
    dp = overall[("demographic_parity_difference", False)]
    assert dp["metric_threshold"] == {"value_threshold": {"upper_bound": 0.1}}
    y, pred = adult_session.y_positive, adult_session.scores(1).score >= 0.5
    sex = adult_session.data["sex"].to_numpy()
    rates = [pred[sex == g].mean() for g in ("Female", "Male")]
    assert dp["metric_value"] == pytest.approx(max(rates) - min(rates), abs=TOL)
    auc = overall[("auc", True)]
    assert auc["metric_value"] == pytest.approx(skm.roc_auc_score(y, adult_session.scores(1).score), abs=TOL)
    assert auc["baseline_value"] == pytest.approx(skm.roc_auc_score(y, adult_session.scores(0).score), abs=TOL)
    regress = by_slice["race_X_sex:Amer-Indian-Eskimo_X_Male"]["failures"][0]
    assert regress["metric_key"] == {"name": "auc", "model_name": "hgb", "is_diff": True}
    assert "absolute -0.01" in regress["message"]


@pytest.mark.bad_input
def test_bad_configs_and_options_exit_2_without_traceback(runs):
    assert_usage_error(runs["bad_config"], "uper_bound", "bad.toml")
    assert not (runs["root"] / "bad.json").exists()
    assert_usage_error(runs["broken_config"], "not valid TOML")
    assert_usage_error(runs["no_config"], "--config")
    assert_usage_error(runs["bad_option"], "--frobnicate")
    assert_usage_error(runs["report_bad_slice"], "--slice", "zzz")


@pytest.mark.bad_input
def test_cross_slice_config_errors_exit_2(runs):
    assert_usage_error(runs["cross_no_specs"], "metrics[1] (recall).cross_slice_threshold", "[[cross_slicing_specs]]")
    assert not (runs["root"] / "x.json").exists()
    assert_usage_error(runs["cross_gap"], "demographic_parity_difference", "cross-slice threshold")


def test_change_thresholds_without_baseline(runs):
    assert_usage_error(runs["no_baseline"], "no baseline", "--rubber-stamp")
    proc = runs["rubber_stamp"]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    doc = json.loads((runs["root"] / "stamp.json").read_text())
    assert doc["rubber_stamp"] is True and doc["validation_ok"] is True and doc["skipped_change_thresholds"] == 1
    assert [c["metric_threshold"] for c in doc["checks"]] == [{"value_threshold": {"lower_bound": 0.6}}]


def test_report_json_numbers_equal_sklearn(runs, adult_session):
    proc = runs["report_json"]
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["schema_version"] == 2 and doc["task"]["threshold"] == 0.4 and doc["task"]["positive"] == ">50K"
    s = adult_session
    y = s.y_positive
    for i, model in enumerate(doc["models"]):
        score = s.scores(i).score
        pred = score >= 0.4
        m = model["metrics"]
        assert model["name"] == s.models[i].name and m["example_count"] == s.n_rows
        assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred), abs=TOL)
        assert m["precision"] == pytest.approx(skm.precision_score(y, pred), abs=TOL)
        assert m["recall"] == pytest.approx(skm.recall_score(y, pred), abs=TOL)
        assert m["f1"] == pytest.approx(skm.f1_score(y, pred), abs=TOL)
        assert m["auc"] == pytest.approx(skm.roc_auc_score(y, score), abs=TOL)
        assert m["average_precision"] == pytest.approx(skm.average_precision_score(y, score), abs=TOL)
        assert m["log_loss"] == pytest.approx(skm.log_loss(y, score), abs=TOL)
        assert m["brier_score"] == pytest.approx(skm.brier_score_loss(y, score), abs=TOL)
        assert model["confusion_matrix"]["matrix"] == skm.confusion_matrix(y, pred).tolist()
        assert model["confusion_matrix"]["labels"] == ["<=50K", ">50K"]
        for row in doc["slices"]["slices"]:
            rows = (s.data["sex"] == row["slice_key"]["sex"]).to_numpy()
            sm = row["metrics"][model["name"]]
            assert row["row_count"] == sm["example_count"] == rows.sum()
            assert sm["accuracy"] == pytest.approx(skm.accuracy_score(y[rows], pred[rows]), abs=TOL)
            assert sm["auc"] == pytest.approx(skm.roc_auc_score(y[rows], score[rows]), abs=TOL)
            assert sm["fpr"] == pytest.approx(1 - skm.recall_score(~y[rows], ~pred[rows]), abs=TOL)
    assert [r["slice"] for r in doc["slices"]["slices"]] == ["sex:Female", "sex:Male"]
    stats = {f["name"]: f for f in doc["feature_statistics"]}
    assert stats["age"]["mean"] == pytest.approx(s.data["age"].mean(), abs=1e-9)
    assert stats["workclass"]["missing"] == int(s.data["workclass"].isna().sum())


def test_report_text_is_plain_off_a_terminal(runs):
    proc = runs["report_text"]
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "\x1b[" not in out and "┌" not in out  # no colour codes, no plotext plot without a TTY
    frame = pd.read_csv(runs["root"] / "data.csv")
    lo, mid, hi = np.quantile(frame["a"], [0, 0.5, 1])
    for needle in (
        "Performance",
        "Slices by a × b",
        "Numeric features",
        "auc",
        "example_count",
        f"[{lo:.6g}, {mid:.6g}]",
    ):
        assert needle in out, needle


def test_report_rejects_a_threshold_for_other_tasks(diabetes_session):
    from wit_tui.engine.core.errors import WitError
    from wit_tui.engine.report import build_report

    with pytest.raises(WitError, match="binary"):
        build_report(diabetes_session, threshold=0.3)
    with pytest.raises(WitError, match="one feature or two"):
        build_report(diabetes_session, slice_features=["age", "sex", "bmi"])
    report = build_report(diabetes_session, slice_features=["sex"])
    assert [r.slice for r in report.slices.rows] == ["sex:1", "sex:2"]  # a numeric 1/2 column: one slice per value
    assert report.to_dict()["task"]["threshold"] is None


def test_report_markdown_to_a_file(runs):
    proc = runs["report_md"]
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and "report.md" in proc.stderr
    text = (runs["root"] / "report.md").read_text()
    assert text.startswith("# wit-tui report: data.csv")
    assert "## Slices by a" in text and "| slice |" in text and "## Numeric features" in text
    assert not [p for p in runs["root"].iterdir() if p.name.endswith(".tmp")]  # the atomic write left no temp file


def test_headless_commands_never_import_textual(runs):
    """`report` and `validate` run where Textual has no terminal: they must not even import it."""
    root = runs["root"]
    code = (
        "import sys\n"
        "from wit_tui.cli.main import main\n"
        f"a = main(['report', '--model', {str(root / 'model.skops')!r}, '--data', {str(root / 'data.csv')!r}, "
        f"'--label', 'y', '--slice', 'a', '--format', 'md', '-o', {str(root / 'r2.md')!r}])\n"
        f"b = main(['validate', '--candidate', {str(root / 'model.skops')!r}, '--data', {str(root / 'data.csv')!r}, "
        f"'--label', 'y', '--config', {str(root / 'change.toml')!r}, '--rubber-stamp'])\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith(('textual.', 'textual_')))\n"
        "print('RESULT', a, b, bad)\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=root, stdin=subprocess.DEVNULL
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip().splitlines()[-1] == "RESULT 0 0 []"


def test_a_crash_is_exit_3_not_a_failed_validation(monkeypatch, capsys, tmp_path):
    """CI must never read a bug as "validation failed" (exit 1): an unexpected exception exits 3 with its traceback."""
    import wit_tui.engine.validation.config as validation
    from wit_tui.cli.main import main

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(validation, "load_config", boom)
    assert main(["validate", "--demo", "adult", "--config", str(tmp_path / "c.toml")]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "wit-tui: error: internal error (RuntimeError: boom)" in err


# -- in process: rendering and usage errors ----------------------------------------------------------------


@pytest.fixture(scope="module")
def bracket_session():
    """Category values and a model name that look like rich markup (``[/]`` alone raises MarkupError if parsed)."""
    from wit_tui.engine.data.loading import LoadedModel
    from wit_tui.engine.session.session import Session

    rng = np.random.default_rng(3)
    n = 200
    frame = pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "g": rng.choice(["[/]", "[bold]B", "plain"], size=n),
            "h": rng.choice(["u", "v"], size=n),
        }
    )
    frame["y"] = np.where(frame["x"] + rng.normal(scale=0.5, size=n) > 0, "yes", "no")
    model = LogisticRegression().fit(frame[["x"]], frame["y"])
    return Session(frame, [LoadedModel("[red]m", model)], label="y", features=["x", "g", "h"], positive="yes")


def _printed(renderables) -> str:
    import io

    from rich.console import Console

    from wit_tui.render.console import print_all

    console = Console(file=io.StringIO(), width=200, color_system=None, force_terminal=False)
    print_all(console, renderables)
    return console.file.getvalue()


def test_values_that_look_like_markup_print_as_they_are(bracket_session):
    """A category such as "[/]" is data: the text report and the validation table print it, never crash (exit 3)."""
    import tomllib

    from wit_tui.engine.report import build_report
    from wit_tui.engine.validation.config import parse_config
    from wit_tui.engine.validation.run import validate_session
    from wit_tui.render import report as render
    from wit_tui.render.markdown import report_markdown
    from wit_tui.render.validation import validation_renderables

    report = build_report(bracket_session, slice_features=["g"])
    for text in (render.report_text(report), _printed(render.report_renderables(report))):
        assert "[/]" in text and "[bold]B" in text and "[red]m" in text
    assert "[/]" in report_markdown(report)
    cfg = parse_config(
        tomllib.loads(
            '[[metrics]]\nname = "example_count"\nvalue_threshold = { lower_bound = 1 }\n'
            '[[slicing_specs]]\nfeature_keys = ["g"]\n'
        ),
        source="t.toml",
    )
    out = _printed(validation_renderables(validate_session(bracket_session, cfg, candidate=0)))
    assert "g:[/]" in out and "g:[bold]B" in out and "[red]m" in out and "PASSED" in out


def test_cross_slice_labels_follow_the_order_asked_for(bracket_session):
    """`--slice h,g` titles the table "h × g", so each row reads "u × plain", not the key's sorted "plain × u"."""
    from wit_tui.engine.report import build_report
    from wit_tui.render.markdown import report_markdown
    from wit_tui.render.report import report_text

    report = build_report(bracket_session, slice_features=["h", "g"])
    text, md = report_text(report), report_markdown(report)
    assert "Slices by h × g" in text and "## Slices by h × g" in md
    for out in (text, md):
        assert "u × plain" in out and "plain × u" not in out
    assert report.slices.rows[0].slice.startswith("g_X_h:")  # the JSON keeps TFMA's sorted slice name
    assert all(line == line.rstrip() for line in text.splitlines())  # no trailing blanks in a -o report.txt


def test_usage_errors_print_brackets_and_refuse_an_empty_slice(tmp_path, capsys):
    from wit_tui.cli.main import main

    cfg = tmp_path / "c.toml"
    cfg.write_text('metrics = "auc"\n')
    assert main(["validate", "--demo", "adult", "--config", str(cfg)]) == 2  # fails before any model loads
    err = capsys.readouterr().err
    assert "write each one as [[metrics]]" in err and err.count("wit-tui: error:") == 1
    assert main(["report", "--slice", ","]) == 2
    err = capsys.readouterr().err
    assert "--slice ',' names no feature" in err and "Traceback" not in err


def test_candidate_and_baseline_with_the_same_file_name_are_told_apart(tmp_path, capsys):
    from wit_tui.cli.main import main

    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"a": rng.normal(size=60)})
    frame["y"] = np.where(frame["a"] + rng.normal(size=60) > 0, "pos", "neg")
    frame.to_csv(tmp_path / "d.csv", index=False)
    for folder, c in (("prod", 0.01), ("new", 1.0)):
        (tmp_path / folder).mkdir()
        sio.dump(LogisticRegression(C=c).fit(frame[["a"]], frame["y"]), tmp_path / folder / "model.skops")
    cfg = tmp_path / "c.toml"
    cfg.write_text('[[metrics]]\nname = "auc"\nchange_threshold = { direction = "higher_is_better", absolute = -1 }\n')
    code = main(
        [
            "validate",
            "--candidate",
            str(tmp_path / "new" / "model.skops"),
            "--baseline",
            str(tmp_path / "prod" / "model.skops"),
            "--data",
            str(tmp_path / "d.csv"),
            "--label",
            "y",
            "--config",
            str(cfg),
            "-o",
            str(tmp_path / "r.json"),
        ]
    )
    assert code == 0, capsys.readouterr()
    doc = json.loads((tmp_path / "r.json").read_text())
    assert doc["candidate_model_name"] == "model (candidate)" and doc["baseline_model_name"] == "model (baseline)"
