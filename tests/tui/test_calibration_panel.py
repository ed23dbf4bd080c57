"""Screen 2's calibration panel (C), pressing real keys: each model's ECE / Brier / log loss read on screen are the
engine's, the reliability diagram is drawn with its diagonal, U switches the bins, a slicing adds per-slice rows,
and a margins model says why it has none."""

from __future__ import annotations

import numpy as np
import plotext
import pytest

from wit_tui.engine import open_session
from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.model_calibration import session_calibration
from wit_tui.engine.metrics.calibration import NOT_PROBABILITIES, calibration
from wit_tui.engine.slicing import slice_by
from wit_tui.render.figures import ReliabilityFigure
from wit_tui.render.figures.base import printable_canvas
from wit_tui.render.format import num
from wit_tui.tui.app import WitApp
from wit_tui.tui.views.performance.calibration import CalibrationPanel


def _row(text: str, name: str) -> str:
    """The first table row of model ``name`` (a line that starts with it, past the panel's edge)."""
    found = [line for line in text.splitlines() if line.strip().startswith(f"{name} ")]
    assert found, f"no row of {name!r} in:\n{text}"
    return found[0]


async def _open_calibration(app, pilot, open_view, settle) -> CalibrationPanel:
    await open_view(app, pilot, "2")
    await pilot.press("C")
    await settle(app, pilot)
    panel = app.query_one(CalibrationPanel)
    assert panel.display and app.query_one("#view-performance").panel == "calibration"
    return panel


@pytest.mark.parametrize("size", [(80, 24)])  # one size per test, both sizes per feature
async def test_c_shows_each_models_calibration_as_the_engine_computes_it(
    adult_session, open_view, screen_text, settle, type_into, size
):
    s = adult_session
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await _open_calibration(app, pilot, open_view, settle)
        text = screen_text(app)
        for i, name in enumerate(s.model_names):
            c = session_calibration(s, i)[0]
            line = _row(text, name)
            assert f"{c.n:,}" in line and num(c.ece) in line and num(c.brier_score) in line and num(c.log_loss) in line
        assert "Reliability" in text and "10 uniform bins" in text
        # U: the diagram's bins by quantile (the ECE keeps its equal-width bins)
        await pilot.press("U")
        await settle(app, pilot)
        text = screen_text(app)
        assert "10 quantile bins" in text
        c = session_calibration(s, 0)[0]
        assert num(c.ece) in _row(text, s.model_names[0])
        # a slicing: each slice's numbers for both models under the diagram
        await type_into(pilot, app, "b", "sex")
        await pilot.press("C")
        await settle(app, pilot)
        await pilot.press("end")  # the panel scrolls to the per-slice table
        await settle(app, pilot)
        text = screen_text(app)
        truth = ground_truth(s)
        slicing = slice_by(s.data, ["sex"], rows=truth.labelled)
        assert "By sex" in text
        for i, name in enumerate(s.model_names):
            per = session_calibration(s, i, slicing.codes, slicing.n_slices)
            for k in range(slicing.n_slices):
                want = (num(per[k].ece), num(per[k].brier_score), num(per[k].log_loss))
                rows = [line for line in text.splitlines() if f" {name} " in line and all(w in line for w in want)]
                assert rows, f"slice {slicing.name(k)} of {name}: {want} not on screen:\n{text}"


def test_the_figure_draws_the_diagonal_and_every_bin():
    y = np.array([0, 0, 1, 1, 1, 0, 1, 0] * 10, dtype=bool)
    p = np.linspace(0.05, 0.95, len(y))
    fig = ReliabilityFigure.of_calibrations(["m"], [calibration(y, p)])
    calls = []

    class Spy:
        def __getattr__(self, name):
            def call(*args, **kwargs):
                calls.append((name, args, kwargs))
                return getattr(plotext, name)(*args, **kwargs)

            return call

    fig.draw(printable_canvas(Spy()), 60)
    assert any(n == "plot" and a == ([0, 1], [0, 1]) and kw.get("marker") == "dot" for n, a, kw in calls)
    dots = [a for n, a, kw in calls if n == "scatter" and kw.get("marker") == "●"]
    assert len(dots) == 1 and len(dots[0][0]) == len(fig.curves[0].x) == 10


@pytest.mark.bad_input
@pytest.mark.parametrize("size", [(160, 50)])
async def test_a_margins_model_says_it_has_no_calibration(lr_svc_files, open_view, screen_text, settle, size):
    f = lr_svc_files
    s = open_session([f["lr"], f["svc"]], f["data"], f["label"], names=["lr", "svc"])
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await _open_calibration(app, pilot, open_view, settle)
        text = screen_text(app)
        lr = session_calibration(s, 0)[0]
        assert num(lr.ece) in _row(text, "lr")
        assert _row(text, "svc").split()[2:] == ["–", "–", "–"]
        assert "svc: the scores are decision_function margins" in " ".join(text.split())
        assert NOT_PROBABILITIES.startswith("the scores are decision_function margins")
