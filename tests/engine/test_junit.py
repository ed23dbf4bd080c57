"""``junit_xml``: every check a testcase, failures with their numbers, valid against Jenkins' JUnit schema, and
user data (slice and model names) escaped, its control characters replaced."""

from __future__ import annotations

import dataclasses
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xmlschema
from sklearn.linear_model import LogisticRegression

from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.metrics.intervals import Interval
from wit_tui.engine.session.session import Session
from wit_tui.engine.validation.behavior_spec import BehaviorOutcome, Example
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.junit import check_name, junit_xml, xml_text
from wit_tui.engine.validation.run import validate_session
from wit_tui.engine.validation.specs import shown_number

XSD = Path(__file__).resolve().parents[1] / "data" / "junit.xsd"
#: slice values a CI page must show safely: markup, quotes, an escape sequence, a NUL
HOSTILE = ['<b>&"x"', "esc\x1b[2Jhere", "nul\x00end"]

CONFIG = """
[[metrics]]
name = "accuracy"
value_threshold = { lower_bound = 0.7 }
change_threshold = { direction = "higher_is_better", absolute = 0.05 }
[[metrics]]
name = "recall"
cross_slice_threshold = { lower_bound = -0.01, upper_bound = 0.01 }
[[slicing_specs]]
[[slicing_specs]]
feature_keys = ["group"]
[[slicing_specs]]
feature_values = { group = "nowhere" }
[[cross_slicing_specs]]
baseline_spec = { feature_values = { group = '<b>&"x"' } }
slicing_specs = [ { feature_values = { group = "esc\\u001b[2Jhere" } } ]
"""


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(XSD)


@pytest.fixture(scope="module")
def session():
    """Two logistic regressions (one nearly constant) on 600 rows whose groups have hostile names."""
    rng = np.random.default_rng(3)
    n = 600
    frame = pd.DataFrame({"x": rng.normal(size=n), "group": rng.choice(HOSTILE, size=n)})
    frame["y"] = np.where(frame["x"] + rng.normal(scale=0.8, size=n) > 0, "yes", "no")
    base = LogisticRegression(C=0.001).fit(frame[["x"]], frame["y"])
    cand = LogisticRegression().fit(frame[["x"]], frame["y"])
    models = [LoadedModel("base", base), LoadedModel("cand.v2", cand)]
    return Session(frame, models, label="y", features=["x", "group"], positive="yes")


@pytest.fixture(scope="module")
def result(session):
    cfg = parse_config(tomllib.loads(CONFIG), source="t.toml")
    return validate_session(session, cfg, candidate=1, baseline=0)


def _outcome(model: str, passed: bool, gates: bool = True, slice_: str = "Overall") -> BehaviorOutcome:
    examples = (Example(17, "group: esc\x1b[2Jhere → nul\x00end", 0.61, 0.42, "yes", "no"),) if not passed else ()
    return BehaviorOutcome(
        behavior="group does not decide",
        kind="invariance",
        model=model,
        slice=slice_,
        rows=400,
        failures=0 if passed else 12,
        rate=0.0 if passed else 0.03,
        interval=Interval(0.0, 0.0095, "wilson", 0.95) if passed else Interval(0.0172, 0.0518, "wilson", 0.95),
        measure="flip_rate",
        limit=0.01,
        passed=passed,
        message="flip rate 0.03 > 0.01" if not passed else "flip rate 0 <= 0.01",
        examples=examples,
        failing_rows=tuple(range(17, 17 + 60)) if not passed else (),
        gates=gates,
    )


BEHAVIORS = (
    _outcome("cand.v2", passed=False),
    _outcome("cand.v2", passed=True, slice_="group:nul\x00end"),
    _outcome("base", passed=False, gates=False),
)


def _cases(xml: str) -> list[ET.Element]:
    return ET.fromstring(xml.encode()).findall("./testsuite/testcase")


def test_every_check_is_a_testcase_and_failures_carry_the_numbers(result, schema):
    xml = junit_xml(result)
    schema.validate(xml.encode())
    root = ET.fromstring(xml.encode())
    metrics, behaviors = root.findall("testsuite")
    # one testcase per check, plus the slicing spec that matched no slice (a failure too)
    assert len(result.missing_slices) == 1 and not behaviors.findall("testcase")
    cases = metrics.findall("testcase")
    assert len(cases) == len(result.checks) + 1
    failing = [c for c in result.checks if not c.ok]
    assert failing and int(metrics.get("failures")) == len(failing) + 1 == int(root.get("failures"))
    assert int(root.get("tests")) == len(cases) and metrics.get("errors") == "0"
    by_name = {(t.get("classname"), t.get("name")): t for t in cases}
    assert len(by_name) == len(cases)  # unique names, though value and change checks share metric and slice
    for c in result.checks:
        case = by_name["wit-tui.validate.metrics.cand_v2", xml_text(check_name(c))]
        failure = case.find("failure")
        assert (failure is None) == c.ok
        if failure is not None:
            message = failure.get("message")
            assert failure.get("type") == "threshold" and xml_text(c.message) in message
            assert f"value {shown_number(c.value)}" in message and c.threshold.describe() in message
            if c.kind == "change":
                assert f"baseline base {shown_number(c.baseline_value)}" in message
    missing = by_name["wit-tui.validate.config", "slicing spec {'feature_values': {'group': 'nowhere'}}"]
    assert "No slice matches" in missing.find("failure").get("message")


