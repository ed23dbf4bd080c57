"""Keymap overrides from config.toml: applied by binding id; a bad file is one clear message and the app opens."""

from __future__ import annotations

import pytest

from wit_tui.tui.app import WitApp
from wit_tui.tui.key_config import config_path, load_key_config


def _config(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_config_file_is_found_by_env_then_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("WIT_TUI_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    assert config_path() == tmp_path / "xdg" / "wit-tui" / "config.toml"
    monkeypatch.setenv("WIT_TUI_CONFIG", str(tmp_path / "mine.toml"))
    assert config_path() == tmp_path / "mine.toml"


def test_a_missing_file_is_no_override_and_no_message(tmp_path):
    config = load_key_config(tmp_path / "none.toml")
    assert dict(config.keymap) == {} and config.problems == ()


def test_overrides_apply_by_id_quoted_or_as_dotted_keys(tmp_path):
    quoted = load_key_config(_config(tmp_path, '[keys]\n"datapoints.counterfactual" = "ctrl+k"\n'))
    dotted = load_key_config(_config(tmp_path, '[keys]\ndatapoints.counterfactual = "ctrl+k, ctrl+j"\n'))
    assert dict(quoted.keymap) == {"datapoints.counterfactual": "ctrl+k"} and quoted.problems == ()
    assert dict(dotted.keymap) == {"datapoints.counterfactual": "ctrl+k,ctrl+j"} and dotted.problems == ()


@pytest.mark.bad_input
def test_an_unknown_binding_id_is_named_and_ignored(tmp_path):
    path = _config(tmp_path, '[keys]\n"datapoints.nope" = "z"\n"app.help" = "f1"\n')
    config = load_key_config(path)
    assert dict(config.keymap) == {"app.help": "f1"}
    (problem,) = config.problems
    assert str(path) in problem and "'datapoints.nope' is not a binding id" in problem and "README" in problem


@pytest.mark.bad_input
def test_a_key_that_clashes_on_a_screen_is_refused_naming_both(tmp_path):
    path = _config(tmp_path, '[keys]\n"datapoints.counterfactual" = "e"\n')
    config = load_key_config(path)
    assert dict(config.keymap) == {}
    (problem,) = config.problems
    assert str(path) in problem and "datapoints.counterfactual = 'e' clashes on the Datapoint editor screen" in problem
    assert "Edit (datapoints.edit)" in problem and "keeps its default key" in problem


@pytest.mark.bad_input
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[keys\n", "not valid TOML"),
        ('keys = "x"\n', '"keys" must be a table'),
        ('[keys]\n"app.help" = 3\n', "must be a key in quotes"),
    ],
)
def test_a_bad_file_is_one_message_and_the_default_keys_stay(tmp_path, text, said):
    path = _config(tmp_path, text)
    config = load_key_config(path)
    assert dict(config.keymap) == {}
    (problem,) = config.problems
    assert str(path) in problem and said in problem


# -- in the app ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_a_key_from_the_config_file_runs_the_action(
    adult_session, fresh_session, settle, tmp_path, monkeypatch, size
):
    path = _config(tmp_path, '[keys]\n"datapoints.counterfactual" = "ctrl+k"\n')
    monkeypatch.setenv("WIT_TUI_CONFIG", str(path))
    app = WitApp(fresh_session(adult_session))
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        view = app.query_one("#view-datapoints")
        await pilot.press("c")
        await settle(app, pilot)
        assert view.panel == "table"  # c is no longer the counterfactual key
        await pilot.press("ctrl+k")
        await settle(app, pilot)
        assert view.panel == "cf"


@pytest.mark.bad_input
async def test_a_clashing_key_in_the_config_is_refused_with_a_warning_and_the_app_opens(
    adult_session, settle, tmp_path, monkeypatch
):
    path = _config(tmp_path, '[keys]\n"datapoints.counterfactual" = "e"\n')
    monkeypatch.setenv("WIT_TUI_CONFIG", str(path))
    app = WitApp(adult_session)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        warnings = [n for n in app._notifications if n.title == "Keys"]
        assert len(warnings) == 1 and warnings[0].severity == "warning"
        assert str(path) in warnings[0].message and "clashes" in warnings[0].message
        assert app.key_overrides == {}
        await pilot.press("c")
        await settle(app, pilot)
        assert app.query_one("#view-datapoints").panel == "cf"  # the default key stays
