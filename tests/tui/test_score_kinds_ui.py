"""The performance screen with two models that score differently (each its own threshold, range and note), and
with a label of none of the model's classes (the same message as the headless commands; the editor still works)."""

from __future__ import annotations

import numpy as np
import pytest

from wit_tui.engine import open_session
from wit_tui.engine.analysis.performance import model_performance
from wit_tui.engine.session.session import Session
from wit_tui.render.format import fmt
from wit_tui.render.tables import thr
from wit_tui.tui.app import WitApp
from wit_tui.tui.options import RunOptions

pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


@pytest.mark.bad_input
async def test_probabilities_and_margins_each_keep_their_own_threshold(
    lr_svc_files, open_view, screen_text, settle, type_into
):
    f = lr_svc_files
    s = open_session([f["lr"], f["svc"]], f["data"], f["label"], names=["lr", "svc"])
    app = WitApp(s, RunOptions(autosave=False, thresholds=(0.5, -0.25)))  # as --threshold svc=-0.25 gives
    async with app.run_test(size=(160, 45)) as pilot:
        await open_view(app, pilot, "2")
        text = screen_text(app)
        assert f"svc: margins (decision_function), threshold {thr(-0.25)}" in text
        assert f"lr {thr(0.5)}" in text and "lr: margins" not in text
        assert fmt(model_performance(s, 1, -0.25).binary.recall) in text
        # one nudge moves both, the probability clamped to [0, 1], the margin free
        await type_into(pilot, app, "t", "1.0, 2.5")
        text = screen_text(app)
        assert f"svc: margins (decision_function), threshold {thr(2.5)}" in text and f"lr {thr(1.0)}" in text
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        assert app.decisions.thresholds == (1.0, 2.51)
        # each model's range: a margin above 1 is fine, a probability above 1 is not
        await type_into(pilot, app, "t", "1.5, 0")
        assert "from 0 to 1 for probability scores, not 1.5" in screen_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.decisions.thresholds == (1.0, 2.51)
        # a reset goes back to where the command line started them, each on its own scale
        await pilot.press("r")
        await settle(app, pilot)
        assert app.decisions.thresholds == (0.5, -0.25)


@pytest.mark.bad_input
async def test_a_label_of_none_of_the_classes_is_said_on_the_performance_screen(
    wine_session, open_view, screen_text, settle
):
    frame = wine_session.data.copy()
    frame["flag"] = np.arange(len(frame)) % 2
    s = Session(frame, wine_session.models, label="flag", features=wine_session.features, name="wine flag")
    app = WitApp(s, RunOptions(autosave=False))
    async with app.run_test(size=(160, 45)) as pilot:
        await open_view(app, pilot, "2")
        text = " ".join(screen_text(app).split())
        assert "Cannot evaluate:" in text
        assert "The label column 'flag' holds none of the model's classes: its values are 0, 1 (2 distinct)" in text
        assert "ValueError" not in text
        await open_view(app, pilot, "1")
        text = screen_text(app)
        assert "Datapoint 0" in text and wine_session.model_names[0] in text
