"""Nothing lost: every change to the overlay is autosaved and can be restored in a new session on the same files."""

from __future__ import annotations

import json

import pytest

from wit_tui.engine import WitError, open_session
from wit_tui.engine.session import autosave
from wit_tui.engine.session.editing import (
    edit_text,
    revert_point,
)
from wit_tui.tui.dialogs.confirm import ConfirmScreen


def _open(files):
    return open_session(model=files["model"], data=files["data"], label="y", trust=True)


def _attach(session):
    path = autosave.autosave_path(session)
    return autosave.Autosaver(session, path).attach()


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
    edited = {i: s.edited_values(i) for i in s.changed_ids()}
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
        assert {i: t.edited_values(i) for i in t.changed_ids()} == edited
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
        assert t.changed_ids() == []
    folder = autosave.autosave_dir()
    assert [p.name.endswith(".discarded.json") for p in folder.iterdir()] == [True]


def _bad_autosave(files):
    """An autosave whose age was hand-edited to text: it cannot be restored."""
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 4, "age", "70")
    saver.detach()  # every change in the snapshot, none left in its journal
    path = autosave.autosave_path(s)
    data = json.loads(path.read_text())
    data["edits"]["4"]["age"] = "seventy"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.bad_input
async def test_app_sets_a_hand_edited_autosave_aside_without_asking_and_keeps_autosaving(files, screen_text, settle):
    from wit_tui.tui.app import WitApp

    path = _bad_autosave(files)
    t = _open(files)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmScreen)  # never offered: "yes" could not work
        messages = [n.message for n in app._notifications]
        assert any("does not fit" in m and ".rejected-" in m for m in messages)
        assert app.autosaver is not None
        edit_text(t, 7, "age", "33")
    rejected = [p for p in path.parent.iterdir() if ".rejected-" in p.name]
    assert len(rejected) == 1
    assert json.loads(path.read_text())["edits"] == {"7": {"age": 33}}  # a fresh autosave of the new edit
    assert autosave.find(_open(files)) is not None and "seventy" not in path.read_text()


@pytest.mark.bad_input
async def test_app_after_a_refused_restore_keeps_autosaving_the_next_edits(files, settle, monkeypatch):
    from wit_tui.tui.app import WitApp

    s = _open(files)
    _attach(s)
    edit_text(s, 4, "age", "70")
    path = autosave.autosave_path(s)

    def refuse(*_a, **_k):
        raise WitError("The model refuses these values.", "")

    t = _open(files)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        monkeypatch.setattr(autosave, "score_dicts", refuse)
        await pilot.press("y")
        await settle(app, pilot)
        monkeypatch.undo()
        assert t.changed_ids() == [] and app.autosaver is not None
        edit_text(t, 9, "age", "21")
        assert json.loads(path.read_text())["edits"] == {"9": {"age": 21}}
    assert [p for p in path.parent.iterdir() if ".rejected-" in p.name]  # the refused one is kept, set aside


async def test_app_start_up_toasts_wait_until_the_restore_question_is_answered(files, settle):
    from wit_tui.tui.app import WitApp

    s = _open(files)
    _attach(s)
    edit_text(s, 4, "age", "70")
    t = _open(files)
    t.warnings.append("A start-up warning that must not cover the question.")
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Restore it?" in app.screen.question
        assert len(app._notifications) == 0  # no toast over the dialog
        await pilot.press("y")
        await settle(app, pilot)
        messages = [n.message for n in app._notifications]
        assert any("must not cover" in m for m in messages) and any("Restored 1" in m for m in messages)


@pytest.mark.bad_input
@pytest.mark.parametrize("fault", ["unwritable folder", "disk full"])
async def test_quit_prompt_never_claims_an_autosave_that_failed(files, settle, monkeypatch, tmp_path, fault):
    from wit_tui.tui.app import WitApp

    if fault == "unwritable folder":
        blocker = tmp_path / "blocker"
        blocker.write_text("a file where the folder should be")
        monkeypatch.setenv("WIT_TUI_DATA_DIR", str(blocker))
    t = _open(files)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        if fault == "disk full":

            def full(*_a, **_k):
                raise OSError(28, "No space left on device")

            monkeypatch.setattr(autosave, "atomic_write", lambda *a, **k: full())
        edit_text(t, 4, "age", "70")
        await settle(app, pilot)
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = app.screen.question
        assert "stay in the autosave" not in question
        assert "Autosave is failing" in question and "will be lost" in question and "ctrl+s" in question
        await pilot.press("n")
        await settle(app, pilot)


