"""Screen 2's intervals read on screen, pressing real keys: the overview's, a slice's (I) and the fairness gaps'
are the engine's numbers as formatted, bracket the point, and follow a threshold move."""

from __future__ import annotations

import numpy as np
import pytest

from wit_tui.engine.analysis.ground_truth import ground_truth
from wit_tui.engine.analysis.metric_intervals import slice_metric_intervals
from wit_tui.engine.analysis.performance import model_performance, slice_indexes, truth_index
from wit_tui.engine.metrics.fairness import SUMMARY_RATES, fairness_summary
from wit_tui.engine.metrics.slice_intervals import DEFAULT_INTERVALS, gap_intervals
from wit_tui.engine.slicing import slice_by
from wit_tui.render.intervals import interval_text
from wit_tui.render.tables import num
from wit_tui.tui.app import WitApp
from wit_tui.tui.views.performance import overview as overview_module


def _line_with(text: str, *needles: str) -> str:
    """The one screen line holding every needle (a row of a table)."""
    found = [line for line in text.splitlines() if all(n in line for n in needles)]
    assert found, f"no line with {needles!r} in:\n{text}"
    return found[0]


def _text(interval) -> str:
    return interval_text(interval.low, interval.high)


def _brackets(shown: str, point: float) -> bool:
    low, high = (float(v) for v in shown.rstrip("%").split("–"))
    return low <= point <= high


def _overall(session, truth, i: int, threshold: float) -> dict:
    codes = np.zeros(len(truth.labelled), dtype=np.int64)
    return slice_metric_intervals(session, i, codes, 1, threshold, truth=truth)


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_intervals_in_the_overview_the_slice_table_and_the_fairness_summary(
    adult_session, open_view, screen_text, settle, type_into, size
):
    s = adult_session
    truth = ground_truth(s)
    app = WitApp(s)
    async with app.run_test(size=size) as pilot:
        await open_view(app, pilot, "2")
        text = screen_text(app)
        assert "95% CI" in text and "95% intervals: Wilson for rates" in text
        # the overview: a rate's Wilson interval and the AUC's DeLong (from the worker) are the engine's
        ivs = _overall(s, truth, 0, 0.5)
        m = model_performance(s, 0, 0.5).binary
        auc = truth_index(s, truth, 0).value("auc")
        acc, auc_ci = _text(ivs["accuracy"].at(0)), _text(ivs["auc"].at(0))
        assert acc in _line_with(text, "accuracy", num(m.accuracy)) and _brackets(acc, m.accuracy)
        assert auc_ci in _line_with(text, "ROC AUC", num(auc)) and _brackets(auc_ci, float(auc))
        # a threshold move: the Wilson interval follows it at once
        await pilot.press("right_square_bracket")
        await settle(app, pilot)
        text = screen_text(app)
        moved = _overall(s, truth, 0, 0.51)
        m = model_performance(s, 0, 0.51).binary
        recall = _text(moved["recall"].at(0))
        assert recall != _text(ivs["recall"].at(0))
        assert recall in _line_with(text, "recall (TPR)", num(m.recall)) and _brackets(recall, m.recall)
        # the slice table: I puts each metric's interval beside it
        await type_into(pilot, app, "b", "sex")
        assert "95% CI" not in _line_with(screen_text(app), "sex", "pos")
        await pilot.press("I")
        await settle(app, pilot)
        text = screen_text(app)
        slicing = slice_by(s.data, ["sex"], rows=truth.labelled)
        per_slice = slice_metric_intervals(s, 0, slicing.codes, slicing.n_slices, 0.51, truth=truth)
        sidx = slice_indexes(s, truth, slicing.codes, slicing.n_slices)
        for k, label in enumerate(slicing.labels):
            counts = sidx[0].counts_at(np.full(slicing.n_slices, 0.51))[k]
            pos = (counts[1] + counts[3]) / counts.sum()
            shown = _text(per_slice["selection_rate"].at(k))
            assert shown in _line_with(text, label[0], num(pos)) and _brackets(shown, pos)
        table = app.query_one("#slices-table")
        for k in range(slicing.n_slices):  # the AUC's (DeLong, the worker's), off screen at 80 columns
            row = table.get_row(f"r{view_order(app).index(k)}")
            keys = list(table.columns)
            assert row[keys.index("ci:auc@0")].plain == _text(per_slice["auc"].at(k))
        # the fairness summary: the demographic parity difference with its bootstrap interval
        counts = sidx[0].counts_at(np.full(slicing.n_slices, 0.51))
        gaps = gap_intervals(counts, SUMMARY_RATES, DEFAULT_INTERVALS)
        dpd = fairness_summary(counts, [slicing.name(k) for k in range(slicing.n_slices)]).gaps[
            "demographic_parity_difference"
        ]
        dpd_ci = interval_text(gaps["demographic_parity_difference"].low, gaps["demographic_parity_difference"].high)
        label = "DP difference" if size[0] < 100 else "demographic parity difference"
        text = await _scrolled_to(app, pilot, screen_text, label)
        assert dpd_ci in _line_with(text, label, num(dpd)) and _brackets(dpd_ci, dpd)
        await pilot.press("I")  # off again: the table loses the interval columns
        await settle(app, pilot)
        assert not any(str(key).startswith("ci:") for key in app.query_one("#slices-table").columns)


