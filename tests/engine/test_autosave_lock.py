"""Two instances on the same files: the lock beside the autosave says who edits them, and only its owner removes it."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

import pytest

from wit_tui.engine import open_session
from wit_tui.engine.session import autosave
from wit_tui.engine.session.autosave_lock import (
    AutosaveLock,
    LockOwner,
    free_second,
    lock_path,
    owner_state,
    process_started,
    promote,
    read_owner,
    second_path,
)
from wit_tui.engine.session.editing import edit_text


@pytest.fixture
def target(tmp_path):
    return tmp_path / "autosave" / "k.json"


def _plant(target, owner: LockOwner) -> None:
    lock = lock_path(target)
    lock.parent.mkdir(parents=True, exist_ok=True)
    lock.write_text(json.dumps(dataclasses.asdict(owner)))


def _gone_pid() -> int:
    """The pid of a process that has ended (and was waited for)."""
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


@pytest.fixture
def sleeper():
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield proc
    proc.kill()
    proc.wait()


@pytest.mark.bad_input
def test_a_second_instance_on_the_same_autosave_sees_a_live_owner(target):
    first, second = AutosaveLock(target), AutosaveLock(target)
    assert first.acquire() is None and first.held
    owner = second.acquire()
    assert owner is not None and not second.held
    assert owner.token == first.me.token
    assert owner_state(owner, second.me) == "alive"
    assert owner_state(owner, first.me) == "ours"


@pytest.mark.bad_input
def test_a_lock_of_a_process_that_has_ended_is_taken_over(target):
    dead = dataclasses.replace(LockOwner.this_instance(), pid=_gone_pid(), started="wall:then")
    _plant(target, dead)
    assert owner_state(dead) == "dead"
    mine = AutosaveLock(target)
    assert mine.acquire() is None and mine.held
    assert mine.took_over == dead
    assert read_owner(lock_path(target)) == mine.me


@pytest.mark.bad_input
def test_a_reused_pid_with_another_start_time_is_not_the_owner(target, sleeper):
    started = process_started(sleeper.pid)
    if started is None:
        pytest.skip("no /proc here: a reused pid cannot be told from its owner")
    live = dataclasses.replace(LockOwner.this_instance(), pid=sleeper.pid, started=started)
    assert owner_state(live) == "alive"
    assert owner_state(dataclasses.replace(live, started=started + "0")) == "dead"
    _plant(target, live)
    assert AutosaveLock(target).acquire() == live  # a live process of another instance: left alone


def test_an_instance_of_this_process_that_was_closed_without_releasing_is_gone(target):
    left = AutosaveLock(target)
    assert left.acquire() is None
    stale = left.me
    left.release()
    _plant(target, stale)  # as if it had ended without its clean quit
    assert owner_state(stale) == "dead"
    assert AutosaveLock(target).acquire() is None


@pytest.mark.bad_input
def test_a_lock_from_another_host_counts_as_alive(target):
    far = dataclasses.replace(LockOwner.this_instance(), host="another-host.invalid", pid=1)
    _plant(target, far)
    assert owner_state(far) == "other-host"
    assert AutosaveLock(target).acquire() == far
    taker = AutosaveLock(target)
    assert taker.take_over() and read_owner(lock_path(target)) == taker.me  # the user said it is gone


@pytest.mark.bad_input
def test_a_file_that_is_no_lock_is_taken_over(target):
    lock = lock_path(target)
    lock.parent.mkdir(parents=True)
    lock.write_text("")  # a write cut short
    mine = AutosaveLock(target)
    assert mine.acquire() is None and read_owner(lock) == mine.me


def test_release_by_another_instance_keeps_the_lock(target):
    first, second = AutosaveLock(target), AutosaveLock(target)
    first.acquire()
    second.acquire()
    assert second.release() is False
    assert read_owner(lock_path(target)) == first.me
    assert first.release() is True and not lock_path(target).exists()


def test_a_second_autosave_has_its_own_name_and_lock(target):
    first = AutosaveLock(target)
    first.acquire()
    other = second_path(target)
    assert other.name == "k.2.json" and other.parent == target.parent
    second = AutosaveLock(other)
    assert second.acquire() is None
    assert lock_path(other).name == "k.2.json.lock"


@pytest.mark.bad_input
def test_the_second_instance_never_removes_the_first_instances_autosave(files):
    """A and B on the same files: B runs on a second autosave, and its clean quit leaves A's edits alone."""

    def _open():
        return open_session(model=files["model"], data=files["data"], label="y", trust=True)

    a, b = _open(), _open()
    path = autosave.autosave_path(a)
    lock_a = AutosaveLock(path)
    assert lock_a.acquire() is None
    autosave.Autosaver(a, path).attach()
    edit_text(a, 4, "age", "70")
    kept = path.read_text()

    lock_b = AutosaveLock(path)
    assert lock_b.acquire() is not None  # B is told: A edits these files
    b_path = second_path(path)
    lock_b2 = AutosaveLock(b_path)
    assert lock_b2.acquire() is None
    saver_b = autosave.Autosaver(b, b_path).attach()
    edit_text(b, 5, "age", "71")
    assert json.loads(b_path.read_text())["edits"] == {"5": {"age": 71}}
    saver_b.detach()
    b_path.unlink()  # B's clean quit (its edits saved): only its own files
    lock_b2.release()
    lock_b.release()
    assert path.read_text() == kept and lock_path(path).exists()


def test_a_second_autosave_left_by_a_crash_is_never_reused(target):
    first = AutosaveLock(target)
    first.acquire()
    left = second_path(target, 2)
    left.write_text("{}")  # a crashed second instance's edits
    chosen = free_second(target)
    assert chosen is not None and chosen.autosave == second_path(target, 3) and chosen.held
    assert left.read_text() == "{}"


def test_a_second_autosave_moves_into_place_only_once_the_first_is_free(target):
    first = AutosaveLock(target)
    first.acquire()
    second = second_path(target)
    second.write_text("second's edits")
    assert promote(second, target) is False and second.exists()  # the first instance still runs
    first.release()
    assert promote(second, target) is True
    assert target.read_text() == "second's edits" and not second.exists() and not lock_path(target).exists()
    second.write_text("more")
    assert promote(second, target) is False and second.exists()  # never over an autosave with its own edits
