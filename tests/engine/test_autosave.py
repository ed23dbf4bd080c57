"""Nothing lost: every change to the overlay is autosaved and can be restored in a new session on the same files."""

from __future__ import annotations

import itertools
import json
import os
import time

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    saver.detach()  # compacts the journal into the snapshot
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
    edit_text(s, 3, "age", "71")  # journaled
    before = saver.path.read_text()

    def boom(*_a, **_k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(autosave.json, "dumps", lambda *a, **k: "x" * 10)
    monkeypatch.setattr(os, "replace", boom)
    saver.save()  # a compaction: the whole snapshot is written
    assert saver.error is not None and "No space left" in saver.error.message
    monkeypatch.undo()
    assert saver.path.read_text() == before
    assert not [p for p in saver.path.parent.iterdir() if p.name.endswith(".tmp")]


# -- a hand-edited autosave is checked whole before it is offered ----------------------------------------------------
def _autosaved(files, mutate):
    """An autosave of two edits and an added point, changed by ``mutate(data)`` as a hand edit would."""
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    apply_edits(s, 5, {"job": "welder", "hours": 12.5})
    add_point(s)
    saver.detach()  # the journal compacted: the snapshot holds it all
    path = autosave.autosave_path(s)
    data = json.loads(path.read_text())
    mutate(data)
    path.write_text(json.dumps(data))  # json writes Infinity for float("inf"), as a hand edit may
    return path


MUTATIONS = {
    "text in a numeric field": lambda d: d["edits"]["2"].update(age="old"),
    "a timestamp in a numeric field": lambda d: d["edits"]["2"].update(age={"$timestamp": "2020-01-01T00:00:00"}),
    "Infinity": lambda d: d["edits"]["5"].update(hours=float("inf")),
    "an added row with text": lambda d: d["added"][0].update(hours="many"),
    "an unseen category": lambda d: d["edits"]["5"].update(job="astronaut"),
    "a negative row id": lambda d: d["edits"].update({"-1": {"age": 3}}),
    "a row id that is not a number": lambda d: d["edits"].update({"x": {"age": 3}}),
    "edits of a point not a mapping": lambda d: d["edits"].update({"3": [1, 2]}),
    "a bool as a number": lambda d: d["edits"]["2"].update(age=True),
    "an unknown column in an added row": lambda d: d["added"][0].update(nope=1),
    "history of a point not in the data": lambda d: d["history"].update({"9999": []}),
    "origin not a mapping": lambda d: d.update(origin=[1]),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("mutation", list(MUTATIONS), ids=list(MUTATIONS))
def test_autosave_with_values_that_do_not_fit_is_refused_before_it_is_offered(files, mutation):
    path = _autosaved(files, MUTATIONS[mutation])
    t = _open(files)
    with pytest.raises(WitError) as err:
        autosave.find(t)  # refused here, before the restore question: "yes" could not work
    assert "does not fit" in err.value.message and str(path) in err.value.message
    assert t.changed_ids() == []


def test_a_number_typed_as_text_in_json_is_not_needed_whole_numbers_are_coerced(files):
    """A value the editor would store is accepted as the editor stores it (12.0 in a whole-number column is 12)."""
    _autosaved(files, lambda d: d["edits"]["2"].update(age=71.0))
    t = _open(files)
    snap = autosave.find(t)
    assert snap is not None and autosave.restore(t, snap) == 3
    assert t.row(2)["age"] == 71 and isinstance(t.row(2)["age"], int)


def test_reject_sets_the_file_aside_with_a_time_stamp(files):
    path = _autosaved(files, MUTATIONS["Infinity"])
    aside = autosave.reject(path)
    assert aside is not None and aside.is_file() and ".rejected-" in aside.name and not path.exists()
    assert autosave.find(_open(files)) is None  # never offered again


_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["clerk", "nurse", "welder", "70", "1e400", "-0"])
    | st.builds(lambda t: {"$timestamp": t}, st.text(max_size=12) | st.just("2020-01-01")),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
_places = st.sampled_from(
    [
        ("edits", "2", "age"),
        ("edits", "5", "hours"),
        ("edits", "5", "job"),
        ("edits", "2"),
        ("edits", "7"),
        ("edits", "-3"),
        ("edits",),
        ("added", 0, "age"),
        ("added", 0, "job"),
        ("added", 0, "y"),
        ("added", 0),
        ("added",),
        ("origin",),
        ("origin", "400"),
        ("history",),
        ("history", "2"),
        ("n_rows",),
        ("saved_to_csv",),
    ]
)


@pytest.mark.bad_input
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changes=st.lists(st.tuples(_places, _json_values), min_size=1, max_size=3))
def test_any_hand_edit_of_an_autosave_restores_or_is_refused_never_crashes(files, changes):
    s = _open(files)
    path = autosave.autosave_path(s)
    if not path.is_file():
        _autosaved(files, lambda d: None)
    base = json.loads(path.read_text())
    data = json.loads(json.dumps(base))
    for place, value in changes:
        target = data
        for step in place[:-1]:
            try:
                target = target[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            try:
                target[place[-1]] = value
            except (IndexError, TypeError):
                pass
    path.write_text(json.dumps(data))
    try:
        snap = autosave.find(s)
        if snap is not None:
            n = autosave.restore(s, snap)
            assert n == len(s.changed_ids())
    except WitError as exc:
        assert str(path) in exc.message
    finally:
        path.write_text(json.dumps(base))


@pytest.mark.bad_input
def test_an_edit_the_model_refuses_never_reaches_the_autosave(files, monkeypatch):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    written: list[dict] = []
    real = autosave.payload
    monkeypatch.setattr(autosave, "payload", lambda session: written.append(real(session)) or written[-1])
    with pytest.raises(WitError) as err:
        edit_text(s, 3, "age", "")  # the pipeline cannot take a missing age
    assert "not applied" in err.value.hint
    assert written == []  # nothing journaled, not even for a moment
    assert json.loads(saver.path.read_text())["edits"] == {"2": {"age": 70}}


@pytest.mark.bad_input
def test_temp_files_of_a_killed_write_are_removed_at_the_next_start(files):
    import subprocess
    import sys

    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    folder = saver.path.parent
    left = folder / f".{saver.path.name}.{int(dead.stdout)}.k3j4.tmp"
    left.write_bytes(b"")  # what a write killed before its first byte leaves
    live = folder / f".{saver.path.name}.{os.getpid()}.x9z1.tmp"
    live.write_bytes(b"{")
    other = folder / "notes.tmp"
    other.write_text("not ours")
    assert autosave.find(_open(files)) is not None
    assert not left.exists() and live.exists() and other.exists()
    live.unlink()
    other.unlink()


# -- identity by content, durability, the previous copy --------------------------------
def _same_size_change(path):
    """Change one digit of the data file, keeping its size and its modification time."""
    st = path.stat()
    lines = path.read_text().splitlines(keepends=True)
    head, first = lines[0], lines[1]
    lines[1] = ("1" if first[0] != "1" else "2") + first[1:]
    path.write_text(head + "".join(lines[1:]))
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert path.stat().st_size == st.st_size


def test_touching_the_data_file_keeps_its_autosave(files):
    s = _open(files)
    _attach(s)
    edit_text(s, 2, "age", "70")
    st = files["data"].stat()
    os.utime(files["data"], ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # `touch`, as `git checkout` does
    t = _open(files)
    snap = autosave.find(t)
    assert snap is not None and snap.n_edited == 1
    assert autosave.stale_notice(t, autosave.autosave_path(t)) is None


def test_a_copy_of_the_same_bytes_over_the_data_keeps_its_autosave(files):
    s = _open(files)
    _attach(s)
    edit_text(s, 2, "age", "70")
    copy = files["tmp"] / "copy.csv"
    copy.write_bytes(files["data"].read_bytes())
    os.replace(copy, files["data"])  # `cp` elsewhere and back: another inode, another mtime, the same bytes
    assert autosave.find(_open(files)) is not None


@pytest.mark.bad_input
def test_an_autosave_of_changed_data_is_not_offered_and_is_named_once(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    _same_size_change(files["data"])
    t = _open(files)
    assert autosave.find(t) is None
    notice = autosave.stale_notice(t, autosave.autosave_path(t))
    assert notice is not None
    assert f"An autosave for {files['data'].resolve()} from " in notice
    assert f"no longer matches the file's content; it is kept at {saver.path}" in notice
    assert saver.path.is_file()  # left on disk


def test_an_autosave_of_the_first_format_is_migrated_when_size_and_mtime_match(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    from wit_tui.engine.session.autosave_identity import legacy_key

    legacy = saver.path.with_name(f"{legacy_key(s)}.json")
    os.replace(saver.path, legacy)
    t = _open(files)
    snap = autosave.find(t)
    assert snap is not None and snap.path == autosave.autosave_path(t) and not legacy.exists()


def test_the_autosave_is_durable_at_most_once_a_second_and_on_detach(files, monkeypatch):
    from wit_tui.engine.session.autosave_durability import Throttle

    calls = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(fd), real_fsync(fd))[1])
    now = [100.0]
    s = _open(files)
    path = autosave.autosave_path(s)
    saver = autosave.Autosaver(s, path, Throttle(clock=lambda: now[0])).attach()
    edit_text(s, 2, "age", "70")
    assert len(calls) == 2  # the first write: the file and its folder
    edit_text(s, 3, "age", "71")
    now[0] += 0.5
    edit_text(s, 4, "age", "72")
    assert len(calls) == 2  # within the second: fast writes, no fsync
    now[0] += 0.6
    edit_text(s, 5, "age", "73")
    assert len(calls) == 3  # a journal line: the journal alone
    edit_text(s, 6, "age", "74")
    assert len(calls) == 3
    saver.detach()  # quit: the journal compacted into a durable snapshot
    assert len(calls) == 5
    assert json.loads(path.read_text())["edits"]["6"] == {"age": 74}


def test_atomic_write_durable_syncs_the_file_and_its_folder(tmp_path, monkeypatch):
    import stat

    from wit_tui.engine.core.atomic import atomic_write

    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(stat.S_ISDIR(os.fstat(fd).st_mode)), real_fsync(fd))[1])
    atomic_write(tmp_path / "a.txt", "x", fsync=False, durable=True)
    assert sorted(synced) == [False, True]  # one file, one folder
    synced.clear()
    atomic_write(tmp_path / "b.txt", "x", fsync=False)
    assert synced == []


