"""``validate`` with a multi-class gap's ``class``: a class the model lacks exits 2, naming it."""

from __future__ import annotations

import pytest

from wit_tui.cli.main import main


@pytest.mark.bad_input
def test_a_gap_class_the_model_lacks_exits_2_naming_it(tmp_path, capsys):
    config = tmp_path / "checks.toml"
    config.write_text(
        '[[metrics]]\nname = "demographic_parity_difference"\nby = "alcohol"\nclass = "merlot"\n'
        "value_threshold = { upper_bound = 0.5 }\n"
    )
    code = main(["validate", "--demo", "wine", "--config", str(config), "--rubber-stamp"])
    err = capsys.readouterr().err
    assert code == 2 and "wit-tui: error:" in err and "'merlot' is not one of the model's classes" in err
    assert "class_0" in err and "Traceback" not in err


def test_the_markdown_report_shows_each_class_gap_as_the_json_holds_it(capsys):
    """The Markdown report's multi-class section prints the JSON's gaps and intervals (each class vs the rest)."""
    import json

    args = ["report", "--demo", "wine", "--slice", "alcohol"]
    assert main([*args, "--format", "json"]) == 0
    section = json.loads(capsys.readouterr().out)["multiclass_fairness"]
    assert main([*args, "--format", "md"]) == 0
    md = capsys.readouterr().out
    assert "## Multi-class fairness by alcohol (each class vs the rest)" in md
    cls = section["models"][0]["classes"][1]
    dpd, iv = cls["gaps"]["demographic_parity_difference"], cls["intervals"]["demographic_parity_difference"]
    row = f"| {cls['class']} | demographic_parity_difference | {dpd:.4f} | [{iv['low']:.4f}, {iv['high']:.4f}] |"
    assert row in md
    top = section["models"][0]["largest_over_classes"]["demographic_parity_difference"]
    assert f"largest demographic_parity_difference over classes: {top['value']:.4f} ({top['class']})" in md
