"""``wit-tui validate --junit FILE`` on the Adult demo: the passing example is all green, the strict one has its
failures in the XML, the exit code stays the validation's, and a path that cannot be written exits 2 first."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

import wit_tui.cli.validate as validate_cli
from wit_tui.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
XSD = ROOT / "tests" / "data" / "junit.xsd"


@pytest.fixture
def demo(adult_session, monkeypatch):
    """``--demo adult`` on the session the suite already loaded (validate reads it, never edits it)."""
    monkeypatch.setattr(validate_cli, "load_demo", lambda name: adult_session)


def _validate(config: str, tmp_path: Path, capsys) -> tuple[int, ET.Element, dict]:
    junit, out = tmp_path / "validation.xml", tmp_path / "result.json"
    args = ["--config", str(EXAMPLES / config), "--junit", str(junit), "-o", str(out)]
    code = main(["validate", "--demo", "adult", *args, "--resamples", "100"])  # few resamples: verdicts on values
    assert f"wrote the JUnit XML report to {junit}" in capsys.readouterr().err
    xmlschema.XMLSchema(XSD).validate(junit)
    return code, ET.parse(junit).getroot(), json.loads(out.read_text())


def test_the_passing_example_writes_every_check_passing(demo, tmp_path, capsys):
    code, root, doc = _validate("validate-adult.toml", tmp_path, capsys)
    cases = root.findall("./testsuite/testcase")
    assert code == 0 and doc["validation_ok"] is True
    assert len(cases) == len(doc["checks"]) == int(root.get("tests")) and root.get("failures") == "0"
    assert not root.findall(".//failure") and not root.findall(".//skipped")
    assert {c.get("classname") for c in cases} == {"wit-tui.validate.metrics.hgb"}


def test_the_strict_example_exits_1_with_its_failures_in_the_xml(demo, tmp_path, capsys):
    code, root, doc = _validate("validate-adult-strict.toml", tmp_path, capsys)
    failing = [c for c in doc["checks"] if not c["ok"]]
    failures = root.findall(".//failure")
    assert code == 1 and doc["validation_ok"] is False
    assert len(failures) == len(failing) == int(root.get("failures")) > 0
    assert [f.get("message").split(" [value ")[0] for f in failures] == [c["message"] for c in failing]
    assert any(
        "auc change vs logreg on race_X_sex:Amer-Indian-Eskimo_X_Male" == c.get("name") for c in root.iter("testcase")
    )


BEHAVIOR = """
[[behaviors]]
name = "sex does not decide"
kind = "invariance"
perturb = { set = { sex = ["Male", "Female"] } }
sample = 3000
max_flip_rate = 0.0
slicing_specs = [ { feature_keys = ["sex"] } ]
"""


def test_behaviour_outcomes_are_testcases_and_only_the_candidates_fail(demo, tmp_path, capsys):
    config = tmp_path / "b.toml"
    config.write_text(BEHAVIOR)
    code, root, doc = _validate(str(config), tmp_path, capsys)
    suite = root.find("./testsuite[@name='wit-tui validate: behaviors']")
    cases = suite.findall("testcase")
    assert code == 1 and len(cases) == len(doc["behaviors"]) == 6  # 2 models x (Overall + 2 sexes)
    for case, outcome in zip(cases, doc["behaviors"], strict=True):
        assert case.get("classname") == f"wit-tui.validate.behaviors.{outcome['model_name']}"
        assert case.get("name") == f"sex does not decide on {outcome['slice']}"
        failure = case.find("failure")
        assert (failure is not None) == (not outcome["ok"] and outcome["gates"])
        if failure is not None:
            message = failure.get("message")
            assert f"{outcome['failures']:,} of {outcome['rows']:,} rows failed" in message and "at most 0" in message
            assert "worst examples:" in failure.text and f"row {outcome['examples'][0]['row']}: sex: " in failure.text
    assert int(suite.get("failures")) == sum(not o["ok"] and o["gates"] for o in doc["behaviors"]) > 0


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("target", "needle"),
    [
        ("folder", "The --junit file path {folder} is a folder."),
        ("missing", "The folder of the --junit file {folder}/no/such/dir/v.xml does not exist."),
        ("config", "The --junit file {folder}/c.toml is the input file"),
        ("json", "-o and --junit both write {folder}/r.json"),
    ],
)
def test_a_junit_path_that_cannot_be_written_exits_2_naming_it(tmp_path, capsys, target, needle):
    config = tmp_path / "c.toml"
    config.write_text((EXAMPLES / "validate-adult.toml").read_text())
    path = {
        "folder": tmp_path,
        "missing": tmp_path / "no/such/dir/v.xml",
        "config": config,
        "json": tmp_path / "r.json",
    }
    argv = [
        "validate",
        "--demo",
        "adult",
        "--config",
        str(config),
        "--junit",
        str(path[target]),
        "-o",
        str(tmp_path / "r.json"),
    ]
    code = main(argv)
    err = capsys.readouterr().err
    assert code == 2 and err.count("wit-tui: error:") == 1 and needle.format(folder=tmp_path) in err
    assert not (tmp_path / "r.json").exists() and config.read_text() == (EXAMPLES / "validate-adult.toml").read_text()
