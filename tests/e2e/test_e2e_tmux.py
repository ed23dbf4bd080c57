"""End to end: the real ``wit-tui`` console script in tmux, driven with send-keys and read with capture-pane."""

from __future__ import annotations

import os
import shutil
import time

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
    screen = t.wait_for("16,281 rows", "16,281 datapoints", "income")
    assert "logreg" in screen and "hgb" in screen
    t.keys("\\")  # the side panel (a terminal under 100 columns starts without it)
    t.wait_for("Datapoint 0")
    t.keys("j")
    t.wait_for("Datapoint 1")
    t.keys("2")
    accuracy = fmt(model_performance(adult_session, 0).binary.accuracy)
    t.wait_for("ROC AUC", "95% CI", accuracy)  # the intervals are on by default
    t.keys("3")
    screen = t.wait_for("age · 20 bins", "fnlwgt")
    t.keys("?")
    t.wait_for("wit-tui keys", "type to filter")
    t.keys("Escape")
    t.wait_gone("wit-tui keys")  # a key sent right after Escape would read as alt+key
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
    t.wait_for("16,281 rows", "16,281 datapoints")
    t.keys("d")  # the feature list: it shows the side panel a narrow terminal starts without
    t.wait_for("Datapoint 0")
    t.keys("e")
    t.wait_for("age = 25")
    t.keys("7", "0")  # the prompt opens with the value selected: typing replaces it
    t.wait_for("age = 70")
    t.keys("Enter")
    screen = t.wait_for("Datapoint 0 · edited", "70 *", "1 changed (unsaved)")
    assert "Δ" in screen


def _steady(t, timeout: float = 15.0) -> str:
    """The screen once two reads in a row agree: a key's effect drawn (another process, so read until still)."""
    deadline = time.monotonic() + timeout
    before = t.capture()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = t.capture()
        if now == before:
            return now
        before = now
    return before


def _header_line(screen: str, names: list[str]) -> str | None:
    """The datapoint table's header line (left of the side panel, if it is shown); None: not on screen."""
    for line in screen.splitlines():
        table = line.split("▌")[0]
        if "#" in table and all(n in table for n in names):
            return table
    return None


def _grid_header(screen: str, names: list[str]) -> str:
    header = _header_line(screen, names)
    assert header is not None, f"no table header naming {names} on screen:\n{screen}"
    return header


def _wait_for_grid(t, names: list[str], timeout: float = 90.0) -> None:
    """Poll until the table (not just the title) names both models: scoring has finished."""
    deadline = time.monotonic() + timeout
    while _header_line(t.capture(), names) is None:
        assert time.monotonic() < deadline, f"the table never showed:\n{t.capture()}"
        time.sleep(0.25)


def test_console_script_crosses_every_column_at_80x24_with_the_scores_pinned(tmux_app, adult_session):
    """All of Adult's columns in at most 16 presses of `l` (one column each), the models' predictions and scores
    pinned at the left at every step, until the last column's header shows."""
    from wit_tui.tui.views.datapoints.table import make_columns

    names = [m.name for m in adult_session.models]
    score_labels = [adult_session.tasks[m].score_label[:5] for m in range(len(names))]
    features = [c for c in make_columns(adult_session) if c.key.startswith("f:")]
    heads = {c.label: c.label[: min(9, c.width - 1)] for c in features}  # a header may be cut to its column
    t = tmux_app(width=80, height=24)
    _wait_for_grid(t, names)
    seen: set[str] = set()
    presses = 0
    while True:
        header = _grid_header(_steady(t), names)
        assert all(header.count(lab) >= score_labels.count(lab) for lab in score_labels), header  # both scores
        assert header.index(names[0]) < header.index(names[1]), header
        seen |= {f for f, head in heads.items() if head in header.split(names[1], 1)[1]}
        if heads[features[-1].label] in header:
            break
        assert presses < 16, f"16 presses of l did not reach the last column; seen {sorted(seen)}"
        t.keys("l")
        presses += 1
    assert seen == set(heads), f"columns never shown: {sorted(set(heads) - seen)}"
