"""Exit codes of the real commands, run in-process: out of memory is a usage limit (2), a crash of the app is 3."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from textual.app import App

from wit_tui.cli.main import main


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40)})
    frame["y"] = (frame["a"] > 0).astype(int)
    sio.dump(LogisticRegression().fit(frame[["a", "b"]], frame["y"]), tmp_path / "m.skops")
    frame.to_csv(tmp_path / "d.csv", index=False)
    return tmp_path


@pytest.mark.bad_input
def test_out_of_memory_while_scoring_is_exit_2(files, monkeypatch, capsys):
    from wit_tui.engine.session import session as session_module

    def no_memory(*_args, **_kwargs):
        raise MemoryError

    monkeypatch.setattr(session_module, "score_frame", no_memory)
    code = main(["report", "--model", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"])
    err = capsys.readouterr().err
    assert code == 2 and "Not enough memory" in err and "fewer rows" in err and "Traceback" not in err


@pytest.mark.bad_input
@pytest.mark.parametrize("target", ["d.csv", "m.skops", "link.csv"])
def test_report_output_onto_an_input_is_refused(files, capsys, target):
    (files / "link.csv").symlink_to(files / "d.csv")
    before = (files / "d.csv").read_bytes(), (files / "m.skops").read_bytes()
    args = ["report", "--model", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"]
    code = main([*args, "-o", str(files / target)])
    assert code == 2 and "would destroy that input" in capsys.readouterr().err
    assert ((files / "d.csv").read_bytes(), (files / "m.skops").read_bytes()) == before


@pytest.mark.bad_input
def test_validate_output_onto_its_config_is_refused(files, capsys):
    config = files / "checks.toml"
    config.write_text('[[metrics]]\nname = "accuracy"\n')
    args = ["validate", "--candidate", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"]
    code = main([*args, "--config", str(config), "-o", str(config)])
    assert code == 2 and "would destroy that input" in capsys.readouterr().err
    assert config.read_text() == '[[metrics]]\nname = "accuracy"\n'


def test_report_output_dash_is_stdout(files, capsys):
    args = ["report", "--model", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"]
    assert main([*args, "--format", "json", "-o", "-"]) == 0
    assert capsys.readouterr().out.lstrip().startswith("{") and not (files / "-").exists()


@pytest.mark.bad_input
def test_a_crash_in_the_app_exits_3_and_says_where_the_autosave_is(files, monkeypatch, capsys):
    from wit_tui.tui.app import WitApp

    async def edit_then_crash(pilot):
        app = pilot.app
        await pilot.wait_for_scheduled_animations()
        while not app.scored:
            await pilot.pause()
        app.session.set_value(0, "a", 5.0)
        await pilot.press("question_mark")  # the help key's handler raises

    def boom(self):
        raise RuntimeError("handler failed")

    monkeypatch.setattr(WitApp, "action_help", boom)
    monkeypatch.setattr(WitApp, "run", functools.partialmethod(App.run, headless=True, auto_pilot=edit_then_crash))
    code = main(["--model", str(files / "m.skops"), "--data", str(files / "d.csv"), "--label", "y"])
    err = capsys.readouterr().err
    assert code == 3 and "internal error (RuntimeError: handler failed)" in err
    assert "in the autosave" in err