# -- two instances on the same files ----------------------------------------------
@pytest.fixture
def other_instance(files):
    """A live wit-tui elsewhere on the same files: its lock names a running process (killed at the end)."""
    import dataclasses
    import subprocess
    import sys

    from wit_tui.engine.session.autosave_lock import LockOwner, lock_path, process_started

    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    started = process_started(proc.pid) or "wall:then"
    owner = dataclasses.replace(LockOwner.this_instance(), pid=proc.pid, started=started)
    path = autosave.autosave_path(_open(files))
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path(path).write_text(json.dumps(dataclasses.asdict(owner)))
    yield owner
    proc.kill()
    proc.wait()


@pytest.mark.bad_input
async def test_another_live_instance_is_asked_about_and_read_only_never_autosaves(
    files, settle, screen_text, other_instance
):
    from wit_tui.engine.session.autosave_lock import lock_path, read_owner
    from wit_tui.tui.app import WitApp
    from wit_tui.tui.dialogs.other_instance import OtherInstanceScreen

    t = _open(files)
    path = autosave.autosave_path(t)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, OtherInstanceScreen)
        text = screen_text(app)
        assert f"pid {other_instance.pid}" in text and "read-only" in text and "take over" in text
        await pilot.press("r")
        await settle(app, pilot)
        assert app.autosaver is None and app.read_only
        assert "read-only" in app.sub_title
        assert any("Read-only" in n.message for n in app._notifications)
        edit_text(t, 4, "age", "70")
        await settle(app, pilot)
        assert not path.exists() and list(path.parent.glob("*.json")) == []
        await pilot.press("q")
        await settle(app, pilot)
        assert "read-only: edits are not autosaved; ctrl+s" in app.screen.question.lower()
        await pilot.press("n")
        await settle(app, pilot)
    assert read_owner(lock_path(path)) == other_instance  # never touched: it is the other instance's


@pytest.mark.bad_input
async def test_a_second_autosave_keeps_its_edits_apart_and_its_quit_leaves_the_other_alone(
    files, settle, other_instance
):
    from wit_tui.engine.session.autosave_lock import lock_path, read_owner, second_path
    from wit_tui.tui.app import WitApp

    s = _open(files)
    _attach(s)
    edit_text(s, 4, "age", "70")  # the other instance's unsaved edit
    path = autosave.autosave_path(s)
    theirs = path.read_text()
    t = _open(files)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert app.autosaver is not None and app.autosaver.path == second_path(path)
        assert t.changed_ids() == []  # never offered the other instance's autosave
        edit_text(t, 9, "age", "21")
        await settle(app, pilot)
        assert json.loads(second_path(path).read_text())["edits"] == {"9": {"age": 21}}
        assert path.read_text() == theirs
        revert_point(t, 9)
        await settle(app, pilot)
        await pilot.press("q")  # nothing unsaved: a clean quit
        await settle(app, pilot)
    assert path.read_text() == theirs  # the other instance's edits are still there
    assert not second_path(path).exists() and not lock_path(second_path(path)).exists()
    assert read_owner(lock_path(path)) == other_instance


@pytest.mark.bad_input
async def test_a_dead_instances_lock_is_taken_over_and_its_autosave_offered(files, settle, screen_text):
    import dataclasses
    import subprocess
    import sys

    from wit_tui.engine.session.autosave_lock import LockOwner, lock_path, read_owner

    s = _open(files)
    _attach(s)
    edit_text(s, 4, "age", "70")
    path = autosave.autosave_path(s)
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    dead = dataclasses.replace(LockOwner.this_instance(), pid=done.pid, started="wall:then")
    lock_path(path).write_text(json.dumps(dataclasses.asdict(dead)))
    from wit_tui.tui.app import WitApp

    t = _open(files)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen) and "Restore it?" in " ".join(screen_text(app).split())
        assert read_owner(lock_path(path)) == app.autosave_lock.me
        await pilot.press("y")
        await settle(app, pilot)
        assert t.changed_ids() == [4]


@pytest.mark.bad_input
async def test_app_names_an_autosave_of_changed_data_once_and_does_not_offer_it(files, screen_text, settle):
    import os

    from wit_tui.tui.app import WitApp

    s = _open(files)
    saver = _attach(s)
    edit_text(s, 4, "age", "70")
    st = files["data"].stat()
    text = files["data"].read_text()
    lines = text.splitlines(keepends=True)
    lines[1] = ("1" if lines[1][0] != "1" else "2") + lines[1][1:]  # one digit: the same size
    files["data"].write_text("".join(lines))
    os.utime(files["data"], ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same mtime
    t = _open(files)
    app = WitApp(t)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "Restore it?" not in screen_text(app)
        messages = [n.message for n in app._notifications if "no longer matches" in n.message]
        assert len(messages) == 1 and str(saver.path) in messages[0]
    assert saver.path.is_file()
