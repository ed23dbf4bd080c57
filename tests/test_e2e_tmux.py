"""End to end: the real ``wit-tui`` console script in tmux, driven with send-keys and read with capture-pane."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

TMUX = shutil.which("tmux")
# CI installs tmux (.ci/run), so there this must run, never skip.
pytestmark = pytest.mark.skipif(TMUX is None and os.environ.get("CI") != "true", reason="tmux is not installed")


def _console_script() -> str:
    script = Path(sys.executable).with_name("wit-tui")
    assert script.exists(), f"console script not installed next to {sys.executable}"
    return str(script)


class Tmux:
    def __init__(self, width: int, height: int, command: str, env: dict[str, str]) -> None:
        assert TMUX, "tmux is required for the end-to-end test"
        self.name = f"wit-{uuid.uuid4().hex[:8]}"
        self.socket = f"wit-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={v!s}" for k, v in env.items())
        subprocess.run(
            [
                TMUX,
                "-L",
                self.socket,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(width),
                "-y",
                str(height),
                f"env {exports} TERM=xterm-256color {command}; sleep 30",
            ],
            check=True,
        )

    def keys(self, *keys: str) -> None:
        subprocess.run([TMUX, "-L", self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def capture(self) -> str:
        out = subprocess.run(
            [TMUX, "-L", self.socket, "capture-pane", "-p", "-t", self.name], check=True, capture_output=True, text=True
        )
        return out.stdout

    def wait_for(self, *needles: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = self.capture()
            if all(n in text for n in needles):
                return text
            time.sleep(0.25)
        raise AssertionError(f"timed out waiting for {needles!r}; screen was:\n{text}")

    def wait_gone(self, needle: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        text = self.capture()
        while needle in text and time.monotonic() < deadline:
            time.sleep(0.25)
            text = self.capture()
        assert needle not in text, f"{needle!r} still on screen:\n{text}"
        return text

    def close(self) -> None:
        subprocess.run([TMUX, "-L", self.socket, "kill-server"], check=False, capture_output=True)


@pytest.fixture
def tmux_app(tmp_path):
    sessions = []

    def start(args: str = "", width: int = 100, height: int = 30) -> Tmux:
        env = {"WIT_TUI_CACHE_DIR": os.environ["WIT_TUI_CACHE_DIR"], "HOME": str(tmp_path)}
        t = Tmux(width, height, f"{_console_script()} {args}", env)
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
