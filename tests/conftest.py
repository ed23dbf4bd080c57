"""Shared fixtures: the demo sessions (trained once per run into a private cache dir) and the helpers that drive
the app through Textual's Pilot.

Every wait here is on an event or a condition (no worker left, a message handled, a predicate true), never on a
length of time: a clock only bounds a wait that should already have ended, so a hang fails loudly instead of
passing or failing with the machine's speed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from textual.worker import WorkerCancelled

# Keep the user's real cache untouched and make runs independent of earlier ones.
os.environ.setdefault("WIT_TUI_CACHE_DIR", tempfile.mkdtemp(prefix="wit-tui-test-cache-"))
os.environ["WIT_TUI_DATA_DIR"] = tempfile.mkdtemp(prefix="wit-tui-test-data-")

#: how long a wait may take before the test fails as hung; it never decides success
SAFETY_SECONDS = 180.0


@pytest.fixture(autouse=True)
def private_autosave_dir(tmp_path_factory, monkeypatch):
    """Each test autosaves into its own folder, so no test is offered another's edits (or the user's)."""
    monkeypatch.setenv("WIT_TUI_DATA_DIR", str(tmp_path_factory.mktemp("wit-data")))


@pytest.fixture(autouse=True)
def no_user_key_config(tmp_path_factory, monkeypatch):
    """No test reads the user's own key overrides (~/.config/wit-tui/config.toml); a test sets its own."""
    monkeypatch.setenv("WIT_TUI_CONFIG", str(tmp_path_factory.mktemp("wit-config") / "config.toml"))


@pytest.fixture(scope="session")
def adult_session():
    from wit_tui.engine import load_demo

    return load_demo("adult")


@pytest.fixture(scope="session")
def wine_session():
    from wit_tui.engine import load_demo

    return load_demo("wine")


@pytest.fixture(scope="session")
def lr_svc_files(tmp_path_factory):
    """Adult census rows and two pipelines on them that score differently: a LogisticRegression (probabilities)
    and a LinearSVC (no predict_proba: decision_function margins), as skops files named lr and svc."""
    from sklearn.preprocessing import StandardScaler
    from sklearn.svm import LinearSVC

    from wit_tui.sample_models.recipes import ADULT_CATEGORICAL, ADULT_NUMERIC, adult_data

    demo = adult_data()
    train = demo.train.iloc[:4000]
    test = demo.test.iloc[:1500].reset_index(drop=True)
    features = ADULT_NUMERIC + ADULT_CATEGORICAL

    def prep() -> ColumnTransformer:
        return ColumnTransformer(
            [
                ("num", StandardScaler(), ADULT_NUMERIC),
                ("cat", OneHotEncoder(handle_unknown="ignore"), ADULT_CATEGORICAL),
            ]
        )

    lr = make_pipeline(prep(), LogisticRegression(max_iter=1000)).fit(train[features], train[demo.label])
    svc = make_pipeline(prep(), LinearSVC(C=0.1)).fit(train[features], train[demo.label])
    folder = tmp_path_factory.mktemp("lr-svc")
    data = folder / "adult.csv"
    test[features + [demo.label]].to_csv(data, index=False)
    paths = {"data": data, "lr": folder / "lr.skops", "svc": folder / "svc.skops", "folder": folder}
    sio.dump(lr, paths["lr"])
    sio.dump(svc, paths["svc"])
    return {
        **paths,
        "label": demo.label,
        "positive": demo.positive,
        "frame": test,
        "features": features,
        "lr_model": lr,
        "svc_model": svc,
    }


@pytest.fixture(scope="session")
def diabetes_session():
    from wit_tui.engine import load_demo

    return load_demo("diabetes")


# -- sessions ----------------------------------------------------------------------------------------------------
def _fresh_session(src: Any) -> Any:
    """A new Session over the same data and models (own overlay and cache), reusing ``src``'s scores."""
    from wit_tui.engine.session.session import Session

    src.score_all()
    s = Session(src.data, src.models, label=src.label, features=src.features, positive=src.task.positive, name=src.name)
    # Scoring is tested elsewhere; do not pay for it again. The engine has no public way to seed scores.
    s._scores = dict(src._scores)
    return s


@pytest.fixture
def fresh_session() -> Callable[[Any], Any]:
    """``fresh_session(src)``: a private copy of a demo session that shares its (immutable) scores."""
    return _fresh_session


@pytest.fixture
def one_openmp_thread():
    """Reference model calls on one OpenMP thread: on a busy machine a thread pool turns 20 ms into seconds."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1, user_api="openmp"):
        yield


# -- reading and waiting on the app ----------------------------------------------------------------------------
def _screen_text(app: Any) -> str:
    """The whole screen as plain text, as a user would read it (Textual has no public text dump)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


def _hung(what: str, started: float) -> None:
    if time.monotonic() - started > SAFETY_SECONDS:
        raise AssertionError(f"hung for {SAFETY_SECONDS:.0f} s waiting for {what}")


async def _settle(app: Any, pilot: Any) -> None:
    """Wait until no worker is pending or running and every message they posted has been handled.

    A handled message may start another worker, so this repeats until a full round starts none."""
    started = time.monotonic()
    while True:
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            pass  # a newer job of a group cancels the older one: a cancelled worker is a finished one
        await pilot.pause()
        if not app.workers:
            await pilot.pause()
            if not app.workers:
                return
        _hung("the workers to finish", started)


async def _wait_until(pilot: Any, predicate: Callable[[], bool], what: str = "a condition") -> None:
    """Process events until ``predicate()`` holds; for waits while a (held) worker keeps running."""
    started = time.monotonic()
    while not predicate():
        await pilot.pause()
        _hung(what, started)


