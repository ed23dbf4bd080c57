"""Nothing lost: every change to the overlay is autosaved and can be restored in a new session on the same files."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest


# -- the real process, killed ---------------------------------------------------
def test_killed_process_loses_nothing(files, tmp_path, tmux):
    """The real console script in tmux: edit, kill -9 the process, start again, restore."""
    TMUX, Tmux, _console_script = tmux.path, tmux.Tmux, tmux.console_script

    if TMUX is None:
        pytest.skip("tmux is not installed") if os.environ.get("CI") != "true" else pytest.fail(
            "tmux is required in CI"
        )
    env = {
        "WIT_TUI_CACHE_DIR": os.environ["WIT_TUI_CACHE_DIR"],
        "WIT_TUI_DATA_DIR": os.environ["WIT_TUI_DATA_DIR"],
        "HOME": str(tmp_path),
    }
    args = f"{_console_script()} --model {files['model']} --data {files['data']} --label y"
    t = Tmux(100, 30, args, env)
    try:
        t.wait_for("400 rows", "400 datapoints")
        t.keys("d")  # the feature list: it shows the side panel a narrow terminal starts without
        t.wait_for("Datapoint 0")
        t.keys("e")
        t.wait_for("age = ")
        t.keys("6", "1")
        t.wait_for("age = 61")
        t.keys("Enter")
        t.wait_for("Datapoint 0 · edited", "1 changed (unsaved)")
        pid = subprocess.run(
            [TMUX, "-L", t.socket, "list-panes", "-t", t.name, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        children = subprocess.run(["pgrep", "-P", pid], capture_output=True, text=True).stdout.split()
        assert children
        for child in children:  # the pane runs `env ... wit-tui; sleep`: kill wit-tui itself, no clean exit
            os.kill(int(child), signal.SIGKILL)
        deadline = time.monotonic() + 10
        while (
            any(
                os.path.exists(f"/proc/{c}/cmdline") and "wit-tui" in open(f"/proc/{c}/cmdline").read()
                for c in children
            )
            and time.monotonic() < deadline
        ):
            time.sleep(0.1)
    finally:
        t.close()
    t = Tmux(100, 30, args, env)
    try:
        t.wait_for("Restore it?", "edited datapoint(s)")
        t.keys("y")
        screen = t.wait_for("1 changed (unsaved)")
        assert "Traceback" not in screen
        assert "0*" in screen and " 61 " in screen  # the restored edit, marked in the table
        t.keys("d")  # and in the side panel
        assert "Datapoint 0 · edited" in t.wait_for("Datapoint 0 · edited")
    finally:
        t.close()
