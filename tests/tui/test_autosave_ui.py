"""Nothing lost: every change to the overlay is autosaved and can be restored in a new session on the same files."""

from __future__ import annotations

from wit_tui.engine import open_session
from wit_tui.engine.session import autosave
from wit_tui.engine.session.editing import (
    edit_text,
)


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