def test_each_write_keeps_the_previous_autosave(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    saver.save()
    prev = saver.path.with_name(saver.path.name + ".prev")
    assert prev.is_file()
    edit_text(s, 3, "age", "71")
    before = saver.path.read_text()
    saver.save()
    assert prev.read_text() == before  # each write keeps the file it replaces


@pytest.mark.bad_input
def test_an_empty_autosave_with_a_good_previous_copy_restores_from_it(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 2, "age", "70")
    saver.save()  # the previous copy holds this edit too
    saver.detach()
    saver.path.write_bytes(b"")  # what a power cut can leave
    t = _open(files)
    snap = autosave.find(t)
    assert snap is not None and snap.n_edited == 1
    assert "from its previous copy" in snap.describe() and "empty or unreadable" in snap.describe()
    aside = [p for p in saver.path.parent.iterdir() if ".rejected-" in p.name]
    assert len(aside) == 1 and aside[0].stat().st_size == 0  # the empty one is set aside, not deleted
    assert autosave.restore(t, snap) == 1 and t.edited_values(2) == {"age": 70}


# -- each change appends one journal line; the snapshot is rewritten only when compacted ---------------------------
def _journal(path):
    return path.with_name(path.name + ".journal")


def _written(monkeypatch):
    """Bytes the autosave writes from now on: whole snapshots and journal lines."""
    counted = [0]
    real_atomic, real_write = autosave.atomic_write, os.write

    def atomic(path, content, **kw):
        counted[0] += len(content)
        return real_atomic(path, content, **kw)

    def write(fd, data):
        counted[0] += len(data)
        return real_write(fd, data)

    monkeypatch.setattr(autosave, "atomic_write", atomic)
    monkeypatch.setattr(os, "write", write)
    return counted


def test_one_edit_writes_the_same_few_bytes_however_many_points_are_edited(files, monkeypatch):
    s = _open(files)
    row = s.row(0)
    s.overlay.added = [dict(row) for _ in range(2000)]  # 2,000 edited points, made without events
    saver = _attach(s)
    saver.save(durable=True)
    inode = saver.path.stat().st_ino
    counted = _written(monkeypatch)
    edit_text(s, 3, "age", "77")
    assert 0 < counted[0] < 1024  # a journal line, never the 2,000 points again
    assert saver.path.stat().st_ino == inode  # the snapshot was not rewritten
    counted[0] = 0
    edit_text(s, 4, "age", "78")
    assert 0 < counted[0] < 1024
    assert saver.error is None


def test_restore_replays_the_journal_edits_added_points_and_removals(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 3, "age", "77")
    apply_edits(s, 5, {"job": "welder", "hours": 12.5})
    edit_text(s, 7, "age", "30")
    revert_point(s, 7)  # a removal
    first = duplicate_point(s, 5)
    apply_edits(s, first, {"age": 19})
    add_point(s)
    delete_point(s, first)  # renumbers: compacted, then the next change is journaled again
    add_point(s)
    edit_text(s, 3, "age", "78")
    assert _journal(saver.path).is_file() and _journal(saver.path).read_text().count("\n") >= 2
    t = _open(files)  # as after a kill: no detach, no compaction
    snap = autosave.find(t)
    assert snap is not None and snap.note == ""
    autosave.restore(t, snap)
    assert t.changed_ids() == s.changed_ids() and 7 not in t.overlay.edits
    assert {i: t.edited_values(i) for i in t.changed_ids()} == {i: s.edited_values(i) for i in s.changed_ids()}
    for i in t.changed_ids():
        assert t.row(i) == s.row(i)
        assert [r.change for r in t.history(i)] == [r.change for r in s.history(i)]
    assert t.overlay.origin == s.overlay.origin and len(t.overlay.added) == 2


@pytest.mark.bad_input
def test_a_torn_last_journal_line_is_left_out_and_said(files):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 3, "age", "77")
    edit_text(s, 4, "age", "78")
    with _journal(saver.path).open("a") as f:
        f.write('{"base": "x", "n_added": 0, "points": [{"id": 5, "po')  # a write killed midway
    t = _open(files)
    snap = autosave.find(t)
    assert snap is not None and "cut off" in snap.note and "cut off" in snap.describe()
    autosave.restore(t, snap)
    assert {i: t.edited_values(i) for i in t.changed_ids()} == {3: {"age": 77}, 4: {"age": 78}}