def view_order(app) -> list[int]:
    return list(app.query_one("#view-performance").slices.slice_order)


async def _scrolled_to(app, pilot, screen_text, needle: str) -> str:
    """The fairness summary scrolled until ``needle`` is on screen (it sits under the slice table)."""
    scroll = app.query_one("#fair-scroll")
    for y in range(0, 200, 3):
        scroll.scroll_to(y=y, animate=False, immediate=True)
        await pilot.pause()
        text = screen_text(app)
        if needle in text:
            return text
    raise AssertionError(f"{needle!r} never scrolled into view")


@pytest.mark.parametrize("demo", ["wine_session", "diabetes_session"])
async def test_multiclass_and_regression_overviews_show_what_intervals_there_are(
    demo, request, open_view, screen_text, settle
):
    s = request.getfixturevalue(demo)
    truth = ground_truth(s)
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_view(app, pilot, "2")
        text = screen_text(app)
        assert "95% CI" in text
        codes = np.zeros(len(truth.labelled), dtype=np.int64)
        found = slice_metric_intervals(s, 0, codes, 1, truth=truth)
        label = {"accuracy": "accuracy", "mae": "MAE", "r2": "R²"}
        for key, row in label.items():
            if key in found:
                assert _text(found[key].at(0)) in _line_with(text, row)
        await pilot.press("I")
        await settle(app, pilot)
        assert "95% CI" not in screen_text(app)


async def test_worker_intervals_read_pending_while_the_rates_follow_the_threshold(
    adult_session, hold, screen_text, settle, wait_until
):
    s = adult_session
    truth = ground_truth(s)
    gate = hold(overview_module, "overall_intervals")  # DeLong and the row bootstraps stay computing
    app = WitApp(s)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not gate.entered.is_set()  # hidden, the screen starts no interval job (CPU for nothing)
        await pilot.press("2")
        await wait_until(pilot, gate.entered.is_set, "the interval job to start once the screen is shown")
        await wait_until(pilot, lambda: "ROC AUC" in screen_text(app), "the overview")
        await pilot.press("right_square_bracket")  # inline: no worker needed for the rates
        await wait_until(pilot, lambda: "logreg 0.5100" in screen_text(app), "the threshold move")
        text = screen_text(app)
        assert "…" in _line_with(text, "ROC AUC") and "…" in _line_with(text, "average precision")
        moved = _overall(s, truth, 0, 0.51)
        assert _text(moved["accuracy"].at(0)) in _line_with(text, "accuracy")
        gate.release()
        await settle(app, pilot)
        text = screen_text(app)
        assert "…" not in _line_with(text, "ROC AUC")
        assert _text(moved["auc"].at(0)) in _line_with(text, "ROC AUC")