@pytest.fixture
def screen_text() -> Callable[[Any], str]:
    return _screen_text


@pytest.fixture
def settle() -> Callable[[Any, Any], Awaitable[None]]:
    """``await settle(app, pilot)``: every worker done and what it posted handled."""
    return _settle


@pytest.fixture
def wait_until() -> Callable[..., Awaitable[None]]:
    """``await wait_until(pilot, predicate, what)``: events processed until the predicate holds."""
    return _wait_until


@pytest.fixture
def notifications(monkeypatch) -> Callable[[Any], list[str]]:
    """``notifications(app)``: a list that receives every message the app notifies from now on.

    Recorded as they are sent: Textual's own list drops a toast when it times out."""

    def record(app: Any) -> list[str]:
        messages: list[str] = []
        notify = app.notify

        def recording(message: Any, *args: Any, **kwargs: Any) -> Any:
            messages.append(str(message))
            return notify(message, *args, **kwargs)

        monkeypatch.setattr(app, "notify", recording)
        return messages

    return record


@pytest.fixture
def fill() -> Callable[[Any, str], Awaitable[None]]:
    """``await fill(pilot, text)``: replace the focused input's text."""

    async def fill_(pilot: Any, text: str) -> None:
        await pilot.press("home", "ctrl+k", *text)

    return fill_


@pytest.fixture
def choose() -> Callable[[Any, Any, Any], Awaitable[None]]:
    """``await choose(app, pilot, key)``: move the open pick list's highlight to ``key`` with the arrows, then enter."""

    async def choose_(app: Any, pilot: Any, key: Any) -> None:
        picker = app.screen
        for _ in range(len(picker.keys) + 1):
            if picker.highlighted_key == key:
                break
            await pilot.press("down")
        assert picker.highlighted_key == key
        await pilot.press("enter")
        await _settle(app, pilot)

    return choose_


@pytest.fixture
def open_view(settle) -> Callable[[Any, Any, str], Awaitable[None]]:
    """``await open_view(app, pilot, "3")``: the app settled, switched with the view's key, settled again."""

    async def open_(app: Any, pilot: Any, key: str) -> None:
        await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)

    return open_


@pytest.fixture
def type_into(settle) -> Callable[[Any, Any, str, str], Awaitable[None]]:
    """``await type_into(pilot, app, key, text)``: open a dialog with ``key``, type ``text`` over the pre-filled
    (selected) value, press enter, and settle."""

    async def type_(pilot: Any, app: Any, key: str, text: str) -> None:
        await pilot.press(key)
        await settle(app, pilot)
        await pilot.press(*list(text), "enter")
        await settle(app, pilot)

    return type_


# -- holding a job mid-way ---------------------------------------------------------------------------------------
class Gate:
    """Holds every call of one function until the test opens it, so a job is "running" at any machine speed."""

    def __init__(self) -> None:
        self.entered = threading.Event()  # a call has reached the gate
        self._open = threading.Event()

    def wrap(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            self.entered.set()
            if not self._open.wait(SAFETY_SECONDS):
                raise AssertionError(f"{fn.__name__} was held and never released")
            return fn(*args, **kwargs)

        return held

    def release(self) -> None:
        self._open.set()


@pytest.fixture
def hold(monkeypatch) -> Iterator[Callable[[Any, str], Gate]]:
    """``gate = hold(module, "name")``: calls of ``module.name`` wait until ``gate.release()``.

    Release before leaving ``app.run_test()``; every gate is also released at teardown so no thread is left hanging."""
    gates: list[Gate] = []

    def hold_(target: Any, name: str) -> Gate:
        gate = Gate()
        monkeypatch.setattr(target, name, gate.wrap(getattr(target, name)))
        gates.append(gate)
        return gate

    yield hold_
    for gate in gates:
        gate.release()


# -- the real console script in tmux -------------------------------------------------------------------------------
TMUX = shutil.which("tmux")


def _console_script() -> str:
    script = Path(sys.executable).with_name("wit-tui")
    assert script.exists(), f"console script not installed next to {sys.executable}"
    return str(script)


class Tmux:
    """One tmux server running ``command``: keys in with send-keys, the screen out with capture-pane.

    Another process's screen is only visible by reading it, so the waits poll it; the timeout is a cap."""

    def __init__(self, width: int, height: int, command: str, env: dict[str, str]) -> None:
        assert TMUX, "tmux is required for the end-to-end test"
        self.name = f"wit-{uuid.uuid4().hex[:8]}"
        self.socket = f"wit-test-{uuid.uuid4().hex[:8]}"
        exports = " ".join(f"{k}={v!s}" for k, v in env.items())
        pane = f"env {exports} TERM=xterm-256color {command}; sleep 30"
        subprocess.run(
            [TMUX, "-L", self.socket, "new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), pane],
            check=True,
        )

    def keys(self, *keys: str) -> None:
        assert TMUX
        subprocess.run([TMUX, "-L", self.socket, "send-keys", "-t", self.name, *keys], check=True)

    def capture(self) -> str:
        assert TMUX
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
        if TMUX:
            subprocess.run([TMUX, "-L", self.socket, "kill-server"], check=False, capture_output=True)


@dataclass(frozen=True)
class TmuxKit:
    """What a test needs to drive the console script in tmux: the binary (None when absent) and the pieces."""

    path: str | None
    Tmux: type[Tmux]
    console_script: Callable[[], str]


@pytest.fixture
def tmux() -> TmuxKit:
    return TmuxKit(TMUX, Tmux, _console_script)


@pytest.fixture
def files(tmp_path):
    """A small data file and a skops Pipeline on it: the files the autosave tests (engine, app, killed process) open."""
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
