"""Nothing lost: every change to the overlay is autosaved and can be restored in a new session on the same files."""

from __future__ import annotations

import json
import os
import time

import numpy as np
import pandas as pd
import pytest

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
    assert t.changed_ids() == []


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