def test_the_journal_is_compacted_past_its_limit_and_on_detach(files, monkeypatch):
    from wit_tui.engine.session import autosave_journal

    monkeypatch.setattr(autosave_journal, "COMPACT_AT_LEAST", 3)
    s = _open(files)
    saver = _attach(s)
    journal = _journal(saver.path)
    edit_text(s, 3, "age", "70")  # the snapshot, then a journal line for its run
    lines = []
    for k in range(4, 9):
        edit_text(s, k, "age", str(60 + k))
        lines.append(journal.read_text().count("\n") if journal.exists() else 0)
    assert max(lines) <= 3 and any(b < a for a, b in itertools.pairwise(lines))  # past the limit: compacted
    assert json.loads(saver.path.read_text())["edits"]["4"] == {"age": 64}
    saver.detach()
    assert not journal.exists()  # quit: everything in the snapshot
    assert {k: v["age"] for k, v in json.loads(saver.path.read_text())["edits"].items()} == {
        str(k): 70 if k == 3 else 60 + k for k in range(3, 9)
    }


@pytest.mark.bad_input
@pytest.mark.parametrize("value", ["old", float("inf"), "astronaut"], ids=["text", "Infinity", "unseen category"])
def test_a_journal_value_that_does_not_fit_is_refused_like_the_snapshot(files, value):
    s = _open(files)
    saver = _attach(s)
    edit_text(s, 3, "age", "77")
    edit_text(s, 4, "age", "78")
    journal = _journal(saver.path)
    lines = journal.read_text().splitlines()
    line = json.loads(lines[-1])
    column = "job" if value == "astronaut" else "age"
    line["points"][0]["point"] = {column: value}
    journal.write_text("\n".join([*lines[:-1], json.dumps(line)]) + "\n")
    t = _open(files)
    with pytest.raises(WitError) as err:
        autosave.find(t)
    assert "does not fit" in err.value.message and str(saver.path) in err.value.message
    aside = autosave.reject(saver.path)
    assert aside is not None and _journal(aside).is_file() and not journal.exists()  # set aside with its journal
    assert autosave.find(_open(files)) is None


def test_discard_and_promote_move_the_journal_with_the_file(files, tmp_path):
    from wit_tui.engine.session.autosave_lock import promote

    s = _open(files)
    saver = _attach(s)
    edit_text(s, 3, "age", "77")
    edit_text(s, 4, "age", "78")
    t = _open(files)
    aside = autosave.discard(autosave.find(t))
    assert not _journal(saver.path).exists() and not _journal(aside).exists()
    assert set(json.loads(aside.read_text())["edits"]) == {"3", "4"}  # declined, still whole by hand
    second = tmp_path / "second.json"
    second.write_text("{}")
    _journal(second).write_text("line\n")
    primary = tmp_path / "primary.json"
    assert promote(second, primary)
    assert _journal(primary).read_text() == "line\n" and not _journal(second).exists()
