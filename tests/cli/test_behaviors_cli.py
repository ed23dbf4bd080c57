"""``wit-tui validate`` with [[behaviors]] (issue 16): the README's two examples exit 0 and 1 on the Adult demo,
the JSON result carries the behaviours section, and a bad test exits 2 naming its key."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from wit_tui.cli.main import main

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def test_the_passing_example_exits_0_with_a_behaviours_table_and_json(tmp_path, capsys):
    out = tmp_path / "r.json"
    code = main(
        ["validate", "--demo", "adult", "--config", str(EXAMPLES / "validate-adult-behaviors.toml"), "-o", str(out)]
    )
    text = capsys.readouterr().out
    assert code == 0, text
    assert "Behaviour tests:" in text and "sex rarely decides" in text and "PASSED: " in text
    behaviors = json.loads(out.read_text())["behaviors"]
    gating = [b for b in behaviors if b["gates"]]
    assert {b["model_name"] for b in gating} == {"hgb"} and all(b["ok"] for b in gating)
    assert {b["name"] for b in behaviors} >= {"sex rarely decides", "clear approvals and refusals"}


def test_the_strict_example_exits_1_and_shows_the_worst_rows(capsys):
    code = main(["validate", "--demo", "adult", "--config", str(EXAMPLES / "validate-adult-behaviors-strict.toml")])
    text = capsys.readouterr().out
    assert code == 1
    assert "Failing behaviour tests (the worst rows):" in text
    assert "more capital gain never hurts · hgb · Overall: fail rate" in text and "capital_gain: " in text


@pytest.mark.bad_input
def test_a_bad_behaviour_exits_2_naming_its_key(tmp_path, capsys):
    bad = tmp_path / "b.toml"
    bad.write_text(
        '[[behaviors]]\nname = "s"\nkind = "invariance"\nperturb = { set = { sex = ["Other"] } }\nmax_flip_rate = 0.1\n'
    )
    assert main(["validate", "--demo", "adult", "--config", str(bad)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}: behaviors[1] (s).perturb.set.sex: 'Other' is not a value of sex in the data." in err
    assert err.count("wit-tui: error:") == 1 and "Traceback" not in err
