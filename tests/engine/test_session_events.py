"""Session events: what changed, told to every subscriber; the autosave is one of them."""

from __future__ import annotations

from wit_tui.engine import open_session
from wit_tui.engine.session import autosave
from wit_tui.engine.session.editing import add_point, apply_edits, delete_point, duplicate_point, revert_point
from wit_tui.engine.session.events import OverlayChanged, ScoresReady


def test_each_change_names_its_ids_and_a_delete_renumbers(files, tmp_path):
    s = open_session(model=files["model"], data=files["data"], label="y", trust=True)
    events: list = []
    unsubscribe = s.subscribe(events.append)
    s.score_all()
    s.score_all()  # cached: said once
    assert [e for e in events if isinstance(e, ScoresReady)] == [ScoresReady(0)]
    events.clear()
    apply_edits(s, 3, {"age": 77})
    assert set(events) == {OverlayChanged((3,))}
    events.clear()
    new = duplicate_point(s, 3)
    other = add_point(s)
    assert {i for e in events for i in e.ids} == {new, other} and not any(e.renumbered for e in events)
    events.clear()
    delete_point(s, new)
    assert events == [OverlayChanged((new, other), renumbered=True)]  # the later point moved down to `new`
    events.clear()
    revert_point(s, 3)
    assert set(events) == {OverlayChanged((3,))}
    events.clear()
    s.save_edits(tmp_path / "edits.csv")
    assert events == [OverlayChanged(())]  # only the saved state changed
    unsubscribe()
    apply_edits(s, 4, {"age": 50})
    assert events == [OverlayChanged(())]


def test_a_restore_renumbers_everything_and_the_autosave_is_a_subscriber(files):
    s = open_session(model=files["model"], data=files["data"], label="y", trust=True)
    saver = autosave.Autosaver(s, autosave.autosave_path(s)).attach()
    apply_edits(s, 5, {"job": "welder"})
    assert saver.path.is_file()
    saver.detach()
    again = open_session(model=files["model"], data=files["data"], label="y", trust=True)
    events: list = []
    again.subscribe(events.append)
    snapshot = autosave.find(again)
    assert snapshot is not None
    autosave.restore(again, snapshot)
    assert events[-1] == OverlayChanged((5,), renumbered=True)
    apply_edits(s, 6, {"age": 30})  # detached: the file keeps the one edit
    assert autosave.find(again) is not None and autosave.find(again).n_edited == 1
