"""`report --decisions F` and `validate --decisions F`: the screen's thresholds in CI; a bad file exits 2."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from wit_tui.cli.main import main
from wit_tui.engine.analysis.decisions import Decisions
from wit_tui.engine.analysis.decisions_export import screen_decisions
from wit_tui.engine.analysis.decisions_file import decisions_toml
from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.analysis.slice_table import slice_table
from wit_tui.engine.slice_spec import SliceSpec

CONFIG = (
    '[[slicing_specs]]\nfeature_keys = ["sex"]\n'
    '[[metrics]]\nname = "selection_rate"\nvalue_threshold = { lower_bound = 0 }\n'
)


@pytest.fixture(scope="module")
def per_slice_file(adult_session, tmp_path_factory):
    """Per-slice thresholds by sex for both demo models (Female 0.3, Male 0.6 / 0.35, 0.55) as a decisions file."""
    s = adult_session
    truth = ground_truth(s)
    table = slice_table(s, truth, ["sex"], 4)
    names = [table.slicing.name(k) for k in range(table.slicing.n_slices)]
    values = {"sex:Female": (0.3, 0.35), "sex:Male": (0.6, 0.55)}
    per_slice = tuple(np.array([values[n][i] for n in names]) for i in range(2))
    spec = SliceSpec(("sex",), 4)
    d = replace(Decisions.initial(s.default_thresholds), per_slice=per_slice, slicing_key=spec.key(), truth=truth)
    root = tmp_path_factory.mktemp("decisions")
    path = root / "d.toml"
    path.write_text(decisions_toml(screen_decisions(s, d, spec, table.slicing, spec.key())))
    (root / "v.toml").write_text(CONFIG)
    return {"file": path, "config": root / "v.toml", "table": table, "per_slice": per_slice, "root": root}


def test_validate_applies_the_per_slice_thresholds(adult_session, per_slice_file, capsys):
    p = per_slice_file
    out = p["root"] / "result.json"
    code = main(
        ["validate", "--demo", "adult", "--config", str(p["config"]), "--decisions", str(p["file"]), "-o", str(out)]
    )
    capsys.readouterr()
    assert code == 0
    result = json.loads(out.read_text())
    table = p["table"]
    # the demo's candidate is its second model (hgb)
    screen = session_slice_metrics(adult_session, 1, table.slicing.codes, table.slicing.n_slices, p["per_slice"][1])
    got = {c["slice"]: c["metric_value"] for c in result["checks"] if c["metric_key"]["name"] == "selection_rate"}
    assert got == {table.slicing.name(k): screen.value("selection_rate", k) for k in range(table.slicing.n_slices)}
    assert any("Decisions from" in n for n in result["notes"])


def test_report_shows_the_decisions_used(per_slice_file, capsys):
    p = per_slice_file
    code = main(["report", "--demo", "adult", "--format", "json", "--slice", "sex", "--decisions", str(p["file"])])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    used = report["decisions"]
    assert used["source"] == str(p["file"])
    assert used["models"][0]["slice_thresholds"] == {"sex:Female": 0.3, "sex:Male": 0.6}
    assert used["models"][1]["slice_thresholds"] == {"sex:Female": 0.35, "sex:Male": 0.55}
    female = next(r for r in report["slices"]["slices"] if r["slice"] == "sex:Female")
    table = p["table"]
    k = [table.slicing.name(j) for j in range(table.slicing.n_slices)].index("sex:Female")
    assert female["metrics"]["logreg"]["selection_rate"] == table.indexes[0].index(k).at(0.3).selection_rate


def test_report_markdown_has_the_section(per_slice_file, capsys):
    code = main(["report", "--demo", "adult", "--format", "md", "--decisions", str(per_slice_file["file"])])
    out = capsys.readouterr().out
    assert code == 0
    assert "Decisions used" in out and "sex:Female" in out


def test_threshold_on_the_command_line_beats_the_file(per_slice_file, capsys):
    p = per_slice_file
    code = main(["report", "--demo", "adult", "--format", "json", "--decisions", str(p["file"]), "--threshold", "0.7"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["task"]["threshold"] == 0.7
    assert all(m["slice_thresholds"] is None for m in report["decisions"]["models"])


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('schema_version = 1\ncolour = "red"\n', "colour"),
        ('schema_version = 1\n[[models]]\nname = "logreg"\n', "threshold"),
        ('[[models]]\nname = "logreg"\nthreshold = 0.5\n', "schema_version"),
    ],
)
def test_a_bad_decisions_file_exits_2_naming_the_key(tmp_path, capsys, text, named):
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    (tmp_path / "v.toml").write_text(CONFIG)
    code = main(["validate", "--demo", "adult", "--config", str(tmp_path / "v.toml"), "--decisions", str(bad)])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("wit-tui: error:") and named in err and "Traceback" not in err


@pytest.mark.bad_input
def test_a_decisions_file_on_a_feature_the_data_lacks_exits_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'schema_version = 1\n[slicing]\nfeatures = ["colour"]\n'
        '[[models]]\nname = "logreg"\nthreshold = 0.5\n[models.slice_thresholds]\n"colour:red" = 0.4\n'
        '[[models]]\nname = "hgb"\nthreshold = 0.5\n'
    )
    code = main(["report", "--demo", "adult", "--decisions", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "slicing" in err and "colour" in err


@pytest.mark.bad_input
def test_a_missing_decisions_file_exits_2(tmp_path, capsys):
    code = main(["report", "--demo", "adult", "--decisions", str(tmp_path / "nope.toml")])
    err = capsys.readouterr().err
    assert code == 2 and "nope.toml" in err