def test_check_names_say_the_kind(result):
    names = {check_name(c) for c in result.checks}
    assert {"accuracy on Overall", "accuracy change vs base on Overall"} <= names
    assert 'recall difference on group:<b>&"x" vs group:esc\x1b[2Jhere' in names


@pytest.mark.bad_input
def test_hostile_names_are_escaped_and_controls_replaced(result, schema):
    xml = junit_xml(result, name="run <1> & \x07")
    assert "\x1b" not in xml and "\x00" not in xml and "\x07" not in xml
    schema.validate(xml.encode())
    names = [t.get("name") for t in _cases(xml)]
    assert 'accuracy on group:<b>&"x"' in names  # escaped in the file, the same text once parsed
    assert "accuracy on group:esc\u241b[2Jhere" in names and "accuracy on group:nul\u2400end" in names
    assert ET.fromstring(xml.encode()).get("name") == "run <1> & \u2407"
    assert xml_text("a\ud800b\ufffe\x85\tc\nd") == "a\ufffdb\ufffd\ufffd\u2409c\u240ad"
    assert xml_text("a\tb\nc\x1b", lines=True) == "a\tb\nc\u241b"


def test_behaviours_are_testcases_and_the_baselines_do_not_fail(result, schema):
    xml = junit_xml(dataclasses.replace(result, behaviors=BEHAVIORS))
    schema.validate(xml.encode())
    suite = ET.fromstring(xml.encode()).findall("testsuite")[1]
    assert suite.get("name") == "wit-tui validate: behaviors"
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")
    failed, passed, baseline = suite.findall("testcase")
    assert failed.get("classname") == "wit-tui.validate.behaviors.cand_v2"
    assert failed.get("name") == "group does not decide on Overall"
    assert passed.get("name") == "group does not decide on group:nul\u2400end" and not list(passed)
    message = failed.find("failure").get("message")
    for number in ("flip_rate 0.03", "95% wilson interval [0.0172, 0.0518]", "at most 0.01", "12 of 400 rows"):
        assert number in message
    text = failed.find("failure").text
    assert "row 17: group: esc\u241b[2Jhere → nul\u2400end; score 0.61 → 0.42; decision yes → no" in text
    assert "failing rows (first 50 of 60): 17, 18," in text and text.endswith(", 65, 66")  # 17 + 49
    skipped = baseline.find("skipped")
    assert baseline.find("failure") is None and "not gated" in skipped.get("message")


def test_missing_thresholds_fail_and_a_rubber_stamp_is_noted(session, schema):
    cfg = parse_config(tomllib.loads('[[metrics]]\nname = "auc"\n'), source="t.toml")
    failed = validate_session(session, cfg, candidate=1, baseline=0)
    xml = junit_xml(failed)
    schema.validate(xml.encode())
    (case,) = _cases(xml)
    assert case.get("name") == "thresholds" and "no thresholds" in case.find("failure").get("message")
    stamped = junit_xml(validate_session(session, cfg, candidate=1, baseline=0, rubber_stamp=True))
    schema.validate(stamped.encode())
    props = {p.get("name"): p.get("value") for p in ET.fromstring(stamped.encode()).iter("property")}
    assert props["rubber_stamp"] == "true" and props["validation_ok"] == "true" and not _cases(stamped)


def test_skipped_change_thresholds_show_as_skipped(session, schema):
    text = '[[metrics]]\nname = "accuracy"\nchange_threshold = { direction = "higher_is_better", absolute = 0 }\n'
    cfg = parse_config(tomllib.loads(text), source="t.toml")
    xml = junit_xml(validate_session(session, cfg, candidate=1, baseline=None, rubber_stamp=True))
    schema.validate(xml.encode())
    (case,) = _cases(xml)
    assert "1 change threshold(s) skipped" in case.find("skipped").get("message")


def test_the_output_is_deterministic(result):
    full = dataclasses.replace(result, behaviors=BEHAVIORS)
    assert junit_xml(full) == junit_xml(full)
    assert junit_xml(full).startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites ')


def test_a_failed_validation_never_reads_as_all_green(result):
    passing = tuple(c for c in result.checks if c.ok)
    xml = junit_xml(dataclasses.replace(result, checks=passing, missing_slices=(), validation_ok=False))
    failed = [t for t in _cases(xml) if t.find("failure") is not None]
    assert [t.get("name") for t in failed] == ["validation"]
