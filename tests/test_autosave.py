"""Nothing lost: every change to the overlay is autosaved and can be restored in a new session on the same files."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from wit_tui.engine import WitError, open_session
from wit_tui.engine.session import autosave
from wit_tui.engine.session.editing import (
    add_point,
    apply_edits,
    delete_point,
    duplicate_point,
    edit_text,
    revert_point,
)


@pytest.fixture
def files(tmp_path):
    rng = np.random.default_rng(3)
    n = 400
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n),
            "hours": rng.normal(40, 8, n).round(1),
            "job": rng.choice(["clerk", "nurse", "welder"], n),
        }
    )
    frame["y"] = ((frame.age > 45) ^ (frame.job == "nurse")).astype(int)
    model = make_pipeline(
        ColumnTransformer([("cat", OneHotEncoder(handle_unknown="ignore"), ["job"])], remainder="passthrough"),
        LogisticRegression(max_iter=500),
    ).fit(frame[["age", "hours", "job"]], frame.y)
    data = tmp_path / "data.csv"
    frame.to_csv(data, index=False)
    path = tmp_path / "model.skops"
    sio.dump(model, path)
    return {"data": data, "model": path, "tmp": tmp_path}


def _open(files):
    return open_session(model=files["model"], data=files["data"], label="y", trust=True)


def _attach(session):
    path = autosave.autosave_path(session)
    return autosave.Autosaver(session, path).attach()


def test_every_change_is_written_and_restores_in_a_new_session(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 3, "age", "77")
    apply_edits(s, 5, {"job": "welder", "hours": 12.5})
    new = duplicate_point(s, 5)
    apply_edits(s, new, {"age": 19})
    added = add_point(s)
    assert saver.path.is_file() and saver.error is None
    on_disk = json.loads(saver.path.read_text())
    assert on_disk["edits"]["3"] == {"age": 77} and on_disk["edits"]["5"] == {"job": "welder", "hours": 12.5}
    assert len(on_disk["added"]) == 2

    t = _open(files)  # as after a restart: same files, same options
    snap = autosave.find(t)
    assert snap is not None and (snap.n_edited, snap.n_added) == (2, 2)
    assert "2 edited and 2 added" in snap.describe()
    assert autosave.restore(t, snap) == 4
    for i in (3, 5, new, added):
        assert t.row(i) == s.row(i)
        np.testing.assert_allclose([sc.score[0] for sc in t.point_scores(i)], [sc.score[0] for sc in s.point_scores(i)])
    assert [r.change for r in t.history(5)] == [r.change for r in s.history(5)]
    assert t.has_unsaved_edits


def test_scores_after_restore_are_what_the_model_says_now(files):
    s = _open(files)
    _attach(s)
    other = "welder" if s.row(0)["job"] != "welder" else "clerk"
    edit_text(s, 0, "job", other)
    t = _open(files)
    autosave.restore(t, autosave.find(t))
    row = pd.DataFrame([t.row(0)])
    expected = t.models[0].estimator.predict_proba(row[["age", "hours", "job"]])[0, 1]
    assert t.point_scores(0)[0].score[0] == pytest.approx(expected, abs=1e-12)


def test_reverting_everything_removes_the_file(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 1, "age", "70")
    assert saver.path.is_file()
    revert_point(s, 1)
    assert not saver.path.exists()
    new = add_point(s)
    assert saver.path.is_file()
    delete_point(s, new)
    assert not saver.path.exists()
    assert autosave.find(_open(files)) is None


def test_another_data_file_does_not_see_the_autosave(files):
    s = _open(files)
    _attach(s)
    edit_text(s, 1, "age", "70")
    frame = pd.read_csv(files["data"])
    other = files["tmp"] / "other.csv"
    frame.to_csv(other, index=False)
    t = open_session(model=files["model"], data=other, label="y", trust=True)
    assert autosave.find(t) is None
    # and a changed data file is not the same file any more
    time.sleep(0.01)
    frame.iloc[:-1].to_csv(files["data"], index=False)
    assert autosave.find(_open(files)) is None


def test_another_label_or_model_name_is_another_autosave(files):
    s = _open(files)
    assert autosave.session_key(s) == autosave.session_key(_open(files))
    named = open_session(model=files["model"], data=files["data"], label="y", trust=True, names=["other"])
    assert autosave.session_key(named) != autosave.session_key(s)
    unlabelled = open_session(model=files["model"], data=files["data"], trust=True)
    assert autosave.session_key(unlabelled) != autosave.session_key(s)


def test_sessions_built_in_code_are_not_autosaved(files):
    from wit_tui.engine import Session

    s = _open(files)
    bare = Session(s.data, s.models, label="y")
    assert autosave.autosave_path(bare) is None


@pytest.mark.bad_input
def test_unreadable_autosave_is_one_clear_error(files):
    s = _open(files)
    path = autosave.autosave_path(s)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{not json")
    with pytest.raises(WitError) as err:
        autosave.find(s)
    assert "cannot be read" in err.value.message and str(path) in err.value.message


@pytest.mark.bad_input
def test_autosave_that_does_not_fit_is_refused_and_nothing_changes(files):
    s = _open(files)
    _attach(s)
    edit_text(s, 2, "age", "70")
    path = autosave.autosave_path(s)
    data = json.loads(path.read_text())
    data["edits"] = {"99999": {"age": 3}}
    path.write_text(json.dumps(data))
    t = _open(files)
    with pytest.raises(WitError) as err:
        autosave.restore(t, autosave.find(t))
    assert "does not fit" in err.value.message
    assert t.overlay.n_changed == 0


def test_discard_sets_the_file_aside(files):
    s = _open(files)
    _attach(s)
    edit_text(s, 2, "age", "70")
    t = _open(files)
    aside = autosave.discard(autosave.find(t))
    assert aside.name.endswith(".discarded.json") and aside.is_file()
    assert autosave.find(t) is None


@pytest.mark.bad_input
def test_unwritable_autosave_folder_is_kept_as_an_error_not_raised(files, monkeypatch, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("a file where the folder should be")
    monkeypatch.setenv("WIT_TUI_DATA_DIR", str(blocker))
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")  # the edit itself succeeds
    assert s.row(2)["age"] == 70
    assert saver.error is not None


def test_written_atomically(files, monkeypatch):
    """A crash while writing leaves the previous autosave whole."""
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    before = saver.path.read_text()

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autosave.json, "dumps", lambda *a, **k: "x" * 10)
    monkeypatch.setattr(os, "replace", boom)
    edit_text(s, 3, "age", "71")
    assert saver.error is not None and "No space left" in saver.error.message
    monkeypatch.undo()
    assert saver.path.read_text() == before
    assert not [p for p in saver.path.parent.iterdir() if p.name.endswith(".tmp")]


# -- the app ---------------------------------------------------------------
async def test_app_offers_the_autosave_and_restores_it(files, screen_text, settle):
    from wit_tui.tui.app import WitApp

    s = _open(files)
    app = WitApp(s)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("d", "e")  # edit the first feature of datapoint 0 (age)
        await settle(app, pilot)
        await pilot.press(*"66", "enter")  # the prompt opens with the value selected: typing replaces it
        await settle(app, pilot)
    edited = s.overlay.edits
    assert edited, "the edit was not applied"
    path = autosave.autosave_path(s)
    assert path.is_file()  # unsaved edits: kept across the exit

    t = _open(files)
    app2 = WitApp(t)
    async with app2.run_test(size=(120, 40)) as pilot:
        await settle(app2, pilot)
        assert "Restore it?" in screen_text(app2)
        await pilot.press("y")
        await settle(app2, pilot)
        assert t.overlay.edits == edited
        assert "1 changed (unsaved)" in screen_text(app2)


async def test_app_declined_restore_is_set_aside(files, settle):
    from wit_tui.tui.app import WitApp

    s = _open(files)
    _attach(s)
    edit_text(s, 4, "age", "70")
    t = _open(files)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert t.overlay.n_changed == 0
    folder = autosave.autosave_dir()
    assert [p.name.endswith(".discarded.json") for p in folder.iterdir()] == [True]


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
        t.wait_for("400 rows", "Datapoint 0")
        t.keys("d")
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
        assert "Datapoint 0 · edited" in t.wait_for("Datapoint 0 · edited")
    finally:
        t.close()
