"""User data on screen is text: hostile names and values start the app, every screen shows them literally and
none puts a raw control character on the terminal; a row holding ±inf can be selected and asked about."""

from __future__ import annotations

import asyncio

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from rich.control import strip_control_codes
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder

from tests.conftest import _screen_text, _settle
from tests.strategies import hostile_frames, raw_controls
from wit_tui.engine.data.loading import LoadedModel
from wit_tui.engine.session.session import Session
from wit_tui.render.text import printable
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions

pytestmark = pytest.mark.usefixtures("one_openmp_thread")

bad_input = pytest.mark.bad_input


def _session(frame: pd.DataFrame, num: str, cat: str, model_name: str, fit_on: pd.DataFrame | None = None) -> Session:
    train = frame if fit_on is None else fit_on
    model = make_pipeline(
        ColumnTransformer([("c", OneHotEncoder(handle_unknown="ignore"), [cat])], remainder="passthrough"),
        LogisticRegression(max_iter=200),
    ).fit(train[[num, cat]], train["y"])
    return Session(frame, [LoadedModel(model_name, model)], label="y", name="data")


def _visible(name: str) -> set[str]:
    """How a name may be shown: every control as its symbol, or, where a view built a rich ``Text`` of it first,
    without the five controls rich itself drops (BEL, BS, VT, FF, CR); never raw either way."""
    return {printable(name), printable(strip_control_codes(name))}


async def _visit(session: Session, keys: list[str]) -> dict[str, str]:
    """Start the app, press each key (settling after each), and return the screen after each key."""
    app = WitApp(session, RunOptions(autosave=False))
    screens: dict[str, str] = {}
    async with app.run_test(size=(160, 44)) as pilot:
        await _settle(app, pilot)
        screens["start"] = _screen_text(app)
        for n, key in enumerate(keys):
            await pilot.press(key)
            await _settle(app, pilot)
            screens[f"{n}:{key}"] = _screen_text(app)
    return screens


@bad_input
@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: each example starts the whole app
)
@given(hostile_frames(n=80))
def test_hostile_names_and_values_on_every_screen(drawn):
    """Start, select rows, open the counterfactual and the other panels, visit the three screens: no crash, the
    names shown as written (``weight [kg]`` stays ``weight [kg]``), escape sequences only as visible symbols."""
    frame, num, cat = drawn
    model_name = f"m{cat[:10]}"
    keys = ["j", "j", "c", "a", "p", "m", "d", "j", "e", "escape", "t", "K", "2", "3", "1"]  # e: the value picker
    screens = asyncio.run(_visit(_session(frame, num, cat, model_name), keys))
    for where, text in screens.items():
        assert not raw_controls(text), where
    datapoints = screens["start"]
    picker = screens[f"{keys.index('e')}:e"]
    assert any(printable(v)[:12] in picker for v in frame[cat].unique())
    features = screens[f"{keys.index('3')}:3"]
    for name in (num, cat):
        forms = _visible(name)
        assert any(f[:12] in datapoints for f in forms)  # the table's and the inspector's columns may cut a name
        assert any(f in features for f in forms)
    assert any(f[:8] in screens[f"{keys.index('2')}:2"] for f in _visible(model_name))


@bad_input
def test_a_row_holding_inf_in_a_used_column_can_be_selected_and_asked_about():
    """Row 0 holds inf in a column the model uses (the model cannot score it): the app starts on it, shows the
    value, and the counterfactual and attributions say why they cannot be computed; other rows work as ever."""
    rng = np.random.default_rng(5)
    n = 120
    frame = pd.DataFrame({"weight [kg]": rng.normal(70, 10, n), "job": rng.choice(["a", "b", "c"], n)})
    frame["y"] = (frame["weight [kg]"] > 70).astype(int)
    fit_on = frame.copy()
    frame.loc[0, "weight [kg]"] = np.inf
    keys = ["c", "a", "p", "d", "plus", "t", "J", "c"]
    screens = asyncio.run(_visit(_session(frame, "weight [kg]", "job", "lr", fit_on), keys))
    start = screens["start"]
    assert "weight [kg]" in start and "∞" in start
    assert "cannot score" in screens["0:c"] and "nearest counterfactual" in screens["0:c"]
    assert "cannot score" in screens["1:a"] and "attributions" in screens["1:a"]
    assert "ICE of weight [kg]" in screens["2:p"]  # varying the infinite feature itself is a fair question
    assert "weight [kg] is inf here: a step from it stays" in screens["4:plus"]  # + on it: said, nothing changed
    assert "Nearest counterfactual of #1" in screens["7:c"]
