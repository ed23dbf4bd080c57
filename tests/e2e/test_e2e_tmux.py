"""End to end: the real ``wit-tui`` console script in tmux, driven with send-keys and read with capture-pane."""

from __future__ import annotations

import os
import shutil

import pytest

TMUX = shutil.which("tmux")
# CI installs tmux (.ci/run), so there this must run, never skip.
pytestmark = pytest.mark.skipif(TMUX is None and os.environ.get("CI") != "true", reason="tmux is not installed")


@pytest.fixture
def tmux_app(tmp_path, tmux):
    sessions = []

    def start(args: str = "", width: int = 100, height: int = 30):
        env = {"WIT_TUI_CACHE_DIR": os.environ["WIT_TUI_CACHE_DIR"], "HOME": str(tmp_path)}
        t = tmux.Tmux(width, height, f"{tmux.console_script()} {args}", env)
        sessions.append(t)
        return t

    yield start
    for t in sessions:
        t.close()


def test_console_script_demo_three_screens(tmux_app, adult_session):
    # adult_session trains the demo models into the shared test cache first, so the app opens at once
    from wit_tui.engine.analysis.performance import model_performance
    from wit_tui.render.format import fmt

    t = tmux_app(width=100, height=30)
    screen = t.wait_for("16,281 rows", "Datapoint 0", "income")
    assert "logreg" in screen and "hgb" in screen
    t.keys("j")
    t.wait_for("Datapoint 1")
    t.keys("2")
    screen = t.wait_for("confusion matrix", "ROC AUC")
    assert fmt(model_performance(adult_session, 0).binary.accuracy) in screen
    t.keys("3")
    screen = t.wait_for("age · 20 bins", "fnlwgt")
    t.keys("?")
    t.wait_for("Everywhere", "Command palette")
    t.keys("Escape")
    t.wait_gone("Everywhere")  # a key sent right after Escape would read as alt+key
    t.keys("1")
    t.wait_for("Datapoint 1")
    t.keys("q")
    t.wait_gone("Datapoint")  # the app exits; the pane falls back to the `sleep` after it


def test_console_script_bad_input_message(tmux_app, tmp_path):
    t = tmux_app(f"--model {tmp_path}/nope.skops --data {tmp_path}/nope.csv")
    screen = t.wait_for("wit-tui: error:")
    assert "does not exist" in screen and "Traceback" not in screen


def test_console_script_edit_in_tmux(tmux_app, adult_session):
    t = tmux_app(width=100, height=30)
    t.wait_for("16,281 rows", "Datapoint 0")
    t.keys("d")
    t.keys("e")
    t.wait_for("age = 25")
    t.keys("7", "0")  # the prompt opens with the value selected: typing replaces it
    t.wait_for("age = 70")
    t.keys("Enter")
    screen = t.wait_for("Datapoint 0 · edited", "70 *", "1 changed (unsaved)")
    assert "Δ" in screen
