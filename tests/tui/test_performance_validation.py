"""The performance screen's v key: the `wit-tui validate` check table for the loaded models, one engine call."""

from __future__ import annotations

from pathlib import Path

import pytest

from wit_tui.engine.validation.config import load_config
from wit_tui.engine.validation.run import validate_session
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture
def config():
    return load_config(EXAMPLES / "validate-adult-strict.toml")


async def test_v_shows_pass_fail_per_metric_and_slice(adult_session, config, screen_text, settle):
    s = adult_session
    expected = validate_session(s, config, candidate=1, baseline=0)
    app = WitApp(s, RunOptions(validation_config=config))
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        text = screen_text(app)
        assert f"FAILED: {expected.n_failed} of {len(expected.checks)} checks failed" in text
        assert "hgb vs logreg" in text and "PASS" in text and "FAIL" in text
        first = expected.checks[0]
        assert first.slice in text and f"{first.value:.4f}" in text


async def test_v_without_a_config_says_how_to_give_one(adult_session, screen_text, settle):
    app = WitApp(adult_session)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert "--config" in screen_text(app)


async def test_v_lists_the_behaviour_tests_with_pass_fail_per_model(adult_session, screen_text, settle):
    """A config with [[behaviors]]: v on screen 2 shows each behaviour's rate per model, as validate gives it."""
    s = adult_session
    config = load_config(EXAMPLES / "validate-adult-behaviors-strict.toml")
    expected = validate_session(s, config, candidate=1, baseline=0)
    app = WitApp(s, RunOptions(validation_config=config))
    async with app.run_test(size=(200, 80)) as pilot:
        await settle(app, pilot)
        await pilot.press("2")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        text = screen_text(app)
    assert "Behaviour tests:" in text
    failed = [o for o in expected.behaviors if o.gates and not o.passed]
    assert failed and "FAIL" in text
    for o in expected.behaviors:
        assert o.behavior in text
    first = expected.behaviors[0]
    assert f"{first.failures:,}" in text and f"{first.rate:.4f}" in text
