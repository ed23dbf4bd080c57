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
