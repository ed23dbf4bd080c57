"""ctrl+e on screen 2 writes the decisions made; `validate --decisions` then gives the screen's per-slice numbers,
and `wit-tui --decisions` opens with them, at 80×24 and 160×50."""

from __future__ import annotations

import tomllib

import numpy as np
import pytest

from wit_tui.engine.analysis.decisions_file import read_decisions
from wit_tui.engine.analysis.slice_results import session_slice_metrics
from wit_tui.engine.decisions_rows import apply_decisions
from wit_tui.engine.metrics.thresholds import STRATEGIES
from wit_tui.engine.validation.config import parse_config
from wit_tui.engine.validation.run import validate_session
from wit_tui.tui.app import WitApp
from wit_tui.tui.dialogs.confirm import ConfirmScreen
from wit_tui.tui.options import RunOptions

CONFIG = (
    '[[slicing_specs]]\nfeature_keys = ["sex"]\n'
    '[[metrics]]\nname = "selection_rate"\nvalue_threshold = { lower_bound = 0 }\n'
    '[[metrics]]\nname = "recall"\nvalue_threshold = { lower_bound = 0 }\n'
)


async def _demographic_parity_by_sex(app, pilot, open_view, type_into, settle) -> None:
    await open_view(app, pilot, "2")
    await type_into(pilot, app, "b", "sex")
    steps = list(STRATEGIES).index("demographic_parity")
    await pilot.press("f", "home", *(["down"] * steps), "enter")
    await settle(app, pilot)
    assert app.decisions.strategy == "demographic_parity" and app.decisions.per_slice is not None


@pytest.mark.parametrize("size", [(80, 24)])  # one size per test, both sizes per feature
async def test_export_then_validate_gives_the_screens_per_slice_numbers(
    adult_session, open_view, type_into, settle, tmp_path, monkeypatch, size
):
    s = adult_session
    monkeypatch.chdir(tmp_path)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await _demographic_parity_by_sex(app, pilot, open_view, type_into, settle)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await pilot.press("enter")  # the default path, ./wit-decisions.toml
        await settle(app, pilot)
        view = app.query_one("#view-performance")
        slicing = view.state.slices.slicing
        per_slice = app.decisions.per_slice
        screen = [session_slice_metrics(s, i, slicing.codes, slicing.n_slices, per_slice[i]) for i in range(2)]
    path = tmp_path / "wit-decisions.toml"
    f = read_decisions(path)
    assert f.strategy == "demographic_parity" and f.slicing is not None and f.slicing.features == ("sex",)
    names = [slicing.name(k) for k in range(slicing.n_slices)]
    assert f.models[0].slice_thresholds == dict(zip(names, per_slice[0].tolist(), strict=True))
    config = parse_config(tomllib.loads(CONFIG))
    for candidate in (0, 1):
        result = validate_session(s, config, candidate=candidate, rubber_stamp=True, decisions=f)
        for metric in ("selection_rate", "recall"):
            got = {c.slice: c.value for c in result.checks if c.metric_key.name == metric}
            assert got == {n: screen[candidate].value(metric, k) for k, n in enumerate(names)}


async def test_export_never_overwrites_without_a_yes(
    adult_session, open_view, type_into, settle, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "wit-decisions.toml"
    path.write_text("mine\n")
    app = WitApp(adult_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await _demographic_parity_by_sex(app, pilot, open_view, type_into, settle)
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        assert path.read_text() == "mine\n"
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot)
    assert read_decisions(path).strategy == "demographic_parity"


@pytest.mark.parametrize("size", [(160, 50)])
async def test_the_app_opens_with_a_files_decisions(
    adult_session, open_view, type_into, settle, screen_text, tmp_path, monkeypatch, size
):
    s = adult_session
    monkeypatch.chdir(tmp_path)
    first = WitApp(s)
    async with first.run_test(size=size) as pilot:
        await _demographic_parity_by_sex(first, pilot, open_view, type_into, settle)
        wanted = tuple(a.copy() for a in first.decisions.per_slice)
        await pilot.press("ctrl+e")
        await settle(first, pilot)
        await pilot.press("enter")
        await settle(first, pilot)
    applied = apply_decisions(s, read_decisions(tmp_path / "wit-decisions.toml"))
    app = WitApp(s, RunOptions(thresholds=applied.thresholds, decisions=applied))
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await settle(app, pilot)
        d = app.decisions
        assert d.strategy == "demographic_parity"
        assert d.per_slice is not None
        for got, want in zip(d.per_slice, wanted, strict=True):
            np.testing.assert_array_equal(got, want)
        assert "Demographic parity" in screen_text(app)


async def test_exporting_randomized_thresholds_warns_that_ci_decides_deterministically(
    adult_session, open_view, type_into, settle, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    app = WitApp(adult_session)
    async with app.run_test(size=(160, 50)) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "sex")
        steps = list(STRATEGIES).index("equalized_odds_randomized")
        await pilot.press("f", "home", *(["down"] * steps), "enter")
        await settle(app, pilot)
        assert app.decisions.strategy == "equalized_odds_randomized"
        await pilot.press("ctrl+e")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        shown = [str(n.message) for n in app._notifications]
    assert any("more likely threshold" in m for m in shown), shown
    assert read_decisions(tmp_path / "wit-decisions.toml").strategy == "equalized_odds_randomized"
