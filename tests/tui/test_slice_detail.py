"""D on the slice table: the highlighted slice's curves, confusion matrices (at the thresholds the decisions give
that slice, per-slice ones included) and reliability diagram, read on screen; the counts are sklearn's
``confusion_matrix`` on that slice's rows; escape closes."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import confusion_matrix

from wit_tui.engine.analysis.ground_truth import ground_truth, model_scores
from wit_tui.engine.analysis.model_calibration import session_calibration
from wit_tui.engine.slicing import slice_by
from wit_tui.render.format import num
from wit_tui.tui.app import WitApp
from wit_tui.tui.dialogs.slice_detail import SliceDetailScreen
from wit_tui.tui.views.performance.slices import SlicesPanel


async def _read_dialog(app, pilot, screen_text, settle) -> str:
    """Every line the dialog shows from its top to its end, paging down as a user would."""
    seen: list[str] = []
    for _ in range(8):
        seen += screen_text(app).splitlines()
        await pilot.press("pagedown")
        await settle(app, pilot)
    return "\n".join(seen)


def _sklearn_counts(session, truth, i: int, rows: np.ndarray, threshold: float) -> tuple[int, ...]:
    score = model_scores(session, truth, i)
    keep = rows & truth.labelled & ~np.isnan(score)
    cm = confusion_matrix(truth.positives[keep], score[keep] >= threshold, labels=[False, True])
    return tuple(int(v) for v in cm.ravel())


@pytest.mark.parametrize("size", [(80, 24)])  # one size per test, both sizes per feature
async def test_d_shows_the_slices_confusion_counts_curves_and_calibration(
    adult_session, open_view, screen_text, settle, type_into, size
):
    s = adult_session
    truth = ground_truth(s)
    slicing = slice_by(s.data, ["sex"], rows=truth.labelled)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await type_into(pilot, app, "b", "sex")
        panel = app.query_one(SlicesPanel)
        k = panel.highlighted_slice()
        assert k is not None
        # this slice its own threshold: the dialog's matrices are at it, the other slice's are not
        await pilot.press("plus")
        await settle(app, pilot)
        per_slice = app.decisions.slice_thresholds(panel.state.slices.key)
        assert per_slice is not None
        await pilot.press("D")
        await settle(app, pilot)
        assert isinstance(app.screen, SliceDetailScreen)
        text = await _read_dialog(app, pilot, screen_text, settle)
        assert f"Slice {slicing.name(k)}" in text and "ROC on this slice" in text and "Reliability" in text
        # a line of the dialog: what is inside its border (the screen behind shows at its sides)
        for i, name in enumerate(s.model_names):
            t = float(per_slice[i][k])
            assert t != 0.5
            tn, fp, fn, tp = _sklearn_counts(s, truth, i, slicing.codes == k, t)
            assert f"{name}: confusion matrix at {t:.4f}" in text
            assert any(f"TN {tn:,} " in line and f"FP {fp:,} " in line for line in text.splitlines())
            assert any(f"FN {fn:,} " in line and f"TP {tp:,} " in line for line in text.splitlines())
            cal = session_calibration(s, i, slicing.codes, slicing.n_slices)[k]
            assert any(
                line.split("│", 1)[-1].strip().startswith(f"{name} ")
                and num(cal.ece) in line
                and num(cal.brier_score) in line
                for line in text.splitlines()
            )
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, SliceDetailScreen)


@pytest.mark.parametrize("size", [(160, 50)])
async def test_d_without_slices_says_why(adult_session, open_view, settle, size):
    app = WitApp(adult_session)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        await pilot.press("d")
        await settle(app, pilot)
        panel = app.query_one(SlicesPanel)
        assert not panel.can("slice_detail")
        assert "no slices yet" in panel.why_not("slice_detail", ())
        await pilot.press("D")
        await settle(app, pilot)
        assert not isinstance(app.screen, SliceDetailScreen)
